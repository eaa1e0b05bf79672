// parallel_copy_threads: the seed's parallel example ("Multi-threading Patterns"), ported line
// for line to std::thread and a small blocking channel.
//
// It fills a path_map with `elements` values under "in" (8-byte big-endian keys, one branch
// per thread), then hands each worker thread a tracked reader at "in"+[n] and a tracked writer at
// "out"+[n] through a channel. The workers copy every value, drop their zippers and signal the
// main thread. The program then checks every copied value against the sequential expectation,
// and prints the copy time (the copy phase only: handing out zippers, copying, waiting for the
// workers) and the allocator.
//
//   parallel_copy_threads [--elements=N] [--threads=N] [--json] [--help]
//
// Exit status: 0 when every value was copied correctly, 1 when verification failed, 2 for a
// usage error.
#include "pathmap/allocator.hpp"
#include "pathmap/path_map.hpp"

#include "channel.hpp"

#include <array>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

namespace {

using pathmap_examples::channel;

// -- options --------------------------------------------------------------------------------------

struct options {
  std::size_t elements = 65535;
  std::size_t threads = 4;
  bool json = false;
};

constexpr std::size_t max_elements = std::size_t{1} << 30;
constexpr std::size_t max_threads = 256; // one key byte per thread

void usage(std::FILE* out) {
  std::fprintf(out,
               "usage: parallel_copy_threads [--elements=N] [--threads=N] [--json] [--help]\n"
               "\n"
               "Copies every value under \"in\" to \"out\" with N worker threads, each holding a\n"
               "tracked reader and a tracked writer from one zipper head (the seed's example).\n"
               "\n"
               "  --elements=N  values to create under \"in\" (default 65535, 1..%zu); each thread\n"
               "                copies N / threads of them, as in the seed\n"
               "  --threads=N   worker threads (default 4, 1..%zu)\n"
               "  --json        also print one JSON object as the last line\n"
               "  --help        this text\n",
               max_elements, max_threads);
}

/// Parses a decimal count in [lo, hi]; nullopt for anything else.
std::optional<std::size_t> parse_count(std::string_view s, std::size_t lo, std::size_t hi) {
  std::size_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc{} || end != s.data() + s.size() || v < lo || v > hi)
    return std::nullopt;
  return v;
}

/// The options, or the exit status for --help (0) and usage errors (2).
std::pair<std::optional<options>, int> parse(int argc, char** argv) {
  options o;
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    auto value_of = [&](std::string_view name) -> std::optional<std::string_view> {
      if (a.size() > name.size() && a.substr(0, name.size()) == name && a[name.size()] == '=')
        return a.substr(name.size() + 1);
      return std::nullopt;
    };
    if (a == "--help" || a == "-h") {
      usage(stdout);
      return {std::nullopt, 0};
    }
    if (a == "--json") {
      o.json = true;
    } else if (auto v = value_of("--elements")) {
      auto n = parse_count(*v, 1, max_elements);
      if (!n) {
        std::fprintf(stderr,
                     "parallel_copy_threads: bad value for --elements: '%.*s' (expected an "
                     "integer from 1 to %zu)\n",
                     int(v->size()), v->data(), max_elements);
        return {std::nullopt, 2};
      }
      o.elements = *n;
    } else if (auto v2 = value_of("--threads")) {
      auto n = parse_count(*v2, 1, max_threads);
      if (!n) {
        std::fprintf(stderr,
                     "parallel_copy_threads: bad value for --threads: '%.*s' (expected an "
                     "integer from 1 to %zu)\n",
                     int(v2->size()), v2->data(), max_threads);
        return {std::nullopt, 2};
      }
      o.threads = *n;
    } else {
      std::fprintf(stderr, "parallel_copy_threads: unknown option '%s' (try --help)\n", argv[i]);
      return {std::nullopt, 2};
    }
  }
  return {o, 0};
}

/// The 8-byte big-endian encoding of `i` (Rust's `i.to_be_bytes()` for a 64-bit usize).
std::array<std::uint8_t, 8> to_be_bytes(std::uint64_t i) {
  std::array<std::uint8_t, 8> b{};
  for (int k = 7; k >= 0; --k, i >>= 8)
    b[static_cast<std::size_t>(k)] = static_cast<std::uint8_t>(i & 0xff);
  return b;
}

pathmap::path_view view(const std::array<std::uint8_t, 8>& b) {
  return pathmap::path_view{b.data(), b.size()};
}

} // namespace

