#pragma once
/// @file
/// Included after one public header by each source of `pathmap_header_first`
/// (tests/trie/CMakeLists.txt): uses the whole public surface, so that a header that cannot be
/// the first one a program includes (the headers reach each other through path_map.hpp) fails
/// the build.

#include "pathmap/owned_zippers.hpp"
#include "pathmap/path_map.hpp"
#include "pathmap/serialization.hpp"
#include "pathmap/trie_ref.hpp"

namespace {

[[maybe_unused]] std::size_t use_the_public_headers() {
  pathmap::path_map<int> m{{"a", 1}};
  std::size_t n = m.join(m).val_count();
  {
    auto head = m.zipper_head();
    auto r = head.read_zipper_at_path("a");
    auto w = head.write_zipper_at_exclusive_path("b");
    if (r && w)
      n += r->val_count() + std::move(*w).into_read_zipper().val_count();
  }
  n += m.trie_ref_at_path("a").val_count() + m.read_zipper().trie_ref_at_path("a").val_count();
  for (pathmap::path_view p : m.read_zipper().into_path_iter())
    n += p.size();
  auto owned = std::move(m).into_zipper_head("c");
  n += std::move(owned).into_map().into_read_zipper({}).val_count();
  return n;
}

} // namespace
