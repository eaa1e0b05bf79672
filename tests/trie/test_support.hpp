#pragma once
/// @file
/// Helpers shared by the trie test suites: path builders, readable dumps of a map's contents,
/// value types with special behaviour (an instance-counting type, a type whose copy constructor
/// throws on demand), per-type value factories for typed tests, and the test-size scale.

#include "pathmap/lattice.hpp"
#include "pathmap/path_map.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace pathmap_test {

// -- scale ------------------------------------------------------------------------------------

/// Multiplier for the size of randomized and bulk tests. `PATHMAP_TEST_SCALE` (a positive
/// number) overrides it; sanitizer builds default to 0.1 so they stay fast.
inline double test_scale() {
  static const double scale = [] {
    if (const char* s = std::getenv("PATHMAP_TEST_SCALE"); s != nullptr && *s != '\0') {
      double d = std::strtod(s, nullptr);
      if (d > 0)
        return d;
    }
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
    return 0.1;
#elif defined(__has_feature)
#  if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)                      \
    || __has_feature(memory_sanitizer)
    return 0.1;
#  else
    return 1.0;
#  endif
#else
    return 1.0;
#endif
  }();
  return scale;
}

/// `n` scaled by `test_scale()`, never below `min`.
inline std::size_t scaled(std::size_t n, std::size_t min = 1) {
  auto r = static_cast<std::size_t>(static_cast<double>(n) * test_scale());
  return r < min ? min : r;
}

// -- zipper kinds ----------------------------------------------------------------------------

/// Zippers made by path_map::read_zipper / read_zipper_at_path, for suites that run the same
/// cases on read and write zippers (PATHMAP-SPEC §2.5: both move and read the same way).
struct read_kind {
  template <class V>
  static auto make(pathmap::path_map<V>& m) {
    return m.read_zipper();
  }
  template <class V>
  static auto make_at(pathmap::path_map<V>& m, pathmap::path_view p) {
    return m.read_zipper_at_path(p);
  }
};

/// Zippers made by path_map::write_zipper / write_zipper_at_path.
struct write_kind {
  template <class V>
  static auto make(pathmap::path_map<V>& m) {
    return m.write_zipper();
  }
  template <class V>
  static auto make_at(pathmap::path_map<V>& m, pathmap::path_view p) {
    return m.write_zipper_at_path(p);
  }
};

// -- paths ------------------------------------------------------------------------------------

/// Bytes as a std::string (paths in tests are std::strings; they convert to path_view).
inline std::string bytes(std::initializer_list<int> bs) {
  std::string s;
  for (int b : bs)
    s.push_back(static_cast<char>(static_cast<std::uint8_t>(b)));
  return s;
}

inline std::string str(pathmap::path_view p) {
  return std::string(p.as_string_view());
}

inline std::string be64(std::uint64_t i) {
  std::string s(8, '\0');
  for (int k = 7; k >= 0; --k, i >>= 8)
    s[static_cast<std::size_t>(k)] = static_cast<char>(i & 0xff);
  return s;
}

inline std::string be32(std::uint32_t i) {
  std::string s(4, '\0');
  for (int k = 3; k >= 0; --k, i >>= 8)
    s[static_cast<std::size_t>(k)] = static_cast<char>(i & 0xff);
  return s;
}

/// A path in readable form: printable ASCII as is, other bytes as \xNN.
inline std::string show(std::string_view s) {
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (char c : s) {
    auto b = static_cast<std::uint8_t>(c);
    if (b >= 0x20 && b < 0x7f && b != '\\' && b != '|' && b != '=') {
      out.push_back(c);
    } else {
      out += "\\x";
      out.push_back(hex[b >> 4]);
      out.push_back(hex[b & 15]);
    }
  }
  return out;
}

inline std::string show(pathmap::path_view p) {
  return show(p.as_string_view());
}

inline std::string show(const std::string& s) {
  return show(std::string_view(s));
}

inline std::string show(const char* s) {
  return show(std::string_view(s));
}

