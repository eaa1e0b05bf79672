#pragma once
/// @file
/// The reference model of the differential tests (differential.test.cpp, compact.test.cpp) and
/// the harness their seeded random episodes share.
///
/// The model is a std::map<std::string, V> (the values) and a std::set<std::string> (every
/// existing path; the set is prefix-closed and always holds the empty path, so a path exists iff
/// it is in the set). It follows PATHMAP-SPEC §1.4 and §2.4:
///   * a value or create_path makes every prefix exist;
///   * prune deletes a dangling tip upward to the nearest ancestor with a value or two children,
///     never above the map root;
///   * remove_val without a value does nothing, even with prune;
///   * graft_map replaces the focus value and everything below; it creates the focus only when
///     the source has something below its root, and never prunes;
///   * take_map removes the focus value and branches, then prunes when asked.

#include "pathmap/arena_compact.hpp"
#include "pathmap/path_map.hpp"
#include "pathmap/serialization.hpp"

#include "entropy.hpp"
#include "test_support.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace pathmap_test {

inline bool starts_with(const std::string& s, const std::string& p) {
  return s.size() >= p.size() && s.compare(0, p.size(), p) == 0;
}

// -- the model ------------------------------------------------------------------------------------

/// The model of a path_map<V> (the test files call it `model`).
template <class V>
struct map_model {
  std::map<std::string, V> vals;
  std::set<std::string> exists{std::string{}};

  bool path_exists(const std::string& p) const { return exists.count(p) != 0; }

  const V* get(const std::string& p) const {
    auto it = vals.find(p);
    return it == vals.end() ? nullptr : &it->second;
  }

  void ensure(const std::string& p) {
    for (std::size_t n = 0; n <= p.size(); ++n)
      exists.insert(p.substr(0, n));
  }

  bool has_children(const std::string& p) const {
    auto it = exists.upper_bound(p);
    return it != exists.end() && starts_with(*it, p);
  }

  pathmap::byte_mask child_mask(const std::string& p) const {
    pathmap::byte_mask m;
    if (!path_exists(p))
      return m;
    auto it = exists.upper_bound(p);
    while (it != exists.end() && starts_with(*it, p)) {
      auto b = static_cast<std::uint8_t>((*it)[p.size()]);
      m.set(b);
      if (b == 0xff)
        break;
      std::string next = p;
      next.push_back(static_cast<char>(b + 1));
      it = exists.lower_bound(next);
    }
    return m;
  }

  std::size_t child_count(const std::string& p) const {
    return static_cast<std::size_t>(child_mask(p).count());
  }

  std::size_t val_count(const std::string& p) const {
    std::size_t n = 0;
    for (auto it = vals.lower_bound(p); it != vals.end() && starts_with(it->first, p); ++it)
      ++n;
    return n;
  }

  bool is_empty() const { return vals.empty() && exists.size() == 1; }

  bool is_dangling_tip(const std::string& p) const {
    return path_exists(p) && vals.count(p) == 0 && !has_children(p);
  }

  /// Erases the paths from `e` on and the values from `v` on that start with p.
  void erase_prefixed(const std::string& p, std::set<std::string>::iterator e,
                      typename std::map<std::string, V>::iterator v) {
    while (e != exists.end() && starts_with(*e, p))
      e = exists.erase(e);
    while (v != vals.end() && starts_with(v->first, p))
      v = vals.erase(v);
  }

  /// Erases p and everything below it (p must not be empty).
  void erase_subtree(const std::string& p) {
    erase_prefixed(p, exists.lower_bound(p), vals.lower_bound(p));
  }

  /// Erases everything strictly below p.
  void remove_below(const std::string& p) {
    erase_prefixed(p, exists.upper_bound(p), vals.upper_bound(p));
  }

  /// Prunes a dangling tip at p up to the nearest ancestor with a value or two children, or the
  /// map root. Returns the number of bytes removed.
  std::size_t prune(const std::string& p) {
    if (p.empty() || !is_dangling_tip(p))
      return 0;
    std::size_t l = p.size() - 1;
    while (l > 0) {
      std::string q = p.substr(0, l);
      if (vals.count(q) != 0 || child_count(q) >= 2)
        break;
      --l;
    }
    erase_subtree(p.substr(0, l + 1));
    return p.size() - l;
  }

