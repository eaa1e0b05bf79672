#pragma once
/// @file
/// `pathmap::actors::ask<T>(sys, dest, timeout, xs...)`: a blocking request from a thread that
/// is not an actor (a `main`, a test, a benchmark), answered as `caf::expected<T>`.
///
///     auto report = pathmap::actors::ask<job_report>(sys, coordinator, 10s, std::move(j));
///     if (!report) std::cerr << sys.render(report.error());
///
/// It spawns a short-lived event-based actor that sends the request with
/// `request(...).then(...)`, hands the reply to the caller through a `std::promise` and quits.
/// Compared with `caf::scoped_actor`'s `request(...).receive(...)`: the same semantics, one
/// actor spawn more (a few µs), and the hand-over of the reply to the calling thread is visible
/// to ThreadSanitizer (the helper actor is `tsan_visible`, the promise uses a mutex), which a
/// scoped actor's uninstrumented mailbox is not. `T` is the one reply type of the request.
///
/// **Thread safety:** call it from any non-actor thread; never from inside an actor's handler
/// (it blocks).

#include <future>
#include <memory>
#include <tuple>
#include <type_traits>
#include <utility>

#include "caf/actor_system.hpp"
#include "caf/error.hpp"
#include "caf/event_based_actor.hpp"
#include "caf/expected.hpp"
#include "caf/timespan.hpp"

#include "pathmap/actors/tsan_visible.hpp"

namespace pathmap::actors {

/// Sends `xs...` to `dest` as a request with `timeout` and waits for the reply.
template <class T, class Handle, class... Ts>
caf::expected<T>
ask(caf::actor_system& sys, const Handle& dest, caf::timespan timeout, Ts&&... xs) {
  auto box = std::make_shared<std::promise<caf::expected<T>>>();
  auto reply = box->get_future();
  // Everything goes in as spawn arguments, not captures: CAF 0.17.6 dereferences a null
  // pointer when it starts a function-based actor spawned without arguments (worker.hpp).
  sys.spawn(
    [](tsan_visible<caf::event_based_actor>* self,
       std::shared_ptr<std::promise<caf::expected<T>>> promise, Handle to, caf::timespan limit,
       std::tuple<std::decay_t<Ts>...> request) {
      std::apply(
        [&](auto&... ys) {
          self->request(to, limit, std::move(ys)...)
            .then(
              [self, promise](T& x) {
                promise->set_value(std::move(x));
                self->quit();
              },
              [self, promise](caf::error& err) {
                promise->set_value(std::move(err));
                self->quit();
              });
        },
        request);
    },
    box, dest, timeout, std::tuple<std::decay_t<Ts>...>{std::forward<Ts>(xs)...});
  return reply.get();
}

} // namespace pathmap::actors
