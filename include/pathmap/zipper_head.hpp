#pragma once
/// @file
/// `pathmap::zipper_head<V>`: hands out read zippers and exclusive write zippers into one
/// trie, checks the exclusivity rules at run time, and lets those zippers work on the same
/// trie from different threads at once.
///
/// Made by `path_map::zipper_head()` (rooted at the map root; the map must not be used
/// otherwise while the head lives) or `write_zipper::zipper_head()` (rooted at the zipper's
/// focus; heads nest). All paths are relative to the head's root.
///
/// Exclusivity rules (a registry of live locks; "related" = one path is a byte prefix of the
/// other, equality included):
/// - a reader conflicts only with a related writer;
/// - a writer conflicts with any related reader or writer.
/// A refused request returns the `conflict` (writer locks are reported before readers; the
/// lock along the path, shallowest first, before any lock below it; then the first below it
/// in lexicographic order) and changes nothing.
///
/// Asking for a writer at `p` creates `p` (a dangling path that stays after the writer is
/// dropped, unless `cleanup_write_zipper` removes it) and turns the node holding `p`'s last
/// byte into a cell node whose cell becomes the writer's root. Content below `p` is kept.
///
/// Cost notes: each request takes the registry mutex once and walks `p` once; creating and
/// dropping a tracked writer costs about one path walk plus two mutex operations.
///
/// **Invalidation:** the map (or parent zipper) is frozen while the head lives; dropping the
/// head gives it back. Zippers from the head stay memory-safe after the head is gone (they own
/// their nodes, cells and the registry) but should be dropped first; debug builds report a
/// zipper that outlives its head. A writer at the empty path must not be in use on another
/// thread while its head is destroyed: the head hands the root it shares with that writer back
/// to the map (the crate's lifetimes rule this out; here it is the caller's duty).
///
/// **Thread safety:** the head itself is used by one thread at a time (like the crate's
/// `ZipperHead`: Send, not Sync); the zippers it returns may be moved to and used on other
/// threads concurrently. This is what makes that safe: each writer changes only nodes below its
/// own pinned cell, copying any node that is shared before changing it; readers read their own
/// snapshot; every structural change above zipper roots happens here, on the head's thread.

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>

#include "pathmap/conflict.hpp"
#include "pathmap/detail/head_ops.hpp"
#include "pathmap/detail/lock_registry.hpp"
#include "pathmap/detail/zipper_tracker.hpp"
#include "pathmap/expected.hpp"
#include "pathmap/read_zipper_tracked.hpp"
#include "pathmap/write_zipper_tracked.hpp"

namespace pathmap {

// Declared here too: when a tracked zipper's header is included first, this file is reached
// (through path_map.hpp) before that zipper's class is.
template <class V>
class read_zipper_tracked;
template <class V>
class write_zipper_tracked;

template <class V>
class zipper_head {
  using ptr = detail::node_ptr<V>;
  using hops = detail::head_ops<V>;
  using trie = detail::trie_ops<V>;

public:
  /// A head over the trie in `*slot` / `*val_slot` (a map's root, or a write zipper's root
  /// slots). The content moves into the head's own root cell and back when the head dies.
  /// `parent_stale`, if given, is set when the head is gone: the write zipper the head came
  /// from then re-reads the trie. A shared flag rather than a pointer to that zipper, so that
  /// moving or destroying the zipper while the head lives leaves nothing dangling.
  zipper_head(ptr* slot, std::optional<V>* val_slot, detail::stale_flag parent_stale = {})
    : root_(new detail::cell<V>), slot_(slot), val_slot_(val_slot),
      parent_stale_(std::move(parent_stale)),
      registry_(std::make_shared<detail::lock_registry>()) {
    root_->child = std::move(*slot);
    root_->val = std::move(*val_slot);
    val_slot->reset();
  }

  /// A head rooted at the pinned cell `root` (a write zipper's focus).
  zipper_head(detail::cell_ref<V> root, detail::stale_flag parent_stale)
    : root_(std::move(root)), parent_stale_(std::move(parent_stale)),
      registry_(std::make_shared<detail::lock_registry>()) {}

  zipper_head(zipper_head&& o) noexcept
    : root_(std::move(o.root_)), slot_(std::exchange(o.slot_, nullptr)), val_slot_(o.val_slot_),
      parent_stale_(std::move(o.parent_stale_)), registry_(std::move(o.registry_)) {}
  zipper_head& operator=(zipper_head&&) = delete;
  zipper_head(const zipper_head&) = delete;
  zipper_head& operator=(const zipper_head&) = delete;

  ~zipper_head() {
    if (!registry_)
      return;
    registry_->mark_head_dropped();
    if (slot_) {
      if (root_->rc.load(std::memory_order_acquire) == 1) {
        *slot_ = std::move(root_->child);
        *val_slot_ = std::move(root_->val);
      } else {
        // A writer at the root outlives the head: it keeps reading what it owns, and the map
        // gets its own (shared, copy-on-write) version back.
        *slot_ = root_->child;
        *val_slot_ = root_->val;
      }
    }
    if (parent_stale_)
      parent_stale_->store(true, std::memory_order_release);
  }

  // -- readers ------------------------------------------------------------------------

