// The lock registry of a zipper head and the RAII tracker that holds one lock in it.
//
// Layout of a lock table (one per lock kind): a path-compressed radix tree.
//
//   node { frag, count, children }
//
// - `frag` holds the bytes from the parent's position to this node's position; it is empty only
//   for the root, which stands for the empty path. A node's path is the concatenation of the
//   fragments from the root down to it. It is a std::string so that fragments of up to 15 bytes
//   sit in the node itself (small-string buffer) instead of a second allocation.
// - `count` is the number of locks held exactly at the node's path (0: none). Writer tables only
//   ever hold 0 or 1.
// - `children` are sorted by the first byte of their fragment; no two children share a first
//   byte, so a byte selects at most one child.
//
// Invariant (I): every non-root node has `count > 0` or at least two children. So there are no
// dead leaves, a walk down first children always ends at a node holding a lock, and the tree
// has fewer than twice as many nodes as locked paths. Insertion keeps (I) by splitting a
// fragment where a new branch starts; removal keeps it by deleting a node that became an empty
// leaf and by letting a lock-free node that was left with one child absorb that child
// (fragment appended, count and children taken over).
//
// Nothing here recurses: walks are loops and the destructor dismantles the tree with an explicit
// stack, so long paths and deep chains of nested locks cannot overflow the stack.

#include "pathmap/detail/lock_registry.hpp"

#include "pathmap/detail/zipper_tracker.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

namespace pathmap::detail {

namespace {

// -- fatal errors -------------------------------------------------------------

[[noreturn]] void fatal(const char* what, path_view p) noexcept {
  std::string msg = "pathmap: lock_registry: ";
  msg += what;
  msg += " at path ";
  // A megabyte path would drown the message: list the first 64 bytes and the length.
  append_byte_list(msg, p, 64);
  msg += " (fatal)\n";
  std::fputs(msg.c_str(), stderr);
  std::fflush(stderr);
  std::abort();
}

// -- lock table ---------------------------------------------------------------

struct node {
  // The fragment's bytes, held in a std::string for its small-buffer optimization: fragments of
  // up to 15 bytes (the usual case) need no allocation of their own. Read them through bytes().
  std::string frag;
  std::uint32_t count = 0;
  std::vector<std::unique_ptr<node>> children;

  path_view bytes() const noexcept { return path_view{frag}; }
  std::uint8_t first_byte() const noexcept { return static_cast<std::uint8_t>(frag.front()); }
};

std::string to_frag(path_view p) {
  return std::string(p.as_string_view());
}

using child_iter = std::vector<std::unique_ptr<node>>::iterator;

// The first child whose fragment does not start below `b` (the child for `b`, if any).
template <class Node>
auto lower_child(Node& x, std::uint8_t b) noexcept {
  return std::lower_bound(x.children.begin(), x.children.end(), b,
                          [](const std::unique_ptr<node>& c, std::uint8_t key) {
                            return c->first_byte() < key;
                          });
}

// The child of `x` for byte `b`, or null.
const node* find_child(const node& x, std::uint8_t b) noexcept {
  auto it = lower_child(x, b);
  return it != x.children.end() && (*it)->first_byte() == b ? it->get() : nullptr;
}

// Whether `frag` is a prefix of `rest`.
bool frag_prefix_of(path_view frag, path_view rest) noexcept {
  return frag.size() <= rest.size() && std::memcmp(frag.data(), rest.data(), frag.size()) == 0;
}

// Length of the common prefix of `frag` and `rest`, comparing in memcmp-sized chunks first.
std::size_t mismatch_len(path_view frag, path_view rest) noexcept {
  const std::size_t n = std::min(frag.size(), rest.size());
  if (std::memcmp(frag.data(), rest.data(), n) == 0) // The common case: one fast compare.
    return n;
  constexpr std::size_t chunk = 64;
  std::size_t i = 0;
  while (i + chunk <= n && std::memcmp(frag.data() + i, rest.data() + i, chunk) == 0)
    i += chunk;
  while (i < n && frag[i] == rest[i])
    ++i;
  return i;
}

// A lock found by `lock_table::find_related`.
struct hit {
  pathmap::path at;
  std::uint32_t count;
};

// One kind of lock (readers or writers): path -> count, as a path-compressed radix tree.
class lock_table {
public:
  lock_table() = default;
  lock_table(const lock_table&) = delete;
  lock_table& operator=(const lock_table&) = delete;

