// Write zippers (PATHMAP-SPEC §2.4): values at the focus, pruning (including W-55), create/prune,
// remove_branches, graft, graft_map, take_map, and copy-on-write isolation of writes.
#include "pathmap/path_map.hpp"

#include "pathmap/zipper.hpp"
#include "test_support.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using pathmap::path_map;
using pathmap::path_view;
using namespace pathmap_test;

// -- capability concepts ----------------------------------------------------------------------------

static_assert(pathmap::zipper<pathmap::read_zipper<int>>);
static_assert(pathmap::zipper_moving<pathmap::read_zipper<int>>);
static_assert(pathmap::zipper_iteration<pathmap::read_zipper<int>>);
static_assert(pathmap::zipper_absolute_path<pathmap::read_zipper<int>>);
static_assert(pathmap::zipper<pathmap::write_zipper<int>>);
static_assert(pathmap::zipper_moving<pathmap::write_zipper<int>>);
static_assert(pathmap::zipper_absolute_path<pathmap::write_zipper<int>>);
static_assert(pathmap::zipper_writing<pathmap::write_zipper<int>>);
static_assert(pathmap::zipper<pathmap::read_zipper<std::string>>);
static_assert(pathmap::zipper_writing<pathmap::write_zipper<std::string>>);

TEST_SUITE_BEGIN("write_zipper");

// -- values at the focus ----------------------------------------------------------------------------

TEST_CASE("set_val creates the focus path and returns the replaced value") {
  path_map<int> m;
  {
    auto wz = m.write_zipper();
    wz.descend_to("new/path");
    CHECK_FALSE(wz.path_exists());
    CHECK_FALSE(wz.set_val(1).has_value());
    CHECK(wz.path_exists());
    CHECK(wz.is_val());
    CHECK(*wz.val() == 1);
    CHECK(wz.set_val(2) == std::optional<int>{1});
    CHECK(str(wz.path()) == "new/path");
    wz.ascend(5);
    CHECK(wz.path_exists());
    CHECK_FALSE(wz.is_val());
    CHECK(wz.child_count() == 1u);
  }
  CHECK(dump(m) == "new/path=2");
}

TEST_CASE("set_val at the root of write_zipper() sets the map's root value") {
  path_map<int> m;
  m.set_val_at("a", 1);
  {
    auto wz = m.write_zipper();
    CHECK_FALSE(wz.set_val(10).has_value());
    CHECK(*wz.val() == 10);
    CHECK(wz.val_count() == 2u);
  }
  CHECK(id_at(m, "") == 10);
  CHECK(dump(m) == "=10|a=1");
  {
    auto wz = m.write_zipper();
    CHECK(wz.remove_val(true) == std::optional<int>{10});
  }
  CHECK(m.get_val_at("") == nullptr);
  CHECK(dump(m) == "a=1");
}

TEST_CASE("a write zipper made at a path writes relative to that path") {
  path_map<int> m;
  m.set_val_at("base", 0);
  {
    auto wz = m.write_zipper_at_path("base/");
    CHECK(str(wz.root_prefix_path()) == "base/");
    CHECK_FALSE(wz.set_val(1).has_value()); // at the zipper root: the value at "base/"
    wz.descend_to("child");
    wz.set_val(2);
    CHECK(str(wz.origin_path()) == "base/child");
    CHECK(str(wz.path()) == "child");
  }
  CHECK(dump(m) == "base=0|base/=1|base/child=2");
}

TEST_CASE("get_val_mut and get_val_or_set_mut change the focus value") {
  path_map<int> m;
  m.set_val_at("a", 1);
  {
    auto wz = m.write_zipper();
    wz.descend_to("a");
    int* p = wz.get_val_mut();
    REQUIRE(p != nullptr);
    *p = 5;
    wz.descend_to("b");
    CHECK(wz.get_val_mut() == nullptr);
    CHECK_FALSE(wz.path_exists());
    int& r = wz.get_val_or_set_mut(7);
    CHECK(r == 7);
    r = 8;
    CHECK(wz.get_val_or_set_mut(100) == 8);
    CHECK(wz.path_exists());
  }
  CHECK(dump(m) == "a=5|ab=8");
}

TEST_CASE("get_val reads the focus value of a write zipper, like val()") {
  path_map<int> m;
  m.set_val_at("a", 1);
  auto wz = m.write_zipper();
  CHECK(wz.get_val() == nullptr);
  wz.descend_to("a");
  REQUIRE(wz.get_val() != nullptr);
  CHECK(*wz.get_val() == 1);
  wz.set_val(2);
  CHECK(*wz.get_val() == 2);
  CHECK(wz.get_val() == wz.val());
  wz.descend_to("b");
  CHECK(wz.get_val() == nullptr);
}

