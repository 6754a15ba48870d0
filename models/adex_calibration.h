// Calibration of analog AdEx circuits (models/adex.h): for each circuit, the capmem codes that
// bring its measured parameters closest to their targets, found as the real system's
// calibration does (calix): a binary search over each code, measuring the emulated circuit
// through its membrane potential at every step, parameters in dependency order:
//   e_l       resting potential: no input, spiking off, v averaged after 5 tau_m;
//   v_reset   potential held after a spike (read during the refractory period);
//   v_peak    highest potential reached before the first spike under a slow current ramp;
//   tau_m     time for v to relax from e_l - 10 mV to within 10/e mV of the measured e_l;
//   tau_syn_e, tau_syn_i   from the time to peak of a single PSP (PSC) with the measured tau_m:
//             t_peak = tau_m tau_s / (tau_m - tau_s) ln(tau_m / tau_s).
// Other parameters keep their ideal codes. The measurements run with the circuits' mismatch and
// membrane noise, exactly as a run would see them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/adex.h"
#include "models/param_table.h"

namespace neuromesh::models {

// One circuit to calibrate: its id and the targets of the neuron placed on it.
struct CalibrationTarget {
  uint32_t circuit = 0;
  const ParamTable* params = nullptr;
  uint32_t neuron = 0;
};

constexpr uint32_t kCalibratedParams[] = {kEL, kVReset, kVPeak, kTauM, kTauSynE, kTauSynI};

struct CalibrationResult {
  // codes[i][p]: the code of parameter p for circuit i (every capmem parameter).
  std::vector<std::vector<uint32_t>> codes;
  // measured[i][p] before (ideal codes) and after (calibrated codes), for calibrated params.
  std::vector<std::vector<double>> before, after;
};

// Measures parameter `p` of every circuit with the given codes (kAdexParams per circuit);
// `known` holds earlier measurements (e_l for tau_m; tau_m for tau_syn).
std::vector<double> measure_adex(const AnalogSetup& setup, const std::vector<CalibrationTarget>& t,
                                 const std::vector<std::vector<uint32_t>>& codes, uint32_t p,
                                 const std::vector<std::vector<double>>& known);

// Calibrates every circuit (binary search of `iterations` steps per parameter).
CalibrationResult calibrate_adex(const AnalogSetup& setup, const std::vector<CalibrationTarget>& t);

}  // namespace neuromesh::models
