// The ACT format (pathmap/arena_compact.hpp): decoding with bounds checks, the whole-file check
// done once on opening, the bottom-up writer, and the zipper's movement.

#include "pathmap/arena_compact.hpp"

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace pathmap {

namespace detail::act {

namespace {

constexpr char magic[8] = {'A', 'C', 'T', 'r', 'e', 'e', '0', '3'};
constexpr std::size_t header_bytes = 16; // magic, root offset
constexpr std::size_t padding_bytes = 8; // the crate pads so that any varint reads 9 bytes
constexpr std::uint8_t line_flag = 0x80;
constexpr std::uint8_t value_flag = 0x40;
constexpr std::uint8_t line_child_flag = 0x01;
constexpr unsigned mask_children = 32;    // branch head count meaning "a 256-bit mask follows"
constexpr std::uint8_t varint_bias = 247; // a first byte above it counts the bytes that follow
constexpr std::size_t shared_run_max = 8;

std::uint64_t load_u64(const std::uint8_t* p) noexcept {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i)
    v = v << 8 | p[i];
  return v;
}

void store_u64(std::uint8_t* p, std::uint64_t v) noexcept {
  for (int i = 0; i < 8; ++i, v >>= 8)
    p[i] = std::uint8_t(v);
}

/// A bounds-checked cursor over the file.
struct reader {
  std::span<const std::uint8_t> data;
  std::uint64_t pos;

  bool byte(std::uint8_t& b) noexcept {
    if (pos >= data.size())
      return false;
    b = data[pos++];
    return true;
  }
  bool varint(std::uint64_t& v) noexcept {
    std::uint8_t first;
    if (!byte(first))
      return false;
    if (first <= varint_bias) {
      v = first;
      return true;
    }
    const unsigned n = first - varint_bias;
    if (data.size() - pos < n)
      return false;
    v = 0;
    for (unsigned i = n; i-- > 0;)
      v = v << 8 | data[pos + i];
    pos += n;
    return true;
  }
  /// A relative offset read at node `id`: the target, which must come before `id`.
  bool back_offset(std::uint64_t id, std::uint64_t& target, errc& why) noexcept {
    std::uint64_t rel;
    if (!varint(rel)) {
      why = errc::truncated;
      return false;
    }
    if (rel == 0 || rel > id - header_bytes) {
      why = errc::bad_node;
      return false;
    }
    target = id - rel;
    return true;
  }
};

void put_varint(std::vector<std::uint8_t>& out, std::uint64_t v) {
  if (v <= varint_bias) {
    out.push_back(std::uint8_t(v));
    return;
  }
  const unsigned n = 8 - unsigned(std::countl_zero(v)) / 8;
  out.push_back(std::uint8_t(varint_bias + n));
  for (unsigned i = 0; i < n; ++i, v >>= 8)
    out.push_back(std::uint8_t(v));
}

/// Where the node at `id` ends, for walking a sibling group: only the lengths of its fields
/// are read. Only for files that passed `check`, whose sibling groups all decode in bounds.
std::uint64_t skip(std::span<const std::uint8_t> data, std::uint64_t id) noexcept {
  const std::uint8_t* d = data.data();
  auto varint_len = [d](std::uint64_t at) -> std::uint64_t {
    return d[at] <= varint_bias ? 1 : 1 + (d[at] - varint_bias);
  };
  const std::uint8_t head = d[id];
  std::uint64_t at = id + 1;
  if (head & value_flag)
    at += varint_len(at);
  if (head & line_flag) {
    if (head & line_child_flag)
      at += varint_len(at);
    return at + varint_len(at);
  }
  if (const unsigned count = head & 0x3f; count != 0) {
    at += varint_len(at);
    at += count == mask_children ? 32 : count;
  }
  return at;
}

} // namespace

struct storage {
  std::vector<std::uint8_t> owned;
  void* mapped = nullptr;
  std::size_t mapped_len = 0;
  std::span<const std::uint8_t> bytes;
  wide_index index;

  storage() = default;
  storage(const storage&) = delete;
  storage& operator=(const storage&) = delete;
  ~storage() {
    if (mapped)
      ::munmap(mapped, mapped_len);
  }
};

expected<node, errc> parse(std::span<const std::uint8_t> data, std::uint64_t id) noexcept {
  if (id < header_bytes || id >= data.size())
    return unexpected(errc::bad_node);
  reader r{data, id};
  node n;
  n.id = id;
  std::uint8_t head = 0;
  r.byte(head);
  n.line = head & line_flag;
  n.has_value = head & value_flag;
  if (n.has_value && !r.varint(n.value))
    return unexpected(errc::truncated);
  errc why = errc::bad_node;
  if (!n.line) {
    const unsigned count = head & 0x3f;
    if (count > mask_children)
      return unexpected(errc::bad_node);
    if (count != 0 && !r.back_offset(id, n.first_child, why))
      return unexpected(why);
    if (count == mask_children) {
      if (data.size() - r.pos < 32)
        return unexpected(errc::truncated);
      n.mask = byte_mask{{load_u64(&data[r.pos]), load_u64(&data[r.pos + 8]),
                          load_u64(&data[r.pos + 16]), load_u64(&data[r.pos + 24])}};
      r.pos += 32;
      // Writers list fewer children as bytes; a mask of fewer would be another encoding of
      // the same node, which this reader does not guess at.
      if (n.mask.count() < int(mask_children))
        return unexpected(errc::bad_node);
    } else {
      int prev = -1;
      for (unsigned i = 0; i < count; ++i) {
        std::uint8_t b;
        if (!r.byte(b))
          return unexpected(errc::truncated);
        if (int(b) <= prev)
          return unexpected(errc::bad_node);
        n.mask.set(b);
        prev = b;
      }
    }
  } else {
    if (head & 0x3e) // bits a line head never sets
      return unexpected(errc::bad_node);
    n.has_child = head & line_child_flag;
    if (n.has_child && !r.back_offset(id, n.child, why))
      return unexpected(why);
    std::uint64_t run_id;
    if (!r.back_offset(id, run_id, why))
      return unexpected(why);
    reader lr{data.first(id), run_id}; // line data ends before the node
    std::uint64_t len;
    if (!lr.varint(len))
      return unexpected(errc::bad_node);
    if (len == 0 || len > id - lr.pos)
      return unexpected(errc::bad_node);
    n.run = data.data() + lr.pos;
    n.run_len = std::size_t(len);
  }
  n.end = r.pos;
  return n;
}

// -- the index of wide branches ----------------------------------------------------------------

void wide_index::add(std::uint64_t first, std::span<const std::uint64_t> offsets) {
  // Offsets are kept from the group's start in 32 bits: a group of at most 256 nodes of a few
  // dozen bytes each spans far less, and a hand-made file whose group does not fit is walked.
  if (offsets.empty() || offsets.back() - first > UINT32_MAX)
    return;
  if (starts.empty())
    starts.push_back(0);
  groups.push_back(first);
  for (const std::uint64_t at : offsets)
    kids.push_back(std::uint32_t(at - first));
  starts.push_back(std::uint32_t(kids.size()));
}

void wide_index::sort() {
  if (std::is_sorted(groups.begin(), groups.end()))
    return;
  std::vector<std::size_t> order(groups.size());
  for (std::size_t i = 0; i < order.size(); ++i)
    order[i] = i;
  std::sort(order.begin(), order.end(),
            [this](std::size_t a, std::size_t b) { return groups[a] < groups[b]; });
  wide_index sorted;
  std::vector<std::uint64_t> offsets;
  for (const std::size_t i : order) {
    offsets.clear();
    for (std::uint32_t k = starts[i]; k < starts[i + 1]; ++k)
      offsets.push_back(groups[i] + kids[k]);
    sorted.add(groups[i], offsets);
  }
  *this = std::move(sorted);
}

std::uint64_t wide_index::child(std::uint64_t first, unsigned rank) const noexcept {
  const auto it = std::lower_bound(groups.begin(), groups.end(), first);
  if (it == groups.end() || *it != first)
    return 0;
  const std::size_t g = std::size_t(it - groups.begin());
  // Two branches of a hand-made file may share a group with different counts: the entry
  // that was kept may be the shorter one.
  if (rank >= starts[g + 1] - starts[g])
    return 0;
  return first + kids[starts[g] + rank];
}

namespace {

/// The offset of child `rank` of the sibling group at `first` in a checked file: from the index
/// for a wide branch (`wide`), else by walking past the siblings before it, starting at `from`,
/// which is child `from_rank` of the group (the group's start, or a child entered before).
std::uint64_t nth_child(const storage& s, std::uint64_t first, unsigned rank, bool wide,
                        std::uint64_t from, unsigned from_rank) noexcept {
  // Walking one or two nodes is as cheap as the index's search.
  if (wide && rank - from_rank > 1)
    if (const std::uint64_t c = s.index.child(first, rank))
      return c;
  for (unsigned k = rank - from_rank; k > 0; --k)
    from = skip(s.bytes, from);
  return from;
}

} // namespace

// -- the writer ---------------------------------------------------------------------------------

writer::writer() : out_(header_bytes, 0) {
  std::memcpy(out_.data(), magic, sizeof(magic));
}

std::uint64_t writer::put(const pending& p) {
  const std::uint64_t id = out_.size();
  const unsigned count = unsigned(p.mask.count());
  std::uint8_t head = p.value ? value_flag : 0;
  if (p.line)
    head |= line_flag | (p.child ? line_child_flag : 0);
  else
    head |= std::uint8_t(std::min(count, mask_children));
  out_.push_back(head);
  if (p.value)
    put_varint(out_, *p.value);
  if (p.line) {
    if (p.child)
      put_varint(out_, id - *p.child);
    put_varint(out_, id - p.run);
    return id;
  }
  if (count != 0)
    put_varint(out_, id - p.first_child);
  if (count >= mask_children) {
    std::uint8_t words[32];
    for (int i = 0; i < 4; ++i)
      store_u64(words + 8 * i, p.mask.words()[i]);
    out_.insert(out_.end(), words, words + 32);
  } else {
    for (int b = p.mask.first(); b >= 0; b = p.mask.next_at_or_after(b + 1))
      out_.push_back(std::uint8_t(b));
  }
  return id;
}

std::uint64_t writer::put_run(path_view run) {
  const bool shared = run.size() <= shared_run_max;
  if (shared) {
    auto it = runs_.find(std::string(run.as_string_view()));
    if (it != runs_.end())
      return it->second;
  }
  const std::uint64_t id = out_.size();
  put_varint(out_, run.size());
  out_.insert(out_.end(), run.begin(), run.end());
  if (shared)
    runs_.emplace(std::string(run.as_string_view()), id);
  return id;
}

writer::pending writer::fold(const byte_mask& mask, std::span<const pending> kids, path_view run,
                             std::optional<std::uint64_t> value) {
  pending branch;
  branch.mask = mask;
  if (!kids.empty()) {
    branch.first_child = out_.size();
    const bool wide = kids.size() >= mask_children;
    offsets_.clear();
    for (const pending& k : kids) {
      const std::uint64_t at = put(k);
      if (wide)
        offsets_.push_back(at);
    }
    if (wide)
      index_.add(branch.first_child, offsets_);
  }
  if (run.empty()) {
    branch.value = value;
    return branch;
  }
  pending line;
  line.line = true;
  line.value = value;
  if (!kids.empty())
    line.child = put(branch);
  line.run = put_run(run);
  return line;
}

std::vector<std::uint8_t> writer::finish(const pending& root) && {
  const std::uint64_t id = put(root);
  store_u64(out_.data() + sizeof(magic), id);
  out_.insert(out_.end(), padding_bytes, 0);
  return std::move(out_);
}

} // namespace detail::act

