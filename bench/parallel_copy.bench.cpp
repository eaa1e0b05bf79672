// parallel_copy: the seed's parallel copy (examples/parallel_copy_threads.cpp) timed with Google
// Benchmark, beside the single-threaded copy through the map API, plus the cost of creating and
// dropping tracked zippers.
//
// Families (every name carries the allocator the process runs on, `jemalloc` or `glibc`; the
// same source is built twice, see bench/CMakeLists.txt):
//
//   parallel_copy/seed/<alloc>/elements:<E>/threads:<T>
//       The seed: a zipper head hands each of T worker threads a tracked reader at "in"+[n] and
//       a tracked writer at "out"+[n] through a channel; the workers copy E/T values each with
//       `to_next_get_val_with_witness` + `descend_to` + `set_val` + `reset`. The time is the
//       copy phase only (handing out the zippers, copying, waiting for the completion
//       signals); the worker threads are started before and wait on their channels, as in the
//       seed. Each iteration copies into a fresh O(1) copy of the prepared map, so the nodes
//       under "in" are shared and "out" starts empty.
//   parallel_copy/map_set_val_at/<alloc>/elements:<E>/threads:1
//       The baseline without a head: a read zipper over "in" (`to_next_val`) and
//       `map.set_val_at("out" ++ path, v)` for every value.
//   parallel_copy/write_zipper/<alloc>/elements:<E>/threads:1
//       The same with one untracked write zipper at "out" (`descend_to`, `set_val`, `reset`).
//   zipper_head/tracked_writer_create_drop/<alloc>, zipper_head/tracked_reader_create_drop/<alloc>
//       One `write_zipper_at_exclusive_path` (or `read_zipper_at_path`) and the drop of the
//       zipper, on a head over a map with 1,000 sibling paths.
//
// Times are wall clock (manual time for the copies); `worker_cpu_max_ms` is the CPU time of the
// busiest copying thread per iteration (what the copy costs when it has a core to itself) and
// `worker_cpu_sum_ms` the sum over the copying threads. `scripts/dev bench` runs it with
// `--benchmark_repetitions=5 --benchmark_report_aggregates_only=true` and charts the medians.
// Run `parallel_copy --help` for Google Benchmark's flags.
#include "pathmap/allocator.hpp"
#include "pathmap/path_map.hpp"
#include "channel.hpp"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <time.h>

