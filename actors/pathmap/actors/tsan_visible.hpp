#pragma once
/// @file
/// `pathmap::actors::tsan_visible<Impl>`: makes the hand-over of an actor from one CAF scheduler
/// thread to the next visible to ThreadSanitizer. Without ThreadSanitizer it is `Impl` itself,
/// with no cost.
///
/// Why: CAF runs an actor's message handlers one at a time, but not always on the same thread,
/// and hands messages from sender to receiver through a lock-free mailbox; both happen inside
/// libcaf_core.so. Debian's CAF is built without `-fsanitize=thread`, so ThreadSanitizer cannot
/// see that synchronization: it reports the actor's own state (written by one handler, read by
/// the next on another thread) and every message payload (built by the sender, read by the
/// receiver) as data races. This mixin names a sync point after the actor and
/// - releases it once the actor is constructed (on the spawning thread),
/// - releases it in `enqueue`, before a message enters the mailbox (on the sender's thread, after
///   the sender built the message),
/// - acquires it before and releases it after each message the actor consumes (an activation
///   consumes several, some enqueued while it runs), and around each activation,
/// - acquires it when the actor terminates (`cleanup` destroys the messages still in its
///   mailbox, which never pass through `consume`, e.g. tasks queued behind one that killed a
///   worker),
/// - acquires it when the actor is destroyed (on whichever thread drops the last reference),
/// which is exactly the ordering CAF guarantees.
///
/// Use it for every actor you write (it matters most for those that keep state between
/// messages), through its self pointer type:
///
///     using self_ptr = pathmap::actors::tsan_visible<my_actor::stateful_base<my_state>>*;
///     my_actor::behavior_type my_fn(self_ptr self, ...);   // sys.spawn(my_fn, ...) as usual
///     // without state: tsan_visible<my_actor::base>*
///
/// A class-based actor derives from the plain base and is spawned wrapped, so that the mixin is
/// the most derived class and its constructor's release comes after every constructor write
/// (the vtable pointer included):
///
///     class my_impl : public my_actor::base { ... };
///     sys.spawn<pathmap::actors::tsan_visible<my_impl>>();
///
/// What it does not cover: actors it is not mixed into (`scoped_actor`s, CAF's own) and CAF's
/// uninstrumented internals; tests/tsan.supp lists those suppressions, each explained. Data that
/// actors share on purpose (zippers, leases, cells) is synchronized by instrumented atomics and
/// mutexes and stays fully checked.
///
/// **Thread safety:** as `Impl`.

#include <cstddef>
#include <utility>

#include "caf/error.hpp"
#include "caf/execution_unit.hpp"
#include "caf/invoke_message_result.hpp"
#include "caf/mailbox_element.hpp"
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

  tsan_visible(const tsan_visible&) = delete;
  tsan_visible& operator=(const tsan_visible&) = delete;

  ~tsan_visible() override {
    __tsan_acquire(this);
  }

  void enqueue(caf::mailbox_element_ptr what, caf::execution_unit* host) override {
    __tsan_release(this);
    Impl::enqueue(std::move(what), host);
  }

  caf::resumable::resume_result resume(caf::execution_unit* ctx, std::size_t max) override {
    __tsan_acquire(this);
    auto result = Impl::resume(ctx, max);
    __tsan_release(this);
    return result;
  }

  caf::invoke_message_result consume(caf::mailbox_element& x) override {
    __tsan_acquire(this);
    auto result = Impl::consume(x);
    __tsan_release(this);
    return result;
  }

  bool cleanup(caf::error&& fail_state, caf::execution_unit* host) override {
    __tsan_acquire(this);
    return Impl::cleanup(std::move(fail_state), host);
  }
};

#else

template <class Impl>
using tsan_visible = Impl;

#endif

} // namespace pathmap::actors
