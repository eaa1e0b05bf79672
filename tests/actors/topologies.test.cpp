// End-to-end tests on CAF's real scheduler: every example topology, compared with a sequential
// computation, and recovery from misbehaving workers with real threads and real timeouts. Each
// case runs its own actor system.
#include "topologies.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <fstream>
#include <future>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include "caf/all.hpp"

#include "pathmap/actors/all.hpp"

#include "exception_reply.hpp"

namespace pt = pathmap::topologies;
using namespace pathmap::actors;
using V = std::uint64_t;

namespace {

/// Whether a sanitizer slows everything down (5-20x).
constexpr bool sanitized =
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  true;
#else
  false;
#endif

/// Smaller inputs under the sanitizers.
std::uint64_t scaled(std::uint64_t n) {
  return sanitized ? n / 8 : n;
}

struct system_fixture {
  struct config : caf::actor_system_config {
    config() { pt::register_types(*this); }
  };
  config cfg;
  caf::actor_system sys{cfg};
};

/// A temporary text file of `n` pseudo-random words (some repeated), removed at the end.
struct word_file {
  std::string name;
  explicit word_file(std::size_t n) {
    char buf[] = "/tmp/pathmap-words-XXXXXX";
    int fd = mkstemp(buf);
    REQUIRE(fd >= 0);
    close(fd);
    name = buf;
    std::mt19937 rng(42);
    std::ofstream out(name);
    for (std::size_t i = 0; i < n; ++i) {
      std::size_t len = 1 + rng() % 9;
      std::string w;
      for (std::size_t k = 0; k < len; ++k)
        w.push_back(static_cast<char>("abcdeAB'xyz"[rng() % 11]));
      out << w << '\n';
    }
  }
  ~word_file() { std::remove(name.c_str()); }
};

void check(const caf::expected<pt::result>& r, caf::actor_system& sys) {
  REQUIRE_MESSAGE(r, sys.render(r.error()));
  CHECK(r->verified);
  CHECK(r->values > 0);
}

} // namespace

TEST_CASE_FIXTURE(system_fixture, "topology copy equals a sequential copy (the seed's shape)") {
  pt::options o;
  o.elements = scaled(65535);
  auto r = pt::run_copy(sys, o);
  check(r, sys);
  CHECK(r->values == o.elements / 4 * 4);
  CHECK(r->workers == 4);
}

TEST_CASE_FIXTURE(system_fixture, "topology copy with a split job and one task in flight") {
  pt::options o;
  o.elements = scaled(100000);
  o.workers = 3;
  o.tasks = 20;
  o.in_flight = 1;
  check(pt::run_copy(sys, o), sys);
}

TEST_CASE_FIXTURE(system_fixture, "topology wordcount equals a sequential word count") {
  word_file words(scaled(40000));
  pt::options o;
  o.file = words.name;
  o.repeat = 3;
  o.workers = 3;
  auto r = pt::run_wordcount(sys, o);
  check(r, sys);
  CHECK(r->values == 3 * scaled(40000));
}

TEST_CASE_FIXTURE(system_fixture, "topology pipeline equals the stages applied sequentially") {
  pt::options o;
  o.elements = scaled(50000);
  o.workers = 3;
  o.tasks = 10;
  auto r = pt::run_pipeline(sys, o);
  check(r, sys);
  CHECK(r->values == o.elements / 10 * 10);
}

TEST_CASE_FIXTURE(system_fixture, "topology query equals a sequential prefix count") {
  word_file words(scaled(30000));
  pt::options o;
  o.file = words.name;
  o.prefix = 2;
  o.workers = 3;
  check(pt::run_query(sys, o), sys);
}

TEST_CASE_FIXTURE(system_fixture, "an unknown topology or a missing file is an error") {
  pt::options o;
  CHECK_FALSE(pt::run(sys, "nope", o));
  o.file = "/nonexistent/words";
  CHECK_FALSE(pt::run_wordcount(sys, o));
}

