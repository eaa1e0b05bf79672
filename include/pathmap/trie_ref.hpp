#pragma once
/// @file
/// `pathmap::trie_ref<V>`: a read-only reference to one position of a trie (the crate's
/// `TrieRef`), made by `path_map::trie_ref_at_path(p)` and `read_zipper::trie_ref_at_path(p)`
/// (at the zipper's focus followed by `p`).
///
/// A trie reference cannot move. It answers the questions a zipper answers about its focus
/// (`path_exists`, `is_val`, `val`/`get_val`, `child_count`, `child_mask`, `val_count`) and makes
/// what a zipper makes there (`make_map`, O(1) at a node boundary; `fork_read_zipper`, a read
/// zipper rooted at the reference). A reference to a missing path is legal and answers
/// "nothing", like a zipper on a missing path; making one never creates the path.
///
/// **Invalidation:** like a read zipper: it borrows the map, and any change to the map
/// invalidates it and the value pointers it returned.
///
/// **Thread safety:** like a read zipper.

#include <cstddef>

#include "pathmap/byte_mask.hpp"
#include "pathmap/path.hpp"
#include "pathmap/read_zipper.hpp"

namespace pathmap {

template <class V>
class trie_ref {
public:
  /// A reference to the focus of `z` (which it keeps as a fork rooted there).
  explicit trie_ref(const read_zipper<V>& z) : z_(z.fork_read_zipper()) {}

  bool path_exists() const { return z_.path_exists(); }
  bool is_val() const { return z_.is_val(); }
  const V* val() const { return z_.val(); }
  /// The value, valid while the map is unchanged (not only while the reference lives).
  const V* get_val() const { return z_.get_val(); }
  std::size_t child_count() const { return z_.child_count(); }
  byte_mask child_mask() const { return z_.child_mask(); }
  /// Values at and below the position.
  std::size_t val_count() const { return z_.val_count(); }
  /// A map of everything below the position, with its value as the root value.
  path_map<V> make_map() const { return z_.make_map(); }
  /// A read zipper rooted at the position.
  read_zipper<V> fork_read_zipper() const { return z_.fork_read_zipper(); }
  /// The path from the origin (the map root) to the position.
  path_view origin_path() const { return z_.origin_path(); }

private:
  read_zipper<V> z_;
};

template <class V>
trie_ref<V> path_map<V>::trie_ref_at_path(path_view p) const {
  return trie_ref<V>(read_zipper_at_path(p));
}

template <class V>
trie_ref<V> read_zipper<V>::trie_ref_at_path(path_view p) const {
  read_zipper<V> z = this->fork_read_zipper();
  z.descend_to(p);
  return trie_ref<V>(z);
}

} // namespace pathmap
