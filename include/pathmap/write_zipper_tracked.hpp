#pragma once
/// @file
/// `pathmap::write_zipper_tracked<V>`: a write zipper handed out by a `zipper_head`, with
/// exclusive use of the subtrie at its root path.
///
/// Its root is a *pinned cell* (a child link and a value slot whose address never moves when
/// siblings are added; see `detail/cell_node.hpp`), so sibling writers never touch the same
/// memory and no lock is taken while it moves, reads or writes. It holds a writer lock in the
/// head's registry from construction to destruction. Everything else is `write_zipper`:
/// writes at the root set the value *at* the root path; pruning never removes the root path
/// itself (use `zipper_head::cleanup_write_zipper` for that).
///
/// Paths: `origin_path()` is measured from the head's root; `root_prefix_path()` is the path
/// it was made at.
///
/// **Invalidation:** it keeps its cell and the head's registry alive, so outliving the head is
/// memory-safe (writes made after the head is gone may be lost; debug builds report it).
///
/// **Thread safety:** move it to any thread, destroy it on any thread; one thread at a time.

#include <optional>

#include "pathmap/detail/head_ops.hpp"
#include "pathmap/detail/zipper_tracker.hpp"
#include "pathmap/read_zipper_tracked.hpp"
#include "pathmap/write_zipper.hpp"

namespace pathmap {

// Declared here too: when read_zipper_tracked.hpp is included first, this file is reached
// (through path_map.hpp and zipper_head.hpp) before that class is.
template <class V>
class read_zipper_tracked;

template <class V>
class write_zipper_tracked : public write_zipper<V> {
public:
  /// A writer owning `root` (the cell at `at`), holding `lock` (none for an unchecked writer in
  /// a release build).
  write_zipper_tracked(detail::cell_ref<V> root, path_view at,
                       std::optional<detail::zipper_tracker> lock)
    : write_zipper<V>(&root->child, &root->val, {}, at),
      root_(std::move(root)),
      lock_(std::move(lock)) {}

  write_zipper_tracked(write_zipper_tracked&&) noexcept = default;
  write_zipper_tracked& operator=(write_zipper_tracked&&) noexcept = default;

  /// Turns this writer into a reader at the same root and focus. The writer lock becomes a
  /// reader lock with no moment in between in which the path is unlocked. The writer is
  /// consumed: it holds no lock afterwards and must not be used again.
  read_zipper_tracked<V> into_read_zipper() && {
    if (lock_)
      lock_->into_reader();
    std::optional<V> v = root_->val;
    read_zipper_tracked<V> r(root_->child, std::move(v), this->root_prefix_path(),
                             std::move(lock_));
    r.move_to_path(this->path());
    return r;
  }

  /// The cell this writer owns (for the zipper head).
  const detail::cell_ref<V>& root_cell() const noexcept { return root_; }

  /// The lock registry of the head that issued this writer; null for an untracked writer
  /// (`_unchecked` in a release build) and once moved from. For `zipper_head::issued`.
  const detail::lock_registry* lock_registry() const noexcept {
    return lock_ ? lock_->registry().get() : nullptr;
  }

private:
  detail::cell_ref<V> root_;
  std::optional<detail::zipper_tracker> lock_;
};

static_assert(zipper_writing<write_zipper_tracked<int>>);

} // namespace pathmap
