#pragma once
/// @file
/// `arena_compact_tree`: the crate's read-only, mmap-able trie file format ("ACT", module
/// `arena_compact`, magic `ACTree03`), and `act_zipper`, a read zipper over it.
///
/// An ACT holds the paths of a trie and one `u64` per value (a closure maps the map's values to
/// `u64` when writing; what they mean is the caller's business, e.g. an index into a table). It
/// is one byte string that is read in place, never unpacked, so a file is opened with `mmap`
/// and looked up at once, whatever its size.
///
/// ## Format (the crate's `ACTree03`; integers little-endian)
///
///     [8 bytes magic "ACTree03"] [u64 root: offset of the root node] [arena ...] [8 zero bytes]
///
/// A *varint* is one byte `x <= 247` standing for itself, or a byte `247 + n` (n = 1..8)
/// followed by the value's n low bytes. The arena holds three kinds of object, each addressed
/// by its offset in the file; every offset a node stores is *relative*, its own offset minus
/// the target's, so everything a node refers to comes before it:
///
///     line data    [varint len >= 1][len path bytes]
///     branch node  [u8 head: bit 7 = 0, bit 6 = has value, bits 0..5 = children (32: 32 or more)]
///                  [varint value, if any] [varint first child, if any children]
///                  [children < 32: their bytes, ascending | 32: a 256-bit mask, 4 x u64]
///     line node    [u8 head: bit 7 = 1, bit 6 = has value, bit 0 = has child]
///                  [varint value, if any] [varint child, if any] [varint line data]
///
/// A branch node is one position: its value is the value there, and its child for byte `b`
/// starts one byte below. The children of a branch are written one after another (a *sibling
/// group*), so a branch stores only its first child's offset and the k-th child is found by
/// reading k nodes (this reader keeps an index of where the children of branches with 32 or
/// more start, built while a file is checked or written: `detail::act::wide_index`). A line node
/// stands for a straight run of path bytes (its line data); its value and child are at the end of
/// the run (where a value on the line and one on a branch child would coincide, the line's counts).
/// Line data may be shared by several line nodes.
///
/// ## What this port writes and checks
///
/// `from_zipper` folds the trie bottom-up (`into_cata_jumping_side_effect`): every position
/// with a value or a child count other than one becomes a branch node, every straight run
/// above one a line node (with a branch node below it when the position has children), and
/// line data of up to 8 bytes is written once and shared (longer runs rarely repeat, and
/// hashing them took the 1M random keys from 114 ms to 1 s). Any file in this format reads,
/// whoever wrote it. Opening (`from_bytes`, `open_mmap`) checks the whole file once, in time
/// and memory linear in its size, and refuses with an error anything that could make a read
/// leave the data or loop: a bad magic (`errc::bad_magic`; the older `ACTree01`/`02` give
/// `errc::unsupported_version`), a root or offset out of range, an offset that does not point
/// back, a sibling group that runs into its parent, unsorted child bytes, unknown header bits,
/// empty line data (`errc::bad_node`), a varint cut off by the end (`errc::truncated`). After
/// that, every read is in bounds and every walk ends: each reference points to an earlier
/// offset. Not here: the crate's `merge_zipper_into_file` (appending a new root to a file) and
/// its root history.
///
/// **Thread safety:** a tree and its zippers only read; they share the bytes through a
/// reference count and may be used from any threads at once. A zipper is one thread's at a time.

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "pathmap/byte_mask.hpp"
#include "pathmap/errc.hpp"
#include "pathmap/expected.hpp"
#include "pathmap/morphisms.hpp"
#include "pathmap/path.hpp"
#include "pathmap/path_map.hpp"
#include "pathmap/zipper.hpp"

