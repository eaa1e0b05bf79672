// The trie algebra (PATHMAP-SPEC §4.2 and the write-zipper forms of §2.4): join, meet,
// subtract, restrict on whole maps and at write-zipper foci, root values, dangling paths,
// structural sharing of identities, k-path collapses (drop_head), and megabyte paths.
#include "pathmap/algebra.hpp"

#include "test_support.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <random>
#include <set>
#include <span>
#include <string>
#include <variant>
#include <vector>

using pathmap::algebraic_status;
using pathmap::path_map;
using pathmap::path_view;
using namespace pathmap_test;

using unit = std::monostate;

TEST_SUITE_BEGIN("algebra");

namespace {

/// Every existing non-root path of a map (values, branches and dangling ends), sorted.
template <class V>
std::vector<std::string> all_paths(const path_map<V>& m) {
  auto z = m.read_zipper();
  return step_paths(z);
}

/// "path=value|..." for int maps.
std::string vals(const path_map<int>& m) {
  std::string out;
  for (auto&& [p, v] : m) {
    if (!out.empty())
      out.push_back('|');
    out += show(p) + "=" + std::to_string(v);
  }
  return out;
}

/// "path|path..." of the valued paths.
template <class V>
std::string valued(const path_map<V>& m) {
  return join(keys(m));
}

path_map<unit> units(std::initializer_list<std::string> ks) {
  path_map<unit> m;
  for (const auto& k : ks)
    m.set_val_at(k, unit{});
  return m;
}

std::uint32_t rc_of(const pathmap::detail::node_header* h) {
  return h ? h->rc.load() : 0;
}

} // namespace

// -- join ----------------------------------------------------------------------------------------

TEST_CASE("join: every path of either side, the crate's city example") {
  const std::vector<std::string> rs{"Abbotsford", "Abbottabad",       "Abcoude",
                                    "Abdul Hakim", "Abdulino",         "Abdullahnagar",
                                    "Abdurahmoni Jomi", "Abejorral", "Abelardo Luz"};
  path_map<int> a, b;
  for (int i = 0; i < int(rs.size()); ++i)
    (i % 2 == 0 ? a : b).set_val_at(rs[std::size_t(i)], i);
  auto joined = a.join(b);
  CHECK(joined.val_count() == rs.size());
  for (auto&& [p, v] : joined)
    CHECK(str(p) == rs[std::size_t(v)]);
  path_map<int> c = a;
  CHECK(c.join_into(b) == algebraic_status::element);
  CHECK(vals(c) == vals(joined));
}

TEST_CASE("join keeps dangling structure of both sides") {
  // left: dangling [9,40,1]; right: [9,10] dangling, [9,11] -> 11, [9,12,0] -> 12
  path_map<int> l, r;
  l.create_path(bytes({9, 40, 1}));
  r.create_path(bytes({9, 10}));
  r.set_val_at(bytes({9, 11}), 11);
  r.set_val_at(bytes({9, 12, 0}), 12);
  auto j = l.join(r);
  auto z = j.read_zipper_at_path(bytes({9}));
  CHECK(z.child_count() == 4u);
  CHECK(j.path_exists_at(bytes({9, 40, 1})));
  CHECK(j.path_exists_at(bytes({9, 10})));
  CHECK(j.get_val_at(bytes({9, 10})) == nullptr);
  CHECK(*j.get_val_at(bytes({9, 11})) == 11);
  CHECK(*j.get_val_at(bytes({9, 12, 0})) == 12);
  CHECK(all_paths(j) == all_paths(r.join(l)));
}

TEST_CASE("join: integer values, the left value wins") {
  auto a = build_map<int>({{"k", 1}, {"a", 2}});
  auto b = build_map<int>({{"k", 10}, {"b", 20}});
  CHECK(vals(a.join(b)) == "a=2|b=20|k=1");
  CHECK(vals(b.join(a)) == "a=2|b=20|k=10");
}

TEST_CASE("join aligns keys split at different places in the two tries") {
  // `a` stores "abcdef" as one key; `b` has it split at every byte by a branch.
  path_map<int> a, b;
  a.set_val_at("abcdef", 1);
  for (std::string s : {"ax", "abx", "abcx", "abcdx", "abcdex"})
    b.set_val_at(s, 2);
  b.set_val_at("abcdef", 3);
  auto j = a.join(b);
  CHECK(vals(j) == "abcdef=1|abcdex=2|abcdx=2|abcx=2|abx=2|ax=2");
  CHECK(vals(b.join(a)) == "abcdef=3|abcdex=2|abcdx=2|abcx=2|abx=2|ax=2");
  auto m = a.meet(b);
  CHECK(vals(m) == "abcdef=1");
  CHECK(all_paths(m) == all_prefixes({"abcdef"}));
  auto d = b.subtract(a);
  CHECK(vals(d) == "abcdef=3|abcdex=2|abcdx=2|abcx=2|abx=2|ax=2"); // 3 - 1: left stays
  auto d2 = a.subtract(b);
  CHECK(vals(d2) == "abcdef=1");
  path_map<int> c;
  c.set_val_at("abcdef", 3);
  CHECK(b.subtract(c).val_count() == 5u);
  CHECK_FALSE(b.subtract(c).contains("abcdef"));
}

