// Typed tests: path_map and its zippers over several value types, including an instance-counting
// type (no leaks, no double destruction, O(1) copies) and a type whose copy constructor throws
// (copy-on-write of shared nodes must leave both maps intact and leak nothing).
#include "pathmap/path_map.hpp"

#include "test_support.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <variant>
#include <vector>

using pathmap::path_map;
using pathmap::path_view;
using namespace pathmap_test;

#define VALUE_TYPES int, std::uint64_t, std::string, point, std::monostate, counted, throws_on_copy

namespace {

/// Keys that make small nodes, dense nodes, long compressed keys and nested values.
std::vector<std::string> mixed_keys() {
  std::vector<std::string> ks;
  for (std::uint32_t i = 0; i < 300; ++i)
    ks.push_back(be32(i * 2654435761u));
  for (std::uint32_t i = 0; i < 40; ++i)
    ks.push_back("dense" + be32(i)); // 40 siblings under one parent
  for (std::uint32_t i = 0; i < 40; ++i) // 40 siblings with tails: small up to 32, then dense
    ks.push_back("wide" + std::string(1, char('A' + i)) + "tail" + be32(i * 7919u));
  for (std::uint32_t i = 0; i < 24; i += 2) // a small node of 24 entries with tails: values
    ks.push_back("mid" + std::string(1, char('a' + i)) + (i % 3 ? "v" : "xyz"));
  for (std::uint32_t i = 1; i < 24; i += 2) { // and children
    ks.push_back("mid" + std::string(1, char('a' + i)) + "rest" + be32(i));
    ks.push_back("mid" + std::string(1, char('a' + i)) + "rest" + be32(i + 0x100));
  }
  ks.push_back("a");
  ks.push_back("ab");
  ks.push_back("abc");
  ks.push_back("a very long key that does not branch for a good number of bytes at all");
  ks.push_back("a very long key that does not branch for a good number of bytes, almost");
  ks.push_back(bytes({0}));
  ks.push_back(bytes({0xff, 0xff}));
  return ks;
}

} // namespace

TEST_SUITE_BEGIN("value types");

TEST_CASE_TEMPLATE("set, get, replace and remove round-trip values", V, VALUE_TYPES) {
  live_guard<V> guard;
  using T = values<V>;
  path_map<V> m;
  CHECK_FALSE(m.set_val_at("a", T::make(1)).has_value());
  CHECK_FALSE(m.set_val_at("ab", T::make(2)).has_value());
  CHECK_FALSE(m.set_val_at("", T::make(3)).has_value());
  auto old = m.set_val_at("a", T::make(4));
  REQUIRE(old.has_value());
  CHECK(T::id(*old) == expect_id<V>(1));
  CHECK(id_at(m, "a") == expect_id<V>(4));
  CHECK(id_at(m, "ab") == expect_id<V>(2));
  CHECK(id_at(m, "") == expect_id<V>(3));
  CHECK(m.val_count() == 3u);
  auto removed = m.remove_val_at("ab", true);
  REQUIRE(removed.has_value());
  CHECK(T::id(*removed) == expect_id<V>(2));
  CHECK_FALSE(m.path_exists_at("ab"));
  auto root = m.remove_val_at("", false);
  REQUIRE(root.has_value());
  CHECK(T::id(*root) == expect_id<V>(3));
  CHECK(m.val_count() == 1u);
}

TEST_CASE_TEMPLATE("many values are stored, iterated in order and released", V, VALUE_TYPES) {
  live_guard<V> guard;
  using T = values<V>;
  auto ks = mixed_keys();
  {
    path_map<V> m;
    for (std::size_t i = 0; i < ks.size(); ++i)
      m.set_val_at(ks[i], T::make(static_cast<int>(i)));
    CHECK(m.val_count() == ks.size());
    for (std::size_t i = 0; i < ks.size(); ++i) {
      if (id_at(m, ks[i]) != expect_id<V>(static_cast<int>(i)))
        FAIL_CHECK("wrong value at " << show(ks[i]));
    }
    std::vector<std::string> sorted = ks;
    std::sort(sorted.begin(), sorted.end());
    CHECK(keys(m) == sorted);
    // remove half of them, with and without prune
    for (std::size_t i = 0; i < ks.size(); i += 2)
      CHECK(m.remove_val_at(ks[i], i % 4 == 0).has_value());
    CHECK(m.val_count() == ks.size() / 2);
  }
}

