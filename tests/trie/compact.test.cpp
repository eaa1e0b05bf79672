// path_map::compact(): subtries rewritten into read-only packed arenas. The content of a map
// never changes when it is compacted, copies keep their contents (copy-on-write), every reader
// and writer sees the same map as before, values are copied, aligned, and released exactly once,
// and a copy that throws leaves the map as it was.
//
// Most tests compare a compacted map with an uncompacted twin or with a model (std::map of the
// values plus std::set of every existing path: model.hpp, shared with differential.test.cpp):
// any difference in content, iteration order, path structure or the answers of a zipper is a
// failure.
//
// The random differential test prints the seed and the last operations of a failing episode.
#include "pathmap/path_map.hpp"

#include "pathmap/algebra.hpp"
#include "pathmap/serialization.hpp"
#include "pathmap/zipper_head.hpp"
#include "compact_episode.hpp"
#include "model.hpp"
#include "test_support.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

using pathmap::byte_mask;
using pathmap::path_map;
using pathmap::path_view;
using namespace pathmap_test;
using namespace pathmap_test::compaction;

namespace {

/// Empty when `m` holds exactly what `md` holds (with point lookups of every value).
std::string compare(const map_t& m, const model& md) {
  return compare_with_model(m, md, /*point_lookups=*/true);
}

/// The i-th key of a family of unique word-like keys: base-20 digits written as 2-byte tokens,
/// and an odd-length "s" variant for every third (so no two keys collide).
std::string token_key(std::size_t i) {
  static const char* tok[20] = {"ab", "an", "ba", "ca", "da", "de", "er", "in", "is", "la",
                                "le", "ma", "ne", "on", "or", "ra", "re", "st", "ta", "ti"};
  std::string k;
  std::size_t x = i;
  do {
    k.insert(0, tok[x % 20]);
    x /= 20;
  } while (x != 0);
  if (i % 3 == 0)
    k += "s";
  return k;
}

u64 token_val(std::size_t i) {
  return static_cast<u64>(i) * 0x9E3779B97F4A7C15ull + 1;
}

std::string mask_str(byte_mask m) {
  std::string s;
  for (int b = m.first(); b >= 0; b = b == 255 ? -1 : m.next_at_or_after(b + 1))
    s += std::to_string(b) + ",";
  return s;
}

// -- whole-map shapes -----------------------------------------------------------------------------

std::string vstr(const u64& v) {
  return std::to_string(v);
}

/// Every position of `m` in order: the root value, then every existing path with its value (or
/// none) as `to_next_step` visits it, then the counts; and a line saying so if the iterator or
/// for_each_value disagree with to_next_step. Two maps with the same content have the same shape.
/// Lines are raw bytes ("V" path NUL value, or "P" path); diff() renders them readably.
template <class V, class F>
std::vector<std::string> shape(const path_map<V>& m, F&& vs) {
  std::vector<std::string> out, valued;
  auto line = [&](path_view p, const V* v) {
    std::string s(v ? "V" : "P");
    s += p.as_string_view();
    if (v) {
      s.push_back('\0');
      s += vs(*v);
    }
    return s;
  };
  const V* rv = m.get_val_at({});
  out.push_back(line({}, rv));
  if (rv)
    valued.push_back(out.back());
  {
    auto z = m.read_zipper();
    while (z.to_next_step()) {
      out.push_back(line(z.path(), z.val()));
      if (z.val())
        valued.push_back(out.back());
    }
  }
  std::size_t i = 0;
  bool iter_ok = true, each_ok = true;
  for (auto&& [p, v] : m) {
    if (i >= valued.size() || valued[i] != line(p, &v))
      iter_ok = false;
    ++i;
  }
  iter_ok = iter_ok && i == valued.size();
  i = 0;
  m.for_each_value([&](path_view p, const V& v) {
    if (i >= valued.size() || valued[i] != line(p, &v))
      each_ok = false;
    ++i;
  });
  each_ok = each_ok && i == valued.size();
  if (!iter_ok)
    out.push_back("!range-for differs from to_next_step");
  if (!each_ok)
    out.push_back("!for_each_value differs from to_next_step");
  out.push_back("#val_count=" + std::to_string(m.val_count()));
  out.push_back(std::string("#is_empty=") + (m.is_empty() ? "1" : "0"));
  return out;
}

std::vector<std::string> shape(const map_t& m) {
  return shape(m, [](const u64& v) { return vstr(v); });
}

/// Empty when equal; otherwise where the two shapes first differ.
std::string diff(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  std::size_t i = 0;
  while (i < a.size() && i < b.size() && a[i] == b[i])
    ++i;
  if (i == a.size() && i == b.size())
    return {};
  std::ostringstream o;
  o << "line " << i << ": " << (i < a.size() ? show(a[i]) : "<end>") << " vs "
    << (i < b.size() ? show(b[i]) : "<end>") << " (sizes " << a.size() << ", " << b.size()
    << ")";
  return o.str();
}

std::string diff(const map_t& a, const map_t& b) {
  return diff(shape(a), shape(b));
}

// -- fixtures -------------------------------------------------------------------------------------

/// A map with word-like keys, long keys (> 64 and > 256 bytes), binary keys, a root value and
/// some dangling paths; the same content in `md`.
map_t words_map(std::size_t n, std::uint64_t seed, model* md = nullptr) {
  std::mt19937_64 rng(seed);
  map_t m;
  model local;
  model& mo = md ? *md : local;
  for (std::size_t i = 0; i < n; ++i) {
    std::string k = random_word(rng);
    if (i % 7 == 0)
      k += "/" + random_word(rng);
    if (i % 53 == 0)
      k = long_key(rng, 65 + rng() % 40);
    if (i % 97 == 0)
      k = long_key(rng, 257 + rng() % 100);
    if (i % 31 == 0)
      k = bytes({0, int(rng() % 256), 0xff}) + random_word(rng);
    u64 v = rng();
    m.set_val_at(k, v);
    mo.set(k, v);
  }
  m.set_val_at({}, 4242);
  mo.set({}, 4242);
  for (int i = 0; i < 5; ++i) {
    std::string k = "dangling/" + random_word(rng);
    m.create_path(k);
    mo.create_path(k);
  }
  return m;
}

map_t compacted(map_t m) {
  m.compact();
  return m;
}

// -- zipper comparison ----------------------------------------------------------------------------

template <class Z>
std::string zstate(const Z& z, bool counts) {
  std::ostringstream o;
  o << "path=" << show(z.path()) << " exists=" << z.path_exists() << " val=";
  if (const u64* v = z.val())
    o << *v;
  else
    o << "-";
  o << " mask=" << mask_str(z.child_mask()) << " cc=" << z.child_count()
    << " at_root=" << z.at_root();
  if (counts)
    o << " vc=" << z.val_count();
  return o.str();
}

/// Move `r` (7 to 12) of walk_pair: the moves it makes only from an existing focus.
template <class Z>
bool move_from_existing(Z& z, std::size_t r) {
  switch (r) {
    case 7:
      return z.to_next_sibling_byte();
    case 8:
      return z.to_prev_sibling_byte();
    case 9:
      return z.ascend_until();
    case 10:
      return z.ascend_until_branch();
    case 11:
      return z.to_next_step();
    default:
      return z.to_next_val();
  }
}

/// Applies the same random moves to two zippers over equal maps and compares what they answer.
/// Returns an empty string or the first difference.
template <class ZA, class ZB>
std::string walk_pair(ZA& a, ZB& b, std::mt19937_64& rng, std::size_t steps,
                      const std::vector<std::string>& ks) {
  auto below = [&](std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(rng() % n); };
  std::ostringstream log;
  for (std::size_t i = 0; i < steps; ++i) {
    bool exists = a.path_exists();
    std::size_t r = below(22);
    std::string ra, rb; // returned values, as text
    auto ret = [&](auto x, auto y) {
      ra = std::to_string(x);
      rb = std::to_string(y);
    };
    log << r << " ";
    switch (r) {
      case 0: {
        std::string k = random_word(rng).substr(0, 1 + below(3));
        a.descend_to(k);
        b.descend_to(k);
        break;
      }
      case 1: {
        std::size_t n = below(4);
        ret(a.ascend(n), b.ascend(n));
        break;
      }
      case 2: {
        const std::string& k = ks[below(ks.size())];
        std::string rel = starts_with(k, str(a.path())) ? k.substr(a.path().size()) : k;
        ret(a.descend_to_existing(rel), b.descend_to_existing(rel));
        break;
      }
      case 3:
        ret(a.descend_first_byte(), b.descend_first_byte());
        break;
      case 4:
        ret(a.descend_last_byte(), b.descend_last_byte());
        break;
      case 5: {
        std::size_t idx = below(a.child_count() + 2);
        ret(a.descend_indexed_byte(idx), b.descend_indexed_byte(idx));
        break;
      }
      case 6:
        ret(a.descend_until(), b.descend_until());
        break;
      case 7:
      case 8:
      case 9:
      case 10:
      case 11:
      case 12:
        if (exists)
          ret(move_from_existing(a, r), move_from_existing(b, r));
        break;
      case 13:
        a.reset();
        b.reset();
        break;
      case 14: {
        const std::string& k = ks[below(ks.size())];
        std::string target = k.substr(0, below(k.size() + 1));
        ret(a.move_to_path(target), b.move_to_path(target));
        break;
      }
      case 15: {
        std::size_t k = 1 + below(3);
        bool x = a.descend_first_k_path(k), y = b.descend_first_k_path(k);
        ret(x, y);
        std::size_t n = 0;
        while (x && y && n++ < 6) {
          x = a.to_next_k_path(k);
          y = b.to_next_k_path(k);
          if (x != y || zstate(a, false) != zstate(b, false))
            return "k-path " + std::to_string(k) + " after " + log.str() + ": "
                   + zstate(a, false) + " vs " + zstate(b, false);
        }
        ret(x, y);
        break;
      }
      case 16: {
        const std::string& k = ks[below(ks.size())];
        std::string rel = starts_with(k, str(a.path())) ? k.substr(a.path().size()) : k;
        ret(a.descend_to_val(rel), b.descend_to_val(rel));
        break;
      }
      case 17:
        ret(a.to_first_val(), b.to_first_val());
        break;
      case 18: {
        auto byte = static_cast<std::uint8_t>(random_word(rng)[0]);
        ret(a.descend_to_existing_byte(byte), b.descend_to_existing_byte(byte));
        break;
      }
      case 19:
        ret(a.descend_last_path(), b.descend_last_path());
        break;
      case 20: {
        std::size_t n = 1 + below(4);
        ret(a.descend_until_max_bytes(n), b.descend_until_max_bytes(n));
        break;
      }
      default: {
        // forks see the same subtrie
        auto fa = a.fork_read_zipper();
        auto fb = b.fork_read_zipper();
        std::size_t n = 0;
        while (n++ < 50) {
          bool x = fa.to_next_val(), y = fb.to_next_val();
          if (x != y || zstate(fa, false) != zstate(fb, false))
            return "fork after " + log.str() + ": " + zstate(fa, false) + " vs "
                   + zstate(fb, false);
          if (!x)
            break;
        }
        break;
      }
    }
    if (ra != rb)
      return "move " + std::to_string(r) + " returned " + ra + " vs " + rb + " after " + log.str();
    bool counts = below(5) == 0;
    std::string sa = zstate(a, counts), sb = zstate(b, counts);
    if (sa != sb)
      return "after " + log.str() + ": " + sa + " vs " + sb;
  }
  return {};
}

// -- value types ----------------------------------------------------------------------------------

struct alignas(16) aligned16 {
  std::uint64_t a = 0, b = ~std::uint64_t{0};
  friend bool operator==(const aligned16&, const aligned16&) = default;
};

struct tiny {
  std::uint8_t x = 0;
  friend bool operator==(const tiny&, const tiny&) = default;
};

struct odd12 { // 12 bytes, alignment 4
  std::uint32_t a = 0, b = 0, c = 0;
  friend bool operator==(const odd12&, const odd12&) = default;
};

/// make(i) / id(v) for the value types of the typed tests.
template <class V>
struct vt {
  static V make(int i) { return values<V>::make(i); }
  static int id(const V& v) { return values<V>::id(v); }
};
template <>
struct vt<aligned16> {
  static aligned16 make(int i) {
    auto x = static_cast<std::uint64_t>(i);
    return {x, ~x};
  }
  static int id(const aligned16& v) { return v.b == ~v.a ? static_cast<int>(v.a) : -1000000; }
};
template <>
struct vt<std::uint16_t> {
  static std::uint16_t make(int i) { return static_cast<std::uint16_t>(i * 7); }
  static int id(const std::uint16_t& v) { return v; }
};
template <>
struct vt<std::uint32_t> {
  static std::uint32_t make(int i) { return static_cast<std::uint32_t>(i) * 2654435761u; }
  static int id(const std::uint32_t& v) { return static_cast<int>(v * 244002641u); }
};
template <>
struct vt<tiny> {
  static tiny make(int i) { return {static_cast<std::uint8_t>(i)}; }
  static int id(const tiny& v) { return v.x; }
};
template <>
struct vt<odd12> {
  static odd12 make(int i) {
    auto x = static_cast<std::uint32_t>(i);
    return {x, x * 3, x ^ 0x5a5a5a5au};
  }
  static int id(const odd12& v) {
    return v.b == v.a * 3 && v.c == (v.a ^ 0x5a5a5a5au) ? static_cast<int>(v.a) : -1000000;
  }
};

template <class V>
std::vector<std::string> vshape(const path_map<V>& m) {
  return shape(m, [](const V& v) { return std::to_string(vt<V>::id(v)); });
}

/// Checks every value pointer the map hands out is aligned for V. Returns the count checked.
template <class V>
std::size_t check_alignment(const path_map<V>& m, const std::vector<std::string>& ks) {
  std::size_t n = 0, bad = 0;
  auto check = [&](const V* p) {
    ++n;
    if (reinterpret_cast<std::uintptr_t>(p) % alignof(V) != 0)
      ++bad;
  };
  for (const auto& k : ks)
    if (const V* p = m.get_val_at(k))
      check(p);
  auto z = m.read_zipper();
  while (z.to_next_val())
    check(z.val());
  for (auto&& [p, v] : m)
    check(&v);
  CHECK(bad == 0u);
  return n;
}

} // namespace