namespace pathmap {

namespace detail::act {

/// The bytes of a tree: owned, or a read-only mapping of a file (arena_compact.cpp).
struct storage;

/// One node, decoded. Branch fields are meaningful when `!line`, line fields when `line`.
struct node {
  std::uint64_t id = 0;  ///< Offset of the node.
  std::uint64_t end = 0; ///< Offset just past it (where a next sibling starts).
  bool line = false;
  bool has_value = false;
  std::uint64_t value = 0;
  // -- branch --
  std::uint64_t first_child = 0; ///< When `mask` is not empty.
  byte_mask mask;
  // -- line --
  bool has_child = false;
  std::uint64_t child = 0;
  const std::uint8_t* run = nullptr; ///< The line data's bytes.
  std::size_t run_len = 0;
};

/// Where each child of a wide branch (one with a 32-byte mask: 32 children or more) starts, so
/// that finding a child costs a search here instead of a walk past up to 255 siblings (the
/// format keeps only a branch's first child). Built while a file is checked on opening, or by
/// the writer; 4 bytes per child of a wide branch (1M random 16-byte keys: 257 such branches,
/// 263 KB against a 22 MB file).
struct wide_index {
  std::vector<std::uint64_t> groups; ///< First-child offsets of the wide branches, ascending.
  std::vector<std::uint32_t>
    starts; ///< Per group, where its children begin in `kids`; one more at the end.
  std::vector<std::uint32_t> kids; ///< Child offsets, each from its group's first child.

  /// Adds the group starting at `first` whose children start at `offsets` (ascending; the
  /// first is `first` itself). Groups of a writer come in ascending order.
  void add(std::uint64_t first, std::span<const std::uint64_t> offsets);
  /// Sorts the groups after they were added in any order (a check walks depth-first).
  void sort();
  /// The offset of child `rank` of the group starting at `first`, or 0 when the index does not
  /// know it (then the siblings are walked).
  std::uint64_t child(std::uint64_t first, unsigned rank) const noexcept;
};

/// Decodes the node at `id`, checking every byte it reads against `data`'s bounds and every
/// offset it holds against `id` (errc::truncated, errc::bad_node).
expected<node, errc> parse(std::span<const std::uint8_t> data, std::uint64_t id) noexcept;

/// Builds a file bottom-up: sibling groups first, then the node that refers to them.
class writer {
public:
  /// A node not yet written: it goes into its parent's sibling group (or becomes the root).
  struct pending {
    bool line = false;
    std::optional<std::uint64_t> value;
    byte_mask mask;                     ///< Branch: the child bytes.
    std::uint64_t first_child = 0;      ///< Branch with children: where the group starts.
    std::optional<std::uint64_t> child; ///< Line: the node at the end of the run.
    std::uint64_t run = 0;              ///< Line: offset of its line data.
  };

  writer();

  /// A position with value `value` and children `kids` (their pending nodes, ascending bytes
  /// `mask`), reached from the position above by its child byte and then `run`: writes the
  /// children as a group (and, below a run, the branch that holds them) and returns the
  /// node its parent will write.
  pending fold(const byte_mask& mask, std::span<const pending> kids, path_view run,
               std::optional<std::uint64_t> value);

  /// Writes `root` last, points the header at it, pads the end; returns the file's bytes.
  std::vector<std::uint8_t> finish(const pending& root) &&;

  /// The index of the wide branches written (after `finish`).
  wide_index take_index() && { return std::move(index_); }

private:
  std::uint64_t put(const pending& p);
  std::uint64_t put_run(path_view run);

  std::vector<std::uint8_t> out_;
  std::unordered_map<std::string, std::uint64_t> runs_; ///< Short line data already written.
  wide_index index_;
  std::vector<std::uint64_t> offsets_; ///< Scratch: where the children of a group went.
};

} // namespace detail::act

class act_zipper;

/// A trie in the crate's ACT format: read-only, with `u64` values.
class arena_compact_tree {
public:
  /// The subtrie at `src` (a `path_map`, or a zipper's focus, whose value becomes the root
  /// value), values mapped by `to_u64(const V&) -> std::uint64_t`.
  template <class S, class F>
  static arena_compact_tree from_zipper(const S& src, F&& to_u64) {
    using pending = detail::act::writer::pending;
    detail::act::writer w;
    pending root = into_cata_jumping_side_effect<pending>(
      src, [&](const byte_mask& mask, std::span<pending> kids, std::size_t jump, const auto* v,
               path_view path) {
        // The run stands for the bytes after the child byte that leads here.
        path_view run = jump > 1 ? path.subview(path.size() - jump + 1) : path_view{};
        std::optional<std::uint64_t> val;
        if (v)
          val = static_cast<std::uint64_t>(to_u64(*v));
        return w.fold(mask, kids, run, val);
      });
    std::vector<std::uint8_t> bytes = std::move(w).finish(root);
    return arena_compact_tree(std::move(bytes), std::move(w).take_index());
  }

