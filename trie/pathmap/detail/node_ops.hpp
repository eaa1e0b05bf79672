#pragma once
/// @file
/// `node_ops<V>`: one interface over every node kind (dispatch by `switch` on the tag), plus
/// node lifetime (iterative release, copy-on-write) and the entry edits the trie algorithms use.
///
/// An *entry id* names an entry inside its node: the index for small and packed nodes, the byte
/// for dense and cell nodes. Ids stay valid until the node is edited; `insert_entry` returns
/// the new id.
///
/// Edits take the `node_ptr` slot that owns a unique node and may replace the node in it
/// (small nodes are rebuilt, dense nodes grow). Every edit gives the strong exception
/// guarantee: when a value copy throws, the slot still holds the unchanged node.

#include <algorithm>
#include <optional>

#include "pathmap/detail/cell_node.hpp"
#include "pathmap/detail/dense_node.hpp"
#include "pathmap/detail/packed_node.hpp"
#include "pathmap/detail/small_node.hpp"

namespace pathmap::detail {

template <class V>
struct node_ops {
  using sn = small_node<V>;
  using dn = dense_node<V>;
  using cn = cell_node<V>;
  using pk = packed_node<V>;
  using ptr = node_ptr<V>;

  static bool small(const node_header* h) noexcept { return h->tag == node_tag::small; }
  static bool packed(const node_header* h) noexcept { return is_packed(h); }
  static bool is_cell(const node_header* h) noexcept { return h->tag == node_tag::cell; }
  /// Small and packed nodes: entries are indices into sorted first bytes, `n` in the header.
  static bool indexed(const node_header* h) noexcept {
    return h->tag == node_tag::small || is_packed(h);
  }
  static const std::uint8_t* firsts(const node_header* h) noexcept {
    return small(h) ? sn::firsts(h) : pk::firsts(h);
  }

  /// The entry bytes of a dense or cell node.
  static byte_mask& byte_entries(const node_header* h) noexcept {
    return is_cell(h) ? cn::exists(h) : dn::exists(h);
  }

  // -- reading --------------------------------------------------------------

  static int find(const node_header* h, std::uint8_t b) noexcept {
    if (indexed(h))
      return find_first_byte(firsts(h), h->n, b);
    return byte_entries(h).test(b) ? b : -1;
  }
  static int count(const node_header* h) noexcept {
    return indexed(h) ? h->n : byte_entries(h).count();
  }
  static std::size_t key_len(const node_header* h, int e) noexcept {
    return small(h) ? sn::key_len(h, e) : packed(h) ? pk::key_len(h, e) : 1;
  }
  static std::uint8_t first_byte(const node_header* h, int e) noexcept {
    return indexed(h) ? firsts(h)[e] : std::uint8_t(e);
  }
  /// Key bytes after the first.
  static path_view tail(const node_header* h, int e) noexcept {
    return small(h) ? sn::tail(h, e) : packed(h) ? pk::tail(h, e) : path_view{};
  }
  static std::uint8_t key_byte(const node_header* h, int e, std::size_t off) noexcept {
    return off == 0 ? first_byte(h, e) : tail(h, e)[off - 1];
  }
  static V* val(const node_header* h, int e) noexcept {
    return small(h)     ? sn::val(h, e)
           : packed(h)  ? pk::val(h, e)
           : is_cell(h) ? cn::val(h, e)
                        : dn::val(h, e);
  }
  /// The slot holding entry `e`'s child, for edits: never called on a packed node, which is
  /// never edited (its children are not `node_ptr`s).
  static ptr* child_slot(const node_header* h, int e) noexcept {
    PATHMAP_ASSERT(!packed(h), "packed nodes are copied before they are edited");
    return small(h)     ? sn::child_slot(h, e)
           : is_cell(h) ? cn::child_slot(h, e)
                        : dn::child_slot(h, e);
  }
  static node_header* child(const node_header* h, int e) noexcept {
    if (packed(h))
      return pk::child(h, e);
    ptr* c = child_slot(h, e);
    return c ? c->get() : nullptr;
  }
  static entry_ref<V> entry(const node_header* h, int e) noexcept {
    if (small(h))
      return sn::entry(h, e);
    if (packed(h))
      return pk::entry(h, e);
    return {path_view{}, child(h, e), val(h, e)};
  }
  static byte_mask root_mask(const node_header* h) noexcept {
    if (!indexed(h))
      return byte_entries(h);
    byte_mask m;
    const std::uint8_t* f = firsts(h);
    for (int i = 0; i < h->n; ++i)
      m.set(f[i]);
    return m;
  }
  static int first_entry(const node_header* h) noexcept {
    return indexed(h) ? (h->n ? 0 : -1) : byte_entries(h).first();
  }
  static int last_entry(const node_header* h) noexcept {
    return indexed(h) ? int(h->n) - 1 : byte_entries(h).last();
  }
  static int next_entry(const node_header* h, int e) noexcept {
    return indexed(h) ? (e + 1 < h->n ? e + 1 : -1) : byte_entries(h).next_at_or_after(e + 1);
  }
  static int prev_entry(const node_header* h, int e) noexcept {
    return indexed(h) ? e - 1 : byte_entries(h).prev_at_or_before(e - 1);
  }
  /// The `i`-th entry in byte order, or -1.
  static int nth_entry(const node_header* h, int i) noexcept {
    if (indexed(h))
      return i >= 0 && i < h->n ? i : -1;
    return byte_entries(h).nth(i);
  }
  /// The first entry whose first byte is greater than `b`, or -1.
  static int entry_after(const node_header* h, std::uint8_t b) noexcept {
    if (!indexed(h))
      return byte_entries(h).next_at_or_after(int(b) + 1);
    const std::uint8_t* f = firsts(h);
    for (int i = 0; i < h->n; ++i)
      if (f[i] > b)
        return i;
    return -1;
  }
  /// The last entry whose first byte is less than `b`, or -1.
  static int entry_before(const node_header* h, std::uint8_t b) noexcept {
    if (!indexed(h))
      return byte_entries(h).prev_at_or_before(int(b) - 1);
    const std::uint8_t* f = firsts(h);
    for (int i = h->n - 1; i >= 0; --i)
      if (f[i] < b)
        return i;
    return -1;
  }

