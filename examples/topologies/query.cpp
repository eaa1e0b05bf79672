// Topology `query`: scatter-gather prefix search over read leases.
//
// The map holds the lines of a text file (default: the word list) as paths, each with its line
// number as value. The queries are all distinct prefixes of `prefix` bytes. A driver actor asks
// the coordinator for a read lease at each prefix (readers never conflict), scatters the leases
// over `workers` searcher actors, and gathers each answer (how many values lie under the prefix,
// and their sum). At most `in_flight` queries per searcher are out at once: each answer sends
// the next query. Verification: the same answers from one sequential pass over the map.
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "caf/all.hpp"

#include "common.hpp"

namespace pathmap::topologies {

using detail::value;
using reader = read_zipper_tracked<value>;

namespace {

struct query {
  pathmap::path prefix;
  actors::lease<reader> view;

  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, query& x) {
    return f(caf::meta::type_name("pathmap.query.query"), x.prefix, x.view);
  }
};

struct answer {
  pathmap::path prefix;
  std::uint64_t count = 0;
  std::uint64_t sum = 0;

  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, answer& x) {
    return f(caf::meta::type_name("pathmap.query.answer"), x.prefix, x.count, x.sum);
  }
};

using searcher_actor = caf::typed_actor<caf::replies_to<query>::with<answer>>;

using gather_atom = caf::atom_constant<caf::atom("pm_gather")>;
using driver_actor = caf::typed_actor<caf::replies_to<gather_atom>::with<std::vector<answer>>>;

// A class, not a function actor: CAF 0.17.6 dereferences a null pointer when it starts a
// function actor spawned without arguments (pathmap/actors/worker.hpp says more). Spawned as
// tsan_visible<searcher>, so that the mixin's constructor runs after the searcher's.
class searcher : public searcher_actor::base {
  using super = searcher_actor::base;

public:
  using super::super;

  behavior_type make_behavior() override {
    return {
      [](query& q) -> caf::result<answer> {
        auto r = q.view.take();
        if (!r)
          return std::move(r.error());
        answer a;
        a.prefix = q.prefix;
        a.count = actors::for_each_value(*r, [&](path_view, const value& v) { a.sum += v; });
        return a;
      },
    };
  }
};

/// What the driver's callbacks share, behind one pointer: a callback that named the prefixes
/// by value would copy all of them, once per query (quadratic time and memory).
struct query_plan {
  actors::coordinator_actor<value> coordinator;
  std::vector<searcher_actor> searchers;
  std::vector<pathmap::path> prefixes;
  caf::timespan timeout;
  /// Queries out at once (asked but not answered).
  std::size_t window = 1;
  progress* live = nullptr;
};

using plan_ptr = std::shared_ptr<const query_plan>;

struct driver_state {
  std::vector<answer> answers;
  /// The next prefix to ask about.
  std::size_t next = 0;
  /// Answers still missing.
  std::size_t remaining = 0;
  caf::typed_response_promise<std::vector<answer>> promise;
  static inline const char* name = "pathmap.query.driver";
};

// The driver keeps state across messages; tsan_visible lets ThreadSanitizer see CAF hand it
// from one scheduler thread to the next (pathmap/actors/tsan_visible.hpp). No cost otherwise.
using driver_self = actors::tsan_visible<driver_actor::stateful_base<driver_state>>*;

/// Asks the next query: a read lease at its prefix from the coordinator, then its answer from a
/// searcher. Each answer asks the next, so at most `plan->window` queries are out and the
/// mailboxes hold a window's requests, not every query's.
void ask_next(driver_self self, const plan_ptr& plan) {
  auto& st = self->state;
  if (st.next >= plan->prefixes.size() || !st.promise.pending())
    return;
  std::size_t i = st.next++;
  auto fail = [self](caf::error& err) {
    if (self->state.promise.pending())
      self->state.promise.deliver(std::move(err));
  };
  auto target = plan->searchers[i % plan->searchers.size()];
  self->request(plan->coordinator, plan->timeout, actors::read_atom::value, plan->prefixes[i])
    .then(
      [self, plan, i, target, fail](actors::lease<reader>& view) {
        self->request(target, plan->timeout, query{plan->prefixes[i], view})
          .then(
            [self, plan, i](answer& a) {
              auto& st = self->state;
              st.answers[i] = std::move(a);
              if (plan->live != nullptr)
                ++plan->live->done;
              if (--st.remaining == 0 && st.promise.pending())
                st.promise.deliver(std::move(st.answers));
              else
                ask_next(self, plan);
            },
            fail);
      },
      fail);
}

