// Tests for the zipper head's lock registry (pathmap::detail::lock_registry), the RAII tracker
// (pathmap::detail::zipper_tracker) and the conflict type (pathmap::conflict), following
// PATHMAP-SPEC §3.3.

#include "pathmap/detail/lock_registry.hpp"

#include "pathmap/conflict.hpp"
#include "pathmap/detail/zipper_tracker.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#if defined(__unix__)
#  include <fcntl.h>
#  include <pthread.h>
#  include <sys/wait.h>
#  include <unistd.h>
#  include <csignal>
#endif

using pathmap::conflict;
using pathmap::conflict_kind;
using pathmap::path_view;
using pathmap::detail::lock_registry;
using pathmap::detail::path_status;
using pathmap::detail::zipper_tracker;

namespace doctest {

template <>
struct StringMaker<std::optional<conflict>> {
  static String convert(const std::optional<conflict>& c) {
    return c ? String(c->to_string().c_str()) : String("granted (no conflict)");
  }
};

} // namespace doctest

namespace {

// -- helpers ------------------------------------------------------------------

constexpr auto granted = std::nullopt;

conflict writer_hit(path_view at) {
  return conflict::write_zipper_at(at);
}

conflict readers_hit(std::uint32_t n, path_view at) {
  return conflict::read_zipper_at(n, at);
}

enum class mode { read, write };

const char* name(mode m) {
  return m == mode::read ? "reader" : "writer";
}

// Asks for a lock and, when it is granted, gives it back, so the registry is unchanged.
std::optional<conflict> probe(lock_registry& reg, mode m, path_view p) {
  if (m == mode::read) {
    auto c = reg.try_read(p);
    if (!c)
      reg.release_read(p);
    return c;
  }
  auto c = reg.try_write(p);
  if (!c)
    reg.release_write(p);
  return c;
}

std::string bytes(std::initializer_list<int> il) {
  std::string s;
  for (int b : il)
    s += static_cast<char>(b);
  return s;
}

// Runs `f` to completion on a thread with a 256 KiB stack (POSIX), or directly elsewhere.
template <class F>
void run_with_small_stack(F& f) {
#if defined(__unix__)
  pthread_attr_t attr;
  REQUIRE(pthread_attr_init(&attr) == 0);
  REQUIRE(pthread_attr_setstacksize(&attr, std::size_t{256} << 10) == 0);
  pthread_t thread;
  auto trampoline = [](void* arg) -> void* {
    (*static_cast<F*>(arg))();
    return nullptr;
  };
  REQUIRE(pthread_create(&thread, &attr, trampoline, &f) == 0);
  REQUIRE(pthread_join(thread, nullptr) == 0);
  pthread_attr_destroy(&attr);
#else
  f();
#endif
}

#if defined(__unix__)
// Runs `f` in a child process with stderr captured. Returns (terminated by SIGABRT, stderr).
template <class F>
std::pair<bool, std::string> run_in_child(F f) {
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  std::fflush(stderr);
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    // The child must die of the abort itself, not report through doctest's crash handler.
    std::signal(SIGABRT, SIG_DFL);
    close(fds[0]);
    dup2(fds[1], 2);
    if (int devnull = open("/dev/null", O_WRONLY); devnull >= 0)
      dup2(devnull, 1);
    f();
    std::fflush(stderr);
    _exit(0);
  }
  close(fds[1]);
  std::string out;
  char buf[512];
  for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) > 0;)
    out.append(buf, static_cast<std::size_t>(n));
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  return {WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT, out};
}
#endif

} // namespace

// -- conflict -----------------------------------------------------------------

TEST_CASE("a conflict with a write zipper reports its kind, no readers and the lock's path") {
  auto c = conflict::write_zipper_at("ab");
  CHECK(c.kind() == conflict_kind::write_zipper);
  CHECK(c.is_write_zipper());
  CHECK_FALSE(c.is_read_zipper());
  CHECK(c.reader_count() == 0);
  CHECK(c.path() == path_view("ab"));
}

TEST_CASE("a conflict with read zippers reports their count and the lock's path") {
  auto c = conflict::read_zipper_at(3, pathmap::path{1, 2});
  CHECK(c.kind() == conflict_kind::read_zipper);
  CHECK(c.is_read_zipper());
  CHECK(c.reader_count() == 3);
  CHECK(c.path() == path_view({1, 2}));
}

