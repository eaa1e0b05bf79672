// Topology `query`: scatter-gather prefix search over read leases.
//
// The map holds the lines of a text file (default: the word list) as paths, each with its line
// number as value. The queries are all distinct prefixes of `prefix` bytes. A driver actor asks
// the coordinator for a read lease at each prefix (readers never conflict, so all are out at
// once), scatters the leases over `workers` searcher actors, and gathers each answer (how many
// values lie under the prefix, and their sum). Verification: the same answers from one
// sequential pass over the map.
#include <cstdint>
#include <map>
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

struct driver_state {
  std::vector<answer> answers;
  std::size_t remaining = 0;
  caf::typed_response_promise<std::vector<answer>> promise;
  static inline const char* name = "pathmap.query.driver";
};

// The driver keeps state across messages; tsan_visible lets ThreadSanitizer see CAF hand it
// from one scheduler thread to the next (pathmap/actors/tsan_visible.hpp). No cost otherwise.
using driver_self = actors::tsan_visible<driver_actor::stateful_base<driver_state>>*;

driver_actor::behavior_type driver(driver_self self, actors::coordinator_actor<value> coordinator,
                                   std::vector<searcher_actor> searchers,
                                   std::vector<pathmap::path> prefixes, caf::timespan timeout,
                                   progress* live) {
  return {
    [=](gather_atom) -> caf::typed_response_promise<std::vector<answer>> {
      auto& st = self->state;
      st.promise = self->make_response_promise<std::vector<answer>>();
      st.remaining = prefixes.size();
      st.answers.resize(prefixes.size());
      auto fail = [self](caf::error& err) {
        if (self->state.promise.pending())
          self->state.promise.deliver(std::move(err));
      };
      for (std::size_t i = 0; i < prefixes.size(); ++i) {
        auto target = searchers[i % searchers.size()];
        self->request(coordinator, timeout, actors::read_atom::value, prefixes[i])
          .then(
            [=](actors::lease<reader>& view) {
              self->request(target, timeout, query{prefixes[i], view})
                .then(
                  [=](answer& a) {
                    auto& st = self->state;
                    st.answers[i] = std::move(a);
                    if (live != nullptr)
                      ++live->done;
                    if (--st.remaining == 0 && st.promise.pending())
                      st.promise.deliver(std::move(st.answers));
                  },
                  fail);
            },
            fail);
      }
      if (prefixes.empty())
        st.promise.deliver(std::vector<answer>{});
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
  auto d = sys.spawn(driver, coordinator, searchers, prefixes, o.timeout, o.live);
  if (o.live != nullptr)
    o.live->total = prefixes.size();
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
  res.details = {{"queries", prefixes.size()}, {"prefix_bytes", plen}, {"words", lines->size()}};
  if (o.verify) {
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
