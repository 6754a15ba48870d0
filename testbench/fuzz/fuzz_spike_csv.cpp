// libFuzzer target: the spike CSV reader. The first byte picks the input's size (1..256).
#include <cstddef>
#include <cstdint>
#include <string>

#include "sim/config/config_error.h"
#include "sim/config/network_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
  try {
    neuromesh::config::parse_spike_csv(text, "fuzz.csv", uint32_t(data[0]) + 1);
  } catch (const neuromesh::config::ConfigError&) {
  }
  return 0;
}
