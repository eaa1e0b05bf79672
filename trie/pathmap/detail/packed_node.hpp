#pragma once
/// @file
/// `packed_node` and `packed_arena`: whole subtries written once into one allocation, for maps
/// that are built and then mostly read (`path_map::compact()`).
///
/// Why: a word list is a trie of many tiny nodes (three quarters of the nodes of
/// /usr/share/dict/words hold one or two entries: the plurals and possessives under a word).
/// As separate small nodes each costs a 12-byte header, a 28-byte minimum, jemalloc's rounding
/// to a size class and an 8-byte pointer in its parent: 26.8 bytes per word in all. Written one
/// after the other into an arena, a node needs a 2-byte header and a 2-byte reference in its
/// parent, and a lookup walks memory that is mostly contiguous.
///
/// Arena layout: a 12-byte `node_header` (tag `arena`; `n`: log2 of the arena's alignment;
/// `f0 | f1 << 16`: bytes allocated; `f2`: bytes of nodes / 4; `rc`: references to any node
/// inside), padding to 16, then packed nodes, each at a 4-byte aligned offset below
/// `max_arena_bytes`, then `slack` bytes so that the word-at-a-time scans of the last node stay
/// inside the allocation. An arena is aligned to the power of two at or above its size (at most
/// 256 KiB), and its nodes' tags say which: masking a node's address gives its arena, which
/// saves a back offset in every node header (2 bytes per node, 1 byte per word of the word
/// list). jemalloc serves such requests from its size classes without counting the alignment.
///
/// Packed node layout (`n <= max_entries` entries sorted by first byte):
///
///     [u8 tag = packed + log2(arena alignment)] [u8 n]    (a node_header's first two bytes)
///     [u8 first[n]] [u8 len[n]] [u16 child offset / 4 [nc]] [u8 tails[]]
///     (pad to alignof(V) when nv > 0) [V values[nv]] (pad to 4)
///
/// `len[i]` packs entry `i`'s tail length (bits 0..5, so tails are at most `max_tail` bytes,
/// and at most `max_tails` in a node; subtries with longer keys stay unpacked), whether it has
/// a value (bit 6) and whether it has a child (bit 7). Ranks and offsets are sums over these
/// bytes, which `sums_at` reads as one 64-bit word: packed nodes hold at most 8 entries. Wider
/// nodes (a few hundred near the top of a word list, which every lookup passes) stay small
/// nodes, whose header masks find a child faster: packing them too saved another byte per word
/// but took a word lookup from 637 to 918 instructions (cachegrind), summing their length bytes
/// word by word (and with SSE2 sums, 2026-11-27: 4% slower). The child offsets come first, at a
/// fixed place, so that the next node's address is known before the tail is compared. A child
/// is another node of the same arena: arenas never point outside themselves, so the destruction
/// of an arena destroys values and nothing else.
///
/// A packed node has no reference count: `node_ptr` counts references on its arena
/// (`ref_owner` in node.hpp), an arena lives while any of its nodes is referenced, and a packed
/// node is never unique, so a write copies it into a small node first (`to_small`) whose
/// children are the packed nodes below it. Packed nodes are therefore never edited in place.

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <memory>
#include <new>
#include <type_traits>

#include "pathmap/detail/small_node.hpp"

namespace pathmap::detail {

template <class V>
struct packed_node {
  static constexpr std::uint8_t len_bits = 0x3f;
  static constexpr unsigned val_shift = 6, child_shift = 7;
  /// Longest tail a packed entry holds.
  static constexpr std::size_t max_tail = len_bits;
  /// Most tail bytes a packed node holds: sums over `len[]` then fit one byte lane, so that one
  /// multiply adds them (`small_byte_sum`).
  static constexpr std::size_t max_tails = 255;
  /// Most entries a packed node holds: their length bytes are one 64-bit word.
  static constexpr std::size_t max_entries = 8;
  /// Arena offsets are stored in 16 bits in units of 4 bytes; arenas are at most 256 KiB.
  static constexpr std::size_t max_arena_bytes = std::size_t{1} << 18;
  static constexpr std::size_t header_bytes = 2;
  /// Nodes start here in an arena.
  static constexpr std::size_t arena_start = align_up(sizeof(node_header), 16);
  /// Bytes after the last node: `find` reads 32 bytes from `first[]`, the sums 8 past `len[]`,
  /// a lookup 8 past a tail (word_scan.hpp).
  static constexpr std::size_t slack = 32;