/// A small map of the crate's example words with a root value: "" 0, arrow 1, bow 2, cannon 3,
/// cannonade 4 ("cannon" is a valued prefix of "cannonade", "can" is inside a key).
inline pathmap::path_map<int> arrow_map() {
  return pathmap::path_map<int>{{"", 0}, {"arrow", 1}, {"bow", 2}, {"cannon", 3}, {"cannonade", 4}};
}

/// The crate's example keys (docs and zipper tests).
inline const std::vector<std::string>& roman_keys() {
  static const std::vector<std::string> keys{"arrow",   "bow",     "cannon", "roman",
                                             "romane",  "romanus", "romulus", "rubens",
                                             "ruber",   "rubicon", "rubicundus", "rom'i"};
  return keys;
}

/// The same keys in iteration order (lexicographic, unsigned bytes, prefix first).
inline const std::vector<std::string>& roman_keys_sorted() {
  static const std::vector<std::string> keys{"arrow",  "bow",     "cannon",  "rom'i",
                                             "roman",  "romane",  "romanus", "romulus",
                                             "rubens", "ruber",   "rubicon", "rubicundus"};
  return keys;
}

/// Joins strings with '|', rendering each with show().
inline std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i != 0)
      out.push_back('|');
    out += show(v[i]);
  }
  return out;
}

/// Every non-empty prefix of every key, sorted: the positions `to_next_step` visits.
inline std::vector<std::string> all_prefixes(const std::vector<std::string>& keys) {
  std::set<std::string> s;
  for (const auto& k : keys)
    for (std::size_t n = 1; n <= k.size(); ++n)
      s.insert(k.substr(0, n));
  return {s.begin(), s.end()};
}

// -- value types ------------------------------------------------------------------------------

/// A plain aggregate value.
struct point {
  int x = 0;
  std::string name;
  friend bool operator==(const point&, const point&) = default;
};

/// Counts live instances and detects use after destruction and double destruction.
class counted {
public:
  static inline std::atomic<long> live{0};
  static inline std::atomic<long> copies{0};
  static inline std::atomic<long> errors{0}; // double destroy or use of a dead object

  counted() : value(0) { ++live; }
  explicit counted(int v) : value(v) { ++live; }
  counted(const counted& o) : value(o.value) {
    check(o);
    ++live;
    ++copies;
  }
  counted(counted&& o) noexcept : value(o.value) {
    check(o);
    ++live;
  }
  counted& operator=(const counted& o) {
    check(o);
    check(*this);
    value = o.value;
    ++copies;
    return *this;
  }
  counted& operator=(counted&& o) noexcept {
    check(o);
    check(*this);
    value = o.value;
    return *this;
  }
  ~counted() {
    check(*this);
    magic_ = dead_magic;
    --live;
  }

  int value;

  friend bool operator==(const counted& a, const counted& b) { return a.value == b.value; }

private:
  static constexpr std::uint32_t alive_magic = 0x600d600d;
  static constexpr std::uint32_t dead_magic = 0xdeadbeef;
  static void check(const counted& c) {
    if (c.magic_ != alive_magic)
      ++errors;
  }
  std::uint32_t magic_ = alive_magic;
};

/// A `std::uint64_t` kept in heap memory, for running integer-valued tests over values that own
/// resources: a move leaves the source empty, so a value the map moved from and then still
/// reads shows up as an error (reading an empty `boxed` throws `std::logic_error`), and a value
/// destroyed twice or leaked shows up under ASan. Converts to and from `std::uint64_t`.
class boxed {
public:
  boxed(std::uint64_t v = 0) : p_(std::make_unique<std::uint64_t>(v)) {}
  boxed(const boxed& o) : p_(std::make_unique<std::uint64_t>(o.get())) {}
  boxed(boxed&&) noexcept = default;
  boxed& operator=(const boxed& o) {
    p_ = std::make_unique<std::uint64_t>(o.get());
    return *this;
  }
  boxed& operator=(boxed&&) noexcept = default;

  operator std::uint64_t() const { return get(); }
  boxed& operator+=(std::uint64_t d) {
    *p_ = get() + d;
    return *this;
  }

private:
  std::uint64_t get() const {
    if (!p_)
      throw std::logic_error("boxed: read of a value that was moved from");
    return *p_;
  }
  std::unique_ptr<std::uint64_t> p_;
};

