#pragma once
/// @file
/// `pathmap::expected<T, E>`: a value or an error, the part of C++23 `std::expected` we use.
///
/// g++ 12 only ships `std::expected` under `-std=c++2b`; this type gives the same surface
/// (`has_value()`, `operator bool`, `*`, `->`, `value()`, `error()`) under C++20 so that code
/// written against it moves to `std::expected` by changing one alias.
///
/// **Thread safety:** like any value type; no internal synchronization.

#include <exception>
#include <new>
#include <optional>
#include <type_traits>
#include <utility>
#include <variant>

namespace pathmap {

/// Wraps an error value so that `expected<T, E>` can be constructed from it unambiguously.
template <class E>
class unexpected {
public:
  explicit unexpected(E e) : err_(std::move(e)) {}

  const E& error() const& noexcept { return err_; }
  E& error() & noexcept { return err_; }
  E&& error() && noexcept { return std::move(err_); }

private:
  E err_;
};

template <class E>
unexpected(E) -> unexpected<E>;

/// Thrown by `expected::value()` when there is no value (the error is kept).
template <class E>
class bad_expected_access : public std::exception {
public:
  explicit bad_expected_access(E e) : err_(std::move(e)) {}
  const char* what() const noexcept override { return "bad pathmap::expected access"; }
  const E& error() const noexcept { return err_; }

private:
  E err_;
};

/// Holds either a `T` or an `E`.
template <class T, class E>
class expected {
public:
  using value_type = T;
  using error_type = E;

  // -- constructors ---------------------------------------------------------

  template <class U = T,
            class = std::enable_if_t<std::is_constructible_v<T, U&&>
                                     && !std::is_same_v<std::decay_t<U>, expected>>>
  expected(U&& v) : data_(std::in_place_index<0>, std::forward<U>(v)) {}

  template <class G>
  expected(unexpected<G> e) : data_(std::in_place_index<1>, std::move(e).error()) {}

  // -- observers ------------------------------------------------------------

  bool has_value() const noexcept { return data_.index() == 0; }
  explicit operator bool() const noexcept { return has_value(); }

  T& operator*() & noexcept { return *std::get_if<0>(&data_); }
  const T& operator*() const& noexcept { return *std::get_if<0>(&data_); }
  T&& operator*() && noexcept { return std::move(*std::get_if<0>(&data_)); }
  T* operator->() noexcept { return std::get_if<0>(&data_); }
  const T* operator->() const noexcept { return std::get_if<0>(&data_); }

  /// The value; throws `bad_expected_access<E>` when there is none.
  T& value() & {
    check();
    return **this;
  }
  const T& value() const& {
    check();
    return **this;
  }
  T&& value() && {
    check();
    return std::move(**this);
  }

  /// The error. Precondition: `!has_value()`.
  const E& error() const& noexcept { return *std::get_if<1>(&data_); }
  E& error() & noexcept { return *std::get_if<1>(&data_); }

  template <class U>
  T value_or(U&& fallback) const& {
    return has_value() ? **this : static_cast<T>(std::forward<U>(fallback));
  }

private:
  void check() const {
    if (!has_value())
      throw bad_expected_access<E>(error());
  }

  std::variant<T, E> data_;
};

/// `expected<void, E>`: success or an error, for operations that have nothing to return
/// (`path_map::try_for_each_value`). Default-constructed, it holds success.
template <class E>
class expected<void, E> {
public:
  using value_type = void;
  using error_type = E;

  expected() noexcept = default;
  template <class G>
  expected(unexpected<G> e) : err_(std::in_place, std::move(e).error()) {}

  bool has_value() const noexcept { return !err_.has_value(); }
  explicit operator bool() const noexcept { return has_value(); }

  /// Throws `bad_expected_access<E>` when there is an error.
  void value() const {
    if (err_)
      throw bad_expected_access<E>(*err_);
  }

  /// The error. Precondition: `!has_value()`.
  const E& error() const& noexcept { return *err_; }
  E& error() & noexcept { return *err_; }

private:
  std::optional<E> err_;
};

} // namespace pathmap