TEST_CASE("conflict text is the crate's display text with a decimal byte list") {
  CHECK(conflict::write_zipper_at("ab").to_string()
        == "conflicts with existing zipper: write zipper @ [97, 98]");
  CHECK(conflict::read_zipper_at(2, "").to_string()
        == "conflicts with existing zipper: read zipper (arity: 2) @ []");
  CHECK(conflict::read_zipper_at(UINT32_MAX, bytes({0, 9, 10, 99, 100, 255})).to_string()
        == "conflicts with existing zipper: read zipper (arity: 4294967295) @ "
           "[0, 9, 10, 99, 100, 255]");
  std::ostringstream os;
  os << conflict::write_zipper_at("a") << '|' << conflict_kind::read_zipper;
  CHECK(os.str() == "conflicts with existing zipper: write zipper @ [97]|read zipper");
  CHECK(to_string(conflict::write_zipper_at("")) == "conflicts with existing zipper: write zipper @ []");
}

TEST_CASE("conflicts are equal when kind, count and path are equal") {
  CHECK(conflict::write_zipper_at("a") == conflict::write_zipper_at("a"));
  CHECK(conflict::write_zipper_at("a") != conflict::write_zipper_at("b"));
  CHECK(conflict::read_zipper_at(1, "a") != conflict::write_zipper_at("a"));
  CHECK(conflict::read_zipper_at(1, "a") != conflict::read_zipper_at(2, "a"));
  auto a = conflict::read_zipper_at(2, "x");
  auto b = a;
  CHECK(a == b);
  CHECK(b.path().data() != a.path().data()); // A copy owns its bytes.
}

TEST_CASE("the byte list of a long path can be truncated for diagnostics") {
  std::string out;
  pathmap::detail::append_byte_list(out, "abcdef", 2);
  CHECK(out == "[97, 98, ... (6 bytes)]");
  out.clear();
  pathmap::detail::append_byte_list(out, "abc", 0);
  CHECK(out == "[... (3 bytes)]");
  out.clear();
  pathmap::detail::append_byte_list(out, "ab", 2);
  CHECK(out == "[97, 98]");
}

// -- conflict matrix ----------------------------------------------------------

TEST_CASE("every request kind at, above, below and beside a live lock follows the spec matrix") {
  // Existing lock at E = "ab". Requests at P: above (prefixes of E), at E, below, beside.
  struct row {
    const char* p;
    const char* where;
    bool related;
  };
  const row rows[] = {
    {"", "above (root)", true},    {"a", "above", true},         {"ab", "at", true},
    {"abc", "below", true},        {"abcd", "deep below", true}, {"ac", "beside", false},
    {"b", "beside", false},        {"aa", "beside", false},      {"a\xff", "beside", false},
  };
  for (mode existing : {mode::read, mode::write}) {
    lock_registry reg;
    if (existing == mode::read) {
      REQUIRE(reg.try_read("ab") == granted);
      REQUIRE(reg.try_read("ab") == granted); // Count 2.
    } else {
      REQUIRE(reg.try_write("ab") == granted);
    }
    for (const row& r : rows) {
      for (mode request : {mode::read, mode::write}) {
        INFO("existing ", name(existing), " at \"ab\", ", name(request), " request ", r.where,
             " at \"", r.p, "\"");
        std::optional<conflict> expected;
        if (r.related && existing == mode::write)
          expected = writer_hit("ab");
        else if (r.related && request == mode::write)
          expected = readers_hit(2, "ab");
        CHECK(probe(reg, request, r.p) == expected);
        if (request == mode::read)
          CHECK(reg.check_read(r.p) == expected);
        else
          CHECK(reg.check_write(r.p) == expected);
      }
    }
    CHECK(reg.lock_count() == (existing == mode::read ? 2u : 1u));
  }
}

TEST_CASE("path_status tells whether readers and writers could be made") {
  lock_registry reg;
  REQUIRE(reg.try_read("r") == granted);
  REQUIRE(reg.try_write("w") == granted);
  CHECK(reg.path_status("x") == path_status::available);
  CHECK(reg.path_status("r") == path_status::available_for_reading);
  CHECK(reg.path_status("r/below") == path_status::available_for_reading);
  CHECK(reg.path_status("") == path_status::unavailable);
  CHECK(reg.path_status("w") == path_status::unavailable);
  CHECK(reg.path_status("w/below") == path_status::unavailable);
}

