#pragma once
/// @file
/// Trie nodes: the common header, the intrusive reference-counted pointer, allocation and
/// iterative destruction.
///
/// A node is a small trie rooted at one position. It holds *entries*; each entry is a key of one
/// or more bytes (the prefix compression) that ends in an optional value, an optional child node,
/// both, or neither (a dangling path end). Entries of one node start with distinct bytes. A node
/// never holds a value at its own root: that value lives in the entry of the parent that leads
/// here (or in the map's root value slot).
///
/// Node kinds (a closed set, dispatched by `switch` on `node_tag`):
/// - `small_node` (small_node.hpp): up to `small_node_max` entries with keys of any length up to
///   `max_key_len`, everything in one allocation sized to its content.
/// - `dense_node` (dense_node.hpp): up to 256 one-byte entries indexed by bitmasks, with packed
///   child and value arrays.
/// - `cell_node` (cell_node.hpp): like a dense node, but each entry is a separately allocated,
///   pinned cell; made by the zipper head for the parent of a write zipper's root.
/// - `packed_node` (packed_node.hpp): a read-only node inside a *packed arena*, one allocation
///   that holds whole subtries written by `path_map::compact()`. A packed node has a 2-byte
///   header (tag, entry count) and no reference count of its own: every reference to it counts
///   on its arena (`ref_owner`), and it is never unique, so every write goes through a copy
///   (`make_unique`).
///
/// Memory layout of every allocated node (and arena): a 12-byte `node_header`, then
/// kind-specific data, at least 16 bytes in all (small nodes 28, `small_node::min_bytes`); a
/// packed node inside an arena has only the header's first two bytes (tag, `n`). The header puts
/// the reference count at bytes 8..12, so that a dying node can store a "next dead node" pointer
/// in bytes 8..16 (its count and the first data bytes, which destruction does not need: sizes
/// come from header bytes 0..8). Destruction then walks a list threaded through the dying nodes
/// themselves and never recurses or allocates, whatever the depth of the trie.
///
/// **Thread safety:** reference counts are atomic (relaxed increment, acq_rel decrement), so
/// nodes may be shared between maps used on different threads. A node is mutated only when its
/// count is 1 (copy-on-write, see `make_unique`).

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <type_traits>
#include <utility>

#include "pathmap/byte_mask.hpp"
#include "pathmap/path.hpp"

namespace pathmap::detail {

/// The kinds of node. `arena` is never referenced by a `node_ptr`: it is the allocation that
/// holds packed nodes, seen only when its last reference dies. A packed node's tag is `packed`
/// plus log2 of its arena's alignment, so that the arena is found by masking the node's address
/// (no back pointer in 2-byte headers; see packed_node.hpp).
enum class node_tag : std::uint8_t { small = 1, dense = 2, cell = 3, arena = 4, packed = 32 };

/// The common 12-byte header. `f0..f2` are kind-specific.
struct node_header {
  node_tag tag;
  std::uint8_t n;           ///< small: number of entries.
  std::uint16_t f0;         ///< small: value bits 0..15;  dense, cell: (child) capacity.
  std::uint16_t f1;         ///< small: child bits 0..15;  dense: value capacity.
  std::uint16_t f2;         ///< small: tail bytes.
  std::atomic<std::uint32_t> rc;

