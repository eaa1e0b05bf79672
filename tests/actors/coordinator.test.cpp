// Deterministic tests of the actor runtime on CAF's test_coordinator: leases, dispatch order,
// completion replies, job reports, work pulling, every failure mode with recovery, refusals.
// The scheduler runs one message at a time, on this thread, and fires request timeouts on a
// simulated clock when nothing else is left to do (`run()`).
#define PATHMAP_CAF_TEST_IMPL
#include "caf_test_shim.hpp"

#include "pathmap/actors/all.hpp"

#include "exception_reply.hpp"

#include <algorithm>
#include <climits>
#include <cstdint>
#include <exception>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "caf/all.hpp"

using namespace pathmap::actors;
using pathmap::path;
using pathmap::path_map;

namespace {

using V = std::uint64_t;
using reader = pathmap::read_zipper_tracked<V>;
using writer = pathmap::write_zipper_tracked<V>;

// -- data --------------------------------------------------------------------------------------

path p(std::string_view s) {
  return path(s.begin(), s.end());
}

path cat(path a, std::initializer_list<std::uint8_t> tail) {
  a.insert(a.end(), tail.begin(), tail.end());
  return a;
}

path be64(std::uint64_t i) {
  path out(8);
  for (int k = 7; k >= 0; --k, i >>= 8)
    out[static_cast<std::size_t>(k)] = static_cast<std::uint8_t>(i & 0xff);
  return out;
}

/// The seed's input: `in` + part byte + 8-byte big-endian i -> i, `parts` parts of `per` values.
path_map<V> seed_map(std::size_t parts, std::size_t per) {
  path_map<V> m;
  for (std::size_t n = 0; n < parts; ++n)
    for (std::size_t i = n * per; i < (n + 1) * per; ++i) {
      path k = cat(p("in"), {static_cast<std::uint8_t>(n)});
      auto b = be64(i);
      k.insert(k.end(), b.begin(), b.end());
      m.set_val_at(k, i);
    }
  return m;
}

/// `m` with every value below `from` also at the same relative path below `to`, mapped by `f`.
template <class F>
path_map<V> sequential(path_map<V> m, const path& from, const path& to, F f) {
  std::vector<std::pair<path, V>> out;
  m.for_each_value([&](pathmap::path_view k, const V& v) {
    if (k.size() >= from.size() && std::equal(from.begin(), from.end(), k.begin())) {
      path q = to;
      q.insert(q.end(), k.begin() + static_cast<std::ptrdiff_t>(from.size()), k.end());
      out.emplace_back(std::move(q), f(v));
    }
  });
  for (auto& [k, v] : out)
    m.set_val_at(k, v);
  return m;
}

std::vector<std::pair<path, V>> dump(const path_map<V>& m) {
  std::vector<std::pair<path, V>> out;
  m.for_each_value([&](pathmap::path_view k, const V& v) { out.emplace_back(k.to_path(), v); });
  return out;
}

bool same(const path_map<V>& a, const path_map<V>& b) {
  return dump(a) == dump(b);
}

std::vector<task_spec> seed_tasks(std::size_t parts) {
  std::vector<task_spec> ts;
  for (std::size_t n = 0; n < parts; ++n)
    ts.push_back(task_spec{cat(p("in"), {static_cast<std::uint8_t>(n)}),
                           cat(p("out"), {static_cast<std::uint8_t>(n)})});
  return ts;
}

bool has_code(const caf::error& e, error_code c) {
  return e.category() == error_category && e.code() == static_cast<std::uint8_t>(c);
}

// -- test workers ----------------------------------------------------------------------------

enum class fault { none, throws, quits, hangs, error_reply, poison };

struct seen {
  int worker;
  std::uint32_t index;
  std::uint32_t attempt;
  friend bool operator==(const seen&, const seen&) = default;
};

/// What the test workers share with the test: the order in which tasks arrived, and the
/// zippers a hanging worker keeps.
struct worker_log {
  std::vector<seen> arrivals;
  std::vector<std::pair<reader, writer>> kept;
};

struct test_worker_state {
  std::vector<caf::typed_response_promise<task_done>> held;
  int faults_left = 0;
  static inline const char* name = "test_worker";
};

using test_worker_actor = worker_actor<V>::stateful_pointer<test_worker_state>;

/// A worker that logs each arrival and misbehaves (`f`) on its first `times` tasks.
worker_actor<V>::behavior_type test_worker(test_worker_actor self, int id,
                                           std::shared_ptr<worker_log> log, fault f, int times) {
  self->state.faults_left = times;
  self->set_exception_handler(exception_reply);
  return {
    [=](task<V>& t) -> caf::result<task_done> {
      log->arrivals.push_back(seen{id, t.index, t.attempt});
      if (self->state.faults_left > 0 && f != fault::none) {
        --self->state.faults_left;
        switch (f) {
          case fault::throws:
            throw std::runtime_error("injected exception");
          case fault::quits: {
            auto rp = self->make_response_promise<task_done>();
            self->quit();
            return rp;
          }
          case fault::hangs: {
            auto r = t.source.take();
            auto w = t.destination.take();
            log->kept.emplace_back(std::move(*r), std::move(*w));
            auto rp = self->make_response_promise<task_done>();
            self->state.held.push_back(rp);
            return rp;
          }
          case fault::error_reply:
            return caf::make_error(error_code::operation_failed, "injected error reply");
          case fault::poison:
            if (t.index == 0) {
              // Dies on task 0 whatever is queued behind it.
              auto rp = self->make_response_promise<task_done>();
              self->quit();
              return rp;
            }
            break; // the other tasks run normally
          case fault::none:
            break;
        }
      }
      auto done = run_task(t);
      if (!done)
        return std::move(done.error());
      return *done;
    },
  };
}

// -- fixture -----------------------------------------------------------------------------------

struct test_config : caf::actor_system_config {
  test_config() { register_types(*this); }
};

struct fixture : test_coordinator_fixture<test_config> {
  std::shared_ptr<worker_log> log = std::make_shared<worker_log>();
  /// Everything the test spawned: shut down at the end, because a hanging worker keeps its
  /// response promises (which reference it and the coordinator) and would never terminate.
  std::vector<caf::actor> spawned;

