# FindJemalloc
# ------------
# Finds jemalloc through pkg-config (jemalloc.pc) with a plain find_library() fallback.
#
# Imported target: Jemalloc::jemalloc
# Variables: Jemalloc_FOUND, Jemalloc_VERSION, Jemalloc_INCLUDE_DIR, Jemalloc_LIBRARY
include(FindPackageHandleStandardArgs)

find_package(PkgConfig QUIET)
if(PKG_CONFIG_FOUND)
  pkg_check_modules(PC_JEMALLOC QUIET jemalloc)
endif()

find_path(Jemalloc_INCLUDE_DIR NAMES jemalloc/jemalloc.h HINTS ${PC_JEMALLOC_INCLUDE_DIRS})
find_library(Jemalloc_LIBRARY NAMES jemalloc HINTS ${PC_JEMALLOC_LIBRARY_DIRS})

if(PC_JEMALLOC_VERSION)
  set(Jemalloc_VERSION "${PC_JEMALLOC_VERSION}")
elseif(Jemalloc_INCLUDE_DIR AND EXISTS "${Jemalloc_INCLUDE_DIR}/jemalloc/jemalloc.h")
  file(STRINGS "${Jemalloc_INCLUDE_DIR}/jemalloc/jemalloc.h" _jemalloc_version_line
       REGEX "^#define JEMALLOC_VERSION \"[^\"]*\"")
  if(_jemalloc_version_line MATCHES "\"([0-9]+\\.[0-9]+\\.[0-9]+)")
    set(Jemalloc_VERSION "${CMAKE_MATCH_1}")
  endif()
  unset(_jemalloc_version_line)
endif()

find_package_handle_standard_args(Jemalloc
  REQUIRED_VARS Jemalloc_LIBRARY Jemalloc_INCLUDE_DIR
  VERSION_VAR Jemalloc_VERSION)

if(Jemalloc_FOUND AND NOT TARGET Jemalloc::jemalloc)
  add_library(Jemalloc::jemalloc UNKNOWN IMPORTED)
  set_target_properties(Jemalloc::jemalloc PROPERTIES
    IMPORTED_LOCATION "${Jemalloc_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${Jemalloc_INCLUDE_DIR}")
endif()

mark_as_advanced(Jemalloc_INCLUDE_DIR Jemalloc_LIBRARY)
