#pragma once
/// @file
/// `pathmap::conflict`: why a zipper head refused to hand out a zipper.
///
/// A `zipper_head` hands out several zippers into one map under the exclusivity rules of
/// PATHMAP-SPEC §3.3: readers may overlap anything but writers, a writer may overlap nothing. A
/// request that breaks a rule is answered with `pathmap::unexpected(conflict)` instead of a
/// zipper. The conflict names the live lock the request ran into:
///
/// - `kind()`: `conflict_kind::write_zipper` (a live write zipper) or
///   `conflict_kind::read_zipper` (live read zippers);
/// - `reader_count()`: for a `read_zipper` conflict, the number of readers holding that path
///   (at least 1); 0 for a `write_zipper` conflict;
/// - `path()`: the bytes of the existing lock's path, relative to the head's root (not the
///   path that was requested).
///
/// The text form (`to_string()`, `operator<<`) is the crate's `Display` text without its
/// trailing newline:
///
///     conflicts with existing zipper: write zipper @ [97, 98]
///     conflicts with existing zipper: read zipper (arity: 2) @ []
///
/// The byte list is Rust's `{:?}` rendering of a `Vec<u8>`: every byte in decimal, separated by
/// `", "`, inside brackets. It is always complete, so a conflict on a 1 MiB path renders to a
/// few megabytes of text.
///
/// **Cost:** a conflict owns a copy of the lock's path; building one costs one allocation.
///
/// **Invalidation:** the view returned by `path()` lives as long as the conflict object and is
/// invalidated by assigning to it.
///
/// **Thread safety:** a plain value type; distinct objects may be used from different threads,
/// one object may be read (but not written) from several threads at once.

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <string>

#include "pathmap/path.hpp"

namespace pathmap {

/// The kind of live zipper that a refused zipper request ran into.
enum class conflict_kind : std::uint8_t {
  /// A live write zipper (writer lock) sits at, above or below the requested path.
  write_zipper,
  /// Live read zippers (reader lock) sit at, above or below the requested path.
  read_zipper,
};

/// Writes `"write zipper"` or `"read zipper"`.
std::ostream& operator<<(std::ostream& out, conflict_kind kind);

/// Describes a zipper-head conflict: which kind of live lock a request hit, and where.
///
/// Built by the lock registry; a caller normally only reads it. Equality compares kind, reader
/// count and path.
class conflict {
public:
  // -- constructors ---------------------------------------------------------

  /// A conflict with the live write zipper whose root path is `at`.
  static conflict write_zipper_at(path_view at);

  /// A conflict with the live write zipper whose root path is `at` (takes ownership).
  static conflict write_zipper_at(pathmap::path&& at) noexcept;

  /// A conflict with the `reader_count` live read zippers at path `at`.
  ///
  /// Precondition: `reader_count >= 1` (a reader entry is never zero); checked in debug builds.
  static conflict read_zipper_at(std::uint32_t reader_count, path_view at);

  /// A conflict with the `reader_count` live read zippers at path `at` (takes ownership).
  static conflict read_zipper_at(std::uint32_t reader_count, pathmap::path&& at);

  // -- observers ------------------------------------------------------------

  /// The kind of the existing lock that was hit.
  conflict_kind kind() const noexcept { return kind_; }

  /// Whether the existing lock is a write zipper's.
  bool is_write_zipper() const noexcept { return kind_ == conflict_kind::write_zipper; }

  /// Whether the existing lock is held by read zippers.
  bool is_read_zipper() const noexcept { return kind_ == conflict_kind::read_zipper; }

  /// The number of read zippers holding the path (the crate's "arity"); 0 for a write zipper.
  std::uint32_t reader_count() const noexcept { return reader_count_; }

  /// The path of the existing lock that was hit, relative to the zipper head's root.
  ///
  /// The view refers to storage owned by this object.
  path_view path() const noexcept { return path_view{at_}; }

  /// The crate's display text, e.g. `conflicts with existing zipper: write zipper @ [97]`.
  ///
  /// See the file comment for the byte-list format; there is no trailing newline.
  std::string to_string() const;

  // -- comparison -----------------------------------------------------------

  /// Equal when kind, reader count and path are equal.
  friend bool operator==(const conflict& a, const conflict& b) noexcept = default;

private:
  conflict(conflict_kind kind, std::uint32_t reader_count, pathmap::path&& at) noexcept
    : kind_(kind), reader_count_(reader_count), at_(std::move(at)) {}

  conflict_kind kind_;
  std::uint32_t reader_count_;
  pathmap::path at_;
};

/// Writes `c.to_string()`.
std::ostream& operator<<(std::ostream& out, const conflict& c);

/// Returns `c.to_string()`; found by argument-dependent lookup.
std::string to_string(const conflict& c);

namespace detail {

/// Appends `p` to `out` as a decimal byte list `[1, 2, 3]` (Rust's `{:?}` of a `Vec<u8>`).
///
/// When `p` has more than `max_bytes` bytes, only the first `max_bytes` are listed, followed by
/// `", ... (N bytes)"` before the closing bracket. Shared by `conflict` and the lock registry's
/// fatal-error messages.
void append_byte_list(std::string& out, path_view p, std::size_t max_bytes = SIZE_MAX);

} // namespace detail

} // namespace pathmap
