#include "sim/config/ranged_name.h"

namespace neuromesh::config {

namespace {
bool parse_decimal(const std::string& s, uint64_t* out) {
  if (s.empty() || s.size() > 12) return false;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + uint64_t(c - '0');
  }
  *out = v;
  return true;
}
}  // namespace

bool expand_ranged_name(const std::string& name, uint64_t limit, std::vector<std::string>* out,
                        std::string* error) {
  out->clear();
  const size_t open = name.find('[');
  if (open == std::string::npos) {
    if (name.find(']') != std::string::npos) {
      *error = "unbalanced ']' in name '" + name + "'";
      return false;
    }
    out->push_back(name);
    return true;
  }
  const size_t close = name.find(']', open);
  const size_t dots = name.find("..", open);
  uint64_t single = 0;
  if (dots == std::string::npos && open > 0 && close == name.size() - 1 &&
      parse_decimal(name.substr(open + 1, close - open - 1), &single)) {
    out->push_back(name);  // an already-expanded name such as nc[3]
    return true;
  }
  if (close != name.size() - 1 || dots == std::string::npos || dots > close || open == 0) {
    *error = "expected a name like base[0..7], got '" + name + "'";
    return false;
  }
  uint64_t lo = 0, hi = 0;
  if (!parse_decimal(name.substr(open + 1, dots - open - 1), &lo) ||
      !parse_decimal(name.substr(dots + 2, close - dots - 2), &hi)) {
    *error = "range bounds must be decimal integers, as in base[0..7], got '" + name + "'";
    return false;
  }
  if (lo > hi) {
    *error = "range " + std::to_string(lo) + ".." + std::to_string(hi) +
             " is empty: expected first <= last";
    return false;
  }
  if (hi - lo + 1 > limit) {
    *error = "range names " + std::to_string(hi - lo + 1) + " blocks; at most " +
             std::to_string(limit) + " fit";
    return false;
  }
  const std::string base = name.substr(0, open);
  for (uint64_t i = lo; i <= hi; ++i) out->push_back(base + "[" + std::to_string(i) + "]");
  return true;
}

std::vector<std::string> expand_count(const std::string& base, uint64_t count) {
  std::vector<std::string> out;
  out.reserve(count);
  for (uint64_t i = 0; i < count; ++i) out.push_back(base + "[" + std::to_string(i) + "]");
  return out;
}

}  // namespace neuromesh::config
