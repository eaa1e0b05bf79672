#pragma once
// CAF's deterministic test DSL (caf/test/dsl.hpp: test_coordinator_fixture, expect, allow,
// inject, disallow) under doctest.
//
// CAF's CHECK/REQUIRE/FAIL macros report to CAF's own test engine, which is null outside CAF's
// runner; this header redefines them onto doctest between including caf/test/unit_test.hpp and
// caf/test/dsl.hpp. Exactly one translation unit of a test binary defines
// PATHMAP_CAF_TEST_IMPL before including this header, which compiles CAF's test engine into it
// (without CAF's main: doctest provides main).
//
// Note: a failing REQUIRE inside the DSL throws doctest's exception out of the clause; a failing
// `disallow` aborts the process (doctest_discover_tests runs each case alone, so only that case
// is lost).

#include <doctest/doctest.h>

#include "caf/deep_to_string.hpp"
#include "caf/test/unit_test.hpp"

#undef CAF_CHECK
#undef CAF_CHECK_FUNC
#undef CAF_REQUIRE
#undef CAF_REQUIRE_FUNC
#undef CAF_FAIL
#undef CAF_MESSAGE

#define CAF_CHECK(...) CHECK(static_cast<bool>(__VA_ARGS__))
#define CAF_CHECK_FUNC(func, x_expr, y_expr)                                                       \
  do {                                                                                             \
    func comparator;                                                                               \
    auto&& x_val___ = x_expr;                                                                      \
    auto&& y_val___ = y_expr;                                                                      \
    CHECK_MESSAGE(comparator(x_val___, y_val___), #x_expr " vs " #y_expr ": "                      \
                                                    << caf::deep_to_string(x_val___) << " vs "     \
                                                    << caf::deep_to_string(y_val___));             \
  } while (false)
#define CAF_REQUIRE(...) REQUIRE(static_cast<bool>(__VA_ARGS__))
#define CAF_REQUIRE_FUNC(func, x_expr, y_expr)                                                     \
  do {                                                                                             \
    func comparator;                                                                               \
    auto&& x_val___ = x_expr;                                                                      \
    auto&& y_val___ = y_expr;                                                                      \
    REQUIRE_MESSAGE(comparator(x_val___, y_val___), #x_expr " vs " #y_expr ": "                    \
                                                      << caf::deep_to_string(x_val___) << " vs "   \
                                                      << caf::deep_to_string(y_val___));           \
  } while (false)
#define CAF_FAIL(msg) FAIL(msg)
#define CAF_MESSAGE(msg) static_cast<void>(0)

#ifdef PATHMAP_CAF_TEST_IMPL
#  define CAF_TEST_NO_MAIN
#  include "caf/test/unit_test_impl.hpp"
#endif

#include "caf/test/dsl.hpp"
