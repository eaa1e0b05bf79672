#pragma once
// The exception handler of the tests' misbehaving workers: what CAF's default handler does
// (turn the exception into an error reply), without printing through aout, whose output
// ThreadSanitizer cannot see synchronized.

#include <exception>

#include "caf/error.hpp"
#include "caf/sec.hpp"

inline caf::error exception_reply(std::exception_ptr& e) {
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& x) {
    return caf::make_error(caf::sec::runtime_error, x.what());
  } catch (...) {
    return caf::make_error(caf::sec::runtime_error, "non-standard exception");
  }
}
