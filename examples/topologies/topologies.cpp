// What the topologies share: type registration, the name dispatch, the seed's input, map
// comparison, reading text files, and running one job with live progress.
#include "topologies.hpp"

#include <algorithm>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>
#include <utility>

#include "caf/all.hpp"

#include "common.hpp"

namespace pathmap::topologies {

using detail::value;

void register_types(caf::actor_system_config& cfg) {
  actors::register_types(cfg);
  detail::register_pipeline_types(cfg);
  detail::register_query_types(cfg);
}

std::vector<std::string> names() {
  return {"copy", "wordcount", "pipeline", "query"};
}

namespace {

/// Upper bounds of the options (a run never silently uses another number than the one asked
/// for): copy's tasks, wordcount's chunks and pipeline's batches are indexed by one path byte;
/// the other bounds keep a mistyped number from spawning millions of actors or filling memory.
constexpr std::uint32_t max_actors = 4096;
constexpr std::uint32_t max_split_tasks = 1u << 20;
constexpr std::uint32_t max_in_flight = 1024;
constexpr std::uint32_t max_repeat = 1u << 16;

/// Refuses option `option` of topology `name` when its field differs from the default: the
/// topology would ignore it.
caf::error unused(const std::string& name, const char* option) {
  std::string reads;
  for (auto& o : uses(name))
    reads += (reads.empty() ? "--" : ", --") + o;
  return caf::make_error(caf::sec::invalid_argument, "--" + std::string(option) + " is not used by "
                                                       + name + " (" + name + " reads " + reads
                                                       + ")");
}

} // namespace

std::vector<std::string> uses(const std::string& name) {
  if (name == "copy")
    return {"workers", "elements", "tasks", "in-flight", "timeout"};
  if (name == "wordcount")
    return {"workers", "tasks", "in-flight", "file", "repeat", "timeout"};
  if (name == "pipeline")
    return {"workers", "elements", "tasks", "timeout"};
  if (name == "query")
    return {"workers", "in-flight", "file", "prefix", "timeout"};
  return {};
}

std::string progress_text(const progress& p) {
  switch (p.stage.load()) {
    case phase::setting_up:
      return "setting up";
    case phase::working:
      return std::to_string(p.done.load()) + "/" + std::to_string(p.total.load()) + " "
             + p.unit.load();
    case phase::verifying:
      return "verifying";
  }
  return {};
}

namespace detail {

caf::error out_of_range(const char* option, std::uint64_t given, std::uint64_t lo, std::uint64_t hi,
                        const std::string& why) {
  return caf::make_error(caf::sec::invalid_argument,
                         "--" + std::string(option) + "=" + std::to_string(given)
                           + " is out of range: " + why + " takes " + std::to_string(lo) + " to "
                           + std::to_string(hi));
}

void start_work(const options& o, const char* unit, std::uint64_t total) {
  if (o.live == nullptr)
    return;
  o.live->unit = unit;
  o.live->total = total;
  o.live->stage = phase::working;
}

void start_verifying(const options& o) {
  if (o.live != nullptr)
    o.live->stage = phase::verifying;
}

std::uint32_t parts_of(const options& o) {
  std::uint64_t parts = o.tasks != 0 ? o.tasks : 4 * std::uint64_t{o.workers};
  return static_cast<std::uint32_t>(std::min<std::uint64_t>(parts, 256));
}

} // namespace detail

caf::error validate(const std::string& name, const options& o) {
  auto used = uses(name);
  if (used.empty())
    return caf::make_error(caf::sec::invalid_argument,
                           "unknown topology '" + name + "' (copy, wordcount, pipeline, query)");
  // Options the topology does not read must keep their defaults: a run never ignores one.
  const options defaults;
  auto reads = [&](const char* option) {
    return std::find(used.begin(), used.end(), option) != used.end();
  };
  const std::pair<const char*, bool> set_by_user[] = {
    {"elements", o.elements != defaults.elements},    {"tasks", o.tasks != defaults.tasks},
    {"in-flight", o.in_flight != defaults.in_flight}, {"file", o.file != defaults.file},
    {"repeat", o.repeat != defaults.repeat},          {"prefix", o.prefix != defaults.prefix},
  };
  for (const auto& [option, changed] : set_by_user)
    if (changed && !reads(option))
      return unused(name, option);
  bool copy = name == "copy";
  std::uint32_t max_workers = copy ? 256 : max_actors;
  if (o.workers < 1 || o.workers > max_workers)
    return detail::out_of_range("workers", o.workers, 1, max_workers,
                                copy ? "copy (one path byte per worker)" : name);
  if (reads("in-flight") && (o.in_flight < 1 || o.in_flight > max_in_flight))
    return detail::out_of_range("in-flight", o.in_flight, 1, max_in_flight, name);
  // A value too large for CAF's 64-bit nanoseconds wraps around while it is parsed and shows
  // up here as zero or negative, so the message gives the range rather than the value.
  if (o.timeout <= caf::timespan{0} || o.timeout > max_timeout)
    return caf::make_error(caf::sec::invalid_argument,
                           "--timeout is out of range: it takes more than 0 and at most 24h, "
                           "with a unit (e.g. --timeout=300s)");
  std::uint32_t max_tasks = copy ? max_split_tasks : 256;
  if ((copy || name == "wordcount" || name == "pipeline") && o.tasks > max_tasks)
    return detail::out_of_range("tasks", o.tasks, 0, max_tasks, name);
  if (copy || name == "pipeline") {
    // The seed's input gives each of `parts` parts elements / parts values.
    std::uint32_t parts = copy ? o.workers : detail::parts_of(o);
    if (o.elements < parts || o.elements > max_elements)
      return detail::out_of_range("elements", o.elements, parts, max_elements,
                                  copy ? "copy with " + std::to_string(parts) + " workers"
                                       : "pipeline with " + std::to_string(parts) + " batches");
  }
  if (name == "wordcount" && (o.repeat < 1 || o.repeat > max_repeat))
    return detail::out_of_range("repeat", o.repeat, 1, max_repeat, name);
  if (name == "query" && o.prefix < 1)
    return caf::make_error(caf::sec::invalid_argument, "--prefix must be at least 1");
  return {};
}

caf::expected<result> run(caf::actor_system& sys, const std::string& name, const options& opts) {
  if (name == "copy")
    return run_copy(sys, opts);
  if (name == "wordcount")
    return run_wordcount(sys, opts);
  if (name == "pipeline")
    return run_pipeline(sys, opts);
  if (name == "query")
    return run_query(sys, opts);
  return caf::make_error(caf::sec::invalid_argument,
                         "unknown topology '" + name + "' (copy, wordcount, pipeline, query)");
}

path_map<value> seed_input(std::uint64_t elements, std::uint32_t parts) {
  parts = std::max<std::uint32_t>(1, std::min<std::uint32_t>(parts, 256));
  std::uint64_t per = elements / parts;
  path_map<value> map;
  auto z = map.write_zipper_at_path("in");
  std::uint8_t key[8];
  for (std::uint32_t n = 0; n < parts; ++n)
    for (std::uint64_t i = n * per; i < (n + 1) * per; ++i) {
      z.descend_to_byte(static_cast<std::uint8_t>(n));
      for (int k = 0; k < 8; ++k)
        key[k] = static_cast<std::uint8_t>(i >> (56 - 8 * k));
      z.descend_to(path_view{key, 8});
      z.set_val(i);
      z.reset();
    }
  return map;
}

bool same_values(const path_map<value>& a, const path_map<value>& b) {
  if (a.root_node() == b.root_node()) {
    const value* x = a.get_val_at({});
    const value* y = b.get_val_at({});
    if ((x == nullptr) == (y == nullptr) && (x == nullptr || *x == *y))
      return true;
  }
  auto i = a.begin();
  auto j = b.begin();
  for (; i != a.end() && j != b.end(); ++i, ++j) {
    auto [pa, va] = *i;
    auto [pb, vb] = *j;
    if (!(pa == pb) || va != vb)
      return false;
  }
  return i == a.end() && j == b.end();
}

caf::expected<std::vector<std::string>> read_lines(const std::string& file) {
  // A directory opens as a stream on Linux and then reads as empty: say what it is.
  std::error_code ec;
  if (std::filesystem::is_directory(file, ec))
    return caf::make_error(caf::sec::invalid_argument,
                           "'" + file + "' is a directory, not a text file");
  std::ifstream in(file, std::ios::binary);
  if (!in)
    return caf::make_error(caf::sec::invalid_argument, "cannot read '" + file + "'");
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r')
      line.pop_back();
    if (!line.empty())
      lines.push_back(std::move(line));
  }
  if (lines.empty())
    return caf::make_error(caf::sec::invalid_argument, "'" + file + "' has no lines");
  return lines;
}

