# Helpers shared by every CMakeLists.txt in this project.
#
#   pathmap_add_executable(<name> <source>...)
#       add_executable() plus the project flags (warnings, sanitizers) and, when PATHMAP_JEMALLOC is
#       ON and no sanitizer is active, pathmap::jemalloc. Use it for every test, example, tool and
#       benchmark. It does not link pathmap::trie; do that yourself.
#   pathmap_link_flags(<target>)
#       Links the unexported pathmap_flags target PRIVATE (wrapped in $<BUILD_INTERFACE:...> so
#       installed libraries do not reference it). Use it for every library target.
#   pathmap_export_library(<target> [DEPENDENCIES "<find_dependency arguments>"...])
#       Installs a library into the export set pathmapTargets (namespace pathmap::, the target's
#       EXPORT_NAME is the name after pathmap::) and records what the installed pathmapConfig.cmake
#       must find first, e.g. DEPENDENCIES "CAF COMPONENTS core io".
#   pathmap_discover_tests(<target> PREFIX <prefix> [CONCURRENT] [LABEL <label>] [TIMEOUT <s>])
#       doctest_discover_tests() with the project's defaults: one CTest test per TEST_CASE, named
#       <prefix><case name>, a per-test timeout (default 300 s). CONCURRENT gives the tests the
#       label `concurrent`, which `scripts/dev test` also runs under ThreadSanitizer, and adds the
#       target to the `pathmap_concurrent_tests` build target.
include_guard(GLOBAL)

# -- flags ----------------------------------------------------------------------------------------

# Defines the INTERFACE target pathmap_flags from PATHMAP_WERROR and PATHMAP_SANITIZERS.
function(pathmap_define_flags_target)
  add_library(pathmap_flags INTERFACE)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    message(WARNING "pathmap: compiler ${CMAKE_CXX_COMPILER_ID} is untested; no warning flags set")
    return()
  endif()
  target_compile_options(pathmap_flags INTERFACE -Wall -Wextra -Wpedantic)
  if(PATHMAP_WERROR)
    target_compile_options(pathmap_flags INTERFACE -Werror)
    if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_GREATER_EQUAL 12)
      # g++ 12's flow-sensitive warnings have well-known false positives at -O2 and above (inside
      # libstdc++ too). They stay visible as warnings but do not fail the build.
      target_compile_options(pathmap_flags INTERFACE
        -Wno-error=maybe-uninitialized -Wno-error=array-bounds -Wno-error=stringop-overflow
        -Wno-error=stringop-overread -Wno-error=restrict -Wno-error=dangling-pointer
        -Wno-error=free-nonheap-object)
    endif()
  endif()

  if(PATHMAP_SANITIZERS)
    string(REPLACE "," ";" sanitizers "${PATHMAP_SANITIZERS}")
    foreach(sanitizer IN LISTS sanitizers)
      if(NOT sanitizer MATCHES "^(address|undefined|thread|leak)$")
        message(FATAL_ERROR "pathmap: unknown sanitizer '${sanitizer}' in PATHMAP_SANITIZERS="
                            "'${PATHMAP_SANITIZERS}' (use address,undefined or thread)")
      endif()
    endforeach()
    if("thread" IN_LIST sanitizers AND ("address" IN_LIST sanitizers OR "leak" IN_LIST sanitizers))
      message(FATAL_ERROR "pathmap: ThreadSanitizer cannot be combined with address or leak")
    endif()
    target_compile_options(pathmap_flags INTERFACE
      -fsanitize=${PATHMAP_SANITIZERS} -fno-omit-frame-pointer)
    if("undefined" IN_LIST sanitizers)
      target_compile_options(pathmap_flags INTERFACE -fno-sanitize-recover=all)
    endif()
    target_link_options(pathmap_flags INTERFACE -fsanitize=${PATHMAP_SANITIZERS})
    # Sanitizer builds also check the library's own preconditions (PATHMAP_ASSERT).
    target_compile_definitions(pathmap_flags INTERFACE PATHMAP_ENABLE_ASSERTS)
    message(STATUS "pathmap: sanitizers: ${PATHMAP_SANITIZERS}")
  endif()
endfunction()

function(pathmap_link_flags target)
  target_link_libraries(${target} PRIVATE $<BUILD_INTERFACE:pathmap_flags>)
endfunction()

# -- executables ----------------------------------------------------------------------------------

function(pathmap_add_executable name)
  if(NOT ARGN)
    message(FATAL_ERROR "pathmap_add_executable(${name}): no sources")
  endif()
  add_executable(${name} ${ARGN})
  pathmap_link_flags(${name})
  if(PATHMAP_JEMALLOC AND NOT PATHMAP_SANITIZERS)
    target_link_libraries(${name} PRIVATE pathmap::jemalloc)
  endif()