TEST_CASE("join of a long key with a key that diverges in its middle") {
  std::string k1(600, 'x'), k2(600, 'x');
  k2[300] = 'y';
  path_map<int> a, b;
  a.set_val_at(k1, 1);
  b.set_val_at(k2, 2);
  auto j = a.join(b);
  CHECK(j.val_count() == 2u);
  CHECK(*j.get_val_at(k1) == 1);
  CHECK(*j.get_val_at(k2) == 2);
  auto m = a.meet(b);
  CHECK(m.val_count() == 0u);
  CHECK(m.path_exists_at(k1.substr(0, 300)));
  CHECK_FALSE(m.path_exists_at(k1.substr(0, 301)));
  CHECK(vals(a.subtract(b)) == vals(a));
  CHECK(a.subtract(b).root_node() == a.root_node());
}

// -- meet ----------------------------------------------------------------------------------------

TEST_CASE("meet: a path on both sides stays, dangling when only one side has a value") {
  path_map<int> l, r;
  l.create_path(bytes({7, 1, 0}));
  r.set_val_at(bytes({7, 1, 0}), 10);
  auto m = l.meet(r);
  CHECK(m.path_exists_at(bytes({7, 1, 0})));
  CHECK(m.get_val_at(bytes({7, 1, 0})) == nullptr);
  CHECK(m.val_count() == 0u);
  CHECK_FALSE(m.is_empty());
}

TEST_CASE("meet: a dangling leaf meets a longer path") {
  path_map<int> l, r;
  l.create_path("OneTwo");
  r.create_path("OneTwoThree");
  auto m = l.meet(r);
  CHECK(m.path_exists_at("OneTwo"));
  CHECK_FALSE(m.path_exists_at("OneTwoT"));
  CHECK(all_paths(m) == all_paths(r.meet(l)));
}

TEST_CASE("meet drops branches on one side only and keeps values of both") {
  auto a = build_map<int>({{"apple", 1}, {"banana", 2}, {"cherry", 3}});
  auto b = build_map<int>({{"banana", 20}, {"cherry", 30}, {"date", 40}});
  auto m = a.meet(b);
  CHECK(vals(m) == "banana=2|cherry=3");
  CHECK(all_paths(m) == all_prefixes({"banana", "cherry"}));
  CHECK_FALSE(m.path_exists_at("a"));
  CHECK_FALSE(m.path_exists_at("d"));
}

TEST_CASE("meet of disjoint maps with a shared prefix leaves the prefix dangling") {
  auto a = build_map<int>({{"ab", 1}});
  auto b = build_map<int>({{"ac", 2}});
  auto m = a.meet(b);
  CHECK(m.val_count() == 0u);
  CHECK(all_paths(m) == std::vector<std::string>{"a"});
  auto x = build_map<int>({{"x", 1}});
  CHECK(a.meet(x).is_empty());
}

TEST_CASE("meet with bool values: and, with the value dropped where it cancels") {
  path_map<bool> a, b;
  a.set_val_at("t", true);
  a.set_val_at("f", true);
  b.set_val_at("t", true);
  b.set_val_at("f", false);
  auto m = a.meet(b);
  CHECK(*m.get_val_at("t"));
  CHECK_FALSE(*m.get_val_at("f"));
  auto j = b.join(a);
  CHECK(*j.get_val_at("f"));
}

// -- subtract --------------------------------------------------------------------------------------

TEST_CASE("subtract removes values the other side cancels and prunes what is left empty") {
  auto a = units({"ab", "ac", "b"});
  auto b = units({"ab", "b"});
  auto d = a.subtract(b);
  CHECK(valued(d) == "ac");
  CHECK(all_paths(d) == all_prefixes({"ac"}));
}

TEST_CASE("subtract: a dangling path goes when the other side has it, stays otherwise") {
  path_map<unit> a;
  a.create_path("dangle");
  a.set_val_at("v", unit{});
  path_map<unit> same;
  same.create_path("dangle");
  CHECK_FALSE(a.subtract(same).path_exists_at("dangle"));
  CHECK(a.subtract(same).contains("v"));
  path_map<unit> longer;
  longer.create_path("dangle/longer");
  CHECK_FALSE(a.subtract(longer).path_exists_at("dangle"));
  path_map<unit> other;
  other.create_path("other");
  auto d = a.subtract(other);
  CHECK(d.path_exists_at("dangle"));
  CHECK(d.root_node() == a.root_node());
  path_map<unit> shorter;
  shorter.create_path("dan");
  CHECK(a.subtract(shorter).path_exists_at("dangle"));
}

TEST_CASE("subtract: a dangling path on the right removes nothing below it (identity)") {
  auto a = units({"e/sub"});
  path_map<unit> b;
  b.create_path("e");
  auto d = a.subtract(b);
  CHECK(valued(d) == "e/sub");
  CHECK(d.root_node() == a.root_node());
  path_map<unit> c = a;
  CHECK(c.subtract_into(b) == algebraic_status::identity);
  CHECK(c.root_node() == a.root_node());
}

