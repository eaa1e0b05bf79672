#pragma once
/// @file
/// Morphisms: folding a trie bottom-up (catamorphisms) and growing one top-down from a seed
/// (anamorphisms). `path_map.hpp` includes this header.
///
/// **Catamorphisms** visit every position of the trie below a start (a map's root, or a
/// zipper's focus) *after* all of its children, children in ascending byte order, and combine
/// the children's results into one. The closure gets the position's child mask, the folded
/// results of its children as a `std::span<W>` (it may move out of them), the value at the
/// position (null when none) and, in the side-effect forms, the path from the start to the
/// position. The deepest positions are visited first, which is not `to_next_val` order.
/// - `into_cata_side_effect(src, alg)`: *stepping*: the closure runs at every position, one
///   path byte at a time: `W alg(const byte_mask&, std::span<W>, const V*, path_view)`.
/// - `into_cata_jumping_side_effect(src, alg)`: *jumping*: the closure runs only at the start
///   and at positions that have a value or a child count other than 1; straight runs in
///   between are skipped: `W alg(const byte_mask&, std::span<W>, std::size_t jump, const V*,
///   path_view)`, where `jump` is the number of path bytes from the nearest position above
///   where the closure ran (the start) to this one (0 at the start), so
///   `path.subview(path.size() - jump)` is the run it stands for.
/// - `into_cata_cached(src, alg)`: stepping, with a pure closure `W alg(const byte_mask&,
///   std::span<W>, const V*)` and a copyable `W`: the folded children of a node that is shared
///   (hanging at several paths, or in several maps) are computed once and reused wherever the
///   node appears again, keyed by node identity. It gives the same result as the stepping form
///   when the closure ignores paths.
/// - `into_cata_jumping_cached(src, alg)`: jumping, with a pure closure `W alg(const
///   byte_mask&, std::span<W>, std::size_t jump, const V*)`. A shared node's children results
///   are reused only where the closure runs at the node's root (its value or child count stops
///   the jump there): below a straight run, their jumps would reach above the node, so they are
///   folded again there.
/// - `into_cata_cached(src, scope, alg)` and `into_cata_jumping_cached(src, scope, alg)`: the
///   cached forms with a closure that also gets a `path_view` of the last `scope.bytes` bytes of
///   each position's path (`path_scope::suffix(n)`; `none()` and `full()` are the two ends): a
///   shared node's children results are reused where it hangs below the same visible bytes.
/// - `into_cata_side_effect_fallible`, `into_cata_jumping_side_effect_fallible`,
///   `into_cata_cached_fallible` and `into_cata_jumping_cached_fallible`: the same with a closure
///   that returns `expected<W, E>`; the first error ends the fold and is returned, and the
///   closure is not called again.
/// `W` is deduced from the closure's return type when the closure is not generic; otherwise
/// name it: `into_cata_side_effect<int>(map, alg)`.
///
/// **Anamorphisms** build a map from a seed: `path_map<V>::new_from_ana(seed, alg)` (or
/// `new_map_from_ana<V>(seed, alg)`) calls `alg(W seed, std::optional<V>& val,
/// trie_builder<V, W>& children, path_view path)` at the root; the closure may set the value at
/// the current path and add children with `push(sub_path, w)`, `push_byte(b, w)`,
/// `set_child_mask(mask, ws)`, or graft finished subtries with `graft_at_byte(b, zipper)` /
/// `graft_map_at(sub_path, map)`. Each pushed seed is expanded the same way, depth-first in
/// push order. A child that ends up with no value and no children leaves no path behind.
/// The jumping form, `new_map_from_ana_jumping<V>(seed, alg)`, calls `ana_jump<V, W> alg(W seed,
/// path_view path)` instead: the closure answers with a `prefix` to descend by first (possibly
/// empty), the value at the end of it, and one-byte children there as a `byte_mask` with their
/// seeds in ascending byte order (seeds past the mask's bits are ignored; bits without a seed
/// are left out).
///
/// **Cost.** Linear in the positions visited (stepping) or in the entries (jumping); no
/// recursion, so megabyte paths are fine. Memory: the results of the children of the positions
/// on the current path, plus the path.
///
/// **Invalidation:** a fold reads like a read zipper: the map must not change while it runs
/// (the closure must not write to it). An anamorphism builds a new map and touches no other.
///
/// **Thread safety:** reads like a read zipper; the closure runs on the calling thread.

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include "pathmap/byte_mask.hpp"
#include "pathmap/detail/algebra_ops.hpp"
#include "pathmap/expected.hpp"
#include "pathmap/path.hpp"
#include "pathmap/path_map.hpp"

