// The doctest runner shared by the test binaries (see tests/CMakeLists.txt, target
// pathmap_doctest_main). Test cases live in the `*.test.cpp` files next to it.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
