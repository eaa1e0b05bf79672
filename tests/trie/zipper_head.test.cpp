// Zipper heads (PATHMAP-SPEC §3) on one thread: the exclusivity rules and their error contents
// through the head, the side effects of asking for a writer, cleanup, nested heads, tracked
// zippers (move-only writers, copyable readers, into_read_zipper, unchecked variants, zippers
// that outlive their head). The concurrent behaviour is in zipper_head.concurrent.test.cpp.
#include "pathmap/zipper_head.hpp"

#include "pathmap/path_map.hpp"
#include "test_support.hpp"

#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

using pathmap::conflict;
using pathmap::conflict_kind;
using pathmap::path_map;
using pathmap::read_zipper_tracked;
using pathmap::write_zipper_tracked;
using namespace pathmap_test;

namespace {

// -- helpers ------------------------------------------------------------------------------------

/// What a head answered: "ok", or "write@path" / "read(N)@path" for a conflict.
template <class T>
std::string outcome(const pathmap::expected<T, conflict>& r) {
  if (r.has_value())
    return "ok";
  const conflict& c = r.error();
  std::string out = c.is_write_zipper()
                      ? std::string("write")
                      : "read(" + std::to_string(c.reader_count()) + ")";
  return out + "@" + show(c.path());
}

/// The (path, value) pairs a zipper sees below and at its root, relative to its root.
template <class Z>
std::string seen(Z& z) {
  z.reset();
  std::string out;
  if (const int* v = z.val())
    out += "=" + std::to_string(*v);
  while (z.to_next_val()) {
    if (!out.empty())
      out += "|";
    out += show(z.path()) + "=" + std::to_string(*z.val());
  }
  z.reset();
  return out;
}

/// The crate's book example keys.
path_map<int> book_map() {
  path_map<int> m;
  int i = 0;
  for (const char* k : {"internal", "internet", "interval", "integer", "integral", "integration",
                        "integrity", "intolerable", "intone"})
    m.set_val_at(k, ++i);
  return m;
}

/// Drops the zipper an `expected` holds (without needing a live conflict at hand).
template <class T>
void drop(pathmap::expected<T, conflict>& e) {
  e = pathmap::unexpected(conflict::write_zipper_at(pathmap::path_view{}));
}

} // namespace

// -- type properties ------------------------------------------------------------------------------

static_assert(!std::is_copy_constructible_v<write_zipper_tracked<int>>);
static_assert(!std::is_copy_assignable_v<write_zipper_tracked<int>>);
static_assert(std::is_nothrow_move_constructible_v<write_zipper_tracked<int>>);
static_assert(std::is_nothrow_move_assignable_v<write_zipper_tracked<int>>);
static_assert(std::is_copy_constructible_v<read_zipper_tracked<int>>);
static_assert(std::is_nothrow_move_constructible_v<read_zipper_tracked<int>>);
static_assert(!std::is_copy_constructible_v<pathmap::zipper_head<int>>);
static_assert(pathmap::zipper_iteration<read_zipper_tracked<int>>);
static_assert(pathmap::zipper_absolute_path<read_zipper_tracked<int>>);
static_assert(pathmap::zipper_writing<write_zipper_tracked<int>>);
static_assert(pathmap::zipper_absolute_path<write_zipper_tracked<int>>);

TEST_SUITE_BEGIN("zipper_head");

// -- readers ----------------------------------------------------------------------------------------

TEST_CASE("a head reader sees the subtrie at its path with paths relative to it") {
  path_map<int> m{{"in/a", 1}, {"in/b", 2}, {"in", 3}, {"out/c", 4}};
  auto head = m.zipper_head();
  auto r = head.read_zipper_at_path("in");
  REQUIRE(r.has_value());
  CHECK(seen(*r) == "=3|/a=1|/b=2");
  CHECK(str(r->root_prefix_path()) == "in");
  CHECK(r->val_count() == 3u);
  r->descend_to("/b");
  CHECK(str(r->path()) == "/b");
  CHECK(str(r->origin_path()) == "in/b");
  CHECK(*r->val() == 2);
  CHECK(*r->get_val() == 2);
}

TEST_CASE("read_zipper_at_borrowed_path behaves like read_zipper_at_path") {
  path_map<int> m{{"abc", 1}, {"abd", 2}};
  auto head = m.zipper_head();
  std::string p = "ab";
  auto r = head.read_zipper_at_borrowed_path(p);
  REQUIRE(r.has_value());
  CHECK(seen(*r) == "c=1|d=2");
  auto w = head.write_zipper_at_exclusive_path("abc");
  CHECK(outcome(w) == "read(1)@ab");
}

TEST_CASE("a reader at a missing path sees nothing, creates nothing, and still locks the path") {
  path_map<int> m{{"ABCDEFG", 1}};
  {
    auto head = m.zipper_head();
    auto r = head.read_zipper_at_path("ABCDEFGH");
    REQUIRE(r.has_value());
    CHECK_FALSE(r->path_exists());
    CHECK(r->val() == nullptr);
    CHECK(r->child_count() == 0u);
    CHECK(r->child_mask() == pathmap::byte_mask{});
    CHECK_FALSE(r->to_next_val());
    CHECK(head.locks().readers_at("ABCDEFGH") == 1u);
    CHECK(outcome(head.write_zipper_at_exclusive_path("ABCDEFGH/x")) == "read(1)@ABCDEFGH");
  }
  CHECK_FALSE(m.path_exists_at("ABCDEFGH"));
  CHECK(dump(m) == "ABCDEFG=1");
}