/// Thrown by `throws_on_copy` when its copy budget runs out.
struct copy_failure : std::runtime_error {
  copy_failure() : std::runtime_error("throws_on_copy: copy budget exhausted") {}
};

/// A value whose copy constructor throws on the Nth copy once armed; counts live instances.
class throws_on_copy {
public:
  static inline std::atomic<long> live{0};
  static inline std::atomic<long> errors{0};
  /// Copies still allowed before one throws; negative = never throw.
  static inline long budget = -1;

  /// Arms the type: the copy after `n` successful copies throws.
  static void arm(long n) { budget = n; }
  static void disarm() { budget = -1; }

  throws_on_copy() : value(0) { ++live; }
  explicit throws_on_copy(int v) : value(v) { ++live; }
  throws_on_copy(const throws_on_copy& o) : value(o.value) {
    check(o);
    spend();
    ++live;
  }
  throws_on_copy(throws_on_copy&& o) noexcept : value(o.value) {
    check(o);
    ++live;
  }
  throws_on_copy& operator=(const throws_on_copy& o) {
    check(o);
    check(*this);
    spend();
    value = o.value;
    return *this;
  }
  throws_on_copy& operator=(throws_on_copy&& o) noexcept {
    check(o);
    check(*this);
    value = o.value;
    return *this;
  }
  ~throws_on_copy() {
    check(*this);
    magic_ = dead_magic;
    --live;
  }

  int value;

  friend bool operator==(const throws_on_copy& a, const throws_on_copy& b) {
    return a.value == b.value;
  }

private:
  static constexpr std::uint32_t alive_magic = 0x0c0ffee0;
  static constexpr std::uint32_t dead_magic = 0xdeadbeef;
  static void spend() {
    if (budget == 0) {
      budget = -1; // one throw per arming
      throw copy_failure{};
    }
    if (budget > 0)
      --budget;
  }
  static void check(const throws_on_copy& c) {
    if (c.magic_ != alive_magic)
      ++errors;
  }
  std::uint32_t magic_ = alive_magic;
};

/// RAII guard disarming `throws_on_copy` at scope exit (also on a failed REQUIRE).
struct disarm_on_exit {
  ~disarm_on_exit() { throws_on_copy::disarm(); }
};

// -- per-type value factories -----------------------------------------------------------------

/// `make(i)` builds the i-th distinct value of V; `id(v)` recovers i (0 for std::monostate,
/// which has one value only).
template <class V>
struct values;

template <>
struct values<int> {
  static int make(int i) { return i; }
  static int id(const int& v) { return v; }
};

template <>
struct values<std::uint64_t> {
  static std::uint64_t make(int i) { return static_cast<std::uint64_t>(i) * 0x100000001ull; }
  static int id(const std::uint64_t& v) { return static_cast<int>(v / 0x100000001ull); }
};

template <>
struct values<std::string> {
  // Odd values are long enough to live on the heap (no small-string optimization).
  static std::string make(int i) {
    std::string s = "v" + std::to_string(i);
    if (i % 2 != 0)
      s += std::string(40, '#');
    return s;
  }
  static int id(const std::string& v) {
    return std::stoi(v.substr(1, v.find('#') == std::string::npos ? std::string::npos
                                                                  : v.find('#') - 1));
  }
};

template <>
struct values<point> {
  static point make(int i) { return point{i, "point-" + std::to_string(i) + std::string(30, '.')}; }
  static int id(const point& v) { return v.x; }
};

} // namespace pathmap_test

/// `boxed` combines like the integers it holds (left wins join and meet, equal values cancel in
/// subtract): the library's integer lattice, so the algebra tests run over boxed values too.
template <>
struct pathmap::lattice<pathmap_test::boxed>
  : pathmap::detail::integer_lattice<pathmap_test::boxed> {};