  ~fixture() override {
    log->kept.clear();
    for (auto& a : spawned)
      caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
    run();
  }

  worker_actor<V> worker(int id, fault f = fault::none, int times = INT_MAX) {
    auto w = sys.spawn(test_worker, id, log, f, times);
    spawned.push_back(caf::actor_cast<caf::actor>(w));
    return w;
  }

  coordinator_actor<V> coordinator(path_map<V> m, std::vector<worker_actor<V>> ws,
                                   std::uint32_t in_flight = 1) {
    coordinator_config cfg;
    cfg.max_in_flight = in_flight;
    auto c = spawn_coordinator<V>(sys, std::move(m), std::move(ws), cfg);
    spawned.push_back(caf::actor_cast<caf::actor>(c));
    run();
    return c;
  }

  /// Sends a request from the test's scoped actor, runs everything, returns the reply.
  template <class T, class Handle, class... Ts>
  caf::expected<T> ask(const Handle& h, Ts&&... xs) {
    caf::expected<T> result = caf::make_error(caf::sec::invalid_argument, "no reply");
    auto rh = self->request(h, caf::infinite, std::forward<Ts>(xs)...);
    run();
    rh.receive([&](T& x) { result = std::move(x); }, [&](caf::error& e) { result = std::move(e); });
    return result;
  }

  path_map<V> snapshot(const coordinator_actor<V>& c) {
    auto s = ask<map_snapshot<V>>(c, snapshot_atom::value);
    REQUIRE_MESSAGE(s, sys.render(s.error()));
    return s->map;
  }

  coordinator_stats stats(const coordinator_actor<V>& c) {
    auto s = ask<coordinator_stats>(c, stats_atom::value);
    REQUIRE(s);
    return *s;
  }
};

} // namespace

// -- leases ------------------------------------------------------------------------------------

TEST_CASE("a lease yields its object once; every later take, also on a copy, is an error") {
  lease<std::unique_ptr<int>> a{std::make_unique<int>(7)};
  auto b = a;
  CHECK(a.valid());
  CHECK_FALSE(a.taken());
  auto x = b.take();
  REQUIRE(x);
  CHECK(**x == 7);
  CHECK(a.taken());
  auto y = a.take();
  REQUIRE_FALSE(y);
  CHECK(has_code(y.error(), error_code::lease_taken));
  auto z = b.take();
  REQUIRE_FALSE(z);
  CHECK(has_code(z.error(), error_code::lease_taken));
  lease<std::unique_ptr<int>> empty;
  auto e = empty.take();
  REQUIRE_FALSE(e);
  CHECK(has_code(e.error(), error_code::empty_lease));
}

TEST_CASE("racing takes on copies of one lease: exactly one wins") {
  for (int round = 0; round < 50; ++round) {
    lease<std::unique_ptr<int>> l{std::make_unique<int>(round)};
    std::atomic<int> wins{0};
    std::vector<std::thread> ts;
    for (int i = 0; i < 4; ++i)
      ts.emplace_back([copy = l, &wins]() mutable {
        if (copy.take())
          ++wins;
      });
    for (auto& t : ts)
      t.join();
    CHECK(wins.load() == 1);
  }
}

