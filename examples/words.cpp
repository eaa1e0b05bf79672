// words: a pathmap::path_map built from a word list, and a short tour of its zippers.
//
// Usage: words [FILE]      (FILE defaults to /usr/share/dict/words, package wamerican)
//
// Every non-empty line is a path (its bytes) whose value is its line number. The program prints
// how many words the map holds, the allocator and the build time, then
//   - walks a read zipper below a prefix ("inter"): the value at the prefix, its child bytes
//     (child_mask / child_count), how many values lie below (val_count), and the first words below
//     it in order (to_next_val / path / origin_path / val);
//   - copies the map in O(1) and removes the prefix's words from the copy with remove_val_at,
//     while the original keeps them;
//   - creates new paths in the copy with a write zipper (descend_to / set_val / reset);
//   - compacts a copy for reading (compact(): packed arenas) and looks every word up in it;
//   - builds the words as a set (from_iter) and folds its equal subtries (merkleize()).
// It checks what it shows against the word list and exits non-zero on any mismatch, so CTest runs
// it as a smoke test (test `example_words`).

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "pathmap/allocator.hpp"
#include "pathmap/byte_mask.hpp"
#include "pathmap/path.hpp"
#include "pathmap/path_map.hpp"

namespace {

using map_type = pathmap::path_map<std::uint64_t>;
using clock_type = std::chrono::steady_clock;

int failures = 0;

void check(bool ok, const std::string& what) {
  if (!ok) {
    std::fprintf(stderr, "words: CHECK FAILED: %s\n", what.c_str());
    ++failures;
  }
}

double ms_since(clock_type::time_point start) {
  return std::chrono::duration<double, std::milli>(clock_type::now() - start).count();
}

unsigned long long ull(std::uint64_t x) {
  return static_cast<unsigned long long>(x);
}

// The bytes of `mask`, printable ones as characters and the others as hex.
std::string describe(const pathmap::byte_mask& mask) {
  std::string out;
  for (int b = mask.first(); b >= 0; b = mask.next_at_or_after(b + 1)) {
    if (!out.empty())
      out += ' ';
    if (b > 0x20 && b < 0x7f) {
      out += static_cast<char>(b);
    } else {
      char hex[16];
      std::snprintf(hex, sizeof(hex), "\\x%02x", static_cast<unsigned>(b) & 0xffu);
      out += hex;
    }
  }
  return out;
}

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

} // namespace

