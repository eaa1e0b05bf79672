#pragma once
/// @file
/// The trie algebra on nodes: join, meet, subtract and restrict of two subtries, computed
/// without recursion and reusing every operand node the result shares.
///
/// **Views.** An operand is a `sub_view`: the root of a node (`e < 0`; a null node is the empty
/// subtrie) or the rest of entry `e` of node `h` after `off` key bytes (a subtrie that starts in
/// the middle of a key, the crate's TinyRefNode, here without any allocation). A view's
/// *pseudo-entries* are the node's entries (at key offset 0), or for a mid-key view the single
/// remainder of its entry. Two pseudo-entries with the same first byte are aligned byte-wise,
/// whatever the key splits of the two tries: with `l` the length of their common key prefix,
/// - both keys end at `l`: the values combine and the children combine;
/// - one key ends at `l`: its value and child combine with "no value" and the mid-key view of
///   the rest of the other key;
/// - neither ends (the keys diverge): no values, and the two mid-key views combine.
/// The result entry has the key prefix of length `l`.
///
/// **Identities.** Every sub-result carries a mask: `id_a` when it equals the left operand's
/// view, `id_b` when it equals the right one's (the crate's SELF / COUNTER identities). An entry
/// equals an operand's pseudo-entry when its value and its child both do, and then the operand's
/// entry is reused as it is: its child pointer is shared, not rebuilt. A whole node equals an
/// operand when all of its entries do and no entry was added or dropped; then the operand's
/// node is the result (a reference-count increment, no allocation). Node pointers are compared
/// first: two views of the same node (or the same mid-key position) are an identity for join
/// and meet and cancel in subtract, without being visited. Joining a map with a copy of itself
/// that differs in a few paths therefore visits only the nodes on those paths.
///
/// **Semantics** (paths are elements, values combine where paths meet, PATHMAP-SPEC §4.2):
/// - join: every path of either side; values with `lattice<V>::pjoin` where both have one;
/// - meet: the paths present in both (a path that exists on both sides stays, dangling if its
///   values cancel or only one side has a value; a byte present on one side only is dropped);
///   values with `pmeet`;
/// - subtract: the paths of the left side, values with `psubtract` where both have one; a
///   combined entry that ends with no value and no children is removed, so a dangling path of
///   the left side disappears when the right side has the same path;
/// - restrict: the paths of the left side that have a prefix (or are equal to a path) holding
///   a value on the right side; left values are kept, right values are ignored.
///
/// **Cost.** Time is proportional to the number of node entries the two operands do not share,
/// times the key bytes compared. Memory: two vectors reused across the whole operation (frames
/// and pending result entries), whose sizes follow the depth of the walk in nodes, never the
/// call stack.

#include <bit>
#include <cstdint>
#include <cstring>
#include <optional>
#include <vector>

#include "pathmap/detail/trie_ops.hpp"
#include "pathmap/detail/zipper_core.hpp"
#include "pathmap/lattice.hpp"

namespace pathmap::detail {

/// The binary trie operations.
enum class merge_kind : std::uint8_t { join, meet, subtract, restrict };

/// Identity bits of a sub-result (same values as `self_ident` / `counter_ident`).
inline constexpr std::uint8_t id_a = 0x1;
inline constexpr std::uint8_t id_b = 0x2;

/// An operand subtrie: the root of `h` (`e < 0`, `h` null for the empty subtrie), or the rest
/// of entry `e` of `h` after `off` key bytes (`1 <= off < key_len`).
struct sub_view {
  const node_header* h = nullptr;
  int e = -1;
  std::uint32_t off = 0;

  bool empty() const noexcept { return h == nullptr; }
  friend bool operator==(const sub_view&, const sub_view&) = default;
};

/// The result of an operation on two views: empty, an identity of an operand (`ident`), or the
/// new node `node`. When `ident` names an operand, `node` may be null: the operand's view is the
/// result (see `algebra_ops::to_ptr`).
template <class V>
struct sub_result {
  node_ptr<V> node;
  std::uint8_t ident = 0;
  bool empty = false;
};

/// View and node helpers shared by the algebra and the morphisms.
template <class V>
struct algebra_ops {
  using ops = node_ops<V>;
  using ptr = node_ptr<V>;

