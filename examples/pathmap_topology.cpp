// pathmap-topology: runs one of the actor runtime's example topologies (examples/topologies/)
// and prints a summary.
//
//   pathmap-topology <copy|wordcount|pipeline|query> [options]
//   pathmap-topology copy --elements=1048576 --workers=2 --json
//
// Options use CAF's syntax and parser (--help lists them; --dump-config, caf-application.ini
// and the scheduler options such as --scheduler.max-threads=N come with CAF). While it runs on
// a terminal it shows a progress line on stderr; the summary goes to stdout, and with --json
// the summary is one JSON object on the last line: topology, values, workers, seconds (the work
// itself, without set-up), values_per_second, allocator, verified, plus the topology's own
// numbers. Exit status: 0 on success (and after --help), 1 on a usage error, a failed run or a
// failed check. Usage errors are refused before the actor system starts.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <unistd.h>

#include "caf/all.hpp"

#include "pathmap/allocator.hpp"

#include "topologies.hpp"

namespace {

namespace pt = pathmap::topologies;

struct config : caf::actor_system_config {
  pt::options opts;
  bool json = false;
  bool no_verify = false; // CAF 0.17 flags take no value, so the default-on check is negated

  config() {
    pt::register_types(*this);
    opt_group{custom_options_, "global"}
      .add(opts.workers, "workers,w",
           "workers; pipeline: stage actors; query: searchers (default 4; copy: 1 to 256, "
           "others: 1 to 4096)")
      .add(opts.elements, "elements,e",
           "copy, pipeline: input values, at least one per worker or batch, at most 2^28 "
           "(about 32 bytes each: 2^28 needs 8 GB) (default 65535)")
      .add(opts.tasks, "tasks,t",
           "copy: 0 = one task per worker (the seed), N = split into ~N tasks (at most 2^20); "
           "wordcount: chunks (0 = 4 per worker; at most 256 and one per line); pipeline: "
           "batches (0 = 4 per stage, at most 256)")
      .add(opts.in_flight, "in-flight",
           "copy, wordcount: tasks in flight per worker; query: queries in flight per "
           "searcher (default 2, at most 1024)")
      .add(opts.file, "file,f", "wordcount, query: text file (default /usr/share/dict/words)")
      .add(opts.repeat, "repeat",
           "wordcount: read the file this many times (default 8, at most 65536)")
      .add(opts.prefix, "prefix", "query: prefix length in bytes (default 2)")
      .add(no_verify, "no-verify", "skip the check against a sequential computation")
      .add(opts.timeout, "timeout",
           "request and task timeout, with a unit: more than 0, at most 24h (default 300s)")
      .add(json, "json", "print the summary as one JSON object on the last line");
  }
};

void usage(std::ostream& out) {
  out << "Usage: pathmap-topology <topology> [options]\n\n"
         "Topologies:\n"
         "  copy       the seed: copy in/<n> to out/<n>, one task per worker\n"
         "  wordcount  map-reduce word count over --file (repeated --repeat times)\n"
         "  pipeline   a write lease handed along a chain of --workers stage actors\n"
         "  query      scatter-gather prefix search over read leases\n\n"
         "Options use CAF's syntax (--elements=N) and come after the topology; --help lists\n"
         "them. An option a topology does not use is refused, as is a number out of its range.\n"
         "CAF's --scheduler.max-threads takes 1 to 256.\n\n";
}

std::string json_string(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\u%04x", static_cast<unsigned>(c));
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

void print_summary(const pt::result& r, bool checked, bool json) {
  double rate = r.seconds > 0 ? static_cast<double>(r.values) / r.seconds : 0;
  std::string allocator{pathmap::allocator_name()};
  std::printf("%s: %llu values, %u workers, %.6f s, %.0f values/s\n", r.topology.c_str(),
              static_cast<unsigned long long>(r.values), r.workers, r.seconds, rate);
  for (auto& [name, value] : r.details)
    std::printf("  %-16s %llu\n", name.c_str(), static_cast<unsigned long long>(value));
  std::printf("  %-16s %s\n", "allocator", allocator.c_str());
  std::printf("  %-16s %s\n", "verified",
              r.verified ? "yes (equals a sequential computation)"
                         : (checked ? "NO: the result differs from a sequential computation"
                                    : "no (--no-verify)"));
  if (json) {
    std::ostringstream o;
    o.precision(9);
    o << "{\"topology\":" << json_string(r.topology) << ",\"values\":" << r.values
      << ",\"workers\":" << r.workers << ",\"seconds\":" << r.seconds
      << ",\"values_per_second\":" << rate << ",\"allocator\":" << json_string(allocator)
      << ",\"verified\":" << (r.verified ? "true" : "false");
    for (auto& [name, value] : r.details)
      o << "," << json_string(name) << ":" << value;
    o << "}";
    std::printf("%s\n", o.str().c_str());
  }
  std::fflush(stdout);
}

/// Shows `[topology] <phase>  seconds` on stderr every 100 ms while the topology runs: "setting
/// up", then "3/16 tasks" (or batches, queries), then "verifying" (`pt::progress_text`).
class progress_line {
public:
  progress_line(std::string name, pt::progress& p) : name_(std::move(name)), p_(p) {
    thread_ = std::thread([this] {
      auto t0 = std::chrono::steady_clock::now();
      while (!stop_.load()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        // \033[K clears what a longer earlier text ("setting up") left on the line.
        std::fprintf(stderr, "\r[%s] %s  %.1f s\033[K", name_.c_str(),
                     pt::progress_text(p_).c_str(), s);
        std::fflush(stderr);
      }
      std::fprintf(stderr, "\r\033[K");
      std::fflush(stderr);
    });
  }
  ~progress_line() {
    stop_ = true;
    thread_.join();
  }

private:
  std::string name_;
  pt::progress& p_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

/// The text of `err` for a user: the message alone when it carries one (the topologies' option
/// errors do), else CAF's rendering.
std::string describe(const caf::error& err, caf::actor_system* sys) {
  const auto& ctx = err.context();
  if (ctx.match_elements<std::string>())
    return ctx.get_as<std::string>(0);
  return sys != nullptr ? sys->render(err) : caf::to_string(err);
}

/// The text of an error of CAF's option parser, for the mistakes `check_arguments` leaves to
/// it (CAF's own options, unknown options, numbers too large for their type). CAF puts the
/// argument into the error's context as a settings object `{argument = "..."}`.
std::string describe_parse_error(const caf::error& err) {
  std::string arg;
  const auto& ctx = err.context();
  if (ctx.match_elements<caf::settings>())
    arg = caf::get_or(ctx.get_as<caf::settings>(0), "argument", "");
  if (err.category() != caf::atom("parser") || arg.empty())
    return caf::to_string(err) + " (--help lists the options; they take the form --workers=2)";
  switch (static_cast<caf::pec>(err.code())) {
    case caf::pec::not_an_option:
      return "unknown option '" + arg + "' (--help lists the options)";
    case caf::pec::integer_overflow:
    case caf::pec::timespan_overflow:
      return "'" + arg + "' is too large (--help gives each option's range)";
    case caf::pec::missing_argument:
      return "'" + arg + "' needs a value: options take the form --name=value";
    default:
      return "cannot read '" + arg + "' (" + caf::to_string(static_cast<caf::pec>(err.code()))
             + "; --help lists the options and their values)";
  }
}

/// How a runner option's value is written, for the checks `check_arguments` makes before CAF
/// parses the options (CAF's own errors name a parser state, not what to write).
enum class kind { number, text, duration, flag };

/// The runner's own long options and their kinds (CAF's options are left to CAF).
std::optional<kind> kind_of(std::string_view name) {
  static constexpr std::pair<std::string_view, kind> known[] = {
    {"workers", kind::number},   {"elements", kind::number},  {"tasks", kind::number},
    {"in-flight", kind::number}, {"repeat", kind::number},    {"prefix", kind::number},
    {"file", kind::text},        {"timeout", kind::duration}, {"no-verify", kind::flag},
    {"json", kind::flag},
  };
  for (auto& [n, k] : known)
    if (n == name)
      return k;
  return std::nullopt;
}

bool is_topology(std::string_view a) {
  auto known = pt::names();
  return std::find(known.begin(), known.end(), a) != known.end();
}

/// Checks a --timeout value's text: a whole number and a unit, at most `pt::max_timeout`. CAF
/// reads a number without a unit as a parse error at the end of input, and multiplies a large
/// one by its unit without an overflow check, so 9999999h would arrive wrapped around.
std::optional<std::string> check_timeout(std::string_view value) {
  std::size_t digits = 0;
  while (digits < value.size() && value[digits] >= '0' && value[digits] <= '9')
    ++digits;
  const std::string hint = "e.g. --timeout=300s (units: ns, us, ms, s, min, h)";
  if (digits == 0)
    return "--timeout=" + std::string(value) + " is not a whole number and a unit: " + hint;
  std::string_view unit = value.substr(digits);
  // Nanoseconds per unit.
  static constexpr std::pair<std::string_view, long double> units[] = {
    {"ns", 1}, {"us", 1e3}, {"ms", 1e6}, {"s", 1e9}, {"min", 60e9}, {"h", 3600e9},
  };
  if (unit.empty())
    return "--timeout needs a unit: " + hint;
  // More digits than 24h in nanoseconds has are out of range (and std::stold would throw).
  if (digits > 20)
    return "--timeout=" + std::string(value)
           + " is out of range: it takes more than 0 and at most 24h, " + hint;
  for (auto& [u, ns] : units) {
    if (u != unit)
      continue;
    long double n = std::stold(std::string(value.substr(0, digits))) * ns;
    if (n <= 0 || n > static_cast<long double>(pt::max_timeout.count()))
      return "--timeout=" + std::string(value)
             + " is out of range: it takes more than 0 and at most 24h, " + hint;
    return std::nullopt;
  }
  return "--timeout=" + std::string(value) + " is not a whole number and a unit: " + hint;
}

/// Checks the arguments after the topology before CAF parses them, for the mistakes whose CAF
/// error would not say what to write: a value option without `=value`, a flag with a value, a
/// number that is not one, a --timeout without a unit or too large, the topology's name after
/// an option. Returns the message for the first problem, if any.
std::optional<std::string> check_arguments(const std::vector<char*>& args) {
  for (std::size_t i = 1; i < args.size(); ++i) {
    std::string_view a{args[i]};
    if (a.size() > 2 && a.substr(0, 2) == "--") {
      auto eq = a.find('=');
      std::string_view name = a.substr(2, eq == std::string_view::npos ? a.npos : eq - 2);
      auto k = kind_of(name);
      if (!k)
        continue; // one of CAF's options (or an unknown one, which CAF reports)
      std::string opt = "--" + std::string(name);
      if (*k == kind::flag) {
        if (eq != std::string_view::npos)
          return opt + " is a flag and takes no value: write " + opt;
        continue;
      }
      if (eq == std::string_view::npos) {
        const char* example = *k == kind::text ? "=book.txt" : *k == kind::duration ? "=60s" : "=2";
        return opt + " needs a value: options take the form " + opt + example;
      }
      std::string_view value = a.substr(eq + 1);
      if (*k == kind::duration) {
        if (auto err = check_timeout(value))
          return err;
      } else if (*k == kind::number) {
        bool digits = !value.empty() && std::all_of(value.begin(), value.end(), [](char c) {
          return c >= '0' && c <= '9';
        });
        if (!digits)
          return std::string(a) + " is not a whole number: write e.g. " + opt + "=2";
      }
    } else if (a.size() == 2 && a[0] == '-' && a[1] != '-') {
      ++i; // a short option (-w 2) takes the next argument as its value
    } else if (is_topology(a)) {
      return "the topology name comes first: pathmap-topology " + std::string(a) + " [options]";
    }
  }
  return std::nullopt;
}

/// Checks CAF's scheduler options (from the command line or caf-application.ini) that crash or
/// stall CAF 0.17's work-stealing scheduler instead of being refused by it: zero threads or a
/// zero steal interval divide by zero inside it (SIGFPE), a throughput of zero never runs an
/// actor, and thousands of threads stall the run (each is polled and stolen from). 256 is the
/// most workers any topology's part of the map is indexed by, far above the cores of any
/// machine this runs on.
std::optional<std::string> check_scheduler(const config& cfg) {
  constexpr std::size_t max_threads = 256;
  auto threads = caf::get_or(cfg, "scheduler.max-threads", caf::defaults::scheduler::max_threads);
  if (threads < 1 || threads > max_threads)
    return "--scheduler.max-threads=" + std::to_string(threads) + " is out of range: it takes 1 to "
           + std::to_string(max_threads) + " (0 crashes CAF's scheduler, thousands stall it)";
  auto throughput = caf::get_or(cfg, "scheduler.max-throughput",
                                caf::defaults::scheduler::max_throughput);
  if (throughput < 1)
    return std::string("--scheduler.max-throughput=0 is out of range: it takes at least 1 (0 "
                       "never lets an actor handle a message)");
  for (const char* key :
       {"work-stealing.aggressive-steal-interval", "work-stealing.moderate-steal-interval",
        "work-stealing.relaxed-steal-interval"}) {
    if (caf::get_or(cfg, key, std::size_t{1}) < 1)
      return "--" + std::string(key) + "=0 is out of range: it takes at least 1 (0 divides by "
             + "zero inside CAF's scheduler)";
  }
  return std::nullopt;
}

} // namespace

int main(int argc, char** argv) {
  // The topology comes first; CAF's parser stops at the first positional argument, so it is
  // taken out before the options are parsed.
  std::string topology;
  std::vector<char*> args{argv[0]};
  bool help = false;
  for (int i = 1; i < argc; ++i) {
    std::string_view a{argv[i]};
    if (i == 1 && !a.empty() && a[0] != '-')
      topology = a;
    else
      args.push_back(argv[i]);
    if (a == "-h" || a == "-?" || a == "--help" || a == "--long-help")
      help = true;
  }
  if (help)
    usage(std::cerr);
  // Usage errors exit with 1, like a failed run (see the file's head comment).
  auto refuse = [](const std::string& why) {
    std::cerr << "pathmap-topology: " << why << "\n";
    return 1;
  };
  if (!help) {
    if (auto why = check_arguments(args))
      return refuse(*why);
  }
  config cfg;
  if (auto err = cfg.parse(static_cast<int>(args.size()), args.data()))
    return refuse(describe_parse_error(err));
  if (cfg.cli_helptext_printed)
    return 0;
  if (!cfg.remainder.empty()) {
    std::cerr << "pathmap-topology: unexpected argument '" << cfg.remainder.front() << "'\n";
    usage(std::cerr);
    return 1;
  }
  if (topology.empty()) {
    usage(std::cerr);
    return 1;
  }
  if (!is_topology(topology)) {
    std::cerr << "pathmap-topology: unknown topology '" << topology << "'\n";
    usage(std::cerr);
    return 1;
  }
  pt::options opts = cfg.opts;
  opts.verify = !cfg.no_verify;
  // Refused before the actor system starts: its scheduler would crash or stall on these, and
  // a bad topology option should not cost a start-up.
  if (auto why = check_scheduler(cfg))
    return refuse(*why);
  if (auto err = pt::validate(topology, opts)) {
    std::cerr << "pathmap-topology " << topology << ": " << describe(err, nullptr) << "\n";
    return 1;
  }
  caf::actor_system sys{cfg};
  pt::progress live;
  caf::expected<pt::result> res = caf::sec::invalid_argument;
  {
    std::unique_ptr<progress_line> line;
    if (isatty(STDERR_FILENO) != 0) {
      opts.live = &live;
      line = std::make_unique<progress_line>(topology, live);
    }
    res = pt::run(sys, topology, opts);
  }
  if (!res) {
    std::cerr << "pathmap-topology " << topology << ": " << describe(res.error(), &sys) << "\n";
    return 1;
  }
  print_summary(*res, opts.verify, cfg.json);
  return opts.verify && !res->verified ? 1 : 0;
}
