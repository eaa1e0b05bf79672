#pragma once
/// @file
/// `pathmap::actors::coordinator_actor<V>`: the actor that owns a `path_map<V>` and its
/// `zipper_head`, runs jobs on a pool of workers, and hands out leases, snapshots and
/// statistics.
///
/// Interface (all request/response; use `request(coordinator, timeout, ...).then(...)`):
///
/// | request                                   | reply                                  |
/// |-------------------------------------------|----------------------------------------|
/// | `job<V>`                                  | `job_report` once every task completed |
/// | `read_atom, path`                         | `lease<read_zipper_tracked<V>>`        |
/// | `write_atom, path`                        | `lease<write_zipper_tracked<V>>`       |
/// | `release_atom, lease<write_zipper_tracked<V>>` | `bool` (true: a dangling path was pruned or
/// nothing to do) | | `snapshot_atom`                           | `map_snapshot<V>` (O(1) copy) |
/// | `stats_atom`                              | `coordinator_stats`                    |
/// | `add_atom, std::vector<worker_actor<V>>`  | `std::uint32_t` live workers           |
///
/// Errors are `caf::error`s in the `pathmap` category (`error.hpp`).
///
/// **Jobs.** A job's tasks (explicit, or split from a source region) are checked first: write
/// regions must not overlap each other or another task's source (`overlapping_regions`), and
/// must not be locked by a lease or another running job (`conflict`). The coordinator then holds
/// the write lock of every destination region for the job's lifetime, and dispatches *attempts*:
/// each attempt gets a read lease of its source and a write lease of a *staging cell* that
/// starts as a copy (O(1), shared) of the destination's content. When the worker's `task_done`
/// arrives, the staging content is grafted into the destination (O(1)). A failed attempt's
/// staging is simply dropped: that is "clearing the write region", and a worker that hangs and
/// writes later only writes into a cell nobody reads (fencing). When a task fails on every
/// attempt, or no worker is left, the job fails and every destination it already completed is
/// restored, so the map equals either the state before the job or the result of running the
/// tasks one after another.
///
/// **Flow control.** Each worker has at most `coordinator_config::max_in_flight` attempts
/// outstanding; the next task goes to the worker whose reply frees a slot first (work pulling).
/// A retried task prefers a different worker than the one it failed on.
///
/// **Failure.** Every worker is monitored. A worker that dies, or lets an attempt run past the
/// job's `task_timeout`, is taken out of the pool and its outstanding attempts run again on the
/// others; an error reply makes just that attempt run again. Attempts are numbered, so a late
/// reply of a superseded attempt is ignored. An actor cannot be stopped in the middle of a
/// message: a hung worker keeps the zippers of the attempt it hangs on, so their reader locks
/// (on the task's source) stay until it lets go, and a write lease or job over that source
/// meanwhile fails with a conflict naming a reader. What it writes goes to a staging cell the
/// map never sees.
///
/// **Snapshots.** The map is frozen inside the zipper head while the coordinator lives, so a
/// snapshot is made through a read zipper at the root: `make_map()` of it is an O(1) copy. A
/// root reader conflicts with every writer, so a snapshot request waits until no job is
/// running; if a write lease handed out on request is still alive then, the request fails with
/// `error_code::conflict`.
///
/// **Leases on request** are the head's own tracked zippers: a write lease locks its region
/// until the zipper (its last lease handle, or whoever took it) is gone.
///
/// Cost notes: a job costs O(tasks · log tasks) to check plus one lock per region; an attempt
/// costs two small allocations (staging cell, lease slots), one reader-lock clone and one
/// request/response round trip (~1–2 µs on CAF's scheduler).
///
/// **Thread safety:** an actor; the handle is a value usable from any thread. The zipper head
/// is used by the coordinator only; workers run their zippers on other threads at the same time.

#include <cstdint>
#include <vector>

#include "caf/actor_system.hpp"
#include "caf/replies_to.hpp"
#include "caf/typed_actor.hpp"

#include "pathmap/actors/messages.hpp"
#include "pathmap/actors/worker.hpp"
#include "pathmap/path_map.hpp"

namespace pathmap::actors {

/// The coordinator's typed interface (see the table above).
template <class V>
using coordinator_actor = caf::typed_actor<
  typename caf::replies_to<job<V>>::template with<job_report>,
  typename caf::replies_to<read_atom, pathmap::path>::template with<lease<read_zipper_tracked<V>>>,
  typename caf::replies_to<write_atom,
                           pathmap::path>::template with<lease<write_zipper_tracked<V>>>,
  typename caf::replies_to<release_atom, lease<write_zipper_tracked<V>>>::template with<bool>,
  typename caf::replies_to<snapshot_atom>::template with<map_snapshot<V>>,
  typename caf::replies_to<stats_atom>::template with<coordinator_stats>,
  typename caf::replies_to<add_atom, std::vector<worker_actor<V>>>::template with<std::uint32_t>>;

/// How a coordinator runs.
struct coordinator_config {
  /// Attempts outstanding per worker, 1 to `max_in_flight_limit` (a value outside is taken as
  /// the nearest bound: each slot is a queue entry, and a worker works through its mailbox one
  /// attempt at a time anyway). Two hide the reply's round trip: the next task already waits
  /// in the worker's mailbox when it finishes one.
  std::uint32_t max_in_flight = 2;
  static constexpr std::uint32_t max_in_flight_limit = 1024;
  /// Standard workers the coordinator spawns itself, in addition to the ones passed in. It
  /// shuts them down when it terminates.
  std::uint32_t workers = 0;
};

/// Spawns a coordinator in `sys` that owns `map` and uses `workers` (plus
/// `config.workers` standard workers of its own).
template <class V = std::uint64_t>
coordinator_actor<V> spawn_coordinator(caf::actor_system& sys, path_map<V> map,
                                       std::vector<worker_actor<V>> workers = {},
                                       coordinator_config config = {});

// Instantiated in the library for std::uint64_t; include "pathmap/actors/coordinator_impl.hpp"
// for other value types.
extern template coordinator_actor<std::uint64_t>
spawn_coordinator<std::uint64_t>(caf::actor_system&, path_map<std::uint64_t>,
                                 std::vector<worker_actor<std::uint64_t>>, coordinator_config);

} // namespace pathmap::actors
