// Whole-map API of pathmap::path_map (PATHMAP-SPEC §1): values, structure (existence, dangling
// paths, pruning), counts, copies and copy-on-write.
#include "pathmap/path_map.hpp"

#include "test_support.hpp"

#include <doctest/doctest.h>

#include <map>
#include <random>
#include <string>
#include <vector>

using pathmap::path_map;
using pathmap::path_view;
using namespace pathmap_test;

TEST_SUITE_BEGIN("path_map");

// -- empty map ------------------------------------------------------------------------------------

TEST_CASE("a new map is empty, has no values and only the empty path exists") {
  path_map<int> m;
  CHECK(m.is_empty());
  CHECK(m.val_count() == 0u);
  CHECK(m.path_exists_at(""));
  CHECK_FALSE(m.path_exists_at("a"));
  CHECK_FALSE(m.path_exists_at(bytes({0})));
  CHECK(m.get_val_at("") == nullptr);
  CHECK(m.get_val_at("a") == nullptr);
  CHECK_FALSE(m.contains(""));
  CHECK_FALSE(m.contains("a"));
  CHECK(keys(m).empty());
  CHECK(dump_for_each(m).empty());
}

TEST_CASE("querying a missing path never creates it") {
  path_map<int> m;
  m.set_val_at("abc", 1);
  CHECK(m.get_val_at("abcd") == nullptr);
  CHECK(m.get_val_mut_at("abcd") == nullptr);
  CHECK(m.get_val_mut_at("ab") == nullptr);
  CHECK_FALSE(m.contains("abx"));
  CHECK_FALSE(m.path_exists_at("abcd"));
  CHECK_FALSE(m.path_exists_at("abx"));
  {
    auto rz = m.read_zipper_at_path("abcdefg");
    CHECK_FALSE(rz.path_exists());
  }
  CHECK_FALSE(m.path_exists_at("abcd"));
  CHECK(m.val_count() == 1u);
  CHECK(dump(m) == "abc=1");
}

// -- set / get / contains -------------------------------------------------------------------------

TEST_CASE("set_val_at inserts and returns the value it replaced") {
  path_map<int> m;
  CHECK_FALSE(m.set_val_at("key", 1).has_value());
  CHECK(m.set_val_at("key", 2) == std::optional<int>{1});
  CHECK(m.set_val_at("key", 3) == std::optional<int>{2});
  REQUIRE(m.get_val_at("key") != nullptr);
  CHECK(*m.get_val_at("key") == 3);
  CHECK(m.contains("key"));
  CHECK(m.val_count() == 1u);
  CHECK_FALSE(m.is_empty());
}

TEST_CASE("every prefix of a stored path exists but holds no value") {
  path_map<int> m;
  m.set_val_at("cannon", 7);
  for (std::size_t n = 0; n <= 6; ++n) {
    CAPTURE(n);
    CHECK(m.path_exists_at(std::string("cannon").substr(0, n)));
  }
  CHECK_FALSE(m.path_exists_at("cannonade"));
  CHECK_FALSE(m.path_exists_at("canon"));
  CHECK(m.get_val_at("can") == nullptr);
  CHECK_FALSE(m.contains("can"));
  CHECK(m.contains("cannon"));
}

TEST_CASE("path_exists_at on the crate's example keys") {
  auto m = roman_map();
  CHECK(m.path_exists_at("can"));
  CHECK(m.path_exists_at("cannon"));
  CHECK_FALSE(m.path_exists_at("cannonade"));
  CHECK(m.path_exists_at(""));
  CHECK(m.path_exists_at("rom'"));
  CHECK(m.path_exists_at("rubicund"));
  CHECK_FALSE(m.path_exists_at("rubicundusx"));
  CHECK_FALSE(m.path_exists_at("romx"));
  CHECK(m.val_count() == 12u);
  for (const auto& k : roman_keys()) {
    CAPTURE(k);
    CHECK(m.contains(k));
  }
  CHECK_FALSE(m.contains("rom"));
  CHECK_FALSE(m.contains("rubicund"));
}