TEST_CASE_FIXTURE(system_fixture, "an option out of its range is refused, naming the option") {
  // Each case: the topology, an options change, a piece of the expected message.
  struct bad_case {
    const char* topology;
    void (*change)(pt::options&);
    const char* says;
  };
  const bad_case cases[] = {
    {"copy", [](pt::options& o) { o.workers = 0; }, "--workers=0 is out of range"},
    {"copy", [](pt::options& o) { o.workers = 257; }, "takes 1 to 256"},
    {"copy", [](pt::options& o) { o.elements = 3; }, "--elements=3"},
    // 2^28 is the bound (about 32 bytes per element); 2^30 was accepted and needed 32 GB.
    {"copy", [](pt::options& o) { o.elements = (std::uint64_t{1} << 28) + 4; },
     "takes 4 to 268435456"},
    {"copy", [](pt::options& o) { o.in_flight = 0; }, "--in-flight=0"},
    {"copy", [](pt::options& o) { o.tasks = 1u << 21; }, "--tasks="},
    {"copy", [](pt::options& o) { o.timeout = caf::timespan{0}; }, "at most 24h"},
    // 2562047h fits in CAF's nanoseconds but overflows every request's deadline.
    {"copy", [](pt::options& o) { o.timeout = std::chrono::hours(2562047); }, "at most 24h"},
    {"copy", [](pt::options& o) { o.timeout = std::chrono::hours(25); }, "at most 24h"},
    // What a value too large for 64-bit nanoseconds wraps around to while it is parsed.
    {"copy", [](pt::options& o) { o.timeout = caf::timespan{-1}; }, "more than 0"},
    // An option the topology does not read is refused rather than ignored.
    {"query", [](pt::options& o) { o.tasks = 99999; }, "--tasks is not used by query"},
    {"query", [](pt::options& o) { o.elements = 10; }, "--elements is not used by query"},
    {"pipeline", [](pt::options& o) { o.in_flight = 3; }, "--in-flight is not used by pipeline"},
    {"copy", [](pt::options& o) { o.file = "book.txt"; }, "--file is not used by copy"},
    {"copy", [](pt::options& o) { o.prefix = 3; }, "--prefix is not used by copy"},
    {"copy", [](pt::options& o) { o.repeat = 2; }, "--repeat is not used by copy"},
    {"wordcount", [](pt::options& o) { o.elements = 10; }, "--elements is not used by wordcount"},
    {"wordcount", [](pt::options& o) { o.prefix = 3; }, "--prefix is not used by wordcount"},
    {"wordcount", [](pt::options& o) { o.repeat = 0; }, "--repeat=0"},
    {"wordcount", [](pt::options& o) { o.tasks = 300; }, "--tasks=300"},
    {"wordcount", [](pt::options& o) { o.workers = 5000; }, "--workers=5000"},
    {"pipeline", [](pt::options& o) { o.workers = 0; }, "--workers=0"},
    {"pipeline", [](pt::options& o) { o.elements = 10; }, "pipeline with 16 batches"},
    {"pipeline",
     [](pt::options& o) {
       o.tasks = 300;
       o.elements = 100;
     },
     "--tasks=300"},
    {"query", [](pt::options& o) { o.prefix = 0; }, "--prefix"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.topology);
    CAPTURE(c.says);
    pt::options o;
    c.change(o);
    CHECK(pt::validate(c.topology, o));
    auto r = pt::run(sys, c.topology, o);
    REQUIRE_FALSE(r);
    CHECK(sys.render(r.error()).find(c.says) != std::string::npos);
  }
  // The defaults and the edges of each range are accepted.
  pt::options o;
  for (const char* t : {"copy", "wordcount", "pipeline", "query"})
    CHECK_FALSE(pt::validate(t, o));
  o.workers = 256;
  o.elements = 256;
  CHECK_FALSE(pt::validate("copy", o));
  o.workers = 4096;
  o.tasks = 256;
  o.elements = pt::options{}.elements; // wordcount does not read it
  CHECK_FALSE(pt::validate("wordcount", o));
  pt::options edges;
  edges.timeout = pt::max_timeout;
  edges.elements = pt::max_elements;
  CHECK_FALSE(pt::validate("copy", edges));
  edges.timeout = caf::timespan{1};
  CHECK_FALSE(pt::validate("pipeline", edges));
  // Every topology reads --in-flight except pipeline: query bounds its queries out by it.
  pt::options many;
  many.in_flight = 7;
  for (const char* t : {"copy", "wordcount", "query"})
    CHECK_FALSE(pt::validate(t, many));
}

TEST_CASE_FIXTURE(system_fixture, "wordcount refuses more chunks than lines instead of running "
                                  "fewer") {
  word_file words(8);
  pt::options o;
  o.file = words.name;
  o.repeat = 1;
  o.tasks = 200;
  auto r = pt::run_wordcount(sys, o);
  REQUIRE_FALSE(r);
  CHECK(sys.render(r.error()).find("--tasks=200 is out of range: wordcount over 8 lines")
        != std::string::npos);
  // One chunk per line is the most, and the summary reports the chunks used.
  o.tasks = 8;
  auto ok = pt::run_wordcount(sys, o);
  check(ok, sys);
  auto chunks = std::find_if(ok->details.begin(), ok->details.end(),
                             [](auto& d) { return d.first == "chunks"; });
  REQUIRE(chunks != ok->details.end());
  CHECK(chunks->second == 8);
}