TEST_CASE("a refused request changes nothing") {
  lock_registry reg;
  REQUIRE(reg.try_write("ab") == granted);
  REQUIRE(reg.try_read("x") == granted);
  CHECK(reg.try_write("a") == writer_hit("ab"));
  CHECK(reg.try_read("abc") == writer_hit("ab"));
  CHECK(reg.try_write("x/1") == readers_hit(1, "x"));
  CHECK(reg.lock_count() == 2);
  CHECK(reg.readers_at("abc") == 0);
  CHECK_FALSE(reg.writer_at("a"));
  CHECK_FALSE(reg.writer_at("x/1"));
  CHECK(reg.readers_at("x") == 1);
}

// -- report order -------------------------------------------------------------

TEST_CASE("a writer request that hits writers and readers names the writer") {
  lock_registry reg;
  REQUIRE(reg.try_read("a") == granted);  // Lexicographically first...
  REQUIRE(reg.try_write("b") == granted); // ...but writers are checked first.
  CHECK(reg.try_write("") == writer_hit("b"));
  CHECK(reg.check_write("") == writer_hit("b"));
}

TEST_CASE("a reader lock along the path is reported before a reader lock below it") {
  lock_registry reg;
  REQUIRE(reg.try_read("abc") == granted);
  REQUIRE(reg.try_read("ab0") == granted);
  REQUIRE(reg.try_read("a") == granted);
  CHECK(reg.try_write("ab") == readers_hit(1, "a"));
  REQUIRE(reg.try_read("ab") == granted);
  CHECK(reg.try_write("ab") == readers_hit(1, "a"));
  reg.release_read("a");
  CHECK(reg.try_write("ab") == readers_hit(1, "ab")); // At P counts as along P.
  reg.release_read("ab");
  CHECK(reg.try_write("ab") == readers_hit(1, "ab0")); // Then the first one below.
}

TEST_CASE("the shallowest lock along the path is reported, the empty path first") {
  lock_registry reg;
  for (int i = 0; i < 3; ++i)
    REQUIRE(reg.try_read("") == granted);
  for (int i = 0; i < 2; ++i)
    REQUIRE(reg.try_read("a") == granted);
  REQUIRE(reg.try_read("abc") == granted);
  CHECK(reg.try_write("abcd") == readers_hit(3, ""));
  for (int i = 0; i < 3; ++i)
    reg.release_read("");
  CHECK(reg.try_write("abcd") == readers_hit(2, "a"));
  reg.release_read("a", 2);
  CHECK(reg.try_write("abcd") == readers_hit(1, "abc"));
}

TEST_CASE("among locks below the path the lexicographically first is reported") {
  lock_registry reg;
  for (const char* p : {"b2", "a9", "a1x", "a10", "a1"})
    REQUIRE(reg.try_read(p) == granted);
  CHECK(reg.try_write("") == readers_hit(1, "a1")); // A prefix precedes its extensions.
  CHECK(reg.try_write("a") == readers_hit(1, "a1"));
  reg.release_read("a1");
  CHECK(reg.try_write("") == readers_hit(1, "a10"));
  CHECK(reg.try_write("a1") == readers_hit(1, "a10"));
  CHECK(reg.try_write("b") == readers_hit(1, "b2"));

  lock_registry writers;
  for (const char* p : {"b", "a9", "a10"})
    REQUIRE(writers.try_write(p) == granted);
  CHECK(writers.try_read("") == writer_hit("a10"));
  CHECK(writers.try_read("a") == writer_hit("a10"));
}

TEST_CASE("bytes order as unsigned values when choosing the first lock below") {
  lock_registry reg;
  REQUIRE(reg.try_write(bytes({0xff})) == granted);
  REQUIRE(reg.try_write(bytes({0x01, 0xff})) == granted);
  REQUIRE(reg.try_write(bytes({0x80})) == granted);
  CHECK(reg.try_read("") == writer_hit(bytes({0x01, 0xff})));
  reg.release_write(bytes({0x01, 0xff}));
  CHECK(reg.try_read("") == writer_hit(bytes({0x80})));
}

// -- the empty path -----------------------------------------------------------

TEST_CASE("a writer at the empty path conflicts with every request") {
  lock_registry reg;
  REQUIRE(reg.try_write("") == granted);
  for (const char* p : {"", "a", "zzz"}) {
    CHECK(reg.try_read(p) == writer_hit(""));
    CHECK(reg.try_write(p) == writer_hit(""));
  }
  CHECK(reg.try_read(std::string(1 << 20, 'q')) == writer_hit(""));
  reg.release_write("");
  CHECK(reg.empty());
}

