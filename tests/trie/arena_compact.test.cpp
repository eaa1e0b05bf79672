// The ACT format (pathmap/arena_compact.hpp; PATHMAP-SPEC §5 "arena_compact"): the bytes of
// small trees against the format's description, round trips, the zipper against `read_zipper` on
// the same map, files, long paths, and malformed input.
#include "pathmap/arena_compact.hpp"

#include "test_support.hpp"

#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <vector>

using pathmap::arena_compact_tree;
using pathmap::errc;
using pathmap::path_map;
using pathmap::path_view;
using namespace pathmap_test;

namespace {

using byte_vec = std::vector<std::uint8_t>;

/// A file: the header pointing at `root`, then `arena` (which starts at offset 16).
byte_vec file_of(std::uint64_t root, const byte_vec& arena) {
  byte_vec f = {'A', 'C', 'T', 'r', 'e', 'e', '0', '3'};
  for (int i = 0; i < 8; ++i)
    f.push_back(std::uint8_t(root >> (8 * i)));
  f.insert(f.end(), arena.begin(), arena.end());
  return f;
}

arena_compact_tree open(byte_vec b) {
  auto t = arena_compact_tree::from_bytes(std::move(b));
  REQUIRE(t.has_value());
  return std::move(*t);
}

/// Every (path, value) of a tree, by its zipper, in order.
std::map<std::string, std::uint64_t> contents(const arena_compact_tree& t) {
  std::map<std::string, std::uint64_t> out;
  auto z = t.read_zipper();
  for (bool more = z.to_first_val(); more; more = z.to_next_val())
    out.emplace(std::string(z.path().as_string_view()), *z.val());
  return out;
}

std::map<std::string, std::uint64_t> contents(const path_map<std::uint64_t>& m) {
  std::map<std::string, std::uint64_t> out;
  for (auto&& [p, v] : m)
    out.emplace(std::string(path_view(p).as_string_view()), v);
  return out;
}

arena_compact_tree act_of(const path_map<std::uint64_t>& m) {
  return arena_compact_tree::from_zipper(m, [](std::uint64_t v) { return v; });
}

/// A map of `n` random paths over a small alphabet (so that they share prefixes and branch),
/// with values of every varint length, some dangling paths and maybe a root value.
path_map<std::uint64_t> random_map(std::mt19937_64& rng, std::size_t n, std::size_t alphabet) {
  path_map<std::uint64_t> m;
  for (std::size_t i = 0; i < n; ++i) {
    std::string p;
    for (std::size_t len = rng() % 9; len > 0; --len)
      p.push_back(char('a' + rng() % alphabet));
    if (rng() % 10 == 0)
      m.create_path(path_view(p));
    else
      m.set_val_at(path_view(p), rng() >> (rng() % 64));
  }
  return m;
}

} // namespace

TEST_CASE("act: the bytes of small trees follow the format") {
  path_map<std::uint64_t> m;
  m.set_val_at("a", 1);
  // The child: a branch with value 1 at 16; the root: a branch with one child byte 'a', its
  // first child 2 byte_vec back, at 18; then 8 byte_vec of padding.
  const auto t = act_of(m);
  CHECK(byte_vec(t.get_data().begin(), t.get_data().end())
        == file_of(18, {0x40, 1, 0x01, 2, 'a', 0, 0, 0, 0, 0, 0, 0, 0}));

  path_map<std::uint64_t> l;
  l.set_val_at("abc", 300);
  // Line data "bc" at 16, the line node (value 300 as a 3-byte varint) at 19, the root at 24.
  const auto u = act_of(l);
  CHECK(
    byte_vec(u.get_data().begin(), u.get_data().end())
    == file_of(24, {2, 'b', 'c', 0xc0, 249, 0x2c, 0x01, 3, 0x01, 5, 'a', 0, 0, 0, 0, 0, 0, 0, 0}));
}