endfunction()

# -- tests ----------------------------------------------------------------------------------------

function(pathmap_discover_tests target)
  cmake_parse_arguments(arg "CONCURRENT" "PREFIX;LABEL;TIMEOUT" "" ${ARGN})
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "pathmap_discover_tests(${target}): unknown arguments ${arg_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT arg_TIMEOUT)
    set(arg_TIMEOUT 300)
  endif()
  set(label "${arg_LABEL}")
  if(arg_CONCURRENT)
    set(label concurrent)
    if(arg_LABEL)
      message(FATAL_ERROR "pathmap_discover_tests(${target}): CONCURRENT sets the label; drop LABEL")
    endif()
    add_dependencies(pathmap_concurrent_tests ${target})
    set_property(GLOBAL APPEND PROPERTY PATHMAP_CONCURRENT_TEST_TARGETS ${target})
  endif()
  set(properties TIMEOUT ${arg_TIMEOUT})
  if(label)
    list(APPEND properties LABELS ${label})
  endif()
  doctest_discover_tests(${target} TEST_PREFIX "${arg_PREFIX}" PROPERTIES ${properties})
endfunction()

# Writes <build>/pathmap-concurrent-targets.txt: the test targets registered as CONCURRENT, one a
# line (empty when there are none). scripts/dev reads it to decide whether the TSan step runs.
function(pathmap_write_concurrent_targets_file)
  get_property(targets GLOBAL PROPERTY PATHMAP_CONCURRENT_TEST_TARGETS)
  list(JOIN targets "\n" text)
  if(text)
    string(APPEND text "\n")
  endif()
  file(CONFIGURE OUTPUT "${PROJECT_BINARY_DIR}/pathmap-concurrent-targets.txt" CONTENT "${text}")
endfunction()

# -- install and export ---------------------------------------------------------------------------

function(pathmap_export_library target)
  cmake_parse_arguments(arg "" "" "DEPENDENCIES" ${ARGN})
  install(TARGETS ${target} EXPORT pathmapTargets
          ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
          LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
          RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  set_property(GLOBAL APPEND PROPERTY PATHMAP_EXPORTED_TARGETS ${target})
  foreach(dependency IN LISTS arg_DEPENDENCIES)
    set_property(GLOBAL APPEND PROPERTY PATHMAP_PACKAGE_DEPENDENCIES "${dependency}")
  endforeach()
endfunction()

# Installs pathmapTargets.cmake, pathmapConfig.cmake, pathmapConfigVersion.cmake and the find
# modules the config needs. Call once, after every pathmap_export_library().
function(pathmap_install_package)
  set(config_dir ${CMAKE_INSTALL_LIBDIR}/cmake/pathmap)
  install(EXPORT pathmapTargets NAMESPACE pathmap:: DESTINATION ${config_dir})

  get_property(targets GLOBAL PROPERTY PATHMAP_EXPORTED_TARGETS)
  set(PATHMAP_COMPONENTS "")
  foreach(target IN LISTS targets)
    get_target_property(export_name ${target} EXPORT_NAME)
    if(NOT export_name)
      set(export_name ${target})
    endif()
    list(APPEND PATHMAP_COMPONENTS ${export_name})
  endforeach()

  get_property(dependencies GLOBAL PROPERTY PATHMAP_PACKAGE_DEPENDENCIES)
  list(REMOVE_DUPLICATES dependencies)
  set(PATHMAP_FIND_DEPENDENCIES "")
  foreach(dependency IN LISTS dependencies)
    string(APPEND PATHMAP_FIND_DEPENDENCIES "find_dependency(${dependency})\n")
  endforeach()

  configure_package_config_file(
    "${PROJECT_SOURCE_DIR}/cmake/pathmapConfig.cmake.in"
    "${PROJECT_BINARY_DIR}/pathmapConfig.cmake"
    INSTALL_DESTINATION ${config_dir})
  # 0.x: a minor version may break the API.
  write_basic_package_version_file("${PROJECT_BINARY_DIR}/pathmapConfigVersion.cmake"
    VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
  install(FILES
    "${PROJECT_BINARY_DIR}/pathmapConfig.cmake"
    "${PROJECT_BINARY_DIR}/pathmapConfigVersion.cmake"
    "${PROJECT_SOURCE_DIR}/cmake/FindCAF.cmake"
    "${PROJECT_SOURCE_DIR}/cmake/FindJemalloc.cmake"
    DESTINATION ${config_dir})
endfunction()