TEST_SUITE_BEGIN("compact");

// == 1. random differential =======================================================================

TEST_CASE("compact: random operations interleaved with compact() agree with the model") {
  std::size_t ops = 0;
  ops += run_episodes("words", key_mix::words, 31000, 3, 4500);
  ops += run_episodes("mixed", key_mix::mixed, 32000, 3, 4500);
  ops += run_episodes("dense", key_mix::dense, 33000, 3, 4500);
  MESSAGE("compact differential: " << ops << " operations");
}

// == 2. copy-on-write =============================================================================

TEST_CASE("compact: content is unchanged and a second compact() changes nothing either") {
  model md;
  map_t m = words_map(3000, 1, &md);
  auto before = shape(m);
  m.compact();
  CHECK(compare(m, md) == "");
  CHECK(diff(shape(m), before) == "");
  m.compact();
  CHECK(compare(m, md) == "");
  map_t c = m; // O(1) copy of a compacted map
  CHECK(c.root_node() == m.root_node());
  c.compact();
  CHECK(compare(c, md) == "");
  CHECK(compare(m, md) == "");
}

TEST_CASE("compact: compacting one copy leaves the other and writes to either stay private") {
  model md;
  map_t a = words_map(2500, 2, &md);
  map_t b = a;
  a.compact();
  CHECK(compare(a, md) == "");
  CHECK(compare(b, md) == "");

  // write to the compacted one
  model ma = md;
  std::mt19937_64 rng(22);
  for (int i = 0; i < 400; ++i) {
    auto it = ma.vals.lower_bound(random_word(rng));
    if (it == ma.vals.end())
      continue;
    std::string k = it->first;
    switch (i % 4) {
      case 0:
        CHECK(a.set_val_at(k, 7) == ma.set(k, 7));
        break;
      case 1:
        CHECK(a.remove_val_at(k, true) == ma.remove_val(k, true));
        break;
      case 2: {
        std::string n = k + "+new";
        CHECK(a.set_val_at(n, 8) == ma.set(n, 8));
        break;
      }
      default: {
        std::string p = k.substr(0, 3);
        bool prune = !ma.is_dangling_tip(p);
        CHECK(a.remove_branches_at(p, prune) == ma.remove_branches(p, prune));
        break;
      }
    }
  }
  CHECK(compare(a, ma) == "");
  CHECK(compare(b, md) == "");

  // write to the uncompacted one
  model mb = md;
  for (int i = 0; i < 300; ++i) {
    std::string k = random_word(rng);
    if (i % 2 == 0)
      CHECK(b.set_val_at(k, 100 + i) == mb.set(k, 100 + i));
    else
      CHECK(b.remove_val_at(k, false) == mb.remove_val(k, false));
  }
  CHECK(compare(b, mb) == "");
  CHECK(compare(a, ma) == "");
  a.compact();
  b.compact();
  CHECK(compare(a, ma) == "");
  CHECK(compare(b, mb) == "");
}

