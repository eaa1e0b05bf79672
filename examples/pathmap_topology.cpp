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
// numbers. Exit status: 0 on success, 1 on a usage error, a failed run or a failed check.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
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
           "copy, pipeline: input values, at least one per worker or batch (default 65535)")
      .add(opts.tasks, "tasks,t",
           "copy: 0 = one task per worker (the seed), N = split into ~N tasks; wordcount: "
           "chunks (0 = 4 per worker, at most 256); pipeline: batches (0 = 4 per stage, at "
           "most 256)")
      .add(opts.in_flight, "in-flight", "tasks in flight per worker (default 2, at most 1024)")
      .add(opts.file, "file,f", "wordcount, query: text file (default /usr/share/dict/words)")
      .add(opts.repeat, "repeat", "wordcount: read the file this many times (default 8)")
      .add(opts.prefix, "prefix", "query: prefix length in bytes (default 2)")
      .add(no_verify, "no-verify", "skip the check against a sequential computation")
      .add(opts.timeout, "timeout", "request and task timeout (default 300s)")
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
         "Options use CAF's syntax (--elements=N); --help lists them.\n\n";
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

/// Shows `[topology] done/total  seconds` on stderr every 100 ms while the work runs.
class progress_line {
public:
  progress_line(std::string name, pt::progress& p) : name_(std::move(name)), p_(p) {
    thread_ = std::thread([this] {
      auto t0 = std::chrono::steady_clock::now();
      while (!stop_.load()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        std::fprintf(stderr, "\r[%s] %llu/%llu done  %.1f s ", name_.c_str(),
                     static_cast<unsigned long long>(p_.done.load()),
                     static_cast<unsigned long long>(p_.total.load()), s);
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

} // namespace

int main(int argc, char** argv) {
  // The topology comes first; CAF's parser stops at the first positional argument, so it is
  // taken out before the options are parsed.
  std::string topology;
  std::vector<char*> args{argv[0]};
  for (int i = 1; i < argc; ++i) {
    std::string_view a{argv[i]};
    if (i == 1 && !a.empty() && a[0] != '-')
      topology = a;
    else
      args.push_back(argv[i]);
    if (a == "-h" || a == "-?" || a == "--help" || a == "--long-help")
      usage(std::cerr);
  }
  config cfg;
  if (auto err = cfg.parse(static_cast<int>(args.size()), args.data())) {
    std::cerr << "pathmap-topology: " << caf::to_string(err) << "\n";
    return 1;
  }
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
  auto known = pt::names();
  if (std::find(known.begin(), known.end(), topology) == known.end()) {
    std::cerr << "pathmap-topology: unknown topology '" << topology << "'\n";
    usage(std::cerr);
    return 1;
  }
  caf::actor_system sys{cfg};
  pt::progress live;
  pt::options opts = cfg.opts;
  opts.verify = !cfg.no_verify;
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
    std::cerr << "pathmap-topology " << topology << ": " << sys.render(res.error()) << "\n";
    return 1;
  }
  print_summary(*res, opts.verify, cfg.json);
  return opts.verify && !res->verified ? 1 : 0;
}
