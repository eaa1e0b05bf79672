#pragma once
/// @file
/// `zipper_core<V>`: the navigation engine shared by every zipper.
///
/// State: the *origin* (a node and the value slot at its root), the focus path (`path_`: first
/// `ext_` bytes that lead to the origin from a zipper head's root and are never walked, then
/// bytes from the origin; the first `root_len_` bytes are the zipper's root prefix), and a stack
/// of frames that locate the focus in the trie without searching again:
///
/// - a frame `(h, e, off, depth)` is a position inside entry `e` of node `h` after `off` key
///   bytes (`1 <= off <= key_len`), or the root of `h` when `e < 0` (only the origin frame);
///   `depth` is the path length at `h`'s root;
/// - frames below the top are at the end of their entry, and the next frame's node is that
///   entry's child;
/// - `missing_` counts trailing bytes of `path_` below the deepest existing position (the focus
///   may sit on a path that does not exist).
///
/// Positions inside a key have exactly one child and no value, so the iteration steps jump
/// over whole keys: `to_next_val` costs one step per entry, not per byte. Frames hold plain
/// node pointers: the owner keeps the trie alive and unchanged (read zippers borrow a map;
/// write zippers rebuild the frames after each write, see `invalidate`).

#include <cstdint>
#include <vector>

#include "pathmap/detail/path_buffer.hpp"
#include "pathmap/detail/trie_ops.hpp"

namespace pathmap::detail {

template <class V>
class zipper_core {
public:
  using ops = node_ops<V>;
  using trie = trie_ops<V>;

  struct frame {
    const node_header* h;
    int e;
    std::size_t off;
    std::size_t depth;
  };

  // -- set-up ---------------------------------------------------------------

  zipper_core() = default;

  /// Places the zipper: origin node `origin` with root value `origin_val`, which sits at
  /// `above` (path bytes reported by `origin_path()` but not walked: where a zipper head put
  /// the origin); the root is `root` below the origin. `origin_missing` says that the origin
  /// position itself does not exist (a head reader at a missing path).
  void init(const node_header* origin, const V* origin_val, path_view above, path_view root,
            bool origin_missing = false) {
    origin_missing_ = origin_missing;
    origin_ = origin;
    origin_val_ = origin_val;
    // The frame stack takes a whole 256-byte size class (line-aligned in jemalloc), for the
    // reason path_buffer.hpp gives for paths.
    stack_.reserve(256 / sizeof(frame));
    path_.truncate(0);
    path_.append(above);
    path_.append(root);
    ext_ = above.size();
    root_len_ = path_.size();
    rebuild();
  }

  /// Re-points the origin after the trie changed and recomputes the frames for the same path.
  void reorigin(const node_header* origin, const V* origin_val) {
    origin_ = origin;
    origin_val_ = origin_val;
    rebuild();
  }

  /// Path-only moves for an owner whose frames are stale (it calls `reorigin` before the next
  /// query): append bytes, or cut the path to origin-relative length `len` (never above the
  /// root).
  void lazy_append(path_view k) { path_.append(k); }
  void lazy_truncate(std::size_t len) { path_.truncate(std::max(len, root_len_)); }
  /// Walks the last `n` path bytes, which were appended with `lazy_append` to a path whose
  /// frames were right.
  void catch_up(std::size_t n) {
    const std::size_t keep = path_.size() - n;
    std::vector<std::uint8_t> tail(path_.data() + keep, path_.data() + path_.size());
    path_.truncate(keep);
    descend_to(path_view{tail.data(), tail.size()});
  }

  /// Room for a path of `path_len` bytes (from the origin) and `depth` frames.
  void reserve(std::size_t path_len, std::size_t depth) {
    path_.reserve(ext_ + path_len);
    stack_.reserve(depth + 1);
  }

  /// Makes this a zipper rooted at `o`'s focus (a fork).
  void fork_from(const zipper_core& o) {
    *this = o;
    root_len_ = path_.size();
  }

  // -- paths ------------------------------------------------------------------

