// Topology `pipeline`: a write lease handed along a chain of stage actors.
//
// The input is the seed's layout with one part per batch (`in/<k>/<8-byte i> -> i`). A driver
// actor (a user actor that drives the coordinator with request(...).then(...)) asks the
// coordinator for a read lease of `in/<k>` and a write lease of `out/<k>` per batch and sends
// them to stage 0. Stage 0 copies the values into the writer; every later stage s rewrites them
// in place (v -> 3v + s) and hands the writer on in a new lease with CAF's `delegate`, so the
// last stage's reply goes straight to the driver. Batches overlap: while stage 1 works on batch
// k, stage 0 already fills batch k + 1.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "caf/all.hpp"

#include "common.hpp"

namespace pathmap::topologies {

using detail::value;
using reader = read_zipper_tracked<value>;
using writer = write_zipper_tracked<value>;

namespace {

/// One batch on its way through the stages.
struct batch {
  std::uint32_t index = 0;
  /// Only stage 0 takes it.
  actors::lease<reader> source;
  actors::lease<writer> work;

  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, batch& x) {
    return f(caf::meta::type_name("pathmap.pipeline.batch"), x.index, x.source, x.work);
  }
};

/// The last stage's reply.
struct batch_done {
  std::uint32_t index = 0;
  std::uint64_t values = 0;

  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, batch_done& x) {
    return f(caf::meta::type_name("pathmap.pipeline.batch_done"), x.index, x.values);
  }
};

using stage_actor = caf::typed_actor<caf::replies_to<batch>::with<batch_done>>;

using run_atom = caf::atom_constant<caf::atom("pm_run")>;
using driver_actor = caf::typed_actor<caf::replies_to<run_atom>::with<std::uint64_t>>;

value stage_fn(std::uint32_t stage, value v) {
  return 3 * v + stage;
}

stage_actor::behavior_type stage(actors::tsan_visible<stage_actor::base>* self, std::uint32_t index,
                                 stage_actor next) {
  return {
    [=](batch& b) -> caf::result<batch_done> {
      auto w = b.work.take();
      if (!w)
        return std::move(w.error());
      std::uint64_t n = 0;
      if (index == 0) {
        auto r = b.source.take();
        if (!r)
          return std::move(r.error());
        n = actors::for_each_value(*r, [&](path_view p, const value& v) {
          w->descend_to(p);
          w->set_val(stage_fn(0, v));
          w->reset();
        });
      } else {
        w->reset();
        if (value* v = w->get_val_mut()) {
          *v = stage_fn(index, *v);
          ++n;
        }
        while (w->to_next_val()) {
          value* v = w->get_val_mut();
          *v = stage_fn(index, *v);
          ++n;
        }
        w->reset();
      }
      if (next)
        return self->delegate(next, batch{b.index, {}, actors::lease<writer>(std::move(*w))});
      return batch_done{b.index, n};
    },
  };
}

struct driver_state {
  std::uint32_t remaining = 0;
  std::uint64_t values = 0;
  caf::typed_response_promise<std::uint64_t> promise;
  static inline const char* name = "pathmap.pipeline.driver";
};

// The driver keeps state across messages; tsan_visible lets ThreadSanitizer see CAF hand it
// from one scheduler thread to the next (pathmap/actors/tsan_visible.hpp). No cost otherwise.
using driver_self = actors::tsan_visible<driver_actor::stateful_base<driver_state>>*;

driver_actor::behavior_type driver(driver_self self, actors::coordinator_actor<value> coordinator,
                                   stage_actor first, std::uint32_t batches, caf::timespan timeout,
                                   progress* live) {
  return {
    [=](run_atom) -> caf::typed_response_promise<std::uint64_t> {
      auto rp = self->make_response_promise<std::uint64_t>();
      self->state.promise = rp;
      self->state.remaining = batches;
      auto fail = [self](caf::error& err) {
        if (self->state.promise.pending())
          self->state.promise.deliver(std::move(err));
      };
      for (std::uint32_t k = 0; k < batches; ++k) {
        pathmap::path in{'i', 'n', static_cast<std::uint8_t>(k)};
        pathmap::path out{'o', 'u', 't', static_cast<std::uint8_t>(k)};
        self->request(coordinator, timeout, actors::read_atom::value, in)
          .then(
            [=](actors::lease<reader>& r) {
              self->request(coordinator, timeout, actors::write_atom::value, out)
                .then(
                  [=](actors::lease<writer>& w) {
                    self->request(first, timeout, batch{k, r, w})
                      .then(
                        [=](batch_done& d) {
                          auto& st = self->state;
                          st.values += d.values;
                          if (live != nullptr)
                            ++live->done;
                          if (--st.remaining == 0 && st.promise.pending())
                            st.promise.deliver(st.values);
                        },
                        fail);
                  },
                  fail);
            },
            fail);
      }
      return rp;
    },
  };
}

} // namespace

namespace detail {

void register_pipeline_types(caf::actor_system_config& cfg) {
  cfg.add_message_type<batch>("pathmap.pipeline.batch");
  cfg.add_message_type<batch_done>("pathmap.pipeline.batch_done");
}

} // namespace detail

caf::expected<result> run_pipeline(caf::actor_system& sys, const options& o) {
  if (auto err = validate("pipeline", o))
    return err;
  std::uint32_t stages = o.workers;
  std::uint32_t batches = detail::parts_of(o);
  // -- set-up (not timed) --
  path_map<value> input = seed_input(o.elements, batches);
  auto coordinator = actors::spawn_coordinator<value>(sys, input);
  std::vector<stage_actor> chain(stages);
  for (std::uint32_t s = stages; s-- > 0;)
    chain[s] = sys.spawn(stage, s, s + 1 < stages ? chain[s + 1] : stage_actor{});
  auto d = sys.spawn(driver, coordinator, chain[0], batches, o.timeout, o.live);
  detail::start_work(o, "batches", batches);
  auto stop = [&] {
    caf::anon_send_exit(d, caf::exit_reason::user_shutdown);
    for (auto& s : chain)
      caf::anon_send_exit(s, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(coordinator, caf::exit_reason::user_shutdown);
  };
  // -- the work --
  auto t0 = detail::clock::now();
  auto values = actors::ask<std::uint64_t>(sys, d, o.timeout, run_atom::value);
  double seconds = detail::seconds_since(t0);
  if (!values) {
    stop();
    return std::move(values.error());
  }
  result res;
  res.topology = "pipeline";
  res.values = *values;
  res.workers = stages;
  res.seconds = seconds;
  res.details = {{"elements", o.elements}, {"stages", stages}, {"batches", batches}};
  if (o.verify) {
    detail::start_verifying(o);
    auto snap = detail::snapshot(sys, coordinator, o);
    if (!snap) {
      stop();
      return std::move(snap.error());
    }
    path_map<value> expected = input;
    {
      auto src = input.read_zipper_at_path("in");
      auto dst = expected.write_zipper_at_path("out");
      while (const value* v = src.to_next_get_val()) {
        value x = *v;
        for (std::uint32_t s = 0; s < stages; ++s)
          x = stage_fn(s, x);
        dst.descend_to(src.path());
        dst.set_val(x);
        dst.reset();
      }
    }
    res.verified = same_values(*snap, expected);
  }
  stop();
  return res;
}

} // namespace pathmap::topologies
