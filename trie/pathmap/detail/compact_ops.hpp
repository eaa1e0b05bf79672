#pragma once
/// @file
/// `compact_ops<V>::compact`: rewrites the largest subtries that fit an arena into packed
/// arenas (packed_node.hpp), the work of `path_map::compact()`.
///
/// Three passes, none recursive:
/// 1. Bottom-up, a bound on each subtrie's packed size, or "cannot pack": a subtrie packs when
///    every node in it is small or packed with at most `max_entries` entries, every tail is at
///    most `max_tail` bytes (at most `max_tails` in a node) and the whole fits one arena. The
///    packable children of nodes that cannot pack are the *targets*, the largest packable
///    subtries.
/// 2. Top-down from the root, the nodes that cannot pack are made unique (copy-on-write: a map
///    sharing them keeps its own) and the child slots that hold targets are collected.
/// 3. Targets fill arenas in order, each as many as fit. An arena's layout is planned first
///    (nodes in pre-order, so that a node's first child follows it), then the arena is
///    allocated and written, and only then are its targets' slots switched over, releasing the
///    old nodes.
///
/// Shared nodes (a count above one) are looked up in hash maps, so that each is measured once
/// (`fold_bottom_up`, bottom_up.hpp), copied once above the targets and written once per arena:
/// a map grafted into itself many times is a DAG with exponentially many paths, and compacting
/// it stays linear in its nodes. Nodes that are not shared are reached once and need no lookup.
///
/// The map's content never changes, so an exception (allocation, a value's copy) leaves a map
/// that is partly compacted and equal to what it was.