  path_view path() const noexcept {
    return {path_.data() + root_len_, path_.size() - root_len_};
  }
  path_view origin_path() const noexcept { return {path_.data(), path_.size()}; }
  path_view root_prefix_path() const noexcept { return {path_.data(), root_len_}; }
  /// The focus path measured from the origin node (what the trie algorithms walk).
  path_view walk_path() const noexcept { return {path_.data() + ext_, path_.size() - ext_}; }
  bool at_root() const noexcept { return path_.size() == root_len_; }
  const node_header* origin() const noexcept { return origin_; }
  const V* origin_val() const noexcept { return origin_val_; }

  // -- focus queries ----------------------------------------------------------

  bool path_exists() const noexcept { return missing_ == 0; }

  /// True when the zipper's root itself does not exist (nothing is below it).
  bool root_missing() const noexcept { return missing_ > path_.size() - root_len_; }

  position focus() const noexcept {
    const frame& f = stack_.back();
    return {f.h, f.e, f.off};
  }

  const V* val() const noexcept {
    if (missing_)
      return nullptr;
    const frame& f = stack_.back();
    if (f.e < 0)
      return origin_val_;
    return trie::value_at(focus());
  }

  std::size_t child_count() const noexcept {
    return missing_ ? 0 : std::size_t(trie::child_count(focus()));
  }

  byte_mask child_mask() const noexcept {
    return missing_ ? byte_mask{} : trie::child_mask(focus());
  }

  /// The node whose root is the focus: the zipper root's node, or the child of the entry the
  /// focus ends; null inside a key, at a leaf and on a missing path.
  const node_header* focus_node() const noexcept {
    if (missing_)
      return nullptr;
    const frame& f = stack_.back();
    if (f.e < 0)
      return f.h;
    return f.off >= ops::key_len(f.h, f.e) ? ops::child(f.h, f.e) : nullptr;
  }

  /// Whether the node whose root is the focus (or, where there is none, the node holding the
  /// focus) has more than one reference. Packed nodes always do (they count on their arena).
  bool focus_shared() const noexcept {
    if (missing_)
      return false;
    const frame& f = stack_.back();
    const node_header* n = focus_node();
    if (!n && f.e >= 0)
      n = f.h;
    return n != nullptr && maybe_shared(n);
  }

  std::size_t val_count() const {
    if (missing_)
      return 0;
    return (val() ? 1 : 0) + trie::count_below(focus());
  }

  /// The subtrie below the focus as a node (shared when possible).
  node_ptr<V> focus_subtrie() const {
    if (missing_)
      return {};
    return trie::subtrie_at(focus());
  }

  // -- moving down --------------------------------------------------------------

  void descend_byte(std::uint8_t b) {
    path_.push_back(b);
    if (missing_) {
      ++missing_;
      return;
    }
    frame& f = stack_.back();
    if (f.e < 0) {
      int e = f.h ? ops::find(f.h, b) : -1;
      if (e < 0) {
        missing_ = 1;
        return;
      }
      f.e = e;
      f.off = 1;
      return;
    }
    std::size_t kl = ops::key_len(f.h, f.e);
    if (f.off < kl) {
      if (ops::key_byte(f.h, f.e, f.off) == b)
        ++f.off;
      else
        missing_ = 1;
      return;
    }
    const node_header* c = ops::child(f.h, f.e);
    int e = c ? ops::find(c, b) : -1;
    if (e < 0) {
      missing_ = 1;
      return;
    }
    stack_.push_back({c, e, 1, f.depth + kl});
  }

  void descend_to(path_view k) {
    path_.reserve(path_.size() + k.size());
    std::size_t i = 0;
    while (i < k.size()) {
      if (missing_) {
        path_.append(k.subview(i));
        missing_ += k.size() - i;
        return;
      }
      // Inside a key, compare a run of bytes at once.
      frame& f = stack_.back();
      if (f.e >= 0) {
        std::size_t kl = ops::key_len(f.h, f.e);
        if (f.off < kl && f.off >= 1) {
          path_view t = ops::tail(f.h, f.e);
          std::size_t n = std::min(kl - f.off, k.size() - i);
          std::size_t l = 0;
          while (l < n && t[f.off - 1 + l] == k[i + l])
            ++l;
          path_.append(k.subview(i, l));
          f.off += l;
          i += l;
          if (l < n) {
            descend_byte(k[i++]); // the mismatch: becomes missing
          }
          continue;
        }
      }
      descend_byte(k[i++]);
    }
  }