TEST_CASE("paths may contain every byte value including zero") {
  path_map<int> m;
  std::string all;
  for (int b = 0; b < 256; ++b)
    all.push_back(static_cast<char>(b));
  for (int b = 0; b < 256; ++b)
    m.set_val_at(bytes({b}), b);
  m.set_val_at(all, 1000);
  m.set_val_at(bytes({0, 0, 0}), 2000);
  CHECK(m.val_count() == 258u);
  for (int b = 0; b < 256; ++b) {
    CAPTURE(b);
    CHECK(id_at(m, bytes({b})) == b);
  }
  CHECK(id_at(m, all) == 1000);
  CHECK(id_at(m, bytes({0, 0, 0})) == 2000);
  CHECK(m.path_exists_at(bytes({0, 0})));
  CHECK(m.get_val_at(bytes({0, 0})) == nullptr);
}

TEST_CASE("a key that splits a compressed key keeps both keys") {
  path_map<int> m;
  m.set_val_at("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOP", 1);
  m.set_val_at("abcdefghijklmnopqrstuvwxyz0123456789", 2); // prefix of the first
  m.set_val_at("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQ", 3); // extension
  m.set_val_at("abcdefghijklmX", 4); // branch in the middle
  m.set_val_at("a", 5);
  m.set_val_at("b", 6);
  m.set_val_at("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", 7);
  CHECK(dump(m)
        == "a=5|abcdefghijklmX=4|abcdefghijklmnopqrstuvwxyz0123456789=2|"
           "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOP=1|"
           "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQ=3|"
           "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ=7|b=6");
  CHECK(m.val_count() == 7u);
  CHECK(m.path_exists_at("abcdefghijklm"));
  CHECK_FALSE(m.path_exists_at("abcdefghijklmY"));
}

TEST_CASE("set_val_at works over a dangling prefix: dangling [217] plus [217,0]") {
  path_map<int> m;
  CHECK(m.create_path(bytes({217})));
  CHECK(m.path_exists_at(bytes({217})));
  CHECK(m.get_val_at(bytes({217})) == nullptr);
  CHECK_FALSE(m.set_val_at(bytes({217, 0}), 42).has_value());
  CHECK(m.path_exists_at(bytes({217})));
  CHECK(m.path_exists_at(bytes({217, 0})));
  CHECK(id_at(m, bytes({217, 0})) == 42);
  CHECK(m.get_val_at(bytes({217})) == nullptr);
  CHECK(m.val_count() == 1u);
}

TEST_CASE("set_val_at on a dangling path itself gives it a value") {
  path_map<int> m;
  CHECK(m.create_path("stem/leaf"));
  CHECK_FALSE(m.set_val_at("stem/leaf", 1).has_value());
  CHECK(id_at(m, "stem/leaf") == 1);
  CHECK_FALSE(m.set_val_at("stem", 2).has_value());
  CHECK(dump(m) == "stem=2|stem/leaf=1");
}

TEST_CASE("path_view converts from every documented source") {
  path_map<int> m;
  std::string s = "abc";
  std::string_view sv = "abd";
  std::vector<std::uint8_t> vec{'a', 'b', 'e'};
  std::span<const std::uint8_t> sp(vec.data(), 2);
  m.set_val_at("lit", 1);
  m.set_val_at(s, 2);
  m.set_val_at(sv, 3);
  m.set_val_at(vec, 4);
  m.set_val_at(sp, 5);
  m.set_val_at({0x01, 0x02}, 6);
  CHECK(dump(m) == "\\x01\\x02=6|ab=5|abc=2|abd=3|abe=4|lit=1");
  CHECK(id_at(m, path_view(std::string_view("lit"))) == 1);
}

// -- root value -----------------------------------------------------------------------------------

TEST_CASE("the empty path holds the root value") {
  path_map<int> m;
  CHECK_FALSE(m.set_val_at("", 10).has_value());
  CHECK_FALSE(m.is_empty());
  CHECK(m.contains(""));
  CHECK(id_at(m, "") == 10);
  CHECK(m.val_count() == 1u);
  CHECK(m.set_val_at("", 11) == std::optional<int>{10});
  m.set_val_at("a", 1);
  CHECK(m.val_count() == 2u);
  CHECK(dump(m) == "=11|a=1");
  CHECK(m.remove_val_at("", true) == std::optional<int>{11});
  CHECK(m.get_val_at("") == nullptr);
  CHECK(m.path_exists_at(""));
  CHECK(dump(m) == "a=1");
  CHECK(m.val_count() == 1u);
}