// -- remove_val and pruning -------------------------------------------------------------------------

TEST_CASE("remove_val without prune leaves the focus dangling") {
  path_map<int> m;
  m.set_val_at("abc", 1);
  {
    auto wz = m.write_zipper();
    wz.descend_to("abc");
    CHECK(wz.remove_val(false) == std::optional<int>{1});
    CHECK(wz.path_exists());
    CHECK_FALSE(wz.is_val());
  }
  CHECK(m.path_exists_at("abc"));
  CHECK(m.val_count() == 0u);
}

TEST_CASE("remove_val with prune deletes the dangling path but the focus does not move") {
  path_map<int> m;
  m.set_val_at("ab", 1);
  m.set_val_at("abcde", 2);
  {
    auto wz = m.write_zipper();
    wz.descend_to("abcde");
    CHECK(wz.remove_val(true) == std::optional<int>{2});
    CHECK(str(wz.path()) == "abcde");
    CHECK_FALSE(wz.path_exists());
    CHECK_FALSE(wz.is_val());
    CHECK(wz.ascend(3));
    CHECK(wz.path_exists());
    CHECK(wz.is_val());
    CHECK(wz.child_count() == 0u);
  }
  CHECK(dump(m) == "ab=1");
  CHECK_FALSE(m.path_exists_at("abc"));
}

TEST_CASE("remove_val without a value returns nothing and does nothing") {
  path_map<int> m;
  m.create_path("dangling");
  m.set_val_at("x", 1);
  {
    auto wz = m.write_zipper();
    wz.descend_to("dangling");
    CHECK_FALSE(wz.remove_val(true).has_value());
    CHECK(wz.path_exists());
    wz.reset();
    wz.descend_to("missing");
    CHECK_FALSE(wz.remove_val(true).has_value());
    CHECK_FALSE(wz.path_exists());
  }
  CHECK(m.path_exists_at("dangling"));
  CHECK_FALSE(m.path_exists_at("m"));
  CHECK(dump(m) == "x=1");
}

TEST_CASE("W-55: pruning through a write_zipper_at_path zipper removes the root path too") {
  path_map<int> m;
  m.set_val_at("other", 1);
  {
    auto wz = m.write_zipper_at_path("zroot");
    wz.descend_to("/leaf");
    CHECK_FALSE(wz.set_val(2).has_value());
  }
  CHECK(m.path_exists_at("zroot/leaf"));
  {
    auto wz = m.write_zipper_at_path("zroot");
    wz.descend_to("/leaf");
    CHECK(wz.remove_val(true) == std::optional<int>{2});
    CHECK_FALSE(wz.path_exists());
    CHECK(str(wz.path()) == "/leaf");
    wz.reset();
    CHECK_FALSE(wz.path_exists()); // the zipper root itself was pruned
  }
  CHECK_FALSE(m.path_exists_at("zroot"));
  CHECK_FALSE(m.path_exists_at("z"));
  CHECK(dump(m) == "other=1");
}

TEST_CASE("W-55: removing the value at the zipper root with prune removes the root path") {
  path_map<int> m;
  m.set_val_at("keep", 1);
  m.set_val_at("P/Q", 2);
  {
    auto wz = m.write_zipper_at_path("P/Q");
    CHECK(wz.remove_val(true) == std::optional<int>{2});
    CHECK_FALSE(wz.path_exists());
  }
  CHECK_FALSE(m.path_exists_at("P"));
  CHECK(dump(m) == "keep=1");
}

TEST_CASE("pruning through a zipper made at a path stops at a valued ancestor") {
  path_map<int> m;
  m.set_val_at("ab", 1);
  {
    auto wz = m.write_zipper_at_path("abcd");
    wz.descend_to("/x");
    wz.set_val(2);
  }
  {
    auto wz = m.write_zipper_at_path("abcd");
    wz.descend_to("/x");
    CHECK(wz.remove_val(true) == std::optional<int>{2});
  }
  CHECK(m.path_exists_at("ab"));
  CHECK_FALSE(m.path_exists_at("abc"));
  CHECK(dump(m) == "ab=1");
}

// -- create_path / prune_path -----------------------------------------------------------------------