TEST_CASE_FIXTURE(system_fixture, "a directory given as the text file is named as a directory") {
  pt::options o;
  o.file = "/tmp";
  auto r = pt::run_wordcount(sys, o);
  REQUIRE_FALSE(r);
  CHECK(sys.render(r.error()).find("'/tmp' is a directory") != std::string::npos);
  CHECK_FALSE(pt::read_lines("/tmp"));
}

TEST_CASE("the progress text names the phase: setting up, units done, verifying") {
  pt::progress p;
  CHECK(pt::progress_text(p) == "setting up");
  p.unit = "batches";
  p.total = 16;
  p.done = 3;
  p.stage = pt::phase::working;
  CHECK(pt::progress_text(p) == "3/16 batches");
  p.stage = pt::phase::verifying;
  CHECK(pt::progress_text(p) == "verifying");
}

TEST_CASE_FIXTURE(system_fixture, "every topology moves its progress from setting up through the "
                                  "work to verifying") {
  word_file words(scaled(2000));
  for (const char* t : {"copy", "wordcount", "pipeline", "query"}) {
    CAPTURE(t);
    for (bool verify : {true, false}) {
      pt::progress live;
      std::string name = t;
      pt::options o;
      if (name == "copy" || name == "pipeline")
        o.elements = 4096;
      else
        o.file = words.name;
      if (name == "wordcount")
        o.repeat = 1;
      o.verify = verify;
      o.live = &live;
      auto r = pt::run(sys, t, o);
      REQUIRE_MESSAGE(r, sys.render(r.error()));
      // Without a check the run ends in the work phase, with every unit of it done.
      CHECK(live.stage.load() == (verify ? pt::phase::verifying : pt::phase::working));
      CHECK(live.total.load() > 0);
      CHECK(live.done.load() == live.total.load());
    }
  }
}

// -- failures on the real scheduler -------------------------------------------------------------

namespace {

struct flaky_state {
  std::vector<caf::typed_response_promise<task_done>> held;
  static inline const char* name = "flaky_worker";
};

enum class flaw { throws_first, hangs_first, errors_often };

/// A worker with a flaw; otherwise the standard worker.
worker_actor<V>::behavior_type
flaky(tsan_visible<worker_actor<V>::stateful_base<flaky_state>>* self, flaw f,
      std::shared_ptr<std::atomic<int>> seen) {
  self->set_exception_handler(exception_reply);
  return {
    [=](task<V>& t) -> caf::result<task_done> {
      int n = (*seen)++;
      if (f == flaw::throws_first && n == 0)
        throw std::runtime_error("flaky worker throws");
      if (f == flaw::hangs_first && n == 0) {
        auto rp = self->make_response_promise<task_done>();
        self->state.held.push_back(rp);
        return rp;
      }
      if (f == flaw::errors_often && n % 3 == 0)
        return caf::make_error(error_code::operation_failed, "flaky worker error");
      auto done = run_task(t);
      if (!done)
        return std::move(done.error());
      return *done;
    },
  };
}

} // namespace

