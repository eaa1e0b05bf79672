#pragma once
/// @file
/// `path_buffer`: the growable byte string that holds a zipper's focus path.
///
/// Why not `std::vector<std::uint8_t>`: ordered iteration appends a key's tail and cuts the
/// path back at every step, and the vector's range insert and `resize` are out-of-line calls
/// built for cases a path never has (inserting in the middle, value-initialising new bytes).
/// Here the hot operations are a capacity check and a store, and tails are copied 8 bytes at
/// a time (`append_node_bytes`).
///
/// Capacities are whole multiples of 64 bytes, at least 64: jemalloc serves those sizes at
/// cache-line-aligned addresses, so zippers made on one thread and moved to others never
/// share a line of their paths, which their owners write at every step.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <utility>

#include "pathmap/detail/word_scan.hpp"
#include "pathmap/path.hpp"

namespace pathmap::detail {

class path_buffer {
public:
  path_buffer() noexcept = default;
  path_buffer(const path_buffer& o) { append(o.view()); }
  path_buffer(path_buffer&& o) noexcept
    : data_(std::exchange(o.data_, nullptr)),
      size_(std::exchange(o.size_, 0)),
      cap_(std::exchange(o.cap_, 0)) {}
  path_buffer& operator=(const path_buffer& o) {
    if (this != &o) {
      reserve(o.size_);
      size_ = 0;
      append(o.view());
    }
    return *this;
  }
  path_buffer& operator=(path_buffer&& o) noexcept {
    if (this != &o) {
      release();
      data_ = std::exchange(o.data_, nullptr);
      size_ = std::exchange(o.size_, 0);
      cap_ = std::exchange(o.cap_, 0);
    }
    return *this;
  }
  ~path_buffer() { release(); }

  std::size_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }
  const std::uint8_t* data() const noexcept { return data_; }
  path_view view() const noexcept { return {data_, size_}; }
  std::uint8_t operator[](std::size_t i) const noexcept { return data_[i]; }
  /// The last byte (the path is not empty).
  std::uint8_t& back() noexcept { return data_[size_ - 1]; }

  /// Makes room for `n` bytes in all.
  void reserve(std::size_t n) {
    if (n > cap_)
      grow(n);
  }

  void push_back(std::uint8_t b) {
    reserve(size_ + 1);
    data_[size_++] = b;
  }
  void pop_back() noexcept { --size_; }

  void append(path_view p) {
    reserve(size_ + p.size());
    if (!p.empty())
      std::memcpy(data_ + size_, p.data(), p.size());
    size_ += p.size();
  }

  /// `append` for bytes inside a node, which keeps at least 7 readable bytes after them
  /// (word_scan.hpp): copied as whole 8-byte words, with no call and no loop for the short
  /// tails that iteration appends at almost every step.
  void append_node_bytes(path_view t) {
    const std::size_t n = t.size();
    reserve(size_ + n + 8);
    std::uint8_t* to = data_ + size_;
    for (std::size_t i = 0; i < n; i += 8) {
      const std::uint64_t w = load8(t.data() + i);
      std::memcpy(to + i, &w, sizeof(w));
    }
    size_ += n;
  }

  /// Cuts the path to its first `n` bytes (`n <= size()`).
  void truncate(std::size_t n) noexcept { size_ = n; }

private:
  void grow(std::size_t need) {
    const std::size_t cap = std::max<std::size_t>({64, 2 * cap_, (need + 63) & ~std::size_t{63}});
    auto* d = static_cast<std::uint8_t*>(::operator new(cap));
    if (size_ != 0)
      std::memcpy(d, data_, size_);
    release();
    data_ = d;
    cap_ = cap;
  }
  void release() noexcept {
    if (data_)
      ::operator delete(data_, cap_);
  }

  std::uint8_t* data_ = nullptr;
  std::size_t size_ = 0, cap_ = 0;
};

} // namespace pathmap::detail
