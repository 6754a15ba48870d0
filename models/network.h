// A spiking network as plain data: what sim/config's network loader produces and what the mapper
// and simulators consume. Generative connectivity rules are kept as rules here; expand() in
// models/connectivity.h turns them into per-projection synapse tables.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "models/loihi_lif.h"
#include "models/param_table.h"

namespace neuromesh::models {

// Optional grid layout of a group, for local (convolution-like) connectivity: size = h * w * c,
// neuron index = (y * w + x) * c + channel.
struct Shape {
  uint32_t height = 0, width = 0, channels = 0;
  bool present() const { return height > 0; }
};

struct Population {
  std::string name;
  uint32_t size = 0;
  Shape shape;
  std::string model;    // neuron model name, registered in models/neuron_model_registry.h
  ParamTable params;    // the model's parameter schema, in its order (shared or per neuron)
};

struct InputSpike {
  uint32_t step = 0;
  uint32_t index = 0;
  int32_t payload = 1;   // graded spike value; 1 for binary spikes
  uint64_t time_ns = 0;  // timed sources (continuous-time models): biological time, ns
  bool operator<(const InputSpike& o) const {
    if (time_ns != o.time_ns) return time_ns < o.time_ns;
    return step != o.step ? step < o.step : index < o.index;
  }
};

struct InputSource {
  std::string name;
  uint32_t size = 0;
  Shape shape;
  std::vector<InputSpike> spikes;   // explicit and CSV spikes, sorted by (time, step, index)
  bool timed = false;               // spikes carry biological times (spike_times), not steps
  double background_hz = 0;         // timed: on-chip background generators, one per neuron
  bool background_regular = false;  // ... regular instead of Poisson
  bool poisson = false;
  double rate = 0.0;                // poisson: spike probability per neuron per step
  uint64_t seed = 0;
};

// A projection's source: a population or an input source.
struct Endpoint {
  bool is_input = false;
  uint32_t index = 0;
};

struct SynapseSpec {
  uint32_t pre = 0, post = 0;
  int32_t weight = 0;   // raw weight, before sign-mode/num_weight_bits quantisation
  uint32_t delay = 0;   // extra steps beyond the one-step hop, 0..63
};

// A constant (lo == hi) or a uniform integer range drawn per synapse.
struct IntRange {
  int32_t lo = 0, hi = 0;
};

enum class ConnectivityRule { explicit_list, one_to_one, all_to_all, random, local, conv };

// A convolution from a source grid [h, w, c_in] to a target grid [out_h, out_w, c_out] (both
// numbered (y * w + x) * c + channel), zero-padded: post (y, x, co) reads pre
// (y * stride_y - pad_y + ky, x * stride_x - pad_x + kx, ci) with weight [co][ci][ky][kx].
struct ConvSpec {
  uint32_t kernel_h = 0, kernel_w = 0, stride_y = 1, stride_x = 1, pad_y = 0, pad_x = 0;
  std::vector<int32_t> weights;  // c_out * c_in * kernel_h * kernel_w, or empty: drawn per element
};

struct Projection {
  std::string name;
  Endpoint from;
  uint32_t to = 0;                            // population index
  ConnectivityRule rule = ConnectivityRule::explicit_list;
  std::vector<SynapseSpec> synapses;          // explicit_list (dense and sparse inputs)
  IntRange weight, delay;                     // generative rules
  double probability = 0.0;                   // random
  uint32_t kernel = 0;                        // local: kernel x kernel window over all channels
  ConvSpec conv;                              // conv
  uint64_t seed = 0;                          // generative rules with random weights/delays/edges
  int weight_exp = 0;
  int num_weight_bits = 8;
  std::optional<loihi::SignMode> sign_mode;   // unset: inferred from the weights as Lava does
  int axon_type = -1;                         // channeled models (TrueNorth): pinned type, or -1
};

struct Probe {
  uint32_t population = 0;
  std::vector<uint32_t> neurons;
  std::vector<uint32_t> variables;   // indices into the model's probe names, ascending
};

struct Network {
  std::string file;
  std::vector<std::string> input_files;   // other files it read (spike CSVs), as resolved
  std::string name;
  uint64_t seed = 0;
  std::vector<Population> populations;
  std::vector<InputSource> inputs;
  std::vector<Projection> projections;
  std::vector<Probe> probes;

  uint32_t source_size(const Endpoint& e) const {
    return e.is_input ? inputs[e.index].size : populations[e.index].size;
  }
  const Shape& source_shape(const Endpoint& e) const {
    return e.is_input ? inputs[e.index].shape : populations[e.index].shape;
  }
  const std::string& source_name(const Endpoint& e) const {
    return e.is_input ? inputs[e.index].name : populations[e.index].name;
  }
};

}  // namespace neuromesh::models