TEST_CASE("a reader at a path inside a compressed key sees the rest of the key") {
  path_map<int> m{{"abcdef", 1}, {"abcdxy", 2}};
  auto head = m.zipper_head();
  auto r = head.read_zipper_at_path("abc");
  REQUIRE(r.has_value());
  CHECK(seen(*r) == "def=1|dxy=2");
  auto r2 = head.read_zipper_at_path("abcde");
  REQUIRE(r2.has_value());
  CHECK(seen(*r2) == "f=1");
}

TEST_CASE("a reader at the empty path sees the root value and everything") {
  path_map<int> m{{"", 7}, {"a", 1}, {"b/c", 2}};
  auto head = m.zipper_head();
  auto r = head.read_zipper_at_path("");
  REQUIRE(r.has_value());
  CHECK(seen(*r) == "=7|a=1|b/c=2");
  CHECK(r->val_count() == 3u);
}

TEST_CASE("a reader's witness keeps values alive after the reader, head and map are gone") {
  std::optional<pathmap::zipper_witness<std::string>> w;
  const std::string* v = nullptr;
  {
    path_map<std::string> m{{"k/1", values<std::string>::make(1)},
                            {"k/2", values<std::string>::make(3)}};
    auto head = m.zipper_head();
    auto r = head.read_zipper_at_path("k/");
    REQUIRE(r.has_value());
    w.emplace(r->witness());
    v = r->to_next_get_val_with_witness(*w);
    REQUIRE(v != nullptr);
    v = r->to_next_get_val_with_witness(*w);
    REQUIRE(v != nullptr);
  }
  CHECK(*v == values<std::string>::make(3));
}

// -- the conflict matrix --------------------------------------------------------------------------

namespace {

/// One request path and the outcome expected of a reader and of a writer asked for there.
struct request_row {
  const char* path;
  const char* reader;
  const char* writer;
};

/// Asks `head` for a reader, then a writer, at each row's path (each dropped before the next
/// request) and checks both outcomes.
template <std::size_t N>
void check_requests(pathmap::zipper_head<int>& head, const request_row (&rows)[N]) {
  for (const request_row& r : rows) {
    CAPTURE(show(r.path));
    {
      auto rz = head.read_zipper_at_path(r.path);
      CHECK(outcome(rz) == r.reader);
    }
    {
      auto wz = head.write_zipper_at_exclusive_path(r.path);
      CHECK(outcome(wz) == r.writer);
    }
  }
}

} // namespace

TEST_CASE("requests at, above, below and beside a live reader follow the rules") {
  path_map<int> m{{"ab/cd/ef", 1}, {"ab/ce", 2}, {"x", 3}};
  auto head = m.zipper_head();
  auto live = head.read_zipper_at_path("ab/cd");
  REQUIRE(live.has_value());
  // Readers never conflict with readers; a writer conflicts with a related reader.
  const request_row rows[] = {
    {"ab/cd", "ok", "read(1)@ab/cd"},    // at
    {"ab/c", "ok", "read(1)@ab/cd"},     // above, inside the key
    {"ab", "ok", "read(1)@ab/cd"},       // above
    {"", "ok", "read(1)@ab/cd"},         // the root
    {"ab/cd/ef", "ok", "read(1)@ab/cd"}, // below, existing
    {"ab/cd/zz", "ok", "read(1)@ab/cd"}, // below, missing
    {"ab/ce", "ok", "ok"},               // beside: a sibling
    {"ab/cx", "ok", "ok"},               // beside: missing sibling
    {"x", "ok", "ok"},                   // beside: another branch of the root
    {"ab/c\x01", "ok", "ok"},            // beside: diverges inside a key
  };
  check_requests(head, rows);
  // Two readers: the count is reported.
  auto second = *live;
  CHECK(outcome(head.write_zipper_at_exclusive_path("ab")) == "read(2)@ab/cd");
  CHECK(head.locks().readers_at("ab/cd") == 2u);
}

TEST_CASE("requests at, above, below and beside a live writer follow the rules") {
  path_map<int> m{{"ab/cd/ef", 1}, {"ab/ce", 2}, {"x", 3}};
  auto head = m.zipper_head();
  auto live = head.write_zipper_at_exclusive_path("ab/cd");
  REQUIRE(live.has_value());
  const request_row rows[] = {
    {"ab/cd", "write@ab/cd", "write@ab/cd"},
    {"ab/c", "write@ab/cd", "write@ab/cd"},
    {"ab", "write@ab/cd", "write@ab/cd"},
    {"", "write@ab/cd", "write@ab/cd"},
    {"ab/cd/ef", "write@ab/cd", "write@ab/cd"},
    {"ab/cd/zz", "write@ab/cd", "write@ab/cd"},
    {"ab/ce", "ok", "ok"},
    {"ab/cx", "ok", "ok"},
    {"x", "ok", "ok"},
    {"ab/c\x01", "ok", "ok"},
  };
  check_requests(head, rows);
}

TEST_CASE("a refused request through the head changes neither the locks nor the map") {
  path_map<int> m{{"a/b", 1}};
  auto head = m.zipper_head();
  auto w = head.write_zipper_at_exclusive_path("a");
  REQUIRE(w.has_value());
  std::size_t locks = head.locks().lock_count();
  CHECK(outcome(head.write_zipper_at_exclusive_path("a/new/path")) == "write@a");
  CHECK(outcome(head.read_zipper_at_path("a/other")) == "write@a");
  CHECK(head.locks().lock_count() == locks);
  // The refused writer did not create its path.
  w->descend_to("/new");
  CHECK_FALSE(w->path_exists());
}

