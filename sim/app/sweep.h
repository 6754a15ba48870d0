// `neuromesh sweep`: one network on many variants of a chip (mesh shape, buffers, routing,
// placement, any config key), cycle-accurate, one CSV row per variant.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/app/progress.h"

namespace neuromesh::app {

struct SweepOptions {
  std::string chip, network, out;
  uint64_t steps = 100;
  std::vector<std::string> vary;        // KEY=V1,V2,...
  std::vector<std::string> strategies;  // placement strategies (default: fill)
  uint32_t power_window = 10;
  ProgressMode progress = ProgressMode::automatic;
  bool resume = false;                  // keep the finished rows of OUT.partial
  uint32_t jobs = 1;                    // variants run at once (threads)
};

int sweep_command(const SweepOptions& options);

}  // namespace neuromesh::app
