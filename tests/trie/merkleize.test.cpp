// path_map::merkleize (PATHMAP-SPEC §1.4: folds identical subtries into shared nodes).
#include "pathmap/path_map.hpp"
#include "pathmap/zipper_head.hpp"

#include "test_support.hpp"

#include <doctest/doctest.h>

#include <map>
#include <random>
#include <string>
#include <variant>
#include <vector>

using pathmap::path_map;
using pathmap::path_view;
using namespace pathmap_test;

namespace {

/// The node holding everything below `p` (null when `p` is inside a key or missing).
template <class V>
const void* node_below(const path_map<V>& m, path_view p) {
  auto z = m.read_zipper_at_path(p);
  return z.make_map().root_node();
}

} // namespace

TEST_CASE("merkleize shares the common suffixes of a word set") {
  using set = path_map<std::monostate>;
  auto m = set::from_iter(std::vector<std::string>{"walking", "talking", "walked", "talked"});
  CHECK(node_below(m, "walk") != node_below(m, "talk"));
  auto r = m.merkleize();
  CHECK(r.distinct < r.nodes);
  CHECK(node_below(m, "walk") != nullptr);
  CHECK(node_below(m, "walk") == node_below(m, "talk"));
  CHECK(m.val_count() == 4);
  CHECK(m.contains("walked"));
  CHECK(m.contains("talking"));
  CHECK_FALSE(m.contains("walk"));
}

TEST_CASE("merkleize folds only subtries whose values are equal too") {
  path_map<int> m{{"a/x", 1}, {"a/y", 2}, {"b/x", 1}, {"b/y", 2}, {"c/x", 1}, {"c/y", 3}};
  m.merkleize();
  CHECK(node_below(m, "a/") == node_below(m, "b/"));
  CHECK(node_below(m, "a/") != node_below(m, "c/"));
  CHECK(items(m)
        == items(
          path_map<int>{{"a/x", 1}, {"a/y", 2}, {"b/x", 1}, {"b/y", 2}, {"c/x", 1}, {"c/y", 3}}));
}

TEST_CASE("a write below a folded subtrie changes only its own path") {
  path_map<int> m{{"left/p", 1}, {"left/q", 2}, {"right/p", 1}, {"right/q", 2}};
  m.merkleize();
  REQUIRE(node_below(m, "left/") == node_below(m, "right/"));
  m.set_val_at("left/p", 10);
  m.remove_val_at("right/q", true);
  *m.get_val_mut_at("right/p") = 20;
  CHECK(
    items(m)
    == std::vector<std::pair<std::string, int>>{{"left/p", 10}, {"left/q", 2}, {"right/p", 20}});
}

TEST_CASE("merkleize keeps the content, is idempotent and leaves copies alone") {
  for (std::uint64_t seed : {1u, 2u, 3u}) {
    CAPTURE(seed);
    std::mt19937_64 rng(seed);
    path_map<int> m;
    std::map<std::string, int> model;
    const std::size_t n = scaled(3000, 200);
    // Few stems, few suffixes and three values: plenty of equal subtries.
    const std::vector<std::string> suffixes{"", "s", "'s", "ing", "ed", "er", "ers"};
    for (std::size_t i = 0; i < n; ++i) {
      std::string key;
      for (int len = 1 + int(rng() % 5); len > 0; --len)
        key += char('a' + rng() % 4);
      key += suffixes[rng() % suffixes.size()];
      int v = int(rng() % 3);
      m.set_val_at(key, v);
      model[key] = v;
    }
    m.set_val_at({}, 7);
    model[""] = 7;
    if (seed == 3)
      m.compact(); // packed nodes fold like any other
    const path_map<int> before = m;
    const void* before_root = before.root_node();

    auto r = m.merkleize();
    CHECK(r.distinct <= r.nodes);
    CHECK(r.distinct < r.nodes);
    std::vector<std::pair<std::string, int>> expect(model.begin(), model.end());
    CHECK(items(m) == expect);
    for (auto& [k, v] : model)
      CHECK(*m.get_val_at(k) == v);
    CHECK(before.root_node() == before_root);
    CHECK(items(before) == expect);

    const void* root = m.root_node();
    auto again = m.merkleize();
    CHECK(m.root_node() == root); // nothing left to fold: the same nodes
    CHECK(again.distinct == again.nodes);
    CHECK(again.distinct == r.distinct);
  }
}

TEST_CASE("merkleize walks a node shared within the map once") {
  path_map<int> sub{{"x", 1}, {"y", 2}};
  path_map<int> m;
  for (int i = 0; i < 50; ++i)
    m.write_zipper_at_path(std::string(1, 'k').append(std::to_string(i)).append("/"))
      .graft_map(sub);
  auto r = m.merkleize();
  CHECK(m.val_count() == 100);
  CHECK(r.nodes < 20); // the grafted node once, not 50 times
  CHECK(node_below(m, "k0/") == node_below(m, "k49/"));
}

TEST_CASE("merkleize of empty and root-only maps changes nothing") {
  path_map<int> empty;
  auto r = empty.merkleize();
  CHECK(r.nodes == 0);
  CHECK(empty.is_empty());
  path_map<int> root_only{{"", 5}};
  root_only.merkleize();
  CHECK(items(root_only) == std::vector<std::pair<std::string, int>>{{"", 5}});
}

TEST_CASE("merkleize folds megabyte-long equal chains without recursion") {
  // Two keys of 1 MiB + 1 bytes that differ in their first byte; position 1024 is a node
  // boundary in both (keys are split into nodes every 256 bytes).
  std::string a(std::size_t{1} << 20, 'z'), b = a;
  a.insert(a.begin(), 'a');
  b.insert(b.begin(), 'b');
  path_map<int> m{{a, 1}, {b, 1}};
  m.merkleize();
  CHECK(m.val_count() == 2);
  CHECK(*m.get_val_at(b) == 1);
  CHECK(node_below(m, path_view(a).subview(0, 1024))
        == node_below(m, path_view(b).subview(0, 1024)));
}

TEST_CASE("merkleize folds subtries written through a zipper head (below its cell nodes)") {
  path_map<int> m{{"keep", 7}};
  {
    auto head = m.zipper_head();
    for (const char* root : {"a/", "b/"}) {
      auto w = head.write_zipper_at_exclusive_path(root);
      REQUIRE(w);
      for (const char* leaf : {"x", "y", "yz"}) {
        w->descend_to(leaf);
        w->set_val(int(std::string(leaf).size()));
        w->reset();
      }
    }
  }
  const auto before = items(m);
  m.merkleize();
  CHECK(items(m) == before);
  CHECK(node_below(m, "a/") == node_below(m, "b/"));
  m.set_val_at("a/x", 100); // copy on write: "b/" keeps its value
  CHECK(*m.get_val_at("b/x") == 1);
  CHECK(*m.get_val_at("a/x") == 100);
}