namespace pathmap {

/// How much of the path a cached fold's closure sees: the last `bytes` bytes of each
/// position's path from the fold's start (all of it when shorter). Results of a shared node
/// are reused only where it hangs below the same visible bytes.
struct path_scope {
  std::size_t bytes = 0;

  /// No path: results depend on the subtrie alone.
  static constexpr path_scope none() noexcept { return {0}; }
  /// The last `n` path bytes.
  static constexpr path_scope suffix(std::size_t n) noexcept { return {n}; }
  /// The whole path (nothing is reused).
  static constexpr path_scope full() noexcept { return {~std::size_t{0}}; }
};

namespace detail {

/// The return type of a callable with one non-template call operator (or a function pointer).
template <class F>
struct callable_result : callable_result<decltype(&std::remove_cvref_t<F>::operator())> {};
template <class C, class R, class... A>
struct callable_result<R (C::*)(A...)> {
  using type = R;
};
template <class C, class R, class... A>
struct callable_result<R (C::*)(A...) const> {
  using type = R;
};
template <class C, class R, class... A>
struct callable_result<R (C::*)(A...) noexcept> {
  using type = R;
};
template <class C, class R, class... A>
struct callable_result<R (C::*)(A...) const noexcept> {
  using type = R;
};
template <class R, class... A>
struct callable_result<R (*)(A...)> {
  using type = R;
};

/// `W`, or the closure's return type when `W` is void (evaluated only then, so an explicit `W`
/// works with generic closures).
template <class W, class Alg>
struct cata_result {
  using type = W;
};
template <class Alg>
struct cata_result<void, Alg> {
  using type = typename callable_result<Alg>::type;
};
template <class W, class Alg>
using cata_result_t = typename cata_result<W, Alg>::type;

/// Something a catamorphism can start from: a map or a zipper.
template <class S>
concept cata_source = requires(const S& s) { s.read_core(); };

/// Which fold: jumping or stepping, whether shared nodes' results are reused, and whether the
/// closure gets (the visible part of) the path.
struct cata_form {
  bool jumping;
  bool cached;
  bool with_path;
};
inline constexpr cata_form stepping_form{false, false, true};
inline constexpr cata_form jumping_form{true, false, true};
inline constexpr cata_form cached_form{false, true, false};
inline constexpr cata_form jumping_cached_form{true, true, false};
inline constexpr cata_form scoped_form{false, true, true};
inline constexpr cata_form jumping_scoped_form{true, true, true};

/// The fold engine: an explicit stack of positions whose children are being folded.
template <class V, class W, cata_form F>
class cata_engine {
public:
  using ops = node_ops<V>;
  static constexpr bool jumping = F.jumping;

  /// `scope`: the closure sees the last `scope` bytes of each path (all of them when shorter).
  explicit cata_engine(std::size_t scope) noexcept
      : scope_(scope), cached_(F.cached && scope != path_scope::full().bytes) {}

  /// Folds the trie whose root node is `root` (may be null) with `root_val` at its root.
  template <class Alg>
  W run(const node_header* root, const V* root_val, Alg& alg) {
    push({normalize(root), -1, 0, root_val, 0, nullptr, -1, 0, true, false});
    for (;;) {
      frame& f = frames_.back();
      int e = (!f.h || f.replayed) ? -1 : (f.e < 0 ? ops::first_entry(f.h) : ops::next_entry(f.h, f.e));
      if (e >= 0) {
        f.e = e;
        enter(f, e);
        continue;
      }
      W w = complete(frames_.back(), alg);
      if (frames_.size() == 1)
        return w;
      w = unwind(frames_.back(), std::move(w), alg);
      frames_.pop_back();
      ws_.push_back(std::move(w));
    }
  }

private:
  struct frame {
    const node_header* h;  ///< the node holding this position's children (null: none)
    int e;                 ///< entry of `h` being folded (-1 before the first)
    std::size_t w_begin;   ///< this position's children results start here in `ws_`
    const V* val;          ///< value at this position
    std::size_t path_len;  ///< path length at this position
    const node_header* ph; ///< the entry that leads here: its node...
    int pe;                ///< ... and id (for the positions inside its key)
    std::size_t anc_len;   ///< jumping: path length of the nearest position above that stops
    bool stop;             ///< jumping: the closure runs here
    bool replayed;         ///< cached: the children results came from the cache
  };

