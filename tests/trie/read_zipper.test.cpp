// Zipper movement and inspection (PATHMAP-SPEC §2.1, §2.3 Zipper / ZipperMoving / ZipperForking /
// ZipperSubtries / ZipperAbsolutePath). The generic cases run on read zippers and on write zippers,
// which must move the same way (§2.5).
#include "pathmap/path_map.hpp"

#include "test_support.hpp"

#include <doctest/doctest.h>

#include <array>
#include <string>
#include <vector>

using pathmap::byte_mask;
using pathmap::path_map;
using pathmap::path_view;
using namespace pathmap_test;

namespace {

std::string mask_chars(const byte_mask& m) {
  std::string out;
  for (int b = 0; b < 256; ++b)
    if (m.test(static_cast<std::uint8_t>(b)))
      out.push_back(static_cast<char>(b));
  return out;
}

template <class Z>
int val_id(const Z& z) {
  auto* v = z.val();
  return v == nullptr ? -1 : *v;
}

} // namespace

#define ZIPPER_KINDS read_kind, write_kind

TEST_SUITE_BEGIN("zipper moving");

// -- at the root ------------------------------------------------------------------------------------

TEST_CASE_TEMPLATE("a zipper starts at its root with an empty path", K, ZIPPER_KINDS) {
  auto m = roman_map();
  auto z = K::make(m);
  CHECK(z.at_root());
  CHECK(z.path().size() == 0u);
  CHECK(z.path_exists());
  CHECK_FALSE(z.is_val());
  CHECK(z.val() == nullptr);
  CHECK(z.child_count() == 4u);
  CHECK(mask_chars(z.child_mask()) == "abcr");
  CHECK(z.val_count() == 12u);
  CHECK(z.root_prefix_path().size() == 0u);
  CHECK(z.origin_path().size() == 0u);
}

TEST_CASE_TEMPLATE("a zipper at the map root sees the root value", K, ZIPPER_KINDS) {
  auto m = roman_map();
  m.set_val_at("", 77);
  auto z = K::make(m);
  CHECK(z.is_val());
  CHECK(val_id(z) == 77);
  CHECK(z.val_count() == 13u);
}

// -- descend_to and friends -------------------------------------------------------------------------

TEST_CASE_TEMPLATE("descend_to moves without checking that the path exists", K, ZIPPER_KINDS) {
  auto m = roman_map();
  auto z = K::make(m);
  z.descend_to("rom");
  CHECK(str(z.path()) == "rom");
  CHECK(z.path_exists());
  CHECK_FALSE(z.is_val());
  CHECK(z.child_count() == 3u);
  CHECK(mask_chars(z.child_mask()) == "'au");
  CHECK_FALSE(z.at_root());

  z.descend_to("anx");
  CHECK(str(z.path()) == "romanx");
  CHECK_FALSE(z.path_exists());
  CHECK_FALSE(z.is_val());
  CHECK(z.val() == nullptr);
  CHECK(z.child_count() == 0u);
  CHECK(z.child_mask().empty());
  CHECK(z.val_count() == 0u);

  z.descend_to("");
  CHECK(str(z.path()) == "romanx");
  z.descend_to("yz");
  CHECK(str(z.path()) == "romanxyz");
  CHECK_FALSE(z.path_exists());
}

TEST_CASE_TEMPLATE("descend_to lands on values inside compressed keys", K, ZIPPER_KINDS) {
  auto m = roman_map();
  auto z = K::make(m);
  z.descend_to("rubicundus");
  CHECK(z.is_val());
  CHECK(val_id(z) == 10);
  CHECK(z.child_count() == 0u);
  z.reset();
  z.descend_to("rubicu");
  CHECK(z.path_exists());
  CHECK_FALSE(z.is_val());
  CHECK(z.child_count() == 1u);
  CHECK(mask_chars(z.child_mask()) == "n");
  z.reset();
  z.descend_to("romane");
  CHECK(val_id(z) == 4);
}