  // -- lifetime -------------------------------------------------------------

  /// Drops one reference; destroys without recursion when it was the last.
  static void release(node_header* h) noexcept {
    h = drop_ref(h);
    if (!h)
      return;
    // Dying nodes are chained through their (dead) reference count bytes 8..16.
    node_header* list = nullptr;
    auto push = [&list](node_header* c) noexcept {
      std::memcpy(reinterpret_cast<char*>(c) + 8, &list, sizeof(list));
      list = c;
    };
    destroy_one(h, push);
    while (list) {
      node_header* c = list;
      std::memcpy(&list, reinterpret_cast<char*>(c) + 8, sizeof(list));
      destroy_one(c, push);
    }
  }

  static node_header* clone(const node_header* h) {
    if (packed(h))
      return pk::to_small(h);
    switch (h->tag) {
      case node_tag::small:
        return sn::clone(h);
      case node_tag::dense:
        return dn::clone(h);
      default:
        break;
    }
    return cn::clone(h);
  }

  /// Copy-on-write: makes the node in `slot` unique, cloning it when shared.
  static void make_unique(ptr& slot) {
    if (!slot.unique())
      slot = ptr(clone(slot.get()));
  }

  /// Builds the chain of nodes for `rest` (non-empty): the path `rest` from the new node's root
  /// ends in an entry holding a copy/move of `*val` (if any) and `child` (if any).
  static ptr make_chain(path_view rest, V* val, node_header* child) {
    std::size_t n = rest.size();
    std::size_t start = (n - 1) / max_key_len * max_key_len;
    entry_src<V> e{rest[start], rest.subview(start + 1, n - start - 1), val, true, child};
    ptr cur(sn::build(&e, 1));
    while (start > 0) {
      start -= max_key_len;
      entry_src<V> up{rest[start], rest.subview(start + 1, max_key_len - 1), nullptr, false,
                      cur.get()};
      cur = ptr(sn::build(&up, 1));
    }
    return cur;
  }

  // -- edits (on the unique node owned by `slot`) ----------------------------