TEST_CASE("val_count counts the root value: {\"\", \"arrow\"} has 2") {
  path_map<std::monostate> m;
  m.set_val_at("", std::monostate{});
  m.set_val_at("arrow", std::monostate{});
  CHECK(m.val_count() == 2u);
  auto rz = m.read_zipper();
  CHECK(rz.val_count() == 2u);
  CHECK(rz.descend_until());
  CHECK(str(rz.path()) == "arrow");
  CHECK(rz.val_count() == 1u);
}

TEST_CASE("a map with only a root value is not empty; removing it empties the map") {
  path_map<int> m;
  m.set_val_at("", 1);
  CHECK_FALSE(m.is_empty());
  CHECK(m.remove_val_at("", false) == std::optional<int>{1});
  CHECK(m.is_empty());
}

// -- get_val_mut / upsert -------------------------------------------------------------------------

TEST_CASE("get_val_mut_at changes the stored value in place") {
  path_map<int> m;
  m.set_val_at("a", 1);
  m.set_val_at("", 5);
  int* p = m.get_val_mut_at("a");
  REQUIRE(p != nullptr);
  *p = 100;
  CHECK(id_at(m, "a") == 100);
  int* r = m.get_val_mut_at("");
  REQUIRE(r != nullptr);
  *r += 1;
  CHECK(id_at(m, "") == 6);
  CHECK(m.get_val_mut_at("b") == nullptr);
  CHECK_FALSE(m.path_exists_at("b"));
}

TEST_CASE("get_val_or_set_mut_at inserts only when there is no value") {
  path_map<int> m;
  int& a = m.get_val_or_set_mut_at("k", 1);
  CHECK(a == 1);
  a = 2;
  int& b = m.get_val_or_set_mut_at("k", 50);
  CHECK(b == 2);
  CHECK(id_at(m, "k") == 2);
  int& r = m.get_val_or_set_mut_at("", 9);
  CHECK(r == 9);
  CHECK(m.val_count() == 2u);
}

TEST_CASE("get_val_or_set_mut_with_at calls the function only when there is no value") {
  path_map<int> m;
  int calls = 0;
  auto make = [&] {
    ++calls;
    return 7;
  };
  CHECK(m.get_val_or_set_mut_with_at("x/y", make) == 7);
  CHECK(calls == 1);
  m.get_val_or_set_mut_with_at("x/y", make) += 1;
  CHECK(calls == 1);
  CHECK(id_at(m, "x/y") == 8);
  m.create_path("dangling");
  CHECK(m.get_val_or_set_mut_with_at("dangling", make) == 7);
  CHECK(calls == 2);
}

// -- remove_val_at and pruning --------------------------------------------------------------------

TEST_CASE("remove_val_at returns the value and prune removes the dangling path upward") {
  path_map<int> m;
  m.set_val_at("abc", 1);
  m.set_val_at("abcdef", 2);
  CHECK(m.remove_val_at("abcdef", true) == std::optional<int>{2});
  CHECK_FALSE(m.path_exists_at("abcd"));
  CHECK_FALSE(m.path_exists_at("abcdef"));
  CHECK(m.path_exists_at("abc")); // stops at the ancestor with a value
  CHECK(dump(m) == "abc=1");
  CHECK(m.remove_val_at("abc", true) == std::optional<int>{1});
  CHECK_FALSE(m.path_exists_at("a"));
  CHECK(m.is_empty());
}

TEST_CASE("remove_val_at with prune stops at an ancestor with two children") {
  path_map<int> m;
  m.set_val_at("abx", 1);
  m.set_val_at("abcde", 2);
  CHECK(m.remove_val_at("abcde", true) == std::optional<int>{2});
  CHECK_FALSE(m.path_exists_at("abc"));
  CHECK(m.path_exists_at("ab"));
  CHECK(m.path_exists_at("abx"));
  CHECK(dump(m) == "abx=1");
}

