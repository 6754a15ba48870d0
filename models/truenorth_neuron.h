// The TrueNorth neuron (Cassidy et al. 2013, "Cognitive computing building block"), as a plain
// C++ neuron unit. shared/reference/chips.md section 4.3 gives the equations; NeMo
// (markplagge/NeMo, src/neuro/tn_neuron.c) settled the details the paper leaves open.
//
// `truenorth_step` is the one copy of the arithmetic: the functional simulator, the chip's cores
// and an RTL model all go through it (or must reproduce it bit for bit).
//
// One tick of one neuron, in this order:
//   1. Integrate. counts[G] is the number of active axons of type G (0..3) whose crossbar bit
//      to this neuron is set. Types are taken in the order G = 0, 1, 2, 3.
//        deterministic type (bit G of stochastic_synapse clear): V += counts[G] * weight[G];
//        stochastic type: for each event e = 0 .. counts[G]-1,
//          rho = rng.byte(neuron, t, DrawPurpose::synapse, (G << 24) | e),
//          V += sgn(weight[G]) if |weight[G]| >= rho.
//      V then saturates to the 20-bit range [kVMin, kVMax].
//   2. Leak. Omega = leak_reversal ? sgn(V) : 1 (V after integration).
//        deterministic: V += Omega * leak;
//        stochastic:    rho = rng.byte(neuron, t, DrawPurpose::leak),
//                       V += Omega * sgn(leak) if |leak| >= rho.
//      With leak reversal, a leak that would carry V across zero stops at zero (V = 0 whenever
//      sgn(V) changed), so a convergent leak settles at 0 instead of ringing around it.
//      V then saturates to [kVMin, kVMax].
//   3. Threshold, fire, reset. eta = rng.byte(neuron, t, DrawPurpose::threshold) & prn_mask
//      (0 when prn_mask is 0: the draw is skipped, which gives the same result).
//        if V >= threshold + eta: spike; V = reset (mode 0, normal),
//                                        V - (threshold + eta) (mode 1, linear),
//                                        V (mode 2, non-reset);
//        else if V < -(neg_saturate ? neg_threshold : neg_threshold + eta):
//          no spike; V = -neg_threshold if neg_saturate, else
//                        -reset (mode 0), V + (neg_threshold + eta) (mode 1), V (mode 2).
//      V then saturates to [kVMin, kVMax] (only a normal reset to an out-of-range R can leave
//      it).
//
// Comparisons: a stochastic event or leak fires when |s| >= rho (NeMo's comparison), with rho
// uniform in 0..255, so with probability min(|s| + 1, 256) / 256; |s| >= 255 is certain, and a
// zero weight or leak never changes V (its sign is 0). The positive threshold test is >=, the
// negative one strict <. eta = rho & M takes each value whose set bits lie within M with equal
// probability, so it lies in [0, M] with mean M / 2.
//
// Deliberate differences from NeMo: NeMo adds +1 for a stochastic event or leak whatever the
// sign; here it is sgn(s) and Omega * sgn(leak), as Cassidy 2013 writes it. NeMo draws eta
// uniformly in 0..M (and only for neurons with a stochastic leak) and shares one draw between
// synapses and threshold; here eta = rho & M (Cassidy) from independent keyed draws. NeMo clamps
// V at +-393,216 and fires on overflow; here V saturates to the 20-bit range (Merolla 2014) and
// only the threshold test fires. Saturation acts on the sum of a tick's events, not per event:
// the counts carry no order among a tick's events.
//
// Random draws are keyed by (network seed, population, neuron, t, purpose, index) through
// CounterRng (models/counter_rng.h), where `neuron` is the neuron's index in its population and
// `t` the step. The keys above are a contract: results do not depend on how the population is
// sliced onto cores, and a hardware unit must reproduce the same draws.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "models/counter_rng.h"
#include "models/neuron_unit.h"

