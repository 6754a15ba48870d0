// Random TrueNorth-style networks and chips for tests. Every population fits one core and
// projects to at most one population (a TrueNorth neuron drives one axon on one core), each
// projection has one delay (one delivery tick per neuron), weights are constant per projection
// or drawn from a set small enough for four axon types; every neuron mode is exercised.
#pragma once

#include <fmt/format.h>

#include <string>

#include "models/network.h"
#include "models/rng.h"
#include "sim/config/chip_config.h"

namespace neuromesh::testkit {

// A TrueNorth-like chip: w x h routers, one core each, `neurons` neurons and `axons` axons per core.
inline config::ChipConfig truenorth_chip(uint32_t w, uint32_t h, uint32_t neurons, uint32_t buffer,
                                         const char* routing, double tick_ns = 1e6,
                                         uint32_t axons = 256) {
  const std::string text = fmt::format(R"(chip: {{name: tn-test, family: truenorth}}
clock: {{nominal_cycle_ns: 1}}
mesh: {{width: {0}, height: {1}, cores_per_router: 1}}
core_types:
  c:
    neurons: {2}
    neuron_model: {{name: truenorth_lif}}
    synaptic_memory: {{bytes: 16384, word_bits: 64, banks: 1, access_latency_cycles: 2}}
    fan_in: 256
    fan_out: {2}
    synapse_format: {{kind: truenorth_crossbar, axons: {7}, axon_types: 4, weight_bits: 9}}
    costs:
      synaptic_op: {{energy_pj: 2, latency_cycles: 3}}
      neuron_update_active: {{energy_pj: 1, latency_cycles: 5}}
      neuron_update_inactive: {{energy_pj: 1, latency_cycles: 5}}
      spike_generation: {{energy_pj: 1, latency_cycles: 2}}
      memory_read: {{energy_pj: 0.5}}
      memory_write: {{energy_pj: 0}}
      static_power: {{mw: 0.01}}
cores: [{{name: "k[0..{3}]", type: c}}]
router:
  pipeline_stages: 1
  input_buffer_flits: {4}
  flit_bits: 32
  routing: {5}
  hops:
    east: {{energy_pj: 1, latency_cycles: 7}}
    west: {{energy_pj: 1, latency_cycles: 7}}
    north: {{energy_pj: 1, latency_cycles: 7}}
    south: {{energy_pj: 1, latency_cycles: 7}}
    local: {{energy_pj: 0, latency_cycles: 7}}
  static_power: {{mw: 0}}
timing: {{model: fixed_tick, tick_ns: {6}}}
)",
                                       w, h, neurons, w * h - 1, buffer, routing, tick_ns, axons);
  return config::parse_chip_config(text, "tn-test-chip.yaml");
}

inline models::Network random_truenorth_network(uint64_t seed, uint32_t max_size) {
  using namespace models;
  Rng r(seed);
  Network net;
  net.name = "tn-random" + std::to_string(seed);
  net.seed = seed;
  const int n_pops = 1 + int(r.range(0, 4));
  for (int p = 0; p < n_pops; ++p) {
    Population pop;
    pop.name = "p" + std::to_string(p);
    pop.size = uint32_t(r.range(1, max_size));
    pop.model = "truenorth_lif";
    auto add = [&](const char* name, int64_t lo, int64_t hi) {
      pop.params.add(name, {lo == hi ? lo : r.range(lo, hi)});
    };
    pop.params.add("threshold", {r.range(0, 3) == 0 ? r.range(0, 3) : r.range(1, 40)});
    add("leak", -6, 6);
    add("leak_reversal", 0, 1);
    add("stochastic_leak", 0, 1);
    add("neg_threshold", 0, 30);
    add("reset", -10, 10);
    add("reset_mode", 0, 2);
    add("neg_saturate", 0, 1);
    add("stochastic_synapse", 0, 15);
    add("prn_mask", 0, r.range(0, 1) ? 0 : 15);
    add("v_init", -20, 20);
    net.populations.push_back(pop);
  }
  const int n_inputs = 1 + int(r.range(0, 1));
  for (int k = 0; k < n_inputs; ++k) {
    InputSource in;
    in.name = "in" + std::to_string(k);
    in.size = uint32_t(r.range(1, 32));
    in.poisson = true;
    in.rate = 0.02 + 0.2 * r.uniform();
    in.seed = r.next();
    net.inputs.push_back(in);
  }
  auto projection = [&](Endpoint from, uint32_t to) {
    Projection p;
    p.name = net.source_name(from) + "->" + net.populations[to].name;
    p.from = from;
    p.to = to;
    p.rule = r.range(0, 3) == 0 ? ConnectivityRule::all_to_all : ConnectivityRule::random;
    p.probability = 0.05 + 0.5 * r.uniform();
    const int32_t w = int32_t(r.range(-12, 20));
    p.weight = {w, w};
    const int32_t d = int32_t(r.range(0, 3) == 0 ? r.range(0, 14) : 0);
    p.delay = {d, d};
    p.seed = r.next();
    if (r.range(0, 4) == 0) p.axon_type = int(r.range(0, 3));
    net.projections.push_back(p);
  };
  for (uint32_t k = 0; k < net.inputs.size(); ++k) {
    projection(Endpoint{true, k}, uint32_t(r.range(0, n_pops - 1)));
  }
  // Each population projects to at most one population (possibly itself).
  for (uint32_t p = 0; p < uint32_t(n_pops); ++p) {
    if (r.range(0, 4) == 0) continue;
    projection(Endpoint{false, p}, uint32_t(r.range(0, n_pops - 1)));
  }
  net.probes.push_back(Probe{0, {0}, {0}});
  return net;
}

}  // namespace neuromesh::testkit