driver_actor::behavior_type driver(driver_self self, plan_ptr plan) {
  return {
    [=](gather_atom) -> caf::typed_response_promise<std::vector<answer>> {
      auto& st = self->state;
      st.promise = self->make_response_promise<std::vector<answer>>();
      st.next = 0;
      st.remaining = plan->prefixes.size();
      st.answers.resize(plan->prefixes.size());
      if (plan->prefixes.empty())
        st.promise.deliver(std::vector<answer>{});
      for (std::size_t k = 0; k < plan->window; ++k)
        ask_next(self, plan);
      return st.promise;
    },
  };
}

} // namespace

namespace detail {

void register_query_types(caf::actor_system_config& cfg) {
  cfg.add_message_type<query>("pathmap.query.query");
  cfg.add_message_type<answer>("pathmap.query.answer");
}

} // namespace detail

caf::expected<result> run_query(caf::actor_system& sys, const options& o) {
  if (auto err = validate("query", o))
    return err;
  std::uint32_t workers = o.workers;
  std::size_t plen = o.prefix;
  // -- set-up (not timed) --
  auto lines = read_lines(o.file);
  if (!lines)
    return std::move(lines.error());
  path_map<value> input;
  for (std::size_t i = 0; i < lines->size(); ++i)
    input.set_val_at((*lines)[i], i);
  std::vector<pathmap::path> prefixes;
  {
    std::vector<std::string> ps;
    for (auto& l : *lines)
      if (l.size() >= plen)
        ps.push_back(l.substr(0, plen));
    std::sort(ps.begin(), ps.end());
    ps.erase(std::unique(ps.begin(), ps.end()), ps.end());
    for (auto& s : ps)
      prefixes.emplace_back(s.begin(), s.end());
  }
  auto coordinator = actors::spawn_coordinator<value>(sys, input);
  std::vector<searcher_actor> searchers;
  for (std::uint32_t i = 0; i < workers; ++i)
    searchers.push_back(sys.spawn<actors::tsan_visible<searcher>>());
  auto plan = std::make_shared<query_plan>();
  plan->coordinator = coordinator;
  plan->searchers = searchers;
  plan->prefixes = prefixes;
  plan->timeout = o.timeout;
  plan->window = std::size_t{o.in_flight} * workers;
  plan->live = o.live;
  auto d = sys.spawn(driver, plan_ptr{std::move(plan)});
  detail::start_work(o, "queries", prefixes.size());
  auto stop = [&] {
    caf::anon_send_exit(d, caf::exit_reason::user_shutdown);
    for (auto& s : searchers)
      caf::anon_send_exit(s, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(coordinator, caf::exit_reason::user_shutdown);
  };
  // -- the work --
  auto t0 = detail::clock::now();
  auto answers = actors::ask<std::vector<answer>>(sys, d, o.timeout, gather_atom::value);
  double seconds = detail::seconds_since(t0);
  stop();
  if (!answers)
    return std::move(answers.error());
  result res;
  res.topology = "query";
  for (auto& a : *answers)
    res.values += a.count;
  res.workers = workers;
  res.seconds = seconds;
  res.details = {{"queries", prefixes.size()},
                 {"prefix_bytes", plen},
                 {"words", lines->size()},
                 {"in_flight", o.in_flight}};
  if (o.verify) {
    detail::start_verifying(o);
    // Keyed by std::string: GCC 12 at -O3 warns falsely (-Wstringop-overread) inside the
    // comparison of std::vector<std::uint8_t> keys.
    std::map<std::string, std::pair<std::uint64_t, std::uint64_t>, std::less<>> expected;
    input.for_each_value([&](path_view p, const value& v) {
      if (p.size() >= plen) {
        auto& e = expected[std::string(p.subview(0, plen).as_string_view())];
        ++e.first;
        e.second += v;
      }
    });
    bool ok = expected.size() == answers->size();
    for (std::size_t i = 0; ok && i < answers->size(); ++i) {
      auto& a = (*answers)[i];
      auto it = expected.find(
        std::string_view(reinterpret_cast<const char*>(a.prefix.data()), a.prefix.size()));
      ok = a.prefix == prefixes[i] && it != expected.end() && it->second.first == a.count
           && it->second.second == a.sum;
    }
    res.verified = ok;
  }
  return res;
}

} // namespace pathmap::topologies
