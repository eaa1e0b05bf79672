#pragma once
/// @file
/// Path-level trie algorithms over a root slot: point lookups, the copy-on-write walk that
/// mutating operations share, and pruning.
///
/// Every function takes the *origin*: the slot holding the root node of the trie it works in
/// (the map root, or later a zipper head's pinned cell). Paths are relative to the origin and
/// non-empty unless stated; the value at the empty path lives outside the nodes and is handled
/// by the callers. Nothing here recurses: loops walk one node per iteration, so megabyte paths
/// cost time, never stack.

#include <optional>
#include <vector>

#include "pathmap/detail/node_ops.hpp"

namespace pathmap::detail {

/// A read-only position: inside entry `e` of node `h` after `off` key bytes
/// (1 <= off <= key_len), or at the root of `h` when `e < 0`.
struct position {
  const node_header* h = nullptr;
  int e = -1;
  std::size_t off = 0;
};

template <class V>
struct trie_ops {
  using ops = node_ops<V>;
  using ptr = node_ptr<V>;

  // -- reading --------------------------------------------------------------

  /// Finds path `p` below `root`. An empty `p` is the root position (which always exists).
  static bool lookup(const node_header* root, path_view p, position& out) noexcept {
    out = {root, -1, 0};
    const node_header* h = root;
    const std::uint8_t* k = p.data();
    std::size_t i = 0, n = p.size();
    while (i < n) {
      if (!h)
        return false;
      std::uint8_t b = k[i];
      if (!ops::indexed(h)) {
        // Dense and cell nodes: one-byte keys.
        if (!ops::byte_entries(h).test(b))
          return false;
        if (++i == n) {
          out = {h, b, 1};
          return true;
        }
        h = ops::child(h, b);
        continue;
      }
      int e = ops::find(h, b);
      if (e < 0)
        return false;
      path_view t = ops::tail(h, e);
      std::size_t tl = t.size();
      std::size_t avail = n - i - 1;
      if (tl) {
        std::size_t m = std::min(tl, avail);
        if (m && std::memcmp(t.data(), k + i + 1, m) != 0)
          return false;
      }
      if (avail <= tl) {
        out = {h, e, avail + 1};
        return true;
      }
      i += tl + 1;
      h = ops::child(h, e);
    }
    return true;
  }

