// act_tool: ACT files (pathmap/arena_compact.hpp) from the command line.
//
//   act_tool build <text file> <out.act>   one path per distinct non-empty line, value = its
//                                          line number (from 1); prints the file's size
//   act_tool get <file.act> <path>...      the value at each path, or "-" when there is none
//   act_tool dump <file.act> [prefix]      every path below prefix with its value, in order
//
// Files are opened with mmap and checked once; a malformed file is reported, never read out of
// bounds. Exit status: 0 on success, 1 when a path given to `get` has no value, 2 on bad usage
// or a file that cannot be read, written or opened.
#include "pathmap/arena_compact.hpp"
#include "pathmap/path_map.hpp"

#include <cstdio>
#include <fstream>
#include <string>

namespace {

int usage() {
  std::fprintf(stderr, "usage: act_tool build <text file> <out.act>\n"
                       "       act_tool get <file.act> <path>...\n"
                       "       act_tool dump <file.act> [prefix]\n");
  return 2;
}

pathmap::expected<pathmap::arena_compact_tree, pathmap::errc> open(const char* file) {
  auto t = pathmap::arena_compact_tree::open_mmap(file);
  if (!t)
    std::fprintf(stderr, "act_tool: %s: %s\n", file, std::string(message(t.error())).c_str());
  return t;
}

int build(const char* text, const char* out) {
  std::ifstream in(text, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "act_tool: cannot read %s\n", text);
    return 2;
  }
  pathmap::path_map<std::uint64_t> m;
  std::uint64_t line_no = 0;
  for (std::string line; std::getline(in, line);) {
    ++line_no;
    if (!line.empty() && !m.contains(line))
      m.set_val_at(line, line_no);
  }
  auto written = pathmap::arena_compact_tree::dump_from_zipper(
    m, [](std::uint64_t v) { return v; }, out);
  if (!written) {
    std::fprintf(stderr, "act_tool: cannot write %s\n", out);
    return 2;
  }
  auto t = open(out);
  if (!t)
    return 2;
  std::printf("%zu paths, %zu bytes (%.1f per path)\n", m.val_count(), t->get_data().size(),
              double(t->get_data().size()) / double(m.val_count() ? m.val_count() : 1));
  return 0;
}

int get(const char* file, int n, char** paths) {
  auto t = open(file);
  if (!t)
    return 2;
  int status = 0;
  for (int i = 0; i < n; ++i) {
    if (auto v = t->get_val_at(paths[i]))
      std::printf("%s\t%llu\n", paths[i], static_cast<unsigned long long>(*v));
    else {
      std::printf("%s\t-\n", paths[i]);
      status = 1;
    }
  }
  return status;
}

int dump(const char* file, const char* prefix) {
  auto t = open(file);
  if (!t)
    return 2;
  auto z = t->read_zipper_at_path(prefix);
  // Paths are bytes (a NUL included), so they are written as such.
  for (bool more = z.to_first_val(); more; more = z.to_next_val()) {
    const pathmap::path_view p = z.origin_path();
    if (!p.empty()) // fwrite takes no null pointer, even for no bytes
      std::fwrite(p.data(), 1, p.size(), stdout);
    std::printf("\t%llu\n", static_cast<unsigned long long>(*z.val()));
  }
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  const std::string cmd = argc > 1 ? argv[1] : "";
  if (cmd == "build" && argc == 4)
    return build(argv[2], argv[3]);
  if (cmd == "get" && argc >= 4)
    return get(argv[2], argc - 3, argv + 3);
  if (cmd == "dump" && (argc == 3 || argc == 4))
    return dump(argv[2], argc == 4 ? argv[3] : "");
  return usage();
}
