// The neuron update unit (rtl/lif_update_unit.sv) as a C++ cycle model: same ports, same
// two-stage pipeline, same stall rule, the golden arithmetic of models/loihi_lif.h. The RTL bench
// compares the Verilated unit against it every cycle; the chip takes neuron-update timing from it.
#pragma once

#include <cstdint>

#include "models/loihi_lif.h"

namespace neuromesh::models {

struct LifUnitIn {
  int64_t u = 0;              // 52 bits signed
  int32_t v = 0;
  uint32_t du = 0, dv = 0, vth = 0;
  int32_t bias_mant = 0, bias_exp = 0;
  int64_t a = 0;              // 34 bits signed
  uint32_t ref_period = 0, ref_left = 0;  // refractory extension, 6 bits each
};

struct LifUnitOut {
  int64_t u = 0;
  int32_t v = 0;
  bool spike = false;
  uint32_t ref_left = 0;
  bool operator==(const LifUnitOut& o) const {
    return u == o.u && v == o.v && spike == o.spike && ref_left == o.ref_left;
  }
};

class LifUpdateUnit {
 public:
  static constexpr int kLatency = 2;  // cycles from an accepted input to its valid output

  // The unit's operand domain: the golden model's (models/loihi_lif.h: |u| < kULimit, |a| <
  // kInputLimit, v within its saturation rails, the parameters' field widths). It is closed
  // under the update, and the expansion keeps every neuron's input inside it.
  static bool in_domain(const LifUnitIn& x) {
    const int64_t lim = int64_t{1} << 23;
    return x.u > -loihi::kULimit && x.u < loihi::kULimit && x.v > -lim && x.v < lim &&
           x.a > -loihi::kInputLimit && x.a < loihi::kInputLimit && x.du <= 4095 && x.dv <= 4095 && x.vth < (1u << 17) &&
           x.bias_mant >= -4096 && x.bias_mant <= 4095 && x.bias_exp >= -8 && x.bias_exp <= 7 &&
           x.ref_period < 64 && x.ref_left < 64;
  }

  // The golden arithmetic for one neuron.
  static LifUnitOut compute(const LifUnitIn& x) {
    loihi::LifParams p;
    p.du = int32_t(x.du);
    p.dv = int32_t(x.dv);
    p.vth = int32_t(x.vth);
    p.bias_mant = x.bias_mant;
    p.bias_exp = x.bias_exp;
    p.refractory = int32_t(x.ref_period);
    loihi::LifState s;
    s.u = x.u;
    s.v = x.v;
    s.refractory_left = int32_t(x.ref_left);
    const bool spike = loihi::lif_step(p, s, x.a);
    return LifUnitOut{s.u, int32_t(s.v), spike, uint32_t(s.refractory_left)};
  }

  // Cycles to stream n neurons through with the output always ready.
  static uint64_t stream_cycles(uint64_t n) { return n ? n + kLatency : 0; }

  // Outputs during the current cycle, given the consumer's out_ready.
  bool in_ready(bool out_ready) const { return !(out_valid_ && !out_ready); }
  bool out_valid() const { return out_valid_; }
  const LifUnitOut& out() const { return out_; }

  // The rising clock edge.
  void clock(bool in_valid, const LifUnitIn& in, bool out_ready) {
    if (out_valid_ && !out_ready) return;  // stalled: every register holds
    out_valid_ = s1_valid_;
    if (s1_valid_) out_ = compute(s1_);
    s1_valid_ = in_valid;
    if (in_valid) s1_ = in;
  }
  void reset() {
    s1_valid_ = out_valid_ = false;
  }

 private:
  bool s1_valid_ = false, out_valid_ = false;
  LifUnitIn s1_;
  LifUnitOut out_;
};

}  // namespace neuromesh::models
