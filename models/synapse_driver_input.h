// BrainScaleS-2-style input stage (models/input_stage.h): a synapse array whose rows are fed by
// synapse drivers. A packet is one event for one driver and label (the axon of the core's
// table); every synapse of the driver's two rows that stores that label receives it, with the
// row's sign, as a timed event for the neuron of its column. A driver takes one event per
// `interval` substeps (8 ns on BSS-2): an event that arrives sooner waits, and is counted.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <queue>
#include <stdexcept>
#include <vector>

#include "models/input_stage.h"
#include "models/synapse_rows.h"

namespace neuromesh::models {

class SynapseDriverInput final : public InputStage {
 public:
  // `axons` sources over `neurons` columns; `drivers` drivers of 2 rows, labels of `label_bits`;
  // times in integration substeps, `substeps_per_cycle` of them per clock cycle.
  SynapseDriverInput(uint32_t neurons, uint32_t axons, uint32_t drivers, uint32_t label_bits,
                     uint64_t interval, uint64_t substeps_per_cycle)
      : neurons_(neurons), drivers_(drivers), label_bits_(label_bits), interval_(interval),
        k_(substeps_per_cycle), syn_(axons), driver_of_(axons, 0), free_(drivers, 0) {}

  void add_synapse(uint32_t axon, uint32_t post, int32_t weight, uint32_t, uint32_t channel) override {
    syn_[axon].push_back({post, channel, weight});
  }

  // Places every source on a driver, a label and rows (the mapper checked that they fit).
  void seal() override {
    std::vector<RowSource> src(syn_.size());
    for (size_t a = 0; a < syn_.size(); ++a) {
      for (const auto& s : syn_[a]) (s.channel == 0 ? src[a].exc : src[a].inh).push_back(s.post);
    }
    std::vector<RowSlot> slots;
    std::string why;
    if (pack_rows(src, drivers_, label_bits_, neurons_, slots, &why) != src.size()) {
      throw std::logic_error("synapse array does not fit (the mapper should have refused): " + why);
    }
    for (size_t a = 0; a < slots.size(); ++a) driver_of_[a] = slots[a].driver;
  }

  InputWork on_packet(uint32_t axon, int64_t, uint64_t, uint64_t cycle) override {
    const uint64_t arrive = cycle * k_;
    uint64_t& free = free_[driver_of_[axon]];
    const uint64_t at = std::max(arrive, free);
    free = at + interval_;
    InputWork w;
    if (at > arrive) {
      w.delayed = 1;
      w.delay_substeps = at - arrive;
    }
    for (const auto& s : syn_[axon]) pending_.push(TimedEvent{at, s.post, s.channel, s.weight});
    w.synaptic_ops = syn_[axon].size();
    return w;
  }
  uint64_t deadline_step(uint32_t, uint64_t step) const override { return step; }
  InputWork collect(uint64_t, std::vector<int64_t>&, std::vector<uint32_t>&) override {
    throw std::logic_error("SynapseDriverInput is continuous-time: use take_events()");
  }
  void take_events(uint64_t until, std::vector<TimedEvent>& out) override {
    while (!pending_.empty() && pending_.top().at < until) {
      out.push_back(pending_.top());
      pending_.pop();
    }
  }

 private:
  struct Syn {
    uint32_t post, channel;
    int32_t weight;
  };
  struct Later {
    bool operator()(const TimedEvent& a, const TimedEvent& b) const { return b < a; }
  };
  uint32_t neurons_, drivers_, label_bits_;
  uint64_t interval_, k_;
  std::vector<std::vector<Syn>> syn_;
  std::vector<uint32_t> driver_of_;
  std::vector<uint64_t> free_;   // substep from which each driver takes its next event
  std::priority_queue<TimedEvent, std::vector<TimedEvent>, Later> pending_;
};

}  // namespace neuromesh::models