  /// `from_zipper`, written to the file `file` (replaced if it exists).
  template <class S, class F>
  static expected<void, errc> dump_from_zipper(const S& src, F&& to_u64, const std::string& file) {
    return from_zipper(src, std::forward<F>(to_u64)).write_file(file);
  }

  /// Checks `bytes` (see the file comment) and keeps them.
  static expected<arena_compact_tree, errc> from_bytes(std::vector<std::uint8_t> bytes);

  /// Maps `file` read-only and checks it; the mapping lives as long as the tree or any of its
  /// zippers. `errc::io_error` when the file cannot be opened or mapped. The file must not be
  /// changed while it is mapped: the check holds for the bytes it read (and a file cut short
  /// under a mapping faults on access, as with any `mmap`).
  static expected<arena_compact_tree, errc> open_mmap(const std::string& file);

  /// The file's bytes (the crate's `get_data`).
  std::span<const std::uint8_t> get_data() const noexcept;

  /// Writes `get_data()` to `file`.
  expected<void, errc> write_file(const std::string& file) const;

  /// The value at `p`, if any.
  std::optional<std::uint64_t> get_val_at(path_view p) const noexcept;

  /// A zipper at the root, and one rooted at `p` (a missing `p` gives a zipper on a missing
  /// path, as read zippers of maps do).
  act_zipper read_zipper() const;
  act_zipper read_zipper_at_path(path_view p) const;

  /// `read_zipper().make_map<V>(from_u64)`: the whole tree as a `path_map`.
  template <class V, class F>
  path_map<V> to_map(F&& from_u64) const;

private:
  /// From the writer, whose output is valid by construction.
  arena_compact_tree(std::vector<std::uint8_t> bytes, detail::act::wide_index index);
  arena_compact_tree(std::shared_ptr<const detail::act::storage> s, std::uint64_t root) noexcept
    : s_(std::move(s)), root_(root) {}
  /// Checks the bytes of `s` and fills its index.
  static expected<arena_compact_tree, errc> check(std::shared_ptr<detail::act::storage> s);