  /// The view of the subtrie rooted at `h` (a node with no entries is the empty view).
  static sub_view root_view(const node_header* h) noexcept {
    return h && ops::count(h) > 0 ? sub_view{h, -1, 0} : sub_view{};
  }

  /// The view of the subtrie strictly below a position.
  static sub_view view_at(const position& pos) noexcept {
    if (pos.e < 0)
      return root_view(pos.h);
    if (pos.off >= ops::key_len(pos.h, pos.e))
      return root_view(ops::child(pos.h, pos.e));
    return {pos.h, pos.e, static_cast<std::uint32_t>(pos.off)};
  }

  /// A node holding the subtrie of a view (shared for a node root, a new one-entry node for a
  /// mid-key view, null when empty).
  static ptr materialize(const sub_view& v) {
    if (v.empty())
      return {};
    if (v.e < 0)
      return ptr::share(const_cast<node_header*>(v.h));
    return trie_ops<V>::subtrie_at(position{v.h, v.e, v.off});
  }

  /// The node of a result over operands `a` and `b`.
  static ptr to_ptr(sub_result<V> r, const sub_view& a, const sub_view& b) {
    if (r.empty)
      return {};
    if (r.node)
      return std::move(r.node);
    if (r.ident & id_a)
      return materialize(a);
    if (r.ident & id_b)
      return materialize(b);
    return {};
  }

  /// A key split into its first byte and the rest.
  struct key_ref {
    std::uint8_t first;
    path_view rest;
  };

  /// The key of entry `e` of `h` from byte `off` on.
  static key_ref key_of(const node_header* h, int e, std::uint32_t off) noexcept {
    path_view t = ops::tail(h, e);
    if (off == 0)
      return {ops::first_byte(h, e), t};
    return {t[off - 1], t.subview(off)};
  }

  /// One entry of a node under construction. Borrowed parts (`val`, `child_raw`) point into
  /// operand nodes, which outlive the construction.
  struct build_entry {
    std::uint8_t first = 0;
    path_view tail;
    const V* val = nullptr;
    std::optional<V> owned_val;
    const node_header* child_raw = nullptr;
    ptr owned_child;

    const V* value() const noexcept { return owned_val ? &*owned_val : val; }
    const node_header* child() const noexcept {
      return owned_child ? owned_child.get() : child_raw;
    }
  };

  /// Builds a node from `n >= 1` entries (`build_entry` or derived) sorted by distinct first
  /// bytes, keys of at most `max_key_len` bytes. Values are copied, or moved out of `owned_val`.
  template <class E>
  static ptr build(E* es, std::size_t n) {
    entry_src<V> srcs[small_node_short];
    // The first `small_node_short` entries always fit; insert_entry decides for the rest.
    std::size_t m = n < small_node_short ? n : small_node_short;
    for (std::size_t i = 0; i < m; ++i) {
      E& b = es[i];
      srcs[i] = {b.first, b.tail, b.owned_val ? &*b.owned_val : const_cast<V*>(b.val),
                 b.owned_val.has_value(), const_cast<node_header*>(b.child())};
    }
    ptr out(small_node<V>::build(srcs, m));
    for (std::size_t i = m; i < n; ++i) {
      E& b = es[i];
      if (b.owned_val) {
        ops::insert_entry(out, b.first, b.tail, &*b.owned_val,
                          const_cast<node_header*>(b.child()));
      } else if (b.val) {
        V tmp(*b.val); // insert_entry moves from the value it gets
        ops::insert_entry(out, b.first, b.tail, &tmp, const_cast<node_header*>(b.child()));
      } else {
        ops::insert_entry(out, b.first, b.tail, nullptr, const_cast<node_header*>(b.child()));
      }
    }
    return out;
  }
};

/// The binary operation `K` over two views. One object may run several operations; its
/// buffers are reused.
///
/// A frame merges the pseudo-entries of two views in byte order. While every entry so far
/// equals an operand's (the frame is still an identity of that operand), nothing is recorded;
/// when the last identity is lost, the operand's earlier entries are copied in ("backfill") and
/// from then on every result entry is recorded. A frame that stays an identity therefore costs
/// no copies at all, which is what makes joining a modified copy back cheap.
template <class V, merge_kind K>
class merger {
public:
  using ops = node_ops<V>;
  using ptr = node_ptr<V>;
  using aops = algebra_ops<V>;
  using result = sub_result<V>;
  using key_ref = typename aops::key_ref;

