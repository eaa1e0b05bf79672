#pragma once
/// @file
/// `pathmap::allocator_name()`: which `malloc` this process is using.
///
/// The project's executables link jemalloc by default (CMake option `PATHMAP_JEMALLOC`, target
/// `pathmap::jemalloc`); libraries never force an allocator on the application that embeds them.
/// Runners and examples print this name so a measurement always says which allocator it ran on.
///
/// The answer is found at run time, not from build flags: the allocator is jemalloc when the
/// process's `malloc` comes from the same object that exports jemalloc's `mallctl`, whether
/// jemalloc was linked in or preloaded with `LD_PRELOAD`.
///
/// **Cost:** the first call looks symbols up with `dlsym`/`dladdr`; later calls return the
/// cached answer.
///
/// **Invalidation:** the returned view refers to static storage and stays valid until the
/// process exits.
///
/// **Thread safety:** safe to call from any thread, concurrently.

#include <string_view>

namespace pathmap {

/// Names the allocator behind `malloc` in this process.
///
/// Returns `"jemalloc <version>"` (for example `"jemalloc 5.3.0-0-g54eaed1d..."`) when jemalloc
/// is the process allocator, `"glibc malloc"` for the C library's allocator,
/// `"AddressSanitizer malloc"` or `"ThreadSanitizer malloc"` under those sanitizers, and
/// `"malloc from <object>"` for any other allocator that replaces `malloc`.
std::string_view allocator_name() noexcept;

} // namespace pathmap
