#pragma once
/// @file
/// Embedding the actor runtime in a CAF application: one call registers its message types and
/// its error category in your `caf::actor_system_config`.
///
///     struct config : caf::actor_system_config {
///       config() { pathmap::actors::register_types(*this); }
///     };
///
/// Then spawn a coordinator and workers in your `caf::actor_system` (`coordinator.hpp`,
/// `worker.hpp`) and talk to them through their typed handles with `request(...).then(...)`.
///
/// Registered type names are prefixed `pathmap.` and suffixed with the value type's name
/// (`pathmap.job<u64>`); registering the same runtime twice is harmless.
///
/// **Thread safety:** call it while you build the config, before the actor system exists.

#include <string>

#include "caf/actor_system_config.hpp"

namespace pathmap::actors {

/// Registers the runtime's message types for `V = std::uint64_t` (the instantiation the library
/// ships) and the `pathmap` error category, so that `actor_system::render(err)` prints e.g.
/// `pathmap: lease_taken ("...")`.
void register_types(caf::actor_system_config& cfg);

/// Registers the value-type independent messages and the `pathmap` error category only; use it
/// with `register_types<V>(cfg, name)` from `runtime_impl.hpp` for other value types.
void register_common_types(caf::actor_system_config& cfg);

} // namespace pathmap::actors
