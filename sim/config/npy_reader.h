// NumPy .npy files (format versions 1-3) holding a 2-D integer array: the binary sidecars of a
// network (explicit synapses, input spikes; docs/network-format.md). Little- or big-endian
// signed or unsigned integers of 1, 2, 4 or 8 bytes, C or Fortran order. Errors are ConfigError
// naming the file.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace neuromesh::config {

struct NpyMatrix {
  uint64_t rows = 0, cols = 0;
  std::vector<int64_t> values;  // row-major
  int64_t at(uint64_t r, uint64_t c) const { return values[r * cols + c]; }
};

// `what` names the expected content in messages, e.g. "synapses [pre, post, weight(, delay)]";
// `min_cols`..`max_cols` are the accepted column counts.
NpyMatrix parse_npy(const std::string& bytes, const std::string& name, const std::string& what,
                    uint64_t min_cols, uint64_t max_cols);
NpyMatrix load_npy(const std::string& path, const std::string& what, uint64_t min_cols,
                   uint64_t max_cols);

}  // namespace neuromesh::config
