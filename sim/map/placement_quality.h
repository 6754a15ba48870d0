// How good a placement is, from the placement alone (no run): packets and hops if every source
// neuron spiked once, the most loaded mesh link on the chip's dimension-order paths, the core
// with the most synaptic work, and lower bounds on the cores any placement needs.
#pragma once

#include <cstdint>
#include <string>

#include "models/connectivity.h"
#include "models/network.h"
#include "sim/config/chip_config.h"
#include "sim/map/mapper.h"

namespace neuromesh::map {

struct PlacementQuality {
  uint32_t cores_used = 0;
  uint64_t packets = 0;        // per step in which every source neuron (and input) spikes once
  uint64_t hops = 0;           // router-to-router hops of those packets
  double hops_per_packet() const { return packets ? double(hops) / double(packets) : 0.0; }
  // The directed link that carries most of those packets (router x, y and the output port
  // east/west/north/south), on x-then-y paths (y-then-x on yx chips; west-first chips route
  // adaptively and are estimated on x-then-y paths). Empty port: no packet leaves a router.
  uint32_t link_x = 0, link_y = 0;
  std::string link_port;
  uint64_t link_packets = 0;
  // The core with the most synapses (synaptic events per such step) and the packets it takes in.
  uint32_t core = 0;
  uint64_t core_synapses = 0, core_packets = 0;
  // Lower bounds on the cores any placement needs (one population per core, so each is summed
  // over populations): by neurons per core, by synaptic memory (every presynaptic neuron's
  // synapses into a population in whole words of its format), by fan-in (every distinct source
  // of a population is an axon on at least one core), and the largest of the three per
  // population, summed.
  uint64_t bound_neurons = 0, bound_memory = 0, bound_fan_in = 0, bound = 0;
  // Systems of chips: chips holding a used core, inter-chip crossings of those packets (a packet
  // crossing two chip edges counts twice), and the busiest gateway (chip edge and direction).
  uint32_t chips_used = 0;
  uint64_t interchip_crossings = 0;
  uint32_t gateway_chip = 0;
  std::string gateway_port;
  uint64_t gateway_packets = 0;
};

PlacementQuality placement_quality(const config::ChipConfig& chip, const models::Network& net,
                                   const models::ExpandedNetwork& ex, const Placement& placement);

// Lines for `neuromesh map`.
std::string describe_quality(const config::ChipConfig& chip, const PlacementQuality& q);

}  // namespace neuromesh::map
