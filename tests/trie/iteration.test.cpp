// Value iteration and k-path iteration (PATHMAP-SPEC §1.5, §2.3 ZipperIteration,
// ZipperReadOnlyIteration, ZipperReadOnlyConditionalIteration).
#include "pathmap/path_map.hpp"
#include "pathmap/zipper_head.hpp"

#include "test_support.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <random>
#include <string>
#include <vector>

using pathmap::path_map;
using pathmap::path_view;
using namespace pathmap_test;

namespace {

/// A map of `count` seeded random keys of `min_len` to `max_len` bytes drawn from `alphabet`
/// (key `i` has value `i`; a repeated key keeps its last), with the same content as a std::map.
std::pair<path_map<int>, std::map<std::string, int>> random_keys(std::uint64_t seed, int count,
                                                                 const std::string& alphabet,
                                                                 std::size_t min_len,
                                                                 std::size_t max_len) {
  std::mt19937_64 rng(seed);
  path_map<int> m;
  std::map<std::string, int> model;
  for (int i = 0; i < count; ++i) {
    std::string k;
    auto len = min_len + rng() % (max_len - min_len + 1);
    for (std::size_t j = 0; j < len; ++j)
      k.push_back(alphabet[rng() % alphabet.size()]);
    m.set_val_at(k, i);
    model[k] = i;
  }
  return {std::move(m), std::move(model)};
}

/// The model's entries as "key=value" lines, in order.
std::vector<std::string> lines(const std::map<std::string, int>& model) {
  std::vector<std::string> out;
  for (const auto& [k, v] : model)
    out.push_back(show(k) + "=" + std::to_string(v));
  return out;
}

/// Paths visited by to_next_val from the zipper's current position, then the final state.
template <class Z>
std::vector<std::string> next_vals(Z& z) {
  std::vector<std::string> out;
  while (z.to_next_val()) {
    out.push_back(str(z.path()));
    if (out.size() > 100000)
      break; // runaway guard
  }
  return out;
}

/// Paths visited by to_first_val + to_next_val.
template <class Z>
std::vector<std::string> first_and_next_vals(Z& z) {
  std::vector<std::string> out;
  if (z.to_first_val()) {
    out.push_back(str(z.path()));
    while (z.to_next_val()) {
      out.push_back(str(z.path()));
      if (out.size() > 100000)
        break;
    }
  }
  return out;
}

/// Relative paths visited by descend_first_k_path + to_next_k_path from the current focus.
template <class Z>
std::vector<std::string> k_paths(Z& z, std::size_t k) {
  std::vector<std::string> out;
  if (!z.descend_first_k_path(k))
    return out;
  do {
    out.push_back(str(z.path()));
    if (out.size() > 100000)
      break;
  } while (z.to_next_k_path(k));
  return out;
}

} // namespace

#define ZIPPER_KINDS read_kind, write_kind

TEST_SUITE_BEGIN("iteration");

// -- to_first_val / to_next_val -------------------------------------------------------------------

TEST_CASE_TEMPLATE("to_next_val visits every value below the root in lexicographic order", K,
                   ZIPPER_KINDS) {
  auto m = roman_map();
  auto z = K::make(m);
  CHECK(join(next_vals(z)) == join(roman_keys_sorted()));
  CHECK(z.at_root()); // back at the root when done
}

TEST_CASE_TEMPLATE("to_next_step and to_next_val from a missing path go to what follows it in order",
                   K, ZIPPER_KINDS) {
  path_map<int> m;
  for (const char* k : {"a", "ab", "ac", "b"})
    m.set_val_at(k, 1);
  auto z = K::make(m);
  z.descend_to("aab"); // missing below "a", before "ab"
  CHECK(z.to_next_step());
  CHECK(z.path() == path_view("ab"));
  z.move_to_path("abz"); // missing below the leaf "ab"
  CHECK(z.to_next_step());
  CHECK(z.path() == path_view("ac"));
  z.move_to_path("ad"); // after the last child of "a"
  CHECK(z.to_next_step());
  CHECK(z.path() == path_view("b"));
  z.move_to_path("aab");
  CHECK(z.to_next_val());
  CHECK(z.path() == path_view("ab"));
  z.move_to_path("zz");
  CHECK_FALSE(z.to_next_step());
  CHECK(z.at_root());
}