TEST_CASE_TEMPLATE("one-entry edits of a wide small node keep every other entry and value", V,
                   VALUE_TYPES) {
  // Below "w" a small node of 20 entries with tails (so it has the masks of a node of more
  // than 16 entries), children under some; then each kind of one-entry edit, which relocates
  // the node's other values and children: a child added, a key split, a value taken, set
  // again, a child removed, a key truncated, entries erased at both ends and inside.
  live_guard<V> guard;
  using T = values<V>;
  std::map<std::string, int> model;
  path_map<V> m;
  auto set = [&](const std::string& k, int id) {
    m.set_val_at(k, T::make(id));
    model[k] = id;
  };
  auto key = [](int i) { return std::string{'w', char('a' + i), 't', 'a', 'i', 'l', char('a' + i)}; };
  for (int i = 0; i < 20; ++i)
    set(key(i), i);
  for (int i = 1; i < 20; i += 6) // children under entries 1, 7, 13, 19
    set(key(i) + "/kid", 100 + i);
  set(key(4) + "/new", 200);                      // entry 4 gains a child
  set(key(5).substr(0, 4), 201);                  // entry 5's key splits: "wfta"
  CHECK(m.remove_val_at(key(6), false).has_value()); // entry 6 keeps a dangling path
  model.erase(key(6));
  CHECK(m.path_exists_at(key(6)));
  set(key(6), 202);                               // and gets a value again
  CHECK(m.remove_val_at(key(7) + "/kid", true).has_value()); // entry 7 loses its child
  model.erase(key(7) + "/kid");
  {
    auto wz = m.write_zipper_at_path(key(8).substr(0, 5)); // inside entry 8's key: "witai"
    wz.graft_map(path_map<V>());                  // truncates the key there
  }
  model.erase(key(8));
  CHECK(m.path_exists_at(key(8).substr(0, 5)));
  CHECK_FALSE(m.path_exists_at(key(8)));
  for (int i : {0, 10, 18}) { // erased: first, inside, next to last
    CHECK(m.remove_val_at(key(i), true).has_value());
    model.erase(key(i));
    CHECK_FALSE(m.path_exists_at(key(i)));
  }
  CHECK(m.val_count() == model.size());
  for (const auto& [k, id] : model) {
    if (id_at(m, k) != expect_id<V>(id))
      FAIL_CHECK("wrong value at " << show(k));
  }
  std::vector<std::string> ks;
  for (const auto& kv : model)
    ks.push_back(kv.first);
  CHECK(keys(m) == ks);
}

