// Serialization: the crate's `.paths` format and the map format (pathmap/serialization.hpp).
#include "pathmap/serialization.hpp"

#include "pathmap/zipper_head.hpp"
#include "test_support.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <stdexcept>
#include <streambuf>
#include <string>
#include <variant>
#include <vector>

using namespace pathmap;
using pathmap_test::scaled;
using pathmap_test::show;
using pathmap_test::str;
using bytes_t = std::vector<std::uint8_t>;

namespace {

// -- helpers ------------------------------------------------------------------------------------

/// Crafts `.paths` data from raw records with our own zlib writer (level 7).
bytes_t paths_data(const std::vector<std::string>& records) {
  bytes_t out;
  detail::ser::output o(out);
  detail::ser::start_paths(o);
  for (const auto& r : records) {
    o.put_u32le(static_cast<std::uint32_t>(r.size()));
    o.write(r.data(), r.size());
  }
  REQUIRE(o.finish());
  return out;
}

/// `.paths` data from an already-encoded uncompressed payload (may be malformed).
bytes_t paths_payload(const std::string& payload) {
  bytes_t out;
  detail::ser::output o(out);
  detail::ser::start_paths(o);
  o.write(payload.data(), payload.size());
  REQUIRE(o.finish());
  return out;
}

std::string le32(std::uint32_t v) {
  std::string s(4, '\0');
  for (int i = 0; i < 4; ++i)
    s[static_cast<std::size_t>(i)] = static_cast<char>((v >> (8 * i)) & 0xff);
  return s;
}

std::string varint(std::uint64_t v) {
  std::string s;
  while (v >= 0x80) {
    s.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  s.push_back(static_cast<char>(v));
  return s;
}

/// A raw (uncompressed) map-format file around `body`, with a correct CRC unless told.
bytes_t map_file(std::string_view codec, const std::string& body, bool fix_crc = true,
                 std::uint8_t version = 1, std::uint8_t flags = 0) {
  std::string s = "PMAP";
  s.push_back(static_cast<char>(version));
  s.push_back(static_cast<char>(flags));
  s.push_back(static_cast<char>(codec.size()));
  s += codec;
  s += body;
  bytes_t out(s.begin(), s.end());
  if (fix_crc) {
    std::uint32_t c = 0;
    {
      bytes_t tmp;
      detail::ser::output o(tmp);
      o.track_crc();
      o.write(out.data(), out.size());
      c = o.crc();
      REQUIRE(o.finish());
    }
    auto t = le32(c);
    out.insert(out.end(), t.begin(), t.end());
  }
  return out;
}

/// Every value as "path=value" strings (values rendered by `render`).
template <class V>
std::string render(const V& v) {
  if constexpr (std::is_same_v<V, std::monostate>)
    return "()";
  else if constexpr (std::is_same_v<V, std::string>)
    return show(v);
  else
    return std::to_string(v);
}

/// The map's observable content: every value, and every leaf (value or dangling), in order.
/// Two maps with equal dumps have the same paths, values and structure.
template <class V>
std::vector<std::string> dump(const path_map<V>& m) {
  std::vector<std::string> out;
  auto z = m.read_zipper();
  if (const V* v = z.val())
    out.push_back("=" + render(*v));
  while (z.to_next_step()) {
    const V* v = z.val();
    bool leaf = z.child_count() == 0;
    if (v != nullptr || leaf)
      out.push_back(show(z.path()) + (v ? "=" + render(*v) : std::string("~")));
  }
  return out;
}

/// Paths of the values strictly below the root, in order.
template <class V>
std::vector<std::string> value_paths_below_root(const path_map<V>& m) {
  std::vector<std::string> out;
  auto z = m.read_zipper();
  while (z.to_next_val())
    out.push_back(str(z.path()));
  return out;
}

template <class V>
V make_value(std::mt19937_64& rng) {
  if constexpr (std::is_same_v<V, std::monostate>) {
    (void) rng;
    return {};
  } else if constexpr (std::is_same_v<V, std::string>) {
    std::string s(rng() % 40, '\0');
    for (auto& c : s)
      c = static_cast<char>(rng() & 0xff);
    return s;
  } else if constexpr (std::is_signed_v<V>) {
    switch (rng() % 4) {
      case 0:
        return std::numeric_limits<V>::min();
      case 1:
        return std::numeric_limits<V>::max();
      default:
        return static_cast<V>(rng());
    }
  } else {
    return rng() % 3 == 0 ? std::numeric_limits<V>::max() : static_cast<V>(rng());
  }
}

/// A random path over bytes that stress ordering (0x00, 0xff, ...); sometimes long.
std::string random_path(std::mt19937_64& rng) {
  static const std::uint8_t alphabet[] = {0x00, 0x01, 'a', 'b', 0x7f, 0x80, 0xfe, 0xff};
  std::size_t len = rng() % 12;
  if (rng() % 50 == 0)
    len = 100 + rng() % 400;
  std::string p(len, '\0');
  for (auto& c : p)
    c = static_cast<char>(alphabet[rng() % sizeof alphabet]);
  return p;
}

/// A random map: values (the empty path sometimes), dangling paths, removed values that
/// leave dangling structure behind.
template <class V>
path_map<V> random_map(std::uint64_t seed, std::size_t n) {
  std::mt19937_64 rng(seed);
  path_map<V> m;
  for (std::size_t i = 0; i < n; ++i) {
    std::string p = random_path(rng);
    switch (rng() % 8) {
      case 0:
        m.create_path(p);
        break;
      case 1:
        m.remove_val_at(p, false);
        break;
      default:
        m.set_val_at(p, make_value<V>(rng));
    }
  }
  if (rng() % 2 == 0)
    m.set_val_at("", make_value<V>(rng));
  return m;
}

/// A stream buffer that fails every write.
struct failing_buf : std::streambuf {
  int_type overflow(int_type) override { return traits_type::eof(); }
  std::streamsize xsputn(const char*, std::streamsize) override { return 0; }
};

/// A non-seekable input stream buffer over bytes.
struct pipe_buf : std::streambuf {
  explicit pipe_buf(const bytes_t& b) : data(b) {
    char* p = reinterpret_cast<char*>(data.data());
    setg(p, p, p + data.size());
  }
  bytes_t data;
};

} // namespace

// -- .paths
// ----------------------------------------------------------------------------------------

TEST_CASE(".paths round-trips the crate's example keys and writes zlib level 7") {
  path_map<int> m;
  int i = 0;
  for (const auto& k : pathmap_test::roman_keys())
    m.set_val_at(k, i++);
  bytes_t buf;
  auto s = serialize_paths(m, buf);
  REQUIRE(s);
  CHECK(s->path_count == 12);
  CHECK(s->bytes_out == buf.size());
  std::size_t raw = 0;
  for (const auto& k : pathmap_test::roman_keys())
    raw += 4 + k.size();
  CHECK(s->bytes_in == raw);
  // RFC 1950 header: deflate, 32K window, FLEVEL 3 (levels 7..9), no dictionary.
  REQUIRE(buf.size() > 2);
  CHECK(buf[0] == 0x78);
  CHECK(buf[1] == 0xda);

  path_map<int> r;
  auto wz = r.write_zipper();
  auto d = deserialize_paths(wz, buf, 42);
  REQUIRE(d);
  CHECK(d->path_count == 12);
  CHECK(d->bytes_in == buf.size());
  CHECK(d->bytes_out == raw);
  CHECK(pathmap_test::keys(r) == pathmap_test::roman_keys_sorted());
  for (auto&& [p, v] : r)
    CHECK(v == 42);
}

TEST_CASE(".paths auxdata carries values by index in both directions") {
  path_map<std::string> m;
  for (const auto& k : pathmap_test::roman_keys())
    m.set_val_at(k, "v:" + k);
  std::vector<std::string> values;
  bytes_t buf;
  auto s = serialize_paths_with_auxdata(m, buf,
                                        [&](std::size_t k, path_view p, const std::string& v) {
                                          CHECK(k == values.size());
                                          CHECK(v == "v:" + str(p));
                                          values.push_back(v);
                                        });
  REQUIRE(s);
  CHECK(values.size() == 12);

  path_map<std::string> r;
  auto wz = r.write_zipper();
  auto d = deserialize_paths_with_auxdata(wz, buf, [&](std::size_t k, path_view p) {
    CHECK(values[k] == "v:" + str(p));
    return values[k];
  });
  REQUIRE(d);
  CHECK(pathmap_test::items(r) == pathmap_test::items(m));
}

TEST_CASE(".paths writes the subtrie below the zipper's focus, without the focus value") {
  path_map<int> m;
  m.set_val_at("", 0);
  m.set_val_at("rom", 1);
  m.set_val_at("roman", 2);
  m.set_val_at("romulus", 3);
  m.set_val_at("rubens", 4);
  auto z = m.read_zipper();
  z.descend_to("rom");
  bytes_t buf;
  REQUIRE(serialize_paths(z, buf));
  CHECK(str(z.path()) == "rom"); // the zipper did not move
  std::vector<std::string> got;
  REQUIRE(
    for_each_deserialized_path(buf, [&](std::size_t, path_view p) { got.push_back(str(p)); }));
  CHECK(got == std::vector<std::string>{"an", "ulus"});

  // From a write zipper too.
  auto wz = m.write_zipper_at_path("ru");
  bytes_t buf2;
  REQUIRE(serialize_paths(wz, buf2));
  got.clear();
  REQUIRE(
    for_each_deserialized_path(buf2, [&](std::size_t, path_view p) { got.push_back(str(p)); }));
  CHECK(got == std::vector<std::string>{"bens"});
}

TEST_CASE("deserialize_paths grafts at the write zipper's focus, replacing what was there") {
  path_map<int> m;
  m.set_val_at("keep", 1);
  m.set_val_at("at", 2);     // the focus value goes (the fresh map has no root value)
  m.set_val_at("at/old", 3); // replaced
  m.set_val_at("atlas", 4);  // replaced too: "las" is below the focus "at"
  bytes_t buf = paths_data({"/new", "/newer"});
  auto wz = m.write_zipper_at_path("at");
  auto d = deserialize_paths(wz, buf, 9);
  REQUIRE(d);
  CHECK(pathmap_test::keys(m) == std::vector<std::string>{"at/new", "at/newer", "keep"});
  CHECK(*m.get_val_at("at/new") == 9);

  // A zero-length record (the crate never writes one) becomes the focus value.
  path_map<int> m2;
  auto wz2 = m2.write_zipper_at_path("x");
  REQUIRE(deserialize_paths(wz2, paths_data({"", "y"}), 5));
  CHECK(pathmap_test::keys(m2) == std::vector<std::string>{"x", "xy"});
}

TEST_CASE(".paths duplicates count as paths and the last value wins") {
  path_map<int> m;
  auto wz = m.write_zipper();
  auto d = deserialize_paths_with_auxdata(wz, paths_data({"b", "a", "b"}),
                                          [](std::size_t i, path_view) { return int(i); });
  REQUIRE(d);
  CHECK(d->path_count == 3);
  CHECK(pathmap_test::items(m) == std::vector<std::pair<std::string, int>>{{"a", 1}, {"b", 2}});
}

TEST_CASE("for_each_deserialized_path streams in order and stops when asked") {
  bytes_t buf = paths_data({"one", "two", "three"});
  std::vector<std::string> got;
  auto d = for_each_deserialized_path(buf, [&](std::size_t i, path_view p) {
    CHECK(i == got.size());
    got.push_back(str(p));
  });
  REQUIRE(d);
  CHECK(got == std::vector<std::string>{"one", "two", "three"});
  CHECK(d->path_count == 3);

  got.clear();
  auto stop = for_each_deserialized_path(buf, [&](std::size_t, path_view p) {
    got.push_back(str(p));
    return got.size() < 2;
  });
  REQUIRE_FALSE(stop);
  CHECK(stop.error() == errc::aborted);
  CHECK(got.size() == 2);
}

TEST_CASE(".paths reads and writes streams") {
  path_map<std::monostate> m;
  for (const auto& k : pathmap_test::roman_keys())
    m.set_val_at(k, {});
  std::stringstream ss;
  auto s = serialize_paths(m, ss);
  REQUIRE(s);
  CHECK(ss.str().size() == s->bytes_out);
  ss << "after";
  path_map<std::monostate> r;
  auto wz = r.write_zipper();
  auto d = deserialize_paths(wz, ss, std::monostate{});
  REQUIRE(d);
  CHECK(d->bytes_in == s->bytes_out);
  CHECK(pathmap_test::keys(r) == pathmap_test::roman_keys_sorted());
  std::string rest;
  ss >> rest;
  CHECK(rest == "after"); // positioned right after the zlib stream

  // A non-seekable stream reads too; the read-ahead is lost there (documented).
  bytes_t buf;
  REQUIRE(serialize_paths(m, buf));
  pipe_buf pb(buf);
  std::istream pipe(&pb);
  std::size_t n = 0;
  REQUIRE(for_each_deserialized_path(pipe, [&](std::size_t, path_view) { ++n; }));
  CHECK(n == 12);
}

TEST_CASE("writing to a failing stream reports io_error") {
  path_map<int> m;
  m.set_val_at("a", 1);
  failing_buf fb;
  std::ostream os(&fb);
  auto s = serialize_paths(m, os);
  REQUIRE_FALSE(s);
  CHECK(s.error() == errc::io_error);
  std::ostream os2(&fb);
  auto s2 = serialize_map(m, os2);
  REQUIRE_FALSE(s2);
  CHECK(s2.error() == errc::io_error);
}

TEST_CASE("serializing appends to a vector and leaves it as it was on error") {
  path_map<int> m;
  m.set_val_at("a", 1);
  bytes_t buf{1, 2, 3};
  REQUIRE(serialize_paths(m, buf));
  CHECK(buf.size() > 3);
  CHECK(buf[0] == 1);
  bytes_t tail(buf.begin() + 3, buf.end());
  std::vector<std::string> got;
  REQUIRE(
    for_each_deserialized_path(tail, [&](std::size_t, path_view p) { got.push_back(str(p)); }));
  CHECK(got == std::vector<std::string>{"a"});

  // A callback that throws: the exception propagates and the vector is cut back.
  bytes_t buf2{7};
  CHECK_THROWS_AS(serialize_paths_with_auxdata(m, buf2,
                                               [](std::size_t, path_view, const int&) {
                                                 throw std::runtime_error("no");
                                               }),
                  std::runtime_error);
  CHECK(buf2 == bytes_t{7});
}

TEST_CASE("serialization reads from tracked readers and grafts into zipper_head writers") {
  path_map<int> m;
  m.set_val_at("src/a", 1);
  m.set_val_at("src/b", 2);
  m.create_path("src/c");
  bytes_t pbuf, mbuf;
  {
    auto head = m.zipper_head();
    auto rz = head.read_zipper_at_path("src");
    REQUIRE(rz);
    REQUIRE(serialize_paths(*rz, pbuf));
    REQUIRE(serialize_map(*rz, mbuf));
    auto wz = head.write_zipper_at_exclusive_path("dst");
    REQUIRE(wz);
    REQUIRE(deserialize_map(*wz, mbuf));
    auto wz2 = head.write_zipper_at_exclusive_path("dsu");
    REQUIRE(wz2);
    REQUIRE(deserialize_paths(*wz2, pbuf, 9));
    // A failed decode leaves the writer's region alone.
    auto bad = deserialize_map(*wz2, bytes_t{'P', 'M', 'A', 'P', 9, 0, 0});
    REQUIRE_FALSE(bad);
    CHECK(bad.error() == errc::unsupported_version);
  }
  CHECK(pathmap_test::items(m)
        == std::vector<std::pair<std::string, int>>{
          {"dst/a", 1}, {"dst/b", 2}, {"dsu/a", 9}, {"dsu/b", 9}, {"src/a", 1}, {"src/b", 2}});
  CHECK(m.path_exists_at("dst/c"));
  CHECK_FALSE(m.path_exists_at("dsu/c")); // .paths carries values only
}

// -- map format -----------------------------------------------------------------------------------

TEST_CASE("the map format round-trips values, the root value and dangling paths exactly") {
  path_map<int> m;
  m.set_val_at("", -1);
  m.set_val_at("arrow", 1);
  m.set_val_at("arrowhead", 2);
  m.create_path("bo");          // dangling leaf
  m.create_path("cannon/ball"); // dangling below nothing
  m.set_val_at("cannon", 3);    // ...with a value above it
  m.set_val_at(pathmap_test::bytes({0, 0xff, 0}), 4);
  m.set_val_at("x", 5);
  m.remove_val_at("x", false); // dangling left behind by a removal
  for (bool compress : {false, true}) {
    CAPTURE(compress);
    bytes_t buf;
    auto s = serialize_map(m, buf, {compress, 9});
    REQUIRE(s);
    CHECK(s->bytes_out == buf.size());
    CHECK(s->path_count == 8); // root value, 4 values, 3 dangling leaves
    path_map<int> r;
    r.set_val_at("old", 0);
    auto d = deserialize_map(r, buf);
    REQUIRE(d);
    CHECK(d->bytes_in == buf.size());
    CHECK(d->path_count == 8);
    CHECK(dump(r) == dump(m));
    CHECK(r.path_exists_at("cannon/ball"));
    CHECK(r.path_exists_at("x"));
    CHECK_FALSE(r.path_exists_at("old"));
  }
}

TEST_CASE("the map format keeps a map of dangling paths only (not empty)") {
  path_map<std::monostate> m;
  m.create_path("long/dangling/path/chain");
  bytes_t buf;
  REQUIRE(serialize_map(m, buf));
  path_map<std::monostate> r;
  REQUIRE(deserialize_map(r, buf));
  CHECK_FALSE(r.is_empty());
  CHECK(r.val_count() == 0);
  CHECK(r.path_exists_at("long/dangling/path/chain"));
  CHECK(dump(r) == dump(m));

  path_map<std::monostate> empty;
  bytes_t e;
  REQUIRE(serialize_map(empty, e));
  path_map<std::monostate> r2;
  r2.set_val_at("a", {});
  REQUIRE(deserialize_map(r2, e));
  CHECK(r2.is_empty());
}

TEST_CASE("the map format works at a zipper's focus in both directions") {
  path_map<std::string> m;
  m.set_val_at("sub", "focus");
  m.set_val_at("sub/a", "A");
  m.create_path("sub/d");
  m.set_val_at("other", "O");
  auto z = m.read_zipper_at_path("sub");
  bytes_t buf;
  REQUIRE(serialize_map(z, buf));

  path_map<std::string> r;
  r.set_val_at("keep", "K");
  r.set_val_at("there/old", "gone");
  auto wz = r.write_zipper_at_path("there");
  REQUIRE(deserialize_map(wz, buf));
  CHECK(pathmap_test::items(r)
        == std::vector<std::pair<std::string, std::string>>{
          {"keep", "K"}, {"there", "focus"}, {"there/a", "A"}});
  CHECK(r.path_exists_at("there/d"));
  CHECK_FALSE(r.path_exists_at("there/old"));
}

TEST_CASE("map format streams: back-to-back objects in one stream") {
  path_map<std::uint64_t> a = random_map<std::uint64_t>(1, 200);
  path_map<std::uint64_t> b = random_map<std::uint64_t>(2, 200);
  std::stringstream ss;
  REQUIRE(serialize_map(a, ss, {true, 6}));
  REQUIRE(serialize_map(b, ss));
  REQUIRE(serialize_map(a, ss));
  path_map<std::uint64_t> ra, rb, ra2;
  REQUIRE(deserialize_map(ra, ss));
  REQUIRE(deserialize_map(rb, ss));
  REQUIRE(deserialize_map(ra2, ss));
  CHECK(dump(ra) == dump(a));
  CHECK(dump(rb) == dump(b));
  CHECK(dump(ra2) == dump(a));
  path_map<std::uint64_t> none;
  auto d = deserialize_map(none, ss);
  REQUIRE_FALSE(d);
  CHECK(d.error() == errc::truncated);
}

TEST_CASE("built-in codecs round-trip the extremes of their types") {
  auto round = [](auto v) {
    using V = decltype(v);
    path_map<V> m;
    m.set_val_at("k", v);
    bytes_t buf;
    REQUIRE(serialize_map(m, buf));
    path_map<V> r;
    REQUIRE(deserialize_map(r, buf));
    REQUIRE(r.get_val_at("k") != nullptr);
    return *r.get_val_at("k");
  };
  CHECK(round(std::int64_t{std::numeric_limits<std::int64_t>::min()})
        == std::numeric_limits<std::int64_t>::min());
  CHECK(round(std::int64_t{std::numeric_limits<std::int64_t>::max()})
        == std::numeric_limits<std::int64_t>::max());
  CHECK(round(std::uint64_t{std::numeric_limits<std::uint64_t>::max()})
        == std::numeric_limits<std::uint64_t>::max());
  CHECK(round(std::int8_t{-128}) == -128);
  CHECK(round(true) == true);
  CHECK(round(false) == false);
  CHECK(round(-0.0) == 0.0);
  CHECK(round(1.5f) == 1.5f);
  CHECK(round(std::numeric_limits<double>::infinity()) == std::numeric_limits<double>::infinity());
  CHECK(round(std::string("\0\xff", 2)) == std::string("\0\xff", 2));
  CHECK(round(bytes_t{0, 255, 1}) == bytes_t{0, 255, 1});

  // Integers of another width read if the values fit, and fail with bad_value if not.
  path_map<std::uint64_t> big;
  big.set_val_at("k", 300);
  bytes_t buf;
  REQUIRE(serialize_map(big, buf));
  path_map<std::uint16_t> ok;
  REQUIRE(deserialize_map(ok, buf));
  CHECK(*ok.get_val_at("k") == 300);
  path_map<std::uint8_t> narrow;
  narrow.set_val_at("mine", 1);
  auto d = deserialize_map(narrow, buf);
  REQUIRE_FALSE(d);
  CHECK(d.error() == errc::bad_value);
  CHECK(pathmap_test::keys(narrow) == std::vector<std::string>{"mine"});
}

namespace {

struct point_codec {
  std::string_view name() const { return "test.point"; }
  void encode(value_writer& w, const pathmap_test::point& p) const {
    w.put_zigzag(p.x);
    w.put_string(p.name);
  }
  std::optional<pathmap_test::point> decode(value_reader& r) const {
    std::int64_t x = 0;
    pathmap_test::point p;
    if (!r.get_zigzag(x) || !r.get_string(p.name))
      return std::nullopt;
    p.x = static_cast<int>(x);
    return p;
  }
};

} // namespace

TEST_CASE("a user codec encodes values and its name guards the format") {
  path_map<pathmap_test::point> m;
  m.set_val_at("a", {1, "one"});
  m.set_val_at("b", {-2, "two"});
  bytes_t buf;
  REQUIRE(serialize_map(m, buf, {}, point_codec{}));
  path_map<pathmap_test::point> r;
  REQUIRE(deserialize_map(r, buf, {}, point_codec{}));
  CHECK(pathmap_test::items(r) == pathmap_test::items(m));

  path_map<std::string> wrong;
  auto d = deserialize_map(wrong, buf);
  REQUIRE_FALSE(d);
  CHECK(d.error() == errc::codec_mismatch);
}

TEST_CASE_TEMPLATE("random seeded maps round-trip through both formats", V, int, std::uint64_t,
                   std::string, std::monostate) {
  std::size_t rounds = scaled(30, 3);
  for (std::uint64_t seed = 1; seed <= rounds; ++seed) {
    CAPTURE(seed);
    path_map<V> m = random_map<V>(seed * 7919, scaled(400, 50));

    // .paths: the paths of the values below the root.
    bytes_t pbuf;
    auto ps = serialize_paths(m, pbuf);
    REQUIRE(ps);
    std::vector<std::string> got;
    auto pd = for_each_deserialized_path(pbuf,
                                         [&](std::size_t, path_view p) { got.push_back(str(p)); });
    REQUIRE(pd);
    CHECK(got == value_paths_below_root(m));
    CHECK(pd->path_count == ps->path_count);
    CHECK(pd->bytes_out == ps->bytes_in);

    // The map format: everything, raw and compressed, memory and stream.
    for (bool compress : {false, true}) {
      CAPTURE(compress);
      bytes_t buf;
      REQUIRE(serialize_map(m, buf, {compress, 6}));
      path_map<V> r;
      REQUIRE(deserialize_map(r, buf));
      CHECK(dump(r) == dump(m));
      std::stringstream ss;
      REQUIRE(serialize_map(m, ss, {compress, 1}));
      path_map<V> r2;
      REQUIRE(deserialize_map(r2, ss));
      CHECK(dump(r2) == dump(m));
      // Canonical: re-encoding the decoded map gives the same bytes.
      bytes_t again;
      REQUIRE(serialize_map(r, again, {compress, 6}));
      CHECK(again == buf);
    }
  }
}

TEST_CASE("1 MiB paths round-trip through both formats") {
  std::mt19937_64 rng(20240611);
  std::size_t len = std::size_t{1} << 20;
  std::string a(len, '\0');
  for (auto& c : a)
    c = static_cast<char>(rng() & 0xff);
  std::string b = a;
  b[len / 2] = static_cast<char>(~static_cast<unsigned char>(b[len / 2])); // branch in the middle
  std::string c(len, '\xff');
  path_map<int> m;
  m.set_val_at(a, 1);
  m.set_val_at(b, 2);
  m.set_val_at(a.substr(0, 1000), 3);
  m.create_path(c);
  m.set_val_at("", 0);

  bytes_t pbuf;
  REQUIRE(serialize_paths(m, pbuf));
  path_map<int> pr;
  auto wz = pr.write_zipper();
  auto d = deserialize_paths(wz, pbuf, 7);
  REQUIRE(d);
  CHECK(d->path_count == 3);
  CHECK(pr.contains(a));
  CHECK(pr.contains(b));
  CHECK(pr.contains(a.substr(0, 1000)));

  for (bool compress : {false, true}) {
    bytes_t buf;
    REQUIRE(serialize_map(m, buf, {compress, 6}));
    path_map<int> r;
    REQUIRE(deserialize_map(r, buf));
    CHECK(dump(r) == dump(m));
    CHECK(r.path_exists_at(c));
  }

  // A limit below the path length rejects it.
  decode_limits lim;
  lim.max_path_len = len - 1;
  auto d2 = for_each_deserialized_path(
    pbuf, [](std::size_t, path_view) {}, lim);
  REQUIRE_FALSE(d2);
  CHECK(d2.error() == errc::path_too_long);
  bytes_t buf;
  REQUIRE(serialize_map(m, buf));
  path_map<int> r;
  auto d3 = deserialize_map(r, buf, lim);
  REQUIRE_FALSE(d3);
  CHECK(d3.error() == errc::path_too_long);
}

// -- malformed, truncated and hostile input
// --------------------------------------------------------

namespace {

/// A target map with content, and a check that a failed decode left it exactly as it was.
struct guarded_target {
  path_map<int> m;
  std::vector<std::string> before;
  const detail::node_header* root = nullptr;
  guarded_target() {
    m.set_val_at("", 100);
    m.set_val_at("existing", 1);
    m.set_val_at("existing/below", 2);
    m.create_path("dangling");
    before = dump(m);
    root = m.root_node();
  }
  void check_intact() const {
    CHECK(dump(m) == before);
    CHECK(m.root_node() == root);
  }
};

errc paths_error(const bytes_t& data, const decode_limits& lim = {}) {
  guarded_target t;
  auto wz = t.m.write_zipper_at_path("existing");
  auto d = deserialize_paths(wz, data, 1, lim);
  REQUIRE_FALSE(d);
  t.check_intact();
  // The stream form agrees (a stream cannot see bytes after the object).
  if (d.error() != errc::trailing_data) {
    std::string s(data.begin(), data.end());
    std::istringstream is(s);
    auto wz2 = t.m.write_zipper_at_path("existing");
    auto d2 = deserialize_paths(wz2, is, 1, lim);
    REQUIRE_FALSE(d2);
    CHECK(d2.error() == d.error());
    t.check_intact();
  }
  return d.error();
}

errc map_error(const bytes_t& data, const decode_limits& lim = {}) {
  guarded_target t;
  auto d = deserialize_map(t.m, data, lim);
  REQUIRE_FALSE(d);
  t.check_intact();
  auto wz = t.m.write_zipper_at_path("existing");
  auto d1 = deserialize_map(wz, data, lim);
  REQUIRE_FALSE(d1);
  CHECK(d1.error() == d.error());
  t.check_intact();
  // The stream form agrees (a stream cannot see bytes after the object).
  if (d.error() != errc::trailing_data) {
    std::string s(data.begin(), data.end());
    std::istringstream is(s);
    auto d2 = deserialize_map(t.m, is, lim);
    REQUIRE_FALSE(d2);
    CHECK(d2.error() == d.error());
    t.check_intact();
  }
  return d.error();
}

} // namespace

TEST_CASE("every truncation of .paths data is an error and leaves the target intact") {
  path_map<int> m = random_map<int>(99, 300);
  bytes_t buf;
  REQUIRE(serialize_paths(m, buf));
  std::size_t step = std::max<std::size_t>(1, buf.size() / scaled(300, 40));
  for (std::size_t n = 0; n < buf.size(); n += step) {
    CAPTURE(n);
    bytes_t cut(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n));
    errc e = paths_error(cut);
    CHECK((e == errc::truncated || e == errc::corrupt_stream));
  }
  CHECK(paths_error({}) == errc::truncated); // the crate reads this as no paths
}