TEST_CASE("create_path makes the focus exist and reports whether bytes were created") {
  path_map<int> m;
  m.set_val_at("alpha", 1);
  {
    auto wz = m.write_zipper();
    CHECK_FALSE(wz.create_path()); // map root
    wz.descend_to("alpha");
    CHECK_FALSE(wz.create_path());
    wz.descend_to("bet");
    CHECK_FALSE(wz.path_exists());
    CHECK(wz.create_path());
    CHECK(wz.path_exists());
    CHECK_FALSE(wz.create_path());
    CHECK_FALSE(wz.is_val());
  }
  CHECK(m.path_exists_at("alphabet"));
  CHECK(dump(m) == "alpha=1");
}

TEST_CASE("create_path at the root of a zipper made at a missing path creates that path") {
  path_map<int> m;
  {
    auto wz = m.write_zipper_at_path("ab");
    CHECK(wz.create_path());
    CHECK(wz.path_exists());
  }
  CHECK(m.path_exists_at("ab"));
  CHECK_FALSE(m.is_empty());
}

TEST_CASE("prune_path at the focus returns the bytes removed") {
  path_map<std::monostate> m;
  m.create_path("long/dangling/path/chain");
  {
    auto wz = m.write_zipper();
    wz.descend_to("long/dangling/path/chain");
    CHECK(wz.prune_path() == 24u);
    CHECK_FALSE(wz.path_exists());
    CHECK(str(wz.path()) == "long/dangling/path/chain");
  }
  CHECK(m.is_empty());
}

TEST_CASE("prune_ascend prunes and moves the focus to the deepest position left") {
  path_map<int> m;
  m.set_val_at("ab", 1);
  m.set_val_at("axy", 2);
  m.create_path("ab/dangling");
  {
    auto wz = m.write_zipper();
    wz.descend_to("ab/dangling");
    CHECK(wz.prune_ascend() == 9u);
    CHECK(str(wz.path()) == "ab");
    CHECK(wz.path_exists());
    REQUIRE(wz.val() != nullptr);
    CHECK(*wz.val() == 1);
    CHECK(wz.prune_ascend() == 0u); // a value: nothing to prune, no move
    CHECK(str(wz.path()) == "ab");
  }
  m.create_path("P/abc");
  {
    // W-55: pruning removes "P" too, but the focus stops at the zipper's root.
    auto wz = m.write_zipper_at_path("P");
    wz.descend_to("/abc");
    CHECK(wz.prune_ascend() == 5u);
    CHECK(wz.at_root());
  }
  CHECK_FALSE(m.path_exists_at("P"));
  CHECK(dump(m) == "ab=1|axy=2");
}

TEST_CASE("prune_path at the focus returns 0 unless the focus is dangling") {
  path_map<int> m;
  m.set_val_at("abc", 1);
  m.create_path("abcdef");
  m.set_val_at("x", 2);
  {
    auto wz = m.write_zipper();
    wz.descend_to("abc");
    CHECK(wz.prune_path() == 0u); // value
    wz.descend_to("d");
    CHECK(wz.prune_path() == 0u); // child
    wz.descend_to("ZZ");
    CHECK(wz.prune_path() == 0u); // missing
    wz.reset();
    CHECK(wz.prune_path() == 0u); // root
    wz.descend_to("abcdef");
    CHECK(wz.prune_path() == 3u);
  }
  CHECK(dump(m) == "abc=1|x=2");
  CHECK_FALSE(m.path_exists_at("abcd"));
}

TEST_CASE("create_path at a focus reached by one descend_to creates it") {
  path_map<int> m;
  {
    auto wz = m.write_zipper();
    wz.descend_to("x");
    CHECK(wz.create_path());
    CHECK(wz.path_exists());
  }
  CHECK(m.path_exists_at("x"));
  m.set_val_at("alpha", 1);
  {
    auto wz = m.write_zipper();
    wz.descend_to("alphabet");
    CHECK(wz.create_path());
    CHECK(wz.path_exists());
    wz.reset();
    wz.descend_to("new/deep/path");
    CHECK(wz.create_path());
    CHECK(wz.path_exists());
  }
  CHECK(m.path_exists_at("alphabet"));
  CHECK(m.path_exists_at("new/deep/path"));
}