TEST_CASE("a reader at the empty path blocks writers everywhere but admits readers") {
  lock_registry reg;
  REQUIRE(reg.try_read("") == granted);
  for (const char* p : {"", "a", "zzz"}) {
    CHECK(reg.try_write(p) == readers_hit(1, ""));
    CHECK(probe(reg, mode::read, p) == granted);
  }
  CHECK(reg.try_write(std::string(1 << 20, 'q')) == readers_hit(1, ""));
}

TEST_CASE("a writer below the empty path blocks a writer and a reader at the empty path") {
  lock_registry reg;
  REQUIRE(reg.try_write("x") == granted);
  CHECK(reg.try_read("") == writer_hit("x"));
  CHECK(reg.try_write("") == writer_hit("x"));
}

// -- the book example ---------------------------------------------------------

TEST_CASE("the book example: a reader at integ and a writer at intern") {
  // Map keys (for orientation; the registry only sees paths): internal, internet, interval,
  // integer, integral, integration, integrity, intolerable, intone.
  lock_registry reg;
  REQUIRE(reg.try_read("integ") == granted);
  REQUIRE(reg.try_write("intern") == granted);

  SUBCASE("extra readers are fine anywhere under integ") {
    for (const char* p : {"integ", "integer", "integral", "integration", "integrity"})
      CHECK(probe(reg, mode::read, p) == granted);
  }
  SUBCASE("extra readers are fine anywhere disjoint from intern") {
    for (const char* p : {"into", "interval", "interv", "intolerable", "intone", "integer"})
      CHECK(probe(reg, mode::read, p) == granted);
  }
  SUBCASE("nothing new may be made at int, inte or inter") {
    for (const char* p : {"int", "inte", "inter"}) {
      INFO(p);
      CHECK(probe(reg, mode::read, p) == writer_hit("intern"));
      CHECK(probe(reg, mode::write, p) == writer_hit("intern"));
    }
    CHECK(probe(reg, mode::write, "in") == writer_hit("intern"));
    CHECK(probe(reg, mode::write, "") == writer_hit("intern"));
  }
  SUBCASE("any request at or under intern fails") {
    for (const char* p : {"intern", "internal", "internet"}) {
      INFO(p);
      CHECK(probe(reg, mode::read, p) == writer_hit("intern"));
      CHECK(probe(reg, mode::write, p) == writer_hit("intern"));
    }
  }
  SUBCASE("a writer is fine at interv... or into...") {
    for (const char* p : {"interv", "interval", "into", "intolerable", "intone"})
      CHECK(probe(reg, mode::write, p) == granted);
  }
  SUBCASE("a writer is not fine at integ or below it") {
    for (const char* p : {"integ", "integer", "integral", "integration", "integrity"}) {
      INFO(p);
      CHECK(probe(reg, mode::write, p) == readers_hit(1, "integ"));
    }
  }
  CHECK(reg.lock_count() == 2);
}

// -- reader counting ----------------------------------------------------------

TEST_CASE("readers at one path are counted and the entry disappears at zero") {
  lock_registry reg;
  for (int i = 0; i < 3; ++i)
    REQUIRE(reg.try_read("p") == granted);
  CHECK(reg.readers_at("p") == 3);
  CHECK(reg.lock_count() == 3);
  CHECK(reg.try_write("p") == readers_hit(3, "p"));
  reg.release_read("p");
  CHECK(reg.try_write("p/q") == readers_hit(2, "p"));
  reg.release_read("p");
  reg.release_read("p");
  CHECK(reg.readers_at("p") == 0);
  CHECK(reg.empty());
  CHECK(reg.lock_count() == 0);
  CHECK(probe(reg, mode::write, "p") == granted);
  CHECK(probe(reg, mode::write, "") == granted);
}

TEST_CASE("several readers can be registered and released at once") {
  lock_registry reg;
  REQUIRE(reg.try_read("p", 5) == granted);
  CHECK(reg.readers_at("p") == 5);
  CHECK(reg.try_read("p", 0) == granted); // Registers nothing.
  CHECK(reg.readers_at("p") == 5);
  reg.release_read("p", 4);
  CHECK(reg.readers_at("p") == 1);
  reg.release_read("p", 0); // Releases nothing.
  reg.release_read("p");
  CHECK(reg.empty());
  REQUIRE(reg.try_write("w") == granted);
  CHECK(reg.try_read("w/x", 0) == writer_hit("w"));
}

