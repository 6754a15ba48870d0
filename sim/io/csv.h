// CSV cells: quoted only when they hold a comma, a quote, a line break or start with '#' (which
// our readers would take for a comment line) (RFC 4180).
#pragma once

#include <string>

namespace neuromesh::io {

inline std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos && (s.empty() || s[0] != '#')) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

}  // namespace neuromesh::io