TEST_CASE_TEMPLATE("to_next_val never yields the value at the zipper root", K, ZIPPER_KINDS) {
  auto m = roman_map();
  m.set_val_at("", 100);
  {
    auto z = K::make(m);
    auto seen = next_vals(z);
    CHECK(seen.size() == 12u);
    CHECK(join(seen) == join(roman_keys_sorted()));
  }
  {
    auto z = K::make_at(m, "roman");
    CHECK(z.is_val());
    CHECK(join(next_vals(z)) == "e|us");
  }
}

TEST_CASE_TEMPLATE("to_first_val includes the root value, to_next_val continues from there", K,
                   ZIPPER_KINDS) {
  auto m = roman_map();
  m.set_val_at("", 100);
  auto z = K::make(m);
  auto seen = first_and_next_vals(z);
  REQUIRE(seen.size() == 13u);
  CHECK(seen.front().empty());
  std::vector<std::string> rest(seen.begin() + 1, seen.end());
  CHECK(rest == roman_keys_sorted());
}

TEST_CASE_TEMPLATE("to_first_val without a root value goes to the first value", K,
                   ZIPPER_KINDS) {
  auto m = roman_map();
  auto z = K::make(m);
  z.descend_to("rub");
  CHECK(z.to_first_val());
  CHECK(str(z.path()) == "arrow");
  CHECK(*z.val() == 0);
}

TEST_CASE_TEMPLATE("to_first_val at a zipper made at a valued path yields that value first", K,
                   ZIPPER_KINDS) {
  auto m = roman_map();
  auto z = K::make_at(m, "roman");
  auto seen = first_and_next_vals(z);
  CHECK(join(seen) == "|e|us");
}

TEST_CASE_TEMPLATE("to_next_val returns false every time on maps without values below the root",
                   K, ZIPPER_KINDS) {
  path_map<int> empty;
  {
    auto z = K::make(empty);
    CHECK_FALSE(z.to_next_val());
    CHECK_FALSE(z.to_next_val());
    CHECK_FALSE(z.to_first_val());
    CHECK(z.at_root());
  }
  path_map<int> dangling;
  dangling.create_path("a/b");
  dangling.create_path("c");
  dangling.set_val_at("", 1);
  {
    auto z = K::make(dangling);
    CHECK_FALSE(z.to_next_val());
    CHECK(z.at_root());
    CHECK_FALSE(z.to_next_val());
    CHECK(z.at_root());
    CHECK(z.to_first_val()); // the root value
    CHECK(z.at_root());
  }
}

TEST_CASE_TEMPLATE("to_next_val continues from an arbitrary focus", K, ZIPPER_KINDS) {
  auto m = roman_map();
  auto z = K::make(m);
  z.descend_to("romanu"); // no value here
  CHECK(z.to_next_val());
  CHECK(str(z.path()) == "romanus");
  CHECK(z.to_next_val());
  CHECK(str(z.path()) == "romulus");
  z.reset();
  z.descend_to("rubicon");
  CHECK(z.to_next_val());
  CHECK(str(z.path()) == "rubicundus");
  CHECK_FALSE(z.to_next_val());
  CHECK(z.at_root());
}

TEST_CASE_TEMPLATE("to_next_val skips dangling paths", K, ZIPPER_KINDS) {
  path_map<int> m;
  m.create_path("a/dangling/long/path");
  m.set_val_at("a/x", 1);
  m.create_path("b");
  m.set_val_at("c", 2);
  m.create_path("c/d/e");
  m.set_val_at("c/d/e/f", 3);
  auto z = K::make(m);
  CHECK(join(next_vals(z)) == "a/x|c|c/d/e/f");
}

TEST_CASE("to_next_get_val returns the values in order, then null") {
  auto m = roman_map();
  auto z = m.read_zipper();
  std::vector<int> seen;
  while (const int* v = z.to_next_get_val())
    seen.push_back(*v);
  CHECK(seen == std::vector<int>{0, 1, 2, 11, 3, 4, 5, 6, 7, 8, 9, 10});
  CHECK(z.at_root());
}