  /// Adds an entry with first byte `first` (absent) and key tail `tail` (any length; long tails
  /// become chains). Returns the new entry's id.
  static int insert_entry(ptr& slot, std::uint8_t first, path_view tail, V* val,
                          node_header* child) {
    ptr chain;
    if (tail.size() >= max_key_len) {
      chain = make_chain(tail.subview(max_key_len - 1), val, child);
      tail = tail.subview(0, max_key_len - 1);
      val = nullptr;
      child = chain.get();
    }
    node_header* h = slot.get();
    if (is_cell(h)) {
      ptr c = tail.empty() ? ptr::share(child) : make_chain(tail, val, child);
      auto* cl = new cell<V>;
      try {
        if (val && tail.empty())
          cl->val.emplace(std::move_if_noexcept(*val));
        cl->child = std::move(c);
        replace(slot, cn::insert_cell(h, first, cl));
      } catch (...) {
        delete cl;
        throw;
      }
      return first;
    }
    if (!small(h)) {
      if (!tail.empty()) {
        ptr c = make_chain(tail, val, child);
        replace(slot, dn::insert_child(h, first, std::move(c)));
        return first;
      }
      if (val) {
        V tmp(std::move_if_noexcept(*val));
        replace(slot, dn::insert_val(h, first, std::move(tmp)));
      }
      if (child)
        replace(slot, dn::insert_child(slot.get(), first, ptr::share(child)));
      dn::exists(slot.get()).set(first);
      return first;
    }
    int n = h->n, at = 0;
    while (at < n && sn::firsts(h)[at] < first)
      ++at;
    entry_src<V> added{first, tail, val, true, child};
    const bool stays_small = fits_small(h, !tail.empty());
    if constexpr (std::is_nothrow_move_constructible_v<V>) {
      if (stays_small) {
        install_relocated(slot, sn::insert_relocating(h, at, added));
        return at;
      }
    }
    entry_src<V> es[small_node_max + 1];
    sn::describe_all(h, es, true);
    for (int i = n; i > at; --i)
      es[i] = es[i - 1];
    es[at] = added;
    if (stays_small) {
      slot = ptr(sn::build(es, n + 1));
      return at;
    }
    slot = ptr(dense_from(es, n + 1));
    return first;
  }

  /// Sets entry `e`'s value, returning the value it replaced.
  static std::optional<V> set_val(ptr& slot, int e, V&& v) {
    node_header* h = slot.get();
    if (V* cur = val(h, e)) {
      std::optional<V> old(std::move(*cur));
      *cur = std::move(v);
      return old;
    }
    if (small(h)) {
      if constexpr (std::is_nothrow_move_constructible_v<V>) {
        const entry_src<V> r{sn::firsts(h)[e], sn::tail(h, e), &v, true, sn::child(h, e)};
        install_relocated(slot, sn::replace_relocating(h, e, r));
        return std::nullopt;
      }
      entry_src<V> es[small_node_max];
      describe_all(h, es);
      es[e].val = &v;
      slot = ptr(sn::build(es, h->n));
    } else if (is_cell(h)) {
      cn::get(h, e)->val.emplace(std::move(v));
    } else {
      replace(slot, dn::insert_val(h, std::uint8_t(e), std::move(v)));
    }
    return std::nullopt;
  }

  /// Removes and returns entry `e`'s value (nullopt when it has none). The entry stays.
  static std::optional<V> take_val(ptr& slot, int e) {
    node_header* h = slot.get();
    V* cur = val(h, e);
    if (!cur)
      return std::nullopt;
    std::optional<V> out;
    if (small(h)) {
      if constexpr (std::is_nothrow_move_constructible_v<V>) {
        const entry_src<V> r{sn::firsts(h)[e], sn::tail(h, e), nullptr, false, sn::child(h, e)};
        const std::size_t size = sn::replaced_bytes(h, e, r.tail.size(), false, r.child);
        void* mem = node_alloc<V>(size); // before the value moves out
        out.emplace(std::move(*cur));
        install_relocated(slot, sn::replace_relocating(h, e, r, mem));
        return out;
      }
      out.emplace(std::move(*cur));
      entry_src<V> es[small_node_max];
      describe_all(h, es);
      es[e].val = nullptr;
      slot = ptr(sn::build(es, h->n));
    } else if (is_cell(h)) {
      std::optional<V>& cv = cn::get(h, e)->val;
      out.emplace(std::move(*cv));
      cv.reset();
    } else {
      replace(slot, dn::remove_val(h, std::uint8_t(e), out));
    }
    return out;
  }

