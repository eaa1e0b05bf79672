#pragma once
/// @file
/// The value algebra: `pathmap::lattice<V>`, the customization point that tells the trie algebra
/// (`path_map::join`, `meet`, `subtract`, the write-zipper forms) how two values that meet at
/// the same path combine, and the result types every algebraic operation returns.
///
/// An operation on two operands `self` and `other` answers with an `algebraic_result<T>`:
/// - `none`: the operands cancel; the result is "nothing" (a trie drops the value there);
/// - `identity(mask)`: the result equals an operand, named by the mask bits `self_ident` and
///   `counter_ident` (both set: the operands are equal). The caller reuses that operand instead
///   of building a copy, which is how the trie algebra keeps unchanged subtries shared;
/// - `element(t)`: a new value.
/// In-place operations answer with an `algebraic_status` (`element` < `identity` < `none`):
/// self changed, self unchanged, self is now empty. A lower status is always a correct,
/// conservative answer.
///
/// **Customizing.** Specialize `pathmap::lattice<V>` with static members
///
///     static algebraic_result<V> pjoin(const V& self, const V& other);
///     static algebraic_result<V> pmeet(const V& self, const V& other);
///     static algebraic_result<V> psubtract(const V& self, const V& other); // optional
///
/// or give `V` member functions `pjoin(const V&) const`, `pmeet(const V&) const` and optionally
/// `psubtract(const V&) const` with the same results; the primary template forwards to them.
/// `lattice_type<V>` holds when join and meet exist, `distributive_lattice_type<V>` when
/// subtract exists too. Join and meet must be idempotent (`x ∨ x = x`) and `x - x` must be
/// none: the trie algebra treats a node shared by both operands as an identity (join, meet) or as
/// cancelled (subtract) without looking at its values.
///
/// **Defaults** (the crate's):
/// - `std::monostate` (the unit type): join and meet give `identity(self | counter)`, subtract
///   gives none;
/// - `bool`: join = or, meet = and (the result names the operand it equals); subtract: equal
///   values cancel (none), otherwise the left value stays (`identity(self)`);
/// - integers (every `std::integral` except `bool`): join and meet keep the left value
///   (`identity(self)`, "left wins"); subtract: equal values cancel, otherwise the left value
///   stays (`identity(self)`; the crate answers `element(left)`, which is the same value, but
///   the identity lets the trie keep sharing);
/// - `std::optional<T>`: an empty optional is "no value": nullopt ∨ nullopt = none,
///   nullopt ∨ x = counter, x ∨ nullopt = self, otherwise T's join (and likewise for meet, where
///   any nullopt gives none, and subtract: nullopt - x = none, x - nullopt = self);
/// - sets (`std::set`, `std::unordered_set`): union, intersection, difference; maps
///   (`std::map`, `std::unordered_map`) keyed the same way with the mapped values combined by
///   their own lattice. An empty set or map counts as none;
/// - `pathmap::byte_mask`: or, and, and-not; an empty mask is none;
/// - `pathmap::path_map<V>` (nested maps): the trie algebra itself (algebra.hpp).
///
/// **Thread safety:** everything here is stateless.

#include <concepts>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <type_traits>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <variant>

#include "pathmap/byte_mask.hpp"

namespace pathmap {

// -- identity masks and statuses ------------------------------------------------------------

/// Identity mask bit: the result equals the left operand (`self`).
inline constexpr std::uint8_t self_ident = 0x1;

/// Identity mask bit: the result equals the right operand (`other`).
inline constexpr std::uint8_t counter_ident = 0x2;

/// What an in-place operation did to `self`. Ordered: `element < identity < none`.
enum class algebraic_status : std::uint8_t {
  element = 0,  ///< self changed (and is not empty)
  identity = 1, ///< self is unchanged
  none = 2,     ///< self is now empty
};

/// Combines the status of one part of a value (say a trie node) with the status of another
/// part (say the value at its root). `a_was_none` / `b_was_none` tell whether that part was
/// already empty before the operation: `none` merged with `identity` is `identity` only when the
/// `none` part was empty already, otherwise something was removed and the result is `element`.
constexpr algebraic_status merge_status(algebraic_status a, algebraic_status b, bool a_was_none,
                                        bool b_was_none) noexcept {
  using s = algebraic_status;
  if (a == s::element || b == s::element)
    return s::element;
  if (a == s::none && b == s::none)
    return s::none;
  if (a == s::none)
    return a_was_none ? s::identity : s::element;
  if (b == s::none)
    return b_was_none ? s::identity : s::element;
  return s::identity;
}

/// The result of a partial algebraic operation: none, identity of an operand, or a new element.
template <class T>
class algebraic_result {
public:
  // -- constructors ---------------------------------------------------------------------

