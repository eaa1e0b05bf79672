// actor_copy: the `copy` topology (examples/topologies/copy.cpp: the seed on the actor runtime)
// beside the seed on std::thread, timed the same way as bench/parallel_copy.bench.cpp.
//
// Families (names carry the allocator the process runs on):
//
//   actor_copy/actors/<alloc>/elements:<E>/workers:<W>
//       A coordinator owns a fresh O(1) copy of the seed's input (`in/<n>/<8-byte i> -> i`,
//       E / W values per part) and W standard workers; the timed region is one copy job (one
//       task per worker, `in/<n> -> out/<n>`, destinations cleared like the seed's
//       `remove_branches`), from sending the job to receiving the job report. Spawning the
//       coordinator and tearing it down (freeing the copy) are outside the timed region; the
//       workers live for the whole benchmark.
//   actor_copy/threads/<alloc>/elements:<E>/workers:<W>
//       The seed itself (as in parallel_copy.bench.cpp: W threads wait on channels, the timed
//       region hands them a tracked reader and writer each and waits for the completion
//       signals), on the same input, in the same process, for a like-for-like ratio.
//
// Times are wall clock (manual time). `worker_cpu_max_ms` is the CPU time of the busiest copying
// thread per iteration (for actors: of the busiest task, measured inside the operation on the
// scheduler thread that ran it), `worker_cpu_sum_ms` the sum; on a machine busy with other work
// the wall time includes waiting for a core, the CPU time is what the copy needs alone. Run with
// --benchmark_repetitions=5 --benchmark_enable_random_interleaving=true; README "Actor runtime"
// has the table.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <time.h>

#include "caf/all.hpp"

#include "pathmap/actors/all.hpp"
#include "pathmap/allocator.hpp"
#include "pathmap/path_map.hpp"
#include "channel.hpp"

namespace {

using pathmap_examples::channel;

using V = std::uint64_t;
using pathmap::path_map;
namespace pa = pathmap::actors;

/// The seed's input, built once per (elements, parts).
const path_map<V>& input(std::uint64_t elements, std::uint32_t parts) {
  static std::map<std::pair<std::uint64_t, std::uint32_t>, path_map<V>> cache;
  auto& m = cache[{elements, parts}];
  if (m.is_empty()) {
    std::uint64_t per = elements / parts;
    auto z = m.write_zipper_at_path("in");
    std::uint8_t key[8];
    for (std::uint32_t n = 0; n < parts; ++n)
      for (std::uint64_t i = n * per; i < (n + 1) * per; ++i) {
        for (int k = 0; k < 8; ++k)
          key[k] = static_cast<std::uint8_t>(i >> (56 - 8 * k));
        z.descend_to_byte(static_cast<std::uint8_t>(n));
        z.descend_to(pathmap::path_view{key, 8});
        z.set_val(i);
        z.reset();
      }
  }
  return m;
}

/// CPU time of the calling thread, in nanoseconds.
std::uint64_t thread_cpu_ns() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1000000000u
         + static_cast<std::uint64_t>(ts.tv_nsec);
}

/// Per-task CPU times of one iteration, and their running totals.
struct cpu_meter {
  explicit cpu_meter(std::size_t tasks) : per_task(tasks) {}
  std::vector<std::atomic<std::uint64_t>> per_task;
  double max_ms = 0;
  double sum_ms = 0;
  void end_iteration() {
    std::uint64_t mx = 0, sum = 0;
    for (auto& t : per_task) {
      std::uint64_t v = t.exchange(0);
      mx = std::max(mx, v);
      sum += v;
    }
    max_ms += static_cast<double>(mx) * 1e-6;
    sum_ms += static_cast<double>(sum) * 1e-6;
  }
  void report(benchmark::State& state) const {
    double its = static_cast<double>(std::max<benchmark::IterationCount>(1, state.iterations()));
    state.counters["worker_cpu_max_ms"] = max_ms / its;
    state.counters["worker_cpu_sum_ms"] = sum_ms / its;
  }
};

std::string alloc_label() {
  std::string_view a = pathmap::allocator_name();
  if (a.substr(0, 8) == "jemalloc")
    return "jemalloc";
  if (a == "glibc malloc")
    return "glibc";
  return "other";
}

struct bench_config : caf::actor_system_config {
  bench_config() {
    pa::register_types(*this);
    if (const char* p = std::getenv("PATHMAP_CAF_POLICY"))
      set("scheduler.policy", caf::atom_from_string(p));
    if (const char* n = std::getenv("PATHMAP_CAF_THREADS"))
      set("scheduler.max-threads", static_cast<std::size_t>(std::atoi(n)));
  }
};

caf::actor_system& actor_system() {
  static bench_config cfg;
  static caf::actor_system sys{cfg};
  return sys;
}

// -- the copy topology on the actor runtime ---------------------------------------------------

