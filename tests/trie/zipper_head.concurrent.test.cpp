// Zipper heads across threads (PATHMAP-SPEC §3.5, the seed's parallel example): zippers handed
// out by one thread and used, copied and destroyed on others. These tests also run under
// ThreadSanitizer (`scripts/dev test`). The head itself is used by one thread at a time (the
// test's coordinator); the zippers it hands out run concurrently.
#include "pathmap/zipper_head.hpp"

#include "pathmap/path_map.hpp"
#include "channel.hpp"
#include "test_support.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

using pathmap::conflict;
using pathmap::path_map;
using pathmap::read_zipper_tracked;
using pathmap::write_zipper_tracked;
using namespace pathmap_test;

namespace {

using pathmap_examples::channel;

/// Errors found on worker threads, checked on the test's thread.
class error_log {
public:
  void add(std::string e) {
    std::lock_guard<std::mutex> g(mtx_);
    if (errors_.size() < 20)
      errors_.push_back(std::move(e));
    ++count_;
  }
  void check() {
    std::lock_guard<std::mutex> g(mtx_);
    for (const auto& e : errors_)
      FAIL_CHECK(e);
    CHECK(count_ == 0u);
  }

private:
  std::mutex mtx_;
  std::vector<std::string> errors_;
  std::size_t count_ = 0;
};

template <class T>
std::string outcome(const pathmap::expected<T, conflict>& r) {
  if (r.has_value())
    return "ok";
  const conflict& c = r.error();
  std::string out = c.is_write_zipper()
                      ? std::string("write")
                      : "read(" + std::to_string(c.reader_count()) + ")";
  return out + "@" + show(c.path());
}

bool is_prefix(const std::string& a, const std::string& b) {
  return a.size() <= b.size() && b.compare(0, a.size(), a) == 0;
}

using items_t = std::vector<std::pair<std::string, int>>;

/// (path relative to the root, value) for every value a zipper sees, its root value included.
template <class Z>
items_t read_all(Z& z) {
  items_t out;
  z.reset();
  if (const int* v = z.val())
    out.emplace_back("", *v);
  while (z.to_next_val())
    out.emplace_back(str(z.path()), *z.val());
  z.reset();
  return out;
}

/// The model's values at and below `p`, relative to `p`.
items_t model_below(const std::map<std::string, int>& model, const std::string& p) {
  items_t out;
  for (auto it = model.lower_bound(p); it != model.end() && is_prefix(p, it->first); ++it)
    out.emplace_back(it->first.substr(p.size()), it->second);
  return out;
}

std::string show_items(const items_t& it) {
  std::string s;
  for (const auto& [p, v] : it)
    s += show(p) + "=" + std::to_string(v) + "|";
  return s;
}

} // namespace

TEST_SUITE_BEGIN("zipper_head_concurrent");

// -- the seed example --------------------------------------------------------------------------------

