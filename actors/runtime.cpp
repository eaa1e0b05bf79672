// The value-type independent part of the actor runtime: the error category, path rendering for
// error texts, and message type registration for the shipped instantiation (std::uint64_t).
#include "pathmap/actors/runtime.hpp"

#include <cstdint>
#include <cstdio>
#include <string>

#include "caf/actor_system_config.hpp"
#include "caf/deep_to_string.hpp"
#include "caf/message.hpp"

#include "pathmap/actors/detail/render_path.hpp"
#include "pathmap/actors/error.hpp"
#include "pathmap/actors/messages.hpp"
#include "pathmap/actors/runtime_impl.hpp"

namespace pathmap::actors {

std::string to_string(error_code code) {
  switch (code) {
    case error_code::lease_taken:
      return "lease_taken";
    case error_code::empty_lease:
      return "empty_lease";
    case error_code::conflict:
      return "conflict";
    case error_code::overlapping_regions:
      return "overlapping_regions";
    case error_code::invalid_job:
      return "invalid_job";
    case error_code::task_failed:
      return "task_failed";
    case error_code::no_workers:
      return "no_workers";
    case error_code::operation_failed:
      return "operation_failed";
  }
  return "error_code(" + std::to_string(static_cast<int>(code)) + ")";
}

void register_common_types(caf::actor_system_config& cfg) {
  // CAF 0.17.6's add_error_category<T>(atom) does not compile (its lambda has the pre-0.17
  // renderer signature), so the renderer is spelled out.
  cfg.add_error_category(error_category,
                         [](std::uint8_t code, caf::atom_value, const caf::message& context) {
                           std::string out = "pathmap: " + to_string(static_cast<error_code>(code));
                           if (context.match_elements<std::string>())
                             out += ": " + context.get_as<std::string>(0);
                           else if (!context.empty())
                             out += " " + caf::deep_to_string(context);
                           return out;
                         });
  cfg.add_message_type<task_spec>("pathmap.task_spec");
  cfg.add_message_type<split_spec>("pathmap.split_spec");
  cfg.add_message_type<job_options>("pathmap.job_options");
  cfg.add_message_type<task_done>("pathmap.task_done");
  cfg.add_message_type<worker_report>("pathmap.worker_report");
  cfg.add_message_type<job_report>("pathmap.job_report");
  cfg.add_message_type<coordinator_stats>("pathmap.coordinator_stats");
}

void register_types(caf::actor_system_config& cfg) {
  register_types<std::uint64_t>(cfg, "u64");
}

namespace detail {

std::string render_path(path_view p) {
  std::string out = "\"";
  for (std::uint8_t b : p) {
    if (b >= 0x20 && b < 0x7f && b != '"' && b != '\\') {
      out += static_cast<char>(b);
    } else {
      char buf[5];
      std::snprintf(buf, sizeof(buf), "\\x%02x", b);
      out += buf;
    }
  }
  out += '"';
  return out;
}

} // namespace detail

} // namespace pathmap::actors