TEST_CASE("to_next_get_val references outlive zipper movement") {
  auto m = roman_map();
  auto z = m.read_zipper();
  std::vector<const int*> ptrs;
  while (const int* v = z.to_next_get_val())
    ptrs.push_back(v);
  REQUIRE(ptrs.size() == 12u);
  CHECK(*ptrs[0] == 0);
  CHECK(*ptrs[3] == 11);
  CHECK(*ptrs[11] == 10);
}

TEST_CASE("to_next_get_val_with_witness yields the same values as to_next_get_val") {
  auto m = roman_map();
  m.set_val_at("", 7);
  auto z = m.read_zipper_at_path("r");
  auto w = z.witness();
  std::vector<int> seen;
  while (const int* v = z.to_next_get_val_with_witness(w))
    seen.push_back(*v);
  CHECK(seen == std::vector<int>{11, 3, 4, 5, 6, 7, 8, 9, 10});
}

TEST_CASE("to_next_get_val_with_witness on a write zipper, through dense leaves and after a write") {
  path_map<int> m;
  std::vector<int> expected;
  for (int b = 0; b < 256; b += 2) { // a dense leaf below "d", then small nodes below "w"
    m.set_val_at("d" + std::string(1, char(b)), b);
    expected.push_back(b);
  }
  for (int i = 0; i < 20; ++i) {
    m.set_val_at("w" + std::to_string(i), 1000 + i);
  }
  for (const char* k : {"w0", "w1", "w10", "w11", "w12", "w13", "w14", "w15", "w16", "w17", "w18",
                        "w19", "w2", "w3", "w4", "w5", "w6", "w7", "w8", "w9"})
    expected.push_back(*m.get_val_at(k));
  auto z = m.write_zipper();
  auto w = z.witness();
  std::vector<int> seen;
  while (const int* v = z.to_next_get_val_with_witness(w))
    seen.push_back(*v);
  CHECK(seen == expected);
  seen.clear();
  while (const int* v = z.to_next_get_val()) // the same walk without a witness
    seen.push_back(*v);
  CHECK(seen == expected);
  // A write in between: the walk goes on from the focus and sees the new value.
  seen.clear();
  z.descend_to("d\x10");
  REQUIRE(z.path_exists());
  z.set_val(-16);
  while (const int* v = z.to_next_get_val_with_witness(w))
    seen.push_back(*v);
  REQUIRE(seen.size() == expected.size() - 9);
  CHECK(seen.front() == 18);
  CHECK(seen.back() == expected.back());
}

TEST_CASE("to_first_get_val and the witness forms start at the root value, then go on in order") {
  auto m = roman_map();
  auto z = m.read_zipper_at_path("r");
  // No value at "r" itself: the first is the first one below it.
  const int* first = z.to_first_get_val();
  REQUIRE(first != nullptr);
  CHECK(*first == 11);
  auto w = z.witness();
  CHECK(z.get_val_with_witness(w) == first);
  z.descend_to("ZZ");
  first = z.to_first_get_val_with_witness(w);
  REQUIRE(first != nullptr);
  CHECK(*first == 11);
  m.set_val_at("r", 1);
  auto z2 = m.read_zipper_at_path("r");
  REQUIRE(z2.to_first_get_val() != nullptr);
  CHECK(*z2.val() == 1);
  CHECK(z2.at_root());
  path_map<int> empty;
  CHECK(empty.read_zipper().to_first_get_val() == nullptr);
}

TEST_CASE("try_make_map is make_map; reserve_buffers changes nothing a zipper shows") {
  auto m = roman_map();
  auto z = m.read_zipper();
  z.reserve_buffers(4096, 512);
  z.prepare_buffers();
  z.descend_to("rom");
  auto sub = z.try_make_map();
  REQUIRE(sub.has_value());
  CHECK(dump(*sub) == dump(z.make_map()));
  auto wz = m.write_zipper();
  wz.reserve_buffers(1 << 16, 1 << 10);
  wz.descend_to("romane");
  CHECK(wz.is_val());
  CHECK(str(wz.path()) == "romane");
}

// -- descend_last_path ------------------------------------------------------------------------------