TEST_CASE("compact: a copy of a compacted map is independent of it both ways") {
  model md;
  map_t m = words_map(2000, 3, &md);
  m.compact();
  map_t c = m;
  model mc = md;
  std::mt19937_64 rng(33);
  for (int i = 0; i < 300; ++i) {
    std::string k = random_word(rng);
    CHECK(c.set_val_at(k, 9000 + i) == mc.set(k, 9000 + i));
    auto it = mc.vals.lower_bound(random_word(rng));
    if (it != mc.vals.end()) {
      std::string r = it->first;
      CHECK(c.remove_val_at(r, i % 2 == 0) == mc.remove_val(r, i % 2 == 0));
    }
    if (u64* v = c.get_val_mut_at(k)) {
      *v += 1;
      mc.vals[k] += 1;
    }
  }
  CHECK(compare(c, mc) == "");
  CHECK(compare(m, md) == "");
  // and now the original, while the copy is compacted too
  c.compact();
  model mm = md;
  for (int i = 0; i < 200; ++i) {
    std::string k = random_word(rng);
    CHECK(m.set_val_at(k, 5000 + i) == mm.set(k, 5000 + i));
    CHECK(m.create_path(k + "/d") == mm.create_path(k + "/d"));
    if (i % 3 == 0)
      CHECK(m.prune_path(k + "/d") == mm.prune(k + "/d"));
  }
  CHECK(compare(m, mm) == "");
  CHECK(compare(c, mc) == "");
  // a copy dropped before the original, and the original dropped before a copy
  {
    map_t d = m;
    d.compact();
    d.set_val_at("zzz", 1);
  }
  CHECK(compare(m, mm) == "");
  {
    map_t e = c;
    c = map_t{};
    CHECK(compare(e, mc) == "");
    e.remove_branches_at({}, false);
    CHECK(e.is_empty() == (e.get_val_at({}) == nullptr));
  }
}

TEST_CASE("compact: empty maps and maps with only a root value or one key or a dangling path") {
  SUBCASE("empty") {
    map_t m;
    m.compact();
    CHECK(m.is_empty());
    CHECK(m.val_count() == 0u);
    CHECK(m.begin() == m.end());
    m.compact();
    CHECK(m.is_empty());
    m.set_val_at("a", 1);
    CHECK(*m.get_val_at("a") == 1u);
  }
  SUBCASE("root value only") {
    map_t m;
    m.set_val_at({}, 77);
    m.compact();
    REQUIRE(m.get_val_at({}) != nullptr);
    CHECK(*m.get_val_at({}) == 77u);
    CHECK(m.val_count() == 1u);
    CHECK_FALSE(m.is_empty());
    map_t c = m;
    c.set_val_at({}, 78);
    CHECK(*m.get_val_at({}) == 77u);
  }
  SUBCASE("single key") {
    for (const std::string& k : {std::string("k"), std::string("key"), std::string(63, 'x'),
                                 std::string(64, 'y'), std::string(65, 'z'), std::string(300, 'w'),
                                 bytes({0}), bytes({0xff, 0, 0xff})}) {
      CAPTURE(k.size());
      map_t m;
      m.set_val_at(k, 5);
      m.compact();
      CHECK(m.val_count() == 1u);
      REQUIRE(m.get_val_at(k) != nullptr);
      CHECK(*m.get_val_at(k) == 5u);
      CHECK(keys(m) == std::vector<std::string>{k});
      CHECK_FALSE(m.contains(k.substr(0, k.size() - 1)));
      CHECK(m.path_exists_at(k.substr(0, k.size() - 1)));
      CHECK_FALSE(m.path_exists_at(k + "x"));
      map_t c = m;
      CHECK(c.remove_val_at(k, true) == std::optional<u64>{5});
      CHECK(c.is_empty());
      CHECK(*m.get_val_at(k) == 5u);
    }
  }
  SUBCASE("a dangling path only") {
    map_t m;
    m.create_path("only/a/path");
    m.compact();
    CHECK(m.path_exists_at("only/a/path"));
    CHECK_FALSE(m.path_exists_at("only/a/path/"));
    CHECK(m.val_count() == 0u);
    CHECK_FALSE(m.is_empty());
    CHECK(m.prune_path("only/a/path") == 11u);
    CHECK(m.is_empty());
  }
}

