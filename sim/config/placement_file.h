// A placement file (docs/placement-format.md): which core holds which neurons, as CSV rows
// `core,population,first,last` (an inclusive neuron range; a core may take several rows of one
// population). Read against a chip and a network: every neuron placed exactly once, one
// population and one core type per population's cores, the core running the population's
// neuron model. The mapper then checks every core's limits (map::place_network).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/network.h"
#include "sim/config/chip_config.h"

namespace neuromesh::config {

struct UserPlacement {
  std::string file;
  std::vector<std::vector<uint32_t>> core_of;  // [population][neuron] -> ChipConfig::cores index
  std::vector<std::string> origin;             // [core] -> "file:line" of its first row, or ""
};

UserPlacement load_placement(const std::string& path, const ChipConfig& chip,
                             const models::Network& net);
// Same from text; `name` stands for the file in messages.
UserPlacement parse_placement(const std::string& text, const std::string& name,
                              const ChipConfig& chip, const models::Network& net);

}  // namespace neuromesh::config