  ~lock_table() {
    // Dismantle iteratively: a node is destroyed only after its children were moved out.
    std::vector<std::unique_ptr<node>> stack;
    for (auto& c : root_.children)
      stack.push_back(std::move(c));
    while (!stack.empty()) {
      std::unique_ptr<node> x = std::move(stack.back());
      stack.pop_back();
      for (auto& c : x->children)
        stack.push_back(std::move(c));
    }
  }

  bool empty() const noexcept { return root_.count == 0 && root_.children.empty(); }

  // The count exactly at `p` (0 when no lock is there).
  std::uint32_t count_at(path_view p) const noexcept {
    const node* x = &root_;
    std::size_t d = 0;
    while (d < p.size()) {
      const node* c = find_child(*x, p[d]);
      if (c == nullptr || !frag_prefix_of(c->bytes(), p.subview(d)))
        return 0;
      d += c->frag.size();
      x = c;
    }
    return x->count;
  }

  // The lock related to `p` that the spec reports first: the shallowest lock along `p` (at a
  // prefix of `p`, or at `p`), else the lexicographically first lock below `p`.
  std::optional<hit> find_related(path_view p) const {
    const node* x = &root_;
    std::size_t d = 0;
    for (;;) {
      if (x->count != 0) // Shallowest lock along p: the walk meets it first.
        return hit{p.subview(0, d).to_path(), x->count};
      if (d == p.size()) // x sits exactly at p; look strictly below it.
        return x->children.empty() ? std::nullopt
                                   : first_lock_from(p, x->children.front().get());
      const node* c = find_child(*x, p[d]);
      if (c == nullptr)
        return std::nullopt;
      path_view rest = p.subview(d);
      if (frag_prefix_of(c->bytes(), rest)) {
        d += c->frag.size();
        x = c;
        continue;
      }
      // p ends inside c's fragment: c's whole subtree lies strictly below p.
      if (rest.size() < c->frag.size()
          && std::memcmp(c->frag.data(), rest.data(), rest.size()) == 0)
        return first_lock_from(p.subview(0, d), c);
      return std::nullopt; // p leaves the tree inside c's fragment.
    }
  }

  // Adds `n` (> 0) to the count at `p`. Precondition: the sum does not overflow.
  // Strong exception guarantee: allocations happen before the tree is touched.
  void add(path_view p, std::uint32_t n) {
    node* x = &root_;
    std::size_t d = 0;
    for (;;) {
      if (d == p.size()) {
        x->count += n;
        return;
      }
      auto it = lower_child(*x, p[d]);
      if (it == x->children.end() || (*it)->first_byte() != p[d]) {
        x->children.insert(it, make_leaf(p.subview(d), n));
        return;
      }
      node* c = it->get();
      const std::size_t m = mismatch_len(c->bytes(), p.subview(d));
      if (m == c->frag.size()) {
        d += m;
        x = c;
        continue;
      }
      // Split c's fragment after m bytes (0 < m < |frag|): a new node `mid` takes the common
      // head and gets c, with the tail of its fragment, as a child. `mid` inherits c's fragment
      // buffer and only the tail is copied, so splitting a long fragment near its end is cheap
      // (the buffer's spare capacity is reused if the split is merged again later).
      auto mid = std::make_unique<node>();
      mid->children.reserve(2);
      std::string tail = c->frag.substr(m);
      std::unique_ptr<node> leaf;
      if (d + m != p.size())
        leaf = make_leaf(p.subview(d + m), n);
      else
        mid->count = n;
      // No allocation from here on.
      mid->frag = std::move(c->frag);
      mid->frag.resize(m);
      c->frag = std::move(tail);
      mid->children.push_back(std::move(*it));
      if (leaf) {
        if (leaf->first_byte() < c->first_byte())
          mid->children.insert(mid->children.begin(), std::move(leaf));
        else
          mid->children.push_back(std::move(leaf));
      }
      *it = std::move(mid);
      return;
    }
  }

  // Subtracts `n` from the count at `p` and restores (I). Returns false, changing nothing, when
  // `p` holds fewer than `n`.
  bool remove(path_view p, std::uint32_t n) noexcept {
    if (n == 0)
      return true;
    node* parent = nullptr;
    child_iter pos{};
    node* x = &root_;
    std::size_t d = 0;
    while (d < p.size()) {
      auto it = lower_child(*x, p[d]);
      if (it == x->children.end() || (*it)->first_byte() != p[d])
        return false;
      node* c = it->get();
      if (!frag_prefix_of(c->bytes(), p.subview(d)))
        return false;
      parent = x;
      pos = it;
      d += c->frag.size();
      x = c;
    }
    if (x->count < n)
      return false;
    x->count -= n;
    if (x->count != 0 || parent == nullptr)
      return true;
    if (x->children.empty()) {
      // x became an empty leaf: drop it. Its parent, if not the root and lock-free, had at least
      // two children by (I), so it keeps at least one; with exactly one left, merge.
      parent->children.erase(pos);
      if (parent != &root_ && parent->count == 0 && parent->children.size() == 1)
        absorb_only_child(*parent);
    } else if (x->children.size() == 1) {
      absorb_only_child(*x);
    }
    return true;
  }

private:
  static std::unique_ptr<node> make_leaf(path_view frag, std::uint32_t n) {
    auto leaf = std::make_unique<node>();
    leaf->frag = to_frag(frag);
    leaf->count = n;
    return leaf;
  }

