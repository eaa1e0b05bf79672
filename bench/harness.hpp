#pragma once
/// @file
/// The benchmark harness shared by `path_map.bench.cpp` and `peers.bench.cpp`: key sets
/// (workloads), allocated-bytes measurement, and one templated benchmark per phase that runs
/// on any *structure adapter*.
///
/// **Workloads** (`key_set`): keys live in one flat byte buffer, each followed by a NUL (for
/// JudySL) that is not part of the key; key `i` carries the value `i`. A shuffled workload is a
/// copy of the keys in a seeded random order, together with their values, so that a lookup pass
/// reads its keys sequentially and pays only for the structure. All key sets are generated
/// before any measurement and stay cached for the whole run.
///
/// **Phases**, each a Google Benchmark with manual timing (only the measured loop counts):
/// - `insert`: builds the structure from empty in key order; reports `ns_per_key` and
///   `bytes_per_key` (growth of the allocator's allocated bytes while building, so the key
///   arrays are outside it). The structure built last is kept for the next phases.
/// - `lookup_seq` / `lookup_shuffled`: point lookups of every key, in insert order or in a
///   seeded shuffled order; the values found are summed and checked. Workloads above 250,000
///   keys look up 250,000 of them per pass (see `max_lookups`).
/// - `iterate`: ordered iteration over every (key, value), checked the same way.
/// - `copy`: copy construction of the whole structure; reports `ns_per_copy`.
/// - `copy_write`: for structures with O(1) copy, a copy followed by one overwrite of an
///   existing key (the copy-on-write cost on one path).
/// - `lookup_rounds` (`bm_lookup_rounds`): the shuffled lookups of several structures at once,
///   in alternating rounds, for ratios that hold on a machine whose speed drifts.
///
/// Every phase reports `ns_per_key` (or `ns_per_copy`) as an explicit counter averaged over the
/// benchmark's iterations; with `--reps=N` (default 5) each runs N times and only the mean,
/// median, standard deviation and coefficient of variation are reported. Times are the *thread
/// CPU time* of the measured loop (also passed to Google Benchmark as manual time), because the
/// machines this runs on are shared: another process taking the core inflates wall time, not
/// CPU time. Wall time is reported beside it (`wall_ns_per_key`, `wall_ns_per_copy`).
///
/// **Structure adapters** wrap one container behind a small static interface:
///
///     struct adapter {
///       static constexpr std::string_view name;        // column/row label
///       static constexpr bool ordered;                 // has ordered iteration
///       static constexpr int copy;                     // 0: none, 1: O(n), 2: O(1)
///       void insert(const key_set& ks, std::size_t i); // key ks[i] -> ks.value(i)
///       const std::uint64_t* find(const key_set& ks, std::size_t i); // null when absent
///       template <class F> void for_each(F&& f);       // f(key length, value), in order
///       std::size_t size();                            // keys inserted, O(1)
///       void finish();                                 // optional: ends building (timed)
///       void overwrite(const key_set& ks, std::size_t i, std::uint64_t v); // copy_write only
///     };
///
/// Adapters are default-constructible and copy-constructible when `copy != 0`.

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#if defined(__GLIBC__)
#  include <malloc.h>
#endif

#include "pathmap/allocator.hpp"
#include "pathmap/path.hpp"

// jemalloc's control interface. Weak: null when the process does not link jemalloc.
extern "C" int mallctl(const char*, void*, std::size_t*, void*, std::size_t) __attribute__((weak));