  /// The operands cancel.
  static algebraic_result none() noexcept { return algebraic_result(kind::none, 0); }

  /// The result equals the operand(s) named by `mask` (`self_ident`, `counter_ident`; never 0).
  static algebraic_result identity(std::uint8_t mask) noexcept {
    return algebraic_result(kind::identity, mask);
  }

  /// A new value.
  static algebraic_result element(T v) {
    algebraic_result r(kind::element, 0);
    r.v_.emplace(std::move(v));
    return r;
  }

  // -- observers ------------------------------------------------------------------------

  bool is_none() const noexcept { return k_ == kind::none; }
  bool is_identity() const noexcept { return k_ == kind::identity; }
  bool is_element() const noexcept { return k_ == kind::element; }

  /// The identity mask (0 unless `is_identity()`).
  std::uint8_t identity_mask() const noexcept { return mask_; }

  /// The new value (only when `is_element()`).
  T& get() & noexcept { return *v_; }
  const T& get() const& noexcept { return *v_; }
  T&& get() && noexcept { return std::move(*v_); }

  /// The status this result means for `self` in an in-place operation: identity only when
  /// the result is `self`; an identity of `other` alone replaces self, which is a change.
  algebraic_status status() const noexcept {
    switch (k_) {
      case kind::none:
        return algebraic_status::none;
      case kind::identity:
        return (mask_ & self_ident) ? algebraic_status::identity : algebraic_status::element;
      default:
        return algebraic_status::element;
    }
  }

  // -- conversions ----------------------------------------------------------------------

  /// The same result with the roles of self and other swapped.
  algebraic_result invert_identity() && {
    if (k_ == kind::identity)
      mask_ = static_cast<std::uint8_t>(((mask_ & self_ident) ? counter_ident : 0)
                                        | ((mask_ & counter_ident) ? self_ident : 0));
    return std::move(*this);
  }

  /// Applies `f` to an element; none and identities pass through.
  template <class F>
  auto map(F&& f) && -> algebraic_result<std::invoke_result_t<F, T&&>> {
    using U = std::invoke_result_t<F, T&&>;
    switch (k_) {
      case kind::none:
        return algebraic_result<U>::none();
      case kind::identity:
        return algebraic_result<U>::identity(mask_);
      default:
        return algebraic_result<U>::element(std::forward<F>(f)(std::move(*v_)));
    }
  }

  /// The result as a value: nullopt for none, a copy of the operand named by the lowest set
  /// identity bit, or the element.
  std::optional<T> into_option(const T& self, const T& other) && {
    switch (k_) {
      case kind::none:
        return std::nullopt;
      case kind::identity:
        return (mask_ & self_ident) ? std::optional<T>(self) : std::optional<T>(other);
      default:
        return std::move(v_);
    }
  }

  /// Like `into_option`, with a none result giving `fallback`.
  T unwrap_or(const T& self, const T& other, T fallback) && {
    auto o = std::move(*this).into_option(self, other);
    return o ? std::move(*o) : std::move(fallback);
  }

private:
  enum class kind : std::uint8_t { none, identity, element };

  algebraic_result(kind k, std::uint8_t mask) noexcept : k_(k), mask_(mask) {}

