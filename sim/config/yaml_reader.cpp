#include "sim/config/yaml_reader.h"

#include <yaml-cpp/eventhandler.h>

#include "sim/io/utf8.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

namespace neuromesh::config {

namespace {
std::string compose(const std::string& file, int line, int column, const std::string& key,
                    const std::string& message) {
  std::ostringstream os;
  os << file;
  if (line > 0) {
    os << ':' << line;
    if (column > 0) os << ':' << column;
  }
  os << ": error: ";
  if (!key.empty()) os << "key '" << key << "': ";
  os << message;
  return os.str();
}
}  // namespace

ConfigError::ConfigError(std::string file, int line, int column, std::string key,
                         std::string message)
    : std::runtime_error(compose(file, line, column, key, message)),
      file_(std::move(file)),
      line_(line),
      column_(column),
      key_(std::move(key)),
      message_(std::move(message)) {}

}  // namespace neuromesh::config

namespace neuromesh::config::yaml {

namespace {

std::string child_path(const std::string& parent, const std::string& key) {
  return parent.empty() ? key : parent + "." + key;
}

std::string quote_short(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (out.size() >= 40) {
      out += "...";
      break;
    }
    out += (static_cast<unsigned char>(c) < 0x20) ? '?' : c;
  }
  return "'" + out + "'";
}

bool parse_int_text(const std::string& s, long double* out) {
  // Decimal with optional sign, or 0x/0o/0b prefixed. No fraction, no exponent.
  size_t i = 0;
  bool neg = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
  int base = 10;
  if (i + 1 < s.size() && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X')) base = 16, i += 2;
  else if (i + 1 < s.size() && s[i] == '0' && (s[i + 1] == 'o' || s[i + 1] == 'O')) base = 8, i += 2;
  else if (i + 1 < s.size() && s[i] == '0' && (s[i + 1] == 'b' || s[i + 1] == 'B')) base = 2, i += 2;
  if (i >= s.size()) return false;
  long double v = 0;
  for (; i < s.size(); ++i) {
    int d;
    char c = s[i];
    if (c >= '0' && c <= '9') d = c - '0';
    else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
    else return false;
    if (d >= base) return false;
    v = v * base + d;
    if (v > 1e30L) v = 1e30L;  // saturate: anything this big is out of every range
  }
  *out = neg ? -v : v;
  return true;
}

}  // namespace

std::string read_text_file(const std::string& path, const std::string& expected) {
  return read_file(path, expected, kMaxFileBytes);
}

std::string read_file(const std::string& path, const std::string& expected, uint64_t max_bytes) {
  if (!io::valid_utf8(path)) {
    throw ConfigError(io::printable(path), 0, 0, "",
                      "the file name is not valid UTF-8 (reports are UTF-8 JSON): rename it");
  }
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (!ec && std::filesystem::is_directory(status)) {
    throw ConfigError(path, 0, 0, "", "cannot read: this is a directory, expected " + expected);
  }
  if (!ec && std::filesystem::exists(status) && !std::filesystem::is_regular_file(status)) {
    // A FIFO would block in open() until someone writes to it; a device never ends.
    throw ConfigError(path, 0, 0, "", "cannot read: not a regular file (a FIFO, socket or "
                                      "device), expected " + expected);
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(path, 0, 0, "", "cannot open file for reading");
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  if (size < 0) throw ConfigError(path, 0, 0, "", "cannot read file (is it a directory?)");
  if (static_cast<uint64_t>(size) > max_bytes) {
    throw ConfigError(path, 0, 0, "",
                      "file is " + std::to_string(size) + " bytes; the limit is " +
                          std::to_string(max_bytes) + " bytes");
  }
  in.seekg(0, std::ios::beg);
  std::string text(static_cast<size_t>(size), '\0');
  if (size > 0 && !in.read(&text[0], size)) {
    throw ConfigError(path, 0, 0, "", "cannot read file (is it a directory?)");
  }
  return text;
}

Value::Value(std::shared_ptr<const std::string> file, YAML::Node node, std::string path)
    : file_(std::move(file)), node_(std::move(node)), path_(std::move(path)) {}

Value::Value(std::shared_ptr<const std::string> file, YAML::Node node, std::string path,
             const YAML::Mark& key_mark)
    : file_(std::move(file)), node_(std::move(node)), path_(std::move(path)), key_mark_(key_mark) {}

void Value::fail_at_key(const std::string& key_path, const std::string& message) const {
  if (key_mark_.is_null()) throw ConfigError(*file_, line(), column(), key_path, message);
  throw ConfigError(*file_, key_mark_.line + 1, key_mark_.column + 1, key_path, message);
}

namespace {
// Counts documents and remembers where the second one starts; ignores their content.
struct DocumentMarks final : YAML::EventHandler {
  int count = 0;
  YAML::Mark second;
  void OnDocumentStart(const YAML::Mark& m) override {
    if (++count == 2) second = m;
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};
}  // namespace

Value Value::parse(const std::string& text, const std::string& file, const std::string& expected) {
  auto name = std::make_shared<const std::string>(file);
  const size_t nul = text.find('\0');
  if (nul != std::string::npos) {
    int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + nul, '\n'));
    throw ConfigError(file, line, 0, "",
                      "file contains a NUL byte: expected YAML text, this looks like a binary file");
  }
  YAML::Node root;
  try {
    root = YAML::Load(text);
    // A second document (even an invalid one) is an error, not ignored. The parser is asked for
    // two documents at most: YAML::LoadAll loops forever on some malformed inputs (found by
    // fuzzing, testbench/fuzz/corpus/regressions/network).
    std::istringstream in(text);
    YAML::Parser parser(in);
    DocumentMarks marks;
    if (parser.HandleNextDocument(marks) && parser.HandleNextDocument(marks) && marks.count > 1) {
      throw ConfigError(file, marks.second.line + 1, marks.second.column + 1, "",
                        "a second YAML document: expected one document, " + expected);
    }
  } catch (const YAML::Exception& e) {
    throw ConfigError(file, e.mark.is_null() ? 0 : e.mark.line + 1,
                      e.mark.is_null() ? 0 : e.mark.column + 1, "",
                      "invalid YAML: " + e.msg);
  }
  if (!root || root.IsNull()) {
    throw ConfigError(file, 1, 1, "", "document is empty; expected " + expected);
  }
  return Value(name, root, "");
}

int Value::line() const {
  const auto m = node_.Mark();
  return m.is_null() ? 0 : m.line + 1;
}

int Value::column() const {
  const auto m = node_.Mark();
  return m.is_null() ? 0 : m.column + 1;
}

void Value::fail(const std::string& message) const {
  throw ConfigError(*file_, line(), column(), path_, message);
}

std::string Value::describe_got() const {
  if (!node_ || node_.IsNull()) return "nothing (null)";
  if (node_.IsSequence()) return "a list";
  if (node_.IsMap()) return "a mapping";
  return quote_short(node_.Scalar());
}

const std::string& Value::scalar_or_fail(const char* expected) const {
  if (!node_.IsScalar()) fail(std::string("expected ") + expected + ", got " + describe_got());
  return node_.Scalar();
}

const std::string& Value::scalar_text() const { return scalar_or_fail("a scalar"); }

int64_t Value::as_int(int64_t min, int64_t max) const {
  const std::string expected =
      "an integer in " + std::to_string(min) + ".." + std::to_string(max);
  const std::string& s = scalar_or_fail(expected.c_str());
  long double v;
  if (!parse_int_text(s, &v)) fail("expected " + expected + ", got " + quote_short(s));
  if (v < static_cast<long double>(min) || v > static_cast<long double>(max)) {
    fail("value " + s + " is out of range: expected " + expected);
  }
  return static_cast<int64_t>(v);
}

uint64_t Value::as_uint(uint64_t min, uint64_t max) const {
  const std::string expected =
      "an integer in " + std::to_string(min) + ".." + std::to_string(max);
  const std::string& s = scalar_or_fail(expected.c_str());
  long double v;
  if (!parse_int_text(s, &v)) fail("expected " + expected + ", got " + quote_short(s));
  if (v < static_cast<long double>(min) || v > static_cast<long double>(max)) {
    fail("value " + s + " is out of range: expected " + expected);
  }
  // Exact conversion for the full uint64 range: re-parse in integer arithmetic.
  if (s.find_first_of("xXoObB") == std::string::npos && s[0] != '-') {
    errno = 0;
    const unsigned long long exact = std::strtoull(s.c_str(), nullptr, 10);
    if (errno == 0) return exact;
  }
  return static_cast<uint64_t>(v);
}

double Value::as_number(double min, double max) const {
  std::ostringstream os;
  os << "a number in " << min << ".." << max;
  const std::string expected = os.str();
  const std::string& s = scalar_or_fail(expected.c_str());
  errno = 0;
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (s.empty() || end != s.c_str() + s.size() || std::isnan(v) || std::isinf(v) ||
      s.find_first_of("xXpP") != std::string::npos) {
    fail("expected " + expected + ", got " + quote_short(s));
  }
  if (errno == ERANGE || v < min || v > max) {
    fail("value " + s + " is out of range: expected " + expected);
  }
  return v;
}

bool Value::as_bool() const {
  const std::string& s = scalar_or_fail("true or false");
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  fail("expected true or false, got " + quote_short(s));
}

std::string Value::as_string() const {
  const std::string& s = scalar_or_fail("a string");
  if (s.empty()) fail("expected a non-empty string, got ''");
  if (!io::valid_utf8(s)) fail("expected UTF-8 text; this string is not valid UTF-8");
  return s;
}

std::string Value::as_choice(const std::vector<std::string>& allowed) const {
  const std::string expected = "one of: " + join(allowed);
  const std::string& s = scalar_or_fail(expected.c_str());
  if (std::find(allowed.begin(), allowed.end(), s) != allowed.end()) return s;
  std::string msg = "unknown value " + quote_short(s) + "; expected " + expected;
  const std::string near = closest(s, allowed);
  if (!near.empty()) msg += " (did you mean '" + near + "'?)";
  fail(msg);
}

Map Value::as_map(std::initializer_list<const char*> allowed_keys) const {
  return Map(*this, std::vector<std::string>(allowed_keys.begin(), allowed_keys.end()));
}

Map Value::as_map(const std::vector<std::string>& allowed_keys) const {
  return Map(*this, allowed_keys);
}

std::vector<Value> Value::as_list(size_t min_size) const {
  if (!node_.IsSequence()) fail("expected a list, got " + describe_got());
  if (node_.size() < min_size) {
    fail("expected a list of at least " + std::to_string(min_size) + " entries, got " +
         std::to_string(node_.size()));
  }
  std::vector<Value> out;
  out.reserve(node_.size());
  size_t i = 0;
  for (const auto& item : node_) {
    out.emplace_back(file_, item, path_ + "[" + std::to_string(i++) + "]");
  }
  return out;
}

Map::Map(const Value& self, const std::vector<std::string>& allowed_keys) : self_(self) {
  if (!self.is_map()) {
    self.fail("expected a mapping with keys " + join(allowed_keys) + ", got " +
              (self.is_null() ? std::string("nothing (null)")
                              : self.is_sequence() ? std::string("a list") : std::string("a scalar")));
  }
  for (const auto& kv : self.node()) {
    const YAML::Node& key = kv.first;
    Value key_value(self.file_ptr(), key, self.path());
    if (!key.IsScalar()) key_value.fail("expected a plain key name, got a complex key");
    const std::string& name = key.Scalar();
    const std::string path = child_path(self.path(), name);
    Value at_key(self.file_ptr(), key, path);
    if (std::find(allowed_keys.begin(), allowed_keys.end(), name) == allowed_keys.end()) {
      std::string msg = "unknown key";
      const std::string near = closest(name, allowed_keys);
      if (!near.empty()) msg += " (did you mean '" + near + "'?)";
      msg += "; allowed keys here: " + join(allowed_keys);
      at_key.fail(msg);
    }
    for (const auto& e : entries_) {
      if (e.name == name) at_key.fail("duplicate key: it already appears earlier in this mapping");
    }
    entries_.push_back({name, kv.second, key.Mark()});
  }
}

bool Map::has(const std::string& key) const {
  for (const auto& e : entries_) {
    if (e.name == key) return true;
  }
  return false;
}

std::optional<Value> Map::opt(const std::string& key) const {
  for (const auto& e : entries_) {
    if (e.name == key) {
      return Value(self_.file_ptr(), e.node, child_path(self_.path(), key), e.key_mark);
    }
  }
  return std::nullopt;
}

Value Map::req(const std::string& key, const std::string& expected) const {
  auto v = opt(key);
  if (!v) {
    self_.fail_at_key(child_path(self_.path(), key), "missing required key; expected " + expected);
  }
  return *v;
}

std::string Map::one_of(const std::vector<std::string>& keys) const {
  std::vector<std::string> present;
  for (const auto& k : keys) {
    if (has(k)) present.push_back(k);
  }
  if (present.size() != 1) {
    self_.fail_at_key(self_.path(), "expected exactly one of " + join(keys) + ", got " +
               (present.empty() ? std::string("none") : join(present)));
  }
  return present.front();
}

std::vector<std::string> Map::keys() const {
  std::vector<std::string> out;
  for (const auto& e : entries_) out.push_back(e.name);
  return out;
}

void apply_override(const Value& root, const std::string& key, const std::string& value) {
  const std::string what = "--set " + key + "=" + value;
  std::vector<std::string> parts;
  size_t from = 0;
  while (true) {
    const size_t dot = key.find('.', from);
    parts.push_back(key.substr(from, dot == std::string::npos ? std::string::npos : dot - from));
    if (dot == std::string::npos) break;
    from = dot + 1;
  }
  YAML::Node node = root.node();
  std::string path;
  for (size_t i = 0; i < parts.size(); ++i) {
    const std::string& p = parts[i];
    if (p.empty()) throw ConfigError(root.file(), 0, 0, key, what + ": empty key in the path");
    if (p.find('[') != std::string::npos) {
      throw ConfigError(root.file(), 0, 0, key,
                        what + ": '" + p + "' indexes a list, and --set paths go through mappings "
                        "only (for example core_types.NAME.neurons); edit the list in the file");
    }
    if (!node.IsMap()) {
      throw ConfigError(root.file(), 0, 0, key,
                        what + ": '" + (path.empty() ? std::string("(top)") : path) +
                            "' is not a mapping, so it has no key '" + p + "'");
    }
    path = path.empty() ? p : path + "." + p;
    if (i + 1 == parts.size()) {
      YAML::Node parsed;
      try {
        parsed = YAML::Load(value);
      } catch (const YAML::Exception& e) {
        throw ConfigError(root.file(), 0, 0, key, what + ": invalid YAML value: " + e.msg);
      }
      node[p] = parsed;
      return;
    }
    if (!node[p]) {
      throw ConfigError(root.file(), 0, 0, key, what + ": the config has no mapping '" + path + "'");
    }
    node.reset(node[p]);  // descend (reset keeps it a handle into the same document)
  }
}

namespace {
size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1])});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}
}  // namespace

std::string closest(const std::string& word, const std::vector<std::string>& candidates) {
  if (word.size() > 64) return "";
  std::string best;
  size_t best_d = std::numeric_limits<size_t>::max();
  for (const auto& c : candidates) {
    const size_t d = edit_distance(word, c);
    if (d < best_d) best_d = d, best = c;
  }
  const size_t limit = std::max<size_t>(2, word.size() / 3);
  return best_d <= limit ? best : "";
}

std::string join(const std::vector<std::string>& words, const std::string& sep) {
  std::string out;
  for (size_t i = 0; i < words.size(); ++i) {
    if (i) out += sep;
    out += words[i];
  }
  return out;
}

}  // namespace neuromesh::config::yaml
