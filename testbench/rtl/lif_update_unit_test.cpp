// The Verilated neuron update unit against the C++ cycle model: bit for bit on every output and
// cycle for cycle on the handshakes, and its assertions stop a simulation fed outside the domain.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>

#include "Vlif_update_unit.h"
#include "rtl/drive.h"
#include "testbench/rtl/lif_bench.h"

using neuromesh::testkit::run_bench;

TEST(LifUpdateUnit, MillionVectorsWithRandomBackPressureMatch) {
  Vlif_update_unit dut;
  const auto r = run_bench(dut, 1000000, 1);
  EXPECT_TRUE(r.ok) << r.mismatch;
  EXPECT_EQ(r.vectors, 1000000u);
  EXPECT_GT(r.outputs, 999000u);
  dut.final();
}

TEST(LifUpdateUnit, FullThroughputIsOneNeuronPerCycle) {
  Vlif_update_unit dut;
  const auto r = run_bench(dut, 10000, 2, 1.0, 1.0);
  EXPECT_TRUE(r.ok) << r.mismatch;
  // Every cycle accepts a vector: the cycle count is the vector count (plus nothing).
  EXPECT_EQ(r.cycles, 10000u);
  EXPECT_EQ(r.outputs, 10000u - neuromesh::models::LifUpdateUnit::kLatency);
}

TEST(LifUpdateUnit, LongStallsHoldEverything) {
  Vlif_update_unit dut;
  const auto r = run_bench(dut, 20000, 3, 0.95, 0.1);
  EXPECT_TRUE(r.ok) << r.mismatch;
}

namespace {
// Resets a unit, then offers one vector (raw port values) with the output always ready, and
// clocks it through.
void offer_raw(uint64_t u, uint32_t v, uint64_t a, bool in_death_test = false) {
  if (in_death_test) {
    // Verilator prints an assertion's message on stdout; a death test reads stderr.
    std::fflush(stdout);
    dup2(STDERR_FILENO, STDOUT_FILENO);
  }
  Vlif_update_unit dut;
  neuromesh::rtl::reset(dut, true);
  dut.u_i = u;
  dut.v_i = v;
  dut.a_i = a;
  dut.in_valid_i = 1;
  for (int c = 0; c < 4; ++c) {
    dut.eval();
    neuromesh::rtl::clock(dut);
  }
  dut.final();
}
}  // namespace

// The unit is Verilated with --assert: a vector outside the operand domain stops the simulation
// with the assertion's message (one death test per excluded value), and the largest vectors
// inside it pass every assertion.
TEST(LifUpdateUnitAssertions, OutOfDomainInputsStopTheSimulation) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  const uint64_t u_min = uint64_t{1} << 51, a_min = uint64_t{1} << 33;   // -2^51, -2^33 as raw bits
  const uint32_t v_min = 1u << 23;                                       // -2^23
  EXPECT_DEATH(offer_raw(0, 0, a_min, true), "InDomain_A: lif_update_unit: an accepted input is outside the operand domain");
  EXPECT_DEATH(offer_raw(u_min, 0, 0, true), "InDomain_A");
  EXPECT_DEATH(offer_raw(0, v_min, 0, true), "InDomain_A");
  // The domain's ends: u = -(2^51 - 1), v = -(2^23 - 1), a = -(2^33 - 1), and the positive ends.
  offer_raw(u_min + 1, v_min + 1, a_min + 1);
  offer_raw(u_min - 1, v_min - 1, a_min - 1);
}
