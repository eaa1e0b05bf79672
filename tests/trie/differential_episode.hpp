#pragma once
/// @file
/// The episodes of the differential test (differential.test.cpp; fuzz_ops.cpp runs them from
/// libFuzzer inputs): random operation sequences on path_map and on a model (model.hpp,
/// shared with compact_episode.hpp) made of a std::map<std::string, V> (the values) and a
/// std::set<std::string> (every existing path; the set is prefix-closed and always holds the empty
/// path, so a path exists iff it is in the set).
/// Every operation's result is checked against the model right away; the full contents, the
/// iteration order and the whole path structure are compared after every batch.
///
/// The model follows PATHMAP-SPEC §1.4 and §2.4:
///   * a value or create_path makes every prefix exist;
///   * prune deletes a dangling tip upward to the nearest ancestor with a value or two children,
///     never above the map root -- for write zippers made at a path too (W-55);
///   * remove_val_at / remove_val without a value do nothing, even with prune;
///   * graft / graft_map replace the focus value and everything below; they create the focus only
///     when the source has something below its root, and never prune;
///   * take_map removes the focus value and branches, then prunes when asked.
/// Cases the spec leaves open are not generated: remove_branches / take_map with prune on a focus
/// that is already a dangling tip, ascend_until and sibling steps from a missing focus,
/// write zippers made at missing paths, and prune_path counts of zippers made below the map root.
///
/// Failures print the seed and the operations of the failing episode (PATHMAP_TEST_SCALE scales
/// the number of episodes; sanitizer builds default to 0.1).
///
/// The values are std::uint64_t. differential_boxed.test.cpp includes differential.test.cpp with
/// PATHMAP_DIFFERENTIAL_BOXED defined to run the same episodes (other seeds, fewer of them) over
/// `boxed` values, which own heap memory: a value moved from and still read, copied wrongly,
/// leaked or destroyed twice fails there while integers would hide it.
#include "pathmap/path_map.hpp"

#include "entropy.hpp"
#include "model.hpp"
#include "test_support.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

// Unnamed inside: differential_boxed.test.cpp builds these with another value type, and
// each file that includes this gets its own copy.
namespace pathmap_test::differential {
namespace {

using pathmap::byte_mask;
using pathmap::path_map;
using pathmap::path_view;

#if defined(PATHMAP_DIFFERENTIAL_BOXED)
using V = boxed;
#  define PATHMAP_DIFFERENTIAL_CASE(name) name " (boxed values)"
constexpr std::uint64_t seed_offset = 7'000'000;
constexpr std::size_t episode_share = 4; // a quarter of the episodes: boxed values are slower
#else
using V = std::uint64_t;
#  define PATHMAP_DIFFERENTIAL_CASE(name) name
constexpr std::uint64_t seed_offset = 0;
constexpr std::size_t episode_share = 1;
#endif
using map_t = path_map<V>;
using model = map_model<V>;

// -- episodes -------------------------------------------------------------------------------------

enum class key_mode { small_alphabet, long_random, dense_be64 };

class episode : model_episode<V> {
public:
  episode(entropy rng, key_mode mode, std::vector<std::string>* log)
    : model_episode(rng, log, /*point_lookups=*/false), mode_(mode) {
    pool_.resize(3);
    pool_models_.resize(3);
  }

  /// Runs `ops` operations; throws episode_failed on the first divergence.
  void run(std::size_t ops) {
    try {
      for (op_ = 0; op_ < ops && !rng_.used_up(); ++op_) {
        step();
        if (op_ % 32 == 31)
          check_all("batch check");
      }
      check_all("final check");
    } catch (const std::exception& e) {
      // From the map or the values (e.g. `boxed` read after a move): reported with the seed.
      fail(std::string("exception: ") + e.what());
    }
  }

private:
  // -- randomness ---------------------------------------------------------------------------------

  char random_byte() {
    switch (mode_) {
      case key_mode::small_alphabet: {
        static const unsigned char alphabet[] = {0, 1, 2, 'a', 'b', 0xff};
        return static_cast<char>(alphabet[below(6)]);
      }
      case key_mode::long_random:
        return chance(70) ? static_cast<char>("abcdxyz"[below(7)]) : static_cast<char>(below(256));
      case key_mode::dense_be64:
        return static_cast<char>(below(256));
    }
    return 0;
  }