TEST_CASE("a reader count that would pass u32 max is a read zipper conflict") {
  lock_registry reg;
  REQUIRE(reg.try_read("p", UINT32_MAX) == granted);
  CHECK(reg.readers_at("p") == UINT32_MAX);
  CHECK(reg.lock_count() == std::size_t{UINT32_MAX});
  CHECK(reg.try_read("p") == readers_hit(UINT32_MAX, "p"));
  CHECK(reg.check_read("p") == readers_hit(UINT32_MAX, "p"));
  CHECK(reg.path_status("p") == path_status::unavailable);
  CHECK(reg.readers_at("p") == UINT32_MAX);
  CHECK(probe(reg, mode::read, "p/below") == granted); // Only the full path is full.
  CHECK(probe(reg, mode::read, "") == granted);

  auto reg2 = std::make_shared<lock_registry>();
  REQUIRE(reg2->try_read("q", 5) == granted);
  CHECK(reg2->try_read("q", UINT32_MAX - 4) == readers_hit(5, "q"));
  CHECK(reg2->try_read("q", UINT32_MAX - 5) == granted);
  auto t = zipper_tracker::acquire_read(reg2, "q");
  REQUIRE_FALSE(t.has_value());
  CHECK(t.error() == readers_hit(UINT32_MAX, "q"));
  reg2->release_read("q"); // One slot left: t1 takes it, its clone finds the count full.
  auto t1 = zipper_tracker::acquire_read(reg2, "q");
  REQUIRE(t1.has_value());
  auto t2 = t1->clone_reader();
  REQUIRE_FALSE(t2.has_value());
  CHECK(t2.error() == readers_hit(UINT32_MAX, "q"));
  reg.release_read("p", UINT32_MAX);
  CHECK(reg.empty());
}

// -- write_to_read ------------------------------------------------------------

TEST_CASE("write_to_read swaps a writer lock for a reader lock at the same path") {
  lock_registry reg;
  REQUIRE(reg.try_write("p") == granted);
  REQUIRE(reg.try_read("x") == granted);
  reg.write_to_read("p");
  CHECK_FALSE(reg.writer_at("p"));
  CHECK(reg.readers_at("p") == 1);
  CHECK(reg.lock_count() == 2);
  CHECK(probe(reg, mode::read, "p") == granted);
  CHECK(probe(reg, mode::read, "p/below") == granted);
  CHECK(reg.try_write("p") == readers_hit(1, "p"));
  CHECK(reg.try_write("") == readers_hit(1, "p"));
  reg.release_read("p");
  reg.release_read("x");
  CHECK(reg.empty());
}

// -- zipper_tracker -----------------------------------------------------------

TEST_CASE("a tracker registers its lock on creation and releases it on destruction") {
  auto reg = std::make_shared<lock_registry>();
  {
    auto w = zipper_tracker::acquire_write(reg, "w");
    REQUIRE(w.has_value());
    CHECK(w->is_writer());
    CHECK(w->holds_lock());
    CHECK(w->path() == path_view("w"));
    CHECK(w->registry() == reg);
    auto r = zipper_tracker::acquire_read(reg, "r");
    REQUIRE(r.has_value());
    CHECK_FALSE(r->is_writer());
    CHECK(reg->lock_count() == 2);
    auto refused = zipper_tracker::acquire_read(reg, "w/x");
    REQUIRE_FALSE(refused.has_value());
    CHECK(refused.error() == writer_hit("w"));
    auto refused2 = zipper_tracker::acquire_write(reg, "");
    REQUIRE_FALSE(refused2.has_value());
    CHECK(refused2.error() == writer_hit("w"));
    CHECK(reg->lock_count() == 2);
  }
  CHECK(reg->empty());
}

TEST_CASE("a tracker keeps its own copy of the path") {
  auto reg = std::make_shared<lock_registry>();
  std::string p = "abc";
  auto t = zipper_tracker::acquire_write(reg, p);
  REQUIRE(t.has_value());
  p = "xyz";
  CHECK(t->path() == path_view("abc"));
  t = zipper_tracker::acquire_read(reg, "other"); // Assignment releases "abc" first.
  CHECK_FALSE(reg->writer_at("abc"));
}