// -- the tree ------------------------------------------------------------------------------------

namespace act = detail::act;

arena_compact_tree::arena_compact_tree(std::vector<std::uint8_t> bytes, act::wide_index index) {
  auto s = std::make_shared<act::storage>();
  s->owned = std::move(bytes);
  s->bytes = s->owned;
  s->index = std::move(index);
  root_ = act::load_u64(s->bytes.data() + sizeof(act::magic));
  s_ = std::move(s);
}

expected<arena_compact_tree, errc> arena_compact_tree::check(std::shared_ptr<act::storage> s) {
  const std::span<const std::uint8_t> data = s->bytes;
  // "ACTree" then the version: another start is not this format, another version is one this
  // build does not read.
  if (data.empty())
    return unexpected(errc::truncated);
  const std::size_t head = std::min<std::size_t>(data.size(), sizeof(act::magic));
  if (std::memcmp(data.data(), act::magic, std::min<std::size_t>(head, 6)) != 0)
    return unexpected(errc::bad_magic);
  if (std::memcmp(data.data(), act::magic, head) != 0)
    return unexpected(errc::unsupported_version);
  if (data.size() < act::header_bytes)
    return unexpected(errc::truncated);
  const std::uint64_t root = act::load_u64(data.data() + sizeof(act::magic));
  // Every node reachable from the root, once: decodes in bounds, and its sibling groups end
  // before it. References then always point back, so no walk can loop.
  if (root < act::header_bytes || root >= data.size())
    return unexpected(errc::bad_node);
  std::vector<bool> seen(data.size());
  std::vector<std::uint64_t> unchecked{root};
  act::wide_index index;
  std::vector<bool> grouped(data.size());
  std::vector<std::uint64_t> offsets;
  while (!unchecked.empty()) {
    const std::uint64_t id = unchecked.back();
    unchecked.pop_back();
    if (seen[id])
      continue;
    seen[id] = true;
    auto n = act::parse(data, id);
    if (!n)
      return unexpected(n.error());
    if (n->line) {
      if (n->has_child)
        unchecked.push_back(n->child);
      continue;
    }
    std::uint64_t at = n->first_child;
    // A group that several branches share (files may share nodes) is indexed once, so the
    // index takes at most 4 bytes per byte of the file (a child takes at least one).
    const bool wide = n->mask.count() >= int(act::mask_children) && !grouped[n->first_child];
    offsets.clear();
    for (int i = n->mask.count(); i > 0; --i) {
      auto kid = act::parse(data, at);
      if (!kid)
        return unexpected(kid.error());
      if (kid->end > id)
        return unexpected(errc::bad_node);
      unchecked.push_back(at);
      if (wide)
        offsets.push_back(at);
      at = kid->end;
    }
    if (wide) {
      grouped[n->first_child] = true;
      index.add(n->first_child, offsets);
    }
  }
  index.sort();
  s->index = std::move(index);
  return arena_compact_tree(std::move(s), root);
}