  std::string random_fresh_path() {
    switch (mode_) {
      case key_mode::small_alphabet: {
        std::size_t len = std::min<std::size_t>(below(7) + below(7), 12);
        std::string s;
        for (std::size_t i = 0; i < len; ++i)
          s.push_back(random_byte());
        return s;
      }
      case key_mode::long_random: {
        std::size_t len = below(4) == 0 ? below(8) : below(80);
        std::string s;
        for (std::size_t i = 0; i < len; ++i)
          s.push_back(random_byte());
        return s;
      }
      case key_mode::dense_be64: {
        std::uint64_t k = below(3) == 0 ? rng_() : below(20000) * (chance(50) ? 1 : 257);
        std::string s = be64(k);
        if (chance(10))
          s.resize(below(9));
        return s;
      }
    }
    return {};
  }

  /// A path near the existing structure of `md`, or a fresh one.
  std::string random_path(const model& md) override {
    return path_near(
      md, [&] { return random_fresh_path(); },
      [&](std::string& p) {
        std::size_t extra = 1 + below(mode_ == key_mode::long_random ? 12 : 3);
        for (std::size_t i = 0; i < extra; ++i)
          p.push_back(random_byte());
      });
  }

  /// An existing path of `md` (possibly the root).
  std::string random_existing_path(const model& md) {
    if (chance(15))
      return {};
    auto it = md.exists.lower_bound(random_fresh_path());
    if (it == md.exists.end())
      it = md.exists.begin();
    return *it;
  }

  // -- reporting ----------------------------------------------------------------------------------

  void check_all(const char* what) {
    expect_same(map_, model_, what);
    for (std::size_t i = 0; i < pool_.size(); ++i)
      expect_same(pool_[i], pool_models_[i], "pool map");
  }

  // -- operations ---------------------------------------------------------------------------------

  /// Grafts can double a map; trims the map and the pool back when they grow too large.
  void trim(map_t& m, model& md) {
    while (md.exists.size() > max_positions)
      trim_at(m, md, random_existing_path(md));
  }

  void step() {
    trim(map_, model_);
    for (std::size_t i = 0; i < pool_.size(); ++i)
      trim(pool_[i], pool_models_[i]);
    std::size_t r = below(100);
    if (r < 20)
      op_set(map_, model_);
    else if (r < 28)
      op_get();
    else if (r < 36)
      op_remove(map_, model_);
    else if (r < 42)
      op_create_path();
    else if (r < 48)
      op_prune_path();
    else if (r < 53)
      op_remove_branches();
    else if (r < 58)
      op_graft_from_other();
    else if (r < 61)
      op_graft_from_self();
    else if (r < 64)
      op_graft_map();
    else if (r < 68)
      op_take_map();
    else if (r < 72)
      op_make_map();
    else if (r < 75)
      op_copy_then_mutate();
    else if (r < 83)
      op_zipper_moves();
    else if (r < 86)
      op_zipper_values_in_region();
    else if (r < 88)
      op_k_paths();
    else if (r < 96)
      op_write_zipper();
    else if (r < 99)
      op_mutate_pool();
    else
      check_round_trips(map_, model_);
  }

  void op_set(map_t& m, model& md) { set_at(m, md, random_path(md)); }

  void op_get() {
    std::string p = random_path(model_);
    check_get(map_, model_, p);
    expect_eq(map_.contains(p), model_.get(p) != nullptr, "contains");
    expect_eq(map_.path_exists_at(p), model_.path_exists(p), "path_exists_at");
  }

  void op_remove(map_t& m, model& md) { remove_val_at(m, md, random_path(md)); }

  /// A write zipper at an existing root, moved to a random relative focus.
  struct wz_target {
    std::string root;
    std::string rel;
    std::string abs() const { return root + rel; }
  };

