// The Verilated TrueNorth neuron update unit against its C++ cycle model: bit for bit on every
// output (membrane potential and spike, stochastic modes included: the same keyed draws) and
// cycle for cycle on the handshakes, a million random and corner vectors with random gaps and
// back-pressure; full rate; long stalls.
#include <gtest/gtest.h>

#include "Vtruenorth_update_unit.h"
#include "testbench/rtl/truenorth_bench.h"

using neuromesh::testkit::run_truenorth_bench;

TEST(TrueNorthUpdateUnit, MillionVectorsWithRandomBackPressureMatch) {
  Vtruenorth_update_unit dut;
  const auto r = run_truenorth_bench(dut, 1000000, 1);
  EXPECT_TRUE(r.ok) << r.mismatch;
  EXPECT_EQ(r.vectors, 1000000u);
  // The vectors reached the modes that matter: spikes, stochastic events.
  EXPECT_GT(r.spikes, 100000u);
  EXPECT_GT(r.events, 1000000u);
}

TEST(TrueNorthUpdateUnit, FullRateTakesTwoCyclesPlusOnePerStochasticEvent) {
  Vtruenorth_update_unit dut;
  const auto r = run_truenorth_bench(dut, 20000, 2, 1.0, 1.0);
  EXPECT_TRUE(r.ok) << r.mismatch;
  // Accept and finish, one cycle each, plus one per stochastic event: vector k is accepted
  // sum over j < k of (2 + events_j) cycles after the first, and the run stops one cycle after the
  // last accept.
  EXPECT_EQ(r.cycles, 2 * r.vectors - 1 + r.events - r.last_events);
}

TEST(TrueNorthUpdateUnit, LongStallsHoldEverything) {
  Vtruenorth_update_unit dut;
  const auto r = run_truenorth_bench(dut, 20000, 3, 0.95, 0.1);
  EXPECT_TRUE(r.ok) << r.mismatch;
}
