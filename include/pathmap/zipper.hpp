#pragma once
/// @file
/// Zipper capabilities as C++20 concepts (one per Rust trait), and the CRTP mixins that
/// provide the methods a capability derives from its required ones.
///
/// A zipper is a cursor with a *focus* (a path) below a fixed *root*; see `read_zipper.hpp`
/// and `write_zipper.hpp`. A concept lists only what a zipper must implement; the mixins
/// (`zipper_moving_defaults`, `zipper_iteration_defaults`) add the rest by calling back through
/// `self()`, so a zipper can hide any of them with a faster version.
///
/// **Thread safety:** concepts and mixins add no state.

#include <concepts>
#include <cstddef>
#include <cstdint>

#include "pathmap/byte_mask.hpp"
#include "pathmap/path.hpp"

namespace pathmap {

// -- concepts -------------------------------------------------------------------

/// Every zipper: questions about the focus.
template <class Z>
concept zipper = requires(const Z& z) {
  { z.path_exists() } -> std::convertible_to<bool>;
  { z.is_val() } -> std::convertible_to<bool>;
  { z.child_count() } -> std::convertible_to<std::size_t>;
  { z.child_mask() } -> std::same_as<byte_mask>;
};

/// Zippers that expose the value at the focus.
template <class Z>
concept zipper_values = zipper<Z> && requires(const Z& z) {
  typename Z::value_type;
  { z.val() } -> std::same_as<const typename Z::value_type*>;
};

/// Zippers that move their focus.
template <class Z>
concept zipper_moving = zipper<Z> && requires(Z& z, const Z& cz, path_view p, std::uint8_t b) {
  { cz.path() } -> std::same_as<path_view>;
  { cz.at_root() } -> std::convertible_to<bool>;
  { cz.val_count() } -> std::convertible_to<std::size_t>;
  z.reset();
  z.descend_to(p);
  { z.descend_to_existing(p) } -> std::convertible_to<std::size_t>;
  { z.descend_indexed_byte(std::size_t{}) } -> std::convertible_to<bool>;
  { z.descend_until() } -> std::convertible_to<bool>;
  { z.ascend(std::size_t{}) } -> std::convertible_to<bool>;
  { z.ascend_until() } -> std::convertible_to<bool>;
  { z.to_next_sibling_byte() } -> std::convertible_to<bool>;
  { z.to_prev_sibling_byte() } -> std::convertible_to<bool>;
  { z.to_next_step() } -> std::convertible_to<bool>;
};

/// Zippers that visit values in order.
template <class Z>
concept zipper_iteration = zipper_moving<Z> && zipper_values<Z> && requires(Z& z) {
  { z.to_next_val() } -> std::convertible_to<bool>;
  { z.to_first_val() } -> std::convertible_to<bool>;
  { z.descend_first_k_path(std::size_t{}) } -> std::convertible_to<bool>;
  { z.to_next_k_path(std::size_t{}) } -> std::convertible_to<bool>;
};

/// Zippers that know where their root sits relative to their origin.
template <class Z>
concept zipper_absolute_path = zipper<Z> && requires(const Z& z) {
  { z.origin_path() } -> std::same_as<path_view>;
  { z.root_prefix_path() } -> std::same_as<path_view>;
};

/// Zippers that can change the trie at their focus.
template <class Z>
concept zipper_writing = zipper_moving<Z> && requires(Z& z, typename Z::value_type v) {
  z.set_val(std::move(v));
  z.remove_val(true);
  { z.get_val_mut() } -> std::same_as<typename Z::value_type*>;
  { z.create_path() } -> std::convertible_to<bool>;
  { z.prune_path() } -> std::convertible_to<std::size_t>;
  { z.remove_branches(true) } -> std::convertible_to<bool>;
};

/// Things that hand out zippers (the zipper head).
template <class H>
concept zipper_creation = requires(H& h, path_view p) {
  h.read_zipper_at_path(p);
  h.write_zipper_at_exclusive_path(p);
};

// -- provided methods --------------------------------------------------------------

/// Movement derived from the `zipper_moving` primitives.
template <class Self>
class zipper_moving_defaults {
public:
  /// `descend_to({b})`.
  void descend_to_byte(std::uint8_t b) { self().descend_to(path_view{&b, 1}); }

  /// `descend_to(k)`, then whether the focus exists.
  bool descend_to_check(path_view k) {
    self().descend_to(k);
    return self().path_exists();
  }

  /// Descends to child byte `b` only if it exists.
  bool descend_to_existing_byte(std::uint8_t b) {
    return self().descend_to_existing(path_view{&b, 1}) == 1;
  }

  /// Index 0 of the child mask.
  bool descend_first_byte() { return self().descend_indexed_byte(0); }

  /// The last index of the child mask.
  bool descend_last_byte() {
    std::size_t n = self().child_count();
    return n > 0 && self().descend_indexed_byte(n - 1);
  }

  /// `ascend(1)`.
  bool ascend_byte() { return self().ascend(1); }

  /// Focus := root ++ `p`; returns the length of the common prefix of the old path and `p`.
  std::size_t move_to_path(path_view p) {
    std::size_t l = common_prefix_len(self().path(), p);
    self().ascend(self().path().size() - l);
    self().descend_to(p.subview(l));
    return l;
  }

private:
  Self& self() noexcept { return static_cast<Self&>(*this); }
};

/// Iteration derived from the `zipper_moving` primitives and `to_next_val`.
template <class Self>
class zipper_iteration_defaults {
public:
  /// `reset()`, then true when the root has a value, otherwise `to_next_val()`.
  bool to_first_val() {
    self().reset();
    return self().is_val() || self().to_next_val();
  }

  /// `to_next_val()`, then the value there (null when done).
  auto to_next_get_val() { return self().to_next_val() ? self().val() : nullptr; }

  /// `to_first_val()`, then the value there (null when there is none).
  auto to_first_get_val() { return self().to_first_val() ? self().val() : nullptr; }

  /// Repeated `descend_last_byte` + `descend_until`: the greatest leaf below the focus.
  bool descend_last_path() {
    bool moved = false;
    while (self().descend_last_byte()) {
      moved = true;
      self().descend_until();
    }
    return moved;
  }

private:
  Self& self() noexcept { return static_cast<Self&>(*this); }
};

} // namespace pathmap