TEST_CASE("act: hand-written files read as the format says") {
  SUBCASE("a line whose end is a branch: the value there is the line's, else the branch's") {
    // 16: line data "xy"; 19: branch (value 7, no children); 21: line "xy", child 2 back,
    // data 5 back, no value; 24: root with child byte 'a' -> 21.
    auto t = open(file_of(24, {2, 'x', 'y', 0x40, 7, 0x81, 2, 5, 0x01, 3, 'a'}));
    CHECK(t.get_val_at("axy") == 7u);
    CHECK(t.get_val_at("ax") == std::nullopt);
    CHECK(t.get_val_at("a") == std::nullopt);
    CHECK(contents(t) == std::map<std::string, std::uint64_t>{{"axy", 7}});
    auto z = t.read_zipper();
    z.descend_to("axy");
    CHECK(z.path_exists());
    CHECK(z.is_val());
    CHECK(z.child_count() == 0);
  }
  SUBCASE("line to line, values on both, one line data shared") {
    // 16: line data "pq"; 19: line "pq" value 9 (leaf); 22: line "pq" value 8, child 19;
    // 26: root with child byte 'z' -> 22.
    auto t = open(file_of(26, {2, 'p', 'q', 0xc0, 9, 3, 0xc1, 8, 3, 6, 0x01, 4, 'z'}));
    CHECK(contents(t) == std::map<std::string, std::uint64_t>{{"zpq", 8}, {"zpqpq", 9}});
    auto z = t.read_zipper();
    z.descend_to("zpq");
    CHECK(*z.val() == 8);
    CHECK(z.child_mask().test('p'));
    CHECK(z.descend_until());
    CHECK(z.path() == path_view("zpqpq"));
    CHECK(z.ascend_until());
    CHECK(z.path() == path_view("zpq"));
  }
  SUBCASE("a branch of 40 children lists them in a mask") {
    byte_vec arena;
    for (int i = 0; i < 40; ++i) { // leaves with values 0..39
      arena.push_back(0x40);
      arena.push_back(std::uint8_t(i));
    }
    const std::uint64_t root = 16 + arena.size();
    arena.push_back(0x40 | 32);
    arena.push_back(42); // root value
    arena.push_back(std::uint8_t(root - 16));
    std::uint64_t w[4] = {};
    for (int i = 0; i < 40; ++i)
      w[(100 + i) / 64] |= std::uint64_t{1} << ((100 + i) % 64);
    for (auto x : w)
      for (int i = 0; i < 8; ++i)
        arena.push_back(std::uint8_t(x >> (8 * i)));
    auto t = open(file_of(root, arena));
    CHECK(t.get_val_at("") == 42u);
    for (int i = 0; i < 40; ++i)
      CHECK(t.get_val_at(path_view{std::uint8_t(100 + i)}) == std::uint64_t(i));
    CHECK(t.get_val_at(path_view{std::uint8_t(99)}) == std::nullopt);
    auto z = t.read_zipper();
    CHECK(z.child_count() == 40);
    CHECK(z.val_count() == 41);
  }
}

