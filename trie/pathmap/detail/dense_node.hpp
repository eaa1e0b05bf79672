#pragma once
/// @file
/// `dense_node`: up to 256 one-byte entries, indexed by bitmasks.
///
/// Layout after the 12-byte header, whose 4 padding bytes up to 16 hold `kid_prefix` (the
/// number of children in the mask words before each word, so that finding a child's slot is one
/// masked popcount instead of four: a word-list lookup, which passes two dense nodes, went from
/// 496 to 432 instructions with cachegrind):
///
///     [byte_mask kids] [byte_mask exists] [byte_mask vals]
///     [node_ptr children[cap_c]] [V values[cap_v]]
///
/// The child mask comes first, next to the header and `kid_prefix`: a lookup passing a dense
/// node reads these and one child pointer.
/// `exists` holds every entry byte (an entry with neither value nor child is a dangling path
/// end); `vals` and `kids` say which entries have a value and a child. Children and values are
/// packed in byte order, so byte `b`'s value is `values[vals.rank(b)]`: a full last-level node
/// of `uint64_t` values costs 8 bytes per value plus 112 bytes. Header fields `f0`/`f1` hold the
/// capacities of the two arrays, which grow by doubling; `f2` counts the values, so that a
/// lookup in a full leaf (256 values, no children: the common last level of dense integer
/// keys) reads the header's cache line and the value's, and never the masks.
///
/// Unlike small nodes, a dense node is changed in place when it is unique and has room (an
/// insertion shifts the packed array tail), because a rebuild per insertion would cost O(256).
/// Value types whose move may throw are handled by rebuilding, which keeps the strong guarantee.

#include <algorithm>
#include <cstring>
#include <memory>
#include <optional>
#include <type_traits>

#include "pathmap/detail/small_node.hpp"

namespace pathmap::detail {

template <class V>
struct dense_node {
  using traits = node_traits<V>;
  static constexpr std::size_t off0 = traits::data_offset;
  static constexpr std::size_t children_offset = off0 + 3 * sizeof(byte_mask);
  static constexpr bool nothrow_move = std::is_nothrow_move_constructible_v<V>;

  static constexpr std::size_t values_offset(std::size_t cap_c) noexcept {
    return align_up(children_offset + cap_c * sizeof(node_ptr<V>), alignof(V));
  }
  static constexpr std::size_t bytes(std::size_t cap_c, std::size_t cap_v) noexcept {
    return values_offset(cap_c) + cap_v * sizeof(V);
  }
  static std::size_t size_of(const node_header* h) noexcept { return bytes(h->f0, h->f1); }

  // -- layout accessors -----------------------------------------------------

  static char* base(const node_header* h) noexcept {
    return reinterpret_cast<char*>(const_cast<node_header*>(h));
  }
  static byte_mask& kids(const node_header* h) noexcept {
    return *reinterpret_cast<byte_mask*>(base(h) + off0);
  }
  static byte_mask& exists(const node_header* h) noexcept {
    return *reinterpret_cast<byte_mask*>(base(h) + off0 + sizeof(byte_mask));
  }
  static byte_mask& vals(const node_header* h) noexcept {
    return *reinterpret_cast<byte_mask*>(base(h) + off0 + 2 * sizeof(byte_mask));
  }
  static node_ptr<V>* children(const node_header* h) noexcept {
    return reinterpret_cast<node_ptr<V>*>(base(h) + children_offset);
  }
  static V* values(const node_header* h) noexcept {
    return reinterpret_cast<V*>(base(h) + values_offset(h->f0));
  }

  // -- entries (an entry id is its byte) --------------------------------------

