#pragma once
/// @file
/// The model of the algebra property tests (algebra_properties.test.cpp; fuzz_ops.cpp runs the
/// same checks on maps built from libFuzzer inputs): a map as its values and its set of paths,
/// random maps of several key shapes with their models, the model's join, meet, subtract and
/// restrict, and checks of the map's operations, whole and at a write zipper's focus, against it.
#include "pathmap/algebra.hpp"

#include "test_support.hpp"

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

// Unnamed inside: each file that includes this gets its own copy.
namespace pathmap_test::algebra_model {
namespace {

using pathmap::path_map;
using unit = std::monostate;
using vmap = std::map<std::string, int, std::less<>>;
using pset = std::set<std::string, std::less<>>;

/// A map as values plus the set of its existing non-empty paths.
struct model {
  vmap vals;
  pset paths;
  friend bool operator==(const model&, const model&) = default;
};

struct splitmix64 {
  std::uint64_t state;
  std::uint64_t next() {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  std::size_t below(std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(next() % n); }
};

/// Key shapes: small alphabets give overlapping keys split at different places; a wide one
/// gives dense nodes; long keys give chains of nodes and splits deep inside keys.
struct profile {
  int alphabet;
  std::size_t max_len;
  std::size_t n_ops;
  std::size_t weight; ///< share of the iterations, in quarters
  const char* name;
};

const profile profiles[] = {
  {3, 6, 40, 4, "abc, short"},
  {40, 3, 300, 2, "wide"},
  {2, 12, 60, 4, "binary"},
  {2, 300, 10, 1, "long keys"},
};

inline void add_prefixes(pset& s, const std::string& k) {
  for (std::size_t n = 1; n <= k.size(); ++n)
    s.insert(k.substr(0, n));
}

inline pset closure(const pset& s) {
  pset out;
  for (const auto& k : s)
    add_prefixes(out, k);
  return out;
}

inline bool has_prefix(const std::string& s, const std::string& p) {
  return s.size() >= p.size() && s.compare(0, p.size(), p) == 0;
}

template <class Rng>
std::string random_key(Rng& rng, const profile& pr) {
  std::size_t len = rng.below(pr.max_len + 1);
  if (pr.max_len > 50 && rng.below(2) == 0) // long keys: mostly share a long head
    len = pr.max_len - rng.below(20);
  std::string k;
  for (std::size_t i = 0; i < len; ++i) {
    std::size_t c = rng.below(std::size_t(pr.alphabet));
    if (pr.max_len > 50 && i < len - std::min<std::size_t>(len, 8) && i % 97 != 0)
      c = 0; // long keys differ mostly near the end and every 97 bytes
    k.push_back(static_cast<char>('a' + c));
  }
  return k;
}

/// A random map with values in [0, 4) (so equal values meet often) and some dangling paths,
/// with its model.
template <class V, class Rng>
std::pair<path_map<V>, model> random_map(Rng& rng, const profile& pr) {
  path_map<V> m;
  model md;
  std::size_t n = pr.n_ops / 2 + rng.below(pr.n_ops);
  for (std::size_t i = 0; i < n; ++i) {
    std::string k = random_key(rng, pr);
    if (rng.below(5) == 0) {
      m.create_path(k);
      add_prefixes(md.paths, k);
    } else {
      int v = std::is_same_v<V, unit> ? 0 : int(rng.below(4));
      m.set_val_at(k, values<V>::make(v));
      md.vals[k] = v;
      add_prefixes(md.paths, k);
    }
  }
  return {std::move(m), std::move(md)};
}

template <class V>
model model_of(const path_map<V>& m) {
  model md;
  for (auto&& [p, v] : m)
    md.vals[str(p)] = values<V>::id(v);
  auto z = m.read_zipper();
  for (auto& p : step_paths(z))
    md.paths.insert(p);
  return md;
}

// -- the model's operations ----------------------------------------------------------------------

inline model m_join(const model& a, const model& b) {
  model r = a;
  for (const auto& [k, v] : b.vals)
    r.vals.emplace(k, v); // the left value wins
  r.paths.insert(b.paths.begin(), b.paths.end());
  return r;
}

inline model m_meet(const model& a, const model& b) {
  model r;
  for (const auto& [k, v] : a.vals)
    if (b.vals.count(k))
      r.vals[k] = v;
  for (const auto& p : a.paths)
    if (b.paths.count(p))
      r.paths.insert(p);
  return r;
}

/// Integer subtract: equal values cancel, different ones stay.
inline model m_subtract(const model& a, const model& b) {
  model r;
  pset keep;
  for (const auto& [k, v] : a.vals) {
    auto it = b.vals.find(k);
    if (it == b.vals.end() || it->second != v) {
      r.vals[k] = v;
      keep.insert(k);
    }
  }
  // Dangling leaves of `a` survive where `b` does not have the path.
  for (auto it = a.paths.begin(); it != a.paths.end(); ++it) {
    auto nx = std::next(it);
    bool leaf = nx == a.paths.end() || !has_prefix(*nx, *it);
    if (leaf && !a.vals.count(*it) && !b.paths.count(*it))
      keep.insert(*it);
  }
  keep.erase("");
  r.paths = closure(keep);
  return r;
}

inline bool allowed_by(const vmap& vals, std::string_view p) {
  for (std::size_t n = 0; n <= p.size(); ++n)
    if (vals.find(p.substr(0, n)) != vals.end())
      return true;
  return false;
}

inline model m_restrict(const model& a, const model& b) {
  auto allowed = [&](const std::string& p) { return allowed_by(b.vals, p); };
  model r;
  for (const auto& [k, v] : a.vals)
    if (allowed(k))
      r.vals[k] = v;
  pset keep;
  for (const auto& p : a.paths)
    if (allowed(p))
      keep.insert(p);
  r.paths = closure(keep);
  return r;
}

/// The part of a model strictly below `p`, re-rooted (the value at `p` itself is left out).
inline model m_below(const model& m, const std::string& p) {
  model r;
  for (const auto& [k, v] : m.vals)
    if (k.size() > p.size() && has_prefix(k, p))
      r.vals[k.substr(p.size())] = v;
  for (const auto& x : m.paths)
    if (x.size() > p.size() && has_prefix(x, p))
      r.paths.insert(x.substr(p.size()));
  return r;
}

/// `a` with everything strictly below `p` replaced by `sub` and the value at `p` set to `fv`.
inline model m_replace(const model& a, const std::string& p, const model& sub,
                       const std::optional<int>& fv) {
  model r;
  for (const auto& [k, v] : a.vals)
    if (!(k.size() >= p.size() && has_prefix(k, p)))
      r.vals[k] = v;
  if (fv)
    r.vals[p] = *fv;
  for (const auto& [k, v] : sub.vals)
    r.vals[p + k] = v;
  for (const auto& x : a.paths)
    if (!(x.size() > p.size() && has_prefix(x, p)))
      r.paths.insert(x);
  for (const auto& s : sub.paths)
    r.paths.insert(p + s);
  if (!sub.paths.empty() || fv)
    add_prefixes(r.paths, p);
  return r;
}

inline std::optional<int> val_of(const model& m, const std::string& p) {
  auto it = m.vals.find(p);
  return it == m.vals.end() ? std::nullopt : std::optional<int>(it->second);
}

/// A focus for zipper tests: often a prefix of an existing path, sometimes anything.
template <class Rng>
std::string random_focus(Rng& rng, const model& m, const profile& pr) {
  if (m.paths.empty() || rng.below(4) == 0)
    return rng.below(3) == 0 ? std::string() : random_key(rng, pr).substr(0, 3);
  auto it = m.paths.begin();
  std::advance(it, static_cast<long>(rng.below(m.paths.size())));
  return it->substr(0, rng.below(it->size() + 1));
}

// -- checks shared by the property tests and fuzz_ops.cpp ----------------------------------------

/// Collects the first difference between a map's model and the expected one.
class differences {
public:
  void check(const char* what, const model& got, const model& want) {
    if (first_.empty() && !(got == want))
      first_ = std::string(what) + " differs from the model";
  }
  std::string first() const { return first_; }

private:
  std::string first_;
};

/// Empty when whole-map join, meet, subtract and restrict of `a` and `b` (whose models are `ma`
/// and `mb`), returning and in place, agree with the model and leave copies alone; otherwise
/// which one does not.
template <class V>
std::string whole_map_differences(const path_map<V>& a, const model& ma, const path_map<V>& b,
                                  const model& mb) {
  differences d;
  d.check("join", model_of(a.join(b)), m_join(ma, mb));
  d.check("meet", model_of(a.meet(b)), m_meet(ma, mb));
  d.check("subtract", model_of(a.subtract(b)), m_subtract(ma, mb));
  d.check("restrict", model_of(a.restrict(b)), m_restrict(ma, mb));
  path_map<V> j = a, m = a, s = a;
  j.join_into(b);
  m.meet_into(b);
  s.subtract_into(b);
  d.check("join_into", model_of(j), m_join(ma, mb));
  d.check("meet_into", model_of(m), m_meet(ma, mb));
  d.check("subtract_into", model_of(s), m_subtract(ma, mb));
  d.check("the left operand afterwards", model_of(a), ma);
  d.check("the right operand afterwards", model_of(b), mb);
  return d.first();
}

/// Empty when a write zipper's join_into, meet_into, subtract_into (no pruning) and restrict at
/// `p` in a copy of `a`, with a read zipper at `q` in `b` as the source, agree with the model;
/// otherwise which one does not.
template <class V>
std::string focus_differences(const path_map<V>& a, const model& ma, const path_map<V>& b,
                              const model& mb, const std::string& p, const std::string& q) {
  differences d;
  model sa = m_below(ma, p), sb = m_below(mb, q);
  auto va = val_of(ma, p), vb = mb.paths.count(q) || q.empty() ? val_of(mb, q) : std::nullopt;
  bool p_exists = p.empty() || ma.paths.count(p);
  // The write zipper creates its focus; the model's result gets it too when it existed before.
  auto with_focus = [&](model want) {
    if (p_exists && !p.empty())
      add_prefixes(want.paths, p);
    return want;
  };
  { // join_into: descendants only
    path_map<V> t = a;
    auto wz = t.write_zipper_at_path(p);
    wz.join_into(b.read_zipper_at_path(q));
    d.check("join_into at the focus", model_of(t),
            with_focus(m_replace(ma, p, m_join(sa, sb), va)));
  }
  { // meet_into, no pruning: the focus value stays only when both sides have one
    path_map<V> t = a;
    auto wz = t.write_zipper_at_path(p);
    wz.meet_into(b.read_zipper_at_path(q), false);
    std::optional<int> fv;
    if (va && vb)
      fv = va;
    d.check("meet_into at the focus", model_of(t),
            with_focus(m_replace(ma, p, m_meet(sa, sb), fv)));
  }
  { // subtract_into, no pruning
    path_map<V> t = a;
    auto wz = t.write_zipper_at_path(p);
    wz.subtract_into(b.read_zipper_at_path(q), false);
    bool cancels = va.has_value() && va == vb; // equal integers cancel
    std::optional<int> fv = cancels ? std::nullopt : va;
    d.check("subtract_into at the focus", model_of(t),
            with_focus(m_replace(ma, p, m_subtract(sa, sb), fv)));
  }
  { // restrict: a value at the source focus allows everything
    path_map<V> t = a;
    auto wz = t.write_zipper_at_path(p);
    wz.restrict(b.read_zipper_at_path(q));
    d.check("restrict at the focus", model_of(t),
            with_focus(vb ? ma : m_replace(ma, p, m_restrict(sa, sb), va)));
  }
  return d.first();
}

} // namespace
} // namespace pathmap_test::algebra_model