TEST_CASE("act: random maps round-trip and the zipper moves as read_zipper does") {
  std::mt19937_64 rng(0xac7);
  const std::size_t rounds = scaled(60, 6);
  for (std::size_t r = 0; r < rounds; ++r) {
    CAPTURE(r);
    auto m = random_map(rng, 1 + rng() % 300, 2 + rng() % 40);
    const auto t = act_of(m);
    auto reread
      = arena_compact_tree::from_bytes(byte_vec(t.get_data().begin(), t.get_data().end()));
    REQUIRE(reread.has_value());
    CHECK(contents(*reread) == contents(m));
    const auto back = t.to_map<std::uint64_t>([](std::uint64_t v) { return v; });
    CHECK(contents(back) == contents(m));
    { // the same paths too, dangling ones included
      auto zb = back.read_zipper();
      auto zm = m.read_zipper();
      CHECK(step_paths(zb) == step_paths(zm));
    }
    for (auto&& [p, v] : m) {
      CHECK(t.get_val_at(path_view(p)) == v);
      // Prefixes and extensions, present or missing, agree with the map.
      std::string q(p.as_string_view());
      q.resize(rng() % (q.size() + 1));
      if (rng() % 2)
        q.push_back(char('a' + rng() % 8));
      CAPTURE(q);
      const std::uint64_t* want = m.get_val_at(q);
      CHECK(t.get_val_at(path_view(q))
            == (want ? std::optional<std::uint64_t>(*want) : std::nullopt));
    }

    auto a = t.read_zipper();
    auto b = m.read_zipper();
    for (int step = 0; step < 400; ++step) {
      CAPTURE(step);
      const std::uint8_t byte = std::uint8_t('a' + rng() % 6);
      const int op = int(rng() % 17);
      CAPTURE(op);
      const std::string before(a.path().as_string_view());
      CAPTURE(before);
      switch (op) {
        case 0:
          a.descend_to(path_view{byte});
          b.descend_to(path_view{byte});
          break;
        case 1:
          CHECK(a.descend_to_existing(path_view{byte, byte})
                == b.descend_to_existing(path_view{byte, byte}));
          break;
        case 2: {
          std::size_t i = rng() % 3;
          CHECK(a.descend_indexed_byte(i) == b.descend_indexed_byte(i));
          break;
        }
        case 3: {
          std::size_t n = rng() % 4;
          CHECK(a.ascend(n) == b.ascend(n));
          break;
        }
        case 4:
          CHECK(a.ascend_until() == b.ascend_until());
          break;
        case 5:
          CHECK(a.descend_until() == b.descend_until());
          break;
        case 6:
          CHECK(a.to_next_sibling_byte() == b.to_next_sibling_byte());
          break;
        case 7:
          CHECK(a.to_prev_sibling_byte() == b.to_prev_sibling_byte());
          break;
        case 8:
          CHECK(a.to_next_step() == b.to_next_step());
          break;
        case 9:
          CHECK(a.to_next_val() == b.to_next_val());
          break;
        case 10: {
          std::size_t k = rng() % 4;
          CHECK(a.descend_first_k_path(k) == b.descend_first_k_path(k));
          break;
        }
        case 11: {
          std::size_t k = rng() % 3;
          CHECK(a.to_next_k_path(k) == b.to_next_k_path(k));
          break;
        }
        case 12:
          CHECK(a.val_count() == b.val_count());
          break;
        case 13:
          CHECK(a.ascend_until_branch() == b.ascend_until_branch());
          break;
        case 14:
          CHECK(a.descend_to_val(path_view{byte, byte, byte})
                == b.descend_to_val(path_view{byte, byte, byte}));
          break;
        case 15: {
          std::size_t n = rng() % 3;
          CHECK(a.descend_until_max_bytes(n) == b.descend_until_max_bytes(n));
          break;
        }
        default:
          a.reset();
          b.reset();
          break;
      }
      REQUIRE(a.path().as_string_view() == b.path().as_string_view());
      CHECK(a.path_exists() == b.path_exists());
      CHECK(a.child_mask() == b.child_mask());
      CHECK(a.is_val() == b.is_val());
      if (a.is_val() && b.is_val())
        CHECK(*a.val() == *b.val());
    }
  }
}

TEST_CASE("act: a zipper's focus becomes the root, its value the root value") {
  path_map<std::uint64_t> m;
  for (auto [k, v] : {std::pair{"book", 1}, {"books", 2}, {"bookshelf", 3}, {"boot", 4}})
    m.set_val_at(k, std::uint64_t(v));
  auto z = m.read_zipper_at_path("book");
  const auto t = arena_compact_tree::from_zipper(z, [](std::uint64_t v) { return v * 10; });
  CHECK(contents(t) == std::map<std::string, std::uint64_t>{{"", 10}, {"s", 20}, {"shelf", 30}});
  auto at = t.read_zipper_at_path("s");
  CHECK(at.at_root());
  CHECK(*at.val() == 20);
  CHECK(at.root_prefix_path() == path_view("s"));
  CHECK(at.to_next_val());
  CHECK(at.path() == path_view("helf"));
  CHECK(at.origin_path() == path_view("shelf"));
  CHECK_FALSE(at.to_next_val());
  CHECK(at.at_root());
  CHECK_FALSE(at.ascend(1)); // cannot leave its root
  auto sub = t.read_zipper();
  sub.descend_to("s");
  CHECK(contents(sub.make_map<std::uint64_t>([](std::uint64_t v) { return v + 1; }))
        == std::map<std::string, std::uint64_t>{{"", 21}, {"helf", 31}});
}