TEST_CASE("clone_reader takes one more reader lock on the same path") {
  auto reg = std::make_shared<lock_registry>();
  auto r = zipper_tracker::acquire_read(reg, "p");
  REQUIRE(r.has_value());
  {
    auto c = r->clone_reader();
    REQUIRE(c.has_value());
    CHECK_FALSE(c->is_writer());
    CHECK(c->path() == path_view("p"));
    CHECK(reg->readers_at("p") == 2);
  }
  CHECK(reg->readers_at("p") == 1);

  auto w = zipper_tracker::acquire_write(reg, "w");
  REQUIRE(w.has_value());
  auto c = w->clone_reader();
  REQUIRE_FALSE(c.has_value());
  CHECK(c.error() == writer_hit("w"));
}

TEST_CASE("into_reader turns a tracked writer into a tracked reader") {
  auto reg = std::make_shared<lock_registry>();
  {
    auto w = zipper_tracker::acquire_write(reg, "p");
    REQUIRE(w.has_value());
    w->into_reader();
    CHECK_FALSE(w->is_writer());
    CHECK(w->holds_lock());
    CHECK(reg->readers_at("p") == 1);
    CHECK_FALSE(reg->writer_at("p"));
    w->into_reader(); // A reader stays a reader.
    CHECK(reg->readers_at("p") == 1);
    auto r = zipper_tracker::acquire_read(reg, "p");
    CHECK(r.has_value());
    CHECK(reg->readers_at("p") == 2);
  }
  CHECK(reg->empty());
}

TEST_CASE("a moved-from tracker releases nothing") {
  auto reg = std::make_shared<lock_registry>();
  auto w = zipper_tracker::acquire_write(reg, "p");
  REQUIRE(w.has_value());
  {
    zipper_tracker moved{std::move(*w)};
    CHECK_FALSE(w->holds_lock());
    CHECK_FALSE(w->is_writer());
    CHECK(w->path().empty());
    CHECK(w->registry() == nullptr);
    w->into_reader(); // No-op on a moved-from tracker.
    CHECK(moved.is_writer());
    CHECK(reg->writer_at("p"));
  }
  CHECK(reg->empty()); // Released once, by `moved`.

  auto a = zipper_tracker::acquire_read(reg, "a");
  auto b = zipper_tracker::acquire_read(reg, "b");
  REQUIRE(a.has_value());
  REQUIRE(b.has_value());
  *a = std::move(*b); // Releases "a", takes over "b".
  CHECK(reg->readers_at("a") == 0);
  CHECK(reg->readers_at("b") == 1);
  auto& self = *a;
  *a = std::move(self); // Self-move keeps the lock.
  CHECK(reg->readers_at("b") == 1);
  CHECK(a->holds_lock());
}

TEST_CASE("a tracker that outlives the registry's owner keeps the registry alive") {
  std::optional<zipper_tracker> keep;
  {
    auto reg = std::make_shared<lock_registry>();
    auto t = zipper_tracker::acquire_write(reg, "p");
    REQUIRE(t.has_value());
    keep.emplace(std::move(*t));
  }
  CHECK(keep->registry()->writer_at("p"));
  CHECK(keep->registry().use_count() == 1);
  keep.reset(); // Releases into a registry only it still refers to; must not crash.
}

#if defined(__unix__)

TEST_CASE("a tracker destroyed after its head warns in debug builds") {
  auto [aborted, err] = run_in_child([] {
    auto reg = std::make_shared<lock_registry>();
    auto t = zipper_tracker::acquire_read(reg, "ab");
    reg->mark_head_dropped();
  });
  CHECK_FALSE(aborted);
#  ifndef NDEBUG
  CHECK(err.find("outlived its zipper_head") != std::string::npos);
  CHECK(err.find("[97, 98]") != std::string::npos);
#  endif
  lock_registry reg;
  CHECK_FALSE(reg.head_dropped());
  reg.mark_head_dropped();
  CHECK(reg.head_dropped());
}

TEST_CASE("releasing a lock that is not held is fatal and names the path") {
  auto [aborted, err] = run_in_child([] {
    lock_registry reg;
    reg.release_read("ab");
  });
  CHECK(aborted);
  CHECK(err.find("reader lock that is not held") != std::string::npos);
  CHECK(err.find("[97, 98]") != std::string::npos);

  auto [aborted2, err2] = run_in_child([] {
    lock_registry reg;
    (void) reg.try_read("ab");
    reg.release_write("ab");
  });
  CHECK(aborted2);
  CHECK(err2.find("writer lock that is not held") != std::string::npos);

  auto [aborted3, err3] = run_in_child([] {
    lock_registry reg;
    (void) reg.try_read("ab");
    reg.release_read("ab", 2);
  });
  CHECK(aborted3);

  auto [aborted4, err4] = run_in_child([] {
    lock_registry reg;
    (void) reg.try_read("ab");
    reg.write_to_read("ab");
  });
  CHECK(aborted4);
  CHECK(err4.find("write_to_read") != std::string::npos);
}

