#pragma once
/// @file
/// `core_zipper<Self, V>`: the read and movement methods every concrete zipper shares,
/// implemented once over `zipper_core`. `Self` provides `read_core() const` (the engine,
/// brought up to date) and `move_core()` (the engine, for moving).

#include <cstdint>
#include <optional>

#include "pathmap/byte_mask.hpp"
#include "pathmap/detail/zipper_core.hpp"
#include "pathmap/path.hpp"
#include "pathmap/zipper.hpp"

namespace pathmap {

template <class V>
class path_map;
template <class V>
class read_zipper;

/// Keeps the subtrie a zipper reads alive, so that values obtained with
/// `to_next_get_val_with_witness` stay valid while the witness lives.
template <class V>
class zipper_witness {
public:
  zipper_witness() = default;
  explicit zipper_witness(detail::node_ptr<V> root) : root_(std::move(root)) {}

private:
  detail::node_ptr<V> root_;
};

namespace detail {

template <class Self, class V>
class core_zipper : public zipper_moving_defaults<Self>, public zipper_iteration_defaults<Self> {
public:
  using value_type = V;
  using witness_type = zipper_witness<V>;

  // -- paths ------------------------------------------------------------------

  /// Bytes from the root to the focus.
  path_view path() const { return rc().path(); }
  /// Bytes from the origin to the focus: `root_prefix_path() ++ path()`.
  path_view origin_path() const { return rc().origin_path(); }
  /// Bytes from the origin to the root (constant).
  path_view root_prefix_path() const { return rc().root_prefix_path(); }
  bool at_root() const { return rc().at_root(); }

  // -- the focus ----------------------------------------------------------------

  /// The value at the focus, or null. Valid until the trie changes.
  const V* val() const { return rc().val(); }
  /// `val()` under the crate's name. From a reader the pointer stays valid while the map is
  /// unchanged, however the zipper moves; from a writer, until the writer's next change.
  const V* get_val() const { return rc().val(); }
  bool is_val() const { return rc().val() != nullptr; }
  /// True when the focus is on an existing path (value, branch or dangling end).
  bool path_exists() const { return rc().path_exists(); }
  std::size_t child_count() const { return rc().child_count(); }
  byte_mask child_mask() const { return rc().child_mask(); }

  /// The crate's `shared_node_id`: an identity of the node whose root is the focus (the same
  /// for the same node in memory, so equal ids mean equal subtries), or nothing when the focus
  /// is not at a node's root (inside a key, at a leaf, on a missing path). Node boundaries are
  /// this implementation's own: for optimizations only.
  std::optional<std::uint64_t> shared_node_id() const {
    const node_header* n = rc().focus_node();
    if (n == nullptr)
      return std::nullopt;
    return static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(n));
  }
  /// The crate's `is_shared`: whether the focus can be reached along more than one path, in
  /// this map or another (the node whose root it is, or the node holding it, has more than one
  /// reference; nodes packed by `compact()` always count as shared). It does not carry over to
  /// descendants. For optimizations only.
  bool is_shared() const { return rc().focus_shared(); }
  /// Values at and below the focus. O(size of the subtrie).
  std::size_t val_count() const { return rc().val_count(); }

  // -- moving -------------------------------------------------------------------

