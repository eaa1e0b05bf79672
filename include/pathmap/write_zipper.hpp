#pragma once
/// @file
/// `pathmap::write_zipper<V>`: a cursor that reads, moves and changes a `path_map` at its focus.
///
/// A write zipper moves exactly like a read zipper (`read_zipper.hpp`) and adds the writing
/// operations of the crate's `ZipperWriting`. Moving never copies shared nodes ("scouting");
/// the first write below a node shared with another map copies the nodes on the written path
/// only (copy-on-write). A write never moves the focus, even when pruning deletes the focus
/// path (then `path_exists()` becomes false).
///
/// *Pruning* (`prune = true`): after the operation, if the focus is left dangling (no value,
/// no children), the dangling path is deleted upward to the nearest ancestor that has a value
/// or at least two children, never above the zipper's origin (the map root): a zipper made at
/// `p` may delete `p` itself.
///
/// Cost notes: each write walks from the origin to the focus (O(depth)), and the next query
/// after a write walks again to rebuild the frame stack; pure moves (`descend_to`, `reset`,
/// `ascend`, `move_to_path`) right after a write only edit the path and defer that walk.
///
/// **Invalidation:** a write zipper borrows its map exclusively: while it lives, use the map
/// only through it. Value pointers it returns are valid until its next write.
///
/// **Thread safety:** none; a write zipper and its map belong to one thread at a time.

#include <atomic>
#include <memory>
#include <optional>
#include <vector>

#include "pathmap/detail/core_zipper.hpp"
#include "pathmap/lattice.hpp"

namespace pathmap::detail {

/// Set by a nested zipper head when it dies; read by the write zipper it came from, which must
/// then rebuild its frames. Shared so that either may outlive or move away from the other.
using stale_flag = std::shared_ptr<std::atomic<bool>>;

} // namespace pathmap::detail

namespace pathmap {

template <class V>
class zipper_head;

/// A zipper that can write. Made by `path_map::write_zipper()` / `write_zipper_at_path(p)`.
template <class V>
class write_zipper : public detail::core_zipper<write_zipper<V>, V> {
  using ptr = detail::node_ptr<V>;
  using trie = detail::trie_ops<V>;

public:
  /// A zipper over the trie whose root node is in `*origin` and root value in `*origin_val`,
  /// rooted at `root` below it. `above` is the path from the reported origin (a zipper head's
  /// root) to `*origin`; it shows in `origin_path()` and is never walked or pruned.
  write_zipper(ptr* origin, std::optional<V>* origin_val, path_view root, path_view above = {})
    : origin_(origin), origin_val_(origin_val) {
    core_.init(origin->get(), origin_val->has_value() ? &**origin_val : nullptr, above, root);
  }

  write_zipper(write_zipper&&) noexcept = default;
  write_zipper& operator=(write_zipper&&) noexcept = default;
  write_zipper(const write_zipper&) = delete;
  write_zipper& operator=(const write_zipper&) = delete;

  // -- moving without a walk ---------------------------------------------------
  // Descending only appends to the path; the frames catch up when a query needs them, so the
  // usual "descend, write, reset" loop walks the trie once per write. Right after a write the
  // frames are stale and these only edit the path.

  void reset() {
    check_heads();
    if (dirty_) {
      core_.lazy_truncate(0);
      return;
    }
    drop_pending();
    core_.reset();
  }
  void descend_to(path_view k) {
    check_heads();
    core_.lazy_append(k);
    if (!dirty_)
      pending_ += k.size();
  }
  bool ascend(std::size_t n) {
    check_heads();
    std::size_t can = core_.path().size();
    if (dirty_ || n <= pending_) {
      core_.lazy_truncate(core_.origin_path().size() - std::min(n, can));
      if (!dirty_)
        pending_ -= n;
      return n <= can;
    }
    n -= pending_;
    drop_pending();
    return core_.ascend(n);
  }

  // -- values -------------------------------------------------------------------

  /// Sets the value at the focus (creating the path); returns the value it replaced.
  std::optional<V> set_val(V v) {
    path_view f = core_.walk_path();
    touch();
    if (f.empty()) {
      std::optional<V> old = std::move(*origin_val_);
      origin_val_->emplace(std::move(v));
      return old;
    }
    return trie::set(*origin_, f, std::move(v));
  }

