// Property tests of the trie algebra on seeded random maps, against a model made of a
// std::map (the values) and a std::set (every existing path): join, meet, subtract and restrict
// on whole maps and at write-zipper foci, the lattice laws (commutative as sets of paths,
// associative, idempotent), subtract and meet partitioning a map, and sharing of identities.
// A failing case prints its seed (CAPTURE).
#include "pathmap/algebra.hpp"

#include "algebra_model.hpp"
#include "test_support.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

using pathmap::path_map;
using namespace pathmap_test;
using namespace pathmap_test::algebra_model;

TEST_SUITE_BEGIN("algebra-properties");

namespace {

std::size_t iterations(std::size_t n, const profile& pr) {
  return scaled(n * pr.weight / 4, 5);
}

} // namespace

// -- whole maps against the model -----------------------------------------------------------------

// The value types of the model tests: integers, and `boxed` (integers in heap memory with the
// same lattice), where a value the algebra moved from and still uses, or leaked, shows.
#define MODEL_VALUE_TYPES int, boxed

TEST_CASE_TEMPLATE("join, meet, subtract and restrict agree with the model on random maps", V,
                   MODEL_VALUE_TYPES) {
  for (const auto& pr : profiles) {
    CAPTURE(pr.name);
    for (std::uint64_t seed = 1; seed <= iterations(120, pr); ++seed) {
      CAPTURE(seed);
      splitmix64 rng{seed * 7919 + std::uint64_t(pr.alphabet)};
      auto [a, ma] = random_map<V>(rng, pr);
      auto [b, mb] = random_map<V>(rng, pr);
      REQUIRE(model_of(a) == ma);
      REQUIRE(model_of(b) == mb);
      CHECK(whole_map_differences(a, ma, b, mb) == "");
    }
  }
}

TEST_CASE("join and meet are commutative as sets of paths, associative and idempotent") {
  for (const auto& pr : profiles) {
    CAPTURE(pr.name);
    for (std::uint64_t seed = 1; seed <= iterations(60, pr); ++seed) {
      CAPTURE(seed);
      splitmix64 rng{seed * 104729 + std::uint64_t(pr.max_len)};
      auto a = random_map<int>(rng, pr).first;
      auto b = random_map<int>(rng, pr).first;
      auto c = random_map<int>(rng, pr).first;
      auto ab = model_of(a.join(b)), ba = model_of(b.join(a));
      CHECK(ab.paths == ba.paths);
      CHECK(keys(a.join(b)) == keys(b.join(a)));
      auto mab = model_of(a.meet(b)), mba = model_of(b.meet(a));
      CHECK(mab.paths == mba.paths);
      CHECK(keys(a.meet(b)) == keys(b.meet(a)));
      CHECK(model_of(a.join(b).join(c)) == model_of(a.join(b.join(c))));
      CHECK(model_of(a.meet(b).meet(c)) == model_of(a.meet(b.meet(c))));
      CHECK(a.join(a).root_node() == a.root_node());
      CHECK(a.meet(a).root_node() == a.root_node());
      CHECK(model_of(a.join(a)) == model_of(a));
      // Absorption: a ∨ (a ∧ b) = a and a ∧ (a ∨ b) = a.
      CHECK(model_of(a.join(a.meet(b))) == model_of(a));
      CHECK(model_of(a.meet(a.join(b))) == model_of(a));
    }
  }
}

TEST_CASE("subtract and meet partition a map's values, and cover its paths") {
  for (const auto& pr : profiles) {
    CAPTURE(pr.name);
    for (std::uint64_t seed = 1; seed <= iterations(80, pr); ++seed) {
      CAPTURE(seed);
      splitmix64 rng{seed * 15485863 + 17};
      auto [a, ma] = random_map<unit>(rng, pr);
      auto b = random_map<unit>(rng, pr).first;
      auto d = model_of(a.subtract(b));
      auto m = model_of(a.meet(b));
      for (const auto& [k, v] : d.vals)
        CHECK_MESSAGE(!m.vals.count(k), show(k));
      vmap all = d.vals;
      all.insert(m.vals.begin(), m.vals.end());
      CHECK(all == ma.vals);
      pset paths = d.paths;
      paths.insert(m.paths.begin(), m.paths.end());
      CHECK(paths == ma.paths);
    }
  }
}