TEST_CASE("conflict errors carry the crate's display text") {
  path_map<int> m;
  auto head = m.zipper_head();
  auto w = head.write_zipper_at_exclusive_path("ab");
  REQUIRE(w.has_value());
  auto r = head.read_zipper_at_path("a");
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().kind() == conflict_kind::write_zipper);
  CHECK(r.error().reader_count() == 0u);
  CHECK(r.error().to_string() == "conflicts with existing zipper: write zipper @ [97, 98]");
  auto r1 = head.read_zipper_at_path("c");
  auto r2 = head.read_zipper_at_path("c");
  auto w2 = head.write_zipper_at_exclusive_path("");
  REQUIRE_FALSE(w2.has_value());
  CHECK(w2.error().to_string() == "conflicts with existing zipper: write zipper @ [97, 98]");
  drop(w);
  auto w3 = head.write_zipper_at_exclusive_path("");
  REQUIRE_FALSE(w3.has_value());
  CHECK(w3.error().kind() == conflict_kind::read_zipper);
  CHECK(w3.error().reader_count() == 2u);
  CHECK(w3.error() == conflict::read_zipper_at(2, "c"));
  CHECK(w3.error().to_string() == "conflicts with existing zipper: read zipper (arity: 2) @ [99]");
}

// -- which lock a conflict names ----------------------------------------------------------------------

TEST_CASE("a writer request that hits writers and readers names a writer") {
  path_map<int> m;
  auto head = m.zipper_head();
  auto r = head.read_zipper_at_path("a"); // lexicographically before the writer
  auto w = head.write_zipper_at_exclusive_path("z");
  REQUIRE(r.has_value());
  REQUIRE(w.has_value());
  CHECK(outcome(head.write_zipper_at_exclusive_path("")) == "write@z");
  CHECK(outcome(head.read_zipper_at_path("")) == "write@z");
}

TEST_CASE("a lock along the path is named before a lock below it, the shallowest first") {
  path_map<int> m;
  auto head = m.zipper_head();
  auto deep = head.read_zipper_at_path("a/b/c/d");
  auto mid = head.read_zipper_at_path("a/b");
  auto top = head.read_zipper_at_path("a");
  REQUIRE((deep && mid && top));
  CHECK(outcome(head.write_zipper_at_exclusive_path("a/b/c")) == "read(1)@a");
  drop(top); // drop "a"
  CHECK(outcome(head.write_zipper_at_exclusive_path("a/b/c")) == "read(1)@a/b");
  drop(mid);
  CHECK(outcome(head.write_zipper_at_exclusive_path("a/b/c")) == "read(1)@a/b/c/d");
  auto root = head.read_zipper_at_path("");
  CHECK(outcome(head.write_zipper_at_exclusive_path("a/b/c")) == "read(1)@");
}

TEST_CASE("among locks below the path the lexicographically first is named") {
  path_map<int> m;
  auto head = m.zipper_head();
  auto w1 = head.write_zipper_at_exclusive_path("a/c");
  auto w2 = head.write_zipper_at_exclusive_path("a/b/z");
  auto w3 = head.write_zipper_at_exclusive_path("a/\xff");
  REQUIRE((w1 && w2 && w3));
  CHECK(outcome(head.read_zipper_at_path("a")) == "write@a/b/z");
  CHECK(outcome(head.write_zipper_at_exclusive_path("a/")) == "write@a/b/z");
  drop(w2);
  CHECK(outcome(head.read_zipper_at_path("a/")) == "write@a/c");
  drop(w1);
  CHECK(outcome(head.read_zipper_at_path("a/")) == "write@a/\\xff");
  auto r1 = head.read_zipper_at_path("b/2");
  auto r2 = head.read_zipper_at_path("b/1/x");
  auto r3 = head.read_zipper_at_path("b/1/x");
  CHECK(outcome(head.write_zipper_at_exclusive_path("b")) == "read(2)@b/1/x");
}

TEST_CASE("the book example: a reader at integ and a writer at intern") {
  path_map<int> m = book_map();
  auto head = m.zipper_head();
  auto reader = head.read_zipper_at_path("integ");
  auto writer = head.write_zipper_at_exclusive_path("intern");
  REQUIRE(reader.has_value());
  REQUIRE(writer.has_value());
  CHECK(seen(*reader) == "er=4|ral=5|ration=6|rity=7");
  CHECK(seen(*writer) == "al=1|et=2");

  // More readers anywhere under "integ" and anywhere disjoint from "intern".
  for (const char* p : {"integ", "integer", "integr", "integrity", "into", "interval", "intone",
                        "inter\x01", "x"}) {
    CAPTURE(p);
    CHECK(outcome(head.read_zipper_at_path(p)) == "ok");
  }
  // Nothing new may be made at "int", "inte" or "inter": it could reach the writer.
  CHECK(outcome(head.read_zipper_at_path("int")) == "write@intern");
  CHECK(outcome(head.read_zipper_at_path("inte")) == "write@intern");
  CHECK(outcome(head.read_zipper_at_path("inter")) == "write@intern");
  CHECK(outcome(head.write_zipper_at_exclusive_path("int")) == "write@intern");
  CHECK(outcome(head.write_zipper_at_exclusive_path("inte")) == "write@intern");
  CHECK(outcome(head.write_zipper_at_exclusive_path("inter")) == "write@intern");
  CHECK(outcome(head.read_zipper_at_path("")) == "write@intern");
  // Any request under "intern" fails.
  for (const char* p : {"intern", "interna", "internal", "internet", "internxyz"}) {
    CAPTURE(p);
    CHECK(outcome(head.read_zipper_at_path(p)) == "write@intern");
    CHECK(outcome(head.write_zipper_at_exclusive_path(p)) == "write@intern");
  }
  // A writer is fine at "interv..." or "into...", not at "integ" or below it.
  {
    auto w = head.write_zipper_at_exclusive_path("interv");
    CHECK(outcome(w) == "ok");
  }
  {
    auto w = head.write_zipper_at_exclusive_path("interval");
    CHECK(outcome(w) == "ok");
  }
  {
    auto w = head.write_zipper_at_exclusive_path("into");
    CHECK(outcome(w) == "ok");
  }
  {
    auto w = head.write_zipper_at_exclusive_path("intolerable");
    CHECK(outcome(w) == "ok");
  }
  CHECK(outcome(head.write_zipper_at_exclusive_path("integ")) == "read(1)@integ");
  CHECK(outcome(head.write_zipper_at_exclusive_path("integral")) == "read(1)@integ");
  CHECK(outcome(head.write_zipper_at_exclusive_path("integ")) == "read(1)@integ");
  CHECK(outcome(head.write_zipper_at_exclusive_path("inte")) == "write@intern");
}

