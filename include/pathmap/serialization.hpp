#pragma once
/// @file
/// Serialization of `path_map`s: the crate's `.paths` format, and a versioned binary format
/// for whole maps with values. Both write to a `std::vector<std::uint8_t>` (appending) or a
/// `std::ostream`, and read from a byte span (`std::span<const std::uint8_t>`, which a
/// `std::vector<std::uint8_t>` converts to) or a `std::istream`.
///
/// ## `.paths` (the crate's `paths_serialization`, byte-compatible)
///
/// One zlib stream (RFC 1950 wrapper, deflate level 7, as the crate writes it) whose
/// uncompressed content is one record per value:
///
///     [u32 little-endian length][length path bytes]
///
/// in `to_next_val` order below the zipper's focus, paths relative to the focus. The focus value
/// itself is not written, and values never are: `serialize_paths_with_auxdata` hands each
/// `(index, path, value)` to a callback so values can be stored elsewhere, and
/// `deserialize_paths_with_auxdata` asks a callback for the value of each `(index, path)`.
/// `deserialize_paths` builds a fresh map with every path set to a copy of `v` and grafts it at
/// the write zipper's focus (`graft_map`), replacing what was there (a zero-length record, which
/// the crate never writes, becomes the focus value). `for_each_deserialized_path` streams the
/// paths without building a map.
///
/// Compatibility: the records, their order and the zlib parameters are the crate's, so each
/// side reads the other's files. With the same zlib, our output is byte-identical to Python's
/// `zlib.compress(records, 7)` (tests/serialization/paths_interop.py checks it); the crate
/// links zlib-ng, whose compressed bytes differ from zlib's but decode to the same records.
/// Where this reader is stricter than the crate's (which silently accepts these): an empty
/// input, a zlib stream that ends early, a record cut off by the end of the stream, and bytes
/// after the end of the stream in a memory input are errors. Anything the crate writes reads.
///
/// ## Map format (version 1): a whole map with values, exact round trip
///
/// Integers are little-endian; a *varint* is unsigned LEB128 in its shortest form.
///
///     header   4 bytes  magic "PMAP" (50 4d 41 50)
///              1 byte   version: 1
///              1 byte   flags: bit 0 = the body is one zlib stream; the other bits must be 0
///              1 byte   n: length of the codec name
///              n bytes  codec name (value_codec::name(), e.g. "uint", "sint", "bytes", "unit")
///     body     (raw, or compressed as one zlib stream when flag bit 0 is set)
///              1 byte   root flag: 0 = no root value, 1 = the root value follows
///              [value]  the root value, encoded by the codec
///              records, in iteration order (lexicographic, unsigned bytes, prefix first):
///                1 byte   kind: 1 = a value at this path, 2 = a dangling path ends here
///                varint   keep: bytes this path shares with the previous record's path
///                varint   add: number of bytes that follow (at least 1)
///                add bytes
///                [value]  kind 1 only, encoded by the codec
///              1 byte   0: end of records
///              varint   number of records (the root flag not counted)
///              4 bytes  CRC-32 (zlib's `crc32`) of every uncompressed byte before it,
///                       header included
///
/// **Dangling paths are kept.** There is one record per value and one per *dangling leaf* (an
/// existing path with no value and no children); every other existing path is a prefix of one
/// of these, so decoding (`set_val_at` for values, `create_path` for dangling leaves) rebuilds
/// exactly the same paths, values and structure (`path_exists_at`, `is_empty`, the root value).
/// Sharing between subtries is not recorded: a subtrie grafted at k places is written k times.
///
/// The uncompressed encoding is canonical: a decoder rejects anything the encoder would not
/// write (records out of order or repeated, `keep` shorter than the true shared prefix, a
/// record below a dangling path, non-minimal varints, unknown kinds or flags), then checks the
/// count and the CRC, so a corrupted file fails with an error rather than decoding to a
/// different map.
///
/// Values go through a *codec*: an object with `name()`, `encode(value_writer&, const V&)` and
/// `decode(value_reader&) -> std::optional<V>`. `value_codec<V>` is built in for integers
/// (`"uint"`: varint; `"sint"`: zigzag varint; any width reads any other if the value fits),
/// `bool` (`"bool"`: one byte 0/1), `float`/`double` (`"f32"`/`"f64"`: IEEE-754 bits),
/// `std::string` and `std::vector<std::uint8_t>` (`"bytes"`: varint length + bytes) and
/// `std::monostate` (`"unit"`: nothing). Specialize `value_codec` or pass your own codec object.
///
/// ## Errors and hostile input
///
/// Every function returns `pathmap::expected<stats, errc>`; `message(errc)` explains the error
/// (see `errc.hpp`). A decoder builds into a fresh map and grafts it into the target only when
/// the whole input decoded and verified, so on any error the target is exactly as it was.
/// Lengths are capped by `decode_limits` and never trusted for allocation: bytes are appended
/// as the input supplies them, so a claimed length costs at most what the input holds. Nothing
/// recurses in proportion to path length.
///
/// Memory inputs must hold exactly one object (`trailing_data` otherwise). A stream input is
/// read in 64 KiB chunks and, on success, positioned right after the object when it can seek
/// back (files, string streams); on a stream that cannot seek, up to 64 KiB past the object may
/// have been consumed. Writing to a vector appends; on error the vector is cut back to its
/// original size. Writing to a stream flushes it at the end.
///
/// Exceptions thrown by callbacks, by value copies or by `std::bad_alloc` propagate; the target
/// is unchanged then too.
///
/// **Invalidation:** decoding changes the target only on success, through `graft_map` (or map
/// assignment), with the usual effects on zippers and value pointers into it. Encoding reads
/// the source through a forked read zipper and never changes it.
///
/// **Thread safety:** the functions share no state; the usual rules for the maps and zippers
/// passed in apply (a map may be encoded from several threads while nobody writes it).