  node_header(node_tag t) noexcept : tag(t), n(0), f0(0), f1(0), f2(0), rc(1) {}
};
static_assert(sizeof(node_header) == 12);
static_assert(offsetof(node_header, rc) == 8);

/// Longest key fragment a node entry holds. Longer paths become chains of single-entry nodes,
/// which bounds the cost of splitting a key and keeps the small-node offsets in 16 bits.
inline constexpr std::size_t max_key_len = 256;

/// Most entries a small node holds before it becomes a dense node.
inline constexpr std::size_t small_node_max = 32;

/// Entries a small node always may hold; past this it stays small only while most of its
/// entries have multi-byte keys (`node_ops::fits_small`).
inline constexpr std::size_t small_node_short = 16;

inline constexpr std::size_t align_up(std::size_t n, std::size_t a) noexcept {
  return (n + a - 1) / a * a;
}

template <class V>
struct node_traits {
  /// Where the kind-specific data starts.
  static constexpr std::size_t data_align = alignof(V) > 8 ? alignof(V) : 8;
  static constexpr std::size_t data_offset = align_up(sizeof(node_header), data_align);
  /// Allocation alignment.
  static constexpr std::size_t alloc_align = data_align > 16 ? data_align : 16;
};

/// Raw allocation of a node of `bytes` bytes (jemalloc sized classes make exact sizes cheap).
template <class V>
void* node_alloc(std::size_t bytes) {
  if constexpr (node_traits<V>::alloc_align > __STDCPP_DEFAULT_NEW_ALIGNMENT__)
    return ::operator new(bytes, std::align_val_t{node_traits<V>::alloc_align});
  else
    return ::operator new(bytes);
}

template <class V>
void node_free(void* p, std::size_t bytes) noexcept {
  if constexpr (node_traits<V>::alloc_align > __STDCPP_DEFAULT_NEW_ALIGNMENT__)
    ::operator delete(p, bytes, std::align_val_t{node_traits<V>::alloc_align});
  else
    ::operator delete(p, bytes);
}

/// What ordered iteration needs of one entry: its key bytes after the first, its child and its
/// value (null when absent). Each node kind finds all three at once (`entry`), sharing the
/// rank and offset sums that separate `tail`, `child` and `val` calls would each redo.
template <class V>
struct entry_ref {
  path_view tail;
  node_header* child;
  V* val;
};

inline bool is_packed(const node_header* h) noexcept {
  return std::uint8_t(h->tag) >= std::uint8_t(node_tag::packed);
}

/// The node that holds `h`'s reference count: `h` itself, or for a packed node its arena.
inline node_header* ref_owner(node_header* h) noexcept {
  if (!is_packed(h))
    return h;
  const std::uintptr_t align = std::uintptr_t{1}
                               << (std::uint8_t(h->tag) - std::uint8_t(node_tag::packed));
  return reinterpret_cast<node_header*>(reinterpret_cast<std::uintptr_t>(h) & ~(align - 1));
}

/// Drops one reference to `h`; returns the node to destroy (`h` or its arena) when it was the
/// last, else null.
inline node_header* drop_ref(node_header* h) noexcept {
  node_header* o = ref_owner(h);
  return o->rc.fetch_sub(1, std::memory_order_acq_rel) == 1 ? o : nullptr;
}

/// Whether `h` may be shared with another owner (packed nodes always may).
inline bool maybe_shared(const node_header* h) noexcept {
  return is_packed(h) || h->rc.load(std::memory_order_relaxed) > 1;
}

template <class V>
void release_node(node_header* h) noexcept;

/// An intrusive, reference-counted, nullable pointer to a node (one machine word).
/// Copying shares; `make_unique` clones a shared node before a write.
template <class V>
class node_ptr {
public:
  // -- constructors ---------------------------------------------------------

  node_ptr() noexcept = default;
  /// Adopts `h` (its count already includes this reference).
  explicit node_ptr(node_header* h) noexcept : h_(h) {}
  node_ptr(const node_ptr& o) noexcept : h_(o.h_) { retain(); }
  node_ptr(node_ptr&& o) noexcept : h_(std::exchange(o.h_, nullptr)) {}
  node_ptr& operator=(const node_ptr& o) noexcept {
    node_ptr tmp(o);
    swap(tmp);
    return *this;
  }
  node_ptr& operator=(node_ptr&& o) noexcept {
    node_ptr tmp(std::move(o));
    swap(tmp);
    return *this;
  }
  ~node_ptr() {
    if (h_)
      release_node<V>(h_);
  }

  /// Shares `h` (adds a reference).
  static node_ptr share(node_header* h) noexcept {
    if (h)
      ref_owner(h)->rc.fetch_add(1, std::memory_order_relaxed);
    return node_ptr(h);
  }

  // -- observers ------------------------------------------------------------

  node_header* get() const noexcept { return h_; }
  node_header* operator->() const noexcept { return h_; }
  explicit operator bool() const noexcept { return h_ != nullptr; }
  /// Whether this is the only reference, so the node may be changed in place (never for a
  /// packed node, which shares its arena's count).
  bool unique() const noexcept {
    return !is_packed(h_) && h_->rc.load(std::memory_order_acquire) == 1;
  }
  /// References to the node (for a packed node: to its whole arena).
  std::uint32_t use_count() const noexcept {
    return h_ ? ref_owner(h_)->rc.load(std::memory_order_acquire) : 0;
  }

  // -- modifiers ------------------------------------------------------------

  void swap(node_ptr& o) noexcept { std::swap(h_, o.h_); }
  void reset() noexcept { node_ptr().swap(*this); }
  /// Gives up ownership without releasing.
  node_header* release() noexcept { return std::exchange(h_, nullptr); }

  friend bool operator==(const node_ptr& a, const node_ptr& b) noexcept { return a.h_ == b.h_; }

private:
  void retain() noexcept {
    if (h_)
      ref_owner(h_)->rc.fetch_add(1, std::memory_order_relaxed);
  }

  node_header* h_ = nullptr;
};

} // namespace pathmap::detail
