#pragma once
/// @file
/// `small_node`: up to `small_node_max` entries with multi-byte keys, in one allocation.
///
/// Layout after the 12-byte header (`n` entries, `nc` children, `nv` values, `t` tail bytes):
///
///     [u8 first[n]] [hi masks] [u8 tail_len[n]] [u8 tails[t]]
///     [node_ptr children[nc]] [V values[nv]]
///
/// (children and values aligned for their types). Entries are sorted by their first byte, which
/// is kept apart in `first[]` at the fixed offset 12. The rest of entry `i`'s key (its *tail*,
/// at most 255 bytes) starts after the tails of the entries before it. Everything a lookup
/// compares (first bytes, tail lengths, tails) comes first and in a row, usually in the node's
/// first cache line; the pointers and values it then needs one of come after. The value mask has
/// bit `i` set when entry `i` has a value, the child mask when it has a child; values and
/// children are packed in entry order, so entry `i`'s value is
/// `values[popcount(value_mask & ((1 << i) - 1))]`. The masks' low 16 bits are header fields
/// `f0` and `f1`; a node of more than 16 entries keeps the high halves as two unaligned `u16`
/// right after `first[]` ("hi masks", absent otherwise). `f2` is the total tail length, so that
/// every offset and the size follow from the header and the masks (destruction needs nothing
/// else, and the dead-list link of node.hpp overwrites only `first[0..4]`).
///
/// Lookups read these bytes a word at a time (word_scan.hpp): `find` compares 16 first bytes at
/// once (SSE2), `tail` adds 8 tail lengths at once, and tails are compared 8 bytes at a time.
/// They may read past the arrays they scan, never past the node: `bytes` keeps every small node
/// at least 28 bytes long (the 16 bytes from `first[0]`), 16 bytes from its first tail length
/// on, and 8 bytes longer than its tails.
/// Measured with callgrind on the word list: a lookup took 525 instructions with byte-by-byte
/// loops, most of them in these scans, and takes 455.
///
/// Why up to 32 entries: with 1M random 16-byte keys, the nodes two dense levels down hold 15
/// entries on average (Poisson). At a limit of 16, a third of them overflowed into a dense node
/// over one-entry nodes, 48 bytes each for a 13-byte tail and a value; at 32 almost none do,
/// which took memory from 43.6 to 27.4 bytes per key. Past 16 entries a node stays small only
/// while three quarters of its entries have tails (`node_ops::fits_small`): nodes of one-byte keys,
/// like the upper levels of a word list, are found faster in a dense node at no cost in memory.
///
/// Measured on /usr/share/dict/words with `uint64_t` values: 104,334 words in 54,088 nodes,
/// three quarters of them of one or two entries (plurals and possessives under a valued word).
/// A 12-byte header and one length byte per entry took 4 bytes per word less than a 16-byte
/// header with 16-bit tail offsets. Putting the key bytes before the pointers and values (they
/// came last before) took the word list from 27.6 to 26.8 bytes per word (fewer nodes just over
/// a jemalloc size class) and made shuffled lookups 10% faster on words and 25% on 1M random
/// 16-byte keys (old and new builds run by turns on one machine).
///
/// A small node is never changed in place except to overwrite an existing value: every
/// structural change builds a new node, which gives the strong exception guarantee (the old node
/// is untouched until the new one is complete). A one-entry edit of a unique node (an entry
/// added, erased, or given another key, value or child) relocates the old node's arrays into
/// the new one (`insert_relocating`, `erase_relocating`, `replace_relocating`): values move and
/// children move as raw pointers, so no other child's count is touched. Other changes, and
/// every change for values whose move may throw, describe the entries and `build` from the
/// descriptions. Nodes hold at most 32 entries, so a rebuild copies a few hundred bytes.

#include <bit>
#include <cstdint>
#include <cstring>
#include <memory>
#include <type_traits>

#include "pathmap/detail/assert.hpp"
#include "pathmap/detail/node.hpp"
#include "pathmap/detail/word_scan.hpp"

namespace pathmap::detail {

/// Describes one entry to build. `val` is copied, or moved when `move_val` is set and moving
/// cannot throw; `child` is shared (its count is incremented).
template <class V>
struct entry_src {
  std::uint8_t first;
  path_view tail;
  V* val = nullptr;
  bool move_val = false;
  node_header* child = nullptr;
};

template <class V>
struct small_node {
  using traits = node_traits<V>;

