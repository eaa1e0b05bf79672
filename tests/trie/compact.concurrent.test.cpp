// Compacted maps across threads: packed nodes have no reference count of their own, so every
// reference to one counts on its arena, from whichever thread takes or drops it. These tests run
// under ThreadSanitizer as well (`scripts/dev test`).
#include "pathmap/path_map.hpp"
#include "pathmap/zipper_head.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <map>
#include <string>
#include <thread>
#include <vector>

using pathmap::path_map;

namespace {

using u64 = std::uint64_t;

/// Word-like keys under six roots, sharing prefixes, with values at inner positions too.
std::map<std::string, u64> keys_under(const std::vector<std::string>& roots, std::size_t per_root) {
  std::map<std::string, u64> out;
  u64 v = 1;
  for (const auto& r : roots)
    for (std::size_t i = 0; i < per_root; ++i) {
      std::string k = r + std::to_string(i % 97) + "/" + std::to_string(i);
      out[k] = v++;
      if (i % 5 == 0)
        out[k + "s"] = v++;
    }
  return out;
}

path_map<u64> build(const std::map<std::string, u64>& kv) {
  path_map<u64> m;
  for (const auto& [k, v] : kv)
    m.set_val_at(k, v);
  return m;
}

std::size_t mismatches(const path_map<u64>& m, const std::map<std::string, u64>& want) {
  std::size_t bad = m.val_count() == want.size() ? 0 : 1;
  for (const auto& [k, v] : want)
    if (const u64* got = m.get_val_at(k); got == nullptr || *got != v)
      ++bad;
  return bad;
}

} // namespace

TEST_CASE("compact: writers on threads edit one compacted map while a copy shares its arenas") {
  const std::vector<std::string> roots{"ab", "ba", "ca", "re", "ne", "st"};
  std::map<std::string, u64> want = keys_under(roots, 1500);
  const std::map<std::string, u64> before = want;
  path_map<u64> m = build(want);
  m.compact();
  const path_map<u64> keep = m; // shares every arena with `m` while the writers copy nodes
  {
    auto head = m.zipper_head();
    std::vector<pathmap::write_zipper_tracked<u64>> ws;
    for (const auto& r : roots) {
      auto w = head.write_zipper_at_exclusive_path(r);
      REQUIRE(w.has_value());
      ws.push_back(std::move(*w));
    }
    std::vector<std::thread> threads;
    for (auto& w : ws)
      threads.emplace_back([&w] {
        // Bump every value below the root, then add a key and remove one: each write copies
        // the packed nodes on its path and takes references on their arenas.
        w.reset();
        while (w.to_next_val())
          if (u64* v = w.get_val_mut())
            *v += 1;
        w.reset();
        w.descend_to("new");
        w.set_val(7);
        w.reset();
        w.descend_to("0/0");
        w.remove_val(true);
      });
    std::size_t readers_bad = 0;
    std::thread reader([&] { readers_bad = mismatches(keep, before); });
    for (auto& t : threads)
      t.join();
    reader.join();
    CHECK(readers_bad == 0u);
  }
  for (const auto& r : roots) {
    for (auto& [k, v] : want)
      if (k.compare(0, r.size(), r) == 0)
        v += 1;
    want[r + "new"] = 7;
    want.erase(r + "0/0");
  }
  CHECK(mismatches(m, want) == 0u);
  CHECK(mismatches(keep, before) == 0u);
}

TEST_CASE("compact: copies of a compacted map are written and dropped on other threads") {
  const std::vector<std::string> roots{"ab", "ba", "ca", "re"};
  const std::map<std::string, u64> want = keys_under(roots, 2000);
  auto m = std::make_unique<path_map<u64>>(build(want));
  m->compact();
  std::vector<path_map<u64>> copies(4, *m);
  m.reset(); // the copies now hold the only references to the arenas
  std::vector<std::size_t> bad(copies.size());
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < copies.size(); ++t)
    threads.emplace_back([&, t] {
      path_map<u64> mine = std::move(copies[t]);
      std::map<std::string, u64> model = want;
      for (const auto& [k, v] : want)
        if (v % copies.size() == t) {
          mine.set_val_at(k, v + 1000);
          model[k] = v + 1000;
        }
      bad[t] = mismatches(mine, model);
      path_map<u64> again = mine; // compact a copy while other threads drop theirs
      again.compact();
      bad[t] += mismatches(again, model);
    });
  for (auto& t : threads)
    t.join();
  for (std::size_t b : bad)
    CHECK(b == 0u);
}