  kind k_;
  std::uint8_t mask_;
  std::optional<T> v_;
};

// -- the customization point ----------------------------------------------------------------

namespace detail {

template <class V>
concept member_lattice = requires(const V& a, const V& b) {
  { a.pjoin(b) } -> std::same_as<algebraic_result<V>>;
  { a.pmeet(b) } -> std::same_as<algebraic_result<V>>;
};

template <class V>
concept member_subtract = requires(const V& a, const V& b) {
  { a.psubtract(b) } -> std::same_as<algebraic_result<V>>;
};

/// Base of the primary template when V has member functions.
template <class V>
struct member_lattice_base {};

template <class V>
  requires member_lattice<V>
struct member_lattice_base<V> {
  static algebraic_result<V> pjoin(const V& a, const V& b) { return a.pjoin(b); }
  static algebraic_result<V> pmeet(const V& a, const V& b) { return a.pmeet(b); }
};

template <class V>
struct member_subtract_base {};

template <class V>
  requires member_subtract<V>
struct member_subtract_base<V> {
  static algebraic_result<V> psubtract(const V& a, const V& b) { return a.psubtract(b); }
};

} // namespace detail

/// How two values of type `V` combine. The primary template forwards to member functions
/// `pjoin`/`pmeet`/`psubtract` when `V` has them and is empty otherwise; specialize it for
/// other types (see the file comment).
template <class V>
struct lattice : detail::member_lattice_base<V>, detail::member_subtract_base<V> {};

/// True when `lattice<V>` provides join and meet.
template <class V>
concept lattice_type = requires(const V& a, const V& b) {
  { lattice<V>::pjoin(a, b) } -> std::same_as<algebraic_result<V>>;
  { lattice<V>::pmeet(a, b) } -> std::same_as<algebraic_result<V>>;
};

/// True when `lattice<V>` also provides subtract.
template <class V>
concept distributive_lattice_type = lattice_type<V> && requires(const V& a, const V& b) {
  { lattice<V>::psubtract(a, b) } -> std::same_as<algebraic_result<V>>;
};

// -- in-place forms ---------------------------------------------------------------------------

/// `self = self ∨ other`, derived from `pjoin`. Returns what happened to `self`.
template <lattice_type V>
algebraic_status lattice_join_into(V& self, V other) {
  auto r = lattice<V>::pjoin(self, other);
  if (r.is_none())
    return algebraic_status::none; // the caller drops the value
  if (r.is_identity()) {
    if (r.identity_mask() & self_ident)
      return algebraic_status::identity;
    self = std::move(other);
    return algebraic_status::element;
  }
  self = std::move(r).get();
  return algebraic_status::element;
}

/// `self = self ∧ other`, derived from `pmeet`. A `none` status means the caller drops `self`.
template <lattice_type V>
algebraic_status lattice_meet_into(V& self, const V& other) {
  auto r = lattice<V>::pmeet(self, other);
  if (r.is_none())
    return algebraic_status::none;
  if (r.is_identity()) {
    if (r.identity_mask() & self_ident)
      return algebraic_status::identity;
    self = other;
    return algebraic_status::element;
  }
  self = std::move(r).get();
  return algebraic_status::element;
}

/// `self = self - other`, derived from `psubtract`. A `none` status means the caller drops
/// `self`.
template <distributive_lattice_type V>
algebraic_status lattice_subtract_into(V& self, const V& other) {
  auto r = lattice<V>::psubtract(self, other);
  if (r.is_none())
    return algebraic_status::none;
  if (r.is_identity())
    return algebraic_status::identity;
  self = std::move(r).get();
  return algebraic_status::element;
}

// -- defaults: unit, bool, integers ------------------------------------------------------------

/// The unit type: every value is the same value.
template <>
struct lattice<std::monostate> {
  static algebraic_result<std::monostate> pjoin(const std::monostate&, const std::monostate&) {
    return algebraic_result<std::monostate>::identity(self_ident | counter_ident);
  }
  static algebraic_result<std::monostate> pmeet(const std::monostate&, const std::monostate&) {
    return algebraic_result<std::monostate>::identity(self_ident | counter_ident);
  }
  static algebraic_result<std::monostate> psubtract(const std::monostate&,
                                                    const std::monostate&) {
    return algebraic_result<std::monostate>::none();
  }
};

/// `bool`: join = or, meet = and, subtract: equal values cancel.
template <>
struct lattice<bool> {
  static algebraic_result<bool> pjoin(const bool& a, const bool& b) {
    if (a == b)
      return algebraic_result<bool>::identity(self_ident | counter_ident);
    return algebraic_result<bool>::identity(a ? self_ident : counter_ident);
  }
  static algebraic_result<bool> pmeet(const bool& a, const bool& b) {
    if (a == b)
      return algebraic_result<bool>::identity(self_ident | counter_ident);
    return algebraic_result<bool>::identity(a ? counter_ident : self_ident);
  }
  static algebraic_result<bool> psubtract(const bool& a, const bool& b) {
    if (a == b)
      return algebraic_result<bool>::none();
    return algebraic_result<bool>::identity(self_ident);
  }
};

namespace detail {

/// Integers: the left value wins join and meet; equal values cancel in subtract.
template <class I>
struct integer_lattice {
  static algebraic_result<I> pjoin(const I&, const I&) {
    return algebraic_result<I>::identity(self_ident);
  }
  static algebraic_result<I> pmeet(const I&, const I&) {
    return algebraic_result<I>::identity(self_ident);
  }
  static algebraic_result<I> psubtract(const I& a, const I& b) {
    if (a == b)
      return algebraic_result<I>::none();
    return algebraic_result<I>::identity(self_ident);
  }
};

} // namespace detail

template <>
struct lattice<char> : detail::integer_lattice<char> {};
template <>
struct lattice<signed char> : detail::integer_lattice<signed char> {};
template <>
struct lattice<unsigned char> : detail::integer_lattice<unsigned char> {};
template <>
struct lattice<char8_t> : detail::integer_lattice<char8_t> {};
template <>
struct lattice<char16_t> : detail::integer_lattice<char16_t> {};
template <>
struct lattice<char32_t> : detail::integer_lattice<char32_t> {};
template <>
struct lattice<wchar_t> : detail::integer_lattice<wchar_t> {};
template <>
struct lattice<short> : detail::integer_lattice<short> {};
template <>
struct lattice<unsigned short> : detail::integer_lattice<unsigned short> {};
template <>
struct lattice<int> : detail::integer_lattice<int> {};
template <>
struct lattice<unsigned int> : detail::integer_lattice<unsigned int> {};
template <>
struct lattice<long> : detail::integer_lattice<long> {};
template <>
struct lattice<unsigned long> : detail::integer_lattice<unsigned long> {};
template <>
struct lattice<long long> : detail::integer_lattice<long long> {};
template <>
struct lattice<unsigned long long> : detail::integer_lattice<unsigned long long> {};

// -- defaults: optional ------------------------------------------------------------------------

/// `std::optional<T>`: nullopt is "no value"; two values combine with T's lattice.
template <lattice_type T>
struct lattice<std::optional<T>> {
  using opt = std::optional<T>;