expected<arena_compact_tree, errc> arena_compact_tree::from_bytes(std::vector<std::uint8_t> bytes) {
  auto s = std::make_shared<act::storage>();
  s->owned = std::move(bytes);
  s->bytes = s->owned;
  return check(std::move(s));
}

expected<arena_compact_tree, errc> arena_compact_tree::open_mmap(const std::string& file) {
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return unexpected(errc::io_error);
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return unexpected(errc::io_error);
  }
  auto s = std::make_shared<act::storage>();
  if (st.st_size > 0) {
    void* p = ::mmap(nullptr, std::size_t(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) {
      ::close(fd);
      return unexpected(errc::io_error);
    }
    s->mapped = p;
    s->mapped_len = std::size_t(st.st_size);
    s->bytes = {static_cast<const std::uint8_t*>(p), s->mapped_len};
  }
  ::close(fd);
  return check(std::move(s));
}

std::span<const std::uint8_t> arena_compact_tree::get_data() const noexcept {
  return s_->bytes;
}

expected<void, errc> arena_compact_tree::write_file(const std::string& file) const {
  std::FILE* f = std::fopen(file.c_str(), "wb");
  if (!f)
    return unexpected(errc::io_error);
  const auto data = get_data();
  const bool ok = std::fwrite(data.data(), 1, data.size(), f) == data.size();
  if (std::fclose(f) != 0 || !ok)
    return unexpected(errc::io_error);
  return {};
}

