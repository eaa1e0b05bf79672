#pragma once
/// @file
/// The templates behind `coordinator.hpp`. The library instantiates them for `std::uint64_t`;
/// include this header in one translation unit of yours to run a coordinator over another `V`
/// (and call `register_types<V>(cfg, "name")` from `runtime_impl.hpp`).
///
/// State layout (`coordinator_state<V>`): the map, then the zipper head over it (declared after
/// the map, so destroyed before it), then the worker pool, then the jobs (destroyed first:
/// their zippers go before the head). Each job keeps, per task: the destination's writer (the
/// lock, held for the whole job), the source's template reader (cloned into each attempt's
/// lease), the destination's content before the job (`original`, for staging and rollback) and
/// the current attempt's staging cell. Each worker keeps its outstanding attempts in dispatch
/// order: the oldest is the one it is working on, which is the one charged when it fails.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <queue>
#include <string>
#include <utility>
#include <vector>

#include "caf/actor_system.hpp"
#include "caf/event_based_actor.hpp"
#include "caf/exit_reason.hpp"
#include "caf/sec.hpp"
#include "caf/send.hpp"
#include "caf/stateful_actor.hpp"
#include "caf/typed_event_based_actor.hpp"
#include "caf/typed_response_promise.hpp"

#include "pathmap/actors/coordinator.hpp"
#include "pathmap/actors/detail/render_path.hpp"
#include "pathmap/actors/detail/staging.hpp"
#include "pathmap/actors/tsan_visible.hpp"
#include "pathmap/actors/worker_impl.hpp"
#include "pathmap/zipper_head.hpp"

namespace pathmap::actors::detail {

template <class V>
class coordinator_state {
public:
  using reader = read_zipper_tracked<V>;
  using writer = write_zipper_tracked<V>;
  using self_pointer
    = tsan_visible<typename coordinator_actor<V>::template stateful_base<coordinator_state<V>>>*;
  using clock = std::chrono::steady_clock;

  static inline const char* name = "pathmap.coordinator";

  static constexpr std::size_t npos = static_cast<std::size_t>(-1);

  /// Orders paths like the map does (also keeps g++ 12 from a false -Wstringop-overread in
  /// std::vector's operator<=>).
  struct path_less {
    bool operator()(const pathmap::path& a, const pathmap::path& b) const noexcept {
      return path_view{a} < path_view{b};
    }
  };

  // -- types --------------------------------------------------------------------------------

  struct attempt_id {
    std::uint64_t job;
    std::uint32_t index;
    std::uint32_t attempt;
  };

  /// An attempt sent to a worker: its request (whose timeout the coordinator arms) and the
  /// timeout of its job (kept here: the job may be gone while the worker still runs it).
  struct sent_attempt {
    attempt_id id;
    caf::message_id request;
    caf::timespan timeout;
  };

  struct worker_entry {
    worker_actor<V> hdl;
    bool live = true;
    bool owned = false;
    /// Outstanding attempts, oldest first: the worker runs them in this order, one at a time.
    std::deque<sent_attempt> outstanding;
  };

  enum class task_status : std::uint8_t { pending, running, done };

  struct task_entry {
    task_spec spec;
    bool in_place = false;
    std::optional<reader> source;
    std::optional<writer> dest;
    path_map<V> original;
    pathmap::detail::cell_ref<V> staging;
    std::uint32_t attempt = 0;
    std::uint32_t charged = 0;
    std::size_t worker = npos;
    std::size_t last_failed = npos;
    task_status status = task_status::pending;
    caf::error last_error;
  };

  struct job_entry {
    std::uint64_t id = 0;
    operation<V> op;
    job_options options;
    std::vector<task_entry> tasks;
    std::size_t remaining = 0;
    std::uint64_t values = 0;
    std::uint32_t retries = 0;
    std::map<std::size_t, worker_report> per_worker;
    clock::time_point started;
    caf::typed_response_promise<job_report> promise;
  };

  // -- state ----------------------------------------------------------------------------------