TEST_CASE_FIXTURE(system_fixture, "with throwing, hanging and erring workers among good ones the "
                                  "copy still equals a sequential copy") {
  auto input = pt::seed_input(scaled(64000), 8);
  std::vector<worker_actor<V>> ws;
  std::vector<caf::actor> all;
  for (auto f : {flaw::throws_first, flaw::hangs_first, flaw::errors_often}) {
    ws.push_back(sys.spawn(flaky, f, std::make_shared<std::atomic<int>>(0)));
    all.push_back(caf::actor_cast<caf::actor>(ws.back()));
  }
  for (int i = 0; i < 2; ++i)
    ws.push_back(spawn_worker(sys));
  coordinator_config cc;
  cc.max_in_flight = 2;
  auto c = spawn_coordinator<V>(sys, input, ws, cc);
  job_options o;
  // Long enough for a healthy worker under a sanitizer, short enough to make the hang cheap.
  o.task_timeout = std::chrono::milliseconds(sanitized ? 3000 : 500);
  o.max_retries = 4;
  auto j = job<V>::split(copy_values<V>(), {'i', 'n'}, {'o', 'u', 't'}, 32, o);
  // ask() rather than a scoped_actor: its hand-over to this thread is visible to TSan.
  auto rep = ask<job_report>(sys, c, std::chrono::seconds(60), std::move(j));
  REQUIRE_MESSAGE(rep, sys.render(rep.error()));
  CHECK(rep->values == input.val_count());
  pathmap::path_map<V> expected = input;
  {
    auto src = input.read_zipper_at_path("in");
    auto dst = expected.write_zipper_at_path("out");
    while (const V* v = src.to_next_get_val()) {
      dst.descend_to(src.path());
      dst.set_val(*v);
      dst.reset();
    }
  }
  auto snap = ask<map_snapshot<V>>(sys, c, std::chrono::seconds(60), snapshot_atom::value);
  REQUIRE(snap);
  CHECK(pt::same_values(snap->map, expected));
  auto st = ask<coordinator_stats>(sys, c, std::chrono::seconds(60), stats_atom::value);
  REQUIRE(st);
  CHECK(st->workers_lost >= 1);
  for (auto& a : all)
    caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
  for (auto& w : ws)
    caf::anon_send_exit(w, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(c, caf::exit_reason::user_shutdown);
}

TEST_CASE_FIXTURE(system_fixture, "a coordinator that terminates answers the jobs it still runs "
                                  "with an error") {
  auto input = pt::seed_input(1000, 2);
  auto hang = std::make_shared<std::atomic<int>>(0);
  auto w = sys.spawn(flaky, flaw::hangs_first, hang);
  auto c = spawn_coordinator<V>(sys, input, {w});
  std::vector<task_spec> ts{{{'i', 'n', 0}, {'o', 'u', 't', 0}}};
  auto rep = std::async(std::launch::async, [&] {
    return ask<job_report>(sys, c, std::chrono::seconds(30),
                           job<V>::explicit_tasks(copy_values<V>(), ts));
  });
  // Let the job reach the hanging worker, then stop the coordinator.
  while (hang->load() == 0)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  caf::anon_send_exit(c, caf::exit_reason::user_shutdown);
  auto got = rep.get();
  REQUIRE_FALSE(got);
  CHECK(got.error() == caf::sec::request_receiver_down);
  caf::anon_send_exit(w, caf::exit_reason::user_shutdown);
}

// -- the runner pathmap-topology, end to end ----------------------------------------------------

#ifdef PATHMAP_TOPOLOGY_EXE

namespace {

/// What a run of the runner left: its exit code (-signal if a signal ended it), stdout, stderr.
struct runner_output {
  int status = 0;
  std::string out;
  std::string err;
};

/// Everything written to the anonymous temporary file `f` (std::tmpfile: no name to clean up).
std::string slurp(std::FILE* f) {
  std::string text;
  std::rewind(f);
  char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;)
    text.append(buf, n);
  return text;
}

/// Runs pathmap-topology with `args`, stdout and stderr into files (stderr is no terminal, so
/// no progress line), and kills it after `limit` (then status is -SIGKILL): a stalled runner
/// fails the test instead of hanging it.
runner_output run_runner(std::vector<std::string> args,
                         std::chrono::seconds limit = std::chrono::seconds(120)) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> out_file{std::tmpfile(), &std::fclose};
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> err_file{std::tmpfile(), &std::fclose};
  REQUIRE(out_file != nullptr);
  REQUIRE(err_file != nullptr);
  int out_fd = fileno(out_file.get());
  int err_fd = fileno(err_file.get());
  args.insert(args.begin(), PATHMAP_TOPOLOGY_EXE);
  std::vector<char*> argv;
  for (auto& a : args)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out_fd, STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err_fd, STDERR_FILENO);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  REQUIRE_MESSAGE(rc == 0, "cannot start " PATHMAP_TOPOLOGY_EXE);
  int wstatus = 0;
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (waitpid(pid, &wstatus, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &wstatus, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  runner_output res;
  res.status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -WTERMSIG(wstatus);
  res.out = slurp(out_file.get());
  res.err = slurp(err_file.get());
  return res;
}

bool contains(const std::string& text, const std::string& piece) {
  return text.find(piece) != std::string::npos;
}

/// The last non-empty line of `text`.
std::string last_line(const std::string& text) {
  auto end = text.find_last_not_of('\n');
  if (end == std::string::npos)
    return {};
  auto begin = text.rfind('\n', end);
  return text.substr(begin == std::string::npos ? 0 : begin + 1,
                     end + 1 - (begin == std::string::npos ? 0 : begin + 1));
}

} // namespace