TEST_CASE("compact: a map grafted into itself (shared subtries) packs and stays equal") {
  map_t m{{"a", 1}, {"ab", 2}, {"bcd", 3}};
  model md;
  md.set("a", 1);
  md.set("ab", 2);
  md.set("bcd", 3);
  for (int i = 0; i < 10; ++i) {
    std::string at = std::string(1, static_cast<char>('k' + i));
    map_t copy = m;
    model before = md;
    {
      auto wz = m.write_zipper_at_path(at);
      wz.graft_map(copy);
    }
    md.graft_map(at, before);
  }
  REQUIRE(md.vals.size() == 3u * 1024u);
  map_t plain = m;
  m.compact();
  CHECK(compare(m, md) == "");
  CHECK(compare(plain, md) == "");
  // a write deep inside one of the shared copies changes only that path
  REQUIRE(m.get_val_at("tsrqponmlka") != nullptr);
  CHECK(*m.get_val_at("tsrqponmlka") == 1u);
  CHECK(m.set_val_at("tsrqponmlka", 99) == std::optional<u64>{1});
  md.set("tsrqponmlka", 99);
  CHECK(compare(m, md) == "");
  CHECK(*plain.get_val_at("tsrqponmlka") == 1u);
  CHECK(*m.get_val_at("srqponmlka") == 1u); // the same node, reached another way
  CHECK(*m.get_val_at("tsrqponmka") == 1u);
  // the same subtrie as a target in several arenas' worth of map
  map_t big;
  model bm;
  for (int i = 0; i < 12; ++i) {
    std::string at = be32(static_cast<std::uint32_t>(i * 7919));
    big.write_zipper_at_path(at).graft_map(m);
    bm.graft_map(at, md);
  }
  big.compact();
  CHECK(compare(big, bm) == "");
  CHECK(compare(m, md) == "");
}

// == 3. zippers ===================================================================================

TEST_CASE("compact: read zippers over a compacted map answer like over the uncompacted map") {
  model md;
  map_t plain = words_map(3000, 4, &md);
  map_t packed = compacted(plain);
  map_t rebuilt = compacted(words_map(3000, 4)); // shares nothing with `plain`
  std::vector<std::string> ks;
  for (const auto& [k, v] : md.vals)
    ks.push_back(k);
  ks.push_back("dangling/");

  SUBCASE("full walks") {
    for (const map_t* other : {&packed, &rebuilt}) {
      auto a = plain.read_zipper();
      auto b = other->read_zipper();
      std::size_t n = 0;
      while (true) {
        bool x = a.to_next_step(), y = b.to_next_step();
        REQUIRE(x == y);
        if (!x)
          break;
        ++n;
        if (zstate(a, n % 50 == 0) != zstate(b, n % 50 == 0))
          FAIL_CHECK(zstate(a, true) << " vs " << zstate(b, true));
      }
      CHECK(n == md.exists.size() - 1);
      CHECK(diff(shape(plain), shape(*other)) == "");
      CHECK(compare(*other, md) == "");
    }
  }
  SUBCASE("random moves") {
    std::mt19937_64 rng(44);
    for (int round = 0; round < 60; ++round) {
      std::string root =
        round % 3 == 0 ? std::string{} : ks[rng() % ks.size()].substr(0, rng() % 4);
      auto a = plain.read_zipper_at_path(root);
      auto b = (round % 2 ? packed : rebuilt).read_zipper_at_path(root);
      CAPTURE(show(root));
      CHECK(walk_pair(a, b, rng, 80, ks) == "");
    }
  }
  SUBCASE("val_count, child_mask and make_map at every branch") {
    auto a = plain.read_zipper();
    auto b = packed.read_zipper();
    std::size_t checked = 0;
    while (a.to_next_step()) {
      REQUIRE(b.to_next_step());
      if (a.child_count() < 2 && !a.is_val())
        continue;
      ++checked;
      REQUIRE(a.child_mask() == b.child_mask());
      REQUIRE(a.val_count() == b.val_count());
      if (checked % 10 == 0) {
        map_t ma = a.make_map(), mb = b.make_map();
        REQUIRE(diff(ma, mb) == "");
        mb.set_val_at("new", 1); // the made map is independent of packed
        mb.compact();
        ma.remove_val_at({}, false);
      }
    }
    CHECK(checked > 100u);
    CHECK(diff(plain, packed) == "");
  }
  SUBCASE("k-paths and siblings at the root") {
    for (std::size_t k = 1; k <= 4; ++k) {
      auto a = plain.read_zipper();
      auto b = packed.read_zipper();
      bool x = a.descend_first_k_path(k), y = b.descend_first_k_path(k);
      std::size_t n = 0;
      while (x || y) {
        REQUIRE(x == y);
        REQUIRE(str(a.path()) == str(b.path()));
        ++n;
        x = a.to_next_k_path(k);
        y = b.to_next_k_path(k);
      }
      CHECK(n > 0u);
      CHECK(a.at_root());
      CHECK(b.at_root());
    }
    auto a = plain.read_zipper();
    auto b = packed.read_zipper();
    REQUIRE(a.descend_first_byte());
    REQUIRE(b.descend_first_byte());
    std::size_t sibs = 1;
    while (true) {
      bool x = a.to_next_sibling_byte(), y = b.to_next_sibling_byte();
      REQUIRE(x == y);
      if (!x)
        break;
      ++sibs;
      REQUIRE(str(a.path()) == str(b.path()));
    }
    CHECK(sibs == plain.read_zipper().child_count());
    while (true) {
      bool x = a.to_prev_sibling_byte(), y = b.to_prev_sibling_byte();
      REQUIRE(x == y);
      if (!x)
        break;
      REQUIRE(str(a.path()) == str(b.path()));
    }
  }
}