#include <span>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "pathmap/detail/bottom_up.hpp"
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
    std::unordered_set<const node_header*> targets;
    if (measure(root.get(), targets) != cannot_pack)
      targets.insert(root.get());
    std::vector<ptr*> slots;
    collect(root, targets, slots);
    std::size_t i = 0;
    while (i < slots.size()) {
      plan p;
      std::size_t j = i;
      while (j < slots.size() && p.add(slots[j]->get()))
        ++j;
      PATHMAP_ASSERT(j > i, "a packable subtrie fits an empty arena");
      write_arena(p, slots.data() + i, j - i);
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
    s.packable = s.packable && s.t <= pk::max_tails;
    return s;
  }

  /// An upper bound on the node's packed bytes wherever it lands (alignment included).
  static std::size_t node_bound(const shape& s) noexcept {
    return pk::bytes_at(0, s.n, s.t, s.nc, s.nv) + alignof(V) + 4;
  }

  /// Pass 1: the packed size bound of `root`'s subtrie (or `cannot_pack`); adds the targets
  /// below it to `targets`.
  static std::size_t measure(const node_header* root,
                             std::unordered_set<const node_header*>& targets) {
    struct result {
      const node_header* h;
      std::size_t size;
    };
    auto finish = [&](const node_header* h, std::span<result> kids) -> result {
      shape s = shape_of(h);
      std::size_t total = s.packable ? node_bound(s) : cannot_pack;
      for (std::size_t k = 0; k < kids.size() && total != cannot_pack; ++k)
        total = kids[k].size > arena_capacity - total ? cannot_pack : total + kids[k].size;
      if (total == cannot_pack)
        for (const result& k : kids)
          if (k.size != cannot_pack)
            targets.insert(k.h);
      return {h, total};
    };
    return fold_bottom_up<V, result>(root, finish).size;
  }

  /// Pass 2: makes the nodes above the targets unique and collects the slots holding targets.
  /// A shared node above the targets is copied once: its later slots get the same copy.
  static void collect(ptr& root, const std::unordered_set<const node_header*>& targets,
                      std::vector<ptr*>& slots) {
    std::unordered_map<const node_header*, ptr> copied;
    std::vector<ptr*> stack{&root};
    while (!stack.empty()) {
      ptr* slot = stack.back();
      stack.pop_back();
      const node_header* old = slot->get();
      if (targets.count(old)) {
        slots.push_back(slot);
        continue;
      }
      const bool shared = maybe_shared(old);
      if (shared) {
        auto it = copied.find(old);
        if (it != copied.end()) {
          *slot = it->second;
          continue;
        }
      }
      ops::make_unique(*slot);
      if (shared)
        copied.emplace(old, *slot);
      node_header* h = slot->get();
      for (int e = ops::first_entry(h); e >= 0; e = ops::next_entry(h, e))
        if (ptr* c = ops::child_slot(h, e); c && *c)
          stack.push_back(c);
    }
  }

  /// The layout of one arena: its nodes in pre-order with their offsets, and each node's child
  /// offsets. Subtries are added while they fit, so that full arenas fill their 256 KiB
  /// (jemalloc's size classes are 32 KiB apart there: arenas filled by the size bounds alone
  /// wasted 1.4 bytes per word of the word list).
  struct plan {
    struct placed {
      const node_header* h;
      std::size_t at;   // offset in the arena
      std::size_t kids; // where its child offsets start in `kid_offs`
    };
    std::vector<placed> order;
    std::vector<std::uint16_t> kid_offs;           // child offsets / 4
    std::unordered_map<const node_header*, std::size_t> shared_at; // shared nodes placed
    std::vector<std::size_t> roots; // the offset of each target added
    std::size_t used = pk::arena_start;

    /// Lays out the subtrie of `root` after what is planned; false (and nothing added) when
    /// it does not fit.
    bool add(const node_header* root) {
      const std::size_t order0 = order.size(), kids0 = kid_offs.size(), used0 = used;
      std::vector<const node_header*> shared_added;
      struct pending {
        const node_header* h;
        std::size_t slot; // the parent's entry in `kid_offs`, or npos for the root
      };
      constexpr std::size_t npos = ~std::size_t{0};
      std::vector<pending> stack{{root, npos}};
      std::size_t root_at = npos;
      while (!stack.empty()) {
        auto [h, slot] = stack.back();
        stack.pop_back();
        std::size_t at = used;
        bool fresh = true;
        if (maybe_shared(h)) {
          auto [it, inserted] = shared_at.emplace(h, used);
          at = it->second;
          fresh = inserted;
          if (inserted)
            shared_added.push_back(h);
        }
        if (slot == npos)
          root_at = at;
        else
          kid_offs[slot] = static_cast<std::uint16_t>(at / 4);
        if (!fresh)
          continue; // shared inside this arena: written once
        shape s = shape_of(h);
        order.push_back({h, used, kid_offs.size()});
        used += pk::bytes_at(used, s.n, s.t, s.nc, s.nv);
        const std::size_t first_kid = kid_offs.size();
        kid_offs.resize(first_kid + s.nc);
        std::size_t k = s.nc;
        for (int e = ops::last_entry(h); e >= 0; e = ops::prev_entry(h, e))
          if (const node_header* c = ops::child(h, e))
            stack.push_back({c, first_kid + --k});
      }
      if (used - pk::arena_start <= arena_capacity) {
        roots.push_back(root_at);
        return true;
      }
      for (const node_header* h : shared_added)
        shared_at.erase(h);
      order.resize(order0);
      kid_offs.resize(kids0);
      used = used0;
      return false;
    }
  };

  /// Pass 3 for one arena: allocates and writes the planned arena, then points `count` target
  /// slots at their packed copies.
  static void write_arena(const plan& p, ptr** targets, std::size_t count) {
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
        write_node(base, tag, order[written], p.kid_offs.data());
    } catch (...) {
      // `order[written]` destroyed its own values; the nodes before it are complete.
      for (std::size_t k = 0; k < written; ++k) {
        const auto* h = reinterpret_cast<const node_header*>(base + order[k].at);
        const auto s = pk::sums_at(h, 0);
        std::destroy_n(pk::values(h, s), s.vals);
      }
      pk::free_arena(arena);
      throw;
    }
    for (std::size_t t = 0; t < count; ++t)
      *targets[t] = ptr(reinterpret_cast<node_header*>(base + p.roots[t]));
  }

  /// Writes the packed copy of `h` at its planned offset.
  static void write_node(std::uint8_t* base, std::uint8_t tag, const typename plan::placed& pl,
                         const std::uint16_t* kid_offs) {
    const node_header* h = pl.h;
    const int n = ops::count(h);
    std::uint8_t* p = base + pl.at;
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
        std::memcpy(kids + 2 * nc, kid_offs + pl.kids + nc, sizeof(std::uint16_t));
        ++nc;
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
