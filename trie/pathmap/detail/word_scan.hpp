#pragma once
/// @file
/// Word-at-a-time scans: node bytes and path bytes read 8 (or 16) at a time.
///
/// Why: a lookup spends its time in a few short scans per node (find a first byte, add up tail
/// lengths, compare a tail with the path), and byte loops of data-dependent length are where a
/// lookup's branches mispredict. Measured with cachegrind on the shuffled word list (packed,
/// 2026-11-27): the loop comparing tails byte by byte mispredicted 2.2 times per lookup, of 5.7
/// mispredictions in all; compared as masked 8-byte words it branches once, on the result.
///
/// The node scans may read up to 7 bytes (16 for `find_first_byte`) past the bytes they use;
/// node layouts keep that much memory after the arrays scanned (small_node.hpp: `bytes`; packed
/// arenas: `slack`). A path is the caller's memory and is never read outside: `path_words`
/// clamps its loads to the path.

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#  include <emmintrin.h>
#endif

#include "pathmap/path.hpp"

namespace pathmap::detail {

/// Index of byte `b` among the first bytes `f[0..n)` (`n <= 32`), or -1. Compares 16 or 32
/// bytes at once and so reads 16 or 32 bytes from `f`, whatever `n`: callers keep that much
/// node memory after `f` (bits past `n` are dropped).
inline int find_first_byte(const std::uint8_t* f, int n, std::uint8_t b) noexcept {
#if defined(__SSE2__)
  const __m128i key = _mm_set1_epi8(static_cast<char>(b));
  const auto* v = reinterpret_cast<const __m128i*>(f);
  std::uint64_t hits = std::uint32_t(_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128(v), key)));
  if (n > 16)
    hits |= std::uint64_t(_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128(v + 1), key))) << 16;
  hits &= (std::uint64_t{1} << n) - 1;
  return hits ? std::countr_zero(hits) : -1;
#else
  for (int i = 0; i < n; ++i)
    if (f[i] == b)
      return i;
  return -1;
#endif
}

inline std::uint64_t load8(const std::uint8_t* p) noexcept {
  std::uint64_t x;
  std::memcpy(&x, p, sizeof(x));
  return x;
}

/// `p[0..8)` with `p[0]` in the low byte, on any machine: masks and shifts below count bytes
/// from the low end.
inline std::uint64_t load_le8(const std::uint8_t* p) noexcept {
  std::uint64_t x = load8(p);
  if constexpr (std::endian::native == std::endian::big)
    x = __builtin_bswap64(x);
  return x;
}

/// The low `k` bytes of a word (`0 <= k <= 8`): a table, since both shift forms need a branch
/// for one end of the range.
inline std::uint64_t low_bytes(std::size_t k) noexcept {
  static constexpr std::uint64_t masks[9] = {0,
                                             0xff,
                                             0xffff,
                                             0xffffff,
                                             0xffffffff,
                                             0xffffffffff,
                                             0xffffffffffff,
                                             0xffffffffffffff,
                                             ~std::uint64_t{0}};
  return masks[k];
}

/// Sum of the 8 bytes of `x` (pairs into 16-bit lanes, then one multiply adds the lanes).
inline std::size_t byte_sum(std::uint64_t x) noexcept {
  constexpr std::uint64_t even = 0x00ff00ff00ff00ffull;
  x = (x & even) + ((x >> 8) & even);
  return static_cast<std::size_t>((x * 0x0001000100010001ull) >> 48);
}

/// Sum of the 8 bytes of `x` when it is below 256: one multiply adds the lanes into the top
/// byte (packed nodes keep their tail lengths this small for it).
inline std::size_t small_byte_sum(std::uint64_t x) noexcept {
  return static_cast<std::size_t>((x * 0x0101010101010101ull) >> 56);
}

/// Sum of `bytes[0..i)`, 8 bytes per step. `total` bounds the sum (a node's total tail
/// length): below 256 the words are added lane by lane, without carries, and summed once, and
/// the first 16 bytes are read as two masked words whatever `i` (a loop or a branch on `i`
/// mispredicts: entry 0 of a node is as frequent as entry 9; 0.36 times per word lookup), so
/// 16 bytes from `bytes` must be readable. Otherwise it reads up to 8 bytes from
/// `bytes + 8 * (i / 8)`. Callers keep both inside the node.
inline std::size_t prefix_sum(const std::uint8_t* bytes, std::size_t i,
                              std::size_t total) noexcept {
  std::size_t j = 0;
  if (total < 256) [[likely]] {
    const std::size_t lo = i < 8 ? i : 8, rest = i - lo, hi = rest < 8 ? rest : 8;
    std::uint64_t lanes =
      (load_le8(bytes) & low_bytes(lo)) + (load_le8(bytes + 8) & low_bytes(hi));
    for (j = 16; j < i; j += 8)
      lanes += load_le8(bytes + j) & low_bytes(i - j < 8 ? i - j : 8);
    return small_byte_sum(lanes);
  }
  std::size_t sum = 0;
  for (; j + 8 <= i; j += 8)
    sum += byte_sum(load8(bytes + j));
  return sum + byte_sum(load_le8(bytes + j) & low_bytes(i - j));
}

/// A path read 8 bytes at a time, for comparing it with key tails without a byte loop and
/// without reading outside it: a load that would run past the end reads the path's last 8
/// bytes and shifts; a path shorter than 8 bytes is copied into a zero-padded buffer first.
/// Not copyable: it may point into itself.
class path_words {
public:
  explicit path_words(path_view p) noexcept : k_(p.data()), n_(p.size()) {
    if (n_ < 8) {
      if (n_ != 0)
        std::memcpy(pad_, k_, n_);
      k_ = pad_;
    }
    last_ = (n_ < 8 ? 8 : n_) - 8;
  }
  path_words(const path_words&) = delete;
  path_words& operator=(const path_words&) = delete;

  std::size_t size() const noexcept { return n_; }

  /// Path bytes `pos..pos+8` in the low-to-high bytes of a word; bytes past the end of the path
  /// are unspecified. `pos <= size()`.
  std::uint64_t at(std::size_t pos) const noexcept {
    const std::size_t a = pos < last_ ? pos : last_;
    return load_le8(k_ + a) >> ((8 * (pos - a)) & 63);
  }

  /// Whether the path continues at `pos` with the `len` bytes at `t` (and is long enough to).
  /// Reads up to 7 bytes past `t + len`, and 8 bytes from `t` when `len` is 0.
  bool continues_with(std::size_t pos, const std::uint8_t* t, std::size_t len) const noexcept {
    const std::size_t first = len < 8 ? len : 8;
    const std::uint64_t diff = (at(pos) ^ load_le8(t)) & low_bytes(first);
    // `&`, not `&&`: both halves are cheap, and one branch on the result predicts better than
    // two (almost every compare in a lookup of a present key succeeds).
    bool same = (len <= n_ - pos) & (diff == 0);
    if (len > 8) [[unlikely]]
      same = same && rest_equal(pos, t, len);
    return same;
  }

private:
  bool rest_equal(std::size_t pos, const std::uint8_t* t, std::size_t len) const noexcept {
    for (std::size_t j = 8; j < len; j += 8) {
      const std::size_t m = len - j < 8 ? len - j : 8;
      if ((at(pos + j) ^ load_le8(t + j)) & low_bytes(m))
        return false;
    }
    return true;
  }

  const std::uint8_t* k_;
  std::size_t n_, last_;
  std::uint8_t pad_[8] = {};
};

} // namespace pathmap::detail