TEST_CASE("the seed example: four threads copy in/<n> to out/<n> through channels") {
  // The seed's code, line for line, with std::thread and the channel above.
  const std::size_t elements = 65535;
  const std::size_t thread_cnt = 4;
  const std::size_t elements_per_thread = elements / thread_cnt;

  path_map<std::size_t> map;
  {
    auto zipper = map.write_zipper_at_path("in");
    for (std::size_t n = 0; n < thread_cnt; ++n) {
      for (std::size_t i = n * elements_per_thread; i < (n + 1) * elements_per_thread; ++i) {
        zipper.descend_to_byte(static_cast<std::uint8_t>(n));
        zipper.descend_to(be64(i));
        zipper.set_val(i);
        zipper.reset();
      }
    }
  }

  {
    auto zipper_head = map.zipper_head();
    using job = std::pair<read_zipper_tracked<std::size_t>, write_zipper_tracked<std::size_t>>;
    std::vector<channel<job>> zipper_senders(thread_cnt);
    std::vector<channel<bool>> signal_receivers(thread_cnt);
    std::vector<std::thread> threads;

    for (std::size_t thread_idx = 0; thread_idx < thread_cnt; ++thread_idx) {
      threads.emplace_back([&zipper_rx = zipper_senders[thread_idx],
                            &signal_tx = signal_receivers[thread_idx]] {
        for (;;) {
          // The thread blocks here waiting for the zippers to be sent.
          std::optional<job> msg = zipper_rx.recv();
          if (!msg)
            break; // the channel is closed: time to shut down
          auto& [reader_z, writer_z] = *msg;
          auto witness = reader_z.witness();
          while (const std::size_t* val = reader_z.to_next_get_val_with_witness(witness)) {
            writer_z.descend_to(reader_z.path());
            writer_z.set_val(*val);
            writer_z.reset();
          }
          msg.reset(); // the zippers are dropped on this thread
          signal_tx.send(true);
        }
      });
    }

    auto writer_z = zipper_head.write_zipper_at_exclusive_path("out");
    REQUIRE(writer_z.has_value());
    writer_z->remove_branches(true);
    writer_z = pathmap::unexpected(conflict::write_zipper_at(pathmap::path_view{}));

    for (std::size_t n = 0; n < thread_cnt; ++n) {
      std::string wpath = "out";
      wpath.push_back(static_cast<char>(n));
      auto w = zipper_head.write_zipper_at_exclusive_path(wpath);
      std::string rpath = "in";
      rpath.push_back(static_cast<char>(n));
      auto r = zipper_head.read_zipper_at_path(rpath);
      REQUIRE(w.has_value());
      REQUIRE(r.has_value());
      zipper_senders[n].send(job(std::move(*r), std::move(*w)));
    }

    for (std::size_t n = 0; n < thread_cnt; ++n)
      CHECK(signal_receivers[n].recv() == std::optional<bool>{true});
    for (auto& c : zipper_senders)
      c.close();
    for (auto& t : threads)
      t.join();
    CHECK(zipper_head.locks().empty());
  }

  // Every value, checked against the sequential expectation.
  std::size_t wrong = 0;
  for (std::size_t n = 0; n < thread_cnt; ++n) {
    for (std::size_t i = n * elements_per_thread; i < (n + 1) * elements_per_thread; ++i) {
      std::string suffix(1, static_cast<char>(n));
      suffix += be64(i);
      const std::size_t* in = map.get_val_at("in" + suffix);
      const std::size_t* out = map.get_val_at("out" + suffix);
      if (in == nullptr || *in != i || out == nullptr || *out != i)
        ++wrong;
    }
  }
  CHECK(wrong == 0u);
  CHECK(map.val_count() == 2 * thread_cnt * elements_per_thread);
  auto out = map.read_zipper_at_path("out");
  CHECK(out.val_count() == thread_cnt * elements_per_thread);
  CHECK(out.child_count() == thread_cnt);
}

// -- stress: a coordinator hands out zippers to workers ---------------------------------------------

