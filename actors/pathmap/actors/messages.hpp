#pragma once
/// @file
/// The messages of the actor runtime: atoms, jobs and their tasks, replies and reports.
///
/// Value-type independent messages (`task_spec`, `job_options`, `task_done`, `job_report`,
/// `coordinator_stats`) serialize all their fields. The messages that carry zippers or code
/// (`task<V>`, `job<V>`, `map_snapshot<V>`) serialize only what can cross a process boundary
/// (ids, paths, names); they are meant for one process. `register_types()` (runtime.hpp)
/// registers all of them.
///
/// **Thread safety:** plain values (leases inside them are safe to copy across threads).

#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "caf/actor_addr.hpp"
#include "caf/atom.hpp"
#include "caf/meta/type_name.hpp"
#include "caf/timespan.hpp"

#include "pathmap/actors/lease.hpp"
#include "pathmap/actors/operation.hpp"
#include "pathmap/path.hpp"
#include "pathmap/path_map.hpp"
#include "pathmap/read_zipper_tracked.hpp"
#include "pathmap/write_zipper_tracked.hpp"

namespace pathmap::actors {

// -- atoms --------------------------------------------------------------------------------------

/// Asks the coordinator for a read lease at a path.
using read_atom = caf::atom_constant<caf::atom("pm_read")>;
/// Asks the coordinator for an exclusive write lease at a path.
using write_atom = caf::atom_constant<caf::atom("pm_write")>;
/// Gives a write lease back to the coordinator, which prunes the path it created if it is left
/// empty (`zipper_head::cleanup_write_zipper`).
using release_atom = caf::atom_constant<caf::atom("pm_release")>;
/// Asks the coordinator for an O(1) snapshot of its map.
using snapshot_atom = caf::atom_constant<caf::atom("pm_snap")>;
/// Asks the coordinator for its statistics.
using stats_atom = caf::atom_constant<caf::atom("pm_stats")>;
/// Adds workers to the coordinator's pool.
using add_atom = caf::atom_constant<caf::atom("pm_add")>;

// -- jobs -----------------------------------------------------------------------------------------

/// One task of a job: the operation reads `source` and writes `destination` (paths from the
/// map root). `source == destination` makes an *in-place* task: the operation reads the
/// region's content as it was before the task and writes the region.
struct task_spec {
  pathmap::path source;
  pathmap::path destination;

  friend bool operator==(const task_spec&, const task_spec&) = default;

  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, task_spec& x) {
    return f(caf::meta::type_name("pathmap.task_spec"), x.source, x.destination);
  }
};

/// "Split this source region by its child bytes into balanced tasks": every piece `source/k`
/// becomes a task `source/k -> destination/k`. Pieces start as the children of `source`; while
/// the largest piece holds more than `values / tasks` values, it is replaced by its children
/// (by `val_count`, largest first), so tasks end up of similar size. The pieces never number
/// more than `4 * tasks` (at least 16): a piece whose children would pass that stays whole, so
/// a trie that fans out 256 ways is not cut into 256 times the tasks asked for. A piece that
/// holds a value at its own path is never split (its value and its children stay one task); a
/// source that has a value at its root is one task. The job report gives the actual count.
struct split_spec {
  pathmap::path source;
  pathmap::path destination;
  /// The number of tasks to aim for; 0 means 4 per live worker.
  std::uint32_t tasks = 0;

  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, split_spec& x) {
    return f(caf::meta::type_name("pathmap.split_spec"), x.source, x.destination, x.tasks);
  }
};

/// How a job runs.
struct job_options {
  /// How long one attempt of a task may take before it counts as hung: the worker is taken out
  /// of the pool and the task runs again elsewhere. The time counts from when the worker gets
  /// to the attempt (the reply to the attempt sent before it, or the send when none is
  /// outstanding), not from the send: attempts waiting behind another in the worker's mailbox
  /// are not running yet. Must be positive; `caf::timespan::max()` means no timeout.
  caf::timespan task_timeout = std::chrono::seconds(60);
  /// How many times a failed task runs again before the job fails (0: no retries).
  std::uint32_t max_retries = 2;
  /// Destination regions start empty instead of with their current content (the seed's
  /// `remove_branches` on "out" before the copy).
  bool clear_destinations = false;

  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, job_options& x) {
    return f(caf::meta::type_name("pathmap.job_options"), x.task_timeout, x.max_retries,
             x.clear_destinations);
  }
};

/// A job for the coordinator: explicit tasks and/or split requests, one operation for all.
///
/// The coordinator refuses a job (`error_code::overlapping_regions`) whose destination regions
/// overlap (one is a prefix of another) or whose sources overlap another task's destination;
/// it refuses it with `error_code::conflict` when a region is locked by a lease or another
/// running job. A job either applies completely or not at all: when it fails, every
/// destination region is restored.
template <class V>
struct job {
  std::vector<task_spec> tasks;
  std::vector<split_spec> splits;
  operation<V> op;
  job_options options;

