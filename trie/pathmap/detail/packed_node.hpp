#pragma once
/// @file
/// `packed_node` and `packed_arena`: whole subtries written once into one allocation, for maps
/// that are built and then mostly read (`path_map::compact()`).
///
/// Why: a word list is a trie of many tiny nodes (three quarters of the nodes of
/// /usr/share/dict/words hold one or two entries: the plurals and possessives under a word).
/// As separate small nodes each costs a 12-byte header, a 28-byte minimum, jemalloc's rounding
/// to a size class and an 8-byte pointer in its parent: 26.8 bytes per word in all. Written one
/// after the other into an arena, a node needs a 4-byte header and a 2-byte reference in its
/// parent, and a lookup walks memory that is mostly contiguous.
///
/// Arena layout: a 12-byte `node_header` (tag `arena`; `f0 | f1 << 16`: bytes allocated; `f2`:
/// bytes of nodes / 4; `rc`: references to any node inside), padding to 16, then packed nodes,
/// each at a 4-byte aligned offset below `max_arena_bytes`, then `slack` bytes so that the
/// word-at-a-time scans of the last node stay inside the allocation.
///
/// Packed node layout (`n <= small_node_max` entries sorted by first byte):
///
///     [u8 tag = packed] [u8 n] [u16 own offset / 4]   (a node_header's first four bytes)
///     [u8 first[n]] [u8 len[n]] [u8 tails[]] (pad to 2) [u16 child offset / 4 [nc]]
///     (pad to alignof(V)) [V values[nv]] (pad to 4)
///
/// `len[i]` packs entry `i`'s tail length (bits 0..5, so tails are at most `max_tail` bytes;
/// subtries with longer keys stay unpacked), whether it has a value (bit 6) and whether it has
/// a child (bit 7); ranks and offsets are sums over these bytes, computed 8 at a time. A
/// child is another node of the same arena: arenas never point outside themselves, so the
/// destruction of an arena destroys values and nothing else.
///
/// A packed node has no reference count: `node_ptr` counts references on its arena
/// (`ref_owner` in node.hpp), an arena lives while any of its nodes is referenced, and a packed
/// node is never unique, so a write copies it into a small node first (`to_small`) whose
/// children are the packed nodes below it. Packed nodes are therefore never edited in place.

#include <cstdint>
#include <cstring>
#include <memory>
#include <type_traits>

#include "pathmap/detail/small_node.hpp"

namespace pathmap::detail {

template <class V>
struct packed_node {
  static constexpr std::uint8_t len_bits = 0x3f;
  static constexpr unsigned val_shift = 6, child_shift = 7;
  /// Longest tail a packed entry holds.
  static constexpr std::size_t max_tail = len_bits;
  /// Arena offsets are stored in 16 bits in units of 4 bytes.
  static constexpr std::size_t max_arena_bytes = 4 * 0xffff;
  static constexpr std::size_t header_bytes = 4;
  /// Nodes start here in an arena.
  static constexpr std::size_t arena_start = align_up(sizeof(node_header), 16);
  /// Bytes after the last node: `find` reads 32 bytes from `first[]`, the sums 8 past `len[]`.
  static constexpr std::size_t slack = 32;

  // -- layout ---------------------------------------------------------------

  static const std::uint8_t* base(const node_header* h) noexcept {
    return reinterpret_cast<const std::uint8_t*>(h);
  }
  static const std::uint8_t* firsts(const node_header* h) noexcept {
    return base(h) + header_bytes;
  }
  static const std::uint8_t* lens(const node_header* h) noexcept { return firsts(h) + h->n; }
  static const std::uint8_t* tails(const node_header* h) noexcept { return lens(h) + h->n; }
  static const std::uint8_t* arena(const node_header* h) noexcept {
    return base(h) - std::size_t(h->f0) * 4;
  }

