#pragma once
/// @file
/// The templates behind `worker.hpp`. The library instantiates them for `std::uint64_t`;
/// include this header in one translation unit of yours to use workers over another `V`.

#include <utility>

#include "caf/event_based_actor.hpp"
#include "caf/result.hpp"
#include "caf/typed_event_based_actor.hpp"

#include "pathmap/actors/worker.hpp"

namespace pathmap::actors {

template <class V>
caf::expected<task_done> run_task(task<V>& t) {
  // Take both leases before checking anything else, so that a refused task still consumes
  // (and so releases) its zippers here rather than wherever the message dies.
  auto source = t.source.take();
  auto destination = t.destination.take();
  if (!source)
    return std::move(source.error());
  if (!destination)
    return std::move(destination.error());
  if (!t.op)
    return caf::make_error(error_code::operation_failed,
                           "task without an operation (did it cross a process boundary?)");
  auto values = t.op(*source, *destination);
  if (!values)
    return std::move(values.error());
  return task_done{t.job, t.index, t.attempt, *values};
  // The zippers die here, before the reply leaves.
}

template <class V>
typename worker_actor<V>::behavior_type worker_behavior(worker_pointer<V>) {
  return {
    [](task<V>& t) -> caf::result<task_done> {
      auto done = run_task(t);
      if (!done)
        return std::move(done.error());
      return *done;
    },
  };
}

template <class V>
worker_actor<V> spawn_worker(caf::actor_system& sys) {
  return sys.spawn<tsan_visible<standard_worker<V>>>();
}

} // namespace pathmap::actors