  path_map<V> map;
  std::optional<zipper_head<V>> head;
  self_pointer self = nullptr;
  coordinator_config config;
  std::vector<worker_entry> workers;
  /// One entry per free in-flight slot, in the order the slots were freed.
  std::deque<std::size_t> free_slots;
  std::map<std::uint64_t, job_entry> jobs;
  std::deque<std::pair<std::uint64_t, std::uint32_t>> pending;
  std::vector<caf::typed_response_promise<map_snapshot<V>>> waiting_snapshots;
  std::uint64_t next_job = 1;
  coordinator_stats counters;
  bool values_known = false;

  coordinator_state() = default;
  coordinator_state(const coordinator_state&) = delete;
  coordinator_state& operator=(const coordinator_state&) = delete;

  ~coordinator_state() {
    auto gone = caf::make_error(caf::sec::request_receiver_down);
    for (auto& [id, j] : jobs)
      if (j.promise.pending())
        j.promise.deliver(gone);
    for (auto& p : waiting_snapshots)
      if (p.pending())
        p.deliver(gone);
    jobs.clear();
    for (auto& w : workers)
      if (w.owned)
        caf::anon_send_exit(w.hdl, caf::exit_reason::user_shutdown);
  }

  // -- workers --------------------------------------------------------------------------------

  std::uint32_t live_workers() const {
    return static_cast<std::uint32_t>(
      std::count_if(workers.begin(), workers.end(), [](auto& w) { return w.live; }));
  }

  void add_workers(const std::vector<worker_actor<V>>& hdls, bool owned) {
    std::size_t first = workers.size();
    for (auto& h : hdls) {
      if (!h)
        continue;
      bool known = std::any_of(workers.begin(), workers.end(),
                               [&](auto& w) { return w.live && w.hdl == h; });
      if (known)
        continue;
      self->monitor(h);
      workers.push_back(worker_entry{h, true, owned, {}});
    }
    // Interleave the new slots (w0, w1, ..., w0, w1, ...) so the first tasks spread out.
    for (std::uint32_t k = 0; k < config.max_in_flight; ++k)
      for (std::size_t i = first; i < workers.size(); ++i)
        free_slots.push_back(i);
  }

  std::size_t find_worker(const caf::actor_addr& addr) const {
    std::size_t found = npos;
    for (std::size_t i = 0; i < workers.size(); ++i)
      if (workers[i].hdl.address() == addr && (found == npos || workers[i].live))
        found = i;
    return found;
  }

  static bool same_attempt(const attempt_id& x, const attempt_id& y) {
    return x.job == y.job && x.index == y.index && x.attempt == y.attempt;
  }

  /// Takes a worker out of the pool: its outstanding attempts run again elsewhere. Only
  /// `charged` (the attempt the worker failed on, if known) counts against its task's retries;
  /// the others were merely queued at the worker.
  void lose_worker(std::size_t w, const caf::error& reason, std::optional<attempt_id> charged) {
    auto& wk = workers[w];
    if (!wk.live)
      return;
    wk.live = false;
    ++counters.workers_lost;
    auto outstanding = std::move(wk.outstanding);
    wk.outstanding.clear();
    for (auto& a : outstanding)
      fail_attempt(a.id, w, reason, charged && same_attempt(a.id, *charged));
    if (live_workers() == 0)
      fail_all_jobs(
        caf::make_error(error_code::no_workers, "no live worker left to run the job's tasks"));
  }

  bool is_outstanding(std::size_t w, const attempt_id& a) const {
    auto& q = workers[w].outstanding;
    return std::any_of(q.begin(), q.end(),
                       [&](const sent_attempt& x) { return same_attempt(x.id, a); });
  }

  void forget_outstanding(std::size_t w, const attempt_id& a) {
    auto& q = workers[w].outstanding;
    auto i = std::find_if(q.begin(), q.end(),
                          [&](const sent_attempt& x) { return same_attempt(x.id, a); });
    if (i != q.end()) {
      bool was_running = i == q.begin();
      // Its timeout, if armed, must not stay in the clock until it expires: a job of many
      // short tasks would pile up one entry per attempt.
      self->clock().cancel_request_timeout(self, i->request);
      q.erase(i);
      if (workers[w].live) {
        free_slots.push_back(w);
        if (was_running)
          start_clock(w);
      }
    }
  }

