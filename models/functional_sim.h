// The functional simulator: steps a whole network in Loihi's timestep order with the bit-exact
// LIF arithmetic. It is the golden reference the cycle-accurate chip must match spike for spike,
// and the fast mode for large explorations (structure-of-arrays state, CSR synapses, no
// allocation per spike).
//
// Step t (0-based):
//   1. every population updates its neurons with the input that arrives at t;
//   2. input sources emit their spikes of step t;
//   3. spikes of step t (neurons and inputs) are accumulated for step t + 1 + delay.
#pragma once

#include <cstdint>
#include <vector>

#include "models/connectivity.h"
#include "models/network.h"
#include "models/rng.h"

namespace neuromesh::models {

struct FunctionalCounters {
  uint64_t synaptic_ops = 0;        // synapses visited by delivered spikes
  uint64_t neuron_updates = 0;      // neuron-steps computed
  uint64_t spikes = 0;              // population spikes
  uint64_t input_spikes = 0;        // input source spikes
};

class FunctionalSim {
 public:
  FunctionalSim(const Network& net, const ExpandedNetwork& expanded);

  // Runs step steps_done() and advances.
  void step();
  uint64_t steps_done() const { return t_; }

  // Neurons of population p that spiked in the last step, ascending.
  const std::vector<uint32_t>& spiked(uint32_t p) const { return pops_[p].spiked; }
  int64_t u(uint32_t p, uint32_t i) const { return pops_[p].u[i]; }
  int64_t v(uint32_t p, uint32_t i) const { return pops_[p].v[i]; }
  const FunctionalCounters& counters() const { return counters_; }

 private:
  struct Pop {
    // Parameters as the update loop uses them.
    std::vector<int64_t> du_factor, dv_factor, threshold, bias;
    std::vector<int32_t> refractory;
    // State.
    std::vector<int64_t> u, v;
    std::vector<int32_t> refractory_left;
    std::vector<int64_t> a_in;           // scratch: this step's total input
    std::vector<uint32_t> incoming;      // projection indices
    std::vector<uint32_t> spiked;
  };
  struct Acc {
    uint32_t ring = 1;                   // delay slots: max_delay + 1
    uint32_t post = 0;
    std::vector<int64_t> slots;          // ring x post
  };
  struct Source {
    std::vector<uint32_t> outgoing;      // projection indices
  };
  struct InputState {
    size_t cursor = 0;                   // next explicit spike
    Rng rng{0};
    std::vector<uint32_t> index;         // emitted this step
    std::vector<int32_t> payload;
  };

  void deliver(uint32_t projection, const std::vector<uint32_t>& pre,
               const std::vector<int32_t>* payload);

  const Network& net_;
  const ExpandedNetwork& ex_;
  uint64_t t_ = 0;
  std::vector<Pop> pops_;
  std::vector<Acc> acc_;
  std::vector<Source> pop_out_, input_out_;
  std::vector<InputState> inputs_;
  FunctionalCounters counters_;
};

}  // namespace neuromesh::models
