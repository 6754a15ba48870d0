// libFuzzer target: --set KEY=VALUE, applied to the shipped Loihi 2-like config. The input is
// one or more lines, each one --set argument.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "sim/config/chip_config.h"
#include "sim/config/config_error.h"
#include "sim/config/yaml_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string base =
      neuromesh::config::yaml::read_text_file(NEUROMESH_SOURCE_DIR "/configs/chips/loihi2.yaml");
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  std::vector<neuromesh::config::Override> overrides;
  for (std::string line; std::getline(in, line);) {
    neuromesh::config::Override o;
    if (neuromesh::config::parse_override(line, &o)) overrides.push_back(o);
  }
  try {
    neuromesh::config::parse_chip_config(base, "loihi2.yaml", overrides);
  } catch (const neuromesh::config::ConfigError&) {
  }
  return 0;
}
