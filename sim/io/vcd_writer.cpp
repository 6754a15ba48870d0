#include "sim/io/vcd_writer.h"

#include <algorithm>
#include <map>
#include <sstream>

namespace neuromesh::io {

namespace {
std::string code_for(uint32_t n) {
  std::string s;
  do {
    s += char(33 + n % 94);
    n /= 94;
  } while (n);
  return s;
}
std::string value_text(uint64_t v, uint32_t width, const std::string& code) {
  if (width == 1) return std::string(v ? "1" : "0") + code;
  std::string bits;
  for (int b = int(width) - 1; b >= 0; --b) bits += (v >> b & 1) ? '1' : '0';
  const size_t first = bits.find('1');
  return "b" + (first == std::string::npos ? std::string("0") : bits.substr(first)) + " " + code;
}
}  // namespace

uint32_t VcdWriter::add(const std::string& scope, const std::string& name, uint32_t width) {
  signals_.push_back({scope, name, code_for(uint32_t(signals_.size())), width});
  return uint32_t(signals_.size() - 1);
}

std::string VcdWriter::text() const {
  std::ostringstream os;
  os << "$comment neuromesh waveform $end\n$timescale 1 fs $end\n";
  // Group signals by scope, nested by dots.
  std::map<std::string, std::vector<uint32_t>> by_scope;
  for (uint32_t i = 0; i < signals_.size(); ++i) by_scope[signals_[i].scope].push_back(i);
  for (const auto& [scope, ids] : by_scope) {
    std::vector<std::string> parts;
    std::stringstream ss(scope);
    std::string part;
    while (std::getline(ss, part, '.')) parts.push_back(part);
    for (const auto& p : parts) os << "$scope module " << p << " $end\n";
    for (uint32_t i : ids) {
      os << "$var wire " << signals_[i].width << " " << signals_[i].code << " " << signals_[i].name
         << " $end\n";
    }
    for (size_t k = 0; k < parts.size(); ++k) os << "$upscope $end\n";
  }
  os << "$enddefinitions $end\n$dumpvars\n";
  for (const auto& s : signals_) os << value_text(0, s.width, s.code) << "\n";
  os << "$end\n";
  std::vector<Change> sorted = changes_;
  std::sort(sorted.begin(), sorted.end(), [](const Change& a, const Change& b) {
    return a.cycle != b.cycle ? a.cycle < b.cycle : a.seq < b.seq;
  });
  uint64_t t = UINT64_MAX;
  for (const auto& c : sorted) {
    if (c.cycle != t) {
      t = c.cycle;
      os << "#" << t * cycle_fs_ << "\n";
    }
    os << value_text(c.value, signals_[c.id].width, signals_[c.id].code) << "\n";
  }
  return os.str();
}

}  // namespace neuromesh::io