TEST_CASE_TEMPLATE("descend_last_path reaches the greatest leaf: rubicundus", K, ZIPPER_KINDS) {
  auto m = roman_map();
  auto z = K::make(m);
  CHECK(z.descend_last_path());
  CHECK(str(z.path()) == "rubicundus");
  CHECK(z.is_val());
  z.reset();
  z.descend_to("rom");
  CHECK(z.descend_last_path());
  CHECK(str(z.path()) == "romulus");
}

TEST_CASE_TEMPLATE("descend_last_path goes past values to the deepest last leaf", K,
                   ZIPPER_KINDS) {
  path_map<int> m;
  m.set_val_at("a", 1);
  m.set_val_at("b", 2);
  m.set_val_at("bc", 3);
  m.set_val_at("bcd", 4);
  m.set_val_at("bcde", 5);
  auto z = K::make(m);
  CHECK(z.descend_last_path());
  CHECK(str(z.path()) == "bcde");
}

TEST_CASE_TEMPLATE("descend_last_path at a leaf or on an empty map does not move", K,
                   ZIPPER_KINDS) {
  path_map<int> empty;
  {
    auto z = K::make(empty);
    CHECK_FALSE(z.descend_last_path());
    CHECK(z.at_root());
  }
  auto m = roman_map();
  auto z = K::make(m);
  z.descend_to("bow");
  CHECK_FALSE(z.descend_last_path());
  CHECK(str(z.path()) == "bow");
}

// -- k-path iteration -------------------------------------------------------------------------------

TEST_CASE_TEMPLATE("k-path iteration visits every path exactly k bytes below the base", K,
                   ZIPPER_KINDS) {
  auto m = roman_map();
  auto z = K::make(m);
  CHECK(join(k_paths(z, 3)) == "arr|bow|can|rom|rub");
  CHECK(z.at_root()); // focus back at the base
  CHECK(join(k_paths(z, 1)) == "a|b|c|r");
  CHECK(z.at_root());
}

TEST_CASE_TEMPLATE("k-path iteration skips paths shorter than k", K, ZIPPER_KINDS) {
  auto m = roman_map();
  auto z = K::make(m);
  // bow (3 bytes) is too short for k = 5
  CHECK(join(k_paths(z, 5)) == "arrow|canno|rom'i|roman|romul|ruben|ruber|rubic");
  CHECK(z.at_root());
  CHECK(join(k_paths(z, 7)) == "romanus|romulus|rubicon|rubicun");
  CHECK(z.at_root());
}

TEST_CASE_TEMPLATE("k-path iteration stops at depth k inside longer paths", K, ZIPPER_KINDS) {
  path_map<int> m;
  m.set_val_at("abcdef", 1);
  m.set_val_at("b", 2);
  m.set_val_at("c", 3);
  m.set_val_at("cd", 4);
  m.set_val_at("cz12345", 5);
  auto z = K::make(m);
  CHECK(join(k_paths(z, 2)) == "ab|cd|cz");
  CHECK(z.at_root());
}

TEST_CASE_TEMPLATE("k-path iteration from a base below the root returns to the base", K,
                   ZIPPER_KINDS) {
  auto m = roman_map();
  auto z = K::make(m);
  z.descend_to("rom");
  CHECK(join(k_paths(z, 2)) == "rom'i|roman|romul");
  CHECK(str(z.path()) == "rom");
}

TEST_CASE_TEMPLATE("descend_first_k_path without a path of length k does not move", K,
                   ZIPPER_KINDS) {
  auto m = roman_map();
  auto z = K::make(m);
  CHECK_FALSE(z.descend_first_k_path(20));
  CHECK(z.at_root());
  z.descend_to("bow");
  CHECK_FALSE(z.descend_first_k_path(1));
  CHECK(str(z.path()) == "bow");
  z.descend_to("zz");
  CHECK_FALSE(z.descend_first_k_path(1));
  CHECK(str(z.path()) == "bowzz");
}

