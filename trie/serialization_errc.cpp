// Texts and the std::error_category of pathmap::errc (pathmap/errc.hpp).

#include "pathmap/errc.hpp"

#include <string>

namespace pathmap {

std::string_view message(errc e) noexcept {
  switch (e) {
    case errc::io_error:
      return "reading from or writing to the stream failed";
    case errc::truncated:
      return "the input ended before the encoded data did";
    case errc::corrupt_stream:
      return "the compressed data is not a valid zlib stream";
    case errc::out_of_memory:
      return "zlib could not allocate its state";
    case errc::trailing_data:
      return "bytes follow the end of the encoded data";
    case errc::path_too_long:
      return "a path is longer than the limit";
    case errc::value_too_long:
      return "a value's encoding is longer than the limit";
    case errc::too_much_data:
      return "the decoded data exceeds the limit";
    case errc::bad_magic:
      return "not in this format (bad magic bytes)";
    case errc::unsupported_version:
      return "unsupported format version";
    case errc::unsupported_flags:
      return "the header sets unknown flags";
    case errc::codec_mismatch:
      return "the data was written with another value codec";
    case errc::bad_varint:
      return "malformed variable-length integer";
    case errc::bad_record:
      return "malformed map record";
    case errc::bad_value:
      return "the value codec rejected a value";
    case errc::count_mismatch:
      return "the record count in the trailer does not match";
    case errc::checksum_mismatch:
      return "checksum mismatch";
    case errc::aborted:
      return "stopped by the callback";
    case errc::bad_node:
      return "malformed arena-compact node";
  }
  return "unknown pathmap error";
}

namespace {

class category final : public std::error_category {
public:
  const char* name() const noexcept override { return "pathmap"; }
  std::string message(int ev) const override {
    return std::string(pathmap::message(static_cast<errc>(ev)));
  }
};

} // namespace

const std::error_category& serialization_category() noexcept {
  static const category c;
  return c;
}

} // namespace pathmap