  static algebraic_result<opt> pjoin(const opt& a, const opt& b) {
    if (!a && !b)
      return algebraic_result<opt>::none();
    if (!a)
      return algebraic_result<opt>::identity(counter_ident);
    if (!b)
      return algebraic_result<opt>::identity(self_ident);
    return lift(lattice<T>::pjoin(*a, *b));
  }
  static algebraic_result<opt> pmeet(const opt& a, const opt& b) {
    if (!a || !b)
      return algebraic_result<opt>::none();
    return lift(lattice<T>::pmeet(*a, *b));
  }
  static algebraic_result<opt> psubtract(const opt& a, const opt& b)
    requires distributive_lattice_type<T>
  {
    if (!a)
      return algebraic_result<opt>::none();
    if (!b)
      return algebraic_result<opt>::identity(self_ident);
    return lift(lattice<T>::psubtract(*a, *b));
  }

private:
  static algebraic_result<opt> lift(algebraic_result<T> r) {
    return std::move(r).map([](T&& v) { return opt(std::move(v)); });
  }
};

// -- defaults: byte masks ---------------------------------------------------------------------

/// Bit masks: or, and, and-not; an empty mask is none.
template <>
struct lattice<byte_mask> {
  static algebraic_result<byte_mask> pjoin(const byte_mask& a, const byte_mask& b) {
    return judge(a | b, a, b);
  }
  static algebraic_result<byte_mask> pmeet(const byte_mask& a, const byte_mask& b) {
    return judge(a & b, a, b);
  }
  static algebraic_result<byte_mask> psubtract(const byte_mask& a, const byte_mask& b) {
    byte_mask r = a.and_not(b);
    if (r.empty())
      return algebraic_result<byte_mask>::none();
    if (r == a)
      return algebraic_result<byte_mask>::identity(self_ident);
    return algebraic_result<byte_mask>::element(r);
  }

private:
  static algebraic_result<byte_mask> judge(const byte_mask& r, const byte_mask& a,
                                           const byte_mask& b) {
    if (r.empty())
      return algebraic_result<byte_mask>::none();
    std::uint8_t m = static_cast<std::uint8_t>((r == a ? self_ident : 0)
                                               | (r == b ? counter_ident : 0));
    if (m)
      return algebraic_result<byte_mask>::identity(m);
    return algebraic_result<byte_mask>::element(r);
  }
};

// -- defaults: sets and maps --------------------------------------------------------------------

namespace detail {

/// Union / intersection / difference of set-like containers (`contains`, `insert`, `size`).
/// An empty result is none; a result as large as an operand equals it.
template <class S>
struct set_lattice {
  static algebraic_result<S> pjoin(const S& a, const S& b) {
    if (a.empty() && b.empty())
      return algebraic_result<S>::none();
    S r = a;
    for (const auto& x : b)
      r.insert(x);
    return judge(std::move(r), a, b);
  }
  static algebraic_result<S> pmeet(const S& a, const S& b) {
    S r;
    const S& small = a.size() <= b.size() ? a : b;
    const S& large = a.size() <= b.size() ? b : a;
    for (const auto& x : small)
      if (large.contains(x))
        r.insert(x);
    return judge(std::move(r), a, b);
  }
  static algebraic_result<S> psubtract(const S& a, const S& b) {
    S r;
    for (const auto& x : a)
      if (!b.contains(x))
        r.insert(x);
    if (r.empty())
      return algebraic_result<S>::none();
    if (r.size() == a.size())
      return algebraic_result<S>::identity(self_ident);
    return algebraic_result<S>::element(std::move(r));
  }

private:
  /// `r` is a union or intersection of `a` and `b`: it equals an operand exactly when the
  /// sizes match.
  static algebraic_result<S> judge(S r, const S& a, const S& b) {
    if (r.empty())
      return algebraic_result<S>::none();
    std::uint8_t m = static_cast<std::uint8_t>((r.size() == a.size() ? self_ident : 0)
                                               | (r.size() == b.size() ? counter_ident : 0));
    if (m)
      return algebraic_result<S>::identity(m);
    return algebraic_result<S>::element(std::move(r));
  }
};

/// Keyed union / intersection / difference of map-like containers, combining the mapped
/// values of common keys with their lattice. An empty result is none.
template <class M>
struct map_lattice {
  using T = typename M::mapped_type;

