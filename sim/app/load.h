// Loading a chip and a network and mapping one onto the other: what run, map and bench share.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "models/adex.h"
#include "models/connectivity.h"
#include "models/continuous_sim.h"
#include "models/network.h"
#include "sim/config/chip_config.h"
#include "sim/map/mapper.h"

namespace neuromesh::app {

struct Loaded {
  config::ChipConfig chip;
  models::Network net;
  models::ExpandedNetwork ex;
  map::Placement placement;
  models::AdexCalibration calibration;   // analog chips: loaded with --calibration (else empty)
  // Wall seconds of each phase: reading the files, expanding the connectivity, placing.
  double load_seconds = 0, expand_seconds = 0, map_seconds = 0;
};

// Throws config::ConfigError for bad files and map::MapError (naming both files) for a network
// that does not fit. `placement_file`, when not empty, is a placement file (sim/config/
// placement_file.h) that replaces the strategy.
Loaded load_and_map(const std::string& chip, const std::string& network,
                    const std::string& strategy, std::optional<uint64_t> seed,
                    const std::vector<config::Override>& overrides = {},
                    const std::string& placement_file = "");
// The two halves of load_and_map: reading and expanding (no placement yet), then placing.
Loaded load_unplaced(const std::string& chip, const std::string& network,
                     std::optional<uint64_t> seed, const std::vector<config::Override>& overrides);
void place(Loaded& l, const std::string& chip, const std::string& network,
           const std::string& strategy, const std::string& placement_file);

// Analog chips: refuses (map::MapError) a population parameter outside its capmem range.
void check_analog_params(const Loaded& l);
// The functional mode's time base of an analog chip: circuits from the placement, latencies
// measured on the chip's NoC.
models::ContinuousTiming continuous_timing(const Loaded& l, const models::AdexCalibration* cal);

}  // namespace neuromesh::app