namespace {

struct live_lock {
  std::uint64_t id;
  std::string path;
  bool writer;
};

/// What the head must answer to a request at `p`, from the spec's rules alone: among the
/// related locks of the kind checked first (writers, then readers for a writer request), the
/// reported one is the lexicographically smallest path (locks along `p` sort before `p`, which
/// sorts before every lock below it; the shallowest along-lock is the smallest).
std::string expected_outcome(const std::vector<live_lock>& live, const std::string& p,
                             bool writer) {
  auto pick = [&](bool kind) -> std::optional<std::string> {
    std::map<std::string, int> counts;
    for (const auto& l : live)
      if (l.writer == kind && (is_prefix(l.path, p) || is_prefix(p, l.path)))
        ++counts[l.path];
    if (counts.empty())
      return std::nullopt;
    const auto& [e, n] = *counts.begin();
    return (kind ? std::string("write") : "read(" + std::to_string(n) + ")") + "@" + show(e);
  };
  if (auto w = pick(true))
    return *w;
  if (writer)
    if (auto r = pick(false))
      return *r;
  return "ok";
}

/// No two live locks may overlap illegally (an independent check of the registry's invariant).
std::optional<std::string> illegal_overlap(const std::vector<live_lock>& live) {
  for (std::size_t i = 0; i < live.size(); ++i)
    for (std::size_t j = i + 1; j < live.size(); ++j) {
      const auto& a = live[i];
      const auto& b = live[j];
      if ((a.writer || b.writer) && (is_prefix(a.path, b.path) || is_prefix(b.path, a.path)))
        return "illegal overlap: " + show(a.path) + (a.writer ? "(w)" : "(r)") + " and " +
               show(b.path) + (b.writer ? "(w)" : "(r)");
    }
  return std::nullopt;
}

/// One write a worker did through its writer, relative to the writer's root.
struct write_op {
  enum kind_t { set, remove, remove_branches } kind;
  std::string rel;
  int value;
};

struct task {
  enum kind_t { work, drop } kind = work;
  std::uint64_t id = 0;
  std::optional<write_zipper_tracked<int>> w;
  std::optional<read_zipper_tracked<int>> r;
  items_t expect; // what the zipper must see at first (a reader: always)
  std::uint32_t seed = 0;
};

struct result {
  std::uint64_t id = 0;
  std::optional<write_zipper_tracked<int>> w;
  std::optional<read_zipper_tracked<int>> r;
  std::vector<write_op> log;
};

std::string random_path(std::mt19937& rng, std::size_t max_depth, const char* alphabet) {
  std::size_t n = std::strlen(alphabet);
  std::size_t d = rng() % (max_depth + 1);
  std::string p;
  for (std::size_t i = 0; i < d; ++i)
    p.push_back(alphabet[rng() % n]);
  return p;
}

void apply(std::map<std::string, int>& model, const std::string& root, const write_op& op) {
  std::string p = root + op.rel;
  switch (op.kind) {
    case write_op::set:
      model[p] = op.value;
      break;
    case write_op::remove:
      model.erase(p);
      break;
    case write_op::remove_branches: {
      auto it = model.upper_bound(p);
      while (it != model.end() && is_prefix(p, it->first))
        it = model.erase(it);
      break;
    }
  }
}

/// The worker's side: check what the zipper sees, write through a writer, send it back.
void do_work(task& t, result& res, error_log& errors) {
  std::mt19937 rng(t.seed);
  if (t.r) {
    // A reader must keep seeing its snapshot while writers elsewhere change the map.
    for (int pass = 0; pass < 3; ++pass) {
      items_t got = read_all(*t.r);
      if (got != t.expect)
        errors.add("reader " + show(t.r->root_prefix_path()) + " saw " + show_items(got) +
                   " expected " + show_items(t.expect));
      if (t.r->val_count() != t.expect.size())
        errors.add("reader val_count differs at " + show(t.r->root_prefix_path()));
      std::this_thread::yield();
    }
    res.r = std::move(t.r);
    return;
  }
  auto& w = *t.w;
  items_t got = read_all(w);
  if (got != t.expect)
    errors.add("writer " + show(w.root_prefix_path()) + " saw " + show_items(got) +
               " expected " + show_items(t.expect));
  int nops = 1 + static_cast<int>(rng() % 8);
  for (int k = 0; k < nops; ++k) {
    write_op op{write_op::set, random_path(rng, 2, "abx"), static_cast<int>(t.id * 100 + k)};
    unsigned pick = rng() % 20;
    op.kind = pick < 13 ? write_op::set : pick < 18 ? write_op::remove : write_op::remove_branches;
    w.reset();
    w.descend_to(op.rel);
    switch (op.kind) {
      case write_op::set:
        w.set_val(op.value);
        if (w.val() == nullptr || *w.val() != op.value)
          errors.add("writer does not read back its value at " + show(w.origin_path()));
        break;
      case write_op::remove:
        w.remove_val(false);
        break;
      case write_op::remove_branches:
        w.remove_branches(false);
        break;
    }
    res.log.push_back(op);
    if (rng() % 4 == 0)
      std::this_thread::yield();
  }
  res.w = std::move(t.w);
}

} // namespace

