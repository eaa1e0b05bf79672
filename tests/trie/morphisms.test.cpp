// Morphisms (PATHMAP-SPEC §5): catamorphisms (stepping and jumping side-effect folds with
// paths, the cached folds that fold a shared subtrie once) and anamorphisms (new_from_ana with
// push, push_byte, set_child_mask and grafts, and the jumping form), including megabyte paths.
#include "pathmap/morphisms.hpp"

#include "test_support.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <span>
#include <string>
#include <variant>
#include <vector>

using pathmap::byte_mask;
using pathmap::path_map;
using pathmap::path_view;
using pathmap::trie_builder;
using namespace pathmap_test;

using unit = std::monostate;

TEST_SUITE_BEGIN("morphisms");

namespace {

/// "path=value|..." in order.
std::string vals_of(const path_map<int>& m) {
  std::string out;
  for (auto&& [p, v] : m) {
    if (!out.empty())
      out.push_back('|');
    out += str(p) + "=" + std::to_string(v);
  }
  return out;
}

/// Every position of a map (the root "" and every existing path) with its child bytes.
std::map<std::string, std::string> positions(const path_map<int>& m) {
  std::map<std::string, std::string> out;
  out[""];
  auto z = m.read_zipper();
  for (const auto& p : step_paths(z))
    out[p];
  for (auto& [p, kids] : out)
    if (!p.empty())
      out[p.substr(0, p.size() - 1)].push_back(p.back());
  return out;
}

/// The positions in post-order (children first, in ascending byte order). Recursive: test
/// maps are small.
void post_order(const std::map<std::string, std::string>& pos, const std::string& p,
                std::vector<std::string>& out) {
  std::string kids = pos.at(p);
  std::sort(kids.begin(), kids.end(),
            [](char a, char b) { return std::uint8_t(a) < std::uint8_t(b); });
  for (char c : kids)
    post_order(pos, p + c, out);
  out.push_back(p);
}

} // namespace

// -- catamorphisms ---------------------------------------------------------------------------

TEST_CASE("stepping cata visits every position children-first with its path and value") {
  auto m = roman_map<int>();
  m.set_val_at("", 99);
  m.create_path("dangling");
  std::vector<std::string> seen;
  int total = pathmap::into_cata_side_effect(
    m, [&](const byte_mask& mask, std::span<int> kids, const int* v, path_view p) {
      seen.push_back(str(p));
      CHECK(int(kids.size()) == mask.count());
      CHECK((v != nullptr) == m.contains(p));
      if (v)
        CHECK(*v == *m.get_val_at(p));
      int s = v ? 1 : 0;
      for (int k : kids)
        s += k;
      return s;
    });
  CHECK(total == int(m.val_count()));
  std::vector<std::string> want;
  post_order(positions(m), "", want);
  CHECK(seen == want);
}

TEST_CASE("cata passes the children's results in ascending byte order") {
  auto m = build_map<int>({{"b", 2}, {"a", 1}, {"c", 3}, {"ab", 4}});
  std::string order = pathmap::into_cata_side_effect<std::string>(
    m, [](const byte_mask&, std::span<std::string> kids, const int* v, path_view p) {
      std::string s = v ? str(p) : std::string();
      for (auto& k : kids)
        s += "(" + k + ")";
      return s;
    });
  CHECK(order == "(a(ab))(b)(c)");
}

TEST_CASE("jumping cata runs only where there is a value or a fork, with jump lengths") {
  path_map<int> m;
  m.set_val_at("abcde", 1);
  m.set_val_at("abcdx", 2);
  m.set_val_at("abz", 3);
  m.set_val_at("q", 4);
  std::vector<std::string> calls;
  int n = pathmap::into_cata_jumping_side_effect(
    m, [&](const byte_mask& mask, std::span<int> kids, std::size_t jump, const int* v,
           path_view p) {
      calls.push_back(str(p) + ":" + std::to_string(jump) + ":" + std::to_string(mask.count()));
      int s = v ? 1 : 0;
      for (int k : kids)
        s += k;
      return s;
    });
  CHECK(n == 4);
  // Stops: "" (start), "ab" (fork), "abcd" (fork), the four values.
  CHECK(calls == std::vector<std::string>{"abcde:1:0", "abcdx:1:0", "abcd:2:2", "abz:1:0",
                                          "ab:2:2", "q:1:0", ":0:2"});
}