TEST_CASE_TEMPLATE("descend_to_check reports whether the new focus exists", K, ZIPPER_KINDS) {
  auto m = roman_map();
  auto z = K::make(m);
  CHECK(z.descend_to_check("roman"));
  CHECK(str(z.path()) == "roman");
  CHECK_FALSE(z.descend_to_check("zz"));
  CHECK(str(z.path()) == "romanzz");
  CHECK_FALSE(z.descend_to_check(""));
  z.reset();
  CHECK(z.descend_to_check(""));
}

TEST_CASE_TEMPLATE("descend_to_existing follows the key only as far as it exists", K,
                   ZIPPER_KINDS) {
  auto m = roman_map();
  auto z = K::make(m);
  CHECK(z.descend_to_existing("romanesque") == 6u);
  CHECK(str(z.path()) == "romane");
  z.reset();
  CHECK(z.descend_to_existing("arrow") == 5u);
  CHECK(str(z.path()) == "arrow");
  z.reset();
  CHECK(z.descend_to_existing("canno") == 5u);
  CHECK(str(z.path()) == "canno");
  CHECK(z.descend_to_existing("") == 0u);
  CHECK(str(z.path()) == "canno");
  z.reset();
  CHECK(z.descend_to_existing("xyz") == 0u);
  CHECK(z.at_root());
}

TEST_CASE_TEMPLATE("descend_to_existing from a missing focus stays put", K, ZIPPER_KINDS) {
  auto m = roman_map();
  auto z = K::make(m);
  z.descend_to("qq");
  CHECK(z.descend_to_existing("arrow") == 0u);
  CHECK(str(z.path()) == "qq");
}

TEST_CASE_TEMPLATE("descend_to_val stops after the first value or where the path ends", K,
                   ZIPPER_KINDS) {
  auto m = roman_map();
  auto z = K::make(m);
  CHECK(z.descend_to_val("romanus") == 5u);
  CHECK(str(z.path()) == "roman");
  // already on a value: goes on to the next one along the key
  CHECK(z.descend_to_val("us") == 2u);
  CHECK(str(z.path()) == "romanus");
  z.reset();
  CHECK(z.descend_to_val("cannonade") == 6u);
  CHECK(str(z.path()) == "cannon");
  z.reset();
  CHECK(z.descend_to_val("rubx") == 3u);
  CHECK(str(z.path()) == "rub");
  z.reset();
  CHECK(z.descend_to_val("") == 0u);
  CHECK(z.at_root());
  z.descend_to("zz");
  CHECK(z.descend_to_val("a") == 0u);
  CHECK(str(z.path()) == "zz");
}

TEST_CASE_TEMPLATE("descend_to_val from the root value goes on to the next value", K,
                   ZIPPER_KINDS) {
  auto m = roman_map();
  m.set_val_at("", 100);
  auto z = K::make(m);
  CHECK(z.descend_to_val("arrow") == 5u);
  CHECK(val_id(z) == 0);
}

TEST_CASE_TEMPLATE("descend_to_existing_byte descends only into an existing child", K,
                   ZIPPER_KINDS) {
  auto m = roman_map();
  auto z = K::make(m);
  CHECK_FALSE(z.descend_to_existing_byte('z'));
  CHECK(z.at_root());
  CHECK(z.descend_to_existing_byte('r'));
  CHECK(str(z.path()) == "r");
  CHECK_FALSE(z.descend_to_existing_byte('a'));
  CHECK(str(z.path()) == "r");
  CHECK(z.descend_to_existing_byte('u'));
  CHECK(str(z.path()) == "ru");
  z.reset();
  z.descend_to("c");
  CHECK(z.descend_to_existing_byte('a')); // inside a compressed key
  CHECK(str(z.path()) == "ca");
  z.descend_to_byte('x');
  CHECK(str(z.path()) == "cax");
  CHECK_FALSE(z.path_exists());
  CHECK_FALSE(z.descend_to_existing_byte('n'));
  CHECK(str(z.path()) == "cax");
}