std::optional<std::uint64_t> arena_compact_tree::get_val_at(path_view p) const noexcept {
  // Decodes only what a lookup needs, without the bounds checks of `parse`: `check` proved on
  // opening that every node reachable from the root decodes inside the file, and the padding
  // after the last node keeps a varint's reads inside too. Finding the child byte in the list
  // or mask directly, instead of building a node's byte_mask first, took a shuffled lookup of
  // the word list from 630 to 400 ns, and of 1M random 16-byte keys from 1,170 to 1,080 ns
  // (bench/arena_compact.bench.cpp); taking a wide branch's child from the index instead of
  // walking past the siblings before it (the random keys' top two levels have 256 children
  // each) took them to 307 and 548 ns.
  const std::uint8_t* d = get_data().data();
  auto varint = [d](std::uint64_t& at) noexcept {
    const std::uint8_t first = d[at++];
    if (first <= act::varint_bias)
      return std::uint64_t{first};
    const unsigned n = first - act::varint_bias;
    std::uint64_t v = 0;
    for (unsigned k = n; k-- > 0;)
      v = v << 8 | d[at + k];
    at += n;
    return v;
  };
  std::uint64_t id = root_;
  std::size_t i = 0;
  for (;;) {
    const std::uint8_t head = d[id];
    std::uint64_t at = id + 1;
    const bool has_value = head & act::value_flag;
    const std::uint64_t value = has_value ? varint(at) : 0;
    if (head & act::line_flag) {
      // A line's value is at the end of its run; without one, its child's value is there.
      const bool has_child = head & act::line_child_flag;
      const std::uint64_t child = has_child ? id - varint(at) : 0;
      std::uint64_t run = id - varint(at);
      const std::uint64_t len = varint(run);
      if (p.size() - i < len || std::memcmp(p.data() + i, d + run, len) != 0)
        return std::nullopt;
      i += len;
      if (i == p.size() && has_value)
        return value;
      if (!has_child)
        return std::nullopt;
      id = child;
      continue;
    }
    if (i == p.size())
      return has_value ? std::optional<std::uint64_t>(value) : std::nullopt;
    const unsigned count = head & 0x3f;
    if (count == 0)
      return std::nullopt;
    std::uint64_t child = id - varint(at);
    const std::uint8_t b = p[i];
    unsigned rank = 0;
    if (count == act::mask_children) {
      const unsigned w = b / 64, bit = b % 64;
      const std::uint64_t word = act::load_u64(d + at + 8 * w);
      if (!(word >> bit & 1))
        return std::nullopt;
      for (unsigned k = 0; k < w; ++k)
        rank += unsigned(std::popcount(act::load_u64(d + at + 8 * k)));
      rank += unsigned(std::popcount(word & ((std::uint64_t{1} << bit) - 1)));
    } else {
      // Child bytes are sorted.
      const std::uint8_t* bytes = d + at;
      while (rank < count && bytes[rank] < b)
        ++rank;
      if (rank == count || bytes[rank] != b)
        return std::nullopt;
    }
    id = act::nth_child(*s_, child, rank, count == act::mask_children, child, 0);
    ++i;
  }
}

