// Strict, position-aware access to a parsed YAML document. Internal to sim/config: the only code
// in the project that includes yaml-cpp. Every accessor either returns a value that satisfies its
// stated type and range, or throws ConfigError naming file, line, column and key path.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/config/config_error.h"

namespace neuromesh::config::yaml {

class Map;

// Largest input file accepted; configs are small, networks can carry big matrices.
constexpr size_t kMaxFileBytes = size_t{256} << 20;

// Reads a whole text file; `expected` (e.g. "a YAML file") is named when the path is a directory
// or not a regular file. Throws ConfigError for missing, unreadable or oversized files.
std::string read_text_file(const std::string& path, const std::string& expected = "a YAML file");
// The same for any file of at most `max_bytes` bytes (binary sidecars).
std::string read_file(const std::string& path, const std::string& expected, uint64_t max_bytes);

class Value {
 public:
  Value(std::shared_ptr<const std::string> file, YAML::Node node, std::string path);
  // A mapping's entry: also remembers where its key stands, for errors about the entry as a whole.
  Value(std::shared_ptr<const std::string> file, YAML::Node node, std::string path,
        const YAML::Mark& key_mark);

  // Parses `text` (named `file` in messages) into its root value. Empty documents are an error
  // that says what the document should contain (`expected`).
  static Value parse(const std::string& text, const std::string& file, const std::string& expected);

  const std::string& path() const { return path_; }
  const std::string& file() const { return *file_; }
  int line() const;    // 1-based
  int column() const;  // 1-based
  [[noreturn]] void fail(const std::string& message) const;
  // Like fail(), but points at the entry's key when there is one ("mesh:" rather than the first
  // line inside it): for errors about a mapping as a whole, such as a missing key.
  [[noreturn]] void fail_at_key(const std::string& key_path, const std::string& message) const;

  bool is_null() const { return !node_ || node_.IsNull(); }
  bool is_scalar() const { return node_.IsScalar(); }
  bool is_sequence() const { return node_.IsSequence(); }
  bool is_map() const { return node_.IsMap(); }

  int64_t as_int(int64_t min, int64_t max) const;
  uint64_t as_uint(uint64_t min, uint64_t max) const;
  double as_number(double min, double max) const;
  bool as_bool() const;
  std::string as_string() const;  // any non-empty scalar
  std::string as_choice(const std::vector<std::string>& allowed) const;
  Map as_map(std::initializer_list<const char*> allowed_keys) const;
  Map as_map(const std::vector<std::string>& allowed_keys) const;
  std::vector<Value> as_list(size_t min_size = 0) const;
  // For numeric arrays in big inputs: the raw scalar text without copies of the node.
  const std::string& scalar_text() const;

  const YAML::Node& node() const { return node_; }
  const std::shared_ptr<const std::string>& file_ptr() const { return file_; }

 private:
  std::string describe_got() const;
  const std::string& scalar_or_fail(const char* expected) const;

  std::shared_ptr<const std::string> file_;
  YAML::Node node_;
  std::string path_;
  YAML::Mark key_mark_ = YAML::Mark::null_mark();
};

class Map {
 public:
  Map(const Value& self, const std::vector<std::string>& allowed_keys);

  const Value& self() const { return self_; }
  bool has(const std::string& key) const;
  Value req(const std::string& key, const std::string& expected) const;
  std::optional<Value> opt(const std::string& key) const;
  // Errors unless exactly one of the keys is present; returns its name.
  std::string one_of(const std::vector<std::string>& keys) const;
  std::vector<std::string> keys() const;  // in document order

 private:
  Value self_;
  struct Entry {
    std::string name;
    YAML::Node node;
    YAML::Mark key_mark;
  };
  std::vector<Entry> entries_;
};

// Sets the value at dot path `key` (mapping keys only) of `root` to the YAML text `value`.
// Every mapping on the way must exist; the last key may be new (the loader then checks it like
// any other key). Throws ConfigError naming the override when the path or the value is unusable.
void apply_override(const Value& root, const std::string& key, const std::string& value);

// "did you mean" suggestion: the closest of `candidates` to `word`, or "" when none is close.
std::string closest(const std::string& word, const std::vector<std::string>& candidates);
std::string join(const std::vector<std::string>& words, const std::string& sep = ", ");

}  // namespace neuromesh::config::yaml
