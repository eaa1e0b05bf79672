#pragma once
/// @file
/// `pathmap::read_zipper_tracked<V>`: a read zipper handed out by a `zipper_head`.
///
/// It reads a *snapshot*: it holds a counted reference to the subtrie at its root path and a
/// copy of the root value, taken when the head made it. Writers elsewhere in the same map copy
/// any shared node before they change it, so the snapshot never changes under the reader, and
/// the reader needs no lock while it moves or reads. It holds a reader lock in the head's
/// registry from construction to destruction, which keeps writers away from its path (the
/// rules are in `zipper_head.hpp`).
///
/// Paths: `origin_path()` is measured from the head's root; `root_prefix_path()` is the path
/// it was made at.
///
/// **Invalidation:** nothing invalidates it: it keeps its nodes and the head's registry alive
/// and may outlive the head and the map (debug builds report a zipper that outlives its head).
///
/// **Thread safety:** move it to any thread, destroy it on any thread. Copying takes another
/// reader lock (`try_clone` reports the unlikely overflow as a value).

#include <memory>
#include <optional>
#include <stdexcept>

#include "pathmap/conflict.hpp"
#include "pathmap/detail/zipper_tracker.hpp"
#include "pathmap/expected.hpp"
#include "pathmap/read_zipper.hpp"

namespace pathmap {

template <class V>
class read_zipper_tracked : public read_zipper<V> {
  using ptr = detail::node_ptr<V>;

public:
  /// A reader over `root` (the subtrie at `at`) with root value `root_val`, holding `lock`
  /// (none for an unchecked reader in a release build); `exists` is false when `at` is missing.
  read_zipper_tracked(ptr root, std::optional<V> root_val, path_view at,
                      std::optional<detail::zipper_tracker> lock, bool exists = true)
    : root_(std::move(root)),
      root_val_(root_val ? std::make_shared<const V>(std::move(*root_val)) : nullptr),
      lock_(std::move(lock)) {
    static_cast<read_zipper<V>&>(*this) =
      read_zipper<V>::make(root_.get(), root_val_.get(), {}, at, !exists);
  }

  read_zipper_tracked(read_zipper_tracked&&) noexcept = default;
  read_zipper_tracked& operator=(read_zipper_tracked&&) noexcept = default;

  /// The leaf paths below the root (path_iter.hpp); the range holds this reader and its lock.
  path_iter<read_zipper_tracked> into_path_iter() && {
    return path_iter<read_zipper_tracked>(std::move(*this));
  }

  /// Another reader at the same root and focus, with its own reader lock. Throws
  /// `std::overflow_error` in the (practically unreachable) case of 2^32 readers on one path.
  read_zipper_tracked(const read_zipper_tracked& o)
    : read_zipper<V>(o), root_(o.root_), root_val_(o.root_val_), lock_(o.clone_lock()) {}

  read_zipper_tracked& operator=(const read_zipper_tracked& o) {
    if (this != &o)
      *this = read_zipper_tracked(o);
    return *this;
  }

  /// Like the copy constructor, reporting a full reader count as a conflict.
  expected<read_zipper_tracked, conflict> try_clone() const {
    if (!lock_)
      return read_zipper_tracked(*this);
    auto l = lock_->clone_reader();
    if (!l)
      return unexpected(l.error());
    return read_zipper_tracked(*this, std::move(*l));
  }

  /// The root value; valid as long as this zipper or a copy lives.
  const V* root_val() const noexcept { return root_val_.get(); }

private:
  read_zipper_tracked(const read_zipper_tracked& o, detail::zipper_tracker lock)
    : read_zipper<V>(o), root_(o.root_), root_val_(o.root_val_), lock_(std::move(lock)) {}

  std::optional<detail::zipper_tracker> clone_lock() const {
    if (!lock_)
      return std::nullopt;
    auto l = lock_->clone_reader();
    if (!l)
      throw std::overflow_error(l.error().to_string());
    return std::move(*l);
  }

  ptr root_;
  std::shared_ptr<const V> root_val_;
  std::optional<detail::zipper_tracker> lock_;
};

static_assert(zipper_iteration<read_zipper_tracked<int>>);

} // namespace pathmap