  /// Bytes of high mask halves after `first[]`: only nodes of more than 16 entries have them.
  static constexpr std::size_t hi_bytes(std::size_t n) noexcept { return n > 16 ? 4 : 0; }
  static constexpr std::size_t lens_offset(std::size_t n) noexcept {
    return sizeof(node_header) + n + hi_bytes(n);
  }
  static constexpr std::size_t children_offset(std::size_t n, std::size_t t) noexcept {
    return align_up(lens_offset(n) + n + t, alignof(node_ptr<V>));
  }
  static constexpr std::size_t values_offset(std::size_t n, std::size_t t,
                                             std::size_t nc) noexcept {
    return align_up(children_offset(n, t) + nc * sizeof(node_ptr<V>), alignof(V));
  }
  /// Smallest small node: `find` reads the 16 bytes from `first[0]`.
  static constexpr std::size_t min_bytes = sizeof(node_header) + 16;
  static constexpr std::size_t bytes(std::size_t n, std::size_t nc, std::size_t nv,
                                     std::size_t t) noexcept {
    std::size_t b = values_offset(n, t, nc) + nv * sizeof(V);
    // Lookups read tail lengths and tails 8 bytes at a time (word_scan.hpp): up to 8 bytes
    // past the last tail, and 16 bytes from the first length. Only nodes with few or small
    // values after their tails grow.
    std::size_t scan_end = lens_offset(n) + n + t + 8;
    scan_end = scan_end < lens_offset(n) + 16 ? lens_offset(n) + 16 : scan_end;
    b = b < scan_end ? scan_end : b;
    return b < min_bytes ? min_bytes : b;
  }

  // -- layout accessors -----------------------------------------------------

  /// The value mask (bit `i`: entry `i` has a value) and the child mask.
  static std::uint32_t vmask(const node_header* h) noexcept { return mask(h, h->f0, 0); }
  static std::uint32_t cmask(const node_header* h) noexcept { return mask(h, h->f1, 2); }
  static std::size_t nc(const node_header* h) noexcept { return popcount64(cmask(h)); }
  static std::size_t nv(const node_header* h) noexcept { return popcount64(vmask(h)); }
  static std::size_t size_of(const node_header* h) noexcept {
    return bytes(h->n, nc(h), nv(h), h->f2);
  }
  static char* base(const node_header* h) noexcept {
    return reinterpret_cast<char*>(const_cast<node_header*>(h));
  }
  /// A 32-bit mask from its low half `lo` and, in nodes of more than 16 entries, the high half
  /// stored `at` bytes after `first[]`.
  static std::uint32_t mask(const node_header* h, std::uint16_t lo, std::size_t at) noexcept {
    if (h->n <= 16)
      return lo;
    std::uint16_t hi;
    std::memcpy(&hi, base(h) + sizeof(node_header) + h->n + at, sizeof(hi));
    return lo | std::uint32_t(hi) << 16;
  }
  /// Stores the value and child masks of `h`, whose entry count is set.
  static void set_masks(node_header* h, std::uint32_t vm, std::uint32_t cm) noexcept {
    h->f0 = static_cast<std::uint16_t>(vm);
    h->f1 = static_cast<std::uint16_t>(cm);
    if (hi_bytes(h->n)) {
      std::uint16_t hi[2] = {static_cast<std::uint16_t>(vm >> 16),
                             static_cast<std::uint16_t>(cm >> 16)};
      std::memcpy(base(h) + sizeof(node_header) + h->n, hi, sizeof(hi));
    }
  }
  /// Starts a node in `mem`: the header of `n` entries with value mask `vm`, child mask `cm`
  /// and `t` tail bytes, so that every array's offset is known.
  static node_header* start(void* mem, std::size_t n, std::uint32_t vm, std::uint32_t cm,
                            std::size_t t) noexcept {
    auto* h = ::new (mem) node_header(node_tag::small);
    h->n = static_cast<std::uint8_t>(n);
    set_masks(h, vm, cm);
    h->f2 = static_cast<std::uint16_t>(t);
    return h;
  }
  static std::uint8_t* firsts(const node_header* h) noexcept {
    return reinterpret_cast<std::uint8_t*>(base(h) + sizeof(node_header));
  }
  static node_ptr<V>* children(const node_header* h) noexcept {
    return reinterpret_cast<node_ptr<V>*>(base(h) + children_offset(h->n, h->f2));
  }
  static V* values(const node_header* h) noexcept {
    return reinterpret_cast<V*>(base(h) + values_offset(h->n, h->f2, nc(h)));
  }
  static std::uint8_t* tail_lens(const node_header* h) noexcept {
    return reinterpret_cast<std::uint8_t*>(base(h) + lens_offset(h->n));
  }
  static std::uint8_t* tails(const node_header* h) noexcept { return tail_lens(h) + h->n; }

