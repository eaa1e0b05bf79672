// Encode/decode throughput of both serialization formats (not a test: timings never assert).
//
//   cmake --build build/release --target pathmap_serialization_throughput
//   build/release/tests/serialization/pathmap_serialization_throughput [repeats]
//
// Workloads: 1M dense keys (be64(i) -> uint64 i) and the words of /usr/share/dict/words (unit
// values). Prints the median of `repeats` runs (default 7) per operation, in MB/s of the
// uncompressed format bytes and in million paths per second (CPU time of the thread), with
// baselines for the same job without a format: the records written from and read into a
// std::map<std::string, V>, and the same paths inserted into a path_map with set_val_at.
#include "pathmap/path_map.hpp"
#include "pathmap/serialization.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <functional>
#include <map>
#include <string>
#include <variant>
#include <vector>

namespace {

/// This thread's CPU time: steadier than wall time on a loaded machine.
double cpu_now() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

/// Median CPU seconds of `repeats` runs of `f`.
double median_seconds(int repeats, const std::function<void()>& f) {
  std::vector<double> t;
  for (int i = 0; i < repeats; ++i) {
    double t0 = cpu_now();
    f();
    t.push_back(cpu_now() - t0);
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

void report(const char* what, double secs, std::size_t bytes, std::size_t paths) {
  std::printf("  %-44s %9.1f ms %9.1f MB/s %8.2f Mpaths/s\n", what, secs * 1e3,
              static_cast<double>(bytes) / secs / 1e6, static_cast<double>(paths) / secs / 1e6);
}

template <class V>
void run(const char* name, const pathmap::path_map<V>& m, int repeats) {
  using namespace pathmap;
  std::size_t n = m.val_count();
  std::printf("%s: %zu paths\n", name, n);
  std::vector<std::uint8_t> buf;
  serialization_stats s{};
  double t = median_seconds(repeats, [&] {
    buf.clear();
    s = *serialize_paths(m, buf);
  });
  report(".paths encode (zlib level 7)", t, s.bytes_in, s.path_count);
  std::printf("  %-44s %zu -> %zu bytes\n", "", s.bytes_in, s.bytes_out);
  t = median_seconds(repeats, [&] {
    std::size_t k = 0;
    auto d = for_each_deserialized_path(buf, [&](std::size_t, path_view) { ++k; });
    if (!d || k != s.path_count)
      std::abort();
  });
  report(".paths for_each_deserialized_path", t, s.bytes_in, s.path_count);
  t = median_seconds(repeats, [&] {
    path_map<V> r;
    auto wz = r.write_zipper();
    if (!deserialize_paths(wz, buf, V{}))
      std::abort();
  });
  report(".paths deserialize_paths (builds the map)", t, s.bytes_in, s.path_count);

  for (bool compress : {false, true}) {
    std::vector<std::uint8_t> mb;
    serialization_stats ms{};
    t = median_seconds(repeats, [&] {
      mb.clear();
      ms = *serialize_map(m, mb, {compress});
    });
    report(compress ? "map format encode (zlib level 1)" : "map format encode (raw)", t,
           ms.bytes_in, ms.path_count);
    std::printf("  %-44s %zu -> %zu bytes\n", "", ms.bytes_in, ms.bytes_out);
    t = median_seconds(repeats, [&] {
      path_map<V> r;
      if (!deserialize_map(r, mb))
        std::abort();
    });
    report(compress ? "map format decode (zlib)" : "map format decode (raw)", t, ms.bytes_in,
           ms.path_count);
  }

  // Baselines: the same records from and into a std::map (no compression, no format).
  std::map<std::string, V> sm;
  for (auto&& [p, v] : m)
    sm.emplace(std::string(p.as_string_view()), v);
  std::vector<std::uint8_t> raw;
  t = median_seconds(repeats, [&] {
    raw.clear();
    for (auto& [k, v] : sm) {
      auto len = static_cast<std::uint32_t>(k.size());
      raw.insert(raw.end(), reinterpret_cast<const std::uint8_t*>(&len),
                 reinterpret_cast<const std::uint8_t*>(&len) + 4);
      raw.insert(raw.end(), k.begin(), k.end());
    }
  });
  report("baseline: std::map -> raw records", t, raw.size(), sm.size());
  t = median_seconds(repeats, [&] {
    std::map<std::string, V> r;
    std::size_t pos = 0;
    while (pos + 4 <= raw.size()) {
      std::uint32_t len;
      std::memcpy(&len, raw.data() + pos, 4);
      r.emplace_hint(r.end(), std::string(reinterpret_cast<const char*>(raw.data() + pos + 4), len),
                     V{});
      pos += 4 + len;
    }
  });
  report("baseline: raw records -> std::map", t, raw.size(), sm.size());
  std::vector<std::string> keys;
  for (auto& [k, v] : sm)
    keys.push_back(k);
  t = median_seconds(repeats, [&] {
    path_map<V> r;
    for (auto& k : keys)
      r.set_val_at(k, V{});
  });
  report("baseline: set_val_at of the same paths", t, raw.size(), sm.size());
}

std::string be64(std::uint64_t i) {
  std::string s(8, '\0');
  for (int k = 7; k >= 0; --k, i >>= 8)
    s[static_cast<std::size_t>(k)] = static_cast<char>(i & 0xff);
  return s;
}

} // namespace

int main(int argc, char** argv) {
  int repeats = argc > 1 ? std::max(1, std::atoi(argv[1])) : 7;
  {
    pathmap::path_map<std::uint64_t> dense;
    for (std::uint64_t i = 0; i < 1000000; ++i)
      dense.set_val_at(be64(i), i);
    run("dense be64 keys", dense, repeats);
  }
  std::ifstream words("/usr/share/dict/words");
  if (words) {
    pathmap::path_map<std::monostate> dict;
    std::string w;
    while (std::getline(words, w))
      dict.set_val_at(w, {});
    run("/usr/share/dict/words", dict, repeats);
  }
  return 0;
}
