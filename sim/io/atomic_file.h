// Output files are written whole or not at all: write to a temporary beside the target, then
// rename over it.
#pragma once

#include <string>

namespace neuromesh::io {

// Writes `contents` to `path` atomically. Throws std::runtime_error naming the path on failure
// (the target is then left as it was).
void write_file_atomic(const std::string& path, const std::string& contents);

}  // namespace neuromesh::io