TEST_CASE(
  "an untaken lease releases its zipper's lock when the last handle dies on another thread") {
  path_map<V> m = seed_map(2, 4);
  auto head = m.zipper_head();
  auto w = head.write_zipper_at_exclusive_path(p("out"));
  REQUIRE(w);
  auto l = std::make_unique<lease<writer>>(std::move(*w));
  auto copy = *l;
  CHECK_FALSE(head.write_zipper_at_exclusive_path(p("out")));
  l.reset();
  CHECK_FALSE(head.write_zipper_at_exclusive_path(p("out"))); // `copy` still holds it
  std::thread t([c = std::move(copy)]() mutable { c = {}; });
  t.join();
  CHECK(head.write_zipper_at_exclusive_path(p("out")));
}

// -- dispatch, completion, reports -------------------------------------------------------------

TEST_CASE_FIXTURE(fixture, "tasks are dispatched round-robin first, and each completion reply "
                           "frees its worker for the next task") {
  auto w0 = worker(0);
  auto w1 = worker(1);
  auto c = coordinator(seed_map(4, 8), {w0, w1}, 1);
  self->send(c, job<V>::explicit_tasks(copy_values<V>(), seed_tasks(4)));
  expect((job<V>), from(self).to(c).with(_));
  // One slot each: task 0 to w0, task 1 to w1, nothing else yet.
  expect((task<V>), from(c).to(w0).with(_));
  CHECK(log->arrivals.back() == seen{0, 0, 1});
  expect((task<V>), from(c).to(w1).with(_));
  CHECK(log->arrivals.back() == seen{1, 1, 1});
  expect((task_done), from(w0).to(c).with(task_done{1, 0, 1, 8}));
  expect((task<V>), from(c).to(w0).with(_));
  CHECK(log->arrivals.back() == seen{0, 2, 1});
  expect((task_done), from(w1).to(c).with(task_done{1, 1, 1, 8}));
  expect((task<V>), from(c).to(w1).with(_));
  CHECK(log->arrivals.back() == seen{1, 3, 1});
  expect((task_done), from(w0).to(c).with(_));
  expect((task_done), from(w1).to(c).with(_));
  // The job report goes to the client once every completion has arrived.
  expect((job_report), from(c).to(self).with(_));
}

TEST_CASE_FIXTURE(fixture, "the next task goes to whichever worker answers first (work pulling)") {
  auto w0 = worker(0);
  auto w1 = worker(1);
  auto c = coordinator(seed_map(6, 4), {w0, w1}, 1);
  self->send(c, job<V>::explicit_tasks(copy_values<V>(), seed_tasks(6)));
  expect((job<V>), from(self).to(c).with(_));
  // w0 gets task 0 but stays busy (its mailbox is never run); w1 does everything else.
  expect((task<V>), from(c).to(w1).with(_));
  for (std::uint32_t i = 2; i < 6; ++i) {
    expect((task_done), from(w1).to(c).with(_));
    expect((task<V>), from(c).to(w1).with(_));
    CHECK(log->arrivals.back().index == i);
  }
  expect((task_done), from(w1).to(c).with(_));
  expect((task<V>), from(c).to(w0).with(_));
  CHECK(log->arrivals.back() == seen{0, 0, 1});
  expect((task_done), from(w0).to(c).with(_));
  expect((job_report), from(c).to(self).with(_));
}

TEST_CASE_FIXTURE(fixture, "with two tasks in flight per worker, the second waits in the "
                           "worker's mailbox") {
  auto w0 = worker(0);
  auto c = coordinator(seed_map(3, 4), {w0}, 2);
  self->send(c, job<V>::explicit_tasks(copy_values<V>(), seed_tasks(3)));
  expect((job<V>), from(self).to(c).with(_));
  expect((task<V>), from(c).to(w0).with(_));
  expect((task<V>), from(c).to(w0).with(_));
  CHECK(log->arrivals.size() == 2);
  expect((task_done), from(w0).to(c).with(_));
  expect((task_done), from(w0).to(c).with(_));
  run();
  CHECK(log->arrivals.size() == 3);
}

TEST_CASE_FIXTURE(fixture, "the job report counts values, tasks and per-worker work, and the "
                           "map equals a sequential copy") {
  auto w0 = worker(0);
  auto w1 = worker(1);
  auto w2 = worker(2);
  auto input = seed_map(4, 100);
  auto c = coordinator(input, {w0, w1, w2}, 2);
  auto rep = ask<job_report>(c, job<V>::explicit_tasks(copy_values<V>(), seed_tasks(4)));
  REQUIRE_MESSAGE(rep, sys.render(rep.error()));
  CHECK(rep->values == 400);
  CHECK(rep->tasks == 4);
  CHECK(rep->retries == 0);
  std::uint64_t tasks = 0, values = 0;
  for (auto& w : rep->workers) {
    tasks += w.tasks;
    values += w.values;
  }
  CHECK(tasks == 4);
  CHECK(values == 400);
  CHECK(rep->workers.size() == 3);
  CHECK(rep->elapsed.count() >= 0);
  CHECK(same(snapshot(c), sequential(input, p("in"), p("out"), [](V v) { return v; })));
  auto st = stats(c);
  CHECK(st.jobs_done == 1);
  CHECK(st.tasks_done == 4);
  CHECK(st.values == 800);
  CHECK(st.values_current);
  CHECK(st.workers == 3);
}

