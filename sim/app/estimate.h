// What a run will need before it starts: memory (from the loaded network, the chip and the number
// of steps, with per-item costs measured on this code base; docs/reliability.md) and a rough
// lower bound on its time. `run` refuses a run whose memory estimate exceeds what the machine has
// available (exit 2, with the estimate); `map` prints the estimate.
#pragma once

#include <cstdint>
#include <string>

#include "sim/app/load.h"

namespace neuromesh::app {

struct RunEstimate {
  uint64_t now_bytes = 0;      // resident already (configs, network, expansion, placement)
  uint64_t more_bytes = 0;     // what the run adds
  uint64_t available_bytes = 0;  // MemAvailable of the machine (0: unknown)
  double min_seconds = 0;      // lower bound: neuron updates alone at a fast rate
  std::string text() const;    // one paragraph for people
};

RunEstimate estimate_run(const Loaded& l, const std::string& mode, const std::string& kernel,
                         uint64_t steps);

// Throws map::MapError (exit 2) naming the estimate when it exceeds the available memory.
void refuse_if_too_big(const RunEstimate& e);

}  // namespace neuromesh::app
