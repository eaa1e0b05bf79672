// The value-independent part of serialization (see pathmap/detail/serialization.hpp): buffered
// outputs and inputs over memory and iostreams, zlib deflate/inflate, the `.paths` record loop
// and the map format's framing.
//
// Buffers: an output stages bytes in a 64 KiB buffer and hands full buffers to the target (or
// to deflate, which writes 64 KiB chunks of compressed bytes). An input reads memory in place
// (one window over the whole span) or a stream in 64 KiB chunks; when inflating, zlib's output
// buffer (64 KiB) is the window. Nothing here allocates in proportion to what the data claims;
// only what the data really supplies is ever appended.

#include "pathmap/detail/serialization.hpp"

#include "pathmap/detail/assert.hpp"

#include <zlib.h>

#include <algorithm>
#include <istream>
#include <ostream>

namespace pathmap::detail::ser {

namespace {

constexpr std::size_t buf_size = std::size_t{64} * 1024;
/// An output's staging buffer starts at this size and doubles at each flush up to `buf_size`,
/// so that encoding a small map does not allocate 64 KiB.
constexpr std::size_t first_buf_size = 1024;
/// zlib counts in `uInt` (32 bits): feed at most this much input per call.
constexpr std::size_t max_z_chunk = std::size_t{1} << 30;

std::uint32_t crc_update(std::uint32_t crc, const std::uint8_t* p, std::size_t n) {
  while (n > 0) {
    std::size_t k = std::min(n, max_z_chunk);
    crc = static_cast<std::uint32_t>(::crc32(crc, p, static_cast<uInt>(k)));
    p += k;
    n -= k;
  }
  return crc;
}

} // namespace

// -- output --------------------------------------------------------------------------------------

struct output::state {
  std::vector<std::uint8_t>* vec = nullptr;
  std::size_t vec_start = 0;
  std::ostream* os = nullptr;
  std::unique_ptr<std::uint8_t[]> buf{new std::uint8_t[first_buf_size]};
  std::size_t buf_cap = first_buf_size;
  bool deflating = false;
  z_stream zs{};
  std::unique_ptr<std::uint8_t[]> zbuf;
  bool finished_ok = false;

