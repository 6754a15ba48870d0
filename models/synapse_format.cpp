#include "models/synapse_format.h"

namespace neuromesh::models {

namespace {
struct KindName {
  SynapseFormatKind kind;
  const char* name;
};
constexpr KindName kKindNames[] = {
    {SynapseFormatKind::loihi_sparse, "loihi_sparse"},
    {SynapseFormatKind::loihi_dense, "loihi_dense"},
    {SynapseFormatKind::truenorth_crossbar, "truenorth_crossbar"},
    {SynapseFormatKind::bss2_array, "bss2_array"},
};

int ceil_log2(uint64_t n) {
  int bits = 0;
  while ((uint64_t{1} << bits) < n) ++bits;
  return bits;
}
}  // namespace

const char* to_string(SynapseFormatKind kind) {
  for (const auto& kn : kKindNames) {
    if (kn.kind == kind) return kn.name;
  }
  return "unknown";
}

bool synapse_format_from_string(const std::string& name, SynapseFormatKind* out) {
  for (const auto& kn : kKindNames) {
    if (name == kn.name) {
      *out = kn.kind;
      return true;
    }
  }
  return false;
}

std::vector<std::string> synapse_format_names() {
  std::vector<std::string> out;
  for (const auto& kn : kKindNames) out.emplace_back(kn.name);
  return out;
}

SynapseLayout layout_of(const SynapseFormat& f) {
  SynapseLayout l;
  switch (f.kind) {
    case SynapseFormatKind::loihi_sparse:
    case SynapseFormatKind::loihi_dense:
      l.dense_rows = f.kind == SynapseFormatKind::loihi_dense;
      l.max_delay = (1u << f.delay_bits) - 1;
      break;
    case SynapseFormatKind::truenorth_crossbar:
      // Merolla14: one target axon per neuron, 9-bit signed dx/dy, delivery 1..15 ticks ahead.
      l.fixed_array = true;
      l.channeled = true;
      l.max_axons = uint32_t(f.axons);
      l.routes_per_neuron = 1;
      l.max_delay = 14;
      l.dxdy_bits = 9;
      break;
    case SynapseFormatKind::bss2_array:
      l.fixed_array = true;
      l.labelled_rows = true;
      l.spike_bits = 14;   // an event is a 14-bit label (Billaudelle22)
      l.max_axons = uint32_t(f.rows / 2) << f.label_bits;   // drivers x labels
      l.max_delay = 0;
      break;
  }
  return l;
}

int synapse_bits(const SynapseFormat& f, uint32_t neurons) {
  switch (f.kind) {
    case SynapseFormatKind::loihi_sparse:
      return f.weight_bits + f.delay_bits + ceil_log2(neurons);
    case SynapseFormatKind::loihi_dense:
      return f.weight_bits + f.delay_bits;
    case SynapseFormatKind::truenorth_crossbar:
      return 1;
    case SynapseFormatKind::bss2_array:
      return f.weight_bits + f.label_bits;
  }
  return 1;
}

uint64_t fixed_array_bits(const SynapseFormat& f, uint32_t neurons) {
  switch (f.kind) {
    case SynapseFormatKind::truenorth_crossbar:
      // The crossbar plus four signed weights per neuron.
      return uint64_t(f.axons) * neurons + uint64_t(f.axon_types) * f.weight_bits * neurons;
    case SynapseFormatKind::bss2_array:
      return uint64_t(f.rows) * f.columns * uint64_t(f.weight_bits + f.label_bits);
    default:
      return 0;
  }
}

uint64_t synapse_capacity(const SynapseFormat& f, uint32_t neurons, uint64_t bytes, int word_bits) {
  const uint64_t bits = bytes * 8;
  switch (f.kind) {
    case SynapseFormatKind::truenorth_crossbar:
      return fixed_array_bits(f, neurons) <= bits ? uint64_t(f.axons) * neurons : 0;
    case SynapseFormatKind::bss2_array:
      return fixed_array_bits(f, neurons) <= bits ? uint64_t(f.rows) * f.columns : 0;
    default: {
      const int per_synapse = synapse_bits(f, neurons);
      if (per_synapse <= 0 || per_synapse > word_bits) return 0;
      const uint64_t words = bits / uint64_t(word_bits);
      return words * uint64_t(word_bits / per_synapse);
    }
  }
}

}  // namespace neuromesh::models