TEST_CASE("writes at a missing multi-byte focus below a node with many children keep every "
          "focus byte") {
  for (int n : {1, 15, 16, 17, 40}) {
    for (const std::string pre : {"", "p/"}) {
      for (int op = 0; op < 4; ++op) {
        CAPTURE(n);
        CAPTURE(pre);
        CAPTURE(op);
        path_map<int> m;
        for (int i = 0; i < n; ++i)
          m.set_val_at(pre + std::string(1, static_cast<char>('a' + i)), i);
        path_map<int> g;
        g.set_val_at("q", 100);
        {
          auto wz = m.write_zipper();
          wz.descend_to(pre + "Izyx");
          if (op == 0) {
            wz.graft_map(g);
          } else if (op == 1) {
            auto rz = g.read_zipper();
            wz.graft(rz);
          } else if (op == 2) {
            wz.descend_to("q");
            wz.set_val(100);
          } else {
            wz.descend_to("q");
            CHECK(wz.create_path());
          }
        }
        CHECK(m.path_exists_at(pre + "Izyxq"));
        CHECK_FALSE(m.path_exists_at(pre + "Iq"));
        CHECK(m.val_count() == static_cast<std::size_t>(n + (op == 3 ? 0 : 1)));
      }
    }
  }
}

// -- remove_branches --------------------------------------------------------------------------------

TEST_CASE("remove_branches deletes the children and keeps the focus value") {
  path_map<int> m;
  m.set_val_at("a", 1);
  m.set_val_at("ab", 2);
  m.set_val_at("ac/d", 3);
  m.set_val_at("b", 4);
  {
    auto wz = m.write_zipper();
    wz.descend_to("a");
    CHECK(wz.remove_branches(true));
    CHECK(wz.is_val());
    CHECK(wz.child_count() == 0u);
    CHECK_FALSE(wz.remove_branches(false));
  }
  CHECK(dump(m) == "a=1|b=4");
  CHECK_FALSE(m.path_exists_at("ac"));
}

TEST_CASE("remove_branches with prune deletes a focus left without value") {
  path_map<int> m;
  m.set_val_at("abc/1", 1);
  m.set_val_at("abc/2", 2);
  m.set_val_at("x", 3);
  {
    auto wz = m.write_zipper();
    wz.descend_to("abc");
    CHECK(wz.remove_branches(true));
    CHECK_FALSE(wz.path_exists());
    CHECK(str(wz.path()) == "abc");
  }
  CHECK_FALSE(m.path_exists_at("a"));
  CHECK(dump(m) == "x=3");
}

TEST_CASE("remove_branches without prune leaves the focus dangling") {
  path_map<int> m;
  m.set_val_at("abc/1", 1);
  {
    auto wz = m.write_zipper();
    wz.descend_to("abc");
    CHECK(wz.remove_branches(false));
    CHECK(wz.path_exists());
  }
  CHECK(m.path_exists_at("abc"));
  CHECK_FALSE(m.path_exists_at("abc/"));
}

TEST_CASE("remove_branches at a root whose node is empty returns false") {
  path_map<int> m;
  {
    auto wz = m.write_zipper();
    CHECK_FALSE(wz.remove_branches(false));
    wz.set_val(1);
    CHECK_FALSE(wz.remove_branches(true));
    CHECK(*wz.val() == 1);
  }
  path_map<int> n;
  n.set_val_at("", 0);
  n.set_val_at("a", 1);
  n.set_val_at("b", 2);
  {
    auto wz = n.write_zipper();
    CHECK(wz.remove_branches(false));
    CHECK(wz.child_count() == 0u);
  }
  CHECK(dump(n) == "=0");
}

// -- graft ------------------------------------------------------------------------------------------

TEST_CASE("graft replaces the focus subtrie and the focus value with the source's") {
  path_map<int> m;
  m.set_val_at("dst", 1);
  m.set_val_at("dst/a", 2);
  m.set_val_at("dst/b", 3);
  m.set_val_at("other", 4);
  path_map<int> src;
  src.set_val_at("s", 10);
  src.set_val_at("s/x", 11);
  src.set_val_at("s/y/z", 12);
  {
    auto rz = src.read_zipper_at_path("s");
    auto wz = m.write_zipper_at_path("dst");
    wz.graft(rz);
    CHECK(*wz.val() == 10);
    CHECK(wz.val_count() == 3u);
  }
  CHECK(dump(m) == "dst=10|dst/x=11|dst/y/z=12|other=4");
  CHECK(dump(src) == "s=10|s/x=11|s/y/z=12");
}