act_zipper arena_compact_tree::read_zipper() const {
  return act_zipper(s_, root_);
}

act_zipper arena_compact_tree::read_zipper_at_path(path_view p) const {
  act_zipper z(s_, root_);
  z.descend_to(p);
  return z.fork_read_zipper();
}

// -- the zipper ----------------------------------------------------------------------------------

act_zipper::act_zipper(std::shared_ptr<const act::storage> s, std::uint64_t root)
  : s_(std::move(s)), data_(s_->bytes) {
  enter(root, std::nullopt);
}

void act_zipper::enter(std::uint64_t id, std::optional<std::uint64_t> inherited) {
  frame f{*act::parse(data_, id), live_, inherited, -1, 0};
  if (!f.root_val && !f.n.line && f.n.has_value)
    f.root_val = f.n.value;
  frames_.push_back(f);
}

std::optional<std::uint64_t> act_zipper::value_here() const noexcept {
  if (!path_exists())
    return std::nullopt;
  const frame& f = frames_.back();
  const std::size_t off = live_ - f.start;
  if (off == 0)
    return f.root_val;
  if (f.n.line && off == f.n.run_len && f.n.has_value)
    return f.n.value;
  return std::nullopt;
}

const std::uint64_t* act_zipper::val() const noexcept {
  auto v = value_here();
  if (!v)
    return nullptr;
  val_buf_ = *v;
  return &val_buf_;
}

