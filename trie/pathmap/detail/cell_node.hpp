#pragma once
/// @file
/// `cell_node`: a byte-indexed node whose entries are pinned, reference-counted cells.
///
/// Layout after the 16-byte header:
///
///     [byte_mask exists] [cell* cells[cap]]      (cells packed in byte order, f0 = cap)
///
/// A *cell* is a separately allocated `{child link, value slot}`. Its address never changes
/// when siblings are added or removed (only the pointer array is rebuilt), which is what lets a
/// zipper head hand a write zipper the cell at its root path while other threads own sibling
/// cells: writers never share memory. A cell is reference-counted so that a write zipper keeps
/// its cell alive even if the map it came from is dropped first (its writes are then lost,
/// never a use-after-free).
///
/// The zipper head turns the parent node of a writer's last path byte into a cell node. Cell
/// nodes read exactly like dense nodes and stay cell nodes when the head is gone. Cloning a
/// cell node (copy-on-write) makes new cells, so it must never happen while a writer holds one
/// of its cells; the zipper head's exclusivity rules guarantee that.

#include <atomic>
#include <optional>

#include "pathmap/detail/node.hpp"

namespace pathmap::detail {

template <class V>
struct cell {
  std::atomic<std::uint32_t> rc{1};
  node_ptr<V> child;
  std::optional<V> val;

  static cell* share(cell* c) noexcept {
    c->rc.fetch_add(1, std::memory_order_relaxed);
    return c;
  }
  /// Drops a reference. Returns the child to release when the cell died (so the caller can
  /// destroy it without recursion), else null.
  static node_header* drop(cell* c) noexcept {
    if (c->rc.fetch_sub(1, std::memory_order_acq_rel) != 1)
      return nullptr;
    node_header* ch = c->child.release();
    delete c;
    return ch;
  }
};

template <class V>
struct cell_node {
  static constexpr std::size_t off0 = node_traits<V>::data_offset;
  static constexpr std::size_t cells_offset = off0 + sizeof(byte_mask);

  static constexpr std::size_t bytes(std::size_t cap) noexcept {
    return cells_offset + cap * sizeof(cell<V>*);
  }
  static std::size_t size_of(const node_header* h) noexcept { return bytes(h->f0); }

  static char* base(const node_header* h) noexcept {
    return reinterpret_cast<char*>(const_cast<node_header*>(h));
  }
  static byte_mask& exists(const node_header* h) noexcept {
    return *reinterpret_cast<byte_mask*>(base(h) + off0);
  }
  static cell<V>** cells(const node_header* h) noexcept {
    return reinterpret_cast<cell<V>**>(base(h) + cells_offset);
  }

  // -- entries (an entry id is its byte) --------------------------------------

  static int find(const node_header* h, std::uint8_t b) noexcept {
    return exists(h).test(b) ? b : -1;
  }
  static cell<V>* get(const node_header* h, int b) noexcept {
    return cells(h)[exists(h).rank(std::uint8_t(b))];
  }
  static V* val(const node_header* h, int b) noexcept {
    cell<V>* c = get(h, b);
    return c->val ? &*c->val : nullptr;
  }
  static node_ptr<V>* child_slot(const node_header* h, int b) noexcept {
    cell<V>* c = get(h, b);
    return c->child ? &c->child : nullptr;
  }

  // -- building -------------------------------------------------------------

  static std::size_t grow_cap(std::size_t need) noexcept {
    std::size_t c = 4;
    while (c < need)
      c *= 2;
    return c < 256 ? c : 256;
  }

  static node_header* make(std::size_t cap) {
    void* mem = node_alloc<V>(bytes(cap));
    auto* h = ::new (mem) node_header(node_tag::cell);
    h->f0 = static_cast<std::uint16_t>(cap);
    ::new (base(h) + off0) byte_mask{};
    return h;
  }

  /// Adds a new empty cell at byte `b` (absent). May return a replacement node (the old one
  /// keeps no cells then and is freed by the caller's release as an empty shell).
  static node_header* insert_cell(node_header* h, std::uint8_t b, cell<V>* c) {
    std::size_t cnt = exists(h).count();
    node_header* n = h;
    if (cnt == h->f0) {
      n = make(grow_cap(cnt + 1));
      exists(n) = exists(h);
      std::memcpy(cells(n), cells(h), cnt * sizeof(cell<V>*));
      exists(h).clear(); // the cells moved: the old shell owns none
    }
    cell<V>** cs = cells(n);
    std::size_t r = exists(n).rank(b);
    std::memmove(cs + r + 1, cs + r, (cnt - r) * sizeof(cell<V>*));
    cs[r] = c;
    exists(n).set(b);
    return n;
  }

  /// Removes the cell of byte `b` from the node and drops the node's reference to it.
  static void remove_cell(node_header* h, std::uint8_t b) noexcept {
    cell<V>** cs = cells(h);
    std::size_t cnt = exists(h).count();
    std::size_t r = exists(h).rank(b);
    cell<V>* c = cs[r];
    std::memmove(cs + r, cs + r + 1, (cnt - r - 1) * sizeof(cell<V>*));
    exists(h).reset(b);
    if (node_header* ch = cell<V>::drop(c))
      release_node<V>(ch);
  }

  /// A copy with new cells (values copied, children shared). Strong exception guarantee.
  static node_header* clone(const node_header* h) {
    std::size_t cnt = exists(h).count();
    node_header* n = make(grow_cap(cnt));
    std::size_t built = 0;
    try {
      for (; built < cnt; ++built) {
        const cell<V>* src = cells(h)[built];
        auto* c = new cell<V>;
        try {
          c->val = src->val;
        } catch (...) {
          delete c;
          throw;
        }
        c->child = src->child;
        cells(n)[built] = c;
      }
    } catch (...) {
      for (std::size_t i = 0; i < built; ++i)
        delete cells(n)[i]; // children are still shared by `h`: no count reaches zero
      node_free<V>(n, size_of(n));
      throw;
    }
    exists(n) = exists(h);
    return n;
  }

  template <class F>
  static void destroy(node_header* h, F&& dead) noexcept {
    cell<V>** cs = cells(h);
    for (std::size_t i = 0, e = exists(h).count(); i < e; ++i)
      if (node_header* ch = cell<V>::drop(cs[i]))
        if (node_header* d = drop_ref(ch))
          dead(d);
    std::size_t size = size_of(h);
    h->~node_header();
    node_free<V>(h, size);
  }
};

} // namespace pathmap::detail
