// The shipped instantiation of the coordinator and the standard worker: V = std::uint64_t.
#include "pathmap/actors/coordinator.hpp"

#include <cstdint>

#include "pathmap/actors/coordinator_impl.hpp"
#include "pathmap/actors/worker_impl.hpp"

namespace pathmap::actors {

template typename worker_actor<std::uint64_t>::behavior_type
  worker_behavior<std::uint64_t>(worker_pointer<std::uint64_t>);
template worker_actor<std::uint64_t> spawn_worker<std::uint64_t>(caf::actor_system&);
template caf::expected<task_done> run_task<std::uint64_t>(task<std::uint64_t>&);

template coordinator_actor<std::uint64_t>
spawn_coordinator<std::uint64_t>(caf::actor_system&, path_map<std::uint64_t>,
                                 std::vector<worker_actor<std::uint64_t>>, coordinator_config);

} // namespace pathmap::actors
