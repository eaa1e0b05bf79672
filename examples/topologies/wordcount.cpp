// Topology `wordcount`: map-reduce over the lines of a text file (default: the word list
// /usr/share/dict/words, read `repeat` times in a row).
//
// Input: `text/<chunk>/<4-byte line number>/<word> -> 1`, the lines dealt into `chunks`
// contiguous chunks. Two jobs on one coordinator:
// - map: one task per chunk, `text/<c> -> counts/<c>`: a mapper counts the words of its chunk
//   into its own region (`counts/<c>/<word> -> n`);
// - reduce: one task per first byte b of a word, reading all of `counts` and writing
//   `total/<b>`: it sums the counts of the words starting with b over every chunk, so the
//   merged result `total/<word> -> n` is built by many writers at once.
// Verification: the same counts from a std::unordered_map over the lines.
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "caf/all.hpp"

#include "common.hpp"

namespace pathmap::topologies {

using detail::value;
using reader = read_zipper_tracked<value>;
using writer = write_zipper_tracked<value>;

namespace {

/// Map: `source` holds `<4-byte line number><word> -> 1`; count each word at `destination/word`.
actors::operation<value> count_words() {
  return actors::operation<value>("count-words", [](reader& src, writer& dst) {
    return actors::for_each_value(src, [&](path_view p, const value& n) {
      dst.descend_to(p.subview(4));
      dst.get_val_or_set_mut(0) += n;
      dst.reset();
    });
  });
}

/// Reduce: `source` is `counts` (`<chunk>/<word> -> n`); the destination is `total/<b>`. Adds
/// the counts of every chunk's words that start with b at `destination/<rest of the word>`.
actors::operation<value> merge_counts() {
  return actors::operation<value>("merge-counts", [](reader& src, writer& dst) {
    path_view root = dst.root_prefix_path();
    std::uint8_t b = root[root.size() - 1];
    std::uint64_t n = 0;
    src.reset();
    byte_mask chunks = src.child_mask();
    for (int c = 0; c < 256; ++c) {
      if (!chunks.test(static_cast<std::uint8_t>(c)))
        continue;
      src.reset();
      src.descend_to_byte(static_cast<std::uint8_t>(c));
      src.descend_to_byte(b);
      if (!src.path_exists())
        continue;
      auto words = src.fork_read_zipper(); // rooted at <c>/<b>
      auto add = [&](path_view rest, value count) {
        dst.descend_to(rest);
        dst.get_val_or_set_mut(0) += count;
        dst.reset();
        ++n;
      };
      if (const value* v = words.val())
        add({}, *v);
      while (const value* v = words.to_next_get_val())
        add(words.path(), *v);
    }
    src.reset();
    return n;
  });
}

} // namespace

caf::expected<result> run_wordcount(caf::actor_system& sys, const options& o) {
  if (auto err = validate("wordcount", o))
    return err;
  std::uint32_t workers = o.workers;
  // -- set-up (not timed) --
  auto lines = read_lines(o.file);
  if (!lines)
    return std::move(lines.error());
  std::uint32_t repeat = o.repeat;
  std::uint64_t total_lines = lines->size() * std::uint64_t{repeat};
  // A chunk holds at least one line. Asked for more chunks than lines, the run is refused
  // rather than run with fewer; the default (4 per worker) is a choice of the runner, so it is
  // capped at the lines and the summary reports the chunks used (`read_lines` fails on a file
  // without any).
  if (o.tasks > total_lines)
    return detail::out_of_range("tasks", o.tasks, 0, std::min<std::uint64_t>(total_lines, 256),
                                "wordcount over " + std::to_string(total_lines)
                                  + " lines (one chunk per line at most)");
  auto chunks
    = static_cast<std::uint32_t>(std::min<std::uint64_t>(detail::parts_of(o), total_lines));
  path_map<value> input;
  {
    auto z = input.write_zipper_at_path("text");
    std::vector<std::uint32_t> next(chunks, 0);
    std::uint64_t g = 0;
    for (std::uint32_t r = 0; r < repeat; ++r)
      for (auto& line : *lines) {
        auto c = static_cast<std::uint32_t>(g++ * chunks / total_lines);
        std::uint32_t i = next[c]++;
        std::uint8_t key[5] = {static_cast<std::uint8_t>(c), static_cast<std::uint8_t>(i >> 24),
                               static_cast<std::uint8_t>(i >> 16),
                               static_cast<std::uint8_t>(i >> 8), static_cast<std::uint8_t>(i)};
        z.descend_to(path_view{key, 5});
        z.descend_to(line);
        z.set_val(1);
        z.reset();
      }
  }
  byte_mask first_bytes;
  {
    std::array<std::uint64_t, 4> words{};
    for (auto& line : *lines)
      words[static_cast<std::uint8_t>(line[0]) >> 6]
        |= std::uint64_t{1} << (static_cast<std::uint8_t>(line[0]) & 63);
    first_bytes = byte_mask{words};
  }
  actors::coordinator_config cc;
  cc.max_in_flight = o.in_flight;
  cc.workers = workers;
  auto coordinator = actors::spawn_coordinator<value>(sys, input, {}, cc);
  actors::job_options jo;
  jo.task_timeout = o.timeout;
  std::vector<actors::task_spec> map_tasks;
  for (std::uint32_t c = 0; c < chunks; ++c)
    map_tasks.push_back(
      actors::task_spec{{'t', 'e', 'x', 't', static_cast<std::uint8_t>(c)},
                        {'c', 'o', 'u', 'n', 't', 's', static_cast<std::uint8_t>(c)}});
  std::vector<actors::task_spec> reduce_tasks;
  for (int b = 0; b < 256; ++b)
    if (first_bytes.test(static_cast<std::uint8_t>(b)))
      reduce_tasks.push_back(actors::task_spec{
        {'c', 'o', 'u', 'n', 't', 's'}, {'t', 'o', 't', 'a', 'l', static_cast<std::uint8_t>(b)}});
  detail::start_work(o, "tasks", map_tasks.size() + reduce_tasks.size());
  auto stop = [&] { caf::anon_send_exit(coordinator, caf::exit_reason::user_shutdown); };
  // -- the work --
  auto t0 = detail::clock::now();
  auto t1 = t0;
  auto mapped = detail::run_job(
    sys, coordinator, actors::job<value>::explicit_tasks(count_words(), map_tasks, jo), o, &t1);
  if (!mapped) {
    stop();
    return std::move(mapped.error());
  }
  double map_seconds = std::chrono::duration<double>(t1 - t0).count();
  auto t2 = detail::clock::now();
  auto reduced = detail::run_job(
    sys, coordinator, actors::job<value>::explicit_tasks(merge_counts(), reduce_tasks, jo), o, &t1);
  double seconds = map_seconds + std::chrono::duration<double>(t1 - t2).count();
  if (!reduced) {
    stop();
    return std::move(reduced.error());
  }
  result res;
  res.topology = "wordcount";
  res.values = mapped->values;
  res.workers = workers;
  res.seconds = seconds;
  res.details = {{"lines", total_lines},
                 {"chunks", chunks},
                 {"reduce_tasks", reduce_tasks.size()},
                 {"merged_counts", reduced->values},
                 {"map_ms", static_cast<std::uint64_t>(map_seconds * 1000)},
                 {"retries", mapped->retries + reduced->retries}};
  // -- verification: the same counts, sequentially --
  if (o.verify)
    detail::start_verifying(o);
  auto snap = detail::snapshot(sys, coordinator, o);
  stop();
  if (!snap)
    return std::move(snap.error());
  std::uint64_t distinct = 0;
  {
    auto z = snap->read_zipper_at_path("total");
    while (z.to_next_val())
      ++distinct;
  }
  res.details.emplace_back("distinct_words", distinct);
  if (o.verify) {
    std::unordered_map<std::string, std::uint64_t> counts;
    for (auto& line : *lines)
      counts[line] += repeat;
    bool ok = distinct == counts.size();
    auto z = snap->read_zipper_at_path("total");
    while (ok && z.to_next_val()) {
      auto it = counts.find(std::string(z.path().as_string_view()));
      ok = it != counts.end() && it->second == *z.val();
    }
    res.verified = ok;
  }
  return res;
}

} // namespace pathmap::topologies