TEST_CASE_TEMPLATE("descend_first_k_path backtracks out of short branches", K, ZIPPER_KINDS) {
  path_map<int> m;
  m.set_val_at("a", 1);
  m.set_val_at("b1", 2);
  m.set_val_at("b2", 3);
  m.set_val_at("c123", 4);
  m.set_val_at("d12", 5);
  auto z = K::make(m);
  CHECK(z.descend_first_k_path(3));
  CHECK(str(z.path()) == "c12");
  CHECK(z.to_next_k_path(3));
  CHECK(str(z.path()) == "d12");
  CHECK_FALSE(z.to_next_k_path(3));
  CHECK(z.at_root());
}

TEST_CASE_TEMPLATE("to_next_k_path is false when the focus is less than k bytes deep", K,
                   ZIPPER_KINDS) {
  auto m = roman_map();
  auto z = K::make(m);
  z.descend_to("ro");
  CHECK_FALSE(z.to_next_k_path(3));
  CHECK(str(z.path()) == "ro");
}

TEST_CASE_TEMPLATE("to_next_k_path from a focus reached by descend_to", K, ZIPPER_KINDS) {
  auto m = roman_map();
  auto z = K::make(m);
  z.descend_to("rom'i");
  CHECK(z.to_next_k_path(2));
  CHECK(str(z.path()) == "roman");
  CHECK(z.to_next_k_path(2));
  CHECK(str(z.path()) == "romul");
  CHECK_FALSE(z.to_next_k_path(2));
  CHECK(str(z.path()) == "rom");
}

// -- order -----------------------------------------------------------------------------------------

TEST_CASE_TEMPLATE("zipper iteration orders the bytes 0x00 0x27 0x7f 0x80 0xff unsigned", K,
                   ZIPPER_KINDS) {
  path_map<int> m;
  const std::vector<std::string> sorted{
    bytes({0x00}),       bytes({0x00, 0x00}), bytes({0x00, 0xff}), bytes({0x27}),
    bytes({0x27, 0x80}), bytes({0x7f}),       bytes({0x7f, 0x7f}), bytes({0x7f, 0xff, 0x00}),
    bytes({0x80}),       bytes({0x80, 0x00}), bytes({0xff}),       bytes({0xff, 0x00}),
    bytes({0xff, 0xff})};
  int i = 0;
  for (auto it = sorted.rbegin(); it != sorted.rend(); ++it)
    m.set_val_at(*it, i++);
  CHECK(join(keys(m)) == join(sorted));
  auto z = K::make(m);
  CHECK(join(next_vals(z)) == join(sorted));
  CHECK(join(step_paths(z)) == join(all_prefixes(sorted)));
}

TEST_CASE("iteration over random keys matches std::map order") {
  auto [m, model] =
    random_keys(12345, 5000, bytes({0x00, 0x01, 0x27, 0x61, 0x62, 0x7f, 0x80, 0xfe, 0xff}), 0, 9);
  const std::vector<std::string> expected = lines(model);
  std::vector<std::string> by_range;
  for (auto&& [p, v] : m)
    by_range.push_back(show(p) + "=" + std::to_string(v));
  CHECK(by_range == expected);
  std::vector<std::string> by_zipper;
  auto z = m.read_zipper();
  if (z.to_first_val()) {
    do {
      by_zipper.push_back(show(z.path()) + "=" + std::to_string(*z.val()));
    } while (z.to_next_val());
  }
  CHECK(by_zipper == expected);
  CHECK(m.val_count() == model.size());
}

TEST_CASE("iteration over dense be64 keys matches numeric order") {
  path_map<std::uint64_t> m;
  std::vector<std::uint64_t> ks;
  for (std::uint64_t i = 0; i < 3000; ++i)
    ks.push_back((i * 0x9E3779B97F4A7C15ull) >> 40);
  for (auto k : ks)
    m.set_val_at(be64(k), k);
  std::sort(ks.begin(), ks.end());
  ks.erase(std::unique(ks.begin(), ks.end()), ks.end());
  std::vector<std::uint64_t> seen;
  for (auto&& [p, v] : m) {
    CHECK(str(p) == be64(v));
    seen.push_back(v);
  }
  CHECK(seen == ks);
}