  /// Arms the timeout of the attempt worker `w` works on now (the oldest it was sent). The
  /// task timeout counts from here, not from the send: attempts queued behind a slow one in
  /// the worker's mailbox are not running yet. A timeout too long for the clock means none.
  void start_clock(std::size_t w) {
    auto& q = workers[w].outstanding;
    if (q.empty())
      return;
    auto& clk = self->clock();
    auto now = clk.now();
    auto timeout = q.front().timeout;
    if (timeout >= std::chrono::duration_cast<caf::timespan>(decltype(now)::max() - now))
      return;
    clk.set_request_timeout(now + timeout, self, q.front().request);
  }

  // -- jobs: arrival --------------------------------------------------------------------------

  caf::error refuse(caf::error err) {
    ++counters.jobs_refused;
    return err;
  }

  /// Expands `spec` into tasks; see `split_spec`.
  caf::error split(const split_spec& spec, std::vector<task_spec>& out) {
    auto r = head->read_zipper_at_path(spec.source);
    if (!r)
      return caf::make_error(error_code::conflict, "split source " + render_path(spec.source) + ": "
                                                     + r.error().to_string());
    reader& z = *r;
    std::uint64_t total = z.val_count();
    if (total == 0)
      return caf::make_error(error_code::invalid_job,
                             "split source " + render_path(spec.source) + " holds no values");
    std::uint64_t want = spec.tasks != 0 ? spec.tasks : 4u * std::max(1u, live_workers());
    std::uint64_t target = std::max<std::uint64_t>(1, (total + want - 1) / want);
    // Splitting replaces a piece by all of its children, up to 256 at once, so a bound is
    // needed for the count to stay near `want`: a piece is split only if the pieces stay within
    // `max_pieces`; one with too many children for that stays whole.
    std::uint64_t max_pieces = std::max<std::uint64_t>(16, want * 4);

    struct piece {
      pathmap::path rel;
      std::uint64_t count;
      bool splittable;
    };
    auto cmp = [](const piece& a, const piece& b) { return a.count < b.count; };
    std::priority_queue<piece, std::vector<piece>, decltype(cmp)> heap(cmp);
    std::vector<piece> done;
    heap.push(piece{{}, total, !z.is_val() && z.child_count() > 0});
    while (!heap.empty() && heap.top().count > target) {
      piece p = heap.top();
      heap.pop();
      z.reset();
      z.descend_to(p.rel);
      if (!p.splittable || heap.size() + done.size() + z.child_count() > max_pieces) {
        done.push_back(std::move(p));
        continue;
      }
      byte_mask kids = z.child_mask();
      for (int b = 0; b < 256; ++b) {
        if (!kids.test(static_cast<std::uint8_t>(b)))
          continue;
        z.descend_to_byte(static_cast<std::uint8_t>(b));
        std::uint64_t n = z.val_count();
        if (n > 0) {
          pathmap::path rel = p.rel;
          rel.push_back(static_cast<std::uint8_t>(b));
          heap.push(piece{std::move(rel), n, !z.is_val() && z.child_count() > 0});
        }
        z.ascend_byte();
      }
    }
    while (!heap.empty()) {
      done.push_back(heap.top());
      heap.pop();
    }
    std::sort(done.begin(), done.end(),
              [](const piece& a, const piece& b) { return path_view{a.rel} < path_view{b.rel}; });
    for (auto& p : done) {
      task_spec t;
      t.source = spec.source;
      t.source.insert(t.source.end(), p.rel.begin(), p.rel.end());
      t.destination = spec.destination;
      t.destination.insert(t.destination.end(), p.rel.begin(), p.rel.end());
      out.push_back(std::move(t));
    }
    return {};
  }

  /// Releases what a refused or finished job holds (writers pruned if left empty).
  void release(job_entry& j) {
    for (auto& t : j.tasks) {
      t.source.reset();
      if (t.dest)
        head->cleanup_write_zipper(std::move(*t.dest));
      t.dest.reset();
      t.staging = {};
    }
  }