TEST_CASE_TEMPLATE("descend_indexed_byte picks the i-th child byte", K, ZIPPER_KINDS) {
  auto m = roman_map();
  auto z = K::make(m);
  z.descend_to("rom");
  CHECK(z.descend_indexed_byte(0));
  CHECK(str(z.path()) == "rom'");
  CHECK(z.ascend_byte());
  CHECK(z.descend_indexed_byte(1));
  CHECK(str(z.path()) == "roma");
  CHECK(z.ascend_byte());
  CHECK(z.descend_indexed_byte(2));
  CHECK(str(z.path()) == "romu");
  CHECK(z.ascend_byte());
  CHECK_FALSE(z.descend_indexed_byte(3));
  CHECK(str(z.path()) == "rom");
  z.reset();
  CHECK(z.descend_indexed_byte(3));
  CHECK(str(z.path()) == "r");
  z.descend_to("zz");
  CHECK_FALSE(z.descend_indexed_byte(0));
  CHECK(str(z.path()) == "rzz");
}

TEST_CASE_TEMPLATE("descend_first_byte and descend_last_byte", K, ZIPPER_KINDS) {
  auto m = roman_map();
  auto z = K::make(m);
  CHECK(z.descend_first_byte());
  CHECK(str(z.path()) == "a");
  z.reset();
  CHECK(z.descend_last_byte());
  CHECK(str(z.path()) == "r");
  CHECK(z.descend_last_byte());
  CHECK(str(z.path()) == "ru");
  CHECK(z.descend_first_byte());
  CHECK(str(z.path()) == "rub");
  CHECK(z.descend_first_byte());
  CHECK(str(z.path()) == "rube");
  z.reset();
  z.descend_to("arrow");
  CHECK_FALSE(z.descend_first_byte());
  CHECK_FALSE(z.descend_last_byte());
  CHECK(str(z.path()) == "arrow");
  z.descend_to("x");
  CHECK_FALSE(z.descend_first_byte());
  CHECK_FALSE(z.descend_last_byte());
  CHECK(str(z.path()) == "arrowx");
}

// -- descend_until ----------------------------------------------------------------------------------

TEST_CASE_TEMPLATE("descend_until follows single children to a value or a branch", K,
                   ZIPPER_KINDS) {
  auto m = roman_map();
  auto z = K::make(m);
  CHECK_FALSE(z.descend_until()); // four children at the root
  CHECK(z.at_root());
  z.descend_to("a");
  CHECK(z.descend_until());
  CHECK(str(z.path()) == "arrow");
  CHECK_FALSE(z.descend_until()); // leaf
  CHECK(str(z.path()) == "arrow");
  z.reset();
  z.descend_to("ro");
  CHECK(z.descend_until());
  CHECK(str(z.path()) == "rom"); // branch
  z.descend_to("a");
  CHECK(z.descend_until());
  CHECK(str(z.path()) == "roman"); // value
  CHECK_FALSE(z.descend_until());  // value with two children
  z.descend_to("u");
  CHECK(z.descend_until());
  CHECK(str(z.path()) == "romanus");
  z.descend_to("zz");
  CHECK_FALSE(z.descend_until());
  CHECK(str(z.path()) == "romanuszz");
}

TEST_CASE_TEMPLATE("descend_until starting on a value goes on to the next value", K,
                   ZIPPER_KINDS) {
  path_map<int> m;
  m.set_val_at("ab", 1);
  m.set_val_at("abcd", 2);
  m.set_val_at("abcdef", 3);
  auto z = K::make(m);
  CHECK(z.descend_until());
  CHECK(str(z.path()) == "ab");
  CHECK(z.descend_until());
  CHECK(str(z.path()) == "abcd");
  CHECK(z.descend_until());
  CHECK(str(z.path()) == "abcdef");
  CHECK_FALSE(z.descend_until());
}

TEST_CASE_TEMPLATE("descend_until follows a dangling path to its end", K, ZIPPER_KINDS) {
  path_map<int> m;
  m.create_path("dangling/path");
  auto z = K::make(m);
  CHECK(z.descend_until());
  CHECK(str(z.path()) == "dangling/path");
  CHECK(z.path_exists());
  CHECK_FALSE(z.is_val());
}