TEST_CASE("stress: granted zippers never overlap illegally and the result equals a replay") {
  const std::size_t worker_cnt = 6;
  const std::size_t steps = scaled(20000, 300);
  const std::size_t max_outstanding = 2 * worker_cnt;
  std::mt19937 rng(20240601u);
  CAPTURE(steps);

  path_map<int> map;
  std::map<std::string, int> model;
  for (int i = 0; i < 300; ++i) {
    std::string p = random_path(rng, 5, "abcx");
    map.set_val_at(p, -i);
    model[p] = -i;
  }

  error_log errors;
  std::vector<channel<task>> inbox(worker_cnt);
  std::vector<channel<bool>> acks(worker_cnt);
  channel<result> results;
  std::vector<std::thread> workers;
  for (std::size_t k = 0; k < worker_cnt; ++k)
    workers.emplace_back([&, k] {
      while (std::optional<task> t = inbox[k].recv()) {
        if (t->kind == task::drop) {
          t.reset(); // destroys the zipper (and releases its lock) on this thread
          acks[k].send(true);
          continue;
        }
        result res;
        res.id = t->id;
        do_work(*t, res, errors);
        results.send(std::move(res));
      }
    });

  std::vector<std::string> mismatches;
  std::size_t granted_w = 0, granted_r = 0, refused = 0, outstanding = 0;
  std::uint64_t next_id = 1;
  std::vector<live_lock> live;
  {
    auto head = map.zipper_head();

    auto forget = [&](std::uint64_t id) {
      for (std::size_t i = 0; i < live.size(); ++i)
        if (live[i].id == id) {
          live.erase(live.begin() + static_cast<std::ptrdiff_t>(i));
          return;
        }
      mismatches.push_back("unknown zipper id returned");
    };
    auto find = [&](std::uint64_t id) -> live_lock* {
      for (auto& l : live)
        if (l.id == id)
          return &l;
      return nullptr;
    };
    auto dispatch = [&](task t) {
      ++outstanding;
      inbox[rng() % worker_cnt].send(std::move(t));
    };
    auto drop_on_worker = [&](task t) {
      std::size_t k = rng() % worker_cnt;
      t.kind = task::drop;
      inbox[k].send(std::move(t));
      acks[k].recv(); // the lock is released once this returns
    };

    auto handle = [&](result res) {
      --outstanding;
      live_lock* l = find(res.id);
      if (l == nullptr) {
        mismatches.push_back("result for an unknown zipper");
        return;
      }
      std::string root = l->path;
      if (res.w) {
        for (const auto& op : res.log)
          apply(model, root, op);
        switch (rng() % 4) {
          case 0: // dropped here
            res.w.reset();
            forget(res.id);
            break;
          case 1: // taken back with cleanup
            head.cleanup_write_zipper(std::move(*res.w));
            forget(res.id);
            break;
          case 2: { // dropped on a worker thread
            task t;
            t.w = std::move(res.w);
            drop_on_worker(std::move(t));
            forget(res.id);
            break;
          }
          case 3: { // becomes a reader that a worker checks
            l->writer = false;
            task t;
            t.id = res.id;
            t.r.emplace(std::move(*res.w).into_read_zipper());
            res.w.reset();
            t.expect = model_below(model, root);
            dispatch(std::move(t));
            break;
          }
        }
      } else if (res.r) {
        if (rng() % 2 == 0) {
          res.r.reset();
        } else {
          task t;
          t.r = std::move(res.r);
          drop_on_worker(std::move(t));
        }
        forget(res.id);
      }
      if (auto bad = illegal_overlap(live))
        mismatches.push_back(*bad);
    };

    for (std::size_t step = 0; step < steps; ++step) {
      while (std::optional<result> res = results.try_recv())
        handle(std::move(*res));
      while (outstanding >= max_outstanding)
        handle(std::move(*results.recv()));

      bool want_writer = rng() % 2 == 0;
      // Mostly 2 to 4 bytes deep (many grants, siblings sharing parents), sometimes 0 or 1
      // byte (a request that hits many live zippers).
      std::string p;
      unsigned shape = rng() % 100;
      std::size_t depth = shape < 3 ? 0 : shape < 10 ? 1 : 2 + rng() % 3;
      for (std::size_t i = 0; i < depth; ++i)
        p.push_back("abcd"[rng() % 4]);
      std::string expect = expected_outcome(live, p, want_writer);
      task t;
      t.id = next_id++;
      t.seed = static_cast<std::uint32_t>(rng());
      std::string got;
      if (want_writer) {
        auto w = head.write_zipper_at_exclusive_path(p);
        got = outcome(w);
        if (w)
          t.w.emplace(std::move(*w));
      } else {
        auto r = (rng() % 2 == 0) ? head.read_zipper_at_path(p)
                                  : head.read_zipper_at_borrowed_path(p);
        got = outcome(r);
        if (r)
          t.r.emplace(std::move(*r));
      }
      if (got != expect && mismatches.size() < 20)
        mismatches.push_back((want_writer ? "writer at " : "reader at ") + show(p) + ": got " +
                             got + ", expected " + expect);
      if (got != "ok") {
        ++refused;
        // Let the workers make progress (on a slow machine the loop would otherwise spin
        // through its steps while a zipper near the root is out).
        if (outstanding > 0 && rng() % 2 == 0)
          handle(std::move(*results.recv()));
        continue;
      }
      (want_writer ? granted_w : granted_r) += 1;
      live.push_back({t.id, p, want_writer});
      if (auto bad = illegal_overlap(live))
        mismatches.push_back(*bad);
      t.expect = model_below(model, p);
      dispatch(std::move(t));
    }
    while (outstanding > 0)
      handle(std::move(*results.recv()));
    CHECK(live.empty());
    CHECK(head.locks().empty());
  }
  for (auto& c : inbox)
    c.close();
  for (auto& t : workers)
    t.join();

  errors.check();
  for (const auto& m : mismatches)
    FAIL_CHECK(m);
  CHECK(mismatches.empty());
  MESSAGE("granted writers " << granted_w << ", readers " << granted_r << ", refused "
                             << refused);
  CHECK(granted_w > steps / 20);
  CHECK(granted_r > steps / 20);
  CHECK(refused > steps / 20);

  items_t got;
  for (auto&& [p, v] : map)
    got.emplace_back(str(p), v);
  items_t want(model.begin(), model.end());
  CHECK(got.size() == want.size());
  CHECK(show_items(got) == show_items(want));
}

