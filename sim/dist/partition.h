// How a system's chips are shared between the ranks of a distributed run: each rank owns a
// contiguous run of chips (in chip order: row-major over the grid), the runs balanced by work
// (synapses plus neurons placed on each chip). A rank computes the neurons placed on its chips
// and integrates the synapses that end on them; the partition never changes a result, only who
// computes it. docs/systems.md.
#pragma once

#include <cstdint>
#include <vector>

#include "models/functional_sim.h"
#include "sim/config/chip_config.h"
#include "sim/map/mapper.h"

namespace neuromesh::dist {

struct Partition {
  uint32_t ranks = 1;
  std::vector<uint32_t> first_chip;   // ranks + 1: rank r owns chips [first_chip[r], first_chip[r+1])
  std::vector<uint64_t> work;         // per rank: synapses + neurons on its chips
  uint32_t rank_of_chip(uint32_t chip) const;
};

// Throws map::MapError when there are more ranks than chips (a chip is never split).
Partition partition_chips(const config::ChipConfig& chip, const map::Placement& placement, uint32_t ranks);
// The neurons rank `rank` owns, per population, ascending.
models::Share share_of(const config::ChipConfig& chip, const map::Placement& placement,
                       const Partition& partition, uint32_t rank);

}  // namespace neuromesh::dist
