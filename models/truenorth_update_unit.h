// The TrueNorth neuron update unit (rtl/truenorth_update_unit.sv) as a C++ cycle model: same
// ports, same states (accept, one cycle per stochastic synaptic event, finish), same stall rule,
// the golden arithmetic of models/truenorth_neuron.h (truenorth_step) for the values. The RTL
// bench compares the Verilated unit against it every cycle.
#pragma once

#include <cstdint>

#include "models/counter_rng.h"
#include "models/truenorth_neuron.h"

namespace neuromesh::models {

struct TrueNorthUnitIn {
  int32_t v = 0;
  int64_t counts[truenorth::kAxonTypes] = {0, 0, 0, 0};
  TrueNorthParams p;                 // weights, leak, thresholds, reset, modes, prn mask
  uint64_t seed = 0;                 // the random key: CounterRng{seed, population}, neuron, step
  uint32_t population = 0, neuron = 0;
  uint64_t step = 0;
};

struct TrueNorthUnitOut {
  int32_t v = 0;
  bool spike = false;
  bool operator==(const TrueNorthUnitOut& o) const { return v == o.v && spike == o.spike; }
};

class TrueNorthUpdateUnit {
 public:
  // The operand domain: the model's (v in 20 bits, counts <= 2^24, the parameter ranges).
  static bool in_domain(const TrueNorthUnitIn& x) {
    if (x.v < truenorth::kVMin || x.v > truenorth::kVMax) return false;
    for (int g = 0; g < truenorth::kAxonTypes; ++g) {
      if (x.counts[g] < 0 || x.counts[g] > truenorth::kMaxCount) return false;
      if (x.p.weight[g] < -256 || x.p.weight[g] > 255) return false;
    }
    const auto& p = x.p;
    return p.leak >= -256 && p.leak <= 255 && p.threshold >= 0 && p.threshold < (1 << 18) &&
           p.neg_threshold >= 0 && p.neg_threshold < (1 << 18) && p.reset >= truenorth::kVMin &&
           p.reset <= truenorth::kVMax && p.reset_mode >= 0 && p.reset_mode <= 2 &&
           p.stochastic_synapse < 16 && p.prn_mask <= truenorth::kMaxPrnMask;
  }

  // The golden arithmetic for one neuron.
  static TrueNorthUnitOut compute(const TrueNorthUnitIn& x) {
    int32_t v = x.v;
    const CounterRng rng{x.seed, x.population};
    const bool spike = truenorth_step(x.p, v, x.counts, rng, x.neuron, x.step);
    return {v, spike};
  }

  // Stochastic synaptic events the unit steps through, one per cycle.
  static uint64_t events(const TrueNorthUnitIn& x) {
    uint64_t e = 0;
    for (int g = 0; g < truenorth::kAxonTypes; ++g)
      if ((x.p.stochastic_synapse >> g & 1u) && x.p.weight[g] != 0) e += uint64_t(x.counts[g]);
    return e;
  }
  // Cycles from accepting a neuron to accepting the next, the output always taken: accept,
  // events, finish.
  static uint64_t neuron_cycles(const TrueNorthUnitIn& x) { return 2 + events(x); }

  // Outputs during the current cycle.
  bool in_ready() const { return state_ == State::idle; }
  bool out_valid() const { return out_valid_; }
  const TrueNorthUnitOut& out() const { return out_; }

  // The rising clock edge.
  void clock(bool in_valid, const TrueNorthUnitIn& in, bool out_ready) {
    bool out_valid_next = out_valid_ && !out_ready;
    switch (state_) {
      case State::idle:
        if (in_valid) {
          pending_ = compute(in);
          remaining_ = events(in);
          state_ = remaining_ ? State::events : State::finish;
        }
        break;
      case State::events:
        if (--remaining_ == 0) state_ = State::finish;
        break;
      case State::finish:
        if (!out_valid_ || out_ready) {
          out_ = pending_;
          out_valid_next = true;
          state_ = State::idle;
        }
        break;
    }
    out_valid_ = out_valid_next;
  }

 private:
  enum class State { idle, events, finish };
  State state_ = State::idle;
  uint64_t remaining_ = 0;
  bool out_valid_ = false;
  TrueNorthUnitOut pending_, out_;
};

}  // namespace neuromesh::models
