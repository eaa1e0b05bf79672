// Run-time detection of the process allocator (see pathmap/allocator.hpp).
//
// jemalloc exports `mallctl`, which no other common allocator does. Finding `mallctl` is not
// enough, though: a library may load jemalloc without jemalloc's `malloc` winning symbol
// resolution. So the answer is "jemalloc" only when `malloc` as this process resolves it lives in
// the same object (executable or shared library) as `mallctl`. The version comes from
// `mallctl("version", ...)`. Sanitizer runtimes replace `malloc` as well; they are recognised by
// their init symbols (`__asan_init`, `__tsan_init`), which works whether the runtime is a shared
// library (g++) or linked into the executable (clang).
//
// `dlsym` finds `mallctl` in shared objects (linked or preloaded). A jemalloc archive linked into
// the executable does not export its symbols dynamically, so a weak reference to `mallctl` covers
// that case: it is non-null exactly when the link pulled jemalloc in.

#include "pathmap/allocator.hpp"

#include <dlfcn.h>

#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>

extern "C" int mallctl(const char*, void*, std::size_t*, void*, std::size_t) __attribute__((weak));

namespace pathmap {

namespace {

// Signature of jemalloc's `mallctl`.
using mallctl_fn = int (*)(const char*, void*, std::size_t*, void*, std::size_t);

// Path of the object that defines the code at `addr`, or nullptr.
const char* object_of(const void* addr) noexcept {
  Dl_info info{};
  if (addr == nullptr || dladdr(addr, &info) == 0)
    return nullptr;
  return info.dli_fname;
}

// Last path component of `path`.
const char* base_name(const char* path) noexcept {
  const char* slash = std::strrchr(path, '/');
  return slash != nullptr ? slash + 1 : path;
}

// Decides once; `buf` is the static storage the returned view refers to.
std::string_view detect(char* buf, std::size_t size) noexcept {
  // Resolve `malloc` the way the dynamic linker does for this process.
  void* malloc_addr = dlsym(RTLD_DEFAULT, "malloc");
  if (malloc_addr == nullptr)
    malloc_addr = reinterpret_cast<void*>(&std::malloc);
  const char* malloc_object = object_of(malloc_addr);

  if (dlsym(RTLD_DEFAULT, "__asan_init") != nullptr)
    return "AddressSanitizer malloc";
  if (dlsym(RTLD_DEFAULT, "__tsan_init") != nullptr)
    return "ThreadSanitizer malloc";

  auto* ctl = reinterpret_cast<mallctl_fn>(dlsym(RTLD_DEFAULT, "mallctl"));
  if (ctl == nullptr)
    ctl = &::mallctl; // null unless jemalloc is linked into the executable
  if (ctl != nullptr) {
    const char* ctl_object = object_of(reinterpret_cast<void*>(ctl));
    // Without dladdr (a fully static executable) the presence of mallctl has to do.
    if (malloc_object == nullptr || ctl_object == nullptr
        || std::strcmp(malloc_object, ctl_object) == 0) {
      const char* version = nullptr;
      std::size_t len = sizeof(version);
      if (ctl("version", &version, &len, nullptr, 0) == 0 && version != nullptr)
        std::snprintf(buf, size, "jemalloc %s", version);
      else
        std::snprintf(buf, size, "jemalloc");
      return buf;
    }
  }

  if (malloc_object == nullptr)
    return "unknown malloc";
  const char* base = base_name(malloc_object);
  if (std::strncmp(base, "libc.so", 7) == 0 || std::strncmp(base, "libc-", 5) == 0) {
#ifdef __GLIBC__
    return "glibc malloc";
#else
    return "libc malloc";
#endif
  }
  std::snprintf(buf, size, "malloc from %s", base);
  return buf;
}

} // namespace

std::string_view allocator_name() noexcept {
  static char buf[160];
  static const std::string_view name = detect(buf, sizeof(buf));
  return name;
}

} // namespace pathmap