  // Merges the single child of the lock-free node `x` into `x`. Allocates when `x`'s fragment
  // must grow; an allocation failure here (called from noexcept release) terminates.
  static void absorb_only_child(node& x) noexcept {
    std::unique_ptr<node> c = std::move(x.children.front());
    x.frag += c->frag;
    x.count = c->count;
    x.children = std::move(c->children);
  }

  // The lexicographically first lock in the subtree of `c` (c included); `base` is the path of
  // c's parent. Follows first children: by (I) every lock-free non-root node has a child, and a
  // node precedes its descendants, which precede its later siblings.
  // Two passes: one to size the result, one to copy the fragments.
  static std::optional<hit> first_lock_from(path_view base, const node* c) {
    std::size_t len = base.size();
    const node* y = c;
    for (;;) {
      len += y->frag.size();
      if (y->count != 0)
        break;
      if (y->children.empty())
        fatal("internal invariant broken (lock-free leaf)", base);
      y = y->children.front().get();
    }
    pathmap::path at;
    at.reserve(len);
    at.assign(base.begin(), base.end());
    for (const node* z = c;; z = z->children.front().get()) {
      at.insert(at.end(), z->bytes().begin(), z->bytes().end());
      if (z == y)
        break;
    }
    return hit{std::move(at), y->count};
  }

  node root_;
};

} // namespace

// -- lock_registry ------------------------------------------------------------

struct lock_registry::state {
  lock_table readers;
  lock_table writers;
  std::size_t reader_locks = 0; // Sum of all reader counts.
  std::size_t writer_locks = 0;
};

lock_registry::lock_registry() : state_(std::make_unique<state>()) {}

lock_registry::~lock_registry() = default;

std::optional<conflict> lock_registry::write_conflict_locked(path_view p) const {
  if (auto h = state_->writers.find_related(p))
    return conflict::write_zipper_at(std::move(h->at));
  if (auto h = state_->readers.find_related(p))
    return conflict::read_zipper_at(h->count, std::move(h->at));
  return std::nullopt;
}

std::optional<conflict> lock_registry::read_conflict_locked(path_view p, std::uint32_t n) const {
  if (auto h = state_->writers.find_related(p))
    return conflict::write_zipper_at(std::move(h->at));
  if (std::uint32_t have = state_->readers.count_at(p); n > max_readers - have)
    return conflict::read_zipper_at(have, p);
  return std::nullopt;
}

std::optional<conflict> lock_registry::try_read(path_view p, std::uint32_t n) {
  std::lock_guard<std::mutex> guard{mtx_};
  if (auto c = read_conflict_locked(p, n))
    return c;
  if (n != 0) {
    state_->readers.add(p, n);
    state_->reader_locks += n;
  }
  return std::nullopt;
}

std::optional<conflict> lock_registry::try_write(path_view p) {
  std::lock_guard<std::mutex> guard{mtx_};
  if (auto c = write_conflict_locked(p))
    return c;
  state_->writers.add(p, 1);
  ++state_->writer_locks;
  return std::nullopt;
}

void lock_registry::release_read(path_view p, std::uint32_t n) noexcept {
  std::lock_guard<std::mutex> guard{mtx_};
  if (!state_->readers.remove(p, n))
    fatal("release of a reader lock that is not held", p);
  state_->reader_locks -= n;
}

void lock_registry::release_write(path_view p) noexcept {
  std::lock_guard<std::mutex> guard{mtx_};
  if (!state_->writers.remove(p, 1))
    fatal("release of a writer lock that is not held", p);
  --state_->writer_locks;
}

void lock_registry::write_to_read(path_view p) noexcept {
  std::lock_guard<std::mutex> guard{mtx_};
  if (state_->writers.count_at(p) != 1)
    fatal("write_to_read without a writer lock", p);
  // Reader first, then writer out: both under the same mutex hold, so nobody sees a gap. No
  // reader is related to a live writer, so the count at p starts at 0 and cannot overflow.
  // add() may throw only std::bad_alloc, which terminates here (noexcept), like any failed
  // allocation during a release.
  state_->readers.add(p, 1);
  ++state_->reader_locks;
  state_->writers.remove(p, 1);
  --state_->writer_locks;
}

std::optional<conflict> lock_registry::check_read(path_view p) const {
  std::lock_guard<std::mutex> guard{mtx_};
  return read_conflict_locked(p, 1);
}

std::optional<conflict> lock_registry::check_write(path_view p) const {
  std::lock_guard<std::mutex> guard{mtx_};
  return write_conflict_locked(p);
}

pathmap::detail::path_status lock_registry::path_status(path_view p) const {
  std::lock_guard<std::mutex> guard{mtx_};
  using status = pathmap::detail::path_status;
  if (read_conflict_locked(p, 1))
    return status::unavailable;
  if (write_conflict_locked(p))
    return status::available_for_reading;
  return status::available;
}

std::uint32_t lock_registry::readers_at(path_view p) const {
  std::lock_guard<std::mutex> guard{mtx_};
  return state_->readers.count_at(p);
}

bool lock_registry::writer_at(path_view p) const {
  std::lock_guard<std::mutex> guard{mtx_};
  return state_->writers.count_at(p) != 0;
}

bool lock_registry::empty() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return state_->reader_locks == 0 && state_->writer_locks == 0;
}