  caf::typed_response_promise<job_report> start(job<V>& in) {
    auto rp = self->template make_response_promise<job_report>();
    auto refuse_with = [&](caf::error err) {
      rp.deliver(refuse(std::move(err)));
      return rp;
    };
    if (!in.op)
      return refuse_with(caf::make_error(error_code::invalid_job, "the job has no operation"));
    if (in.options.task_timeout <= caf::timespan::zero())
      return refuse_with(
        caf::make_error(error_code::invalid_job, "job_options::task_timeout must be positive"));
    if (live_workers() == 0)
      return refuse_with(caf::make_error(error_code::no_workers, "the pool has no live worker"));
    std::vector<task_spec> specs = std::move(in.tasks);
    for (auto& s : in.splits)
      if (auto err = split(s, specs))
        return refuse_with(std::move(err));
    if (specs.empty())
      return refuse_with(caf::make_error(error_code::invalid_job, "the job has no tasks"));
    if (specs.size() > UINT32_MAX)
      return refuse_with(caf::make_error(error_code::invalid_job, "too many tasks"));

    job_entry j;
    j.id = next_job++;
    j.op = std::move(in.op);
    j.options = in.options;
    j.tasks.resize(specs.size());
    // Destinations first: the head reports overlaps among them as conflicts with our own
    // writers, which `dest_index` recognizes.
    std::map<pathmap::path, std::size_t, path_less> dest_index;
    for (std::size_t i = 0; i < specs.size(); ++i) {
      auto& t = j.tasks[i];
      t.spec = std::move(specs[i]);
      auto w = head->write_zipper_at_exclusive_path(t.spec.destination);
      if (!w) {
        auto err = region_error(i, "destination", t.spec.destination, w.error(), dest_index, j);
        release(j);
        return refuse_with(std::move(err));
      }
      t.dest.emplace(std::move(*w));
      dest_index.emplace(t.spec.destination, i);
    }
    for (std::size_t i = 0; i < j.tasks.size(); ++i) {
      auto& t = j.tasks[i];
      t.original = t.dest->make_map();
      if (t.spec.source == t.spec.destination) {
        t.in_place = true;
        continue;
      }
      auto r = head->read_zipper_at_path(t.spec.source);
      if (!r) {
        auto err = region_error(i, "source", t.spec.source, r.error(), dest_index, j);
        release(j);
        return refuse_with(std::move(err));
      }
      t.source.emplace(std::move(*r));
    }
    j.remaining = j.tasks.size();
    j.started = clock::now();
    j.promise = rp;
    auto id = j.id;
    auto n = static_cast<std::uint32_t>(j.tasks.size());
    jobs.emplace(id, std::move(j));
    for (std::uint32_t i = 0; i < n; ++i)
      pending.emplace_back(id, i);
    values_known = false;
    dispatch();
    return rp;
  }

  caf::error
  region_error(std::size_t i, const char* what, const pathmap::path& p, const conflict& c,
               const std::map<pathmap::path, std::size_t, path_less>& ours, const job_entry& j) {
    auto hit = ours.find(c.path().to_path());
    if (hit != ours.end())
      return caf::make_error(error_code::overlapping_regions,
                             "task " + std::to_string(i) + " " + what + " " + render_path(p)
                               + " overlaps task " + std::to_string(hit->second) + " destination "
                               + render_path(j.tasks[hit->second].spec.destination));
    return caf::make_error(error_code::conflict, "task " + std::to_string(i) + " " + what + " "
                                                   + render_path(p) + ": " + c.to_string());
  }

  // -- jobs: dispatch -------------------------------------------------------------------------

  task_entry* pending_task(const std::pair<std::uint64_t, std::uint32_t>& e) {
    auto j = jobs.find(e.first);
    if (j == jobs.end())
      return nullptr;
    auto& t = j->second.tasks[e.second];
    return t.status == task_status::pending ? &t : nullptr;
  }

  void dispatch() {
    while (!pending.empty() && !free_slots.empty()) {
      std::size_t w = free_slots.front();
      free_slots.pop_front();
      if (!workers[w].live)
        continue;
      // Drop stale entries at the front, then prefer a task that did not just fail on `w`.
      while (!pending.empty() && !pending_task(pending.front()))
        pending.pop_front();
      if (pending.empty()) {
        free_slots.push_front(w);
        break;
      }
      auto pick = pending.begin();
      std::size_t scanned = 0;
      for (auto i = pending.begin(); i != pending.end() && scanned < 16; ++i) {
        task_entry* t = pending_task(*i);
        if (!t)
          continue;
        ++scanned;
        if (t->last_failed != w) {
          pick = i;
          break;
        }
      }
      auto entry = *pick;
      pending.erase(pick);
      launch(entry.first, entry.second, w);
    }
  }