  // -- entries --------------------------------------------------------------

  /// Index of the entry starting with `b`, or -1.
  static int find(const node_header* h, std::uint8_t b) noexcept {
    return find_first_byte(firsts(h), h->n, b);
  }
  /// The tail of entry `i`: its offset is the sum of the tail lengths before it.
  static path_view tail(const node_header* h, int i) noexcept {
    const std::uint8_t* lens = tail_lens(h);
    return {lens + h->n + prefix_sum(lens, std::size_t(i), h->f2), lens[i]};
  }
  static std::size_t tail_len(const node_header* h, int i) noexcept { return tail_lens(h)[i]; }
  static std::size_t key_len(const node_header* h, int i) noexcept { return 1 + tail_len(h, i); }
  static bool has_val(const node_header* h, int i) noexcept { return (vmask(h) >> i) & 1u; }
  static bool has_child(const node_header* h, int i) noexcept { return (cmask(h) >> i) & 1u; }
  static V* val(const node_header* h, int i) noexcept {
    std::uint32_t m = vmask(h);
    if (!((m >> i) & 1u))
      return nullptr;
    return values(h) + popcount64(m & ((1u << i) - 1));
  }
  static node_ptr<V>* child_slot(const node_header* h, int i) noexcept {
    std::uint32_t m = cmask(h);
    if (!((m >> i) & 1u))
      return nullptr;
    return children(h) + popcount64(m & ((1u << i) - 1));
  }
  /// The child of entry `i`, or null.
  static node_header* child(const node_header* h, int i) noexcept {
    node_ptr<V>* c = child_slot(h, i);
    return c ? c->get() : nullptr;
  }
  /// Entry `i`'s tail, child and value, with the node's offsets computed once for all three.
  static entry_ref<V> entry(const node_header* h, int i) noexcept {
    const std::size_t n = h->n, co = children_offset(n, h->f2);
    const std::uint32_t below = (1u << i) - 1, vm = vmask(h), cm = cmask(h);
    const std::uint8_t* lens = tail_lens(h);
    auto* cs = reinterpret_cast<node_ptr<V>*>(base(h) + co);
    auto* vs = reinterpret_cast<V*>(base(h) + align_up(co + popcount64(cm) * sizeof(node_ptr<V>),
                                                       alignof(V)));
    return {path_view{lens + n + prefix_sum(lens, std::size_t(i), h->f2), lens[i]},
            (cm >> i) & 1u ? cs[popcount64(cm & below)].get() : nullptr,
            (vm >> i) & 1u ? vs + popcount64(vm & below) : nullptr};
  }
  /// Describes every entry for `build` in one pass (`es` has room for `n` entries).
  static void describe_all(const node_header* h, entry_src<V>* es, bool move_val) noexcept {
    const std::uint8_t* f = firsts(h);
    node_ptr<V>* cs = children(h);
    V* vs = values(h);
    const std::uint8_t* lens = tail_lens(h);
    const std::uint8_t* t = lens + h->n;
    std::uint32_t vm = vmask(h), cm = cmask(h);
    for (int i = 0; i < h->n; ++i) {
      es[i] = {f[i], path_view{t, lens[i]}, (vm >> i) & 1u ? vs++ : nullptr, move_val,
               (cm >> i) & 1u ? (cs++)->get() : nullptr};
      t += lens[i];
    }
  }

  /// Describes entry `i` for `build`, copying or moving its value.
  static entry_src<V> describe(const node_header* h, int i, bool move_val) noexcept {
    auto* c = child_slot(h, i);
    return {firsts(h)[i], tail(h, i), val(h, i), move_val, c ? c->get() : nullptr};
  }

  // -- building -------------------------------------------------------------