  static algebraic_result<M> pjoin(const M& a, const M& b) {
    if (a.empty() && b.empty())
      return algebraic_result<M>::none();
    M r;
    std::uint8_t m = self_ident | counter_ident;
    for (const auto& [k, va] : a) {
      auto it = b.find(k);
      if (it == b.end()) {
        m &= ~counter_ident;
        r.emplace(k, va);
        continue;
      }
      m &= combine(r, k, va, it->second, lattice<T>::pjoin(va, it->second));
    }
    for (const auto& [k, vb] : b)
      if (!a.contains(k)) {
        m &= ~self_ident;
        r.emplace(k, vb);
      }
    return judge(std::move(r), m);
  }
  static algebraic_result<M> pmeet(const M& a, const M& b) {
    M r;
    std::uint8_t m = self_ident | counter_ident;
    for (const auto& [k, va] : a) {
      auto it = b.find(k);
      if (it == b.end()) {
        m &= ~self_ident;
        continue;
      }
      m &= combine(r, k, va, it->second, lattice<T>::pmeet(va, it->second));
    }
    if (r.size() != b.size())
      m &= ~counter_ident;
    return judge(std::move(r), m);
  }
  static algebraic_result<M> psubtract(const M& a, const M& b)
    requires distributive_lattice_type<T>
  {
    M r;
    std::uint8_t m = self_ident;
    for (const auto& [k, va] : a) {
      auto it = b.find(k);
      if (it == b.end()) {
        r.emplace(k, va);
        continue;
      }
      m &= combine(r, k, va, it->second, lattice<T>::psubtract(va, it->second)) | counter_ident;
    }
    if (r.empty())
      return algebraic_result<M>::none();
    if (m & self_ident)
      return algebraic_result<M>::identity(self_ident);
    return algebraic_result<M>::element(std::move(r));
  }

private:
  /// Stores the combination of `va` and `vb` under `k`; returns the identity bits it keeps.
  template <class K>
  static std::uint8_t combine(M& r, const K& k, const T& va, const T& vb,
                              algebraic_result<T> res) {
    if (res.is_none())
      return 0;
    if (res.is_identity()) {
      std::uint8_t m = res.identity_mask();
      r.emplace(k, (m & self_ident) ? va : vb);
      return m;
    }
    r.emplace(k, std::move(res).get());
    return 0;
  }

  static algebraic_result<M> judge(M r, std::uint8_t m) {
    if (r.empty())
      return algebraic_result<M>::none();
    if (m)
      return algebraic_result<M>::identity(m);
    return algebraic_result<M>::element(std::move(r));
  }
};

} // namespace detail

template <class K, class C, class A>
struct lattice<std::set<K, C, A>> : detail::set_lattice<std::set<K, C, A>> {};

template <class K, class H, class E, class A>
struct lattice<std::unordered_set<K, H, E, A>>
  : detail::set_lattice<std::unordered_set<K, H, E, A>> {};

template <class K, lattice_type T, class C, class A>
struct lattice<std::map<K, T, C, A>> : detail::map_lattice<std::map<K, T, C, A>> {};

template <class K, lattice_type T, class H, class E, class A>
struct lattice<std::unordered_map<K, T, H, E, A>>
  : detail::map_lattice<std::unordered_map<K, T, H, E, A>> {};

} // namespace pathmap
