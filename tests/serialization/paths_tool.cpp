// paths_tool: a command-line bridge between our `.paths` code and tests written in other
// languages (tests/serialization/paths_interop.py). Paths travel as hex lines, one per path (an
// empty line is the empty path).
//
//   paths_tool decode <in.paths> <out.hex>       records in file order (for_each_deserialized_path,
//                                                from memory)
//   paths_tool decode-map <in.paths> <out.hex>   the map deserialize_paths builds, in order (from
//                                                a stream; a zero-length record is the root value)
//   paths_tool encode <in.hex> <out.paths>       serialize_paths of a map holding those paths
//   paths_tool zlib-version                      the zlib version we link
//
// Exit status: 0 on success, 2 when decoding fails (the errc message goes to stderr as
// "error: <message>"), 1 on usage or file errors.
#include "pathmap/path_map.hpp"
#include "pathmap/serialization.hpp"

#include <zlib.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <variant>
#include <vector>

namespace {

using unit_map = pathmap::path_map<std::monostate>;

std::string to_hex(pathmap::path_view p) {
  static const char* digits = "0123456789abcdef";
  std::string s;
  s.reserve(p.size() * 2);
  for (std::uint8_t b : p) {
    s.push_back(digits[b >> 4]);
    s.push_back(digits[b & 15]);
  }
  return s;
}

bool from_hex(const std::string& line, std::vector<std::uint8_t>& out) {
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9')
      return c - '0';
    if (c >= 'a' && c <= 'f')
      return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
      return c - 'A' + 10;
    return -1;
  };
  if (line.size() % 2 != 0)
    return false;
  out.clear();
  for (std::size_t i = 0; i < line.size(); i += 2) {
    int hi = nibble(line[i]);
    int lo = nibble(line[i + 1]);
    if (hi < 0 || lo < 0)
      return false;
    out.push_back(static_cast<std::uint8_t>(hi << 4 | lo));
  }
  return true;
}

int fail_decode(pathmap::errc e) {
  std::cerr << "error: " << pathmap::message(e) << "\n";
  return 2;
}

int usage() {
  std::cerr << "usage: paths_tool decode|decode-map <in.paths> <out.hex>\n"
               "       paths_tool encode <in.hex> <out.paths>\n"
               "       paths_tool zlib-version\n";
  return 1;
}

} // namespace

int main(int argc, char** argv) {
  if (argc == 2 && std::string(argv[1]) == "zlib-version") {
    std::cout << zlibVersion() << "\n";
    return 0;
  }
  if (argc != 4)
    return usage();
  std::string cmd = argv[1];
  if (cmd == "decode" || cmd == "decode-map") {
    std::ifstream in(argv[2], std::ios::binary);
    std::ofstream out(argv[3], std::ios::binary);
    if (!in || !out) {
      std::cerr << "cannot open files\n";
      return 1;
    }
    if (cmd == "decode") {
      // From memory (a stream input would not see bytes after the zlib stream).
      std::vector<std::uint8_t> data((std::istreambuf_iterator<char>(in)),
                                     std::istreambuf_iterator<char>());
      auto d = pathmap::for_each_deserialized_path(data, [&](std::size_t, pathmap::path_view p) {
        out << to_hex(p) << "\n";
      });
      if (!d)
        return fail_decode(d.error());
      std::cout << d->path_count << " paths, " << d->bytes_in << " bytes in, " << d->bytes_out
                << " bytes out\n";
    } else {
      unit_map m;
      m.set_val_at("sentinel", {}); // replaced by the graft at the root
      auto wz = m.write_zipper();
      auto d = pathmap::deserialize_paths(wz, in, std::monostate{});
      if (!d)
        return fail_decode(d.error());
      for (auto&& [p, v] : m)
        out << to_hex(p) << "\n";
    }
    return out ? 0 : 1;
  }
  if (cmd == "encode") {
    std::ifstream in(argv[2], std::ios::binary);
    std::ofstream out(argv[3], std::ios::binary);
    if (!in || !out) {
      std::cerr << "cannot open files\n";
      return 1;
    }
    unit_map m;
    std::string line;
    std::vector<std::uint8_t> p;
    while (std::getline(in, line)) {
      if (!from_hex(line, p)) {
        std::cerr << "bad hex line\n";
        return 1;
      }
      m.set_val_at(p, {});
    }
    auto s = pathmap::serialize_paths(m, out);
    if (!s)
      return fail_decode(s.error());
    std::cout << s->path_count << " paths, " << s->bytes_in << " bytes in, " << s->bytes_out
              << " bytes out\n";
    return 0;
  }
  return usage();
}