  /// Follows `k` only while it exists; returns the bytes descended.
  std::size_t descend_to_existing(path_view k) { return descend_existing(k, false); }

  /// Like `descend_to_existing`, stopping just after the first byte that lands on a value.
  std::size_t descend_to_val(path_view k) { return descend_existing(k, true); }

  /// Descends to the first child, jumping to the end of its key. False at a leaf. When it
  /// moves, `*at` (if given) is the entry whose key end is the new focus.
  bool descend_first_jump(entry_ref<V>* at = nullptr) {
    if (missing_)
      return false;
    frame& f = stack_.back();
    if (f.e < 0) {
      if (!f.h || ops::count(f.h) == 0)
        return false;
      enter_jump(f, ops::first_entry(f.h), at);
      return true;
    }
    std::size_t kl = ops::key_len(f.h, f.e);
    if (f.off < kl) {
      const entry_ref<V> r = ops::entry(f.h, f.e);
      path_.append_node_bytes(r.tail.subview(f.off - 1));
      f.off = kl;
      if (at)
        *at = r;
      return true;
    }
    const node_header* c = ops::child(f.h, f.e);
    if (!c)
      return false;
    stack_.push_back({c, -1, 0, f.depth + kl});
    enter_jump(stack_.back(), ops::first_entry(c), at);
    return true;
  }

  /// Descends one byte into the child with index `i` of the child mask (0 = first,
  /// -1 = last). False, unmoved, when there is none.
  bool descend_indexed(int i) {
    if (missing_)
      return false;
    byte_mask m = child_mask();
    int b = i < 0 ? m.last() : m.nth(i);
    if (b < 0)
      return false;
    descend_byte(std::uint8_t(b));
    return true;
  }

  /// While there is exactly one child, descend, stopping at a value. True when moved.
  bool descend_until(std::size_t max_bytes = std::size_t(-1)) {
    bool moved = false;
    while (max_bytes > 0 && !missing_ && child_count() == 1) {
      frame& f = stack_.back();
      std::size_t run = 1;
      if (f.e >= 0 && f.off < ops::key_len(f.h, f.e))
        run = std::min(ops::key_len(f.h, f.e) - f.off, max_bytes);
      if (run > 1) {
        path_view t = ops::tail(f.h, f.e);
        path_.append_node_bytes(t.subview(f.off - 1, run));
        f.off += run;
      } else {
        descend_byte(std::uint8_t(child_mask().first()));
      }
      max_bytes -= run;
      moved = true;
      if (val())
        break;
    }
    return moved;
  }

  // -- moving up ----------------------------------------------------------------

  /// Up one byte; false at the root.
  bool ascend_one() {
    if (at_root())
      return false;
    path_.pop_back();
    if (missing_) {
      --missing_;
      return true;
    }
    step_back();
    return true;
  }

  /// Up `n` bytes, stopping at the root (then false).
  bool ascend(std::size_t n) {
    std::size_t can = path_.size() - root_len_;
    std::size_t go = std::min(n, can);
    truncate(path_.size() - go);
    return go == n;
  }

  void reset() { truncate(root_len_); }

  /// Moves the focus to origin-relative length `len` (<= current length) by going up.
  void truncate(std::size_t len) {
    std::size_t drop = path_.size() - len;
    std::size_t m = std::min(drop, missing_);
    missing_ -= m;
    drop -= m;
    path_.truncate(path_.size() - m);
    while (drop > 0) {
      frame& f = stack_.back();
      if (f.e >= 0 && f.off > 1) {
        std::size_t s = std::min(drop, f.off - 1);
        f.off -= s;
        drop -= s;
        path_.truncate(path_.size() - s);
        continue;
      }
      path_.pop_back();
      step_back();
      --drop;
    }
  }