// -- writers ----------------------------------------------------------------------------------------

TEST_CASE("a writer sees the existing content below its root") {
  path_map<int> m{{"test:1", 1}, {"test:2", 2}, {"test:3", 3}, {"test:4", 4}, {"tesx", 5}};
  {
    auto head = m.zipper_head();
    auto w = head.write_zipper_at_exclusive_path("test");
    REQUIRE(w.has_value());
    CHECK(seen(*w) == ":1=1|:2=2|:3=3|:4=4");
    CHECK(w->val_count() == 4u);
    CHECK(w->child_mask().test(':'));
    w->descend_to(":5");
    w->set_val(5);
    w->reset();
    w->descend_to(":1");
    CHECK(w->set_val(10) == std::optional<int>{1});
  }
  CHECK(dump(m) == "test:1=10|test:2=2|test:3=3|test:4=4|test:5=5|tesx=5");
}

TEST_CASE("a writer's root value is the value at its path") {
  path_map<int> m{{"k", 1}, {"k/x", 2}};
  {
    auto head = m.zipper_head();
    auto w = head.write_zipper_at_exclusive_path("k");
    REQUIRE(w.has_value());
    CHECK(w->val() != nullptr);
    CHECK(*w->val() == 1);
    CHECK(w->set_val(5) == std::optional<int>{1});
    auto w2 = head.write_zipper_at_exclusive_path("new");
    REQUIRE(w2.has_value());
    CHECK(w2->val() == nullptr);
    CHECK_FALSE(w2->set_val(9).has_value());
    auto w3 = head.write_zipper_at_exclusive_path("gone");
    REQUIRE(w3.has_value());
  }
  CHECK(dump(m) == "k=5|k/x=2|new=9");
  {
    auto head = m.zipper_head();
    auto w = head.write_zipper_at_exclusive_path("k");
    REQUIRE(w.has_value());
    CHECK(w->remove_val(true) == std::optional<int>{5});
  }
  CHECK(dump(m) == "k/x=2|new=9");
}

TEST_CASE("a writer at the empty path owns the whole map, root value included") {
  path_map<int> m{{"", 1}, {"a", 2}};
  {
    auto head = m.zipper_head();
    auto w = head.write_zipper_at_exclusive_path("");
    REQUIRE(w.has_value());
    CHECK(seen(*w) == "=1|a=2");
    CHECK(w->set_val(10) == std::optional<int>{1});
    w->descend_to("b");
    w->set_val(3);
    CHECK(outcome(head.read_zipper_at_path("")) == "write@");
    CHECK(outcome(head.read_zipper_at_path("zzz")) == "write@");
    CHECK(outcome(head.write_zipper_at_exclusive_path("a")) == "write@");
  }
  CHECK(dump(m) == "=10|a=2|b=3");
  CHECK(*m.get_val_at("") == 10);
}

TEST_CASE("asking for a writer creates its path, which stays after the writer is dropped") {
  path_map<int> m;
  {
    auto head = m.zipper_head();
    {
      auto w = head.write_zipper_at_exclusive_path("a_path_to_nowhere");
      REQUIRE(w.has_value());
      CHECK(w->path_exists());
    }
  }
  CHECK(m.read_zipper().child_mask().test('a'));
  CHECK(m.path_exists_at("a_path_to_nowhere"));
  CHECK(m.val_count() == 0u);
  CHECK_FALSE(m.is_empty());
}

TEST_CASE("cleanup_write_zipper removes the dangling path its writer created") {
  path_map<int> m{{"keep", 1}};
  {
    auto head = m.zipper_head();
    auto w = head.write_zipper_at_exclusive_path("a_path_to_nowhere");
    REQUIRE(w.has_value());
    head.cleanup_write_zipper(std::move(*w));
    CHECK(head.locks().empty());
    // The path is free again.
    CHECK(outcome(head.write_zipper_at_exclusive_path("a_path_to_nowhere")) == "ok");
  }
  // The second writer (dropped without cleanup) created the path again.
  CHECK(m.path_exists_at("a_path_to_nowhere"));
  {
    auto head = m.zipper_head();
    auto w = head.write_zipper_at_exclusive_path("a_path_to_nowhere");
    REQUIRE(w.has_value());
    head.cleanup_write_zipper(std::move(*w));
  }
  CHECK_FALSE(m.read_zipper().child_mask().test('a'));
  CHECK_FALSE(m.path_exists_at("a"));
  CHECK(dump(m) == "keep=1");
}

TEST_CASE("cleanup_write_zipper drops another head's writer without pruning its own map") {
  path_map<int> mine;
  path_map<int> other;
  mine.create_path("made");
  auto head = mine.zipper_head();
  auto other_head = other.zipper_head();
  auto w = other_head.write_zipper_at_exclusive_path("made");
  REQUIRE(w.has_value());
  CHECK(other_head.issued(*w));
  CHECK_FALSE(head.issued(*w));
  head.cleanup_write_zipper(std::move(*w));
  // The lock went with the writer; this map's dangling "made" was not pruned on its behalf.
  CHECK(other_head.locks().empty());
  auto r = head.read_zipper_at_path("made");
  REQUIRE(r.has_value());
  CHECK(r->path_exists());
}

