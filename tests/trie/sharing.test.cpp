// Zippers' shared_node_id and is_shared (PATHMAP-SPEC §2.3 ZipperConcrete, §7 note 4: node
// boundaries are the implementation's; these tests fix only what any layout must give).
#include "pathmap/path_map.hpp"

#include "test_support.hpp"

#include <doctest/doctest.h>

using pathmap::path_map;
using pathmap::path_view;
using namespace pathmap_test;

TEST_CASE("a subtrie grafted twice has one node id at both places, and is shared there") {
  path_map<int> sub{{"x/1", 1}, {"x/2", 2}, {"y", 3}};
  path_map<int> m;
  m.write_zipper_at_path("a/").graft_map(sub);
  m.write_zipper_at_path("b/").graft_map(sub);
  auto za = m.read_zipper_at_path("a/");
  auto zb = m.read_zipper_at_path("b/");
  REQUIRE(za.shared_node_id().has_value());
  CHECK(za.shared_node_id() == zb.shared_node_id());
  CHECK(za.is_shared());
  CHECK(zb.is_shared());

  // Below the shared node, a node referenced only by it is not shared ("does not carry over").
  za.descend_to("x/");
  REQUIRE(za.shared_node_id().has_value());
  CHECK_FALSE(za.is_shared());
  CHECK(za.shared_node_id() != zb.shared_node_id());
}

TEST_CASE("copying a map shares its root; a write unshares the path it takes") {
  path_map<int> m{{"left/a", 1}, {"left/b", 2}, {"right/c", 3}};
  CHECK_FALSE(m.read_zipper().is_shared());
  path_map<int> copy = m;
  CHECK(m.read_zipper().is_shared());
  CHECK(m.read_zipper().shared_node_id() == copy.read_zipper().shared_node_id());
  copy.set_val_at("left/a", 10);
  CHECK(m.read_zipper().shared_node_id() != copy.read_zipper().shared_node_id());
  CHECK_FALSE(m.read_zipper().is_shared());
  // The untouched side still shares its subtrie with the copy.
  CHECK(m.read_zipper_at_path("right/").shared_node_id()
        == copy.read_zipper_at_path("right/").shared_node_id());
}

TEST_CASE("no node id inside a key, at a leaf or on a missing path; write zippers answer too") {
  path_map<int> m{{"abcdef", 1}, {"abcxyz", 2}};
  auto z = m.read_zipper_at_path("ab"); // inside the common key "abc"
  CHECK_FALSE(z.shared_node_id().has_value());
  CHECK_FALSE(z.is_shared());
  z.descend_to("cdef"); // a leaf
  CHECK_FALSE(z.shared_node_id().has_value());
  z.reset();
  z.descend_to("zz");
  CHECK_FALSE(z.path_exists());
  CHECK_FALSE(z.shared_node_id().has_value());
  CHECK_FALSE(z.is_shared());

  path_map<int> copy = m;
  auto w = m.write_zipper();
  CHECK(w.is_shared());
  CHECK(w.shared_node_id() == copy.read_zipper().shared_node_id());
}