namespace pathmap::bench {

// -- allocated bytes ----------------------------------------------------------------------------

/// Bytes the process has allocated and not freed: jemalloc's `stats.allocated` after flushing
/// this thread's cache and refreshing the statistics (`epoch`), else glibc's `mallinfo2()`
/// (in-use heap chunks plus mmapped chunks). Zero when neither is available.
inline std::size_t allocated_bytes() noexcept {
  if (mallctl != nullptr) {
    mallctl("thread.tcache.flush", nullptr, nullptr, nullptr, 0);
    std::uint64_t epoch = 1;
    std::size_t len = sizeof(epoch);
    mallctl("epoch", &epoch, &len, &epoch, len);
    std::size_t allocated = 0;
    len = sizeof(allocated);
    if (mallctl("stats.allocated", &allocated, &len, nullptr, 0) == 0)
      return allocated;
    return 0;
  }
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
  struct mallinfo2 mi = mallinfo2();
  return mi.uordblks + mi.hblkhd;
#else
  return 0;
#endif
}

/// Which counter `allocated_bytes()` reads.
inline const char* allocated_bytes_source() noexcept {
  if (mallctl != nullptr)
    return "jemalloc stats.allocated";
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
  return "glibc mallinfo2 (uordblks + hblkhd)";
#else
  return "none (bytes_per_key is 0)";
#endif
}

// -- key sets -------------------------------------------------------------------------------------

/// A workload: `size()` distinct byte-string keys with their values.
class key_set {
public:
  std::size_t size() const noexcept { return values_.size(); }

  /// Key `i` as bytes.
  const std::uint8_t* data(std::size_t i) const noexcept { return bytes_.data() + offsets_[i]; }
  std::size_t length(std::size_t i) const noexcept { return offsets_[i + 1] - offsets_[i] - 1; }
  path_view key(std::size_t i) const noexcept { return {data(i), length(i)}; }
  std::string_view view(std::size_t i) const noexcept {
    return {reinterpret_cast<const char*>(data(i)), length(i)};
  }
  /// Key `i` followed by a NUL (JudySL).
  const std::uint8_t* c_str(std::size_t i) const noexcept { return data(i); }
  /// Key `i`'s value.
  std::uint64_t value(std::size_t i) const noexcept { return values_[i]; }

  /// Sum of all values (what a lookup or iteration pass must find).
  std::uint64_t value_sum() const noexcept { return value_sum_; }
  /// Sum of all key lengths.
  std::uint64_t length_sum() const noexcept { return bytes_.size() - size(); }
  /// True when no key holds a NUL byte (JudySL needs that).
  bool nul_free() const noexcept { return nul_free_; }

  // -- building ------------------------------------------------------------------------------

  void reserve(std::size_t n, std::size_t bytes) {
    values_.reserve(n);
    offsets_.reserve(n + 1);
    bytes_.reserve(bytes + n);
  }

  void add(const std::uint8_t* k, std::size_t len, std::uint64_t v) {
    if (offsets_.empty())
      offsets_.push_back(0);
    if (std::memchr(k, 0, len) != nullptr)
      nul_free_ = false;
    bytes_.insert(bytes_.end(), k, k + len);
    bytes_.push_back(0);
    offsets_.push_back(bytes_.size());
    values_.push_back(v);
    value_sum_ += v;
  }

