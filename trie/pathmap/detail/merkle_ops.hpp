#pragma once
/// @file
/// `merkle_ops<V>::merkleize`: folds identical subtries into one shared node (the work of
/// `path_map::merkleize()`).
///
/// Bottom-up, without recursion: a node's children are made canonical first; the node is then
/// kept as it is when its children did not change, or copied with the canonical children when
/// they did (nodes are never changed in place, so other maps sharing them see nothing), and
/// looked up by content among the canonical nodes seen so far. Content means the entries, in
/// order: first byte, key tail, value (compared with `==`) and child, children compared by
/// address, which is exact because they are canonical already. So two subtries are folded
/// when they hold the same paths and equal values, whatever their node kinds.
///
/// The walk is `fold_bottom_up` (bottom_up.hpp): a node shared within the map is folded once.

#include <cstddef>
#include <functional>
#include <span>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "pathmap/detail/bottom_up.hpp"
#include "pathmap/detail/node_ops.hpp"

namespace pathmap::detail {

template <class V>
struct merkle_ops {
  using ops = node_ops<V>;
  using ptr = node_ptr<V>;

  /// The canonical form of the trie below `root`, which is not changed. Adds the nodes walked
  /// (a shared one once) to `nodes` and the canonical nodes kept to `distinct`.
  static ptr merkleize(const node_header* root, std::size_t& nodes, std::size_t& distinct) {
    if (!root)
      return {};
    std::unordered_multimap<std::size_t, ptr> canonical;
    return fold_bottom_up<V, ptr>(root, [&](const node_header* h, std::span<ptr> kids) -> ptr {
      ++nodes;
      ptr node = with_children(h, kids.data());
      const std::size_t key = content_hash(node.get());
      for (auto [it, end] = canonical.equal_range(key); it != end; ++it)
        if (same_content(it->second.get(), node.get()))
          return it->second;
      canonical.emplace(key, node);
      ++distinct;
      return node;
    });
  }

private:
  /// `h` itself when its children are `kids` (in entry order) already, else a copy of `h` with
  /// them.
  static ptr with_children(const node_header* h, const ptr* kids) {
    bool same = true;
    std::size_t k = 0;
    for (int e = ops::first_entry(h); e >= 0 && same; e = ops::next_entry(h, e))
      if (const node_header* c = ops::child(h, e))
        same = c == kids[k++].get();
    if (same)
      return ptr::share(const_cast<node_header*>(h));
    ptr copy(ops::clone(h));
    k = 0;
    for (int e = ops::first_entry(copy.get()); e >= 0; e = ops::next_entry(copy.get(), e))
      if (ptr* slot = ops::child_slot(copy.get(), e); slot && *slot)
        *slot = kids[k++];
    return copy;
  }

  static std::size_t mix(std::size_t h, std::size_t x) noexcept {
    return h ^ (x + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2));
  }

  static std::size_t content_hash(const node_header* h) {
    std::size_t out = static_cast<std::size_t>(ops::count(h));
    for (int e = ops::first_entry(h); e >= 0; e = ops::next_entry(h, e)) {
      const entry_ref<V> r = ops::entry(h, e);
      out = mix(out, ops::first_byte(h, e));
      out = mix(out, std::hash<std::string_view>{}(
                       {reinterpret_cast<const char*>(r.tail.data()), r.tail.size()}));
      out = mix(out, std::hash<const void*>{}(r.child));
      if constexpr (requires(const V& v) { std::hash<V>{}(v); })
        out = mix(out, r.val ? std::hash<V>{}(*r.val) + 1 : 0);
      else
        out = mix(out, r.val != nullptr);
    }
    return out;
  }

  static bool same_content(const node_header* a, const node_header* b) {
    if (ops::count(a) != ops::count(b))
      return false;
    for (int i = ops::first_entry(a), j = ops::first_entry(b); i >= 0;
         i = ops::next_entry(a, i), j = ops::next_entry(b, j)) {
      const entry_ref<V> x = ops::entry(a, i), y = ops::entry(b, j);
      if (ops::first_byte(a, i) != ops::first_byte(b, j) || x.tail != y.tail || x.child != y.child
          || (x.val == nullptr) != (y.val == nullptr) || (x.val && !(*x.val == *y.val)))
        return false;
    }
    return true;
  }
};

} // namespace pathmap::detail