  /// Computes `a K b`.
  result run(const sub_view& a, const sub_view& b) {
    result r;
    if (shortcut(a, b, r))
      return r;
    frames_.clear();
    out_.clear();
    push_frame(a, b);
    for (;;) {
      if (step()) // pushed a child frame
        continue;
      result fr = finish(frames_.back());
      frames_.pop_back();
      if (frames_.empty())
        return fr;
      finish_pending(frames_.back(), std::move(fr));
    }
  }

  /// `a K b` as a node (null when empty), sharing operand nodes where possible.
  ptr run_ptr(const sub_view& a, const sub_view& b) { return aops::to_ptr(run(a, b), a, b); }

private:
  /// A pseudo-entry: entry `e` of node `h` from key byte `off` on.
  struct pent {
    const node_header* h;
    int e;
    std::uint32_t off;
  };

  /// The value part of a result entry and the operands it equals.
  struct entry_val {
    std::uint8_t ident = 0;
    const V* val = nullptr;
    std::optional<V> owned;
    bool present() const noexcept { return val || owned; }
  };

  struct out_entry : aops::build_entry {
    pent pa{};
    pent pb{};
    std::uint8_t val_ident = 0;
  };

  struct frame {
    sub_view a, b;
    int ea, eb;            // current entry ids, -1 when done
    std::size_t out_begin; // first result entry of this frame in `out_`
    std::uint8_t ident;    // identity bits that still hold
    bool recording;        // result entries are being recorded (no identity left)
    sub_view ca, cb;       // child views of the pending entry
  };

  static constexpr std::uint8_t all_ident =
    (K == merge_kind::join || K == merge_kind::meet) ? (id_a | id_b) : id_a;

  // -- views ----------------------------------------------------------------------------

  static int first_of(const sub_view& v) noexcept {
    return v.e < 0 ? ops::first_entry(v.h) : v.e;
  }
  static int next_of(const sub_view& v, int e) noexcept {
    return v.e < 0 ? ops::next_entry(v.h, e) : -1;
  }
  static std::uint32_t off_of(const sub_view& v) noexcept { return v.e < 0 ? 0 : v.off; }

  /// Length of the common prefix of two byte strings, a word at a time.
  static std::size_t common_len(path_view x, path_view y) noexcept {
    std::size_t n = x.size() < y.size() ? x.size() : y.size();
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) {
      std::uint64_t u, w;
      std::memcpy(&u, x.data() + i, 8);
      std::memcpy(&w, y.data() + i, 8);
      if (u != w) {
        if constexpr (std::endian::native == std::endian::little)
          return i + static_cast<std::size_t>(std::countr_zero(u ^ w)) / 8;
        else
          break;
      }
    }
    while (i < n && x[i] == y[i])
      ++i;
    return i;
  }

  // -- shortcuts --------------------------------------------------------------------------