  void launch(std::uint64_t id, std::uint32_t index, std::size_t w) {
    auto& j = jobs.at(id);
    auto& t = j.tasks[index];
    t.status = task_status::running;
    t.worker = w;
    auto attempt = ++t.attempt;
    std::optional<reader> src;
    if (t.in_place) {
      src.emplace(detached_reader(t.original, t.spec.source));
    } else {
      auto r = t.source->try_clone();
      if (!r) {
        // Only a full reader count gets here (2^32 readers on one path).
        free_slots.push_front(w);
        fail_job(id, caf::make_error(error_code::conflict, r.error().to_string()));
        return;
      }
      src.emplace(std::move(*r));
    }
    t.staging = j.options.clear_destinations ? make_staging_cell(path_map<V>{})
                                             : make_staging_cell(t.original);
    task<V> msg;
    msg.job = id;
    msg.index = index;
    msg.attempt = attempt;
    msg.source = lease<reader>(std::move(*src));
    msg.destination = lease<writer>(staging_writer(t.staging, t.spec.destination));
    msg.op = j.op;
    attempt_id a{id, index, attempt};
    auto self_ptr = self;
    // No timeout on the request itself: `start_clock` arms it when the worker gets to it.
    auto rh = self->request(workers[w].hdl, caf::infinite, std::move(msg));
    rh.then([self_ptr, w, a](task_done& done) { self_ptr->state.on_done(w, a, done); },
            [self_ptr, w, a](caf::error& err) { self_ptr->state.on_error(w, a, err); });
    auto& q = workers[w].outstanding;
    q.push_back(sent_attempt{a, rh.id(), j.options.task_timeout});
    if (q.size() == 1)
      start_clock(w);
  }

  // -- jobs: completion -----------------------------------------------------------------------

  task_entry* running_task(const attempt_id& a, job_entry** job_out = nullptr) {
    auto j = jobs.find(a.job);
    if (j == jobs.end())
      return nullptr;
    auto& t = j->second.tasks[a.index];
    if (t.status != task_status::running || t.attempt != a.attempt)
      return nullptr;
    if (job_out)
      *job_out = &j->second;
    return &t;
  }

  void on_done(std::size_t w, const attempt_id& a, const task_done& done) {
    forget_outstanding(w, a);
    job_entry* j = nullptr;
    if (task_entry* t = running_task(a, &j)) {
      if (!staging_released(t->staging)) {
        // The worker replied while something still holds the destination zipper: its
        // content is not final. Count it as a failed attempt.
        fail_attempt(a, w,
                     caf::make_error(error_code::operation_failed,
                                     "the worker replied before dropping the destination "
                                     "zipper (an operation must not keep its zippers)"),
                     true);
        dispatch();
        return;
      }
      t->dest->graft_map(take_staging_content(t->staging));
      t->staging = {};
      t->status = task_status::done;
      ++counters.tasks_done;
      j->values += done.values;
      auto& pw = j->per_worker[w];
      pw.worker = workers[w].hdl.id();
      ++pw.tasks;
      pw.values += done.values;
      if (--j->remaining == 0)
        finish(a.job);
    }
    dispatch();
  }

  void on_error(std::size_t w, const attempt_id& a, const caf::error& err) {
    if (!is_outstanding(w, a)) {
      // Already handled: the worker was taken out of the pool, or the job is gone.
      dispatch();
      return;
    }
    if (err == caf::sec::request_timeout) {
      // Hung (or too slow): no more work for it; this attempt is the one it hangs on.
      lose_worker(w, with_context(err, "worker hung past the task timeout"), a);
    } else if (err == caf::sec::request_receiver_down) {
      // The worker is gone (this may arrive before its down message). The attempt it was
      // running, the oldest, is charged, as `on_down` would; the rest were only queued.
      lose_worker(
        w, caf::make_error(error_code::task_failed, "worker terminated (" + render(err) + ")"),
        workers[w].outstanding.front().id);
    } else if (err.category() == caf::atom("system")) {
      // E.g. sec::runtime_error: the worker threw, and CAF terminated it.
      lose_worker(w, err, a);
    } else {
      // An error reply: the worker is fine, the attempt failed.
      forget_outstanding(w, a);
      fail_attempt(a, w, err, true);
    }
    dispatch();
  }

