// The BrainScaleS-2-style analog neuron: an adaptive exponential integrate-and-fire (AdEx)
// circuit with exponentially decaying excitatory and inhibitory synaptic inputs (current- or
// conductance-based), a refractory period, and the imperfections of an analog circuit:
//   - every analog parameter is stored as a capmem code (10 bits by default) over a range the
//     chip config gives, so a target is realised only to the nearest code;
//   - fixed-pattern mismatch: each circuit realises a code as nominal(code) * (1 + g) + o, with
//     g and o drawn once per (chip sample, circuit, parameter) from normal spreads the config
//     gives; calibration (models/adex_calibration.h) picks per-circuit codes that undo it;
//   - temporal noise on the membrane (Euler-Maruyama, sigma in mV / sqrt(ms) of biological time).
// Units are biological (ms, mV, pF, nS, pA); hardware time is biological time / acceleration.
//
// One integration substep h (biological ms) of neuron i, in this order (docs/models.md):
//   1. the synaptic events of this substep add weight x w_e (or w_i) to the input (pA for
//      current-based, nS for conductance-based inputs); events of one substep are summed as
//      integers first, so their order never matters;
//   2. with I = I_e - I_i (current) or g_e (E_e - v) + g_i (E_i - v) (conductance):
//        dv/dt = (-g_L (v - E_L) + g_L dT exp((v - V_T) / dT) - w + I + I_offset) / C
//        dw/dt = (a (v - E_L) - w) / tau_w
//      v and w advance by Heun's method (second order: the slopes at the start and at the
//      Euler-predicted end of the substep, averaged; the inputs at the end are the decayed ones);
//      v is held at V_reset while refractory; v += sigma sqrt(h) N(0, 1) when noise is on; the
//      inputs decay by exp(-h / tau_syn);
//   3. v >= V_peak: spike at this substep, v = V_reset, w += b, refractory for t_ref. The
//      crossing is placed inside the substep by linear interpolation; the refractory period
//      starts there and integration resumes mid-substep when it ends, so spike intervals carry
//      no bias of up to a substep each (the circuit is continuous; the reported time is the
//      substep of the crossing).
// A target of exactly 0 for dT, a or b switches that part of the circuit off (the exponential
// term, the subthreshold or the spike-triggered adaptation): the digital enable bits of the
// circuit, free of mismatch. dT = 0 with a = b = 0 is a LIF neuron.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "models/counter_rng.h"
#include "models/neuron_unit.h"
#include "models/param_table.h"

