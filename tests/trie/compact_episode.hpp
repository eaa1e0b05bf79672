#pragma once
/// @file
/// The random episodes of the compaction tests (compact.test.cpp; fuzz_ops.cpp runs them from
/// libFuzzer inputs): operations on a map and an older copy of it, interleaved with
/// `compact()` of the map, of the copy and of maps taken, made or grafted from them, and with
/// round trips through the map format, ACT trees and `merkleize()`, each checked against the
/// model of model.hpp (with point lookups of every value). Failures carry
/// the operation log.
#include "pathmap/path_map.hpp"

#include "entropy.hpp"
#include "model.hpp"
#include "test_support.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

// Unnamed inside: each file that includes this gets its own copy.
namespace pathmap_test::compaction {
namespace {

using pathmap::path_map;
using u64 = std::uint64_t;
using map_t = path_map<u64>;
using model = map_model<u64>;

// -- keys -----------------------------------------------------------------------------------------

/// Word-like keys: one to five syllables, so that many keys share prefixes and the trie is made
/// of many small nodes (what compact() packs).
inline const std::vector<std::string>& syllables() {
  static const std::vector<std::string> s{"a",  "an",  "ab", "ba", "bra", "ca",   "da",   "de",
                                          "er", "ing", "s",  "'s", "ed",  "re",   "un",   "tion",
                                          "ly", "o",   "x",  "qu", "st",  "ness", "ment", "e"};
  return s;
}

template <class Rng>
std::string random_word(Rng& rng) {
  const auto& syl = syllables();
  std::size_t n = 1 + rng() % 5;
  std::string w;
  for (std::size_t i = 0; i < n; ++i)
    w += syl[rng() % syl.size()];
  return w;
}

/// A key of `len` bytes that shares a long prefix with others of its group (tails of more than
/// 64 bytes stay unpacked; the packable parts around them are packed).
template <class Rng>
std::string long_key(Rng& rng, std::size_t len) {
  static const std::string stem
    = "long/shared/stem/of/a/key/that/does/not/branch/for/a/while/and/then/does/";
  std::string k = "L" + std::to_string(rng() % 3) + stem;
  while (k.size() < len)
    k.push_back(static_cast<char>("abcxyz/"[rng() % 7]));
  k.resize(len);
  return k;
}

enum class key_mix { words, mixed, dense };

class episode : model_episode<u64> {
public:
  episode(entropy rng, key_mix mix, std::vector<std::string>* log)
    : model_episode(rng, log, /*point_lookups=*/true), mix_(mix) {}

  std::size_t compactions() const { return compactions_; }

  void run(std::size_t ops) {
    try {
      for (op_ = 0; op_ < ops && !rng_.used_up(); ++op_) {
        step();
        if (op_ % 40 == 39) {
          if (chance(60))
            compact_main();
          check_all("batch check");
        }
      }
      compact_main();
      check_all("final check after compact");
    } catch (const episode_failed&) {
      throw;
    } catch (const std::exception& e) {
      fail(std::string("exception: ") + e.what());
    }
  }

private:
  std::string fresh_path() {
    std::size_t r = below(100);
    if (mix_ == key_mix::words || r < 55) {
      std::string w = random_word(rng_);
      if (chance(15))
        w += "/" + random_word(rng_);
      return w;
    }
    if (mix_ == key_mix::dense) {
      // 2 random bytes under a few stems: nodes with more than 32 children, which stay unpacked,
      // with small packable subtries below them
      std::string k = std::string("D") + static_cast<char>('0' + below(3));
      k.push_back(static_cast<char>(below(256)));
      if (chance(70))
        k.push_back(static_cast<char>(below(256)));
      if (chance(50))
        k += random_word(rng_);
      return k;
    }
    if (r < 65) { // binary bytes
      static const unsigned char alphabet[] = {0, 1, 2, 'a', 'b', 0x7f, 0x80, 0xfe, 0xff};
      std::string k;
      std::size_t len = 1 + below(6);
      for (std::size_t i = 0; i < len; ++i)
        k.push_back(static_cast<char>(alphabet[below(sizeof alphabet)]));
      return k;
    }
    if (r < 80) // longer than a packed tail (63 bytes) and longer than the 64-byte mark
      return long_key(rng_, 60 + below(60));
    if (r < 88) // longer than 256
      return long_key(rng_, 250 + below(150));
    if (r < 93)
      return {};
    return random_word(rng_) + std::string(1 + below(3), '\0');
  }

  std::string random_path(const model& md) override {
    return path_near(
      md, [&] { return fresh_path(); },
      [&](std::string& p) {
        std::size_t extra = 1 + below(3);
        for (std::size_t i = 0; i < extra; ++i)
          p += syllables()[below(syllables().size())];
      });
  }

  void check_all(const char* what) {
    expect_same(map_, model_, what);
    expect_same(copy_, copy_model_, "the older copy");
  }

  void compact_main() {
    note("compact the map");
    map_.compact();
    ++compactions_;
    if (chance(30)) {
      note("compact it again");
      map_.compact();
    }
  }

  void trim() {
    while (model_.vals.size() > 500 || model_.exists.size() > 2500)
      trim_at(map_, model_, random_path(model_));
  }