TEST_CASE("graft from a source focus without value removes the focus value") {
  path_map<int> m;
  m.set_val_at("dst", 1);
  m.set_val_at("dst/a", 2);
  path_map<int> src;
  src.set_val_at("s/x", 11);
  {
    auto rz = src.read_zipper_at_path("s/");
    auto wz = m.write_zipper_at_path("dst");
    wz.graft(rz);
    CHECK_FALSE(wz.is_val());
  }
  CHECK(dump(m) == "dstx=11");
  CHECK_FALSE(m.path_exists_at("dst/a"));
  CHECK(m.path_exists_at("dstx"));
  CHECK(m.get_val_at("dst") == nullptr);
}

TEST_CASE("graft from a missing source clears the focus without pruning") {
  path_map<int> m;
  m.set_val_at("dst", 1);
  m.set_val_at("dst/a", 2);
  m.set_val_at("z", 3);
  path_map<int> src;
  src.set_val_at("s", 10);
  {
    auto rz = src.read_zipper_at_path("nope");
    auto wz = m.write_zipper();
    wz.descend_to("dst");
    wz.graft(rz);
    CHECK_FALSE(wz.is_val());
    CHECK(wz.child_count() == 0u);
  }
  CHECK(m.path_exists_at("dst"));
  CHECK_FALSE(m.path_exists_at("dst/"));
  CHECK(dump(m) == "z=3");
}

TEST_CASE("graft onto a missing focus creates it") {
  path_map<int> m;
  auto src = roman_map();
  {
    auto rz = src.read_zipper_at_path("rom");
    auto wz = m.write_zipper();
    wz.descend_to("new:");
    wz.graft(rz);
  }
  CHECK(dump(m) == "new:'i=11|new:an=3|new:ane=4|new:anus=5|new:ulus=6");
}

TEST_CASE("graft from the source's map root includes the root value") {
  path_map<int> m;
  auto src = roman_map();
  src.set_val_at("", 50);
  {
    auto rz = src.read_zipper();
    auto wz = m.write_zipper_at_path("x");
    wz.graft(rz);
  }
  CHECK(m.val_count() == 13u);
  CHECK(id_at(m, "x") == 50);
  CHECK(id_at(m, "xrubicon") == 9);
}

TEST_CASE("graft from a moved source zipper uses its focus, not its root") {
  path_map<int> m;
  auto src = roman_map();
  {
    auto rz = src.read_zipper();
    rz.descend_to("ru");
    auto wz = m.write_zipper();
    wz.graft(rz);
  }
  CHECK(dump(m) == "bens=7|ber=8|bicon=9|bicundus=10");
}

TEST_CASE("graft from another map's write zipper") {
  path_map<int> m;
  m.set_val_at("a", 1);
  path_map<int> src;
  src.set_val_at("q", 5);
  src.set_val_at("q/r", 6);
  {
    auto swz = src.write_zipper();
    swz.descend_to("q");
    auto wz = m.write_zipper();
    wz.descend_to("a");
    wz.graft(swz);
  }
  CHECK(dump(m) == "a=5|a/r=6");
  CHECK(dump(src) == "q=5|q/r=6");
}

TEST_CASE("graft from a snapshot of the same map, onto a region inside the source") {
  auto m = roman_map();
  auto snapshot = m;
  {
    auto rz = snapshot.read_zipper();
    auto wz = m.write_zipper_at_path("rom");
    wz.graft(rz);
  }
  CHECK(m.val_count() == 7u + 12u);
  CHECK(id_at(m, "romarrow") == 0);
  CHECK(id_at(m, "romrubicundus") == 10);
  CHECK_FALSE(m.contains("roman"));
  CHECK(m.contains("romroman"));
  CHECK(dump(snapshot) == dump(roman_map()));
}

TEST_CASE("a grafted subtrie is private to each place it was grafted to") {
  auto src = roman_map();
  path_map<int> m;
  {
    auto rz = src.read_zipper_at_path("r");
    auto wz = m.write_zipper();
    wz.descend_to("1:");
    wz.graft(rz);
    wz.reset();
    wz.descend_to("2:");
    wz.graft(rz);
  }
  m.set_val_at("1:oman", 1000);
  m.remove_val_at("2:ubicon", true);
  m.set_val_at("2:omanesque", 2000);
  CHECK(id_at(m, "2:oman") == 3);
  CHECK(id_at(m, "1:ubicon") == 9);
  CHECK_FALSE(m.path_exists_at("1:omanes"));
  CHECK(id_at(src, "roman") == 3);
  CHECK(src.contains("rubicon"));
  CHECK_FALSE(src.path_exists_at("romanes"));
  CHECK(m.val_count() == 9u + 9u);
  src.set_val_at("rubens", -7);
  CHECK(id_at(m, "1:ubens") == 7);
}

