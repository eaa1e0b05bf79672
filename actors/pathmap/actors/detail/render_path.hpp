#pragma once
/// @file
/// `render_path(p)`: a path as text for error messages, in double quotes, printable ASCII as is
/// and every other byte (and `"`, `\`) as `\xNN`.

#include <string>

#include "pathmap/path.hpp"

namespace pathmap::actors::detail {

std::string render_path(path_view p);

} // namespace pathmap::actors::detail
