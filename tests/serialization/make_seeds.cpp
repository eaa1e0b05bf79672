// Writes the seed corpora of the serialization fuzzers: make_seeds <paths dir> <map dir>
// <act dir>. Small maps of the shapes the decoders must handle (empty, root value only, dangling
// paths, binary bytes, long paths, a branch of more than 32 children, every built-in codec, raw
// and compressed, and as ACT files).
#include "pathmap/arena_compact.hpp"
#include "pathmap/path_map.hpp"
#include "pathmap/serialization.hpp"

#include <cstdio>
#include <fstream>
#include <random>
#include <string>
#include <variant>
#include <vector>

namespace {

int counter = 0;
std::string act_dir;

void save(const std::string& dir, const std::vector<std::uint8_t>& bytes) {
  std::string name = dir + "/seed-" + std::to_string(counter++);
  std::ofstream f(name, std::ios::binary);
  f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

template <class V>
void emit(const std::string& paths_dir, const std::string& map_dir, const pathmap::path_map<V>& m) {
  std::vector<std::uint8_t> b;
  if (pathmap::serialize_paths(m, b))
    save(paths_dir, b);
  for (bool compress : {false, true}) {
    std::vector<std::uint8_t> mb;
    if (pathmap::serialize_map(m, mb, {compress, 6}))
      save(map_dir, mb);
  }
  auto act = pathmap::arena_compact_tree::from_zipper(m, [](const V& v) -> std::uint64_t {
    if constexpr (std::is_integral_v<V>)
      return static_cast<std::uint64_t>(v) * 1000003u;
    else
      return 7;
  });
  save(act_dir, {act.get_data().begin(), act.get_data().end()});
}

template <class V, class Make>
void shapes(const std::string& pd, const std::string& md, Make make) {
  using map = pathmap::path_map<V>;
  std::mt19937 rng(1234);
  emit(pd, md, map{});
  map root;
  root.set_val_at("", make(0));
  emit(pd, md, root);
  map roman;
  int i = 0;
  for (const char* k : {"arrow", "bow", "cannon", "roman", "romane", "romanus", "romulus", "rubens",
                        "ruber", "rubicon", "rubicundus", "rom'i"})
    roman.set_val_at(k, make(i++));
  roman.create_path("romX/dangling");
  emit(pd, md, roman);
  map bin;
  bin.set_val_at(std::string("\0", 1), make(1));
  bin.set_val_at(std::string("\xff\x00\xff", 3), make(2));
  bin.set_val_at(std::string(300, '\x80'), make(3));
  bin.create_path(std::string("\0\0", 2));
  emit(pd, md, bin);
  map rnd;
  for (int k = 0; k < 40; ++k) {
    std::string p(rng() % 6, '\0');
    for (auto& c : p)
      c = "ab\x00\xff"[rng() % 4];
    if (k % 5 == 0)
      rnd.create_path(p);
    else
      rnd.set_val_at(p, make(k));
  }
  emit(pd, md, rnd);
  map wide;
  for (int k = 0; k < 40; ++k)
    wide.set_val_at(std::string(1, char(k * 5)) + "tail", make(k));
  emit(pd, md, wide);
}

} // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: make_seeds <paths dir> <map dir> <act dir>\n");
    return 1;
  }
  std::string pd = argv[1], md = argv[2];
  act_dir = argv[3];
  shapes<std::string>(pd, md, [](int i) { return std::string(static_cast<std::size_t>(i), 'v'); });
  shapes<std::int64_t>(pd, md, [](int i) { return std::int64_t{-1000} * i; });
  shapes<std::uint64_t>(pd, md, [](int i) { return std::uint64_t{1} << (i % 64); });
  shapes<std::monostate>(pd, md, [](int) { return std::monostate{}; });
  shapes<bool>(pd, md, [](int i) { return i % 2 == 0; });
  std::printf("%d seeds\n", counter);
  return 0;
}