void actor_copy(benchmark::State& state, std::uint64_t elements, std::uint32_t workers) {
  auto& sys = actor_system();
  const path_map<V>& base = input(elements, workers);
  std::vector<pa::worker_actor<V>> pool;
  for (std::uint32_t i = 0; i < workers; ++i)
    pool.push_back(pa::spawn_worker<V>(sys));
  std::vector<pa::task_spec> tasks;
  for (std::uint32_t n = 0; n < workers; ++n)
    tasks.push_back(pa::task_spec{{'i', 'n', static_cast<std::uint8_t>(n)},
                                  {'o', 'u', 't', static_cast<std::uint8_t>(n)}});
  pa::job_options jo;
  jo.clear_destinations = true;
  // The standard copy, with the CPU time of each task recorded by destination part.
  auto meter = std::make_shared<cpu_meter>(workers);
  auto copy = pa::operation<V>(
    "copy", [meter, inner = pa::copy_values<V>()](pathmap::read_zipper_tracked<V>& r,
                                                  pathmap::write_zipper_tracked<V>& w) {
      std::uint64_t c0 = thread_cpu_ns();
      auto n = inner(r, w);
      pathmap::path_view root = w.root_prefix_path();
      meter->per_task[root[root.size() - 1]] += thread_cpu_ns() - c0;
      return n;
    });
  caf::scoped_actor self{sys};
  bool ok = true;
  double job_ms = 0;
  for (auto _ : state) {
    auto c = pa::spawn_coordinator<V>(sys, base, pool);
    auto j = pa::job<V>::explicit_tasks(copy, tasks, jo);
    auto t0 = std::chrono::steady_clock::now();
    self->request(c, std::chrono::seconds(300), std::move(j))
      .receive(
        [&](pa::job_report& r) {
          ok = ok && r.values == elements / workers * workers;
          job_ms += std::chrono::duration<double, std::milli>(r.elapsed).count();
        },
               [&](caf::error&) { ok = false; });
    auto t1 = std::chrono::steady_clock::now();
    state.SetIterationTime(std::chrono::duration<double>(t1 - t0).count());
    // Tear down outside the timed region and wait until the copy is freed.
    meter->end_iteration();
    caf::anon_send_exit(c, caf::exit_reason::user_shutdown);
    self->wait_for(c);
  }
  meter->report(state);
  // The coordinator's own view: from the job's arrival to the last completion.
  state.counters["job_ms"] =
    job_ms / static_cast<double>(std::max<benchmark::IterationCount>(1, state.iterations()));
  for (auto& w : pool)
    caf::anon_send_exit(w, caf::exit_reason::user_shutdown);
  if (!ok)
    state.SkipWithError("the copy job failed or copied the wrong number of values");
  state.SetItemsProcessed(
    static_cast<std::int64_t>(state.iterations() * (elements / workers) * workers));
  state.counters["workers"] = workers;
}

// -- the seed on std::thread ---------------------------------------------------------------------

void thread_copy(benchmark::State& state, std::uint64_t elements, std::uint32_t workers) {
  const path_map<V>& base = input(elements, workers);
  using zippers = std::pair<pathmap::read_zipper_tracked<V>, pathmap::write_zipper_tracked<V>>;
  std::vector<channel<zippers>> senders(workers);
  std::vector<channel<bool>> signals(workers);
  cpu_meter meter(workers);
  std::vector<std::thread> threads;
  for (std::uint32_t k = 0; k < workers; ++k)
    threads.emplace_back([&rx = senders[k], &tx = signals[k], &cpu = meter.per_task[k]] {
      while (std::optional<zippers> got = rx.recv()) {
        std::uint64_t c0 = thread_cpu_ns();
        auto& [r, w] = *got;
        auto witness = r.witness();
        while (const V* v = r.to_next_get_val_with_witness(witness)) {
          w.descend_to(r.path());
          w.set_val(*v);
          w.reset();
        }
        got.reset();
        cpu += thread_cpu_ns() - c0;
        tx.send(true);
      }
    });
  bool ok = true;
  for (auto _ : state) {
    auto map = std::make_unique<path_map<V>>(base);
    auto t0 = std::chrono::steady_clock::now();
    {
      auto head = map->zipper_head();
      {
        auto w = head.write_zipper_at_exclusive_path("out");
        w->remove_branches(true);
      }
      for (std::uint32_t n = 0; n < workers; ++n) {
        auto w = head.write_zipper_at_exclusive_path(
          pathmap::path{'o', 'u', 't', static_cast<std::uint8_t>(n)});
        auto r = head.read_zipper_at_path(pathmap::path{'i', 'n', static_cast<std::uint8_t>(n)});
        senders[n].send(zippers(std::move(*r), std::move(*w)));
      }
      for (std::uint32_t n = 0; n < workers; ++n)
        ok = signals[n].recv().value_or(false) && ok;
    }
    auto t1 = std::chrono::steady_clock::now();
    state.SetIterationTime(std::chrono::duration<double>(t1 - t0).count());
    meter.end_iteration();
    map.reset();
  }
  meter.report(state);
  for (auto& c : senders)
    c.close();
  for (auto& t : threads)
    t.join();
  if (!ok)
    state.SkipWithError("a worker failed");
  state.SetItemsProcessed(
    static_cast<std::int64_t>(state.iterations() * (elements / workers) * workers));
  state.counters["workers"] = workers;
}

} // namespace

int main(int argc, char** argv) {
  const std::string alloc = alloc_label();
  benchmark::AddCustomContext("allocator", std::string(pathmap::allocator_name()));
  benchmark::AddCustomContext("hardware_threads",
                              std::to_string(std::thread::hardware_concurrency()));
  for (std::uint64_t e : {std::uint64_t{65535}, std::uint64_t{1048576}})
    for (std::uint32_t w : {1u, 2u, 4u}) {
      std::string suffix = alloc + "/elements:" + std::to_string(e)
                           + "/workers:" + std::to_string(w);
      benchmark::RegisterBenchmark(("actor_copy/actors/" + suffix).c_str(),
                                   [e, w](benchmark::State& s) { actor_copy(s, e, w); })
        ->UseManualTime()
        ->Unit(benchmark::kMillisecond);
      benchmark::RegisterBenchmark(("actor_copy/threads/" + suffix).c_str(),
                                   [e, w](benchmark::State& s) { thread_copy(s, e, w); })
        ->UseManualTime()
        ->Unit(benchmark::kMillisecond);
    }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv))
    return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