  caf::error with_context(const caf::error& err, const std::string& text) {
    return caf::make_error(error_code::task_failed, text + " (" + render(err) + ")");
  }

  /// `err` as text, through the renderers registered with the actor system (ours prints
  /// `pathmap: operation_failed ("...")` where `to_string` prints the bare code).
  std::string render(const caf::error& err) const { return self->system().render(err); }

  void on_down(const caf::down_msg& dm) {
    std::size_t w = find_worker(dm.source);
    if (w == npos || !workers[w].live)
      return;
    // The oldest outstanding attempt is the one it was working on.
    std::optional<attempt_id> oldest;
    if (!workers[w].outstanding.empty())
      oldest = workers[w].outstanding.front().id;
    lose_worker(
      w, caf::make_error(error_code::task_failed, "worker terminated (" + render(dm.reason) + ")"),
      oldest);
    dispatch();
  }

  /// An attempt failed: drop its staging; run it again (at the front of the queue) or fail the
  /// job when `charge` uses up the task's retries.
  void fail_attempt(const attempt_id& a, std::size_t w, const caf::error& reason, bool charge) {
    job_entry* j = nullptr;
    task_entry* t = running_task(a, &j);
    if (!t)
      return;
    t->staging = {};
    t->status = task_status::pending;
    t->worker = npos;
    t->last_error = reason;
    if (charge) {
      t->last_failed = w;
      if (++t->charged > j->options.max_retries) {
        fail_job(a.job, caf::make_error(error_code::task_failed,
                                        "task " + std::to_string(a.index) + " ("
                                          + render_path(t->spec.source) + " -> "
                                          + render_path(t->spec.destination) + ") failed "
                                          + std::to_string(t->charged)
                                          + " time(s); last error: " + render(reason)));
        return;
      }
    }
    ++j->retries;
    ++counters.tasks_retried;
    pending.emplace_front(a.job, a.index);
  }

  void finish(std::uint64_t id) {
    auto node = jobs.extract(id);
    auto& j = node.mapped();
    job_report rep;
    rep.job = j.id;
    rep.values = j.values;
    rep.tasks = static_cast<std::uint32_t>(j.tasks.size());
    rep.retries = j.retries;
    for (auto& [w, pw] : j.per_worker)
      rep.workers.push_back(pw);
    rep.elapsed = std::chrono::duration_cast<caf::timespan>(clock::now() - j.started);
    release(j);
    ++counters.jobs_done;
    j.promise.deliver(std::move(rep));
    serve_snapshots();
  }

  /// Fails a job: restores every destination it completed, releases its locks and replies
  /// `err`. Attempts still out become stale.
  void fail_job(std::uint64_t id, caf::error err) {
    auto it = jobs.find(id);
    if (it == jobs.end())
      return;
    auto node = jobs.extract(it);
    auto& j = node.mapped();
    for (auto& t : j.tasks)
      if (t.status == task_status::done && t.dest)
        t.dest->graft_map(t.original);
    release(j);
    ++counters.jobs_failed;
    j.promise.deliver(std::move(err));
    serve_snapshots();
  }

  void fail_all_jobs(const caf::error& err) {
    std::vector<std::uint64_t> ids;
    for (auto& [id, j] : jobs)
      ids.push_back(id);
    for (auto id : ids)
      fail_job(id, err);
  }

  // -- snapshots and statistics ---------------------------------------------------------------

  caf::expected<map_snapshot<V>> try_snapshot() {
    auto r = head->read_zipper_at_path({});
    if (!r)
      return caf::make_error(error_code::conflict,
                             "snapshot needs a reader at the root: " + r.error().to_string());
    map_snapshot<V> s{r->make_map()};
    return s;
  }

  void serve_snapshots() {
    if (!jobs.empty() || waiting_snapshots.empty())
      return;
    auto waiting = std::move(waiting_snapshots);
    waiting_snapshots.clear();
    for (auto& p : waiting) {
      auto s = try_snapshot();
      if (s)
        p.deliver(std::move(*s));
      else
        p.deliver(std::move(s.error()));
    }
  }