  /// Removes the value at the focus; children stay. Prunes the dangling path when asked.
  std::optional<V> remove_val(bool prune) {
    path_view f = core_.walk_path();
    if (f.empty()) {
      touch();
      std::optional<V> old = std::move(*origin_val_);
      origin_val_->reset();
      return old;
    }
    if (!trie::get(origin_->get(), f))
      return std::nullopt;
    touch();
    return trie::remove(*origin_, f, prune);
  }

  /// Mutable access to the focus value (null when none). Valid until the next write.
  V* get_val_mut() {
    path_view f = core_.walk_path();
    if (f.empty())
      return origin_val_->has_value() ? &**origin_val_ : nullptr;
    if (!trie::get(origin_->get(), f))
      return nullptr;
    touch();
    auto mp = trie::locate_mut(*origin_, f, false);
    return detail::node_ops<V>::val(mp.slot->get(), mp.e);
  }

  /// The focus value, set to `v` first when there is none.
  V& get_val_or_set_mut(V v) {
    if (V* cur = get_val_mut())
      return *cur;
    set_val(std::move(v));
    return *get_val_mut();
  }

  /// The focus value, set to `f()` first when there is none (`f` runs only then).
  template <class F>
  V& get_val_or_set_mut_with(F&& f) {
    if (V* cur = get_val_mut())
      return *cur;
    set_val(std::forward<F>(f)());
    return *get_val_mut();
  }

  // -- structure ------------------------------------------------------------------

  /// Makes the focus exist. True when bytes were created; false when it existed already or
  /// the focus is the origin.
  bool create_path() {
    path_view f = core_.walk_path();
    if (f.empty() || !trie::create(*origin_, f))
      return false;
    touch();
    return true;
  }

  /// If the focus is dangling, deletes it upward (see pruning above); returns the bytes
  /// removed, 0 when the focus has a value, children, or does not exist.
  std::size_t prune_path() {
    path_view f = core_.walk_path();
    if (!trie::dangling(origin_->get(), f))
      return 0;
    touch();
    return trie::prune(*origin_, f);
  }

  /// `prune_path()`, then ascends by the bytes removed, to the deepest position that still
  /// exists (never above the zipper's root: pruning may remove a prefix of a zipper made at a
  /// path, case W-55). Returns the bytes removed.
  std::size_t prune_ascend() {
    std::size_t n = prune_path();
    ascend(std::min(n, core_.path().size()));
    return n;
  }

  /// Deletes every branch below the focus, keeping the focus value. True when something was
  /// removed.
  bool remove_branches(bool prune) {
    path_view f = core_.walk_path();
    if (f.empty()) {
      if (!*origin_)
        return false;
      touch();
      origin_->reset();
      return true;
    }
    touch();
    return trie::remove_branches(*origin_, f, prune);
  }

  /// Replaces everything below the focus and the focus value with `src`'s subtrie and focus
  /// value, sharing its nodes (O(1) at node boundaries). An empty or missing source clears
  /// the focus like `remove_branches(false)` plus removing the value. `src` may read this
  /// same map.
  template <class Z>
  void graft(const Z& src) {
    const auto& sc = src.read_core();
    ptr sub = sc.focus_subtrie();
    std::optional<V> v;
    if (const V* sv = sc.val())
      v.emplace(*sv);
    install(std::move(sub), std::move(v));
  }

  /// Like `graft`, from a map: its root value becomes the focus value.
  void graft_map(path_map<V> map);

  /// Keeps only the children of the focus whose bytes are in `keep` (the focus value stays);
  /// prunes the focus afterwards when asked and it is left dangling. True when a child was
  /// removed. The kept branches are shared, not copied.
  bool remove_unmasked_branches(byte_mask keep, bool prune);

  /// For each byte `b` of `mask` in ascending order, grafts the next map of `maps` at
  /// focus ++ [b] like `graft_map` (its root value becomes the value there). With
  /// `remove_unset`, the children whose bytes are not in `mask` are removed first. Throws
  /// `std::invalid_argument`, changing nothing, when `maps` holds fewer maps than `mask` bytes.
  void graft_child_maps(byte_mask mask, std::vector<path_map<V>> maps, bool remove_unset);

  /// For each byte `b` in `mask` that is also a child of `src`'s focus, grafts `src`'s
  /// subtrie at [b] (value included) onto focus ++ [b]. `src`'s focus is where it was after.
  template <class Z>
  void graft_children(Z& src, byte_mask mask) {
    byte_mask both = mask & src.child_mask();
    for (int b = both.first(); b >= 0; b = both.next_at_or_after(b + 1)) {
      auto byte = static_cast<std::uint8_t>(b);
      src.descend_to_byte(byte);
      this->descend_to_byte(byte);
      graft(src);
      this->ascend_byte();
      src.ascend_byte();
    }
  }