TEST_CASE_TEMPLATE("descend_until_max_bytes descends at most n bytes", K, ZIPPER_KINDS) {
  auto m = roman_map();
  auto z = K::make(m);
  z.descend_to("a");
  CHECK(z.descend_until_max_bytes(2));
  CHECK(str(z.path()) == "arr");
  CHECK_FALSE(z.descend_until_max_bytes(0));
  CHECK(str(z.path()) == "arr");
  CHECK(z.descend_until_max_bytes(100));
  CHECK(str(z.path()) == "arrow");
  z.reset();
  z.descend_to("ro");
  CHECK(z.descend_until_max_bytes(5));
  CHECK(str(z.path()) == "rom");
  z.reset();
  z.descend_to("rubicu");
  CHECK(z.descend_until_max_bytes(100));
  CHECK(str(z.path()) == "rubicundus");
}

// -- ascend -----------------------------------------------------------------------------------------

TEST_CASE_TEMPLATE("ascend goes up n bytes and stops at the root", K, ZIPPER_KINDS) {
  auto m = roman_map();
  auto z = K::make(m);
  z.descend_to("romanus");
  CHECK(z.ascend(2));
  CHECK(str(z.path()) == "roman");
  CHECK(val_id(z) == 3);
  CHECK_FALSE(z.ascend(10));
  CHECK(z.at_root());
  CHECK_FALSE(z.ascend_byte());
  CHECK_FALSE(z.ascend(1));
  CHECK(z.at_root());
  z.descend_to("romXYZ");
  CHECK(z.ascend(3));
  CHECK(str(z.path()) == "rom");
  CHECK(z.path_exists());
  CHECK(z.ascend_byte());
  CHECK(str(z.path()) == "ro");
  CHECK(z.ascend(2));
  CHECK(z.at_root());
}

TEST_CASE_TEMPLATE("ascend_until stops at values, branches and the root", K, ZIPPER_KINDS) {
  auto m = roman_map();
  auto z = K::make(m);
  z.descend_to("romanus");
  CHECK(z.ascend_until());
  CHECK(str(z.path()) == "roman");
  CHECK(z.ascend_until());
  CHECK(str(z.path()) == "rom");
  CHECK(z.ascend_until());
  CHECK(str(z.path()) == "r");
  CHECK(z.ascend_until());
  CHECK(z.at_root());
  CHECK_FALSE(z.ascend_until());
  CHECK(z.at_root());
  z.descend_to("arrow");
  CHECK(z.ascend_until());
  CHECK(z.at_root());
  z.descend_to("rubicundus");
  CHECK(z.ascend_until());
  CHECK(str(z.path()) == "rubic");
  z.reset();
  z.descend_to("rubens");
  CHECK(z.ascend_until());
  CHECK(str(z.path()) == "rube");
}

TEST_CASE_TEMPLATE("ascend_until from a missing tail stops at the valued ancestor: AAaDDd",
                   K, ZIPPER_KINDS) {
  path_map<int> m;
  m.set_val_at("AAa", 1);
  m.set_val_at("12345", 2);
  auto z = K::make(m);
  z.descend_to("AAaDDd");
  CHECK_FALSE(z.path_exists());
  CHECK(z.ascend_until());
  CHECK(str(z.path()) == "AAa");
  z.reset();
  z.descend_to("123456");
  CHECK(z.ascend_until());
  CHECK(str(z.path()) == "12345");
}

TEST_CASE_TEMPLATE("ascend_until from a missing tail keeps going past non-stopping ancestors "
                   "(recommended behaviour)",
                   K, ZIPPER_KINDS) {
  path_map<int> m;
  m.set_val_at("abcd", 1);
  m.set_val_at("abx", 2);
  m.set_val_at("q", 3);
  auto z = K::make(m);
  z.descend_to("abcQQ");
  CHECK(z.ascend_until());
  CHECK(str(z.path()) == "ab");
  z.reset();
  z.descend_to("ZZZ");
  CHECK(z.ascend_until());
  CHECK(z.at_root());
}

TEST_CASE_TEMPLATE("ascend_until_branch ignores values", K, ZIPPER_KINDS) {
  path_map<int> m;
  m.set_val_at("zab", 1);
  m.set_val_at("zabcd", 2);
  m.set_val_at("zy", 3);
  auto z = K::make(m);
  z.descend_to("zabcd");
  CHECK(z.ascend_until_branch());
  CHECK(str(z.path()) == "z");
  CHECK(z.ascend_until_branch());
  CHECK(z.at_root());
  CHECK_FALSE(z.ascend_until_branch());
  z.descend_to("zabcd");
  CHECK(z.ascend_until());
  CHECK(str(z.path()) == "zab");
}

