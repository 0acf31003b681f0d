// placeholder so the library is not empty