  ~state() {
    if (deflating)
      deflateEnd(&zs);
    if (vec != nullptr && !finished_ok)
      vec->resize(vec_start);
  }
};

output::output(std::vector<std::uint8_t>& target) : st_(new state) {
  st_->vec = &target;
  st_->vec_start = target.size();
  begin_ = cur_ = crc_mark_ = st_->buf.get();
  cap_ = begin_ + st_->buf_cap;
}

output::output(std::ostream& target) : st_(new state) {
  st_->os = &target;
  begin_ = cur_ = crc_mark_ = st_->buf.get();
  cap_ = begin_ + st_->buf_cap;
}

output::~output() = default;

namespace {

/// Hands `n` finished bytes to the target; sets `err` on a failed stream write.
void deliver(std::vector<std::uint8_t>* vec, std::ostream* os, const std::uint8_t* p, std::size_t n,
             std::uint64_t& delivered, errc& err) {
  if (n == 0 || err != errc{})
    return;
  if (vec != nullptr) {
    vec->insert(vec->end(), p, p + n);
  } else {
    os->write(reinterpret_cast<const char*>(p), static_cast<std::streamsize>(n));
    if (!*os) {
      err = errc::io_error;
      return;
    }
  }
  delivered += n;
}

} // namespace

void output::start_deflate(int level) {
  flush_buffer();
  if (failed())
    return;
  st_->zbuf.reset(new std::uint8_t[buf_size]);
  int ret = deflateInit(&st_->zs, level);
  if (ret != Z_OK) {
    err_ = ret == Z_MEM_ERROR ? errc::out_of_memory : errc::corrupt_stream;
    return;
  }
  st_->deflating = true;
}

namespace {

/// Runs deflate over `[p, p+n)` with `flush`, delivering compressed chunks.
void deflate_feed(z_stream& zs, std::uint8_t* zbuf, const std::uint8_t* p, std::size_t n, int flush,
                  std::vector<std::uint8_t>* vec, std::ostream* os, std::uint64_t& delivered,
                  errc& err) {
  do {
    std::size_t k = std::min(n, max_z_chunk);
    zs.next_in = const_cast<Bytef*>(p);
    zs.avail_in = static_cast<uInt>(k);
    p += k;
    n -= k;
    int f = n == 0 ? flush : Z_NO_FLUSH;
    for (;;) {
      zs.next_out = zbuf;
      zs.avail_out = static_cast<uInt>(buf_size);
      int ret = deflate(&zs, f);
      if (ret == Z_STREAM_ERROR) {
        err = errc::corrupt_stream;
        return;
      }
      deliver(vec, os, zbuf, buf_size - zs.avail_out, delivered, err);
      if (err != errc{})
        return;
      if (f == Z_FINISH ? ret == Z_STREAM_END : (zs.avail_in == 0 && zs.avail_out != 0))
        break;
    }
  } while (n > 0);
}

} // namespace

void output::flush_buffer() {
  std::size_t n = std::size_t(cur_ - begin_);
  if (crc_on_)
    crc_ = crc_update(crc_, crc_mark_, std::size_t(cur_ - crc_mark_));
  accepted_ += n;
  if (!failed() && n != 0) {
    if (st_->deflating)
      deflate_feed(st_->zs, st_->zbuf.get(), begin_, n, Z_NO_FLUSH, st_->vec, st_->os, delivered_,
                   err_);
    else
      deliver(st_->vec, st_->os, begin_, n, delivered_, err_);
  }
  cur_ = crc_mark_ = begin_;
}

void output::make_room() {
  flush_buffer();
  if (st_->buf_cap < buf_size) {
    st_->buf_cap *= 2;
    st_->buf.reset(new std::uint8_t[st_->buf_cap]);
    begin_ = cur_ = crc_mark_ = st_->buf.get();
    cap_ = begin_ + st_->buf_cap;
  }
}

void output::write_slow(const void* p, std::size_t n) {
  make_room();
  auto* b = static_cast<const std::uint8_t*>(p);
  if (n < static_cast<std::size_t>(cap_ - begin_)) {
    std::memcpy(cur_, b, n);
    cur_ += n;
    return;
  }
  // Large writes bypass the staging buffer.
  if (crc_on_)
    crc_ = crc_update(crc_, b, n);
  accepted_ += n;
  if (failed())
    return;
  if (st_->deflating)
    deflate_feed(st_->zs, st_->zbuf.get(), b, n, Z_NO_FLUSH, st_->vec, st_->os, delivered_, err_);
  else
    deliver(st_->vec, st_->os, b, n, delivered_, err_);
}

std::uint32_t output::crc() {
  if (crc_on_) {
    crc_ = crc_update(crc_, crc_mark_, std::size_t(cur_ - crc_mark_));
    crc_mark_ = cur_;
  }
  return crc_;
}

bool output::finish() {
  flush_buffer();
  if (st_->deflating) {
    if (!failed())
      deflate_feed(st_->zs, st_->zbuf.get(), nullptr, 0, Z_FINISH, st_->vec, st_->os, delivered_,
                   err_);
    deflateEnd(&st_->zs);
    st_->deflating = false;
  }
  if (st_->os != nullptr && !failed()) {
    st_->os->flush();
    if (!*st_->os)
      err_ = errc::io_error;
  }
  st_->finished_ok = !failed();
  return !failed();
}

// -- input ---------------------------------------------------------------------------------------

struct input::state {
  // The source: a memory span (handed out in place) or a stream (read in chunks into `raw`).
  std::span<const std::uint8_t> mem;
  std::size_t mem_off = 0;
  std::istream* is = nullptr;
  std::unique_ptr<std::uint8_t[]> raw;
  /// Source bytes obtained so far (consumed or not).
  std::uint64_t raw_total = 0;
  bool source_done = false;
  // Inflating: zlib reads from the raw chunks and writes into `out`, which is the window.
  bool inflating = false;
  bool stream_end = false;
  z_stream zs{};
  std::unique_ptr<std::uint8_t[]> out;

  ~state() {
    if (inflating)
      inflateEnd(&zs);
  }

