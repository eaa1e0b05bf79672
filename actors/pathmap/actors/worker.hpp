#pragma once
/// @file
/// `pathmap::actors::worker_actor<V>`: the typed interface of a worker, and the standard worker.
///
/// A worker handles one `task<V>` per message, in mailbox order: it takes the two zipper
/// leases, runs the task's operation on them and replies `task_done` (with the attempt's ids
/// and the number of values processed) or an error:
/// - `error_code::lease_taken` / `empty_lease` when a lease cannot be taken;
/// - `error_code::operation_failed` when the operation threw or returned an error.
/// The zippers are dropped before the reply goes out, so their locks are free (and the
/// destination content is complete) when the coordinator sees the reply. The standard worker
/// never throws and never quits on its own.
///
/// Any actor with this interface can serve as a worker (tests use failing ones).
///
/// Cost notes: a worker holds no state besides CAF's; spawning one costs a few µs.
///
/// **Thread safety:** actors; handles are values usable from any thread.

#include <cstdint>

#include "caf/actor_system.hpp"
#include "caf/replies_to.hpp"
#include "caf/typed_actor.hpp"

#include "pathmap/actors/messages.hpp"
#include "pathmap/actors/tsan_visible.hpp"

namespace pathmap::actors {

/// The worker interface: `task<V>` in, `task_done` (or an error) out.
template <class V>
using worker_actor = caf::typed_actor<typename caf::replies_to<task<V>>::template with<task_done>>;

/// The standard worker's self pointer. The standard worker keeps no state and never reads it;
/// any typed worker's self converts to it (`tsan_visible<...>*` included).
template <class V>
using worker_pointer = typename worker_actor<V>::base*;

/// The standard worker's behavior, for custom workers that wrap it.
template <class V>
typename worker_actor<V>::behavior_type worker_behavior(worker_pointer<V> self);

/// The standard worker as an actor class. Spawn it as `tsan_visible<standard_worker<V>>`
/// (`self->spawn<tsan_visible<standard_worker<V>>>()` inside an actor, `spawn_worker<V>(sys)`
/// outside), so that the mixin's constructor runs last (tsan_visible.hpp).
///
/// Why a class and not `spawn(worker_behavior<V>)`: CAF 0.17.6 dereferences a null
/// `shared_ptr<std::tuple<>>` when it starts a function-based actor that was spawned without
/// arguments (caf/detail/init_fun_factory.hpp). The empty tuple is never read, but it is
/// undefined behaviour and UBSan stops there; class-based actors do not take that path.
template <class V>
class standard_worker : public worker_actor<V>::base {
  using super = typename worker_actor<V>::base;

public:
  using super::super;

  typename worker_actor<V>::behavior_type make_behavior() override {
    return worker_behavior<V>(this);
  }
};

/// Spawns a standard worker in `sys`.
template <class V = std::uint64_t>
worker_actor<V> spawn_worker(caf::actor_system& sys);

/// Runs one task: what the standard worker does with a `task<V>` message (exposed for custom
/// workers that add behaviour around it).
template <class V>
caf::expected<task_done> run_task(task<V>& t);

// Instantiated in the library for std::uint64_t; include "pathmap/actors/worker_impl.hpp" for
// other value types.
extern template typename worker_actor<std::uint64_t>::behavior_type
  worker_behavior<std::uint64_t>(worker_pointer<std::uint64_t>);
extern template worker_actor<std::uint64_t> spawn_worker<std::uint64_t>(caf::actor_system&);
extern template caf::expected<task_done> run_task<std::uint64_t>(task<std::uint64_t>&);

} // namespace pathmap::actors
