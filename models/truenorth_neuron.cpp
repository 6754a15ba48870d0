#include "models/truenorth_neuron.h"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string>

namespace neuromesh::models {

namespace {

using truenorth::kVMax;
using truenorth::kVMin;

int64_t sgn(int64_t x) { return (x > 0) - (x < 0); }
int64_t abs64(int64_t x) { return x < 0 ? -x : x; }
int64_t saturate(int64_t v) { return v < kVMin ? kVMin : (v > kVMax ? kVMax : v); }

// Phase 1: the synaptic events of the four axon types, in type order.
int64_t integrate(const TrueNorthParams& p, int64_t v, const int64_t counts[4],
                  const CounterRng& rng, uint32_t neuron, uint64_t t) {
  for (uint32_t g = 0; g < uint32_t(truenorth::kAxonTypes); ++g) {
    const int64_t w = p.weight[g];
    if ((p.stochastic_synapse >> g & 1u) == 0) {
      v += counts[g] * w;
      continue;
    }
    const int64_t step = sgn(w), magnitude = abs64(w);
    if (step == 0) continue;  // a zero weight never moves V, whatever the draws
    for (int64_t e = 0; e < counts[g]; ++e) {
      const uint32_t index = g << 24 | uint32_t(e);
      if (magnitude >= int64_t(rng.byte(neuron, t, DrawPurpose::synapse, index))) v += step;
    }
  }
  return saturate(v);
}

// Phase 2: the leak, with leak reversal's stop at zero.
int64_t leak(const TrueNorthParams& p, int64_t v, const CounterRng& rng, uint32_t neuron,
             uint64_t t) {
  const int64_t omega = p.leak_reversal ? sgn(v) : 1;
  const int64_t lambda = p.leak;
  int64_t next = v;
  if (!p.stochastic_leak) {
    next += omega * lambda;
  } else if (omega != 0 && lambda != 0 &&
             abs64(lambda) >= int64_t(rng.byte(neuron, t, DrawPurpose::leak))) {
    next += omega * sgn(lambda);
  }
  if (p.leak_reversal && sgn(next) != sgn(v)) next = 0;
  return saturate(next);
}

// Phase 3: threshold, fire and reset. Returns true on a spike.
bool fire(const TrueNorthParams& p, int64_t& v, const CounterRng& rng, uint32_t neuron,
          uint64_t t) {
  const int64_t eta =
      p.prn_mask == 0 ? 0 : int64_t(rng.byte(neuron, t, DrawPurpose::threshold) & p.prn_mask);
  const int64_t alpha = int64_t{p.threshold} + eta;
  if (v >= alpha) {
    switch (p.reset_mode) {
      case truenorth::kResetNormal: v = p.reset; break;
      case truenorth::kResetLinear: v -= alpha; break;
      default: break;  // non-reset: V stays
    }
    v = saturate(v);
    return true;
  }
  const int64_t beta = int64_t{p.neg_threshold} + (p.neg_saturate ? 0 : eta);
  if (v < -beta) {
    if (p.neg_saturate) {
      v = -int64_t{p.neg_threshold};
    } else {
      switch (p.reset_mode) {
        case truenorth::kResetNormal: v = -int64_t{p.reset}; break;
        case truenorth::kResetLinear: v += beta; break;
        default: break;  // non-reset: V stays
      }
    }
    v = saturate(v);
  }
  return false;
}

// A parameter of one neuron, checked against [lo, hi].
int64_t checked(int64_t value, const char* name, uint32_t neuron, int64_t lo, int64_t hi) {
  if (value < lo || value > hi) {
    throw std::invalid_argument("truenorth neuron " + std::to_string(neuron) + ": parameter '" +
                                name + "' = " + std::to_string(value) + " is outside [" +
                                std::to_string(lo) + ", " + std::to_string(hi) + "]");
  }
  return value;
}

}  // namespace

bool truenorth_step(const TrueNorthParams& p, int32_t& v, const int64_t counts[4],
                    const CounterRng& rng, uint32_t neuron, uint64_t t) {
  int64_t x = integrate(p, v, counts, rng, neuron, t);
  x = leak(p, x, rng, neuron, t);
  const bool spiked = fire(p, x, rng, neuron, t);
  v = int32_t(x);
  return spiked;
}

TrueNorthUnit::TrueNorthUnit(const NeuronSlice& slice)
    : rng_{slice.seed, slice.population}, neurons_(slice.neurons) {
  if (slice.params == nullptr) throw std::invalid_argument("truenorth unit: no parameter table");
  const ParamTable& table = *slice.params;
  // Resolve the columns once (the per-neuron lookups below are then by index).
  size_t col[truenorth::kParamNames.size()];
  for (size_t k = 0; k < truenorth::kParamNames.size(); ++k) {
    col[k] = table.find(truenorth::kParamNames[k]);
    if (col[k] == ParamTable::npos) {
      throw std::logic_error(std::string("parameter '") + truenorth::kParamNames[k] +
                             "' is not in the table");
    }
  }
  const std::vector<int32_t>* weights = slice.channel_weights;
  const bool has_weights = weights != nullptr && !weights->empty();
  uint32_t top = 0;
  for (uint32_t n : slice.neurons) top = std::max(top, n + 1);
  const size_t needed = size_t(top) * truenorth::kAxonTypes;
  if (has_weights && weights->size() < needed) {
    throw std::invalid_argument("truenorth unit: channel_weights holds " +
                                std::to_string(weights->size()) + " values, " +
                                std::to_string(needed) + " needed");
  }
  constexpr int64_t kI32Min = std::numeric_limits<int32_t>::min();
  constexpr int64_t kI32Max = std::numeric_limits<int32_t>::max();
  params_.resize(slice.count());
  v_.resize(slice.count());
  for (uint32_t i = 0; i < slice.count(); ++i) {
    const uint32_t n = slice.neurons[i];
    auto get = [&](size_t k, int64_t lo, int64_t hi) {
      return checked(table.get(col[k], n), truenorth::kParamNames[k], n, lo, hi);
    };
    TrueNorthParams& p = params_[i];
    p.leak = int32_t(get(0, kI32Min, kI32Max));
    p.leak_reversal = get(1, 0, 1) != 0;
    p.stochastic_leak = get(2, 0, 1) != 0;
    p.threshold = int32_t(get(3, 0, kI32Max));
    p.neg_threshold = int32_t(get(4, 0, kI32Max));
    p.reset = int32_t(get(5, kI32Min, kI32Max));
    p.reset_mode = int(get(6, truenorth::kResetNormal, truenorth::kResetNone));
    p.neg_saturate = get(7, 0, 1) != 0;
    p.stochastic_synapse = uint32_t(get(8, 0, (1 << truenorth::kAxonTypes) - 1));
    p.prn_mask = uint32_t(get(9, 0, truenorth::kMaxPrnMask));
    p.v_init = int32_t(get(10, kVMin, kVMax));
    for (int g = 0; g < truenorth::kAxonTypes; ++g)
      p.weight[g] = has_weights ? (*weights)[size_t(n) * truenorth::kAxonTypes + g] : 0;
    v_[i] = p.v_init;
  }
}

void TrueNorthUnit::step(uint64_t t, const int64_t* in, uint8_t* flags) {
  for (uint32_t i = 0; i < size(); ++i) {
    const int64_t* counts = in + size_t(i) * truenorth::kAxonTypes;
    const bool active = counts[0] > 0 || counts[1] > 0 || counts[2] > 0 || counts[3] > 0;
    const bool spiked = truenorth_step(params_[i], v_[i], counts, rng_, neurons_[i], t);
    flags[i] = uint8_t((spiked ? kSpiked : 0) | (active ? kActive : 0));
  }
}

int64_t TrueNorthUnit::probe(uint32_t var, uint32_t i) const {
  if (var != 0) throw std::out_of_range("truenorth unit: probe variable " + std::to_string(var));
  return v_[i];
}

std::unique_ptr<NeuronUnit> make_truenorth_unit(const NeuronSlice& slice) {
  return std::make_unique<TrueNorthUnit>(slice);
}

}  // namespace neuromesh::models
