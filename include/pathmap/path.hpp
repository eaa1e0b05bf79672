#pragma once
/// @file
/// `pathmap::path_view`: a non-owning view of path bytes.
///
/// Every API that takes a path takes a `path_view`, which converts implicitly from
/// `std::string_view`, string literals, `const std::string&`, `std::span<const std::uint8_t>`,
/// `const std::vector<std::uint8_t>&` and `std::initializer_list<std::uint8_t>`. Owning paths are
/// `std::vector<std::uint8_t>` (`pathmap::path`).
///
/// **Invalidation:** a view is valid as long as the bytes it refers to. A view built from an
/// initializer list refers to a temporary array and is only valid within the full expression.
///
/// **Thread safety:** a plain value.

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace pathmap {

/// An owned path.
using path = std::vector<std::uint8_t>;

/// A non-owning, read-only view of path bytes.
class path_view {
public:
  using value_type = std::uint8_t;
  using const_iterator = const std::uint8_t*;
  using iterator = const_iterator;

  // -- constructors ---------------------------------------------------------

  constexpr path_view() noexcept = default;

  constexpr path_view(const std::uint8_t* data, std::size_t size) noexcept
    : data_(data), size_(size) {}

  path_view(std::string_view s) noexcept
    : data_(reinterpret_cast<const std::uint8_t*>(s.data())), size_(s.size()) {}

  path_view(const char* s) noexcept : path_view(std::string_view{s}) {}

  path_view(const std::string& s) noexcept : path_view(std::string_view{s}) {}

  constexpr path_view(std::span<const std::uint8_t> s) noexcept
    : data_(s.data()), size_(s.size()) {}

  path_view(const std::vector<std::uint8_t>& v) noexcept : data_(v.data()), size_(v.size()) {}

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Winit-list-lifetime"
#endif
  /// Views the list's array, which lives until the end of the full expression.
  constexpr path_view(std::initializer_list<std::uint8_t> il) noexcept
    : data_(il.begin()), size_(il.size()) {}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

  template <std::size_t N>
  constexpr path_view(const std::array<std::uint8_t, N>& a) noexcept
    : data_(a.data()), size_(N) {}

  // -- observers ------------------------------------------------------------

  constexpr const std::uint8_t* data() const noexcept { return data_; }
  constexpr std::size_t size() const noexcept { return size_; }
  constexpr bool empty() const noexcept { return size_ == 0; }
  constexpr const_iterator begin() const noexcept { return data_; }
  constexpr const_iterator end() const noexcept { return data_ + size_; }
  constexpr std::uint8_t operator[](std::size_t i) const noexcept { return data_[i]; }

  /// The bytes from `pos` to the end (clamped).
  constexpr path_view subview(std::size_t pos) const noexcept {
    pos = pos < size_ ? pos : size_;
    return {data_ + pos, size_ - pos};
  }

  /// At most `n` bytes from `pos` (clamped).
  constexpr path_view subview(std::size_t pos, std::size_t n) const noexcept {
    pos = pos < size_ ? pos : size_;
    return {data_ + pos, std::min(n, size_ - pos)};
  }

  std::string_view as_string_view() const noexcept {
    return {reinterpret_cast<const char*>(data_), size_};
  }

  path to_path() const { return path(begin(), end()); }

  friend bool operator==(path_view a, path_view b) noexcept {
    return a.size_ == b.size_ && (a.size_ == 0 || std::memcmp(a.data_, b.data_, a.size_) == 0);
  }

  /// Lexicographic order of unsigned bytes, a prefix first (the map's iteration order).
  friend bool operator<(path_view a, path_view b) noexcept {
    auto n = std::min(a.size_, b.size_);
    if (n != 0)
      if (int c = std::memcmp(a.data_, b.data_, n); c != 0)
        return c < 0;
    return a.size_ < b.size_;
  }

private:
  const std::uint8_t* data_ = nullptr;
  std::size_t size_ = 0;
};

/// Length of the common prefix of `a` and `b`.
inline std::size_t common_prefix_len(path_view a, path_view b) noexcept {
  std::size_t n = std::min(a.size(), b.size());
  std::size_t i = 0;
  while (i < n && a[i] == b[i])
    ++i;
  return i;
}

} // namespace pathmap