TEST_CASE("every truncation of map data is an error and leaves the target intact") {
  path_map<int> m = random_map<int>(98, 300);
  for (bool compress : {false, true}) {
    CAPTURE(compress);
    bytes_t buf;
    REQUIRE(serialize_map(m, buf, {compress, 6}));
    std::size_t step = std::max<std::size_t>(1, buf.size() / scaled(300, 40));
    for (std::size_t n = 0; n < buf.size(); n += step) {
      CAPTURE(n);
      bytes_t cut(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n));
      map_error(cut);
    }
  }
}

TEST_CASE("every single-byte corruption of map data is detected") {
  path_map<std::string> m = random_map<std::string>(97, 60);
  for (bool compress : {false, true}) {
    CAPTURE(compress);
    bytes_t buf;
    REQUIRE(serialize_map(m, buf, {compress, 6}));
    std::mt19937_64 rng(5);
    std::size_t step = std::max<std::size_t>(1, buf.size() / scaled(400, 60));
    for (std::size_t i = 0; i < buf.size(); i += step) {
      CAPTURE(i);
      bytes_t bad = buf;
      bad[i] = static_cast<std::uint8_t>(bad[i] ^ (1u + rng() % 255));
      path_map<std::string> r;
      r.set_val_at("mine", "M");
      auto d = deserialize_map(r, bad);
      CHECK_FALSE(d);
      CHECK(pathmap_test::keys(r) == std::vector<std::string>{"mine"});
    }
  }
}

