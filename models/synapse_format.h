// Synapse memory formats of the three chip families, and how many synapses fit in a memory.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace neuromesh::models {

enum class SynapseFormatKind {
  loihi_sparse,        // per-axon lists of (target neuron, weight, delay)
  loihi_dense,         // per-axon rows of (weight, delay) over all of the core's neurons
  truenorth_crossbar,  // axons x neurons binary crossbar; 4 signed weights per neuron by axon type
  bss2_array,          // rows x columns of 6-bit weight + 6-bit source label, sign per row
};

// Name used in YAML for each kind, and the reverse lookup (false when unknown).
const char* to_string(SynapseFormatKind kind);
bool synapse_format_from_string(const std::string& name, SynapseFormatKind* out);
std::vector<std::string> synapse_format_names();

struct SynapseFormat {
  SynapseFormatKind kind = SynapseFormatKind::loihi_sparse;
  int weight_bits = 8;   // bits of one stored weight (TrueNorth: of each axon-type weight)
  int delay_bits = 0;    // Loihi formats: bits of the per-synapse delay (6 on Loihi 2: 0..63)
  int axons = 0;         // TrueNorth crossbar rows
  int axon_types = 0;    // TrueNorth: 4
  int rows = 0;          // BrainScaleS-2 array rows (synapse drivers x 2)
  int columns = 0;       // BrainScaleS-2 array columns (neurons)
  int label_bits = 0;    // BrainScaleS-2 source-address label
  double driver_interval_ns = 0;   // BrainScaleS-2: minimum event separation at a synapse driver
};

// How a format lays synapses out, for the mapper: the one place that knows each kind.
struct SynapseLayout {
  bool supported = true;          // the mapper can place onto it
  bool dense_rows = false;        // an axon's row spans every neuron of the core (loihi_dense)
  bool fixed_array = false;       // a fixed array (crossbar, BSS-2): capacity is rows, not words
  bool channeled = false;         // synapses select a per-neuron weight by channel (axon type)
  uint32_t max_axons = 0;         // fixed arrays: rows; 0: only the core's fan-in limits axons
  uint32_t routes_per_neuron = 0; // 0: unlimited; crossbar: each neuron drives one axon
  uint32_t max_delay = 0;         // largest synaptic delay the format holds
  int dxdy_bits = 0;              // >0: packets carry signed relative dx, dy of this width
  bool labelled_rows = false;     // BSS-2: sources share drivers by label (models/synapse_rows.h)
  uint32_t spike_bits = 32;       // bits of one binary spike message on the NoC
};
SynapseLayout layout_of(const SynapseFormat& format);

// Bits that one synapse occupies in memory for a core of `neurons` neurons
// (sparse lists carry the target index: ceil(log2(neurons)) bits).
int synapse_bits(const SynapseFormat& format, uint32_t neurons);

// Synapses that fit in a memory of `bytes` bytes organised in `word_bits`-bit words, where a synapse
// never straddles two words. Fixed-size arrays (crossbar, BSS-2) return their array size when it
// fits, else 0.
uint64_t synapse_capacity(const SynapseFormat& format, uint32_t neurons, uint64_t bytes,
                          int word_bits);

// Bits needed by a fixed-size array format (crossbar or BSS-2), 0 for list formats.
uint64_t fixed_array_bits(const SynapseFormat& format, uint32_t neurons);

}  // namespace neuromesh::models