TEST_CASE("act: wide branches are found through the index, written or opened") {
  // Three levels of 256, 40 and 33 children (masks), with values at every level and lines below.
  path_map<std::uint64_t> m;
  std::uint64_t n = 0;
  for (int a = 0; a < 256; ++a) {
    const std::string pa(1, char(a));
    m.set_val_at(pa, ++n);
    if (a % 37 != 0)
      continue;
    for (int b = 0; b < 40; ++b) {
      const std::string pb = pa + char(b * 5);
      m.set_val_at(pb + "tail", ++n);
      if (b == 7)
        for (int c = 0; c < 33; ++c)
          m.set_val_at(pb + char(200 + c), ++n);
    }
  }
  const auto t = act_of(m);
  auto reread = arena_compact_tree::from_bytes(byte_vec(t.get_data().begin(), t.get_data().end()));
  REQUIRE(reread.has_value());
  for (const arena_compact_tree* tree : {&t, static_cast<const arena_compact_tree*>(&*reread)}) {
    for (auto&& [p, v] : m) {
      CHECK(tree->get_val_at(p) == v);
      auto z = tree->read_zipper();
      z.descend_to(p);
      CHECK(z.get_val() == v);
    }
    CHECK(tree->get_val_at(std::string(1, char(37)) + char(36)) == std::nullopt); // b * 5 only
    CHECK(tree->get_val_at(std::string(1, char(37)) + char(35) + "tai") == std::nullopt);
    CHECK(contents(*tree) == contents(m));
  }
}

TEST_CASE("act: dangling paths and an empty map") {
  path_map<std::uint64_t> m;
  const auto empty = act_of(m);
  CHECK(empty.get_val_at("") == std::nullopt);
  CHECK(empty.read_zipper().child_count() == 0);
  CHECK(arena_compact_tree::from_bytes(byte_vec(empty.get_data().begin(), empty.get_data().end()))
          .has_value());
  m.create_path("dangling");
  m.set_val_at("dan", 1);
  const auto t = act_of(m);
  auto z = t.read_zipper();
  CHECK(z.descend_to_check("dangling"));
  CHECK_FALSE(z.is_val());
  CHECK(z.child_count() == 0);
  z.reset();
  CHECK_FALSE(z.descend_to_check("danglingx"));

  // to_map and make_map keep them, also beside a valued sibling below a value.
  m.create_path("ab");
  m.set_val_at("a", 2);
  m.set_val_at("an", 3);
  const auto t2 = act_of(m);
  const auto identity = [](std::uint64_t v) { return v; };
  const auto back = t2.to_map<std::uint64_t>(identity);
  auto zb = back.read_zipper();
  auto zm = m.read_zipper();
  CHECK(step_paths(zb) == step_paths(zm));
  const auto sub = t2.read_zipper_at_path("a").make_map<std::uint64_t>(identity);
  CHECK(sub.path_exists_at("b"));
  CHECK(sub.get_val_at("b") == nullptr);
  CHECK(*sub.get_val_at("") == 2);
  CHECK(*sub.get_val_at("n") == 3);
  CHECK(sub.val_count() == 2);
}

TEST_CASE("act: megabyte paths, without recursion") {
  path_map<std::uint64_t> m;
  std::string p(1 << 20, 'x');
  for (std::size_t i = 0; i < p.size(); i += 4099)
    p[i] = char('a' + i % 26);
  m.set_val_at(path_view(p), 7);
  m.set_val_at(path_view(p.substr(0, p.size() / 2)), 8);
  const auto t = act_of(m);
  CHECK(t.get_val_at(path_view(p)) == 7u);
  CHECK(t.get_val_at(path_view(p.substr(0, p.size() / 2))) == 8u);
  CHECK(t.get_val_at(path_view(p.substr(0, p.size() - 1))) == std::nullopt);
  auto z = t.read_zipper();
  CHECK(z.to_next_val());
  CHECK(z.path().size() == p.size() / 2);
  CHECK(z.to_next_val());
  CHECK(z.path() == path_view(p));
  CHECK(z.val_count() == 1);
}