  void reset() { mc().reset(); }
  /// Focus := focus ++ `k`, without checking that it exists.
  void descend_to(path_view k) { mc().descend_to(k); }
  /// Follows `k` only as far as it exists; returns the bytes descended.
  std::size_t descend_to_existing(path_view k) { return mc().descend_to_existing(k); }
  /// Like `descend_to_existing`, also stopping just after the first byte that lands on a value.
  std::size_t descend_to_val(path_view k) { return mc().descend_to_val(k); }
  /// Descends into the `i`-th child byte (0-based, ascending). False, unmoved, when out of range.
  bool descend_indexed_byte(std::size_t i) {
    return i < 256 && mc().descend_indexed(static_cast<int>(i));
  }
  /// While there is exactly one child, descend; stops at a value. True when it moved.
  bool descend_until() { return mc().descend_until(); }
  bool descend_until_max_bytes(std::size_t n) { return n > 0 && mc().descend_until(n); }
  /// Up `n` bytes; stops at the root and returns false when the root is nearer than `n`.
  bool ascend(std::size_t n) { return mc().ascend(n); }
  /// Up to the nearest ancestor with a value or at least two children, or the root.
  bool ascend_until() { return mc().ascend_until(false); }
  /// Up to the nearest ancestor with at least two children, or the root.
  bool ascend_until_branch() { return mc().ascend_until(true); }
  bool to_next_sibling_byte() { return mc().sibling(true); }
  bool to_prev_sibling_byte() { return mc().sibling(false); }
  /// The next existing position in depth-first pre-order; false (at the root) after the last.
  bool to_next_step() { return mc().to_next_step(); }

  // -- iteration ------------------------------------------------------------------

  /// The next value in lexicographic order below the root (never the root's own value).
  /// False when done, with the focus back at the root.
  bool to_next_val() { return mc().to_next_val(); }
  /// `to_next_val()`, then the value there (null when done): the core finds both in one step,
  /// where the generic default would look the focus value up again.
  const V* to_next_get_val() { return mc().to_next_get_val(); }

  /// Goes down exactly `k` bytes to the first path of that length below the focus.
  bool descend_first_k_path(std::size_t k) {
    auto& c = mc();
    std::size_t base = c.origin_path().size();
    if (k == 0)
      return false;
    if (c.k_path_search(base, k, true))
      return true;
    c.truncate(base);
    return false;
  }

  /// The next path exactly `k` bytes below the base the focus is `k` bytes under. When there
  /// are no more, returns false with the focus at the base.
  bool to_next_k_path(std::size_t k) {
    auto& c = mc();
    if (c.path().size() < k || k == 0)
      return false;
    std::size_t base = c.origin_path().size() - k;
    if (c.k_path_search(base, k, false))
      return true;
    c.truncate(base);
    return false;
  }

  /// A handle that keeps the zipper's trie alive.
  witness_type witness() const {
    return witness_type(node_ptr<V>::share(const_cast<node_header*>(rc().origin())));
  }

  /// `to_next_val()`, then the value, valid while `w` lives and the trie is not changed.
  const V* to_next_get_val_with_witness(const witness_type&) { return to_next_get_val(); }
  /// `to_first_val()`, then the value, valid while `w` lives and the trie is not changed.
  const V* to_first_get_val_with_witness(const witness_type&) {
    return this->to_first_val() ? val() : nullptr;
  }
  /// The focus value, valid while `w` lives and the trie is not changed.
  const V* get_val_with_witness(const witness_type&) const { return val(); }

  // -- buffers --------------------------------------------------------------------

  /// Reserves room for a focus path of `path_len` bytes and `depth` nodes, so that moving
  /// that deep does not allocate (grows only; no effect on what the zipper sees).
  void reserve_buffers(std::size_t path_len, std::size_t depth) { mc().reserve(path_len, depth); }
  /// Makes sure the buffers exist (they always do here: made with the zipper).
  void prepare_buffers() {}

  // -- sub-tries -------------------------------------------------------------------

  /// A read zipper rooted at the focus (`path()` empty, same origin path).
  pathmap::read_zipper<V> fork_read_zipper() const;

  /// A map of everything below the focus, the focus value as its root value. O(1) for a
  /// focus at a node boundary (shared nodes).
  path_map<V> make_map() const;
  /// `make_map()` as an optional, the crate's fallible form: never empty for these zippers.
  std::optional<path_map<V>> try_make_map() const { return make_map(); }

protected:
  const zipper_core<V>& rc() const { return static_cast<const Self&>(*this).read_core(); }
  zipper_core<V>& mc() { return static_cast<Self&>(*this).move_core(); }
};

} // namespace detail
} // namespace pathmap
