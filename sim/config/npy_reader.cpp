#include "sim/config/npy_reader.h"

#include <fmt/format.h>

#include <cstring>
#include <limits>

#include "sim/config/config_error.h"
#include "sim/config/yaml_reader.h"
#include "sim/io/utf8.h"

namespace neuromesh::config {

namespace {

// The value of key `key` in the header's Python dict literal, as text ("'<i4'", "False", "(3, 4)").
std::string header_value(const std::string& h, const std::string& key) {
  const std::string k = "'" + key + "'";
  const size_t at = h.find(k);
  if (at == std::string::npos) return "";
  size_t i = h.find(':', at + k.size());
  if (i == std::string::npos) return "";
  ++i;
  while (i < h.size() && h[i] == ' ') ++i;
  if (i < h.size() && h[i] == '(') {
    const size_t end = h.find(')', i);
    return end == std::string::npos ? "" : h.substr(i, end - i + 1);
  }
  size_t end = i;
  while (end < h.size() && h[end] != ',' && h[end] != '}') ++end;
  std::string v = h.substr(i, end - i);
  while (!v.empty() && v.back() == ' ') v.pop_back();
  return v;
}

}  // namespace

NpyMatrix parse_npy(const std::string& b, const std::string& name, const std::string& what,
                    uint64_t min_cols, uint64_t max_cols) {
  auto fail = [&](const std::string& msg) -> void {
    throw ConfigError(name, 0, 0, "", msg + " (expected a .npy file of " + what +
                                          ", e.g. numpy.save(path, array.astype(numpy.int32)))");
  };
  if (b.size() < 10 || std::memcmp(b.data(), "\x93NUMPY", 6) != 0) fail("not a NumPy .npy file");
  const int major = uint8_t(b[6]);
  if (major < 1 || major > 3) fail(fmt::format(".npy format version {} is not supported", major));
  uint64_t hlen = 0, off = 0;
  if (major == 1) {
    hlen = uint8_t(b[8]) | (uint64_t(uint8_t(b[9])) << 8);
    off = 10;
  } else {
    if (b.size() < 12) fail("truncated header");
    for (int k = 0; k < 4; ++k) hlen |= uint64_t(uint8_t(b[8 + k])) << (8 * k);
    off = 12;
  }
  if (off + hlen > b.size()) fail("truncated header");
  const std::string h = b.substr(off, hlen);
  off += hlen;
  const std::string descr = header_value(h, "descr");
  const std::string order = header_value(h, "fortran_order");
  const std::string shape = header_value(h, "shape");
  if (descr.size() != 5 || descr.front() != '\'' || descr.back() != '\'') {
    fail("the header has no readable 'descr' (" + io::printable(h) + ")");
  }
  const char endian = descr[1], kind = descr[2];
  const int size = descr[3] - '0';
  if ((kind != 'i' && kind != 'u') || (size != 1 && size != 2 && size != 4 && size != 8) ||
      (endian != '<' && endian != '>' && endian != '|' && endian != '=')) {
    fail("dtype " + io::printable(descr) + " is not an integer type (int8..int64, uint8..uint64)");
  }
  if (order != "False" && order != "True") fail("the header has no readable 'fortran_order'");
  // shape: "(rows, cols)"; "(rows,)" is refused: a column count is part of the format.
  std::vector<uint64_t> dims;
  {
    std::string digits;
    for (size_t i = 1; i + 1 <= shape.size(); ++i) {
      const char c = i + 1 == shape.size() ? ',' : shape[i];
      if (c >= '0' && c <= '9') {
        digits += c;
      } else if (c == ',' || c == ')') {
        if (!digits.empty()) {
          if (digits.size() > 18) fail("shape " + shape + " is too large");
          dims.push_back(std::stoull(digits));
        }
        digits.clear();
      } else if (c != ' ' && c != 'L') {
        fail("the header has no readable 'shape' (" + io::printable(h) + ")");
      }
    }
  }
  if (shape.empty() || shape.front() != '(') fail("the header has no readable 'shape'");
  if (dims.size() != 2) {
    fail(fmt::format("shape {} has {} dimensions; expected 2 (one row per entry, {}..{} columns)",
                     shape, dims.size(), min_cols, max_cols));
  }
  NpyMatrix m;
  m.rows = dims[0];
  m.cols = dims[1];
  if (m.cols < min_cols || m.cols > max_cols) {
    fail(fmt::format("shape {} has {} columns; expected {}..{}", shape, m.cols, min_cols, max_cols));
  }
  const uint64_t n = m.rows * m.cols;
  if (m.rows && n / m.rows != m.cols) fail("shape " + shape + " is too large");
  if (b.size() - off != n * uint64_t(size)) {
    fail(fmt::format("shape {} of {}-byte values needs {} data bytes; the file has {}", shape, size,
                     n * uint64_t(size), b.size() - off));
  }
  const bool big = endian == '>';
  const bool fortran = order == "True";
  m.values.resize(n);
  const auto* p = reinterpret_cast<const unsigned char*>(b.data() + off);
  for (uint64_t e = 0; e < n; ++e) {
    uint64_t raw = 0;
    for (int k = 0; k < size; ++k) {
      const uint64_t byte = p[e * uint64_t(size) + uint64_t(big ? size - 1 - k : k)];
      raw |= byte << (8 * k);
    }
    int64_t v;
    if (kind == 'u') {
      if (size == 8 && raw > uint64_t(std::numeric_limits<int64_t>::max())) {
        fail(fmt::format("entry {} is {}, too large", e, raw));
      }
      v = int64_t(raw);
    } else {
      const int shift = 64 - 8 * size;
      v = int64_t(raw << shift) >> shift;  // sign-extend
    }
    // Fortran order stores columns one after another.
    const uint64_t r = fortran ? e % m.rows : e / m.cols, c = fortran ? e / m.rows : e % m.cols;
    m.values[r * m.cols + c] = v;
  }
  return m;
}

NpyMatrix load_npy(const std::string& path, const std::string& what, uint64_t min_cols,
                   uint64_t max_cols) {
  return parse_npy(yaml::read_file(path, "a .npy file", uint64_t{64} << 30), path, what, min_cols,
                   max_cols);
}

}  // namespace neuromesh::config