  /// The same keys and values in an order shuffled by a seeded Fisher-Yates (deterministic on
  /// every platform, unlike `std::shuffle`).
  key_set shuffled(std::uint64_t seed) const;

private:
  std::vector<std::uint8_t> bytes_;
  std::vector<std::size_t> offsets_;
  std::vector<std::uint64_t> values_;
  std::uint64_t value_sum_ = 0;
  bool nul_free_ = true;
};

/// splitmix64: the seeded generator of every random choice in the benchmarks.
struct splitmix64 {
  std::uint64_t state;
  std::uint64_t operator()() noexcept {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  /// Uniform in [0, n) (Lemire's multiply-shift; the bias is negligible here).
  std::uint64_t below(std::uint64_t n) noexcept {
    __extension__ using u128 = unsigned __int128;
    return static_cast<std::uint64_t>((static_cast<u128>((*this)()) * n) >> 64);
  }
};

inline void store_be64(std::uint8_t* out, std::uint64_t x) noexcept {
  for (int i = 7; i >= 0; --i) {
    out[i] = static_cast<std::uint8_t>(x);
    x >>= 8;
  }
}

inline std::uint64_t load_be64(const std::uint8_t* in) noexcept {
  std::uint64_t x;
  std::memcpy(&x, in, sizeof(x));
  return __builtin_bswap64(x);
}

inline key_set key_set::shuffled(std::uint64_t seed) const {
  std::vector<std::size_t> order(size());
  for (std::size_t i = 0; i < order.size(); ++i)
    order[i] = i;
  splitmix64 rng{seed};
  for (std::size_t i = order.size(); i > 1; --i)
    std::swap(order[i - 1], order[rng.below(i)]);
  key_set out;
  out.reserve(size(), bytes_.size());
  for (std::size_t i : order)
    out.add(data(i), length(i), value(i));
  return out;
}

/// `n` dense keys: key `i` is `i` as 8 big-endian bytes, value `i`.
inline key_set make_dense(std::size_t n) {
  key_set ks;
  ks.reserve(n, 8 * n);
  std::uint8_t k[8];
  for (std::size_t i = 0; i < n; ++i) {
    store_be64(k, i);
    ks.add(k, 8, i);
  }
  return ks;
}

/// `n` random 16-byte keys from splitmix64 seeded with `seed`, value `i` (128 random bits: no
/// duplicates in practice; checked anyway by the lookups).
inline key_set make_random16(std::size_t n, std::uint64_t seed) {
  key_set ks;
  ks.reserve(n, 16 * n);
  splitmix64 rng{seed};
  std::uint8_t k[16];
  for (std::size_t i = 0; i < n; ++i) {
    store_be64(k, rng());
    store_be64(k + 8, rng());
    ks.add(k, 16, i);
  }
  return ks;
}

/// The distinct non-empty lines of a word list in file order (a trailing CR is dropped), value
/// `i` for the `i`-th. Empty when the file cannot be read.
inline key_set make_words(const char* file) {
  key_set ks;
  std::ifstream in(file, std::ios::binary);
  if (!in)
    return ks;
  std::vector<std::string> lines;
  std::unordered_set<std::string> seen;
  std::size_t bytes = 0;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r')
      line.pop_back();
    if (line.empty() || !seen.insert(line).second)
      continue;
    bytes += line.size();
    lines.push_back(std::move(line));
  }
  ks.reserve(lines.size(), bytes);
  for (std::size_t i = 0; i < lines.size(); ++i)
    ks.add(reinterpret_cast<const std::uint8_t*>(lines[i].data()), lines[i].size(), i);
  return ks;
}

/// A workload and its shuffled twin, generated once and kept for the whole run.
struct workload {
  std::string name;
  key_set keys;
  key_set shuffled;
};

/// Default seeds.
inline constexpr std::uint64_t random_keys_seed = 0x5eed'0001;
inline constexpr std::uint64_t shuffle_seed = 0x5eed'0002;

/// Path of the word list (`PATHMAP_BENCH_WORDS` overrides).
inline const char* words_file() noexcept {
  const char* env = std::getenv("PATHMAP_BENCH_WORDS");
  return env != nullptr && *env != '\0' ? env : "/usr/share/dict/words";
}

/// Makes (once) the workload called `name`: `dense_<N>`, `random16_<N>` (N like 1M, 10M,
/// 100k or a plain number) or `words`. Returns null for `words` when the list is missing.
inline const workload* get_workload(const std::string& name) {
  static std::map<std::string, std::unique_ptr<workload>> cache;
  auto it = cache.find(name);
  if (it != cache.end())
    return it->second.get();
  auto count = [](std::string_view s) {
    std::size_t mult = 1;
    if (s.ends_with("M")) {
      mult = 1'000'000;
      s.remove_suffix(1);
    } else if (s.ends_with("k")) {
      mult = 1'000;
      s.remove_suffix(1);
    }
    return std::stoull(std::string(s)) * mult;
  };
  auto w = std::make_unique<workload>();
  w->name = name;
  if (name.starts_with("dense_"))
    w->keys = make_dense(count(std::string_view(name).substr(6)));
  else if (name.starts_with("random16_"))
    w->keys = make_random16(count(std::string_view(name).substr(9)), random_keys_seed);
  else if (name == "words")
    w->keys = make_words(words_file());
  if (w->keys.size() == 0) {
    cache.emplace(name, nullptr);
    return nullptr;
  }
  w->shuffled = w->keys.shuffled(shuffle_seed);
  return cache.emplace(name, std::move(w)).first->second.get();
}

// -- timing and the structure cache ---------------------------------------------------------------

/// Times one measured region twice: thread CPU time (`CLOCK_THREAD_CPUTIME_ID`) and wall
/// time. CPU time is what the phases report as their time (Google Benchmark's manual time and
/// `ns_per_key`): on a shared, loaded machine it does not grow when another process takes the
/// core, while stalls on memory still count. Wall time goes into `wall_ns_per_key`.
class stopwatch {
public:
  void start() noexcept {
    wall0_ = std::chrono::steady_clock::now();
    cpu0_ = thread_cpu();
  }
  void stop() noexcept {
    double cpu = thread_cpu() - cpu0_;
    double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0_).count();
    last_cpu_ = cpu;
    cpu_ns_ += cpu * 1e9;
    wall_ns_ += wall * 1e9;
  }
  /// CPU seconds of the last region.
  double last() const noexcept { return last_cpu_; }
  double cpu_ns() const noexcept { return cpu_ns_; }
  double wall_ns() const noexcept { return wall_ns_; }