  std::optional<V> set(const std::string& p, V v) {
    ensure(p);
    auto [it, inserted] = vals.try_emplace(p, v);
    if (inserted)
      return std::nullopt;
    V old = it->second;
    it->second = v;
    return old;
  }

  std::optional<V> remove_val(const std::string& p, bool prune_after) {
    auto it = vals.find(p);
    if (it == vals.end())
      return std::nullopt;
    V old = it->second;
    vals.erase(it);
    if (prune_after)
      prune(p);
    return old;
  }

  bool create_path(const std::string& p) {
    if (p.empty() || path_exists(p))
      return false;
    ensure(p);
    return true;
  }

  /// True when remove_branches / take_map with prune would hit the case the spec leaves open.
  bool prune_is_ambiguous(const std::string& p) const { return is_dangling_tip(p); }

  bool remove_branches(const std::string& p, bool prune_after) {
    bool removed = has_children(p) && path_exists(p);
    remove_below(p);
    if (prune_after)
      prune(p);
    return removed;
  }

  /// The subtrie at p as a map: p's value becomes the root value.
  map_model subtrie(const std::string& p) const {
    map_model s;
    if (!path_exists(p))
      return s;
    for (auto it = exists.upper_bound(p); it != exists.end() && starts_with(*it, p); ++it)
      s.exists.insert(it->substr(p.size()));
    for (auto it = vals.lower_bound(p); it != vals.end() && starts_with(it->first, p); ++it)
      s.vals.emplace(it->first.substr(p.size()), it->second);
    return s;
  }

  void graft_map(const std::string& p, const map_model& s) {
    remove_below(p);
    if (s.exists.size() > 1) {
      ensure(p);
      for (const auto& e : s.exists)
        exists.insert(p + e);
      for (const auto& [k, v] : s.vals)
        if (!k.empty())
          vals[p + k] = v;
    }
    if (const V* rv = s.get(""))
      set(p, *rv);
    else
      vals.erase(p);
  }

  std::optional<map_model> take_map(const std::string& p, bool prune_after) {
    map_model s = subtrie(p);
    bool nothing = s.is_empty();
    vals.erase(p);
    remove_below(p);
    if (prune_after)
      prune(p);
    if (nothing)
      return std::nullopt;
    return s;
  }
};

// -- comparison -----------------------------------------------------------------------------------

/// Empty when `m` holds exactly what `md` holds: values in order, every existing path (the path
/// structure), the counts; with `point_lookups`, also get_val_at of every value.
template <class V>
std::string compare_with_model(const pathmap::path_map<V>& m, const map_model<V>& md,
                               bool point_lookups) {
  std::ostringstream out;
  auto it = md.vals.begin();
  std::size_t n = 0;
  for (auto&& [p, v] : m) {
    if (it == md.vals.end()) {
      out << "extra value at " << show(p);
      return out.str();
    }
    if (str(p) != it->first || v != it->second) {
      out << "value #" << n << ": map has " << show(p) << "=" << v << ", model has "
          << show(it->first) << "=" << it->second;
      return out.str();
    }
    ++it;
    ++n;
  }
  if (it != md.vals.end()) {
    out << "map lacks the value at " << show(it->first);
    return out.str();
  }
  {
    auto z = m.read_zipper();
    auto e = std::next(md.exists.begin()); // skip the root
    while (z.to_next_step()) {
      if (e == md.exists.end()) {
        out << "map has the extra path " << show(z.path());
        return out.str();
      }
      if (str(z.path()) != *e) {
        out << "path structure: map visits " << show(z.path()) << ", model expects "
            << show(*e);
        return out.str();
      }
      ++e;
    }
    if (e != md.exists.end()) {
      out << "map lacks the path " << show(*e);
      return out.str();
    }
  }
  if (point_lookups) {
    for (const auto& [k, v] : md.vals) {
      const V* got = m.get_val_at(k);
      if (got == nullptr || *got != v) {
        out << "get_val_at " << show(k) << " gives " << (got ? std::to_string(*got) : "null")
            << ", model has " << v;
        return out.str();
      }
    }
  }
  if (m.val_count() != md.vals.size()) {
    out << "val_count " << m.val_count() << " != " << md.vals.size();
    return out.str();
  }
  if (m.is_empty() != md.is_empty()) {
    out << "is_empty " << m.is_empty() << " != " << md.is_empty();
    return out.str();
  }
  return {};
}