  /// Goes up to the nearest ancestor with a value or several children (values ignored when
  /// `branch_only`), or the root. False when already at the root.
  bool ascend_until(bool branch_only) {
    if (at_root())
      return false;
    do {
      ascend_one();
    } while (!at_root() && !((!branch_only && val()) || child_count() >= 2));
    return true;
  }

  // -- siblings and iteration -----------------------------------------------------

  /// Swaps the last byte for the next (`forward`) or previous existing sibling byte.
  bool sibling(bool forward) {
    if (missing_ || at_root())
      return false;
    frame& f = stack_.back();
    if (f.e < 0 || f.off != 1 || f.depth < root_len_)
      return false;
    int e = forward ? ops::next_entry(f.h, f.e) : ops::prev_entry(f.h, f.e);
    if (e < 0)
      return false;
    f.e = e;
    path_.back() = ops::first_byte(f.h, e);
    return true;
  }

  /// Moves to the next position in depth-first order after the focus's subtree: up until a
  /// sibling exists, then to it (to the end of its key when `jump`, and then `*at`, if given,
  /// is that entry). False at the end, with the focus back at the root.
  bool next_after_subtree(bool jump, entry_ref<V>* at = nullptr) {
    if (root_missing()) {
      reset();
      return false;
    }
    leave_missing();
    frame* f;
    int e;
    if (!next_entry_up(f, e))
      return false;
    if (jump)
      enter_jump(*f, e, at);
    else
      enter(*f, e);
    return true;
  }

  bool to_next_val() { return to_next_get_val() != nullptr; }

  /// `to_next_val`, returning the value it lands on (null when done).
  const V* to_next_get_val() {
    if (root_missing())
      return nullptr;
    if (missing_)
      return skip_missing() ? val() : nullptr;
    if (const V* v = next_dense_leaf())
      return v;
    return next_val_by_entries();
  }

  /// The hot case of `to_next_val`: the focus is a childless entry of a dense node, and the
  /// next entry of that node is a childless value. Moves there and returns the value;
  /// otherwise changes nothing and returns null.
  const V* next_dense_leaf() noexcept {
    frame& f = stack_.back();
    if (f.e < 0 || f.h->tag != node_tag::dense || f.depth < root_len_)
      return nullptr;
    using dn = dense_node<V>;
    if (f.h->f2 == 256 && f.h->f0 == 0) {
      // A full leaf (every byte has a value, no child array): the next value is the next byte's,
      // at rank = byte. The last level of dense integer keys; nothing else to check.
      if (f.e == 255)
        return nullptr;
      ++f.e;
      path_.back() = std::uint8_t(f.e);
      return dn::values(f.h) + f.e;
    }
    const byte_mask& kids = dn::kids(f.h);
    if (kids.test(std::uint8_t(f.e)))
      return nullptr;
    int nx = dn::exists(f.h).next_at_or_after(f.e + 1);
    if (nx < 0 || kids.test(std::uint8_t(nx)) || !dn::vals(f.h).test(std::uint8_t(nx)))
      return nullptr;
    // Entries between f.e and nx do not exist, so nx's value directly follows f.e's (if any).
    const V* v = dense_cursor_h_ == f.h && dense_cursor_e_ == f.e
                   ? dense_cursor_ + 1
                   : dn::values(f.h) + dn::vals(f.h).rank(std::uint8_t(nx));
    f.e = nx;
    path_.back() = std::uint8_t(nx);
    dense_cursor_h_ = f.h;
    dense_cursor_e_ = nx;
    dense_cursor_ = v;
    return v;
  }

  bool to_next_step() {
    if (root_missing())
      return false;
    if (missing_) {
      // The position that follows a missing path in depth-first order: a later child of its
      // deepest existing ancestor, or what follows that ancestor's subtree.
      const std::uint8_t m = path_[path_.size() - missing_];
      leave_missing();
      const int b = m == 255 ? -1 : child_mask().next_at_or_after(m + 1);
      if (b < 0)
        return next_after_subtree(false);
      descend_byte(std::uint8_t(b));
      return true;
    }
    if (child_count() > 0) {
      descend_byte(std::uint8_t(child_mask().first()));
      return true;
    }
    return next_after_subtree(false);
  }