  wz_target random_write_target() {
    wz_target t;
    t.root = random_existing_path(model_);
    std::string abs = random_path(model_);
    if (starts_with(abs, t.root))
      t.rel = abs.substr(t.root.size());
    else if (chance(50))
      t.rel = random_fresh_path().substr(0, 3);
    return t;
  }

  void op_graft_from_other() {
    std::size_t k = below(pool_.size());
    std::string src = random_path(pool_models_[k]);
    wz_target t = random_write_target();
    note("graft at ", show(t.root), "+", show(t.rel), " from pool[", k, "] at ", show(src));
    {
      auto rz = pool_[k].read_zipper_at_path(src);
      auto wz = map_.write_zipper_at_path(t.root);
      wz.descend_to(t.rel);
      wz.graft(rz);
      expect_eq(str(wz.path()), t.rel, "focus after graft");
    }
    model_.graft_map(t.abs(), pool_models_[k].subtrie(src));
  }

  void op_graft_from_self() {
    std::string src_root = random_path(model_);
    std::string src_rel = chance(50) ? std::string{} : random_fresh_path().substr(0, 2);
    wz_target t = random_write_target();
    note("graft at ", show(t.root), "+", show(t.rel), " from a snapshot of the map at ",
         show(src_root), "+", show(src_rel));
    model before = model_;
    map_t snapshot = map_;
    {
      auto rz = snapshot.read_zipper_at_path(src_root);
      rz.descend_to(src_rel);
      auto wz = map_.write_zipper_at_path(t.root);
      wz.descend_to(t.rel);
      wz.graft(rz);
    }
    model_.graft_map(t.abs(), before.subtrie(src_root + src_rel));
    // the snapshot shares nodes with the map and must still hold the old contents
    expect_same(snapshot, before, "snapshot after a graft into the map");
  }

  void op_graft_map() {
    std::size_t k = below(pool_.size());
    wz_target t = random_write_target();
    note("graft_map at ", show(t.root), "+", show(t.rel), " of pool[", k, "]");
    {
      auto wz = map_.write_zipper_at_path(t.root);
      wz.descend_to(t.rel);
      wz.graft_map(pool_[k]); // a copy: pool[k] keeps its contents
    }
    model_.graft_map(t.abs(), pool_models_[k]);
  }

  void op_take_map() {
    wz_target t = random_write_target();
    bool prune = chance(50) && !model_.prune_is_ambiguous(t.abs());
    note("take_map at ", show(t.root), "+", show(t.rel), " prune=", prune);
    std::optional<map_t> taken;
    {
      auto wz = map_.write_zipper_at_path(t.root);
      wz.descend_to(t.rel);
      taken = wz.take_map(prune);
      expect_eq(str(wz.path()), t.rel, "focus after take_map");
    }
    auto want = model_.take_map(t.abs(), prune);
    expect_eq(taken.has_value(), want.has_value(), "take_map returned a map");
    if (taken && want)
      expect_same(*taken, *want, "taken map");
    // put it somewhere else sometimes, to keep the map populated
    if (taken && chance(50))
      graft_taken_map(map_, model_, random_path(model_), std::move(*taken), *want);
  }

  void op_make_map() {
    std::string root = random_path(model_);
    std::string rel = chance(50) ? std::string{} : random_fresh_path().substr(0, 2);
    note("make_map at ", show(root), "+", show(rel));
    map_t made;
    {
      auto rz = map_.read_zipper_at_path(root);
      rz.descend_to(rel);
      made = rz.make_map();
    }
    model want = model_.subtrie(root + rel);
    expect_same(made, want, "made map");
    // the made map is independent: change it and check the source
    if (chance(50)) {
      op_set(made, want);
      op_remove(made, want);
      expect_same(made, want, "made map after writes");
    }
  }

  void op_copy_then_mutate() {
    std::size_t k = below(pool_.size());
    note("copy the map into pool[", k, "]");
    pool_[k] = map_;
    pool_models_[k] = model_;
    std::size_t n = 1 + below(4);
    for (std::size_t i = 0; i < n; ++i) {
      if (chance(50)) {
        op_set(pool_[k], pool_models_[k]);
        op_remove(map_, model_);
      } else {
        op_set(map_, model_);
        op_remove(pool_[k], pool_models_[k]);
      }
    }
    expect_same(map_, model_, "map after copy-then-mutate");
    expect_same(pool_[k], pool_models_[k], "copy after copy-then-mutate");
  }

