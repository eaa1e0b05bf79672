#pragma once
/// @file
/// The structural preparation a zipper head does before it hands out a zipper: pinning the
/// cell at a path, and the snapshot a tracked reader starts from. Only the head's thread runs
/// this code (the head is used by one thread at a time); the zippers it makes then run on any
/// thread without locks.

#include <memory>
#include <optional>

#include "pathmap/detail/cell_node.hpp"
#include "pathmap/detail/trie_ops.hpp"

namespace pathmap::detail {

/// An owning reference to a pinned cell.
template <class V>
class cell_ref {
public:
  cell_ref() = default;
  explicit cell_ref(cell<V>* c) noexcept : c_(c) {} // adopts one reference
  cell_ref(const cell_ref& o) noexcept : c_(o.c_ ? cell<V>::share(o.c_) : nullptr) {}
  cell_ref(cell_ref&& o) noexcept : c_(std::exchange(o.c_, nullptr)) {}
  cell_ref& operator=(cell_ref o) noexcept {
    std::swap(c_, o.c_);
    return *this;
  }
  ~cell_ref() {
    if (c_)
      if (node_header* ch = cell<V>::drop(c_))
        release_node<V>(ch);
  }
  cell<V>* get() const noexcept { return c_; }
  cell<V>* operator->() const noexcept { return c_; }
  explicit operator bool() const noexcept { return c_ != nullptr; }

private:
  cell<V>* c_ = nullptr;
};

template <class V>
struct head_ops {
  using ops = node_ops<V>;
  using trie = trie_ops<V>;
  using ptr = node_ptr<V>;

  /// Makes path `p` (non-empty) exist below `origin`, turns the node holding its last byte
  /// into a cell node, and returns the cell of that byte. Content at and below `p` is kept.
  static cell_ref<V> pin_cell(ptr& origin, path_view p) {
    path_view parent = p.subview(0, p.size() - 1);
    ptr* slot = &origin;
    if (!parent.empty()) {
      auto mp = trie::locate_mut(origin, parent, true);
      slot = ops::child_slot(mp.slot->get(), mp.e);
      if (!slot) {
        ops::set_child(*mp.slot, mp.e, ptr(cell_node<V>::make(4)));
        slot = ops::child_slot(mp.slot->get(), mp.e);
      }
    }
    if (!*slot)
      *slot = ptr(cell_node<V>::make(4));
    ops::make_unique(*slot);
    ops::make_cell_node(*slot);
    std::uint8_t b = p[p.size() - 1];
    int e = ops::find(slot->get(), b);
    if (e < 0)
      e = ops::insert_entry(*slot, b, {}, nullptr, nullptr);
    return cell_ref<V>(cell<V>::share(ops::cell_of(slot->get(), e)));
  }

  /// What a tracked reader starts from: the subtrie at a path (shared) and a copy of the value
  /// there.
  struct snapshot_t {
    ptr node;
    std::optional<V> val;
    bool exists = false;
  };

  /// The snapshot at `p` below `root` (root value `root_val`); empty when `p` does not exist.
  static snapshot_t snapshot(const node_header* root, const V* root_val, path_view p) {
    position pos;
    snapshot_t out;
    if (!trie::lookup(root, p, pos))
      return out;
    out.exists = true;
    if (const V* cur = p.empty() ? root_val : trie::value_at(pos))
      out.val.emplace(*cur);
    out.node = trie::subtrie_at(pos);
    return out;
  }
};

} // namespace pathmap::detail
