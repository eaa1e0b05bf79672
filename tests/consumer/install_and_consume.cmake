# cmake -P script behind the CTest test install_and_consume (see tests/CMakeLists.txt).
#
# 1. cmake --install <build> --prefix <build>/consumer-prefix
# 2. configure tests/consumer with CMAKE_PREFIX_PATH=<prefix> into <build>/consumer-build and
#    check that pathmap was found in the prefix, not in the source or build tree
# 3. build it, run it, and check its output names the expected allocator
cmake_minimum_required(VERSION 3.22)

foreach(var PATHMAP_BUILD_DIR CONSUMER_SOURCE_DIR WORK_DIR GENERATOR CXX_COMPILER EXPECT_ALLOCATOR)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "install_and_consume.cmake: ${var} is not set")
  endif()
endforeach()

set(prefix "${WORK_DIR}/consumer-prefix")
set(build "${WORK_DIR}/consumer-build")
file(REMOVE_RECURSE "${prefix}" "${build}")

set(config_args "")
if(PATHMAP_BUILD_CONFIG)
  set(config_args --config "${PATHMAP_BUILD_CONFIG}")
endif()

message(STATUS "installing ${PATHMAP_BUILD_DIR} into ${prefix}")
execute_process(
  COMMAND "${CMAKE_COMMAND}" --install "${PATHMAP_BUILD_DIR}" --prefix "${prefix}" ${config_args}
  OUTPUT_QUIET
  COMMAND_ERROR_IS_FATAL ANY)

file(GLOB_RECURSE installed RELATIVE "${prefix}" "${prefix}/*")
foreach(must_exist
    "include/pathmap/path_map.hpp"
    "include/pathmap/allocator.hpp"
    "cmake/pathmap/pathmapConfig.cmake"
    "cmake/pathmap/pathmapConfigVersion.cmake"
    "cmake/pathmap/pathmapTargets.cmake")
  if(NOT installed MATCHES "(^|;)([^;]*/)?${must_exist}(;|$)")
    string(REPLACE ";" "\n  " listing "${installed}")
    message(FATAL_ERROR "not installed: ${must_exist}\ninstalled:\n  ${listing}")
  endif()
endforeach()
if(EXISTS "${prefix}/include/pathmap/internal")
  message(FATAL_ERROR "trie/pathmap/internal must not be installed")
endif()

message(STATUS "configuring the consumer in ${build}")
execute_process(
  COMMAND "${CMAKE_COMMAND}" -S "${CONSUMER_SOURCE_DIR}" -B "${build}" -G "${GENERATOR}"
          "-DCMAKE_CXX_COMPILER=${CXX_COMPILER}"
          "-DCMAKE_PREFIX_PATH=${prefix}"
          -DCMAKE_BUILD_TYPE=Release
          -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF
  COMMAND_ECHO STDOUT
  COMMAND_ERROR_IS_FATAL ANY)

file(STRINGS "${build}/CMakeCache.txt" pathmap_dir_line REGEX "^pathmap_DIR:")
string(REGEX REPLACE "^pathmap_DIR:[A-Z]+=" "" pathmap_dir "${pathmap_dir_line}")
file(REAL_PATH "${pathmap_dir}" pathmap_dir)
file(REAL_PATH "${prefix}" real_prefix)
string(FIND "${pathmap_dir}" "${real_prefix}/" at)
if(NOT at EQUAL 0)
  message(FATAL_ERROR "the consumer found pathmap in '${pathmap_dir}', not under '${real_prefix}'")
endif()

execute_process(
  COMMAND "${CMAKE_COMMAND}" --build "${build}"
  COMMAND_ECHO STDOUT
  COMMAND_ERROR_IS_FATAL ANY)

execute_process(
  COMMAND "${build}/consumer"
  OUTPUT_VARIABLE output
  COMMAND_ERROR_IS_FATAL ANY)
message(STATUS "consumer said: ${output}")
if(NOT output MATCHES "allocator ${EXPECT_ALLOCATOR}")
  message(FATAL_ERROR "expected the consumer to run on '${EXPECT_ALLOCATOR}'")
endif()