  /// Replaces entry `e`'s child with `c` (null removes it). The entry stays.
  static void set_child(ptr& slot, int e, ptr c) {
    node_header* h = slot.get();
    if (ptr* cur = child_slot(h, e)) {
      if (c) {
        *cur = std::move(c);
        return;
      }
      if (small(h)) {
        if constexpr (std::is_nothrow_move_constructible_v<V>) {
          const entry_src<V> r{sn::firsts(h)[e], sn::tail(h, e), sn::val(h, e), true, nullptr};
          install_relocated(slot, sn::replace_relocating(h, e, r));
          return;
        }
        entry_src<V> es[small_node_max];
        describe_all(h, es);
        es[e].child = nullptr;
        slot = ptr(sn::build(es, h->n));
      } else if (is_cell(h)) {
        cur->reset();
      } else {
        dn::remove_child(h, std::uint8_t(e));
      }
      return;
    }
    if (!c)
      return;
    if (small(h)) {
      if constexpr (std::is_nothrow_move_constructible_v<V>) {
        const entry_src<V> r{sn::firsts(h)[e], sn::tail(h, e), sn::val(h, e), true, c.get()};
        install_relocated(slot, sn::replace_relocating(h, e, r));
        c.release(); // adopted by the new node
        return;
      }
      entry_src<V> es[small_node_max];
      describe_all(h, es);
      es[e].child = c.get();
      slot = ptr(sn::build(es, h->n));
    } else if (is_cell(h)) {
      cn::get(h, e)->child = std::move(c);
    } else {
      replace(slot, dn::insert_child(h, std::uint8_t(e), std::move(c)));
    }
  }

  /// Removes entry `e` entirely. The node may end up with no entries; the caller decides.
  static void remove_entry(ptr& slot, int e) {
    node_header* h = slot.get();
    if (small(h)) {
      if constexpr (std::is_nothrow_move_constructible_v<V>) {
        install_relocated(slot, sn::erase_relocating(h, e));
        return;
      }
      entry_src<V> es[small_node_max];
      describe_all(h, es);
      for (int i = e; i + 1 < h->n; ++i)
        es[i] = es[i + 1];
      slot = ptr(sn::build(es, h->n - 1u));
      return;
    }
    std::uint8_t b = std::uint8_t(e);
    if (is_cell(h)) {
      cn::remove_cell(h, b);
      return;
    }
    if (dn::kids(h).test(b))
      dn::remove_child(h, b);
    if (dn::vals(h).test(b)) {
      std::optional<V> drop;
      replace(slot, dn::remove_val(h, b, drop));
    }
    dn::exists(slot.get()).reset(b);
  }

  /// Splits entry `e` (small) after `off` key bytes (0 < off < key_len): the entry keeps the
  /// first `off` bytes and a new child node holds the rest with the old value and child.
  static void split_entry(ptr& slot, int e, std::size_t off) {
    node_header* h = slot.get();
    path_view t = sn::tail(h, e);
    entry_src<V> low{t[off - 1], t.subview(off), val(h, e), true, child(h, e)};
    if constexpr (std::is_nothrow_move_constructible_v<V>) {
      // The entry's new node is allocated first: building the lower node moves the value out.
      const std::size_t size = sn::replaced_bytes(h, e, off - 1, false, true);
      void* mem = node_alloc<V>(size);
      ptr c;
      try {
        c = ptr(sn::build(&low, 1));
      } catch (...) {
        node_free<V>(mem, size);
        throw;
      }
      const entry_src<V> r{sn::firsts(h)[e], t.subview(0, off - 1), nullptr, false, c.get()};
      install_relocated(slot, sn::replace_relocating(h, e, r, mem));
      c.release(); // adopted by the new node
      return;
    }
    ptr c(sn::build(&low, 1));
    entry_src<V> es[small_node_max];
    describe_all(h, es);
    es[e].tail = t.subview(0, off - 1);
    es[e].val = nullptr;
    es[e].child = c.get();
    slot = ptr(sn::build(es, h->n));
  }

  /// Cuts entry `e`'s key to `off` bytes (0 < off <= key_len), dropping its value and child:
  /// the position at `off` stays as a dangling path end.
  static void truncate_entry(ptr& slot, int e, std::size_t off) {
    node_header* h = slot.get();
    if (!small(h)) {
      set_child(slot, e, ptr());
      take_val(slot, e);
      return;
    }
    if constexpr (std::is_nothrow_move_constructible_v<V>) {
      const entry_src<V> r{sn::firsts(h)[e], sn::tail(h, e).subview(0, off - 1), nullptr, false,
                           nullptr};
      install_relocated(slot, sn::replace_relocating(h, e, r));
      return;
    }
    entry_src<V> es[small_node_max];
    describe_all(h, es);
    es[e].tail = es[e].tail.subview(0, off - 1);
    es[e].val = nullptr;
    es[e].child = nullptr;
    slot = ptr(sn::build(es, h->n));
  }