TEST_CASE("act: files: dump_from_zipper, open_mmap, and what cannot be opened") {
  path_map<std::uint64_t> m;
  for (int i = 0; i < 1000; ++i)
    m.set_val_at(path_view("key" + std::to_string(i * 7919)), std::uint64_t(i) << 20);
  const std::string file = "pathmap_act_test.act";
  REQUIRE(arena_compact_tree::dump_from_zipper(
    m, [](std::uint64_t v) { return v; }, file));
  auto t = arena_compact_tree::open_mmap(file);
  REQUIRE(t.has_value());
  CHECK(contents(*t) == contents(m));
  auto z = t->read_zipper();
  t = arena_compact_tree::open_mmap("/nonexistent/pathmap.act"); // the zipper keeps the mapping
  CHECK(z.to_next_val());
  CHECK(!t.has_value());
  CHECK(t.error() == errc::io_error);
  CHECK(arena_compact_tree::open_mmap(".").error() == errc::io_error); // a directory
  std::ofstream(file, std::ios::trunc | std::ios::binary) << "ACTree";
  CHECK(arena_compact_tree::open_mmap(file).error() == errc::truncated);
  std::ofstream(file, std::ios::trunc | std::ios::binary);
  CHECK(arena_compact_tree::open_mmap(file).error() == errc::truncated);
  std::remove(file.c_str());
}

TEST_CASE("act: malformed input is refused, never read out of bounds or looped on") {
  SUBCASE("headers") {
    CHECK(arena_compact_tree::from_bytes({}).error() == errc::truncated);
    CHECK(arena_compact_tree::from_bytes({'P', 'M', 'A', 'P'}).error() == errc::bad_magic);
    auto old = file_of(16, {0x00});
    old[7] = '2';
    CHECK(arena_compact_tree::from_bytes(old).error() == errc::unsupported_version);
    CHECK(arena_compact_tree::from_bytes(file_of(17, {0x00})).error() == errc::bad_node);
    CHECK(arena_compact_tree::from_bytes(file_of(3, {0x00})).error() == errc::bad_node);
    CHECK(arena_compact_tree::from_bytes(file_of(16, {0x00})).has_value());
  }
  SUBCASE("nodes") {
    auto bad = [](std::uint64_t root, byte_vec arena) {
      auto r = arena_compact_tree::from_bytes(file_of(root, std::move(arena)));
      REQUIRE_FALSE(r.has_value());
      return r.error();
    };
    CHECK(bad(16, {0x21}) == errc::bad_node);                          // 33 children
    CHECK(bad(16, {0x81, 0, 0}) == errc::bad_node);                    // offsets of 0: itself
    CHECK(bad(16, {0x82, 1}) == errc::bad_node);                       // unknown line bits
    CHECK(bad(16, {0x40, 250}) == errc::truncated);                    // a varint cut off
    CHECK(bad(18, {0x00, 0x00, 0x02, 2, 'b', 'a'}) == errc::bad_node); // bytes out of order
    CHECK(bad(16, {0x01, 5, 'a'}) == errc::bad_node);         // first child before the arena
    CHECK(bad(17, {0, 0x80, 1}) == errc::bad_node);           // line data of length 0
    CHECK(bad(19, {3, 'a', 'b', 0x80, 3}) == errc::bad_node); // line data runs into the node
    // A branch at 17 whose two children start at 16: the second would be the branch itself.
    CHECK(bad(17, {0x00, 0x02, 1, 'a', 'b'}) == errc::bad_node);
    CHECK(arena_compact_tree::from_bytes(file_of(18, {0x00, 0x00, 0x02, 2, 'a', 'b'})));
  }
  SUBCASE("every truncation and many corruptions of a real file") {
    std::mt19937_64 rng(0xbad);
    auto m = random_map(rng, 200, 12);
    const auto t = act_of(m);
    const byte_vec good(t.get_data().begin(), t.get_data().end());
    auto walk = [](const arena_compact_tree& x) {
      // Whatever opens must be walkable to the end (and the walk must end).
      auto z = x.read_zipper();
      std::size_t steps = 0;
      while (z.to_next_step())
        REQUIRE(++steps < 100000);
      return steps;
    };
    for (std::size_t n = 0; n < good.size(); ++n) {
      auto r = arena_compact_tree::from_bytes(byte_vec(good.begin(), good.begin() + n));
      if (r)
        walk(*r);
    }
    for (int i = 0; i < int(scaled(3000, 300)); ++i) {
      byte_vec b = good;
      for (int flips = 1 + int(rng() % 3); flips > 0; --flips)
        b[16 + rng() % (b.size() - 16)] ^= std::uint8_t(1u << (rng() % 8));
      if (auto r = arena_compact_tree::from_bytes(b)) {
        walk(*r);
        r->get_val_at("abc");
      }
    }
  }
}