  /// A job with explicit tasks.
  static job explicit_tasks(operation<V> op, std::vector<task_spec> tasks,
                            job_options options = {}) {
    job j;
    j.tasks = std::move(tasks);
    j.op = std::move(op);
    j.options = options;
    return j;
  }

  /// A job that splits `source` into about `tasks` balanced tasks (0: 4 per worker).
  static job split(operation<V> op, pathmap::path source, pathmap::path destination,
                   std::uint32_t tasks = 0, job_options options = {}) {
    job j;
    j.splits.push_back(split_spec{std::move(source), std::move(destination), tasks});
    j.op = std::move(op);
    j.options = options;
    return j;
  }

  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, job& x) {
    return f(caf::meta::type_name("pathmap.job"), x.tasks, x.splits, x.op, x.options);
  }
};

// -- worker messages ------------------------------------------------------------------------------

/// One attempt of one task, as the coordinator sends it to a worker: the leases of the two
/// zippers and the operation. `job`, `index` and `attempt` identify the attempt; the worker
/// copies them into its `task_done`.
template <class V>
struct task {
  std::uint64_t job = 0;
  std::uint32_t index = 0;
  std::uint32_t attempt = 0;
  lease<read_zipper_tracked<V>> source;
  lease<write_zipper_tracked<V>> destination;
  operation<V> op;

  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, task& x) {
    return f(caf::meta::type_name("pathmap.task"), x.job, x.index, x.attempt, x.source,
             x.destination, x.op);
  }
};

/// A worker's completion reply: the attempt it finished and the values the operation
/// processed.
struct task_done {
  std::uint64_t job = 0;
  std::uint32_t index = 0;
  std::uint32_t attempt = 0;
  std::uint64_t values = 0;

  friend bool operator==(const task_done&, const task_done&) = default;

  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, task_done& x) {
    return f(caf::meta::type_name("pathmap.task_done"), x.job, x.index, x.attempt, x.values);
  }
};

// -- reports --------------------------------------------------------------------------------------

/// What one worker did for a job.
struct worker_report {
  /// The worker's actor id (`caf::actor_id`).
  std::uint64_t worker = 0;
  /// Tasks it completed (attempts that counted).
  std::uint32_t tasks = 0;
  /// Values its operations processed in those tasks.
  std::uint64_t values = 0;

  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, worker_report& x) {
    return f(caf::meta::type_name("pathmap.worker_report"), x.worker, x.tasks, x.values);
  }
};

/// The coordinator's reply to a job, sent once every task's completion has arrived.
struct job_report {
  std::uint64_t job = 0;
  /// Sum of the values the completed tasks processed.
  std::uint64_t values = 0;
  /// Number of tasks (after splitting).
  std::uint32_t tasks = 0;
  /// Attempts that failed and ran again.
  std::uint32_t retries = 0;
  /// One entry per worker that completed at least one task, in the pool's order.
  std::vector<worker_report> workers;
  /// From the job's arrival to the last completion.
  caf::timespan elapsed{0};

  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, job_report& x) {
    return f(caf::meta::type_name("pathmap.job_report"), x.job, x.values, x.tasks, x.retries,
             x.workers, x.elapsed);
  }
};

/// The coordinator's statistics.
struct coordinator_stats {
  /// Workers in the pool that are alive and answering.
  std::uint32_t workers = 0;
  /// Workers taken out of the pool (died, or hung past a task timeout).
  std::uint32_t workers_lost = 0;
  std::uint32_t jobs_running = 0;
  std::uint64_t jobs_done = 0;
  std::uint64_t jobs_failed = 0;
  /// Jobs refused at arrival (invalid, overlapping, conflicting).
  std::uint64_t jobs_refused = 0;
  std::uint64_t tasks_done = 0;
  /// Tasks of the running jobs not finished yet (a split job's count is known only here and
  /// in its report).
  std::uint64_t tasks_pending = 0;
  std::uint64_t tasks_retried = 0;
  /// Leases handed out on request (`read_atom`, `write_atom`).
  std::uint64_t leases = 0;
  /// Values in the map: counted now when `values_current`, else the last count (a count needs
  /// a reader at the root, which waits for running jobs and write leases).
  std::uint64_t values = 0;
  bool values_current = false;

  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, coordinator_stats& x) {
    return f(caf::meta::type_name("pathmap.coordinator_stats"), x.workers, x.workers_lost,
             x.jobs_running, x.jobs_done, x.jobs_failed, x.jobs_refused, x.tasks_done,
             x.tasks_pending, x.tasks_retried, x.leases, x.values, x.values_current);
  }
};

/// An O(1) copy of the coordinator's map (shares structure; copy-on-write on both sides).
template <class V>
struct map_snapshot {
  path_map<V> map;

  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, map_snapshot&) {
    return f(caf::meta::type_name("pathmap.map_snapshot"));
  }
};

} // namespace pathmap::actors
