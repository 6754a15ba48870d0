// Registry of neuron models: what a chip config may name (`neuron_model.name`) and what a network
// population may use (`model:`). Each entry carries everything the rest of the tool needs to
// know about a model, so that no other code switches on a model's name:
//   - the fixed-point fields whose widths a chip config may set (`widths:`);
//   - the parameter schema the network loader reads `params:` with;
//   - the probe variables a network may record;
//   - how synapses feed it (a weight per synapse, or a channel per synapse with the weight held by
//     the neuron, as TrueNorth's axon types), its input channels, delays and graded spikes;
//   - the factory of its neuron unit (models/neuron_unit.h), and an optional hook that finishes
//     the synapse tables of a population of this model (TrueNorth: assigning axon types).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "models/neuron_unit.h"

namespace neuromesh::models {

struct Network;
struct ExpandedNetwork;

struct NeuronFieldWidth {
  std::string name;         // e.g. "u", "vth"
  int default_bits;         // width used when the config does not give one
  int min_bits;             // narrowest width the arithmetic supports
  int max_bits;             // widest width the arithmetic supports
  std::string meaning;      // one line for docs and `neuromesh describe`
};

// One entry of `params:` in a network population.
struct NeuronParamSpec {
  std::string name;
  int64_t min = 0, max = 0;
  bool required = false;
  int64_t fallback = 0;               // value when not required and not given
  std::vector<std::string> choices;   // non-empty: the value is one of these names (0, 1, ...)
  std::string meaning;                // one line for docs and messages
  int decimals = 0;                   // > 0: given as a decimal number, stored x 10^decimals
  std::string unit;                   // e.g. "ms", "mV" (decimal parameters)
};

// How a projection's synapses reach a neuron of this model.
enum class SynapseInput {
  weighted,   // each synapse adds weight x payload into channel 0 (Loihi dendrites)
  channeled,  // each synapse adds payload into its channel; the neuron holds one weight per
              // channel (TrueNorth: the synapse's axon type selects one of the neuron's 4 weights)
};

struct NeuronModelInfo {
  std::string name;                       // key used in YAML
  std::string description;                // one line
  std::vector<NeuronFieldWidth> fields;   // fields whose widths are configurable
  bool simulated = false;                 // networks may use it (a neuron unit exists)

  std::vector<NeuronParamSpec> params;    // schema of `params:`
  std::vector<std::string> probes;        // probe variable names, index = NeuronUnit::probe var
  SynapseInput input = SynapseInput::weighted;
  uint32_t channels = 1;                  // NeuronUnit::channels()
  bool weight_quantisation = false;       // projections take weight_exp, num_weight_bits, sign_mode
  int64_t min_weight = -256, max_weight = 255;   // raw synaptic weights a projection may give
  uint32_t max_delay = 63;                // largest synaptic delay, in steps beyond the first
  bool graded_spikes = false;             // accepts graded input payloads (not only 1)
  bool continuous = false;                // continuous-time unit (NeuronUnit::advance), analog chips
  int probe_decimals = 0;                 // probe values are fixed point with this many decimals

  std::unique_ptr<NeuronUnit> (*make)(const NeuronSlice&) = nullptr;
  // Finishes the synapse tables into population `population` (of this model) after expansion;
  // throws ExpansionError (models/connectivity.h) when they cannot be expressed.
  void (*prepare)(const Network&, uint32_t population, ExpandedNetwork&) = nullptr;

  // Index of a probe name, or -1.
  int probe_index(const std::string& var) const {
    for (size_t i = 0; i < probes.size(); ++i)
      if (probes[i] == var) return int(i);
    return -1;
  }
};

// Registry of neuron models. The built-in models register themselves on first use.
class NeuronModelRegistry {
 public:
  static NeuronModelRegistry& instance();

  // Adds a model; a second registration under the same name replaces the first.
  void add(NeuronModelInfo info);
  // Returns the model or nullptr when no model has that name.
  const NeuronModelInfo* find(const std::string& name) const;
  // The model or std::logic_error (for names already validated by a loader).
  const NeuronModelInfo& get(const std::string& name) const;
  // All registered names, sorted.
  std::vector<std::string> names() const;
  // Names of the models networks may use, sorted.
  std::vector<std::string> simulated_names() const;

 private:
  NeuronModelRegistry();
  std::vector<NeuronModelInfo> models_;
};

}  // namespace neuromesh::models
