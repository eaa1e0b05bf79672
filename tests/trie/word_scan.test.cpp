// word_scan.hpp: the word-at-a-time scans of lookups, checked against byte loops. Paths are
// placed at the very end of their allocation, so that ASan reports any read past them.

#include <doctest/doctest.h>

#include <cstdint>
#include <memory>
#include <random>
#include <vector>

#include "pathmap/detail/word_scan.hpp"

using pathmap::path_view;
using namespace pathmap::detail;

TEST_SUITE_BEGIN("word_scan");

TEST_CASE("path_words::continues_with agrees with a byte loop and never reads outside the path") {
  std::mt19937_64 rng(20261127);
  for (std::size_t n = 0; n <= 40; ++n) {
    for (int round = 0; round < 60; ++round) {
      // The path alone in an allocation of exactly its size (a heap overflow under ASan).
      std::unique_ptr<std::uint8_t[]> path(new std::uint8_t[n == 0 ? 1 : n]);
      for (std::size_t i = 0; i < n; ++i)
        path[i] = static_cast<std::uint8_t>("ab\0\xff"[rng() % 4]);
      const path_words words(path_view{path.get(), n});
      CHECK(words.size() == n);
      for (std::size_t pos = 0; pos <= n; ++pos) {
        for (std::size_t len = 0; len <= 24; ++len) {
          // A tail equal to the path from `pos` where it can be, with one byte changed in half
          // of the rounds; tails keep 8 readable bytes after them, as nodes do.
          std::vector<std::uint8_t> tail(len + 8, 0x5a);
          for (std::size_t j = 0; j < len; ++j)
            tail[j] = pos + j < n ? path[pos + j] : static_cast<std::uint8_t>(rng());
          if (len != 0 && round % 2 == 1)
            tail[rng() % len] ^= static_cast<std::uint8_t>(1u << (rng() % 8));
          bool expect = len <= n - pos;
          for (std::size_t j = 0; expect && j < len; ++j)
            expect = tail[j] == path[pos + j];
          INFO("n=" << n << " pos=" << pos << " len=" << len);
          CHECK(words.continues_with(pos, tail.data(), len) == expect);
        }
      }
    }
  }
}

TEST_CASE("prefix_sum agrees with a byte loop below and above a total of 256") {
  std::mt19937_64 rng(7);
  for (int round = 0; round < 2000; ++round) {
    const std::size_t n = rng() % 33, big = round % 2;
    // What nodes keep readable: 8 bytes after the array and 16 from its start.
    std::vector<std::uint8_t> bytes(n + 8 < 16 ? 16 : n + 8, 0xee);
    std::size_t total = 0;
    for (std::size_t i = 0; i < n; ++i) {
      bytes[i] = static_cast<std::uint8_t>(big ? rng() % 256 : rng() % (256 / (n + 1) + 1));
      total += bytes[i];
    }
    std::size_t sum = 0;
    for (std::size_t i = 0; i <= n; ++i) {
      INFO("n=" << n << " i=" << i << " total=" << total);
      CHECK(prefix_sum(bytes.data(), i, total) == sum);
      if (i < n)
        sum += bytes[i];
    }
  }
}

TEST_SUITE_END();