// -- graft_map --------------------------------------------------------------------------------------

TEST_CASE("graft_map makes the map's root value the focus value") {
  path_map<int> m;
  m.set_val_at("f", 1);
  m.set_val_at("f/old", 2);
  path_map<int> g;
  g.set_val_at("", 7);
  g.set_val_at("/new", 8);
  {
    auto wz = m.write_zipper_at_path("f");
    wz.graft_map(g);
    CHECK(*wz.val() == 7);
  }
  CHECK(dump(m) == "f=7|f/new=8");
  CHECK(dump(g) == "=7|/new=8");
}

TEST_CASE("graft_map without a root value removes the focus value") {
  path_map<int> m;
  m.set_val_at("f", 1);
  m.set_val_at("f/old", 2);
  path_map<int> g;
  g.set_val_at("x", 8);
  {
    auto wz = m.write_zipper_at_path("f");
    wz.graft_map(std::move(g));
  }
  CHECK(dump(m) == "fx=8");
}

TEST_CASE("graft_map of an empty map clears the focus") {
  path_map<int> m;
  m.set_val_at("f", 1);
  m.set_val_at("f/old", 2);
  m.set_val_at("g", 3);
  {
    auto wz = m.write_zipper();
    wz.descend_to("f");
    wz.graft_map(path_map<int>{});
    CHECK_FALSE(wz.is_val());
    CHECK(wz.child_count() == 0u);
  }
  CHECK(dump(m) == "g=3");
}

TEST_CASE("graft_map at the map root replaces the whole map including the root value") {
  auto m = roman_map();
  m.set_val_at("", 1);
  path_map<int> g;
  g.set_val_at("", 2);
  g.set_val_at("only", 3);
  {
    auto wz = m.write_zipper();
    wz.graft_map(g);
  }
  CHECK(dump(m) == "=2|only=3");
}

// -- take_map ---------------------------------------------------------------------------------------

// -- child-wise grafts, prefixes ------------------------------------------------------------------

namespace {
pathmap::byte_mask bytes_of(std::string_view s) {
  pathmap::byte_mask m;
  for (char c : s)
    m.set(static_cast<std::uint8_t>(c));
  return m;
}
} // namespace

TEST_CASE("remove_unmasked_branches keeps the masked children and the focus value") {
  path_map<int> m{{"f", 1}, {"fa", 2}, {"fb/x", 3}, {"fc", 4}, {"g", 5}};
  auto before = m;
  {
    auto wz = m.write_zipper();
    wz.descend_to("f");
    CHECK(wz.remove_unmasked_branches(bytes_of("bz"), false));
    CHECK(wz.child_mask() == bytes_of("b"));
    CHECK_FALSE(wz.remove_unmasked_branches(bytes_of("b"), false)); // nothing left to remove
  }
  CHECK(dump(m) == "f=1|fb/x=3|g=5");
  CHECK(dump(before) == "f=1|fa=2|fb/x=3|fc=4|g=5"); // the copy is untouched
  {
    // Nothing kept and no value: the focus dangles, and prune removes it.
    m.remove_val_at("f", false);
    auto wz = m.write_zipper();
    wz.descend_to("f");
    CHECK(wz.remove_unmasked_branches(pathmap::byte_mask{}, true));
    CHECK_FALSE(wz.path_exists());
  }
  CHECK(dump(m) == "g=5");
  CHECK_FALSE(m.path_exists_at("f"));
}

TEST_CASE("graft_child_maps grafts one map per mask byte, in ascending order") {
  path_map<int> m{{"p", 1}, {"pa", 2}, {"pb/old", 3}, {"pz", 4}};
  auto graft_at_p = [&](std::string_view mask, std::vector<path_map<int>> maps, bool unset) {
    auto wz = m.write_zipper();
    wz.descend_to("p");
    wz.graft_child_maps(bytes_of(mask), std::move(maps), unset);
  };
  std::vector<path_map<int>> maps;
  maps.push_back(path_map<int>{{"", 10}, {"/1", 11}}); // to "pb": replaces "pb/old"
  maps.push_back(path_map<int>{{"/2", 12}});           // to "pc": no root value
  graft_at_p("cb", std::move(maps), false);
  CHECK(dump(m) == "p=1|pa=2|pb=10|pb/1=11|pc/2=12|pz=4");
  // remove_unset drops the children outside the mask first.
  std::vector<path_map<int>> one;
  one.push_back(path_map<int>{{"", 20}});
  graft_at_p("a", std::move(one), true);
  CHECK(dump(m) == "p=1|pa=20");
  // Too few maps: refused before anything changes.
  std::vector<path_map<int>> short_list;
  short_list.push_back(path_map<int>{{"", 30}});
  CHECK_THROWS_AS(graft_at_p("xy", std::move(short_list), true), std::invalid_argument);
  CHECK(dump(m) == "p=1|pa=20");
}