TEST_CASE_FIXTURE(fixture, "statistics count the unfinished tasks of running jobs") {
  auto w0 = worker(0);
  auto c = coordinator(seed_map(4, 2), {w0}, 1);
  auto rh = self->request(c, caf::infinite,
                          job<V>::explicit_tasks(copy_values<V>(), seed_tasks(4)));
  expect((job<V>), from(self).to(c).with(_));
  expect((task<V>), from(c).to(w0).with(_));
  expect((task_done), from(w0).to(c).with(_));
  auto sh = self->request(c, caf::infinite, stats_atom::value);
  expect((stats_atom), from(self).to(c).with(_));
  coordinator_stats st;
  sh.receive([&](coordinator_stats& s) { st = s; }, [&](caf::error& e) { FAIL(sys.render(e)); });
  CHECK(st.jobs_running == 1);
  CHECK(st.tasks_done == 1);
  CHECK(st.tasks_pending == 3);
  sched.run();
  rh.receive([](job_report& r) { CHECK(r.tasks == 4); },
             [&](caf::error& e) { FAIL(sys.render(e)); });
  CHECK(stats(c).tasks_pending == 0);
}

TEST_CASE_FIXTURE(fixture, "max_in_flight is held to 1..max_in_flight_limit") {
  auto input = seed_map(3, 2);
  for (std::uint32_t in_flight : {0u, UINT32_MAX}) {
    auto c = coordinator(input, {worker(0)}, in_flight);
    auto rep = ask<job_report>(c, job<V>::explicit_tasks(copy_values<V>(), seed_tasks(3)));
    REQUIRE_MESSAGE(rep, sys.render(rep.error()));
    CHECK(rep->values == 6);
  }
}

TEST_CASE_FIXTURE(fixture, "a split job balances heavy children into tasks of similar size") {
  path_map<V> input;
  // "a" holds 1,024 values in 4 children of 256; "b" and "c" hold 16 each.
  for (std::uint64_t i = 0; i < 1024; ++i)
    input.set_val_at(
      cat(p("in"), {'a', static_cast<std::uint8_t>(i / 256), static_cast<std::uint8_t>(i % 256)}),
      i);
  for (std::uint64_t i = 0; i < 16; ++i) {
    input.set_val_at(cat(p("in"), {'b', static_cast<std::uint8_t>(i)}), i);
    input.set_val_at(cat(p("in"), {'c', static_cast<std::uint8_t>(i)}), i);
  }
  auto c = coordinator(input, {worker(0), worker(1)}, 2);
  auto rep = ask<job_report>(c, job<V>::split(copy_values<V>(), p("in"), p("out"), 4));
  REQUIRE_MESSAGE(rep, sys.render(rep.error()));
  // Target 1056 / 4 = 264 per task: "a" splits into its four children, "b" and "c" stay.
  CHECK(rep->tasks == 6);
  CHECK(rep->values == 1056);
  CHECK(same(snapshot(c), sequential(input, p("in"), p("out"), [](V v) { return v; })));
}

TEST_CASE_FIXTURE(fixture, "a split job never cuts a 256-way fan-out into far more tasks than "
                           "asked for") {
  path_map<V> input;
  // Two children of 512 values, each fanning out 256 ways: reaching 1024 / 5 values per task
  // would take 512 tasks.
  for (std::uint64_t i = 0; i < 1024; ++i)
    input.set_val_at(cat(p("in"), {static_cast<std::uint8_t>(i / 512),
                                   static_cast<std::uint8_t>(i / 2 % 256),
                                   static_cast<std::uint8_t>(i % 2)}),
                     i);
  auto c = coordinator(input, {worker(0), worker(1)}, 2);
  auto rep = ask<job_report>(c, job<V>::split(copy_values<V>(), p("in"), p("out"), 5));
  REQUIRE_MESSAGE(rep, sys.render(rep.error()));
  CHECK(rep->tasks <= 20);
  CHECK(rep->tasks >= 2);
  CHECK(rep->values == 1024);
  CHECK(same(snapshot(c), sequential(input, p("in"), p("out"), [](V v) { return v; })));
}