  /// Builds a node from `n` entries sorted by first byte. Strong exception guarantee: on a
  /// throwing value copy nothing is leaked and the sources are unchanged.
  static node_header* build(const entry_src<V>* es, std::size_t n) {
    std::size_t t = 0;
    std::uint32_t vb = 0, cb = 0;
    PATHMAP_ASSERT(n <= small_node_max, "a small node holds at most small_node_max entries");
    for (std::size_t i = 0; i < n; ++i) {
      PATHMAP_ASSERT(es[i].tail.size() < max_key_len, "key fragment longer than max_key_len");
      PATHMAP_ASSERT(i == 0 || es[i - 1].first < es[i].first, "entries must be sorted");
      vb |= std::uint32_t(es[i].val != nullptr) << i;
      cb |= std::uint32_t(es[i].child != nullptr) << i;
      t += es[i].tail.size();
    }
    std::size_t size = bytes(n, popcount64(cb), popcount64(vb), t);
    void* mem = node_alloc<V>(size);
    node_header* h = start(mem, n, vb, cb, t);
    // Values first: the only step that can throw.
    V* vs = values(h);
    std::size_t built = 0;
    try {
      for (std::size_t i = 0; i < n; ++i) {
        if (!es[i].val)
          continue;
        if constexpr (std::is_nothrow_move_constructible_v<V>) {
          if (es[i].move_val) {
            ::new (vs + built) V(std::move(*es[i].val));
            ++built;
            continue;
          }
        }
        ::new (vs + built) V(*es[i].val);
        ++built;
      }
    } catch (...) {
      std::destroy_n(vs, built);
      node_free<V>(mem, size);
      throw;
    }
    node_ptr<V>* cs = children(h);
    std::uint8_t* f = firsts(h);
    std::uint8_t* lens = tail_lens(h);
    std::uint8_t* tl = lens + n;
    std::size_t c = 0, pos = 0;
    for (std::size_t i = 0; i < n; ++i) {
      if (es[i].child)
        ::new (cs + c++) node_ptr<V>(node_ptr<V>::share(es[i].child));
      f[i] = es[i].first;
      if (!es[i].tail.empty())
        std::memcpy(tl + pos, es[i].tail.data(), es[i].tail.size());
      pos += es[i].tail.size();
      lens[i] = static_cast<std::uint8_t>(es[i].tail.size());
    }
    return h;
  }

  /// Number of entries with a tail (a key of more than one byte).
  static std::size_t tail_count(const node_header* h) noexcept {
    const std::uint8_t* lens = tail_lens(h);
    std::size_t c = 0;
    for (int i = 0; i < h->n; ++i)
      c += lens[i] != 0;
    return c;
  }

  /// Builds `h` with entry `e` added at index `at` (`h->n < small_node_max`) by relocating
  /// `h`'s contents, and frees `h`, which must be unique. Children move as raw pointers and
  /// values by move construction, so no child's reference count is touched (each would be a
  /// cache miss and two atomic operations) and the arrays are copied segment by segment: the
  /// cheap path of the most frequent structural edit. Strong guarantee: only copying `e`'s
  /// value can throw, and that comes first; `h` is untouched until it succeeded.
  static node_header*
  insert_relocating(node_header* h, int at,
                    const entry_src<V>& e) requires std::is_nothrow_move_constructible_v<V> {
    const std::size_t n = h->n, t = h->f2, old_size = size_of(h);
    const std::uint32_t vm = vmask(h), cm = cmask(h);
    const std::size_t nv0 = popcount64(vm), nc0 = popcount64(cm);
    const bool ev = e.val != nullptr, ec = e.child != nullptr;
    const std::size_t size = bytes(n + 1, nc0 + ec, nv0 + ev, t + e.tail.size());
    void* mem = node_alloc<V>(size);
    const std::uint32_t below = (1u << at) - 1;
    auto widen = [&](std::uint32_t m, bool bit) {
      std::uint64_t high = std::uint64_t(m & ~below) << 1;
      return std::uint32_t((m & below) | high | std::uint64_t(bit) << at);
    };
    const std::uint32_t gvm = widen(vm, ev), gcm = widen(cm, ec);
    node_header* g = start(mem, n + 1, gvm, gcm, t + e.tail.size());
    const std::size_t vr = popcount64(vm & below), cr = popcount64(cm & below);
    V* ov = values(h);
    V* gv = values(g);
    if (ev) {
      try {
        if (e.move_val)
          ::new (gv + vr) V(std::move(*e.val));
        else
          ::new (gv + vr) V(*e.val);
      } catch (...) {
        node_free<V>(mem, size);
        throw;
      }
    }
    // Nothing below throws.
    for (std::size_t i = 0; i < nv0; ++i) {
      ::new (gv + i + (ev && i >= vr)) V(std::move(ov[i]));
      ov[i].~V();
    }
    node_ptr<V>* oc = children(h);
    node_ptr<V>* gc = children(g);
    for (std::size_t i = 0; i < nc0; ++i)
      ::new (gc + i + (ec && i >= cr)) node_ptr<V>(oc[i].release());
    if (ec)
      ::new (gc + cr) node_ptr<V>(node_ptr<V>::share(e.child));
    std::uint8_t* gf = firsts(g);
    const std::uint8_t* of = firsts(h);
    std::memcpy(gf, of, at);
    gf[at] = e.first;
    std::memcpy(gf + at + 1, of + at, n - at);
    const std::uint8_t* ol = tail_lens(h);
    std::uint8_t* gl = tail_lens(g);
    std::memcpy(gl, ol, at);
    gl[at] = static_cast<std::uint8_t>(e.tail.size());
    std::memcpy(gl + at + 1, ol + at, n - at);
    const std::size_t split = prefix_sum(ol, std::size_t(at), t);
    const std::uint8_t* ot = ol + n;
    std::uint8_t* gt = gl + n + 1;
    std::memcpy(gt, ot, split);
    if (!e.tail.empty())
      std::memcpy(gt + split, e.tail.data(), e.tail.size());
    std::memcpy(gt + split + e.tail.size(), ot + split, t - split);
    h->~node_header();
    node_free<V>(h, old_size);
    return g;
  }