int main(int argc, char** argv) {
  auto [parsed, status] = parse(argc, argv);
  if (!parsed)
    return status;
  const options opt = *parsed;

  using pathmap::path_map;
  using pathmap::read_zipper_tracked;
  using pathmap::write_zipper_tracked;

  std::size_t elements = opt.elements;
  std::size_t thread_cnt = opt.threads;
  std::size_t elements_per_thread = elements / thread_cnt;

  // Pre-initialize the data in the `path_map`, for demonstration purposes.
  path_map<std::size_t> map;
  {
    auto zipper = map.write_zipper_at_path("in");
    for (std::size_t n = 0; n < thread_cnt; ++n) {
      for (std::size_t i = n * elements_per_thread; i < (n + 1) * elements_per_thread; ++i) {
        zipper.descend_to_byte(static_cast<std::uint8_t>(n));
        zipper.descend_to(view(to_be_bytes(i)));
        zipper.set_val(i);
        zipper.reset();
      }
    }
  } // drop(zipper)

  double seconds = 0;
  {
    auto zipper_head = map.zipper_head();

    // Allocate channels to send the zippers.
    using zippers = std::pair<read_zipper_tracked<std::size_t>, write_zipper_tracked<std::size_t>>;
    std::vector<channel<zippers>> zipper_senders(thread_cnt);
    std::vector<channel<bool>> signal_receivers(thread_cnt);
    std::vector<std::thread> scope;

    // Spawn all the threads.
    for (std::size_t thread_idx = 0; thread_idx < thread_cnt; ++thread_idx) {
      auto& zipper_rx = zipper_senders[thread_idx];
      auto& signal_tx = signal_receivers[thread_idx];

      //==========================================================================================
      // Worker Thread Body
      //==========================================================================================
      scope.emplace_back([&zipper_rx, &signal_tx] {
        for (;;) {
          // The thread will block here waiting for the zippers to be sent.
          std::optional<zippers> received = zipper_rx.recv();
          if (!received)
            break; // the channel is closed, meaning it's time to shut down
          auto& [reader_z, writer_z] = *received;

          // We got the zippers, do the stuff.
          auto witness = reader_z.witness();
          while (const std::size_t* val = reader_z.to_next_get_val_with_witness(witness)) {
            writer_z.descend_to(reader_z.path());
            writer_z.set_val(*val);
            writer_z.reset();
          }
          received.reset(); // drop the zippers (on this thread)

          // Tell the main thread we're done.
          signal_tx.send(true);
        }
      });
      //==========================================================================================
      // End of Worker Thread Body
      //==========================================================================================
    }

    auto t0 = std::chrono::steady_clock::now();
    {
      auto writer_z = zipper_head.write_zipper_at_exclusive_path("out");
      writer_z->remove_branches(true);
    } // drop(writer_z)

    // Make a read zipper and a write zipper for each thread, and send them through the channel.
    for (std::size_t n = 0; n < thread_cnt; ++n) {
      std::vector<std::uint8_t> path{'o', 'u', 't', static_cast<std::uint8_t>(n)};
      auto writer_z = zipper_head.write_zipper_at_exclusive_path(path);
      path = {'i', 'n', static_cast<std::uint8_t>(n)};
      auto reader_z = zipper_head.read_zipper_at_path(path);

      zipper_senders[n].send(zippers(std::move(reader_z.value()), std::move(writer_z.value())));
    }

    // Wait for the threads to all be done.
    bool all_done = true;
    for (std::size_t n = 0; n < thread_cnt; ++n)
      all_done = signal_receivers[n].recv() == std::optional<bool>{true} && all_done;
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

    for (auto& tx : zipper_senders)
      tx.close();
    for (auto& t : scope)
      t.join();
    if (!all_done) {
      std::fprintf(stderr, "parallel_copy_threads: a worker did not report completion\n");
      return 1;
    }
  } // drop(zipper_head)

  // Verify every copied value against the sequential expectation.
  std::size_t checked = 0, wrong = 0;
  std::vector<std::uint8_t> in_path{'i', 'n', 0}, out_path{'o', 'u', 't', 0};
  for (std::size_t n = 0; n < thread_cnt; ++n) {
    for (std::size_t i = n * elements_per_thread; i < (n + 1) * elements_per_thread; ++i) {
      auto key = to_be_bytes(i);
      in_path.resize(3);
      in_path[2] = static_cast<std::uint8_t>(n);
      in_path.insert(in_path.end(), key.begin(), key.end());
      out_path.resize(4);
      out_path[3] = static_cast<std::uint8_t>(n);
      out_path.insert(out_path.end(), key.begin(), key.end());
      const std::size_t* in = map.get_val_at(in_path);
      const std::size_t* out = map.get_val_at(out_path);
      ++checked;
      if (in == nullptr || *in != i || out == nullptr || *out != i)
        ++wrong;
    }
  }
  std::size_t copied = map.read_zipper_at_path("out").val_count();
  bool verified = wrong == 0 && copied == thread_cnt * elements_per_thread;

  std::string_view allocator = pathmap::allocator_name();
  std::printf("parallel copy: %zu elements requested, %zu threads x %zu = %zu copied\n", elements,
              thread_cnt, elements_per_thread, copied);
  std::printf("copy time: %.3f ms (copy phase only)\n", seconds * 1e3);
  std::printf("verified: %s (%zu values checked, %zu wrong)\n", verified ? "yes" : "NO", checked,
              wrong);
  std::printf("allocator: %.*s\n", int(allocator.size()), allocator.data());
  if (opt.json) {
    std::string a;
    for (char c : allocator) {
      if (c == '"' || c == '\\')
        a.push_back('\\');
      if (static_cast<unsigned char>(c) >= 0x20)
        a.push_back(c);
    }
    std::printf("{\"elements\": %zu, \"threads\": %zu, \"copied\": %zu, \"seconds\": %.9f, "
                "\"verified\": %s, \"allocator\": \"%s\"}\n",
                elements, thread_cnt, copied, seconds, verified ? "true" : "false", a.c_str());
  }
  return verified ? 0 : 1;
}