  static double thread_cpu() noexcept {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
  }

private:
  std::chrono::steady_clock::time_point wall0_{};
  double cpu0_ = 0, last_cpu_ = 0, cpu_ns_ = 0, wall_ns_ = 0;
};

/// The one structure kept between phases (the one `insert` built last). Holding only one at a
/// time keeps the 10M-key runs within memory.
struct held_base {
  virtual ~held_base() = default;
};

template <class S>
struct held : held_base {
  S s;
};

struct structure_cache {
  std::string id;
  std::unique_ptr<held_base> value;

  void clear() {
    value.reset();
    id.clear();
  }
};

inline structure_cache& cache() {
  static structure_cache c;
  return c;
}

/// Builds `S` from `ks` in key order, then calls `finish()` when the adapter has one (a
/// step that belongs to building, like `path_map::compact()`: timed and measured with it).
template <class S>
void build(S& s, const key_set& ks) {
  for (std::size_t i = 0, n = ks.size(); i < n; ++i)
    s.insert(ks, i);
  if constexpr (requires { s.finish(); })
    s.finish();
}

/// The structure for (workload, S) from the cache, built now when absent (for runs that
/// filter out `insert`).
template <class S>
S& built(const workload& w) {
  std::string id = w.name + "/" + std::string(S::name);
  auto& c = cache();
  if (c.id != id || !c.value) {
    c.clear();
    auto h = std::make_unique<held<S>>();
    build(h->s, w.keys);
    c.value = std::move(h);
    c.id = id;
  }
  return static_cast<held<S>*>(c.value.get())->s;
}

/// Passes per iteration for a lookup or iteration phase, so that a small workload (the word
/// list) still measures at least 250,000 operations.
inline std::size_t passes_for(std::size_t n) noexcept {
  return n >= 250'000 ? 1 : (250'000 + n - 1) / n;
}

/// Keeps a result alive. Takes a copy: `DoNotOptimize` on the accumulator itself takes its
/// address, which makes the compiler keep it in memory inside the measured loop (a store and a
/// reload per key, about a nanosecond of false cost in the iteration phase).
inline void keep(std::uint64_t x) { benchmark::DoNotOptimize(x); }