TEST_CASE("subtract with integer values: equal values cancel, different ones stay") {
  auto a = build_map<int>({{"same", 1}, {"diff", 2}, {"only", 3}});
  auto b = build_map<int>({{"same", 1}, {"diff", 5}});
  CHECK(vals(a.subtract(b)) == "diff=2|only=3");
}

TEST_CASE("subtract_cow gives subtract's result; a copy cancels except where it changed") {
  auto a = build_map<int>({{"same", 1}, {"diff", 2}, {"only", 3}, {"deep/er/path", 4}});
  auto b = build_map<int>({{"same", 1}, {"diff", 5}});
  CHECK(vals(a.subtract_cow(b)) == vals(a.subtract(b)));
  CHECK(a.subtract_cow(a).is_empty());
  path_map<int> copy = a;
  copy.set_val_at("diff", 7);
  copy.set_val_at("new", 8);
  CHECK(vals(a.subtract_cow(copy)) == "diff=2");
  CHECK(vals(a.subtract_cow(copy)) == vals(a.subtract(copy)));
}

// -- restrict ----------------------------------------------------------------------------------------

TEST_CASE("restrict keeps the paths with a valued prefix in the other map") {
  auto a = build_map<int>({{"a", 1}, {"abc", 2}, {"abd", 3}, {"b", 4}, {"bcd", 5}});
  path_map<int> b;
  b.set_val_at("ab", 9);
  b.set_val_at("bcd", 9);
  b.set_val_at("zzz", 9);
  auto r = a.restrict(b);
  CHECK(vals(r) == "abc=2|abd=3|bcd=5");
  CHECK(all_paths(r) == all_prefixes({"abc", "abd", "bcd"}));
}

TEST_CASE("restrict: dangling paths on the right allow nothing and restrict nothing away") {
  auto a = build_map<int>({{"ab", 1}, {"cd", 2}});
  path_map<int> b;
  b.create_path("ab");
  b.set_val_at("c", 0);
  auto r = a.restrict(b);
  CHECK(vals(r) == "cd=2");
  path_map<int> only_dangling;
  only_dangling.create_path("abc");
  CHECK(a.restrict(only_dangling).is_empty());
}

TEST_CASE("restrict: a root value on the right allows everything, else there is no root value") {
  auto a = build_map<int>({{"", 7}, {"x", 1}});
  path_map<int> all;
  all.set_val_at("", 0);
  auto r = a.restrict(all);
  CHECK(r.root_node() == a.root_node());
  CHECK(*r.get_val_at("") == 7);
  path_map<int> x;
  x.set_val_at("x", 0);
  auto rx = a.restrict(x);
  CHECK(rx.get_val_at("") == nullptr);
  CHECK(*rx.get_val_at("x") == 1);
  CHECK(rx.root_node() == a.root_node()); // the trie part is an identity
}

TEST_CASE("restrict keeps left dangling paths below an allowed prefix") {
  path_map<int> a;
  a.create_path("keep/dangling");
  a.create_path("drop/dangling");
  path_map<int> b;
  b.set_val_at("keep", 1);
  auto r = a.restrict(b);
  CHECK(r.path_exists_at("keep/dangling"));
  CHECK_FALSE(r.path_exists_at("drop"));
}

TEST_CASE("restrict_by_paths: restrict's values, plus the paths both maps have, any guard type") {
  auto a = build_map<int>({{"abc", 1}, {"abd", 2}, {"x/y", 3}, {"x/z", 4}});
  a.create_path("x/dangling");
  path_map<std::string> guard;
  guard.create_path("abcdef"); // longer than a's "abc", no value: structure only
  guard.set_val_at("x/", "all of x/");
  auto r = a.restrict_by_paths(guard);
  CHECK(vals(r) == "x/y=3|x/z=4");
  CHECK(r.path_exists_at("abc"));       // exists in both: kept, dangling
  CHECK_FALSE(r.path_exists_at("abd")); // only in a
  CHECK(r.path_exists_at("x/dangling")); // below a guard value, as restrict keeps it
  CHECK_FALSE(r.get_val_at({}));

  path_map<std::monostate> everything;
  everything.set_val_at({}, {});
  CHECK(a.restrict_by_paths(everything).root_node() == a.root_node());
  CHECK(a.restrict_by_paths(path_map<char>()).is_empty());
}

TEST_CASE("restrict_by_paths walks megabyte paths in linear time") {
  const std::string deep(std::size_t{1} << 20, 'q');
  path_map<int> a;
  for (std::size_t len = 1; len <= deep.size(); len += 4096)
    a.set_val_at(path_view(deep).subview(0, len), int(len));
  a.set_val_at(deep, -1);
  path_map<std::monostate> by_value;
  by_value.set_val_at("q", {});
  CHECK(a.restrict_by_paths(by_value).val_count() == a.val_count());
  path_map<std::monostate> by_path;
  by_path.create_path(deep);
  auto r = a.restrict_by_paths(by_path);
  CHECK(r.val_count() == 0);
  CHECK(r.path_exists_at(deep));
}