TEST_CASE("remove_val_at with prune keeps children of the removed value") {
  path_map<int> m;
  m.set_val_at("ab", 1);
  m.set_val_at("abcd", 2);
  CHECK(m.remove_val_at("ab", true) == std::optional<int>{1});
  CHECK(m.path_exists_at("ab"));
  CHECK(m.path_exists_at("abcd"));
  CHECK(dump(m) == "abcd=2");
}

TEST_CASE("remove_val_at without prune leaves the path dangling") {
  path_map<int> m;
  m.set_val_at("abc", 1);
  CHECK(m.remove_val_at("abc", false) == std::optional<int>{1});
  CHECK(m.path_exists_at("abc"));
  CHECK(m.get_val_at("abc") == nullptr);
  CHECK(m.val_count() == 0u);
  CHECK_FALSE(m.is_empty()); // structure without values is not empty
  CHECK(keys(m).empty());
  // the dangling path can be pruned afterwards
  CHECK(m.prune_path("abc") == 3u);
  CHECK_FALSE(m.path_exists_at("a"));
  CHECK(m.is_empty());
}

TEST_CASE("remove_val_at on a missing path or a path without value changes nothing") {
  path_map<int> m;
  m.set_val_at("abc", 1);
  m.create_path("xy");
  CHECK_FALSE(m.remove_val_at("abd", true).has_value());
  CHECK_FALSE(m.remove_val_at("ab", true).has_value());
  CHECK_FALSE(m.remove_val_at("abcd", true).has_value());
  CHECK_FALSE(m.remove_val_at("", true).has_value());
  CHECK_FALSE(m.remove_val_at("xy", false).has_value());
  CHECK(m.path_exists_at("ab"));
  CHECK(m.path_exists_at("xy"));
  CHECK(dump(m) == "abc=1");
}

TEST_CASE("prune never removes the root value or goes above the map root") {
  path_map<int> m;
  m.set_val_at("", 0);
  m.set_val_at("long/path", 1);
  CHECK(m.remove_val_at("long/path", true) == std::optional<int>{1});
  CHECK_FALSE(m.path_exists_at("l"));
  CHECK(id_at(m, "") == 0);
  CHECK(m.path_exists_at(""));
  CHECK(m.val_count() == 1u);
}

// -- remove_branches_at ---------------------------------------------------------------------------

TEST_CASE("remove_branches_at(\"\") on an empty map returns false") {
  path_map<int> m;
  CHECK_FALSE(m.remove_branches_at("", false));
  CHECK(m.is_empty());
}

TEST_CASE("remove_branches_at(\"\") on {\"\",\"a\",\"b\"} leaves only the root value") {
  path_map<int> m;
  m.set_val_at("", 0);
  m.set_val_at("a", 1);
  m.set_val_at("b", 2);
  CHECK(m.remove_branches_at("", false));
  CHECK(m.val_count() == 1u);
  CHECK(id_at(m, "") == 0);
  CHECK_FALSE(m.path_exists_at("a"));
  CHECK_FALSE(m.path_exists_at("b"));
  CHECK(dump(m) == "=0");
}

TEST_CASE("remove_branches_at keeps the value at the path") {
  path_map<int> m;
  m.set_val_at("ab", 1);
  m.set_val_at("abc", 2);
  m.set_val_at("abd/e", 3);
  m.set_val_at("x", 4);
  CHECK(m.remove_branches_at("ab", true));
  CHECK(dump(m) == "ab=1|x=4");
  CHECK(m.path_exists_at("ab"));
  CHECK_FALSE(m.path_exists_at("abc"));
  CHECK_FALSE(m.path_exists_at("abd"));
}

TEST_CASE("remove_branches_at with prune removes a path left without value") {
  path_map<int> m;
  m.set_val_at("abcd", 1);
  m.set_val_at("abce", 2);
  m.set_val_at("x", 3);
  CHECK(m.remove_branches_at("abc", true));
  CHECK_FALSE(m.path_exists_at("abc"));
  CHECK_FALSE(m.path_exists_at("a"));
  CHECK(dump(m) == "x=3");
}