/// Sets `name` to `total / per` averaged over the iterations (Google Benchmark divides
/// kAvgIterations counters by the iteration count).
inline void set_avg(benchmark::State& state, const char* name, double total, double per) {
  state.counters[name] = benchmark::Counter(total / per, benchmark::Counter::kAvgIterations);
}

/// `ns_per_key`, `wall_ns_per_key` and items per second for `keys` keys per iteration.
inline void set_per_key(benchmark::State& state, const stopwatch& sw, double keys) {
  set_avg(state, "ns_per_key", sw.cpu_ns(), keys);
  set_avg(state, "wall_ns_per_key", sw.wall_ns(), keys);
  state.SetItemsProcessed(static_cast<std::int64_t>(keys * double(state.iterations())));
}

// -- phases ---------------------------------------------------------------------------------------

template <class S>
void bm_insert(benchmark::State& state, const workload* w) {
  const key_set& ks = w->keys;
  stopwatch sw;
  double bytes = 0;
  for (auto _ : state) {
    cache().clear();
    std::size_t a0 = allocated_bytes();
    auto h = std::make_unique<held<S>>();
    sw.start();
    build(h->s, ks);
    sw.stop();
    std::size_t a1 = allocated_bytes();
    state.SetIterationTime(sw.last());
    bytes += double(a1) - double(a0);
    if (h->s.size() != ks.size()) {
      state.SkipWithError("insert: wrong size after building");
      return;
    }
    cache().value = std::move(h);
    cache().id = w->name + "/" + std::string(S::name);
  }
  set_per_key(state, sw, double(ks.size()));
  set_avg(state, "bytes_per_key", bytes, double(ks.size()));
  state.counters["keys"] = double(ks.size());
}

/// Most keys one lookup pass looks up: on bigger workloads a pass takes the first
/// `max_lookups` keys of its order (insert order: a contiguous run; shuffled: a random sample
/// of the whole structure). That keeps the slow peers (a shuffled `std::map` lookup costs
/// microseconds) and the 10M-key runs short without changing what is measured.
inline constexpr std::size_t max_lookups = 250'000;

/// Lookups one measurement makes in `ks`: its first `max_lookups` keys, `passes_for` times.
inline std::size_t lookup_count(const key_set& ks) noexcept {
  const std::size_t n = std::min(ks.size(), max_lookups);
  return n * passes_for(n);
}

/// Looks up the keys of `ks` (`lookup_count` of them) in `s`, timed by `sw` (nothing else is);
/// true when every key was found with its value.
template <class S>
bool timed_lookups(const S& s, const key_set& ks, stopwatch& sw) {
  const std::size_t n = std::min(ks.size(), max_lookups), passes = passes_for(n);
  std::uint64_t expect = 0, sum = 0, missing = 0;
  for (std::size_t i = 0; i < n; ++i)
    expect += ks.value(i);
  sw.start();
  for (std::size_t p = 0; p < passes; ++p) {
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint64_t* v = s.find(ks, i);
      if (v != nullptr) [[likely]]
        sum += *v;
      else
        ++missing;
    }
  }
  sw.stop();
  keep(sum);
  return missing == 0 && sum == expect * passes;
}

/// Lookups of the keys of `shuffled ? w->shuffled : w->keys` (at most `max_lookups`).
template <class S>
void bm_lookup(benchmark::State& state, const workload* w, bool shuffled) {
  S& s = built<S>(*w);
  const key_set& ks = shuffled ? w->shuffled : w->keys;
  stopwatch sw;
  for (auto _ : state) {
    const bool found = timed_lookups(s, ks, sw);
    state.SetIterationTime(sw.last());
    if (!found) {
      state.SkipWithError("lookup: a key was missing or had the wrong value");
      return;
    }
  }
  set_per_key(state, sw, double(lookup_count(ks)));
}