#endif

// -- long paths and many locks ------------------------------------------------

TEST_CASE("locks on 1 MiB paths are checked and reported exactly") {
  lock_registry reg;
  const std::string big(std::size_t{1} << 20, 'x');
  REQUIRE(reg.try_write(big) == granted);
  CHECK(reg.try_read(big.substr(0, 1000)) == writer_hit(big));
  CHECK(reg.try_write(big.substr(0, big.size() / 2)) == writer_hit(big));
  CHECK(reg.try_read(big) == writer_hit(big));
  CHECK(reg.try_read(big + "y") == writer_hit(big));
  std::string sibling = big;
  sibling.back() = 'y';
  REQUIRE(reg.try_write(sibling) == granted); // Splits at the last byte.
  std::string half_sibling = big.substr(0, big.size() / 2) + "z";
  REQUIRE(reg.try_read(half_sibling) == granted);
  CHECK(reg.try_write(big.substr(0, 10)) == writer_hit(big)); // 'x' < 'y' at the last byte.
  reg.release_write(big);
  CHECK(reg.try_write(big.substr(0, 10)) == writer_hit(sibling));
  reg.release_write(sibling);
  CHECK(reg.try_write(big.substr(0, 10)) == readers_hit(1, half_sibling));
  reg.release_read(half_sibling);
  CHECK(reg.empty());
  CHECK(probe(reg, mode::write, big) == granted);
}

TEST_CASE("thousands of nested locks along one path need no recursion") {
  // Readers at every prefix of a long path: a chain of nodes as deep as the path is long. The
  // registry is built, queried, emptied and destroyed on a thread with a small stack (where
  // available), which a recursion over the chain would overflow.
  const std::size_t depth = 50000;
  const std::string p(depth, 'n');
  std::size_t refused = 0;
  std::size_t locks = 0;
  std::optional<conflict> below, above;
  std::uint32_t at_end = 0;
  bool empty_after = false;
  auto body = [&] {
    {
      lock_registry reg;
      for (std::size_t len = depth; len >= 1; --len) // Longest first: each insert splits once.
        refused += reg.try_read(path_view{p}.subview(0, len)).has_value() ? 1 : 0;
      locks = reg.lock_count();
      below = reg.try_write(p + "!");
      above = reg.try_write("");
      at_end = reg.readers_at(p);
    } // The destructor dismantles the chain.
    lock_registry reg;
    for (std::size_t len = 1; len <= 2000; ++len)
      refused += reg.try_read(path_view{p}.subview(0, len)).has_value() ? 1 : 0;
    for (std::size_t len = 1; len <= 2000; ++len) // Shallowest first: merges on every release.
      reg.release_read(path_view{p}.subview(0, len));
    empty_after = reg.empty();
  };
  run_with_small_stack(body);
  CHECK(refused == 0);
  CHECK(locks == depth);
  CHECK(below == readers_hit(1, "n"));
  CHECK(above == readers_hit(1, "n"));
  CHECK(at_end == 1);
  CHECK(empty_after);
}

TEST_CASE("thousands of sibling locks are checked without scanning them all") {
  lock_registry reg;
  std::vector<std::string> paths;
  for (int i = 0; i < 5000; ++i) {
    std::string p = std::to_string(i * 7919 % 100003 + 1000000); // Same width: unrelated.
    p[0] = 'k';
    paths.push_back(p);
    REQUIRE(reg.try_write(p) == granted);
  }
  std::sort(paths.begin(), paths.end());
  CHECK(reg.try_read("") == writer_hit(paths.front()));
  CHECK(reg.try_read("k") == writer_hit(paths.front()));
  CHECK(reg.try_read(paths[2500] + "/x") == writer_hit(paths[2500]));
  CHECK(probe(reg, mode::write, "j") == granted);
  for (const auto& p : paths)
    reg.release_write(p);
  CHECK(reg.empty());
}

// -- differential test against a brute-force model -----------------------------

