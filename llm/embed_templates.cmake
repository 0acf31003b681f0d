# Writes template_data.cpp: one `std::string_view template_data_<name>()` per file.
# A copy of flags/embed_data.cmake's approach (raw string literal per file); the
# delimiter is one no template will contain.
set(content "// Generated from llm/templates/*.txt by embed_templates.cmake. Do not edit.\n#include <string_view>\nnamespace llmcc {\n")
string(REPLACE "|" ";" INPUTS "${INPUTS}")
foreach(f ${INPUTS})
  get_filename_component(name ${f} NAME_WE)
  file(READ ${f} data)
  string(FIND "${data}" ")llmcctmpl\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "${f} contains the raw-string delimiter )llmcctmpl\"")
  endif()
  string(APPEND content "std::string_view ${PREFIX}${name}() {\n  static const char text[] = R\"llmcctmpl(${data})llmcctmpl\";\n  return {text, sizeof(text) - 1};\n}\n")
endforeach()
string(APPEND content "} // namespace llmcc\n")
file(WRITE ${OUT} "${content}")
