#pragma once
// Helpers the topology files share (not part of topologies.hpp's interface).

#include <chrono>
#include <cstdint>
#include <string>

#include "caf/actor_system.hpp"
#include "caf/error.hpp"
#include "caf/expected.hpp"

#include "pathmap/actors/all.hpp"
#include "pathmap/path.hpp"

#include "topologies.hpp"

namespace pathmap::topologies::detail {

using value = std::uint64_t;
using clock = std::chrono::steady_clock;

inline double seconds_since(clock::time_point t0) {
  return std::chrono::duration<double>(clock::now() - t0).count();
}

/// `prefix` followed by the 8 big-endian bytes of `i`.
pathmap::path with_be64(pathmap::path prefix, std::uint64_t i);

/// The error of an option out of its range: `--option=given is out of range: why takes lo to
/// hi`.
caf::error out_of_range(const char* option, std::uint64_t given, std::uint64_t lo, std::uint64_t hi,
                        const std::string& why);

/// If `o.live` is set: the work begins, `total` `unit`s of it (set before the phase changes, so
/// a progress line never shows the phase with the old numbers).
void start_work(const options& o, const char* unit, std::uint64_t total);

/// If `o.live` is set: the work is done and its result is being checked.
void start_verifying(const options& o);

/// Chunks of lines of a wordcount run and batches of a pipeline run: `o.tasks`, or 4 per
/// worker when it is 0, at most 256 (a chunk's or batch's index is one path byte).
std::uint32_t parts_of(const options& o);

/// Sends `j` to `c` and waits for the report (`actors::ask`). While it waits, and if `o.live` is
/// set, a helper thread polls the coordinator's statistics and sets `o.live->done` to the tasks
/// it completed (the coordinator belongs to one run). `*replied` (if given) is set to the moment
/// the reply arrived, before the helper thread is stopped.
caf::expected<actors::job_report>
run_job(caf::actor_system& sys, const actors::coordinator_actor<value>& c, actors::job<value> j,
        const options& o, clock::time_point* replied = nullptr);

/// The coordinator's map, through an O(1) snapshot.
caf::expected<path_map<value>>
snapshot(caf::actor_system& sys, const actors::coordinator_actor<value>& c, const options& o);

/// The pipeline's and the query's own message types (registered by register_types).
void register_pipeline_types(caf::actor_system_config& cfg);
void register_query_types(caf::actor_system_config& cfg);

} // namespace pathmap::topologies::detail