  /// Results that need no walk: an empty operand, or the same subtrie on both sides.
  static bool shortcut(const sub_view& a, const sub_view& b, result& r) {
    if (a.empty() && b.empty()) {
      r.empty = true;
      r.ident = all_ident;
      return true;
    }
    if (a.empty()) {
      if constexpr (K == merge_kind::join) {
        r.ident = id_b;
      } else {
        r.empty = true;
        r.ident = id_a;
      }
      return true;
    }
    if (b.empty()) {
      if constexpr (K == merge_kind::join || K == merge_kind::subtract) {
        r.ident = id_a;
      } else if constexpr (K == merge_kind::meet) {
        r.empty = true;
        r.ident = id_b;
      } else {
        r.empty = true;
      }
      return true;
    }
    if (a == b) {
      if constexpr (K == merge_kind::join || K == merge_kind::meet) {
        r.ident = id_a | id_b;
        return true;
      } else if constexpr (K == merge_kind::subtract) {
        r.empty = true;
        return true;
      }
    }
    return false;
  }

  /// The result for two entries that hold the same child node `ch` (or both none), without
  /// looking into it. False when it needs a walk (restrict).
  static bool same_child(const node_header* ch, result& r) noexcept {
    if (!ch) {
      r.empty = true;
      r.ident = all_ident;
      return true;
    }
    if constexpr (K == merge_kind::join || K == merge_kind::meet) {
      r.ident = id_a | id_b;
      return true;
    } else if constexpr (K == merge_kind::subtract) {
      r.empty = true;
      return true;
    } else {
      return false;
    }
  }

  // -- the walk ---------------------------------------------------------------------------

  void push_frame(const sub_view& a, const sub_view& b) {
    frames_.push_back({a, b, first_of(a), first_of(b), out_.size(), all_ident, false, {}, {}});
  }

  /// Processes the top frame's entries until one needs a child walk (pushes it and returns
  /// true) or the frame is done (returns false).
  bool step() {
    frame& f = frames_.back();
    while (f.ea >= 0 || f.eb >= 0) {
      key_ref ka{}, kb{};
      if (f.ea >= 0)
        ka = aops::key_of(f.a.h, f.ea, off_of(f.a));
      if (f.eb >= 0)
        kb = aops::key_of(f.b.h, f.eb, off_of(f.b));
      if (f.eb < 0 || (f.ea >= 0 && ka.first < kb.first)) {
        only_a(f, pent{f.a.h, f.ea, off_of(f.a)}, ka);
        f.ea = next_of(f.a, f.ea);
        continue;
      }
      if (f.ea < 0 || kb.first < ka.first) {
        only_b(f, pent{f.b.h, f.eb, off_of(f.b)}, kb);
        f.eb = next_of(f.b, f.eb);
        continue;
      }
      pent pa{f.a.h, f.ea, off_of(f.a)};
      pent pb{f.b.h, f.eb, off_of(f.b)};
      f.ea = next_of(f.a, f.ea);
      f.eb = next_of(f.b, f.eb);
      if (combine(f, pa, pb, ka, kb))
        return true; // `f` may be dangling now
    }
    return false;
  }

  /// Notes that the result entry at byte `b` equals the operands in `eid` (0: a new entry, or
  /// a dropped one that an operand had). When that ends the frame's last identity, the
  /// operand's earlier entries are recorded first (before the pending entry when there is
  /// one). Returns true when the frame records entries.
  bool note(frame& f, std::uint8_t eid, std::uint8_t b, bool pending) {
    std::uint8_t old = f.ident;
    f.ident &= eid;
    if (!f.recording && f.ident == 0) {
      std::optional<out_entry> top;
      if (pending) {
        top.emplace(std::move(out_.back()));
        out_.pop_back();
      }
      backfill((old & id_a) ? f.a : f.b, b);
      if (top)
        out_.push_back(std::move(*top));
      f.recording = true;
    }
    return f.recording;
  }

  /// Records the pseudo-entries of view `v` that start below byte `b`.
  void backfill(const sub_view& v, std::uint8_t b) {
    std::uint32_t off = off_of(v);
    for (int e = first_of(v); e >= 0; e = next_of(v, e)) {
      key_ref k = aops::key_of(v.h, e, off);
      if (k.first >= b)
        break;
      emit(pent{v.h, e, off}, k);
    }
  }

