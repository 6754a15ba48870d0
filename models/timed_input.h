// The spikes of a timed input source (continuous-time chips), in time order and in integration
// substeps: its explicit spike_times, and, for a background source, the events of its on-chip
// background generators (one per neuron of the source): Poisson (exponential intervals drawn
// from keyed counter-based draws, so the train does not depend on the window length or the
// mode) or regular, at rate_hz of biological time, each at least one substep apart. The
// functional mode and the chip both read inputs through it.
#pragma once

#include <cmath>
#include <cstdint>
#include <queue>
#include <vector>

#include "models/counter_rng.h"
#include "models/network.h"

namespace neuromesh::models {

class TimedInput {
 public:
  TimedInput(const InputSource& src, uint32_t source_index, double substep_bio_ns)
      : src_(&src), substep_ns_(substep_bio_ns), rng_{src.seed, source_index} {
    if (src.background_hz > 0) {
      mean_ = 1e9 / src.background_hz / substep_bio_ns;   // substeps between events
      for (uint32_t i = 0; i < src.size; ++i) {
        count_.push_back(0);
        heap_.push({interval(i), i});
      }
    }
  }

  // The next spike before substep `end`: false when there is none.
  bool next(uint64_t end, uint32_t& index, uint64_t& at) {
    const auto& s = src_->spikes;
    const bool have_list = cursor_ < s.size();
    const uint64_t list_at = have_list ? substep_of(s[cursor_].time_ns) : UINT64_MAX;
    const uint64_t gen_at = heap_.empty() ? UINT64_MAX : heap_.top().at;
    if (std::min(list_at, gen_at) >= end) return false;
    if (list_at <= gen_at) {
      index = s[cursor_].index;
      at = list_at;
      ++cursor_;
      return true;
    }
    const Pending p = heap_.top();
    heap_.pop();
    index = p.neuron;
    at = p.at;
    heap_.push({p.at + interval(p.neuron), p.neuron});
    return true;
  }

 private:
  struct Pending {
    uint64_t at;
    uint32_t neuron;
    bool operator<(const Pending& o) const { return at != o.at ? at > o.at : neuron > o.neuron; }
  };
  uint64_t substep_of(uint64_t ns) const { return uint64_t(std::llround(double(ns) / substep_ns_)); }
  // Substeps to generator i's next event (>= 1).
  uint64_t interval(uint32_t i) {
    const uint64_t k = count_[i]++;
    if (src_->background_regular) return std::max<uint64_t>(1, uint64_t(std::llround(mean_)));
    const double u = (double(rng_.bits(i, k, DrawPurpose::synapse) >> 11) + 1.0) / 9007199254740992.0;
    return std::max<uint64_t>(1, uint64_t(std::llround(-std::log(u) * mean_)));
  }

  const InputSource* src_;
  double substep_ns_;
  CounterRng rng_;
  size_t cursor_ = 0;
  double mean_ = 0;
  std::vector<uint64_t> count_;
  std::priority_queue<Pending> heap_;
};

}  // namespace neuromesh::models
