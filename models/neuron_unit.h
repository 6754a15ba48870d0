// The neuron unit of a core (or of a whole population in the functional simulator): state,
// parameters and one step of every neuron it holds. Each neuron model implements it once; the
// functional simulator, the chip's cores and the RTL co-simulation all drive the same code, so
// there is exactly one copy of each model's arithmetic. docs/models.md describes the contract.
#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <vector>

#include "models/counter_rng.h"
#include "models/param_table.h"

namespace neuromesh::models {

// Result flags of one neuron's step.
enum : uint8_t { kSpiked = 1, kActive = 2 };

// What a unit is built from: some neurons of one population (any set: a mapper groups neurons
// by connectivity, not by index). Local neuron i of the unit is population neuron neurons[i].
struct NeuronSlice {
  const ParamTable* params = nullptr;   // the population's parameters (indexed by population neuron)
  uint32_t population = 0;              // index in Network::populations
  std::vector<uint32_t> neurons;        // population index of each local neuron
  uint32_t count() const { return uint32_t(neurons.size()); }
  uint64_t seed = 0;                    // network seed: the counter-based draws' key
  // Per-neuron weights of each input channel, channels() per neuron, for models whose synapses
  // carry a channel (axon type) instead of a weight (TrueNorth); empty otherwise. Indexed by
  // population neuron.
  const std::vector<int32_t>* channel_weights = nullptr;
  // Continuous-time (analog) models: the chip's time base and circuit imperfections, and the
  // circuit each neuron of the slice sits on (count() entries); null for the digital models.
  const struct AnalogSetup* analog = nullptr;
  const uint32_t* circuits = nullptr;
};

// Neurons 0 .. n - 1: a slice holding a whole population.
inline std::vector<uint32_t> all_neurons(uint32_t n) {
  std::vector<uint32_t> v(n);
  for (uint32_t i = 0; i < n; ++i) v[i] = i;
  return v;
}

// Continuous-time units: one synaptic event, taking effect at integration substep `at`
// (absolute), on local neuron `neuron`, input channel `channel` (0 excitatory, 1 inhibitory),
// with the stored weight magnitude `weight`.
struct TimedEvent {
  uint64_t at = 0;
  uint32_t neuron = 0;
  uint32_t channel = 0;
  int32_t weight = 0;
  bool operator<(const TimedEvent& o) const {
    if (at != o.at) return at < o.at;
    if (neuron != o.neuron) return neuron < o.neuron;
    return channel < o.channel;
  }
};
// A spike of a continuous-time unit: the substep at whose update the neuron crossed threshold.
struct TimedSpike {
  uint64_t at = 0;
  uint32_t neuron = 0;
};

class NeuronUnit {
 public:
  virtual ~NeuronUnit() = default;
  virtual uint32_t size() const = 0;
  // Input values per neuron that step() reads: in[i * channels() + c].
  virtual uint32_t channels() const = 0;
  // Advances every neuron by step `t` with the summed input `in`; writes flags[i] (kSpiked,
  // kActive: "active" decides which per-update cost the chip charges).
  virtual void step(uint64_t t, const int64_t* in, uint8_t* flags) = 0;
  // Value of probe variable `var` (an index into the model's probe names) of neuron i.
  virtual int64_t probe(uint32_t var, uint32_t i) const = 0;
  // Continuous-time units (NeuronModelInfo::continuous) advance over integration substeps
  // [from, to) instead of stepping: `events` (sorted, every `at` in [from, to)) take effect at
  // their substeps; spikes are appended in (substep, neuron) order. Digital units never get it.
  virtual void advance(uint64_t from, uint64_t to, const TimedEvent* events, size_t n,
                       std::vector<TimedSpike>& spikes);
};

inline void NeuronUnit::advance(uint64_t, uint64_t, const TimedEvent*, size_t,
                                std::vector<TimedSpike>&) {
  throw std::logic_error("advance() called on a stepped (digital) neuron unit");
}

}  // namespace neuromesh::models
