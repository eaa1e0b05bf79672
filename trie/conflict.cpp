#include "pathmap/conflict.hpp"

#include <cstdio>
#include <cstdlib>
#include <ostream>
#include <utility>

namespace pathmap {

namespace {

constexpr std::string_view kind_name(conflict_kind kind) noexcept {
  return kind == conflict_kind::write_zipper ? "write zipper" : "read zipper";
}

void check_reader_count([[maybe_unused]] std::uint32_t reader_count) noexcept {
#ifndef NDEBUG
  if (reader_count == 0) {
    std::fputs("pathmap: conflict::read_zipper_at called with a reader count of 0 "
               "(a reader entry always counts at least one reader)\n",
               stderr);
    std::abort();
  }
#endif
}

} // namespace

std::ostream& operator<<(std::ostream& out, conflict_kind kind) {
  return out << kind_name(kind);
}

// -- constructors -------------------------------------------------------------

conflict conflict::write_zipper_at(path_view at) {
  return conflict{conflict_kind::write_zipper, 0, at.to_path()};
}

conflict conflict::write_zipper_at(pathmap::path&& at) noexcept {
  return conflict{conflict_kind::write_zipper, 0, std::move(at)};
}

conflict conflict::read_zipper_at(std::uint32_t reader_count, path_view at) {
  check_reader_count(reader_count);
  return conflict{conflict_kind::read_zipper, reader_count, at.to_path()};
}

conflict conflict::read_zipper_at(std::uint32_t reader_count, pathmap::path&& at) {
  check_reader_count(reader_count);
  return conflict{conflict_kind::read_zipper, reader_count, std::move(at)};
}

// -- text ---------------------------------------------------------------------

std::string conflict::to_string() const {
  std::string out;
  out.reserve(64 + at_.size() * 5);
  out += "conflicts with existing zipper: ";
  out += kind_name(kind_);
  if (kind_ == conflict_kind::read_zipper) {
    out += " (arity: ";
    out += std::to_string(reader_count_);
    out += ')';
  }
  out += " @ ";
  detail::append_byte_list(out, path(), SIZE_MAX);
  return out;
}

std::ostream& operator<<(std::ostream& out, const conflict& c) {
  return out << c.to_string();
}

std::string to_string(const conflict& c) {
  return c.to_string();
}

namespace detail {

void append_byte_list(std::string& out, path_view p, std::size_t max_bytes) {
  const std::size_t shown = p.size() < max_bytes ? p.size() : max_bytes;
  out += '[';
  char buf[4];
  for (std::size_t i = 0; i < shown; ++i) {
    if (i != 0)
      out += ", ";
    // Decimal without locale or allocation: at most three digits.
    unsigned v = p[i];
    std::size_t n = 0;
    if (v >= 100)
      buf[n++] = static_cast<char>('0' + v / 100);
    if (v >= 10)
      buf[n++] = static_cast<char>('0' + v / 10 % 10);
    buf[n++] = static_cast<char>('0' + v % 10);
    out.append(buf, n);
  }
  if (shown < p.size()) {
    out += shown == 0 ? "... (" : ", ... (";
    out += std::to_string(p.size());
    out += " bytes)";
  }
  out += ']';
}

} // namespace detail

} // namespace pathmap