TEST_CASE("cleanup_write_zipper keeps what the writer wrote") {
  path_map<int> m;
  {
    auto head = m.zipper_head();
    auto w1 = head.write_zipper_at_exclusive_path("valued");
    auto w2 = head.write_zipper_at_exclusive_path("branched");
    auto w3 = head.write_zipper_at_exclusive_path("removed");
    REQUIRE((w1 && w2 && w3));
    w1->set_val(1);
    w2->descend_to("/x");
    w2->set_val(2);
    w3->descend_to("/x");
    w3->set_val(3);
    w3->remove_val(false); // leaves "/x" dangling below the root: not pruned by cleanup
    head.cleanup_write_zipper(std::move(*w1));
    head.cleanup_write_zipper(std::move(*w2));
    head.cleanup_write_zipper(std::move(*w3));
  }
  CHECK(dump(m) == "branched/x=2|valued=1");
  CHECK(m.path_exists_at("removed/x"));
}

TEST_CASE("cleanup_write_zipper prunes only up to a branch shared with a live sibling writer") {
  path_map<int> m;
  auto head = m.zipper_head();
  auto sibling = head.write_zipper_at_exclusive_path("shared/sibling");
  auto w = head.write_zipper_at_exclusive_path("shared/gone/deeper");
  REQUIRE((sibling && w));
  head.cleanup_write_zipper(std::move(*w));
  sibling->set_val(1);
  CHECK(outcome(head.read_zipper_at_path("shared/gone")) == "ok");
  drop(sibling);
  auto r = head.read_zipper_at_path("shared");
  REQUIRE(r.has_value());
  CHECK(seen(*r) == "/sibling=1");
  CHECK(r->child_mask().count() == 1u);
  r->descend_to("/g");
  CHECK_FALSE(r->path_exists());
}

TEST_CASE("remove_branches with prune at a writer's root keeps the root path") {
  path_map<int> m{{"out/old/1", 1}, {"out/old/2", 2}, {"in", 3}};
  {
    auto head = m.zipper_head();
    auto w = head.write_zipper_at_exclusive_path("out");
    REQUIRE(w.has_value());
    CHECK(w->remove_branches(true));
    CHECK(w->path_exists());
    CHECK_FALSE(w->remove_branches(true));
  }
  CHECK(dump(m) == "in=3");
  CHECK(m.path_exists_at("out"));
}

TEST_CASE("a writer at a path inside a compressed key splits the key and keeps its content") {
  path_map<int> m{{"abcdef", 1}, {"abcdxy", 2}};
  {
    auto head = m.zipper_head();
    auto w = head.write_zipper_at_exclusive_path("abc");
    REQUIRE(w.has_value());
    CHECK(seen(*w) == "def=1|dxy=2");
    w->set_val(3);
    auto w2 = head.write_zipper_at_exclusive_path("ab_");
    REQUIRE(w2.has_value());
    w2->set_val(4);
  }
  CHECK(dump(m) == "ab_=4|abc=3|abcdef=1|abcdxy=2");
}

TEST_CASE("many sibling writers under one parent keep their own cells") {
  path_map<int> m{{"p/\x01/old", -1}};
  {
    auto head = m.zipper_head();
    std::vector<write_zipper_tracked<int>> ws;
    for (int b = 0; b < 256; ++b) {
      std::string p = "p/";
      p.push_back(static_cast<char>(b));
      auto w = head.write_zipper_at_exclusive_path(p);
      REQUIRE(w.has_value());
      ws.push_back(std::move(*w));
      // Every earlier writer still writes into the map after the parent node has grown.
      for (std::size_t i = 0; i < ws.size(); i += 37) {
        ws[i].reset();
        ws[i].set_val(static_cast<int>(i));
      }
    }
    for (std::size_t i = 0; i < ws.size(); ++i) {
      ws[i].reset();
      ws[i].descend_to("v");
      ws[i].set_val(static_cast<int>(i) * 10);
    }
  }
  CHECK(m.val_count() == 256u + 256u / 37 + 1 + 1);
  for (int b = 0; b < 256; ++b) {
    std::string p = "p/";
    p.push_back(static_cast<char>(b));
    CAPTURE(b);
    CHECK(id_at(m, p + "v") == b * 10);
    CHECK(id_at(m, p) == (b % 37 == 0 ? b : -1));
  }
  CHECK(id_at(m, bytes({'p', '/', 1, 'o', 'l', 'd'})) == -1);
}

TEST_CASE("a head on a copied map leaves the copy unchanged") {
  path_map<int> m{{"a/x", 1}, {"b/y", 2}};
  path_map<int> copy = m;
  {
    auto head = m.zipper_head();
    auto w = head.write_zipper_at_exclusive_path("a");
    auto w2 = head.write_zipper_at_exclusive_path("b/y");
    REQUIRE((w && w2));
    w->descend_to("/x");
    w->set_val(10);
    w2->set_val(20);
    auto w3 = head.write_zipper_at_exclusive_path("c");
    REQUIRE(w3.has_value());
    w3->set_val(30);
  }
  CHECK(dump(m) == "a/x=10|b/y=20|c=30");
  CHECK(dump(copy) == "a/x=1|b/y=2");
}

TEST_CASE("a reader made after a writer was dropped sees the writes") {
  path_map<int> m;
  auto head = m.zipper_head();
  {
    auto w = head.write_zipper_at_exclusive_path("a");
    REQUIRE(w.has_value());
    w->descend_to("/1");
    w->set_val(1);
  }
  auto r = head.read_zipper_at_path("a");
  REQUIRE(r.has_value());
  CHECK(seen(*r) == "/1=1");
  auto root = head.read_zipper_at_path("");
  REQUIRE(root.has_value());
  CHECK(seen(*root) == "a/1=1");
}

// -- snapshots ----------------------------------------------------------------------------------------

