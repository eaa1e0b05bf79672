#pragma once
/// @file
/// `pathmap::path_map<V>`: a map from byte strings (paths) to values, stored as a trie.
///
/// A superset of `std::map<std::vector<uint8_t>, V>`: besides values, the trie holds path
/// structure (a path can exist without a value, "dangling"), and a value can sit at every path
/// including the empty one. Iteration is in lexicographic order of unsigned bytes, a prefix
/// before its extensions, the root value first.
///
/// Storage: prefix-compressed nodes with atomic reference counts. Copying a map is O(1) and
/// shares every node; the first write to a shared node copies the nodes on the written path
/// only. Point operations (`get_val_at`, `set_val_at`, ...) walk straight down without making
/// a zipper. Nothing recurses in proportion to path length: paths may be megabytes long.
///
/// Cost notes: `get_val_at`/`set_val_at` are O(path length) plus a scan of at most 16 bytes
/// per node. `val_count()` is O(n). Copy is O(1).
///
/// **Invalidation:** any change to a map invalidates its zippers, iterators and value pointers
/// (copies of the map are unaffected). Value pointers from `get_val_at` stay valid until the
/// map changes.
///
/// **Thread safety:** distinct maps may be used from distinct threads even when they share
/// nodes (copy-on-write with atomic counts). One map may be read from many threads at once
/// when nobody writes it. Concurrent writers in one map go through a `zipper_head`.

#include <concepts>
#include <cstddef>
#include <functional>
#include <initializer_list>
#include <optional>
#include <ranges>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "pathmap/detail/compact_ops.hpp"
#include "pathmap/detail/merkle_ops.hpp"
#include "pathmap/detail/trie_ops.hpp"
#include "pathmap/detail/value_cursor.hpp"
#include "pathmap/lattice.hpp"
#include "pathmap/path.hpp"
#include "pathmap/read_zipper.hpp"
#include "pathmap/write_zipper.hpp"

namespace pathmap {

template <class V>
class zipper_head;
template <class V>
class trie_ref;
template <class V>
class read_zipper_owned;
template <class V>
class write_zipper_owned;
template <class V>
class zipper_head_owned;

/// What `path_map::merkleize()` did: the nodes it walked (a node shared within the map once)
/// and the distinct nodes the map holds afterwards.
struct merkleize_result {
  std::size_t nodes = 0;
  std::size_t distinct = 0;
};

template <class V>
class path_map {
  using ptr = detail::node_ptr<V>;
  using trie = detail::trie_ops<V>;

public:
  using value_type = V;
  class const_iterator;
  using iterator = const_iterator;

  // -- constructors ---------------------------------------------------------------

  path_map() = default;
  /// O(1): shares every node.
  path_map(const path_map&) = default;
  path_map(path_map&&) noexcept = default;
  path_map& operator=(const path_map&) = default;
  path_map& operator=(path_map&&) noexcept = default;

  /// Inserts the pairs in order (a later duplicate overwrites an earlier one).
  path_map(std::initializer_list<std::pair<path_view, V>> items) : path_map(from_iter(items)) {}

  /// A map of the `(path, value)` pairs of `items`, inserted in order (a later duplicate
  /// overwrites an earlier one). For a value type that carries nothing (`std::monostate`, or
  /// any empty class), `items` may also be a range of paths, each given the value `V{}`.
  template <std::ranges::input_range R>
  static path_map from_iter(R&& items) {
    using item = std::ranges::range_reference_t<R>;
    path_map m;
    for (auto&& it : items) {
      if constexpr (std::is_convertible_v<item, path_view>) {
        static_assert(std::is_empty_v<V> && std::is_default_constructible_v<V>,
                      "from_iter of bare paths needs a value type that carries nothing");
        m.set_val_at(path_view(it), V{});
      } else {
        auto&& [p, v] = it;
        m.set_val_at(path_view(p), V(std::forward<decltype(v)>(v)));
      }
    }
    return m;
  }

