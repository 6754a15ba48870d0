// Spikes of an input source, step by step: its explicit (and CSV) spikes, then its Poisson draws.
// The functional simulator and the chip's host interface both use it, so they see the same input.
#pragma once

#include <cstdint>
#include <vector>

#include "models/network.h"
#include "models/rng.h"

namespace neuromesh::models {

class InputGenerator {
 public:
  explicit InputGenerator(const InputSource& src) : src_(&src), rng_(src.seed) {}

  // The spikes of step t; call with t = 0, 1, 2, ... in order.
  void emit(uint64_t t, std::vector<uint32_t>& index, std::vector<int32_t>& payload) {
    index.clear();
    payload.clear();
    const auto& spikes = src_->spikes;
    while (cursor_ < spikes.size() && spikes[cursor_].step < t) ++cursor_;
    while (cursor_ < spikes.size() && spikes[cursor_].step == t) {
      index.push_back(spikes[cursor_].index);
      payload.push_back(spikes[cursor_].payload);
      ++cursor_;
    }
    if (src_->poisson) {
      for (uint32_t i = 0; i < src_->size; ++i) {
        if (rng_.chance(src_->rate)) {
          index.push_back(i);
          payload.push_back(1);
        }
      }
    }
  }

 private:
  const InputSource* src_;
  Rng rng_;
  size_t cursor_ = 0;
};

}  // namespace neuromesh::models