  static std::uintptr_t align_addr(std::uintptr_t a, std::size_t al) noexcept {
    return (a + al - 1) & ~std::uintptr_t(al - 1);
  }
  /// Where the child offsets start, given the total tail length `t`.
  static std::uintptr_t kids_at(const node_header* h, std::size_t t) noexcept {
    return align_addr(reinterpret_cast<std::uintptr_t>(tails(h)) + t, 2);
  }
  static std::size_t total_tail(const node_header* h) noexcept {
    return sum_fields(lens(h), h->n, 0, len_bits);
  }
  static std::size_t child_count(const node_header* h) noexcept {
    return sum_fields(lens(h), h->n, child_shift, 1);
  }
  static std::size_t val_count(const node_header* h) noexcept {
    return sum_fields(lens(h), h->n, val_shift, 1);
  }
  static V* values(const node_header* h) noexcept {
    std::uintptr_t k = kids_at(h, total_tail(h));
    return reinterpret_cast<V*>(align_addr(k + 2 * child_count(h), alignof(V)));
  }
  /// One past the node (4-byte aligned): where the next node of its arena starts.
  static const std::uint8_t* end(const node_header* h) noexcept {
    auto e = reinterpret_cast<std::uintptr_t>(values(h) + val_count(h));
    return reinterpret_cast<const std::uint8_t*>(align_addr(e, 4));
  }

  /// Bytes a packed node takes at arena offset `at` (4-byte aligned), for `n` entries with
  /// `t` tail bytes, `nc` children and `nv` values: the same arithmetic as the accessors,
  /// on offsets (the arena is aligned for `V`).
  static std::size_t bytes_at(std::size_t at, std::size_t n, std::size_t t, std::size_t nc,
                              std::size_t nv) noexcept {
    std::size_t k = align_up(at + header_bytes + 2 * n + t, 2);
    std::size_t v = align_up(k + 2 * nc, alignof(V));
    return align_up(v + nv * sizeof(V), 4) - at;
  }

  // -- entries --------------------------------------------------------------

  static int find(const node_header* h, std::uint8_t b) noexcept {
    return find_first_byte(firsts(h), h->n, b);
  }
  static path_view tail(const node_header* h, int i) noexcept {
    const std::uint8_t* l = lens(h);
    std::size_t len = l[i] & len_bits;
    if (len == 0)
      return {tails(h), 0};
    return {tails(h) + sum_fields(l, i, 0, len_bits), len};
  }
  static std::size_t key_len(const node_header* h, int i) noexcept {
    return 1 + (lens(h)[i] & len_bits);
  }
  static V* val(const node_header* h, int i) noexcept {
    const std::uint8_t* l = lens(h);
    if (!((l[i] >> val_shift) & 1u))
      return nullptr;
    return values(h) + sum_fields(l, i, val_shift, 1);
  }
  static node_header* child(const node_header* h, int i) noexcept {
    const std::uint8_t* l = lens(h);
    if (!((l[i] >> child_shift) & 1u))
      return nullptr;
    std::uintptr_t k = kids_at(h, total_tail(h)) + 2 * sum_fields(l, i, child_shift, 1);
    std::uint16_t off;
    std::memcpy(&off, reinterpret_cast<const void*>(k), sizeof(off));
    return reinterpret_cast<node_header*>(const_cast<std::uint8_t*>(arena(h)) +
                                          std::size_t(off) * 4);
  }

  /// The node as a small node (values copied, children shared): the copy a write makes.
  static node_header* to_small(const node_header* h) {
    entry_src<V> es[small_node_max];
    for (int i = 0; i < h->n; ++i)
      es[i] = {firsts(h)[i], tail(h, i), val(h, i), false, child(h, i)};
    return small_node<V>::build(es, h->n);
  }

  // -- arenas ---------------------------------------------------------------

  static std::size_t arena_alloc_bytes(const node_header* a) noexcept {
    return std::size_t(a->f0) | std::size_t(a->f1) << 16;
  }

  /// Destroys every value in arena `a` and frees it (its last reference died).
  static void destroy_arena(node_header* a) noexcept {
    if constexpr (!std::is_trivially_destructible_v<V>) {
      const std::uint8_t* p = base(a) + arena_start;
      const std::uint8_t* stop = p + std::size_t(a->f2) * 4;
      while (p < stop) {
        const auto* h = reinterpret_cast<const node_header*>(p);
        std::destroy_n(values(h), val_count(h));
        p = end(h);
      }
    }
    std::size_t size = arena_alloc_bytes(a);
    a->~node_header();
    node_free<V>(a, size);
  }
};

} // namespace pathmap::detail
