// Expands a Network's projections into synapse tables: one CSR table per projection, indexed by
// presynaptic neuron, with weights already quantised by sign mode and num_weight_bits.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <vector>

#include "models/network.h"

namespace neuromesh::models {

struct Synapse {
  uint32_t post;
  int16_t weight;   // quantised
  uint8_t delay;    // 0..63 extra steps
  uint8_t channel;  // input channel of the post neuron (TrueNorth: axon type), 0 for Loihi
};
static_assert(sizeof(Synapse) == 8, "synapses are 8 bytes in memory");

struct SynapseTable {
  Endpoint from;
  uint32_t to = 0;
  int weight_exp = 0;
  loihi::SignMode sign_mode = loihi::SignMode::mixed;
  int num_weight_bits = 8;
  uint32_t max_delay = 0;
  std::vector<uint64_t> row;       // size pre + 1: synapses of pre j are [row[j], row[j+1])
  std::vector<Synapse> synapses;
};

struct ExpandedNetwork {
  std::vector<SynapseTable> tables;   // one per Network::projections entry
  uint64_t total_synapses = 0;
  // Per population of a channeled model (TrueNorth): each neuron's weight per channel,
  // channels per neuron; empty for weighted models. Filled by the model's prepare hook.
  std::vector<std::vector<int32_t>> channel_weights;
};

// Thrown when a network's synapses cannot be expressed by its neuron model (a fifth distinct
// weight into a TrueNorth neuron, a delay the model cannot hold): the message names the
// projection, the neuron and the values.
class ExpansionError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Thrown when a network would need more synapses than `max_synapses`.
class NetworkTooLarge : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Lava's rule when no sign mode is given: all >= 0 excitatory, all <= 0 inhibitory, else mixed.
loihi::SignMode infer_sign_mode(const std::vector<int32_t>& raw_weights);

// Expands every projection; quantises weights for models that quantise (Loihi), then runs each
// population model's prepare hook (models/neuron_model_registry.h). Throws NetworkTooLarge or
// ExpansionError.
ExpandedNetwork expand(const Network& net, uint64_t max_synapses = uint64_t{1} << 32);

}  // namespace neuromesh::models
