#pragma once
/// @file
/// The value-independent machinery behind `pathmap/serialization.hpp`: byte outputs and inputs
/// (raw or through zlib, to and from memory or iostreams), the `.paths` record loop, and the
/// framing of the map format. Everything here is compiled once in `trie/serialization.cpp`;
/// the templates in the public header only walk the trie and run the value codec.
///
/// Memory layout of the buffered classes: each keeps a window `[pos_, end_)` of bytes ready to
/// read (input) or `[cur_, cap_)` of room to write (output) inline, so the per-byte calls are a
/// compare and a copy; everything else (refilling, zlib, streams) sits behind a pointer to a
/// state object defined in the .cpp, so that no public header includes `<zlib.h>`.
///
/// **Thread safety:** an `output` or `input` belongs to one thread.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <iosfwd>
#include <limits>
#include <memory>
#include <span>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "pathmap/errc.hpp"
#include "pathmap/path.hpp"

namespace pathmap {

/// Caps that keep a decoder's memory proportional to its input, whatever the input claims.
/// Lengths are also never trusted for allocation: bytes are appended as the input supplies
/// them, so a claimed length costs at most what the input really holds.
struct decode_limits {
  /// Longest path accepted (the crate has no cap; `.paths` lengths are 32-bit). Default 256 MiB.
  std::size_t max_path_len = std::size_t{1} << 28;
  /// Longest encoded value (a string value, say) accepted. Default 256 MiB.
  std::size_t max_value_len = std::size_t{1} << 28;
  /// Most decoded (decompressed) bytes accepted in total; bounds a "zip bomb". Default: no cap.
  std::uint64_t max_decoded_bytes = std::numeric_limits<std::uint64_t>::max();
};

} // namespace pathmap

namespace pathmap::detail::ser {

/// A non-owning reference to a callable `R(Args...)` (like C++26 `std::function_ref`).
template <class Sig>
class function_ref;

template <class R, class... Args>
class function_ref<R(Args...)> {
public:
  template <class F>
  requires(!std::is_same_v<std::remove_cvref_t<F>, function_ref>) function_ref(F&& f)
  noexcept // NOLINT: implicit by design
    : obj_(const_cast<void*>(static_cast<const void*>(std::addressof(f)))),
      call_([](void* o, Args... a) -> R {
        return (*static_cast<std::remove_reference_t<F>*>(o))(std::forward<Args>(a)...);
      }) {}

  R operator()(Args... a) const { return call_(obj_, std::forward<Args>(a)...); }

private:
  void* obj_;
  R (*call_)(void*, Args...);
};

/// Bytes of the map format header before the codec name: magic "PMAP", version, flags.
inline constexpr std::uint8_t map_magic[4] = {'P', 'M', 'A', 'P'};
inline constexpr std::uint8_t map_version = 1;
inline constexpr std::uint8_t map_flag_zlib = 0x01;
/// Record kinds of the map format.
inline constexpr std::uint8_t rec_end = 0x00;
inline constexpr std::uint8_t rec_value = 0x01;
inline constexpr std::uint8_t rec_dangling = 0x02;

// -- output ----------------------------------------------------------------------------------

/// A buffered byte sink: appends to a `std::vector<uint8_t>` or writes to a `std::ostream`,
/// raw or (after `start_deflate`) as one zlib stream. Errors are sticky: after a failed
/// stream write every later write is dropped and `finish()` reports the error. A vector
/// target that does not reach a successful `finish()` is cut back to its original size.
class output {
public:
  explicit output(std::vector<std::uint8_t>& target);
  explicit output(std::ostream& target);
  ~output();
  output(const output&) = delete;
  output& operator=(const output&) = delete;

  /// From here on, bytes go through deflate at `level` (0..9) into one zlib stream.
  void start_deflate(int level);

