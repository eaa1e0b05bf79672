#pragma once
/// @file
/// Zippers over detached content, for the coordinator's fenced attempts. This is the one place
/// where the actor layer builds tracked zippers itself instead of asking a zipper head, and the
/// only place it touches trie internals (`detail::cell`, `detail::cell_ref`).
///
/// - A *staging cell* is a pinned cell that belongs to no trie: a write zipper on it works
///   exactly like one the head pins in the map (same `origin_path()`, same writing rules), but
///   what it writes stays in the cell until the coordinator grafts the cell's content into the
///   real destination. It starts with a shared (O(1)) copy of the destination's content.
/// - A *detached reader* reads a map's content as a read zipper rooted at a given path, without
///   a lock (nobody can write that content: it is a copy-on-write snapshot).
///
/// Both kinds carry no lock, so they may be dropped on any thread at any time.

#include <atomic>
#include <optional>
#include <utility>

#include "pathmap/detail/head_ops.hpp"
#include "pathmap/path_map.hpp" // first: the tracked zipper headers need it
#include "pathmap/read_zipper_tracked.hpp"
#include "pathmap/write_zipper_tracked.hpp"

namespace pathmap::actors::detail {

/// A reference-counted cell holding a shared copy of `content`.
template <class V>
pathmap::detail::cell_ref<V> make_staging_cell(const path_map<V>& content) {
  auto parts = path_map<V>(content).into_parts();
  pathmap::detail::cell_ref<V> cell(new pathmap::detail::cell<V>);
  cell->child = std::move(parts.first);
  cell->val = std::move(parts.second);
  return cell;
}

/// A write zipper on `cell`, reporting `at` as its root path.
template <class V>
write_zipper_tracked<V> staging_writer(const pathmap::detail::cell_ref<V>& cell, path_view at) {
  return write_zipper_tracked<V>(cell, at, std::nullopt);
}

/// True when nobody but `cell`'s owner holds the cell any more (the staging writer is gone).
/// The acquire load pairs with the release in the writer's drop of its reference, so the
/// writer's work is visible afterwards.
template <class V>
bool staging_released(const pathmap::detail::cell_ref<V>& cell) {
  return cell->rc.load(std::memory_order_acquire) == 1;
}

/// Moves the cell's content out as a map (the cell is left empty). Call it only once
/// `staging_released(cell)`.
template <class V>
path_map<V> take_staging_content(const pathmap::detail::cell_ref<V>& cell) {
  auto child = std::move(cell->child);
  std::optional<V> val = std::move(cell->val);
  cell->val.reset();
  return path_map<V>::from_parts(std::move(child), std::move(val));
}

/// An unlocked reader over a shared copy of `content`, reporting `at` as its root path.
template <class V>
read_zipper_tracked<V> detached_reader(const path_map<V>& content, path_view at) {
  auto parts = path_map<V>(content).into_parts();
  return read_zipper_tracked<V>(std::move(parts.first), std::move(parts.second), at, std::nullopt);
}

} // namespace pathmap::actors::detail