// -- siblings ---------------------------------------------------------------------------------------

TEST_CASE_TEMPLATE("to_next_sibling_byte and to_prev_sibling_byte walk the parent's children",
                   K, ZIPPER_KINDS) {
  auto m = roman_map();
  auto z = K::make(m);
  CHECK_FALSE(z.to_next_sibling_byte()); // at the root
  CHECK_FALSE(z.to_prev_sibling_byte());
  z.descend_to("a");
  CHECK(z.to_next_sibling_byte());
  CHECK(str(z.path()) == "b");
  CHECK(z.to_next_sibling_byte());
  CHECK(str(z.path()) == "c");
  CHECK(z.to_next_sibling_byte());
  CHECK(str(z.path()) == "r");
  CHECK_FALSE(z.to_next_sibling_byte());
  CHECK(str(z.path()) == "r");
  CHECK(z.to_prev_sibling_byte());
  CHECK(str(z.path()) == "c");
  CHECK(z.to_prev_sibling_byte());
  CHECK(z.to_prev_sibling_byte());
  CHECK(str(z.path()) == "a");
  CHECK_FALSE(z.to_prev_sibling_byte());
  CHECK(str(z.path()) == "a");

  z.reset();
  z.descend_to("rom'");
  CHECK_FALSE(z.to_prev_sibling_byte());
  CHECK(z.to_next_sibling_byte());
  CHECK(str(z.path()) == "roma");
  CHECK(z.to_next_sibling_byte());
  CHECK(str(z.path()) == "romu");
  CHECK_FALSE(z.to_next_sibling_byte());
  CHECK(str(z.path()) == "romu");

  z.reset();
  z.descend_to("arr"); // inside a compressed key: no siblings
  CHECK_FALSE(z.to_next_sibling_byte());
  CHECK_FALSE(z.to_prev_sibling_byte());
  CHECK(str(z.path()) == "arr");
}

TEST_CASE_TEMPLATE("sibling steps on a missing focus return false and keep the focus "
                   "(recommended behaviour)",
                   K, ZIPPER_KINDS) {
  auto m = roman_map();
  auto z = K::make(m);
  z.descend_to("romx");
  CHECK_FALSE(z.to_next_sibling_byte());
  CHECK(str(z.path()) == "romx");
  CHECK_FALSE(z.to_prev_sibling_byte());
  CHECK(str(z.path()) == "romx");
}

TEST_CASE_TEMPLATE("sibling steps cannot look above the root of a fork rooted at [0]", K,
                   ZIPPER_KINDS) {
  path_map<int> m;
  m.set_val_at(bytes({0}), 1);
  m.set_val_at(bytes({0, 5}), 2);
  m.set_val_at(bytes({1}), 3);
  auto z = K::make(m);
  z.descend_to_byte(0);
  auto f = z.fork_read_zipper();
  CHECK(f.path().size() == 0u);
  CHECK_FALSE(f.to_next_sibling_byte());
  CHECK_FALSE(f.to_prev_sibling_byte());
  CHECK(f.path().size() == 0u);
  CHECK(f.at_root());
  CHECK(f.origin_path() == path_view(bytes({0})));
}

TEST_CASE("sibling steps cannot look above the root of a zipper made at a path") {
  path_map<int> m;
  m.set_val_at("a1", 1);
  m.set_val_at("b1", 2);
  auto z = m.read_zipper_at_path("a");
  CHECK_FALSE(z.to_next_sibling_byte());
  CHECK(z.at_root());
  CHECK(z.descend_first_byte());
  CHECK(str(z.path()) == "1");
  CHECK_FALSE(z.to_next_sibling_byte());
}

// -- to_next_step -----------------------------------------------------------------------------------

TEST_CASE_TEMPLATE("to_next_step visits every existing position once in DFS pre-order", K,
                   ZIPPER_KINDS) {
  auto m = roman_map();
  auto z = K::make(m);
  auto visited = step_paths(z);
  CHECK(join(visited) == join(all_prefixes(roman_keys())));
  CHECK(z.at_root()); // back at the root after the last position
  CHECK_FALSE(z.path().size() != 0u);
}

