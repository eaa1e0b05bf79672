// Concurrency tests for the zipper head's lock registry: several threads acquire, clone,
// downgrade, hand over and release tracked locks on overlapping and disjoint paths, while an
// independent brute-force checker asserts that no two granted locks ever coexist illegally.
// Built into pathmap_trie_concurrent_tests, which also runs under ThreadSanitizer.

#include "pathmap/detail/lock_registry.hpp"

#include "pathmap/detail/zipper_tracker.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

using pathmap::conflict;
using pathmap::path_view;
using pathmap::detail::lock_registry;
using pathmap::detail::zipper_tracker;

namespace {

// -- scale --------------------------------------------------------------------

#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
constexpr int ops_per_thread = 4000;
#else
constexpr int ops_per_thread = 40000;
#endif

// -- independent checker ------------------------------------------------------

bool related(const std::string& a, const std::string& b) {
  const std::string& shorter = a.size() <= b.size() ? a : b;
  const std::string& longer = a.size() <= b.size() ? b : a;
  return longer.compare(0, shorter.size(), shorter) == 0;
}

std::string as_string(path_view p) {
  return std::string(p.as_string_view());
}

// The locks that are known to be granted, kept as a plain list and checked pairwise.
//
// Ordering makes it a subset of what the registry holds at every instant: a lock is added after
// the registry granted it and removed before the registry releases it, and a writer is
// downgraded here before it is downgraded in the registry. So if the registry is right, the
// checker never sees two illegal neighbours; if the registry ever grants a lock that coexists
// illegally with a live one, the checker sees both.
class checker {
public:
  std::uint64_t add(const std::string& p, bool writer) {
    std::lock_guard<std::mutex> guard{mtx_};
    for (const entry& e : live_)
      if ((writer || e.writer) && related(e.path, p))
        violation("granted " + describe(p, writer) + " while " + describe(e.path, e.writer)
                  + " is live");
    live_.push_back({p, writer, ++next_id_});
    return next_id_;
  }

  void remove(std::uint64_t id) {
    std::lock_guard<std::mutex> guard{mtx_};
    for (std::size_t i = 0; i < live_.size(); ++i) {
      if (live_[i].id == id) {
        live_[i] = std::move(live_.back());
        live_.pop_back();
        return;
      }
    }
    violation("removed an unknown lock");
  }

  void to_reader(std::uint64_t id) {
    std::lock_guard<std::mutex> guard{mtx_};
    for (entry& e : live_)
      if (e.id == id)
        e.writer = false;
  }

  void violation(std::string what) {
    if (violations_.fetch_add(1) == 0)
      first_violation_ = std::move(what);
  }

  std::size_t violations() const { return violations_.load(); }
  const std::string& first_violation() const { return first_violation_; }

  std::size_t live() {
    std::lock_guard<std::mutex> guard{mtx_};
    return live_.size();
  }

private:
  struct entry {
    std::string path;
    bool writer;
    std::uint64_t id;
  };

  static std::string describe(const std::string& p, bool writer) {
    return std::string(writer ? "writer" : "reader") + " at \"" + p + "\"";
  }

  std::mutex mtx_;
  std::vector<entry> live_;
  std::uint64_t next_id_ = 0;
  std::atomic<std::size_t> violations_{0};
  std::string first_violation_; // Written once, by the first violation, read after join.
};

// A granted tracker together with its checker entry.
struct lease {
  zipper_tracker lock;
  std::uint64_t id;
};

// Releases a lease in the right order: the checker forgets it before the registry does.
void give_back(checker& chk, lease&& l) {
  chk.remove(l.id);
  zipper_tracker dying = std::move(l.lock);
}

// Leases handed from one thread to another, destroyed by whoever pops them.
class handoff {
public:
  void push(lease&& l) {
    std::lock_guard<std::mutex> guard{mtx_};
    q_.push_back(std::move(l));
  }

  std::optional<lease> pop() {
    std::lock_guard<std::mutex> guard{mtx_};
    if (q_.empty())
      return std::nullopt;
    lease l = std::move(q_.front());
    q_.pop_front();
    return l;
  }

private:
  std::mutex mtx_;
  std::deque<lease> q_;
};

struct stats {
  std::atomic<std::size_t> granted{0};
  std::atomic<std::size_t> refused{0};
  std::atomic<std::size_t> downgraded{0};
  std::atomic<std::size_t> cloned{0};
  std::atomic<std::size_t> handed_over{0};
};

} // namespace

