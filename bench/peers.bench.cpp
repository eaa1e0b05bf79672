// Head to head: path_map<uint64_t> against the usual ordered and unordered string maps and two
// tries written in C, on the same workloads (see harness.hpp for the phases).
//
// Structures (each peer only when CMake found it; see bench/CMakeLists.txt):
//   path_map        pathmap::path_map<uint64_t>
//   path_map_compact  the same after `compact()` (packed arenas; timed as part of insert)
//   std_map         std::map<std::string, uint64_t> (transparent comparator)
//   absl_btree      absl::btree_map<std::string, uint64_t>
//   absl_flat_hash  absl::flat_hash_map<std::string, uint64_t> (unordered: no iteration)
//   JudyL           Judy array keyed by the 64-bit integer (dense keys only)
//   JudyHS          Judy hash of byte strings (unordered, no iteration)
//   JudySL          Judy array of NUL-terminated strings (the word list only)
//   hat_trie        libhat-trie (C): HAT-trie of byte strings, sorted iteration
//
// Workloads: dense_1M, random16_1M, words, dense_10M. Phases: insert (+ bytes per key),
// lookup in insert order, lookup in shuffled order, ordered iteration, copy (where the structure
// has one; on 10M keys only the O(1) copy of path_map), copy + one write (path_map).
//
// Judy and libhat-trie allocate with malloc, which is jemalloc in these programs, so their
// bytes per key come from the same statistics as everyone else's.
//
// Run: build/bench/bench/peers [--reps=N] [--large_reps=N] [--no_large] [Google Benchmark
// flags], e.g. --benchmark_filter=dense_1M.

#include <cstring>
#include <string>

#include "adapters.hpp"

#if defined(PATHMAP_BENCH_HAVE_ABSL)
#  include <absl/container/btree_map.h>
#  include <absl/container/flat_hash_map.h>
#endif

#if defined(PATHMAP_BENCH_HAVE_JUDY)
#  include <Judy.h>
#endif

#if defined(PATHMAP_BENCH_HAVE_HAT_TRIE)
#  include <hat-trie/hat-trie.h>
#endif

namespace pathmap::bench {

// -- Abseil -------------------------------------------------------------------------------------

#if defined(PATHMAP_BENCH_HAVE_ABSL)

inline absl::string_view absl_view(const key_set& ks, std::size_t i) noexcept {
  return {reinterpret_cast<const char*>(ks.data(i)), ks.length(i)};
}

struct absl_btree_adapter {
  static constexpr std::string_view name = "absl_btree";
  static constexpr bool ordered = true;
  static constexpr int copy = 1;

  absl::btree_map<std::string, std::uint64_t> m;

  void insert(const key_set& ks, std::size_t i) {
    m.try_emplace(std::string(ks.view(i)), ks.value(i));
  }
  const std::uint64_t* find(const key_set& ks, std::size_t i) const {
    auto it = m.find(absl_view(ks, i));
    return it == m.end() ? nullptr : &it->second;
  }
  template <class F>
  void for_each(F&& f) const {
    for (auto& [k, v] : m)
      f(k.size(), v);
  }
  std::size_t size() const noexcept { return m.size(); }
};

struct absl_flat_hash_adapter {
  static constexpr std::string_view name = "absl_flat_hash";
  static constexpr bool ordered = false;
  static constexpr int copy = 1;

  absl::flat_hash_map<std::string, std::uint64_t> m;

  void insert(const key_set& ks, std::size_t i) {
    m.try_emplace(std::string(ks.view(i)), ks.value(i));
  }
  const std::uint64_t* find(const key_set& ks, std::size_t i) const {
    auto it = m.find(absl_view(ks, i));
    return it == m.end() ? nullptr : &it->second;
  }
  template <class F>
  void for_each(F&&) const {}
  std::size_t size() const noexcept { return m.size(); }
};

#endif

// -- Judy -----------------------------------------------------------------------------------------

#if defined(PATHMAP_BENCH_HAVE_JUDY)

static_assert(sizeof(Word_t) == sizeof(std::uint64_t));

/// Judy arrays have no copy; the adapters own one array each.
struct judy_base {
  judy_base() = default;
  judy_base(const judy_base&) = delete;
  judy_base& operator=(const judy_base&) = delete;

  Pvoid_t a = nullptr;
  std::size_t n = 0;

