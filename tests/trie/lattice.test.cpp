// The value algebra (PATHMAP-SPEC §4.1): algebraic_result, algebraic_status, and the defaults of
// pathmap::lattice<V> (unit, bool, integers, optional, byte masks, sets and maps, nested maps,
// member-function lattices).
#include "pathmap/lattice.hpp"

#include "pathmap/path_map.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <variant>

using pathmap::algebraic_result;
using pathmap::algebraic_status;
using pathmap::counter_ident;
using pathmap::lattice;
using pathmap::self_ident;

TEST_SUITE_BEGIN("lattice");

namespace {

template <class T>
std::uint8_t ident_of(const algebraic_result<T>& r) {
  REQUIRE(r.is_identity());
  return r.identity_mask();
}

/// A user type with member-function lattice operations (max on join, min on meet).
struct level {
  int v = 0;
  friend bool operator==(const level&, const level&) = default;

  algebraic_result<level> pjoin(const level& o) const {
    if (v == o.v)
      return algebraic_result<level>::identity(self_ident | counter_ident);
    return algebraic_result<level>::identity(v > o.v ? self_ident : counter_ident);
  }
  algebraic_result<level> pmeet(const level& o) const {
    if (v == o.v)
      return algebraic_result<level>::identity(self_ident | counter_ident);
    return algebraic_result<level>::identity(v < o.v ? self_ident : counter_ident);
  }
};

struct no_lattice {};

using bool_map = std::map<int, bool>;
using bool_hash_map = std::unordered_map<int, bool>;

} // namespace

// -- results and statuses ---------------------------------------------------------------------------

TEST_CASE("algebraic_result distinguishes none, identities and elements") {
  auto n = algebraic_result<int>::none();
  CHECK(n.is_none());
  CHECK_FALSE(n.is_identity());
  CHECK_FALSE(n.is_element());
  CHECK(n.identity_mask() == 0);
  CHECK(n.status() == algebraic_status::none);

  auto i = algebraic_result<int>::identity(counter_ident);
  CHECK(i.is_identity());
  CHECK(i.identity_mask() == counter_ident);
  CHECK(i.status() == algebraic_status::element); // self becomes other: a change
  CHECK(algebraic_result<int>::identity(self_ident).status() == algebraic_status::identity);

  auto e = algebraic_result<int>::element(42);
  CHECK(e.is_element());
  CHECK(e.get() == 42);
  CHECK(e.status() == algebraic_status::element);
}

TEST_CASE("algebraic_result converts to values, inverts identities and maps elements") {
  CHECK(algebraic_result<int>::identity(self_ident).into_option(1, 2) == std::optional<int>(1));
  CHECK(algebraic_result<int>::identity(counter_ident).into_option(1, 2)
        == std::optional<int>(2));
  CHECK(algebraic_result<int>::identity(self_ident | counter_ident).into_option(1, 2)
        == std::optional<int>(1)); // the lowest bit names the operand
  CHECK(algebraic_result<int>::none().into_option(1, 2) == std::nullopt);
  CHECK(algebraic_result<int>::element(7).into_option(1, 2) == std::optional<int>(7));
  CHECK(algebraic_result<int>::none().unwrap_or(1, 2, 9) == 9);

  CHECK(ident_of(algebraic_result<int>::identity(self_ident).invert_identity()) == counter_ident);
  CHECK(ident_of(algebraic_result<int>::identity(counter_ident).invert_identity()) == self_ident);
  CHECK(ident_of(algebraic_result<int>::identity(self_ident | counter_ident).invert_identity())
        == (self_ident | counter_ident));

  auto m = algebraic_result<int>::element(20).map([](int x) { return std::to_string(x); });
  CHECK(m.get() == "20");
  CHECK(algebraic_result<int>::none().map([](int x) { return x + 1; }).is_none());
  CHECK(ident_of(algebraic_result<int>::identity(counter_ident).map([](int x) { return x; }))
        == counter_ident);
}

TEST_CASE("algebraic_status orders element before identity before none") {
  CHECK(algebraic_status::element < algebraic_status::identity);
  CHECK(algebraic_status::identity < algebraic_status::none);
}

TEST_CASE("merge_status: none with identity is identity only if the none side was empty") {
  using s = algebraic_status;
  CHECK(pathmap::merge_status(s::element, s::identity, false, false) == s::element);
  CHECK(pathmap::merge_status(s::identity, s::element, false, false) == s::element);
  CHECK(pathmap::merge_status(s::identity, s::identity, false, false) == s::identity);
  CHECK(pathmap::merge_status(s::none, s::none, false, false) == s::none);
  CHECK(pathmap::merge_status(s::none, s::identity, true, false) == s::identity);
  CHECK(pathmap::merge_status(s::none, s::identity, false, false) == s::element);
  CHECK(pathmap::merge_status(s::identity, s::none, false, true) == s::identity);
  CHECK(pathmap::merge_status(s::identity, s::none, false, false) == s::element);
}

// -- defaults ----------------------------------------------------------------------------------------

