// Places a network onto a chip's cores within each core's limits (neurons, synaptic memory in the
// chip's own synapse format, fan-in, fan-out), lays out each core's synaptic memory and builds the
// routing tables the NoC will use. Plain C++: no SystemC, no YAML.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "models/connectivity.h"
#include "models/network.h"
#include "sim/config/chip_config.h"
#include "sim/config/placement_file.h"

namespace neuromesh::map {

// fill: index-range slices on cores in chip order; locality: index-range slices placed to
// shorten routes; connectivity: slices grouped by shared presynaptic sources (independent of
// neuron numbering), placed as locality does.
enum class Strategy { fill, locality, connectivity };
const std::vector<std::string>& strategy_names();
Strategy strategy_from_string(const std::string& name);  // name must be one of strategy_names()

// A network that does not fit: names the limit, the core and by how much.
class MapError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// One axon input of a core: the synapses of presynaptic neuron `pre` of projection `projection`
// onto this core's neurons, stored at words [word_offset, word_offset + words).
struct AxonList {
  uint32_t projection = 0;
  uint32_t pre = 0;
  uint32_t synapses = 0;
  uint32_t words = 0;
  uint64_t word_offset = 0;
};

struct CoreMap {
  // Neurons of one population on this core (one population per core), or population == npos
  // when unused. Local neuron i is population neuron neurons[i]; the list is ascending but need
  // not be a contiguous range (the connectivity strategy groups neurons by what they share).
  static constexpr uint32_t npos = UINT32_MAX;
  uint32_t population = npos;
  std::vector<uint32_t> neurons;
  uint32_t count() const { return uint32_t(neurons.size()); }
  std::vector<AxonList> axons;    // synaptic memory layout, axon id = index
  uint64_t synapses = 0;
  uint64_t words_used = 0;
  uint64_t words_capacity = 0;
  uint32_t fan_out = 0;           // routes leaving this core's neurons
  bool used() const { return population != npos; }
};

// Where a spike of one source neuron must go: one packet per (core, axon).
struct Route {
  uint32_t core = 0;
  uint32_t axon = 0;
};

// Routes of one source group (a population or an input source), CSR by neuron.
struct RoutingTable {
  std::vector<uint64_t> row;      // size + 1
  std::vector<Route> routes;
};

struct Placement {
  Strategy strategy = Strategy::fill;
  std::string file;                            // the placement file it came from, or ""
  std::vector<CoreMap> cores;                  // one per ChipConfig::cores entry
  std::vector<std::vector<uint32_t>> core_of;  // [population][neuron] -> core index
  std::vector<std::vector<uint32_t>> local_of; // [population][neuron] -> index on its core
  std::vector<RoutingTable> population_routes; // [population]
  std::vector<RoutingTable> input_routes;      // [input source]; inputs enter at router (0, 0)
  uint64_t routes = 0;                         // packets sent if every neuron spiked once
  uint64_t route_hops = 0;                     // hops of those packets
  double hops_per_packet() const { return routes ? double(route_hops) / double(routes) : 0.0; }
  uint32_t cores_used() const;
};

// Bits one synapse of `table` takes in memory on a core of type `type` (the chip's format with
// the projection's own weight width and, when it uses delays, the chip's delay bits).
int synapse_bits(const config::CoreTypeConfig& type, const models::SynapseTable& table);

Placement map_network(const config::ChipConfig& chip, const models::Network& net,
                      const models::ExpandedNetwork& ex, Strategy strategy);

// The placement a user gave (a placement file), checked against every limit of every core like
// the mapper's own; errors name the file line that put the offending core's first neurons there.
Placement place_network(const config::ChipConfig& chip, const models::Network& net,
                        const models::ExpandedNetwork& ex, const config::UserPlacement& given);

// The placement as a placement file (sim/config/placement_file.h): one row per run of
// consecutive neurons on a core, cores in chip order. place_network() reads it back to the
// same placement.
std::string placement_csv(const config::ChipConfig& chip, const models::Network& net,
                          const Placement& placement);

// "strategy fill" or "placement file F".
std::string placement_source(const Placement& placement);

// Human-readable placement: cores used, neurons and synapse bytes per core, hops per spike.
std::string describe_placement(const config::ChipConfig& chip, const models::Network& net,
                               const Placement& placement);

}  // namespace neuromesh::map