  /// A map with one value.
  static path_map single(path_view p, V v) {
    path_map m;
    m.set_val_at(p, std::move(v));
    return m;
  }

  // -- values ---------------------------------------------------------------------

  /// Sets the value at `p` (creating the path); returns the value it replaced.
  std::optional<V> set_val_at(path_view p, V v) {
    if (p.empty()) {
      std::optional<V> old = std::move(root_val_);
      root_val_.emplace(std::move(v));
      return old;
    }
    return trie::set(root_, p, std::move(v));
  }

  /// The value at `p`, or null.
  const V* get_val_at(path_view p) const noexcept {
    if (p.empty())
      return root_val_ ? &*root_val_ : nullptr;
    return trie::get(root_.get(), p);
  }

  /// Mutable access to the value at `p` (copies shared nodes on the path); null when none.
  V* get_val_mut_at(path_view p) {
    if (p.empty())
      return root_val_ ? &*root_val_ : nullptr;
    if (!trie::get(root_.get(), p))
      return nullptr;
    auto mp = trie::locate_mut(root_, p, false);
    return detail::node_ops<V>::val(mp.slot->get(), mp.e);
  }

  /// The value at `p`, set to `v` first when there is none.
  V& get_val_or_set_mut_at(path_view p, V v) {
    if (V* cur = get_val_mut_at(p))
      return *cur;
    set_val_at(p, std::move(v));
    return *get_val_mut_at(p);
  }

  /// The value at `p`, set to `f()` first when there is none (`f` runs only then).
  template <class F>
  V& get_val_or_set_mut_with_at(path_view p, F&& f) {
    if (V* cur = get_val_mut_at(p))
      return *cur;
    set_val_at(p, std::forward<F>(f)());
    return *get_val_mut_at(p);
  }

  /// Removes and returns the value at `p`. With `prune`, the dangling path left behind is
  /// removed up to the nearest ancestor with a value or two children.
  std::optional<V> remove_val_at(path_view p, bool prune) {
    if (p.empty()) {
      std::optional<V> old = std::move(root_val_);
      root_val_.reset();
      return old;
    }
    return trie::remove(root_, p, prune);
  }

  bool contains(path_view p) const noexcept { return get_val_at(p) != nullptr; }

  // -- structure -------------------------------------------------------------------

  /// True when `p` exists (value, branch or dangling end). Always true for the empty path.
  bool path_exists_at(path_view p) const noexcept {
    detail::position pos;
    return trie::lookup(root_.get(), p, pos);
  }

  /// Makes `p` exist. True when bytes were added (false for an existing or empty path).
  bool create_path(path_view p) { return !p.empty() && trie::create(root_, p); }

  /// Removes `p` if it is dangling (up to the nearest ancestor with a value or two
  /// children); returns the number of bytes removed.
  std::size_t prune_path(path_view p) {
    return trie::dangling(root_.get(), p) ? trie::prune(root_, p) : 0;
  }

  /// Removes every path below `p`, keeping the value at `p`. True when something went.
  bool remove_branches_at(path_view p, bool prune) {
    if (p.empty()) {
      bool any = static_cast<bool>(root_);
      root_.reset();
      return any;
    }
    return trie::remove_branches(root_, p, prune);
  }

  /// Number of values, the root value included. O(n).
  std::size_t val_count() const { return (root_val_ ? 1 : 0) + trie::count_values(root_.get()); }

  /// True when there is no root value and no path at all (dangling paths count as content).
  bool is_empty() const noexcept { return !root_val_ && !root_; }

