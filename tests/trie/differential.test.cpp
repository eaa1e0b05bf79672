// The differential test: the random episodes of differential_episode.hpp (operations on a
// path_map and on the std::map/std::set model, compared after every operation and batch), over
// three kinds of keys. tests/trie/fuzz_ops.cpp runs the same episodes from libFuzzer inputs.
#include "differential_episode.hpp"

#include <doctest/doctest.h>

using namespace pathmap_test;
using namespace pathmap_test::differential;

TEST_SUITE_BEGIN("differential");

TEST_CASE(PATHMAP_DIFFERENTIAL_CASE(
  "random operations over a small alphabet agree with the std::map/std::set model")) {
  std::size_t ops = run_episodes("small alphabet", key_mode::small_alphabet, 1000 + seed_offset,
                                 scaled(400 / episode_share, 5), 2000);
  MESSAGE("small alphabet: " << ops << " operations");
}

TEST_CASE(PATHMAP_DIFFERENTIAL_CASE("random operations on long random keys agree with the model")) {
  std::size_t ops = run_episodes("long keys", key_mode::long_random, 500000 + seed_offset,
                                 scaled(100 / episode_share, 3), 2000);
  MESSAGE("long keys: " << ops << " operations");
}

TEST_CASE(PATHMAP_DIFFERENTIAL_CASE("random operations on dense be64 keys agree with the model")) {
  std::size_t ops = run_episodes("dense be64", key_mode::dense_be64, 900000 + seed_offset,
                                 scaled(100 / episode_share, 3), 2000);
  MESSAGE("dense be64: " << ops << " operations");
}

TEST_SUITE_END();