  /// The value at `p` (non-empty), or null. The hottest read: one loop, one node per step.
  static const V* get(const node_header* h, path_view p) noexcept {
    using dn = dense_node<V>;
    const std::uint8_t* k = p.data();
    std::size_t i = 0, n = p.size();
    const path_words words(p);
    while (h) {
      std::uint8_t b = k[i];
      if (h->tag == node_tag::dense) {
        if (++i == n) {
          // A full leaf (256 values, no child array: the last level of dense integer keys)
          // keeps byte b's value at a fixed offset. Its address is computed without reading
          // the header, so that the value's cache line loads while the header's is checked
          // (one cache miss per lookup instead of two in a row).
          auto leaf = reinterpret_cast<std::uintptr_t>(h) + dn::values_offset(0);
          if (h->f2 == 256 && h->f0 == 0)
            return reinterpret_cast<const V*>(leaf) + b;
          return dn::val(h, b);
        }
        if (h->f0 == 0) // no child capacity: a leaf
          return nullptr;
        node_ptr<V>* c = dn::child_slot(h, b);
        h = c ? c->get() : nullptr;
        if (h) {
          // The child's first six cache lines load together. Below a dense level the child is
          // often a small node of several lines (1M random 16-byte keys: 15 entries, about
          // 400 bytes), whose header, then tail, then value would otherwise each wait for the
          // line before: with these, a shuffled lookup there went from 216 to 175 ns (medians
          // of 8 alternating runs of a lookup harness); dense keys did not move.
          const char* q = reinterpret_cast<const char*>(h);
          for (int line = 1; line < 6; ++line)
            __builtin_prefetch(q + 64 * line);
        }
        continue;
      }
      if (h->tag == node_tag::small) {
        using sn = small_node<V>;
        int e = sn::find(h, b);
        if (e < 0)
          return nullptr;
        // The child's cache line starts loading now, while the tail is compared (the branch
        // on the compare's result would otherwise hold the load back until it resolves).
        const node_header* next = sn::child(h, e);
        if (next) {
          // Its first four lines: half the 48-byte nodes of a word list straddle two, and the
          // wide nodes near the top keep their child pointers after their tails. Word list,
          // shuffled, in `peers/words/lookup_rounds` (three alternating runs): one line 111 to
          // 116 ns, two 102 to 105, four 97 to 99 (JudySL 98 to 104), six no better.
          const char* q = reinterpret_cast<const char*>(next);
          for (int line = 0; line < 4; ++line)
            __builtin_prefetch(q + 64 * line);
        }
        // Unlike in packed nodes, a branch on an empty tail pays here: the entries a lookup
        // passes in small nodes have no tail far more often than not (92% on the word list,
        // and always or never at each level of dense integer keys), so it predicts well and
        // saves the tail's offset and compare (a lookup of 1M dense keys: 312 -> 264 instructions).
        const std::size_t tl = sn::tail_len(h, e);
        if (tl != 0) {
          const path_view t = sn::tail(h, e);
          if (!words.continues_with(i + 1, t.data(), tl))
            return nullptr;
        }
        i += tl + 1;
        if (i == n)
          return sn::val(h, e);
        h = next;
        continue;
      }
      if (is_packed(h)) {
        using pk = packed_node<V>;
        int e = pk::find(h, b);
        if (e < 0)
          return nullptr;
        const typename pk::step_ref r = pk::step(h, e);
        __builtin_prefetch(r.child); // null when there is none: prefetches never fault
        if (!words.continues_with(i + 1, r.tail.data(), r.tail.size()))
          return nullptr;
        i += r.tail.size() + 1;
        if (i == n)
          return pk::val(h, e);
        h = r.child;
        continue;
      }
      if (!ops::byte_entries(h).test(b))
        return nullptr;
      if (++i == n)
        return ops::val(h, b);
      h = ops::child(h, b);
    }
    return nullptr;
  }

  static const V* value_at(const position& pos) noexcept {
    return pos.e >= 0 && pos.off == ops::key_len(pos.h, pos.e) ? ops::val(pos.h, pos.e) : nullptr;
  }

  /// Number of children at a position.
  static int child_count(const position& pos) noexcept {
    if (pos.e < 0)
      return pos.h ? ops::count(pos.h) : 0;
    if (pos.off < ops::key_len(pos.h, pos.e))
      return 1;
    const node_header* c = ops::child(pos.h, pos.e);
    return c ? ops::count(c) : 0;
  }

  static byte_mask child_mask(const position& pos) noexcept {
    byte_mask m;
    if (pos.e < 0)
      return pos.h ? ops::root_mask(pos.h) : m;
    if (pos.off < ops::key_len(pos.h, pos.e)) {
      m.set(ops::key_byte(pos.h, pos.e, pos.off));
      return m;
    }
    const node_header* c = ops::child(pos.h, pos.e);
    return c ? ops::root_mask(c) : m;
  }

  /// The subtrie strictly below a position as a node (shared when it is one already; a
  /// position inside a key gets a new one-entry node holding the rest of the key).
  static ptr subtrie_at(const position& pos) {
    if (pos.e < 0)
      return ptr::share(const_cast<node_header*>(pos.h));
    std::size_t kl = ops::key_len(pos.h, pos.e);
    if (pos.off == kl)
      return ptr::share(ops::child(pos.h, pos.e));
    path_view t = ops::tail(pos.h, pos.e);
    entry_src<V> e{t[pos.off - 1], t.subview(pos.off), ops::val(pos.h, pos.e), false,
                   ops::child(pos.h, pos.e)};
    return ptr(small_node<V>::build(&e, 1));
  }

  /// Number of values in the trie below `root` (logical: a shared node counts each time).
  static std::size_t count_values(const node_header* root) {
    if (!root)
      return 0;
    std::size_t total = 0;
    std::vector<const node_header*> todo{root};
    while (!todo.empty()) {
      const node_header* h = todo.back();
      todo.pop_back();
      for (int e = ops::first_entry(h); e >= 0; e = ops::next_entry(h, e)) {
        total += ops::val(h, e) != nullptr;
        if (const node_header* c = ops::child(h, e))
          todo.push_back(c);
      }
    }
    return total;
  }