TEST_CASE_TEMPLATE("to_next_step includes dangling paths and returns false on an empty map", K,
                   ZIPPER_KINDS) {
  path_map<int> empty;
  {
    auto z = K::make(empty);
    CHECK_FALSE(z.to_next_step());
    CHECK(z.at_root());
  }
  path_map<int> m;
  m.create_path("dan");
  m.set_val_at("b", 1);
  auto z = K::make(m);
  CHECK(join(step_paths(z)) == "b|d|da|dan");
}

TEST_CASE_TEMPLATE("to_next_step below a zipper root stays inside the subtrie", K,
                   ZIPPER_KINDS) {
  auto m = roman_map();
  auto z = K::make_at(m, "rub");
  CHECK(join(step_paths(z))
        == "e|en|ens|er|i|ic|ico|icon|icu|icun|icund|icundu|icundus");
}

// -- move_to_path -----------------------------------------------------------------------------------

TEST_CASE_TEMPLATE("move_to_path returns the common prefix length: :rd1 to :rd2 gives 3", K,
                   ZIPPER_KINDS) {
  path_map<int> m;
  m.set_val_at("A", 42);
  m.set_val_at("A:rd1", 1);
  m.set_val_at("A:rd2", 2);
  auto z = K::make_at(m, "A");
  CHECK(val_id(z) == 42);
  z.descend_to(":rd1");
  CHECK(z.path_exists());
  CHECK(val_id(z) == 1);
  CHECK(z.move_to_path(":rd2") == 3u);
  CHECK(str(z.path()) == ":rd2");
  CHECK(val_id(z) == 2);
  CHECK(z.move_to_path(":rd2xyz") == 4u);
  CHECK_FALSE(z.path_exists());
  CHECK(z.move_to_path(":r") == 2u);
  CHECK(z.path_exists());
  CHECK(z.move_to_path("") == 0u);
  CHECK(z.at_root());
  CHECK(val_id(z) == 42);
  CHECK(z.move_to_path("zzz") == 0u);
  CHECK(str(z.path()) == "zzz");
}

// -- paths ------------------------------------------------------------------------------------------

TEST_CASE_TEMPLATE("path, origin_path and root_prefix_path of a zipper made at a path", K,
                   ZIPPER_KINDS) {
  auto m = roman_map();
  auto z = K::make_at(m, "ro");
  CHECK(str(z.root_prefix_path()) == "ro");
  CHECK(str(z.origin_path()) == "ro");
  CHECK(z.path().size() == 0u);
  CHECK(z.at_root());
  CHECK(z.child_count() == 1u);
  z.descend_to("man");
  CHECK(str(z.path()) == "man");
  CHECK(str(z.origin_path()) == "roman");
  CHECK(str(z.root_prefix_path()) == "ro");
  CHECK(val_id(z) == 3);
  CHECK_FALSE(z.ascend(5));
  CHECK(z.at_root());
  CHECK(str(z.origin_path()) == "ro");
  z.descend_to("m'i");
  z.reset();
  CHECK(z.origin_path() == z.root_prefix_path());
  CHECK(z.val_count() == 5u);
}

TEST_CASE_TEMPLATE("a zipper made at a valued path has that value as its root value", K,
                   ZIPPER_KINDS) {
  auto m = roman_map();
  auto z = K::make_at(m, "roman");
  CHECK(z.is_val());
  CHECK(val_id(z) == 3);
  CHECK(z.val_count() == 3u);
  CHECK(mask_chars(z.child_mask()) == "eu");
}

// -- val_count --------------------------------------------------------------------------------------

TEST_CASE_TEMPLATE("val_count counts values at and below the focus", K, ZIPPER_KINDS) {
  auto m = roman_map();
  auto z = K::make(m);
  CHECK(z.val_count() == 12u);
  z.descend_to("rom");
  CHECK(z.val_count() == 5u);
  z.descend_to("an");
  CHECK(z.val_count() == 3u);
  z.descend_to("us");
  CHECK(z.val_count() == 1u);
  z.descend_to("x");
  CHECK(z.val_count() == 0u);
  z.reset();
  z.descend_to("rub");
  CHECK(z.val_count() == 4u);
}

