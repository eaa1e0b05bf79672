#pragma once
/// @file
/// Structure adapters (see harness.hpp) for `path_map<uint64_t>` and the baseline
/// `std::map<std::string, uint64_t>`. The peers' adapters are in peers.bench.cpp.

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "harness.hpp"
#include "pathmap/path_map.hpp"

namespace pathmap::bench {

/// `pathmap::path_map<uint64_t>`: O(1) copy, ordered iteration through the map's iterator.
struct path_map_adapter {
  static constexpr std::string_view name = "path_map";
  static constexpr bool ordered = true;
  static constexpr int copy = 2;

  pathmap::path_map<std::uint64_t> m;
  std::size_t n = 0;

  void insert(const key_set& ks, std::size_t i) {
    if (!m.set_val_at(ks.key(i), ks.value(i)))
      ++n;
  }
  const std::uint64_t* find(const key_set& ks, std::size_t i) const noexcept {
    return m.get_val_at(ks.key(i));
  }
  template <class F>
  void for_each(F&& f) const {
    for (auto&& [path, v] : m)
      f(path.size(), v);
  }
  std::size_t size() const noexcept { return n; }
  void overwrite(const key_set& ks, std::size_t i, std::uint64_t v) { m.set_val_at(ks.key(i), v); }
};

/// `path_map` built, then `compact()`ed: the read-mostly form (its insert time includes the
/// compaction, its bytes per key are what the packed map holds).
struct path_map_compact_adapter : path_map_adapter {
  static constexpr std::string_view name = "path_map_compact";
  void finish() { m.compact(); }
};

/// The baseline: `std::map<std::string, uint64_t>` (with a transparent comparator, so lookups
/// take a `std::string_view` and never allocate).
struct std_map_adapter {
  static constexpr std::string_view name = "std_map";
  static constexpr bool ordered = true;
  static constexpr int copy = 1;

  std::map<std::string, std::uint64_t, std::less<>> m;

  void insert(const key_set& ks, std::size_t i) {
    m.try_emplace(std::string(ks.view(i)), ks.value(i));
  }
  const std::uint64_t* find(const key_set& ks, std::size_t i) const {
    auto it = m.find(ks.view(i));
    return it == m.end() ? nullptr : &it->second;
  }
  template <class F>
  void for_each(F&& f) const {
    for (auto& [k, v] : m)
      f(k.size(), v);
  }
  std::size_t size() const noexcept { return m.size(); }
};

} // namespace pathmap::bench
