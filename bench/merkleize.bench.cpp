// path_map::merkleize on the word list (/usr/share/dict/words; skipped when missing):
//
//   words_set/merkleize   the words as a set (path_map<std::monostate>): many subtries are
//                         equal (common suffixes), so merkleize folds them
//   words_u64/merkleize   the words with value i for the i-th word: equal subtries need equal
//                         values, so almost nothing folds; this is the cost of finding that out
//
// Each iteration builds the map (not timed), then times merkleize(). Counters: ms (CPU time of
// merkleize), bytes/word before, after merkleize, and after a compact() that follows it,
// bytes/word of compact() alone on a fresh map, and the nodes walked and kept.
//
// Run: build/bench/bench/merkleize [--reps=N] [Google Benchmark flags].

#include <cstdint>
#include <variant>

#include "harness.hpp"
#include "pathmap/path_map.hpp"

namespace pb = pathmap::bench;

namespace {

template <class V>
pathmap::path_map<V> build(const pb::key_set& ks) {
  pathmap::path_map<V> m;
  for (std::size_t i = 0; i < ks.size(); ++i) {
    if constexpr (std::is_same_v<V, std::monostate>)
      m.set_val_at(ks.key(i), V{});
    else
      m.set_val_at(ks.key(i), V(ks.value(i)));
  }
  return m;
}

template <class V>
void bm_merkleize(benchmark::State& state) {
  const pb::workload* w = pb::get_workload("words");
  if (w == nullptr) {
    state.SkipWithError("no word list");
    return;
  }
  const pb::key_set& ks = w->keys;
  const double n = double(ks.size());
  pb::stopwatch sw;
  double before = 0, after = 0, packed = 0, compact_only = 0, nodes = 0, kept = 0;
  for (auto _ : state) {
    const std::size_t a0 = pb::allocated_bytes();
    auto m = build<V>(ks);
    const std::size_t a1 = pb::allocated_bytes();
    sw.start();
    const pathmap::merkleize_result r = m.merkleize();
    sw.stop();
    state.SetIterationTime(sw.last());
    const std::size_t a2 = pb::allocated_bytes();
    m.compact();
    const std::size_t a3 = pb::allocated_bytes();
    before += double(a1 - a0);
    after += double(a2 - a0);
    packed += double(a3 - a0);
    nodes += double(r.nodes);
    kept += double(r.distinct);
    m = {};
    const std::size_t b0 = pb::allocated_bytes();
    auto c = build<V>(ks);
    c.compact();
    compact_only += double(pb::allocated_bytes() - b0);
  }
  pb::set_avg(state, "ms", sw.cpu_ns(), 1e6);
  pb::set_avg(state, "bytes_per_word_before", before, n);
  pb::set_avg(state, "bytes_per_word_merkleized", after, n);
  pb::set_avg(state, "bytes_per_word_merkleized_compacted", packed, n);
  pb::set_avg(state, "bytes_per_word_compacted_only", compact_only, n);
  pb::set_avg(state, "nodes", nodes, 1);
  pb::set_avg(state, "distinct", kept, 1);
}

} // namespace

int main(int argc, char** argv) {
  return pb::run_suite(argc, argv, [] {
    for (auto* b :
         {benchmark::RegisterBenchmark("merkleize/words_set", bm_merkleize<std::monostate>),
          benchmark::RegisterBenchmark("merkleize/words_u64", bm_merkleize<std::uint64_t>)})
      b->UseManualTime()
        ->Iterations(1)
        ->Repetitions(pb::opts().reps)
        ->ReportAggregatesOnly(true)
        ->Unit(benchmark::kMillisecond);
  });
}
