// `neuromesh noc`: latency and throughput of the chip's router under synthetic uniform random
// traffic, on a mesh of a chosen size (the NoC characterisation of docs/noc.md).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/config/chip_config.h"

namespace neuromesh::app {

struct NocSweepOptions {
  std::string chip;
  uint32_t width = 0, height = 0;  // 0: the chip config's mesh
  std::vector<double> rates;       // offered load, flits per terminal per cycle
  uint32_t flits = 1;              // packet length
  uint64_t warmup = 2000, measure = 10000;
  uint64_t seed = 1;
  std::vector<config::Override> overrides;
};

int noc_sweep_command(const NocSweepOptions& options);

}  // namespace neuromesh::app
