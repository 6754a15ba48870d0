// What a cycle-accurate run measured, for scripts (report.json, steps.csv, cores.csv, links.csv)
// and for people (report.html). Schema: docs/report-schema.md.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/network.h"
#include "sim/chip/chip_model.h"
#include "sim/config/chip_config.h"
#include "sim/map/mapper.h"
#include "sim/map/placement_quality.h"
#include "sim/report/energy.h"

namespace neuromesh::report {

constexpr int kSchemaVersion = 1;

// A probed variable over the run (analog chips: shown in report.html).
struct Trace {
  std::string population, variable, unit;
  uint32_t neuron = 0;
  std::vector<double> time_ms, values;
};

struct RunInfo {
  std::string mode, strategy, kernel;
  uint64_t steps = 0;
  uint64_t synapses = 0;
  uint32_t power_window = 10;
  std::string neuron_backend = "model";
  std::string neuron_timing = "config";   // "unit": the unit's cycle model (docs/rtl.md)
  double unit_clock_ns = 0;
  uint64_t unit_cycles = 0;               // chip cycles per unit cycle
  std::vector<Trace> traces;
  std::string placement_file;           // empty: the strategy placed the network
  map::PlacementQuality quality;
};

struct Outputs {
  std::string json, steps_csv, cores_csv, links_csv, html;
  std::string chips_csv, interchip_links_csv;   // systems of chips only
};

// `chip_summary` is the text of `neuromesh describe` (shown in the HTML with the sources).
Outputs make_report(const config::ChipConfig& chip, const models::Network& net,
                    const map::Placement& placement, chip::ChipModel& model,
                    const std::vector<chip::StepRecord>& steps, const RunInfo& info,
                    const std::string& chip_summary);

}  // namespace neuromesh::report