namespace {

using pathmap_examples::channel;

using pathmap::path_map;
using pathmap::read_zipper_tracked;
using pathmap::write_zipper_tracked;

std::array<std::uint8_t, 8> to_be_bytes(std::uint64_t i) {
  std::array<std::uint8_t, 8> b{};
  for (int k = 7; k >= 0; --k, i >>= 8)
    b[static_cast<std::size_t>(k)] = static_cast<std::uint8_t>(i & 0xff);
  return b;
}

/// The seed's input: `elements / threads` values per thread under "in"+[n]+be64(i).
const path_map<std::size_t>& input(std::size_t elements, std::size_t threads) {
  static std::map<std::pair<std::size_t, std::size_t>, path_map<std::size_t>> cache;
  auto& m = cache[{elements, threads}];
  if (m.is_empty()) {
    std::size_t per = elements / threads;
    auto z = m.write_zipper_at_path("in");
    for (std::size_t n = 0; n < threads; ++n)
      for (std::size_t i = n * per; i < (n + 1) * per; ++i) {
        auto key = to_be_bytes(i);
        z.descend_to_byte(static_cast<std::uint8_t>(n));
        z.descend_to(pathmap::path_view{key.data(), key.size()});
        z.set_val(i);
        z.reset();
      }
  }
  return m;
}

/// CPU time of the calling thread, in seconds.
double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

std::string alloc_label() {
  std::string_view a = pathmap::allocator_name();
  if (a.substr(0, 8) == "jemalloc")
    return "jemalloc";
  if (a == "glibc malloc")
    return "glibc";
  std::string s;
  for (char c : a)
    s.push_back(c == ' ' || c == '/' ? '_' : c);
  return s;
}

// -- the seed, timed --------------------------------------------------------------------------------

void seed_copy(benchmark::State& state, std::size_t elements, std::size_t thread_cnt) {
  const path_map<std::size_t>& base = input(elements, thread_cnt);
  std::size_t per = elements / thread_cnt;
  using zippers = std::pair<read_zipper_tracked<std::size_t>, write_zipper_tracked<std::size_t>>;
  std::vector<channel<zippers>> zipper_senders(thread_cnt);
  std::vector<channel<double>> signal_receivers(thread_cnt); // the worker's CPU seconds
  std::vector<std::thread> workers;
  for (std::size_t k = 0; k < thread_cnt; ++k)
    workers.emplace_back([&zipper_rx = zipper_senders[k], &signal_tx = signal_receivers[k]] {
      while (std::optional<zippers> got = zipper_rx.recv()) {
        double c0 = thread_cpu_seconds();
        auto& [reader_z, writer_z] = *got;
        auto witness = reader_z.witness();
        while (const std::size_t* val = reader_z.to_next_get_val_with_witness(witness)) {
          writer_z.descend_to(reader_z.path());
          writer_z.set_val(*val);
          writer_z.reset();
        }
        got.reset();
        signal_tx.send(thread_cpu_seconds() - c0);
      }
    });

  bool ok = true;
  double cpu_max = 0, cpu_sum = 0;
  for (auto _ : state) {
    auto map = std::make_unique<path_map<std::size_t>>(base); // O(1): shares "in"
    auto t0 = std::chrono::steady_clock::now();
    {
      auto zipper_head = map->zipper_head();
      {
        auto writer_z = zipper_head.write_zipper_at_exclusive_path("out");
        writer_z->remove_branches(true);
      }
      for (std::size_t n = 0; n < thread_cnt; ++n) {
        std::vector<std::uint8_t> path{'o', 'u', 't', static_cast<std::uint8_t>(n)};
        auto writer_z = zipper_head.write_zipper_at_exclusive_path(path);
        path = {'i', 'n', static_cast<std::uint8_t>(n)};
        auto reader_z = zipper_head.read_zipper_at_path(path);
        zipper_senders[n].send(zippers(std::move(*reader_z), std::move(*writer_z)));
      }
      double slowest = 0;
      for (std::size_t n = 0; n < thread_cnt; ++n) {
        std::optional<double> cpu = signal_receivers[n].recv();
        ok = cpu.has_value() && ok;
        slowest = std::max(slowest, cpu.value_or(0));
        cpu_sum += cpu.value_or(0);
      }
      cpu_max += slowest;
    }
    auto t1 = std::chrono::steady_clock::now();
    state.SetIterationTime(std::chrono::duration<double>(t1 - t0).count());
    // Spot-check outside the timed region (the example and the tests check every value).
    const std::size_t* last = nullptr;
    {
      std::vector<std::uint8_t> p{'o', 'u', 't', static_cast<std::uint8_t>(thread_cnt - 1)};
      auto key = to_be_bytes(thread_cnt * per - 1);
      p.insert(p.end(), key.begin(), key.end());
      last = map->get_val_at(p);
    }
    ok = ok && last != nullptr && *last == thread_cnt * per - 1;
    map.reset(); // freeing "out" is not part of the copy
  }
  for (auto& c : zipper_senders)
    c.close();
  for (auto& t : workers)
    t.join();
  if (!ok)
    state.SkipWithError("the copy produced a wrong value");
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * thread_cnt * per));
  state.counters["threads"] = static_cast<double>(thread_cnt);
  state.counters["ns_per_value"] = benchmark::Counter(
    static_cast<double>(state.iterations() * thread_cnt * per),
    benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  // CPU time of the copying threads: on a machine busy with other work the wall time above
  // includes waiting for a core; the busiest worker's CPU time is what the copy needs alone.
  double its = static_cast<double>(state.iterations());
  state.counters["worker_cpu_max_ms"] = cpu_max / its * 1e3;
  state.counters["worker_cpu_sum_ms"] = cpu_sum / its * 1e3;
}

// -- single-threaded baselines through the map API ---------------------------------------------------

