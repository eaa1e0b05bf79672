// The trie algebra on two maps of 1,000,000 random 16-byte keys (seeded splitmix64) that have
// half of their keys in common (`a` = keys 0..1M-1, `b` = keys 500k..1.5M-1 of one stream; the
// values are the key indices, so common keys carry equal values):
//
//   build            building `a` from empty with set_val_at (the yardstick: every algebra
//                    operation should take at most as long as building one operand)
//   join, meet, subtract
//                    a.join(b), a.meet(b), a.subtract(b) (results checked by value count)
//   join_copy_1pct   a.join(c) where c is a copy of `a` in which 1% of the keys (10,000, spread
//                    evenly) got new values: shared subtries are skipped, so this should cost at
//                    most 5% of `join`
//   join_into_copy_1pct  the same through a.join_into(c) on a copy of `a`
//   std_map_build, std_map_join, std_map_meet
//                    the baseline: std::map<std::string, uint64_t> built from the same keys, a
//                    linear merge (union) and intersection of two sorted maps
//
// Run: build/bench/bench/algebra [Google Benchmark flags]. Times are per whole operation; the
// inputs are built once, outside the measured loops. `--benchmark_repetitions=N
// --benchmark_report_aggregates_only=true` reports medians.

#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "pathmap/path_map.hpp"

namespace {

constexpr std::size_t n_keys = 1'000'000;
constexpr std::size_t n_common = n_keys / 2;
constexpr std::size_t n_changed = n_keys / 100;

struct splitmix64 {
  std::uint64_t state;
  std::uint64_t operator()() noexcept {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
};

using map_t = pathmap::path_map<std::uint64_t>;

/// The key stream and the maps built from it, made once.
struct inputs {
  std::vector<std::string> keys; // 1.5M keys: a = [0, 1M), b = [500k, 1.5M)
  map_t a, b, a_changed;
  std::map<std::string, std::uint64_t> sa, sb;

