// The trie core: path_map<uint64_t> beside std::map<std::string, uint64_t> on the anchor
// workloads (see harness.hpp for what each phase measures).
//
//   dense_1M     1,000,000 keys, key i = i as 8 big-endian bytes, value i:
//                insert, shuffled lookup, ordered iteration, bytes per key
//   random16_1M  1,000,000 random 16-byte keys (seeded splitmix64): insert, shuffled lookup
//   words        /usr/share/dict/words (skipped when missing): insert, shuffled lookup,
//                bytes per key
//   copy         copy of the 1M dense map (path_map: O(1)), and path_map's copy followed by one
//                write (copy-on-write of one path)
//
// path_map_compact is path_map followed by `compact()` (timed as part of the insert phase).
//
// Run: build/bench/bench/path_map [--reps=N] [Google Benchmark flags]. Reported times are
// ns_per_key (or ns_per_copy); bytes_per_key comes from the allocator's statistics.

#include "adapters.hpp"

namespace pb = pathmap::bench;

namespace {

template <class S>
void register_all() {
  unsigned copy = pb::ph_copy | pb::ph_copy_write;
  pb::register_structure<S>("path_map", "dense_1M",
                            pb::ph_insert | pb::ph_lookup_shuffled | pb::ph_iterate | copy);
  pb::register_structure<S>("path_map", "random16_1M", pb::ph_insert | pb::ph_lookup_shuffled);
  pb::register_structure<S>("path_map", "words", pb::ph_insert | pb::ph_lookup_shuffled);
}

} // namespace

int main(int argc, char** argv) {
  return pb::run_suite(argc, argv, [] {
    // Interleaved by workload would rebuild more often; by structure keeps one map alive.
    register_all<pb::path_map_adapter>();
    register_all<pb::path_map_compact_adapter>();
    register_all<pb::std_map_adapter>();
  });
}