// -- snapshots under concurrent restructuring ------------------------------------------------------

TEST_CASE("readers keep their snapshot while sibling writers grow and restructure the parent") {
  const int values_below = static_cast<int>(scaled(2000, 200));
  path_map<int> map;
  long long sum = 0;
  for (int i = 0; i < values_below; ++i) {
    map.set_val_at("s/0/" + std::to_string(i), i);
    sum += i;
  }
  map.set_val_at("t/0", 1);
  map.set_val_at("s/1/old", 7);

  error_log errors;
  std::atomic<bool> stop{false};
  std::atomic<int> passes{0};
  {
    auto head = map.zipper_head();
    // Counts and sums every value a reader sees, its root value included.
    auto tally = [](read_zipper_tracked<int>& r) {
      std::pair<std::size_t, long long> t{0, 0};
      r.reset();
      if (const int* v = r.val()) {
        ++t.first;
        t.second += *v;
      }
      while (const int* v = r.to_next_get_val()) {
        ++t.first;
        t.second += *v;
      }
      return t;
    };
    auto reader_thread = [&](read_zipper_tracked<int> r, std::size_t expect_count,
                             long long expect_sum) {
      return std::thread([&, r = std::move(r), expect_count, expect_sum]() mutable {
        int n = 0;
        while (!stop.load(std::memory_order_acquire) || n < 3) {
          auto [c, s] = tally(r);
          if (c != expect_count || s != expect_sum || r.val_count() != expect_count)
            errors.add("reader at " + show(r.root_prefix_path()) + " saw " + std::to_string(c) +
                       " values, expected " + std::to_string(expect_count));
          ++n;
          passes.fetch_add(1, std::memory_order_relaxed);
        }
      });
    };
    auto r0 = head.read_zipper_at_path("s/0");
    auto r1 = head.read_zipper_at_path("s/0/1");
    auto rt = head.read_zipper_at_path("t");
    REQUIRE((r0 && r1 && rt));
    auto [count_1, sum_1] = tally(*r1);
    CHECK(count_1 == r1->val_count());
    std::vector<std::thread> readers;
    readers.push_back(reader_thread(*r0, static_cast<std::size_t>(values_below), sum));
    readers.push_back(reader_thread(std::move(*r0), static_cast<std::size_t>(values_below), sum));
    readers.push_back(reader_thread(std::move(*r1), count_1, sum_1));
    readers.push_back(reader_thread(std::move(*rt), 1, 1));

    // Writers at every other child of "s/" (the parent cell node grows from 4 to 256 cells),
    // deeper writers below the root, all writing while the readers read.
    channel<write_zipper_tracked<int>> work;
    std::vector<std::thread> writers;
    for (int k = 0; k < 3; ++k)
      writers.emplace_back([&] {
        while (auto w = work.recv()) {
          w->remove_branches(false);
          for (int j = 0; j < 20; ++j) {
            w->reset();
            w->descend_to("/" + std::to_string(j));
            w->set_val(j);
          }
        }
      });
    for (int b = 1; b < 256; ++b) {
      if (b == '0')
        continue;
      std::string p = "s/";
      p.push_back(static_cast<char>(b));
      auto w = head.write_zipper_at_exclusive_path(p);
      if (!w) {
        FAIL_CHECK("writer refused at " << show(p) << ": " << w.error().to_string());
        break; // no REQUIRE while threads run
      }
      work.send(std::move(*w));
      if (b % 16 == 0) {
        std::string q = "u/" + std::to_string(b) + ".";
        auto w2 = head.write_zipper_at_exclusive_path(q);
        if (!w2) {
          FAIL_CHECK("writer refused at " << show(q) << ": " << w2.error().to_string());
          break;
        }
        work.send(std::move(*w2));
      }
    }
    work.close();
    for (auto& t : writers)
      t.join();
    stop.store(true, std::memory_order_release);
    for (auto& t : readers)
      t.join();
    CHECK(head.locks().empty());
  }
  errors.check();
  CHECK(passes.load() >= 12);
  CHECK(map.read_zipper_at_path("s/0").val_count() == static_cast<std::size_t>(values_below));
  CHECK(map.read_zipper_at_path("s/").val_count() ==
        static_cast<std::size_t>(values_below) + 254u * 20u);
  CHECK(map.get_val_at("s/1/old") == nullptr);
  CHECK(map.read_zipper_at_path("u/").val_count() == 14u * 20u); // b % 16 == 0, b != '0'
}