TEST_CASE("a reader keeps its snapshot while sibling writers restructure shared ancestors") {
  path_map<int> m;
  for (int i = 0; i < 100; ++i)
    m.set_val_at("s/0/" + std::to_string(i), i);
  m.set_val_at("s/1/x", -1);
  auto head = m.zipper_head();
  auto r = head.read_zipper_at_path("s/0");
  REQUIRE(r.has_value());
  std::string before = seen(*r);
  CHECK(r->val_count() == 100u);
  {
    std::vector<write_zipper_tracked<int>> ws;
    for (int b = 1; b < 256; ++b) {
      if (b == '0')
        continue; // the reader's own path
      std::string p = "s/";
      p.push_back(static_cast<char>(b));
      auto w = head.write_zipper_at_exclusive_path(p);
      REQUIRE(w.has_value());
      w->remove_branches(false);
      w->descend_to("/new");
      w->set_val(b);
      ws.push_back(std::move(*w));
    }
    // Writers deeper down restructure the nodes above the reader's root as well.
    auto wa = head.write_zipper_at_exclusive_path("t");
    REQUIRE(wa.has_value());
    wa->set_val(1);
    CHECK(r->val_count() == 100u);
    CHECK(seen(*r) == before);
  }
  CHECK(r->val_count() == 100u);
  CHECK(seen(*r) == before);
  auto r2 = head.read_zipper_at_path("s/");
  REQUIRE(r2.has_value());
  CHECK(r2->val_count() == 100u + 254u); // "s/1/x" was removed, "s/<b>/new" added
}

TEST_CASE("values read through a witness stay unchanged when a later writer changes them") {
  path_map<int> m{{"a/1", 1}, {"a/2", 2}};
  auto head = m.zipper_head();
  std::optional<pathmap::zipper_witness<int>> w;
  const int* one = nullptr;
  {
    auto wz = head.write_zipper_at_exclusive_path("a");
    REQUIRE(wz.has_value());
    auto r = std::move(*wz).into_read_zipper();
    auto copy = r; // one more reader lock on "a"
    CHECK(outcome(head.write_zipper_at_exclusive_path("a")) == "read(2)@a");
    w.emplace(copy.witness());
    one = copy.to_next_get_val_with_witness(*w);
    REQUIRE(one != nullptr);
    CHECK(*one == 1);
  }
  auto wz = head.write_zipper_at_exclusive_path("a");
  REQUIRE(wz.has_value());
  wz->descend_to("/1");
  CHECK(wz->set_val(10) == std::optional<int>{1});
  wz->reset();
  CHECK(wz->remove_branches(false));
  CHECK(*one == 1); // the writer copied the shared node before changing it
  CHECK(seen(*wz) == "");
}

// -- into_read_zipper --------------------------------------------------------------------------------

TEST_CASE("into_read_zipper turns the writer lock into a reader lock and keeps root and focus") {
  path_map<int> m{{"w/x", 1}};
  auto head = m.zipper_head();
  auto w = head.write_zipper_at_exclusive_path("w");
  REQUIRE(w.has_value());
  w->descend_to("/y");
  w->set_val(2);
  w->reset();
  w->descend_to("/x");
  CHECK(head.locks().writer_at("w"));
  read_zipper_tracked<int> r = std::move(*w).into_read_zipper();
  CHECK_FALSE(head.locks().writer_at("w"));
  CHECK(head.locks().readers_at("w") == 1u);
  CHECK(head.locks().lock_count() == 1u);
  CHECK(str(r.path()) == "/x");
  CHECK(str(r.root_prefix_path()) == "w");
  CHECK(str(r.origin_path()) == "w/x");
  CHECK(*r.val() == 1);
  CHECK(seen(r) == "/x=1|/y=2");
  CHECK(outcome(head.write_zipper_at_exclusive_path("w/z")) == "read(1)@w");
  CHECK(outcome(head.read_zipper_at_path("w/z")) == "ok");
  CHECK(outcome(head.read_zipper_at_path("w")) == "ok");
  drop(w); // the moved-from writer goes
  CHECK(head.locks().lock_count() == 1u);
}

TEST_CASE("into_read_zipper keeps the writer's root value") {
  path_map<int> m;
  auto head = m.zipper_head();
  auto w = head.write_zipper_at_exclusive_path("v");
  REQUIRE(w.has_value());
  w->set_val(7);
  auto r = std::move(*w).into_read_zipper();
  CHECK(*r.val() == 7);
  CHECK(r.val_count() == 1u);
}

// -- copying tracked readers --------------------------------------------------------------------------

TEST_CASE("copying a tracked reader takes another reader lock") {
  path_map<int> m{{"r/a", 1}, {"r/b", 2}};
  auto head = m.zipper_head();
  auto r = head.read_zipper_at_path("r");
  REQUIRE(r.has_value());
  r->descend_to("/b");
  {
    read_zipper_tracked<int> copy = *r;
    CHECK(head.locks().readers_at("r") == 2u);
    CHECK(str(copy.path()) == "/b");
    CHECK(*copy.val() == 2);
    CHECK(outcome(head.write_zipper_at_exclusive_path("r")) == "read(2)@r");
    copy.reset();
    CHECK(str(r->path()) == "/b");
    read_zipper_tracked<int> assigned = *head.read_zipper_at_path("other");
    CHECK(head.locks().readers_at("other") == 1u);
    assigned = copy;
    CHECK(head.locks().readers_at("other") == 0u);
    CHECK(head.locks().readers_at("r") == 3u);
    auto tried = copy.try_clone();
    REQUIRE(tried.has_value());
    CHECK(head.locks().readers_at("r") == 4u);
    read_zipper_tracked<int> moved = std::move(*tried);
    CHECK(head.locks().readers_at("r") == 4u);
  }
  CHECK(head.locks().readers_at("r") == 1u);
  drop(r);
  CHECK(head.locks().empty());
  CHECK(outcome(head.write_zipper_at_exclusive_path("r")) == "ok");
}