/// Ordered iteration over every (key, value).
template <class S>
void bm_iterate(benchmark::State& state, const workload* w) {
  S& s = built<S>(*w);
  const key_set& ks = w->keys;
  const std::size_t n = ks.size(), passes = passes_for(n);
  stopwatch sw;
  for (auto _ : state) {
    std::uint64_t sum = 0, len = 0, count = 0;
    sw.start();
    for (std::size_t p = 0; p < passes; ++p) {
      s.for_each([&](std::size_t key_len, std::uint64_t v) {
        sum += v;
        len += key_len;
        ++count;
      });
    }
    sw.stop();
    keep(sum);
    keep(len);
    state.SetIterationTime(sw.last());
    if (count != n * passes || sum != ks.value_sum() * passes || len != ks.length_sum() * passes) {
      state.SkipWithError("iterate: wrong count, values or key lengths");
      return;
    }
  }
  set_per_key(state, sw, double(n) * double(passes));
}

/// Copy construction of the whole structure. O(1) copies are timed in batches of 1000 (all
/// kept alive, then dropped untimed); O(n) copies one at a time.
template <class S>
void bm_copy(benchmark::State& state, const workload* w) {
  S& s = built<S>(*w);
  const std::size_t batch = S::copy == 2 ? 1000 : 1;
  std::vector<std::optional<S>> copies(batch);
  stopwatch sw;
  for (auto _ : state) {
    sw.start();
    for (std::size_t i = 0; i < batch; ++i)
      copies[i].emplace(s);
    sw.stop();
    benchmark::DoNotOptimize(copies.data());
    state.SetIterationTime(sw.last());
    if (copies[batch - 1]->size() != s.size()) {
      state.SkipWithError("copy: wrong size");
      return;
    }
    for (auto& c : copies)
      c.reset();
  }
  set_avg(state, "ns_per_copy", sw.cpu_ns(), double(batch));
  set_avg(state, "wall_ns_per_copy", sw.wall_ns(), double(batch));
  state.SetItemsProcessed(static_cast<std::int64_t>(batch * state.iterations()));
}

/// An O(1) copy, then one overwrite of an existing key in the copy (copy-on-write of one path;
/// the original stays unchanged), in batches of 1000 over keys in shuffled order.
template <class S>
void bm_copy_write(benchmark::State& state, const workload* w) {
  S& s = built<S>(*w);
  const key_set& ks = w->shuffled;
  const std::size_t batch = 1000;
  std::vector<std::optional<S>> copies(batch);
  std::size_t next = 0;
  stopwatch sw;
  for (auto _ : state) {
    sw.start();
    for (std::size_t i = 0; i < batch; ++i) {
      copies[i].emplace(s);
      copies[i]->overwrite(ks, next, ks.value(next) + 1);
      next = next + 1 == ks.size() ? 0 : next + 1;
    }
    sw.stop();
    benchmark::DoNotOptimize(copies.data());
    state.SetIterationTime(sw.last());
    for (auto& c : copies)
      c.reset();
  }
  set_avg(state, "ns_per_copy", sw.cpu_ns(), double(batch));
  set_avg(state, "wall_ns_per_copy", sw.wall_ns(), double(batch));
  state.SetItemsProcessed(static_cast<std::int64_t>(batch * state.iterations()));
}

// -- alternating rounds ---------------------------------------------------------------------------

/// One structure of a `bm_lookup_rounds` run: built once, then timed for one pass of shuffled
/// lookups per round.
struct round_entry {
  std::string name;
  std::unique_ptr<held_base> owner;
  std::function<double()> pass; ///< CPU ns per key of one pass, or -1 when a lookup failed
  std::vector<double> ns_per_key;
};

