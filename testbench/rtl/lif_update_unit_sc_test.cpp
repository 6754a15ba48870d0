// The SystemC-flavoured Verilated neuron update unit, clocked by an sc_clock inside a SystemC
// testbench, against the C++ cycle model: every cycle, every output, with random gaps and
// back-pressure; and an FST waveform of the first cycles.
#include <gtest/gtest.h>
#include <systemc>

#include <cstdio>
#include <sys/stat.h>

#include "Vlif_update_unit_sc.h"
#include "testbench/rtl/lif_bench.h"
#include "verilated_fst_sc.h"

using namespace sc_core;
using neuromesh::models::LifUnitIn;
using neuromesh::models::LifUpdateUnit;

namespace {

SC_MODULE(LifScBench) {
  sc_in<bool> clk;
  sc_signal<bool> rst_n, in_valid, in_ready, out_valid, out_ready, spike;
  sc_signal<uint64_t> u, a, u_out;   // 52, 34 and 52 bits: Verilator's 64-bit ports
  sc_signal<uint32_t> v, du, dv, vth, bias_mant, bias_exp, ref_period, ref_left;
  sc_signal<uint32_t> v_out, ref_left_out;
  uint64_t vectors = 0, target = 0, cycles = 0, outputs = 0;
  std::string mismatch;

  SC_CTOR(LifScBench) { SC_THREAD(run); }

  void run() {
    neuromesh::models::Rng r(11);
    LifUpdateUnit model;
    auto sx = [](uint32_t raw, int bits) { return int32_t(raw << (32 - bits)) >> (32 - bits); };
    auto sx64 = [](uint64_t raw, int bits) { return int64_t(raw << (64 - bits)) >> (64 - bits); };
    rst_n.write(false);
    in_valid.write(false);
    out_ready.write(false);
    wait(clk.negedge_event());
    wait(clk.negedge_event());
    rst_n.write(true);
    LifUnitIn x = neuromesh::testkit::random_vector(r);
    while (vectors < target && mismatch.empty()) {
      wait(clk.negedge_event());
      const bool iv = r.chance(0.8), ordy = r.chance(0.8);
      in_valid.write(iv);
      out_ready.write(ordy);
      u.write(uint64_t(x.u) & ((uint64_t{1} << 52) - 1));
      v.write(uint32_t(x.v) & 0xFFFFFFu);
      du.write(x.du);
      dv.write(x.dv);
      vth.write(x.vth);
      bias_mant.write(uint32_t(x.bias_mant) & 0x1FFFu);
      bias_exp.write(uint32_t(x.bias_exp) & 0xFu);
      a.write(uint64_t(x.a) & ((uint64_t{1} << 34) - 1));
      ref_period.write(x.ref_period);
      ref_left.write(x.ref_left);
      wait(1, SC_NS);  // let the combinational ready path settle
      if (in_ready.read() != model.in_ready(ordy) || out_valid.read() != model.out_valid()) {
        mismatch = "cycle " + std::to_string(cycles) + ": handshake differs";
        break;
      }
      if (model.out_valid()) {
        const auto& w = model.out();
        if (sx64(u_out.read(), 52) != w.u || sx(v_out.read(), 24) != w.v || spike.read() != w.spike ||
            ref_left_out.read() != w.ref_left) {
          mismatch = "cycle " + std::to_string(cycles) + ": outputs differ for a neuron of " +
                     neuromesh::testkit::describe(x);
          break;
        }
        if (ordy) ++outputs;
      }
      const bool accepted = iv && model.in_ready(ordy);
      wait(clk.posedge_event());
      model.clock(iv, x, ordy);
      ++cycles;
      if (accepted) {
        ++vectors;
        x = neuromesh::testkit::random_vector(r);
      }
    }
    sc_stop();  // the clock would run forever
  }
};

}  // namespace

TEST(LifUpdateUnitSystemC, MatchesTheCycleModelAndWritesFst) {
  Verilated::traceEverOn(true);
  sc_clock clk("clk", 10, SC_NS);
  Vlif_update_unit_sc dut("dut");
  LifScBench tb("tb");
  tb.target = 20000;
  tb.clk(clk);
  dut.clk_i(clk);
  dut.rst_ni(tb.rst_n);
  dut.in_valid_i(tb.in_valid);
  dut.in_ready_o(tb.in_ready);
  dut.u_i(tb.u);
  dut.v_i(tb.v);
  dut.du_i(tb.du);
  dut.dv_i(tb.dv);
  dut.vth_i(tb.vth);
  dut.bias_mant_i(tb.bias_mant);
  dut.bias_exp_i(tb.bias_exp);
  dut.a_i(tb.a);
  dut.ref_period_i(tb.ref_period);
  dut.ref_left_i(tb.ref_left);
  dut.out_valid_o(tb.out_valid);
  dut.out_ready_i(tb.out_ready);
  dut.u_o(tb.u_out);
  dut.v_o(tb.v_out);
  dut.spike_o(tb.spike);
  dut.ref_left_o(tb.ref_left_out);
  sc_start(SC_ZERO_TIME);  // elaborate before opening the waveform
  VerilatedFstSc fst;
  dut.trace(&fst, 99);
  const std::string path = ::testing::TempDir() + "/lif_update_unit.fst";
  fst.open(path.c_str());
  sc_start(2, SC_US);  // the first 200 cycles are traced
  fst.close();
  // The rest of the vectors, untraced; the bench stops the simulation when it is done (the
  // time limit only guards against a bench that never finishes).
  sc_start(1, SC_SEC);
  EXPECT_TRUE(tb.mismatch.empty()) << tb.mismatch;
  EXPECT_EQ(tb.vectors, 20000u);
  EXPECT_GT(tb.outputs, 19000u);
  struct stat st{};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_GT(st.st_size, 500);
  std::remove(path.c_str());
  dut.final();
}
