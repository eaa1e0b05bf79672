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
  sys.spawn([box, dest, timeout, args = std::make_tuple(std::forward<Ts>(xs)...)](
              tsan_visible<caf::event_based_actor>* self) mutable {
    std::apply(
      [&](auto&... ys) {
        self->request(dest, timeout, std::move(ys)...)
          .then(
            [self, box](T& x) {
              box->set_value(std::move(x));
              self->quit();
            },
            [self, box](caf::error& err) {
              box->set_value(std::move(err));
              self->quit();
            });
      },
      args);
  });
  return reply.get();
}

} // namespace pathmap::actors