TEST_CASE("restrict_by_paths agrees with restrict on values and adds the common paths") {
  for (std::uint64_t seed : {11u, 12u, 13u, 14u}) {
    CAPTURE(seed);
    std::mt19937_64 rng(seed);
    auto random_map = [&](int n) {
      path_map<int> m;
      for (int i = 0; i < n; ++i) {
        std::string k;
        for (int l = 1 + int(rng() % 6); l > 0; --l)
          k.push_back(char('a' + rng() % 3));
        if (rng() % 4 == 0)
          m.create_path(k);
        else
          m.set_val_at(k, int(rng() % 100));
      }
      return m;
    };
    auto a = random_map(int(scaled(300, 60))), b = random_map(int(scaled(40, 10)));
    auto r = a.restrict_by_paths(b);
    auto plain = a.restrict(b);
    CHECK(vals(r) == vals(plain));
    std::set<std::string> want;
    for (auto& p : all_paths(plain))
      want.insert(p);
    std::set<std::string> in_b;
    for (auto& p : all_paths(b))
      in_b.insert(p);
    for (auto& p : all_paths(a))
      if (in_b.count(p))
        want.insert(p);
    auto got_v = all_paths(r);
    CHECK(std::set<std::string>(got_v.begin(), got_v.end()) == want);
  }
}

// -- root values ------------------------------------------------------------------------------------

TEST_CASE("root values without a trie take part as the value at the empty path") {
  path_map<unit> a, b;
  a.set_val_at("", unit{});
  CHECK(a.join(b).get_val_at("") != nullptr);
  path_map<unit> c = b;
  c.join_into(a);
  CHECK(c.get_val_at("") != nullptr);
  CHECK(a.meet(b).get_val_at("") == nullptr);
  CHECK(a.meet(a).get_val_at("") != nullptr);
  CHECK(a.subtract(b).get_val_at("") != nullptr);
  CHECK(a.subtract(a).get_val_at("") == nullptr);
  CHECK(a.restrict(a).get_val_at("") != nullptr);
  CHECK(a.restrict(b).get_val_at("") == nullptr);
}

TEST_CASE("root values with a trie: the crate's partial results") {
  using L = pathmap::lattice<path_map<unit>>;
  auto a = units({"", "AA"});
  auto b = units({"BB"});
  auto c = units({"AA"});
  auto d = units({""});
  auto j = L::pjoin(a, b);
  REQUIRE(j.is_element());
  CHECK(valued(j.get()) == "|AA|BB");
  CHECK(L::pjoin(a, c).is_identity());
  CHECK(L::pjoin(a, d).is_identity());
  CHECK(L::pmeet(a, a).is_identity());
  CHECK(L::pmeet(a, b).is_none());
  // The crate answers element here; the result equals c, and naming that identity is exact
  // (a lower status is always allowed, a more precise one too).
  auto m = L::pmeet(a, c);
  REQUIRE(m.is_identity());
  CHECK(m.identity_mask() == pathmap::counter_ident);
  CHECK(valued(std::move(m).unwrap_or(a, c, {})) == "AA");
  auto md = L::pmeet(a, d); // equals d
  REQUIRE(md.is_identity());
  CHECK(md.identity_mask() == pathmap::counter_ident);
  auto mdm = std::move(md).unwrap_or(a, d, {});
  CHECK(valued(mdm) == "");
  CHECK(mdm.get_val_at("") != nullptr);
  CHECK(L::psubtract(a, a).is_none());
  CHECK(L::psubtract(a, b).is_identity());
  auto sc = L::psubtract(a, c);
  REQUIRE(sc.is_element());
  CHECK(valued(sc.get()) == "");
  auto sd = L::psubtract(a, d);
  REQUIRE(sd.is_element());
  CHECK(valued(sd.get()) == "AA");
  CHECK(a.restrict(b).is_empty());
  CHECK(valued(a.restrict(c)) == "AA");
  CHECK(a.restrict(c).get_val_at("") == nullptr);
  CHECK(a.restrict(d).root_node() == a.root_node());
}

TEST_CASE("join_val_at inserts, keeps, replaces or removes by the value lattice") {
  path_map<bool> m;
  CHECK(m.join_val_at("k", false) == algebraic_status::element);
  CHECK(m.join_val_at("k", false) == algebraic_status::identity);
  CHECK(m.join_val_at("k", true) == algebraic_status::element);
  CHECK(*m.get_val_at("k"));
  CHECK(m.join_val_at("", true) == algebraic_status::element);
  CHECK(m.join_val_at("", false) == algebraic_status::identity);
  path_map<std::optional<int>> o;
  o.set_val_at("a/b", std::nullopt);
  CHECK(o.join_val_at("a/b", std::nullopt) == algebraic_status::none); // none v none = none
  CHECK_FALSE(o.path_exists_at("a"));
}

// -- in-place whole-map forms ------------------------------------------------------------------------

