// The differential test (differential.test.cpp) over values that own heap memory (`boxed`,
// test_support.hpp): the same operations and checks with other seeds.
#define PATHMAP_DIFFERENTIAL_BOXED
#include "differential.test.cpp"
