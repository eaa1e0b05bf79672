// trie_ref_at_path on maps and read zippers (PATHMAP-SPEC §1.4, §2.2 TrieRef, §2.3
// ZipperReadOnlySubtries), and read zippers' into_path_iter (§2.2).
#include "pathmap/trie_ref.hpp"
#include "pathmap/path_map.hpp"

#include "test_support.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using pathmap::path_map;
using pathmap::path_view;
using namespace pathmap_test;

TEST_CASE("a trie reference reads the value and children at its position") {
  const auto m = arrow_map();
  auto r = m.trie_ref_at_path("cannon");
  CHECK(r.path_exists());
  CHECK(r.is_val());
  CHECK(*r.val() == 3);
  CHECK(r.get_val() == m.get_val_at("cannon"));
  CHECK(r.child_count() == 1);
  CHECK(r.child_mask().test('a'));
  CHECK(r.val_count() == 2);
  CHECK(r.origin_path() == path_view("cannon"));

  auto inside = m.trie_ref_at_path("can"); // inside a compressed key
  CHECK(inside.path_exists());
  CHECK_FALSE(inside.is_val());
  CHECK(inside.child_count() == 1);
  CHECK(inside.child_mask().test('n'));

  auto root = m.trie_ref_at_path({});
  CHECK(*root.val() == 0);
  CHECK(root.child_count() == 3);
  CHECK(root.val_count() == 5);
}

TEST_CASE("a trie reference makes maps and read zippers rooted at its position") {
  const auto m = arrow_map();
  auto r = m.trie_ref_at_path("cannon");
  path_map<int> below = r.make_map();
  CHECK(below.val_count() == 2);
  CHECK(*below.get_val_at({}) == 3);
  CHECK(*below.get_val_at("ade") == 4);
  auto z = r.fork_read_zipper();
  CHECK(z.at_root());
  CHECK(z.root_prefix_path() == path_view("cannon"));
  CHECK(z.to_next_val());
  CHECK(z.path() == path_view("ade"));
  z.reset();
  CHECK_FALSE(z.ascend_byte()); // rooted at the reference
}

TEST_CASE("a trie reference on a missing path answers nothing and creates nothing") {
  auto m = arrow_map();
  auto r = m.trie_ref_at_path("cannonball");
  CHECK_FALSE(r.path_exists());
  CHECK_FALSE(r.is_val());
  CHECK(r.val() == nullptr);
  CHECK(r.child_count() == 0);
  CHECK(r.child_mask().empty());
  CHECK(r.val_count() == 0);
  CHECK(r.make_map().is_empty());
  CHECK_FALSE(m.path_exists_at("cannonb"));
}

TEST_CASE("a read zipper's trie reference is at its focus followed by the path") {
  const auto m = arrow_map();
  auto z = m.read_zipper_at_path("ca");
  z.descend_to("nn");
  auto r = z.trie_ref_at_path("on");
  CHECK(*r.val() == 3);
  CHECK(r.origin_path() == path_view("cannon"));
  CHECK(z.path() == path_view("nn")); // the zipper did not move
  auto here = z.trie_ref_at_path({});
  CHECK(here.origin_path() == path_view("cann"));
  CHECK_FALSE(here.is_val());
  CHECK(here.val_count() == 2);
}

// -- into_path_iter --------------------------------------------------------------------------

namespace {

template <class Z>
std::vector<std::string> leaves(Z z) {
  std::vector<std::string> out;
  for (path_view p : std::move(z).into_path_iter())
    out.push_back(str(p));
  return out;
}

} // namespace

TEST_CASE("into_path_iter yields every leaf path below the root, valued or dangling, in order") {
  auto m = arrow_map();
  m.create_path("bowl/dangling"); // "bow" is no leaf now
  m.create_path("dart");          // a dangling leaf
  CHECK(leaves(m.read_zipper())
        == std::vector<std::string>{"arrow", "bowl/dangling", "cannonade", "dart"});
  CHECK(leaves(m.read_zipper_at_path("can")) == std::vector<std::string>{"nonade"});
  CHECK(leaves(m.read_zipper_at_path("bowl/dangling")).empty()); // the root is not a leaf
  CHECK(leaves(m.read_zipper_at_path("missing")).empty());
  CHECK(leaves(path_map<int>().read_zipper()).empty());

  auto moved = m.read_zipper();
  moved.descend_to("cannon"); // starts from the root whatever the focus
  CHECK(leaves(std::move(moved)).size() == 4);
}

TEST_CASE("into_path_iter on owned and tracked readers keeps what they own alive") {
  CHECK(leaves(arrow_map().into_read_zipper("c")) == std::vector<std::string>{"annonade"});
  auto m = arrow_map();
  auto head = m.zipper_head();
  auto r = head.read_zipper_at_path("bo");
  REQUIRE(r);
  CHECK(leaves(std::move(*r)) == std::vector<std::string>{"w"});
}