  std::size_t size() const noexcept { return n; }
  static const std::uint64_t* value_of(PPvoid_t p) noexcept {
    return p == nullptr ? nullptr : reinterpret_cast<const std::uint64_t*>(p);
  }
  static void store(PPvoid_t p, std::uint64_t v) noexcept {
    *reinterpret_cast<Word_t*>(p) = static_cast<Word_t>(v);
  }
};

/// JudyL keyed by the integer the dense key encodes (its 8 big-endian bytes, decoded per call).
struct judyl_adapter : judy_base {
  static constexpr std::string_view name = "JudyL";
  static constexpr bool ordered = true;
  static constexpr int copy = 0;

  ~judyl_adapter() { JudyLFreeArray(&a, PJE0); }

  void insert(const key_set& ks, std::size_t i) {
    store(JudyLIns(&a, load_be64(ks.data(i)), PJE0), ks.value(i));
    ++n;
  }
  const std::uint64_t* find(const key_set& ks, std::size_t i) const noexcept {
    return value_of(JudyLGet(a, load_be64(ks.data(i)), PJE0));
  }
  template <class F>
  void for_each(F&& f) const {
    Word_t k = 0;
    for (PPvoid_t p = JudyLFirst(a, &k, PJE0); p != nullptr; p = JudyLNext(a, &k, PJE0))
      f(sizeof(Word_t), *value_of(p));
  }
};

/// JudyHS: byte strings of any content, hashed; no ordered iteration.
struct judyhs_adapter : judy_base {
  static constexpr std::string_view name = "JudyHS";
  static constexpr bool ordered = false;
  static constexpr int copy = 0;

  ~judyhs_adapter() { JudyHSFreeArray(&a, PJE0); }

  static void* key_ptr(const key_set& ks, std::size_t i) noexcept {
    return const_cast<std::uint8_t*>(ks.data(i)); // JudyHS never writes through it
  }
  void insert(const key_set& ks, std::size_t i) {
    store(JudyHSIns(&a, key_ptr(ks, i), ks.length(i), PJE0), ks.value(i));
    ++n;
  }
  const std::uint64_t* find(const key_set& ks, std::size_t i) const noexcept {
    return value_of(JudyHSGet(a, key_ptr(ks, i), ks.length(i)));
  }
  template <class F>
  void for_each(F&&) const {}
};

/// JudySL: NUL-terminated strings (keys without NUL bytes only), sorted iteration.
struct judysl_adapter : judy_base {
  static constexpr std::string_view name = "JudySL";
  static constexpr bool ordered = true;
  static constexpr int copy = 0;

  std::size_t max_len = 0;

  ~judysl_adapter() { JudySLFreeArray(&a, PJE0); }

  void insert(const key_set& ks, std::size_t i) {
    store(JudySLIns(&a, ks.c_str(i), PJE0), ks.value(i));
    max_len = std::max(max_len, ks.length(i));
    ++n;
  }
  const std::uint64_t* find(const key_set& ks, std::size_t i) const noexcept {
    return value_of(JudySLGet(a, ks.c_str(i), PJE0));
  }
  template <class F>
  void for_each(F&& f) const {
    std::vector<std::uint8_t> k(max_len + 1, 0);
    for (PPvoid_t p = JudySLFirst(a, k.data(), PJE0); p != nullptr;
         p = JudySLNext(a, k.data(), PJE0))
      f(std::strlen(reinterpret_cast<const char*>(k.data())), *value_of(p));
  }
};

#endif

// -- HAT-trie -------------------------------------------------------------------------------------

#if defined(PATHMAP_BENCH_HAVE_HAT_TRIE)

static_assert(sizeof(value_t) == sizeof(std::uint64_t));

/// libhat-trie (Askitis and Sinha's HAT-trie in C): no copy; sorted iteration sorts each
/// hash-table bucket on the fly.
struct hat_trie_adapter {
  static constexpr std::string_view name = "hat_trie";
  static constexpr bool ordered = true;
  static constexpr int copy = 0;

  hattrie_t* t = hattrie_create();

  hat_trie_adapter() = default;
  hat_trie_adapter(const hat_trie_adapter&) = delete;
  hat_trie_adapter& operator=(const hat_trie_adapter&) = delete;
  ~hat_trie_adapter() { hattrie_free(t); }