  /// Depth-first search for the next path exactly `k` bytes below origin length `base`,
  /// starting by descending from the focus (`from_focus`) or by leaving its subtree.
  bool k_path_search(std::size_t base, std::size_t k, bool from_focus) {
    bool down = from_focus;
    for (;;) {
      std::size_t d = path_.size() - base;
      if (down && d == k && !missing_)
        return true;
      if (down && d < k && !missing_ && child_count() > 0) {
        descend_byte(std::uint8_t(child_mask().first()));
        continue;
      }
      // Leave this subtree: next sibling, or up.
      for (;;) {
        if (path_.size() == base)
          return false;
        if (sibling(true)) {
          down = true;
          break;
        }
        ascend_one();
      }
    }
  }

private:
  /// The search of `next_after_subtree` for a focus that exists: up until a frame has an entry
  /// after its current one. True with `f` that frame and `e` that entry, the path cut to the
  /// frame's depth; false at the end of the zipper's subtrie, with the focus at its root.
  bool next_entry_up(frame*& f, int& e) {
    for (;;) {
      if (at_root())
        return false;
      f = &stack_.back();
      if (f->e < 0)
        return false;
      if (f->depth < root_len_) {
        reset();
        return false;
      }
      e = ops::next_entry(f->h, f->e);
      path_.truncate(f->depth);
      if (e >= 0)
        return true;
      if (stack_.size() > 1) {
        stack_.pop_back();
      } else {
        f->e = -1;
        f->off = 0;
      }
    }
  }

  /// Follows `k` while it exists, with `stop_at_val` only up to the first byte that lands on a
  /// value; returns the bytes descended.
  std::size_t descend_existing(path_view k, bool stop_at_val) {
    std::size_t i = 0;
    while (i < k.size() && !missing_) {
      descend_byte(k[i]);
      if (missing_) {
        ascend_one();
        break;
      }
      ++i;
      if (stop_at_val && val())
        break;
    }
    return i;
  }

  /// The general case of `to_next_get_val` (an existing focus below the root), kept out of
  /// line so that the dense fast path stays small where it is inlined: an ordered walk of 1M
  /// dense keys took 66 instructions per key with this loop inlined, 51 without (60 before
  /// the loop existed).
  [[gnu::noinline]] const V* next_val_by_entries() {
    // Every step ends at the end of an entry's key, and the entry's value and child come with
    // the step (`enter_jump`), so that no step asks the node for them again; the entry of the
    // value returned last is kept (`last_`) for the first step of the next call.
    entry_ref<V> at;
    const frame& top = stack_.back();
    if (top.h == last_h_ && top.e == last_e_ && top.off == last_.tail.size() + 1) {
      at = last_;
    } else {
      if (!descend_first_jump(&at) && !next_after_subtree(true, &at))
        return nullptr;
      if (at.val)
        return keep_last(at);
    }
    // The focus exists from here on, so the sibling search skips next_after_subtree's checks
    // for a missing focus and steps inline (cachegrind, instructions per key: word list
    // 325 -> 283, 1M random 16-byte keys 324 -> 262).
    for (;;) {
      if (at.child) {
        const frame& f = stack_.back();
        stack_.push_back({at.child, -1, 0, f.depth + f.off});
        at = jump_into(stack_.back(), ops::first_entry(at.child));
      } else {
        frame* f;
        int e;
        if (!next_entry_up(f, e))
          return nullptr;
        at = jump_into(*f, e);
      }
      if (at.val)
        return keep_last(at);
    }
  }

  /// Remembers `at`, the entry at whose key end `to_next_get_val` stops, and returns its value.
  const V* keep_last(const entry_ref<V>& at) noexcept {
    last_h_ = stack_.back().h;
    last_e_ = stack_.back().e;
    last_ = at;
    return at.val;
  }