TEST_CASE("restrict keeps exactly the paths with a valued prefix in the other map") {
  for (const auto& pr : profiles) {
    CAPTURE(pr.name);
    for (std::uint64_t seed = 1; seed <= iterations(80, pr); ++seed) {
      CAPTURE(seed);
      splitmix64 rng{seed * 2147483647 + 3};
      auto [a, ma] = random_map<int>(rng, pr);
      auto [b, mb] = random_map<int>(rng, pr);
      auto r = model_of(a.restrict(b));
      for (const auto& [k, v] : ma.vals)
        CHECK_MESSAGE(r.vals.count(k) == std::size_t(allowed_by(mb.vals, k)), show(k));
      CHECK(r == m_restrict(ma, mb));
    }
  }
}

TEST_CASE("identity results hold the operand's nodes") {
  for (const auto& pr : profiles) {
    CAPTURE(pr.name);
    for (std::uint64_t seed = 1; seed <= iterations(40, pr); ++seed) {
      CAPTURE(seed);
      splitmix64 rng{seed * 31 + 5};
      auto a = random_map<int>(rng, pr).first;
      auto b = random_map<int>(rng, pr).first;
      path_map<int> empty, all;
      all.set_val_at("", 0);
      CHECK(a.join(empty).root_node() == a.root_node());
      CHECK(empty.join(a).root_node() == a.root_node());
      CHECK(a.subtract(empty).root_node() == a.root_node());
      CHECK(a.restrict(all).root_node() == a.root_node());
      // A part of `a` (same values) joined into `a` is detected by content: nothing is built.
      auto part = a.meet(b);
      CHECK(a.join(part).root_node() == a.root_node());
      auto ua = random_map<unit>(rng, pr).first;
      auto ub = random_map<unit>(rng, pr).first;
      auto upart = ua.meet(ub);
      CHECK(ua.join(upart).root_node() == ua.root_node());
      CHECK(upart.join(ua).root_node() == ua.root_node());
      CHECK(ua.subtract(upart.subtract(ua)).root_node() == ua.root_node());
    }
  }
}

TEST_CASE("a modified copy joined back gives the model's join and shares the rest") {
  for (const auto& pr : profiles) {
    CAPTURE(pr.name);
    for (std::uint64_t seed = 1; seed <= iterations(60, pr); ++seed) {
      CAPTURE(seed);
      splitmix64 rng{seed * 65537 + 11};
      auto [a, ma] = random_map<int>(rng, pr);
      path_map<int> c = a;
      model mc = ma;
      for (int i = 0; i < 3; ++i) {
        std::string k = random_key(rng, pr);
        int v = int(rng.below(4));
        c.set_val_at(k, v);
        mc.vals[k] = v;
        add_prefixes(mc.paths, k);
      }
      CHECK(model_of(a.join(c)) == m_join(ma, mc));
      CHECK(model_of(c.join(a)) == m_join(mc, ma));
      CHECK(c.join(a).root_node() == c.root_node()); // c ⊇ a with c's values on the left
      path_map<int> t = a;
      t.join_into(c);
      CHECK(model_of(t) == m_join(ma, mc));
    }
  }
}

// -- write-zipper foci against the model ----------------------------------------------------------

TEST_CASE_TEMPLATE(
  "write-zipper join_into, meet_into, subtract_into and restrict agree with the model", V,
  MODEL_VALUE_TYPES) {
  for (const auto& pr : profiles) {
    CAPTURE(pr.name);
    for (std::uint64_t seed = 1; seed <= iterations(100, pr); ++seed) {
      CAPTURE(seed);
      splitmix64 rng{seed * 999331 + std::uint64_t(pr.alphabet)};
      auto [a, ma] = random_map<V>(rng, pr);
      auto [b, mb] = random_map<V>(rng, pr);
      std::string p = random_focus(rng, ma, pr);
      std::string q = random_focus(rng, mb, pr);
      CAPTURE(show(p));
      CAPTURE(show(q));
      CHECK(focus_differences(a, ma, b, mb, p, q) == "");
    }
  }
}

