unsigned hot(const unsigned* a, unsigned n, unsigned rounds);
unsigned warm(const unsigned* a, unsigned n, unsigned rounds);
unsigned cold(unsigned x);