TEST_CASE("remove_branches_at without prune leaves the path dangling") {
  path_map<int> m;
  m.set_val_at("abcd", 1);
  m.set_val_at("abce", 2);
  CHECK(m.remove_branches_at("abc", false));
  CHECK(m.path_exists_at("abc"));
  CHECK_FALSE(m.path_exists_at("abcd"));
  CHECK(m.val_count() == 0u);
}

TEST_CASE("remove_branches_at returns false at a leaf or a missing path") {
  path_map<int> m;
  m.set_val_at("abc", 1);
  CHECK_FALSE(m.remove_branches_at("abc", false));
  CHECK_FALSE(m.remove_branches_at("abc", true));
  CHECK_FALSE(m.remove_branches_at("abz", false));
  CHECK_FALSE(m.remove_branches_at("abcdef", false));
  CHECK(dump(m) == "abc=1");
  CHECK_FALSE(m.path_exists_at("abz"));
}

TEST_CASE("remove_branches_at removes dangling branches too") {
  path_map<int> m;
  m.set_val_at("a", 1);
  m.create_path("a/dangling");
  CHECK(m.remove_branches_at("a", false));
  CHECK_FALSE(m.path_exists_at("a/"));
  CHECK(dump(m) == "a=1");
}

// -- create_path / prune_path ---------------------------------------------------------------------

TEST_CASE("create_path reports whether bytes were created: the alpha example") {
  path_map<int> m;
  m.set_val_at("alpha", 1);
  CHECK_FALSE(m.create_path("alpha"));
  CHECK_FALSE(m.create_path("alp"));
  CHECK(m.create_path("alphabet"));
  CHECK(m.path_exists_at("alphabet"));
  CHECK_FALSE(m.create_path("alphabet"));
  CHECK_FALSE(m.create_path(""));
  CHECK(m.val_count() == 1u);
  CHECK(dump(m) == "alpha=1");
}

TEST_CASE("create_path(\"root\") then create_path(\"root:child\") both create") {
  path_map<int> m;
  CHECK(m.create_path("root"));
  CHECK(m.create_path("root:child"));
  CHECK(m.path_exists_at("root"));
  CHECK(m.path_exists_at("root:child"));
  CHECK_FALSE(m.path_exists_at("root:childx"));
  CHECK(m.val_count() == 0u);
  CHECK_FALSE(m.is_empty());
  CHECK(keys(m).empty());
}

TEST_CASE("create_path on an empty map: the empty path already exists") {
  path_map<int> m;
  CHECK_FALSE(m.create_path(""));
  CHECK(m.is_empty());
}

TEST_CASE("prune_path removes a whole dangling chain: long/dangling/path/chain gives 24") {
  path_map<std::monostate> m;
  CHECK(m.create_path("long/dangling/path/chain"));
  CHECK_FALSE(m.is_empty());
  CHECK(m.prune_path("long/dangling/path/chain") == 24u);
  CHECK_FALSE(m.path_exists_at("long"));
  CHECK_FALSE(m.path_exists_at("l"));
  CHECK(m.is_empty());
}

TEST_CASE("prune_path stops at an ancestor with a value or two children") {
  path_map<int> m;
  m.set_val_at("ab", 1);
  m.create_path("abcdef");
  CHECK(m.prune_path("abcdef") == 4u);
  CHECK(m.path_exists_at("ab"));
  CHECK_FALSE(m.path_exists_at("abc"));

  m.set_val_at("xyz", 2);
  m.create_path("xyQRS");
  CHECK(m.prune_path("xyQRS") == 3u);
  CHECK(m.path_exists_at("xy"));
  CHECK(m.path_exists_at("xyz"));
  CHECK_FALSE(m.path_exists_at("xyQ"));
  CHECK(dump(m) == "ab=1|xyz=2");
}

TEST_CASE("prune_path returns 0 unless the path is dangling") {
  path_map<int> m;
  m.set_val_at("abc", 1);
  m.create_path("abcdef");
  CHECK(m.prune_path("abc") == 0u);    // has a value
  CHECK(m.prune_path("abcd") == 0u);   // has a child
  CHECK(m.prune_path("abq") == 0u);    // missing
  CHECK(m.prune_path("abcdefg") == 0u); // missing
  CHECK(m.prune_path("") == 0u);
  CHECK(m.path_exists_at("abcdef"));
  CHECK(m.prune_path("abcdef") == 3u);
  CHECK_FALSE(m.path_exists_at("abcd"));
  CHECK(dump(m) == "abc=1");
}