TEST_CASE("graft_children copies the masked children of another zipper's focus") {
  path_map<int> src{{"s", 9}, {"sa", 1}, {"sb/x", 2}, {"sc", 3}};
  path_map<int> m{{"d", 5}, {"db", 6}, {"dq", 7}};
  {
    auto from = src.read_zipper_at_path("s");
    auto wz = m.write_zipper();
    wz.descend_to("d");
    wz.graft_children(from, bytes_of("abz"));
    CHECK(from.at_root());
    CHECK(str(wz.path()) == "d");
  }
  CHECK(dump(m) == "d=5|da=1|db/x=2|dq=7");
  CHECK(dump(src) == "s=9|sa=1|sb/x=2|sc=3");
}

TEST_CASE("insert_prefix moves everything below the focus down by the prefix") {
  path_map<int> m{{"k", 1}, {"ka", 2}, {"kb/c", 3}, {"z", 4}};
  {
    auto wz = m.write_zipper();
    wz.descend_to("k");
    CHECK(wz.insert_prefix("/p"));
    CHECK(wz.val() != nullptr);
    wz.descend_to("z");
    CHECK_FALSE(wz.insert_prefix("q")); // no children
  }
  CHECK(dump(m) == "k=1|k/pa=2|k/pb/c=3|z=4");
}

TEST_CASE("remove_prefix lifts the subtrie below the focus, replacing what was there") {
  path_map<int> m{{"ab", 1}, {"abc/d", 2}, {"abc/e", 3}, {"abq", 8}, {"ax", 9}};
  {
    auto wz = m.write_zipper();
    wz.descend_to("abc/");
    CHECK(wz.remove_prefix(2));
    CHECK(str(wz.path()) == "ab");
    REQUIRE(wz.val() != nullptr);
    CHECK(*wz.val() == 1);
  }
  // Below "ab", "c/..." and the sibling "q" gave way to what was below "abc/".
  CHECK(dump(m) == "ab=1|abd=2|abe=3|ax=9");
  {
    auto wz = m.write_zipper_at_path("a");
    wz.descend_to("b");
    CHECK_FALSE(wz.remove_prefix(5)); // only one byte up to the zipper's root
    CHECK(wz.at_root());
  }
  CHECK(dump(m) == "ad=2|ae=3");
}

TEST_CASE("take_map returns the focus value and branches and removes them") {
  path_map<int> m;
  m.set_val_at("t", 1);
  m.set_val_at("t/a", 2);
  m.set_val_at("t/b/c", 3);
  m.set_val_at("u", 4);
  std::optional<path_map<int>> taken;
  {
    auto wz = m.write_zipper();
    wz.descend_to("t");
    taken = wz.take_map(true);
    CHECK_FALSE(wz.path_exists());
  }
  REQUIRE(taken.has_value());
  CHECK(dump(*taken) == "=1|/a=2|/b/c=3");
  CHECK(dump(m) == "u=4");
  CHECK_FALSE(m.path_exists_at("t"));
}

TEST_CASE("take_map without prune leaves the focus dangling") {
  path_map<int> m;
  m.set_val_at("t/a", 2);
  std::optional<path_map<int>> taken;
  {
    auto wz = m.write_zipper();
    wz.descend_to("t");
    taken = wz.take_map(false);
    CHECK(wz.path_exists());
  }
  REQUIRE(taken.has_value());
  CHECK(dump(*taken) == "/a=2");
  CHECK(m.path_exists_at("t"));
  CHECK(m.val_count() == 0u);
}

TEST_CASE("take_map of only a value returns a map holding just a root value") {
  path_map<int> m;
  m.set_val_at("leaf", 9);
  m.set_val_at("other", 1);
  std::optional<path_map<int>> taken;
  {
    auto wz = m.write_zipper_at_path("leaf");
    taken = wz.take_map(true);
  }
  REQUIRE(taken.has_value());
  CHECK(dump(*taken) == "=9");
  CHECK(taken->val_count() == 1u);
  CHECK(dump(m) == "other=1");
  CHECK_FALSE(m.path_exists_at("l"));
}