/// Builds `S` from `w` (with `finish()`) for `bm_lookup_rounds`.
template <class S>
round_entry make_round_entry(const workload& w) {
  auto h = std::make_unique<held<S>>();
  build(h->s, w.keys);
  const S* s = &h->s;
  const key_set* ks = &w.shuffled;
  round_entry e{std::string(S::name), std::move(h), {}, {}};
  e.pass = [s, ks] {
    stopwatch sw;
    if (!timed_lookups(*s, *ks, sw))
      return -1.0;
    return sw.last() * 1e9 / double(lookup_count(*ks));
  };
  return e;
}

/// Shuffled lookups of several structures in alternating rounds: each round runs one pass of
/// every structure, starting with a different one each round, and a structure's result is the
/// median of its passes (counter `<name>`, CPU ns per key). Why: the separate
/// `lookup_shuffled` benchmarks of two structures run minutes apart, and on a shared host the
/// speed of the machine drifts by 30% in that time; here every structure sees the same stretch
/// of it, so their ratios hold even when the absolute numbers do not.
inline void bm_lookup_rounds(benchmark::State& state, std::vector<round_entry>& entries,
                             int rounds) {
  for (auto _ : state) {
    for (int r = 0; r < rounds; ++r)
      for (std::size_t j = 0; j < entries.size(); ++j) {
        round_entry& e = entries[(j + std::size_t(r)) % entries.size()];
        const double ns = e.pass();
        if (ns < 0) {
          state.SkipWithError(("lookup_rounds: " + e.name + " missed a key").c_str());
          return;
        }
        e.ns_per_key.push_back(ns);
      }
  }
  for (round_entry& e : entries) {
    std::sort(e.ns_per_key.begin(), e.ns_per_key.end());
    state.counters[e.name] = e.ns_per_key[e.ns_per_key.size() / 2];
  }
}

// -- registration ---------------------------------------------------------------------------------

/// Run options, from the command line (see `parse_options`).
struct options {
  int reps = 5;       ///< repetitions of every benchmark on workloads below 10M keys
  int large_reps = 3; ///< repetitions on 10M-key workloads
  bool large = true;  ///< register the 10M-key workloads at all
  int rounds = 15;    ///< rounds of `bm_lookup_rounds`
};

inline options& opts() {
  static options o;
  return o;
}

/// Takes this harness's flags out of `argv` (the rest goes to Google Benchmark):
/// `--reps=N`, `--large_reps=N`, `--no_large`, `--rounds=N`.
inline void parse_options(int& argc, char** argv) {
  int out = 1;
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a.starts_with("--reps="))
      opts().reps = std::max(1, std::atoi(argv[i] + 7));
    else if (a.starts_with("--large_reps="))
      opts().large_reps = std::max(1, std::atoi(argv[i] + 13));
    else if (a == "--no_large")
      opts().large = false;
    else if (a.starts_with("--rounds="))
      opts().rounds = std::max(1, std::atoi(argv[i] + 9));
    else if (a == "--help" || a == "-h") {
      std::printf("harness flags: --reps=N (default 5), --large_reps=N (10M-key workloads, "
                  "default 3), --no_large (skip 10M-key workloads), --rounds=N (rounds of "
                  "lookup_rounds, default 15)\n");
      argv[out++] = argv[i];
    } else
      argv[out++] = argv[i];
  }
  argc = out;
  argv[argc] = nullptr;
}

/// Which phases to register.
enum phase : unsigned {
  ph_insert = 1,
  ph_lookup_seq = 2,
  ph_lookup_shuffled = 4,
  ph_iterate = 8,
  ph_copy = 16,
  ph_copy_write = 32,
  ph_all = 63,
};

inline bool is_large(const std::string& workload_name) {
  return workload_name.ends_with("M") && workload_name != "dense_1M"
         && workload_name != "random16_1M";
}

/// Says once per workload that it is unavailable and skipped.
inline void tell_unavailable(const std::string& suite, const std::string& workload_name) {
  static std::unordered_set<std::string> told;
  if (told.insert(workload_name).second)
    std::fprintf(stderr, "%s: workload %s unavailable (word list %s missing?): skipped\n",
                 suite.c_str(), workload_name.c_str(), words_file());
}