TEST_CASE("prune_path of one of two dangling siblings keeps the other") {
  path_map<int> m;
  m.create_path("stem/a1");
  m.create_path("stem/b22");
  CHECK(m.prune_path("stem/b22") == 3u);
  CHECK(m.path_exists_at("stem/a1"));
  CHECK(m.prune_path("stem/a1") == 7u);
  CHECK(m.is_empty());
}

// -- val_count / is_empty -------------------------------------------------------------------------

TEST_CASE("val_count counts every value including nested and root values") {
  path_map<int> m;
  CHECK(m.val_count() == 0u);
  m.set_val_at("a", 1);
  m.set_val_at("ab", 2);
  m.set_val_at("abc", 3);
  m.set_val_at("b", 4);
  CHECK(m.val_count() == 4u);
  m.set_val_at("", 5);
  CHECK(m.val_count() == 5u);
  m.create_path("zzz");
  CHECK(m.val_count() == 5u);
  m.remove_val_at("ab", false);
  CHECK(m.val_count() == 4u);
}

TEST_CASE("a map holding only dangling paths is not empty") {
  path_map<int> m;
  m.create_path("x");
  CHECK_FALSE(m.is_empty());
  CHECK(m.val_count() == 0u);
  CHECK(m.prune_path("x") == 1u);
  CHECK(m.is_empty());
}

// -- iteration --------------------------------------------------------------------------------------

TEST_CASE("iteration yields the root value first, then lexicographic order") {
  path_map<int> m;
  m.set_val_at("b", 2);
  m.set_val_at("a", 1);
  m.set_val_at("", 0);
  m.set_val_at("ab", 3);
  m.set_val_at("aa", 4);
  CHECK(dump(m) == "=0|a=1|aa=4|ab=3|b=2");
  CHECK(dump_for_each(m) == dump(m));
}

TEST_CASE("iteration order is unsigned byte order: 0x00 < 0x27 < 0x7f < 0x80 < 0xff") {
  path_map<int> m;
  m.set_val_at(bytes({0xff}), 5);
  m.set_val_at(bytes({0x80}), 4);
  m.set_val_at(bytes({0x7f}), 3);
  m.set_val_at(bytes({0x27}), 2);
  m.set_val_at(bytes({0x00}), 1);
  m.set_val_at(bytes({0x80, 0x00}), 6);
  m.set_val_at(bytes({0x7f, 0xff}), 7);
  m.set_val_at(bytes({0x00, 0x00}), 8);
  m.set_val_at(bytes({0xff, 0xff, 0xff}), 9);
  CHECK(dump(m)
        == "\\x00=1|\\x00\\x00=8|'=2|\\x7f=3|\\x7f\\xff=7|\\x80=4|\\x80\\x00=6|\\xff=5|"
           "\\xff\\xff\\xff=9");
  CHECK(dump_for_each(m) == dump(m));
}

TEST_CASE("iteration of the crate's keys puts rom'i before roman") {
  auto m = roman_map();
  CHECK(keys(m) == roman_keys_sorted());
}

TEST_CASE("the path view of range-for is valid until the iterator advances") {
  path_map<int> m;
  for (int i = 0; i < 300; ++i)
    m.set_val_at(be32(static_cast<std::uint32_t>(i * 7919)), i);
  std::map<std::string, int> expected;
  for (int i = 0; i < 300; ++i)
    expected[be32(static_cast<std::uint32_t>(i * 7919))] = i;
  auto it = expected.begin();
  std::size_t n = 0;
  for (auto&& [p, v] : m) {
    REQUIRE(it != expected.end());
    CHECK(str(p) == it->first);
    CHECK(v == it->second);
    ++it;
    ++n;
  }
  CHECK(n == expected.size());
}