  void step() {
    trim();
    std::size_t r = below(100);
    if (r < 30)
      op_set();
    else if (r < 42)
      op_remove();
    else if (r < 46)
      op_create_path();
    else if (r < 50)
      op_prune_path();
    else if (r < 54)
      op_remove_branches();
    else if (r < 58)
      op_graft_from_self();
    else if (r < 61)
      op_graft_copy();
    else if (r < 68)
      op_take_map();
    else if (r < 76)
      op_get();
    else if (r < 80)
      op_copy();
    else if (r < 84)
      op_write_copy();
    else if (r < 89)
      op_get_mut();
    else if (r < 93)
      compact_main();
    else if (r < 96) {
      note("compact the older copy");
      copy_.compact();
    } else if (r < 98)
      op_make_map();
    else
      check_round_trips(map_, model_);
  }

  void op_set() { set_at(map_, model_, random_path(model_)); }

  void op_remove() {
    std::string p = random_path(model_);
    if (chance(50) && !model_.vals.empty()) { // mostly hit existing values
      auto it = model_.vals.lower_bound(p);
      if (it != model_.vals.end())
        p = it->first;
    }
    remove_val_at(map_, model_, p);
  }

  void op_graft_from_self() {
    std::string src = random_path(model_);
    std::string dst = random_path(model_);
    note("graft at ", show(dst), " from a snapshot at ", show(src));
    bool check_snapshot = chance(25);
    std::optional<model> before;
    if (check_snapshot)
      before = model_;
    model sub = model_.subtrie(src);
    map_t snapshot = map_;
    {
      auto rz = snapshot.read_zipper_at_path(src);
      auto wz = map_.write_zipper_at_path(dst);
      wz.graft(rz);
    }
    model_.graft_map(dst, sub);
    if (chance(30)) {
      note("  compact the snapshot");
      snapshot.compact();
    }
    if (before)
      expect_same(snapshot, *before, "snapshot after a graft into the map");
  }

  void op_graft_copy() {
    std::string dst = random_path(model_);
    note("graft_map the older copy at ", show(dst));
    {
      auto wz = map_.write_zipper_at_path(dst);
      wz.graft_map(copy_);
    }
    model_.graft_map(dst, copy_model_);
  }

  void op_take_map() {
    std::string root = chance(50) ? std::string{} : random_path(model_).substr(0, 2);
    std::string abs = random_path(model_);
    if (!starts_with(abs, root))
      abs = root + abs;
    bool prune = chance(50) && !model_.is_dangling_tip(abs);
    note("take_map at ", show(root), "+", show(abs.substr(root.size())), " prune=", prune);
    std::optional<map_t> taken;
    {
      auto wz = map_.write_zipper_at_path(root);
      wz.descend_to(abs.substr(root.size()));
      taken = wz.take_map(prune);
    }
    auto want = model_.take_map(abs, prune);
    expect_eq(taken.has_value(), want.has_value(), "take_map returned a map");
    if (taken && want) {
      if (chance(50)) {
        note("  compact the taken map");
        taken->compact();
      }
      expect_same(*taken, *want, "taken map");
      if (chance(60))
        graft_taken_map(map_, model_, random_path(model_), std::move(*taken), *want);
    }
  }

  void op_get() {
    std::string p = random_path(model_);
    check_get(map_, model_, p);
    expect_eq(map_.path_exists_at(p), model_.path_exists(p), "path_exists_at");
    auto z = map_.read_zipper_at_path(p);
    expect_eq(z.path_exists(), model_.path_exists(p), "read zipper path_exists");
    expect_eq(z.child_count(), model_.child_count(p), "read zipper child_count");
  }

  void op_copy() {
    note("copy the map into the older copy");
    copy_ = map_;
    copy_model_ = model_;
    if (chance(50)) {
      note("  and compact the copy");
      copy_.compact();
    }
  }

  void op_write_copy() {
    std::string p = random_path(copy_model_);
    if (chance(50)) {
      u64 v = next_value();
      note("set in the older copy ", show(p), " = ", v);
      expect_opt(copy_.set_val_at(p, v), copy_model_.set(p, v), "copy set_val_at returned");
    } else {
      bool prune = chance(50);
      note("remove in the older copy ", show(p), " prune=", prune);
      expect_opt(copy_.remove_val_at(p, prune), copy_model_.remove_val(p, prune),
                 "copy remove_val_at returned");
    }
  }

  void op_get_mut() {
    if (model_.vals.empty())
      return;
    auto it = model_.vals.lower_bound(random_path(model_));
    if (it == model_.vals.end())
      it = model_.vals.begin();
    note("get_val_mut_at ", show(it->first), " += 3");
    u64* p = map_.get_val_mut_at(it->first);
    if (p == nullptr)
      fail("get_val_mut_at returned null over a value at " + show(it->first));
    *p += 3;
    it->second += 3;
  }

  void op_make_map() {
    std::string p = random_path(model_);
    note("make_map at ", show(p));
    map_t made = map_.read_zipper_at_path(p).make_map();
    model want = model_.subtrie(p);
    expect_same(made, want, "made map");
    made.compact();
    expect_same(made, want, "made map, compacted");
    made.set_val_at("zz", 1);
    made.remove_val_at({}, false);
  }

  key_mix mix_;
  std::size_t compactions_ = 0;
  map_t copy_;
  model copy_model_;
};

inline std::size_t run_episodes(const char* name, key_mix mix, std::uint64_t base_seed,
                                std::size_t episodes, std::size_t ops) {
  return pathmap_test::run_episodes<episode>(name, mix, base_seed, episodes, ops, 3, false);
}

} // namespace
} // namespace pathmap_test::compaction
