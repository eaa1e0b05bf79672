#pragma once
/// @file
/// `fold_bottom_up`: a post-order fold over the nodes of a trie, without recursion, that
/// computes a node shared within the trie once. `compact_ops` (packed sizes) and `merkle_ops`
/// (canonical nodes) are both such folds.
///
/// Shared nodes (a count above one) are looked up in a hash map, so that a trie grafted into
/// itself many times (a DAG with exponentially many paths) costs time linear in its nodes;
/// unshared nodes are reached once and skip the lookup (hashing every node took a quarter of
/// the compaction time of the word list).

#include <cstddef>
#include <span>
#include <unordered_map>
#include <vector>

#include "pathmap/detail/node_ops.hpp"

namespace pathmap::detail {

/// Folds the trie below `root` (not null) children first: `finish(h, kids)` returns node `h`'s
/// result from its children's results `kids` (a `std::span<R>`, in entry order, which it may
/// move from). Returns the root's result.
template <class V, class R, class Finish>
R fold_bottom_up(const node_header* root, Finish&& finish) {
  using ops = node_ops<V>;
  struct frame {
    const node_header* h;
    int e;            // next entry to look at
    std::size_t kids; // where this node's children's results start in `done`
  };
  std::unordered_map<const node_header*, R> shared;
  std::vector<frame> stack{{root, ops::first_entry(root), 0}};
  std::vector<R> done;
  for (;;) {
    frame& f = stack.back();
    if (f.e >= 0) {
      const node_header* c = ops::child(f.h, f.e);
      f.e = ops::next_entry(f.h, f.e);
      if (!c)
        continue;
      if (maybe_shared(c)) {
        if (auto it = shared.find(c); it != shared.end()) {
          done.push_back(it->second);
          continue;
        }
      }
      stack.push_back({c, ops::first_entry(c), done.size()}); // invalidates `f`
      continue;
    }
    const node_header* h = f.h;
    const std::size_t kids = f.kids;
    stack.pop_back();
    R r = finish(h, std::span<R>(done.data() + kids, done.size() - kids));
    done.resize(kids);
    if (maybe_shared(h))
      shared.emplace(h, r);
    if (stack.empty())
      return r;
    done.push_back(std::move(r));
  }
}

} // namespace pathmap::detail