  static const node_header* normalize(const node_header* h) noexcept {
    return h && ops::count(h) > 0 ? h : nullptr;
  }

  void push(frame f) {
    if constexpr (jumping)
      f.stop = f.ph == nullptr || f.val || !f.h || ops::count(f.h) != 1;
    frames_.push_back(f);
  }

  /// Descends into entry `e` of `f.h`: its whole key, to the position at its end.
  void enter(frame& f, int e) {
    const node_header* h = f.h;
    path_.push_back(ops::first_byte(h, e));
    path_view t = ops::tail(h, e);
    path_.insert(path_.end(), t.begin(), t.end());
    const node_header* c = normalize(ops::child(h, e));
    std::size_t anc = f.stop ? f.path_len : f.anc_len;
    frame g{c, -1, ws_.size(), ops::val(h, e), path_.size(), h, e, anc, true, false};
    if constexpr (F.cached) {
      // Jumping: the children's results are free of the context above only when the closure
      // runs here (their jumps then start here), so only such positions store and replay them.
      if (cached_ && c && maybe_shared(c) && (!jumping || g.val || ops::count(c) != 1)) {
        auto it = cache_.find(key_at(c, path_.size()));
        if (it != cache_.end()) {
          ws_.insert(ws_.end(), it->second.begin(), it->second.end());
          g.replayed = true;
        }
      }
    }
    push(g); // invalidates `f`
  }

  /// The result at a frame's own position, from its children results.
  template <class Alg>
  W complete(frame& f, Alg& alg) {
    std::span<W> kids(ws_.data() + f.w_begin, ws_.size() - f.w_begin);
    byte_mask mask = f.h ? ops::root_mask(f.h) : byte_mask{};
    if constexpr (F.cached) {
      if (cached_ && f.h && !f.replayed && maybe_shared(f.h) && (!jumping || f.stop))
        cache_.emplace(key_at(f.h, f.path_len), std::vector<W>(kids.begin(), kids.end()));
    }
    W w = call(alg, mask, kids, f, visible(f.path_len));
    ws_.erase(ws_.begin() + static_cast<std::ptrdiff_t>(f.w_begin), ws_.end());
    return w;
  }

  template <class Alg>
  W call(Alg& alg, const byte_mask& mask, std::span<W> kids, const frame& f, path_view p) {
    if constexpr (!jumping) {
      if constexpr (F.with_path)
        return alg(mask, kids, f.val, p);
      else
        return alg(mask, kids, f.val);
    } else {
      if (!f.stop)
        return std::move(kids[0]); // exactly one child and no value: passes through
      if constexpr (F.with_path)
        return alg(mask, kids, f.path_len - f.anc_len, f.val, p);
      else
        return alg(mask, kids, f.path_len - f.anc_len, f.val);
    }
  }

  /// The part of the first `len` path bytes the closure sees: the last `scope_` of them.
  path_view visible(std::size_t len) const noexcept {
    const std::size_t k = len < scope_ ? len : scope_;
    return {path_.data() + (len - k), k};
  }

  /// A node's cache key: the node and the path bytes its positions' closures may see above it.
  std::pair<const node_header*, std::string> key_at(const node_header* h, std::size_t len) const {
    path_view v = visible(len);
    return {h, std::string(reinterpret_cast<const char*>(v.data()), v.size())};
  }

  /// Walks up the key that led to the frame's position, running the closure at each position
  /// inside it (stepping forms), and removes the key from the path.
  template <class Alg>
  W unwind(const frame& f, W w, Alg& alg) {
    std::size_t kl = ops::key_len(f.ph, f.pe);
    if constexpr (!jumping) {
      path_view t = ops::tail(f.ph, f.pe);
      for (std::size_t off = kl - 1; off >= 1; --off) {
        path_.pop_back();
        byte_mask m;
        m.set(t[off - 1]);
        std::span<W> one(&w, 1);
        if constexpr (F.with_path)
          w = alg(m, one, static_cast<const V*>(nullptr), visible(path_.size()));
        else
          w = alg(m, one, static_cast<const V*>(nullptr));
      }
      path_.pop_back();
    } else {
      path_.resize(path_.size() - kl);
    }
    return w;
  }

