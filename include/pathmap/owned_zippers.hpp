#pragma once
/// @file
/// Zippers that own their map (the crate's `ReadZipperOwned`, `WriteZipperOwned` and
/// `ZipperHeadOwned`), made by `std::move(map).into_read_zipper(p)`, `into_write_zipper(p)` and
/// `into_zipper_head(p)`; each gives the whole map back with `std::move(z).into_map()`.
///
/// An owned zipper keeps its map in a heap box of its own: the zipper inside points at the
/// map's root slot and root value, and the box keeps those addresses fixed while the owner is
/// moved. So an owned zipper can be returned from functions, stored and moved to other threads
/// without the lifetime rules of a borrowing zipper.
///
/// - `read_zipper_owned<V>` is a `read_zipper<V>`; copying it copies the map (O(1), shared
///   nodes) and puts the copy's zipper at the same root and focus.
/// - `write_zipper_owned<V>` is a `write_zipper<V>` (move-only). `std::move(z).into_iter()`
///   drains it: it yields each value below and at the zipper's root with its root-relative
///   path, in order, the root value first, removing each value (with pruning) as it goes.
///   A zipper head made from it must be dropped before the owned zipper is consumed or dies.
/// - `zipper_head_owned<V>` is a zipper head behind a mutex: unlike `zipper_head`, several
///   threads may ask it for zippers at once.
///
/// After `into_map()` or `into_iter()` the owned object is empty: an owned read or write
/// zipper then stands over an empty map, and an owned head (also a moved-from one) answers
/// every request and a second `into_map()` with `std::logic_error`.
///
/// **Thread safety:** `zipper_head_owned` may be shared between threads; the owned zippers,
/// like the zippers they are, are used by one thread at a time.

#include <cstdint>
#include <iterator>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <utility>
#include <vector>

#include "pathmap/detail/single_pass.hpp"
#include "pathmap/path_map.hpp"
#include "pathmap/zipper_head.hpp"

namespace pathmap {

namespace detail {

/// The boxed map of an owned zipper. A base class, so that it is built before the zipper base
/// that points into it.
template <class V>
struct owned_map_box {
  explicit owned_map_box(path_map<V>&& m) : map_(std::make_unique<path_map<V>>(std::move(m))) {}
  owned_map_box(owned_map_box&&) noexcept = default;
  owned_map_box& operator=(owned_map_box&&) noexcept = default;

  /// Moves the map out, leaving an empty one in the box.
  path_map<V> take_map() {
    path_map<V> m = std::move(*map_);
    *map_ = path_map<V>();
    return m;
  }

  std::unique_ptr<path_map<V>> map_;
};

} // namespace detail

/// A read zipper that owns its map. See the file comment.
template <class V>
class read_zipper_owned : private detail::owned_map_box<V>, public read_zipper<V> {
  using box = detail::owned_map_box<V>;

public:
  /// Owns `m`; the zipper is rooted at `root`.
  read_zipper_owned(path_map<V> m, path_view root)
    : box(std::move(m)), read_zipper<V>(box::map_->read_zipper_at_path(root)) {}

  read_zipper_owned(read_zipper_owned&&) noexcept = default;
  read_zipper_owned& operator=(read_zipper_owned&&) noexcept = default;

  /// Shares the map (O(1)); the copy stands at the same root and focus.
  read_zipper_owned(const read_zipper_owned& o)
    : box(path_map<V>(*o.map_)),
      read_zipper<V>(box::map_->read_zipper_at_path(o.root_prefix_path())) {
    this->descend_to(o.path());
  }
  read_zipper_owned& operator=(const read_zipper_owned& o) {
    if (this != &o)
      *this = read_zipper_owned(o);
    return *this;
  }

  /// Gives the whole map back (not only what is below the root).
  path_map<V> into_map() && {
    path_map<V> m = box::take_map();
    read_zipper<V>::operator=(box::map_->read_zipper());
    return m;
  }

  /// The leaf paths below the root (path_iter.hpp); the range owns the map.
  path_iter<read_zipper_owned> into_path_iter() && {
    return path_iter<read_zipper_owned>(std::move(*this));
  }
};

/// A write zipper that owns its map. See the file comment.
template <class V>
class write_zipper_owned : private detail::owned_map_box<V>, public write_zipper<V> {
  using box = detail::owned_map_box<V>;

public:
  class drain;

  /// Owns `m`; the zipper is rooted at `root`.
  write_zipper_owned(path_map<V> m, path_view root)
    : box(std::move(m)), write_zipper<V>(box::map_->write_zipper_at_path(root)) {}

  write_zipper_owned(write_zipper_owned&&) noexcept = default;
  write_zipper_owned& operator=(write_zipper_owned&&) noexcept = default;

  /// Gives the whole map back (not only what is below the root).
  path_map<V> into_map() && {
    path_map<V> m = box::take_map();
    write_zipper<V>::operator=(box::map_->write_zipper());
    return m;
  }

  /// Drains the values at and below the root; see `drain`.
  drain into_iter() && { return drain(std::move(*this)); }
};

/// The range `write_zipper_owned::into_iter()` returns: an input range of
/// `std::pair<std::vector<std::uint8_t>, V>` (root-relative path, value), in order, the root
/// value first. Each value is moved out of the map and removed with pruning when the range
/// reaches it, so stopping early leaves the rest in the (owned) map.
template <class V>
class write_zipper_owned<V>::drain {
public:
  using item = std::pair<std::vector<std::uint8_t>, V>;
  using iterator = detail::single_pass_iterator<drain, item, item&>;