  static const char* key_ptr(const key_set& ks, std::size_t i) noexcept {
    return reinterpret_cast<const char*>(ks.data(i));
  }
  void insert(const key_set& ks, std::size_t i) {
    *hattrie_get(t, key_ptr(ks, i), ks.length(i)) = static_cast<value_t>(ks.value(i));
  }
  const std::uint64_t* find(const key_set& ks, std::size_t i) const noexcept {
    return reinterpret_cast<const std::uint64_t*>(hattrie_tryget(t, key_ptr(ks, i), ks.length(i)));
  }
  template <class F>
  void for_each(F&& f) const {
    hattrie_iter_t* it = hattrie_iter_begin(t, true);
    for (; !hattrie_iter_finished(it); hattrie_iter_next(it)) {
      std::size_t len = 0;
      hattrie_iter_key(it, &len);
      f(len, static_cast<std::uint64_t>(*hattrie_iter_val(it)));
    }
    hattrie_iter_free(it);
  }
  std::size_t size() const noexcept { return hattrie_size(t); }
};

#endif

} // namespace pathmap::bench

namespace pb = pathmap::bench;

namespace {

/// Registers every phase `S` supports on `workload`; O(n) copies are left out on 10M keys.
template <class S>
void reg(const std::string& workload) {
  unsigned phases = pb::ph_all;
  if (S::copy == 1 && pb::is_large(workload))
    phases &= ~unsigned(pb::ph_copy);
  pb::register_structure<S>("peers", workload, phases);
}

void register_workload(const std::string& workload) {
  reg<pb::path_map_adapter>(workload);
  reg<pb::path_map_compact_adapter>(workload);
  reg<pb::std_map_adapter>(workload);
#if defined(PATHMAP_BENCH_HAVE_ABSL)
  reg<pb::absl_btree_adapter>(workload);
  reg<pb::absl_flat_hash_adapter>(workload);
#endif
#if defined(PATHMAP_BENCH_HAVE_JUDY)
  if (workload.starts_with("dense_"))
    reg<pb::judyl_adapter>(workload);
  if (workload == "words") {
    const pb::workload* w = pb::get_workload(workload);
    if (w != nullptr && w->keys.nul_free())
      reg<pb::judysl_adapter>(workload);
  }
  reg<pb::judyhs_adapter>(workload);
#endif
#if defined(PATHMAP_BENCH_HAVE_HAT_TRIE)
  reg<pb::hat_trie_adapter>(workload);
#endif
}

/// `peers/<workload>/lookup_rounds`: path_map, path_map_compact and the byte-key peers looked
/// up in alternating rounds (`bm_lookup_rounds`), for the word list and the random keys.
void register_rounds(const std::string& workload) {
  // Generated workloads are made when the benchmark runs; only the word list may be missing.
  if (workload == "words" && pb::get_workload(workload) == nullptr) {
    pb::tell_unavailable("peers", workload);
    return;
  }
  benchmark::RegisterBenchmark(("peers/" + workload + "/lookup_rounds").c_str(),
                               [workload](benchmark::State& st) {
                                 const pb::workload& w = *pb::get_workload(workload);
                                 pb::cache().clear();
                                 std::vector<pb::round_entry> es;
                                 es.push_back(pb::make_round_entry<pb::path_map_adapter>(w));
                                 es.push_back(
                                   pb::make_round_entry<pb::path_map_compact_adapter>(w));
#if defined(PATHMAP_BENCH_HAVE_JUDY)
                                 if (w.keys.nul_free())
                                   es.push_back(pb::make_round_entry<pb::judysl_adapter>(w));
                                 es.push_back(pb::make_round_entry<pb::judyhs_adapter>(w));
#endif
#if defined(PATHMAP_BENCH_HAVE_HAT_TRIE)
                                 es.push_back(pb::make_round_entry<pb::hat_trie_adapter>(w));
#endif
                                 pb::bm_lookup_rounds(st, es, pb::opts().rounds);
                               })
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);
}

void tell_missing_peers() {
#if !defined(PATHMAP_BENCH_HAVE_ABSL)
  std::fprintf(stderr, "peers: built without Abseil: absl_btree, absl_flat_hash skipped\n");
#endif
#if !defined(PATHMAP_BENCH_HAVE_JUDY)
  std::fprintf(stderr, "peers: built without Judy: JudyL, JudyHS, JudySL skipped\n");
#endif
#if !defined(PATHMAP_BENCH_HAVE_HAT_TRIE)
  std::fprintf(stderr, "peers: built without libhat-trie: hat_trie skipped\n");
#endif
}

} // namespace

int main(int argc, char** argv) {
  return pb::run_suite(argc, argv, [] {
    tell_missing_peers();
    for (const char* w : {"dense_1M", "random16_1M", "words", "dense_10M"})
      register_workload(w);
    for (const char* w : {"words", "random16_1M"})
      register_rounds(w);
  });
}
