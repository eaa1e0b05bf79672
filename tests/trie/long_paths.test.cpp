// Long paths (PATHMAP-SPEC §7.7): 1 MiB and 4 MiB paths through the map API and zippers, copies
// of them, and destruction / counting / iteration of chains a million nodes deep, none of which
// may recurse in proportion to path length.
#include "pathmap/path_map.hpp"

#include "test_support.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <utility>

using pathmap::path_map;
using pathmap::path_view;
using namespace pathmap_test;

namespace {

constexpr std::size_t mib = std::size_t{1} << 20;

/// A path of n bytes with no repeating structure to compress.
std::string long_path(std::size_t n, unsigned salt = 0) {
  std::string s(n, '\0');
  std::uint32_t x = 0x9e3779b9u ^ salt;
  for (std::size_t i = 0; i < n; ++i) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    s[i] = static_cast<char>(x & 0xff);
  }
  return s;
}

/// A chain `levels` nodes deep, built bottom-up by grafting (O(1) per level): level i is the
/// byte 'a' leading to the rest of the chain and, with `branch`, a sibling byte 'b' holding the
/// value i. The deepest position holds the value `levels`.
path_map<int> deep_chain(std::size_t levels, bool branch) {
  path_map<int> m;
  m.set_val_at("", static_cast<int>(levels));
  for (std::size_t i = levels; i-- > 0;) {
    path_map<int> up;
    if (branch)
      up.set_val_at("b", static_cast<int>(i));
    {
      auto wz = up.write_zipper_at_path("a");
      wz.graft_map(std::move(m));
    }
    m = std::move(up);
  }
  return m;
}

} // namespace

TEST_SUITE_BEGIN("long paths");

TEST_CASE("a 1 MiB path is set, found, iterated and removed") {
  const std::string p = long_path(mib);
  path_map<int> m;
  CHECK_FALSE(m.set_val_at(p, 1).has_value());
  REQUIRE(m.get_val_at(p) != nullptr);
  CHECK(*m.get_val_at(p) == 1);
  CHECK(m.path_exists_at(p.substr(0, mib / 2)));
  CHECK(m.get_val_at(p.substr(0, mib - 1)) == nullptr);
  CHECK_FALSE(m.path_exists_at(p + "x"));
  CHECK(m.val_count() == 1u);
  // a second path that leaves the first one 3 bytes before its end
  std::string q = p.substr(0, mib - 3) + "xyz";
  if (q == p)
    q.back() ^= 1;
  CHECK_FALSE(m.set_val_at(q, 2).has_value());
  CHECK(m.val_count() == 2u);
  std::size_t n = 0;
  for (auto&& [path, v] : m) {
    CHECK(path.size() == mib);
    CHECK(str(path) == (v == 1 ? p : q));
    ++n;
  }
  CHECK(n == 2u);
  CHECK(m.remove_val_at(p, true) == std::optional<int>{1});
  CHECK(m.path_exists_at(p.substr(0, mib - 3)));
  CHECK_FALSE(m.path_exists_at(p));
  CHECK(m.remove_val_at(q, true) == std::optional<int>{2});
  CHECK(m.is_empty());
}

TEST_CASE("a 4 MiB path is set, found and removed") {
  const std::string p = long_path(4 * mib, 7);
  path_map<std::string> m;
  m.set_val_at(p, "deep");
  m.set_val_at(p.substr(0, 2 * mib), "middle");
  REQUIRE(m.get_val_at(p) != nullptr);
  CHECK(*m.get_val_at(p) == "deep");
  CHECK(*m.get_val_at(p.substr(0, 2 * mib)) == "middle");
  CHECK(m.val_count() == 2u);
  CHECK(m.create_path(p + "tail"));
  CHECK(m.prune_path(p + "tail") == 4u);
  CHECK(m.remove_val_at(p, false) == std::optional<std::string>{"deep"});
  CHECK(m.path_exists_at(p));
  CHECK(m.prune_path(p) == 2 * mib);
  CHECK(m.remove_val_at(p.substr(0, 2 * mib), true).has_value());
  CHECK(m.is_empty());
}

TEST_CASE("a zipper descends and ascends over a 1 MiB path") {
  const std::string p = long_path(mib, 3);
  path_map<int> m;
  m.set_val_at(p, 5);
  m.set_val_at(p.substr(0, 1000), 4);
  auto z = m.read_zipper();
  z.descend_to(p);
  CHECK(z.is_val());
  CHECK(*z.val() == 5);
  CHECK(z.path().size() == mib);
  CHECK(z.ascend_until());
  CHECK(z.path().size() == 1000u);
  CHECK(z.ascend_until());
  CHECK(z.at_root());
  CHECK(z.descend_to_existing(p + "more") == mib);
  CHECK(z.ascend(mib - 10));
  CHECK(z.path().size() == 10u);
  CHECK_FALSE(z.ascend(mib));
  CHECK(z.at_root());
  CHECK(z.descend_until());
  CHECK(z.path().size() == 1000u);
  CHECK(z.descend_until());
  CHECK(z.path().size() == mib);
  z.reset();
  CHECK(z.to_next_val());
  CHECK(z.path().size() == 1000u);
  CHECK(z.to_next_val());
  CHECK(str(z.path()) == p);
  CHECK_FALSE(z.to_next_val());
  CHECK(z.descend_last_path());
  CHECK(z.path().size() == mib);
  z.reset();
  CHECK(z.val_count() == 2u);
  auto f = m.read_zipper_at_path(p.substr(0, mib / 2));
  CHECK(f.val_count() == 1u);
  CHECK(f.descend_until());
  CHECK(f.path().size() == mib / 2);
  auto made = f.make_map();
  CHECK(made.val_count() == 1u);
}

