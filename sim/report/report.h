// report.json: what a cycle-accurate run measured. Schema: docs/report-schema.md.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/network.h"
#include "sim/chip/chip_model.h"
#include "sim/config/chip_config.h"
#include "sim/map/mapper.h"

namespace neuromesh::report {

constexpr int kSchemaVersion = 1;

struct RunInfo {
  std::string mode, strategy;
  uint64_t steps = 0;
  uint64_t synapses = 0;
};

std::string report_json(const config::ChipConfig& chip, const models::Network& net,
                        const map::Placement& placement, chip::ChipModel& model,
                        const std::vector<chip::StepRecord>& steps, const RunInfo& info);

}  // namespace neuromesh::report