  /// Repacks the map for reading: every largest subtrie that fits an arena (256 KiB) and is
  /// made of nodes of at most 8 entries with key fragments of at most 64 bytes is copied into
  /// a *packed arena*, one allocation in which each node takes a 2-byte header and its
  /// children are 2-byte offsets. The content does not change; memory falls (the word list:
  /// from 26.8 to 16.3 bytes per word with `uint64_t` values) and lookups walk mostly
  /// contiguous memory. Dense nodes and wider nodes stay as they are (dense integer keys do
  /// not shrink).
  ///
  /// Packed nodes are read-only: a later write copies the packed nodes on its path into
  /// ordinary nodes, and an arena is freed once nothing refers to any node in it, so a map
  /// written much after `compact()` holds both; call it again to repack. Copies of the map
  /// made before keep their own nodes (copy-on-write). O(size); invalidates zippers and
  /// iterators like any write. Basic exception guarantee: if a value's copy throws, the map is
  /// partly repacked and still equal to what it was.
  void compact() { detail::compact_ops<V>::compact(root_); }

  /// Folds identical subtries into one shared node each: subtries holding the same paths with
  /// equal values (`==`; hashed with `std::hash<V>` when there is one) end up as one node, as
  /// the crate's `merkleize` does. The content does not change; memory falls wherever the map
  /// repeats itself (the common suffixes of a set of words). Other maps that share nodes with
  /// this one are not affected: changed nodes are copied, never edited. O(nodes), no recursion.
  merkleize_result merkleize() requires std::equality_comparable<V> {
    merkleize_result r;
    root_ = detail::merkle_ops<V>::merkleize(root_.get(), r.nodes, r.distinct);
    return r;
  }

  // -- zippers -------------------------------------------------------------------------

  pathmap::read_zipper<V> read_zipper() const { return read_zipper_at_path({}); }

  /// A read zipper rooted at `p` (which need not exist; nothing is created).
  pathmap::read_zipper<V> read_zipper_at_path(path_view p) const {
    return pathmap::read_zipper<V>::make(root_.get(), root_val_ ? &*root_val_ : nullptr, p);
  }

  pathmap::write_zipper<V> write_zipper() { return write_zipper_at_path({}); }

  /// A write zipper rooted at `p` (nothing is created until it writes).
  pathmap::write_zipper<V> write_zipper_at_path(path_view p) {
    return pathmap::write_zipper<V>(&root_, &root_val_, p);
  }

  /// A read-only reference to the position `p` (trie_ref.hpp): it cannot move; it reads the
  /// value and children there and makes maps and zippers rooted there.
  pathmap::trie_ref<V> trie_ref_at_path(path_view p) const;

  /// A zipper head rooted at the map root. The map must not be used otherwise while the head
  /// lives; dropping the head gives it back (see zipper_head.hpp).
  pathmap::zipper_head<V> zipper_head();

  // -- owning forms (owned_zippers.hpp) ---------------------------------------------------
  // Each takes the map (`std::move(map).into_...`) and gives it back with `into_map()`.

  /// A read zipper rooted at `p` that owns the map.
  read_zipper_owned<V> into_read_zipper(path_view p) &&;
  /// A write zipper rooted at `p` that owns the map.
  write_zipper_owned<V> into_write_zipper(path_view p) &&;
  /// A zipper head rooted at `p` (created when missing) that owns the map and takes requests
  /// from several threads at once.
  zipper_head_owned<V> into_zipper_head(path_view p) &&;
  /// Consuming iteration: an input range of `(std::vector<std::uint8_t> path, V value)` in
  /// order, the root value first, each value moved out of the map as the range reaches it.
  auto into_iter() &&;

  // -- iteration ---------------------------------------------------------------------------

  /// Calls `f(path, value)` for every value in order, the root value first.
  template <class F>
  void for_each_value(F&& f) const {
    for (auto&& [path, v] : *this)
      f(path, v);
  }