  struct key_hash {
    std::size_t operator()(const std::pair<const node_header*, std::string>& k) const noexcept {
      return std::hash<const void*>{}(k.first) * 31 + std::hash<std::string>{}(k.second);
    }
  };

  std::size_t scope_;
  bool cached_;
  std::vector<frame> frames_;
  std::vector<W> ws_;
  std::vector<std::uint8_t> path_;
  std::unordered_map<std::pair<const node_header*, std::string>, std::vector<W>, key_hash> cache_;
};

/// The start of a fold: a node (kept alive by `keep` when it had to be made) and a value.
template <class V>
struct cata_start {
  node_ptr<V> keep;
  const node_header* root = nullptr;
  const V* val = nullptr;
};

template <class V>
cata_start<V> start_of(const path_map<V>& m) {
  return {{}, m.root_node(), m.get_val_at({})};
}

template <cata_source Z>
auto start_of(const Z& z) {
  using V = typename Z::value_type;
  const auto& c = z.read_core();
  cata_start<V> s;
  if (!c.path_exists())
    return s;
  s.val = c.val();
  sub_view v = algebra_ops<V>::view_at(c.focus());
  if (v.e < 0) {
    s.root = v.h;
  } else {
    s.keep = algebra_ops<V>::materialize(v);
    s.root = s.keep.get();
  }
  return s;
}

template <class S>
struct source_value;
template <class V>
struct source_value<path_map<V>> {
  using type = V;
};
template <class S>
  requires cata_source<S>
struct source_value<S> {
  using type = typename S::value_type;
};

template <cata_form F, class W, class S, class Alg>
W run_cata(const S& src, Alg& alg, path_scope scope) {
  using V = typename source_value<S>::type;
  auto s = start_of(src);
  cata_engine<V, W, F> eng(scope.bytes);
  return eng.run(s.root, s.val, alg);
}

/// Thrown by the fallible forms' closure adapter to leave the engine at the first error (the
/// error itself is kept by the adapter); never escapes `run_fallible_cata`.
struct cata_stopped {};

/// The fallible forms: `alg` returns `R`, an `expected<W, E>`; the engine folds `W`s, and the
/// first error ends the fold, without another call of `alg`, and is returned.
template <cata_form F, class R, class S, class Alg>
R run_fallible_cata(const S& src, Alg& alg, path_scope scope) {
  using W = typename R::value_type;
  std::optional<typename R::error_type> error;
  auto unwrap = [&](auto&&... args) -> W {
    R r = alg(std::forward<decltype(args)>(args)...);
    if (!r.has_value()) {
      error.emplace(std::move(r.error()));
      throw cata_stopped{};
    }
    return std::move(*r);
  };
  try {
    return R(run_cata<F, W>(src, unwrap, scope));
  } catch (const cata_stopped&) {
    return unexpected(std::move(*error));
  }
}

} // namespace detail

// -- catamorphisms ------------------------------------------------------------------------------

/// Stepping fold with paths: `alg(mask, children, val, path)` runs at every position below (and
/// at) the start of `src` (a `path_map` or a zipper's focus), children first.
template <class W = void, class S, class Alg>
auto into_cata_side_effect(const S& src, Alg&& alg) -> detail::cata_result_t<W, Alg> {
  using R = detail::cata_result_t<W, Alg>;
  return detail::run_cata<detail::stepping_form, R>(src, alg, path_scope::full());
}

/// Jumping fold with paths: `alg(mask, children, jump, val, path)` runs at the start and at
/// every position with a value or a child count other than 1.
template <class W = void, class S, class Alg>
auto into_cata_jumping_side_effect(const S& src, Alg&& alg) -> detail::cata_result_t<W, Alg> {
  using R = detail::cata_result_t<W, Alg>;
  return detail::run_cata<detail::jumping_form, R>(src, alg, path_scope::full());
}

/// `into_cata_side_effect` with a closure that may fail: it returns `expected<W, E>` (and gets
/// the children's `W`s); the fold stops at the first error, calls the closure no more and
/// returns that error, else the folded `W`. `R` (the closure's return type when not given) is
/// the `expected` type.
template <class R = void, class S, class Alg>
auto into_cata_side_effect_fallible(const S& src, Alg&& alg) -> detail::cata_result_t<R, Alg> {
  return detail::run_fallible_cata<detail::stepping_form, detail::cata_result_t<R, Alg>>(
    src, alg, path_scope::full());
}

/// `into_cata_jumping_side_effect` with a closure that may fail (as
/// `into_cata_side_effect_fallible`).
template <class R = void, class S, class Alg>
auto into_cata_jumping_side_effect_fallible(const S& src, Alg&& alg)
  -> detail::cata_result_t<R, Alg> {
  return detail::run_fallible_cata<detail::jumping_form, detail::cata_result_t<R, Alg>>(
    src, alg, path_scope::full());
}

/// Stepping fold with a pure closure `alg(mask, children, val)`; the children results of a
/// shared node are computed once (W must be copyable).
template <class W = void, class S, class Alg>
auto into_cata_cached(const S& src, Alg&& alg) -> detail::cata_result_t<W, Alg> {
  using R = detail::cata_result_t<W, Alg>;
  return detail::run_cata<detail::cached_form, R>(src, alg, path_scope::none());
}

/// `into_cata_cached` with a closure that may fail (as `into_cata_side_effect_fallible`).
template <class R = void, class S, class Alg>
auto into_cata_cached_fallible(const S& src, Alg&& alg) -> detail::cata_result_t<R, Alg> {
  return detail::run_fallible_cata<detail::cached_form, detail::cata_result_t<R, Alg>>(
    src, alg, path_scope::none());
}

/// Jumping fold with a pure closure `alg(mask, children, jump, val)`: it runs where the jumping
/// side-effect form runs, and the children results of a shared node are computed once wherever
/// the closure runs at the node's root (W must be copyable).
template <class W = void, class S, class Alg>
auto into_cata_jumping_cached(const S& src, Alg&& alg) -> detail::cata_result_t<W, Alg> {
  using R = detail::cata_result_t<W, Alg>;
  return detail::run_cata<detail::jumping_cached_form, R>(src, alg, path_scope::none());
}

/// `into_cata_jumping_cached` with a closure that may fail (as
/// `into_cata_side_effect_fallible`).
template <class R = void, class S, class Alg>
auto into_cata_jumping_cached_fallible(const S& src, Alg&& alg)
  -> detail::cata_result_t<R, Alg> {
  return detail::run_fallible_cata<detail::jumping_cached_form, detail::cata_result_t<R, Alg>>(
    src, alg, path_scope::none());
}

/// Stepping cached fold whose closure sees part of the path: `alg(mask, children, val, path)`
/// gets the last `scope.bytes` bytes of each position's path from the start (all of them when
/// shorter). A shared node's children results are reused wherever the node hangs below the
/// same visible bytes; `path_scope::full()` sees whole paths and so reuses nothing.
template <class W = void, class S, class Alg>
auto into_cata_cached(const S& src, path_scope scope, Alg&& alg)
  -> detail::cata_result_t<W, Alg> {
  using R = detail::cata_result_t<W, Alg>;
  return detail::run_cata<detail::scoped_form, R>(src, alg, scope);
}

/// `into_cata_cached(src, scope, alg)` with a closure that may fail.
template <class R = void, class S, class Alg>
auto into_cata_cached_fallible(const S& src, path_scope scope, Alg&& alg)
  -> detail::cata_result_t<R, Alg> {
  return detail::run_fallible_cata<detail::scoped_form, detail::cata_result_t<R, Alg>>(
    src, alg, scope);
}

/// Jumping cached fold whose closure sees part of the path: `alg(mask, children, jump, val,
/// path)`, with the path as in `into_cata_cached(src, scope, alg)`.
template <class W = void, class S, class Alg>
auto into_cata_jumping_cached(const S& src, path_scope scope, Alg&& alg)
  -> detail::cata_result_t<W, Alg> {
  using R = detail::cata_result_t<W, Alg>;
  return detail::run_cata<detail::jumping_scoped_form, R>(src, alg, scope);
}

/// `into_cata_jumping_cached(src, scope, alg)` with a closure that may fail.
template <class R = void, class S, class Alg>
auto into_cata_jumping_cached_fallible(const S& src, path_scope scope, Alg&& alg)
  -> detail::cata_result_t<R, Alg> {
  return detail::run_fallible_cata<detail::jumping_scoped_form, detail::cata_result_t<R, Alg>>(
    src, alg, scope);
}

// -- anamorphisms -------------------------------------------------------------------------------

template <class V, class W>
class trie_builder;

namespace detail {
template <class V, class W, class Alg>
path_map<V> run_ana(W seed, Alg& alg);
}

/// Collects the children of one position while an anamorphism's closure runs.
template <class V, class W>
class trie_builder {
public:
  /// Adds a child at `sub_path` (non-empty; an empty one is ignored) below the current path,
  /// expanded from seed `w`.
  void push(path_view sub_path, W w) {
    if (sub_path.empty())
      return;
    child& c = kids_.emplace_back();
    c.sub = sub_path.to_path();
    c.seed.emplace(std::move(w));
  }

