#pragma once
/// @file
/// `PATHMAP_ASSERT(cond, message)`: checks a programming-error precondition.
///
/// On in debug builds (no `NDEBUG`) and whenever `PATHMAP_ENABLE_ASSERTS` is defined (the
/// sanitizer builds define it); a failure prints the condition, the message and the place, then
/// aborts. Off otherwise: the condition is not evaluated. Never used for input a caller may
/// legitimately pass: bad input gets an error value instead.

#include <cstdio>
#include <cstdlib>

#if !defined(NDEBUG) || defined(PATHMAP_ENABLE_ASSERTS)
#define PATHMAP_ASSERT(cond, message)                                                            \
  do {                                                                                           \
    if (!(cond)) {                                                                               \
      std::fprintf(stderr, "%s:%d: pathmap assertion failed: %s (%s)\n", __FILE__, __LINE__,     \
                   message, #cond);                                                              \
      std::abort();                                                                              \
    }                                                                                            \
  } while (false)
#else
#define PATHMAP_ASSERT(cond, message) static_cast<void>(0)
#endif
