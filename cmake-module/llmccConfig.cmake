# Package configuration for find_package(llmcc). Installed into
# <prefix>/lib/cmake/llmcc; also works in place from a source checkout
# (-Dllmcc_DIR=/path/to/llmcc/cmake-module).
get_filename_component(_llmcc_prefix "${CMAKE_CURRENT_LIST_DIR}/../../.." ABSOLUTE)
set(llmcc_PACKAGE_BIN_DIR "${_llmcc_prefix}/bin")
unset(_llmcc_prefix)

include("${CMAKE_CURRENT_LIST_DIR}/llmcc.cmake")

if(NOT LLMCC_EXECUTABLE)
  set(llmcc_FOUND FALSE)
  set(llmcc_NOT_FOUND_MESSAGE
      "the llmcc program was not found next to this package (${llmcc_PACKAGE_BIN_DIR}) or in PATH; "
      "set LLMCC_EXECUTABLE")
endif()