  /// Records pseudo-entry `p` unchanged.
  void emit(const pent& p, const key_ref& k) {
    out_entry& o = out_.emplace_back();
    o.first = k.first;
    o.tail = k.rest;
    o.val = ops::val(p.h, p.e);
    o.child_raw = ops::child(p.h, p.e);
  }

  void only_a(frame& f, const pent& p, const key_ref& k) {
    if constexpr (K == merge_kind::join || K == merge_kind::subtract) {
      if (note(f, id_a, k.first, false))
        emit(p, k);
    } else if constexpr (K == merge_kind::meet) {
      note(f, id_b, k.first, false); // dropped; the right side lacks it too
    } else {
      note(f, 0, k.first, false);
    }
  }

  void only_b(frame& f, const pent& p, const key_ref& k) {
    if constexpr (K == merge_kind::join) {
      if (note(f, id_b, k.first, false))
        emit(p, k);
    } else if constexpr (K == merge_kind::meet) {
      note(f, id_a, k.first, false);
    }
    // subtract, restrict: the right side's extra paths change nothing
    (void)p;
  }

  /// Combines two pseudo-entries with the same first byte. Returns true when it pushed a child
  /// frame (the entry is then completed by `finish_pending`).
  bool combine(frame& f, const pent& pa, const pent& pb, const key_ref& ka, const key_ref& kb) {
    std::size_t la = 1 + ka.rest.size();
    std::size_t lb = 1 + kb.rest.size();
    std::size_t l = 1 + common_len(ka.rest, kb.rest);
    bool a_ends = l == la;
    bool b_ends = l == lb;
    const V* va = a_ends ? ops::val(pa.h, pa.e) : nullptr;
    const V* vb = b_ends ? ops::val(pb.h, pb.e) : nullptr;
    if constexpr (K == merge_kind::restrict) {
      if (vb) { // a value on the right allows everything below it
        if (note(f, id_a, ka.first, false))
          emit(pa, ka);
        return false;
      }
      if (!a_ends && !b_ends) { // diverging keys: nothing of the left side is allowed
        note(f, 0, ka.first, false);
        return false;
      }
    }
    entry_val ev;
    combine_values(ev, va, vb);
    result cr;
    sub_view ca, cb;
    bool decided = false;
    if (a_ends && b_ends) {
      // Compare the child pointers before touching the children: a shared child (the common
      // case when an operand is a modified copy of the other) is decided without a visit.
      const node_header* cha = ops::child(pa.h, pa.e);
      const node_header* chb = ops::child(pb.h, pb.e);
      if (cha == chb && same_child(cha, cr)) {
        ca = cb = cha ? sub_view{cha, -1, 0} : sub_view{};
        decided = true;
      }
    }
    if (!decided) {
      ca = a_ends ? aops::root_view(ops::child(pa.h, pa.e))
                  : sub_view{pa.h, pa.e, static_cast<std::uint32_t>(pa.off + l)};
      cb = b_ends ? aops::root_view(ops::child(pb.h, pb.e))
                  : sub_view{pb.h, pb.e, static_cast<std::uint32_t>(pb.off + l)};
      decided = shortcut(ca, cb, cr);
    }
    if (decided) {
      std::uint8_t eid = 0;
      if (dropped(ev, cr)) {
        note(f, 0, ka.first, false);
        return false;
      }
      eid = static_cast<std::uint8_t>(ev.ident & cr.ident & all_ident);
      if (note(f, eid, ka.first, false)) {
        out_entry& o = out_.emplace_back();
        fill(o, ka, l, pa, pb, std::move(ev), eid, std::move(cr), ca, cb);
      }
      return false;
    }
    out_entry& o = out_.emplace_back();
    o.first = ka.first;
    o.tail = ka.rest.subview(0, l - 1);
    o.pa = pa;
    o.pb = pb;
    o.val_ident = ev.ident;
    o.val = ev.val;
    o.owned_val = std::move(ev.owned);
    f.ca = ca;
    f.cb = cb;
    push_frame(ca, cb); // invalidates `f` and `o`
    return true;
  }