TEST_CASE("compact: write zipper edits on a compacted map equal the same edits on an uncompacted "
          "map") {
  std::mt19937_64 rng(55);
  model md;
  map_t base = words_map(2000, 5, &md);
  map_t donor = compacted(words_map(300, 6));
  std::vector<std::string> ks;
  for (const auto& [k, v] : md.vals)
    ks.push_back(k);
  auto below = [&](std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(rng() % n); };

  for (int round = 0; round < 20; ++round) {
    map_t plain = round % 2 ? base : words_map(2000, 5);
    map_t packed = compacted(base);
    CAPTURE(round);
    std::string root = round % 4 == 0 ? std::string{} : ks[below(ks.size())].substr(0, below(3));
    CAPTURE(show(root));
    std::ostringstream log;
    {
      auto a = plain.write_zipper_at_path(root);
      auto b = packed.write_zipper_at_path(root);
      for (int i = 0; i < 30; ++i) {
        // move both to the same place
        const std::string& k = ks[below(ks.size())];
        std::string target = starts_with(k, root) ? k.substr(root.size()) : random_word(rng);
        target.resize(below(target.size() + 1));
        if (below(4) == 0)
          target += random_word(rng);
        a.move_to_path(target);
        b.move_to_path(target);
        bool tip = a.path_exists() && !a.is_val() && a.child_count() == 0;
        std::size_t op = below(11);
        log << op << "@" << show(target) << " ";
        std::string ra, rb;
        auto opt = [](const std::optional<u64>& o) { return o ? std::to_string(*o) : "none"; };
        switch (op) {
          case 0: {
            u64 v = rng();
            ra = opt(a.set_val(v));
            rb = opt(b.set_val(v));
            break;
          }
          case 1: {
            bool prune = below(2) == 0;
            ra = opt(a.remove_val(prune));
            rb = opt(b.remove_val(prune));
            break;
          }
          case 2:
            ra = std::to_string(a.create_path());
            rb = std::to_string(b.create_path());
            break;
          case 3:
            ra = std::to_string(a.prune_path());
            rb = std::to_string(b.prune_path());
            break;
          case 4: {
            bool prune = below(2) == 0 && !tip;
            ra = std::to_string(a.remove_branches(prune));
            rb = std::to_string(b.remove_branches(prune));
            break;
          }
          case 5:
            a.graft_map(donor);
            b.graft_map(donor);
            break;
          case 6: {
            bool prune = below(2) == 0 && !tip;
            auto ta = a.take_map(prune);
            auto tb = b.take_map(prune);
            ra = std::to_string(ta.has_value());
            rb = std::to_string(tb.has_value());
            if (ta && tb) {
              std::string d = diff(*ta, *tb);
              if (!d.empty())
                ra += " taken " + d;
            }
            break;
          }
          case 7: {
            u64* x = a.get_val_mut();
            u64* y = b.get_val_mut();
            ra = std::to_string(x != nullptr);
            rb = std::to_string(y != nullptr);
            if (x && y) {
              ra += "=" + std::to_string(*x);
              rb += "=" + std::to_string(*y);
              *x += 11;
              *y += 11;
            }
            break;
          }
          case 8: {
            // graft from a read zipper of the (compacted) donor
            std::string from = random_word(rng).substr(0, 1);
            auto src = donor.read_zipper_at_path(from);
            a.graft(src);
            b.graft(src);
            break;
          }
          case 9: {
            u64 v = rng();
            ra = std::to_string(a.get_val_or_set_mut(v));
            rb = std::to_string(b.get_val_or_set_mut(v));
            break;
          }
          default: {
            // a run of set_val below the focus, writing into packed nodes repeatedly
            for (int j = 0; j < 5; ++j) {
              std::string sub = random_word(rng).substr(0, 2);
              a.descend_to(sub);
              b.descend_to(sub);
              u64 v = rng();
              ra += opt(a.set_val(v)) + ",";
              rb += opt(b.set_val(v)) + ",";
              a.ascend(sub.size());
              b.ascend(sub.size());
            }
            break;
          }
        }
        if (ra != rb) {
          FAIL_CHECK("op " << op << " returned " << ra << " vs " << rb << "; ops: " << log.str());
          break;
        }
        std::string sa = zstate(a, i % 5 == 0), sb = zstate(b, i % 5 == 0);
        if (sa != sb) {
          FAIL_CHECK(sa << " vs " << sb << "; ops: " << log.str());
          break;
        }
      }
    }
    std::string d = diff(plain, packed);
    CHECK_MESSAGE(d == "", "ops: " << log.str());
    CHECK(compare(base, md) == ""); // the source of both copies is unchanged
    packed.compact();
    CHECK(diff(plain, packed) == "");
  }
  CHECK(compare(base, md) == "");
}

TEST_CASE("compact: nested write-zipper operations on a compacted map") {
  map_t plain = words_map(1500, 7);
  map_t packed = compacted(plain);
  auto both = [&](auto&& f) {
    {
      auto z = plain.write_zipper();
      f(z);
    }
    {
      auto z = packed.write_zipper();
      f(z);
    }
    CHECK(diff(plain, packed) == "");
  };
  both([](auto& z) {
    z.descend_to("re");
    z.insert_prefix("PFX");
  });
  both([](auto& z) {
    z.descend_to("rePFXa");
    z.remove_prefix(3);
  });
  both([](auto& z) {
    z.descend_to("b");
    byte_mask keep;
    keep.set('a');
    keep.set('r');
    z.remove_unmasked_branches(keep, true);
  });
  both([](auto& z) {
    z.descend_to("ca");
    std::vector<map_t> maps{map_t{{"x", 1}}, compacted(map_t{{"y", 2}, {"", 3}})};
    byte_mask m;
    m.set('1');
    m.set('2');
    z.graft_child_maps(m, std::move(maps), false);
  });
  both([](auto& z) {
    z.descend_to("de");
    auto src_map = compacted(words_map(200, 8));
    auto src = src_map.read_zipper();
    byte_mask m;
    m.set('a');
    m.set('b');
    m.set('e');
    z.graft_children(src, m);
  });
  both([](auto& z) {
    z.descend_to("un");
    if (auto* v = z.get_val_mut())
      *v = 1;
    z.descend_to("ing");
    z.set_val(12);
    z.reset();
    z.descend_to("a");
    z.remove_branches(false);
  });
}

// == 4. algebra and serialization =================================================================

TEST_CASE("compact: algebra on compacted operands equals algebra on uncompacted operands") {
  map_t a = words_map(1500, 9);
  map_t b = words_map(1500, 10);
  // overlap: part of b copied into a with equal and with different values
  {
    int i = 0;
    for (auto&& [p, v] : b) {
      if (i % 3 == 0)
        a.set_val_at(p, v);
      else if (i % 3 == 1)
        a.set_val_at(p, v + 1);
      ++i;
    }
  }
  map_t b_restr{{"a", 1}, {"re", 2}, {"ca", 3}, {"un", 4}};
  b_restr.write_zipper_at_path("b").graft_map(words_map(50, 11));
  map_t ap = compacted(a), bp = compacted(b), rp = compacted(b_restr);
  const auto sa = shape(a), sb = shape(b);

  CHECK(diff(a.join(b), ap.join(bp)) == "");
  CHECK(diff(a.join(b), ap.join(b)) == "");
  CHECK(diff(a.join(b), a.join(bp)) == "");
  CHECK(diff(b.join(a), bp.join(ap)) == "");
  CHECK(diff(a.meet(b), ap.meet(bp)) == "");
  CHECK(diff(a.meet(b), a.meet(bp)) == "");
  CHECK(diff(b.meet(a), bp.meet(ap)) == "");
  CHECK(diff(a.subtract(b), ap.subtract(bp)) == "");
  CHECK(diff(a.subtract(b), ap.subtract(b)) == "");
  CHECK(diff(b.subtract(a), bp.subtract(ap)) == "");
  CHECK(diff(a.restrict(b_restr), ap.restrict(rp)) == "");
  CHECK(diff(a.restrict(b_restr), a.restrict(rp)) == "");
  CHECK(diff(a.join(ap), a) == "");
  CHECK(diff(ap.meet(a), a) == "");
  CHECK(ap.subtract(a).val_count() == 0u);

  // in place, with compacted receivers
  {
    map_t x = a, y = ap;
    x.join_into(b);
    y.join_into(bp);
    CHECK(diff(x, y) == "");
    y.compact();
    CHECK(diff(x, y) == "");
  }
  {
    map_t x = a, y = ap;
    x.meet_into(b);
    y.meet_into(bp);
    CHECK(diff(x, y) == "");
  }
  {
    map_t x = a, y = ap;
    x.subtract_into(b);
    y.subtract_into(bp);
    CHECK(diff(x, y) == "");
  }
  {
    map_t x = a, y = ap;
    auto zx = x.write_zipper_at_path("re");
    auto zy = y.write_zipper_at_path("re");
    zx.join_into(b.read_zipper_at_path("a"));
    zy.join_into(bp.read_zipper_at_path("a"));
    zx.reset();
    zy.reset();
    CHECK(zx.val_count() == zy.val_count());
  }
  {
    map_t x = a, y = ap;
    {
      auto zx = x.write_zipper_at_path("ca");
      auto zy = y.write_zipper_at_path("ca");
      zx.subtract_into(b.read_zipper_at_path("ca"), true);
      zy.subtract_into(bp.read_zipper_at_path("ca"), true);
    }
    CHECK(diff(x, y) == "");
  }
  {
    map_t x = a, y = ap;
    {
      auto zx = x.write_zipper_at_path("b");
      auto zy = y.write_zipper_at_path("b");
      zx.restrict(b_restr.read_zipper());
      zy.restrict(rp.read_zipper());
    }
    CHECK(diff(x, y) == "");
  }
  // operands unchanged
  CHECK(diff(shape(a), sa) == "");
  CHECK(diff(shape(ap), sa) == "");
  CHECK(diff(shape(b), sb) == "");
  CHECK(diff(shape(bp), sb) == "");
}