TEST_CASE("pathmap-topology refuses a bad command line with exit 1 and says what to write") {
  // Each case: the arguments, a piece of the message on stderr.
  struct bad_case {
    std::vector<std::string> args;
    const char* says;
  };
  const bad_case cases[] = {
    {{"copy", "--bogus=1"}, "unknown option '--bogus=1'"},
    {{"copy", "--workers=abc"}, "--workers=abc is not a whole number"},
    {{"copy", "--workers=0"}, "--workers=0 is out of range"},
    {{"copy", "--workers=99999999999"}, "is too large"},
    {{"copy", "--workers", "2"}, "options take the form --workers=2"},
    {{"copy", "--json=1"}, "--json is a flag and takes no value"},
    {{"--json", "copy"}, "the topology name comes first: pathmap-topology copy"},
    {{"copy", "stray"}, "unexpected argument 'stray'"},
    {{"nope"}, "unknown topology 'nope'"},
    {{"copy", "--timeout=5"}, "--timeout needs a unit"},
    {{"copy", "--timeout=1.5s"}, "is not a whole number and a unit"},
    {{"copy", "--timeout=" + std::string(40, '9') + "s"}, "at most 24h"},
    // Too large for 64-bit nanoseconds: CAF's parser wraps it around (it was "must be positive").
    {{"copy", "--timeout=9999999h"}, "at most 24h"},
    // Fits, but every request failed at once with request_timeout.
    {{"copy", "--timeout=2562047h"}, "at most 24h"},
    {{"wordcount", "--file=/tmp"}, "'/tmp' is a directory"},
    {{"query", "--tasks=99999"}, "--tasks is not used by query"},
    {{"copy", "--elements=1073741824"}, "takes 4 to 268435456"},
    // CAF's scheduler divides by zero (SIGFPE) with no thread, and stalls with thousands.
    {{"copy", "--scheduler.max-threads=0"}, "--scheduler.max-threads=0 is out of range"},
    {{"pipeline", "--scheduler.max-threads=5000"}, "--scheduler.max-threads=5000 is out of range"},
    {{"query", "--work-stealing.moderate-steal-interval=0"}, "moderate-steal-interval=0"},
    {{"copy", "--scheduler.max-throughput=0"}, "--scheduler.max-throughput=0"},
  };
  for (const auto& c : cases) {
    std::string line;
    for (auto& a : c.args)
      line += a + " ";
    CAPTURE(line);
    auto r = run_runner(c.args, std::chrono::seconds(30));
    CAPTURE(r.err);
    CHECK(r.status == 1);
    CHECK(contains(r.err, c.says));
    // A refusal prints no summary.
    CHECK(r.out.empty());
  }
}

TEST_CASE("pathmap-topology --help exits 0 and lists the options with their ranges") {
  for (const char* help : {"--help", "-h"}) {
    auto r = run_runner({"copy", help});
    CHECK(r.status == 0);
    auto all = r.out + r.err;
    CHECK(contains(all, "Usage: pathmap-topology <topology> [options]"));
    CHECK(contains(all, "--workers"));
    CHECK(contains(all, "at most 24h"));
    CHECK(contains(all, "at most 2^28"));
  }
}

TEST_CASE("pathmap-topology runs every topology small and ends --json with the summary object") {
  word_file words(2000);
  const std::vector<std::vector<std::string>> runs = {
    {"copy", "--elements=4096", "--workers=2", "--json"},
    {"copy", "--elements=4096", "--tasks=8", "--json"},
    {"wordcount", "--file=" + words.name, "--repeat=2", "--json"},
    {"pipeline", "--elements=4096", "--workers=3", "--tasks=8", "--json"},
    {"query", "--file=" + words.name, "--prefix=1", "--in-flight=1", "--json"},
    {"query", "--file=" + words.name, "--prefix=3", "--json"},
  };
  for (const auto& args : runs) {
    CAPTURE(args[0]);
    CAPTURE(args[1]);
    auto r = run_runner(args);
    CAPTURE(r.err);
    REQUIRE(r.status == 0);
    CHECK(contains(r.out, "verified         yes"));
    auto json = last_line(r.out);
    CAPTURE(json);
    REQUIRE(json.size() > 2);
    CHECK(json.front() == '{');
    CHECK(json.back() == '}');
    CHECK(contains(json, "\"topology\":\"" + args[0] + "\""));
    for (const char* key : {"\"values\":", "\"workers\":", "\"seconds\":", "\"values_per_second\":",
                            "\"allocator\":\"", "\"verified\":true"})
      CHECK(contains(json, key));
  }
  // Without --json the last line is the summary's, not an object.
  auto plain = run_runner({"copy", "--elements=4096"});
  CHECK(plain.status == 0);
  CHECK(last_line(plain.out).front() != '{');
}

#endif // PATHMAP_TOPOLOGY_EXE