  void write(const void* p, std::size_t n) {
    if (n <= static_cast<std::size_t>(cap_ - cur_)) {
      if (n != 0)
        std::memcpy(cur_, p, n);
      cur_ += n;
      return;
    }
    write_slow(p, n);
  }
  void put(std::uint8_t b) {
    if (cur_ == cap_)
      make_room();
    *cur_++ = b;
  }
  void put_u32le(std::uint32_t v) {
    std::uint8_t b[4] = {std::uint8_t(v), std::uint8_t(v >> 8), std::uint8_t(v >> 16),
                         std::uint8_t(v >> 24)};
    write(b, 4);
  }
  /// Unsigned LEB128, minimal length (1..10 bytes).
  void put_varint(std::uint64_t v) {
    std::uint8_t b[10];
    std::size_t n = 0;
    while (v >= 0x80) {
      b[n++] = std::uint8_t(v | 0x80);
      v >>= 7;
    }
    b[n++] = std::uint8_t(v);
    write(b, n);
  }

  /// From here on, keep a CRC-32 (zlib's) of the bytes written (before compression).
  void track_crc() noexcept {
    crc_on_ = true;
    crc_mark_ = cur_;
  }
  /// The CRC-32 of the bytes written since `track_crc()`.
  std::uint32_t crc();

  /// Flushes everything (ends the zlib stream). False when something failed; see `error()`.
  bool finish();

  bool failed() const noexcept { return err_ != errc{}; }
  errc error() const noexcept { return err_; }
  /// Bytes accepted (before compression).
  std::uint64_t bytes_in() const noexcept { return accepted_ + std::uint64_t(cur_ - begin_); }
  /// Bytes delivered to the target so far (after compression).
  std::uint64_t bytes_out() const noexcept { return delivered_; }

private:
  struct state;

  void write_slow(const void* p, std::size_t n);
  /// Hands the buffered bytes on (to the target or to deflate).
  void flush_buffer();
  /// `flush_buffer()`, then a bigger buffer while it is below its full size.
  void make_room();

  std::unique_ptr<state> st_;
  std::uint8_t* begin_ = nullptr;
  std::uint8_t* cur_ = nullptr;
  std::uint8_t* cap_ = nullptr;
  /// Start of the buffered bytes not yet folded into the CRC.
  std::uint8_t* crc_mark_ = nullptr;
  std::uint32_t crc_ = 0;
  bool crc_on_ = false;
  std::uint64_t accepted_ = 0;
  std::uint64_t delivered_ = 0;
  errc err_{};
};

// -- input -----------------------------------------------------------------------------------

/// A buffered byte source over memory or a `std::istream`, raw or (after `start_inflate`)
/// through zlib. Errors are sticky: the first one is kept, later reads see the end of data.
///
/// A memory input must hold exactly one object: `finish()` reports `trailing_data` for bytes
/// left over. A stream input stops at the end of the object: `finish()` seeks the stream back
/// over any read-ahead (files, string streams); on a stream that cannot seek, up to one
/// buffer (64 KiB) past the object may have been consumed.
class input {
public:
  input(std::span<const std::uint8_t> mem, const decode_limits& lim);
  input(std::istream& is, const decode_limits& lim);
  ~input();
  input(const input&) = delete;
  input& operator=(const input&) = delete;

  /// From here on, bytes are decompressed from one zlib stream.
  void start_inflate();

  /// The bytes available without blocking on the next refill; empty at the end of data or
  /// after an error.
  std::span<const std::uint8_t> peek() {
    if (pos_ == end_)
      refill();
    return {pos_, std::size_t(end_ - pos_)};
  }
  void consume(std::size_t n) noexcept { pos_ += n; }

  bool get(std::uint8_t& b) {
    if (pos_ == end_ && !refill())
      return false;
    b = *pos_++;
    return true;
  }

  /// Exactly `n` bytes into `dst`; false (error `truncated` when the data ended) otherwise.
  bool read(void* dst, std::size_t n);

  /// Appends exactly `n` bytes to `dst`, growing it only as bytes arrive.
  bool append(std::vector<std::uint8_t>& dst, std::size_t n);

  bool get_u32le(std::uint32_t& v);
  /// Unsigned LEB128; rejects over-long, overflowing and non-minimal encodings (`bad_varint`).
  bool get_varint(std::uint64_t& v);

  /// Ends decoding: a zlib stream must have ended (and decoded to nothing more); a memory
  /// input must be used up; a stream is positioned right after the object. False with an
  /// error otherwise.
  bool finish();

  /// From here on, keep a CRC-32 of the bytes consumed (after decompression).
  void track_crc() noexcept {
    crc_on_ = true;
    crc_mark_ = pos_;
  }
  /// The CRC-32 of the bytes consumed since `track_crc()`.
  std::uint32_t crc();

