// `neuromesh bench`: speed and memory of a cycle-accurate run, as JSON.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/app/progress.h"
#include "sim/config/chip_config.h"

namespace neuromesh::app {

struct BenchOptions {
  std::string chip, network, kernel = "systemc", strategy = "locality";
  uint64_t steps = 1000;
  uint32_t threads = 1;   // ChipModel::set_threads
  uint64_t quantum = 0;   // SystemC kernel: cycles per activation of its clock (0: the default)
  bool json = false;
  std::vector<config::Override> overrides;
  ProgressMode progress = ProgressMode::automatic;
};

int bench_command(const BenchOptions& options);

}  // namespace neuromesh::app