TEST_CASE("fallible cata folds like the plain one, or stops at the first error and returns it") {
  auto m = roman_map<int>();
  using result = pathmap::expected<int, std::string>;
  auto sum = [](std::span<int> kids, const int* v) {
    int s = v ? 1 : 0;
    for (int k : kids)
      s += k;
    return s;
  };
  result all = pathmap::into_cata_side_effect_fallible(
    m, [&](const byte_mask&, std::span<int> kids, const int* v, path_view) -> result {
      return sum(kids, v);
    });
  REQUIRE(all.has_value());
  CHECK(*all == int(m.val_count()));

  // Stop at the first value in fold order (children first): no call after it.
  std::vector<std::string> seen;
  result stopped = pathmap::into_cata_side_effect_fallible(
    m, [&](const byte_mask&, std::span<int> kids, const int* v, path_view p) -> result {
      seen.push_back(str(p));
      if (v)
        return pathmap::unexpected("value at " + str(p));
      return sum(kids, v);
    });
  REQUIRE_FALSE(stopped.has_value());
  REQUIRE_FALSE(seen.empty());
  CHECK(stopped.error() == "value at " + seen.back());
  CHECK(m.contains(seen.back()));
  for (std::size_t i = 0; i + 1 < seen.size(); ++i)
    CHECK_FALSE(m.contains(seen[i]));

  // The jumping form: the same, with jump lengths.
  int calls = 0;
  result jumped = pathmap::into_cata_jumping_side_effect_fallible(
    m, [&](const byte_mask&, std::span<int> kids, std::size_t, const int* v, path_view) -> result {
      ++calls;
      if (calls == 3)
        return pathmap::unexpected(std::string("third call"));
      return sum(kids, v);
    });
  REQUIRE_FALSE(jumped.has_value());
  CHECK(jumped.error() == "third call");
  CHECK(calls == 3);
  result whole = pathmap::into_cata_jumping_side_effect_fallible(
    m, [&](const byte_mask&, std::span<int> kids, std::size_t, const int* v, path_view) -> result {
      return sum(kids, v);
    });
  CHECK(*whole == int(m.val_count()));

  // An exception of the closure's own still reaches the caller.
  CHECK_THROWS_AS(pathmap::into_cata_side_effect_fallible(
                    m, [](const byte_mask&, std::span<int>, const int*, path_view) -> result {
                      throw std::runtime_error("mine");
                    }),
                  std::runtime_error);
}

TEST_CASE("cata over a zipper folds the subtrie below its focus, also inside a key") {
  auto m = roman_map<int>();
  auto count = [](const byte_mask&, std::span<std::size_t> kids, const int* v, path_view) {
    std::size_t s = v ? 1 : 0;
    for (auto k : kids)
      s += k;
    return s;
  };
  for (const char* p : {"", "r", "rom", "roma", "rub", "rubic", "zzz"}) {
    CAPTURE(p);
    auto z = m.read_zipper_at_path(p);
    CHECK(pathmap::into_cata_side_effect(z, count) == z.val_count());
    auto c = m.read_zipper_at_path(p);
    CHECK(pathmap::into_cata_cached(c, [](const byte_mask&, std::span<std::size_t> kids,
                                          const int* v) {
            std::size_t s = v ? 1 : 0;
            for (auto k : kids)
              s += k;
            return s;
          }) == c.val_count());
  }
  std::vector<std::string> paths;
  auto z = m.read_zipper_at_path("rom");
  pathmap::into_cata_side_effect<int>(z, [&](const byte_mask&, std::span<int>, const int* v,
                                             path_view p) {
    if (v)
      paths.push_back(str(p));
    return 0;
  });
  // Children first: "an" comes after "ane" and "anus".
  CHECK(paths == std::vector<std::string>{"'i", "ane", "anus", "an", "ulus"});
}