void map_copy(benchmark::State& state, std::size_t elements, bool use_write_zipper) {
  const path_map<std::size_t>& base = input(elements, 1);
  double cpu = 0;
  for (auto _ : state) {
    auto map = std::make_unique<path_map<std::size_t>>(base);
    const path_map<std::size_t> src = base; // the reader borrows this copy, writes go to `map`
    double c0 = thread_cpu_seconds();
    auto t0 = std::chrono::steady_clock::now();
    auto rz = src.read_zipper_at_path("in");
    if (use_write_zipper) {
      auto wz = map->write_zipper_at_path("out");
      while (const std::size_t* v = rz.to_next_get_val()) {
        wz.descend_to(rz.path());
        wz.set_val(*v);
        wz.reset();
      }
    } else {
      std::vector<std::uint8_t> key{'o', 'u', 't'};
      while (const std::size_t* v = rz.to_next_get_val()) {
        key.resize(3);
        pathmap::path_view p = rz.path();
        key.insert(key.end(), p.begin(), p.end());
        map->set_val_at(key, *v);
      }
    }
    auto t1 = std::chrono::steady_clock::now();
    cpu += thread_cpu_seconds() - c0;
    state.SetIterationTime(std::chrono::duration<double>(t1 - t0).count());
    map.reset();
  }
  std::size_t per = elements;
  state.counters["worker_cpu_max_ms"] = cpu / static_cast<double>(state.iterations()) * 1e3;
  state.counters["worker_cpu_sum_ms"] = state.counters["worker_cpu_max_ms"];
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * per));
  state.counters["threads"] = 1;
  state.counters["ns_per_value"] =
    benchmark::Counter(static_cast<double>(state.iterations() * per),
                       benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

// -- tracked zipper creation -----------------------------------------------------------------------

void tracked_create_drop(benchmark::State& state, bool writer) {
  path_map<std::size_t> map;
  for (std::size_t i = 0; i < 1000; ++i)
    map.set_val_at("out/" + std::to_string(i) + "/v", i);
  auto head = map.zipper_head();
  // A writer elsewhere stays live, as in a real fan-out.
  auto other = head.write_zipper_at_exclusive_path("out/999");
  std::string p = "out/500";
  for (auto _ : state) {
    if (writer) {
      auto w = head.write_zipper_at_exclusive_path(p);
      benchmark::DoNotOptimize(w.has_value());
    } else {
      auto r = head.read_zipper_at_path(p);
      benchmark::DoNotOptimize(r.has_value());
    }
  }
}

} // namespace

int main(int argc, char** argv) {
  const std::string alloc = alloc_label();
  benchmark::AddCustomContext("allocator", std::string(pathmap::allocator_name()));
  benchmark::AddCustomContext("hardware_threads",
                              std::to_string(std::thread::hardware_concurrency()));

  const std::size_t sizes[] = {65535, 1048576, 4194304};
  const std::size_t thread_counts[] = {1, 2, 4};
  for (std::size_t e : sizes) {
    std::string es = "elements:" + std::to_string(e);
    for (std::size_t t : thread_counts)
      benchmark::RegisterBenchmark(
        ("parallel_copy/seed/" + alloc + "/" + es + "/threads:" + std::to_string(t)).c_str(),
        [e, t](benchmark::State& s) { seed_copy(s, e, t); })
        ->UseManualTime()
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark(
      ("parallel_copy/map_set_val_at/" + alloc + "/" + es + "/threads:1").c_str(),
      [e](benchmark::State& s) { map_copy(s, e, false); })
      ->UseManualTime()
      ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark(
      ("parallel_copy/write_zipper/" + alloc + "/" + es + "/threads:1").c_str(),
      [e](benchmark::State& s) { map_copy(s, e, true); })
      ->UseManualTime()
      ->Unit(benchmark::kMillisecond);
  }
  benchmark::RegisterBenchmark(("zipper_head/tracked_writer_create_drop/" + alloc).c_str(),
                               [](benchmark::State& s) { tracked_create_drop(s, true); })
    ->Unit(benchmark::kNanosecond);
  benchmark::RegisterBenchmark(("zipper_head/tracked_reader_create_drop/" + alloc).c_str(),
                               [](benchmark::State& s) { tracked_create_drop(s, false); })
    ->Unit(benchmark::kNanosecond);

  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv))
    return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