  /// Calls `f(path, value)` for the values in order, the root value first, until `f` fails:
  /// `f` returns an `expected`-like result (`pathmap::expected<void, E>`, for instance), the
  /// first one without a value is returned as is, and when every call succeeds the result is
  /// a default-constructed (successful) one.
  template <class F, class R = std::invoke_result_t<F&, path_view, const V&>>
  requires requires(const R& r) {
    { r.has_value() } -> std::convertible_to<bool>;
    R{};
  }
  R try_for_each_value(F&& f) const {
    for (auto&& [path, v] : *this)
      if (R r = f(path, v); !r.has_value())
        return r;
    return R{};
  }

  /// Iterates `(path_view, const V&)` pairs in order; the path view is valid until the
  /// iterator moves.
  class const_iterator {
  public:
    using value_type = std::pair<path_view, const V&>;
    using reference = value_type; // made on dereference: standard algorithms take it by value
    using pointer = void;
    using difference_type = std::ptrdiff_t;
    using iterator_category = std::input_iterator_tag;

    const_iterator() = default;

    value_type operator*() const { return {c_.path(), *v_}; }
    const_iterator& operator++() {
      v_ = c_.next();
      return *this;
    }
    void operator++(int) { ++*this; }
    friend bool operator==(const const_iterator& a, const const_iterator& b) noexcept {
      return a.v_ == b.v_;
    }

  private:
    friend class path_map;
    explicit const_iterator(const path_map& m) : c_(m.root_.get()) {
      v_ = m.root_val_ ? &*m.root_val_ : c_.next();
    }

    detail::value_cursor<V> c_;
    const V* v_ = nullptr;
  };

  const_iterator begin() const { return const_iterator(*this); }
  const_iterator end() const { return const_iterator(); }

  // -- internals for zippers ------------------------------------------------------------------

  /// A map made of an existing subtrie and root value (shares `root`).
  static path_map from_parts(ptr root, std::optional<V> root_val) {
    path_map m;
    if (root && detail::node_ops<V>::count(root.get()) == 0)
      root.reset();
    m.root_ = std::move(root);
    m.root_val_ = std::move(root_val);
    return m;
  }

  /// Splits the map into its root node and root value.
  std::pair<ptr, std::optional<V>> into_parts() && {
    return {std::move(root_), std::move(root_val_)};
  }

  /// The root node (null when the map has no paths). Two maps with the same root share it.
  const detail::node_header* root_node() const noexcept { return root_.get(); }

  // -- algebra ---------------------------------------------------------------------------------
  // Defined in algebra.hpp and morphisms.hpp (documented there). Results share every node they
  // have in common with an operand; an identity result is an O(1) copy of that operand.