  explicit drain(write_zipper_owned z) : z_(std::move(z)) { advance(); }
  drain(drain&&) noexcept = default;
  drain& operator=(drain&&) noexcept = default;

  /// The current item (one pass: call once).
  iterator begin() { return iterator(this); }
  std::default_sentinel_t end() const noexcept { return {}; }

private:
  friend iterator;

  item& current() { return *cur_; }
  bool exhausted() const noexcept { return !cur_; }
  /// Takes the first value left below the root: removing each value with pruning keeps the
  /// next one first, so no position has to survive the removal.
  void advance() {
    cur_.reset();
    z_.reset();
    if (!z_.is_val() && !z_.to_next_val())
      return;
    path_view p = z_.path();
    std::vector<std::uint8_t> path(p.begin(), p.end());
    std::optional<V> v = z_.remove_val(true);
    cur_.emplace(std::move(path), std::move(*v));
  }

  write_zipper_owned z_;
  std::optional<item> cur_;
};

/// A zipper head that owns its map, rooted at a path of it, whose requests may come from
/// several threads at once (each takes a mutex). See the file comment and zipper_head.hpp.
template <class V>
class zipper_head_owned {
public:
  /// Owns `m`; the head is rooted at `root` (created as a path when missing, as a writer's
  /// root would be).
  zipper_head_owned(path_map<V> m, path_view root)
    : map_(std::make_unique<path_map<V>>(std::move(m))), mu_(std::make_unique<std::mutex>()) {
    if (root.empty()) {
      head_.emplace(map_->zipper_head());
    } else {
      wz_.emplace(map_->write_zipper_at_path(root));
      head_.emplace(wz_->zipper_head());
    }
  }

  zipper_head_owned(zipper_head_owned&&) noexcept = default;
  zipper_head_owned& operator=(zipper_head_owned&&) = delete;
  zipper_head_owned(const zipper_head_owned&) = delete;
  zipper_head_owned& operator=(const zipper_head_owned&) = delete;

  // -- requests (zipper_head.hpp has their rules) ------------------------------------

  expected<read_zipper_tracked<V>, conflict> read_zipper_at_path(path_view p) {
    return locked([&](zipper_head<V>& h) { return h.read_zipper_at_path(p); });
  }
  expected<read_zipper_tracked<V>, conflict> read_zipper_at_borrowed_path(path_view p) {
    return read_zipper_at_path(p);
  }
  read_zipper_tracked<V> read_zipper_at_path_unchecked(path_view p) {
    return locked([&](zipper_head<V>& h) { return h.read_zipper_at_path_unchecked(p); });
  }
  read_zipper_tracked<V> read_zipper_at_borrowed_path_unchecked(path_view p) {
    return read_zipper_at_path_unchecked(p);
  }
  expected<write_zipper_tracked<V>, conflict> write_zipper_at_exclusive_path(path_view p) {
    return locked([&](zipper_head<V>& h) { return h.write_zipper_at_exclusive_path(p); });
  }
  write_zipper_tracked<V> write_zipper_at_exclusive_path_unchecked(path_view p) {
    return locked([&](zipper_head<V>& h) { return h.write_zipper_at_exclusive_path_unchecked(p); });
  }
  void cleanup_write_zipper(write_zipper_tracked<V> z) {
    locked([&](zipper_head<V>& h) { h.cleanup_write_zipper(std::move(z)); });
  }

  /// Drops the head (zippers it gave out should be gone) and gives the whole map back.
  path_map<V> into_map() && {
    check_live();
    std::lock_guard<std::mutex> g(*mu_);
    if (!head_)
      throw std::logic_error("pathmap: zipper_head_owned::into_map() called twice");
    head_.reset();
    wz_.reset();
    return std::exchange(*map_, path_map<V>());
  }

private:
  /// A moved-from head has no mutex; a consumed one no head.
  void check_live() const {
    if (!mu_)
      throw std::logic_error("pathmap: zipper_head_owned used after it was moved from");
  }
  template <class F>
  decltype(auto) locked(F&& f) {
    check_live();
    std::lock_guard<std::mutex> g(*mu_);
    if (!head_)
      throw std::logic_error("pathmap: zipper_head_owned used after into_map()");
    return f(*head_);
  }

  // Destroyed in reverse: the head gives the content back to the write zipper's cell or the
  // map's root before either goes.
  std::unique_ptr<path_map<V>> map_;
  std::optional<write_zipper<V>> wz_;
  std::optional<zipper_head<V>> head_;
  std::unique_ptr<std::mutex> mu_;
};

// -- the map's into_* members ---------------------------------------------------------------

template <class V>
read_zipper_owned<V> path_map<V>::into_read_zipper(path_view p) && {
  return read_zipper_owned<V>(std::move(*this), p);
}

template <class V>
write_zipper_owned<V> path_map<V>::into_write_zipper(path_view p) && {
  return write_zipper_owned<V>(std::move(*this), p);
}

template <class V>
zipper_head_owned<V> path_map<V>::into_zipper_head(path_view p) && {
  return zipper_head_owned<V>(std::move(*this), p);
}

template <class V>
auto path_map<V>::into_iter() && {
  return std::move(*this).into_write_zipper({}).into_iter();
}

} // namespace pathmap