// -- zippers at missing paths -----------------------------------------------------------------------

TEST_CASE("a read zipper made at a missing path: ABCDEFGH on {ABCDEFG}") {
  path_map<int> m;
  m.set_val_at("ABCDEFG", 1);
  {
    auto z = m.read_zipper_at_path("ABCDEFGH");
    CHECK(z.val() == nullptr);
    CHECK_FALSE(z.is_val());
    CHECK(z.child_count() == 0u);
    CHECK(z.child_mask() == byte_mask{});
    CHECK_FALSE(z.to_next_sibling_byte());
    CHECK_FALSE(z.to_prev_sibling_byte());
    CHECK_FALSE(z.ascend_byte());
    CHECK_FALSE(z.path_exists());
    CHECK(z.val_count() == 0u);
    CHECK_FALSE(z.descend_first_byte());
    CHECK_FALSE(z.descend_until());
    CHECK_FALSE(z.to_next_step());
    CHECK_FALSE(z.to_next_val());
    CHECK(str(z.root_prefix_path()) == "ABCDEFGH");
    z.descend_to("more");
    CHECK_FALSE(z.path_exists());
    CHECK(z.ascend(4));
    CHECK(z.at_root());
    auto made = z.make_map();
    CHECK(made.is_empty());
  }
  CHECK_FALSE(m.path_exists_at("ABCDEFGH"));
  CHECK(dump(m) == "ABCDEFG=1");
}

TEST_CASE("a read zipper made at an existing path without value") {
  path_map<int> m;
  m.set_val_at("ABCDEFG", 1);
  auto z = m.read_zipper_at_path("ABCD");
  CHECK(z.path_exists());
  CHECK(z.val() == nullptr);
  CHECK(z.child_count() == 1u);
  CHECK(mask_chars(z.child_mask()) == "E");
  CHECK(z.descend_until());
  CHECK(str(z.path()) == "EFG");
  CHECK(z.val() != nullptr);
  CHECK(*z.val() == 1);
}

TEST_CASE("a read zipper made at a dangling path exists but holds nothing") {
  path_map<int> m;
  m.create_path("dangling");
  auto z = m.read_zipper_at_path("dang");
  CHECK(z.path_exists());
  CHECK(z.child_count() == 1u);
  CHECK(z.val_count() == 0u);
  CHECK_FALSE(z.to_next_val());
}

// -- get_val (read zipper) --------------------------------------------------------------------------

TEST_CASE("a read zipper's get_val stays valid while the zipper moves") {
  auto m = roman_map();
  auto z = m.read_zipper();
  z.descend_to("roman");
  const int* roman = z.get_val();
  REQUIRE(roman != nullptr);
  z.reset();
  z.descend_to("rubicundus");
  const int* rubicundus = z.get_val();
  REQUIRE(rubicundus != nullptr);
  z.reset();
  CHECK(*roman == 3);
  CHECK(*rubicundus == 10);
  CHECK(z.get_val() == nullptr);
  CHECK(roman == m.get_val_at("roman"));
}

// -- fork_read_zipper -------------------------------------------------------------------------------

TEST_CASE_TEMPLATE("fork_read_zipper is rooted at the parent's focus", K, ZIPPER_KINDS) {
  auto m = roman_map();
  auto z = K::make_at(m, "ro");
  z.descend_to("man");
  auto f = z.fork_read_zipper();
  CHECK(f.at_root());
  CHECK(f.path().size() == 0u);
  CHECK(str(f.origin_path()) == "roman");
  CHECK(str(f.root_prefix_path()) == "roman");
  CHECK(f.is_val());
  REQUIRE(f.val() != nullptr);
  CHECK(*f.val() == 3);
  CHECK(f.val_count() == 3u);
  CHECK(mask_chars(f.child_mask()) == "eu");
  CHECK_FALSE(f.ascend_byte());
  CHECK_FALSE(f.ascend_until());
  // its to_next_val starts below its root value
  std::vector<std::string> below;
  while (f.to_next_val())
    below.push_back(str(f.path()));
  CHECK(join(below) == "e|us");
  CHECK(f.at_root());
  // the parent has not moved
  CHECK(str(z.path()) == "man");
}