TEST_CASE("cached cata folds a shared subtrie once and agrees with the stepping fold") {
  path_map<int> shared;
  for (int i = 0; i < 50; ++i)
    shared.set_val_at("leaf" + std::to_string(i), i);
  path_map<int> m;
  for (int i = 0; i < 30; ++i) {
    auto wz = m.write_zipper_at_path("at" + std::to_string(i) + "/");
    wz.graft_map(shared);
  }
  auto sum = [](const byte_mask&, std::span<long> kids, const int* v) {
    long s = v ? *v : 0;
    for (long k : kids)
      s += k;
    return s;
  };
  long stepping_calls = 0, cached_calls = 0;
  long a = pathmap::into_cata_side_effect(
    m, [&](const byte_mask& mk, std::span<long> kids, const int* v, path_view) {
      ++stepping_calls;
      return sum(mk, kids, v);
    });
  long b = pathmap::into_cata_cached(m, [&](const byte_mask& mk, std::span<long> kids,
                                            const int* v) {
    ++cached_calls;
    return sum(mk, kids, v);
  });
  CHECK(a == b);
  CHECK(a == 30 * (49 * 50 / 2));
  CHECK(cached_calls * 5 < stepping_calls);
}

TEST_CASE("jumping cached cata agrees with the jumping fold and reuses shared nodes where it stops") {
  // "s" is grafted both where a fold stops at its root (under a value or a fork) and below
  // straight runs of different lengths, where its children's jumps reach above it.
  path_map<int> s;
  s.set_val_at("xy", 1);
  s.set_val_at("xz", 2);
  s.set_val_at("w", 3);
  path_map<int> run; // a root with one entry and no value: jumps pass through its root
  run.set_val_at("ky", 4);
  run.set_val_at("kz", 5);
  path_map<int> m;
  for (int i = 0; i < 20; ++i) {
    const char branch = char('a' + i);
    m.write_zipper_at_path(std::string{'s', branch}).graft_map(s);
    m.write_zipper_at_path(std::string{'v', branch}).graft_map(s);
    m.set_val_at(std::string{'v', branch}, i);
    // "r", the branch byte, i dashes, then `run`: its fork "k" is i + 2 bytes below "r".
    std::string at{'r', branch};
    at.append(std::size_t(i), '-');
    m.write_zipper_at_path(at).graft_map(run);
  }
  // The fold describes every stop with its jump, so a result replayed in the wrong context
  // would show a wrong jump.
  auto describe = [](const byte_mask& mask, std::span<std::string> kids, std::size_t jump,
                     const int* v) {
    std::string out("(");
    out.append(std::to_string(jump)).push_back(':');
    out.append(v ? std::to_string(*v) : std::string("-"));
    int b = mask.first();
    for (auto& k : kids) {
      out.push_back(' ');
      out.push_back(char(b));
      out.append(k);
      b = mask.next_at_or_after(b + 1);
    }
    out.push_back(')');
    return out;
  };
  long side_calls = 0, cached_calls = 0;
  std::string a = pathmap::into_cata_jumping_side_effect(
    m, [&](const byte_mask& mk, std::span<std::string> kids, std::size_t jump, const int* v,
           path_view) {
      ++side_calls;
      return describe(mk, kids, jump, v);
    });
  std::string b = pathmap::into_cata_jumping_cached(
    m, [&](const byte_mask& mk, std::span<std::string> kids, std::size_t jump, const int* v) {
      ++cached_calls;
      return describe(mk, kids, jump, v);
    });
  CHECK(a == b);
  CHECK(a.find("t(21:- y(1:4) z(1:5))") != std::string::npos); // "rt", 19 dashes, "k"
  CHECK(a.find("a(2:- y(1:4) z(1:5))") != std::string::npos);  // "ra", "k"
  CHECK(cached_calls < side_calls);

  // Fallible forms: the same result, or the first error.
  using result = pathmap::expected<std::string, std::string>;
  result ok = pathmap::into_cata_jumping_cached_fallible(
    m, [&](const byte_mask& mk, std::span<std::string> kids, std::size_t jump,
           const int* v) -> result { return describe(mk, kids, jump, v); });
  REQUIRE(ok.has_value());
  CHECK(*ok == a);
  result bad = pathmap::into_cata_cached_fallible(
    m, [](const byte_mask&, std::span<std::string>, const int* v) -> result {
      if (v && *v == 4)
        return pathmap::unexpected(std::string("four"));
      return std::string();
    });
  REQUIRE(!bad.has_value());
  CHECK(bad.error() == "four");
}