TEST_CASE("join_into, meet_into and subtract_into report what happened to the map") {
  auto base = build_map<int>({{"a", 1}, {"b", 2}});
  path_map<int> m = base;
  CHECK(m.join_into(build_map<int>({{"a", 5}})) == algebraic_status::identity);
  CHECK(m.root_node() == base.root_node());
  CHECK(m.join_into(build_map<int>({{"c", 3}})) == algebraic_status::element);
  CHECK(vals(m) == "a=1|b=2|c=3");
  path_map<int> e;
  CHECK(e.join_into(path_map<int>()) == algebraic_status::none);
  CHECK(e.join_into(base) == algebraic_status::element);
  CHECK(e.root_node() == base.root_node()); // an empty map takes the other's nodes

  path_map<int> m2 = base;
  CHECK(m2.meet_into(base) == algebraic_status::identity);
  CHECK(m2.meet_into(build_map<int>({{"a", 0}})) == algebraic_status::element);
  CHECK(vals(m2) == "a=1");
  CHECK(m2.meet_into(build_map<int>({{"z", 0}})) == algebraic_status::none);
  CHECK(m2.is_empty());

  path_map<int> m3 = base;
  CHECK(m3.subtract_into(build_map<int>({{"z", 0}})) == algebraic_status::identity);
  CHECK(m3.subtract_into(build_map<int>({{"a", 1}})) == algebraic_status::element);
  CHECK(vals(m3) == "b=2");
  CHECK(m3.subtract_into(m3) == algebraic_status::none);
  CHECK(m3.is_empty());
  CHECK(vals(base) == "a=1|b=2"); // copies were never touched
}

// -- sharing -------------------------------------------------------------------------------------------

TEST_CASE("identities reuse the operand's nodes: join with itself or with an empty map") {
  auto a = roman_map<int>();
  path_map<int> empty;
  auto rc0 = rc_of(a.root_node());
  {
    auto j = a.join(a);
    CHECK(j.root_node() == a.root_node());
    CHECK(rc_of(a.root_node()) == rc0 + 1); // only the root pointer was shared
    auto je = a.join(empty);
    CHECK(je.root_node() == a.root_node());
    auto ej = empty.join(a);
    CHECK(ej.root_node() == a.root_node());
    CHECK(a.meet(a).root_node() == a.root_node());
    CHECK(a.subtract(empty).root_node() == a.root_node());
    CHECK(a.subtract(a).is_empty());
    CHECK(empty.meet(a).is_empty());
  }
  CHECK(rc_of(a.root_node()) == rc0);
}

TEST_CASE("a copy joined back into its source shares every unchanged subtrie") {
  path_map<int> a;
  for (int i = 0; i < 2000; ++i)
    a.set_val_at(be32(std::uint32_t(i) * 2654435761u), i);
  path_map<int> c = a;
  c.set_val_at(be32(0) + "new", -1);
  auto j = a.join(c);
  CHECK(j.val_count() == a.val_count() + 1);
  // Every subtrie below a first byte other than 0 is the same node in a, c and j.
  auto rz = a.read_zipper();
  std::size_t same = 0, checked = 0;
  for (int b = 1; b < 256; ++b) {
    std::string p(1, char(b));
    if (!a.path_exists_at(p))
      continue;
    auto na = a.read_zipper_at_path(p).make_map();
    auto nj = j.read_zipper_at_path(p).make_map();
    ++checked;
    same += na.root_node() == nj.root_node();
  }
  CHECK(checked > 0);
  CHECK(same == checked);
  // Joining the other way shares too, and the unchanged map joins as an identity.
  CHECK(c.join(a).root_node() == c.root_node());
  path_map<int> target = a;
  CHECK(target.join_into(c) == algebraic_status::element);
  CHECK(target.val_count() == c.val_count());
}

// -- write zipper forms ----------------------------------------------------------------------------------

TEST_CASE("write_zipper::join_into joins descendants only, never the focus values") {
  auto m = build_map<int>({{"x", 1}, {"x/a", 2}});
  auto src = build_map<int>({{"y", 10}, {"y/b", 20}});
  auto wz = m.write_zipper_at_path("x");
  auto rz = src.read_zipper_at_path("y");
  CHECK(wz.join_into(rz) == algebraic_status::element);
  CHECK(vals(m) == "x=1|x/a=2|x/b=20");
  auto again = src.read_zipper_at_path("y");
  auto wz2 = m.write_zipper_at_path("x");
  CHECK(wz2.join_into(again) == algebraic_status::identity);
}

TEST_CASE("write_zipper::join_into statuses: both empty, source empty, target empty") {
  path_map<int> m, src;
  src.set_val_at("s/q", 1);
  src.set_val_at("s/r", 2);
  {
    auto wz = m.write_zipper_at_path("t/");
    auto rz = src.read_zipper_at_path("nothing");
    CHECK(wz.join_into(rz) == algebraic_status::none);
    CHECK_FALSE(m.path_exists_at("t"));
  }
  {
    auto wz = m.write_zipper_at_path("t/");
    auto rz = src.read_zipper_at_path("s/");
    CHECK(wz.join_into(rz) == algebraic_status::element); // takes src's subtrie, shared
  }
  CHECK(vals(m) == "t/q=1|t/r=2");
  CHECK(m.read_zipper_at_path("t/").make_map().root_node()
        == src.read_zipper_at_path("s/").make_map().root_node());
  {
    auto wz = m.write_zipper_at_path("t/");
    auto rz = src.read_zipper_at_path("nothing");
    CHECK(wz.join_into(rz) == algebraic_status::identity);
  }
}

