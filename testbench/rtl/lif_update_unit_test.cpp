// The Verilated neuron update unit against the C++ cycle model: bit for bit on every output and
// cycle for cycle on the handshakes, and the bench catches the RTL mutants.
#include <gtest/gtest.h>

#include "Vlif_mutant_decay.h"
#include "Vlif_mutant_saturation.h"
#include "Vlif_update_unit.h"
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

TEST(LifUpdateUnitMutants, OffByOneDecayIsCaught) {
  Vlif_mutant_decay dut;
  const auto r = run_bench(dut, 200000, 4);
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.mismatch.find("u_o"), std::string::npos) << r.mismatch;
}

TEST(LifUpdateUnitMutants, MissingSaturationIsCaught) {
  Vlif_mutant_saturation dut;
  const auto r = run_bench(dut, 200000, 5);
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.mismatch.find("_o"), std::string::npos) << r.mismatch;
}