int main(int argc, char** argv) {
  if (argc > 2 || (argc == 2 && argv[1][0] == '-')) {
    bool help = argc == 2
                && (std::string_view{argv[1]} == "--help" || std::string_view{argv[1]} == "-h");
    std::fprintf(help ? stdout : stderr,
                 "%sUsage: words [FILE]   (default /usr/share/dict/words)\n",
                 help ? "" : "words: unexpected arguments\n");
    return help ? 0 : 2;
  }
  const char* file = argc > 1 ? argv[1] : "/usr/share/dict/words";
  std::ifstream in{file, std::ios::binary};
  if (!in) {
    std::fprintf(stderr, "words: cannot open %s (install wamerican or pass a file)\n", file);
    return 2;
  }
  // lines[i] is line i + 1; empty lines stay in the list (so values index it) but get no path.
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r')
      line.pop_back();
    lines.push_back(std::move(line));
  }

  // -- build --------------------------------------------------------------------------------------

  map_type m;
  std::size_t distinct = 0;
  auto start = clock_type::now();
  for (std::size_t i = 0; i < lines.size(); ++i)
    if (!lines[i].empty() && !m.set_val_at(lines[i], i + 1).has_value())
      ++distinct;
  double build_ms = ms_since(start);

  std::printf("%zu words (%zu lines) from %s\n", m.val_count(), lines.size(), file);
  std::printf("allocator: %.*s\n", static_cast<int>(pathmap::allocator_name().size()),
              pathmap::allocator_name().data());
  std::printf("built in %.1f ms (%.0f ns per word)\n", build_ms,
              lines.empty() ? 0.0 : build_ms * 1e6 / static_cast<double>(lines.size()));
  check(m.val_count() == distinct, "val_count() equals the number of distinct words");

  // Looks every word up in `map`; counts those found with a value that is a line holding them.
  auto look_up_all = [&lines](const map_type& map) {
    std::size_t n = 0;
    for (std::size_t i = 0; i < lines.size(); ++i)
      if (!lines[i].empty())
        if (const std::uint64_t* v = map.get_val_at(lines[i]);
            v != nullptr && lines[*v - 1] == lines[i])
          ++n;
    return n;
  };
  start = clock_type::now();
  std::size_t found = look_up_all(m);
  std::printf("looked every word up in %.1f ms\n", ms_since(start));
  auto blank = static_cast<std::size_t>(std::count(lines.begin(), lines.end(), std::string{}));
  check(found == lines.size() - blank,
        "get_val_at finds every word, and its value is a line holding that word");
  if (m.val_count() == 0)
    return failures == 0 ? 0 : 1;

  // -- a read zipper below a prefix ---------------------------------------------------------------

  std::string prefix = "inter";
  if (!m.path_exists_at(prefix)) {
    auto first = std::find_if(lines.begin(), lines.end(), [](auto& s) { return !s.empty(); });
    prefix = first->substr(0, 3);
  }
  std::vector<std::string> expected; // the words below the prefix, in map order
  for (auto& w : lines)
    if (w.size() > prefix.size() && starts_with(w, prefix))
      expected.push_back(w);
  std::sort(expected.begin(), expected.end(), [](const std::string& a, const std::string& b) {
    return pathmap::path_view{a} < pathmap::path_view{b};
  });
  expected.erase(std::unique(expected.begin(), expected.end()), expected.end());
  bool prefix_is_word = m.get_val_at(prefix) != nullptr;

  {
    pathmap::read_zipper<std::uint64_t> rz = m.read_zipper_at_path(prefix);
    std::printf("\nread zipper at \"%s\":\n", prefix.c_str());
    if (const std::uint64_t* v = rz.val())
      std::printf("  value here: %llu (\"%s\" is a word)\n", ull(*v), prefix.c_str());
    else
      std::printf("  no value here\n");
    std::printf("  %zu child bytes: %s\n", static_cast<std::size_t>(rz.child_count()),
                describe(rz.child_mask()).c_str());
    std::printf("  %zu values at and below\n", static_cast<std::size_t>(rz.val_count()));
    check(static_cast<int>(rz.child_count()) == rz.child_mask().count(),
          "child_count() equals child_mask().count()");
    check(rz.val_count() == expected.size() + (prefix_is_word ? 1 : 0),
          "val_count() at the prefix counts the words starting with it");

    std::printf("  first words below it (to_next_val, path() relative to the zipper root):\n");
    std::size_t n = 0;
    while (n < 10 && rz.to_next_val()) {
      std::string_view rel = rz.path().as_string_view();
      std::string word = prefix + std::string{rel};
      const std::uint64_t* v = rz.val();
      std::printf("    %-16s  path() = \"%.*s\"  value = %llu\n", word.c_str(),
                  static_cast<int>(rel.size()), rel.data(), v ? ull(*v) : 0ull);
      check(rz.origin_path().as_string_view() == word, "origin_path() is prefix + path()");
      check(n < expected.size() && word == expected[n], "to_next_val visits words in order");
      check(v != nullptr && lines[*v - 1] == word, "val() is the word's line number");
      ++n;
    }
    check(n == std::min<std::size_t>(10, expected.size()), "to_next_val finds enough words");
  }

  // -- an O(1) copy, edited on its own ------------------------------------------------------------

  start = clock_type::now();
  map_type copy = m;
  double copy_us = ms_since(start) * 1000.0;
  std::size_t removed = 0;
  for (auto& w : expected)
    if (copy.remove_val_at(w, true).has_value())
      ++removed;
  std::printf("\ncopied the map in %.1f us; removed %zu words below \"%s\" from the copy\n",
              copy_us, removed, prefix.c_str());
  std::printf("  original: %zu words, below \"%s\": %zu\n", m.val_count(), prefix.c_str(),
              static_cast<std::size_t>(m.read_zipper_at_path(prefix).val_count()));
  std::printf("  copy:     %zu words, below \"%s\": %zu\n", copy.val_count(), prefix.c_str(),
              static_cast<std::size_t>(copy.read_zipper_at_path(prefix).val_count()));
  check(removed == expected.size(), "remove_val_at removes each word below the prefix once");
  check(copy.val_count() == m.val_count() - removed, "the copy lost exactly those words");
  check(m.val_count() == distinct, "the original still has every word");
  check(expected.empty() || m.get_val_at(expected.front()) != nullptr,
        "the original still has the removed words");
  check(expected.empty() || copy.get_val_at(expected.front()) == nullptr,
        "the copy no longer has them");

  // -- a write zipper creating paths --------------------------------------------------------------

  const std::vector<std::string> made = {"zipper:read", "zipper:write", "zipper:head"};
  {
    auto wz = copy.write_zipper();
    for (std::size_t i = 0; i < made.size(); ++i) {
      wz.reset();
      wz.descend_to(made[i]);
      wz.set_val(1000000 + i);
    }
  }
  std::printf("\nwrite zipper created");
  for (auto& p : made)
    std::printf(" \"%s\"", p.c_str());
  std::printf(" in the copy: now %zu words; the original has %zu\n", copy.val_count(),
              m.val_count());
  for (std::size_t i = 0; i < made.size(); ++i) {
    const std::uint64_t* v = copy.get_val_at(made[i]);
    check(v != nullptr && *v == 1000000 + i, "the copy has the written value at " + made[i]);
    check(m.get_val_at(made[i]) == nullptr || lines[*m.get_val_at(made[i]) - 1] == made[i],
          "the original is unchanged at " + made[i]);
  }
  {
    pathmap::read_zipper<std::uint64_t> rz = copy.read_zipper_at_path("zipper:");
    std::printf("  below \"zipper:\": %s\n", describe(rz.child_mask()).c_str());
    check(rz.val_count() >= made.size(), "the written paths are below \"zipper:\"");
  }

  // -- a copy compacted for reading -------------------------------------------------------------

  map_type packed = m;
  start = clock_type::now();
  packed.compact();
  double compact_ms = ms_since(start);
  start = clock_type::now();
  std::size_t packed_found = look_up_all(packed);
  std::printf("\ncompacted a copy in %.1f ms (packed arenas, see path_map::compact); looked every "
              "word up in it in %.1f ms\n",
              compact_ms, ms_since(start));
  check(packed_found == found, "the compacted copy finds every word");
  check(packed.val_count() == m.val_count(), "the compacted copy holds as many words");
  check(std::equal(packed.begin(), packed.end(), m.begin(), m.end(),
                   [](const auto& a, const auto& b) {
                     return a.first == b.first && a.second == b.second;
                   }),
        "the compacted copy iterates like the original");

  // -- the words as a set, merkleized
  // --------------------------------------------------------------

  // A set has no values to tell subtries apart, so equal suffixes ("-ing", "-'s") fold into
  // shared nodes.
  std::vector<std::string_view> words;
  for (const auto& l : lines)
    if (!l.empty())
      words.push_back(l);
  auto set = pathmap::path_map<std::monostate>::from_iter(words);
  start = clock_type::now();
  const pathmap::merkleize_result folded = set.merkleize();
  std::printf("\nthe words as a set: merkleize() in %.1f ms folded %zu nodes into %zu\n",
              ms_since(start), folded.nodes, folded.distinct);
  check(set.val_count() == m.val_count(), "the merkleized set holds every word");
  check(std::all_of(words.begin(), words.end(),
                    [&](std::string_view w) { return set.contains(w); }),
        "the merkleized set contains every word");
  check(folded.distinct <= folded.nodes, "merkleize keeps at most the nodes it walked");
  {
    auto walker = set.read_zipper_at_path("walker"), talker = set.read_zipper_at_path("talker");
    std::printf("  below \"walker\" and \"talker\" ('s, s): %s node\n",
                walker.path_exists() && walker.shared_node_id() == talker.shared_node_id()
                    && walker.shared_node_id().has_value()
                  ? "one shared"
                  : "different (or no)");
  }

  if (failures != 0) {
    std::fprintf(stderr, "words: %d check(s) failed\n", failures);
    return 1;
  }
  return 0;
}