TEST_CASE("to_next_val resumes right after the focus moves away and back, or the map changes") {
  // to_next_get_val keeps the entry where it stopped for its next call (zipper_core.hpp); a
  // focus that wandered off in between, or a write, must not make it skip or repeat a value.
  auto [m, model] = random_keys(99, 3000, "abcs'", 1, 9);
  const std::vector<std::string> expected = lines(model);
  for (bool packed : {false, true}) {
    CAPTURE(packed);
    path_map<int> c = m;
    if (packed)
      c.compact();
    std::vector<std::string> seen;
    auto z = c.read_zipper();
    std::size_t step = 0;
    while (z.to_next_val()) {
      seen.push_back(show(z.path()) + "=" + std::to_string(*z.val()));
      const std::string here = str(z.path());
      switch (step++ % 4) {
      case 0: // up a byte and back down
        z.ascend(1);
        z.descend_to(path_view(here).subview(here.size() - 1));
        break;
      case 1: // to the root and back
        z.reset();
        z.descend_to(path_view(here));
        break;
      case 2: // somewhere that does not exist, then back
        z.descend_to(path_view(std::string("\xff\xfe")));
        z.ascend(2);
        break;
      default:
        break;
      }
      REQUIRE(str(z.path()) == here);
    }
    CHECK(seen == expected);
  }
  // A write zipper that rewrites each value it passes and adds a key after the focus.
  path_map<int> w = m;
  w.compact();
  auto model_w = model;
  {
    auto z = w.write_zipper();
    int added = 0;
    while (z.to_next_val()) {
      const std::string here = str(z.path());
      z.set_val(*z.val() + 100000);
      model_w[here] += 100000;
      if (added < 50 && here.size() < 8) {
        const std::string next = here + "z";
        if (!model_w.count(next)) {
          z.descend_to(path_view(std::string("z")));
          z.set_val(-1);
          z.ascend(1);
          model_w[next] = -1; // after the focus: the zipper visits and rewrites it later
          ++added;
        }
      }
    }
  }
  std::vector<std::pair<std::string, int>> got, want(model_w.begin(), model_w.end());
  for (auto&& [p, v] : w)
    got.emplace_back(str(p), v);
  CHECK(got == want);
}

TEST_CASE("to_next_val from inside the key of the value it returned last finds that value again") {
  path_map<int> m;
  m.set_val_at("abcd", 1);
  m.set_val_at("x", 2);
  for (bool packed : {false, true}) {
    CAPTURE(packed);
    path_map<int> c = m;
    if (packed)
      c.compact();
    auto z = c.read_zipper();
    REQUIRE(z.to_next_val());
    CHECK(str(z.path()) == "abcd");
    z.ascend(2); // "ab": inside the same key
    REQUIRE(z.to_next_val());
    CHECK(str(z.path()) == "abcd");
    REQUIRE(z.to_next_val());
    CHECK(str(z.path()) == "x");
    CHECK_FALSE(z.to_next_val());
  }
}

// -- shared subtries ------------------------------------------------------------------------------

TEST_CASE("a subtrie grafted twice is iterated and counted at both places") {
  auto src = roman_map();
  path_map<int> m;
  {
    auto wz = m.write_zipper();
    wz.descend_to("one:");
    wz.graft_map(src);
    wz.reset();
    wz.descend_to("two:");
    wz.graft_map(src);
  }
  CHECK(m.val_count() == 24u);
  auto ks = keys(m);
  REQUIRE(ks.size() == 24u);
  CHECK(ks.front() == "one:arrow");
  CHECK(ks[12] == "two:arrow");
  CHECK(ks.back() == "two:rubicundus");
  auto z = m.read_zipper();
  z.descend_to("two:");
  CHECK(z.val_count() == 12u);
  CHECK(next_vals(z).size() == 12u);
}

// -- the map's own iteration (begin/end, for_each_value) ------------------------------------------

namespace {

/// "path=value" lines of every value of `m`: from the range-for, from for_each_value and from a
/// read zipper's walk (to_first_val + to_next_get_val). The three must agree.
template <class V>
std::vector<std::vector<std::string>> three_walks(const path_map<V>& m) {
  std::vector<std::vector<std::string>> out(3);
  auto line = [](path_view p, const V& v) { return show(p) + "=" + std::to_string(v); };
  for (auto&& [p, v] : m)
    out[0].push_back(line(p, v));
  m.for_each_value([&](path_view p, const V& v) { out[1].push_back(line(p, v)); });
  auto z = m.read_zipper();
  if (z.to_first_val()) {
    do
      out[2].push_back(line(z.path(), *z.val()));
    while (z.to_next_val());
  }
  return out;
}

/// Checks that all three walks of `m` give `expected`.
template <class V>
void check_walks(const path_map<V>& m, const std::vector<std::string>& expected) {
  const auto w = three_walks(m);
  CHECK(w[0] == expected);
  CHECK(w[1] == expected);
  CHECK(w[2] == expected);
}

} // namespace

