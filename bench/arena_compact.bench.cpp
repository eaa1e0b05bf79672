// The ACT format (pathmap/arena_compact.hpp) on the word list and on 1M random 16-byte keys,
// beside the path_map it was written from, in the same run:
//
//   act/<workload>/write     from_zipper(map): ms, and the file's bytes per key
//   act/<workload>/open      from_bytes: the whole-file check done on opening, ns per key
//   act/<workload>/lookup    get_val_at of every key in shuffled order, ns per key, with
//                            path_map's get_val_at on the same keys measured in alternation
//   act/<workload>/iterate   act_zipper to_next_val over every value, ns per key, and the map's
//                            ordered iteration beside it
//
// Run: build/bench/bench/arena_compact [--reps=N] [Google Benchmark flags].

#include <cstdint>
#include <string>

#include "harness.hpp"
#include "pathmap/arena_compact.hpp"
#include "pathmap/path_map.hpp"

namespace pb = pathmap::bench;
using pathmap::arena_compact_tree;

namespace {

pathmap::path_map<std::uint64_t> build(const pb::key_set& ks) {
  pathmap::path_map<std::uint64_t> m;
  for (std::size_t i = 0; i < ks.size(); ++i)
    m.set_val_at(ks.key(i), ks.value(i));
  return m;
}

arena_compact_tree act_of(const pathmap::path_map<std::uint64_t>& m) {
  return arena_compact_tree::from_zipper(m, [](std::uint64_t v) { return v; });
}

void bm(benchmark::State& state, const std::string& workload, const std::string& phase) {
  const pb::workload* w = pb::get_workload(workload);
  if (w == nullptr) {
    state.SkipWithError("workload unavailable");
    return;
  }
  const double n = double(w->keys.size());
  const auto m = build(w->keys);
  pb::stopwatch sw, peer;
  double file_bytes = 0;
  for (auto _ : state) {
    if (phase == "write") {
      sw.start();
      auto t = act_of(m);
      sw.stop();
      file_bytes += double(t.get_data().size());
    } else if (phase == "open") {
      const auto t = act_of(m);
      std::vector<std::uint8_t> copy(t.get_data().begin(), t.get_data().end());
      sw.start();
      auto r = arena_compact_tree::from_bytes(std::move(copy));
      sw.stop();
      if (!r)
        state.SkipWithError("our own file did not open");
    } else if (phase == "lookup") {
      const auto t = act_of(m);
      const pb::key_set& ks = w->shuffled;
      std::uint64_t sum = 0, want = 0;
      sw.start();
      for (std::size_t i = 0; i < ks.size(); ++i)
        sum += t.get_val_at(ks.key(i)).value_or(0);
      sw.stop();
      peer.start();
      for (std::size_t i = 0; i < ks.size(); ++i)
        want += *m.get_val_at(ks.key(i));
      peer.stop();
      if (sum != want)
        state.SkipWithError("lookups disagree");
    } else {
      const auto t = act_of(m);
      std::uint64_t sum = 0, want = 0;
      sw.start();
      auto z = t.read_zipper();
      for (bool more = z.to_first_val(); more; more = z.to_next_val())
        sum += *z.val();
      sw.stop();
      peer.start();
      for (auto&& [p, v] : m)
        want += v;
      peer.stop();
      if (sum != want)
        state.SkipWithError("iterations disagree");
    }
    state.SetIterationTime(sw.last());
  }
  if (phase == "write") {
    pb::set_avg(state, "ms", sw.cpu_ns(), 1e6);
    pb::set_avg(state, "bytes_per_key", file_bytes, n);
  } else {
    pb::set_avg(state, "ns_per_key", sw.cpu_ns(), n);
    if (phase != "open")
      pb::set_avg(state, "path_map_ns_per_key", peer.cpu_ns(), n);
  }
}

} // namespace

int main(int argc, char** argv) {
  return pb::run_suite(argc, argv, [] {
    for (const char* w : {"words", "random16_1M"})
      for (const char* phase : {"write", "open", "lookup", "iterate"})
        benchmark::RegisterBenchmark(("act/" + std::string(w) + "/" + phase).c_str(),
                                     [w = std::string(w), phase = std::string(phase)](
                                       benchmark::State& st) { bm(st, w, phase); })
          ->UseManualTime()
          ->Iterations(1)
          ->Repetitions(pb::opts().reps)
          ->ReportAggregatesOnly(true)
          ->Unit(benchmark::kMillisecond);
  });
}
