// libFuzzer target: the report reader of `neuromesh compare`.
#include <cstddef>
#include <cstdint>
#include <string>

#include "sim/config/config_error.h"
#include "sim/report/compare.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    neuromesh::report::check_report(text, "fuzz-report.json");
  } catch (const neuromesh::config::ConfigError&) {
  }
  return 0;
}