namespace neuromesh::models {

namespace truenorth {
constexpr int kAxonTypes = 4;                         // G = 0..3, one weight per type
constexpr int64_t kVMin = -(int64_t{1} << 19);        // membrane potential: 20-bit signed
constexpr int64_t kVMax = (int64_t{1} << 19) - 1;
constexpr uint32_t kMaxPrnMask = 255;                 // the pseudo-random number is 8 bits
constexpr int kResetNormal = 0;                       // reset_mode (gamma)
constexpr int kResetLinear = 1;
constexpr int kResetNone = 2;
// Largest count of one axon type in one tick: a stochastic event's index shares the draw index
// with its type (G << 24 | e), and 2^24 x a 32-bit weight x 4 types cannot overflow 64 bits.
constexpr int64_t kMaxCount = int64_t{1} << 24;

// The ParamTable columns a TrueNorthUnit reads (by name; the table may hold them in any order).
constexpr std::array<const char*, 11> kParamNames = {
    "leak",       "leak_reversal", "stochastic_leak",    "threshold", "neg_threshold", "reset",
    "reset_mode", "neg_saturate",  "stochastic_synapse", "prn_mask",  "v_init"};
// The probe variables, index = NeuronUnit::probe var.
constexpr std::array<const char*, 1> kProbeNames = {"v"};
}  // namespace truenorth

// One neuron's parameters (Cassidy 2013 symbols in brackets).
struct TrueNorthParams {
  int32_t leak = 0;                 // [lambda] signed leak per tick
  bool leak_reversal = false;       // [epsilon] leak times sgn(V): toward zero if leak < 0
  bool stochastic_leak = false;     // [c] leak of +-1 with probability (|leak| + 1) / 256
  int32_t threshold = 0;            // [alpha] positive threshold, >= 0
  int32_t neg_threshold = 0;        // [beta] negative threshold magnitude, >= 0
  int32_t reset = 0;                // [R] reset potential
  int reset_mode = truenorth::kResetNormal;  // [gamma] 0 normal, 1 linear, 2 non-reset
  bool neg_saturate = false;        // [kappa] below -beta: V = -beta instead of a reset
  uint32_t stochastic_synapse = 0;  // [b^G] bit G set: axon type G integrates stochastically
  uint32_t prn_mask = 0;            // [M] threshold pseudo-random mask, 0..255
  int32_t v_init = 0;               // V at step 0, within [kVMin, kVMax]
  int32_t weight[truenorth::kAxonTypes] = {0, 0, 0, 0};  // [s^G] signed 9-bit per axon type
};

// Advances one neuron by tick `t` (see the top of this file for the order of operations).
// `v` is its membrane potential, within [kVMin, kVMax]; 0 <= counts[G] <= kMaxCount. `neuron`
// is the neuron's index in its population.
// Returns true when the neuron spikes.
bool truenorth_step(const TrueNorthParams& p, int32_t& v, const int64_t counts[4],
                    const CounterRng& rng, uint32_t neuron, uint64_t t);

// A slice of TrueNorth neurons of one population. Channel G of a neuron's input is counts[G]:
// step() reads in[i * 4 + G]. The only probe variable is "v" (var 0).
class TrueNorthUnit final : public NeuronUnit {
 public:
  // Reads the parameters kParamNames of population neurons slice.neurons from slice.params, and their weights from (*slice.channel_weights)[neuron * 4 + G] (all 0
  // when channel_weights is null or empty). Throws std::logic_error for a missing parameter and
  // std::invalid_argument for a value out of range or a too short channel_weights.
  explicit TrueNorthUnit(const NeuronSlice& slice);

  uint32_t size() const override { return uint32_t(v_.size()); }
  uint32_t channels() const override { return truenorth::kAxonTypes; }
  // flags[i] = (spiked ? kSpiked : 0) | (any count of neuron i > 0 ? kActive : 0).
  void step(uint64_t t, const int64_t* in, uint8_t* flags) override;
  int64_t probe(uint32_t var, uint32_t i) const override;

  // For tests and an external neuron update unit (the RTL).
  uint32_t neuron(uint32_t i) const { return neurons_[i]; }  // population index of local i
  const CounterRng& rng() const { return rng_; }
  int32_t v(uint32_t i) const { return v_[i]; }
  void set_v(uint32_t i, int32_t v) { v_[i] = v; }
  const TrueNorthParams& params(uint32_t i) const { return params_[i]; }

 private:
  CounterRng rng_;
  std::vector<uint32_t> neurons_;
  std::vector<TrueNorthParams> params_;
  std::vector<int32_t> v_;
};

std::unique_ptr<NeuronUnit> make_truenorth_unit(const NeuronSlice& slice);

}  // namespace neuromesh::models
