#pragma once
/// @file
/// `pathmap::actors::tsan_visible<Impl>`: makes the hand-over of an actor from one CAF scheduler
/// thread to the next visible to ThreadSanitizer. Without ThreadSanitizer it is `Impl` itself,
/// with no cost.
///
/// Why: CAF runs an actor's message handlers one at a time, but not always on the same thread;
/// the hand-over (the lock-free mailbox and the scheduler's queues) happens inside
/// libcaf_core.so. Debian's CAF is built without `-fsanitize=thread`, so ThreadSanitizer cannot
/// see that synchronization and reports the actor's own state, written by one handler and read
/// by the next on another thread, as a data race. This mixin acquires a sync point named after
/// the actor when an activation starts and releases it when the activation ends (and once after
/// construction), which is exactly the ordering CAF guarantees.
///
/// Use it for actors that keep state between messages, through their self pointer type:
///
///     using self_ptr = pathmap::actors::tsan_visible<my_actor::stateful_base<my_state>>*;
///     my_actor::behavior_type my_fn(self_ptr self, ...);   // sys.spawn(my_fn, ...) as usual
///
/// What it does not cover: memory CAF itself allocates and hands over (messages, behaviors,
/// spawn arguments); tests/tsan.supp lists those suppressions, each explained. Data that actors
/// share on purpose (zippers, leases, cells) is synchronized by instrumented atomics and
/// mutexes and stays fully checked.
///
/// **Thread safety:** as `Impl`.

#include <cstddef>
#include <utility>

#include "caf/execution_unit.hpp"
#include "caf/resumable.hpp"

#if defined(__SANITIZE_THREAD__)
#  define PATHMAP_ACTORS_TSAN 1
#elif defined(__has_feature)
#  if __has_feature(thread_sanitizer)
#    define PATHMAP_ACTORS_TSAN 1
#  endif
#endif

#ifdef PATHMAP_ACTORS_TSAN
extern "C" void __tsan_acquire(void* addr);
extern "C" void __tsan_release(void* addr);
#endif

namespace pathmap::actors {

#ifdef PATHMAP_ACTORS_TSAN

/// `Impl`, with its activations ordered for ThreadSanitizer (see the file comment).
template <class Impl>
class tsan_visible : public Impl {
public:
  template <class... Ts>
  explicit tsan_visible(Ts&&... xs) : Impl(std::forward<Ts>(xs)...) {
    // The constructor (and the state's) ran on the spawning thread.
    __tsan_release(this);
  }

  caf::resumable::resume_result resume(caf::execution_unit* ctx, std::size_t max) override {
    __tsan_acquire(this);
    auto result = Impl::resume(ctx, max);
    __tsan_release(this);
    return result;
  }
};

#else

template <class Impl>
using tsan_visible = Impl;

#endif

} // namespace pathmap::actors