  void op_mutate_pool() {
    std::size_t k = below(pool_.size());
    note("mutate pool[", k, "]");
    std::size_t n = 1 + below(6);
    for (std::size_t i = 0; i < n; ++i) {
      if (chance(70))
        op_set(pool_[k], pool_models_[k]);
      else
        op_remove(pool_[k], pool_models_[k]);
    }
  }

  /// Compares the zipper's view of its focus with the model.
  template <class Z>
  void check_focus(const Z& z, const std::string& root, const std::string& rel, bool counts) {
    std::string abs = root + rel;
    expect_eq(show(z.path()), show(rel), "zipper path");
    expect_eq(show(z.origin_path()), show(abs), "zipper origin_path");
    expect_eq(z.path_exists(), model_.path_exists(abs), "zipper path_exists");
    const V* want = model_.get(abs);
    expect_eq(z.is_val(), want != nullptr, "zipper is_val");
    if (want != nullptr && (z.val() == nullptr || *z.val() != *want))
      fail("zipper val differs at " + show(abs));
    byte_mask mask = model_.child_mask(abs);
    if (!(z.child_mask() == mask))
      fail("zipper child_mask differs at " + show(abs));
    expect_eq(z.child_count(), static_cast<std::size_t>(mask.count()), "zipper child_count");
    if (counts)
      expect_eq(z.val_count(), model_.val_count(abs), "zipper val_count");
  }