  /// Subtract and restrict remove a path left with no value and nothing below it.
  static bool dropped(const entry_val& ev, const result& cr) noexcept {
    if constexpr (K == merge_kind::subtract || K == merge_kind::restrict)
      return !ev.present() && cr.empty;
    else
      return false;
  }

  /// The value of a result entry, and which operand's value it equals.
  static void combine_values(entry_val& o, const V* va, const V* vb) {
    if constexpr (K == merge_kind::join) {
      if (!va && !vb) {
        o.ident = id_a | id_b;
      } else if (!vb) {
        o.val = va;
        o.ident = id_a;
      } else if (!va) {
        o.val = vb;
        o.ident = id_b;
      } else {
        take(o, lattice<V>::pjoin(*va, *vb), va, vb);
      }
    } else if constexpr (K == merge_kind::meet) {
      if (!va && !vb) {
        o.ident = id_a | id_b;
      } else if (!vb) {
        o.ident = id_b;
      } else if (!va) {
        o.ident = id_a;
      } else {
        take(o, lattice<V>::pmeet(*va, *vb), va, vb);
      }
    } else if constexpr (K == merge_kind::subtract) {
      if (!va) {
        o.ident = id_a;
      } else if (!vb) {
        o.val = va;
        o.ident = id_a;
      } else {
        auto r = lattice<V>::psubtract(*va, *vb);
        if (r.is_identity()) {
          o.val = va;
          o.ident = id_a;
        } else if (r.is_element()) {
          o.owned.emplace(std::move(r).get());
        }
      }
    } else {
      (void)vb; // restrict: no value on the right here, so a left value is not allowed
      o.ident = va ? 0 : id_a;
    }
  }

  static void take(entry_val& o, algebraic_result<V> r, const V* va, const V* vb) {
    if (r.is_identity()) {
      std::uint8_t m = r.identity_mask();
      o.val = (m & id_a) ? va : vb;
      o.ident = m;
    } else if (r.is_element()) {
      o.owned.emplace(std::move(r).get());
    }
  }

  /// Fills a recorded result entry: the operand's pseudo-entry when it equals one (`eid`),
  /// else key prefix `l` of `ka`, value `ev` and the child from `cr` over `ca`/`cb`.
  static void fill(out_entry& o, const key_ref& ka, std::size_t l, const pent& pa,
                   const pent& pb, entry_val ev, std::uint8_t eid, result cr, const sub_view& ca,
                   const sub_view& cb) {
    if (eid & id_a) {
      reuse(o, pa);
      return;
    }
    if (eid & id_b) {
      reuse(o, pb);
      return;
    }
    o.first = ka.first;
    o.tail = ka.rest.subview(0, l - 1);
    o.val = ev.val;
    o.owned_val = std::move(ev.owned);
    set_child(o, std::move(cr), ca, cb);
  }

  static void set_child(out_entry& o, result cr, const sub_view& ca, const sub_view& cb) {
    if (cr.empty)
      return;
    if (cr.node) {
      o.owned_child = std::move(cr.node);
      return;
    }
    const sub_view& src = (cr.ident & id_a) ? ca : cb;
    if (src.e < 0)
      o.child_raw = src.h;
    else
      o.owned_child = aops::materialize(src);
  }

  /// Delivers a child frame's result to the pending entry of `f` (the last result entry).
  void finish_pending(frame& f, result cr) {
    out_entry& o = out_.back();
    entry_val ev;
    ev.val = o.val;
    ev.owned = std::move(o.owned_val);
    ev.ident = o.val_ident;
    if (dropped(ev, cr)) {
      note(f, 0, o.first, true);
      out_.pop_back();
      return;
    }
    std::uint8_t eid = static_cast<std::uint8_t>(ev.ident & cr.ident & all_ident);
    if (!note(f, eid, o.first, true)) {
      out_.pop_back();
      return;
    }
    out_entry& p = out_.back(); // `note` may have moved it
    key_ref ka{p.first, p.tail};
    sub_view ca = f.ca, cb = f.cb;
    pent pa = p.pa, pb = p.pb;
    fill(p, ka, p.tail.size() + 1, pa, pb, std::move(ev), eid, std::move(cr), ca, cb);
  }

