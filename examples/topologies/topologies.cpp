// What the topologies share: type registration, the name dispatch, the seed's input, map
// comparison, reading text files, and running one job with live progress.
#include "topologies.hpp"

#include <condition_variable>
#include <fstream>
#include <mutex>
#include <thread>

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
        if (s)
          o.live->done = s->tasks_done;
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
