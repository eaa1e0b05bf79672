#pragma once
/// @file
/// The trie algebra: join, meet, subtract and restrict of whole maps and of the subtries below
/// write-zipper foci, plus the k-path collapses (`join_k_path_into`, `drop_head`,
/// `meet_k_path_into`). `path_map.hpp` includes this header; the member declarations sit in
/// the `-- algebra ---` sections of `path_map` and `write_zipper`.
///
/// **Paths are elements; values combine where paths meet** (PATHMAP-SPEC §4.2). Think of a map
/// as the set of its existing paths (every prefix of a stored path exists, dangling paths
/// count) with values on some of them:
/// - `join`: every path of either map. Where both have a value it is
///   `lattice<V>::pjoin(left, right)`.
/// - `meet`: the paths that exist in both maps. A value survives where both maps have one and
///   `pmeet` does not cancel it; a path that exists on both sides without a surviving value
///   stays as a dangling path (so `{"ab"} ∩ {"ac"}` is the dangling path `"a"`).
/// - `subtract`: the paths of the left map, minus values that `psubtract` cancels; a path left
///   with no value and nothing below it is removed, so a dangling path of the left map goes
///   away when the right map has the same path.
/// - `restrict`: the paths of the left map that have a prefix (or are equal to a path) holding a
///   value in the right map; left values are kept, right values ignored.
/// - The root values take part as the values at the empty path.
///
/// **Sharing.** The result reuses every operand node it has in common with an operand, and an
/// operation whose result equals an operand (an identity) returns an O(1) copy of that operand:
/// `a.join(a)`, `a.join(empty)`, `a.meet(a)`, `a.subtract(empty)` allocate nothing and
/// `root_node()` of the result is the operand's. Subtries that both operands share (the same
/// node) are never visited: joining a copy back into its source after a few changes costs time
/// proportional to the changed paths. `join_into` and friends replace the map's root with the
/// result, so nodes the result does not share are freed.
///
/// **Cost.** Proportional to the node entries the operands do not share; no recursion (explicit
/// stacks), so megabyte paths are fine.
///
/// **Identities are found by content.** A result is an identity of an operand when every
/// path matches and every value the lattice combined was reported as that operand's (however
/// the two tries split their keys), also where the crate conservatively answers "element":
/// `{"": x, "AA": y} ∧ {"AA": y}` is the right operand, `identity(counter_ident)`.
///
/// **Value requirements.** join and meet need `lattice_type<V>`, subtract
/// `distributive_lattice_type<V>` (lattice.hpp); restrict needs nothing.
///
/// **Exceptions.** The whole-map forms compute the result before touching anything: if a value
/// copy or a lattice operation throws, the operands are unchanged. The in-place forms also
/// compute first and then install the result, so they give the same guarantee except for an
/// allocation failure during the final install.
///
/// **Invalidation:** the in-place forms are writes: they invalidate zippers and value pointers
/// of the map they change, as any write does.
///
/// **Thread safety:** like any read (for the operands) and write (for the target).

#include <cstddef>
#include <optional>
#include <utility>
#include <vector>

#include "pathmap/detail/algebra_ops.hpp"
#include "pathmap/lattice.hpp"
#include "pathmap/path_map.hpp"

namespace pathmap {

namespace detail {

/// Whole-map helpers that need only the public surface of `path_map`.
template <class V>
struct map_algebra {
  using aops = algebra_ops<V>;

  static sub_view view_of(const path_map<V>& m) noexcept {
    return aops::root_view(m.root_node());
  }