  /// The next chunk of source bytes (at most `cap`); false at the end or on a stream error.
  bool raw_chunk(const std::uint8_t*& p, std::size_t& n, std::size_t cap, errc& err) {
    if (source_done)
      return false;
    if (is == nullptr) {
      n = std::min(mem.size() - mem_off, cap);
      p = mem.data() + mem_off;
      mem_off += n;
    } else {
      if (!raw)
        raw.reset(new std::uint8_t[buf_size]);
      is->read(reinterpret_cast<char*>(raw.get()), static_cast<std::streamsize>(buf_size));
      n = static_cast<std::size_t>(is->gcount());
      p = raw.get();
      if (is->bad()) {
        err = errc::io_error;
        source_done = true;
        return false;
      }
    }
    if (n == 0) {
      source_done = true;
      return false;
    }
    raw_total += n;
    return true;
  }
};

input::input(std::span<const std::uint8_t> mem, const decode_limits& lim)
  : st_(new state), lim_(lim) {
  st_->mem = mem;
}

input::input(std::istream& is, const decode_limits& lim) : st_(new state), lim_(lim) {
  st_->is = &is;
}

input::~input() = default;

bool input::fail(errc e) noexcept {
  if (err_ == errc{})
    err_ = e;
  pos_ = end_ = crc_mark_ = nullptr;
  return false;
}

std::uint64_t input::bytes_in() const noexcept {
  std::uint64_t unused = st_->inflating ? st_->zs.avail_in : std::uint64_t(end_ - pos_);
  return st_->raw_total - unused;
}

void input::start_inflate() {
  if (failed())
    return;
  if (crc_on_)
    crc_ = crc_update(crc_, crc_mark_, std::size_t(pos_ - crc_mark_));
  // The unread raw bytes become zlib's first input.
  std::size_t left = std::size_t(end_ - pos_);
  produced_ -= left;
  st_->out.reset(new std::uint8_t[buf_size]);
  st_->zs.next_in = const_cast<Bytef*>(pos_);
  st_->zs.avail_in = static_cast<uInt>(left); // a window from memory is capped below
  int ret = inflateInit(&st_->zs);
  if (ret != Z_OK) {
    fail(ret == Z_MEM_ERROR ? errc::out_of_memory : errc::corrupt_stream);
    return;
  }
  st_->inflating = true;
  pos_ = end_ = crc_mark_ = st_->out.get();
}

bool input::refill() {
  if (failed())
    return false;
  if (crc_on_)
    crc_ = crc_update(crc_, crc_mark_, std::size_t(end_ - crc_mark_));
  crc_mark_ = pos_ = end_;
  state& s = *st_;
  if (!s.inflating) {
    const std::uint8_t* p = nullptr;
    std::size_t n = 0;
    // A raw window over memory is the whole rest of the span, capped so that a switch to
    // inflating can hand it to zlib in one piece.
    if (!s.raw_chunk(p, n, max_z_chunk, err_))
      return err_ == errc{} ? false : fail(err_);
    pos_ = crc_mark_ = p;
    end_ = p + n;
    produced_ += n;
    if (produced_ > lim_.max_decoded_bytes)
      return fail(errc::too_much_data);
    return true;
  }
  for (;;) {
    if (s.stream_end) {
      pos_ = end_ = crc_mark_ = s.out.get();
      return false;
    }
    if (s.zs.avail_in == 0 && !s.source_done) {
      const std::uint8_t* p = nullptr;
      std::size_t n = 0;
      if (s.raw_chunk(p, n, max_z_chunk, err_)) {
        s.zs.next_in = const_cast<Bytef*>(p);
        s.zs.avail_in = static_cast<uInt>(n);
      } else if (err_ != errc{}) {
        return fail(err_);
      }
    }
    s.zs.next_out = s.out.get();
    s.zs.avail_out = static_cast<uInt>(buf_size);
    int ret = inflate(&s.zs, Z_NO_FLUSH);
    std::size_t have = buf_size - s.zs.avail_out;
    switch (ret) {
      case Z_OK:
        break;
      case Z_STREAM_END:
        s.stream_end = true;
        break;
      case Z_BUF_ERROR: // no progress possible: out of input
        if (s.zs.avail_in != 0)
          return fail(errc::corrupt_stream); // cannot happen with room to write; never spin
        if (s.source_done)
          return fail(errc::truncated);
        break;
      case Z_MEM_ERROR:
        return fail(errc::out_of_memory);
      default: // Z_DATA_ERROR, Z_NEED_DICT, Z_STREAM_ERROR
        return fail(errc::corrupt_stream);
    }
    if (have > 0) {
      pos_ = crc_mark_ = s.out.get();
      end_ = pos_ + have;
      produced_ += have;
      if (produced_ > lim_.max_decoded_bytes)
        return fail(errc::too_much_data);
      return true;
    }
    if (!s.stream_end && s.source_done && s.zs.avail_in == 0)
      return fail(errc::truncated);
  }
}

bool input::read(void* dst, std::size_t n) {
  auto* d = static_cast<std::uint8_t*>(dst);
  while (n > 0) {
    if (pos_ == end_ && !refill())
      return fail(errc::truncated);
    std::size_t k = std::min(n, std::size_t(end_ - pos_));
    std::memcpy(d, pos_, k);
    pos_ += k;
    d += k;
    n -= k;
  }
  return true;
}

bool input::append(std::vector<std::uint8_t>& dst, std::size_t n) {
  while (n > 0) {
    if (pos_ == end_ && !refill())
      return fail(errc::truncated);
    std::size_t k = std::min(n, std::size_t(end_ - pos_));
    dst.insert(dst.end(), pos_, pos_ + k);
    pos_ += k;
    n -= k;
  }
  return true;
}

bool input::get_u32le(std::uint32_t& v) {
  std::uint8_t b[4];
  if (end_ - pos_ >= 4) {
    std::memcpy(b, pos_, 4);
    pos_ += 4;
  } else if (!read(b, 4)) {
    return false;
  }
  v = std::uint32_t(b[0]) | std::uint32_t(b[1]) << 8 | std::uint32_t(b[2]) << 16
      | std::uint32_t(b[3]) << 24;
  return true;
}

bool input::get_varint(std::uint64_t& v) {
  v = 0;
  for (int i = 0; i < 10; ++i) {
    std::uint8_t b = 0;
    if (!get(b))
      return fail(errc::truncated);
    if (i == 9 && b > 1)
      return fail(errc::bad_varint); // more than 64 bits, or an 11th byte
    v |= std::uint64_t(b & 0x7f) << (7 * i);
    if ((b & 0x80) == 0) {
      if (i > 0 && b == 0)
        return fail(errc::bad_varint); // not minimal
      return true;
    }
  }
  return fail(errc::bad_varint);
}

std::uint32_t input::crc() {
  if (crc_on_) {
    crc_ = crc_update(crc_, crc_mark_, std::size_t(pos_ - crc_mark_));
    crc_mark_ = pos_;
  }
  return crc_;
}

bool input::finish() {
  if (failed())
    return false;
  state& s = *st_;
  if (s.inflating) {
    if (pos_ != end_)
      return fail(errc::trailing_data);
    if (!s.stream_end) {
      if (refill())
        return fail(errc::trailing_data); // more decoded bytes inside the stream
      if (failed())
        return false;
    }
  }
  std::uint64_t unused = s.inflating ? s.zs.avail_in : std::uint64_t(end_ - pos_);
  if (s.is == nullptr) {
    if (unused != 0 || s.mem_off != s.mem.size())
      return fail(errc::trailing_data);
    return true;
  }
  // A stream: give back the read-ahead where the stream can seek.
  std::istream& is = *s.is;
  auto st = is.rdstate();
  if (unused != 0) {
    is.clear();
    is.seekg(-static_cast<std::streamoff>(unused), std::ios_base::cur);
    if (!is.fail()) {
      s.raw_total -= unused;
      if (s.inflating)
        s.zs.avail_in = 0;
      else
        end_ = pos_;
      return true;
    }
    is.clear(st);
  }
  // The short read at the end of the data set failbit; the stream itself is fine.
  if (!is.bad())
    is.clear(is.rdstate() & ~std::ios_base::failbit);
  return true;
}

// -- .paths
// ----------------------------------------------------------------------------------------

void start_paths(output& out) {
  // The crate: deflateInit(level 7), zlib wrapper, default window and memory level.
  out.start_deflate(7);
}

bool read_paths(input& in, function_ref<bool(std::size_t, path_view)> f, paths_counts& counts) {
  path buf;
  std::size_t index = 0;
  for (;;) {
    if (in.peek().empty()) {
      if (in.failed())
        return false;
      break; // the stream ended on a record boundary
    }
    std::uint32_t len = 0;
    if (!in.get_u32le(len))
      return false;
    if (len > in.limits().max_path_len)
      return in.fail(errc::path_too_long);
    buf.clear();
    if (!in.append(buf, len))
      return false;
    if (!f(index, path_view{buf.data(), buf.size()}))
      return in.fail(errc::aborted);
    ++index;
  }
  if (!in.finish())
    return false;
  counts.bytes_in = in.bytes_in();
  counts.bytes_out = in.bytes_out();
  counts.path_count = index;
  return true;
}

// -- map format
// -------------------------------------------------------------------------------------

map_writer::map_writer(output& out, std::string_view codec_name, bool compress, int level)
  : out_(out) {
  out_.track_crc();
  out_.write(map_magic, sizeof map_magic);
  out_.put(map_version);
  out_.put(compress ? map_flag_zlib : 0);
  std::size_t n = std::min<std::size_t>(codec_name.size(), 255);
  out_.put(static_cast<std::uint8_t>(n));
  out_.write(codec_name.data(), n);
  if (compress)
    out_.start_deflate(level < 0 ? Z_DEFAULT_COMPRESSION : std::min(level, 9));
}

void map_writer::record(std::uint8_t kind, path_view p) {
  std::size_t keep = common_prefix_len(path_view{prev_.data(), prev_.size()}, p);
  PATHMAP_ASSERT(keep < p.size() && (keep == prev_.size() || p[keep] > prev_[keep]),
                 "map records must be non-empty and in strictly increasing order");
  PATHMAP_ASSERT(!(count_ > 0 && prev_dangling_ && keep == prev_.size()),
                 "no record may extend a dangling path");
  out_.put(kind);
  out_.put_varint(keep);
  out_.put_varint(p.size() - keep);
  out_.write(p.data() + keep, p.size() - keep);
  prev_.resize(keep);
  prev_.insert(prev_.end(), p.begin() + keep, p.end());
  prev_dangling_ = kind == rec_dangling;
  ++count_;
}

bool map_writer::finish() {
  out_.put(rec_end);
  out_.put_varint(count_);
  std::uint32_t c = out_.crc();
  out_.put_u32le(c);
  return out_.finish();
}

bool map_reader::header(std::string_view codec_name) {
  in_.track_crc();
  std::uint8_t h[7];
  if (!in_.read(h, 4))
    return false;
  if (std::memcmp(h, map_magic, 4) != 0)
    return in_.fail(errc::bad_magic);
  if (!in_.read(h + 4, 3))
    return false;
  if (h[4] != map_version)
    return in_.fail(errc::unsupported_version);
  if ((h[5] & ~map_flag_zlib) != 0)
    return in_.fail(errc::unsupported_flags);
  std::uint8_t name[255];
  if (!in_.read(name, h[6]))
    return false;
  if (std::string_view(reinterpret_cast<const char*>(name), h[6])
      != codec_name.substr(0, std::min<std::size_t>(codec_name.size(), 255)))
    return in_.fail(errc::codec_mismatch);
  if ((h[5] & map_flag_zlib) != 0)
    in_.start_inflate();
  return !in_.failed();
}

int map_reader::root() {
  std::uint8_t b = 0;
  if (!in_.get(b))
    return in_.fail(errc::truncated), -1;
  if (b > 1)
    return in_.fail(errc::bad_record), -1;
  return b;
}

int map_reader::next() {
  std::uint8_t kind = 0;
  if (!in_.get(kind))
    return in_.fail(errc::truncated), -1;
  if (kind == rec_end)
    return rec_end;
  if (kind != rec_value && kind != rec_dangling)
    return in_.fail(errc::bad_record), -1;
  std::uint64_t keep = 0;
  std::uint64_t add = 0;
  if (!in_.get_varint(keep) || !in_.get_varint(add))
    return -1;
  if (keep > cur_.size() || add == 0)
    return in_.fail(errc::bad_record), -1;
  // A record extending a dangling path would make that path not dangling.
  if (prev_dangling_ && keep == cur_.size())
    return in_.fail(errc::bad_record), -1;
  if (add > in_.limits().max_path_len - keep)
    return in_.fail(errc::path_too_long), -1;
  int old = keep < cur_.size() ? cur_[keep] : -1;
  cur_.resize(keep);
  if (!in_.append(cur_, add))
    return -1;
  // Strictly increasing, and `keep` is the whole shared prefix.
  if (old >= 0 && cur_[keep] <= old)
    return in_.fail(errc::bad_record), -1;
  prev_dangling_ = kind == rec_dangling;
  ++count_;
  return kind;
}

bool map_reader::finish() {
  std::uint64_t n = 0;
  if (!in_.get_varint(n))
    return false;
  if (n != count_)
    return in_.fail(errc::count_mismatch);
  std::uint32_t want = in_.crc();
  std::uint32_t got = 0;
  if (!in_.get_u32le(got))
    return false;
  if (got != want)
    return in_.fail(errc::checksum_mismatch);
  return in_.finish();
}

} // namespace pathmap::detail::ser