TEST_CASE("corrupted .paths data is an error or decodes harmlessly") {
  path_map<int> m = random_map<int>(96, 100);
  bytes_t buf;
  REQUIRE(serialize_paths(m, buf));
  std::mt19937_64 rng(6);
  std::size_t errors = 0, tries = 0;
  for (std::size_t i = 0; i < buf.size(); ++i, ++tries) {
    bytes_t bad = buf;
    bad[i] = static_cast<std::uint8_t>(bad[i] ^ (1u + rng() % 255));
    path_map<int> r;
    r.set_val_at("mine", 1);
    auto wz = r.write_zipper_at_path("x");
    auto d = deserialize_paths(wz, bad, 1);
    if (!d) {
      ++errors;
      CHECK(pathmap_test::keys(r) == std::vector<std::string>{"mine"});
    }
  }
  MESSAGE(errors << " of " << tries << " corruptions detected");
  CHECK(errors * 10 >= tries * 9); // adler-32 and the record framing catch nearly all
}

TEST_CASE("hostile .paths inputs give clear errors") {
  // A length that claims more than the stream holds: over the default cap (256 MiB), and
  // without a cap, read as far as the data goes.
  CHECK(paths_error(paths_payload(le32(0xffffffffu) + "abc")) == errc::path_too_long);
  decode_limits uncapped;
  uncapped.max_path_len = std::numeric_limits<std::size_t>::max();
  CHECK(paths_error(paths_payload(le32(0xffffffffu) + "abc"), uncapped) == errc::truncated);
  // A length over the limit is refused before reading it.
  decode_limits lim;
  lim.max_path_len = 16;
  CHECK(paths_error(paths_payload(le32(17) + std::string(17, 'x')), lim) == errc::path_too_long);
  // A record cut in its length field.
  CHECK(paths_error(paths_payload(le32(1) + "a" + "\x02\x00")) == errc::truncated);
  // Not zlib at all.
  CHECK(paths_error(bytes_t{'h', 'e', 'l', 'l', 'o', ' ', 'w', 'o', 'r', 'l', 'd'})
        == errc::corrupt_stream);
  // Garbage after the stream in memory.
  bytes_t extra = paths_data({"a"});
  extra.push_back(0);
  CHECK(paths_error(extra) == errc::trailing_data);
  // A bad adler-32.
  bytes_t adler = paths_data({"abc"});
  adler.back() ^= 1;
  CHECK(paths_error(adler) == errc::corrupt_stream);
  // A zip bomb: 16 MiB of zeros in one record compresses to about 16 KiB.
  std::string huge = le32(16u << 20) + std::string(16u << 20, '\0');
  bytes_t bomb = paths_payload(huge);
  CHECK(bomb.size() < (1u << 20));
  decode_limits small;
  small.max_decoded_bytes = 1u << 20;
  CHECK(paths_error(bomb, small) == errc::too_much_data);
}

