// Driving a Verilated neuron update unit through the ports every unit of rtl/ shares (clk_i,
// rst_ni, in_valid_i, out_ready_i): the benches, the tests and the chip's co-simulation use these,
// so that they all reset and clock a unit the same way.
#pragma once

#include <cstdint>

#include "models/lif_update_unit.h"
#include "models/truenorth_update_unit.h"

namespace neuromesh::rtl {

// Holds reset over one rising edge with nothing offered, then releases it (clock low).
template <typename Dut>
void reset(Dut& dut, bool out_ready = false) {
  dut.clk_i = 0;
  dut.rst_ni = 0;
  dut.in_valid_i = 0;
  dut.out_ready_i = out_ready;
  dut.eval();
  dut.clk_i = 1;
  dut.eval();
  dut.clk_i = 0;
  dut.rst_ni = 1;
  dut.eval();
}

// One rising edge, then the clock low again.
template <typename Dut>
void clock(Dut& dut) {
  dut.clk_i = 1;
  dut.eval();
  dut.clk_i = 0;
  dut.eval();
}

// A neuron's input vector on lif_update_unit's ports (two's complement at the port widths).
template <typename Dut>
void set_inputs(Dut& dut, const models::LifUnitIn& x) {
  dut.u_i = uint64_t(x.u) & ((uint64_t{1} << 52) - 1);
  dut.v_i = uint32_t(x.v) & 0xFFFFFFu;
  dut.du_i = x.du;
  dut.dv_i = x.dv;
  dut.vth_i = x.vth;
  dut.bias_mant_i = uint32_t(x.bias_mant) & 0x1FFFu;
  dut.bias_exp_i = uint32_t(x.bias_exp) & 0xFu;
  dut.a_i = uint64_t(x.a) & ((uint64_t{1} << 34) - 1);
  dut.ref_period_i = x.ref_period;
  dut.ref_left_i = x.ref_left;
}

// A neuron's input vector on truenorth_update_unit's ports.
template <typename Dut>
void set_inputs(Dut& dut, const models::TrueNorthUnitIn& x) {
  const auto& p = x.p;
  dut.v_i = uint32_t(x.v) & 0xFFFFFu;
  dut.count0_i = uint32_t(x.counts[0]);
  dut.count1_i = uint32_t(x.counts[1]);
  dut.count2_i = uint32_t(x.counts[2]);
  dut.count3_i = uint32_t(x.counts[3]);
  dut.weight0_i = uint32_t(p.weight[0]) & 0x1FFu;
  dut.weight1_i = uint32_t(p.weight[1]) & 0x1FFu;
  dut.weight2_i = uint32_t(p.weight[2]) & 0x1FFu;
  dut.weight3_i = uint32_t(p.weight[3]) & 0x1FFu;
  dut.stochastic_synapse_i = p.stochastic_synapse;
  dut.leak_i = uint32_t(p.leak) & 0x1FFu;
  dut.leak_reversal_i = p.leak_reversal;
  dut.stochastic_leak_i = p.stochastic_leak;
  dut.threshold_i = uint32_t(p.threshold);
  dut.neg_threshold_i = uint32_t(p.neg_threshold);
  dut.reset_i = uint32_t(p.reset) & 0xFFFFFu;
  dut.reset_mode_i = uint32_t(p.reset_mode);
  dut.neg_saturate_i = p.neg_saturate;
  dut.prn_mask_i = p.prn_mask;
  dut.seed_i = x.seed;
  dut.population_i = x.population;
  dut.neuron_i = x.neuron;
  dut.step_i = x.step;
}

}  // namespace neuromesh::rtl