  /// `a K b` as a partial result: none when nothing is left, an identity of an operand, or a
  /// new map.
  template <merge_kind K>
  static algebraic_result<path_map<V>> partial(const path_map<V>& a, const path_map<V>& b) {
    sub_view na = view_of(a), nb = view_of(b);
    merger<V, K> m;
    sub_result<V> r = m.run(na, nb);
    const V* xa = a.get_val_at({});
    const V* xb = b.get_val_at({});
    auto vo = value_merge<V, K>::run(xa, xb);
    bool val_present = (vo.ident & id_a) ? xa != nullptr
                       : (vo.ident & id_b) ? xb != nullptr
                                           : vo.owned.has_value();
    if (r.empty && !val_present)
      return algebraic_result<path_map<V>>::none();
    std::uint8_t mask = static_cast<std::uint8_t>(r.ident & vo.ident & (id_a | id_b));
    if (mask)
      return algebraic_result<path_map<V>>::identity(mask);
    return algebraic_result<path_map<V>>::element(path_map<V>::from_parts(
      aops::to_ptr(std::move(r), na, nb), value_merge<V, K>::value(std::move(vo), xa, xb)));
  }

  /// `a K b` as a map (an identity is an O(1) copy of that operand).
  template <merge_kind K>
  static path_map<V> whole(const path_map<V>& a, const path_map<V>& b) {
    auto r = partial<K>(a, b);
    if (r.is_none())
      return path_map<V>();
    if (r.is_identity())
      return (r.identity_mask() & id_a) ? a : b;
    return std::move(r).get();
  }
};

} // namespace detail

// -- nested maps ----------------------------------------------------------------------------------

/// Maps are lattices themselves (the trie algebra), so maps can be nested as values. An empty
/// result is none.
template <lattice_type V>
struct lattice<path_map<V>> {
  static algebraic_result<path_map<V>> pjoin(const path_map<V>& a, const path_map<V>& b) {
    return detail::map_algebra<V>::template partial<detail::merge_kind::join>(a, b);
  }
  static algebraic_result<path_map<V>> pmeet(const path_map<V>& a, const path_map<V>& b) {
    return detail::map_algebra<V>::template partial<detail::merge_kind::meet>(a, b);
  }
  static algebraic_result<path_map<V>> psubtract(const path_map<V>& a, const path_map<V>& b)
    requires distributive_lattice_type<V>
  {
    return detail::map_algebra<V>::template partial<detail::merge_kind::subtract>(a, b);
  }
};

// -- whole maps ----------------------------------------------------------------------------------

/// The union of both maps (see the file comment). O(1) when one side is empty or both share
/// their root node.
template <class V>
path_map<V> path_map<V>::join(const path_map& other) const
  requires lattice_type<V>
{
  return detail::map_algebra<V>::template whole<detail::merge_kind::join>(*this, other);
}

/// The paths present in both maps, with the values that `pmeet` keeps.
template <class V>
path_map<V> path_map<V>::meet(const path_map& other) const
  requires lattice_type<V>
{
  return detail::map_algebra<V>::template whole<detail::merge_kind::meet>(*this, other);
}

/// This map's paths and values minus `other`'s (values with `psubtract`).
template <class V>
path_map<V> path_map<V>::subtract(const path_map& other) const
  requires distributive_lattice_type<V>
{
  return detail::map_algebra<V>::template whole<detail::merge_kind::subtract>(*this, other);
}

/// The paths of this map that have a prefix (or are equal to a path) holding a value in
/// `other`. When `other` has a root value this is an O(1) copy of `*this`; otherwise the result
/// has no root value.
template <class V>
path_map<V> path_map<V>::restrict(const path_map& other) const {
  if (other.root_val_)
    return *this;
  using aops = detail::algebra_ops<V>;
  detail::sub_view a = aops::root_view(root_.get()), b = aops::root_view(other.root_.get());
  detail::merger<V, detail::merge_kind::restrict> m;
  return from_parts(m.run_ptr(a, b), std::nullopt);
}

/// The crate's `restrict_by_paths`: `restrict` with a guard of any value type, which also
/// keeps structure: what `restrict` keeps (the paths and values of this map that have a prefix,
/// or an equal path, holding a value in `guard`), and every path of this map that exists in
/// `guard` too (dangling where no guard value covers it). With a guard root value, the whole map. The result is built by
/// walking this map (positions without a guard value above them and without a guard path are
/// skipped with what is below them), not by sharing its nodes.
template <class V>
template <class G>
path_map<V> path_map<V>::restrict_by_paths(const path_map<G>& guard) const {
  if (guard.get_val_at({}) != nullptr)
    return *this;
  constexpr std::size_t none = ~std::size_t{0};
  path_map<V> out;
  {
    auto z = read_zipper();
    auto g = guard.read_zipper();
    auto w = out.write_zipper();
    // Every move of `z` below ascends some bytes and then steps to one new last byte; `g` and
    // `w` follow it the same way, so that a megabyte path costs linear time, not quadratic.
    std::size_t at = 0; // path length where `g` and `w` stand
    auto follow = [&] {
      const path_view p = z.path();
      const std::size_t up = at - (p.size() - 1);
      g.ascend(up);
      w.ascend(up);
      g.descend_to_byte(p[p.size() - 1]);
      w.descend_to_byte(p[p.size() - 1]);
      at = p.size();
    };
    std::size_t covered = none; // length of the shortest prefix of the focus with a guard value
    bool more = z.to_next_step();
    while (more) {
      follow();
      const std::size_t len = at;
      if (covered != none && covered >= len)
        covered = none; // that prefix was left behind
      const bool in_guard = g.path_exists();
      if (covered == none && in_guard && g.is_val())
        covered = len;
      if (covered == none && !in_guard) {
        // Nothing at or below this position can be kept: go past its subtrie.
        // The next sibling of this position or of the nearest ancestor that has one; `follow`
        // catches up with however far `z` went up.
        while (!(more = z.to_next_sibling_byte()) && z.ascend_byte()) {
        }
        continue;
      }
      if (covered != none) {
        // Below a guard value everything of this map stays, as in `restrict`.
        if (const V* v = z.val())
          w.set_val(*v);
        else if (z.child_count() == 0)
          w.create_path();
      } else if (in_guard && (z.child_mask() & g.child_mask()).empty()) {
        w.create_path(); // the deepest path here that both maps have
      }
      more = z.to_next_step();
    }
  }
  return out;
}

/// Joins `other` into this map (root values included). Returns `identity` when nothing
/// changed, `none` when the map is (still) empty, `element` otherwise.
template <class V>
algebraic_status path_map<V>::join_into(path_map other)
  requires lattice_type<V>
{
  using aops = detail::algebra_ops<V>;
  using fe = detail::focus_edit<V>;
  detail::sub_view a = aops::root_view(root_.get()), b = aops::root_view(other.root_.get());
  bool node_was_none = a.empty(), val_was_none = !root_val_;
  detail::merger<V, detail::merge_kind::join> m;
  detail::sub_result<V> r = m.run(a, b);
  algebraic_status node_st = fe::node_status(r);
  algebraic_status val_st = val_was_none ? algebraic_status::none : algebraic_status::identity;
  std::optional<V> new_val;
  bool val_changed = false;
  if (other.root_val_) {
    if (!root_val_) {
      new_val = std::move(other.root_val_);
      val_changed = true;
      val_st = algebraic_status::element;
    } else {
      auto vo = detail::value_merge<V, detail::merge_kind::join>::run(&*root_val_,
                                                                       &*other.root_val_);
      if (!(vo.ident & detail::id_a)) {
        new_val = detail::value_merge<V, detail::merge_kind::join>::value(
          std::move(vo), &*root_val_, &*other.root_val_);
        val_changed = true;
        val_st = new_val ? algebraic_status::element : algebraic_status::none;
      }
    }
  }
  if (!(r.ident & detail::id_a)) {
    ptr p = aops::to_ptr(std::move(r), a, b);
    root_ = std::move(p);
  }
  if (val_changed)
    root_val_ = std::move(new_val);
  return merge_status(node_st, val_st, node_was_none, val_was_none);
}

/// Keeps only what this map shares with `other` (= `write_zipper().meet_into(other's read
/// zipper, true)`).
template <class V>
algebraic_status path_map<V>::meet_into(const path_map& other)
  requires lattice_type<V>
{
  auto z = write_zipper();
  return z.meet_into(other.read_zipper(), true);
}

/// Removes `other`'s paths and values from this map (= `write_zipper().subtract_into(other's
/// read zipper, true)`).
template <class V>
algebraic_status path_map<V>::subtract_into(const path_map& other)
  requires distributive_lattice_type<V>
{
  auto z = write_zipper();
  return z.subtract_into(other.read_zipper(), true);
}

/// Joins `v` into the value at `p`: inserts it when there is none (`element`); otherwise
/// `existing ∨ v`: unchanged (`identity`), replaced (`element`), or removed with pruning when the
/// join cancels (`none`). Works at the root too.
template <class V>
algebraic_status path_map<V>::join_val_at(path_view p, V v)
  requires lattice_type<V>
{
  const V* cur = get_val_at(p);
  if (!cur) {
    set_val_at(p, std::move(v));
    return algebraic_status::element;
  }
  auto r = lattice<V>::pjoin(*cur, v);
  if (r.is_none()) {
    remove_val_at(p, true);
    return algebraic_status::none;
  }
  if (r.is_identity()) {
    if (r.identity_mask() & self_ident)
      return algebraic_status::identity;
    set_val_at(p, std::move(v));
    return algebraic_status::element;
  }
  set_val_at(p, std::move(r).get());
  return algebraic_status::element;
}

// -- write zippers ------------------------------------------------------------------------------

/// Joins the subtrie below `src`'s focus into the subtrie below this focus. The values *at*
/// the two foci are not combined (the crate's v0.3 behaviour; `join_map_into` does combine
/// them). Returns `none` when both subtries are empty, `identity` when this subtrie is
/// unchanged (also when `src`'s is empty), `element` otherwise (also when this subtrie simply
/// becomes `src`'s, shared). `src` may read the same map.
template <class V>
template <class Z>
algebraic_status write_zipper<V>::join_into(const Z& src)
  requires lattice_type<V>
{
  using fe = detail::focus_edit<V>;
  detail::sub_view b = fe::source_view(src.read_core());
  path_view f = core_.walk_path();
  detail::sub_view a = fe::view(*origin_, f);
  if (b.empty())
    return a.empty() ? algebraic_status::none : algebraic_status::identity;
  detail::merger<V, detail::merge_kind::join> m;
  detail::sub_result<V> r = m.run(a, b);
  if (r.ident & detail::id_a)
    return algebraic_status::identity;
  ptr p = detail::algebra_ops<V>::to_ptr(std::move(r), a, b);
  touch();
  fe::set_subtrie(*origin_, f, std::move(p));
  return algebraic_status::element;
}

/// Like `join_into`, from a map, whose root value is also joined into the focus value (set
/// when the focus has none).
template <class V>
algebraic_status write_zipper<V>::join_map_into(path_map<V> map)
  requires lattice_type<V>
{
  using fe = detail::focus_edit<V>;
  using vm = detail::value_merge<V, detail::merge_kind::join>;
  auto [root, mval] = std::move(map).into_parts();
  path_view f = core_.walk_path();
  detail::sub_view a = fe::view(*origin_, f);
  detail::sub_view b = detail::algebra_ops<V>::root_view(root.get());
  const V* va = fe::value(*origin_, *origin_val_, f);
  bool node_was_none = a.empty(), val_was_none = !va;
  detail::merger<V, detail::merge_kind::join> m;
  detail::sub_result<V> r = m.run(a, b);
  algebraic_status node_st = fe::node_status(r);
  algebraic_status val_st = va ? algebraic_status::identity : algebraic_status::none;
  bool val_changed = false;
  std::optional<V> new_val;
  if (mval) {
    auto vo = vm::run(va, &*mval);
    if (!(vo.ident & detail::id_a)) {
      new_val = vm::value(std::move(vo), va, &*mval);
      val_changed = true;
      val_st = new_val ? algebraic_status::element : algebraic_status::none;
    }
  }
  ptr p;
  bool node_changed = !(r.ident & detail::id_a);
  if (node_changed)
    p = detail::algebra_ops<V>::to_ptr(std::move(r), a, b);
  if (node_changed || val_changed)
    touch();
  if (node_changed)
    fe::set_subtrie(*origin_, f, std::move(p));
  if (val_changed)
    fe::set_value(*origin_, *origin_val_, f, std::move(new_val));
  return merge_status(node_st, val_st, node_was_none, val_was_none);
}

namespace detail {

/// The shared body of `meet_into` and `subtract_into` on a write zipper's focus.
template <class V, merge_kind K>
algebraic_status focus_binary(node_ptr<V>& origin, std::optional<V>& origin_val, path_view f,
                              const zipper_core<V>& sc, bool prune, bool& touched) {
  using fe = focus_edit<V>;
  using vm = value_merge<V, K>;
  sub_view b = fe::source_view(sc);
  const V* vb = sc.path_exists() ? sc.val() : nullptr;
  sub_view a = fe::view(origin, f);
  const V* va = fe::value(origin, origin_val, f);
  bool node_was_none = a.empty(), val_was_none = !va;
  merger<V, K> m;
  sub_result<V> r = m.run(a, b);
  algebraic_status node_st = fe::node_status(r);
  auto vo = vm::run(va, vb);
  bool val_changed = va && !(vo.ident & id_a);
  std::optional<V> new_val;
  if (val_changed)
    new_val = vm::value(std::move(vo), va, vb);
  algebraic_status val_st = !va            ? algebraic_status::none
                            : !val_changed ? algebraic_status::identity
                            : new_val      ? algebraic_status::element
                                           : algebraic_status::none;
  bool node_changed = !(r.ident & id_a);
  node_ptr<V> p;
  if (node_changed)
    p = algebra_ops<V>::to_ptr(std::move(r), a, b);
  touched = node_changed || val_changed || prune;
  if (node_changed)
    fe::set_subtrie(origin, f, std::move(p));
  if (val_changed)
    fe::set_value(origin, origin_val, f, std::move(new_val));
  if (prune)
    fe::prune(origin, f);
  return merge_status(node_st, val_st, node_was_none, val_was_none);
}

} // namespace detail

/// Intersects the subtrie below this focus with the one below `src`'s focus, the focus values
/// included (`pmeet`; the focus value goes when `src` has none). With `prune`, a focus left
/// dangling is pruned. Returns the merged status of subtrie and value.
template <class V>
template <class Z>
algebraic_status write_zipper<V>::meet_into(const Z& src, bool prune)
  requires lattice_type<V>
{
  bool touched = false;
  const auto& sc = src.read_core(); // first: refreshing may rebuild this zipper's path buffer
  auto st = detail::focus_binary<V, detail::merge_kind::meet>(*origin_, *origin_val_,
                                                              core_.walk_path(), sc, prune,
                                                              touched);
  if (touched)
    touch();
  return st;
}

/// Removes `src`'s subtrie and focus value from this focus (`psubtract` where both have a
/// value). With `prune`, a focus left dangling is pruned.
template <class V>
template <class Z>
algebraic_status write_zipper<V>::subtract_into(const Z& src, bool prune)
  requires distributive_lattice_type<V>
{
  bool touched = false;
  const auto& sc = src.read_core(); // first: refreshing may rebuild this zipper's path buffer
  auto st = detail::focus_binary<V, detail::merge_kind::subtract>(*origin_, *origin_val_,
                                                                  core_.walk_path(), sc, prune,
                                                                  touched);
  if (touched)
    touch();
  return st;
}

/// Keeps only the paths below this focus that have a prefix (or are equal to a path) holding a
/// value below `src`'s focus. A value at `src`'s focus allows everything (`identity`). This
/// focus value is never touched and nothing is pruned. Returns `none` when nothing is left
/// below the focus (also when `src`'s focus does not exist), `identity` when nothing changed.
template <class V>
template <class Z>
algebraic_status write_zipper<V>::restrict(const Z& src) {
  using fe = detail::focus_edit<V>;
  const auto& sc = src.read_core();
  if (sc.path_exists() && sc.val())
    return algebraic_status::identity;
  detail::sub_view b = fe::source_view(sc);
  path_view f = core_.walk_path();
  detail::sub_view a = fe::view(*origin_, f);
  detail::merger<V, detail::merge_kind::restrict> m;
  detail::sub_result<V> r = m.run(a, b);
  if (r.empty) {
    if (!a.empty()) {
      touch();
      fe::set_subtrie(*origin_, f, {});
    }
    return algebraic_status::none;
  }
  if (r.ident & detail::id_a)
    return algebraic_status::identity;
  ptr p = detail::algebra_ops<V>::to_ptr(std::move(r), a, b);
  touch();
  fe::set_subtrie(*origin_, f, std::move(p));
  return algebraic_status::element;
}

/// Replaces the subtrie below this focus with the meet of the subtries below the foci of `a`
/// and `b` (the focus value is not touched). Returns `element`, or `none` when the meet is
/// empty (the branches are then removed); never `identity`.
template <class V>
template <class ZA, class ZB>
algebraic_status write_zipper<V>::meet_2(const ZA& a, const ZB& b)
  requires lattice_type<V>
{
  using fe = detail::focus_edit<V>;
  detail::sub_view va = fe::source_view(a.read_core());
  detail::sub_view vb = fe::source_view(b.read_core());
  detail::merger<V, detail::merge_kind::meet> m;
  ptr p = m.run_ptr(va, vb);
  bool empty = !p;
  touch();
  fe::set_subtrie(*origin_, core_.walk_path(), std::move(p));
  return empty ? algebraic_status::none : algebraic_status::element;
}

/// The reverse of `restrict`: the paths of this subtrie that hold values act as stems, and the
/// subtrie below `src`'s focus, limited to the paths that have a prefix (or are equal to a
/// path) holding a value here, replaces this subtrie. Returns false, changing nothing, when
/// either subtrie is empty, and false when nothing of `src` is left (this subtrie is then
/// empty). The focus value is not touched.
template <class V>
template <class Z>
bool write_zipper<V>::restricting(const Z& src) {
  using fe = detail::focus_edit<V>;
  detail::sub_view b = fe::source_view(src.read_core());
  path_view f = core_.walk_path();
  detail::sub_view a = fe::view(*origin_, f);
  if (a.empty() || b.empty())
    return false;
  detail::merger<V, detail::merge_kind::restrict> m;
  ptr p = m.run_ptr(b, a);
  bool any = static_cast<bool>(p);
  touch();
  fe::set_subtrie(*origin_, f, std::move(p));
  return any;
}

/// Moves the subtrie below `src`'s focus into this one with join semantics and removes it
/// from `src` (pruning `src`'s focus when asked); `src`'s focus value stays. When `src` has
/// nothing below its focus: `identity`, or `none` when this subtrie is empty too.
template <class V>
algebraic_status write_zipper<V>::join_into_take(write_zipper& src, bool prune)
  requires lattice_type<V>
{
  ptr taken = detail::algebra_ops<V>::materialize(
    detail::focus_edit<V>::source_view(src.read_core()));
  if (!taken) {
    path_view f = core_.walk_path();
    return detail::focus_edit<V>::view(*origin_, f).empty() ? algebraic_status::none
                                                             : algebraic_status::identity;
  }
  src.remove_branches(prune);
  return join_map_into(path_map<V>::from_parts(std::move(taken), std::nullopt));
}

namespace detail {

/// The depth-`k` subtries and values below a zipper's focus, in path order.
template <class V, class Z>
std::vector<fold_item<V>> k_path_items(const Z& z, std::size_t k) {
  std::vector<fold_item<V>> items;
  auto rz = z.fork_read_zipper();
  if (k == 0 || !rz.descend_first_k_path(k))
    return items;
  do {
    fold_item<V>& it = items.emplace_back();
    it.view = algebra_ops<V>::view_at(rz.read_core().focus());
    it.val = rz.val();
  } while (rz.to_next_k_path(k));
  return items;
}

/// The body of `join_k_path_into` / `meet_k_path_into`.
template <class V, merge_kind K>
bool collapse_k_paths(node_ptr<V>& origin, std::optional<V>& origin_val, path_view f,
                      std::vector<fold_item<V>> items, bool prune) {
  using fe = focus_edit<V>;
  auto [node, val] = fold_items<V, K>(std::move(items));
  bool survived = node || val;
  std::optional<V> new_val;
  bool val_changed = false;
  if (val) {
    const V* cur = fe::value(origin, origin_val, f);
    auto vo = value_merge<V, merge_kind::join>::run(cur, &*val);
    if (!(vo.ident & id_a)) {
      new_val = value_merge<V, merge_kind::join>::value(std::move(vo), cur, &*val);
      val_changed = true;
    }
  }
  fe::set_subtrie(origin, f, std::move(node));
  if (val_changed)
    fe::set_value(origin, origin_val, f, std::move(new_val));
  if (!survived && prune)
    fe::prune(origin, f);
  return survived;
}

} // namespace detail

/// Every path below the focus loses its first `k` bytes and everything left is joined at the
/// focus: the subtries found exactly `k` bytes down are joined together (adjacent ones first,
/// the earlier path always on the left, so for "left wins" values the value of the smallest
/// path wins), paths shorter than `k` disappear, and the values found exactly `k` bytes down
/// are joined the same way and then joined into the focus value (set when the focus has
/// none). Returns true when anything was collapsed (a subtrie or a value); otherwise the
/// subtrie below the focus is now empty, and with `prune` a dangling focus is pruned. `k == 0`
/// changes nothing and returns whether the focus has a value or a subtrie.
template <class V>
bool write_zipper<V>::join_k_path_into(std::size_t k, bool prune)
  requires lattice_type<V>
{
  using fe = detail::focus_edit<V>;
  auto items = detail::k_path_items<V>(*this, k); // first: it refreshes the frames
  path_view f = core_.walk_path();
  if (k == 0)
    return !fe::view(*origin_, f).empty() || fe::value(*origin_, *origin_val_, f);
  touch();
  return detail::collapse_k_paths<V, detail::merge_kind::join>(*origin_, *origin_val_, f,
                                                                 std::move(items), prune);
}

/// Like `join_k_path_into`, with meet: the result is the intersection of all the subtries
/// found exactly `k` bytes down (and the meet of their values, joined into the focus value).
/// Returns false, with the branches removed (and the focus pruned when asked), when the
/// intersection is empty.
template <class V>
bool write_zipper<V>::meet_k_path_into(std::size_t k, bool prune)
  requires lattice_type<V>
{
  using fe = detail::focus_edit<V>;
  auto items = detail::k_path_items<V>(*this, k); // first: it refreshes the frames
  path_view f = core_.walk_path();
  if (k == 0)
    return !fe::view(*origin_, f).empty() || fe::value(*origin_, *origin_val_, f);
  touch();
  return detail::collapse_k_paths<V, detail::merge_kind::meet>(*origin_, *origin_val_, f,
                                                                 std::move(items), prune);
}

} // namespace pathmap

#include "pathmap/morphisms.hpp"
