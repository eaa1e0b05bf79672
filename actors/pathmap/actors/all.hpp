#pragma once
/// @file
/// The whole public API of the actor runtime (namespace `pathmap::actors`):
///
/// - `lease.hpp`       `lease<Z>`, the one-shot envelope that carries a zipper in a message
/// - `ask.hpp`         `ask<T>(sys, dest, timeout, xs...)`: a blocking request from a non-actor
/// - `error.hpp`       `error_code`, the `pathmap` error category
/// - `operation.hpp`   `operation<V>`, the user function a worker runs
/// - `operations.hpp`  ready-made operations: copy, transform, count, aggregate
/// - `messages.hpp`    atoms, `job<V>`, `task<V>`, `task_done`, `job_report`, statistics
/// - `worker.hpp`      `worker_actor<V>`, `spawn_worker`
/// - `coordinator.hpp` `coordinator_actor<V>`, `spawn_coordinator`
/// - `runtime.hpp`     `register_types(cfg)`: the one call an embedding application makes
/// - `tsan_visible.hpp` `tsan_visible<Impl>`: stateful actors under ThreadSanitizer

#include "pathmap/actors/ask.hpp"
#include "pathmap/actors/coordinator.hpp"
#include "pathmap/actors/error.hpp"
#include "pathmap/actors/lease.hpp"
#include "pathmap/actors/messages.hpp"
#include "pathmap/actors/operation.hpp"
#include "pathmap/actors/operations.hpp"
#include "pathmap/actors/runtime.hpp"
#include "pathmap/actors/tsan_visible.hpp"
#include "pathmap/actors/worker.hpp"