  void op_zipper_moves() {
    std::string root = random_path(model_);
    note("read zipper at ", show(root));
    auto z = map_.read_zipper_at_path(root);
    std::string rel;
    check_focus(z, root, rel, true);
    std::size_t moves = 5 + below(25);
    for (std::size_t i = 0; i < moves; ++i) {
      std::string abs = root + rel;
      bool exists = model_.path_exists(abs);
      std::size_t r = below(16);
      if (r == 0) {
        std::string k = random_fresh_path().substr(0, 1 + below(4));
        note("  descend_to ", show(k));
        z.descend_to(k);
        rel += k;
      } else if (r == 1) {
        auto b = static_cast<std::uint8_t>(random_byte());
        note("  descend_to_byte ", int(b));
        z.descend_to_byte(b);
        rel.push_back(static_cast<char>(b));
      } else if (r == 2) {
        std::size_t n = below(4);
        note("  ascend ", n);
        bool want = n <= rel.size();
        rel.resize(want ? rel.size() - n : 0);
        expect_eq(z.ascend(n), want, "ascend returned");
      } else if (r == 3) {
        std::string k = random_path(model_);
        if (starts_with(k, abs))
          k = k.substr(abs.size());
        else
          k = random_fresh_path().substr(0, 3);
        note("  descend_to_existing ", show(k));
        std::size_t want = 0;
        if (exists)
          while (want < k.size() && model_.path_exists(abs + k.substr(0, want + 1)))
            ++want;
        expect_eq(z.descend_to_existing(k), want, "descend_to_existing returned");
        rel += k.substr(0, want);
      } else if (r == 4 || r == 5) {
        bool first = r == 4;
        note(first ? "  descend_first_byte" : "  descend_last_byte");
        byte_mask mask = model_.child_mask(abs);
        bool want = !mask.empty();
        bool got = first ? bool(z.descend_first_byte()) : bool(z.descend_last_byte());
        expect_eq(got, want, "descend_first/last_byte returned");
        if (want)
          rel.push_back(static_cast<char>(first ? mask.first() : mask.last()));
      } else if (r == 6 || r == 7) {
        if (!exists)
          continue; // unspecified on a missing focus
        bool next = r == 6;
        note(next ? "  to_next_sibling_byte" : "  to_prev_sibling_byte");
        bool want = false;
        if (!rel.empty()) {
          byte_mask mask = model_.child_mask(abs.substr(0, abs.size() - 1));
          int cur = static_cast<std::uint8_t>(abs.back());
          int sib = next ? (cur == 255 ? -1 : mask.next_at_or_after(cur + 1))
                         : (cur == 0 ? -1 : mask.prev_at_or_before(cur - 1));
          if (sib >= 0) {
            want = true;
            rel.back() = static_cast<char>(sib);
          }
        }
        bool got = next ? z.to_next_sibling_byte() : z.to_prev_sibling_byte();
        expect_eq(got, want, "sibling step returned");
      } else if (r == 8) {
        if (!exists)
          continue; // the spec only covers a missing tail below a valued ancestor
        note("  ascend_until");
        bool want = !rel.empty();
        if (want) {
          rel.pop_back();
          while (!rel.empty()
                 && !(model_.vals.count(root + rel) != 0 || model_.child_count(root + rel) >= 2))
            rel.pop_back();
        }
        expect_eq(z.ascend_until(), want, "ascend_until returned");
      } else if (r == 9) {
        if (!exists)
          continue;
        note("  ascend_until_branch");
        bool want = !rel.empty();
        if (want) {
          rel.pop_back();
          while (!rel.empty() && model_.child_count(root + rel) < 2)
            rel.pop_back();
        }
        expect_eq(z.ascend_until_branch(), want, "ascend_until_branch returned");
      } else if (r == 10) {
        note("  descend_until");
        bool moved = false;
        while (model_.path_exists(root + rel) && model_.child_count(root + rel) == 1) {
          rel.push_back(static_cast<char>(model_.child_mask(root + rel).first()));
          moved = true;
          if (model_.vals.count(root + rel) != 0)
            break;
        }
        expect_eq(z.descend_until(), moved, "descend_until returned");
      } else if (r == 11) {
        note("  reset");
        z.reset();
        rel.clear();
      } else if (r == 12) {
        std::string k = random_path(model_);
        std::string target = starts_with(k, root) ? k.substr(root.size()) : std::string{};
        note("  move_to_path ", show(target));
        std::size_t common = pathmap::common_prefix_len(path_view(rel), path_view(target));
        expect_eq(z.move_to_path(target), common, "move_to_path returned");
        rel = target;
      } else if (r == 13) {
        byte_mask mask = model_.child_mask(abs);
        std::size_t i = below(static_cast<std::size_t>(mask.count()) + 2);
        note("  descend_indexed_byte ", i);
        bool want = i < static_cast<std::size_t>(mask.count());
        expect_eq(bool(z.descend_indexed_byte(i)), want, "descend_indexed_byte returned");
        if (want)
          rel.push_back(static_cast<char>(mask.nth(static_cast<int>(i))));
      } else if (r == 14) {
        note("  descend_to_existing_byte");
        auto b = static_cast<std::uint8_t>(random_byte());
        bool want = exists && model_.path_exists(abs + static_cast<char>(b));
        expect_eq(z.descend_to_existing_byte(b), want, "descend_to_existing_byte returned");
        if (want)
          rel.push_back(static_cast<char>(b));
      } else {
        note("  to_next_step");
        // the next position in DFS pre-order below the root
        auto it = model_.exists.upper_bound(abs);
        bool want = exists && it != model_.exists.end() && starts_with(*it, root);
        if (!exists)
          continue; // unspecified from a missing focus
        expect_eq(z.to_next_step(), want, "to_next_step returned");
        rel = want ? it->substr(root.size()) : std::string{};
      }
      // Not after every move: sequences of moves without queries in between matter too.
      if (chance(60) || i + 1 == moves)
        check_focus(z, root, rel, below(4) == 0);
    }
  }

  void op_zipper_values_in_region() {
    std::string root = random_path(model_);
    note("to_next_val over ", show(root));
    std::vector<std::string> want;
    for (auto it = model_.vals.upper_bound(root);
         it != model_.vals.end() && starts_with(it->first, root); ++it)
      want.push_back(show(it->first.substr(root.size())) + "=" + std::to_string(it->second));
    std::vector<std::string> got;
    auto z = map_.read_zipper_at_path(root);
    while (z.to_next_val()) {
      got.push_back(show(z.path()) + "=" + std::to_string(*z.val()));
      if (got.size() > want.size() + 1)
        break;
    }
    if (got != want)
      fail("to_next_val under " + show(root) + ": got " + join(got) + ", expected " + join(want));
    if (!z.at_root())
      fail("to_next_val did not end at the root");
  }