TEST_CASE("a write zipper writes and prunes at the end of a 1 MiB path") {
  const std::string p = long_path(mib, 4);
  path_map<int> m;
  m.set_val_at("short", 1);
  {
    auto wz = m.write_zipper();
    wz.descend_to(p);
    CHECK_FALSE(wz.set_val(2).has_value());
    CHECK(wz.ascend(mib / 2));
    wz.descend_to("branch");
    wz.set_val(3);
  }
  CHECK(m.val_count() == 3u);
  CHECK(m.contains(p));
  {
    auto wz = m.write_zipper();
    wz.descend_to(p);
    CHECK(wz.remove_val(true) == std::optional<int>{2});
    wz.reset();
    wz.descend_to(p.substr(0, mib / 2) + "branch");
    CHECK(wz.remove_val(true) == std::optional<int>{3});
  }
  CHECK(dump(m) == "short=1");
  if (p[0] != 's')
    CHECK_FALSE(m.path_exists_at(p.substr(0, 1)));
}

TEST_CASE("to_next_step walks a 16 KiB path byte by byte") {
  const std::string p = long_path(16 * 1024, 5);
  path_map<int> m;
  m.set_val_at(p, 1);
  auto z = m.read_zipper();
  std::size_t steps = 0;
  while (z.to_next_step()) {
    ++steps;
    if (steps > p.size() + 1)
      break;
  }
  CHECK(steps == p.size());
  CHECK(z.at_root());
}

TEST_CASE("copies of a map with a 1 MiB path stay independent") {
  const std::string p = long_path(mib, 6);
  path_map<int> a;
  a.set_val_at(p, 1);
  path_map<int> b = a;
  b.set_val_at(p, 2);
  b.set_val_at(p.substr(0, 700000) + "x", 3);
  CHECK(*a.get_val_at(p) == 1);
  CHECK(a.val_count() == 1u);
  CHECK(*b.get_val_at(p) == 2);
  CHECK(b.val_count() == 2u);
  {
    path_map<int> c = b;
    c.remove_val_at(p, true);
    CHECK(b.contains(p));
  }
  a = path_map<int>{};
  CHECK(*b.get_val_at(p) == 2);
}

TEST_CASE("a chain a million nodes deep without branches is counted, copied and destroyed") {
  const std::size_t levels = 1000000;
  path_map<int> m = deep_chain(levels, false);
  const std::string bottom(levels, 'a');
  CHECK(m.val_count() == 1u);
  REQUIRE(m.get_val_at(bottom) != nullptr);
  CHECK(*m.get_val_at(bottom) == static_cast<int>(levels));
  CHECK(m.path_exists_at(bottom.substr(0, levels / 2)));
  std::size_t n = 0;
  for (auto&& [path, v] : m) {
    CHECK(path.size() == levels);
    CHECK(v == static_cast<int>(levels));
    ++n;
  }
  CHECK(n == 1u);
  {
    path_map<int> copy = m;
    copy.set_val_at(bottom, -1); // copy-on-write of every node on the chain
    CHECK(*m.get_val_at(bottom) == static_cast<int>(levels));
  }
  {
    auto z = m.read_zipper();
    CHECK(z.descend_until());
    CHECK(z.path().size() == levels);
    CHECK(z.ascend_until());
    CHECK(z.at_root());
  }
  CHECK(m.remove_val_at(bottom, true).has_value());
  CHECK(m.is_empty());
  m = deep_chain(levels, false); // destroyed by the destructor this time
}

TEST_CASE("a path a million levels deep with a branch at every byte is counted, iterated, "
          "copied and destroyed") {
  const std::size_t levels = 1000000;
  path_map<int> m = deep_chain(levels, true);
  CHECK(m.val_count() == levels + 1);
  const std::string spine(levels, 'a');
  CHECK(*m.get_val_at(spine) == static_cast<int>(levels));
  CHECK(*m.get_val_at(spine.substr(0, 500000) + "b") == 500000);
  CHECK(*m.get_val_at("b") == 0);
  {
    auto z = m.read_zipper();
    z.descend_to(spine.substr(0, 1000));
    CHECK(z.child_count() == 2u);
    CHECK(z.val_count() == levels - 1000 + 1);
  }
  // iteration: the spine is visited first ('a' < 'b'), the deepest value comes first
  std::size_t n = 0;
  int first = -1;
  int last = -1;
  for (auto&& [path, v] : m) {
    if (n == 0)
      first = v;
    last = v;
    ++n;
  }
  CHECK(n == levels + 1);
  CHECK(first == static_cast<int>(levels));
  CHECK(last == 0);
  {
    path_map<int> copy = m;
    copy.set_val_at(spine, -1);
    copy.remove_val_at(spine.substr(0, 999999) + "b", true);
    CHECK(copy.val_count() == levels);
    CHECK(m.val_count() == levels + 1);
  }
  {
    path_map<int> other = m;
    m = path_map<int>{}; // the shared chain is released by the copy's destructor
    CHECK(other.val_count() == levels + 1);
  }
  CHECK(m.is_empty());
}

TEST_CASE("a write zipper builds a 20,000-level branching path one byte at a time") {
  const std::size_t levels = scaled(20000, 1000);
  path_map<int> m;
  {
    auto wz = m.write_zipper();
    for (std::size_t i = 0; i < levels; ++i) {
      wz.descend_to_byte('b');
      wz.set_val(static_cast<int>(i));
      wz.ascend_byte();
      wz.descend_to_byte('a');
    }
    wz.set_val(-1);
  }
  CHECK(m.val_count() == levels + 1);
  CHECK(*m.get_val_at(std::string(levels, 'a')) == -1);
  CHECK(*m.get_val_at(std::string(levels / 2, 'a') + "b") == static_cast<int>(levels / 2));
}

TEST_SUITE_END();