namespace pathmap_test {

template <>
struct values<boxed> {
  static boxed make(int i) { return boxed(static_cast<std::uint64_t>(i)); }
  static int id(const boxed& v) { return static_cast<int>(static_cast<std::uint64_t>(v)); }
};

template <>
struct values<std::monostate> {
  static std::monostate make(int) { return {}; }
  static int id(const std::monostate&) { return 0; }
};

template <>
struct values<counted> {
  static counted make(int i) { return counted{i}; }
  static int id(const counted& v) { return v.value; }
};

template <>
struct values<throws_on_copy> {
  static throws_on_copy make(int i) { return throws_on_copy{i}; }
  static int id(const throws_on_copy& v) { return v.value; }
};

/// `values<V>::id` of the value at `p`, or -1 when there is none.
template <class V>
int id_at(const pathmap::path_map<V>& m, pathmap::path_view p) {
  const V* v = m.get_val_at(p);
  return v == nullptr ? -1 : values<V>::id(*v);
}

/// For a typed test: the id that `values<V>::make(i)` round-trips to.
template <class V>
int expect_id(int i) {
  return values<V>::id(values<V>::make(i));
}

/// Checks at scope exit that no counted instance leaked or was destroyed twice. Declare it
/// before the maps of a test so that it runs after they are gone.
template <class V>
struct live_guard {
  long counted_at_start = counted::live.load();
  long throwing_at_start = throws_on_copy::live.load();
  long counted_errors = counted::errors.load();
  long throwing_errors = throws_on_copy::errors.load();
  ~live_guard() {
    throws_on_copy::disarm();
    CHECK_MESSAGE(counted::live.load() == counted_at_start, "counted instances leaked or lost");
    CHECK_MESSAGE(throws_on_copy::live.load() == throwing_at_start,
                  "throws_on_copy instances leaked or lost");
    CHECK_MESSAGE(counted::errors.load() == counted_errors,
                  "a counted value was used after destruction or destroyed twice");
    CHECK_MESSAGE(throws_on_copy::errors.load() == throwing_errors,
                  "a throws_on_copy value was used after destruction or destroyed twice");
  }
};

// -- dumps ------------------------------------------------------------------------------------

/// The map's values in iteration order (range-for), as (path, value) pairs.
template <class V>
std::vector<std::pair<std::string, V>> items(const pathmap::path_map<V>& m) {
  std::vector<std::pair<std::string, V>> out;
  for (auto&& [p, v] : m)
    out.emplace_back(str(p), v);
  return out;
}

/// The map's paths in iteration order (range-for).
template <class V>
std::vector<std::string> keys(const pathmap::path_map<V>& m) {
  std::vector<std::string> out;
  for (auto&& [p, v] : m) {
    (void)v;
    out.push_back(str(p));
  }
  return out;
}

/// "path=id|path=id..." in iteration order (range-for); readable in failure messages.
template <class V>
std::string dump(const pathmap::path_map<V>& m) {
  std::string out;
  bool first = true;
  for (auto&& [p, v] : m) {
    if (!first)
      out.push_back('|');
    first = false;
    out += show(p);
    out.push_back('=');
    out += std::to_string(values<V>::id(v));
  }
  return out;
}

/// The same through for_each_value.
template <class V>
std::string dump_for_each(const pathmap::path_map<V>& m) {
  std::string out;
  bool first = true;
  m.for_each_value([&](pathmap::path_view p, const V& v) {
    if (!first)
      out.push_back('|');
    first = false;
    out += show(p);
    out.push_back('=');
    out += std::to_string(values<V>::id(v));
  });
  return out;
}

/// Every existing non-root position below a zipper's root, in to_next_step order.
template <class Z>
std::vector<std::string> step_paths(Z& z) {
  std::vector<std::string> out;
  z.reset();
  while (z.to_next_step())
    out.push_back(str(z.path()));
  return out;
}

/// Builds a map from (path, id) pairs with `values<V>::make(id)`.
template <class V>
pathmap::path_map<V> build_map(std::initializer_list<std::pair<std::string, int>> kvs) {
  pathmap::path_map<V> m;
  for (const auto& [k, i] : kvs)
    m.set_val_at(k, values<V>::make(i));
  return m;
}

/// The crate's example map: each roman key with its index in roman_keys() as the value.
template <class V = int>
pathmap::path_map<V> roman_map() {
  pathmap::path_map<V> m;
  int i = 0;
  for (const auto& k : roman_keys())
    m.set_val_at(k, values<V>::make(i++));
  return m;
}

} // namespace pathmap_test
