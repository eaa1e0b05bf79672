// Uses an installed pathmap: a map, one value, and the allocator in use.
#include <cstdio>

#include "pathmap/allocator.hpp"
#include "pathmap/path_map.hpp"

int main() {
  pathmap::path_map<int> m;
  m.set_val_at("consumer", 42);
  const int* v = m.get_val_at("consumer");
  if (v == nullptr || *v != 42 || m.val_count() != 1) {
    std::puts("consumer: path_map lookup failed");
    return 1;
  }
  std::printf("consumer: value %d, allocator %.*s\n", *v,
              static_cast<int>(pathmap::allocator_name().size()), pathmap::allocator_name().data());
  return 0;
}