TEST_CASE("scoped cached cata: the closure sees a path suffix, results reused below equal suffixes") {
  using pathmap::path_scope;
  // "s" hangs below contexts whose last bytes agree to different depths: "xa"/"ya" share one
  // byte, "xa"/"xb" none, "pqa"/"rqa" two, "pqa"/"spqa" three.
  path_map<int> s;
  s.set_val_at("m", 1);
  s.set_val_at("mn", 2);
  s.set_val_at("o", 3);
  path_map<int> m;
  for (const char* at : {"xa", "ya", "xb", "pqa", "rqa", "za", "spqa"})
    m.write_zipper_at_path(at).graft_map(s);
  // Each position's result names the path bytes the closure saw, so a result reused below the
  // wrong context would show the wrong bytes.
  auto describe = [](std::span<std::string> kids, const int* v, path_view seen) {
    std::string out("[");
    out.append(str(seen)).push_back(v ? char('0' + *v) : '-');
    for (auto& k : kids)
      out.append(k);
    out.push_back(']');
    return out;
  };
  auto last = [](path_view p, std::size_t n) {
    return n < p.size() ? p.subview(p.size() - n) : p;
  };
  for (std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{2}, std::size_t{3},
                        path_scope::full().bytes}) {
    CAPTURE(n);
    long side_calls = 0, cached_calls = 0, jside_calls = 0, jcached_calls = 0;
    std::string a = pathmap::into_cata_side_effect(
      m, [&](const byte_mask&, std::span<std::string> kids, const int* v, path_view p) {
        ++side_calls;
        return describe(kids, v, last(p, n));
      });
    std::string b = pathmap::into_cata_cached(
      m, path_scope{n},
      [&](const byte_mask&, std::span<std::string> kids, const int* v, path_view seen) {
        ++cached_calls;
        CHECK(seen.size() <= n);
        return describe(kids, v, seen);
      });
    CHECK(a == b);
    std::string ja = pathmap::into_cata_jumping_side_effect(
      m, [&](const byte_mask&, std::span<std::string> kids, std::size_t jump, const int* v,
             path_view p) {
        ++jside_calls;
        std::string d = describe(kids, v, last(p, n));
        d.append(std::to_string(jump));
        return d;
      });
    std::string jb = pathmap::into_cata_jumping_cached(
      m, path_scope{n},
      [&](const byte_mask&, std::span<std::string> kids, std::size_t jump, const int* v,
          path_view seen) {
        ++jcached_calls;
        std::string d = describe(kids, v, seen);
        d.append(std::to_string(jump));
        return d;
      });
    CHECK(ja == jb);
    if (n == path_scope::full().bytes) {
      CHECK(cached_calls == side_calls); // whole paths differ everywhere: nothing reused
    } else {
      CHECK(cached_calls < side_calls);
      CHECK(jcached_calls < jside_calls);
    }
  }
  // none() is the unscoped cached fold, with an empty path.
  long plain = pathmap::into_cata_cached(m, [](const byte_mask&, std::span<long> kids,
                                               const int* v) {
    long t = v ? *v : 0;
    for (long k : kids)
      t += k;
    return t;
  });
  long scoped = pathmap::into_cata_cached(
    m, path_scope::none(), [](const byte_mask&, std::span<long> kids, const int* v, path_view p) {
      CHECK(p.empty());
      long t = v ? *v : 0;
      for (long k : kids)
        t += k;
      return t;
    });
  CHECK(plain == 7 * 6);
  CHECK(scoped == plain);
  using result = pathmap::expected<long, int>;
  result err = pathmap::into_cata_jumping_cached_fallible(
    m, path_scope::suffix(1),
    [](const byte_mask&, std::span<long>, std::size_t, const int* v, path_view) -> result {
      if (v && *v == 2)
        return pathmap::unexpected(2);
      return 0L;
    });
  REQUIRE(!err.has_value());
  CHECK(err.error() == 2);
}

TEST_CASE("cata with a generic closure and an explicit result type") {
  auto m = roman_map<int>();
  auto n = pathmap::into_cata_side_effect<std::size_t>(m, [](const auto&, auto kids, auto v,
                                                            auto) {
    std::size_t s = v ? 1 : 0;
    for (auto k : kids)
      s += k;
    return s;
  });
  CHECK(n == m.val_count());
  auto j = pathmap::into_cata_jumping_side_effect<int>(
    m, [](const auto&, auto, std::size_t, auto, auto) { return 1; });
  CHECK(j == 1);
}