byte_mask act_zipper::child_mask() const noexcept {
  byte_mask m;
  if (!path_exists())
    return m;
  const frame& f = frames_.back();
  if (!f.n.line)
    return f.n.mask;
  // At the end of a line with a child the child's frame is on top, so here a line has no
  // children at its end.
  const std::size_t off = live_ - f.start;
  if (off < f.n.run_len)
    m.set(f.n.run[off]);
  return m;
}

void act_zipper::step(std::uint8_t b) {
  const bool live = path_exists();
  path_.push_back(b);
  if (!live)
    return;
  // A reference: `enter` pushes a frame only after its arguments are read from it.
  const act::node& n = frames_.back().n;
  const std::size_t off = live_ - frames_.back().start;
  if (!n.line) {
    if (!n.mask.test(b))
      return;
    // Children are found by walking the sibling group; start from the child entered last when
    // it comes before (iteration enters them in order, so each step is one node), or take a
    // wide branch's child from the index.
    frame& f = frames_.back();
    const int rank = n.mask.rank(b);
    const bool from_cursor = f.cursor_rank >= 0 && f.cursor_rank <= rank;
    const std::uint64_t at = act::nth_child(*s_, n.first_child, unsigned(rank),
                                            n.mask.count() >= int(act::mask_children),
                                            from_cursor ? f.cursor : n.first_child,
                                            from_cursor ? unsigned(f.cursor_rank) : 0);
    f.cursor_rank = rank;
    f.cursor = at;
    ++live_;
    enter(at, std::nullopt);
    return;
  }
  if (off >= n.run_len || n.run[off] != b)
    return;
  ++live_;
  // The end of a line with a child is the child's first position.
  if (off + 1 == n.run_len && n.has_child)
    enter(n.child, n.has_value ? std::optional<std::uint64_t>(n.value) : std::nullopt);
}

void act_zipper::descend_to(path_view k) {
  for (std::uint8_t b : k)
    step(b);
}

std::size_t act_zipper::descend_existing(path_view k, bool stop_at_val) {
  std::size_t i = 0;
  while (i < k.size() && path_exists() && child_mask().test(k[i])) {
    step(k[i++]);
    if (stop_at_val && is_val())
      break;
  }
  return i;
}

bool act_zipper::descend_indexed_byte(std::size_t i) {
  const byte_mask m = child_mask();
  if (i >= std::size_t(m.count()))
    return false;
  step(std::uint8_t(m.nth(int(i))));
  return true;
}