  path_map join(const path_map& other) const requires lattice_type<V>;
  path_map meet(const path_map& other) const requires lattice_type<V>;
  path_map subtract(const path_map& other) const requires distributive_lattice_type<V>;
  /// The crate's `subtract_cow`: the same result as `subtract`, skipping every subtrie that is
  /// the same node on both sides, which `subtract` here already does (a shared node cancels
  /// without being visited), so the two are one operation.
  path_map subtract_cow(const path_map& other) const requires distributive_lattice_type<V> {
    return subtract(other);
  }
  path_map restrict(const path_map& other) const;
  template <class G>
  path_map restrict_by_paths(const path_map<G>& guard) const;
  algebraic_status join_into(path_map other) requires lattice_type<V>;
  algebraic_status meet_into(const path_map& other) requires lattice_type<V>;
  algebraic_status subtract_into(const path_map& other) requires distributive_lattice_type<V>;
  algebraic_status join_val_at(path_view p, V v) requires lattice_type<V>;
  template <class W, class Alg>
  static path_map new_from_ana(W seed, Alg&& alg);

private:
  ptr root_;
  std::optional<V> root_val_;
};

// -- zipper members that need the complete map -----------------------------------------------

template <class Self, class V>
read_zipper<V> detail::core_zipper<Self, V>::fork_read_zipper() const {
  return read_zipper<V>::fork_of(rc());
}

template <class Self, class V>
path_map<V> detail::core_zipper<Self, V>::make_map() const {
  std::optional<V> v;
  if (const V* cur = rc().val())
    v.emplace(*cur);
  return path_map<V>::from_parts(rc().focus_subtrie(), std::move(v));
}

template <class V>
void write_zipper<V>::graft_map(path_map<V> map) {
  auto [root, val] = std::move(map).into_parts();
  install(std::move(root), std::move(val));
}

template <class V>
bool write_zipper<V>::remove_unmasked_branches(byte_mask keep, bool prune) {
  byte_mask children = this->child_mask();
  if (children.and_not(keep).empty())
    return false;
  path_map<V> whole = this->make_map();
  path_map<V> kept;
  if (const V* v = whole.get_val_at({}))
    kept.set_val_at({}, *v);
  byte_mask stay = children & keep;
  for (int b = stay.first(); b >= 0; b = stay.next_at_or_after(b + 1)) {
    auto byte = static_cast<std::uint8_t>(b);
    auto from = whole.read_zipper_at_path(path_view{&byte, 1});
    kept.write_zipper_at_path(path_view{&byte, 1}).graft(from);
  }
  graft_map(std::move(kept));
  if (prune)
    this->prune_path();
  return true;
}

template <class V>
void write_zipper<V>::graft_child_maps(byte_mask mask, std::vector<path_map<V>> maps,
                                       bool remove_unset) {
  if (maps.size() < static_cast<std::size_t>(mask.count()))
    throw std::invalid_argument("graft_child_maps: " + std::to_string(mask.count())
                                + " bytes in the mask but " + std::to_string(maps.size())
                                + " maps");
  if (remove_unset)
    remove_unmasked_branches(mask, false);
  std::size_t next = 0;
  for (int b = mask.first(); b >= 0; b = mask.next_at_or_after(b + 1)) {
    this->descend_to_byte(static_cast<std::uint8_t>(b));
    graft_map(std::move(maps[next++]));
    this->ascend_byte();
  }
}

template <class V>
bool write_zipper<V>::insert_prefix(path_view prefix) {
  if (this->child_count() == 0)
    return false;
  if (prefix.empty())
    return true;
  path_map<V> below = this->make_map();
  std::optional<V> v = below.remove_val_at({}, false);
  path_map<V> moved;
  moved.write_zipper_at_path(prefix).graft_map(std::move(below));
  if (v)
    moved.set_val_at({}, std::move(*v));
  graft_map(std::move(moved));
  return true;
}

template <class V>
bool write_zipper<V>::remove_prefix(std::size_t n) {
  path_map<V> below = this->make_map();
  below.remove_val_at({}, false);
  std::size_t up = std::min(n, this->path().size());
  this->ascend(up);
  if (const V* v = this->val())
    below.set_val_at({}, *v);
  graft_map(std::move(below));
  return up == n;
}

template <class V>
std::optional<path_map<V>> write_zipper<V>::take_map(bool prune) {
  path_view f = core_.walk_path();
  ptr sub;
  std::optional<V> v;
  if (f.empty()) {
    sub = std::move(*origin_);
    origin_->reset();
    v = std::move(*origin_val_);
    origin_val_->reset();
  } else {
    detail::position pos;
    if (!trie::lookup(origin_->get(), f, pos) || (!trie::value_at(pos) && !trie::child_count(pos)))
      return std::nullopt;
    auto taken = trie::take(*origin_, f);
    sub = std::move(taken.first);
    v = std::move(taken.second);
    if (prune && trie::dangling(origin_->get(), f))
      trie::prune(*origin_, f);
  }
  touch();
  if (!sub && !v)
    return std::nullopt;
  return path_map<V>::from_parts(std::move(sub), std::move(v));
}

} // namespace pathmap

#include "pathmap/algebra.hpp"
#include "pathmap/trie_ref.hpp"
#include "pathmap/zipper_head.hpp"