  // -- layout ---------------------------------------------------------------

  static const std::uint8_t* base(const node_header* h) noexcept {
    return reinterpret_cast<const std::uint8_t*>(h);
  }
  static const std::uint8_t* firsts(const node_header* h) noexcept {
    return base(h) + header_bytes;
  }
  static const std::uint8_t* lens(const node_header* h) noexcept { return firsts(h) + h->n; }
  /// The child offsets: right after `len[]`, 2-byte aligned since `2 + 2n` is even.
  static const std::uint8_t* kids(const node_header* h) noexcept { return lens(h) + h->n; }
  static const std::uint8_t* arena(const node_header* h) noexcept {
    return reinterpret_cast<const std::uint8_t*>(ref_owner(const_cast<node_header*>(h)));
  }
  static std::uintptr_t align_addr(std::uintptr_t a, std::size_t al) noexcept {
    return (a + al - 1) & ~std::uintptr_t(al - 1);
  }

  /// Sums over the `len[]` bytes below entry `e` and over all of them.
  struct sums {
    std::size_t tail_before, tails, kids_before, kids, vals_before, vals;
  };
  static sums sums_at(const node_header* h, int e) noexcept {
    const std::uint64_t all = len_word(h), below = all & low_bytes(e);
    return {small_byte_sum(below & rep(len_bits)), small_byte_sum(all & rep(len_bits)),
            bit_count(below, child_shift),   bit_count(all, child_shift),
            bit_count(below, val_shift),     bit_count(all, val_shift)};
  }
  /// `len[]` as one little-endian word, zero past entry `n` (the load reads up to 7 bytes past
  /// `len[]`, inside the arena's slack).
  static std::uint64_t len_word(const node_header* h) noexcept {
    return load_le8(lens(h)) & low_bytes(h->n);
  }
  static constexpr std::uint64_t rep(std::uint8_t b) noexcept {
    return 0x0101010101010101ull * b;
  }
  /// Number of bytes of `x` with bit `shift` set.
  static std::size_t bit_count(std::uint64_t x, unsigned shift) noexcept {
#if defined(__POPCNT__) || !defined(__x86_64__)
    return static_cast<std::size_t>(popcount64(x & (rep(1) << shift)));
#else
    // One multiply adds the 8 lanes (each 0 or 1), cheaper than a bit-twiddling popcount.
    return static_cast<std::size_t>((((x >> shift) & rep(1)) * rep(1)) >> 56);
#endif
  }

  static const std::uint8_t* tails(const node_header* h, const sums& s) noexcept {
    return kids(h) + 2 * s.kids;
  }
  static V* values(const node_header* h, const sums& s) noexcept {
    auto t = reinterpret_cast<std::uintptr_t>(tails(h, s)) + s.tails;
    return reinterpret_cast<V*>(align_addr(t, alignof(V)));
  }
  static node_header* kid(const node_header* h, std::size_t k) noexcept {
    std::uint16_t off;
    std::memcpy(&off, kids(h) + 2 * k, sizeof(off));
    return reinterpret_cast<node_header*>(const_cast<std::uint8_t*>(arena(h)) +
                                          std::size_t(off) * 4);
  }

  /// Entry `e`'s key tail and child, the two things a lookup needs at every step.
  struct step_ref {
    path_view tail;
    node_header* child;
  };
  static step_ref step(const node_header* h, int e) noexcept {
    const std::uint8_t len = lens(h)[e];
    const std::uint64_t all = len_word(h), below = all & low_bytes(e);
    const std::uint8_t* tails = kids(h) + 2 * bit_count(all, child_shift);
    // The child offset is read whether or not the entry has a child (then it reads the two
    // bytes after the offsets, inside the arena) and masked off: a branch here mispredicted
    // 0.75 times per word lookup.
    const auto child = reinterpret_cast<std::uintptr_t>(kid(h, bit_count(below, child_shift))) &
                       (std::uintptr_t{0} - ((len >> child_shift) & 1u));
    return {path_view{tails + small_byte_sum(below & rep(len_bits)), std::size_t(len & len_bits)},
            reinterpret_cast<node_header*>(child)};
  }

