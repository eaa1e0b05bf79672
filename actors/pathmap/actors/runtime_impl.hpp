#pragma once
/// @file
/// `register_types<V>(cfg, value_name)`: registers the runtime's messages for a value type
/// other than `std::uint64_t` (together with the coordinator_impl.hpp and worker_impl.hpp
/// instantiations). `value_name` makes the type names unique (`pathmap.job<value_name>`).

#include <string>

#include "caf/actor_system_config.hpp"

#include "pathmap/actors/coordinator.hpp"
#include "pathmap/actors/runtime.hpp"

namespace pathmap::actors {

template <class V>
void register_types(caf::actor_system_config& cfg, const std::string& value_name) {
  register_common_types(cfg);
  auto name = [&](const char* what) {
    return std::string{"pathmap."} + what + "<" + value_name + ">";
  };
  cfg.add_message_type<job<V>>(name("job"));
  cfg.add_message_type<task<V>>(name("task"));
  cfg.add_message_type<lease<read_zipper_tracked<V>>>(name("read_lease"));
  cfg.add_message_type<lease<write_zipper_tracked<V>>>(name("write_lease"));
  cfg.add_message_type<map_snapshot<V>>(name("map_snapshot"));
  cfg.add_message_type<worker_actor<V>>(name("worker"));
  cfg.add_message_type<coordinator_actor<V>>(name("coordinator"));
}

} // namespace pathmap::actors
