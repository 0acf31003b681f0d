# llmcc CMake module: route compiles through llmcc and add tuning targets.
#
# Use it through the package (installed into <prefix>/lib/cmake/llmcc):
#   find_package(llmcc REQUIRED)
# or straight from a source checkout:
#   include(/path/to/llmcc/cmake-module/llmcc.cmake)
#
#   llmcc_enable([TARGETS <target>...] [LANGUAGES C CXX])
#     With TARGETS, sets <LANG>_COMPILER_LAUNCHER (and, with CMake 3.21 or newer,
#     <LANG>_LINKER_LAUNCHER) on those targets. Without, sets the matching
#     CMAKE_<LANG>_..._LAUNCHER variables in the calling directory scope, so every
#     target created after the call (here and in subdirectories) compiles and
#     links through llmcc. LANGUAGES defaults to C and CXX. Links are recorded so
#     `llmcc tune` knows which objects make up the benchmark.
#
#   llmcc_add_tuning(TARGET <bench-executable>
#                    [BENCH_ARGS <arg>...] [VERIFY_COMMAND <cmd> <arg>...]
#                    [OBJECTIVE time|size|instructions] [BUDGET <n>] [TIME <duration>]
#                    [PLANNER <name>] [SEED <n>] [TUS <source>...] [EXTRA_ARGS <arg>...]
#                    [NAME <custom-target>])
#     Adds the custom target llmcc-tune-<target> (or NAME), which builds the
#     benchmark, runs `llmcc tune` for it against this build directory and then
#     rebuilds it so the winners are in the binaries. Generator expressions work
#     in BENCH_ARGS and VERIFY_COMMAND (e.g. $<TARGET_FILE:my_tests>).
#
# The llmcc program is found through the cache variable LLMCC_EXECUTABLE
# (set it with -DLLMCC_EXECUTABLE=/path/to/llmcc to pick a specific build).
include_guard(GLOBAL)

set(_llmcc_hints)
if(DEFINED llmcc_PACKAGE_BIN_DIR)
  list(APPEND _llmcc_hints "${llmcc_PACKAGE_BIN_DIR}")
endif()
# A source checkout: cmake-module/ sits next to the default build directory.
list(APPEND _llmcc_hints "${CMAKE_CURRENT_LIST_DIR}/../build/bin")
find_program(LLMCC_EXECUTABLE NAMES llmcc HINTS ${_llmcc_hints} DOC "llmcc compiler wrapper")
unset(_llmcc_hints)

function(_llmcc_require_executable)
  if(NOT LLMCC_EXECUTABLE)
    message(FATAL_ERROR "llmcc: the llmcc program was not found; set LLMCC_EXECUTABLE "
                        "(-DLLMCC_EXECUTABLE=/path/to/llmcc) or add it to PATH")
  endif()
endfunction()

function(_llmcc_is_llmcc out path)
  get_filename_component(_name "${path}" NAME)
  if(_name MATCHES "^llmcc(\\+\\+)?$")
    set(${out} TRUE PARENT_SCOPE)
  else()
    set(${out} FALSE PARENT_SCOPE)
  endif()
endfunction()

function(llmcc_enable)
  cmake_parse_arguments(PARSE_ARGV 0 ARG "" "" "TARGETS;LANGUAGES")
  if(ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "llmcc_enable: unexpected arguments: ${ARG_UNPARSED_ARGUMENTS}")
  endif()
  _llmcc_require_executable()
  if(NOT ARG_LANGUAGES)
    set(ARG_LANGUAGES C CXX)
  endif()
  set(kinds COMPILER)
  if(NOT CMAKE_VERSION VERSION_LESS 3.21)
    list(APPEND kinds LINKER)
  endif()
  foreach(lang IN LISTS ARG_LANGUAGES)
    # When llmcc already is the compiler (CC=llmcc), a launcher would wrap it twice.
    _llmcc_is_llmcc(already "${CMAKE_${lang}_COMPILER}")
    if(already)
      continue()
    endif()
    foreach(kind IN LISTS kinds)
      set(property ${lang}_${kind}_LAUNCHER)
      if(ARG_TARGETS)
        foreach(target IN LISTS ARG_TARGETS)
          if(NOT TARGET ${target})
            message(FATAL_ERROR "llmcc_enable: no target named '${target}'")
          endif()
          get_target_property(existing ${target} ${property})
          if(existing AND NOT existing STREQUAL LLMCC_EXECUTABLE)
            # llmcc must see the real compiler as its next word; chaining another
            # launcher (ccache) behind it would make that launcher "the compiler".
            message(WARNING "llmcc_enable: replacing ${property} '${existing}' of ${target}")
          endif()
          set_property(TARGET ${target} PROPERTY ${property} "${LLMCC_EXECUTABLE}")
        endforeach()
      else()
        if(CMAKE_${property} AND NOT CMAKE_${property} STREQUAL LLMCC_EXECUTABLE)
          message(WARNING "llmcc_enable: replacing CMAKE_${property} '${CMAKE_${property}}'")
        endif()
        set(CMAKE_${property} "${LLMCC_EXECUTABLE}" PARENT_SCOPE)
      endif()
    endforeach()
  endforeach()