  inputs() {
    splitmix64 rng{0x5eed'a16e'b7a0'0001ull};
    std::size_t total = n_keys + n_keys - n_common;
    keys.reserve(total);
    for (std::size_t i = 0; i < total; ++i) {
      std::string k(16, '\0');
      std::uint64_t x = rng(), y = rng();
      for (int j = 0; j < 8; ++j) {
        k[static_cast<std::size_t>(j)] = static_cast<char>(x >> (56 - 8 * j));
        k[static_cast<std::size_t>(8 + j)] = static_cast<char>(y >> (56 - 8 * j));
      }
      keys.push_back(std::move(k));
    }
    for (std::size_t i = 0; i < n_keys; ++i) {
      a.set_val_at(keys[i], i);
      sa.emplace(keys[i], i);
    }
    for (std::size_t i = n_common; i < total; ++i) {
      b.set_val_at(keys[i], i);
      sb.emplace(keys[i], i);
    }
    a_changed = a;
    for (std::size_t i = 0; i < n_keys; i += n_keys / n_changed)
      a_changed.set_val_at(keys[i], i + 7'000'000);
  }
};

const inputs& in() {
  static const inputs x;
  return x;
}

void check(benchmark::State& state, bool ok, const char* what) {
  if (!ok)
    state.SkipWithError(what);
}

void build(benchmark::State& state) {
  const auto& x = in();
  for (auto _ : state) {
    map_t m;
    for (std::size_t i = 0; i < n_keys; ++i)
      m.set_val_at(x.keys[i], i);
    benchmark::DoNotOptimize(m.root_node());
    state.PauseTiming();
    m = map_t(); // freeing is not part of building
    state.ResumeTiming();
  }
}

/// Times `op` (a whole-map operation returning a new map) per iteration, without freeing its
/// result, and checks the result's value count against `expected`.
template <class Op>
void time_map_op(benchmark::State& state, Op op, std::size_t expected, const char* wrong) {
  const inputs& x = in(); // built once, before any timing
  std::size_t count = 0;
  for (auto _ : state) {
    map_t r = op(x);
    benchmark::DoNotOptimize(r.root_node());
    state.PauseTiming();
    count = r.val_count();
    r = map_t(); // freeing is not part of the operation
    state.ResumeTiming();
  }
  check(state, count == expected, wrong);
}

void join(benchmark::State& state) {
  time_map_op(state, [](const inputs& x) { return x.a.join(x.b); },
              n_keys + n_keys - n_common, "join: wrong value count");
}

void meet(benchmark::State& state) {
  time_map_op(state, [](const inputs& x) { return x.a.meet(x.b); }, n_common,
              "meet: wrong value count");
}

void subtract(benchmark::State& state) {
  time_map_op(state, [](const inputs& x) { return x.a.subtract(x.b); }, n_keys - n_common,
              "subtract: wrong value count");
}

void join_copy_1pct(benchmark::State& state) {
  time_map_op(state, [](const inputs& x) { return x.a.join(x.a_changed); }, n_keys,
              "join_copy_1pct: wrong value count");
}

void join_into_copy_1pct(benchmark::State& state) {
  const auto& x = in();
  for (auto _ : state) {
    state.PauseTiming();
    map_t target = x.a;
    map_t src = x.a_changed;
    state.ResumeTiming();
    auto st = target.join_into(std::move(src));
    benchmark::DoNotOptimize(st);
    state.PauseTiming();
    target = map_t();
    state.ResumeTiming();
  }
}

void std_map_build(benchmark::State& state) {
  const auto& x = in();
  for (auto _ : state) {
    std::map<std::string, std::uint64_t> m;
    for (std::size_t i = 0; i < n_keys; ++i)
      m.emplace(x.keys[i], i);
    benchmark::DoNotOptimize(m.size());
    state.PauseTiming();
    m = {};
    state.ResumeTiming();
  }
}

void std_map_join(benchmark::State& state) {
  const auto& x = in();
  for (auto _ : state) {
    std::map<std::string, std::uint64_t> r;
    auto ia = x.sa.begin(), ib = x.sb.begin();
    while (ia != x.sa.end() || ib != x.sb.end()) {
      if (ib == x.sb.end() || (ia != x.sa.end() && ia->first < ib->first))
        r.emplace_hint(r.end(), *ia++);
      else if (ia == x.sa.end() || ib->first < ia->first)
        r.emplace_hint(r.end(), *ib++);
      else {
        r.emplace_hint(r.end(), *ia++);
        ++ib;
      }
    }
    benchmark::DoNotOptimize(r.size());
    state.PauseTiming();
    r = {};
    state.ResumeTiming();
  }
}

void std_map_meet(benchmark::State& state) {
  const auto& x = in();
  for (auto _ : state) {
    std::map<std::string, std::uint64_t> r;
    auto ia = x.sa.begin(), ib = x.sb.begin();
    while (ia != x.sa.end() && ib != x.sb.end()) {
      if (ia->first < ib->first)
        ++ia;
      else if (ib->first < ia->first)
        ++ib;
      else {
        r.emplace_hint(r.end(), *ia++);
        ++ib;
      }
    }
    benchmark::DoNotOptimize(r.size());
    state.PauseTiming();
    r = {};
    state.ResumeTiming();
  }
}

} // namespace

BENCHMARK(build)->Unit(benchmark::kMillisecond);
BENCHMARK(join)->Unit(benchmark::kMillisecond);
BENCHMARK(meet)->Unit(benchmark::kMillisecond);
BENCHMARK(subtract)->Unit(benchmark::kMillisecond);
BENCHMARK(join_copy_1pct)->Unit(benchmark::kMillisecond);
BENCHMARK(join_into_copy_1pct)->Unit(benchmark::kMillisecond);
BENCHMARK(std_map_build)->Unit(benchmark::kMillisecond);
BENCHMARK(std_map_join)->Unit(benchmark::kMillisecond);
BENCHMARK(std_map_meet)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