  void op_k_paths() {
    std::string root = random_path(model_);
    std::size_t k = 1 + below(4);
    note("k-paths k=", k, " under ", show(root));
    std::vector<std::string> want;
    if (model_.path_exists(root))
      for (auto it = model_.exists.upper_bound(root);
           it != model_.exists.end() && starts_with(*it, root); ++it)
        if (it->size() == root.size() + k)
          want.push_back(show(it->substr(root.size())));
    std::vector<std::string> got;
    auto z = map_.read_zipper_at_path(root);
    if (z.descend_first_k_path(k)) {
      do {
        got.push_back(show(z.path()));
      } while (got.size() <= want.size() && z.to_next_k_path(k));
    }
    if (got != want)
      fail("k-paths under " + show(root) + ": got " + join(got) + ", expected " + join(want));
    if (!z.at_root())
      fail("k-path iteration did not end at its base");
  }

  void op_write_zipper() {
    wz_target t = random_write_target();
    std::string abs = t.abs();
    auto wz = map_.write_zipper_at_path(t.root);
    wz.descend_to(t.rel);
    std::size_t r = below(7);
    note("write zipper at ", show(t.root), "+", show(t.rel), " op ", r);
    // Half the time the write comes right after descend_to, with no query in between, so
    // that state a zipper computes lazily is exercised too.
    if (chance(50))
      check_focus(wz, t.root, t.rel, chance(10));
    switch (r) {
      case 0: {
        V v = next_value();
        expect_opt(wz.set_val(v), model_.set(abs, v), "wz.set_val returned");
        break;
      }
      case 1: {
        bool prune = chance(50);
        expect_opt(wz.remove_val(prune), model_.remove_val(abs, prune), "wz.remove_val returned");
        break;
      }
      case 2:
        expect_eq(wz.create_path(), model_.create_path(abs), "wz.create_path returned");
        break;
      case 3: {
        std::size_t want = model_.prune(abs);
        std::size_t got = wz.prune_path();
        if (t.root.empty())
          expect_eq(got, want, "wz.prune_path returned");
        break;
      }
      case 4: {
        bool prune = chance(50) && !model_.prune_is_ambiguous(abs);
        expect_eq(wz.remove_branches(prune), model_.remove_branches(abs, prune),
                  "wz.remove_branches returned");
        break;
      }
      case 5: {
        V v = next_value();
        V& got = wz.get_val_or_set_mut(v);
        const V* have = model_.get(abs);
        V want = have != nullptr ? *have : v;
        expect_eq(got, want, "wz.get_val_or_set_mut");
        model_.set(abs, want);
        got = want + 1; // write through the reference
        model_.set(abs, want + 1);
        break;
      }
      default: {
        if (V* p = wz.get_val_mut()) {
          *p += 7;
          model_.vals[abs] += 7;
        } else if (model_.get(abs) != nullptr) {
          fail("wz.get_val_mut returned null over a value");
        }
        break;
      }
    }
    expect_eq(show(wz.path()), show(t.rel), "focus after a write");
    expect_eq(wz.path_exists(), model_.path_exists(abs), "path_exists after a write");
  }

  static constexpr std::size_t max_positions = 1500;

  key_mode mode_;
  std::vector<map_t> pool_;
  std::vector<model> pool_models_;
};

/// Runs `episodes` seeded episodes of `ops` operations each; reports the first 5 failing seeds
/// with their operation logs. Returns the number of operations run.
inline std::size_t run_episodes(const char* name, key_mode mode, std::uint64_t base_seed,
                                std::size_t episodes, std::size_t ops) {
  return pathmap_test::run_episodes<episode>(name, mode, base_seed, episodes, ops, 5, true);
}

} // namespace
} // namespace pathmap_test::differential