TEST_CASE("map iteration: an empty map, a root value alone, dangling paths alone") {
  path_map<int> m;
  check_walks(m, {});
  CHECK(m.begin() == m.end());
  m.create_path("ab");
  m.create_path("c");
  check_walks(m, {}); // dangling paths hold no value
  m.set_val_at("", 7);
  check_walks(m, {"=7"});
}

TEST_CASE("map iteration: dense leaves, full and with dangling and removed entries") {
  path_map<int> m;
  for (int b = 0; b < 256; ++b) // a full leaf below "f"
    m.set_val_at("f" + std::string(1, char(b)), b);
  for (int b = 0; b < 256; b += 3) // a sparse leaf below "s"
    m.set_val_at("s" + std::string(1, char(b)), 1000 + b);
  for (int b = 0; b < 256; b += 9) // values removed without pruning: dangling entries
    m.remove_val_at("s" + std::string(1, char(b)), false);
  m.create_path("s\x01");
  m.set_val_at("s", -1);
  m.set_val_at("t", -2); // after the leaves: the walk must leave them
  std::map<std::string, int> model;
  for (int b = 0; b < 256; ++b)
    model["f" + std::string(1, char(b))] = b;
  for (int b = 0; b < 256; b += 3)
    if (b % 9 != 0)
      model["s" + std::string(1, char(b))] = 1000 + b;
  model["s"] = -1;
  model["t"] = -2;
  check_walks(m, lines(model));
}

TEST_CASE("map iteration: random keys, plain and compacted, shared subtries and copies") {
  auto [m, model] = random_keys(4242, 4000, bytes({'a', 'b', 'c', 0x27, 0x00, 0xff}), 0, 12);
  check_walks(m, lines(model));
  auto copy = m;
  m.compact(); // packed arenas
  check_walks(m, lines(model));
  check_walks(copy, lines(model));
  // A subtrie grafted twice: a DAG, walked once per place.
  path_map<int> g;
  {
    auto wz = g.write_zipper();
    wz.descend_to("x/");
    wz.graft_map(m);
    wz.reset();
    wz.descend_to("y/");
    wz.graft_map(m);
  }
  std::map<std::string, int> both;
  for (const auto& [k, v] : model) {
    both["x/" + k] = v;
    both["y/" + k] = v;
  }
  check_walks(g, lines(both));
}

TEST_CASE("map iteration: maps written through a zipper head (cell nodes)") {
  path_map<int> m{{"a", 1}, {"zz", 2}};
  std::map<std::string, int> model{{"a", 1}, {"zz", 2}};
  {
    auto head = m.zipper_head();
    for (char c : std::string("bcd")) {
      auto wz = head.write_zipper_at_exclusive_path(std::string("w/") + c);
      REQUIRE(wz.has_value());
      for (int i = 0; i < 40; ++i) {
        const std::string k = std::to_string(i);
        wz->descend_to(k);
        wz->set_val(i);
        wz->reset();
        model[std::string("w/") + c + k] = i;
      }
    }
  }
  check_walks(m, lines(model));
}

TEST_CASE("map iteration: a path view is valid until the iterator moves; copies walk on alone") {
  auto [m, model] = random_keys(7, 500, "ab", 1, 6);
  auto it = m.begin();
  std::advance(it, 10);
  auto copy = it;
  const std::string at = str((*it).first);
  ++it;
  CHECK(str((*copy).first) == at);
  std::vector<std::string> rest;
  for (; copy != m.end(); ++copy)
    rest.push_back(show((*copy).first) + "=" + std::to_string((*copy).second));
  const auto all = lines(model);
  CHECK(rest == std::vector<std::string>(all.begin() + 10, all.end()));
}

TEST_SUITE_END();
