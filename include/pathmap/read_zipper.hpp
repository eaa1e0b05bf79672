#pragma once
/// @file
/// `pathmap::read_zipper<V>`: a read-only cursor into a `path_map`.
///
/// A read zipper has a *root* (the path it was made at; it can never go above it) and a
/// *focus* that moves below the root, also onto paths that do not exist (then every query
/// answers "nothing"). It walks the trie with a stack of frames, so moving one byte and
/// stepping to the next value cost O(1) amortized, and no step allocates once the path buffer
/// has grown.
///
/// Cost notes: `val_count()` walks the subtrie. `fork_read_zipper()` copies the frame stack
/// (O(depth)). `make_map()` is O(1) at node boundaries.
///
/// **Invalidation:** a read zipper borrows its map like a standard iterator: any change to the
/// map (or the map's destruction) invalidates it and every value pointer it returned. Copies of
/// the map do not affect it. A `witness()` keeps the nodes alive but not the map.
///
/// **Thread safety:** many read zippers may read one map concurrently as long as nobody
/// changes it. A read zipper itself is not synchronized.

#include "pathmap/detail/core_zipper.hpp"
#include "pathmap/path_iter.hpp"

namespace pathmap {

template <class V>
class trie_ref;

/// A read-only zipper. Made by `path_map::read_zipper()`, `read_zipper_at_path(p)` and
/// `fork_read_zipper()` on any zipper.
template <class V>
class read_zipper : public detail::core_zipper<read_zipper<V>, V> {
public:
  read_zipper() = default;

  // -- engine access (for the mixins and other zippers) ---------------------------

  const detail::zipper_core<V>& read_core() const noexcept { return core_; }
  detail::zipper_core<V>& move_core() noexcept { return core_; }

  /// A zipper over the trie at `origin` (root value `origin_val`, reached by `above` from
  /// the origin the paths are reported from), rooted at `root` below `origin`.
  static read_zipper make(const detail::node_header* origin, const V* origin_val,
                          path_view root, path_view above = {}, bool origin_missing = false) {
    read_zipper z;
    z.core_.init(origin, origin_val, above, root, origin_missing);
    return z;
  }

  /// A zipper rooted at `core`'s focus.
  static read_zipper fork_of(const detail::zipper_core<V>& core) {
    read_zipper z;
    z.core_.fork_from(core);
    return z;
  }

  /// A read-only reference to the focus followed by `p` (trie_ref.hpp).
  trie_ref<V> trie_ref_at_path(path_view p) const;

  /// The leaf paths below the root, in order (path_iter.hpp).
  path_iter<read_zipper> into_path_iter() && { return path_iter<read_zipper>(std::move(*this)); }

private:
  detail::zipper_core<V> core_;
};

static_assert(zipper_iteration<read_zipper<int>>);
static_assert(zipper_absolute_path<read_zipper<int>>);

} // namespace pathmap

#include "pathmap/path_map.hpp"