endfunction()

# Quotes words for `llmcc tune`, which splits its --bench/--verify strings like a
# POSIX shell (without running one). Generator expressions pass through unquoted
# so they can still be evaluated; their values must not contain spaces.
function(_llmcc_shell_join out)
  set(words)
  foreach(word IN LISTS ARGN)
    if(word MATCHES "^[A-Za-z0-9_./=:,+@%-]+$" OR word MATCHES "^\\$<.*>$")
      list(APPEND words "${word}")
    else()
      string(REPLACE "'" "'\\''" escaped "${word}")
      list(APPEND words "'${escaped}'")
    endif()
  endforeach()
  list(JOIN words " " joined)
  set(${out} "${joined}" PARENT_SCOPE)
endfunction()

function(llmcc_add_tuning)
  cmake_parse_arguments(PARSE_ARGV 0 ARG ""
    "TARGET;OBJECTIVE;BUDGET;TIME;PLANNER;SEED;NAME"
    "BENCH_ARGS;VERIFY_COMMAND;TUS;EXTRA_ARGS")
  if(ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "llmcc_add_tuning: unexpected arguments: ${ARG_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT ARG_TARGET)
    message(FATAL_ERROR "llmcc_add_tuning: TARGET <benchmark executable> is required")
  endif()
  if(NOT TARGET ${ARG_TARGET})
    message(FATAL_ERROR "llmcc_add_tuning: no target named '${ARG_TARGET}'")
  endif()
  get_target_property(type ${ARG_TARGET} TYPE)
  if(NOT type STREQUAL "EXECUTABLE")
    message(FATAL_ERROR "llmcc_add_tuning: ${ARG_TARGET} is a ${type}; the benchmark must be an executable")
  endif()
  _llmcc_require_executable()
  if(NOT ARG_NAME)
    set(ARG_NAME "llmcc-tune-${ARG_TARGET}")
  endif()

  # Tuning only sees compiles that go through llmcc.
  get_target_property(launcher ${ARG_TARGET} CXX_COMPILER_LAUNCHER)
  _llmcc_is_llmcc(launcher_is_llmcc "${launcher}")
  _llmcc_is_llmcc(cxx_is_llmcc "${CMAKE_CXX_COMPILER}")
  _llmcc_is_llmcc(c_is_llmcc "${CMAKE_C_COMPILER}")
  if(NOT launcher_is_llmcc AND NOT cxx_is_llmcc AND NOT c_is_llmcc)
    get_target_property(c_launcher ${ARG_TARGET} C_COMPILER_LAUNCHER)
    _llmcc_is_llmcc(c_launcher_is_llmcc "${c_launcher}")
    if(NOT c_launcher_is_llmcc)
      message(WARNING "llmcc_add_tuning: ${ARG_TARGET} does not compile through llmcc; "
                      "call llmcc_enable() before defining it (or use CC=llmcc CXX=llmcc++)")
    endif()
  endif()

  get_property(multi_config GLOBAL PROPERTY GENERATOR_IS_MULTI_CONFIG)
  set(build_cmd "${CMAKE_COMMAND}" --build "${CMAKE_BINARY_DIR}" --target ${ARG_TARGET})
  if(multi_config)
    list(APPEND build_cmd --config "$<CONFIG>")
  endif()

  _llmcc_shell_join(bench "$<TARGET_FILE:${ARG_TARGET}>" ${ARG_BENCH_ARGS})
  set(tune "${LLMCC_EXECUTABLE}" tune --build-dir "${CMAKE_BINARY_DIR}" --target ${ARG_TARGET} --bench "${bench}")
  if(ARG_VERIFY_COMMAND)
    _llmcc_shell_join(verify ${ARG_VERIFY_COMMAND})
    list(APPEND tune --verify "${verify}")
  endif()
  if(multi_config)
    # Without it the tuner would rebuild the generator's default configuration,
    # not the one this target is being built for.
    _llmcc_shell_join(build_string ${build_cmd})
    list(APPEND tune --build-cmd "${build_string}")
  endif()
  foreach(opt OBJECTIVE BUDGET TIME PLANNER SEED)
    if(DEFINED ARG_${opt} AND NOT ARG_${opt} STREQUAL "")
      string(TOLOWER "${opt}" flag)
      list(APPEND tune --${flag} "${ARG_${opt}}")
    endif()
  endforeach()
  foreach(tu IN LISTS ARG_TUS)
    get_filename_component(tu_abs "${tu}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    list(APPEND tune --tu "${tu_abs}")
  endforeach()
  list(APPEND tune ${ARG_EXTRA_ARGS})

  add_custom_target(${ARG_NAME}
    COMMAND ${tune}
    # The tuner leaves the tree built with the winners already; building once more
    # makes that a guarantee of this target rather than of the tuner.
    COMMAND ${build_cmd}
    WORKING_DIRECTORY "${CMAKE_BINARY_DIR}"
    USES_TERMINAL
    VERBATIM
    COMMENT "llmcc: tuning ${ARG_TARGET}")
  add_dependencies(${ARG_NAME} ${ARG_TARGET})
endfunction()