  /// Puts `prefix` in front of every path below the focus; the focus value stays. False, and
  /// nothing changes, when the focus has no children.
  bool insert_prefix(path_view prefix);

  /// Lifts the subtrie below the focus up by `n` bytes: ascends `n` bytes (or to the root) and
  /// grafts the old focus's subtrie there, replacing everything that was below that position
  /// (siblings included); the value at the new focus stays, the old focus's value goes. True
  /// when the full `n` bytes were ascended.
  bool remove_prefix(std::size_t n);

  /// Removes the focus value and everything below it and returns them as a map (the value as
  /// its root value); nullopt when there was neither. Prunes afterwards when asked.
  std::optional<path_map<V>> take_map(bool prune);

  // -- algebra ---------------------------------------------------------------------------------
  // Defined in algebra.hpp (documented there). Each works on the subtrie below the focus.

  template <class Z>
  algebraic_status join_into(const Z& src)
    requires lattice_type<V>;
  algebraic_status join_map_into(path_map<V> map)
    requires lattice_type<V>;
  template <class Z>
  algebraic_status meet_into(const Z& src, bool prune)
    requires lattice_type<V>;
  template <class Z>
  algebraic_status subtract_into(const Z& src, bool prune)
    requires distributive_lattice_type<V>;
  template <class Z>
  algebraic_status restrict(const Z& src);
  bool join_k_path_into(std::size_t k, bool prune)
    requires lattice_type<V>;
  bool meet_k_path_into(std::size_t k, bool prune)
    requires lattice_type<V>;
  bool drop_head(std::size_t k)
    requires lattice_type<V>
  {
    return join_k_path_into(k, true);
  }
  template <class ZA, class ZB>
  algebraic_status meet_2(const ZA& a, const ZB& b)
    requires lattice_type<V>;
  template <class Z>
  bool restricting(const Z& src);
  algebraic_status join_into_take(write_zipper& src, bool prune)
    requires lattice_type<V>;

  // -- nested heads ------------------------------------------------------------------

  /// A zipper head rooted at the focus (creating it). Do not use this zipper while the head
  /// lives; moving or destroying it meanwhile is safe (the head's death marks whichever zipper
  /// now holds this one's state stale, through a shared flag).
  pathmap::zipper_head<V> zipper_head();

  // -- engine access ------------------------------------------------------------------

  const detail::zipper_core<V>& read_core() const {
    check_heads();
    if (dirty_) {
      core_.reorigin(origin_->get(), origin_val_->has_value() ? &**origin_val_ : nullptr);
      dirty_ = false;
      pending_ = 0;
    } else if (pending_) {
      core_.catch_up(pending_);
      pending_ = 0;
    }
    return core_;
  }
  detail::zipper_core<V>& move_core() {
    read_core();
    return core_;
  }

private:
  void touch() const noexcept {
    dirty_ = true;
    pending_ = 0;
  }

  /// A nested head that died changed the trie below: the frames must be rebuilt.
  void check_heads() const noexcept {
    if (head_gone_ && head_gone_->exchange(false, std::memory_order_acq_rel))
      touch();
  }

  void drop_pending() {
    core_.lazy_truncate(core_.origin_path().size() - pending_);
    pending_ = 0;
  }

  void install(ptr sub, std::optional<V> v) {
    path_view f = core_.walk_path();
    touch();
    if (f.empty()) {
      if (sub && detail::node_ops<V>::count(sub.get()) == 0)
        sub.reset();
      *origin_ = std::move(sub);
      *origin_val_ = std::move(v);
      return;
    }
    trie::graft(*origin_, f, std::move(sub), std::move(v));
  }

  ptr* origin_;
  std::optional<V>* origin_val_;
  mutable detail::zipper_core<V> core_;
  mutable bool dirty_ = false;      // frames stale: rebuild from the origin
  mutable std::size_t pending_ = 0; // path bytes appended since the frames were right
  detail::stale_flag head_gone_;     // set by a nested head when it dies (zipper_head())
};

static_assert(zipper_writing<write_zipper<int>>);
static_assert(zipper_iteration<write_zipper<int>>);

} // namespace pathmap

#include "pathmap/path_map.hpp"
