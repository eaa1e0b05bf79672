#pragma once
/// @file
/// The example topologies of the actor runtime, as functions over a user's `caf::actor_system`.
/// The runner `pathmap-topology` (examples/pathmap_topology.cpp) parses options and calls one;
/// the end-to-end tests (tests/actors/topologies.test.cpp) and bench/actor_copy.bench.cpp call
/// them directly.
///
/// - `copy`      the seed: `in/<n>/<8-byte i> -> i` for n < workers, copied to `out/<n>` by
///               one task per worker (or a split job with `tasks` tasks).
/// - `wordcount` map-reduce over a text file: mappers count the words of their chunk of lines
///               into their own region `counts/<chunk>`; reducers merge the chunks' counts into
///               `total/<first byte>/...`, one task per first byte.
/// - `pipeline`  a write lease handed along a chain of stage actors (CAF `delegate`): batch k's
///               writer at `out/<k>` is filled from a read lease of `in/<k>` by stage 1 and
///               rewritten in place by each later stage; the last stage replies to the driver.
/// - `query`     scatter-gather prefix search: the driver asks the coordinator for a read lease
///               per prefix, scatters them over searcher actors and gathers counts and sums.
///
/// Each run reports the values processed, the workers used, the seconds the work itself took
/// (after set-up: building the input and spawning actors are excluded) and whether the result
/// was checked against a sequential computation.
///
/// **Thread safety:** the functions block the calling thread (they use a `scoped_actor`) and may
/// run concurrently on one actor system.

#include <atomic>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "caf/actor_system.hpp"
#include "caf/actor_system_config.hpp"
#include "caf/expected.hpp"
#include "caf/timespan.hpp"

#include "pathmap/path_map.hpp"

namespace pathmap::topologies {

/// What a run is doing, for a progress line.
enum class phase : std::uint8_t {
  /// Building the input and spawning actors (`done` and `total` are not set yet).
  setting_up,
  /// The work itself: `done` of `total` units (tasks, batches or queries) completed.
  working,
  /// Comparing the result with a sequential computation.
  verifying,
};

/// Live progress of a run, for a progress line (updated while the run goes on). A topology sets
/// `unit` and `total` before it moves `stage` from `setting_up` to `working`.
struct progress {
  std::atomic<phase> stage{phase::setting_up};
  std::atomic<std::uint64_t> done{0};
  std::atomic<std::uint64_t> total{0};
  /// What `done` and `total` count ("tasks", "batches", "queries").
  std::atomic<const char*> unit{"tasks"};
};

/// The text of a progress line for `p`, without the topology's name and the time: "setting
/// up", "3/16 tasks" or "verifying".
std::string progress_text(const progress& p);

/// What a run does; each topology reads the fields it needs. `validate` refuses a number out
/// of its range instead of running with another one, and a field the topology does not use
/// unless it keeps its default (`uses` lists them), so no option is quietly ignored.
struct options {
  /// Workers (copy: 1 to 256, wordcount), stage actors (pipeline), searchers (query): 1 to
  /// 4096.
  std::uint32_t workers = 4;
  /// copy and pipeline: input values, at least one per worker (copy) or batch (pipeline), at
  /// most 2^28 (a run holds about 32 bytes per element).
  std::uint64_t elements = 65535;
  /// copy: 0 = one task per worker (the seed), else a split job aiming at this many tasks (at
  /// most 2^20); wordcount: chunks of lines (at most one per line), pipeline: batches (0 = 4
  /// per worker, at most 256).
  std::uint32_t tasks = 0;
  /// copy and wordcount: attempts in flight per worker (coordinator_config::max_in_flight);
  /// query: queries in flight per searcher. 1 to 1024.
  std::uint32_t in_flight = 2;
  /// wordcount and query: the text file (one word or line per line).
  std::string file = "/usr/share/dict/words";
  /// wordcount: how many times the file is read in a row, 1 to 65536.
  std::uint32_t repeat = 8;
  /// query: prefix length of the queries, at least 1 (all distinct prefixes of that length
  /// are asked).
  std::uint32_t prefix = 2;
  /// Check the result against a sequential computation.
  bool verify = true;
  /// Request and task timeout, more than 0 and at most `max_timeout`.
  caf::timespan timeout = std::chrono::seconds(300);
  /// Updated while the work runs, if set.
  progress* live = nullptr;
};

/// The outcome of a run.
struct result {
  std::string topology;
  std::uint64_t values = 0;
  std::uint32_t workers = 0;
  /// The work itself, without set-up.
  double seconds = 0;
  /// True when the result was checked against a sequential computation and matched.
  bool verified = false;
  /// Topology-specific numbers for the summary (name, value), e.g. tasks, retries, words.
  std::vector<std::pair<std::string, std::uint64_t>> details;
};

/// Registers the runtime's messages and the topologies' own (call in your config's constructor).
void register_types(caf::actor_system_config& cfg);

caf::expected<result> run_copy(caf::actor_system& sys, const options& opts);
caf::expected<result> run_wordcount(caf::actor_system& sys, const options& opts);
caf::expected<result> run_pipeline(caf::actor_system& sys, const options& opts);
caf::expected<result> run_query(caf::actor_system& sys, const options& opts);

/// The longest `options::timeout`: a day. A longer one overflows CAF's deadline arithmetic
/// (2562047h fails every request at once), and no run of these topologies needs it.
inline constexpr caf::timespan max_timeout = std::chrono::hours(24);

/// The most `options::elements`, 2^28: a copy or pipeline run holds about 32 bytes per element
/// (the input, the result and the check's copy share no nodes), so 2^28 needs about 8 GB.
inline constexpr std::uint64_t max_elements = std::uint64_t{1} << 28;

/// The command-line names of the options topology `name` reads (without "--"): a subset of
/// workers, elements, tasks, in-flight, file, repeat, prefix, timeout (and --no-verify, which
/// every topology reads). Empty for an unknown name.
std::vector<std::string> uses(const std::string& name);

/// Checks `opts` for topology `name`: every number in its range (see `options`), the timeout
/// more than 0 and at most `max_timeout`, and every option the topology does not use (see
/// `uses`) at its default. The error names the option and the range; each `run_*` checks its
/// options first.
caf::error validate(const std::string& name, const options& opts);

/// The topology called `name` ("copy", "wordcount", "pipeline", "query"), or an error.
caf::expected<result> run(caf::actor_system& sys, const std::string& name, const options& opts);

/// The names `run` knows.
std::vector<std::string> names();

// -- helpers shared by the topologies, the tests and the benchmark ------------------------------

/// The seed's input: for n < parts, `in/<n>/<8-byte big-endian i> -> i` for i in
/// [n * per, (n + 1) * per), per = elements / parts (the seed drops the remainder); `parts`
/// is clamped to 1 to 256 (`n` is one path byte).
path_map<std::uint64_t> seed_input(std::uint64_t elements, std::uint32_t parts);

/// True when both maps hold the same values at the same paths.
bool same_values(const path_map<std::uint64_t>& a, const path_map<std::uint64_t>& b);

/// The lines of `file` (without line ends; empty lines skipped), or an error.
caf::expected<std::vector<std::string>> read_lines(const std::string& file);

} // namespace pathmap::topologies
