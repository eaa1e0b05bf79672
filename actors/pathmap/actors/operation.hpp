#pragma once
/// @file
/// `pathmap::actors::operation<V>`: the user function a worker runs on one task,
/// `(read_zipper_tracked<V>& source, write_zipper_tracked<V>& destination)`, returning the
/// number of values it processed.
///
/// An operation wraps any callable with that signature whose result is an integer (the value
/// count), `caf::expected<integer>` or `caf::error` (none = success, 0 values). Calling it never
/// throws: an exception from the callable becomes `error_code::operation_failed` with the
/// exception's `what()` as context, which is how a worker answers instead of dying.
///
/// The callable is shared (an `std::shared_ptr` to a `std::function`), so an operation is cheap
/// to copy into every task message; it must be safe to call from several threads at once
/// (workers run on CAF's scheduler threads). The ready-made operations are in `operations.hpp`.
///
/// The zippers a task gets: `source` is rooted at the task's source region, `destination` at
/// its destination region; both start at their root. Paths (`path()`) are relative to the
/// roots, so a copy is `destination.descend_to(source.path()); destination.set_val(v)`. An
/// operation must not keep either zipper (or a pointer into it) beyond its return.
///
/// Serialization: `inspect()` writes the name only; an operation received from another process
/// is empty and a worker refuses it (`error_code::operation_failed`).
///
/// **Thread safety:** copies may be used on different threads; calls run concurrently.

#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>

#include "caf/error.hpp"
#include "caf/expected.hpp"
#include "caf/meta/type_name.hpp"

#include "pathmap/actors/error.hpp"
#include "pathmap/path_map.hpp" // first: the tracked zipper headers need it
#include "pathmap/read_zipper_tracked.hpp"
#include "pathmap/write_zipper_tracked.hpp"

namespace pathmap::actors {

/// A named, shared, copyable operation over `(read_zipper_tracked<V>&, write_zipper_tracked<V>&)`.
template <class V>
class operation {
public:
  using reader_type = read_zipper_tracked<V>;
  using writer_type = write_zipper_tracked<V>;
  using function_type = std::function<caf::expected<std::uint64_t>(reader_type&, writer_type&)>;

  // -- constructors ---------------------------------------------------------

  /// An empty operation (a job with it is refused as `error_code::invalid_job`).
  operation() = default;

  /// Wraps `f`, called as `f(source, destination)`; see the file comment for its result type.
  template <class F>
  operation(std::string name, F f)
    : name_(std::move(name)), fn_(std::make_shared<const function_type>(adapt(std::move(f)))) {}

  // -- observers ------------------------------------------------------------

  const std::string& name() const noexcept { return name_; }

  /// False for an empty operation.
  explicit operator bool() const noexcept { return fn_ != nullptr; }

  // -- calling --------------------------------------------------------------

  /// Runs the operation. Never throws: an exception becomes `error_code::operation_failed`.
  caf::expected<std::uint64_t> operator()(reader_type& source, writer_type& destination) const {
    if (!fn_)
      return caf::make_error(error_code::operation_failed, "empty operation");
    try {
      return (*fn_)(source, destination);
    } catch (const std::exception& e) {
      return caf::make_error(error_code::operation_failed,
                             "operation '" + name_ + "' threw: " + e.what());
    } catch (...) {
      return caf::make_error(error_code::operation_failed,
                             "operation '" + name_ + "' threw a non-standard exception");
    }
  }

  // -- serialization --------------------------------------------------------

  /// Writes the name only (the function cannot travel).
  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, operation& x) {
    return f(caf::meta::type_name("pathmap.operation"), x.name_);
  }

private:
  template <class F>
  static function_type adapt(F f) {
    using result = std::invoke_result_t<const F&, reader_type&, writer_type&>;
    return [f = std::move(f)](reader_type& r, writer_type& w) -> caf::expected<std::uint64_t> {
      if constexpr (std::is_same_v<result, caf::error>) {
        if (auto err = f(r, w))
          return err;
        return std::uint64_t{0};
      } else if constexpr (std::is_integral_v<result>) {
        return static_cast<std::uint64_t>(f(r, w));
      } else {
        auto res = f(r, w);
        if (!res)
          return std::move(res.error());
        return static_cast<std::uint64_t>(*res);
      }
    };
  }

  std::string name_;
  std::shared_ptr<const function_type> fn_;
};

} // namespace pathmap::actors