/// Registers `<suite>/<workload>/<S::name>/<phase>` for the phases in `phases` that `S`
/// supports; skips (with a message) a workload that is unavailable. Generated workloads are
/// made when their first benchmark runs, so a filtered run does not pay for the others.
template <class S>
void register_structure(const std::string& suite, const std::string& workload_name,
                        unsigned phases) {
  bool large = is_large(workload_name);
  if (large && !opts().large)
    return;
  if (workload_name == "words" && get_workload(workload_name) == nullptr) {
    tell_unavailable(suite, workload_name);
    return;
  }
  int reps = large ? opts().large_reps : opts().reps;
  std::string prefix = suite + "/" + workload_name + "/" + std::string(S::name) + "/";
  const std::string wn = workload_name;
  auto setup = [reps](benchmark::internal::Benchmark* b, bool fixed) {
    b->UseManualTime()->Unit(benchmark::kMillisecond)->Repetitions(reps);
    if (fixed)
      b->Iterations(1);
    if (reps > 1)
      b->ReportAggregatesOnly(true);
  };
  if (phases & ph_insert)
    setup(benchmark::RegisterBenchmark((prefix + "insert").c_str(),
                                       [wn](benchmark::State& st) {
                                         bm_insert<S>(st, get_workload(wn));
                                       }),
          true);
  if (phases & ph_lookup_seq)
    setup(benchmark::RegisterBenchmark((prefix + "lookup_seq").c_str(),
                                       [wn](benchmark::State& st) {
                                         bm_lookup<S>(st, get_workload(wn), false);
                                       }),
          true);
  if (phases & ph_lookup_shuffled)
    setup(benchmark::RegisterBenchmark((prefix + "lookup_shuffled").c_str(),
                                       [wn](benchmark::State& st) {
                                         bm_lookup<S>(st, get_workload(wn), true);
                                       }),
          true);
  if constexpr (S::ordered) {
    if (phases & ph_iterate)
      setup(benchmark::RegisterBenchmark((prefix + "iterate").c_str(),
                                         [wn](benchmark::State& st) {
                                           bm_iterate<S>(st, get_workload(wn));
                                         }),
            true);
  }
  if constexpr (S::copy != 0) {
    if (phases & ph_copy) {
      auto* b = benchmark::RegisterBenchmark((prefix + "copy").c_str(), [wn](benchmark::State& st) {
        bm_copy<S>(st, get_workload(wn));
      });
      // O(1) copies: Google Benchmark picks the iteration count (0.1 s of copying a run);
      // O(n) copies: one a run, like the other whole-structure phases.
      setup(b, S::copy == 1);
      if constexpr (S::copy == 2)
        b->Unit(benchmark::kMicrosecond)->MinTime(0.1);
    }
  }
  if constexpr (S::copy == 2) {
    if (phases & ph_copy_write)
      setup(benchmark::RegisterBenchmark((prefix + "copy_write").c_str(),
                                         [wn](benchmark::State& st) {
                                           bm_copy_write<S>(st, get_workload(wn));
                                         })
              ->Unit(benchmark::kMicrosecond)
              ->MinTime(0.1),
            false);
  }
}

/// Context lines every suite prints and writes into its JSON.
inline void add_context() {
  benchmark::AddCustomContext("allocator", std::string(pathmap::allocator_name()));
  benchmark::AddCustomContext("allocated_bytes_source", allocated_bytes_source());
  benchmark::AddCustomContext("words_file", words_file());
}

/// `main` of a suite: harness flags, context, registration through `reg`, run.
template <class Register>
int run_suite(int argc, char** argv, Register&& reg) {
  parse_options(argc, argv);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv))
    return 1;
  add_context();
  reg();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  cache().clear();
  return 0;
}

} // namespace pathmap::bench
