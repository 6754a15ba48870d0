// TrueNorth-style input stage: a binary crossbar (one row of neuron bits per axon, each axon with
// one of four types and the delivery delay of the neuron that drives it) and the scheduler, a
// 16-tick x axons bit memory. A packet sets the bit of its axon in the row of its delivery tick
// (step + 1 + delay); at tick t the core reads row t mod 16, and every scheduled axon's crossbar
// row, counting one event per set bit into the neuron's input of that axon's type.
#pragma once

#include <cstdint>
#include <vector>

#include "models/input_stage.h"

namespace neuromesh::models {

class CrossbarInput final : public InputStage {
 public:
  static constexpr uint32_t kTicks = 16;  // scheduler rows: 4-bit delivery tick

  // `axons` crossbar rows over `neurons` columns; a row read costs `row_words` memory words.
  CrossbarInput(uint32_t neurons, uint32_t axons, uint32_t channels, uint32_t row_words)
      : neurons_(neurons), channels_(channels), row_words_(row_words),
        words_per_row_((neurons + 63) / 64), axon_words_((axons + 63) / 64),
        bits_(size_t(axons) * words_per_row_, 0), type_(axons, 0), delay_(axons, 0),
        sched_(size_t(kTicks) * axon_words_, 0) {}

  void add_synapse(uint32_t axon, uint32_t post, int32_t, uint32_t delay,
                   uint32_t channel) override {
    bits_[size_t(axon) * words_per_row_ + post / 64] |= uint64_t{1} << (post % 64);
    type_[axon] = uint8_t(channel);
    delay_[axon] = uint8_t(delay);
  }

  InputWork on_packet(uint32_t axon, int64_t, uint64_t step, uint64_t) override {
    const uint64_t tick = (step + 1 + delay_[axon]) % kTicks;
    sched_[tick * axon_words_ + axon / 64] |= uint64_t{1} << (axon % 64);
    return {};
  }
  uint64_t deadline_step(uint32_t axon, uint64_t step) const override {
    return step + 1 + delay_[axon];
  }

  InputWork collect(uint64_t step, std::vector<int64_t>& in, std::vector<uint32_t>& events) override {
    in.assign(size_t(neurons_) * channels_, 0);
    events.assign(neurons_, 0);
    InputWork w;
    uint64_t* row = sched_.data() + (step % kTicks) * axon_words_;
    for (uint32_t aw = 0; aw < axon_words_; ++aw) {
      for (uint64_t m = row[aw]; m != 0; m &= m - 1) {
        const uint32_t a = aw * 64 + uint32_t(__builtin_ctzll(m));
        const uint64_t* bits = bits_.data() + size_t(a) * words_per_row_;
        w.words += row_words_;
        for (uint32_t nw = 0; nw < words_per_row_; ++nw) {
          for (uint64_t b = bits[nw]; b != 0; b &= b - 1) {
            const uint32_t j = nw * 64 + uint32_t(__builtin_ctzll(b));
            ++in[size_t(j) * channels_ + type_[a]];
            ++events[j];
            ++w.synaptic_ops;
          }
        }
      }
      row[aw] = 0;
    }
    return w;
  }

 private:
  uint32_t neurons_, channels_, row_words_;
  uint32_t words_per_row_, axon_words_;
  std::vector<uint64_t> bits_;   // crossbar: axons x neurons bits
  std::vector<uint8_t> type_, delay_;
  std::vector<uint64_t> sched_;  // kTicks x axons bits
};

}  // namespace neuromesh::models