  /// Adds a child one byte below the current path.
  void push_byte(std::uint8_t b, W w) {
    child& c = kids_.emplace_back();
    c.sub.push_back(b);
    c.seed.emplace(std::move(w));
  }

  /// Adds one child per byte of `mask` (ascending), with the seeds `ws` in that order (extra
  /// seeds are ignored, missing ones leave their bytes out).
  void set_child_mask(const byte_mask& mask, std::vector<W> ws) {
    std::size_t i = 0;
    for (int b = mask.first(); b >= 0 && i < ws.size(); b = mask.next_at_or_after(b + 1))
      push_byte(static_cast<std::uint8_t>(b), std::move(ws[i++]));
  }

  /// Grafts the subtrie and value at a zipper's focus one byte below the current path.
  template <class Z>
  void graft_at_byte(std::uint8_t b, const Z& z) {
    const auto& c = z.read_core();
    child& k = kids_.emplace_back();
    k.sub.push_back(b);
    k.node = c.focus_subtrie();
    if (const V* v = c.val())
      k.val.emplace(*v);
  }

  /// Grafts a map (its root value becomes the value) at `sub_path` below the current path.
  void graft_map_at(path_view sub_path, path_map<V> m) {
    if (sub_path.empty())
      return;
    child& k = kids_.emplace_back();
    k.sub = sub_path.to_path();
    auto [root, val] = std::move(m).into_parts();
    k.node = std::move(root);
    k.val = std::move(val);
  }