TEST_CASE("write_zipper::join_into at foci inside keys, and from the same map") {
  path_map<int> m;
  m.set_val_at("abcdef", 1);
  m.set_val_at("qqxyz", 2);
  {
    auto wz = m.write_zipper_at_path("abc");
    auto rz = m.read_zipper_at_path("qq");
    CHECK(wz.join_into(rz) == algebraic_status::element);
  }
  CHECK(vals(m) == "abcdef=1|abcxyz=2|qqxyz=2");
  {
    auto wz = m.write_zipper();
    wz.descend_to("ab");
    auto self = m.read_zipper_at_path("ab");
    CHECK(wz.join_into(self) == algebraic_status::identity);
  }
}

TEST_CASE("write_zipper::join_map_into also joins the map's root value into the focus") {
  auto m = build_map<int>({{"p/a", 1}});
  auto wz = m.write_zipper_at_path("p");
  CHECK(wz.join_map_into(build_map<int>({{"", 5}, {"/b", 6}})) == algebraic_status::element);
  CHECK(wz.join_map_into(build_map<int>({{"", 9}})) == algebraic_status::identity);
  CHECK(wz.join_map_into(path_map<int>()) == algebraic_status::identity);
  CHECK(vals(m) == "p=5|p/a=1|p/b=6");
}

TEST_CASE("write_zipper::meet_into intersects below the focus, focus values included") {
  auto m = build_map<int>({{"f", 1}, {"f/a", 2}, {"f/b", 3}, {"g", 4}});
  auto src = build_map<int>({{"s", 9}, {"s/a", 9}, {"s/c", 9}});
  auto wz = m.write_zipper_at_path("f");
  auto rz = src.read_zipper_at_path("s");
  CHECK(wz.meet_into(rz, true) == algebraic_status::element);
  CHECK(vals(m) == "f=1|f/a=2|g=4");
  // A source without a focus value removes the focus value; with prune the dangling focus
  // goes. (A source "s/z" would keep the path "f/" that both sides have.)
  auto src2 = build_map<int>({{"sz", 9}});
  auto wz2 = m.write_zipper_at_path("f");
  auto rz2 = src2.read_zipper_at_path("s");
  CHECK(wz2.meet_into(rz2, true) == algebraic_status::none);
  CHECK(vals(m) == "g=4");
  CHECK_FALSE(m.path_exists_at("f"));
}

TEST_CASE("write_zipper::meet_into without prune leaves the focus dangling") {
  auto m = build_map<int>({{"f/a", 2}, {"g", 4}});
  auto src = build_map<int>({{"sz", 9}});
  auto wz = m.write_zipper_at_path("f");
  CHECK(wz.meet_into(src.read_zipper_at_path("s"), false) == algebraic_status::none);
  CHECK(m.path_exists_at("f"));
  CHECK_FALSE(m.path_exists_at("f/a"));
}

TEST_CASE("write_zipper::subtract_into removes below the focus, focus values included") {
  auto m = build_map<int>({{"f", 1}, {"f/a", 2}, {"f/b", 3}});
  auto src = build_map<int>({{"s", 1}, {"s/a", 2}});
  auto wz = m.write_zipper_at_path("f");
  CHECK(wz.subtract_into(src.read_zipper_at_path("s"), true) == algebraic_status::element);
  CHECK(vals(m) == "f/b=3");
  auto wz2 = m.write_zipper_at_path("f");
  CHECK(wz2.subtract_into(m.read_zipper_at_path("f"), true) == algebraic_status::none);
  CHECK(m.is_empty());
}

TEST_CASE("write_zipper::restrict keeps paths allowed by the source, never the focus value") {
  auto m = build_map<int>({{"f", 1}, {"f/ab", 2}, {"f/ac", 3}, {"f/b", 4}});
  auto src = build_map<int>({{"s/a", 0}});
  {
    auto wz = m.write_zipper_at_path("f");
    CHECK(wz.restrict(src.read_zipper_at_path("s")) == algebraic_status::element);
  }
  CHECK(vals(m) == "f=1|f/ab=2|f/ac=3");
  {
    auto wz = m.write_zipper_at_path("f");
    CHECK(wz.restrict(src.read_zipper_at_path("s")) == algebraic_status::identity);
    auto with_val = build_map<int>({{"v", 0}});
    CHECK(wz.restrict(with_val.read_zipper_at_path("v")) == algebraic_status::identity);
    CHECK(wz.restrict(src.read_zipper_at_path("missing")) == algebraic_status::none);
  }
  CHECK(vals(m) == "f=1");
}