#include <bit>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "pathmap/detail/serialization.hpp"
#include "pathmap/errc.hpp"
#include "pathmap/expected.hpp"
#include "pathmap/path.hpp"
#include "pathmap/path_map.hpp"

namespace pathmap {

// -- statistics ------------------------------------------------------------------------------

/// What a serialization wrote (the crate's `SerializationStats`).
struct serialization_stats {
  /// Bytes written to the target (compressed size for zlib output).
  std::size_t bytes_out = 0;
  /// Uncompressed bytes produced (records and, for the map format, header and values).
  std::size_t bytes_in = 0;
  /// Paths written: `.paths` records; for the map format, records plus one for a root value.
  std::size_t path_count = 0;
};

/// What a deserialization read (the crate's `DeserializationStats`).
struct deserialization_stats {
  /// Bytes consumed from the source (compressed size for zlib input).
  std::size_t bytes_in = 0;
  /// Uncompressed bytes decoded.
  std::size_t bytes_out = 0;
  /// Paths read (`.paths` records, duplicates included; for the map format, records plus one
  /// for a root value).
  std::size_t path_count = 0;
};

/// Options of `serialize_map`.
struct map_write_options {
  /// Compress the body as one zlib stream.
  bool compress = false;
  /// zlib level when compressing: 0..9, or negative for zlib's default (6). Level 1 by
  /// default: the records are already prefix-compressed, and on 1M dense 8-byte keys level 6
  /// is 5.7 times slower for a 0.4% smaller output (dictionary words: 1.8 times slower, 21%
  /// smaller).
  int level = 1;
};

// -- value codecs --------------------------------------------------------------------------------

/// Where a codec writes a value's bytes.
class value_writer {
public:
  explicit value_writer(detail::ser::output& out) noexcept : out_(out) {}

  void put_byte(std::uint8_t b) { out_.put(b); }
  void put_bytes(const void* p, std::size_t n) { out_.write(p, n); }
  /// Unsigned LEB128.
  void put_varint(std::uint64_t v) { out_.put_varint(v); }
  /// Zigzag, then LEB128 (small magnitudes of either sign are short).
  void put_zigzag(std::int64_t v) {
    out_.put_varint((static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63));
  }
  /// Varint length, then the bytes.
  void put_string(std::string_view s) {
    put_varint(s.size());
    put_bytes(s.data(), s.size());
  }

private:
  detail::ser::output& out_;
};

/// Where a codec reads a value's bytes. Every getter returns false when the input ends or is
/// malformed (the decoder then reports that error, not `bad_value`).
class value_reader {
public:
  explicit value_reader(detail::ser::input& in) noexcept : in_(in) {}