  /// Recomputes the frames for `path_` from the origin.
  void rebuild() {
    dense_cursor_h_ = nullptr;
    last_h_ = nullptr;
    stack_.clear();
    stack_.push_back({origin_, -1, 0, ext_});
    // A missing origin counts as one missing byte above everything walked, so that the root
    // and every position below it report "does not exist".
    missing_ = origin_missing_ ? 1 : 0;
    std::vector<std::uint8_t> p(path_.data() + ext_, path_.data() + path_.size());
    path_.truncate(ext_);
    descend_to(path_view{p.data(), p.size()});
  }

  /// Makes `f` (at a node root) point into entry `e` after its first byte.
  void enter(frame& f, int e) {
    f.e = e;
    path_.push_back(ops::first_byte(f.h, e));
    f.off = 1;
  }
  /// Makes `f` (at a node root) point at the end of entry `e`'s key; `*at` (if given) is the
  /// entry.
  void enter_jump(frame& f, int e, entry_ref<V>* at = nullptr) {
    const entry_ref<V> r = jump_into(f, e);
    if (at)
      *at = r;
  }
  /// `enter_jump`, returning the entry; always inlined for the iteration loop
  /// (`next_val_by_entries`), where the call cost 20 instructions per key.
  [[gnu::always_inline]] entry_ref<V> jump_into(frame& f, int e) {
    f.e = e;
    const entry_ref<V> r = ops::entry(f.h, e);
    path_.push_back(ops::first_byte(f.h, e));
    path_.append_node_bytes(r.tail);
    f.off = r.tail.size() + 1;
    return r;
  }

  /// The frame part of going up one byte (the path byte is already gone).
  void step_back() {
    frame& f = stack_.back();
    if (f.off > 1) {
      --f.off;
    } else if (stack_.size() > 1) {
      stack_.pop_back();
    } else {
      f.e = -1;
      f.off = 0;
    }
  }

  void leave_missing() {
    if (missing_)
      truncate(path_.size() - missing_);
  }

  /// From a missing focus, moves to the existing position that follows it in depth-first
  /// order and is a value, as `to_next_val` would. False when there is none.
  bool skip_missing() {
    std::uint8_t m = path_[path_.size() - missing_];
    leave_missing();
    frame& f = stack_.back();
    bool found = false;
    if (f.e >= 0 && f.off < ops::key_len(f.h, f.e)) {
      if (ops::key_byte(f.h, f.e, f.off) > m) {
        descend_first_jump();
        found = true;
      }
    } else {
      const node_header* n = f.e < 0 ? f.h : ops::child(f.h, f.e);
      int e = n ? ops::entry_after(n, m) : -1;
      if (e >= 0) {
        if (f.e < 0) {
          enter_jump(f, e);
        } else {
          stack_.push_back({n, -1, 0, f.depth + ops::key_len(f.h, f.e)});
          enter_jump(stack_.back(), e);
        }
        found = true;
      }
    }
    if (!found && !next_after_subtree(true))
      return false;
    return val() != nullptr || to_next_val();
  }

  const node_header* origin_ = nullptr;
  const V* origin_val_ = nullptr;
  path_buffer path_;
  std::size_t ext_ = 0;
  std::size_t root_len_ = 0;
  std::vector<frame> stack_{frame{nullptr, -1, 0, 0}};
  std::size_t missing_ = 0;
  bool origin_missing_ = false;
  // The value `next_dense_leaf` last returned (for entry `dense_cursor_e_` of node
  // `dense_cursor_h_`), so that the next step needs no rank. Cleared whenever the frames are
  // rebuilt, which every write does first.
  const node_header* dense_cursor_h_ = nullptr;
  int dense_cursor_e_ = -1;
  const V* dense_cursor_ = nullptr;
  // The entry (of node `last_h_`) where `to_next_get_val` returned last; cleared like the
  // dense cursor. An entry's tail, child and value depend on the node and the entry alone, so
  // a focus that moved away and came back to it finds them still right.
  const node_header* last_h_ = nullptr;
  int last_e_ = -1;
  entry_ref<V> last_{};
};

} // namespace pathmap::detail