// -- episodes -------------------------------------------------------------------------------------

/// Stops the current episode.
struct episode_failed {
  std::string what;
  std::size_t op;
};

/// What the random episodes over a path_map<V> and its model share: the seeded generator, the
/// operation log, the map under test and its model, the checks (which throw episode_failed) and
/// the operations both tests run.
template <class V>
class model_episode {
protected:
  using map_type = pathmap::path_map<V>;
  using model_type = map_model<V>;

  /// `rng`: the choices (a seed, or a fuzzer's input); `point_lookups`: whether whole-map
  /// checks also look every value up with get_val_at.
  model_episode(entropy rng, std::vector<std::string>* log, bool point_lookups)
    : rng_(rng), log_(log), point_lookups_(point_lookups) {}
  virtual ~model_episode() = default;

  /// A random path for an operation on `md` (each test has its own keys).
  virtual std::string random_path(const model_type& md) = 0;

  // -- randomness ---------------------------------------------------------------------------------

  std::size_t below(std::size_t n) { return rng_.below(n); }
  bool chance(int percent) { return below(100) < static_cast<std::size_t>(percent); }

  /// A path near the existing structure of `md`, or a fresh one: `fresh()` makes a fresh path,
  /// `extend(p)` appends a few random bytes to p.
  template <class Fresh, class Extend>
  std::string path_near(const model_type& md, Fresh&& fresh, Extend&& extend) {
    std::size_t r = below(10);
    if (r < 3)
      return fresh();
    auto it = md.exists.lower_bound(fresh());
    if (it == md.exists.end())
      it = md.exists.begin();
    std::string p = *it;
    if (r < 6)
      return p;
    if (r < 8) {
      extend(p);
      return p;
    }
    p.resize(below(p.size() + 1));
    return p;
  }

  V next_value() { return V(++counter_ * 1000 + below(1000)); }

  // -- reporting ----------------------------------------------------------------------------------

  template <class... Ts>
  void note(const Ts&... parts) {
    if (log_ == nullptr)
      return;
    std::ostringstream out;
    out << "#" << op_ << ": ";
    (out << ... << parts);
    log_->push_back(out.str());
  }

  [[noreturn]] void fail(const std::string& what) { throw episode_failed{what, op_}; }

  template <class A, class B>
  void expect_eq(const A& actual, const B& expected, const char* what) {
    if (!(actual == expected)) {
      std::ostringstream out;
      out << what << ": got " << actual << ", expected " << expected;
      fail(out.str());
    }
  }

  void expect_opt(const std::optional<V>& actual, const std::optional<V>& expected,
                  const char* what) {
    if (actual != expected) {
      std::ostringstream out;
      out << what << ": got " << (actual ? std::to_string(*actual) : "none") << ", expected "
          << (expected ? std::to_string(*expected) : "none");
      fail(out.str());
    }
  }

  void expect_same(const map_type& m, const model_type& md, const char* what) {
    std::string d = compare_with_model(m, md, point_lookups_);
    if (!d.empty())
      fail(std::string(what) + ": " + d);
  }

  // -- operations -----------------------------------------------------------------------------------

  /// set_val_at p to the next value.
  void set_at(map_type& m, model_type& md, const std::string& p) {
    V v = next_value();
    note("set ", show(p), " = ", v);
    expect_opt(m.set_val_at(p, v), md.set(p, v), "set_val_at returned");
  }

  /// remove_val_at p, pruning half the time.
  void remove_val_at(map_type& m, model_type& md, const std::string& p) {
    bool prune = chance(50);
    note("remove_val_at ", show(p), " prune=", prune);
    expect_opt(m.remove_val_at(p, prune), md.remove_val(p, prune), "remove_val_at returned");
  }

  /// Keeps a map small: removes the branches below the first bytes of `p`.
  void trim_at(map_type& m, model_type& md, std::string p) {
    p.resize(std::min<std::size_t>(p.size(), below(3)));
    note("trim: remove_branches_at ", show(p));
    bool want = md.remove_branches(p, false);
    expect_eq(m.remove_branches_at(p, false), want, "remove_branches_at returned");
  }

  /// get_val_at p agrees with the model.
  void check_get(const map_type& m, const model_type& md, const std::string& p) {
    note("get ", show(p));
    const V* got = m.get_val_at(p);
    const V* want = md.get(p);
    if ((got == nullptr) != (want == nullptr) || (got != nullptr && *got != *want))
      fail("get_val_at " + show(p) + " differs");
  }