  /// Bytes of `h` with entry `e` replaced by one with a tail of `tail` bytes, a value or not
  /// and a child or not: what `replace_relocating` allocates.
  static std::size_t replaced_bytes(const node_header* h, int e, std::size_t tail, bool val,
                                    bool child) noexcept {
    const std::uint32_t bit = std::uint32_t{1} << e;
    const std::uint32_t vm = (vmask(h) & ~bit) | (val ? bit : 0u);
    const std::uint32_t cm = (cmask(h) & ~bit) | (child ? bit : 0u);
    return bytes(h->n, popcount64(cm), popcount64(vm), h->f2 - tail_lens(h)[e] + tail);
  }

  /// Builds `h` with entry `e` replaced by `r` (the same first byte), relocating the other
  /// entries like `insert_relocating`, and frees `h`, which must be unique. `r.val` is moved
  /// (it may be `h`'s own value of `e`); `r.child`'s reference passes to the new node (adopted,
  /// not shared): the caller's, or `h`'s own when `r.child` is `e`'s current child; another
  /// old child of `e` is released. The other children move as
  /// raw pointers: giving an entry a child or splitting its key then touches no other child's
  /// count (each a cache miss and two atomic operations when described and rebuilt). `mem`,
  /// when given, is `replaced_bytes` from `node_alloc`, so that a caller can allocate before it
  /// changes anything. Strong guarantee: only the allocation can throw, before anything changes.
  static node_header*
  replace_relocating(node_header* h, int e, const entry_src<V>& r,
                     void* mem = nullptr) requires std::is_nothrow_move_constructible_v<V> {
    const std::size_t n = h->n, t = h->f2, old_size = size_of(h);
    const std::uint32_t vm = vmask(h), cm = cmask(h), bit = std::uint32_t{1} << e;
    const std::uint8_t* ol = tail_lens(h);
    const std::size_t old_len = ol[e], split = prefix_sum(ol, std::size_t(e), t);
    const std::uint32_t gvm = (vm & ~bit) | (r.val ? bit : 0u);
    const std::uint32_t gcm = (cm & ~bit) | (r.child ? bit : 0u);
    const std::size_t gt = t - old_len + r.tail.size();
    if (!mem)
      mem = node_alloc<V>(replaced_bytes(h, e, r.tail.size(), r.val, r.child));
    // Nothing below throws.
    node_header* g = start(mem, n, gvm, gcm, gt);
    V* ov = values(h);
    V* gv = values(g);
    node_ptr<V>* oc = children(h);
    node_ptr<V>* gc = children(g);
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint32_t b = std::uint32_t{1} << i;
      if (i == std::size_t(e)) {
        if (r.val)
          ::new (gv++) V(std::move(*r.val));
        if (vm & b)
          (ov++)->~V();
        node_header* old = (cm & b) ? oc++->release() : nullptr;
        if (r.child)
          ::new (gc++) node_ptr<V>(r.child);
        if (old && old != r.child)
          release_node<V>(old);
        continue;
      }
      if (vm & b) {
        ::new (gv++) V(std::move(*ov));
        (ov++)->~V();
      }
      if (cm & b)
        ::new (gc++) node_ptr<V>(oc++->release());
    }
    std::memcpy(firsts(g), firsts(h), n);
    std::uint8_t* gl = tail_lens(g);
    std::memcpy(gl, ol, n);
    gl[e] = static_cast<std::uint8_t>(r.tail.size());
    const std::uint8_t* ot = ol + n;
    std::uint8_t* gtails = gl + n;
    std::memcpy(gtails, ot, split);
    if (!r.tail.empty())
      std::memmove(gtails + split, r.tail.data(), r.tail.size());
    std::memcpy(gtails + split + r.tail.size(), ot + split + old_len, t - split - old_len);
    h->~node_header();
    node_free<V>(h, old_size);
    return g;
  }

