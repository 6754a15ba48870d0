// Replays the fuzz corpora (the shipped seeds and every crasher a campaign found, under
// testbench/fuzz/corpus/) through the fuzz targets' entry points: each input must be accepted or
// refused with the loader's own error, and under the sanitizer build without a report.
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

// The targets themselves, each under its own name.
#define LLVMFuzzerTestOneInput fuzz_chip_config
#include "testbench/fuzz/fuzz_chip_config.cpp"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_network
#include "testbench/fuzz/fuzz_network.cpp"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_spike_csv
#include "testbench/fuzz/fuzz_spike_csv.cpp"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_set_override
#include "testbench/fuzz/fuzz_set_override.cpp"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_report
#include "testbench/fuzz/fuzz_report.cpp"
#undef LLVMFuzzerTestOneInput

namespace {

namespace fs = std::filesystem;

size_t replay(const std::string& target, int (*fn)(const uint8_t*, size_t)) {
  size_t n = 0;
  for (const char* kind : {"seeds", "regressions"}) {
    const fs::path dir = fs::path(NEUROMESH_SOURCE_DIR) / "testbench/fuzz/corpus" / kind / target;
    if (!fs::is_directory(dir)) continue;
    for (const auto& e : fs::directory_iterator(dir)) {
      std::ifstream in(e.path(), std::ios::binary);
      const std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      SCOPED_TRACE(e.path().string());
      EXPECT_NO_THROW(fn(reinterpret_cast<const uint8_t*>(data.data()), data.size()));
      ++n;
    }
  }
  return n;
}

}  // namespace

TEST(FuzzCorpus, ChipConfig) { EXPECT_GT(replay("chip_config", fuzz_chip_config), 0u); }
TEST(FuzzCorpus, Network) { EXPECT_GT(replay("network", fuzz_network), 0u); }
TEST(FuzzCorpus, SpikeCsv) { EXPECT_GT(replay("spike_csv", fuzz_spike_csv), 0u); }
TEST(FuzzCorpus, SetOverride) { EXPECT_GT(replay("set_override", fuzz_set_override), 0u); }
TEST(FuzzCorpus, Report) { EXPECT_GT(replay("report", fuzz_report), 0u); }
