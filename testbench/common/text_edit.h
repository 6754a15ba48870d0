// Editing a valid YAML text in tests: replace one unique fragment, find a fragment's line.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

namespace neuromesh::testkit {

// `text` with the one occurrence of `from` replaced by `to` (a test bug if not exactly one).
inline std::string replace_once(const std::string& text, const std::string& from,
                                const std::string& to) {
  const size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << "test bug: '" << from << "' not in the base text";
  EXPECT_EQ(text.find(from, at + 1), std::string::npos) << "test bug: '" << from << "' twice";
  std::string out = text;
  if (at != std::string::npos) out.replace(at, from.size(), to);
  return out;
}

// 1-based line of the first occurrence of `needle`, -1 if absent.
inline int line_of(const std::string& text, const std::string& needle) {
  const size_t at = text.find(needle);
  return at == std::string::npos ? -1
                                 : 1 + int(std::count(text.begin(), text.begin() + at, '\n'));
}

}  // namespace neuromesh::testkit