  coordinator_stats stats() {
    coordinator_stats s = counters;
    s.workers = live_workers();
    s.jobs_running = static_cast<std::uint32_t>(jobs.size());
    for (auto& [id, j] : jobs)
      s.tasks_pending += j.remaining;
    s.values_current = false;
    if (jobs.empty()) {
      if (auto r = head->read_zipper_at_path({})) {
        counters.values = r->val_count();
        values_known = true;
        s.values = counters.values;
        s.values_current = true;
      }
    }
    return s;
  }
};

template <class V>
typename coordinator_actor<V>::behavior_type
coordinator_behavior(typename coordinator_state<V>::self_pointer self, path_map<V> map,
                     std::vector<worker_actor<V>> workers, coordinator_config config) {
  auto& st = self->state;
  st.self = self;
  st.config = config;
  st.config.max_in_flight = std::clamp<std::uint32_t>(config.max_in_flight, 1,
                                                      coordinator_config::max_in_flight_limit);
  st.map = std::move(map);
  st.head.emplace(st.map.zipper_head());
  st.add_workers(workers, false);
  if (config.workers > 0) {
    std::vector<worker_actor<V>> own;
    for (std::uint32_t i = 0; i < config.workers; ++i)
      own.push_back(self->template spawn<tsan_visible<standard_worker<V>>>());
    st.add_workers(own, true);
  }
  self->set_down_handler([self](caf::down_msg& dm) { self->state.on_down(dm); });
  using read_lease = lease<read_zipper_tracked<V>>;
  using write_lease = lease<write_zipper_tracked<V>>;
  return {
    [self](job<V>& j) -> caf::typed_response_promise<job_report> { return self->state.start(j); },
    [self](read_atom, const pathmap::path& p) -> caf::result<read_lease> {
      auto r = self->state.head->read_zipper_at_path(p);
      if (!r)
        return caf::make_error(error_code::conflict,
                               "read lease at " + render_path(p) + ": " + r.error().to_string());
      ++self->state.counters.leases;
      return read_lease(std::move(*r));
    },
    [self](write_atom, const pathmap::path& p) -> caf::result<write_lease> {
      auto w = self->state.head->write_zipper_at_exclusive_path(p);
      if (!w)
        return caf::make_error(error_code::conflict,
                               "write lease at " + render_path(p) + ": " + w.error().to_string());
      ++self->state.counters.leases;
      self->state.values_known = false;
      return write_lease(std::move(*w));
    },
    [self](release_atom, write_lease& l) -> caf::result<bool> {
      auto w = l.take();
      if (!w)
        return std::move(w.error());
      if (!self->state.head->issued(*w))
        return caf::make_error(error_code::conflict,
                               "release of a write lease at "
                                 + render_path(w->root_prefix_path().to_path())
                                 + " that another coordinator issued (it is dropped, its "
                                   "path left as it is)");
      self->state.head->cleanup_write_zipper(std::move(*w));
      return true;
    },
    [self](snapshot_atom) -> caf::result<map_snapshot<V>> {
      auto& st = self->state;
      if (!st.jobs.empty()) {
        auto rp = self->template make_response_promise<map_snapshot<V>>();
        st.waiting_snapshots.push_back(rp);
        return rp;
      }
      auto s = st.try_snapshot();
      if (!s)
        return std::move(s.error());
      return std::move(*s);
    },
    [self](stats_atom) -> coordinator_stats { return self->state.stats(); },
    [self](add_atom, const std::vector<worker_actor<V>>& ws) -> std::uint32_t {
      self->state.add_workers(ws, false);
      self->state.dispatch();
      return self->state.live_workers();
    },
  };
}

} // namespace pathmap::actors::detail

namespace pathmap::actors {

template <class V>
coordinator_actor<V> spawn_coordinator(caf::actor_system& sys, path_map<V> map,
                                       std::vector<worker_actor<V>> workers,
                                       coordinator_config config) {
  return sys.spawn(detail::coordinator_behavior<V>, std::move(map), std::move(workers), config);
}

} // namespace pathmap::actors
