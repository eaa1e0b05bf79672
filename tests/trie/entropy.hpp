#pragma once
/// @file
/// `entropy`: where the random episodes of model.hpp take their choices from. A seeded
/// std::mt19937_64 in the doctest suites; the bytes of an input in the libFuzzer target
/// (tests/trie/fuzz_ops.cpp), so that the fuzzer's coverage feedback steers the operations
/// instead of only picking a seed (a changed seed changes every later choice; a changed input
/// byte changes one).

#include <cstddef>
#include <cstdint>
#include <random>

namespace pathmap_test {

class entropy {
public:
  using result_type = std::uint64_t;

  explicit entropy(std::uint64_t seed) : rng_(seed) {}
  /// Draws from `size` bytes at `data`, which must outlive this object.
  entropy(const std::uint8_t* data, std::size_t size) : data_(data), left_(size), bytes_(true) {}

  static constexpr result_type min() noexcept { return 0; }
  static constexpr result_type max() noexcept { return ~result_type{0}; }

  /// From bytes, a draw takes two of them: the episodes use draws modulo small counts (at most
  /// a few thousand), and a fixed two bytes per choice keeps a mutation local to one choice.
  /// The high bits are spread from the low ones so that a draw used whole (a random 64-bit
  /// key) still varies in every byte.
  result_type operator()() {
    if (!bytes_)
      return rng_();
    if (left_ < 2) {
      // The input is used up: the operation under way finishes on zeros, and the episode
      // stops before the next one (`used_up`).
      left_ = 0;
      used_up_ = true;
      return 0;
    }
    result_type v = data_[0] | result_type{data_[1]} << 8;
    data_ += 2;
    left_ -= 2;
    return v | (v * 0x9E3779B97F4A7C15ull) << 16;
  }

  /// A draw in [0, n) (0 when n is 0).
  std::size_t below(std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>((*this)() % n); }

  /// True once a draw found the input used up (never for a seeded generator).
  bool used_up() const noexcept { return used_up_; }

private:
  std::mt19937_64 rng_;
  const std::uint8_t* data_ = nullptr;
  std::size_t left_ = 0;
  bool bytes_ = false;
  bool used_up_ = false;
};

} // namespace pathmap_test