TEST_CASE("cata of an empty map or a map with only a root value") {
  path_map<int> e;
  int calls = 0;
  pathmap::into_cata_side_effect<int>(e, [&](const byte_mask& mk, std::span<int> kids,
                                             const int* v, path_view p) {
    ++calls;
    CHECK(mk.empty());
    CHECK(kids.empty());
    CHECK(v == nullptr);
    CHECK(p.empty());
    return 0;
  });
  CHECK(calls == 1);
  e.set_val_at("", 5);
  CHECK(pathmap::into_cata_side_effect(e, [](const byte_mask&, std::span<int>, const int* v,
                                             path_view) { return v ? *v : -1; })
        == 5);
}

TEST_CASE("cata on a megabyte path runs without deep recursion") {
  std::string p(1 << 20, 'm');
  path_map<int> m;
  m.set_val_at(p, 1);
  m.set_val_at(p.substr(0, 1000) + "x", 2);
  std::size_t depth = pathmap::into_cata_side_effect<std::size_t>(
    m, [](const byte_mask&, std::span<std::size_t> kids, const int*, path_view) {
      std::size_t d = 0;
      for (auto k : kids)
        d = std::max(d, k + 1);
      return d;
    });
  CHECK(depth == p.size());
  std::size_t stops = 0;
  pathmap::into_cata_jumping_side_effect<int>(
    m, [&](const byte_mask&, std::span<int>, std::size_t, const int*, path_view) {
      ++stops;
      return 0;
    });
  CHECK(stops == 4u); // root, fork at 1000, two values
}

// -- anamorphisms ----------------------------------------------------------------------------

TEST_CASE("new_from_ana: the crate's binary tree of depth 3") {
  auto m = path_map<unit>::new_from_ana(
    3, [](int idx, std::optional<unit>& val, trie_builder<unit, int>& children, path_view) {
      if (idx > 0) {
        children.push("L", idx - 1);
        children.push("R", idx - 1);
      } else {
        val.emplace();
      }
    });
  CHECK(join(keys(m)) == "LLL|LLR|LRL|LRR|RLL|RLR|RRL|RRR");
}

TEST_CASE("new_from_ana sees the path, sets values anywhere and takes multi-byte children") {
  auto m = pathmap::new_map_from_ana<int>(
    std::string("root"), [](std::string w, std::optional<int>& val,
                            trie_builder<int, std::string>& children, path_view path) {
      val.emplace(int(path.size()));
      if (w == "root") {
        children.push("one/", "a");
        children.push("two/", "b");
        children.push_byte('3', "leaf");
      } else if (w == "a" || w == "b") {
        children.push("x", "leaf");
        children.push("y", "leaf");
      }
    });
  CHECK(vals_of(m) == "=0|3=1|one/=4|one/x=5|one/y=5|two/=4|two/x=5|two/y=5");
}

TEST_CASE("new_from_ana: set_child_mask, grafts, overlapping children, and empty children") {
  path_map<int> g = build_map<int>({{"", 100}, {"g", 101}});
  auto m = path_map<int>::new_from_ana(
    0, [&](int depth, std::optional<int>& val, trie_builder<int, int>& children, path_view) {
      if (depth == 0) {
        byte_mask mask;
        mask.set('a');
        mask.set('c');
        children.set_child_mask(mask, {1, 1});
        children.graft_map_at("map/", g);
        children.graft_at_byte('z', g.read_zipper_at_path("g"));
        children.push("ab", 5); // overlaps "a": joined into the same trie
        children.push("e", 9);  // expands to nothing: leaves no path
      } else if (depth == 1) {
        val.emplace(1);
      } else if (depth == 5) {
        val.emplace(5);
      }
    });
  CHECK(vals_of(m) == "a=1|ab=5|c=1|map/=100|map/g=101|z=101");
  CHECK_FALSE(m.path_exists_at("e"));
}

