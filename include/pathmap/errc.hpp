#pragma once
/// @file
/// `pathmap::errc`: why decoding (or writing) serialized data failed.
///
/// Decoders return `pathmap::expected<stats, errc>`; `message(e)` gives a one-line English text.
/// `errc` also plugs into `std::error_code` (`make_error_code(e)`, category name "pathmap"), so
/// it can travel where error codes do (the actor layer maps it to its own error values).
///
/// **Thread safety:** plain values; `message` and the category are immutable.

#include <cstdint>
#include <string_view>
#include <system_error>

namespace pathmap {

/// Reasons a decode (or an encode to a stream) fails. The numeric values are stable.
enum class errc : std::uint8_t {
  /// Reading from or writing to the stream failed (`badbit`, a short write).
  io_error = 1,
  /// The input ended before the encoded data did (also: an empty input).
  truncated,
  /// The compressed data is not a valid zlib stream (bad header, bad block, bad checksum).
  corrupt_stream,
  /// zlib could not allocate its state.
  out_of_memory,
  /// Bytes follow the end of the encoded data (memory inputs hold exactly one object).
  trailing_data,
  /// A path is longer than `decode_limits::max_path_len` (decoding) or than a `.paths` record
  /// can say, 2^32-1 bytes (encoding).
  path_too_long,
  /// A value's encoding claims more than `decode_limits::max_value_len` bytes.
  value_too_long,
  /// The decoded data exceeds `decode_limits::max_decoded_bytes`.
  too_much_data,
  /// The input does not start with the format's magic bytes (the map format's, or ACT's).
  bad_magic,
  /// The format version (the map format's, or ACT's) is not one this build reads.
  unsupported_version,
  /// The header sets flag bits this build does not know.
  unsupported_flags,
  /// The data was written with another value codec (another value type).
  codec_mismatch,
  /// A variable-length integer is over-long, overflows 64 bits, or is not minimal.
  bad_varint,
  /// A map record is malformed: unknown kind, shared prefix longer than the previous path,
  /// empty suffix, records out of order, or a path below a dangling path.
  bad_record,
  /// The value codec rejected the bytes of a value.
  bad_value,
  /// The record count in the trailer does not match the records read.
  count_mismatch,
  /// The CRC-32 in the trailer does not match the data.
  checksum_mismatch,
  /// The caller's callback asked to stop.
  aborted,
  /// An arena-compact (ACT) node is malformed: unknown header bits, an offset out of range or
  /// not pointing back, children out of order, a sibling group that runs into its parent, or
  /// empty line data.
  bad_node,
};

/// A one-line description of `e` ("input ended before the encoded data did", ...).
std::string_view message(errc e) noexcept;

/// The `std::error_category` of `errc` (name "pathmap").
const std::error_category& serialization_category() noexcept;

/// `std::error_code{static_cast<int>(e), serialization_category()}`.
inline std::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), serialization_category()};
}

} // namespace pathmap

template <>
struct std::is_error_code_enum<pathmap::errc> : std::true_type {};