// -- lifetimes across threads -------------------------------------------------------------------------

TEST_CASE("zippers used and destroyed on other threads after the head and map are gone") {
  live_guard<counted> guard;
  error_log errors;
  std::vector<std::thread> threads;
  std::atomic<int> ready{0};
  std::atomic<bool> go{false};
  {
    path_map<counted> map;
    for (int i = 0; i < 200; ++i) {
      map.set_val_at("r/" + std::to_string(i), counted{i});
      map.set_val_at("w/" + std::to_string(i % 4) + "/" + std::to_string(i), counted{i});
    }
    auto head = map.zipper_head();
    for (int k = 0; k < 4; ++k) {
      auto r = head.read_zipper_at_path("r/");
      auto w = head.write_zipper_at_exclusive_path("w/" + std::to_string(k));
      if (!r || !w) {
        FAIL_CHECK("request refused");
        break; // no REQUIRE while threads run
      }
      threads.emplace_back([&, r = std::move(*r), w = std::move(*w)]() mutable {
        ++ready;
        while (!go.load())
          std::this_thread::yield();
        // The head and the map may be gone by now: everything here owns what it uses.
        for (int pass = 0; pass < 5; ++pass) {
          if (r.val_count() != 200u)
            errors.add("reader lost values");
          auto copy = r;
          if (copy.val_count() != 200u)
            errors.add("copied reader lost values");
          w.reset();
          w.descend_to("/new" + std::to_string(pass));
          w.set_val(counted{pass});
        }
        w.reset();
        if (w.val_count() != 50u + 5u)
          errors.add("writer sees " + std::to_string(w.val_count()) + " values");
      });
    }
    while (ready.load() < static_cast<int>(threads.size()))
      std::this_thread::yield();
    go.store(true);
  } // the head and the map go while the threads work
  for (auto& t : threads)
    t.join();
  threads.clear(); // the zippers die with the threads' closures
  errors.check();
}