namespace detail {

pathmap::path with_be64(pathmap::path prefix, std::uint64_t i) {
  for (int k = 0; k < 8; ++k)
    prefix.push_back(static_cast<std::uint8_t>(i >> (56 - 8 * k)));
  return prefix;
}

caf::expected<actors::job_report>
run_job(caf::actor_system& sys, const actors::coordinator_actor<value>& c, actors::job<value> j,
        const options& o, clock::time_point* replied) {
  std::mutex mx;
  std::condition_variable cv;
  bool finished = false;
  std::thread poller;
  std::uint64_t done_before = o.live != nullptr ? o.live->done.load() : 0;
  if (o.live != nullptr) {
    // Each run has a coordinator of its own, so its task count is the run's progress.
    poller = std::thread([&] {
      std::unique_lock<std::mutex> guard{mx};
      while (!cv.wait_for(guard, std::chrono::milliseconds(100), [&] { return finished; })) {
        guard.unlock();
        auto s = actors::ask<actors::coordinator_stats>(sys, c, std::chrono::seconds(5),
                                                        actors::stats_atom::value);
        if (s) {
          o.live->done = s->tasks_done;
          // A split job may make more tasks than asked for: show the real count.
          std::uint64_t seen = s->tasks_done + s->tasks_pending;
          if (seen > o.live->total)
            o.live->total = seen;
        }
        guard.lock();
      }
    });
  }
  auto res = actors::ask<actors::job_report>(sys, c, o.timeout, std::move(j));
  if (replied != nullptr)
    *replied = clock::now();
  if (poller.joinable()) {
    {
      std::lock_guard<std::mutex> guard{mx};
      finished = true;
    }
    cv.notify_all();
    poller.join();
  }
  if (res && o.live != nullptr)
    o.live->done = done_before + res->tasks;
  return res;
}

caf::expected<path_map<value>>
snapshot(caf::actor_system& sys, const actors::coordinator_actor<value>& c, const options& o) {
  auto s = actors::ask<actors::map_snapshot<value>>(sys, c, o.timeout,
                                                    actors::snapshot_atom::value);
  if (!s)
    return std::move(s.error());
  return std::move(s->map);
}

} // namespace detail

} // namespace pathmap::topologies
