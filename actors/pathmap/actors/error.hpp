#pragma once
/// @file
/// `pathmap::actors::error_code`: the error category of the actor runtime.
///
/// Every failure the runtime reports is a `caf::error` in the category `pathmap` (CAF 0.17 atom,
/// at most 10 characters) whose code is an `error_code` and whose context is a human-readable
/// string that names the regions, tasks or zippers involved. Make one with
/// `caf::make_error(error_code::lease_taken, "text")`; `caf::actor_system::render(err)` prints
/// `pathmap: lease_taken ("text")` once `register_types()` (runtime.hpp) registered the
/// category.
///
/// **Thread safety:** plain values.

#include <cstdint>
#include <string>

#include "caf/error.hpp"
#include "caf/make_message.hpp"

namespace pathmap::actors {

/// What went wrong, in the `pathmap` error category. Code 0 is never used (CAF treats it as
/// "no error" in some places).
enum class error_code : std::uint8_t {
  /// `lease::take()` on a lease whose zipper was taken already (through this or another copy).
  lease_taken = 1,
  /// `lease::take()` on a default-constructed lease, or one that arrived over the network
  /// (zippers never cross a process boundary).
  empty_lease,
  /// The zipper head refused a zipper: the context is the `pathmap::conflict` text.
  conflict,
  /// A job names write regions that overlap each other, or a source that overlaps a write
  /// region of the same job (a task may only name the same region as source and destination,
  /// which is an in-place task). The context names both regions.
  overlapping_regions,
  /// A job is malformed: no operation, no tasks, or a split source that does not exist.
  invalid_job,
  /// A task failed on every attempt (the first try plus `job_options::max_retries`); the job
  /// was rolled back. The context names the task and its last error.
  task_failed,
  /// No live worker is left to run the job's remaining tasks; the job was rolled back.
  no_workers,
  /// The worker's operation threw or returned an error; the context says what.
  operation_failed,
};

/// The category atom of `error_code` errors: `pathmap`.
inline constexpr caf::atom_value error_category = caf::atom("pathmap");

/// The enumerator's name, e.g. `"lease_taken"`.
std::string to_string(error_code code);

} // namespace pathmap::actors

CAF_ERROR_CODE_ENUM(pathmap::actors::error_code, "pathmap")
