// `neuromesh run` and `neuromesh map`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/app/progress.h"
#include "sim/config/chip_config.h"

namespace neuromesh::app {

struct RunOptions {
  std::string chip, network, out, mode = "functional", strategy = "fill", kernel = "systemc", neuron_backend = "model";
  std::string neuron_timing = "config";  // or "unit": the neuron update unit's cycle model
  double unit_clock_ns = 0;             // --unit-clock-ns: the unit's clock period (unit timing)
  std::string placement;                // placement file, empty: the strategy places
  uint64_t quantum = 0;                 // SystemC kernel: cycles per clock activation; 0: the default
  uint32_t threads = 0;                 // functional mode of digital chips; 0: every core
  uint64_t steps = 0;
  std::string trace;                    // VCD file, empty: none
  std::string calibration;              // analog chips: calibration file, empty: ideal codes
  uint64_t trace_first = 0, trace_last = 10;
  uint32_t power_window = 10;           // steps over which peak power is averaged
  std::vector<config::Override> overrides;  // --set key=value on the chip config
  std::optional<uint64_t> seed;
  ProgressMode progress = ProgressMode::automatic;
};

// Exit status of a run whose chip failed as hardware would (a fixed-tick chip whose packets
// missed their delivery tick): the outputs are written, and say so.
constexpr int kExitHardwareFailure = 3;

int run_command(const RunOptions& options);
struct MapOptions {
  std::string chip, network, strategy = "fill";
  std::string placement;                // placement file to check and describe instead
  std::string write_placement;          // write the placement as a placement file
  bool compare = false;                 // every strategy (and the placement file) side by side
  std::optional<uint64_t> seed;
  std::vector<config::Override> overrides;
};
int map_command(const MapOptions& options);

}  // namespace neuromesh::app