TEST_CASE("take_map returns nullopt when there is neither value nor branches") {
  path_map<int> m;
  m.set_val_at("x", 1);
  m.create_path("dangling");
  auto wz = m.write_zipper();
  wz.descend_to("missing");
  CHECK_FALSE(wz.take_map(false).has_value());
  CHECK_FALSE(wz.path_exists());
  wz.reset();
  wz.descend_to("dangling");
  CHECK_FALSE(wz.take_map(false).has_value());
  CHECK(wz.path_exists());
}

TEST_CASE("take_map at the map root takes everything, root value included") {
  auto m = roman_map();
  m.set_val_at("", 42);
  std::optional<path_map<int>> taken;
  {
    auto wz = m.write_zipper();
    taken = wz.take_map(true);
  }
  REQUIRE(taken.has_value());
  CHECK(taken->val_count() == 13u);
  CHECK(id_at(*taken, "") == 42);
  CHECK(m.is_empty());
  CHECK(m.val_count() == 0u);
}

TEST_CASE("take_map and graft_map move a subtrie to another place") {
  auto m = roman_map();
  {
    auto wz = m.write_zipper_at_path("rom");
    auto taken = wz.take_map(true);
    REQUIRE(taken.has_value());
    wz.reset();
    CHECK_FALSE(wz.path_exists());
    wz.descend_to("/moved/");
    wz.graft_map(std::move(*taken));
  }
  CHECK(m.val_count() == 12u);
  CHECK(id_at(m, "rom/moved/an") == 3);
  CHECK(id_at(m, "rom/moved/'i") == 11);
  CHECK_FALSE(m.contains("roman"));
}

// -- copy-on-write ----------------------------------------------------------------------------------

TEST_CASE("writes through a write zipper on a copy do not reach the original") {
  auto a = roman_map();
  a.set_val_at("", 100);
  auto b = a;
  {
    auto wz = b.write_zipper();
    wz.set_val(101);
    wz.descend_to("roman");
    wz.set_val(1000);
    wz.descend_to("esque");
    wz.set_val(1001);
    wz.reset();
    wz.descend_to("ru");
    CHECK(wz.remove_branches(true));
    wz.reset();
    wz.descend_to("a");
    wz.graft_map(path_map<int>{});
    wz.reset();
    wz.descend_to("bow");
    CHECK(wz.take_map(true).has_value());
    wz.reset();
    wz.descend_to("cannon");
    wz.remove_val(false);
    CHECK(wz.create_path() == false);
  }
  CHECK(dump(a) == "=100|" + dump(roman_map()));
  CHECK(a.val_count() == 13u);
  CHECK(dump(b) == "=101|rom'i=11|roman=1000|romane=4|romanesque=1001|romanus=5|romulus=6");
  CHECK(b.path_exists_at("cannon"));
}

TEST_CASE("moving a write zipper around does not change the map or its copies") {
  auto a = roman_map();
  auto b = a;
  {
    auto wz = b.write_zipper();
    while (wz.to_next_step()) {
    }
    wz.descend_to("romanus");
    wz.ascend_until();
    wz.descend_to("zzzz");
    CHECK_FALSE(wz.path_exists());
    (void)wz.val_count();
    (void)wz.make_map();
  }
  CHECK(dump(b) == dump(a));
  CHECK_FALSE(b.path_exists_at("romanz"));
  CHECK_FALSE(b.path_exists_at("z"));
}

TEST_CASE("make_map of a write zipper is independent of later writes") {
  auto m = roman_map();
  path_map<int> snap;
  {
    auto wz = m.write_zipper_at_path("ru");
    snap = wz.make_map();
    wz.descend_to("bens");
    wz.set_val(-1);
    wz.reset();
    wz.remove_branches(false);
  }
  CHECK(dump(snap) == "bens=7|ber=8|bicon=9|bicundus=10");
  CHECK(m.val_count() == 8u);
}

TEST_CASE("a write zipper's fork_read_zipper sees the writes made so far") {
  path_map<int> m;
  auto wz = m.write_zipper();
  wz.descend_to("a");
  wz.set_val(1);
  wz.descend_to("b");
  wz.set_val(2);
  wz.ascend_byte();
  {
    auto f = wz.fork_read_zipper();
    CHECK(f.val_count() == 2u);
    CHECK(*f.val() == 1);
    CHECK(f.descend_to_check("b"));
    CHECK(*f.val() == 2);
  }
  wz.set_val(3);
  auto f2 = wz.fork_read_zipper();
  CHECK(*f2.val() == 3);
}

TEST_SUITE_END();
