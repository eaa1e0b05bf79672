#pragma once
/// @file
/// `compact_ops<V>::compact`: rewrites the largest subtries that fit an arena into packed
/// arenas (packed_node.hpp), the work of `path_map::compact()`.
///
/// Three passes, none recursive:
/// 1. Bottom-up, a bound on each subtrie's packed size, or "cannot pack": a subtrie packs when
///    every node in it is small or packed with at most `max_entries` entries, every tail is at
///    most `max_tail` bytes and the whole fits one arena. Shared nodes are measured once (a map grafted into itself many times is a
///    DAG whose paths are exponentially many).
/// 2. Top-down from the root, the nodes that cannot pack are made unique (copy-on-write: a map
///    sharing them keeps its own) and the child slots under them whose subtries pack are
///    collected: the *targets*, the largest packable subtries.
/// 3. Targets fill arenas in order, each as many as fit. An arena's layout is planned first
///    (nodes in pre-order, so that a node's first child follows it; a node shared inside one
///    arena is written once), then the arena is allocated and written, and only then are its
///    targets' slots switched over, releasing the old nodes.
///
/// The map's content never changes, so an exception (allocation, a value's copy) leaves a map
/// that is partly compacted and equal to what it was.

#include <unordered_map>
#include <vector>

#include "pathmap/detail/node_ops.hpp"

namespace pathmap::detail {

template <class V>
struct compact_ops {
  using ops = node_ops<V>;
  using pk = packed_node<V>;
  using ptr = node_ptr<V>;

  /// Bytes of nodes one arena holds (every node offset then fits `u16` in units of 4).
  static constexpr std::size_t arena_capacity =
    pk::max_arena_bytes - pk::arena_start - pk::slack;
  static constexpr std::size_t cannot_pack = ~std::size_t{0};

  static void compact(ptr& root) {
    if (!root)
      return;
    std::unordered_map<const node_header*, std::size_t> sizes;
    measure(root.get(), sizes);
    std::vector<ptr*> targets;
    collect(root, sizes, targets);
    std::size_t i = 0;
    while (i < targets.size()) {
      plan p;
      std::size_t j = i;
      while (j < targets.size() && p.add(targets[j]->get()))
        ++j;
      PATHMAP_ASSERT(j > i, "a packable subtrie fits an empty arena");
      write_arena(p, targets.data() + i, j - i);
      i = j;
    }
  }

private:
  struct shape {
    std::size_t n, t, nc, nv;
    bool packable;
  };

  static shape shape_of(const node_header* h) noexcept {
    shape s{std::size_t(ops::count(h)), 0, 0, 0,
            ops::indexed(h) && std::size_t(ops::count(h)) <= pk::max_entries};
    if (!s.packable)
      return s;
    for (int e = 0; e < h->n; ++e) {
      std::size_t t = ops::tail(h, e).size();
      s.packable = s.packable && t <= pk::max_tail;
      s.t += t;
      s.nc += ops::child(h, e) != nullptr;
      s.nv += ops::val(h, e) != nullptr;
    }
    return s;
  }

  /// An upper bound on the node's packed bytes wherever it lands (alignment included).
  static std::size_t node_bound(const shape& s) noexcept {
    return pk::bytes_at(0, s.n, s.t, s.nc, s.nv) + alignof(V) + 4;
  }

  /// Pass 1: `sizes[h]` for every node below `root`: the packed size bound of its subtrie, or
  /// `cannot_pack`.
  static void measure(const node_header* root,
                      std::unordered_map<const node_header*, std::size_t>& sizes) {
    struct frame {
      const node_header* h;
      int e; // next entry to look at
    };
    std::vector<frame> stack{{root, ops::first_entry(root)}};
    while (!stack.empty()) {
      frame& f = stack.back();
      if (f.e >= 0) {
        const node_header* c = ops::child(f.h, f.e);
        f.e = ops::next_entry(f.h, f.e);
        if (c && !sizes.count(c))
          stack.push_back({c, ops::first_entry(c)});
        continue;
      }
      const node_header* h = f.h;
      stack.pop_back();
      shape s = shape_of(h);
      std::size_t total = s.packable ? node_bound(s) : cannot_pack;
      for (int e = ops::first_entry(h); e >= 0 && total <= arena_capacity;
           e = ops::next_entry(h, e))
        if (const node_header* c = ops::child(h, e)) {
          std::size_t cs = sizes.at(c);
          total = cs > arena_capacity ? cannot_pack : total + cs;
        }
      sizes[h] = total > arena_capacity ? cannot_pack : total;
    }
  }

  /// Pass 2: makes the nodes that cannot pack unique and collects the slots of the largest
  /// packable subtries below them.
  static void collect(ptr& root, const std::unordered_map<const node_header*, std::size_t>& sizes,
                      std::vector<ptr*>& targets) {
    if (sizes.at(root.get()) != cannot_pack) {
      targets.push_back(&root);
      return;
    }
    std::vector<ptr*> stack{&root};
    while (!stack.empty()) {
      ptr* slot = stack.back();
      stack.pop_back();
      // The clone shares the same children, whose sizes are known.
      ops::make_unique(*slot);
      node_header* h = slot->get();
      for (int e = ops::first_entry(h); e >= 0; e = ops::next_entry(h, e)) {
        ptr* c = ops::child_slot(h, e);
        if (!c || !*c)
          continue;
        if (sizes.at(c->get()) != cannot_pack)
          targets.push_back(c);
        else
          stack.push_back(c);
      }
    }
  }

