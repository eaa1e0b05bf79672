// The map's owning and consuming forms (PATHMAP-SPEC §1.4, §2.2, §3.1): from_iter,
// try_for_each_value, into_iter, into_read_zipper, into_write_zipper, into_zipper_head.
#include "pathmap/owned_zippers.hpp"

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

TEST_CASE("from_iter inserts pairs in order, a later duplicate overwriting an earlier one") {
  std::vector<std::pair<std::string, int>> pairs{{"b", 1}, {"a", 2}, {"b", 3}, {"", 4}};
  auto m = path_map<int>::from_iter(pairs);
  CHECK(items(m) == std::vector<std::pair<std::string, int>>{{"", 4}, {"a", 2}, {"b", 3}});

  std::map<std::string, std::string> src{{"x", "1"}, {"xy", "2"}};
  auto s = path_map<std::string>::from_iter(src);
  CHECK(items(s) == std::vector<std::pair<std::string, std::string>>{{"x", "1"}, {"xy", "2"}});
  CHECK(path_map<int>::from_iter(std::vector<std::pair<std::string, int>>{}).is_empty());
}

TEST_CASE("from_iter of bare paths makes a set for a value type that carries nothing") {
  std::vector<std::string> paths{"rom'i", "romulus", "roman", "", "roman"};
  auto m = path_map<std::monostate>::from_iter(paths);
  CHECK(m.val_count() == 4);
  std::vector<std::string> seen;
  for (auto&& [p, v] : m)
    seen.push_back(str(p));
  CHECK(seen == std::vector<std::string>{"", "rom'i", "roman", "romulus"});
}

TEST_CASE("try_for_each_value visits in order and stops at the first error, returning it") {
  auto m = arrow_map();
  using result = pathmap::expected<void, std::string>;
  std::vector<std::string> seen;
  result all = m.try_for_each_value([&](path_view p, const int&) -> result {
    seen.push_back(str(p));
    return {};
  });
  CHECK(all.has_value());
  CHECK(seen == std::vector<std::string>{"", "arrow", "bow", "cannon", "cannonade"});

  seen.clear();
  result stopped = m.try_for_each_value([&](path_view p, const int& v) -> result {
    seen.push_back(str(p));
    if (v == 2)
      return pathmap::unexpected(std::string("stop at ") + str(p));
    return {};
  });
  REQUIRE_FALSE(stopped.has_value());
  CHECK(stopped.error() == "stop at bow");
  CHECK(seen == std::vector<std::string>{"", "arrow", "bow"});
  CHECK_THROWS_AS(stopped.value(), pathmap::bad_expected_access<std::string>);
  CHECK(path_map<int>()
          .try_for_each_value([](path_view, const int&) -> result {
            return pathmap::unexpected(std::string("never called"));
          })
          .has_value());
}

TEST_CASE("into_iter yields every path and value in order, moving the values out") {
  auto m = arrow_map();
  const path_map<int> copy = m; // shares every node with `m`
  std::vector<std::pair<std::string, int>> got;
  for (auto&& [p, v] : std::move(m).into_iter())
    got.emplace_back(std::string(p.begin(), p.end()), v);
  CHECK(got == items(arrow_map()));
  CHECK(items(copy) == items(arrow_map())); // draining copied on write

  counted::live = 0;
  {
    path_map<counted> c{{"a", counted(1)}, {"ab", counted(2)}, {"b", counted(3)}};
    int sum = 0;
    for (auto&& [p, v] : std::move(c).into_iter())
      sum += v.value;
    CHECK(sum == 6);
  }
  CHECK(counted::live == 0);
}

TEST_CASE("an owned write zipper drains its region and leaves the rest of the map") {
  auto m = arrow_map();
  m.set_val_at("can", 7);
  auto z = std::move(m).into_write_zipper("can");
  CHECK(z.root_prefix_path() == path_view("can"));
  std::vector<std::pair<std::string, int>> got;
  auto range = std::move(z).into_iter();
  for (auto it = range.begin(); it != range.end(); ++it)
    got.emplace_back(std::string(it->first.begin(), it->first.end()), it->second);
  CHECK(got == std::vector<std::pair<std::string, int>>{{"", 7}, {"non", 3}, {"nonade", 4}});
}