TEST_CASE("new_map_from_ana_jumping: prefixes, values at their ends and one-byte children") {
  using pathmap::ana_jump;
  // Seed n at a path of length L: jump over "<L>", value n there, and children 'a', 'b', ...
  // (n of them) with seed n-1.
  auto m = pathmap::new_map_from_ana_jumping<int>(
    3, [](int n, path_view path) -> ana_jump<int, int> {
      ana_jump<int, int> j;
      const std::string len = std::to_string(path.size());
      j.prefix.push_back('<');
      j.prefix.insert(j.prefix.end(), len.begin(), len.end());
      j.prefix.push_back('>');
      j.val = n;
      for (int c = 0; c < n; ++c) {
        j.children.set(std::uint8_t('a' + c));
        j.seeds.push_back(n - 1);
      }
      return j;
    });
  CHECK(m.val_count() == 1 + 3 + 3 * 2 + 3 * 2 * 1);
  CHECK(m.get_val_at("<0>") != nullptr);
  CHECK(*m.get_val_at("<0>") == 3);
  CHECK(*m.get_val_at("<0>a<4>") == 2);
  CHECK(*m.get_val_at("<0>c<4>b<8>") == 1);
  CHECK(*m.get_val_at("<0>c<4>b<8>a<12>") == 0);
  CHECK(m.get_val_at("<0>a") == nullptr);

  // An empty prefix puts the value at the seed's own path; seeds past the mask are ignored and
  // bits without a seed are left out; a child with nothing below leaves no path.
  auto e = pathmap::new_map_from_ana_jumping<int>(
    0, [](int n, path_view) -> ana_jump<int, int> {
      ana_jump<int, int> j;
      if (n == 0) {
        j.val = 7;
        j.children.set('p');
        j.children.set('q');
        j.children.set('r');
        j.seeds = {1, 2};
      } else if (n == 1) {
        j.prefix = {'1'};
        j.val = 1;
      }
      return j; // n == 2: nothing
    });
  CHECK(vals_of(e) == "=7|p1=1");

  // A megabyte prefix is descended without recursion.
  auto deep = pathmap::new_map_from_ana_jumping<int>(
    0, [](int n, path_view) -> ana_jump<int, int> {
      ana_jump<int, int> j;
      if (n == 0) {
        j.prefix.assign(std::size_t(1) << 20, std::uint8_t('d'));
        j.children.set('!');
        j.seeds = {1};
      } else {
        j.val = 1;
      }
      return j;
    });
  std::string key(std::size_t(1) << 20, 'd');
  key.push_back('!');
  CHECK(deep.val_count() == 1);
  CHECK(deep.get_val_at(key) != nullptr);
}

TEST_CASE("new_from_ana builds deep chains iteratively") {
  const int depth = 100000;
  auto m = path_map<int>::new_from_ana(
    0, [&](int d, std::optional<int>& val, trie_builder<int, int>& children, path_view p) {
      if (d < depth)
        children.push_byte(std::uint8_t('a' + d % 26), d + 1);
      else
        val.emplace(int(p.size()));
    });
  CHECK(m.val_count() == 1u);
  std::string k;
  for (int d = 0; d < depth; ++d)
    k.push_back(char('a' + d % 26));
  REQUIRE(m.get_val_at(k) != nullptr);
  CHECK(*m.get_val_at(k) == depth);
  // The chain is compact: about one node per 256 path bytes, not one per byte.
  std::size_t nodes = 0;
  for (const pathmap::detail::node_header* h = m.root_node(); h;) {
    ++nodes;
    using ops = pathmap::detail::node_ops<int>;
    h = ops::child(h, ops::first_entry(h));
  }
  CHECK(nodes <= std::size_t(depth) / 200);
}

TEST_CASE("cata and ana round-trip: rebuilding a map from its own fold") {
  auto m = roman_map<int>();
  // Fold into a nested description, then grow the same map back from it.
  struct shape {
    std::optional<int> val;
    std::vector<std::pair<std::uint8_t, shape>> kids;
  };
  shape s = pathmap::into_cata_side_effect<shape>(
    m, [](const byte_mask& mask, std::span<shape> kids, const int* v, path_view) {
      shape out;
      if (v)
        out.val = *v;
      int i = 0;
      for (int b = mask.first(); b >= 0; b = mask.next_at_or_after(b + 1))
        out.kids.emplace_back(std::uint8_t(b), std::move(kids[std::size_t(i++)]));
      return out;
    });
  auto back = path_map<int>::new_from_ana(
    std::move(s), [](shape w, std::optional<int>& val, trie_builder<int, shape>& children,
                     path_view) {
      val = w.val;
      for (auto& [b, k] : w.kids)
        children.push_byte(b, std::move(k));
    });
  CHECK(dump(back) == dump(m));
}

TEST_SUITE_END();