TEST_CASE("a writer at the empty path used and destroyed on another thread after its head") {
  live_guard<counted> guard;
  std::optional<write_zipper_tracked<counted>> w;
  path_map<counted> snapshot;
  {
    path_map<counted> map;
    for (int i = 0; i < 50; ++i)
      map.set_val_at("k/" + std::to_string(i), counted{i});
    {
      auto head = map.zipper_head();
      auto ww = head.write_zipper_at_exclusive_path("");
      REQUIRE(ww.has_value());
      ww->descend_to("k/1");
      CHECK(ww->val()->value == 1);
      w.emplace(std::move(*ww));
    } // the head goes; the map gets its content back and the writer keeps its own
    snapshot = map;
  } // the map goes too
  error_log errors;
  std::thread t([&errors, w = std::move(*w)]() mutable {
    w.reset();
    for (int i = 0; i < 100; ++i) {
      w.reset();
      w.descend_to("new/" + std::to_string(i));
      w.set_val(counted{i});
    }
    w.reset();
    if (w.val_count() != 150u)
      errors.add("the root writer sees " + std::to_string(w.val_count()) + " values");
  });
  w.reset();
  t.join();
  errors.check();
  CHECK(snapshot.val_count() == 50u);
}

TEST_CASE("tracked readers copied and destroyed concurrently keep an exact lock count") {
  path_map<int> map{{"r/a", 1}, {"r/b", 2}, {"q", 3}};
  auto head = map.zipper_head();
  auto r = head.read_zipper_at_path("r");
  REQUIRE(r.has_value());
  const int thread_cnt = 4;
  const int copies = static_cast<int>(scaled(2000, 100));
  error_log errors;
  std::atomic<bool> done{false};
  std::vector<std::thread> threads;
  for (int k = 0; k < thread_cnt; ++k)
    threads.emplace_back([&, mine = *r]() mutable {
      for (int i = 0; i < copies; ++i) {
        read_zipper_tracked<int> c = mine;
        std::vector<read_zipper_tracked<int>> more(static_cast<std::size_t>(i % 3), c);
        if (c.val_count() != 2u)
          errors.add("a copy sees the wrong values");
        if (i % 7 == 0)
          mine = c; // copy assignment: one lock released, one taken
      }
    });
  // Meanwhile the head keeps answering: writers at "r" conflict with the readers, others not.
  int refused = 0, granted = 0;
  std::thread checker;
  while (refused < 200) {
    auto w = head.write_zipper_at_exclusive_path("r/a");
    if (w) {
      errors.add("writer granted under live readers");
      break;
    }
    if (w.error().path() != pathmap::path_view("r") || w.error().reader_count() < 1)
      errors.add("unexpected conflict " + w.error().to_string());
    ++refused;
    auto q = head.write_zipper_at_exclusive_path("q");
    granted += q.has_value();
  }
  for (auto& t : threads)
    t.join();
  done = true;
  errors.check();
  CHECK(granted == refused);
  CHECK(head.locks().readers_at("r") == 1u);
  CHECK(head.locks().lock_count() == 1u);
}

