#pragma once
/// @file
/// `pathmap::detail::lock_registry`: the live locks of one zipper head.
///
/// A zipper head and every tracked zipper it made share one registry through a
/// `std::shared_ptr`. It records *reader locks* (a path with a count of read zippers, never zero)
/// and *writer locks* (a path held by one write zipper), and decides whether a new zipper may be
/// made, following PATHMAP-SPEC §3.3 exactly. "Related" below means that one path is a byte-string
/// prefix of the other (equality included):
///
/// - a reader request at P conflicts with every writer lock related to P, and with nothing else
///   (readers never conflict with readers);
/// - a writer request at P conflicts with every lock, reader or writer, related to P;
/// - adding one more reader to a path that already counts `UINT32_MAX` readers is a
///   `read_zipper` conflict at that path, with count `UINT32_MAX`.
///
/// When several locks conflict, the one reported is chosen in this order: writer locks before
/// reader locks; within a kind, the lock *along* P (at P or at a prefix of P; the shallowest
/// one, the empty path first) before any lock *below* P (a path that has P as a proper prefix);
/// among locks below P, the first in lexicographic (depth-first) order.
///
/// Because every registered lock passed these checks, the registry keeps two invariants: no two
/// writer locks are related, and no reader lock is related to a writer lock.
///
/// **Data structure and cost.** Each kind lives in its own path-compressed radix tree: a node
/// stores the key fragment from its parent, a lock count (0 = no lock there) and its children
/// sorted by first byte. Every non-root node holds a lock or has at least two children, so the
/// tree has at most `2n` nodes for `n` locked paths and a node chain never follows path length.
/// A check walks P once through the fragments (memcmp) and stops at the first lock it meets,
/// which is automatically the shallowest lock along P; if it reaches P, the first lock below P is
/// found by following first children down to the first node holding a lock, which is the
/// lexicographic minimum of the subtree. Cost of a check, registration or release:
/// O(|P| + h·log c), where h (≤ the number of locks along P) is the number of nodes visited and
/// c ≤ 256 the number of children searched per node; independent of how many locks live
/// elsewhere. A reported conflict additionally copies the conflicting lock's path. Nothing
/// recurses, so 1 MiB paths and deep chains of nested locks are fine. Registration allocates one
/// node (a fragment of up to 15 bytes lives inside it; a longer one costs a second allocation),
/// plus one more node when a fragment is split; release frees them again and allocates only when
/// it re-merges a node with its single remaining child into a fragment too long for the node.
///
/// A sorted `std::map` per kind was the alternative: locks below P are a `lower_bound` away,
/// but the *shallowest* reader lock along P needs either one lookup per distinct lock length or
/// a predecessor walk that degrades to O(min(n, |P|)) steps on adversarial sets; the radix tree
/// has no such case and needs no extra bookkeeping.
///
/// **Errors.** Conflicts are values. Releasing a lock that is not held is a programming error;
/// the registry writes a message naming the path to stderr and calls `std::abort()` (spec: "a
/// lock that has gone missing at release time is a fatal error"). `zipper_tracker` makes this
/// impossible for code that only uses trackers.
///
/// **Invalidation:** none; the registry hands out values only.
///
/// **Thread safety:** every member function may be called from any thread at any time. The lock
/// tables sit behind one `std::mutex`, held only for the duration of one call (a check,
/// registration or release never waits for anything else). `mark_head_dropped()` and
/// `head_dropped()` use an atomic flag and take no lock.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>

#include "pathmap/conflict.hpp"
#include "pathmap/path.hpp"

namespace pathmap::detail {

/// Whether a zipper could be made at a path right now (the crate's `PathStatus`).
enum class path_status : std::uint8_t {
  /// Both a reader and a writer request would succeed.
  available,
  /// A reader request would succeed, a writer request would not.
  available_for_reading,
  /// Neither a reader nor a writer request would succeed.
  unavailable,
};

/// The thread-safe registry of live reader and writer locks shared by a zipper head and its
/// tracked zippers. See the file comment for the rules, the report order and the cost.
class lock_registry {
public:
  /// Largest number of readers one path can count.
  static constexpr std::uint32_t max_readers = UINT32_MAX;

  // -- constructors -----------------------------------------------------------

  /// An empty registry.
  lock_registry();

  /// Frees the lock tables. Outstanding locks are simply forgotten (a registry is normally
  /// destroyed when the last tracker referring to it is gone, so there are none).
  ~lock_registry();

  lock_registry(const lock_registry&) = delete;
  lock_registry& operator=(const lock_registry&) = delete;

  // -- acquiring --------------------------------------------------------------

  /// Registers `n` reader locks at `p` unless that conflicts.
  ///
  /// Returns the conflict and changes nothing when a writer lock is related to `p`
  /// (`write_zipper` at the writer's path) or when the reader count at `p` would pass
  /// `max_readers` (`read_zipper` with the current count, at `p`). `n == 0` registers nothing
  /// and reports what a one-reader request would report, except the overflow.
  std::optional<conflict> try_read(path_view p, std::uint32_t n = 1);

  /// Registers a writer lock at `p` unless that conflicts.
  ///
  /// Returns the conflict and changes nothing when any writer lock (reported first) or reader
  /// lock is related to `p`.
  std::optional<conflict> try_write(path_view p);

  // -- releasing --------------------------------------------------------------

  /// Removes `n` reader locks at `p`; the entry disappears when its count reaches zero.
  ///
  /// Aborts (with a message) if `p` holds fewer than `n` readers.
  void release_read(path_view p, std::uint32_t n = 1) noexcept;

  /// Removes the writer lock at `p`. Aborts (with a message) if there is none.
  void release_write(path_view p) noexcept;

  /// Turns the writer lock at `p` into a reader lock in one step.
  ///
  /// Under the mutex, the reader lock is added before the writer lock is removed, so no other
  /// request ever sees `p` unlocked in between. Aborts (with a message) if `p` holds no writer.
  void write_to_read(path_view p) noexcept;

  // -- queries ----------------------------------------------------------------

  /// The conflict that `try_read(p)` would report right now, without registering anything.
  std::optional<conflict> check_read(path_view p) const;

  /// The conflict that `try_write(p)` would report right now, without registering anything.
  std::optional<conflict> check_write(path_view p) const;

  /// Whether readers and writers could be made at `p` right now.
  pathmap::detail::path_status path_status(path_view p) const;

  /// The number of reader locks exactly at `p` (0 when there are none).
  std::uint32_t readers_at(path_view p) const;

  /// Whether a writer lock sits exactly at `p`.
  bool writer_at(path_view p) const;

  /// Whether no lock is held.
  bool empty() const;

  /// The number of locks held: writer locks plus the sum of all reader counts (one per
  /// tracked zipper).
  std::size_t lock_count() const;

  // -- head lifetime ----------------------------------------------------------

  /// Records that the zipper head owning this registry has been destroyed.
  ///
  /// Called by the head's destructor; trackers destroyed afterwards can then report (in debug
  /// builds) that their zipper outlived its head.
  void mark_head_dropped() noexcept { head_dropped_.store(true, std::memory_order_release); }

  /// Whether `mark_head_dropped()` has been called.
  bool head_dropped() const noexcept { return head_dropped_.load(std::memory_order_acquire); }

private:
  struct state;

  std::optional<conflict> write_conflict_locked(path_view p) const;
  std::optional<conflict> read_conflict_locked(path_view p, std::uint32_t n) const;

  mutable std::mutex mtx_;
  std::unique_ptr<state> state_;
  std::atomic<bool> head_dropped_{false};
};

} // namespace pathmap::detail
