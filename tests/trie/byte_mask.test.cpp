// byte_mask: the set queries dense nodes and zippers find children with, checked against a
// plain array of 256 flags for random sets of every density.

#include <doctest/doctest.h>

#include <array>
#include <random>

#include "pathmap/byte_mask.hpp"

using pathmap::byte_mask;

TEST_SUITE_BEGIN("byte_mask");

TEST_CASE("rank, nth, count and the neighbour searches agree with a flag array") {
  std::mt19937_64 rng(20261126);
  for (int round = 0; round < 400; ++round) {
    // Densities from empty to full, and sets confined to one 64-byte word.
    const unsigned percent = static_cast<unsigned>(round % 101);
    byte_mask m;
    std::array<bool, 256> model{};
    for (int b = 0; b < 256; ++b) {
      bool in = rng() % 100 < percent && (round % 7 != 0 || b / 64 == round % 4);
      model[static_cast<std::size_t>(b)] = in;
      if (in)
        m.set(static_cast<std::uint8_t>(b));
    }
    int below = 0;
    for (int b = 0; b < 256; ++b) {
      const auto byte = static_cast<std::uint8_t>(b);
      CHECK(m.test(byte) == model[static_cast<std::size_t>(b)]);
      CHECK(m.rank(byte) == below);
      if (model[static_cast<std::size_t>(b)]) {
        CHECK(m.nth(below) == b);
        ++below;
      }
      int next = -1;
      for (int c = b; c < 256 && next < 0; ++c)
        if (model[static_cast<std::size_t>(c)])
          next = c;
      CHECK(m.next_at_or_after(b) == next);
      int prev = -1;
      for (int c = b; c >= 0 && prev < 0; --c)
        if (model[static_cast<std::size_t>(c)])
          prev = c;
      CHECK(m.prev_at_or_before(b) == prev);
    }
    CHECK(m.count() == below);
    CHECK(m.nth(below) == -1);
    CHECK(m.empty() == (below == 0));
  }
}

TEST_CASE("rank at the word boundaries of a full and of an empty set") {
  const byte_mask full = byte_mask::full();
  const byte_mask none;
  for (int b : {0, 1, 63, 64, 65, 127, 128, 191, 192, 255}) {
    CHECK(full.rank(static_cast<std::uint8_t>(b)) == b);
    CHECK(none.rank(static_cast<std::uint8_t>(b)) == 0);
  }
}

TEST_SUITE_END();
