// The one error type of configuration input (chip configs, networks, command lines).
#pragma once

#include <stdexcept>
#include <string>

namespace neuromesh::config {

class ConfigError : public std::runtime_error {
 public:
  // line and column are 1-based; 0 means unknown.
  ConfigError(std::string file, int line, int column, std::string key, std::string message);

  const std::string& file() const { return file_; }
  int line() const { return line_; }
  int column() const { return column_; }
  const std::string& key() const { return key_; }
  const std::string& message() const { return message_; }

 private:
  std::string file_;
  int line_;
  int column_;
  std::string key_;
  std::string message_;
};

}  // namespace neuromesh::config
