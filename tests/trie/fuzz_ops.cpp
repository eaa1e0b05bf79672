// libFuzzer target for the map's operations (built and run by scripts/fuzz).
//
// It runs the random episodes of the doctest suites (differential_episode.hpp,
// compact_episode.hpp) with their choices read from the input instead of a seeded generator
// (entropy.hpp), so that coverage feedback steers them towards the node layouts and the
// operation sequences the seeded runs reach rarely: every operation of the map, its zippers,
// copies and `compact()`, checked against the std::map/std::set model after each operation and
// in whole after every batch and at the end. The first byte picks the episode and its keys;
// every later choice takes two bytes, and the episode ends when the input is used up.
// A divergence prints the operations that led to it and aborts, so that libFuzzer keeps the
// input; sanitizers catch the rest.
#include "compact_episode.hpp"
#include "differential_episode.hpp"

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

/// Enough for any input of the -max_len that scripts/fuzz passes (two bytes per choice).
constexpr std::size_t max_ops = 4096;

template <class Episode, class Mode>
void run(const std::uint8_t* data, std::size_t size, Mode mode) {
  using pathmap_test::entropy;
  try {
    Episode ep(entropy(data, size), mode, nullptr);
    ep.run(max_ops);
  } catch (const pathmap_test::episode_failed& f) {
    // Replay with the operation log for the report.
    std::vector<std::string> log;
    try {
      Episode replay(entropy(data, size), mode, &log);
      replay.run(f.op + 1);
    } catch (const pathmap_test::episode_failed&) {
    }
    std::fprintf(stderr, "fuzz_ops: diverged from the model at operation #%zu: %s\n", f.op,
                 f.what.c_str());
    for (const std::string& line : log)
      std::fprintf(stderr, "  %s\n", line.c_str());
    std::abort();
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0)
    return 0;
  namespace d = pathmap_test::differential;
  namespace c = pathmap_test::compaction;
  const std::uint8_t* rest = data + 1;
  const std::size_t n = size - 1;
  switch (data[0] % 6) {
    case 0: run<d::episode>(rest, n, d::key_mode::small_alphabet); break;
    case 1: run<d::episode>(rest, n, d::key_mode::long_random); break;
    case 2: run<d::episode>(rest, n, d::key_mode::dense_be64); break;
    case 3: run<c::episode>(rest, n, c::key_mix::words); break;
    case 4: run<c::episode>(rest, n, c::key_mix::mixed); break;
    default: run<c::episode>(rest, n, c::key_mix::dense); break;
  }
  return 0;
}
