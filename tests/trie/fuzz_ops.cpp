// libFuzzer target for the map's operations (built and run by scripts/fuzz).
//
// It runs the random episodes of the doctest suites (differential_episode.hpp,
// compact_episode.hpp) with their choices read from the input instead of a seeded generator
// (entropy.hpp), so that coverage feedback steers them towards the node layouts and the
// operation sequences the seeded runs reach rarely: every operation of the map, its zippers,
// copies and `compact()`, checked against the std::map/std::set model after each operation and
// in whole after every batch and at the end; and the algebra checks of the property tests
// (algebra_model.hpp) on two maps built from the input, each compacted or not. The first byte
// picks the episode and its keys; every later choice takes two bytes, and the episode ends
// when the input is used up.
// A divergence prints the operations that led to it and aborts, so that libFuzzer keeps the
// input; sanitizers catch the rest.
#include "algebra_model.hpp"
#include "compact_episode.hpp"
#include "differential_episode.hpp"

#include <cstdio>
#include <cstdlib>
#include <iterator>
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

/// Whole-map and focus algebra on two random maps of one key shape, each compacted or not.
template <class V>
void run_algebra(const std::uint8_t* data, std::size_t size) {
  namespace am = pathmap_test::algebra_model;
  pathmap_test::entropy rng(data, size);
  const am::profile& pr = am::profiles[rng.below(std::size(am::profiles))];
  auto [a, ma] = am::random_map<V>(rng, pr);
  auto [b, mb] = am::random_map<V>(rng, pr);
  const bool pack_a = rng.below(2) != 0, pack_b = rng.below(2) != 0;
  if (pack_a)
    a.compact();
  if (pack_b)
    b.compact();
  const std::string p = am::random_focus(rng, ma, pr), q = am::random_focus(rng, mb, pr);
  std::string d;
  if (!(am::model_of(a) == ma) || !(am::model_of(b) == mb))
    d = "an operand differs from its model";
  if (d.empty())
    d = am::whole_map_differences(a, ma, b, mb);
  if (d.empty())
    d = am::focus_differences(a, ma, b, mb, p, q);
  if (d.empty())
    return;
  std::fprintf(stderr,
               "fuzz_ops: algebra on \"%s\" keys (%zu and %zu values, compacted: %d %d, foci %s "
               "and %s): %s\n",
               pr.name, ma.vals.size(), mb.vals.size(), pack_a, pack_b,
               pathmap_test::show(p).c_str(), pathmap_test::show(q).c_str(), d.c_str());
  std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0)
    return 0;
  namespace d = pathmap_test::differential;
  namespace c = pathmap_test::compaction;
  const std::uint8_t* rest = data + 1;
  const std::size_t n = size - 1;
  switch (data[0] % 8) {
    case 0:
      run<d::episode>(rest, n, d::key_mode::small_alphabet);
      break;
    case 1:
      run<d::episode>(rest, n, d::key_mode::long_random);
      break;
    case 2:
      run<d::episode>(rest, n, d::key_mode::dense_be64);
      break;
    case 3:
      run<c::episode>(rest, n, c::key_mix::words);
      break;
    case 4:
      run<c::episode>(rest, n, c::key_mix::mixed);
      break;
    case 5:
      run<c::episode>(rest, n, c::key_mix::dense);
      break;
    case 6:
      run_algebra<int>(rest, n);
      break;
    default:
      run_algebra<pathmap_test::boxed>(rest, n);
      break;
  }
  return 0;
}
