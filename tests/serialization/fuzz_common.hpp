#pragma once
// Shared checks of the serialization fuzz targets (fuzz_paths.cpp, fuzz_map.cpp). Any broken
// property calls fuzz_fail(), which aborts so that libFuzzer records the input.
#include "pathmap/path_map.hpp"
#include "pathmap/serialization.hpp"

#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

namespace fuzz {

[[noreturn]] inline void fuzz_fail(const char* what) {
  std::fprintf(stderr, "fuzz property broken: %s\n", what);
  std::abort();
}

inline void require(bool cond, const char* what) {
  if (!cond)
    fuzz_fail(what);
}

/// Small caps, so that a 4 KiB input cannot make the target slow.
inline pathmap::decode_limits limits() {
  pathmap::decode_limits lim;
  lim.max_path_len = std::size_t{1} << 20;
  lim.max_value_len = std::size_t{1} << 20;
  lim.max_decoded_bytes = std::uint64_t{32} << 20;
  return lim;
}

/// The observable content of a map: each value and each leaf, in order.
template <class V, class Render>
std::vector<std::string> dump(const pathmap::path_map<V>& m, Render render) {
  std::vector<std::string> out;
  auto z = m.read_zipper();
  if (const V* v = z.val())
    out.push_back("=" + render(*v));
  while (z.to_next_step()) {
    const V* v = z.val();
    if (v != nullptr || z.child_count() == 0)
      out.push_back(std::string(z.path().as_string_view()) + (v ? "=" + render(*v) : "~"));
  }
  return out;
}

/// A target map with content; `intact()` says whether it is exactly as it was made.
template <class V>
struct target {
  pathmap::path_map<V> m;
  pathmap::path_map<V> copy;
  explicit target(V v) {
    m.set_val_at("", v);
    m.set_val_at("keep", v);
    m.set_val_at("t", v);
    m.set_val_at("t/old", v);
    m.create_path("dangling");
    copy = m; // shares every node: a change to m would copy nodes instead
  }
  template <class Render>
  bool intact(Render render) const {
    return m.root_node() == copy.root_node() && dump(m, render) == dump(copy, render);
  }
};

inline std::istringstream stream_of(const std::uint8_t* data, std::size_t size) {
  return std::istringstream(std::string(reinterpret_cast<const char*>(data), size));
}

} // namespace fuzz