TEST_CASE("the algebra works through zipper-head writers and on maps with cell nodes") {
  auto m = build_map<int>({{"x/a", 1}, {"y/b", 2}});
  auto src = build_map<int>({{"s/c", 3}, {"s/d", 4}});
  {
    auto head = m.zipper_head();
    auto wx = head.write_zipper_at_exclusive_path("x/");
    REQUIRE(wx.has_value());
    auto wy = head.write_zipper_at_exclusive_path("y/");
    REQUIRE(wy.has_value());
    CHECK(wx->join_into(src.read_zipper_at_path("s/")) == algebraic_status::element);
    CHECK(wy->meet_into(src.read_zipper_at_path("s/"), false) == algebraic_status::none);
    CHECK(wx->drop_head(0));
  }
  CHECK(vals(m) == "x/a=1|x/c=3|x/d=4");
  CHECK(m.path_exists_at("y/"));
  // `m` now holds cell nodes; they read like any node in the algebra.
  auto other = build_map<int>({{"x/a", 9}, {"x/z", 8}, {"y/", 7}});
  CHECK(vals(m.join(other)) == "x/a=1|x/c=3|x/d=4|x/z=8|y/=7");
  CHECK(vals(other.join(m)) == "x/a=9|x/c=3|x/d=4|x/z=8|y/=7");
  CHECK(vals(m.meet(other)) == "x/a=1");
  CHECK(vals(m.subtract(other)) == "x/a=1|x/c=3|x/d=4");
  CHECK(vals(m.restrict(other)) == "x/a=1"); // "x/a" is valued in other; "y/" stays dangling
  CHECK(m.restrict(other).path_exists_at("y/"));
  CHECK(m.join(m).root_node() == m.root_node());
  int n = pathmap::into_cata_side_effect(m, [](const pathmap::byte_mask&, std::span<int> kids,
                                               const int* v, path_view) {
    int s = v ? 1 : 0;
    for (int k : kids)
      s += k;
    return s;
  });
  CHECK(n == 3);
}

TEST_CASE("write_zipper::meet_2 replaces the focus subtrie with the meet of two sources") {
  auto m = build_map<int>({{"t", 0}, {"t/old", 1}});
  auto a = build_map<int>({{"a/x", 1}, {"a/y", 2}});
  auto b = build_map<int>({{"b/y", 3}, {"b/z", 4}});
  auto wz = m.write_zipper_at_path("t");
  CHECK(wz.meet_2(a.read_zipper_at_path("a"), b.read_zipper_at_path("b"))
        == algebraic_status::element);
  CHECK(vals(m) == "t=0|t/y=2");
  CHECK(wz.meet_2(a.read_zipper_at_path("a/x"), b.read_zipper_at_path("b"))
        == algebraic_status::none);
  CHECK(vals(m) == "t=0");
}

TEST_CASE("write_zipper::restricting limits the source by this subtrie's values") {
  auto m = build_map<int>({{"f/ab", 0}, {"f/c", 0}});
  auto src = build_map<int>({{"s/abx", 1}, {"s/aby", 2}, {"s/b", 3}, {"s/cz", 4}, {"s/a", 5}});
  {
    auto wz = m.write_zipper_at_path("f/");
    CHECK(wz.restricting(src.read_zipper_at_path("s/")));
  }
  CHECK(vals(m) == "f/abx=1|f/aby=2|f/cz=4");
  {
    auto wz = m.write_zipper_at_path("f/");
    CHECK_FALSE(wz.restricting(src.read_zipper_at_path("none")));
  }
  CHECK(m.val_count() == 3u);
}

TEST_CASE("write_zipper::join_into_take moves a subtrie from one zipper into another") {
  auto m = build_map<int>({{"dst/a", 1}, {"src", 9}, {"src/b", 2}, {"src/a", 3}});
  auto other = build_map<int>({{"o/c", 4}});
  {
    auto dst = m.write_zipper_at_path("dst/");
    auto src = other.write_zipper_at_path("o/");
    CHECK(dst.join_into_take(src, true) == algebraic_status::element);
  }
  CHECK(vals(m) == "dst/a=1|dst/c=4|src=9|src/a=3|src/b=2");
  CHECK(other.is_empty());
  {
    auto dst = m.write_zipper_at_path("dst/");
    auto src = other.write_zipper_at_path("o/");
    CHECK(dst.join_into_take(src, true) == algebraic_status::identity);
    auto nothing = m.write_zipper_at_path("nothing/");
    CHECK(nothing.join_into_take(src, true) == algebraic_status::none);
  }
}

// -- k-path collapses ----------------------------------------------------------------------------------

TEST_CASE("drop_head removes the first bytes of every path and joins the rest") {
  auto m = build_map<int>({{"ab", 1}, {"ac", 2}, {"bd", 3}});
  auto wz = m.write_zipper();
  CHECK(wz.drop_head(1));
  CHECK(vals(m) == "b=1|c=2|d=3");
}

TEST_CASE("drop_head: colliding paths join with the earlier path on the left") {
  auto m = build_map<int>({{"ax", 1}, {"bx", 2}, {"cy", 3}, {"p", 4}});
  auto wz = m.write_zipper();
  CHECK(wz.drop_head(1));
  CHECK(vals(m) == "=4|x=1|y=3"); // "p" is exactly one byte long: its value goes to the focus
}