  /// Values strictly below a position.
  static std::size_t count_below(const position& pos) {
    if (pos.e < 0)
      return count_values(pos.h);
    std::size_t n = count_values(ops::child(pos.h, pos.e));
    if (pos.off < ops::key_len(pos.h, pos.e) && ops::val(pos.h, pos.e))
      ++n;
    return n;
  }

  // -- the copy-on-write walk -----------------------------------------------

  /// A mutable position: the end of entry `e` of the unique node in `*slot`, or the root of
  /// that node when `e < 0`.
  struct mut_position {
    ptr* slot = nullptr;
    int e = -1;
  };

  /// Walks `p` from `origin`, making every node on the way unique and splitting a key that `p`
  /// ends inside, so that the result is an entry end. With `create`, missing bytes are added as
  /// a dangling path; `val`, if given, is moved into a newly created end (then `*placed` is
  /// set). Without `create`, returns a null slot when `p` does not exist; callers check with
  /// `lookup` first so that a failed search does not copy shared nodes.
  static mut_position locate_mut(ptr& origin, path_view p, bool create, V* val = nullptr,
                                 bool* placed = nullptr) {
    ptr* slot = &origin;
    std::size_t i = 0, n = p.size();
    if (n == 0)
      return {slot, -1};
    for (;;) {
      if (!*slot) {
        if (!create)
          return {};
        *slot = ops::make_chain(p.subview(i), val, nullptr);
        if (placed && val)
          *placed = true;
        val = nullptr;
      }
      ops::make_unique(*slot);
      node_header* h = slot->get();
      int e = ops::find(h, p[i]);
      if (e < 0) {
        if (!create)
          return {};
        path_view rest = p.subview(i + 1);
        e = ops::insert_entry(*slot, p[i], rest, val, nullptr);
        if (placed && val)
          *placed = true;
        val = nullptr;
        if (ops::key_len(slot->get(), e) == rest.size() + 1)
          return {slot, e};
        continue; // the rest became a chain (long tail, or a one-byte-key node): follow it
      }
      path_view t = ops::tail(h, e);
      std::size_t avail = n - i - 1;
      std::size_t m = std::min(t.size(), avail);
      std::size_t l = 0;
      while (l < m && t[l] == p[i + 1 + l])
        ++l;
      if (l < t.size()) {
        if (l == avail) {
          // `p` ends inside the key.
          ops::split_entry(*slot, e, l + 1);
          return {slot, e};
        }
        if (!create)
          return {};
        ops::split_entry(*slot, e, l + 1);
        i += l + 1;
        slot = ops::child_slot(slot->get(), e);
        continue;
      }
      i += t.size() + 1;
      if (i == n)
        return {slot, e};
      ptr* c = ops::child_slot(h, e);
      if (!c) {
        if (!create)
          return {};
        ptr chain = ops::make_chain(p.subview(i), val, nullptr);
        if (placed && val)
          *placed = true;
        val = nullptr;
        ops::set_child(*slot, e, std::move(chain));
        c = ops::child_slot(slot->get(), e);
      }
      slot = c;
    }
  }

  // -- operations -----------------------------------------------------------

  /// Sets the value at `p` (non-empty), returning the value it replaced.
  static std::optional<V> set(ptr& origin, path_view p, V&& v) {
    bool placed = false;
    mut_position mp = locate_mut(origin, p, true, &v, &placed);
    if (placed)
      return std::nullopt;
    return ops::set_val(*mp.slot, mp.e, std::move(v));
  }

  /// Makes `p` (non-empty) exist. True when bytes were added.
  static bool create(ptr& origin, path_view p) {
    position pos;
    if (lookup(origin.get(), p, pos))
      return false;
    locate_mut(origin, p, true);
    return true;
  }