  /// The layout of one arena: each node's offset, in pre-order. Subtries are added while they
  /// fit, so that full arenas fill their 256 KiB (jemalloc's size classes are 32 KiB apart
  /// there: arenas filled by the size bounds alone wasted 1.4 bytes per word of the word list).
  struct plan {
    std::unordered_map<const node_header*, std::size_t> at;
    std::vector<const node_header*> order;
    std::size_t used = pk::arena_start;

    /// Lays out the subtrie of `root` after what is planned; false (and nothing added) when
    /// it does not fit.
    bool add(const node_header* root) {
      const std::size_t order0 = order.size(), used0 = used;
      std::vector<const node_header*> stack{root};
      while (!stack.empty()) {
        const node_header* h = stack.back();
        stack.pop_back();
        if (!at.emplace(h, used).second)
          continue; // shared inside this arena: written once
        order.push_back(h);
        shape s = shape_of(h);
        used += pk::bytes_at(used, s.n, s.t, s.nc, s.nv);
        for (int e = ops::last_entry(h); e >= 0; e = ops::prev_entry(h, e))
          if (const node_header* c = ops::child(h, e))
            stack.push_back(c);
      }
      if (used - pk::arena_start <= arena_capacity)
        return true;
      for (std::size_t k = order0; k < order.size(); ++k)
        at.erase(order[k]);
      order.resize(order0);
      used = used0;
      return false;
    }
  };

  /// Pass 3 for one arena: allocates and writes the planned arena, then points `count` target
  /// slots at their packed copies.
  static void write_arena(const plan& p, ptr** targets, std::size_t count) {
    const auto& at = p.at;
    const auto& order = p.order;
    const std::size_t used = p.used;
    node_header* arena = pk::make_arena(used + pk::slack);
    arena->f2 = static_cast<std::uint16_t>((used - pk::arena_start) / 4);
    arena->rc.store(static_cast<std::uint32_t>(count), std::memory_order_relaxed);
    auto* base = reinterpret_cast<std::uint8_t*>(arena);
    const std::uint8_t tag = pk::node_tag_in(arena);
    std::size_t written = 0;
    try {
      for (; written < order.size(); ++written)
        write_node(base, tag, order[written], at);
    } catch (...) {
      // `order[written]` destroyed its own values; the nodes before it are complete.
      for (std::size_t k = 0; k < written; ++k) {
        const auto* h = reinterpret_cast<const node_header*>(base + at.at(order[k]));
        const auto s = pk::sums_at(h, 0);
        std::destroy_n(pk::values(h, s), s.vals);
      }
      pk::free_arena(arena);
      throw;
    }
    for (std::size_t t = 0; t < count; ++t)
      *targets[t] = ptr(reinterpret_cast<node_header*>(base + at.at(targets[t]->get())));
  }

  /// Writes the packed copy of `h` at its planned offset.
  static void write_node(std::uint8_t* base, std::uint8_t tag, const node_header* h,
                         const std::unordered_map<const node_header*, std::size_t>& at) {
    const int n = ops::count(h);
    std::uint8_t* p = base + at.at(h);
    p[0] = tag;
    p[1] = static_cast<std::uint8_t>(n);
    std::uint8_t* firsts = p + pk::header_bytes;
    std::uint8_t* lens = firsts + n;
    std::uint8_t* kids = lens + n;
    std::size_t nc = 0;
    for (int e = 0; e < n; ++e) {
      const node_header* c = ops::child(h, e);
      firsts[e] = ops::first_byte(h, e);
      lens[e] = static_cast<std::uint8_t>(ops::tail(h, e).size() |
                                          std::size_t(ops::val(h, e) != nullptr) << pk::val_shift |
                                          std::size_t(c != nullptr) << pk::child_shift);
      if (c) {
        std::uint16_t co = static_cast<std::uint16_t>(at.at(c) / 4);
        std::memcpy(kids + 2 * nc++, &co, sizeof(co));
      }
    }
    std::uint8_t* tails = kids + 2 * nc;
    for (int e = 0; e < n; ++e) {
      path_view t = ops::tail(h, e);
      if (!t.empty())
        std::memcpy(tails, t.data(), t.size());
      tails += t.size();
    }
    const auto* packed = reinterpret_cast<const node_header*>(p);
    V* vs = pk::values(packed, pk::sums_at(packed, 0));
    std::size_t built = 0;
    try {
      for (int e = 0; e < n; ++e)
        if (const V* v = ops::val(h, e)) {
          ::new (vs + built) V(*v);
          ++built;
        }
    } catch (...) {
      std::destroy_n(vs, built);
      throw;
    }
  }
};

} // namespace pathmap::detail