  /// Records `e` unless an error is already recorded; always returns false.
  bool fail(errc e) noexcept;
  bool failed() const noexcept { return err_ != errc{}; }
  errc error() const noexcept { return err_; }
  const decode_limits& limits() const noexcept { return lim_; }

  /// Source bytes consumed (compressed size for zlib data).
  std::uint64_t bytes_in() const noexcept;
  /// Decoded bytes consumed.
  std::uint64_t bytes_out() const noexcept { return produced_ - std::uint64_t(end_ - pos_); }

private:
  struct state;

  bool refill();

  std::unique_ptr<state> st_;
  const std::uint8_t* pos_ = nullptr;
  const std::uint8_t* end_ = nullptr;
  /// Start of the bytes not yet folded into the CRC.
  const std::uint8_t* crc_mark_ = nullptr;
  std::uint32_t crc_ = 0;
  bool crc_on_ = false;
  /// Decoded bytes handed out in windows so far (the current window included).
  std::uint64_t produced_ = 0;
  decode_limits lim_;
  errc err_{};
};

// -- .paths ----------------------------------------------------------------------------------

/// Counts a `.paths` decode produced (see `deserialization_stats`).
struct paths_counts {
  std::uint64_t bytes_in = 0;
  std::uint64_t bytes_out = 0;
  std::uint64_t path_count = 0;
};

/// Reads `.paths` records from `in` (already inflating) and calls `f(index, path)` for each;
/// `f` returns false to stop (error `aborted`). On failure, `in.error()` says why.
bool read_paths(input& in, function_ref<bool(std::size_t, path_view)> f, paths_counts& counts);

/// Starts a `.paths` stream on `out` (deflate, level 7, like the crate).
void start_paths(output& out);

/// Writes one `.paths` record. False (`path_too_long`) for a path of 2^32 bytes or more.
inline bool write_path_record(output& out, path_view p) {
  if (p.size() > 0xffffffffu)
    return false;
  out.put_u32le(static_cast<std::uint32_t>(p.size()));
  out.write(p.data(), p.size());
  return true;
}

// -- map format --------------------------------------------------------------------------------

/// Writes the map format's framing: header, records with shared-prefix compression, trailer.
/// The caller writes each value with the codec right after `value_record` or `root(true)`.
class map_writer {
public:
  map_writer(output& out, std::string_view codec_name, bool compress, int level);

  /// The root flag (call once, first); a root value follows when `has_value`.
  void root(bool has_value) { out_.put(has_value ? 1 : 0); }
  /// A record for `p` (non-empty, greater than the previous record's path).
  void value_record(path_view p) { record(rec_value, p); }
  void dangling_record(path_view p) { record(rec_dangling, p); }
  /// The end record and the trailer (record count, CRC-32), then `out.finish()`.
  bool finish();

  std::uint64_t records() const noexcept { return count_; }
  /// The path of the last record written (empty before the first).
  path_view last() const noexcept { return {prev_.data(), prev_.size()}; }

private:
  void record(std::uint8_t kind, path_view p);

  output& out_;
  pathmap::path prev_;
  bool prev_dangling_ = false;
  std::uint64_t count_ = 0;
};

/// Reads the map format's framing and validates it as it goes (order, prefix lengths, limits,
/// count, CRC). The caller decodes a value with the codec after `root()` says there is one and
/// after each `next()` that returns `rec_value`.
class map_reader {
public:
  explicit map_reader(input& in) : in_(in) {}

  /// Reads and checks the header (magic, version, flags, codec name) and starts the body.
  bool header(std::string_view codec_name);
  /// Reads the root flag: 1 when a root value follows, 0 when not, -1 on error.
  int root();
  /// Reads the next record: `rec_value`, `rec_dangling` (its path in `path()`), `rec_end`,
  /// or -1 on error.
  int next();
  path_view path() const noexcept { return {cur_.data(), cur_.size()}; }
  /// Reads and checks the trailer and ends the input.
  bool finish();

  std::uint64_t records() const noexcept { return count_; }

private:
  input& in_;
  pathmap::path cur_;
  bool prev_dangling_ = false;
  std::uint64_t count_ = 0;
};

} // namespace pathmap::detail::ser