TEST_CASE("for_each_value visits the same sequence as range-for") {
  auto m = roman_map();
  m.set_val_at("", 99);
  std::vector<std::string> seen;
  m.for_each_value([&](path_view p, const int& v) {
    seen.push_back(str(p) + "=" + std::to_string(v));
  });
  std::vector<std::string> expected;
  for (auto&& [p, v] : m)
    expected.push_back(str(p) + "=" + std::to_string(v));
  CHECK(seen == expected);
  CHECK(seen.front() == "=99");
  CHECK(seen.size() == 13u);
}

// -- copies ---------------------------------------------------------------------------------------

TEST_CASE("a copy sees the same contents and writes to it stay private") {
  auto a = roman_map();
  a.set_val_at("", 100);
  auto b = a;
  CHECK(dump(b) == dump(a));
  b.set_val_at("roman", 50);
  b.set_val_at("new", 51);
  b.remove_val_at("arrow", true);
  b.set_val_at("", 101);
  CHECK(id_at(a, "roman") == 3);
  CHECK(a.contains("arrow"));
  CHECK_FALSE(a.path_exists_at("new"));
  CHECK(id_at(a, "") == 100);
  CHECK(id_at(b, "roman") == 50);
  CHECK_FALSE(b.path_exists_at("arrow"));
  CHECK(id_at(b, "") == 101);
  CHECK(a.val_count() == 13u);
  CHECK(b.val_count() == 13u);
  // and the other way round
  a.remove_branches_at("ru", true);
  CHECK(b.contains("rubicon"));
  CHECK_FALSE(a.path_exists_at("ru"));
}

TEST_CASE("writes through get_val_mut_at on a copy stay private") {
  auto a = roman_map();
  auto b = a;
  *b.get_val_mut_at("rubicon") = 1000;
  b.get_val_or_set_mut_at("bow", 0) = 2000;
  CHECK(id_at(a, "rubicon") == 9);
  CHECK(id_at(a, "bow") == 1);
  CHECK(id_at(b, "rubicon") == 1000);
  CHECK(id_at(b, "bow") == 2000);
}

TEST_CASE("create_path, prune_path and remove_branches_at on a copy stay private") {
  auto a = roman_map();
  a.create_path("dangle/x");
  auto b = a;
  CHECK(b.prune_path("dangle/x") == 8u);
  CHECK(a.path_exists_at("dangle/x"));
  CHECK(b.create_path("romanesque"));
  CHECK_FALSE(a.path_exists_at("romanesq"));
  CHECK(b.remove_branches_at("rom", false));
  CHECK(a.val_count() == 12u);
  CHECK(b.val_count() == 7u);
  CHECK(b.path_exists_at("rom"));
}

TEST_CASE("copy assignment and move keep contents and independence") {
  auto a = roman_map();
  path_map<int> b;
  b.set_val_at("old", 1);
  b = a;
  CHECK(dump(b) == dump(a));
  path_map<int> c = std::move(b);
  CHECK(dump(c) == dump(a));
  path_map<int> d;
  d = std::move(c);
  d.set_val_at("arrow", -1);
  CHECK(id_at(a, "arrow") == 0);
  CHECK(id_at(d, "arrow") == -1);
  auto& alias = d;
  d = alias; // self-assignment
  CHECK(id_at(d, "arrow") == -1);
  CHECK(d.val_count() == 12u);
}

TEST_CASE("a copy outlives its original") {
  path_map<std::string> b;
  {
    path_map<std::string> a;
    for (int i = 0; i < 1000; ++i)
      a.set_val_at(be32(static_cast<std::uint32_t>(i)), std::to_string(i));
    b = a;
    a.set_val_at(be32(5), "changed");
  }
  CHECK(b.val_count() == 1000u);
  REQUIRE(b.get_val_at(be32(5)) != nullptr);
  CHECK(*b.get_val_at(be32(5)) == "5");
  CHECK(*b.get_val_at(be32(999)) == "999");
}

