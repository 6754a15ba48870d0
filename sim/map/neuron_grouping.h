// The order in which the connectivity strategy cuts a population into core-sized groups:
// grow each group by the neuron that shares the most presynaptic sources (projection, pre
// neuron) with the neurons already in it, so that neurons reading the same inputs land on one
// core whatever their indices. Plain C++; used by sim/map/mapper.cpp.
//
// A shared source is an axon the core stores once instead of twice: the score counts, for
// every source already in the group, its synapses onto each candidate. Scores only grow while
// a group grows, so a max-heap with stale entries skipped is exact. The neuron that did not fit
// seeds the next group (it shares most with the group just closed, which keeps groups compact
// on grids); a group with no candidate left takes the lowest-index free neuron.
#pragma once

#include <cstdint>
#include <queue>
#include <vector>

#include "models/connectivity.h"

namespace neuromesh::map {

class NeuronGrouping {
 public:
  // `row`/`sources`: the population's incoming synapses as (projection, pre), CSR by neuron
  // (the mapper's incoming()).
  struct Source {
    uint32_t projection, pre;
  };
  NeuronGrouping(const models::ExpandedNetwork& ex, uint32_t population, uint32_t size,
                 const std::vector<uint64_t>& row, const std::vector<Source>& sources)
      : ex_(ex), row_(row), sources_(sources), taken_(size, 0), score_(size, 0) {
    uint64_t synapses = 0;
    for (uint32_t k = 0; k < ex.tables.size(); ++k) {
      if (ex.tables[k].to != population) continue;
      stamp_.resize(k + 1);
      stamp_[k].assign(ex.tables[k].row.size(), UINT32_MAX);
      synapses += ex.tables[k].synapses.size();
    }
    budget_ = kBudgetPerSynapse * synapses + kBudgetBase;
  }

  // The next neuron to offer to the growing group, or UINT32_MAX when every neuron is taken.
  uint32_t next() {
    if (pending_ != UINT32_MAX) return pending_;
    while (!heap_.empty()) {
      const uint64_t top = heap_.top();
      heap_.pop();
      const uint32_t i = UINT32_MAX - uint32_t(top);
      if (!taken_[i] && score_[i] == uint32_t(top >> 32)) return pending_ = i;
    }
    while (cursor_ < taken_.size() && taken_[cursor_]) ++cursor_;
    return cursor_ < taken_.size() ? (pending_ = cursor_) : UINT32_MAX;
  }

  // The offered neuron joined the group: its sources now count for the candidates.
  void taken(uint32_t i) {
    taken_[i] = 1;
    pending_ = UINT32_MAX;
    for (uint64_t s = row_[i]; s < row_[i + 1]; ++s) {
      const auto [k, pre] = sources_[s];
      uint32_t& mark = stamp_[k][pre];
      if (mark == group_) continue;
      mark = group_;
      const auto& tab = ex_.tables[k];
      if (spent_ + (tab.row[pre + 1] - tab.row[pre]) > budget_) continue;
      spent_ += tab.row[pre + 1] - tab.row[pre];
      for (uint64_t q = tab.row[pre]; q < tab.row[pre + 1]; ++q) {
        const uint32_t post = tab.synapses[q].post;
        if (taken_[post]) continue;
        if (score_[post] == 0) touched_.push_back(post);
        ++score_[post];
        heap_.push((uint64_t(score_[post]) << 32) | (UINT32_MAX - post));
      }
    }
  }

  // The offered neuron did not fit: the group is closed and that neuron seeds the next one.
  void group_closed() {
    ++group_;
    for (uint32_t i : touched_) score_[i] = 0;
    touched_.clear();
    heap_ = {};
  }

 private:
  // Scoring stops after this many synapse visits per stored synapse (then groups grow in index
  // order): a bound for networks without structure, where sharing is noise anyway.
  static constexpr uint64_t kBudgetPerSynapse = 64, kBudgetBase = 1u << 20;

  const models::ExpandedNetwork& ex_;
  const std::vector<uint64_t>& row_;
  const std::vector<Source>& sources_;
  std::vector<uint8_t> taken_;
  std::vector<uint32_t> score_, touched_;
  std::vector<std::vector<uint32_t>> stamp_;  // [projection][pre]: last group holding it
  std::priority_queue<uint64_t> heap_;        // score << 32 | ~neuron: ties to the lower index
  uint32_t group_ = 0, pending_ = UINT32_MAX;
  size_t cursor_ = 0;
  uint64_t budget_ = 0, spent_ = 0;
};

}  // namespace neuromesh::map
