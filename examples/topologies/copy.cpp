// Topology `copy`: the seed (SEED-multithreading-patterns.md) on the actor runtime.
//
// The map holds `in/<n>/<8-byte big-endian i> -> i` for n < workers. The coordinator owns the
// map and `workers` standard workers; one job copies `in/<n>` to `out/<n>` with one task per
// worker, like the seed's one zipper pair per thread (or, with `tasks`, a split job that
// balances `in` into about that many tasks). Destinations start empty, like the seed's
// `remove_branches` on `out`.
#include <cstdint>
#include <string>
#include <vector>

#include "caf/all.hpp"

#include "common.hpp"

namespace pathmap::topologies {

using detail::value;

caf::expected<result> run_copy(caf::actor_system& sys, const options& o) {
  if (auto err = validate("copy", o))
    return err;
  std::uint32_t workers = o.workers;
  // -- set-up (not timed) --
  path_map<value> input = seed_input(o.elements, workers);
  actors::coordinator_config cc;
  cc.max_in_flight = o.in_flight;
  cc.workers = workers;
  auto coordinator = actors::spawn_coordinator<value>(sys, input, {}, cc);
  actors::job_options jo;
  jo.task_timeout = o.timeout;
  jo.clear_destinations = true;
  actors::job<value> j;
  if (o.tasks == 0) {
    std::vector<actors::task_spec> tasks;
    for (std::uint32_t n = 0; n < workers; ++n)
      tasks.push_back(actors::task_spec{{'i', 'n', static_cast<std::uint8_t>(n)},
                                        {'o', 'u', 't', static_cast<std::uint8_t>(n)}});
    j = actors::job<value>::explicit_tasks(actors::copy_values<value>(), std::move(tasks), jo);
  } else {
    j = actors::job<value>::split(actors::copy_values<value>(), {'i', 'n'}, {'o', 'u', 't'},
                                  o.tasks, jo);
  }
  // The count aimed at; a split job's real count replaces it once the coordinator reports it
  // (`run_job`).
  detail::start_work(o, "tasks", o.tasks == 0 ? workers : o.tasks);
  // -- the work --
  auto t0 = detail::clock::now();
  auto t1 = t0;
  auto report = detail::run_job(sys, coordinator, std::move(j), o, &t1);
  double seconds = std::chrono::duration<double>(t1 - t0).count();
  if (!report) {
    caf::anon_send_exit(coordinator, caf::exit_reason::user_shutdown);
    return std::move(report.error());
  }
  result res;
  res.topology = "copy";
  res.values = report->values;
  res.workers = workers;
  res.seconds = seconds;
  res.details = {{"elements", o.elements},
                 {"tasks", report->tasks},
                 {"retries", report->retries},
                 {"in_flight", o.in_flight}};
  // -- verification: the same copy, sequentially --
  if (o.verify) {
    detail::start_verifying(o);
    auto snap = detail::snapshot(sys, coordinator, o);
    if (!snap) {
      caf::anon_send_exit(coordinator, caf::exit_reason::user_shutdown);
      return std::move(snap.error());
    }
    path_map<value> expected = input;
    {
      auto src = input.read_zipper_at_path("in");
      auto dst = expected.write_zipper_at_path("out");
      while (const value* v = src.to_next_get_val()) {
        dst.descend_to(src.path());
        dst.set_val(*v);
        dst.reset();
      }
    }
    res.verified = same_values(*snap, expected) && snap->val_count() == 2 * res.values;
  }
  caf::anon_send_exit(coordinator, caf::exit_reason::user_shutdown);
  return res;
}

} // namespace pathmap::topologies