TEST_CASE_TEMPLATE("fork_read_zipper at a missing focus sees nothing", K, ZIPPER_KINDS) {
  auto m = roman_map();
  auto z = K::make(m);
  z.descend_to("romX");
  auto f = z.fork_read_zipper();
  CHECK_FALSE(f.path_exists());
  CHECK(f.val_count() == 0u);
  CHECK(f.child_count() == 0u);
  CHECK_FALSE(f.to_next_val());
}

// -- make_map ---------------------------------------------------------------------------------------

TEST_CASE_TEMPLATE("make_map copies the subtrie below the focus with the focus value as root", K,
                   ZIPPER_KINDS) {
  auto m = roman_map();
  path_map<int> below_rom;
  path_map<int> below_roman;
  path_map<int> below_missing;
  {
    auto z = K::make(m);
    z.descend_to("rom");
    below_rom = z.make_map();
    z.descend_to("an");
    below_roman = z.make_map();
    z.descend_to("zzz");
    below_missing = z.make_map();
  }
  CHECK(dump(below_rom) == "'i=11|an=3|ane=4|anus=5|ulus=6");
  CHECK(dump(below_roman) == "=3|e=4|us=5");
  CHECK(below_missing.is_empty());
  CHECK(below_missing.val_count() == 0u);
  // the made maps are independent of the source
  below_rom.set_val_at("an", 1000);
  below_rom.remove_branches_at("ulus", false);
  below_roman.set_val_at("", 2000);
  CHECK(id_at(m, "roman") == 3);
  CHECK(m.val_count() == 12u);
  m.set_val_at("romane", -4);
  CHECK(id_at(below_roman, "e") == 4);
}

TEST_CASE_TEMPLATE("make_map at the map root includes the root value", K, ZIPPER_KINDS) {
  auto m = roman_map();
  m.set_val_at("", 99);
  path_map<int> all;
  {
    auto z = K::make(m);
    all = z.make_map();
  }
  CHECK(dump(all) == dump(m));
}

TEST_CASE("make_map keeps dangling paths below the focus") {
  path_map<int> m;
  m.create_path("a/b/c");
  m.set_val_at("a/x", 1);
  auto made = m.read_zipper_at_path("a/").make_map();
  CHECK(made.path_exists_at("b/c"));
  CHECK(dump(made) == "x=1");
}

// -- byte_mask --------------------------------------------------------------------------------------

TEST_CASE("byte_mask words: byte 45 is bit 45 of word 0, byte 194 is bit 2 of word 3") {
  byte_mask a;
  a.set(45);
  CHECK(a.words() == std::array<std::uint64_t, 4>{0x200000000000ull, 0, 0, 0});
  byte_mask b;
  b.set(194);
  CHECK(b.words() == std::array<std::uint64_t, 4>{0, 0, 0, 0x4ull});
  CHECK(a.test(45));
  CHECK_FALSE(a.test(44));
  CHECK(a.count() == 1);
  CHECK(a.first() == 45);
  CHECK(a.last() == 45);
  byte_mask c = a | b;
  CHECK(c.count() == 2);
  CHECK(c.nth(0) == 45);
  CHECK(c.nth(1) == 194);
  CHECK(c.nth(2) == -1);
  CHECK_FALSE(c.empty());
  CHECK(byte_mask{}.empty());
  CHECK(c != a);
  CHECK(c == (b | a));
}

TEST_CASE_TEMPLATE("child_mask reports bytes 45 and 194 in the crate's word layout", K,
                   ZIPPER_KINDS) {
  path_map<int> m;
  m.set_val_at(bytes({45}), 1);
  m.set_val_at(bytes({194, 7}), 2);
  m.set_val_at(bytes({0}), 3);
  m.set_val_at(bytes({255}), 4);
  m.set_val_at(bytes({64}), 5);
  auto z = K::make(m);
  CHECK(z.child_mask().words()
        == std::array<std::uint64_t, 4>{0x200000000001ull, 0x1ull, 0, 0x8000000000000004ull});
  CHECK(z.child_count() == 5u);
  z.descend_to_byte(194);
  CHECK(z.child_mask().words() == std::array<std::uint64_t, 4>{0x80ull, 0, 0, 0});
}

TEST_SUITE_END();
