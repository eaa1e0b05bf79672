// libFuzzer target for the `.paths` decoder (built and run by scripts/fuzz).
//
// Properties checked on every input:
// - for_each_deserialized_path, deserialize_paths (memory) and the stream forms agree on
//   success or on the error (a stream cannot see trailing bytes);
// - on error, the target map is exactly as it was (same root node, same content);
// - on success, the subtrie grafted at the focus holds exactly the decoded paths, the last
//   record of a path giving its value; re-encoding it and decoding again gives the sorted
//   distinct non-empty paths.
#include "fuzz_common.hpp"

#include <map>

namespace {

std::string render(const std::uint32_t& v) {
  return std::to_string(v);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace pathmap;
  std::span<const std::uint8_t> in(data, size);
  auto lim = fuzz::limits();

  std::vector<std::string> recs;
  auto d = for_each_deserialized_path(
    in,
    [&](std::size_t i, path_view p) {
      fuzz::require(i == recs.size(), "record indexes count up from 0");
      recs.emplace_back(p.as_string_view());
    },
    lim);

  fuzz::target<std::uint32_t> t(7);
  auto wz = t.m.write_zipper_at_path("t");
  auto d2 = deserialize_paths_with_auxdata(
    wz, in, [](std::size_t i, path_view) { return static_cast<std::uint32_t>(i); }, lim);
  fuzz::require(bool(d) == bool(d2), "streaming and map decoding agree");
  if (!d2) {
    fuzz::require(d.error() == d2.error(), "same error");
    fuzz::require(t.intact(render), "a failed decode leaves the target intact");
    fuzz::require(!message(d2.error()).empty(), "errors have messages");
  } else {
    fuzz::require(d->path_count == recs.size() && d2->path_count == recs.size(), "path counts");
    fuzz::require(d2->bytes_in == size, "a memory input is used up");
    // The expected subtrie: last index per path.
    std::map<std::string, std::uint32_t> want;
    for (std::size_t i = 0; i < recs.size(); ++i)
      want[recs[i]] = static_cast<std::uint32_t>(i);
    std::map<std::string, std::uint32_t> got;
    auto z = t.m.read_zipper_at_path("t");
    if (const auto* v = z.val())
      got[""] = *v;
    while (const auto* v = z.to_next_get_val())
      got[std::string(z.path().as_string_view())] = *v;
    fuzz::require(got == want, "the grafted subtrie holds the decoded paths");
    fuzz::require(t.m.get_val_at("keep") != nullptr, "paths outside the focus stay");

    std::vector<std::uint8_t> again;
    auto s = serialize_paths(z, again);
    fuzz::require(bool(s), "re-encoding works");
    std::vector<std::string> back;
    auto d3 = for_each_deserialized_path(
      again, [&](std::size_t, path_view p) { back.emplace_back(p.as_string_view()); }, lim);
    fuzz::require(bool(d3), "our own output decodes");
    std::vector<std::string> sorted;
    for (auto& [k, v] : want)
      if (!k.empty())
        sorted.push_back(k);
    fuzz::require(back == sorted, "re-encoded paths are the sorted distinct paths");
  }

  // The stream form.
  auto is = fuzz::stream_of(data, size);
  std::size_t n = 0;
  auto d4 = for_each_deserialized_path(
    is, [&](std::size_t, path_view) { ++n; }, lim);
  if (d) {
    fuzz::require(d4 && d4->path_count == d->path_count, "stream decoding agrees");
  } else if (d.error() != errc::trailing_data) {
    fuzz::require(!d4 && d4.error() == d.error(), "stream decoding fails the same way");
  }
  return 0;
}
