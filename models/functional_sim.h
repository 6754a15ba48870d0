// The functional simulator: steps a whole network in the synchronous timestep order with each
// population's neuron unit (models/neuron_unit.h, from the neuron model registry). It is the
// golden reference the cycle-accurate chip must match spike for spike, and the fast mode for
// large explorations (structure-of-arrays state, CSR synapses, no allocation per spike).
//
// Step t (0-based):
//   1. every population updates its neurons with the input that arrives at t;
//   2. input sources emit their spikes of step t;
//   3. spikes of step t (neurons and inputs) are accumulated for step t + 1 + delay.
//
// With several threads, thread k owns the k-th contiguous range of every population's neurons:
// it updates them (one neuron unit per range) and accumulates every spike's synapses onto them
// (each synapse table split by target range once, at construction). Accumulators are exact
// integers, so sums do not depend on the order of additions and the results are the same bytes
// for any number of threads.
//
// A share (several processes, sim/dist) computes only the neurons it owns: it updates them,
// keeps only the synapses that end on them, and between steps 1 and 3 an exchange replaces its
// own spikes with every share's, so that each share delivers every spike onto its neurons. The
// shares' results are those of one simulator of the whole network, for any split.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "models/connectivity.h"
#include "models/input_generator.h"
#include "models/lif_array.h"
#include "models/network.h"
#include "models/neuron_unit.h"
#include "models/phase_pool.h"

namespace neuromesh::models {

struct FunctionalCounters {
  uint64_t synaptic_ops = 0;        // synapses visited by delivered spikes
  uint64_t neuron_updates = 0;      // neuron-steps computed
  uint64_t spikes = 0;              // population spikes
  uint64_t input_spikes = 0;        // input source spikes
};

// The neurons one simulator owns, per population, ascending. Empty: every neuron.
struct Share {
  std::vector<std::vector<uint32_t>> neurons;
};

// Replaces, per population, this share's spikes of the step (ascending) with every share's
// (ascending).
using SpikeExchange = std::function<void(std::vector<std::vector<uint32_t>*>& spiked)>;

class FunctionalSim {
 public:
  FunctionalSim(const Network& net, const ExpandedNetwork& expanded, uint32_t threads = 1,
                const Share& share = {}, SpikeExchange exchange = nullptr);

  // Runs step steps_done() and advances: update(), the exchange, deliver().
  void step();
  // The two halves of a step, for callers that exchange spikes themselves (tests): update()
  // leaves this share's spikes in spiked(); the caller may replace them (mutable_spiked) with
  // every share's before deliver() accumulates them and advances.
  void update();
  void deliver();
  std::vector<uint32_t>& mutable_spiked(uint32_t p) { return pops_[p].spiked; }
  uint64_t steps_done() const { return t_; }
  uint32_t threads() const { return pool_.threads(); }

  // Neurons of population p that spiked in the last step, ascending (every share's, after the
  // exchange).
  const std::vector<uint32_t>& spiked(uint32_t p) const { return pops_[p].spiked; }
  // Whether this simulator computes neuron i of population p.
  bool owns(uint32_t p, uint32_t i) const { return pops_[p].local_of.empty() || pops_[p].local_of[i] >= 0; }
  // Probe variable `var` (index into the model's probe names) of neuron i of population p (an
  // owned neuron).
  int64_t probe(uint32_t p, uint32_t var, uint32_t i) const;
  // This share's work (input spikes: every share emits every input spike).
  const FunctionalCounters& counters() const { return counters_; }

 private:
  struct Pop {
    // Owned neurons: local index l is population neuron owned[l] (identity when local_of is empty).
    std::vector<uint32_t> owned;
    std::vector<int32_t> local_of;                   // population neuron -> local index or -1
    std::vector<std::unique_ptr<NeuronUnit>> units;  // one per thread's range (null if empty)
    std::vector<uint32_t> bounds;                    // threads + 1: local range k is [bounds[k], bounds[k+1])
    uint32_t channels = 1;
    Dendrites dendrites;
    std::vector<int64_t> a_in;
    std::vector<uint8_t> flags;
    std::vector<uint32_t> spiked;
  };
  // The synapses of one table whose targets lie in one thread's range, CSR by pre, targets as
  // local indices. Where every
  // synapse has no delay, one channel and a weight in -256..255 (Loihi tables mostly), they are
  // packed into 4 bytes each ((post << 9) | 9-bit weight): the delivery loop is bound by
  // reading synapses, and this halves the bytes it reads.
  struct Part {
    const uint64_t* row = nullptr;
    const Synapse* synapses = nullptr;
    std::vector<uint64_t> own_row;
    std::vector<Synapse> own_synapses;
    std::vector<uint32_t> packed;  // when is_packed: used instead of synapses
    bool is_packed = false;
  };
  static void pack(Part& part, const SynapseTable& t);
  struct Out {
    uint32_t table;          // projection
    uint32_t dendrite;       // its index in the target's Dendrites
  };

  uint64_t deliver(const Out& o, uint32_t part, const std::vector<uint32_t>& pre,
                   const std::vector<int32_t>* payload);

  const Network& net_;
  const ExpandedNetwork& ex_;
  SpikeExchange exchange_;
  std::vector<std::vector<uint32_t>*> exchanged_;
  PhasePool pool_;
  uint64_t t_ = 0;
  std::vector<Pop> pops_;
  std::vector<std::vector<Part>> parts_;  // [table][thread]
  std::vector<std::vector<Out>> pop_out_, input_out_;
  std::vector<InputGenerator> inputs_;
  std::vector<std::vector<uint32_t>> input_index_;
  std::vector<std::vector<int32_t>> input_payload_;
  std::vector<uint64_t> ops_;             // per thread, this step
  FunctionalCounters counters_;
};

}  // namespace neuromesh::models