  /// The origin-relative length of the deepest proper prefix of `p` that has a value or at
  /// least two children (0 when none): where pruning from `p` stops.
  static std::size_t prune_stop(const node_header* root, path_view p) noexcept {
    std::size_t best = 0, depth = 0;
    const node_header* h = root;
    while (h && depth < p.size()) {
      int e = ops::find(h, p[depth]);
      if (e < 0)
        break;
      depth += ops::key_len(h, e);
      if (depth >= p.size())
        break;
      const node_header* c = ops::child(h, e);
      if (ops::val(h, e) || (c && ops::count(c) >= 2))
        best = depth;
      h = c;
    }
    return best;
  }

  /// Removes the dangling path `p` (exists, no value, no children) up to the nearest ancestor
  /// with a value or two children, or the origin. Returns the number of bytes removed.
  static std::size_t prune(ptr& origin, path_view p) {
    std::size_t q = prune_stop(origin.get(), p);
    std::uint8_t b = p[q];
    if (q == 0) {
      ops::make_unique(origin);
      ops::remove_entry(origin, ops::find(origin.get(), b));
      if (ops::count(origin.get()) == 0)
        origin.reset();
      return p.size();
    }
    mut_position mp = locate_mut(origin, p.subview(0, q), false);
    ptr* c = ops::child_slot(mp.slot->get(), mp.e);
    ops::make_unique(*c);
    ops::remove_entry(*c, ops::find(c->get(), b));
    if (ops::count(c->get()) == 0)
      ops::set_child(*mp.slot, mp.e, ptr());
    return p.size() - q;
  }

  /// True when `p` exists with no value and no children.
  static bool dangling(const node_header* root, path_view p) noexcept {
    position pos;
    if (p.empty() || !lookup(root, p, pos))
      return false;
    return !value_at(pos) && child_count(pos) == 0;
  }

  /// Removes the value at `p` (non-empty); prunes the dangling path left behind when asked.
  static std::optional<V> remove(ptr& origin, path_view p, bool prune_after) {
    if (!get(origin.get(), p))
      return std::nullopt;
    mut_position mp = locate_mut(origin, p, false);
    std::optional<V> old = ops::take_val(*mp.slot, mp.e);
    if (prune_after && dangling(origin.get(), p))
      prune(origin, p);
    return old;
  }

  /// Removes everything below `p` (non-empty), keeping the value at `p`. True when something
  /// was removed.
  static bool remove_branches(ptr& origin, path_view p, bool prune_after) {
    position pos;
    if (!lookup(origin.get(), p, pos) || child_count(pos) == 0)
      return false;
    mut_position mp = locate_mut(origin, p, false);
    ops::set_child(*mp.slot, mp.e, ptr());
    if (prune_after && dangling(origin.get(), p))
      prune(origin, p);
    return true;
  }

  /// Replaces the subtrie below `p` (non-empty) with `sub` and the value at `p` with `val`.
  /// When both are empty the path is left dangling (if it existed), never created.
  static void graft(ptr& origin, path_view p, ptr sub, std::optional<V> val) {
    if (sub && ops::count(sub.get()) == 0)
      sub.reset();
    if (!sub && !val) {
      position pos;
      if (!lookup(origin.get(), p, pos))
        return;
      mut_position mp = locate_mut(origin, p, false);
      ops::truncate_entry(*mp.slot, mp.e, ops::key_len(mp.slot->get(), mp.e));
      return;
    }
    mut_position mp = locate_mut(origin, p, true);
    ops::set_child(*mp.slot, mp.e, std::move(sub));
    if (val)
      ops::set_val(*mp.slot, mp.e, std::move(*val));
    else
      ops::take_val(*mp.slot, mp.e);
  }

  /// Removes and returns the subtrie below `p` (non-empty) and its value.
  static std::pair<ptr, std::optional<V>> take(ptr& origin, path_view p) {
    position pos;
    if (!lookup(origin.get(), p, pos))
      return {};
    mut_position mp = locate_mut(origin, p, false);
    ptr sub;
    if (ptr* c = ops::child_slot(mp.slot->get(), mp.e))
      sub = *c;
    ops::set_child(*mp.slot, mp.e, ptr());
    std::optional<V> v = ops::take_val(*mp.slot, mp.e);
    return {std::move(sub), std::move(v)};
  }
};

} // namespace pathmap::detail