TEST_CASE_TEMPLATE("a copy shares values and every kind of write to it stays private", V,
                   VALUE_TYPES) {
  live_guard<V> guard;
  using T = values<V>;
  auto ks = mixed_keys();
  path_map<V> a;
  for (std::size_t i = 0; i < ks.size(); ++i)
    a.set_val_at(ks[i], T::make(static_cast<int>(i)));
  a.set_val_at("", T::make(-5));
  const std::string before = dump(a);
  {
    path_map<V> b = a;
    CHECK(dump(b) == before);
    b.set_val_at(ks[3], T::make(1003));
    b.set_val_at("new key", T::make(1004));
    b.remove_val_at(ks[10], true);
    b.remove_val_at(ks[11], false);
    b.set_val_at("", T::make(1005));
    if (V* p = b.get_val_mut_at(ks[20]))
      *p = T::make(1006);
    b.get_val_or_set_mut_at(ks[21], T::make(0)) = T::make(1007);
    b.remove_branches_at("dense", true);
    b.create_path("created/path");
    {
      auto wz = b.write_zipper();
      wz.descend_to("abc");
      wz.set_val(T::make(1008));
      wz.reset();
      wz.descend_to("a very long key");
      CHECK(wz.take_map(true).has_value());
      wz.reset();
      wz.descend_to(bytes({0xff}));
      path_map<V> g;
      g.set_val_at("", T::make(1009));
      g.set_val_at("g", T::make(1010));
      wz.graft_map(std::move(g));
    }
    CHECK(dump(a) == before);
    CHECK(id_at(b, ks[3]) == expect_id<V>(1003));
    CHECK(id_at(b, "abc") == expect_id<V>(1008));
    CHECK(id_at(b, bytes({0xff, 'g'})) == expect_id<V>(1010));
    CHECK_FALSE(b.path_exists_at("dense"));
    CHECK_FALSE(b.path_exists_at(bytes({0xff, 0xff})));
    // and writes to the original do not reach the copy
    const std::string b_before = dump(b);
    a.set_val_at(ks[5], T::make(2000));
    a.remove_branches_at("a", false);
    CHECK(dump(b) == b_before);
  }
  CHECK(id_at(a, ks[5]) == expect_id<V>(2000));
}

TEST_CASE_TEMPLATE("get_val_or_set_mut_with_at builds the value only when absent", V,
                   VALUE_TYPES) {
  live_guard<V> guard;
  using T = values<V>;
  path_map<V> m;
  int calls = 0;
  auto make = [&] {
    ++calls;
    return T::make(7);
  };
  m.get_val_or_set_mut_with_at("k", make);
  m.get_val_or_set_mut_with_at("k", make);
  m.get_val_or_set_mut_with_at("", make);
  CHECK(calls == 2);
  CHECK(id_at(m, "k") == expect_id<V>(7));
  CHECK(m.val_count() == 2u);
}

TEST_CASE_TEMPLATE("zipper graft, take_map and make_map move values without leaks", V,
                   VALUE_TYPES) {
  live_guard<V> guard;
  using T = values<V>;
  path_map<V> src;
  for (int i = 0; i < 50; ++i)
    src.set_val_at("s/" + std::to_string(i), T::make(i));
  src.set_val_at("s/", T::make(100));
  path_map<V> dst;
  dst.set_val_at("d", T::make(200));
  dst.set_val_at("d/x", T::make(201));
  std::optional<path_map<V>> taken;
  path_map<V> made;
  {
    auto rz = src.read_zipper_at_path("s/");
    auto wz = dst.write_zipper_at_path("d");
    wz.graft(rz);
    CHECK(wz.val_count() == 51u);
    made = wz.make_map();
    wz.descend_to("1");
    taken = wz.take_map(true);
  }
  REQUIRE(taken.has_value());
  // "1" and its extensions "10".."19"
  CHECK(taken->val_count() == 11u);
  CHECK(dst.val_count() == 51u - 11u);
  CHECK(made.val_count() == 51u);
  CHECK(id_at(made, "") == expect_id<V>(100));
  CHECK(id_at(dst, "d") == expect_id<V>(100));
  CHECK(id_at(*taken, "") == expect_id<V>(1));
  CHECK(id_at(*taken, "9") == expect_id<V>(19));
  CHECK(src.val_count() == 51u);
}

