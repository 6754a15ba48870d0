// Loihi-style input stage: each axon's synapses are a contiguous list of 32-bit words in the
// core's synaptic memory (target neuron 17 bits, weight 9 bits signed, delay 6 bits); a packet
// adds weight x payload of every synapse into the delay ring slot of step + 1 + delay.
#pragma once

#include <cstdint>
#include <vector>

#include "models/input_stage.h"
#include "models/lif_array.h"

namespace neuromesh::models {

class AxonListInput final : public InputStage {
 public:
  static constexpr uint32_t kMaxNeurons = 1u << 17;  // the 17-bit target field
  struct Axon {
    uint32_t dendrite = 0;        // projection's ring in this core's Dendrites
    uint32_t words = 0;
    uint32_t word_offset = 0;     // address in the synaptic memory, in words
    uint32_t begin = 0, end = 0;  // into syn_; end advances as synapses are added
  };

  AxonListInput(uint32_t neurons, uint32_t channels) : dendrites_(neurons, channels), channels_(channels) {}

  // Declares the projections (rings), then the axons with their synapse counts, before synapses
  // are added.
  uint32_t add_projection(uint32_t max_delay, int weight_exp) {
    return dendrites_.add_projection(max_delay, weight_exp);
  }
  void add_axon(uint32_t dendrite, uint32_t words, uint32_t word_offset, uint32_t synapses) {
    const uint32_t at = axons_.empty() ? 0 : axons_.back().begin + pending_;
    axons_.push_back(Axon{dendrite, words, word_offset, at, at});
    min_delay_.push_back(UINT32_MAX);
    pending_ = synapses;
    total_ = at + synapses;
  }

  void add_synapse(uint32_t axon, uint32_t post, int32_t weight, uint32_t delay,
                   uint32_t channel) override {
    if (syn_.empty()) syn_.resize(total_);  // allocated on first use (lower peak memory)
    syn_[axons_[axon].end++] = Syn::make(post * channels_ + channel, weight, delay);
    if (delay < min_delay_[axon]) min_delay_[axon] = delay;
  }

  InputWork on_packet(uint32_t axon, int64_t payload, uint64_t step, uint64_t) override {
    integrate(axon, payload, step);
    return packet_work(axon);
  }
  bool separable() const override { return true; }
  void prefetch(uint32_t axon, bool list) const override {
    if (!list) return __builtin_prefetch(&axons_[axon]);
    const Axon& a = axons_[axon];
    if (a.begin < a.end) __builtin_prefetch(&syn_[a.begin]);
  }
  InputWork packet_work(uint32_t axon) const override {
    const Axon& a = axons_[axon];
    return InputWork{a.end - a.begin, a.words, a.word_offset};
  }
  void integrate(uint32_t axon, int64_t payload, uint64_t step) override {
    const Axon& a = axons_[axon];
    const uint64_t base = step + 1;
    if (dendrites_.ring(a.dendrite) == 1) {
      int64_t* slot = dendrites_.slot(a.dendrite, base);
      for (uint32_t s = a.begin; s < a.end; ++s) slot[syn_[s].local()] += int64_t{syn_[s].weight()} * payload;
    } else {
      for (uint32_t s = a.begin; s < a.end; ++s)
        dendrites_.slot(a.dendrite, base + syn_[s].delay())[syn_[s].local()] += int64_t{syn_[s].weight()} * payload;
    }
  }
  // Integrated on arrival: it must arrive before the first step that reads one of its slots.
  uint64_t deadline_step(uint32_t axon, uint64_t step) const override {
    return step + 1 + (min_delay_[axon] == UINT32_MAX ? 0 : min_delay_[axon]);
  }
  InputWork collect(uint64_t step, std::vector<int64_t>& in, std::vector<uint32_t>& events) override {
    dendrites_.collect(step, in);
    events.clear();
    return {};
  }

 private:
  // One synapse in 32 bits: target slot (17 bits), weight (9 bits, signed), delay (6 bits).
  struct Syn {
    uint32_t bits;
    static Syn make(uint32_t local, int32_t weight, uint32_t delay) {
      return Syn{local | (uint32_t(weight) & 0x1FFu) << 17 | delay << 26};
    }
    uint32_t local() const { return bits & 0x1FFFFu; }
    int32_t weight() const { return int32_t(bits << 6) >> 23; }
    uint32_t delay() const { return bits >> 26; }
  };
  Dendrites dendrites_;
  uint32_t channels_;
  std::vector<Axon> axons_;
  std::vector<Syn> syn_;
  std::vector<uint32_t> min_delay_;
  uint32_t pending_ = 0, total_ = 0;
};

}  // namespace neuromesh::models