namespace {

// The rules of PATHMAP-SPEC §3.3 written as directly as possible, over sorted containers.
struct model {
  std::map<std::string, std::uint32_t> readers;
  std::set<std::string> writers;

  static bool is_prefix(const std::string& a, const std::string& b) {
    return a.size() <= b.size() && b.compare(0, a.size(), a) == 0;
  }

  // The first lock of `keys` related to p: shallowest along p, else first below p.
  template <class Keys>
  static std::optional<std::string> first_related(const Keys& keys, const std::string& p) {
    std::optional<std::string> along;
    for (const auto& k : keys) {
      const std::string& e = key_of(k);
      if (is_prefix(e, p) && (!along || e.size() < along->size()))
        along = e;
    }
    if (along)
      return along;
    for (const auto& k : keys) // Sorted: the first match is lexicographically first.
      if (is_prefix(p, key_of(k)) && key_of(k) != p)
        return key_of(k);
    return std::nullopt;
  }
  static const std::string& key_of(const std::string& s) { return s; }
  static const std::string& key_of(const std::pair<const std::string, std::uint32_t>& kv) {
    return kv.first;
  }

  std::optional<conflict> check(mode m, const std::string& p, std::uint32_t n = 1) const {
    if (auto w = first_related(writers, p))
      return conflict::write_zipper_at(*w);
    if (m == mode::write) {
      if (auto r = first_related(readers, p))
        return conflict::read_zipper_at(readers.at(*r), *r);
    } else if (auto it = readers.find(p); it != readers.end() && n > UINT32_MAX - it->second) {
      return conflict::read_zipper_at(it->second, p);
    }
    return std::nullopt;
  }
};

} // namespace

TEST_CASE("random operation sequences match a brute-force model of the rules") {
  for (unsigned seed = 1; seed <= 40; ++seed) {
    INFO("seed ", seed);
    std::mt19937 rng{seed};
    auto pick = [&](std::size_t n) {
      return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng);
    };
    auto random_path = [&] {
      std::string p;
      std::size_t len = pick(5);
      for (std::size_t i = 0; i < len; ++i)
        p += static_cast<char>("ab\xff"[pick(3)]);
      return p;
    };
    lock_registry reg;
    model m;
    std::vector<std::pair<std::string, bool>> held; // (path, is writer), one entry per lock.
    for (int step = 0; step < 600; ++step) {
      const std::string p = random_path();
      INFO("step ", step, " path size ", p.size());
      switch (pick(6)) {
        case 0:
        case 1: {
          std::uint32_t n = pick(4) == 0 ? UINT32_MAX - 1 : 1;
          auto expected = m.check(mode::read, p, n);
          auto got = reg.try_read(p, n);
          REQUIRE(got == expected);
          if (!got) {
            m.readers[p] += n;
            if (n == 1) {
              held.emplace_back(p, false);
            } else { // Probe the overflow rule, then keep the counts small.
              reg.release_read(p, n);
              if ((m.readers[p] -= n) == 0)
                m.readers.erase(p);
            }
          }
          break;
        }
        case 2:
        case 3: {
          auto expected = m.check(mode::write, p);
          auto got = reg.try_write(p);
          REQUIRE(got == expected);
          if (!got) {
            m.writers.insert(p);
            held.emplace_back(p, true);
          }
          break;
        }
        case 4: {
          if (held.empty())
            break;
          std::size_t i = pick(held.size());
          auto [hp, writer] = held[i];
          held.erase(held.begin() + static_cast<std::ptrdiff_t>(i));
          if (writer) {
            reg.release_write(hp);
            m.writers.erase(hp);
          } else {
            reg.release_read(hp);
            if (--m.readers[hp] == 0)
              m.readers.erase(hp);
          }
          break;
        }
        case 5: {
          for (auto& [hp, writer] : held) {
            if (writer && pick(2) == 0) {
              reg.write_to_read(hp);
              m.writers.erase(hp);
              ++m.readers[hp];
              writer = false;
              break;
            }
          }
          CHECK(reg.check_read(p) == m.check(mode::read, p));
          CHECK(reg.check_write(p) == m.check(mode::write, p));
          break;
        }
      }
      std::size_t expected_locks = m.writers.size();
      for (auto& [k, n] : m.readers)
        expected_locks += n;
      REQUIRE(reg.lock_count() == expected_locks);
    }
    for (auto& [hp, writer] : held) {
      if (writer)
        reg.release_write(hp);
      else
        reg.release_read(hp);
    }
    CHECK(reg.empty());
  }
}