TEST_CASE("the unit type: join and meet are identities of both, subtract cancels") {
  std::monostate u;
  CHECK(ident_of(lattice<std::monostate>::pjoin(u, u)) == (self_ident | counter_ident));
  CHECK(ident_of(lattice<std::monostate>::pmeet(u, u)) == (self_ident | counter_ident));
  CHECK(lattice<std::monostate>::psubtract(u, u).is_none());
  static_assert(pathmap::distributive_lattice_type<std::monostate>);
}

TEST_CASE("bool: join is or, meet is and, subtract cancels equal values") {
  using L = lattice<bool>;
  CHECK(ident_of(L::pjoin(false, true)) == counter_ident);
  CHECK(ident_of(L::pjoin(true, false)) == self_ident);
  CHECK(ident_of(L::pjoin(true, true)) == (self_ident | counter_ident));
  CHECK(ident_of(L::pjoin(false, false)) == (self_ident | counter_ident));
  CHECK(ident_of(L::pmeet(true, false)) == counter_ident);
  CHECK(ident_of(L::pmeet(false, true)) == self_ident);
  CHECK(ident_of(L::pmeet(true, true)) == (self_ident | counter_ident));
  CHECK(L::psubtract(true, true).is_none());
  CHECK(L::psubtract(false, false).is_none());
  CHECK(ident_of(L::psubtract(true, false)) == self_ident);
  CHECK(ident_of(L::psubtract(false, true)) == self_ident);
}

TEST_CASE_TEMPLATE("integers: the left value wins join and meet, equal values cancel", I,
                   std::uint8_t, std::uint16_t, std::uint32_t, std::uint64_t, std::size_t, int,
                   long long) {
  using L = lattice<I>;
  static_assert(pathmap::distributive_lattice_type<I>);
  CHECK(ident_of(L::pjoin(I(3), I(5))) == self_ident);
  CHECK(ident_of(L::pjoin(I(5), I(3))) == self_ident);
  CHECK(ident_of(L::pmeet(I(3), I(5))) == self_ident);
  CHECK(ident_of(L::pjoin(I(4), I(4))) == self_ident);
  CHECK(L::psubtract(I(4), I(4)).is_none());
  CHECK(ident_of(L::psubtract(I(4), I(9))) == self_ident);
}

TEST_CASE("optional: an empty optional is no value, two values use the inner lattice") {
  using O = std::optional<bool>;
  using L = lattice<O>;
  CHECK(L::pjoin(O{}, O{}).is_none());
  CHECK(ident_of(L::pjoin(O{}, O{true})) == counter_ident);
  CHECK(ident_of(L::pjoin(O{true}, O{})) == self_ident);
  CHECK(ident_of(L::pjoin(O{false}, O{true})) == counter_ident); // inner: or
  CHECK(L::pmeet(O{}, O{true}).is_none());
  CHECK(L::pmeet(O{true}, O{}).is_none());
  CHECK(ident_of(L::pmeet(O{true}, O{false})) == counter_ident); // inner: and
  CHECK(L::psubtract(O{}, O{true}).is_none());
  CHECK(ident_of(L::psubtract(O{true}, O{})) == self_ident);
  CHECK(L::psubtract(O{true}, O{true}).is_none());
  CHECK(ident_of(L::psubtract(O{true}, O{false})) == self_ident);
}

TEST_CASE("byte masks: or, and, and-not; an empty mask is none") {
  using pathmap::byte_mask;
  using L = lattice<byte_mask>;
  byte_mask a, b, ab;
  a.set(1);
  b.set(2);
  ab.set(1);
  ab.set(2);
  auto j = L::pjoin(a, b);
  REQUIRE(j.is_element());
  CHECK(j.get() == ab);
  CHECK(ident_of(L::pjoin(ab, a)) == self_ident);
  CHECK(ident_of(L::pjoin(a, ab)) == counter_ident);
  CHECK(L::pmeet(a, b).is_none());
  CHECK(ident_of(L::pmeet(ab, a)) == counter_ident);
  CHECK(L::psubtract(a, ab).is_none());
  CHECK(ident_of(L::psubtract(a, b)) == self_ident);
  auto s = L::psubtract(ab, a);
  REQUIRE(s.is_element());
  CHECK(s.get() == b);
}

TEST_CASE_TEMPLATE("sets: union, intersection, difference; an empty set is none", S,
                   std::set<int>, std::unordered_set<int>) {
  using L = lattice<S>;
  S a{1, 2}, b{2, 3}, abc{1, 2, 3};
  auto j = L::pjoin(a, b);
  REQUIRE(j.is_element());
  CHECK(j.get() == S{1, 2, 3});
  CHECK(ident_of(L::pjoin(abc, a)) == self_ident);
  CHECK(ident_of(L::pjoin(a, abc)) == counter_ident);
  CHECK(ident_of(L::pjoin(a, a)) == (self_ident | counter_ident));
  CHECK(L::pjoin(S{}, S{}).is_none());
  auto m = L::pmeet(a, b);
  REQUIRE(m.is_element());
  CHECK(m.get() == S{2});
  CHECK(ident_of(L::pmeet(a, abc)) == self_ident);
  CHECK(L::pmeet(S{1}, S{2}).is_none());
  auto d = L::psubtract(abc, b);
  REQUIRE(d.is_element());
  CHECK(d.get() == S{1});
  CHECK(ident_of(L::psubtract(a, S{7})) == self_ident);
  CHECK(L::psubtract(a, abc).is_none());
}