  std::shared_ptr<const detail::act::storage> s_;
  std::uint64_t root_ = 0;
};

/// A read zipper over an `arena_compact_tree` (the crate's `ACTZipper`): every movement,
/// iteration and value method of `read_zipper`, with the same results (a test runs both side by
/// side), values being the tree's `u64`s; not the node-identity hints (`shared_node_id`,
/// `is_shared`) nor a witness, which a byte string that lives as long as the zipper does not
/// need. It shares the tree's bytes, so it may outlive the tree object.
///
/// Cost notes: descending into the k-th child of a branch reads the k siblings before it (from
/// the child entered last, when that comes before, so iteration reads each node once);
/// `val_count()` walks the subtrie.
class act_zipper : public zipper_moving_defaults<act_zipper>,
                   public zipper_iteration_defaults<act_zipper> {
public:
  using value_type = std::uint64_t;

  // -- the focus ---------------------------------------------------------------

  bool path_exists() const noexcept { return live_ == path_.size(); }
  bool is_val() const noexcept { return value_here().has_value(); }
  std::size_t child_count() const noexcept { return std::size_t(child_mask().count()); }
  byte_mask child_mask() const noexcept;
  /// The value at the focus; the pointer stays valid until the next `val()` call.
  const std::uint64_t* val() const noexcept;
  /// The value at the focus, by value.
  std::optional<std::uint64_t> get_val() const noexcept { return value_here(); }

  // -- paths -------------------------------------------------------------------

  path_view path() const noexcept { return path_view(path_).subview(root_depth_); }
  bool at_root() const noexcept { return path_.size() == root_depth_; }
  path_view origin_path() const noexcept { return path_view(path_); }
  path_view root_prefix_path() const noexcept { return path_view(path_).subview(0, root_depth_); }

  // -- moving ------------------------------------------------------------------

  void reset() { ascend(path_.size() - root_depth_); }
  void descend_to(path_view k);
  std::size_t descend_to_existing(path_view k) { return descend_existing(k, false); }
  /// `descend_to_existing` that also stops just after the first byte landing on a value.
  std::size_t descend_to_val(path_view k) { return descend_existing(k, true); }
  bool descend_indexed_byte(std::size_t i);
  bool descend_until() { return descend_until_max_bytes(std::size_t(-1)); }
  bool descend_until_max_bytes(std::size_t n);
  bool ascend(std::size_t n);
  bool ascend_until() { return climb(false); }
  bool ascend_until_branch() { return climb(true); }
  bool to_next_sibling_byte() { return to_sibling(true); }
  bool to_prev_sibling_byte() { return to_sibling(false); }
  bool to_next_step();

  // -- iteration ---------------------------------------------------------------

  bool to_next_val();
  bool descend_first_k_path(std::size_t k);
  bool to_next_k_path(std::size_t k);
  /// Values at and below the focus.
  std::size_t val_count() const;

  /// A zipper rooted at this one's focus.
  act_zipper fork_read_zipper() const;

  /// A `path_map` of everything below the focus (the focus value as its root value), each
  /// value `u` as `from_u64(u)`: the values and the dangling paths, as `read_zipper::make_map`
  /// keeps them, so that `to_map` gives back the map a tree was written from.
  template <class V, class F>
  path_map<V> make_map(F&& from_u64) const;

private:
  friend class arena_compact_tree;
  act_zipper(std::shared_ptr<const detail::act::storage> s, std::uint64_t root);

  /// A node the focus is in, entered at path depth `start`. `root_val` is the value at the
  /// node's first position: a branch's own, or for a node at the end of a line, the line's.
  struct frame {
    detail::act::node n;
    std::size_t start;
    std::optional<std::uint64_t> root_val;
    int cursor_rank; ///< Branch: rank of the child entered last (-1: none yet), at `cursor`.
    std::uint64_t cursor;
  };

  std::optional<std::uint64_t> value_here() const noexcept;
  std::size_t descend_existing(path_view k, bool stop_at_val);
  /// Up at least one byte, to the root or a position with two children or more (or, unless
  /// `branches_only`, a value).
  bool climb(bool branches_only);
  void step(std::uint8_t b);
  void enter(std::uint64_t id, std::optional<std::uint64_t> inherited);
  bool to_sibling(bool next);
  /// From a position at most `k` bytes below depth `base`: the next path exactly `k` bytes
  /// below `base` in DFS order, taking the current position first when `take_here`; false,
  /// at `base`, when there is none.
  bool seek_k_path(std::size_t base, std::size_t k, bool take_here);

  std::shared_ptr<const detail::act::storage> s_;
  std::span<const std::uint8_t> data_;
  std::vector<std::uint8_t> path_; ///< From the tree's root, including the root prefix.
  std::vector<frame> frames_;      ///< The nodes along the existing part of `path_`.
  std::size_t root_depth_ = 0;     ///< Length of the root prefix.
  std::size_t live_ = 0;           ///< Bytes of `path_` that exist in the tree.
  mutable std::uint64_t val_buf_ = 0;
};

template <class V, class F>
path_map<V> act_zipper::make_map(F&& from_u64) const {
  path_map<V> m;
  act_zipper z = fork_read_zipper();
  // Every position in order; only the valued ones and the leaves (dangling paths when they
  // hold no value) are written, each creating the positions above it.
  for (bool more = true; more; more = z.to_next_step()) {
    if (const std::uint64_t* v = z.val())
      m.set_val_at(z.path(), static_cast<V>(from_u64(*v)));
    else if (z.child_count() == 0 && !z.path().empty())
      m.create_path(z.path());
  }
  return m;
}

template <class V, class F>
path_map<V> arena_compact_tree::to_map(F&& from_u64) const {
  return read_zipper().make_map<V>(std::forward<F>(from_u64));
}

} // namespace pathmap