TEST_CASE("drop_head: values found exactly k bytes down join into the focus value") {
  auto m = build_map<int>({{"r", 0}, {"r/a", 1}, {"r/b", 2}, {"r/ac", 3}});
  auto wz = m.write_zipper_at_path("r/");
  CHECK(wz.drop_head(1));
  CHECK(vals(m) == "r=0|r/=1|r/c=3");
  auto m2 = build_map<int>({{"q", 7}, {"q/a", 1}});
  auto wz2 = m2.write_zipper_at_path("q");
  CHECK(wz2.join_k_path_into(2, true));
  CHECK(vals(m2) == "q=7"); // existing focus value wins (left)
}

TEST_CASE("join_k_path_into: nothing deep enough leaves nothing, pruned when asked") {
  auto m = build_map<int>({{"z/a", 1}, {"zz", 2}});
  {
    auto wz = m.write_zipper_at_path("z/");
    CHECK_FALSE(wz.join_k_path_into(3, false));
  }
  CHECK(m.path_exists_at("z/"));
  CHECK_FALSE(m.path_exists_at("z/a"));
  {
    auto wz = m.write_zipper_at_path("z/");
    CHECK_FALSE(wz.join_k_path_into(1, true));
  }
  CHECK_FALSE(m.path_exists_at("z/"));
  CHECK(vals(m) == "zz=2");
}

TEST_CASE("join_k_path_into collapses keys split inside node keys") {
  path_map<int> m;
  m.set_val_at("aaaa-one", 1);
  m.set_val_at("bbbb-two", 2);
  m.set_val_at("cccc-one", 3);
  auto wz = m.write_zipper();
  CHECK(wz.join_k_path_into(4, true));
  CHECK(vals(m) == "-one=1|-two=2");
}

TEST_CASE("meet_k_path_into keeps what every k-path subtrie has") {
  auto m = build_map<int>({{"ax", 1}, {"ay", 2}, {"bx", 3}, {"by", 4}, {"cx", 5}});
  {
    auto wz = m.write_zipper();
    CHECK(wz.meet_k_path_into(1, true));
  }
  CHECK(vals(m) == "x=1");
  auto m2 = build_map<int>({{"ax", 1}, {"by", 2}});
  {
    auto wz = m2.write_zipper();
    CHECK_FALSE(wz.meet_k_path_into(1, true));
  }
  CHECK(m2.is_empty());
}

TEST_CASE("k-path collapses with more than one level of fan-out (dense nodes)") {
  path_map<int> m;
  for (int i = 0; i < 40; ++i)
    for (int j = 0; j < 40; ++j)
      m.set_val_at(std::string{char('0' + i), char('0' + j), 'v'}, i * 100 + j);
  path_map<int> m2 = m;
  auto wz = m.write_zipper();
  CHECK(wz.drop_head(2));
  CHECK(vals(m) == "v=0");
  auto wz2 = m2.write_zipper();
  CHECK(wz2.meet_k_path_into(1, true));
  CHECK(m2.val_count() == 40u);
  CHECK(*m2.get_val_at(std::string{'5', 'v'}) == 5);
}

// -- long paths --------------------------------------------------------------------------------------

TEST_CASE("the algebra handles megabyte paths without deep recursion") {
  std::string base(1 << 20, 'p');
  path_map<int> a, b;
  a.set_val_at(base + "a", 1);
  a.set_val_at(base, 0);
  b.set_val_at(base + "b", 2);
  b.set_val_at(base, 5);
  auto j = a.join(b);
  CHECK(j.val_count() == 3u);
  CHECK(*j.get_val_at(base) == 0);
  auto m = a.meet(b);
  CHECK(m.val_count() == 1u);
  CHECK(m.path_exists_at(base));
  auto d = a.subtract(b);
  CHECK(d.val_count() == 2u);
  auto r = a.restrict(b);
  CHECK(r.val_count() == 2u); // b's value at `base` allows both of a's
  path_map<int> c = a;
  CHECK(c.join_into(b) == algebraic_status::element);
  CHECK(c.val_count() == 3u);
  auto wz = c.write_zipper();
  CHECK(wz.drop_head(base.size()));
  CHECK(vals(c) == "=0|a=1|b=2");
}

TEST_CASE("algebra results hold no dangling references: operands may die first") {
  live_guard<counted> guard;
  path_map<counted> result;
  {
    path_map<counted> a, b;
    for (int i = 0; i < 100; ++i) {
      a.set_val_at("k" + std::to_string(i), counted{i});
      b.set_val_at("k" + std::to_string(i * 2), counted{i});
    }
    result = a.restrict(b);
  }
  // "kN" is allowed when "k" + a prefix of N's digits is an even number below 200.
  std::size_t expected = 0;
  for (int i = 0; i < 100; ++i) {
    std::string n = std::to_string(i);
    bool ok = false;
    for (std::size_t len = 1; len <= n.size(); ++len)
      ok |= std::stoi(n.substr(0, len)) % 2 == 0;
    expected += ok;
  }
  CHECK(result.val_count() == expected);
  for (auto&& [p, v] : result)
    CHECK(str(p) == "k" + std::to_string(v.value));
}

TEST_SUITE_END();