bool act_zipper::descend_until_max_bytes(std::size_t n) {
  bool moved = false;
  for (; n > 0 && child_count() == 1; --n) {
    step(std::uint8_t(child_mask().first()));
    moved = true;
    if (is_val())
      break;
  }
  return moved;
}

bool act_zipper::ascend(std::size_t n) {
  const std::size_t room = path_.size() - root_depth_;
  const std::size_t d = path_.size() - std::min(n, room);
  path_.resize(d);
  if (live_ > d) {
    live_ = d;
    while (frames_.back().start > d)
      frames_.pop_back();
  }
  return n <= room;
}

bool act_zipper::climb(bool branches_only) {
  if (at_root())
    return false;
  do
    ascend(1);
  while (!at_root() && (branches_only || !is_val()) && child_count() < 2);
  return true;
}

bool act_zipper::to_sibling(bool next) {
  if (at_root() || !path_exists())
    return false;
  const std::uint8_t b = path_.back();
  ascend(1);
  const byte_mask m = child_mask();
  const int s = next ? (b == 255 ? -1 : m.next_at_or_after(b + 1))
                     : (b == 0 ? -1 : m.prev_at_or_before(b - 1));
  step(s < 0 ? b : std::uint8_t(s));
  return s >= 0;
}

bool act_zipper::to_next_step() {
  if (child_count() != 0) {
    descend_indexed_byte(0);
    return true;
  }
  // Up to the nearest position with a child byte after the one we came from (from a missing
  // path, that is where the path stops existing: what follows it in order is there).
  while (!at_root()) {
    if (path_exists()) {
      // Inside a line nothing branches: climb to where it starts at once.
      const frame& f = frames_.back();
      if (f.n.line && live_ > f.start) {
        ascend(live_ - f.start);
        continue;
      }
    }
    const std::uint8_t b = path_.back();
    ascend(1);
    const int s = b == 255 ? -1 : child_mask().next_at_or_after(b + 1);
    if (s >= 0) {
      step(std::uint8_t(s));
      return true;
    }
  }
  return false;
}

bool act_zipper::to_next_val() {
  while (to_next_step()) {
    // Inside a line only its end may hold a value: go there at once.
    const frame& f = frames_.back();
    if (f.n.line && live_ - f.start < f.n.run_len) {
      const act::node& n = f.n;
      const std::size_t off = live_ - f.start;
      path_.insert(path_.end(), n.run + off, n.run + n.run_len);
      live_ += n.run_len - off;
      if (n.has_child)
        enter(n.child, n.has_value ? std::optional<std::uint64_t>(n.value) : std::nullopt);
    }
    if (is_val())
      return true;
  }
  return false;
}

bool act_zipper::seek_k_path(std::size_t base, std::size_t k, bool take_here) {
  bool down = take_here;
  for (;;) {
    if (down) {
      while (path_.size() - base < k && child_count() != 0)
        descend_indexed_byte(0);
      if (path_.size() - base == k)
        return true;
    }
    // Backtrack to the next sibling above, without leaving `base`.
    down = false;
    while (path_.size() > base && !down) {
      if (to_next_sibling_byte())
        down = true;
      else
        ascend(1);
    }
    if (!down)
      return false;
  }
}

bool act_zipper::descend_first_k_path(std::size_t k) {
  return k != 0 && seek_k_path(path_.size(), k, true);
}

bool act_zipper::to_next_k_path(std::size_t k) {
  if (k == 0 || path_.size() - root_depth_ < k)
    return false;
  return seek_k_path(path_.size() - k, k, false);
}

std::size_t act_zipper::val_count() const {
  act_zipper z = fork_read_zipper();
  std::size_t n = z.is_val() ? 1 : 0;
  while (z.to_next_val())
    ++n;
  return n;
}

act_zipper act_zipper::fork_read_zipper() const {
  act_zipper z(*this);
  z.root_depth_ = path_.size();
  return z;
}

} // namespace pathmap