TEST_CASE("hostile map inputs give clear errors") {
  std::string end0 = std::string(1, '\0') + varint(0); // end record, count 0
  // Sanity: a minimal valid file.
  {
    path_map<int> r;
    REQUIRE(deserialize_map(r, map_file("sint", std::string(1, '\0') + end0)));
    CHECK(r.is_empty());
  }
  CHECK(map_error({}) == errc::truncated);
  CHECK(map_error(bytes_t{'P', 'M'}) == errc::truncated);
  CHECK(map_error(bytes_t{'N', 'O', 'P', 'E', 1, 0, 0}) == errc::bad_magic);
  CHECK(map_error(map_file("sint", std::string(1, '\0') + end0, true, 2))
        == errc::unsupported_version);
  CHECK(map_error(map_file("sint", std::string(1, '\0') + end0, true, 1, 0x80))
        == errc::unsupported_flags);
  CHECK(map_error(map_file("bytes", std::string(1, '\0') + end0)) == errc::codec_mismatch);
  CHECK(map_error(map_file("sint", std::string(1, '\0') + end0, false)) == errc::truncated);
  CHECK(map_error(map_file("sint", std::string(1, '\x02') + end0)) == errc::bad_record);
  // Wrong CRC.
  bytes_t crc = map_file("sint", std::string(1, '\0') + end0);
  crc.back() ^= 0x40;
  CHECK(map_error(crc) == errc::checksum_mismatch);
  // Wrong record count.
  CHECK(map_error(map_file("sint", std::string(1, '\0') + std::string(1, '\0') + varint(1)))
        == errc::count_mismatch);
  // Trailing bytes after the CRC.
  bytes_t tail = map_file("sint", std::string(1, '\0') + end0);
  tail.push_back(0);
  CHECK(map_error(tail) == errc::trailing_data);

  auto rec = [](int kind, std::uint64_t keep, std::uint64_t add, const std::string& bytes) {
    return std::string(1, static_cast<char>(kind)) + varint(keep) + varint(add) + bytes;
  };
  std::string root0(1, '\0');
  // A record that keeps more than the previous path had.
  CHECK(map_error(map_file("sint", root0 + rec(1, 1, 1, "a") + varint(0) + end0))
        == errc::bad_record);
  // An empty suffix.
  CHECK(map_error(map_file("sint", root0 + rec(1, 0, 0, "") + varint(0) + end0))
        == errc::bad_record);
  // Out of order, and repeated.
  CHECK(map_error(map_file("sint", root0 + rec(1, 0, 1, "b") + varint(0) + rec(1, 0, 1, "a")
                                     + varint(0) + std::string(1, '\0') + varint(2)))
        == errc::bad_record);
  CHECK(map_error(map_file("sint", root0 + rec(1, 0, 1, "a") + varint(0) + rec(1, 0, 1, "a")
                                     + varint(0) + std::string(1, '\0') + varint(2)))
        == errc::bad_record);
  // A record below a dangling path.
  CHECK(map_error(map_file("sint", root0 + rec(2, 0, 1, "a") + rec(1, 1, 1, "b") + varint(0)
                                     + std::string(1, '\0') + varint(2)))
        == errc::bad_record);
  // Gigantic claimed sizes: a 2^62-byte suffix, a 2^62-byte string value.
  CHECK(map_error(map_file("sint", root0 + rec(1, 0, std::uint64_t{1} << 62, "ab")))
        == errc::path_too_long);
  {
    decode_limits lim;
    CHECK(map_error(map_file("bytes", std::string(1, '\1') + varint(std::uint64_t{1} << 62) + "x"),
                    lim)
          == errc::codec_mismatch); // int target: the codec name is checked first
    path_map<std::string> s;
    s.set_val_at("k", "v");
    auto d = deserialize_map(
      s, map_file("bytes", std::string(1, '\1') + varint(std::uint64_t{1} << 62) + "x"));
    REQUIRE_FALSE(d);
    CHECK(d.error() == errc::value_too_long);
    auto d2 = deserialize_map(s, map_file("bytes", std::string(1, '\1') + varint(1000) + "x"));
    REQUIRE_FALSE(d2);
    CHECK(d2.error() == errc::truncated);
    CHECK(pathmap_test::keys(s) == std::vector<std::string>{"k"});
  }
  // Varints: over-long, overflowing, not minimal.
  CHECK(map_error(map_file("sint", std::string(1, '\1') + std::string(10, '\x80') + "\x01"))
        == errc::bad_varint);
  CHECK(map_error(map_file("sint", std::string(1, '\1') + std::string(9, '\xff') + "\x02"))
        == errc::bad_varint);
  CHECK(map_error(map_file("sint", std::string(1, '\1') + "\x80\x00" + end0)) == errc::bad_varint);
  // A sint value out of the target's range.
  CHECK(map_error(map_file("sint", std::string(1, '\1') + varint(std::uint64_t{1} << 40) + end0))
        == errc::bad_value);
  // A bool that is not 0 or 1.
  {
    path_map<bool> b;
    auto d = deserialize_map(b, map_file("bool", std::string(1, '\1') + "\x02" + end0));
    REQUIRE_FALSE(d);
    CHECK(d.error() == errc::bad_value);
  }
  // A compressed body that is not zlib.
  CHECK(map_error(map_file("sint", "garbage", false, 1, 1)) == errc::corrupt_stream);
  // A decoded-size limit.
  {
    path_map<int> big = random_map<int>(3, 2000);
    bytes_t buf;
    REQUIRE(serialize_map(big, buf, {true, 6}));
    decode_limits lim;
    lim.max_decoded_bytes = 100;
    CHECK(map_error(buf, lim) == errc::too_much_data);
  }
}

TEST_CASE("a callback that throws leaves the target intact") {
  guarded_target t;
  bytes_t buf = paths_data({"a", "b", "c"});
  auto wz = t.m.write_zipper();
  CHECK_THROWS_AS(deserialize_paths_with_auxdata(wz, buf,
                                                 [](std::size_t i, path_view) -> int {
                                                   if (i == 2)
                                                     throw std::runtime_error("stop");
                                                   return 1;
                                                 }),
                  std::runtime_error);
  t.check_intact();
}

TEST_CASE("errc values have messages and convert to std::error_code") {
  for (int e = 1; e <= static_cast<int>(errc::bad_node); ++e) {
    CAPTURE(e);
    auto m = message(static_cast<errc>(e));
    CHECK_FALSE(m.empty());
    CHECK(m != "unknown pathmap error");
  }
  std::error_code ec = errc::truncated;
  CHECK(ec.category().name() == std::string("pathmap"));
  CHECK(ec.message() == std::string(message(errc::truncated)));
}