  static int find(const node_header* h, std::uint8_t b) noexcept {
    return exists(h).test(b) ? b : -1;
  }
  static V* val(const node_header* h, int b) noexcept {
    const byte_mask& m = vals(h);
    return m.test(std::uint8_t(b)) ? values(h) + m.rank(std::uint8_t(b)) : nullptr;
  }
  static node_ptr<V>* child_slot(const node_header* h, int b) noexcept {
    const byte_mask& m = kids(h);
    if (!m.test(std::uint8_t(b)))
      return nullptr;
    const int w = b >> 6;
    const std::uint64_t below = m.words()[w] & ((std::uint64_t{1} << (b & 63)) - 1);
    const int r = kid_prefix(h)[w] + popcount64(below);
    PATHMAP_ASSERT(r == m.rank(std::uint8_t(b)), "kid_prefix out of date");
    return children(h) + r;
  }

  /// Children in the mask words before word `w`, for `w` = 0..3 (header padding bytes 12..15;
  /// at most 192, and the dead-node link of node.hpp only overwrites them once the node dies).
  static std::uint8_t* kid_prefix(const node_header* h) noexcept {
    static_assert(off0 >= sizeof(node_header) + 4);
    return reinterpret_cast<std::uint8_t*>(base(h) + sizeof(node_header));
  }
  /// Recomputes `kid_prefix` after the child mask changed.
  static void sync_kid_prefix(node_header* h) noexcept {
    std::uint8_t* p = kid_prefix(h);
    const byte_mask& m = kids(h);
    p[0] = 0;
    for (int w = 1; w < 4; ++w)
      p[w] = static_cast<std::uint8_t>(p[w - 1] + popcount64(m.words()[w - 1]));
  }

  // -- building -------------------------------------------------------------

  /// Capacity for `need` elements: none for none (a leaf keeps no child array), else a power
  /// of two from 4 to 256.
  static std::size_t grow_cap(std::size_t need) noexcept {
    if (need == 0)
      return 0;
    std::size_t c = 4;
    while (c < need)
      c *= 2;
    return std::min<std::size_t>(c, 256);
  }

  /// An empty node with the given capacities.
  static node_header* make(std::size_t cap_c, std::size_t cap_v) {
    void* mem = node_alloc<V>(bytes(cap_c, cap_v));
    auto* h = ::new (mem) node_header(node_tag::dense);
    h->f0 = static_cast<std::uint16_t>(cap_c);
    h->f1 = static_cast<std::uint16_t>(cap_v);
    ::new (base(h) + off0) byte_mask[3]{};
    sync_kid_prefix(h);
    return h;
  }

  /// Copies `h` into a node with capacities `cap_c`/`cap_v`, moving values when `move_vals`
  /// and moving cannot throw, and optionally inserting `ins_v` as the value of byte `ins_b` or
  /// leaving out the value of byte `skip_b` (-1 for neither). Strong exception guarantee.
  static node_header* rebuild(const node_header* h, std::size_t cap_c, std::size_t cap_v,
                              bool move_vals, int ins_b = -1, V* ins_v = nullptr,
                              int skip_b = -1) {
    node_header* n = make(cap_c, cap_v);
    exists(n) = exists(h);
    kids(n) = kids(h);
    sync_kid_prefix(n);
    byte_mask vm = vals(h);
    n->f2 = h->f2;
    V* src = values(h);
    V* dst = values(n);
    std::size_t built = 0;
    try {
      std::size_t si = 0;
      for (int b = vm.first(); b >= 0 || ins_b >= 0;) {
        bool take_ins = ins_b >= 0 && (b < 0 || ins_b < b);
        if (take_ins) {
          if constexpr (nothrow_move)
            ::new (dst + built) V(std::move(*ins_v));
          else
            ::new (dst + built) V(*ins_v);
          ++built;
          vals(n).set(std::uint8_t(ins_b));
          exists(n).set(std::uint8_t(ins_b));
          ++n->f2;
          ins_b = -1;
          continue;
        }
        if (b == skip_b) {
          --n->f2;
        } else {
          if (move_vals && nothrow_move)
            ::new (dst + built) V(std::move(src[si]));
          else
            ::new (dst + built) V(src[si]);
          ++built;
          vals(n).set(std::uint8_t(b));
        }
        ++si;
        b = vm.next_at_or_after(b + 1);
      }
    } catch (...) {
      std::destroy_n(dst, built);
      node_free<V>(n, size_of(n));
      throw;
    }
    node_ptr<V>* cs = children(h);
    node_ptr<V>* cd = children(n);
    for (int i = 0, e = kids(h).count(); i < e; ++i)
      ::new (cd + i) node_ptr<V>(cs[i]);
    return n;
  }