TEST_CASE("moving tracked zippers moves their locks") {
  path_map<int> m;
  auto head = m.zipper_head();
  auto w = head.write_zipper_at_exclusive_path("w");
  auto r = head.read_zipper_at_path("r");
  REQUIRE((w && r));
  std::vector<write_zipper_tracked<int>> ws;
  ws.push_back(std::move(*w));
  std::vector<read_zipper_tracked<int>> rs;
  rs.push_back(std::move(*r));
  drop(w);
  drop(r);
  CHECK(head.locks().lock_count() == 2u);
  CHECK(head.locks().writer_at("w"));
  auto w2 = head.write_zipper_at_exclusive_path("v");
  REQUIRE(w2.has_value());
  ws[0] = std::move(*w2); // releases "w", takes over "v"
  CHECK_FALSE(head.locks().writer_at("w"));
  CHECK(head.locks().writer_at("v"));
  CHECK(head.locks().lock_count() == 2u);
  ws.clear();
  rs.clear();
  CHECK(head.locks().empty());
}

// -- unchecked variants -------------------------------------------------------------------------------

TEST_CASE("unchecked requests hand out working zippers") {
  path_map<int> m{{"in/a", 1}};
  {
    auto head = m.zipper_head();
    auto r = head.read_zipper_at_path_unchecked("in");
    auto r2 = head.read_zipper_at_borrowed_path_unchecked("in");
    auto w = head.write_zipper_at_exclusive_path_unchecked("out");
    CHECK(seen(r) == "/a=1");
    CHECK(seen(r2) == "/a=1");
    w.descend_to("/b");
    w.set_val(2);
#ifdef NDEBUG
    // Release builds track nothing.
    CHECK(head.locks().empty());
#else
    // Debug builds still register the locks (and abort on a conflict).
    CHECK(head.locks().readers_at("in") == 2u);
    CHECK(head.locks().writer_at("out"));
    CHECK(outcome(head.write_zipper_at_exclusive_path("in")) == "read(2)@in");
#endif
    auto copy = r;
    CHECK(seen(copy) == "/a=1");
    auto back = std::move(w).into_read_zipper();
    CHECK(seen(back) == "/b=2");
  }
  CHECK(dump(m) == "in/a=1|out/b=2");
}

// -- nested heads --------------------------------------------------------------------------------------

TEST_CASE("a head from a tracked writer hands out writers below its focus, then gives it back") {
  path_map<int> m{{"w/old", 1}, {"other", 2}};
  {
    auto head = m.zipper_head();
    auto w = head.write_zipper_at_exclusive_path("w");
    REQUIRE(w.has_value());
    w->descend_to("/sub");
    {
      auto inner = w->zipper_head();
      auto a = inner.write_zipper_at_exclusive_path("/a");
      auto b = inner.write_zipper_at_exclusive_path("/b");
      REQUIRE((a && b));
      CHECK(str(a->root_prefix_path()) == "/a");
      CHECK(outcome(inner.read_zipper_at_path("/a/x")) == "write@/a");
      CHECK(outcome(inner.write_zipper_at_exclusive_path("")) == "write@/a");
      a->set_val(10);
      b->descend_to("/deep");
      b->set_val(20);
      // The outer head's locks are independent of the inner head's.
      CHECK(outcome(head.write_zipper_at_exclusive_path("other")) == "ok");
      CHECK(outcome(head.read_zipper_at_path("w/sub")) == "write@w");
    }
    // The parent writer works again and sees what the inner writers wrote.
    CHECK(str(w->path()) == "/sub");
    CHECK(w->child_mask().test('/'));
    w->reset();
    CHECK(seen(*w) == "/old=1|/sub/a=10|/sub/b/deep=20");
    w->descend_to("/sub/c");
    w->set_val(30);
  }
  CHECK(dump(m) == "other=2|w/old=1|w/sub/a=10|w/sub/b/deep=20|w/sub/c=30");
}

TEST_CASE("a head from a writer at its root owns the writer's root value") {
  path_map<int> m{{"w", 1}, {"w/x", 2}};
  {
    auto head = m.zipper_head();
    auto w = head.write_zipper_at_exclusive_path("w");
    REQUIRE(w.has_value());
    {
      auto inner = w->zipper_head();
      auto all = inner.write_zipper_at_exclusive_path("");
      REQUIRE(all.has_value());
      CHECK(seen(*all) == "=1|/x=2");
      all->set_val(5);
    }
    CHECK(*w->val() == 5);
    CHECK(seen(*w) == "=5|/x=2");
  }
  CHECK(dump(m) == "w=5|w/x=2");
}

TEST_CASE("heads nest several levels deep and from a map's write zipper") {
  path_map<int> m;
  {
    auto wz = m.write_zipper();
    wz.descend_to("top");
    auto h1 = wz.zipper_head();
    auto w1 = h1.write_zipper_at_exclusive_path("/1");
    REQUIRE(w1.has_value());
    w1->descend_to("/mid");
    {
      auto h2 = w1->zipper_head();
      auto w2 = h2.write_zipper_at_exclusive_path("/2");
      REQUIRE(w2.has_value());
      {
        auto h3 = w2->zipper_head();
        auto w3 = h3.write_zipper_at_exclusive_path("/3");
        REQUIRE(w3.has_value());
        w3->set_val(3);
        auto r3 = h3.read_zipper_at_path("/3");
        CHECK(outcome(r3) == "write@/3");
      }
      w2->set_val(2);
      auto r2 = h2.read_zipper_at_path("");
      CHECK(outcome(r2) == "write@/2");
    }
    w1->reset();
    w1->set_val(1);
  }
  CHECK(dump(m) == "top/1=1|top/1/mid/2=2|top/1/mid/2/3=3");
}

