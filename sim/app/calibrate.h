// `neuromesh calibrate`: per-circuit capmem codes for an analog chip (models/adex_calibration.h),
// written as a file `run --calibration` loads, with the residual spread before and after.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sim/app/load.h"
#include "sim/config/chip_config.h"

namespace neuromesh::app {

struct CalibrateOptions {
  std::string chip, network, out, strategy = "fill";
  std::optional<uint64_t> seed;
  std::vector<config::Override> overrides;
};

int calibrate_command(const CalibrateOptions& o);

// Reads a calibration file for the loaded chip and network: refuses (map::MapError, naming the
// file and line) a file made for another chip or chip sample, a malformed row, and a used
// circuit whose entry is missing or was calibrated for another target.
models::AdexCalibration load_calibration(const std::string& file, const Loaded& l);

}  // namespace neuromesh::app
