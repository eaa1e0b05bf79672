// libFuzzer target for opening ACT files (pathmap/arena_compact.hpp; built and run by
// scripts/fuzz).
//
// Every input is opened with `arena_compact_tree::from_bytes`. Properties of what opens:
// - a depth-first walk with the zipper ends (it is bounded here only because a small file may
//   legitimately describe a huge trie, through shared nodes);
// - every value the walk meets is what `get_val_at` finds at its path, and `is_val` agrees;
//   one byte further (a path that may be missing) too;
// - when the walk finishes, writing its values into a map and that map into a new ACT gives a
//   tree with the same values.
#include "fuzz_common.hpp"

#include "pathmap/arena_compact.hpp"

#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace pathmap;
  auto t = arena_compact_tree::from_bytes(std::vector<std::uint8_t>(data, data + size));
  if (!t)
    return 0;
  path_map<std::uint64_t> m;
  auto z = t->read_zipper();
  if (auto v = z.get_val())
    m.set_val_at(path_view{}, *v);
  std::size_t steps = 0;
  bool finished = false;
  while (!finished && steps < 20000) {
    ++steps;
    if (!z.to_next_step()) {
      finished = true;
      break;
    }
    auto v = z.get_val();
    fuzz::require(v.has_value() == z.is_val(), "is_val agrees with the value");
    fuzz::require(t->get_val_at(z.path()) == v, "get_val_at agrees with the zipper");
    fuzz::require(z.path_exists(), "a walk stays on existing paths");
    { // one byte further, where the path may not go on: get_val_at agrees with the zipper
      const auto probe = static_cast<std::uint8_t>(steps * 37);
      std::string further(z.path().as_string_view());
      further.push_back(static_cast<char>(probe));
      auto f = z.fork_read_zipper();
      f.descend_to(path_view{probe});
      fuzz::require(t->get_val_at(path_view(further)) == f.get_val(),
                    "get_val_at agrees with the zipper one byte further");
    }
    if (v)
      m.set_val_at(z.path(), *v);
  }
  if (!finished)
    return 0;
  fuzz::require(z.at_root(), "a finished walk ends at the root");
  auto again = arena_compact_tree::from_zipper(m, [](std::uint64_t v) { return v; });
  auto reopened = arena_compact_tree::from_bytes(
    std::vector<std::uint8_t>(again.get_data().begin(), again.get_data().end()));
  fuzz::require(bool(reopened), "our own output opens");
  for (auto&& [p, v] : m)
    fuzz::require(reopened->get_val_at(path_view(p)) == v, "round trip");
  return 0;
}