TEST_CASE("a writer moved or destroyed while its nested head lives leaves nothing dangling") {
  path_map<int> m;
  std::optional<pathmap::zipper_head<int>> head;
  std::optional<pathmap::write_zipper<int>> moved;
  {
    auto wz = m.write_zipper();
    wz.descend_to("top");
    wz.set_val(1);
    head.emplace(wz.zipper_head());
    moved.emplace(std::move(wz));
  } // the zipper the head came from is gone; the head tells the moved one
  {
    auto w = head->write_zipper_at_exclusive_path("/x");
    REQUIRE(w.has_value());
    w->set_val(7);
  }
  head.reset();
  CHECK(moved->val_count() == 2u);
  moved->descend_to("/x");
  REQUIRE(moved->val() != nullptr);
  CHECK(*moved->val() == 7);
  moved.reset();
  CHECK(dump(m) == "top=1|top/x=7");

  // The other order: the writer dies first, then its head.
  {
    std::optional<pathmap::zipper_head<int>> h2;
    {
      auto wz = m.write_zipper();
      wz.descend_to("top");
      h2.emplace(wz.zipper_head());
    }
    auto w = h2->write_zipper_at_exclusive_path("/y");
    REQUIRE(w.has_value());
    w->set_val(8);
  }
  CHECK(dump(m) == "top=1|top/x=7|top/y=8");
}

TEST_CASE("a nested head at a focus inside a compressed key splits the key") {
  path_map<int> m{{"w/abcdef", 1}};
  {
    auto head = m.zipper_head();
    auto w = head.write_zipper_at_exclusive_path("w");
    REQUIRE(w.has_value());
    w->descend_to("/abc");
    {
      auto inner = w->zipper_head();
      {
        auto r = inner.read_zipper_at_path("");
        REQUIRE(r.has_value());
        CHECK(seen(*r) == "def=1");
      }
      auto x = inner.write_zipper_at_exclusive_path("x");
      REQUIRE(x.has_value());
      x->set_val(2);
    }
    CHECK(w->val_count() == 2u);
  }
  CHECK(dump(m) == "w/abcdef=1|w/abcx=2");
}

// -- lifetimes ------------------------------------------------------------------------------------------

TEST_CASE("the head's locks are released when its zippers go") {
  path_map<int> m{{"a", 1}};
  auto head = m.zipper_head();
  {
    auto r = head.read_zipper_at_path("a");
    auto w = head.write_zipper_at_exclusive_path("b");
    auto r2 = head.read_zipper_at_path("a");
    CHECK(head.locks().lock_count() == 3u);
  }
  CHECK(head.locks().empty());
}

TEST_CASE("readers and writers that outlive their head and map stay usable and free everything") {
  live_guard<counted> guard;
  std::optional<read_zipper_tracked<counted>> r;
  std::optional<write_zipper_tracked<counted>> w;
  std::optional<read_zipper_tracked<counted>> missing;
  {
    path_map<counted> m;
    m.set_val_at("in/a", counted{1});
    m.set_val_at("in/b", counted{2});
    m.set_val_at("out/x", counted{3});
    {
      auto head = m.zipper_head();
      auto rr = head.read_zipper_at_path("in");
      auto ww = head.write_zipper_at_exclusive_path("out");
      auto mm = head.read_zipper_at_path("nothing/here");
      REQUIRE((rr && ww && mm));
      r.emplace(std::move(*rr));
      w.emplace(std::move(*ww));
      missing.emplace(std::move(*mm));
    } // the head goes first (debug builds warn when the zippers go later)
    CHECK(m.val_count() == 3u);
  } // then the map
  CHECK(r->val_count() == 2u);
  REQUIRE(r->to_next_val());
  CHECK(r->val()->value == 1);
  CHECK(w->val_count() == 1u);
  w->descend_to("/y");
  w->set_val(counted{4});
  w->reset();
  CHECK(w->val_count() == 2u);
  CHECK_FALSE(missing->path_exists());
  auto copy = *r;
  CHECK(copy.val()->value == 1);
  w.reset();
  r.reset();
  missing.reset();
}

TEST_CASE("a writer at the empty path that outlives its head and map stays memory-safe") {
  live_guard<counted> guard;
  std::optional<write_zipper_tracked<counted>> w;
  {
    path_map<counted> m;
    for (int i = 0; i < 40; ++i)
      m.set_val_at("k/" + std::to_string(i), counted{i});
    {
      auto head = m.zipper_head();
      auto ww = head.write_zipper_at_exclusive_path("");
      REQUIRE(ww.has_value());
      ww->descend_to("k/1");
      CHECK(ww->val()->value == 1);
      w.emplace(std::move(*ww));
    }
    CHECK(m.val_count() == 40u);
    m.set_val_at("k/1", counted{100}); // changes the map behind the writer's back
  } // the map (and the nodes it took back from the head) is gone
  // The writer still reads and writes memory it owns (its writes reach no map).
  (void)w->path_exists();
  (void)w->child_count();
  w->set_val(counted{5});
  CHECK(w->val()->value == 5);
  w.reset();
}

TEST_CASE("the registry and nodes are freed when the last zipper goes after the head") {
  live_guard<counted> guard;
  std::optional<write_zipper_tracked<counted>> w;
  {
    path_map<counted> m;
    m.set_val_at("a/b", counted{1});
    auto head = m.zipper_head();
    auto ww = head.write_zipper_at_exclusive_path("a");
    REQUIRE(ww.has_value());
    w.emplace(std::move(*ww));
    // The head and the map go, the writer keeps its cell.
  }
  CHECK(w->val_count() == 1u);
  w.reset();
}

TEST_SUITE_END();