  /// Turns the unique node in `slot` into a cell node (a no-op for one already): multi-byte
  /// keys move into new child nodes, values and children move into new cells.
  static void make_cell_node(ptr& slot) {
    node_header* h = slot.get();
    if (is_cell(h))
      return;
    int n = count(h);
    ptr nn(cn::make(cn::grow_cap(std::size_t(n))));
    node_header* c = nn.get();
    for (int e = first_entry(h); e >= 0; e = next_entry(h, e)) {
      auto* cl = new cell<V>;
      std::uint8_t b = first_byte(h, e);
      path_view t = tail(h, e);
      try {
        if (t.empty()) {
          if (V* v = val(h, e))
            cl->val.emplace(std::move_if_noexcept(*v));
          cl->child = ptr::share(child(h, e));
        } else {
          cl->child = make_chain(t, val(h, e), child(h, e));
        }
      } catch (...) {
        delete cl;
        throw;
      }
      cn::cells(c)[cn::exists(c).count()] = cl;
      cn::exists(c).set(b);
    }
    slot = std::move(nn);
  }

  /// The pinned cell of entry `e` in the cell node `h`.
  static cell<V>* cell_of(const node_header* h, int e) noexcept { return cn::get(h, e); }

private:
  template <class F>
  static void destroy_one(node_header* h, F& push) noexcept {
    switch (h->tag) {
      case node_tag::small:
        sn::destroy(h, push);
        return;
      case node_tag::dense:
        dn::destroy(h, push);
        return;
      case node_tag::cell:
        cn::destroy(h, push);
        return;
      case node_tag::arena:
        pk::destroy_arena(h);
        return;
      default:
        break; // packed nodes: references count on their arena, never destroyed alone
    }
  }

  static void describe_all(const node_header* h, entry_src<V>* es) noexcept {
    sn::describe_all(h, es, true);
  }

  /// Installs `g`, the relocated copy of the node in `slot`, which the relocation freed.
  static void install_relocated(ptr& slot, node_header* g) noexcept {
    slot.release();
    slot = ptr(g);
  }

  /// Installs `n` in `slot` if it is a new node (the old one is released).
  static void replace(ptr& slot, node_header* n) noexcept {
    if (n != slot.get())
      slot = ptr(n);
  }

  /// Whether small node `h` with one entry more (`added_tail`: that entry has a tail) stays a
  /// small node rather than becoming a dense one: always up to `small_node_short` entries, and
  /// up to `small_node_max` while at least three quarters of them have a tail. Converting to
  /// dense moves each tail into a node of its own (one 48-byte node per key for random 16-byte
  /// keys, whose nodes two levels down hold 17 to 32 entries, all with tails); one-byte entries
  /// cost no more in a dense node, which finds them without scanning. Measured on the word
  /// list, where upper nodes mix both kinds: at "more than half" lookups were 5% slower than at
  /// three quarters, for 0.1% less memory.
  static bool fits_small(const node_header* h, bool added_tail) noexcept {
    std::size_t n = std::size_t(h->n) + 1;
    if (n <= small_node_short)
      return true;
    return n <= small_node_max && 4 * (sn::tail_count(h) + added_tail) >= 3 * n;
  }

  /// A dense node holding `n` sorted entries; multi-byte keys move into new child nodes.
  static node_header* dense_from(entry_src<V>* es, int n) {
    ptr subs[small_node_max + 1];
    std::size_t nc = 0, nv = 0;
    for (int i = 0; i < n; ++i) {
      if (!es[i].tail.empty()) {
        entry_src<V> low{es[i].tail[0], es[i].tail.subview(1), es[i].val, true, es[i].child};
        subs[i] = ptr(sn::build(&low, 1));
        es[i].val = nullptr;
        es[i].child = subs[i].get();
      }
      nc += es[i].child != nullptr;
      nv += es[i].val != nullptr;
    }
    ptr d(dn::make(dn::grow_cap(nc), dn::grow_cap(nv)));
    node_header* h = d.get();
    V* vs = dn::values(h);
    ptr* cs = dn::children(h);
    std::size_t c = 0, v = 0;
    for (int i = 0; i < n; ++i) {
      std::uint8_t b = es[i].first;
      dn::exists(h).set(b);
      if (es[i].val) {
        if (dn::nothrow_move && es[i].move_val)
          ::new (vs + v) V(std::move_if_noexcept(*es[i].val));
        else
          ::new (vs + v) V(*es[i].val); // may throw: `d` then destroys what was built
        ++v;
        ++h->f2;
        dn::vals(h).set(b);
      }
      if (es[i].child) {
        ::new (cs + c++) ptr(ptr::share(es[i].child));
        dn::kids(h).set(b);
      }
    }
    dn::sync_kid_prefix(h);
    return d.release();
  }
};

template <class V>
void release_node(node_header* h) noexcept {
  node_ops<V>::release(h);
}

} // namespace pathmap::detail