  /// Number of children added so far.
  std::size_t child_count() const noexcept { return kids_.size(); }

private:
  template <class V2, class W2, class Alg>
  friend path_map<V2> detail::run_ana(W2 seed, Alg& alg);

  struct child {
    path sub;
    std::optional<W> seed;   ///< to expand, or
    detail::node_ptr<V> node; ///< a finished subtrie and value
    std::optional<V> val;
  };

  std::vector<child> kids_;
};

namespace detail {

/// When a position's only content is `node` at `sub` and `node` has one entry, builds one
/// node whose key is `sub` followed by that entry's key (if it fits), so that chains grown one
/// byte at a time stay compact. Returns false when it does not apply.
template <class V>
bool compact(path_view sub, const node_ptr<V>& node, node_ptr<V>& out) {
  using ops = node_ops<V>;
  const node_header* h = node.get();
  if (ops::count(h) != 1)
    return false;
  int e = ops::first_entry(h);
  std::size_t kl = ops::key_len(h, e);
  if (sub.size() + kl > max_key_len)
    return false;
  std::vector<std::uint8_t> tail(sub.begin() + 1, sub.end());
  tail.push_back(ops::first_byte(h, e));
  path_view t = ops::tail(h, e);
  tail.insert(tail.end(), t.begin(), t.end());
  entry_src<V> es{sub[0], path_view{tail.data(), tail.size()}, ops::val(h, e),
                  node.unique(), ops::child(h, e)};
  out = node_ptr<V>(small_node<V>::build(&es, 1));
  return true;
}

template <class V, class W, class Alg>
path_map<V> run_ana(W seed, Alg& alg) {
  using trie = trie_ops<V>;
  struct frame {
    node_ptr<V> origin;
    std::optional<V> val;
    std::vector<typename trie_builder<V, W>::child> kids;
    std::size_t next = 0;
    std::size_t path_len = 0;
  };
  std::vector<frame> frames;
  std::vector<std::uint8_t> p;
  auto expand = [&](W w) {
    trie_builder<V, W> b;
    frame f;
    f.path_len = p.size();
    alg(std::move(w), f.val, b, path_view{p.data(), p.size()});
    f.kids = std::move(b.kids_);
    frames.push_back(std::move(f));
  };
  auto place = [](frame& f, path_view sub, node_ptr<V> node, std::optional<V> val) {
    if (node && node_ops<V>::count(node.get()) == 0)
      node.reset();
    if (!node && !val)
      return; // nothing to hang here
    if (!f.origin && !val && node && compact(sub, node, f.origin))
      return;
    trie::graft(f.origin, sub, std::move(node), std::move(val));
  };
  expand(std::move(seed));
  for (;;) {
    frame& f = frames.back();
    if (f.next < f.kids.size()) {
      auto& k = f.kids[f.next];
      if (!k.seed) {
        place(f, k.sub, std::move(k.node), std::move(k.val));
        ++f.next;
        continue;
      }
      W w = std::move(*k.seed);
      p.insert(p.end(), k.sub.begin(), k.sub.end());
      expand(std::move(w)); // invalidates `f`
      continue;
    }
    node_ptr<V> node = std::move(f.origin);
    std::optional<V> val = std::move(f.val);
    frames.pop_back();
    if (frames.empty())
      return path_map<V>::from_parts(std::move(node), std::move(val));
    frame& parent = frames.back();
    p.resize(parent.path_len);
    place(parent, parent.kids[parent.next].sub, std::move(node), std::move(val));
    ++parent.next;
  }
}

} // namespace detail

/// Builds a map from `seed` with `alg(W seed, std::optional<V>& val, trie_builder<V, W>& children,
/// path_view path)` (see the file comment).
template <class V, class W, class Alg>
path_map<V> new_map_from_ana(W seed, Alg&& alg) {
  return detail::run_ana<V, W>(std::move(seed), alg);
}

/// What a jumping anamorphism's closure answers at one position: descend by `prefix`, set
/// `val` there (when it holds one) and add one child per byte of `children` with the seeds in
/// `seeds`, in ascending byte order.
template <class V, class W>
struct ana_jump {
  path prefix;
  std::optional<V> val;
  byte_mask children;
  std::vector<W> seeds;
};

namespace detail {

/// The jumping anamorphism on the builder engine: a seed is either the user's (not yet asked)
/// or an answer whose prefix has been descended, so a prefix costs one multi-byte `push`.
template <class V, class W, class Alg>
path_map<V> run_ana_jumping(W seed, Alg& alg) {
  using step = ana_jump<V, W>;
  using S = std::variant<W, step>;
  auto expand = [&alg](S s, std::optional<V>& val, trie_builder<V, S>& b, path_view p) {
    step st = s.index() == 0 ? step(alg(std::get<0>(std::move(s)), p)) : std::get<1>(std::move(s));
    if (!st.prefix.empty()) {
      path pre = std::move(st.prefix);
      st.prefix.clear();
      b.push(pre, S(std::in_place_index<1>, std::move(st)));
      return;
    }
    val = std::move(st.val);
    std::size_t i = 0;
    for (int c = st.children.first(); c >= 0 && i < st.seeds.size();
         c = st.children.next_at_or_after(c + 1))
      b.push_byte(static_cast<std::uint8_t>(c), S(std::in_place_index<0>, std::move(st.seeds[i++])));
  };
  return run_ana<V, S>(S(std::in_place_index<0>, std::move(seed)), expand);
}

} // namespace detail

/// Builds a map from `seed` with `ana_jump<V, W> alg(W seed, path_view path)` (see the file
/// comment).
template <class V, class W, class Alg>
path_map<V> new_map_from_ana_jumping(W seed, Alg&& alg) {
  return detail::run_ana_jumping<V, W>(std::move(seed), alg);
}

/// The same as `new_map_from_ana<V>(seed, alg)`.
template <class V>
template <class W, class Alg>
path_map<V> path_map<V>::new_from_ana(W seed, Alg&& alg) {
  return detail::run_ana<V, W>(std::move(seed), alg);
}

} // namespace pathmap
