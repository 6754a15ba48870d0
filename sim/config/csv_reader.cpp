#include "sim/config/csv_reader.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>

#include "sim/config/config_error.h"
#include "sim/io/utf8.h"

namespace neuromesh::config {

CsvReader::CsvReader(const std::string& text, std::string name, bool comments)
    : in_(text), name_(std::move(name)), comments_(comments) {}

bool CsvReader::next(std::vector<std::string>& cells) {
  auto read_line = [&](std::string& out) {
    if (!std::getline(in_, out)) return false;
    ++lineno_;
    if (!out.empty() && out.back() == '\r') out.pop_back();
    return true;
  };
  while (read_line(line_)) {
    if (line_.empty() || (comments_ && line_[0] == '#')) continue;
    cells.assign(1, std::string());
    bool quoted = false;
    for (size_t i = 0;; ++i) {
      if (i == line_.size()) {
        // A quoted cell that goes on past the end of the line holds a line break.
        std::string more;
        if (!quoted || !read_line(more)) break;
        line_ += '\n' + more;
      }
      const char c = line_[i];
      if (quoted) {
        if (c != '"') {
          cells.back() += c;
        } else if (i + 1 < line_.size() && line_[i + 1] == '"') {
          cells.back() += '"';
          ++i;
        } else {
          quoted = false;
        }
      } else if (c == '"' && cells.back().empty()) {
        quoted = true;
      } else if (c == ',') {
        cells.emplace_back();
      } else {
        cells.back() += c;
      }
    }
    if (quoted) fail("a quoted cell is not closed: expected '\"' before the end of the file");
    return true;
  }
  return false;
}

void CsvReader::fail(const std::string& message) const {
  throw ConfigError(name_, lineno_, 0, "", message);
}

int64_t CsvReader::integer(const std::string& s, int64_t min, int64_t max, const char* what) const {
  // Digits with an optional leading '-', nothing else: no spaces, tabs, '+' or NUL bytes.
  const size_t digits = s.size() - (!s.empty() && s[0] == '-' ? 1 : 0);
  const bool plain = digits > 0 && std::all_of(s.end() - std::ptrdiff_t(digits), s.end(),
                                               [](char c) { return c >= '0' && c <= '9'; });
  char* end = nullptr;
  errno = 0;
  const long long x = plain ? std::strtoll(s.c_str(), &end, 10) : 0;
  if (!plain || *end != '\0' || errno != 0) {
    fail(std::string("expected an integer ") + what + ", got '" + io::printable(s) + "'");
  }
  if (x < min || x > max) {
    fail(std::string(what) + " " + s + " is out of range " + std::to_string(min) + ".." +
         std::to_string(max));
  }
  return int64_t(x);
}

}  // namespace neuromesh::config