  /// Turns `o` into the operand pseudo-entry `p` (it equals it).
  static void reuse(out_entry& o, const pent& p) {
    key_ref k = aops::key_of(p.h, p.e, p.off);
    o.first = k.first;
    o.tail = k.rest;
    o.val = ops::val(p.h, p.e);
    o.owned_val.reset();
    o.child_raw = ops::child(p.h, p.e);
    o.owned_child.reset();
  }

  /// The result of a finished frame; its result entries are consumed.
  result finish(const frame& f) {
    result r;
    std::size_t n = out_.size() - f.out_begin;
    if (!f.recording) {
      r.ident = f.ident; // the operand's node or view is the result
    } else if (n == 0) {
      r.empty = true;
    } else {
      r.node = aops::build(out_.data() + f.out_begin, n);
    }
    out_.resize(f.out_begin);
    return r;
  }

  std::vector<frame> frames_;
  std::vector<out_entry> out_;
};

/// The values of two optional operands combined like trie values (absent is "no value").
/// Returns the result (null = none) in `out` or through `ident` when it equals an operand.
template <class V, merge_kind K>
struct value_merge {
  /// Result: `ident` bits (id_a/id_b) when equal to an operand; otherwise `owned` holds the new
  /// value or is empty for "no value".
  struct outcome {
    std::uint8_t ident = 0;
    std::optional<V> owned;
  };

  static outcome run(const V* va, const V* vb) {
    outcome o;
    if constexpr (K == merge_kind::join) {
      if (!va && !vb)
        o.ident = id_a | id_b;
      else if (!vb)
        o.ident = id_a;
      else if (!va)
        o.ident = id_b;
      else
        take(o, lattice<V>::pjoin(*va, *vb));
    } else if constexpr (K == merge_kind::meet) {
      if (!va && !vb)
        o.ident = id_a | id_b;
      else if (!vb)
        o.ident = id_b;
      else if (!va)
        o.ident = id_a;
      else
        take(o, lattice<V>::pmeet(*va, *vb));
    } else {
      if (!va || !vb) {
        o.ident = id_a;
      } else {
        auto r = lattice<V>::psubtract(*va, *vb);
        if (r.is_identity())
          o.ident = id_a;
        else if (r.is_element())
          o.owned.emplace(std::move(r).get());
      }
    }
    return o;
  }

  /// The outcome as an optional value.
  static std::optional<V> value(outcome o, const V* va, const V* vb) {
    if (o.ident & id_a)
      return va ? std::optional<V>(*va) : std::nullopt;
    if (o.ident & id_b)
      return vb ? std::optional<V>(*vb) : std::nullopt;
    return std::move(o.owned);
  }

private:
  static void take(outcome& o, algebraic_result<V> r) {
    if (r.is_identity())
      o.ident = r.identity_mask();
    else if (r.is_element())
      o.owned.emplace(std::move(r).get());
  }
};

/// Reading and replacing the subtrie and value at an origin-relative path `f` of a trie whose
/// root node is in `origin` and root value in `origin_val` (a map, or a write zipper's origin).
template <class V>
struct focus_edit {
  using ops = node_ops<V>;
  using trie = trie_ops<V>;
  using ptr = node_ptr<V>;
  using aops = algebra_ops<V>;

  /// The subtrie strictly below `f` (empty when `f` does not exist).
  static sub_view view(const ptr& origin, path_view f) noexcept {
    if (f.empty())
      return aops::root_view(origin.get());
    position pos;
    if (!trie::lookup(origin.get(), f, pos))
      return {};
    return aops::view_at(pos);
  }

