#pragma once
/// @file
/// `pathmap::byte_mask`: a set of bytes as 256 bits (`[u64;4]` in the crate).
///
/// Byte `b` is bit `b % 64` of word `b / 64`. Zippers report the child bytes of their focus as a
/// `byte_mask`; dense trie nodes keep their children in one.
///
/// **Thread safety:** a plain value.

#include <array>
#include <bit>
#include <cstdint>

namespace pathmap {

/// Population count of a 64-bit word. `std::popcount` compiles to a libgcc call unless the
/// target has POPCNT (`-mpopcnt`, x86-64-v2); the bit-twiddling fallback stays inline.
constexpr int popcount64(std::uint64_t x) noexcept {
#if defined(__POPCNT__) || !defined(__x86_64__)
  return std::popcount(x);
#else
  x = x - ((x >> 1) & 0x5555555555555555ull);
  x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
  x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0full;
  return static_cast<int>((x * 0x0101010101010101ull) >> 56);
#endif
}

/// A set of bytes.
class byte_mask {
public:
  // -- constructors ---------------------------------------------------------

  constexpr byte_mask() noexcept = default;
  constexpr explicit byte_mask(std::array<std::uint64_t, 4> words) noexcept : w_(words) {}

  /// The set with every byte.
  static constexpr byte_mask full() noexcept { return byte_mask{{~0ull, ~0ull, ~0ull, ~0ull}}; }

  // -- queries --------------------------------------------------------------

  constexpr bool test(std::uint8_t b) const noexcept { return (w_[b >> 6] >> (b & 63)) & 1u; }
  constexpr bool empty() const noexcept { return (w_[0] | w_[1] | w_[2] | w_[3]) == 0; }

  /// Number of bytes in the set.
  constexpr int count() const noexcept {
    return popcount64(w_[0]) + popcount64(w_[1]) + popcount64(w_[2]) + popcount64(w_[3]);
  }

  /// Number of set bytes strictly below `b` (the rank of `b` in a packed array).
  /// Branch-free: the words below `b`'s word count whole, its own word up to `b`, the rest not
  /// at all (a loop over the words below mispredicts on every lookup of a random byte).
  constexpr int rank(std::uint8_t b) const noexcept {
    const int w = b >> 6;
    const std::uint64_t below = (std::uint64_t{1} << (b & 63)) - 1;
    int r = 0;
    for (int i = 0; i < 4; ++i)
      r += popcount64(w_[i] & (i < w ? ~std::uint64_t{0} : i == w ? below : 0));
    return r;
  }

  /// The `i`-th set byte (0-based, ascending), or -1 when `i >= count()`.
  constexpr int nth(int i) const noexcept {
    for (int w = 0; w < 4; ++w) {
      int c = popcount64(w_[w]);
      if (i < c) {
        std::uint64_t x = w_[w];
        for (; i > 0; --i)
          x &= x - 1;
        return w * 64 + std::countr_zero(x);
      }
      i -= c;
    }
    return -1;
  }

  /// The smallest set byte `>= b`, or -1.
  constexpr int next_at_or_after(int b) const noexcept {
    if (b > 255)
      return -1;
    int w = b >> 6;
    std::uint64_t x = w_[w] & (~std::uint64_t{0} << (b & 63));
    for (;;) {
      if (x != 0)
        return w * 64 + std::countr_zero(x);
      if (++w == 4)
        return -1;
      x = w_[w];
    }
  }

  /// The largest set byte `<= b`, or -1.
  constexpr int prev_at_or_before(int b) const noexcept {
    if (b < 0)
      return -1;
    int w = b >> 6;
    int s = b & 63;
    std::uint64_t x = s == 63 ? w_[w] : (w_[w] & ((std::uint64_t{1} << (s + 1)) - 1));
    for (;;) {
      if (x != 0)
        return w * 64 + 63 - std::countl_zero(x);
      if (--w < 0)
        return -1;
      x = w_[w];
    }
  }

  /// Smallest set byte, or -1 when empty.
  constexpr int first() const noexcept { return next_at_or_after(0); }
  /// Largest set byte, or -1 when empty.
  constexpr int last() const noexcept { return prev_at_or_before(255); }

  const std::array<std::uint64_t, 4>& words() const noexcept { return w_; }

  // -- modifiers ------------------------------------------------------------

  constexpr void set(std::uint8_t b) noexcept { w_[b >> 6] |= std::uint64_t{1} << (b & 63); }
  constexpr void reset(std::uint8_t b) noexcept { w_[b >> 6] &= ~(std::uint64_t{1} << (b & 63)); }
  constexpr void clear() noexcept { w_ = {}; }

  // -- set algebra ----------------------------------------------------------

  friend constexpr byte_mask operator|(byte_mask a, byte_mask b) noexcept {
    return byte_mask{{a.w_[0] | b.w_[0], a.w_[1] | b.w_[1], a.w_[2] | b.w_[2], a.w_[3] | b.w_[3]}};
  }
  friend constexpr byte_mask operator&(byte_mask a, byte_mask b) noexcept {
    return byte_mask{{a.w_[0] & b.w_[0], a.w_[1] & b.w_[1], a.w_[2] & b.w_[2], a.w_[3] & b.w_[3]}};
  }
  friend constexpr byte_mask operator^(byte_mask a, byte_mask b) noexcept {
    return byte_mask{{a.w_[0] ^ b.w_[0], a.w_[1] ^ b.w_[1], a.w_[2] ^ b.w_[2], a.w_[3] ^ b.w_[3]}};
  }
  /// Bytes of `a` not in `b`.
  constexpr byte_mask and_not(byte_mask b) const noexcept {
    return byte_mask{{w_[0] & ~b.w_[0], w_[1] & ~b.w_[1], w_[2] & ~b.w_[2], w_[3] & ~b.w_[3]}};
  }
  friend constexpr bool operator==(const byte_mask&, const byte_mask&) noexcept = default;

private:
  std::array<std::uint64_t, 4> w_{};
};

} // namespace pathmap
