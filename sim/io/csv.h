// CSV cells: quoted only when they hold a comma, a quote or a newline (RFC 4180).
#pragma once

#include <string>

namespace neuromesh::io {

inline std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

}  // namespace neuromesh::io
