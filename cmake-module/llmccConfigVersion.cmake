# Version check for find_package(llmcc <version>) from a source checkout. The
# installed package carries a generated file of the same name instead.
file(STRINGS "${CMAKE_CURRENT_LIST_DIR}/../CMakeLists.txt" _llmcc_project_line
     REGEX "^project\\(llmcc VERSION [0-9]+\\.[0-9]+")
string(REGEX MATCH "[0-9]+\\.[0-9]+(\\.[0-9]+)?" PACKAGE_VERSION "${_llmcc_project_line}")
unset(_llmcc_project_line)

# Same rule as the installed file (SameMinorVersion): 0.x releases may break.
set(PACKAGE_VERSION_COMPATIBLE FALSE)
set(PACKAGE_VERSION_EXACT FALSE)
if(PACKAGE_VERSION AND NOT PACKAGE_VERSION VERSION_LESS PACKAGE_FIND_VERSION)
  string(REGEX MATCH "^[0-9]+\\.[0-9]+" _llmcc_mm "${PACKAGE_VERSION}")
  if(_llmcc_mm VERSION_EQUAL "${PACKAGE_FIND_VERSION_MAJOR}.${PACKAGE_FIND_VERSION_MINOR}"
     OR NOT PACKAGE_FIND_VERSION)
    set(PACKAGE_VERSION_COMPATIBLE TRUE)
  endif()
  if(PACKAGE_VERSION VERSION_EQUAL PACKAGE_FIND_VERSION)
    set(PACKAGE_VERSION_EXACT TRUE)
  endif()
  unset(_llmcc_mm)
endif()
