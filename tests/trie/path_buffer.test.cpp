// path_buffer: the zipper's focus path (trie/pathmap/detail/path_buffer.hpp).
#include "pathmap/detail/path_buffer.hpp"

#include "test_support.hpp"

#include <doctest/doctest.h>

#include <string>
#include <utility>
#include <vector>

using pathmap::path_view;
using pathmap::detail::path_buffer;
using namespace pathmap_test;

TEST_SUITE_BEGIN("path_buffer");

TEST_CASE("appends, truncation and growth keep every byte") {
  path_buffer b;
  CHECK(b.empty());
  std::string model;
  for (int i = 0; i < 300; ++i) {
    std::string piece(std::size_t(i % 23), static_cast<char>('a' + i % 26));
    b.append(path_view(piece));
    b.push_back(static_cast<std::uint8_t>(i));
    model += piece;
    model.push_back(static_cast<char>(i));
    if (i % 7 == 6) {
      b.truncate(model.size() / 2);
      model.resize(model.size() / 2);
    }
    REQUIRE(str(b.view()) == model);
  }
  b.pop_back();
  model.pop_back();
  CHECK(str(b.view()) == model);
  b.back() = 'Z';
  model.back() = 'Z';
  CHECK(str(b.view()) == model);
  CHECK(b[0] == static_cast<std::uint8_t>(model[0]));
}

TEST_CASE("append_node_bytes copies exactly the bytes asked for, whatever their length") {
  // Node memory keeps at least 7 readable bytes after what is copied: the source string here
  // is longer than every view taken from it.
  std::string src;
  for (int i = 0; i < 200; ++i)
    src.push_back(static_cast<char>(i * 37));
  for (std::size_t len = 0; len <= 40; ++len) {
    for (std::size_t at : {std::size_t{0}, std::size_t{3}, std::size_t{61}}) {
      path_buffer b;
      b.append(path_view(std::string("xy")));
      b.append_node_bytes(path_view(src).subview(at, len));
      b.push_back('!');
      REQUIRE(str(b.view()) == "xy" + src.substr(at, len) + "!");
    }
  }
}

TEST_CASE("copies and moves are independent buffers with the same bytes") {
  path_buffer a;
  a.append(path_view(std::string(1000, 'q')));
  path_buffer c = a;
  c.push_back('r');
  CHECK(a.size() == 1000);
  CHECK(c.size() == 1001);
  path_buffer m = std::move(c);
  CHECK(m.size() == 1001);
  CHECK(c.empty()); // NOLINT(bugprone-use-after-move): a moved-from buffer is empty
  c = m;
  CHECK(str(c.view()) == str(m.view()));
  a = std::move(m);
  CHECK(a.size() == 1001);
  a = a; // NOLINT: self-assignment leaves the bytes
  CHECK(a.size() == 1001);
}

TEST_CASE("a megabyte path grows in place of smaller ones") {
  path_buffer b;
  const std::string mb(std::size_t{1} << 20, '\x7f');
  b.append(path_view(mb));
  b.append_node_bytes(path_view(mb).subview(0, 1000));
  CHECK(b.size() == mb.size() + 1000);
  b.truncate(5);
  CHECK(str(b.view()) == mb.substr(0, 5));
}

TEST_SUITE_END();