TEST_CASE("the pruning form of a write-zipper operation is the plain form, then prune_path") {
  // Zippers made at the root and at a path (where pruning may remove the path itself, W-55);
  // the focus is then moved below the zipper's root.
  using M = path_map<int>;
  auto prune = [](M& m, const std::string& focus) {
    if (!focus.empty())
      m.prune_path(focus);
  };
  for (const auto& pr : profiles) {
    if (pr.max_len > 50)
      continue; // long keys add nothing here that the short profiles do not
    CAPTURE(pr.name);
    for (std::uint64_t seed = 1; seed <= iterations(200, pr); ++seed) {
      CAPTURE(seed);
      splitmix64 rng{seed * 7919 + std::uint64_t(pr.alphabet)};
      auto [a, ma] = random_map<int>(rng, pr);
      auto [b, mb] = random_map<int>(rng, pr);
      std::string root = rng.below(3) == 0 ? random_key(rng, pr).substr(0, 3) : "";
      std::string rel = random_focus(rng, ma, pr);
      std::string q = random_focus(rng, mb, pr);
      std::string focus = root + rel;
      CAPTURE(show(root));
      CAPTURE(show(rel));
      CAPTURE(show(q));
      int op = static_cast<int>(seed % 6);
      CAPTURE(op);
      M pruned = a, plain = a;
      auto at = [&](M& m) {
        auto wz = m.write_zipper_at_path(root);
        wz.descend_to(rel);
        return wz;
      };
      switch (op) {
        case 0: {
          at(pruned).meet_into(b.read_zipper_at_path(q), true);
          at(plain).meet_into(b.read_zipper_at_path(q), false);
          prune(plain, focus);
          break;
        }
        case 1: {
          at(pruned).subtract_into(b.read_zipper_at_path(q), true);
          at(plain).subtract_into(b.read_zipper_at_path(q), false);
          prune(plain, focus);
          break;
        }
        case 2: {
          auto t1 = at(pruned).take_map(true);
          auto t2 = at(plain).take_map(false);
          REQUIRE(t1.has_value() == t2.has_value());
          if (t2) {
            CHECK(model_of(*t1) == model_of(*t2));
            prune(plain, focus);
          }
          break;
        }
        case 3: {
          bool r1 = at(pruned).remove_branches(true);
          bool r2 = at(plain).remove_branches(false);
          CHECK(r1 == r2);
          if (r2)
            prune(plain, focus);
          break;
        }
        case 4:
        case 5: {
          std::size_t k = 1 + rng.below(3);
          bool join = op == 4;
          auto apply = [&](M& m, bool p) {
            auto wz = at(m);
            return join ? wz.join_k_path_into(k, p) : wz.meet_k_path_into(k, p);
          };
          bool r1 = apply(pruned, true);
          bool r2 = apply(plain, false);
          CHECK(r1 == r2);
          if (!r2)
            prune(plain, focus);
          break;
        }
      }
      CHECK(model_of(pruned) == model_of(plain));
      CHECK(pruned.is_empty() == (model_of(pruned).paths.empty() && !pruned.get_val_at("")));
    }
  }
}

TEST_CASE("drop_head agrees with the model: first bytes dropped, collisions left-first") {
  for (const auto& pr : profiles) {
    if (pr.max_len > 50)
      continue;
    CAPTURE(pr.name);
    for (std::uint64_t seed = 1; seed <= iterations(60, pr); ++seed) {
      CAPTURE(seed);
      splitmix64 rng{seed * 4093 + 1};
      auto [a, ma] = random_map<int>(rng, pr);
      std::size_t k = 1 + rng.below(3);
      CAPTURE(k);
      model want;
      std::optional<int> fv = val_of(ma, "");
      for (const auto& [key, v] : ma.vals) { // ascending order: the earlier path wins
        if (key.size() < k)
          continue;
        std::string rest = key.substr(k);
        if (rest.empty()) {
          if (!fv)
            fv = v;
        } else {
          want.vals.emplace(rest, v);
        }
      }
      pset keep;
      for (const auto& x : ma.paths)
        if (x.size() > k)
          keep.insert(x.substr(k));
      want.paths = closure(keep);
      if (fv)
        want.vals[""] = *fv;
      auto wz = a.write_zipper();
      bool survived = wz.drop_head(k);
      CHECK(model_of(a) == want);
      CHECK(survived
            == (!keep.empty() || std::any_of(ma.vals.begin(), ma.vals.end(), [&](auto& kv) {
                 return kv.first.size() == k;
               })));
    }
  }
}

TEST_SUITE_END();
