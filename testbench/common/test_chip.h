// A small chip config for tests, with the knobs tests turn.
#pragma once

#include <fmt/format.h>

#include <string>

#include "sim/config/chip_config.h"

namespace neuromesh::testkit {

inline config::ChipConfig chip(uint32_t w, uint32_t h, uint32_t neurons, uint64_t bytes,
                               uint32_t fan_in, uint32_t fan_out, int weight_bits = 8,
                               int delay_bits = 6, const char* kind = "loihi_sparse",
                               uint32_t cores_per_router = 1, uint32_t buffer = 4,
                               const char* routing = "xy") {
  const std::string text = fmt::format(R"(chip: {{name: t, family: custom}}
clock: {{frequency_mhz: 1000}}
mesh: {{width: {0}, height: {1}, cores_per_router: {10}}}
core_types:
  c:
    neurons: {2}
    neuron_model: {{name: loihi_cuba_lif}}
    synaptic_memory: {{bytes: {3}, word_bits: 64, banks: 1, access_latency_cycles: 1}}
    fan_in: {4}
    fan_out: {5}
    synapse_format: {{kind: {8}, weight_bits: {6}, delay_bits: {7}}}
    costs:
      synaptic_op: {{energy_pj: 1, latency_cycles: 3}}
      neuron_update_active: {{energy_pj: 1, latency_cycles: 2}}
      neuron_update_inactive: {{energy_pj: 1, latency_cycles: 1}}
      spike_generation: {{energy_pj: 1, latency_cycles: 4}}
      memory_read: {{energy_pj: 0}}
      memory_write: {{energy_pj: 0}}
      static_power: {{mw: 0}}
cores: [{{name: "c[0..{9}]", type: c}}]
router:
  pipeline_stages: 2
  input_buffer_flits: {11}
  flit_bits: 32
  routing: {12}
  hops:
    east: {{energy_pj: 1, latency_cycles: 2}}
    west: {{energy_pj: 1, latency_cycles: 3}}
    north: {{energy_pj: 1, latency_cycles: 4}}
    south: {{energy_pj: 1, latency_cycles: 5}}
    local: {{energy_pj: 1, latency_cycles: 1}}
  static_power: {{mw: 0}}
timing: {{model: barrier, barrier: {{energy_pj: 0, latency_cycles: 10}}}}
)",
                                       w, h, neurons, bytes, fan_in, fan_out, weight_bits,
                                       delay_bits, kind, w * h * cores_per_router - 1,
                                       cores_per_router, buffer, routing);
  return config::parse_chip_config(text, "test-chip.yaml");
}

}  // namespace neuromesh::testkit
