// libFuzzer target for the map-format decoder (built and run by scripts/fuzz).
//
// Every input is decoded with five value types (codecs "bytes", "sint", "uint", "unit",
// "bool"), from memory into a map, from memory into a write zipper, and from a stream.
// Properties:
// - the three forms agree on success or on the error (a stream cannot see trailing bytes);
// - on error, the target map is exactly as it was;
// - on success, the encoding is canonical: re-encoding the decoded map without compression
//   gives the input bytes back when the input was uncompressed, and decoding the re-encoding
//   gives the same map in any case.
#include "fuzz_common.hpp"

#include <cstring>
#include <variant>

namespace {

template <class V>
std::string render(const V& v) {
  if constexpr (std::is_same_v<V, std::monostate>)
    return "()";
  else if constexpr (std::is_same_v<V, std::string>)
    return v;
  else
    return std::to_string(v);
}

template <class V>
void check(const std::uint8_t* data, std::size_t size, V filler) {
  using namespace pathmap;
  std::span<const std::uint8_t> in(data, size);
  auto lim = fuzz::limits();
  auto r = [](const V& v) { return render(v); };

  fuzz::target<V> t(filler);
  auto d = deserialize_map(t.m, in, lim);
  fuzz::target<V> tz(filler);
  auto wz = tz.m.write_zipper_at_path("t");
  auto dz = deserialize_map(wz, in, lim);
  fuzz::require(bool(d) == bool(dz), "map and zipper targets agree");
  fuzz::target<V> ts(filler);
  auto is = fuzz::stream_of(data, size);
  auto ds = deserialize_map(ts.m, is, lim);

  if (!d) {
    fuzz::require(d.error() == dz.error(), "same error");
    fuzz::require(t.intact(r) && tz.intact(r), "a failed decode leaves the target intact");
    if (d.error() != errc::trailing_data) {
      fuzz::require(!ds && ds.error() == d.error(), "stream decoding fails the same way");
      fuzz::require(ts.intact(r), "a failed stream decode leaves the target intact");
    }
    return;
  }
  fuzz::require(d->bytes_in == size, "a memory input is used up");
  fuzz::require(bool(ds), "stream decoding succeeds too");
  fuzz::require(fuzz::dump(ts.m, r) == fuzz::dump(t.m, r), "stream decoding agrees");
  // The zipper form grafted the same map at "t".
  auto zt = tz.m.read_zipper_at_path("t");
  std::vector<std::uint8_t> from_zipper, from_map;
  fuzz::require(bool(serialize_map(zt, from_zipper)), "encode the grafted subtrie");
  fuzz::require(bool(serialize_map(t.m, from_map)), "encode the decoded map");
  fuzz::require(from_zipper == from_map, "zipper and map targets hold the same map");

  bool compressed = size > 5 && (data[5] & 1) != 0;
  if (!compressed)
    fuzz::require(from_map.size() == size && std::memcmp(from_map.data(), data, size) == 0,
                  "the map format is canonical");
  path_map<V> back;
  fuzz::require(bool(deserialize_map(back, from_map, lim)), "our own output decodes");
  fuzz::require(fuzz::dump(back, r) == fuzz::dump(t.m, r), "round trip");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  check<std::string>(data, size, "filler");
  check<std::int64_t>(data, size, -3);
  check<std::uint64_t>(data, size, 3);
  check<std::monostate>(data, size, {});
  check<bool>(data, size, true);
  return 0;
}
