#pragma once
/// @file
/// `single_pass_iterator`: the iterator of a one-pass input range that computes its items
/// itself (`path_iter`, `write_zipper_owned::drain`). The range keeps the current item and
/// provides `current()`, `advance()` and `exhausted()`; the iterator only points at the range,
/// so it is as cheap to copy as a pointer and ends where the range says it does.

#include <cstddef>
#include <iterator>
#include <memory>
#include <type_traits>

namespace pathmap::detail {

template <class Range, class Value, class Ref>
class single_pass_iterator {
public:
  using value_type = Value;
  using difference_type = std::ptrdiff_t;
  using iterator_concept = std::input_iterator_tag;

  single_pass_iterator() = default;
  explicit single_pass_iterator(Range* r) noexcept : r_(r) {}

  Ref operator*() const { return r_->current(); }
  auto operator->() const requires std::is_reference_v<Ref> {
    return std::addressof(r_->current());
  }
  single_pass_iterator& operator++() {
    r_->advance();
    return *this;
  }
  void operator++(int) { ++*this; }
  friend bool operator==(const single_pass_iterator& i, std::default_sentinel_t) noexcept {
    return i.at_end();
  }

private:
  // A member, so that the range's friendship with this class covers it.
  bool at_end() const noexcept { return r_ == nullptr || r_->exhausted(); }

  Range* r_ = nullptr;
};

} // namespace pathmap::detail