  /// Builds `h` without entry `at` by relocating its contents, and frees `h`, which must be
  /// unique: the inverse of `insert_relocating`. The entry's value is destroyed and its child
  /// released; no other child's count is touched. Strong guarantee: only the allocation can
  /// throw, before anything changes.
  static node_header*
  erase_relocating(node_header* h, int at) requires std::is_nothrow_move_constructible_v<V> {
    const std::size_t n = h->n, t = h->f2, old_size = size_of(h);
    const std::uint32_t vm = vmask(h), cm = cmask(h), below = (std::uint32_t{1} << at) - 1;
    auto narrow = [&](std::uint32_t m) { return (m & below) | ((m >> 1) & ~below); };
    const std::uint8_t* ol = tail_lens(h);
    const std::size_t old_len = ol[at], split = prefix_sum(ol, std::size_t(at), t);
    const std::uint32_t gvm = narrow(vm), gcm = narrow(cm);
    const std::size_t size = bytes(n - 1, popcount64(gcm), popcount64(gvm), t - old_len);
    void* mem = node_alloc<V>(size);
    // Nothing below throws.
    node_header* g = start(mem, n - 1, gvm, gcm, t - old_len);
    V* ov = values(h);
    V* gv = values(g);
    node_ptr<V>* oc = children(h);
    node_ptr<V>* gc = children(g);
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint32_t b = std::uint32_t{1} << i;
      if (vm & b) {
        if (i != std::size_t(at))
          ::new (gv++) V(std::move(*ov));
        (ov++)->~V();
      }
      if (cm & b) {
        node_header* c = oc++->release();
        if (i != std::size_t(at))
          ::new (gc++) node_ptr<V>(c);
        else
          release_node<V>(c);
      }
    }
    std::uint8_t* gf = firsts(g);
    const std::uint8_t* of = firsts(h);
    std::memcpy(gf, of, std::size_t(at));
    std::memcpy(gf + at, of + at + 1, n - at - 1);
    std::uint8_t* gl = tail_lens(g);
    std::memcpy(gl, ol, std::size_t(at));
    std::memcpy(gl + at, ol + at + 1, n - at - 1);
    const std::uint8_t* ot = ol + n;
    std::uint8_t* gt = gl + (n - 1);
    std::memcpy(gt, ot, split);
    std::memcpy(gt + split, ot + split + old_len, t - split - old_len);
    h->~node_header();
    node_free<V>(h, old_size);
    return g;
  }

  /// A shallow copy (children shared, values copied): the copy-on-write step.
  static node_header* clone(const node_header* h) {
    entry_src<V> es[small_node_max];
    describe_all(h, es, false);
    return build(es, h->n);
  }

  /// Destroys values and hands each child whose count drops to zero to `dead`.
  template <class F>
  static void destroy(node_header* h, F&& dead) noexcept {
    std::destroy_n(values(h), nv(h));
    node_ptr<V>* cs = children(h);
    for (std::size_t i = 0, e = nc(h); i < e; ++i) {
      if (node_header* d = drop_ref(cs[i].release()))
        dead(d);
    }
    std::size_t size = size_of(h);
    h->~node_header();
    node_free<V>(h, size);
  }
};

} // namespace pathmap::detail