TEST_CASE_FIXTURE(fixture, "an in-place transform reads the region as it was and rewrites it") {
  auto input = seed_map(3, 10);
  auto c = coordinator(input, {worker(0), worker(1)}, 1);
  auto times3 = transform_values<V>([](const V& v) { return v * 3; });
  auto rep = ask<job_report>(c, job<V>::split(times3, p("in"), p("in"), 3));
  REQUIRE_MESSAGE(rep, sys.render(rep.error()));
  CHECK(rep->values == 30);
  CHECK(same(snapshot(c), sequential(input, p("in"), p("in"), [](V v) { return v * 3; })));
}

TEST_CASE_FIXTURE(fixture, "count writes one value per task region") {
  auto c = coordinator(seed_map(3, 10), {worker(0)}, 1);
  auto rep = ask<job_report>(c, job<V>::explicit_tasks(count_values<V>(), seed_tasks(3)));
  REQUIRE_MESSAGE(rep, sys.render(rep.error()));
  auto m = snapshot(c);
  for (std::uint8_t n = 0; n < 3; ++n) {
    const V* v = m.get_val_at(cat(p("out"), {n}));
    REQUIRE(v != nullptr);
    CHECK(*v == 10);
  }
}

// -- failures ------------------------------------------------------------------------------------

namespace {

/// Runs the seed copy on `ws` and checks that it recovers: the result equals the sequential
/// copy and the report shows `retries`.
void check_recovery(fixture& fx, std::vector<worker_actor<V>> ws, std::uint32_t min_retries,
                    std::uint32_t lost, caf::timespan timeout = std::chrono::seconds(5)) {
  auto input = seed_map(6, 20);
  auto c = fx.coordinator(input, std::move(ws), 2);
  job_options o;
  o.task_timeout = timeout;
  auto rep = fx.ask<job_report>(c, job<V>::explicit_tasks(copy_values<V>(), seed_tasks(6), o));
  REQUIRE_MESSAGE(rep, fx.sys.render(rep.error()));
  CHECK(rep->values == 120);
  CHECK(rep->retries >= min_retries);
  CHECK(same(fx.snapshot(c), sequential(input, p("in"), p("out"), [](V v) { return v; })));
  auto st = fx.stats(c);
  CHECK(st.workers_lost == lost);
}

} // namespace

TEST_CASE_FIXTURE(fixture, "a worker that throws is replaced and its task runs again") {
  check_recovery(*this, {worker(0, fault::throws, 1), worker(1)}, 1, 1);
  // The thrower got one task (plus possibly a second one queued behind it), then died.
  CHECK(std::count_if(log->arrivals.begin(), log->arrivals.end(),
                      [](const seen& s) { return s.worker == 0; })
        == 1);
}

TEST_CASE_FIXTURE(fixture, "a worker that quits without replying is replaced (down message)") {
  check_recovery(*this, {worker(0, fault::quits, 1), worker(1)}, 1, 1);
}

TEST_CASE_FIXTURE(fixture, "a worker that hangs past the task timeout is taken out of the pool; "
                           "its late writes never reach the map") {
  auto input = seed_map(6, 20);
  auto c = coordinator(input, {worker(0, fault::hangs, 1), worker(1)}, 2);
  job_options o;
  o.task_timeout = std::chrono::seconds(2);
  auto rep = ask<job_report>(c, job<V>::explicit_tasks(copy_values<V>(), seed_tasks(6), o));
  REQUIRE_MESSAGE(rep, sys.render(rep.error()));
  CHECK(rep->retries >= 1);
  auto expected = sequential(input, p("in"), p("out"), [](V v) { return v; });
  CHECK(same(snapshot(c), expected));
  // The hung worker still has its zippers; writing now changes nothing the coordinator sees.
  REQUIRE(log->kept.size() == 1);
  auto& [r, w] = log->kept.front();
  w.descend_to(p("late"));
  w.set_val(999);
  CHECK(same(snapshot(c), expected));
  CHECK(stats(c).workers_lost == 1);
}

TEST_CASE_FIXTURE(fixture, "the task timeout counts from when the worker gets to the task, not "
                           "while it waits behind another in the worker's mailbox") {
  auto input = seed_map(3, 4);
  auto w0 = worker(0);
  auto c = coordinator(input, {w0}, 2);
  job_options o;
  o.task_timeout = std::chrono::seconds(1);
  auto rh = self->request(c, caf::infinite,
                          job<V>::explicit_tasks(copy_values<V>(), seed_tasks(3), o));
  // The coordinator sends tasks 0 and 1 at once (two in flight). The simulated clock moves
  // only when the test says so: the worker takes 0.8 s to get through task 0.
  expect((job<V>), from(self).to(c).with(_));
  advance_time(std::chrono::milliseconds(800));
  expect((task<V>), from(c).to(w0).with(_));
  expect((task_done), from(w0).to(c).with(_));
  // 1.6 s after task 1 was sent, 0.8 s after the worker got to it: not hung.
  advance_time(std::chrono::milliseconds(800));
  sched.run();
  caf::expected<job_report> rep = caf::make_error(caf::sec::invalid_argument, "no reply");
  rh.receive([&](job_report& r) { rep = std::move(r); },
             [&](caf::error& e) { rep = std::move(e); });
  REQUIRE_MESSAGE(rep, sys.render(rep.error()));
  CHECK(rep->values == 12);
  CHECK(rep->retries == 0);
  CHECK(stats(c).workers_lost == 0);
  CHECK(same(snapshot(c), sequential(input, p("in"), p("out"), [](V v) { return v; })));
}

