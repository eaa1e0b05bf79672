#pragma once
/// @file
/// `pathmap::path_iter<Z>`: the leaf paths below a zipper's root (the crate's
/// `into_path_iter`), made by `std::move(z).into_path_iter()` on a read zipper (tracked and
/// owned ones included).
///
/// An input range of `path_view`s, relative to the zipper's root, in depth-first order: every
/// existing path strictly below the root that has no children, whether or not it holds a value
/// (a dangling path end is a leaf too). The root itself is not one of them. Each view is valid
/// until the iterator moves. Cost: one `to_next_step()` per path byte below the root.
///
/// **Thread safety:** like the zipper it holds.

#include <cstddef>
#include <iterator>
#include <utility>

#include "pathmap/detail/single_pass.hpp"
#include "pathmap/path.hpp"

namespace pathmap {

template <class Z>
class path_iter {
public:
  using iterator = detail::single_pass_iterator<path_iter, path_view, path_view>;

  /// Takes `z`, whose focus goes back to its root first.
  explicit path_iter(Z z) : z_(std::move(z)) {
    z_.reset();
    advance();
  }

  /// The current leaf (one pass: call once).
  iterator begin() { return iterator(this); }
  std::default_sentinel_t end() const noexcept { return {}; }

private:
  friend iterator;

  path_view current() const { return z_.path(); }
  bool exhausted() const noexcept { return done_; }
  void advance() {
    while (z_.to_next_step())
      if (z_.child_count() == 0)
        return;
    done_ = true;
  }

  Z z_;
  bool done_ = false;
};

} // namespace pathmap
