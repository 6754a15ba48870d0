// TrueNorth's synapses are crossbar bits: an axon has one of four types, and each neuron holds one
// signed weight per type. This pass turns the weighted synapses of a network's projections into
// that form, placement-independently (it sees the network, not the cores):
//   - every presynaptic neuron of a projection (one axon wherever its targets are placed) gets
//     one axon type G, the first of 0..3 whose weight is free or already equal at every one of
//     its target neurons (or the type the projection pins with `axon_type`). First-fit is a
//     heuristic: it can refuse a network that a cleverer assignment would hold (then the
//     message suggests pinning types with `axon_type`);
//   - each target neuron's weight of type G becomes that synapse's weight; the synapse then
//     carries channel G and weight 1 (one event).
// It refuses, naming the projection, the neurons and the values, what a crossbar cannot hold: a
// fifth distinct weight, two synapses between the same pair in one projection, a presynaptic
// neuron whose targets need different delays (a TrueNorth neuron has one delivery tick per
// target), a delay beyond 14 steps, a graded input spike.
#pragma once

#include <cstdint>

namespace neuromesh::models {

struct Network;
struct ExpandedNetwork;

// Prepare hook of the truenorth_lif model (models/neuron_model_registry.h).
void assign_axon_types(const Network& net, uint32_t population, ExpandedNetwork& ex);

}  // namespace neuromesh::models
