// libFuzzer target: the chip-config loader. Any input is accepted or refused with a ConfigError;
// anything else (a crash, a sanitizer report, another exception) is a finding.
#include <cstddef>
#include <cstdint>
#include <string>

#include "sim/config/chip_config.h"
#include "sim/config/config_error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    neuromesh::config::parse_chip_config(text, "fuzz-chip.yaml");
  } catch (const neuromesh::config::ConfigError&) {
  }
  return 0;
}