TEST_CASE("compact: a compacted map serializes to the same bytes and round-trips") {
  model md;
  map_t plain = words_map(3000, 12, &md);
  map_t packed = compacted(plain);
  for (bool compress : {false, true}) {
    CAPTURE(compress);
    std::vector<std::uint8_t> b1, b2;
    REQUIRE(pathmap::serialize_map(plain, b1, {compress, 6}));
    REQUIRE(pathmap::serialize_map(packed, b2, {compress, 6}));
    CHECK(b1 == b2);
    map_t r;
    REQUIRE(pathmap::deserialize_map(r, b2));
    CHECK(compare(r, md) == "");
    r.compact();
    CHECK(compare(r, md) == "");
    std::vector<std::uint8_t> b3;
    REQUIRE(pathmap::serialize_map(r, b3, {compress, 6}));
    CHECK(b3 == b1);
  }
  // .paths from a zipper into the compacted map
  std::vector<std::uint8_t> p1, p2;
  REQUIRE(pathmap::serialize_paths(plain.read_zipper_at_path("re"), p1));
  REQUIRE(pathmap::serialize_paths(packed.read_zipper_at_path("re"), p2));
  CHECK(p1 == p2);
  map_t r;
  {
    auto wz = r.write_zipper_at_path("re");
    REQUIRE(pathmap::deserialize_paths(wz, p2, u64{1}));
  }
  std::size_t below_re = 0;
  for (const auto& [k, v] : md.vals)
    below_re += k.size() > 2 && starts_with(k, "re");
  CHECK(r.val_count() == below_re);
  // deserialize into a write zipper of a compacted map
  map_t target = compacted(words_map(500, 13));
  map_t target_plain = words_map(500, 13);
  std::vector<std::uint8_t> sub;
  REQUIRE(pathmap::serialize_map(packed.read_zipper_at_path("ba"), sub));
  {
    auto w1 = target.write_zipper_at_path("ca");
    auto w2 = target_plain.write_zipper_at_path("ca");
    REQUIRE(pathmap::deserialize_map(w1, sub));
    REQUIRE(pathmap::deserialize_map(w2, sub));
  }
  CHECK(diff(target, target_plain) == "");
}

// == 5. value types ===============================================================================

TEST_CASE_TEMPLATE("compact: values of every type are kept and aligned and released once", V,
                   std::string, counted, point, aligned16, tiny, odd12, std::uint16_t,
                   std::uint32_t, std::uint64_t) {
  live_guard<V> guard;
  using T = vt<V>;
  std::mt19937_64 rng(66);
  std::vector<std::string> ks;
  for (int i = 0; i < 2500; ++i) {
    std::string k = random_word(rng);
    if (i % 50 == 0)
      k = long_key(rng, 70 + rng() % 250);
    if (i % 9 == 0)
      k += bytes({i % 256});
    ks.push_back(k);
  }
  ks.push_back("");
  std::map<std::string, int> md;
  {
    path_map<V> m;
    for (std::size_t i = 0; i < ks.size(); ++i) {
      m.set_val_at(ks[i], T::make(static_cast<int>(i)));
      md[ks[i]] = T::id(T::make(static_cast<int>(i)));
    }
    auto check_model = [&](const path_map<V>& x, const std::map<std::string, int>& mo) {
      std::size_t bad = 0;
      for (const auto& [k, id] : mo) {
        const V* p = x.get_val_at(k);
        if (p == nullptr || T::id(*p) != id)
          ++bad;
      }
      CHECK(bad == 0u);
      CHECK(x.val_count() == mo.size());
      std::size_t i = 0;
      bool order_ok = true;
      auto it = mo.begin();
      for (auto&& [p, v] : x) {
        if (it == mo.end() || str(p) != it->first || T::id(v) != it->second)
          order_ok = false;
        if (it != mo.end())
          ++it;
        ++i;
      }
      CHECK(order_ok);
      CHECK(i == mo.size());
    };
    const auto before = vshape(m);
    path_map<V> old = m;
    m.compact();
    CHECK(diff(vshape(m), before) == "");
    CHECK(diff(vshape(old), before) == "");
    check_model(m, md);
    CHECK(check_alignment(m, ks) > ks.size());

    // writes to the compacted map and to a copy of it
    path_map<V> c = m;
    std::map<std::string, int> mc = md, mm = md;
    for (std::size_t i = 0; i < ks.size(); i += 5) {
      int id = 100000 + static_cast<int>(i);
      m.set_val_at(ks[i], T::make(id));
      mm[ks[i]] = T::id(T::make(id));
      if (i % 10 == 0 && i + 1 < ks.size()) {
        c.remove_val_at(ks[i + 1], i % 20 == 0);
        mc.erase(ks[i + 1]);
      }
    }
    check_model(m, mm);
    check_model(c, mc);
    CHECK(diff(vshape(old), before) == "");
    m.compact();
    c.compact();
    check_model(m, mm);
    check_model(c, mc);
    check_alignment(m, ks);
    check_alignment(c, ks);
    // a subtrie taken out of a compacted map, compacted again and put back elsewhere
    std::optional<path_map<V>> taken;
    {
      auto wz = c.write_zipper_at_path("a");
      taken = wz.take_map(true);
    }
    if (taken) {
      taken->compact();
      check_alignment(*taken, {});
      c.write_zipper_at_path("moved/").graft_map(std::move(*taken));
    }
    c.compact();
    check_alignment(c, {});
    old = path_map<V>{};
    m = path_map<V>{};
    // c is destroyed at scope exit, after its arenas were shared with m and old
  }
}