TEST_CASE("many copies of one map diverge independently") {
  path_map<int> base;
  for (int i = 0; i < 500; ++i)
    base.set_val_at(be32(static_cast<std::uint32_t>(i * 131)), i);
  std::vector<path_map<int>> copies(8, base);
  for (std::size_t c = 0; c < copies.size(); ++c)
    for (int i = 0; i < 500; i += 7)
      copies[c].set_val_at(be32(static_cast<std::uint32_t>(i * 131)), static_cast<int>(c) * 1000 + i);
  for (int i = 0; i < 500; ++i) {
    CHECK(id_at(base, be32(static_cast<std::uint32_t>(i * 131))) == i);
    for (std::size_t c = 0; c < copies.size(); ++c) {
      int expected = (i % 7 == 0) ? static_cast<int>(c) * 1000 + i : i;
      if (id_at(copies[c], be32(static_cast<std::uint32_t>(i * 131))) != expected) {
        FAIL_CHECK("copy " << c << " key " << i);
      }
    }
  }
}

// -- wide nodes -----------------------------------------------------------------------------------

// Nodes whose entries mostly have tails stay small up to 32 entries and keep the high halves of
// their masks apart; entries with values and children in both halves, grown one insertion at a
// time (the relocating insert) and shrunk again, must agree with a std::map.
TEST_CASE("wide nodes with tails, values and children agree with a std::map under inserts and removals") {
  std::mt19937_64 rng(20261126);
  for (int round = 0; round < 40; ++round) {
    path_map<int> m;
    std::map<std::string, int> model;
    auto key = [&] {
      std::string k(rng() % 2, 'p');
      k.push_back(static_cast<char>('0' + rng() % 40));
      k += "tt";
      for (std::size_t i = 0, n = 1 + rng() % 3; i < n; ++i)
        k.push_back(static_cast<char>('0' + rng() % 40));
      return k;
    };
    for (int op = 0; op < 600; ++op) {
      std::string k = key();
      int v = op;
      if (rng() % 4 != 0) {
        bool fresh = model.count(k) == 0;
        model[k] = v;
        CHECK(m.set_val_at(k, v).has_value() == !fresh);
      } else {
        bool had = model.erase(k) != 0;
        CHECK(m.remove_val_at(k, rng() % 2 == 0).has_value() == had);
      }
      if (op % 50 == 49) {
        std::vector<std::string> want;
        for (auto& [mk, mv] : model) {
          want.push_back(mk);
          const int* got = m.get_val_at(mk);
          REQUIRE(got != nullptr);
          CHECK(*got == mv);
        }
        CHECK(keys(m) == want);
        CHECK(m.val_count() == model.size());
      }
    }
  }
}

TEST_CASE("nodes of every width, of dangling paths only or with long tails, are searched exactly") {
  // Lookups compare first bytes 16 at a time and add tail lengths 8 at a time, reading past the
  // arrays they scan (never past the node): widths around 8, 16 and 32 entries, nodes without a
  // single value or child, and the byte 0 (what padding holds) must all be found exactly.
  for (std::size_t tail : {0, 1, 7, 8, 9, 200}) {
    for (int width = 1; width <= 32; ++width) {
      path_map<int> m;
      auto key = [&](int i) {
        std::string k = "x";
        k.push_back(static_cast<char>(i * 3)); // 0, 3, 6, ...
        k.append(tail + static_cast<std::size_t>(i % 3), static_cast<char>('a' + i % 26));
        return k;
      };
      for (int i = 0; i < width; ++i)
        REQUIRE(m.create_path(key(i)));
      for (int i = 0; i < width; ++i) {
        std::string k = key(i);
        CHECK(m.path_exists_at(k));
        CHECK(m.get_val_at(k) == nullptr);
        std::string off = k;
        off[1] = static_cast<char>(off[1] + 1); // a first byte no entry has
        CHECK_FALSE(m.path_exists_at(off));
        if (k.size() > 2) {
          std::string wrong = k;
          wrong.back() = 'Z'; // the right entry, a different tail
          CHECK_FALSE(m.path_exists_at(wrong));
        }
      }
      // Values on every other path: the same nodes with values in between.
      for (int i = 0; i < width; i += 2)
        m.set_val_at(key(i), i);
      for (int i = 0; i < width; ++i) {
        const int* v = m.get_val_at(key(i));
        if (i % 2 == 0) {
          REQUIRE(v != nullptr);
          CHECK(*v == i);
        } else {
          CHECK(v == nullptr);
          CHECK(m.path_exists_at(key(i)));
        }
      }
    }
  }
}

TEST_SUITE_END();