TEST_CASE_FIXTURE(fixture, "a task that kills every worker it runs on uses up its retries, also "
                           "when other tasks wait behind it") {
  std::vector<worker_actor<V>> ws;
  for (int i = 0; i < 5; ++i)
    ws.push_back(worker(i, fault::poison));
  auto input = seed_map(10, 2);
  auto c = coordinator(input, ws, 2);
  job_options o;
  o.max_retries = 1;
  auto rep = ask<job_report>(c, job<V>::explicit_tasks(copy_values<V>(), seed_tasks(10), o));
  REQUIRE_FALSE(rep);
  CHECK_MESSAGE(has_code(rep.error(), error_code::task_failed), sys.render(rep.error()));
  // The first try and one retry: two runs of task 0, two workers lost.
  CHECK(std::count_if(log->arrivals.begin(), log->arrivals.end(),
                      [](const seen& s) { return s.index == 0; })
        == 2);
  CHECK(stats(c).workers_lost == 2);
  auto text = sys.render(rep.error());
  CHECK_MESSAGE(text.find("failed 2 time") != std::string::npos, text);
  CHECK(same(snapshot(c), input));
}

TEST_CASE_FIXTURE(fixture, "a task timeout of timespan::max() means none; a timeout that is not "
                           "positive is refused") {
  auto input = seed_map(2, 4);
  auto c = coordinator(input, {worker(0)}, 2);
  job_options o;
  o.task_timeout = caf::timespan::max();
  auto rep = ask<job_report>(c, job<V>::explicit_tasks(copy_values<V>(), seed_tasks(2), o));
  REQUIRE_MESSAGE(rep, sys.render(rep.error()));
  CHECK(rep->retries == 0);
  CHECK(stats(c).workers_lost == 0);
  o.task_timeout = caf::timespan::zero();
  rep = ask<job_report>(c, job<V>::explicit_tasks(copy_values<V>(), seed_tasks(2), o));
  REQUIRE_FALSE(rep);
  CHECK(has_code(rep.error(), error_code::invalid_job));
}

TEST_CASE_FIXTURE(fixture, "an error reply makes the task run again, preferably elsewhere") {
  check_recovery(*this, {worker(0, fault::error_reply, 1), worker(1)}, 1, 0);
  // The retry went to w1.
  auto retry = std::find_if(log->arrivals.begin(), log->arrivals.end(),
                            [](const seen& s) { return s.attempt == 2; });
  REQUIRE(retry != log->arrivals.end());
  CHECK(retry->worker == 1);
}

TEST_CASE_FIXTURE(fixture, "an operation that throws is answered with operation_failed and the "
                           "job fails after the bounded retries, rolled back") {
  auto input = seed_map(4, 10);
  auto c = coordinator(input, {worker(0), worker(1)}, 1);
  // Complete one job first, so that rollback has something to restore.
  REQUIRE(ask<job_report>(c, job<V>::explicit_tasks(copy_values<V>(), seed_tasks(4))));
  auto before = snapshot(c);
  auto bad = operation<V>("bad", [](reader& r, writer& w) -> std::uint64_t {
    if (r.root_prefix_path() == pathmap::path_view{cat(p("in"), {2})})
      throw std::runtime_error("no good");
    w.set_val(1);
    return 1;
  });
  job_options o;
  o.max_retries = 2;
  auto rep = ask<job_report>(c, job<V>::explicit_tasks(bad, seed_tasks(4), o));
  REQUIRE_FALSE(rep);
  CHECK(has_code(rep.error(), error_code::task_failed));
  auto text = sys.render(rep.error());
  CHECK_MESSAGE(text.find("no good") != std::string::npos, text);
  CHECK_MESSAGE(text.find("3 time") != std::string::npos, text);
  // The task's last error is rendered by name, not as a bare code.
  CHECK_MESSAGE(text.find("last error: pathmap: operation_failed") != std::string::npos, text);
  CHECK(same(snapshot(c), before));
  auto st = stats(c);
  CHECK(st.jobs_failed == 1);
  CHECK(st.workers == 2);
  // Task 2 ran three times (the first try and two retries).
  CHECK(std::count_if(log->arrivals.begin(), log->arrivals.end(),
                      [](const seen& s) { return s.index == 2; })
        >= 3);
}