  void op_create_path() {
    std::string p = random_path(model_);
    note("create_path ", show(p));
    expect_eq(map_.create_path(p), model_.create_path(p), "create_path returned");
  }

  void op_prune_path() {
    std::string p = random_path(model_);
    note("prune_path ", show(p));
    std::size_t want = model_.prune(p);
    expect_eq(map_.prune_path(p), want, "prune_path returned");
  }

  /// remove_branches_at a random path, pruning half the time (unless the spec leaves that case
  /// open).
  void op_remove_branches() {
    std::string p = random_path(model_);
    bool prune = chance(50) && !model_.prune_is_ambiguous(p);
    note("remove_branches_at ", show(p), " prune=", prune);
    bool want = model_.remove_branches(p, prune);
    expect_eq(map_.remove_branches_at(p, prune), want, "remove_branches_at returned");
  }

  /// `m` through the map format and through an ACT tree reads back the same, and stays the
  /// same when merkleized (each walks packed and ordinary nodes alike). Integer values only:
  /// the formats need a codec, and ACT trees hold 64-bit integers.
  void check_round_trips(map_type& m, const model_type& md) {
    if constexpr (std::is_same_v<V, std::uint64_t>) {
      note("round trips: the map format, an ACT tree, merkleize()");
      std::vector<std::uint8_t> bytes;
      if (!pathmap::serialize_map(m, bytes))
        fail("serialize_map failed");
      map_type back;
      if (!pathmap::deserialize_map(back, bytes))
        fail("deserialize_map failed on serialize_map's output");
      expect_same(back, md, "the map read back from the map format");
      const auto identity = [](std::uint64_t v) { return v; };
      const auto act = pathmap::arena_compact_tree::from_zipper(m, identity);
      expect_same(act.template to_map<V>(identity), md, "the map read back from an ACT tree");
      m.merkleize();
      expect_same(m, md, "the merkleized map");
    }
  }

  /// Grafts a map taken with take_map (`want` in the model) back at `dst`.
  void graft_taken_map(map_type& m, model_type& md, const std::string& dst, map_type&& taken,
                       const model_type& want) {
    note("  graft_map the taken map at ", show(dst));
    {
      auto wz = m.write_zipper();
      wz.descend_to(dst);
      wz.graft_map(std::move(taken));
    }
    md.graft_map(dst, want);
  }

  entropy rng_;
  std::vector<std::string>* log_;
  std::size_t op_ = 0;
  map_type map_;
  model_type model_;

private:
  std::uint64_t counter_ = 0;
  bool point_lookups_;
};

/// Runs `episodes` seeded episodes (`Episode(seed, mode, log)`, `run(ops)`) of `ops` operations
/// each; reports the first `max_failing_seeds` failures with their seed and the last operations
/// of their log (`say_when_stopping`: and a line when it stops there). Returns the number of
/// operations run.
template <class Episode, class Mode>
std::size_t run_episodes(const char* name, Mode mode, std::uint64_t base_seed,
                         std::size_t episodes, std::size_t ops, std::size_t max_failing_seeds,
                         bool say_when_stopping) {
  std::size_t failures = 0;
  std::size_t total = 0;
  for (std::size_t e = 0; e < episodes; ++e) {
    std::uint64_t seed = base_seed + e;
    try {
      Episode ep(entropy(seed), mode, nullptr);
      ep.run(ops);
      total += ops;
    } catch (const episode_failed& f) {
      ++failures;
      std::vector<std::string> log;
      try {
        Episode replay(entropy(seed), mode, &log);
        replay.run(f.op + 1);
      } catch (const episode_failed&) {
      }
      std::ostringstream msg;
      msg << name << ": seed " << seed << " diverged at operation #" << f.op << ": " << f.what
          << "\nlast operations:";
      std::size_t from = log.size() > 40 ? log.size() - 40 : 0;
      for (std::size_t i = from; i < log.size(); ++i)
        msg << "\n  " << log[i];
      FAIL_CHECK(msg.str());
      if (failures >= max_failing_seeds) {
        if (say_when_stopping)
          FAIL_CHECK(std::string(name) << ": stopping after " << max_failing_seeds
                                       << " failing seeds");
        break;
      }
    }
  }
  return total;
}

} // namespace pathmap_test
