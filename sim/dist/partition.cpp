#include "sim/dist/partition.h"

#include <string>

namespace neuromesh::dist {

uint32_t Partition::rank_of_chip(uint32_t chip) const {
  uint32_t r = 0;
  while (r + 1 < ranks && chip >= first_chip[r + 1]) ++r;
  return r;
}

Partition partition_chips(const config::ChipConfig& chip, const map::Placement& pl, uint32_t ranks) {
  const uint32_t chips = chip.system.present ? chip.system.chips() : 1;
  if (ranks > chips) {
    throw map::MapError(
        std::to_string(ranks) + " MPI ranks for " + std::to_string(chips) + " chip" + (chips == 1 ? "" : "s") +
        " of '" + chip.name + "': a run is shared between ranks by whole chips, so at most one rank per chip" +
        (chip.system.present ? "" : " (run a system of chips, --system, to use several ranks)"));
  }
  std::vector<uint64_t> load(chips, 0);
  for (uint32_t c = 0; c < pl.cores.size(); ++c) {
    const auto& cm = pl.cores[c];
    if (cm.used()) load[chip.system.chip_of_core(c)] += cm.synapses + cm.count();
  }
  uint64_t total = 0;
  for (uint64_t w : load) total += w;
  Partition p;
  p.ranks = ranks;
  p.first_chip.assign(ranks + 1, chips);
  p.first_chip[0] = 0;
  p.work.assign(ranks, 0);
  // Rank r takes chips while the work before them is below r / ranks of the total (prefix split),
  // leaving at least one chip for each later rank.
  uint64_t before = 0;
  uint32_t c = 0;
  for (uint32_t r = 0; r < ranks; ++r) {
    p.first_chip[r] = c;
    const unsigned __int128 target = (unsigned __int128)total * (r + 1);
    while (c < chips - (ranks - 1 - r) &&
           (c == p.first_chip[r] || (unsigned __int128)(before + load[c]) * ranks <= target ||
            r + 1 == ranks)) {
      before += load[c];
      p.work[r] += load[c];
      ++c;
    }
  }
  p.first_chip[ranks] = chips;
  return p;
}

models::Share share_of(const config::ChipConfig& chip, const map::Placement& pl, const Partition& part,
                       uint32_t rank) {
  std::vector<uint8_t> mine(chip.cores.size(), 0);
  for (uint32_t c = 0; c < chip.cores.size(); ++c) mine[c] = part.rank_of_chip(chip.system.chip_of_core(c)) == rank;
  models::Share s;
  s.neurons.resize(pl.core_of.size());
  for (uint32_t p = 0; p < pl.core_of.size(); ++p) {
    const auto& core_of = pl.core_of[p];
    for (uint32_t i = 0; i < core_of.size(); ++i) {
      if (mine[core_of[i]]) s.neurons[p].push_back(i);
    }
  }
  return s;
}

}  // namespace neuromesh::dist