  /// A reader rooted at `p`, or the conflict with a live writer at, above or below `p`.
  expected<read_zipper_tracked<V>, conflict> read_zipper_at_path(path_view p) {
    auto lock = detail::zipper_tracker::acquire_read(registry_, p);
    if (!lock)
      return unexpected(lock.error());
    return make_reader(p, std::move(*lock));
  }

  /// Same as `read_zipper_at_path` (the crate's borrowed-path variant; C++ copies anyway).
  expected<read_zipper_tracked<V>, conflict> read_zipper_at_borrowed_path(path_view p) {
    return read_zipper_at_path(p);
  }

  /// A reader without tracking in release builds: the caller promises there is no conflict.
  /// Debug builds still register the lock and abort on a conflict.
  read_zipper_tracked<V> read_zipper_at_path_unchecked(path_view p) {
#ifndef NDEBUG
    auto lock = detail::zipper_tracker::acquire_read(registry_, p);
    if (!lock)
      unchecked_conflict(lock.error());
    return make_reader(p, std::move(*lock));
#else
    return make_reader(p, std::nullopt);
#endif
  }

  read_zipper_tracked<V> read_zipper_at_borrowed_path_unchecked(path_view p) {
    return read_zipper_at_path_unchecked(p);
  }

  // -- writers ------------------------------------------------------------------------

  /// The exclusive writer rooted at `p`, or the conflict with any live zipper at, above or
  /// below `p`. Creates `p`.
  expected<write_zipper_tracked<V>, conflict> write_zipper_at_exclusive_path(path_view p) {
    auto lock = detail::zipper_tracker::acquire_write(registry_, p);
    if (!lock)
      return unexpected(lock.error());
    return make_writer(p, std::move(*lock));
  }

  /// A writer without tracking in release builds (see `read_zipper_at_path_unchecked`).
  write_zipper_tracked<V> write_zipper_at_exclusive_path_unchecked(path_view p) {
#ifndef NDEBUG
    auto lock = detail::zipper_tracker::acquire_write(registry_, p);
    if (!lock)
      unchecked_conflict(lock.error());
    return make_writer(p, std::move(*lock));
#else
    return make_writer(p, std::nullopt);
#endif
  }

  /// Takes back a writer: drops it (releasing its lock) and, if nothing hangs below its root
  /// path and no value is there, prunes the dangling path its creation left. Pruning is
  /// skipped while another live zipper is related to that path, and for a tracked writer
  /// another head issued (it is only dropped).
  void cleanup_write_zipper(write_zipper_tracked<V> z) {
    pathmap::path p = z.root_prefix_path().to_path();
    bool foreign = z.lock_registry() && !issued(z);
    { write_zipper_tracked<V> gone(std::move(z)); }
    if (foreign)
      return; // another head's writer: its path says nothing about this map
    if (p.empty() || registry_->check_write(p))
      return;
    if (trie::dangling(root_->child.get(), p))
      trie::prune(root_->child, p);
  }

  /// Whether this head issued tracked writer `z` (false for another head's writer, and for an
  /// untracked one, which carries no record of its head).
  bool issued(const write_zipper_tracked<V>& z) const noexcept {
    return z.lock_registry() == registry_.get();
  }

  /// The registry of live locks (for diagnostics and tests).
  const detail::lock_registry& locks() const noexcept { return *registry_; }

private:
  read_zipper_tracked<V> make_reader(path_view p, std::optional<detail::zipper_tracker> lock) {
    auto snap = hops::snapshot(root_->child.get(), root_->val ? &*root_->val : nullptr, p);
    return read_zipper_tracked<V>(std::move(snap.node), std::move(snap.val), p, std::move(lock),
                                  snap.exists);
  }

  write_zipper_tracked<V> make_writer(path_view p, std::optional<detail::zipper_tracker> lock) {
    detail::cell_ref<V> c = p.empty() ? root_ : hops::pin_cell(root_->child, p);
    return write_zipper_tracked<V>(std::move(c), p, std::move(lock));
  }

  [[noreturn]] static void unchecked_conflict(const conflict& c) {
    std::fprintf(stderr, "pathmap: an unchecked zipper request conflicts: %s\n",
                 c.to_string().c_str());
    std::abort();
  }

  detail::cell_ref<V> root_;
  ptr* slot_ = nullptr;
  std::optional<V>* val_slot_ = nullptr;
  detail::stale_flag parent_stale_;
  std::shared_ptr<detail::lock_registry> registry_;
};

// -- zipper_head() members of maps and write zippers ------------------------------------------

template <class V>
pathmap::zipper_head<V> path_map<V>::zipper_head() {
  return pathmap::zipper_head<V>(&root_, &root_val_);
}

template <class V>
pathmap::zipper_head<V> write_zipper<V>::zipper_head() {
  path_view f = core_.walk_path();
  if (!head_gone_)
    head_gone_ = std::make_shared<std::atomic<bool>>(false);
  if (f.empty())
    return pathmap::zipper_head<V>(origin_, origin_val_, head_gone_);
  touch();
  return pathmap::zipper_head<V>(detail::head_ops<V>::pin_cell(*origin_, f), head_gone_);
}

} // namespace pathmap

// The owning forms need the complete head (path_map.hpp includes this file at its end).
#include "pathmap/owned_zippers.hpp"
