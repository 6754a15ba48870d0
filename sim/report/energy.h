// Counters into energy and power. Dynamic energy = count x per-operation energy of the chip
// config, charged once per event (a neuron update is active or inactive, never both; a packet's
// local-link energy is charged once, when it is delivered to its core). Static energy = static
// power of every core and router x simulated time.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/chip/chip_model.h"

namespace neuromesh::report {

struct Category {
  std::string name;     // e.g. "synaptic_ops"
  uint64_t count = 0;   // events
  double energy_pj = 0;
  std::string source;   // where the per-event figure comes from
};

struct EnergyReport {
  std::vector<Category> categories;       // dynamic energy by category
  double dynamic_pj = 0, static_pj = 0;
  double core_static_mw = 0, router_static_mw = 0;
  std::vector<double> core_pj;            // dynamic, by ChipConfig::cores index
  std::vector<double> router_pj;          // dynamic (link traversals), by router id
  std::vector<double> gateway_pj;         // systems: dynamic, by gateway (MeshNoc::gateways())
  double time_ns = 0;
  double average_mw = 0;
  double peak_mw = 0;                     // over `window` consecutive steps
  uint32_t window = 1;
  uint64_t peak_first_step = 0;
  double total_pj() const { return dynamic_pj + static_pj; }
};

EnergyReport compute_energy(const chip::ChipModel& model,
                            const std::vector<chip::StepRecord>& steps, uint32_t window);

}  // namespace neuromesh::report