TEST_CASE("concurrent acquire and release never grant locks that may not coexist") {
  auto reg = std::make_shared<lock_registry>();
  checker chk;
  handoff queue;
  stats st;
  constexpr unsigned thread_count = 4;

  auto worker = [&](unsigned index) {
    std::mt19937 rng{1234u + index};
    auto pick = [&](unsigned n) { return std::uniform_int_distribution<unsigned>(0, n - 1)(rng); };
    auto random_path = [&] {
      std::string p;
      if (pick(4) == 0) { // Disjoint from every other thread.
        p = "t" + std::to_string(index);
        for (unsigned i = 0, n = pick(3); i < n; ++i)
          p += static_cast<char>('0' + pick(2));
        return p;
      }
      // Overlapping: 'a'/'b' strings of length 1..3, and the empty path now and then.
      if (pick(50) == 0)
        return p;
      for (unsigned i = 0, n = 1 + pick(3); i < n; ++i)
        p += static_cast<char>('a' + pick(2));
      return p;
    };
    auto check_refusal = [&](const conflict& c, const std::string& p, bool writer) {
      st.refused.fetch_add(1, std::memory_order_relaxed);
      if (!related(as_string(c.path()), p))
        chk.violation("conflict at \"" + as_string(c.path()) + "\" is unrelated to \"" + p + "\"");
      if (!writer && !c.is_write_zipper())
        chk.violation("a reader request was refused by readers at \"" + as_string(c.path()) + "\"");
    };

    std::vector<lease> held;
    for (int op = 0; op < ops_per_thread; ++op) {
      const unsigned action = pick(20);
      if (action < 12 && held.size() < 3) { // Acquire.
        const bool writer = action % 2 == 0;
        const std::string p = random_path();
        auto got = writer ? zipper_tracker::acquire_write(reg, p)
                          : zipper_tracker::acquire_read(reg, p);
        if (got) {
          st.granted.fetch_add(1, std::memory_order_relaxed);
          std::uint64_t id = chk.add(p, writer);
          held.push_back({std::move(*got), id});
        } else {
          check_refusal(got.error(), p, writer);
        }
      } else if (action < 17 && !held.empty()) { // Release one.
        std::size_t i = pick(static_cast<unsigned>(held.size()));
        give_back(chk, std::move(held[i]));
        held.erase(held.begin() + static_cast<std::ptrdiff_t>(i));
      } else if (action == 17 && !held.empty()) { // Clone a reader (a writer must refuse).
        lease& l = held[pick(static_cast<unsigned>(held.size()))];
        const std::string p = as_string(l.lock.path());
        auto c = l.lock.clone_reader();
        if (l.lock.is_writer()) {
          if (c || !(c.error() == conflict::write_zipper_at(p)))
            chk.violation("cloning a writer did not report the writer itself at \"" + p + "\"");
        } else if (c && held.size() < 4) {
          st.cloned.fetch_add(1, std::memory_order_relaxed);
          std::uint64_t id = chk.add(p, false);
          held.push_back({std::move(*c), id});
        } else if (!c) {
          chk.violation("cloning a reader failed: " + c.error().to_string());
        }
      } else if (action == 18 && !held.empty()) { // Downgrade a writer.
        lease& l = held[pick(static_cast<unsigned>(held.size()))];
        if (l.lock.is_writer()) {
          chk.to_reader(l.id);
          l.lock.into_reader();
          st.downgraded.fetch_add(1, std::memory_order_relaxed);
        }
      } else if (action == 19) { // Hand a lease to another thread, or destroy a handed one.
        if (pick(2) == 0 && !held.empty()) {
          queue.push(std::move(held.back()));
          held.pop_back();
          st.handed_over.fetch_add(1, std::memory_order_relaxed);
        } else if (auto l = queue.pop()) {
          give_back(chk, std::move(*l));
        }
      }
    }
    for (lease& l : held)
      give_back(chk, std::move(l));
  };

  std::vector<std::thread> threads;
  for (unsigned i = 0; i < thread_count; ++i)
    threads.emplace_back(worker, i);
  for (auto& t : threads)
    t.join();
  while (auto l = queue.pop())
    give_back(chk, std::move(*l));

  INFO("first violation: ", chk.first_violation());
  CHECK(chk.violations() == 0);
  CHECK(chk.live() == 0);
  CHECK(reg->empty());
  CHECK(reg->lock_count() == 0);
  // The run must have exercised both outcomes and every kind of operation.
  CHECK(st.granted.load() > 0);
  CHECK(st.refused.load() > 0);
  CHECK(st.downgraded.load() > 0);
  CHECK(st.cloned.load() > 0);
  CHECK(st.handed_over.load() > 0);
}

TEST_CASE("into_reader leaves no moment in which a writer can slip in") {
  auto reg = std::make_shared<lock_registry>();
  checker chk;
  std::atomic<bool> stop{false};
  std::atomic<std::size_t> downgrades{0};
  std::atomic<std::size_t> intruders_granted{0};

  // One thread keeps taking a writer at "p" and turning it into a reader.
  std::thread owner([&] {
    while (downgrades.load() < std::size_t{ops_per_thread} / 4) {
      auto w = zipper_tracker::acquire_write(reg, "p");
      if (!w) { // An intruder holds a related writer; it lets go soon.
        std::this_thread::yield();
        continue;
      }
      std::uint64_t id = chk.add("p", true);
      chk.to_reader(id);
      w->into_reader();
      downgrades.fetch_add(1, std::memory_order_relaxed);
      std::this_thread::yield(); // Give intruders a chance while only the reader is held.
      chk.remove(id);
    }
    stop.store(true);
  });
  // Others keep asking for writers related to "p"; a gap in into_reader would let one in
  // while the checker still lists the owner's lock.
  std::vector<std::thread> intruders;
  for (const char* target : {"p", "", "p/x"}) {
    intruders.emplace_back([&, target] {
      const std::string p = target;
      while (!stop.load()) {
        if (auto w = zipper_tracker::acquire_write(reg, p)) {
          intruders_granted.fetch_add(1, std::memory_order_relaxed);
          std::uint64_t id = chk.add(p, true);
          chk.remove(id);
        }
        std::this_thread::yield();
      }
    });
  }
  owner.join();
  for (auto& t : intruders)
    t.join();

  INFO("first violation: ", chk.first_violation());
  CHECK(chk.violations() == 0);
  CHECK(downgrades.load() > 0);
  CHECK(reg->empty());
}