TEST_CASE("compact: counted values: copies and writes and drops leave no live instance behind") {
  live_guard<counted> guard;
  long live0 = counted::live.load();
  {
    path_map<counted> m;
    for (std::size_t i = 0; i < 5000; ++i)
      m.set_val_at(token_key(i), counted(static_cast<int>(i)));
    CHECK(counted::live.load() - live0 == 5000);
    path_map<counted> a = m;
    m.compact();
    // the packed arena holds its own copies while `a` keeps the old nodes
    CHECK(counted::live.load() - live0 >= 5000);
    CHECK(counted::live.load() - live0 <= 10000);
    a = path_map<counted>{};
    CHECK(counted::live.load() - live0 == 5000);
    m.compact(); // already packed: nothing new
    CHECK(counted::live.load() - live0 == 5000);
    {
      path_map<counted> b = m;
      b.set_val_at(token_key(17), counted(-1));
      b.remove_val_at(token_key(18), true);
      b.remove_branches_at(token_key(19), true);
      CHECK(m.get_val_at(token_key(17))->value == 17);
      CHECK(b.get_val_at(token_key(17))->value == -1);
      b.compact();
    }
    // remove everything one key at a time from the compacted map
    for (std::size_t i = 0; i < 5000; ++i)
      REQUIRE(m.remove_val_at(token_key(i), i % 2 == 0).has_value());
    CHECK(m.val_count() == 0u);
    CHECK(counted::live.load() - live0 == 0);
  }
  CHECK(counted::live.load() == live0);
}

TEST_CASE("compact: a value copy that throws leaves the map equal to what it was") {
  live_guard<throws_on_copy> guard;
  disarm_on_exit disarm;
  std::map<std::string, int> md;
  path_map<throws_on_copy> m;
  const std::size_t n = 30000; // several arenas' worth of values
  for (std::size_t i = 0; i < n; ++i) {
    std::size_t j = (i * 7919) % n;
    m.set_val_at(token_key(j), throws_on_copy(static_cast<int>(j)));
    md[token_key(j)] = static_cast<int>(j);
  }
  m.set_val_at({}, throws_on_copy(-7));
  md[""] = -7;
  auto equals_model = [&](const path_map<throws_on_copy>& x) {
    std::size_t bad = 0, i = 0;
    auto it = md.begin();
    for (auto&& [p, v] : x) {
      if (it == md.end() || str(p) != it->first || v.value != it->second)
        ++bad;
      if (it != md.end())
        ++it;
      ++i;
    }
    return bad == 0 && i == md.size() && x.val_count() == md.size();
  };
  REQUIRE(equals_model(m));
  std::size_t throws = 0;
  for (long budget : {0L, 1L, 31L, 12345L, 20000L, 29990L}) {
    CAPTURE(budget);
    path_map<throws_on_copy> work = m; // shares every node with `m`
    throws_on_copy::arm(budget);
    bool threw = false;
    try {
      work.compact();
    } catch (const copy_failure&) {
      threw = true;
      ++throws;
    }
    throws_on_copy::disarm();
    if (budget == 0)
      CHECK(threw); // the values of shared nodes must be copied into the arena
    CHECK(equals_model(work));
    CHECK(equals_model(m));
    // the partly compacted map works: write, compact again, write
    work.set_val_at(token_key(3), throws_on_copy(333));
    work.compact();
    CHECK(work.get_val_at(token_key(3))->value == 333);
    CHECK(work.remove_val_at(token_key(3), true).has_value());
    CHECK(work.val_count() == md.size() - 1);
    CHECK(equals_model(m));
  }
  CHECK(throws >= 1u);
  // and a compacted map whose copy throws when written
  m.compact();
  REQUIRE(equals_model(m));
  path_map<throws_on_copy> c = m;
  throws_on_copy::arm(3);
  try {
    for (std::size_t i = 0; i < 100; ++i)
      c.set_val_at(token_key(i * 13) + "z", throws_on_copy(1));
  } catch (const copy_failure&) {
  }
  throws_on_copy::disarm();
  CHECK(equals_model(m));
  std::size_t lost = 0;
  for (const auto& [k, id] : md)
    if (c.get_val_at(k) == nullptr || c.get_val_at(k)->value != id)
      ++lost;
  CHECK(lost == 0u);
}

TEST_CASE("compact: a value whose copy throws inside compact() is not destroyed") {
  // The smallest case of the test above: one value, the first copy throws. The copy that threw
  // was never built, so it must not be destroyed (live would drop below its start).
  live_guard<throws_on_copy> guard;
  disarm_on_exit disarm;
  path_map<throws_on_copy> m;
  m.set_val_at("a", throws_on_copy(1));
  const long live = throws_on_copy::live.load();
  throws_on_copy::arm(0);
  CHECK_THROWS_AS(m.compact(), copy_failure);
  throws_on_copy::disarm();
  CHECK(throws_on_copy::live.load() == live);
  REQUIRE(m.get_val_at("a") != nullptr);
  CHECK(m.get_val_at("a")->value == 1);
}

TEST_CASE("compact: std::string values survive compaction and copies and writes") {
  path_map<std::string> m;
  std::map<std::string, std::string> md;
  for (std::size_t i = 0; i < 4000; ++i) {
    std::string v = i % 2 ? std::string(50, static_cast<char>('a' + i % 26)) + std::to_string(i)
                          : std::to_string(i);
    m.set_val_at(token_key(i), v);
    md[token_key(i)] = v;
  }
  path_map<std::string> plain = m;
  m.compact();
  auto same = [&](const path_map<std::string>& x, const std::map<std::string, std::string>& mo) {
    std::vector<std::pair<std::string, std::string>> got, want(mo.begin(), mo.end());
    for (auto&& [p, v] : x)
      got.emplace_back(str(p), v);
    return got == want;
  };
  CHECK(same(m, md));
  CHECK(same(plain, md));
  plain = path_map<std::string>{}; // the old nodes go first
  CHECK(same(m, md));
  auto c = m;
  *c.get_val_mut_at(token_key(5)) += "!";
  CHECK(*m.get_val_at(token_key(5)) == md[token_key(5)]);
  CHECK(*c.get_val_at(token_key(5)) == md[token_key(5)] + "!");
  m = path_map<std::string>{}; // now the arenas are held by c only
  md[token_key(5)] += "!";
  CHECK(same(c, md));
}