TEST_CASE("stopping a drain early leaves the values not reached") {
  path_map<int> m{{"a", 1}, {"b", 2}, {"c", 3}};
  auto z = std::move(m).into_write_zipper({});
  auto range = std::move(z).into_iter();
  auto it = range.begin();
  CHECK(it->first == std::vector<std::uint8_t>{'a'});
  ++it;
  CHECK(it->first == std::vector<std::uint8_t>{'b'});
  ++it;
  CHECK(it->second == 3);
  ++it;
  CHECK(it == range.end());
}

TEST_CASE("an owned read zipper reads the map it owns, copies in O(1) and gives the map back") {
  auto z = arrow_map().into_read_zipper("can");
  CHECK(z.child_count() == 1);
  CHECK(z.descend_to_check("non"));
  CHECK(*z.val() == 3);

  auto moved = std::move(z); // the map's box moves with it
  auto copy = moved;         // a copy at the same root and focus
  CHECK(copy.path() == path_view("non"));
  CHECK(copy.origin_path() == path_view("cannon"));
  CHECK(*copy.val() == 3);
  CHECK(copy.to_next_val());
  CHECK(copy.path() == path_view("nonade"));
  CHECK(moved.path() == path_view("non")); // the original did not move

  const int* kept = moved.get_val();
  path_map<int> back = std::move(moved).into_map();
  CHECK(items(back) == items(arrow_map()));
  CHECK(back.get_val_at("cannon") == kept); // the same nodes, not a copy
  CHECK(moved.val_count() == 0);            // consumed: an empty map
  CHECK(*std::move(copy).into_map().get_val_at("bow") == 2);
}

TEST_CASE("an owned write zipper writes into the map it owns and gives the whole map back") {
  auto z = arrow_map().into_write_zipper("bow");
  z.descend_to("l");
  z.set_val(10);
  z.reset();
  CHECK(z.val_count() == 2);
  auto moved = std::move(z);
  moved.descend_to("string");
  moved.set_val(11);
  path_map<int> back = std::move(moved).into_map();
  CHECK(back.val_count() == 7);
  CHECK(*back.get_val_at("bowl") == 10);
  CHECK(*back.get_val_at("bowstring") == 11);
  CHECK(*back.get_val_at("arrow") == 1);
  CHECK(moved.val_count() == 0);
}

TEST_CASE(
  "an owned zipper head at a path hands out zippers relative to it and gives the map back") {
  auto first = arrow_map().into_zipper_head("cannon");
  auto h = std::move(first); // the head, its write zipper and the boxed map move together
  {
    auto w = h.write_zipper_at_exclusive_path("ball");
    REQUIRE(w);
    w->set_val(5);
    auto r = h.read_zipper_at_path("ade");
    REQUIRE(r);
    CHECK(*r->val() == 4);
    auto clash = h.read_zipper_at_path("b");
    REQUIRE_FALSE(clash);
    CHECK(clash.error().kind() == pathmap::conflict_kind::write_zipper);
    CHECK(clash.error().path() == path_view("ball"));
  }
  path_map<int> back = std::move(h).into_map();
  CHECK(*back.get_val_at("cannonball") == 5);
  CHECK(*back.get_val_at("cannonade") == 4);
  CHECK(*back.get_val_at("") == 0);
  CHECK(back.val_count() == 6);
  CHECK_THROWS_AS(h.read_zipper_at_path("x"), std::logic_error);
  CHECK_THROWS_AS(std::move(h).into_map(), std::logic_error);
}

TEST_CASE("an owned zipper head at the root keeps the root value and survives a move") {
  auto h = arrow_map().into_zipper_head({});
  auto moved = std::move(h);
  CHECK_THROWS_AS(h.read_zipper_at_path("x"), std::logic_error);
  {
    auto r = moved.read_zipper_at_path({});
    REQUIRE(r);
    CHECK(*r->val() == 0);
  }
  CHECK(items(std::move(moved).into_map()) == items(arrow_map()));
}