TEST_CASE_TEMPLATE("maps: keyed union and intersection with the values' lattice", M, bool_map,
                   bool_hash_map) {
  using L = lattice<M>;
  M a{{1, false}, {2, true}};
  M b{{2, false}, {3, true}};
  auto j = L::pjoin(a, b);
  REQUIRE(j.is_element());
  CHECK(j.get() == M{{1, false}, {2, true}, {3, true}}); // 2: true or false = true
  auto m = L::pmeet(a, b);
  REQUIRE(m.is_element());
  CHECK(m.get() == M{{2, false}}); // true and false = false (b's value)
  CHECK(ident_of(L::pjoin(a, a)) == (self_ident | counter_ident));
  CHECK(ident_of(L::pjoin(a, M{{2, false}})) == self_ident);
  CHECK(L::pmeet(M{{1, true}}, M{{2, true}}).is_none());
  CHECK(L::pjoin(M{}, M{}).is_none());
  auto d = L::psubtract(M{{1, true}, {2, true}}, M{{2, true}});
  REQUIRE(d.is_element());
  CHECK(d.get() == M{{1, true}});
  CHECK(ident_of(L::psubtract(M{{1, true}, {2, true}}, M{{2, false}})) == self_ident);
  CHECK(L::psubtract(M{{2, true}}, M{{2, true}}).is_none());
}

TEST_CASE("member functions pjoin/pmeet make a type a lattice") {
  static_assert(pathmap::lattice_type<level>);
  static_assert(!pathmap::distributive_lattice_type<level>);
  static_assert(!pathmap::lattice_type<no_lattice>);
  static_assert(!pathmap::lattice_type<std::string>);
  CHECK(ident_of(lattice<level>::pjoin(level{1}, level{5})) == counter_ident);
  CHECK(ident_of(lattice<level>::pmeet(level{1}, level{5})) == self_ident);

  pathmap::path_map<level> a, b;
  a.set_val_at("k", level{1});
  b.set_val_at("k", level{5});
  CHECK(a.join(b).get_val_at("k")->v == 5);
  CHECK(a.meet(b).get_val_at("k")->v == 1);
}

TEST_CASE("the in-place forms derive from the partial operations") {
  int x = 3;
  CHECK(pathmap::lattice_join_into(x, 5) == algebraic_status::identity);
  CHECK(x == 3);
  bool t = false;
  CHECK(pathmap::lattice_join_into(t, true) == algebraic_status::element);
  CHECK(t);
  CHECK(pathmap::lattice_meet_into(t, false) == algebraic_status::element);
  CHECK_FALSE(t);
  int y = 4;
  CHECK(pathmap::lattice_subtract_into(y, 4) == algebraic_status::none);
  CHECK(pathmap::lattice_subtract_into(y, 5) == algebraic_status::identity);
  std::set<int> s{1, 2};
  CHECK(pathmap::lattice_join_into(s, std::set<int>{3}) == algebraic_status::element);
  CHECK(s == std::set<int>{1, 2, 3});
}

TEST_CASE("nested maps are lattices: the trie algebra on the inner maps") {
  using inner = pathmap::path_map<int>;
  static_assert(pathmap::lattice_type<inner>);
  static_assert(pathmap::distributive_lattice_type<inner>);
  inner x, y;
  x.set_val_at("a", 1);
  y.set_val_at("b", 2);
  pathmap::path_map<inner> a, b;
  a.set_val_at("k", x);
  b.set_val_at("k", y);
  b.set_val_at("only_b", y);
  auto j = a.join(b);
  REQUIRE(j.get_val_at("k") != nullptr);
  CHECK(j.get_val_at("k")->val_count() == 2);
  CHECK(j.get_val_at("only_b") != nullptr);
  auto m = a.meet(b);
  CHECK(m.get_val_at("k") == nullptr); // the inner maps share nothing: none
  CHECK(m.path_exists_at("k"));        // the path exists on both sides
  auto same = a.join(a);
  CHECK(same.root_node() == a.root_node());
  auto d = a.subtract(a);
  CHECK(d.is_empty());
}

TEST_CASE("nested maps: partial results name identities") {
  using inner = pathmap::path_map<int>;
  using L = lattice<inner>;
  inner x, e;
  x.set_val_at("a", 1);
  CHECK(ident_of(L::pjoin(x, e)) == self_ident);
  CHECK(ident_of(L::pjoin(e, x)) == counter_ident);
  CHECK(ident_of(L::pjoin(x, x)) == (self_ident | counter_ident));
  CHECK(L::pjoin(e, e).is_none());
  CHECK(L::pmeet(x, e).is_none());
  CHECK(L::psubtract(x, x).is_none());
  CHECK(ident_of(L::psubtract(x, e)) == self_ident);
}

TEST_SUITE_END();