// -- nested heads in threads -------------------------------------------------------------------------

TEST_CASE("threads make nested heads from their writers and fan out again") {
  path_map<int> map;
  const int outer = 3, inner = 3, values = static_cast<int>(scaled(300, 30));
  {
    auto head = map.zipper_head();
    std::vector<std::thread> threads;
    for (int a = 0; a < outer; ++a) {
      auto w = head.write_zipper_at_exclusive_path("w/" + std::to_string(a));
      if (!w) {
        FAIL_CHECK("writer refused: " << w.error().to_string());
        break; // no REQUIRE while threads run
      }
      threads.emplace_back([w = std::move(*w), inner, values]() mutable {
        w.descend_to("/sub");
        {
          auto nested = w.zipper_head();
          std::vector<std::thread> sub;
          for (int b = 0; b < inner; ++b) {
            auto wb = nested.write_zipper_at_exclusive_path("/" + std::to_string(b));
            if (!wb)
              return;
            sub.emplace_back([wb = std::move(*wb), values]() mutable {
              for (int i = 0; i < values; ++i) {
                wb.reset();
                wb.descend_to(be32(static_cast<std::uint32_t>(i)));
                wb.set_val(i);
              }
            });
          }
          for (auto& t : sub)
            t.join();
        } // the nested head gives the focus back to w
        w.reset();
        w.descend_to("/count");
        w.set_val(static_cast<int>(w.fork_read_zipper().val_count()));
      });
    }
    for (auto& t : threads)
      t.join();
  }
  CHECK(map.val_count() == static_cast<std::size_t>(outer * (inner * values + 1)));
  for (int a = 0; a < outer; ++a)
    for (int b = 0; b < inner; ++b)
      for (int i = 0; i < values; i += 7) {
        std::string p = "w/" + std::to_string(a) + "/sub/" + std::to_string(b) +
                        be32(static_cast<std::uint32_t>(i));
        CHECK(id_at(map, p) == i);
      }
}

TEST_CASE("into_read_zipper on a worker thread keeps the path locked without a gap") {
  path_map<int> map;
  auto head = map.zipper_head();
  auto w = head.write_zipper_at_exclusive_path("x");
  REQUIRE(w.has_value());
  std::atomic<int> phase{0};
  error_log errors;
  std::thread t([&, w = std::move(*w)]() mutable {
    w.set_val(1);
    phase = 1;
    while (phase.load() != 2)
      std::this_thread::yield();
    auto r = std::move(w).into_read_zipper();
    phase = 3;
    while (phase.load() != 4)
      std::this_thread::yield();
    if (r.val() == nullptr || *r.val() != 1)
      errors.add("the reader lost the writer's value");
  });
  while (phase.load() != 1)
    std::this_thread::yield();
  phase = 2;
  // While the worker converts its writer, every writer request conflicts with either lock.
  int writer_hits = 0, reader_hits = 0;
  while (phase.load() != 3) {
    auto w2 = head.write_zipper_at_exclusive_path("x");
    if (w2) {
      FAIL_CHECK("a writer was granted at a locked path");
      phase = 3;
      break;
    }
    (w2.error().is_write_zipper() ? writer_hits : reader_hits) += 1;
  }
  auto w3 = head.write_zipper_at_exclusive_path("x/y");
  CHECK(outcome(w3) == "read(1)@x");
  auto r2 = head.read_zipper_at_path("x");
  CHECK(r2.has_value());
  phase = 4;
  t.join();
  errors.check();
  CHECK(writer_hits + reader_hits > 0);
}

TEST_SUITE_END();
