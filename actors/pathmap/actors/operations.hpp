#pragma once
/// @file
/// Ready-made operations for workers (see `operation.hpp`): copy, transform values, and
/// count/aggregate. Each visits every value of the source region in order, *including the value
/// at the source root* (the seed's loop skips it; a region's root value is part of the region),
/// and returns the number of values it visited.
///
/// - `copy_values<V>()`: the seed. Every value at `source/p` is set at `destination/p`.
/// - `transform_values<V>(f)`: `destination/p = f(v)` or `f(p, v)` (f returns a `V`).
/// - `count_values<V>()`: `destination` (its root) = the number of values in `source`.
/// - `aggregate_values<V>(init, f)`: `destination` = fold of `acc = f(acc, p, v)` from `init`.
///
/// Results are independent of how a job splits its regions for copy and transform; count and
/// aggregate write one value per task (at the task's destination root), so their result is
/// per task region.
///
/// `for_each_value(source, f)` is the iteration they share, for writing your own.
///
/// **Thread safety:** the returned operations keep no mutable state and may run concurrently.

#include <cstdint>
#include <string>
#include <type_traits>
#include <utility>

#include "pathmap/actors/operation.hpp"

namespace pathmap::actors {

/// Calls `f(path, value)` for every value at and below the reader's root, in order (the root
/// value first), starting from the root; returns the number of values. Leaves the reader at
/// its root.
template <class V, class F>
std::uint64_t for_each_value(read_zipper_tracked<V>& source, F&& f) {
  source.reset();
  std::uint64_t n = 0;
  if (const V* v = source.val()) {
    f(source.path(), *v);
    ++n;
  }
  auto witness = source.witness();
  while (const V* v = source.to_next_get_val_with_witness(witness)) {
    f(source.path(), *v);
    ++n;
  }
  return n;
}

/// The seed's operation: copies every value of the source region to the same relative path
/// in the destination region.
template <class V>
operation<V> copy_values() {
  return operation<V>("copy", [](read_zipper_tracked<V>& src, write_zipper_tracked<V>& dst) {
    dst.reset();
    return for_each_value(src, [&](path_view p, const V& v) {
      dst.descend_to(p);
      dst.set_val(v);
      dst.reset();
    });
  });
}

/// Writes `f(v)` (or `f(path, v)`, whichever `f` accepts) at each value's relative path in the
/// destination. `f` must be callable concurrently.
template <class V, class F>
operation<V> transform_values(F f, std::string name = "transform") {
  return operation<V>(std::move(name), [f = std::move(f)](read_zipper_tracked<V>& src,
                                                          write_zipper_tracked<V>& dst) {
    dst.reset();
    return for_each_value(src, [&](path_view p, const V& v) {
      dst.descend_to(p);
      if constexpr (std::is_invocable_v<const F&, path_view, const V&>)
        dst.set_val(f(p, v));
      else
        dst.set_val(f(v));
      dst.reset();
    });
  });
}

/// Sets the destination root value to the number of values in the source (`V` must be
/// constructible from `std::uint64_t`).
template <class V>
operation<V> count_values() {
  return operation<V>("count", [](read_zipper_tracked<V>& src, write_zipper_tracked<V>& dst) {
    std::uint64_t n = for_each_value(src, [](path_view, const V&) {});
    dst.reset();
    dst.set_val(static_cast<V>(n));
    return n;
  });
}

/// Sets the destination root value to the fold `acc = f(std::move(acc), path, v)` over the
/// source's values, starting at `init`.
template <class V, class F>
operation<V> aggregate_values(V init, F f, std::string name = "aggregate") {
  return operation<V>(std::move(name),
                      [init = std::move(init), f = std::move(f)](read_zipper_tracked<V>& src,
                                                                 write_zipper_tracked<V>& dst) {
                        V acc = init;
                        std::uint64_t n = for_each_value(src, [&](path_view p, const V& v) {
                          acc = f(std::move(acc), p, v);
                        });
                        dst.reset();
                        dst.set_val(std::move(acc));
                        return n;
                      });
}

} // namespace pathmap::actors