TEST_CASE_FIXTURE(fixture, "when every worker dies the job fails with no_workers and is rolled "
                           "back") {
  auto input = seed_map(4, 10);
  auto c = coordinator(input, {worker(0, fault::throws), worker(1, fault::quits)}, 1);
  auto rep = ask<job_report>(c, job<V>::explicit_tasks(copy_values<V>(), seed_tasks(4)));
  REQUIRE_FALSE(rep);
  CHECK_MESSAGE(has_code(rep.error(), error_code::no_workers), sys.render(rep.error()));
  CHECK(same(snapshot(c), input));
  // The regions are free again: a new worker finishes the same job.
  auto n = ask<std::uint32_t>(c, add_atom::value, std::vector<worker_actor<V>>{worker(2)});
  REQUIRE(n);
  CHECK(*n == 1);
  CHECK(ask<job_report>(c, job<V>::explicit_tasks(copy_values<V>(), seed_tasks(4))));
}

TEST_CASE_FIXTURE(fixture, "an operation that keeps its destination zipper fails its attempt; "
                           "what it writes later never reaches the map") {
  auto input = seed_map(2, 4);
  auto c = coordinator(input, {worker(0)}, 1);
  auto kept = std::make_shared<std::vector<writer>>();
  auto keeper = operation<V>("keeper", [kept](reader&, writer& w) -> std::uint64_t {
    kept->push_back(std::move(w));
    return 0;
  });
  job_options o;
  o.max_retries = 1;
  auto rep = ask<job_report>(c, job<V>::explicit_tasks(keeper, seed_tasks(2), o));
  REQUIRE_FALSE(rep);
  CHECK(has_code(rep.error(), error_code::task_failed));
  auto text = sys.render(rep.error());
  CHECK_MESSAGE(text.find("must not keep its zippers") != std::string::npos, text);
  REQUIRE_FALSE(kept->empty());
  kept->front().set_val(7);
  CHECK(same(snapshot(c), input));
}

// -- refusals ------------------------------------------------------------------------------------

TEST_CASE_FIXTURE(fixture, "a job with overlapping write regions is refused with the conflict") {
  auto input = seed_map(2, 4);
  auto c = coordinator(input, {worker(0)}, 1);
  auto tasks = seed_tasks(2);
  tasks.push_back(task_spec{cat(p("in"), {1}), p("out")}); // "out" contains "out\x00"
  auto rep = ask<job_report>(c, job<V>::explicit_tasks(copy_values<V>(), tasks));
  REQUIRE_FALSE(rep);
  CHECK(has_code(rep.error(), error_code::overlapping_regions));
  auto text = sys.render(rep.error());
  CHECK_MESSAGE(text.find("task 2 destination \"out\" overlaps task 0 destination \"out\\x00\"")
                  != std::string::npos,
                text);
  // A source inside another task's destination is refused too.
  std::vector<task_spec> reads_output{{cat(p("in"), {0}), p("out")},
                                      {cat(p("out"), {7}), p("copy")}};
  rep = ask<job_report>(c, job<V>::explicit_tasks(copy_values<V>(), reads_output));
  REQUIRE_FALSE(rep);
  CHECK(has_code(rep.error(), error_code::overlapping_regions));
  // Nothing was dispatched, nothing changed, and no path was left behind.
  CHECK(log->arrivals.empty());
  CHECK(same(snapshot(c), input));
  CHECK_FALSE(snapshot(c).path_exists_at(p("out")));
  CHECK(stats(c).jobs_refused == 2);
}

TEST_CASE_FIXTURE(fixture, "a job whose region is leased out is refused with conflict") {
  auto c = coordinator(seed_map(2, 4), {worker(0)}, 1);
  auto l = ask<lease<writer>>(c, write_atom::value, cat(p("out"), {1}));
  REQUIRE(l);
  auto rep = ask<job_report>(c, job<V>::explicit_tasks(copy_values<V>(), seed_tasks(2)));
  REQUIRE_FALSE(rep);
  CHECK(has_code(rep.error(), error_code::conflict));
  // A snapshot needs a reader at the root, which the write lease blocks.
  auto s = ask<map_snapshot<V>>(c, snapshot_atom::value);
  REQUIRE_FALSE(s);
  CHECK(has_code(s.error(), error_code::conflict));
  // Given back, the lease's empty path is pruned and the job runs.
  auto released = ask<bool>(c, release_atom::value, *l);
  REQUIRE(released);
  CHECK(ask<job_report>(c, job<V>::explicit_tasks(copy_values<V>(), seed_tasks(2))));
}