std::size_t lock_registry::lock_count() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return state_->reader_locks + state_->writer_locks;
}

// -- zipper_tracker -----------------------------------------------------------

zipper_tracker::zipper_tracker(std::shared_ptr<lock_registry> registry, std::string p,
                               bool writer) noexcept
  : registry_(std::move(registry)), path_(std::move(p)), writer_(writer) {}

expected<zipper_tracker, conflict>
zipper_tracker::acquire_read(std::shared_ptr<lock_registry> registry, path_view p) {
  if (registry == nullptr)
    fatal("zipper_tracker::acquire_read with a null registry", p);
  std::string owned(p.as_string_view());
  if (auto c = registry->try_read(p))
    return unexpected(std::move(*c));
  return zipper_tracker{std::move(registry), std::move(owned), false};
}

expected<zipper_tracker, conflict>
zipper_tracker::acquire_write(std::shared_ptr<lock_registry> registry, path_view p) {
  if (registry == nullptr)
    fatal("zipper_tracker::acquire_write with a null registry", p);
  std::string owned(p.as_string_view());
  if (auto c = registry->try_write(p))
    return unexpected(std::move(*c));
  return zipper_tracker{std::move(registry), std::move(owned), true};
}

zipper_tracker::zipper_tracker(zipper_tracker&& other) noexcept
  : registry_(std::move(other.registry_)),
    path_(std::move(other.path_)),
    writer_(std::exchange(other.writer_, false)) {
  other.path_.clear();
}

zipper_tracker& zipper_tracker::operator=(zipper_tracker&& other) noexcept {
  if (this != &other) {
    release();
    registry_ = std::move(other.registry_);
    path_ = std::move(other.path_);
    writer_ = std::exchange(other.writer_, false);
    other.path_.clear();
  }
  return *this;
}

zipper_tracker::~zipper_tracker() {
  release();
}

void zipper_tracker::release() noexcept {
  if (registry_ == nullptr)
    return;
#ifndef NDEBUG
  if (registry_->head_dropped()) {
    std::string msg = "pathmap: warning: a tracked ";
    msg += writer_ ? "write" : "read";
    msg += " zipper at path ";
    append_byte_list(msg, path_view{path_}, 64);
    msg += " outlived its zipper_head\n";
    std::fputs(msg.c_str(), stderr);
  }
#endif
  if (writer_)
    registry_->release_write(path_view{path_});
  else
    registry_->release_read(path_view{path_});
  registry_.reset();
  path_.clear();
  writer_ = false;
}

expected<zipper_tracker, conflict> zipper_tracker::clone_reader() const {
  if (registry_ == nullptr)
    fatal("zipper_tracker::clone_reader on a moved-from tracker", path_view{});
  std::string owned = path_;
  if (auto c = registry_->try_read(path_view{path_}))
    return unexpected(std::move(*c));
  return zipper_tracker{registry_, std::move(owned), false};
}

void zipper_tracker::into_reader() noexcept {
  if (registry_ == nullptr || !writer_)
    return;
  registry_->write_to_read(path_view{path_});
  writer_ = false;
}

} // namespace pathmap::detail
