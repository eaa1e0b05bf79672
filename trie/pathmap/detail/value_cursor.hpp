#pragma once
/// @file
/// `value_cursor<V>`: the values of a subtrie in path order, for the map's own iteration
/// (`path_map::begin()`, `for_each_value`).
///
/// Why not a read zipper: a zipper's focus can stop anywhere (inside a key, on a missing
/// path, above its root) and be moved between steps, so every `to_next_get_val` first works
/// out where it stands. A cursor only ever stands at the end of an entry's key, and each step
/// is one of two moves: into the child of the entry it stands on, or on to the next entry,
/// leaving the nodes it has finished. A frame is a node, its current entry and the path length
/// at the node.

#include <cstddef>
#include <vector>

#include "pathmap/detail/dense_node.hpp"
#include "pathmap/detail/node_ops.hpp"
#include "pathmap/detail/path_buffer.hpp"

namespace pathmap::detail {

template <class V>
class value_cursor {
  using ops = node_ops<V>;

public:
  value_cursor() noexcept = default;
  /// A cursor before the first value below `root` (null: an empty trie).
  explicit value_cursor(const node_header* root) : below_(root) {}

  /// The path of the value `next` returned last, relative to the root; valid until the next
  /// call.
  path_view path() const noexcept { return path_.view(); }

  /// Moves to the next value in path order and returns it; null at the end (and after it).
  const V* next() {
    if (leaf_v_) {
      // In a dense node without children, values are stored in byte order: the next valued
      // byte's value follows the last one. In a full one (every byte has a value: the last
      // level of dense integer keys), the next valued byte is the next byte.
      frame& f = stack_.back();
      using dn = dense_node<V>;
      const int e = f.h->f2 == 256 ? (f.e < 255 ? f.e + 1 : -1)
                                   : dn::vals(f.h).next_at_or_after(f.e + 1);
      if (e >= 0) {
        f.e = e;
        path_.back() = std::uint8_t(e);
        return ++leaf_v_;
      }
      leaf_v_ = nullptr;
      stack_.pop_back(); // what else the node holds are dangling entries, which yield nothing
    }
    return step();
  }

private:
  /// The general step of `next`, out of line so that the dense leaf path stays small where
  /// it is inlined.
  [[gnu::noinline]] const V* step() {
    for (;;) {
      int e;
      if (below_) {
        // Into the child of the current entry (or, at the start, the root).
        stack_.push_back({below_, -1, path_.size()});
        below_ = nullptr;
        e = ops::first_entry(stack_.back().h);
        if (e < 0) { // a node without entries has nothing below it
          stack_.pop_back();
          continue;
        }
      } else {
        // On to the next entry, leaving the nodes whose entries are all done.
        for (;;) {
          if (stack_.empty())
            return nullptr;
          const frame& f = stack_.back();
          e = ops::next_entry(f.h, f.e);
          if (e >= 0)
            break;
          stack_.pop_back();
        }
      }
      frame& f = stack_.back();
      f.e = e;
      const entry_ref<V> r = ops::entry(f.h, e);
      path_.truncate(f.base);
      path_.push_back(ops::first_byte(f.h, e));
      path_.append_node_bytes(r.tail);
      below_ = r.child;
      if (r.val) {
        if (f.h->tag == node_tag::dense && f.h->f0 == 0) // no child capacity: a leaf
          leaf_v_ = r.val;
        return r.val;
      }
    }
  }

  struct frame {
    const node_header* h;
    int e;            // the current entry, -1 before the first
    std::size_t base; // path length at the node
  };

  std::vector<frame> stack_;
  path_buffer path_;
  // The node the next step enters: the current entry's child, or the root before the start.
  const node_header* below_ = nullptr;
  // The current value when the top frame is a dense node without children (else null).
  const V* leaf_v_ = nullptr;
};

} // namespace pathmap::detail
