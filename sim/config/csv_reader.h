// Line-by-line reading of the CSV inputs (spike files, placement files): cells split on commas
// (RFC 4180 quotes allowed), strict integers, errors as ConfigError naming file and line.
#pragma once

#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

namespace neuromesh::config {

class CsvReader {
 public:
  // `comments`: lines whose first character is '#' are skipped like empty lines.
  CsvReader(const std::string& text, std::string name, bool comments);

  // The next non-empty line split into cells ("1,2," has three cells, the last empty); false at
  // the end of the text.
  bool next(std::vector<std::string>& cells);
  const std::string& line() const { return line_; }  // the raw line last read, without "\r"
  int line_number() const { return lineno_; }

  [[noreturn]] void fail(const std::string& message) const;
  // Digits with an optional leading '-', nothing else, within [min, max].
  int64_t integer(const std::string& cell, int64_t min, int64_t max, const char* what) const;

 private:
  std::istringstream in_;
  std::string name_, line_;
  bool comments_;
  int lineno_ = 0;
};

}  // namespace neuromesh::config