  bool get_byte(std::uint8_t& b) { return in_.get(b) || in_.fail(errc::truncated); }
  bool get_bytes(void* p, std::size_t n) { return in_.read(p, n); }
  bool get_varint(std::uint64_t& v) { return in_.get_varint(v); }
  bool get_zigzag(std::int64_t& v) {
    std::uint64_t u = 0;
    if (!get_varint(u))
      return false;
    v = static_cast<std::int64_t>((u >> 1) ^ (~(u & 1) + 1));
    return true;
  }
  /// A varint length (at most `decode_limits::max_value_len`), then that many bytes, appended
  /// to `s` as they arrive.
  template <class String>
  bool get_string(String& s) {
    std::uint64_t n = 0;
    if (!get_varint(n))
      return false;
    if (n > in_.limits().max_value_len)
      return in_.fail(errc::value_too_long);
    while (n > 0) {
      auto w = in_.peek();
      if (w.empty())
        return in_.fail(errc::truncated);
      std::size_t k = static_cast<std::size_t>(std::min<std::uint64_t>(n, w.size()));
      s.insert(s.end(), w.data(), w.data() + k);
      in_.consume(k);
      n -= k;
    }
    return true;
  }
  /// The limits the decode runs under.
  const decode_limits& limits() const noexcept { return in_.limits(); }

private:
  detail::ser::input& in_;
};

/// A codec for `V`: specialize it, or pass any object with the same three members to
/// `serialize_map` / `deserialize_map`.
template <class V>
struct value_codec;

/// Integers: `"uint"` (LEB128) or `"sint"` (zigzag LEB128); decoding checks the range.
template <class T>
requires(
  std::is_integral_v<T> && !std::is_same_v<T, bool> && sizeof(T) <= 8) struct value_codec<T> {
  static constexpr std::string_view name() noexcept {
    return std::is_signed_v<T> ? "sint" : "uint";
  }
  void encode(value_writer& w, const T& v) const {
    if constexpr (std::is_signed_v<T>)
      w.put_zigzag(static_cast<std::int64_t>(v));
    else
      w.put_varint(static_cast<std::uint64_t>(v));
  }
  std::optional<T> decode(value_reader& r) const {
    if constexpr (std::is_signed_v<T>) {
      std::int64_t v = 0;
      if (!r.get_zigzag(v) || v < std::numeric_limits<T>::min()
          || v > std::numeric_limits<T>::max())
        return std::nullopt;
      return static_cast<T>(v);
    } else {
      std::uint64_t v = 0;
      if (!r.get_varint(v) || v > std::numeric_limits<T>::max())
        return std::nullopt;
      return static_cast<T>(v);
    }
  }
};

/// `bool`: one byte, 0 or 1.
template <>
struct value_codec<bool> {
  static constexpr std::string_view name() noexcept { return "bool"; }
  void encode(value_writer& w, const bool& v) const { w.put_byte(v ? 1 : 0); }
  std::optional<bool> decode(value_reader& r) const {
    std::uint8_t b = 0;
    if (!r.get_byte(b) || b > 1)
      return std::nullopt;
    return b == 1;
  }
};

/// `float` and `double`: the IEEE-754 bits, little-endian (NaN payloads round-trip).
template <class T>
requires(std::is_same_v<T, float> || std::is_same_v<T, double>) struct value_codec<T> {
  static_assert(std::numeric_limits<T>::is_iec559);
  using bits = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;
  static constexpr std::string_view name() noexcept { return sizeof(T) == 4 ? "f32" : "f64"; }
  void encode(value_writer& w, const T& v) const {
    auto u = std::bit_cast<bits>(v);
    std::uint8_t b[sizeof(T)];
    for (std::size_t i = 0; i < sizeof(T); ++i)
      b[i] = static_cast<std::uint8_t>(u >> (8 * i));
    w.put_bytes(b, sizeof(T));
  }
  std::optional<T> decode(value_reader& r) const {
    std::uint8_t b[sizeof(T)];
    if (!r.get_bytes(b, sizeof(T)))
      return std::nullopt;
    bits u = 0;
    for (std::size_t i = 0; i < sizeof(T); ++i)
      u |= static_cast<bits>(b[i]) << (8 * i);
    return std::bit_cast<T>(u);
  }
};

/// `std::string`: `"bytes"` (varint length + bytes).
template <>
struct value_codec<std::string> {
  static constexpr std::string_view name() noexcept { return "bytes"; }
  void encode(value_writer& w, const std::string& v) const { w.put_string(v); }
  std::optional<std::string> decode(value_reader& r) const {
    std::string s;
    if (!r.get_string(s))
      return std::nullopt;
    return s;
  }
};

/// `std::vector<std::uint8_t>`: `"bytes"` (varint length + bytes).
template <>
struct value_codec<std::vector<std::uint8_t>> {
  static constexpr std::string_view name() noexcept { return "bytes"; }
  void encode(value_writer& w, const std::vector<std::uint8_t>& v) const {
    w.put_varint(v.size());
    w.put_bytes(v.data(), v.size());
  }
  std::optional<std::vector<std::uint8_t>> decode(value_reader& r) const {
    std::vector<std::uint8_t> s;
    if (!r.get_string(s))
      return std::nullopt;
    return s;
  }
};

/// `std::monostate` (the crate's `()`): `"unit"`, no bytes.
template <>
struct value_codec<std::monostate> {
  static constexpr std::string_view name() noexcept { return "unit"; }
  void encode(value_writer&, const std::monostate&) const {}
  std::optional<std::monostate> decode(value_reader&) const { return std::monostate{}; }
};

/// What `serialize_map` / `deserialize_map` need of a codec for `V`.
template <class C, class V>
concept value_codec_for = requires(const C& c, value_writer& w, value_reader& r, const V& v) {
  { c.name() } -> std::convertible_to<std::string_view>;
  c.encode(w, v);
  { c.decode(r) } -> std::same_as<std::optional<V>>;
};

// -- implementation templates
// ----------------------------------------------------------------------

namespace detail::ser {

template <class T>
struct is_path_map : std::false_type {};
template <class V>
struct is_path_map<path_map<V>> : std::true_type {};

/// What an encoder reads from: a map (from its root) or a zipper (from its focus).
template <class S>
concept source = is_path_map<S>::value || requires(const S& s) {
  s.fork_read_zipper();
};

/// What a decoder grafts into: a write zipper.
template <class W>
concept graft_target = requires(W& w, path_map<typename W::value_type> m) {
  w.graft_map(std::move(m));
};

template <source S>
auto reader_of(const S& s) {
  if constexpr (is_path_map<S>::value)
    return s.read_zipper();
  else
    return s.fork_read_zipper();
}

template <source S>
using value_of = typename decltype(reader_of(std::declval<const S&>()))::value_type;

inline serialization_stats out_stats(const output& out, std::uint64_t paths) {
  return {static_cast<std::size_t>(out.bytes_out()), static_cast<std::size_t>(out.bytes_in()),
          static_cast<std::size_t>(paths)};
}

inline deserialization_stats in_stats(const input& in, std::uint64_t paths) {
  return {static_cast<std::size_t>(in.bytes_in()), static_cast<std::size_t>(in.bytes_out()),
          static_cast<std::size_t>(paths)};
}

template <class S, class F>
expected<serialization_stats, errc> write_paths(const S& src, output& out, F& fv) {
  start_paths(out);
  auto rz = reader_of(src);
  std::size_t k = 0;
  while (!out.failed() && rz.to_next_val()) {
    path_view p = rz.path();
    fv(k, p, *rz.val());
    if (!write_path_record(out, p))
      return unexpected(errc::path_too_long);
    ++k;
  }
  if (!out.finish())
    return unexpected(out.error());
  return out_stats(out, k);
}

template <class V, class F>
expected<path_map<V>, errc> read_paths_map(input& in, F& fv, paths_counts& c) {
  in.start_inflate();
  path_map<V> sub;
  auto cb = [&](std::size_t i, path_view p) {
    sub.set_val_at(p, fv(i, p));
    return true;
  };
  if (!read_paths(in, cb, c))
    return unexpected(in.error());
  return sub;
}

template <class W, class F>
expected<deserialization_stats, errc> deserialize_paths_into(W& wz, input& in, F& fv) {
  paths_counts c;
  auto sub = read_paths_map<typename W::value_type>(in, fv, c);
  if (!sub)
    return unexpected(sub.error());
  wz.graft_map(std::move(*sub));
  return deserialization_stats{static_cast<std::size_t>(c.bytes_in),
                               static_cast<std::size_t>(c.bytes_out),
                               static_cast<std::size_t>(c.path_count)};
}

template <class F>
expected<deserialization_stats, errc> for_each_path(input& in, F& f) {
  in.start_inflate();
  auto cb = [&](std::size_t i, path_view p) -> bool {
    if constexpr (std::is_void_v<std::invoke_result_t<F&, std::size_t, path_view>>) {
      f(i, p);
      return true;
    } else {
      return static_cast<bool>(f(i, p));
    }
  };
  paths_counts c;
  if (!read_paths(in, cb, c))
    return unexpected(in.error());
  return deserialization_stats{static_cast<std::size_t>(c.bytes_in),
                               static_cast<std::size_t>(c.bytes_out),
                               static_cast<std::size_t>(c.path_count)};
}

/// Writes the map format: the root value, then one record per value and per dangling leaf, in
/// iteration order. The walk jumps over non-branching runs (`descend_until`) on the way down
/// and goes up with `ascend_until_branch`; it keeps no stack of its own, so its memory is the
/// zipper's and the path, whatever the path length.
template <class S, class Codec>
expected<serialization_stats, errc>
write_map(const S& src, output& out, const map_write_options& o, const Codec& codec) {
  std::string_view name = codec.name();
  if (name.size() > 255)
    return unexpected(errc::codec_mismatch);
  map_writer w(out, name, o.compress, o.level);
  value_writer vw(out);
  auto z = reader_of(src);
  std::uint64_t paths = 0;
  if (const auto* v = z.val()) {
    w.root(true);
    codec.encode(vw, *v);
    ++paths;
  } else {
    w.root(false);
  }
  // w.last() is the path of the last record: the focus itself when the focus is a leaf.
  auto emit = [&] {
    path_view p = z.path();
    if (const auto* v = z.val()) {
      w.value_record(p);
      codec.encode(vw, *v);
    } else {
      w.dangling_record(p);
    }
  };
  // From a position just arrived at: emit it if it holds a value or is a leaf, else run down
  // a single-child chain to the next value, branch or leaf.
  auto settle = [&] {
    for (;;) {
      std::size_t n = z.child_count();
      if (z.is_val() || n == 0) {
        emit();
        return;
      }
      if (n >= 2)
        return;
      z.descend_until();
    }
  };
  if (z.path_exists() && z.child_count() > 0) {
    for (;;) {
      if (out.failed())
        break;
      if (z.child_count() > 0) {
        z.descend_first_byte();
        settle();
        continue;
      }
      // At a leaf: find the next sibling of the nearest ancestor that has one.
      bool found = false;
      for (;;) {
        if (z.to_next_sibling_byte()) {
          found = true;
          break;
        }
        if (z.at_root())
          break;
        std::size_t d = z.path().size();
        z.ascend_until_branch();
        std::size_t b = z.path().size();
        if (b + 1 < d)
          z.descend_to_byte(w.last()[b]); // the branch's child on our way: try its siblings
        // else we stand on the branch (or the root) itself: try its siblings next
      }
      if (!found)
        break;
      settle();
    }
  }
  paths += w.records();
  if (!w.finish())
    return unexpected(out.error());
  return out_stats(out, paths);
}

template <class V, class Codec>
expected<path_map<V>, errc> read_map(input& in, const Codec& codec, std::uint64_t& paths) {
  std::string_view name = codec.name();
  map_reader r(in);
  if (!r.header(name))
    return unexpected(in.error());
  value_reader vr(in);
  path_map<V> m;
  paths = 0;
  int root = r.root();
  if (root < 0)
    return unexpected(in.error());
  if (root == 1) {
    std::optional<V> v = codec.decode(vr);
    if (!v) {
      in.fail(errc::bad_value);
      return unexpected(in.error());
    }
    m.set_val_at(path_view{}, std::move(*v));
    ++paths;
  }
  for (;;) {
    int k = r.next();
    if (k < 0)
      return unexpected(in.error());
    if (k == rec_end)
      break;
    if (k == rec_value) {
      std::optional<V> v = codec.decode(vr);
      if (!v) {
        in.fail(errc::bad_value);
        return unexpected(in.error());
      }
      m.set_val_at(r.path(), std::move(*v));
    } else {
      m.create_path(r.path());
    }
  }
  if (!r.finish())
    return unexpected(in.error());
  paths += r.records();
  return m;
}

/// Decodes a whole map from `in` and, on success only, hands it to `take` (which replaces or
/// grafts with it): the common part of every `deserialize_map`.
template <class V, class Codec, class Take>
expected<deserialization_stats, errc> decode_map(input&& in, const Codec& codec, Take take) {
  std::uint64_t paths = 0;
  auto m = read_map<V>(in, codec, paths);
  if (!m)
    return unexpected(m.error());
  take(std::move(*m));
  return in_stats(in, paths);
}

} // namespace detail::ser

// -- .paths: writing ---------------------------------------------------------------------------

/// Writes the path of every value below `src`'s focus (a zipper, or a map from its root) as
/// `.paths` data appended to `out`, calling `fv(index, path, value)` for each first.
template <detail::ser::source S, class F>
expected<serialization_stats, errc>
serialize_paths_with_auxdata(const S& src, std::vector<std::uint8_t>& out, F&& fv) {
  detail::ser::output o(out);
  return detail::ser::write_paths(src, o, fv);
}

/// As above, writing to a stream (`io_error` when the stream fails).
template <detail::ser::source S, class F>
expected<serialization_stats, errc>
serialize_paths_with_auxdata(const S& src, std::ostream& out, F&& fv) {
  detail::ser::output o(out);
  return detail::ser::write_paths(src, o, fv);
}

/// Writes the path of every value below `src`'s focus as `.paths` data appended to `out`.
template <detail::ser::source S>
expected<serialization_stats, errc> serialize_paths(const S& src, std::vector<std::uint8_t>& out) {
  return serialize_paths_with_auxdata(src, out, [](std::size_t, path_view, const auto&) {});
}

/// As above, writing to a stream.
template <detail::ser::source S>
expected<serialization_stats, errc> serialize_paths(const S& src, std::ostream& out) {
  return serialize_paths_with_auxdata(src, out, [](std::size_t, path_view, const auto&) {});
}

// -- .paths: reading ---------------------------------------------------------------------------

/// Decodes `.paths` data into a fresh map whose values are `fv(index, path)` and grafts it at
/// `wz`'s focus (replacing the focus value and everything below). On error `wz`'s map is
/// unchanged.
template <detail::ser::graft_target W, class F>
expected<deserialization_stats, errc>
deserialize_paths_with_auxdata(W& wz, std::span<const std::uint8_t> src, F&& fv,
                               const decode_limits& limits = {}) {
  detail::ser::input in(src, limits);
  return detail::ser::deserialize_paths_into(wz, in, fv);
}

/// As above, reading from a stream.
template <detail::ser::graft_target W, class F>
expected<deserialization_stats, errc>
deserialize_paths_with_auxdata(W& wz, std::istream& src, F&& fv, const decode_limits& limits = {}) {
  detail::ser::input in(src, limits);
  return detail::ser::deserialize_paths_into(wz, in, fv);
}

/// Decodes `.paths` data into a fresh map with every path set to a copy of `v` and grafts it
/// at `wz`'s focus. On error `wz`'s map is unchanged.
template <detail::ser::graft_target W>
expected<deserialization_stats, errc> deserialize_paths(W& wz, std::span<const std::uint8_t> src,
                                                        typename W::value_type v,
                                                        const decode_limits& limits = {}) {
  return deserialize_paths_with_auxdata(
    wz, src, [&v](std::size_t, path_view) { return v; }, limits);
}

/// As above, reading from a stream.
template <detail::ser::graft_target W>
expected<deserialization_stats, errc> deserialize_paths(W& wz, std::istream& src,
                                                        typename W::value_type v,
                                                        const decode_limits& limits = {}) {
  return deserialize_paths_with_auxdata(
    wz, src, [&v](std::size_t, path_view) { return v; }, limits);
}

/// Calls `f(index, path)` for each path in `.paths` data, as it is decoded. `f` may return
/// `bool`: false stops with `errc::aborted`. The path view is valid during the call only.
template <class F>
expected<deserialization_stats, errc> for_each_deserialized_path(std::span<const std::uint8_t> src,
                                                                 F&& f,
                                                                 const decode_limits& limits = {}) {
  detail::ser::input in(src, limits);
  return detail::ser::for_each_path(in, f);
}

/// As above, reading from a stream.
template <class F>
expected<deserialization_stats, errc>
for_each_deserialized_path(std::istream& src, F&& f, const decode_limits& limits = {}) {
  detail::ser::input in(src, limits);
  return detail::ser::for_each_path(in, f);
}

// -- map format ----------------------------------------------------------------------------------

/// Writes `src` (a map with its root value, or the subtrie at a zipper's focus with the focus
/// value as root value) in the map format, appended to `out`.
template <detail::ser::source S, class Codec = value_codec<detail::ser::value_of<S>>>
requires value_codec_for<Codec, detail::ser::value_of<S>> expected<serialization_stats, errc>
serialize_map(const S& src, std::vector<std::uint8_t>& out, const map_write_options& options = {},
              const Codec& codec = {}) {
  detail::ser::output o(out);
  return detail::ser::write_map(src, o, options, codec);
}

/// As above, writing to a stream.
template <detail::ser::source S, class Codec = value_codec<detail::ser::value_of<S>>>
requires value_codec_for<Codec, detail::ser::value_of<S>> expected<serialization_stats, errc>
serialize_map(const S& src, std::ostream& out, const map_write_options& options = {},
              const Codec& codec = {}) {
  detail::ser::output o(out);
  return detail::ser::write_map(src, o, options, codec);
}

/// Decodes map-format data and, on success only, replaces `target` with the result (root
/// value, values and dangling paths). On error `target` is unchanged.
template <class V, class Codec = value_codec<V>>
requires value_codec_for<Codec, V> expected<deserialization_stats, errc>
deserialize_map(path_map<V>& target, std::span<const std::uint8_t> src,
                const decode_limits& limits = {}, const Codec& codec = {}) {
  return detail::ser::decode_map<V>(detail::ser::input(src, limits), codec,
                                    [&](path_map<V>&& m) { target = std::move(m); });
}

/// As above, reading from a stream.
template <class V, class Codec = value_codec<V>>
requires value_codec_for<Codec, V> expected<deserialization_stats, errc>
deserialize_map(path_map<V>& target, std::istream& src, const decode_limits& limits = {},
                const Codec& codec = {}) {
  return detail::ser::decode_map<V>(detail::ser::input(src, limits), codec,
                                    [&](path_map<V>&& m) { target = std::move(m); });
}

/// Decodes map-format data and, on success only, grafts it at `wz`'s focus (its root value
/// becomes the focus value). On error `wz`'s map is unchanged.
template <detail::ser::graft_target W, class Codec = value_codec<typename W::value_type>>
requires value_codec_for<Codec, typename W::value_type> expected<deserialization_stats, errc>
deserialize_map(W& wz, std::span<const std::uint8_t> src, const decode_limits& limits = {},
                const Codec& codec = {}) {
  using V = typename W::value_type;
  return detail::ser::decode_map<V>(detail::ser::input(src, limits), codec,
                                    [&](path_map<V>&& m) { wz.graft_map(std::move(m)); });
}

/// As above, reading from a stream.
template <detail::ser::graft_target W, class Codec = value_codec<typename W::value_type>>
requires value_codec_for<Codec, typename W::value_type> expected<deserialization_stats, errc>
deserialize_map(W& wz, std::istream& src, const decode_limits& limits = {},
                const Codec& codec = {}) {
  using V = typename W::value_type;
  return detail::ser::decode_map<V>(detail::ser::input(src, limits), codec,
                                    [&](path_map<V>&& m) { wz.graft_map(std::move(m)); });
}

} // namespace pathmap