TEST_CASE_TEMPLATE("maps are moved and assigned without leaking or losing values", V,
                   VALUE_TYPES) {
  live_guard<V> guard;
  using T = values<V>;
  path_map<V> a;
  for (int i = 0; i < 100; ++i)
    a.set_val_at(be32(static_cast<std::uint32_t>(i)), T::make(i));
  a.set_val_at("", T::make(-1));
  path_map<V> b = std::move(a);
  CHECK(b.val_count() == 101u);
  path_map<V> c;
  c.set_val_at("c", T::make(5));
  c = b;
  CHECK(c.val_count() == 101u);
  c = std::move(b);
  CHECK(c.val_count() == 101u);
  path_map<V> d;
  d.set_val_at("d", T::make(6));
  d = c;
  c.set_val_at("", T::make(-2));
  CHECK(id_at(d, "") == expect_id<V>(-1));
  a = path_map<V>{}; // a moved-from map can be assigned and used again
  a.set_val_at("again", T::make(9));
  CHECK(a.val_count() == 1u);
}

// -- counted ----------------------------------------------------------------------------------------

TEST_CASE("copying a map copies at most the root value") {
  live_guard<counted> guard;
  path_map<counted> a;
  for (int i = 0; i < 1000; ++i)
    a.set_val_at(be32(static_cast<std::uint32_t>(i * 7)), counted{i});
  a.set_val_at("", counted{-1});
  long before = counted::copies.load();
  path_map<counted> b = a;
  path_map<counted> c;
  c = a;
  CHECK(counted::copies.load() - before <= 2);
  CHECK(b.val_count() == 1001u);
  CHECK(c.val_count() == 1001u);
}

TEST_CASE("copy-on-write copies only the nodes on the written path") {
  live_guard<counted> guard;
  path_map<counted> a;
  // 4096 values in 16 groups of 256 siblings
  for (std::uint32_t i = 0; i < 4096; ++i)
    a.set_val_at(be32(i), counted{static_cast<int>(i)});
  path_map<counted> b = a;
  long before = counted::copies.load();
  b.set_val_at(be32(1234), counted{-1});
  long copied = counted::copies.load() - before;
  CAPTURE(copied);
  CHECK(copied <= 512);
  CHECK(a.get_val_at(be32(1234))->value == 1234);
  CHECK(b.get_val_at(be32(1234))->value == -1);
}

TEST_CASE("reading a shared map copies nothing") {
  live_guard<counted> guard;
  path_map<counted> a;
  for (int i = 0; i < 500; ++i)
    a.set_val_at("k" + std::to_string(i), counted{i});
  path_map<counted> b = a;
  long before = counted::copies.load();
  std::size_t n = 0;
  for (auto&& [p, v] : b) {
    (void)p;
    n += v.value >= 0 ? 1 : 0;
  }
  {
    auto rz = b.read_zipper();
    while (rz.to_next_val()) {
    }
    auto wz = b.write_zipper();
    while (wz.to_next_step()) {
    }
  }
  CHECK(n == 500u);
  CHECK(b.val_count() == 500u);
  CHECK(counted::copies.load() == before);
}

// -- throws_on_copy ---------------------------------------------------------------------------------

namespace {

using throwing_map = path_map<throws_on_copy>;

throwing_map throwing_fixture() {
  throwing_map m;
  auto ks = mixed_keys();
  for (std::size_t i = 0; i < ks.size(); ++i)
    m.set_val_at(ks[i], throws_on_copy{static_cast<int>(i)});
  return m;
}

/// Runs `write` on a fresh shared copy of `a` with the copy budget armed at 0, 1, 2, ... until
/// it succeeds. After every failed attempt both maps must hold exactly what they held before.
/// Returns the number of attempts that threw.
int exhaust_copy_failures(throwing_map& a, const std::function<void(throwing_map&)>& write) {
  disarm_on_exit disarm;
  const std::string a_before = dump(a);
  int failures = 0;
  for (long budget = 0; budget < 100000; ++budget) {
    throwing_map b = a; // no root value: copying the map copies no value
    const std::string b_before = dump(b);
    throws_on_copy::arm(budget);
    bool threw = false;
    try {
      write(b);
    } catch (const copy_failure&) {
      threw = true;
    }
    throws_on_copy::disarm();
    if (dump(a) != a_before) {
      FAIL_CHECK("the original changed after a write to a copy (budget " << budget << ")");
      return failures;
    }
    if (!threw)
      return failures;
    ++failures;
    if (dump(b) != b_before) {
      FAIL_CHECK("a write that threw changed the copy (budget " << budget << ")");
      return failures;
    }
  }
  FAIL_CHECK("the write never succeeded");
  return failures;
}

} // namespace

