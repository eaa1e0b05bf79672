# FindCAF
# -------
# Finds the C++ Actor Framework as Debian packages it (libcaf-dev 0.17.x: headers in
# /usr/include/caf, libcaf_core.so and libcaf_io.so, no CMake config and no .pc file).
#
# Components: core (always searched), io.
# Imported targets: CAF::core, CAF::io (links CAF::core); both link Threads::Threads.
# Variables: CAF_FOUND, CAF_VERSION ("0.17.6", from `#define CAF_VERSION 1706` in caf/config.hpp),
#            CAF_INCLUDE_DIR, CAF_CORE_LIBRARY, CAF_IO_LIBRARY, CAF_core_FOUND, CAF_io_FOUND.
# Hint: CAF_ROOT (standard <Package>_ROOT handling).
include(FindPackageHandleStandardArgs)

find_path(CAF_INCLUDE_DIR NAMES caf/all.hpp caf/config.hpp)
find_library(CAF_CORE_LIBRARY NAMES caf_core)
find_library(CAF_IO_LIBRARY NAMES caf_io)

if(CAF_INCLUDE_DIR AND EXISTS "${CAF_INCLUDE_DIR}/caf/config.hpp")
  file(STRINGS "${CAF_INCLUDE_DIR}/caf/config.hpp" _caf_version_line
       REGEX "^#define CAF_VERSION [0-9]+")
  if(_caf_version_line MATCHES "CAF_VERSION ([0-9]+)")
    set(_caf_version_number "${CMAKE_MATCH_1}")
    math(EXPR _caf_major "${_caf_version_number} / 10000")
    math(EXPR _caf_minor "(${_caf_version_number} / 100) % 100")
    math(EXPR _caf_patch "${_caf_version_number} % 100")
    set(CAF_VERSION "${_caf_major}.${_caf_minor}.${_caf_patch}")
    unset(_caf_version_number)
    unset(_caf_major)
    unset(_caf_minor)
    unset(_caf_patch)
  endif()
  unset(_caf_version_line)
endif()

set(CAF_core_FOUND FALSE)
if(CAF_INCLUDE_DIR AND CAF_CORE_LIBRARY)
  set(CAF_core_FOUND TRUE)
endif()
set(CAF_io_FOUND FALSE)
if(CAF_core_FOUND AND CAF_IO_LIBRARY)
  set(CAF_io_FOUND TRUE)
endif()

find_package_handle_standard_args(CAF
  REQUIRED_VARS CAF_INCLUDE_DIR CAF_CORE_LIBRARY
  VERSION_VAR CAF_VERSION
  HANDLE_COMPONENTS)

if(CAF_FOUND)
  if(NOT TARGET Threads::Threads)
    set(THREADS_PREFER_PTHREAD_FLAG ON)
    find_package(Threads REQUIRED)
  endif()
  if(NOT TARGET CAF::core)
    add_library(CAF::core UNKNOWN IMPORTED)
    set_target_properties(CAF::core PROPERTIES
      IMPORTED_LOCATION "${CAF_CORE_LIBRARY}"
      INTERFACE_INCLUDE_DIRECTORIES "${CAF_INCLUDE_DIR}"
      INTERFACE_LINK_LIBRARIES Threads::Threads)
  endif()
  if(CAF_io_FOUND AND NOT TARGET CAF::io)
    add_library(CAF::io UNKNOWN IMPORTED)
    set_target_properties(CAF::io PROPERTIES
      IMPORTED_LOCATION "${CAF_IO_LIBRARY}"
      INTERFACE_LINK_LIBRARIES CAF::core)
  endif()
endif()

mark_as_advanced(CAF_INCLUDE_DIR CAF_CORE_LIBRARY CAF_IO_LIBRARY)