TEST_CASE_FIXTURE(fixture, "a write lease given back to a coordinator that did not issue it is "
                           "refused and changes nothing there") {
  auto input = seed_map(2, 4);
  auto c1 = coordinator(input, {worker(0)}, 1);
  auto c2 = coordinator(input, {worker(1)}, 1);
  auto l = ask<lease<writer>>(c1, write_atom::value, p("made"));
  REQUIRE(l);
  // c2 has a dangling "made" of its own, from a lease it gave out and got back unused.
  auto own = ask<lease<writer>>(c2, write_atom::value, p("made/x"));
  REQUIRE(own);
  *own = lease<writer>{}; // dropped untaken: the lock goes, the path stays
  auto released = ask<bool>(c2, release_atom::value, *l);
  REQUIRE_FALSE(released);
  CHECK(has_code(released.error(), error_code::conflict));
  auto text = sys.render(released.error());
  CHECK_MESSAGE(text.find("another coordinator") != std::string::npos, text);
  CHECK(snapshot(c2).path_exists_at(p("made/x")));
}

TEST_CASE_FIXTURE(fixture, "malformed jobs are refused with invalid_job") {
  auto c = coordinator(seed_map(2, 4), {worker(0)}, 1);
  auto no_op = job<V>::explicit_tasks(operation<V>{}, seed_tasks(2));
  auto rep = ask<job_report>(c, no_op);
  REQUIRE_FALSE(rep);
  CHECK(has_code(rep.error(), error_code::invalid_job));
  rep = ask<job_report>(c, job<V>::explicit_tasks(copy_values<V>(), {}));
  REQUIRE_FALSE(rep);
  CHECK(has_code(rep.error(), error_code::invalid_job));
  rep = ask<job_report>(c, job<V>::split(copy_values<V>(), p("nowhere"), p("out")));
  REQUIRE_FALSE(rep);
  CHECK(has_code(rep.error(), error_code::invalid_job));
}

// -- leases through actors -----------------------------------------------------------------------

TEST_CASE_FIXTURE(fixture, "a worker answers a task whose lease was taken already with "
                           "lease_taken") {
  auto w0 = worker(0);
  auto c = coordinator(seed_map(1, 4), {w0}, 1);
  auto r = ask<lease<reader>>(c, read_atom::value, p("in"));
  auto w = ask<lease<writer>>(c, write_atom::value, p("out"));
  REQUIRE(r);
  REQUIRE(w);
  task<V> t;
  t.source = *r;
  t.destination = *w;
  t.op = copy_values<V>();
  REQUIRE(r->take()); // someone else got the reader first
  auto done = ask<task_done>(w0, t);
  REQUIRE_FALSE(done);
  CHECK(has_code(done.error(), error_code::lease_taken));
  // The worker consumed the writer lease too, so its lock is gone.
  CHECK(w->taken());
  CHECK(ask<lease<writer>>(c, write_atom::value, p("out")));
}

TEST_CASE_FIXTURE(fixture, "a lease sent to an actor that is already dead releases its lock") {
  auto c = coordinator(seed_map(1, 4), {worker(0)}, 1);
  // An actor without behaviour (spawning a function actor without arguments trips UBSan in
  // CAF 0.17.6, see pathmap/actors/worker.hpp).
  auto dead = sys.spawn<caf::event_based_actor>();
  caf::anon_send_exit(dead, caf::exit_reason::kill);
  run();
  {
    auto l = ask<lease<writer>>(c, write_atom::value, p("out"));
    REQUIRE(l);
    CHECK_FALSE(ask<lease<writer>>(c, write_atom::value, p("out")));
    self->send(dead, std::move(*l));
  }
  run();
  CHECK(ask<lease<writer>>(c, write_atom::value, p("out")));
}

TEST_CASE_FIXTURE(fixture, "a snapshot requested while a job runs waits for the job's result") {
  auto input = seed_map(3, 5);
  auto c = coordinator(input, {worker(0)}, 1);
  auto job_rh = self->request(c, caf::infinite,
                              job<V>::explicit_tasks(copy_values<V>(), seed_tasks(3)));
  auto snap_rh = self->request(c, caf::infinite, snapshot_atom::value);
  run();
  bool got_report = false;
  job_rh.receive([&](job_report&) { got_report = true; },
                 [&](caf::error& e) { FAIL(sys.render(e)); });
  CHECK(got_report);
  snap_rh.receive(
    [&](map_snapshot<V>& s) {
      CHECK(same(s.map, sequential(input, p("in"), p("out"), [](V v) { return v; })));
    },
    [&](caf::error& e) { FAIL(sys.render(e)); });
}

TEST_CASE_FIXTURE(fixture, "errors render with the pathmap category") {
  auto err = caf::make_error(error_code::overlapping_regions, "x");
  auto text = sys.render(err);
  CHECK_MESSAGE(text.find("pathmap") != std::string::npos, text);
  CHECK_MESSAGE(text.find("overlapping_regions") != std::string::npos, text);
}