TEST_CASE("copying a map whose root value throws on copy leaves the source intact") {
  live_guard<throws_on_copy> guard;
  disarm_on_exit disarm;
  throwing_map a = throwing_fixture();
  a.set_val_at("", throws_on_copy{-1});
  const std::string before = dump(a);
  throws_on_copy::arm(0);
  auto copy_it = [&] {
    throwing_map b(a);
    return b.val_count();
  };
  CHECK_THROWS_AS(copy_it(), copy_failure);
  throws_on_copy::disarm();
  CHECK(dump(a) == before);
  throwing_map b = a;
  CHECK(dump(b) == before);
}

TEST_CASE("a throwing value copy while a shared copy is written leaves both maps intact") {
  live_guard<throws_on_copy> guard;
  throwing_map a = throwing_fixture();
  const auto ks = mixed_keys();

  SUBCASE("set_val_at over an existing value") {
    exhaust_copy_failures(a, [&](throwing_map& b) { b.set_val_at(ks[7], throws_on_copy{999}); });
  }
  SUBCASE("set_val_at of a new key") {
    exhaust_copy_failures(a, [&](throwing_map& b) {
      b.set_val_at(ks[8] + "tail", throws_on_copy{999});
    });
  }
  SUBCASE("set_val_at in a node with many siblings") {
    exhaust_copy_failures(a, [&](throwing_map& b) {
      b.set_val_at("dense" + be32(3), throws_on_copy{999});
    });
  }
  SUBCASE("remove_val_at with prune") {
    exhaust_copy_failures(a, [&](throwing_map& b) { b.remove_val_at(ks[9], true); });
  }
  SUBCASE("remove_val_at without prune") {
    exhaust_copy_failures(a, [&](throwing_map& b) { b.remove_val_at("dense" + be32(5), false); });
  }
  SUBCASE("get_val_mut_at") {
    exhaust_copy_failures(a, [&](throwing_map& b) {
      if (auto* p = b.get_val_mut_at("ab"))
        *p = throws_on_copy{999};
    });
  }
  SUBCASE("remove_branches_at") {
    exhaust_copy_failures(a, [&](throwing_map& b) { b.remove_branches_at("dense", true); });
  }
  SUBCASE("create_path") {
    exhaust_copy_failures(a, [&](throwing_map& b) { b.create_path("dense/new"); });
  }
  SUBCASE("write zipper set_val deep in the trie") {
    exhaust_copy_failures(a, [&](throwing_map& b) {
      auto wz = b.write_zipper();
      wz.descend_to("a very long key that does not branch for a good number of bytes at all");
      wz.set_val(throws_on_copy{999});
    });
  }
  SUBCASE("write zipper graft_map") {
    throwing_map g;
    g.set_val_at("x", throws_on_copy{1});
    exhaust_copy_failures(a, [&](throwing_map& b) {
      auto wz = b.write_zipper_at_path("dense");
      wz.graft_map(g);
    });
  }
  SUBCASE("write zipper take_map") {
    exhaust_copy_failures(a, [&](throwing_map& b) {
      auto wz = b.write_zipper_at_path("ab");
      (void)wz.take_map(true);
    });
  }
  CHECK(a.val_count() == ks.size());
}

TEST_CASE("a value copy that throws in get_val_or_set_mut_at on a shared copy leaks nothing") {
  live_guard<throws_on_copy> guard;
  throwing_map a = throwing_fixture();
  exhaust_copy_failures(a, [&](throwing_map& b) {
    b.get_val_or_set_mut_at("abcd", throws_on_copy{5}).value = 6;
  });
}

TEST_SUITE_END();