  static node_header* clone(const node_header* h) {
    return rebuild(h, grow_cap(kids(h).count()), grow_cap(vals(h).count()), false);
  }

  // -- in-place edits (unique nodes; may return a replacement) ------------------

  /// Sets the value of byte `b`, which has none. Returns the node to keep (the old one is
  /// released by the caller when it differs).
  static node_header* insert_val(node_header* h, std::uint8_t b, V&& v) {
    std::size_t cnt = vals(h).count();
    if (!nothrow_move || cnt == h->f1)
      return rebuild(h, h->f0, grow_cap(cnt + 1), true, b, &v);
    V* vs = values(h);
    std::size_t r = vals(h).rank(b);
    if (r == cnt) {
      ::new (vs + cnt) V(std::move(v));
    } else {
      ::new (vs + cnt) V(std::move(vs[cnt - 1]));
      std::move_backward(vs + r, vs + cnt - 1, vs + cnt);
      vs[r] = std::move(v);
    }
    vals(h).set(b);
    exists(h).set(b);
    ++h->f2;
    return h;
  }

  /// Removes and returns the value of byte `b` (which has one). May return a replacement node.
  static node_header* remove_val(node_header* h, std::uint8_t b, std::optional<V>& out) {
    V* vs = values(h);
    std::size_t r = vals(h).rank(b);
    out.emplace(std::move(vs[r]));
    if constexpr (!nothrow_move) {
      return rebuild(h, h->f0, h->f1, true, -1, nullptr, b);
    } else {
      std::size_t cnt = vals(h).count();
      std::move(vs + r + 1, vs + cnt, vs + r);
      vs[cnt - 1].~V();
      vals(h).reset(b);
      --h->f2;
      return h;
    }
  }

  /// Gives byte `b` (which has no child) the child `c`. May return a replacement node.
  static node_header* insert_child(node_header* h, std::uint8_t b, node_ptr<V> c) {
    std::size_t cnt = kids(h).count();
    if (cnt == h->f0) {
      node_header* n = rebuild(h, grow_cap(cnt + 1), h->f1, true);
      n = insert_child(n, b, std::move(c));
      return n;
    }
    node_ptr<V>* cs = children(h);
    std::size_t r = kids(h).rank(b);
    std::memmove(static_cast<void*>(cs + r + 1), static_cast<const void*>(cs + r),
                 (cnt - r) * sizeof(node_ptr<V>));
    ::new (cs + r) node_ptr<V>(std::move(c));
    kids(h).set(b);
    sync_kid_prefix(h);
    exists(h).set(b);
    return h;
  }

  /// Detaches and returns the child of byte `b` (which has one).
  static node_ptr<V> remove_child(node_header* h, std::uint8_t b) noexcept {
    node_ptr<V>* cs = children(h);
    std::size_t cnt = kids(h).count();
    std::size_t r = kids(h).rank(b);
    node_ptr<V> out(cs[r].release());
    std::memmove(static_cast<void*>(cs + r), static_cast<const void*>(cs + r + 1),
                 (cnt - r - 1) * sizeof(node_ptr<V>));
    ::new (cs + cnt - 1) node_ptr<V>();
    cs[cnt - 1].release();
    kids(h).reset(b);
    sync_kid_prefix(h);
    return out;
  }

  template <class F>
  static void destroy(node_header* h, F&& dead) noexcept {
    std::destroy_n(values(h), vals(h).count());
    node_ptr<V>* cs = children(h);
    for (int i = 0, e = kids(h).count(); i < e; ++i) {
      if (node_header* d = drop_ref(cs[i].release()))
        dead(d);
    }
    std::size_t size = size_of(h);
    h->~node_header();
    node_free<V>(h, size);
  }
};

} // namespace pathmap::detail