TEST_CASE("compact: 16-byte aligned values stay aligned in packed nodes") {
  static_assert(alignof(aligned16) == 16);
  path_map<aligned16> m;
  std::vector<std::string> ks;
  std::mt19937_64 rng(77);
  for (std::size_t i = 0; i < 3000; ++i) {
    // varied tail lengths, so value arrays start at every offset modulo 16 before padding
    std::string k = token_key(i) + std::string(rng() % 5, 'q');
    ks.push_back(k);
    m.set_val_at(k, vt<aligned16>::make(static_cast<int>(i)));
  }
  m.compact();
  std::size_t bad_align = 0, bad_val = 0;
  for (std::size_t i = 0; i < ks.size(); ++i) {
    const aligned16* p = m.get_val_at(ks[i]);
    REQUIRE(p != nullptr);
    if (reinterpret_cast<std::uintptr_t>(p) % 16 != 0)
      ++bad_align;
    if (vt<aligned16>::id(*p) != static_cast<int>(i))
      ++bad_val;
  }
  CHECK(bad_align == 0u);
  CHECK(bad_val == 0u);
  CHECK(m.val_count() == ks.size());
  CHECK(check_alignment(m, ks) > 0u);
  auto z = m.read_zipper();
  while (z.to_next_val())
    CHECK(reinterpret_cast<std::uintptr_t>(z.val()) % 16 == 0);
}

// == 6. zipper heads ==============================================================================

TEST_CASE("compact: a zipper head over a compacted map with writers at disjoint paths") {
  model md;
  map_t m = words_map(3000, 14, &md);
  m.compact();
  const std::vector<std::string> roots{"re", "ca", "un", "zz/new", "a", "b"};
  std::mt19937_64 rng(88);
  {
    auto head = m.zipper_head();
    auto reader = head.read_zipper_at_path("de");
    REQUIRE(reader.has_value());
    CHECK(reader->val_count() == md.subtrie("de").vals.size());
    std::vector<pathmap::write_zipper_tracked<u64>> writers;
    for (const auto& r : roots) {
      auto w = head.write_zipper_at_exclusive_path(r);
      REQUIRE(w.has_value());
      writers.push_back(std::move(*w));
      md.ensure(r);
    }
    for (std::size_t i = 0; i < 600; ++i) {
      std::size_t wi = i % roots.size();
      auto& w = writers[wi];
      const std::string& r = roots[wi];
      std::string rel = random_word(rng).substr(0, 1 + rng() % 4);
      w.reset();
      w.descend_to(rel);
      switch (rng() % 4) {
        case 0: {
          u64 v = rng();
          CHECK(w.set_val(v) == md.set(r + rel, v));
          break;
        }
        case 1:
          CHECK(w.remove_val(false) == md.remove_val(r + rel, false));
          break;
        case 2:
          CHECK(w.create_path() == md.create_path(r + rel));
          break;
        default:
          if (u64* v = w.get_val_mut()) {
            *v ^= 0xff;
            md.vals[r + rel] ^= 0xff;
          } else {
            CHECK(md.get(r + rel) == nullptr);
          }
          break;
      }
    }
    for (std::size_t wi = 0; wi < roots.size(); ++wi) {
      writers[wi].reset();
      CHECK(writers[wi].val_count() == md.subtrie(roots[wi]).vals.size());
    }
  }
  CHECK(compare(m, md) == "");
  m.compact();
  CHECK(compare(m, md) == "");
  m.set_val_at("re", 1);
  md.set("re", 1);
  CHECK(compare(m, md) == "");
}

// == 7. large =====================================================================================

TEST_CASE("compact: 200000 keys over several arenas then half of them removed") {
  const std::size_t n = 200000;
  map_t m;
  for (std::size_t i = 0; i < n; ++i) {
    std::size_t j = (i * 104729) % n; // not in order
    m.set_val_at(token_key(j), token_val(j));
  }
  m.set_val_at({}, 1);
  REQUIRE(m.val_count() == n + 1);
  map_t before = m;
  m.compact();
  auto verify = [&](const map_t& x, bool removed_odd) {
    std::size_t bad = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const u64* v = x.get_val_at(token_key(i));
      bool want = !(removed_odd && i % 2 == 1);
      if (want ? (v == nullptr || *v != token_val(i)) : v != nullptr)
        ++bad;
    }
    CHECK(bad == 0u);
    // iteration order: strictly increasing keys, the count matches
    std::size_t count = 0;
    bool ordered = true;
    std::string prev;
    for (auto&& [p, v] : x) {
      std::string k = str(p);
      if (count > 0 && !(prev < k))
        ordered = false;
      prev = std::move(k);
      ++count;
    }
    CHECK(ordered);
    CHECK(count == (removed_odd ? n / 2 : n) + 1);
  };
  verify(m, false);
  for (std::size_t i = 1; i < n; i += 2)
    REQUIRE(m.remove_val_at(token_key(i), i % 4 == 1).has_value());
  verify(m, true);
  verify(before, false);
  before = map_t{};
  m.compact();
  verify(m, true);
  CHECK(m.val_count() == n / 2 + 1);
}

TEST_CASE("compact: lookups near the packed limits: long tails, full nodes, near-miss paths") {
  // Groups of up to 8 keys under one stem, with tails of 1 to 63 bytes, so that a node's tails
  // add up to anything from a few bytes to past 255 (the most a packed node holds), and keys
  // of every length from 1 byte; then every key, every prefix of it, every one-byte extension
  // and every one-byte change is looked up in the compacted map and in an uncompacted twin.
  std::mt19937_64 rng(20261127);
  map_t plain;
  std::vector<std::string> keys;
  for (int group = 0; group < 400; ++group) {
    const std::string stem = std::string(1, static_cast<char>('A' + group % 26)) +
                             std::to_string(group) + (group % 3 ? "/" : "");
    const std::size_t entries = 1 + rng() % 8, longest = 1 + rng() % 63;
    for (std::size_t e = 0; e < entries; ++e) {
      std::string k = stem;
      k.push_back(static_cast<char>('a' + e)); // a distinct first byte per entry
      const std::size_t len = rng() % (longest + 1);
      for (std::size_t j = 0; j < len; ++j)
        k.push_back(static_cast<char>("xy\0z"[rng() % 4]));
      keys.push_back(k);
      plain.set_val_at(k, keys.size());
      if (rng() % 4 == 0) { // a value inside the key too
        keys.push_back(k.substr(0, stem.size() + 1 + len / 2));
        plain.set_val_at(keys.back(), keys.size());
      }
    }
  }
  for (char c = 'a'; c <= 'h'; ++c) { // short keys: 1 to 7 bytes
    keys.push_back(std::string(1, c));
    for (std::size_t len = 2; len < 8; ++len)
      keys.push_back(std::string(len, c));
  }
  for (std::size_t i = keys.size() - 56; i < keys.size(); ++i)
    plain.set_val_at(keys[i], i + 1);
  const map_t packed = compacted(plain);
  std::size_t checked = 0, bad = 0;
  auto check = [&](const std::string& p) {
    const u64* a = plain.get_val_at(p);
    const u64* b = packed.get_val_at(p);
    ++checked;
    if ((a == nullptr) != (b == nullptr) || (a != nullptr && *a != *b))
      ++bad;
  };
  for (const std::string& k : keys) {
    for (std::size_t len = 1; len <= k.size(); ++len)
      check(k.substr(0, len));
    check(k + "x");
    check(k + std::string(9, 'x'));
    for (std::size_t j = 0; j < k.size(); ++j) {
      std::string changed = k;
      changed[j] = static_cast<char>(changed[j] ^ 1);
      check(changed);
    }
  }
  CHECK(checked > 50000u);
  CHECK(bad == 0u);
  CHECK(diff(shape(packed), shape(plain)) == "");
}

TEST_SUITE_END();