namespace neuromesh::models {

// The model's parameters, in the order of its schema (models/neuron_model_registry.cpp). Every
// value is stored in the ParamTable as an integer of thousandths (3 decimals).
enum AdexParam : uint32_t {
  kCm, kTauM, kEL, kVT, kDeltaT, kVPeak, kVReset, kTRef, kA, kB, kTauW, kTauSynE, kTauSynI,
  kIOffset, kWE, kWI, kERevE, kERevI, kSynapse, kAdexParams
};
constexpr int kAdexDecimals = 3;
// The parameters that live in capmem cells (all but c_m, a digital capacitor setting, and the
// synapse mode, a digital switch).
inline bool adex_in_capmem(uint32_t p) { return p != kCm && p != kSynapse && p < kAdexParams; }
const char* adex_param_name(uint32_t p);

// Range of one capmem parameter and the spread of its circuits' mismatch.
struct CapmemRange {
  double min = 0, max = 0;
  double gain_spread = 0;     // relative, standard deviation
  double offset_spread = 0;   // in the parameter's unit, standard deviation
};

// Per-circuit capmem codes chosen by calibration: key (circuit << 8) | parameter.
struct AdexCalibration {
  std::unordered_map<uint64_t, uint32_t> code;
  static uint64_t key(uint32_t circuit, uint32_t param) { return uint64_t(circuit) << 8 | param; }
};

// What a chip gives its analog neurons: the time base and the circuits' imperfections.
struct AnalogSetup {
  double substep_ms = 0.001;          // integration substep, biological ms
  int capmem_bits = 10;
  std::vector<CapmemRange> range;     // indexed by AdexParam
  bool mismatch = true;
  uint64_t mismatch_seed = 0;         // the chip sample
  double noise = 0;                   // membrane noise, mV / sqrt(ms)
  uint64_t noise_seed = 0;            // the network seed
  const AdexCalibration* calibration = nullptr;
};

uint32_t capmem_max_code(int bits);
// The nearest code to `target` on an ideal circuit (clamped to the range).
uint32_t capmem_code(const CapmemRange& r, int bits, double target);
double capmem_nominal(const CapmemRange& r, int bits, uint32_t code);
// What circuit `circuit` realises for code `code` of parameter `p`, with its mismatch.
double capmem_realised(const AnalogSetup& a, uint32_t circuit, uint32_t p, uint32_t code);

// The realised parameters of one circuit.
struct AdexCircuit {
  double c_m = 200, g_l = 10, e_l = -70, v_t = -50, delta_t = 2, v_peak = 0, v_reset = -58;
  double a = 0, b = 0, tau_w = 100, tau_e = 5, tau_i = 5, i_offset = 0, w_e = 0, w_i = 0;
  double e_rev_e = 0, e_rev_i = -80;
  double t_ref = 0;   // ms
  bool conductance = false, exponential = true, adapt_a = false, adapt_b = false;
};

// A parameter's target value for neuron `neuron` of a population (biological units).
double adex_target(const ParamTable& params, uint32_t p, uint32_t neuron);
// The code circuit `circuit` uses for parameter `p` at `target`: the calibration's, else the
// ideal circuit's.
uint32_t adex_code(const AnalogSetup& a, uint32_t circuit, uint32_t p, double target);
// Realises neuron `neuron`'s parameters on circuit `circuit`; `codes` (kAdexParams entries),
// when given, overrides the code of every capmem parameter (calibration's search).
AdexCircuit adex_realise(const AnalogSetup& a, const ParamTable& params, uint32_t neuron,
                         uint32_t circuit, const uint32_t* codes = nullptr);

class AdexUnit final : public NeuronUnit {
 public:
  // Probe variables: v (mV), w (pA), syn_e and syn_i (pA or nS), all in thousandths.
  enum Probe : uint32_t { kProbeV, kProbeW, kProbeSynE, kProbeSynI };

  AdexUnit(std::vector<AdexCircuit> circuits, std::vector<uint32_t> circuit_ids,
           const AnalogSetup& setup);
  uint32_t size() const override { return uint32_t(c_.size()); }
  uint32_t channels() const override { return 2; }
  void step(uint64_t, const int64_t*, uint8_t*) override;
  void advance(uint64_t from, uint64_t to, const TimedEvent* events, size_t n,
               std::vector<TimedSpike>& spikes) override;
  int64_t probe(uint32_t var, uint32_t i) const override;

  // State access for calibration's measurements.
  double v(uint32_t i) const { return v_[i]; }
  void set_v(uint32_t i, double v) { v_[i] = v; }
  const AdexCircuit& circuit(uint32_t i) const { return c_[i]; }

 private:
  void substep(uint32_t i, uint64_t s, double in_e, double in_i, std::vector<TimedSpike>& spikes);
  std::vector<AdexCircuit> c_;
  std::vector<uint32_t> ids_;
  double h_ = 0, sqrt_h_ = 0, noise_ = 0;
  uint64_t noise_seed_ = 0;
  std::vector<double> v_, w_, ie_, ii_, decay_e_, decay_i_;
  std::vector<double> ref_;   // refractory time left, ms
  std::vector<int64_t> sum_e_, sum_i_;
};

std::unique_ptr<NeuronUnit> make_adex_unit(const NeuronSlice& slice);

struct Network;
struct ExpandedNetwork;
// Prepare hook: a synapse's sign becomes its channel (0 excitatory, 1 inhibitory), its weight
// the magnitude.
void adex_sign_rows(const Network& net, uint32_t population, ExpandedNetwork& ex);

}  // namespace neuromesh::models