  /// The value at `f`, or null.
  static const V* value(const ptr& origin, const std::optional<V>& origin_val,
                        path_view f) noexcept {
    if (f.empty())
      return origin_val ? &*origin_val : nullptr;
    return trie::get(origin.get(), f);
  }

  /// The subtrie below a zipper engine's focus.
  static sub_view source_view(const zipper_core<V>& c) noexcept {
    return c.path_exists() ? aops::view_at(c.focus()) : sub_view{};
  }

  /// Replaces the subtrie below `f` with `sub` (null clears it), keeping the value at `f`. A
  /// missing `f` is created only when `sub` is not empty.
  static void set_subtrie(ptr& origin, path_view f, ptr sub) {
    if (sub && ops::count(sub.get()) == 0)
      sub.reset();
    if (f.empty()) {
      origin = std::move(sub);
      return;
    }
    if (!sub) {
      position pos;
      if (trie::lookup(origin.get(), f, pos) && trie::child_count(pos) > 0)
        trie::remove_branches(origin, f, false);
      return;
    }
    auto mp = trie::locate_mut(origin, f, true);
    ops::set_child(*mp.slot, mp.e, std::move(sub));
  }

  /// Sets the value at `f` (creating the path), or removes it (no pruning) for nullopt.
  static void set_value(ptr& origin, std::optional<V>& origin_val, path_view f,
                        std::optional<V> v) {
    if (f.empty()) {
      origin_val = std::move(v);
      return;
    }
    if (v)
      trie::set(origin, f, std::move(*v));
    else
      trie::remove(origin, f, false);
  }

  /// Prunes `f` when it is dangling (never the origin itself).
  static void prune(ptr& origin, path_view f) {
    if (!f.empty() && trie::dangling(origin.get(), f))
      trie::prune(origin, f);
  }

  /// What a node result means for the operand it was computed for.
  static algebraic_status node_status(const sub_result<V>& r) noexcept {
    if (r.empty)
      return algebraic_status::none;
    return (r.ident & id_a) ? algebraic_status::identity : algebraic_status::element;
  }
};

/// A subtrie and a value taking part in an n-ary fold (join_k_path / meet_k_path).
template <class V>
struct fold_item {
  node_ptr<V> keep; ///< owns `view`'s node when it is an intermediate result
  sub_view view;
  const V* val = nullptr;
  std::optional<V> own;

  const V* value() const noexcept { return own ? &*own : val; }
};

/// Folds `items` with `K` (join or meet) pairwise, adjacent items first, so that the left
/// operand is always the earlier item: O(total size x log n) and deterministic for
/// non-commutative value lattices. Returns the result subtrie and value.
template <class V, merge_kind K>
std::pair<node_ptr<V>, std::optional<V>> fold_items(std::vector<fold_item<V>> items) {
  using aops = algebra_ops<V>;
  if (items.empty())
    return {};
  merger<V, K> m;
  while (items.size() > 1) {
    std::vector<fold_item<V>> next;
    next.reserve((items.size() + 1) / 2);
    for (std::size_t i = 0; i + 1 < items.size(); i += 2) {
      fold_item<V>& x = items[i];
      fold_item<V>& y = items[i + 1];
      fold_item<V> z;
      z.keep = m.run_ptr(x.view, y.view);
      z.view = aops::root_view(z.keep.get());
      auto vo = value_merge<V, K>::run(x.value(), y.value());
      z.own = value_merge<V, K>::value(std::move(vo), x.value(), y.value());
      next.push_back(std::move(z));
    }
    if (items.size() % 2 == 1)
      next.push_back(std::move(items.back()));
    items = std::move(next);
  }
  fold_item<V>& last = items.front();
  node_ptr<V> node = last.keep ? std::move(last.keep) : aops::materialize(last.view);
  std::optional<V> v;
  if (last.own)
    v = std::move(last.own);
  else if (last.val)
    v.emplace(*last.val);
  return {std::move(node), std::move(v)};
}

} // namespace pathmap::detail