  /// One past the node (4-byte aligned): where the next node of its arena starts.
  static const std::uint8_t* end(const node_header* h) noexcept {
    const sums s = sums_at(h, 0);
    auto e = s.vals ? reinterpret_cast<std::uintptr_t>(values(h, s) + s.vals)
                    : reinterpret_cast<std::uintptr_t>(tails(h, s) + s.tails);
    return reinterpret_cast<const std::uint8_t*>(align_addr(e, 4));
  }

  /// Bytes a packed node takes at arena offset `at` (4-byte aligned), for `n` entries with
  /// `t` tail bytes, `nc` children and `nv` values: the same arithmetic as the accessors,
  /// on offsets (the arena is aligned for `V`).
  static std::size_t bytes_at(std::size_t at, std::size_t n, std::size_t t, std::size_t nc,
                              std::size_t nv) noexcept {
    std::size_t v = at + header_bytes + 2 * n + 2 * nc + t;
    if (nv)
      v = align_up(v, alignof(V)) + nv * sizeof(V);
    return align_up(v, 4) - at;
  }

  // -- entries --------------------------------------------------------------

  static int find(const node_header* h, std::uint8_t b) noexcept {
    return find_first_byte(firsts(h), h->n, b);
  }
  static path_view tail(const node_header* h, int i) noexcept { return step(h, i).tail; }
  static std::size_t key_len(const node_header* h, int i) noexcept {
    return 1 + (lens(h)[i] & len_bits);
  }
  static V* val(const node_header* h, int i) noexcept {
    if (!((lens(h)[i] >> val_shift) & 1u))
      return nullptr;
    const sums s = sums_at(h, i);
    return values(h, s) + s.vals_before;
  }
  static node_header* child(const node_header* h, int i) noexcept { return step(h, i).child; }
  static entry_ref<V> entry(const node_header* h, int i) noexcept {
    const std::uint8_t len = lens(h)[i];
    const sums s = sums_at(h, i);
    return {path_view{tails(h, s) + s.tail_before, std::size_t(len & len_bits)},
            (len >> child_shift) & 1u ? kid(h, s.kids_before) : nullptr,
            (len >> val_shift) & 1u ? values(h, s) + s.vals_before : nullptr};
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
  /// The alignment of an arena of `bytes` bytes: the power of two at or above, at least the
  /// node alignment.
  static std::size_t arena_align(std::size_t bytes) noexcept {
    return std::max(std::bit_ceil(bytes), node_traits<V>::alloc_align);
  }
  /// Allocates an arena of `bytes` bytes (at most `max_arena_bytes`) with nothing in it yet.
  static node_header* make_arena(std::size_t bytes) {
    const std::size_t align = arena_align(bytes);
    void* mem = ::operator new(bytes, std::align_val_t{align});
    std::memset(mem, 0, bytes);
    auto* a = ::new (mem) node_header(node_tag::arena);
    a->n = static_cast<std::uint8_t>(std::countr_zero(align));
    a->f0 = static_cast<std::uint16_t>(bytes);
    a->f1 = static_cast<std::uint16_t>(bytes >> 16);
    return a;
  }
  /// The tag of the packed nodes in arena `a`.
  static std::uint8_t node_tag_in(const node_header* a) noexcept {
    return static_cast<std::uint8_t>(std::uint8_t(node_tag::packed) + a->n);
  }
  /// Frees an arena made by `make_arena` whose values are already destroyed.
  static void free_arena(node_header* a) noexcept {
    const std::size_t bytes = arena_alloc_bytes(a), align = std::size_t{1} << a->n;
    a->~node_header();
    ::operator delete(a, bytes, std::align_val_t{align});
  }

  /// Destroys every value in arena `a` and frees it (its last reference died).
  static void destroy_arena(node_header* a) noexcept {
    if constexpr (!std::is_trivially_destructible_v<V>) {
      const std::uint8_t* p = base(a) + arena_start;
      const std::uint8_t* stop = p + std::size_t(a->f2) * 4;
      while (p < stop) {
        const auto* h = reinterpret_cast<const node_header*>(p);
        const sums s = sums_at(h, 0);
        std::destroy_n(values(h, s), s.vals);
        p = end(h);
      }
    }
    free_arena(a);
  }
};

} // namespace pathmap::detail
