// Co-simulation over the model's whole domain: random Loihi networks that reach every corner of
// the LIF (decays of 0 and 4095, maximal thresholds, every bias exponent, weight_exp -8..7,
// 1..8 weight bits, every sign mode, delays, refractory periods, graded inputs that drive u far
// beyond 24 bits) run with every core's neuron updates computed by the Verilated RTL unit
// (rtl/lif_update_unit.sv). Zero refusals, and every spike, every neuron's u and v and every step
// record equal to the C++ model's, step by step.
#include "sim/chip/rtl_backend.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>

#include "models/connectivity.h"
#include "sim/chip/chip_model.h"
#include "sim/map/mapper.h"
#include "testbench/common/random_network.h"
#include "testbench/common/random_truenorth.h"
#include "testbench/common/test_chip.h"

using namespace neuromesh;
using models::noc::CalendarScheduler;

TEST(RtlNeuronBackend, RandomNetworksOverTheWholeDomainNeverRefusedAndMatch) {
  uint64_t networks = 0, neuron_steps = 0, spikes = 0, wide_u = 0;
  for (uint64_t seed = 1; seed <= 120; ++seed) {
    const auto net = testkit::random_network(seed);
    models::ExpandedNetwork ex;
    try {
      ex = models::expand(net);
    } catch (const models::ExpansionError&) {
      continue;  // the model refuses it too (an input that could overflow its 64-bit update)
    }
    const auto c = testkit::chip(2, 2, 16, 8192, 4096, 8192, 8, 6, "loihi_sparse", 1, 4);
    map::Placement pl;
    try {
      pl = map::map_network(c, net, ex, map::Strategy::fill);
    } catch (const map::MapError&) {
      continue;  // does not fit the small chip
    }
    ++networks;
    CalendarScheduler s_model, s_rtl;
    chip::ChipModel model(c, net, ex, pl, s_model);
    chip::ChipModel rtl(c, net, ex, pl, s_rtl);
    chip::RtlNeuronBackend backend;
    rtl.neuron_backend = &backend;
    // Every other network timed by the unit's cycle model (--neuron-timing unit): the RTL must
    // then take exactly the model's cycles, and the step records compare timing too.
    if (seed % 2) model.unit_cycles = rtl.unit_cycles = 1 + seed % 5;
    for (uint64_t t = 0; t < 80; ++t) {
      model.begin_step();
      ASSERT_NO_THROW(rtl.begin_step()) << "seed " << seed << " step " << t;
      s_model.run();
      s_rtl.run();
      const auto a = model.end_step(), b = rtl.end_step();
      ASSERT_EQ(a.cycles(), b.cycles()) << "seed " << seed << " step " << t;
      ASSERT_EQ(a.critical.component, b.critical.component) << "seed " << seed << " step " << t;
      for (uint32_t p = 0; p < net.populations.size(); ++p) {
        ASSERT_EQ(model.spiked(p), rtl.spiked(p)) << "seed " << seed << " step " << t << " population " << p;
        spikes += model.spiked(p).size();
        for (uint32_t i = 0; i < net.populations[p].size; ++i) {
          const int64_t u = model.probe(p, 0, i), v = model.probe(p, 1, i);
          ASSERT_EQ(u, rtl.probe(p, 0, i)) << "seed " << seed << " step " << t << " neuron " << i;
          ASSERT_EQ(v, rtl.probe(p, 1, i)) << "seed " << seed << " step " << t << " neuron " << i;
          ++neuron_steps;
          if (std::llabs(u) > (int64_t{1} << 24)) ++wide_u;  // beyond the unit's former 25-bit u
        }
      }
    }
    EXPECT_GT(backend.unit_cycles(), 0u);
  }
  std::cout << networks << " networks, " << neuron_steps << " neuron-steps, " << spikes << " spikes, "
            << wide_u << " neuron-steps with |u| > 2^24\n";
  // The networks reached the corners the former unit refused.
  EXPECT_GT(networks, 60u);
  EXPECT_GT(spikes, 2000u);
  EXPECT_GT(wide_u, 1000u) << "of " << neuron_steps << " neuron-steps";
}

TEST(RtlNeuronBackend, RandomTrueNorthNetworksMatchTheModel) {
  // TrueNorth cores through the Verilated TrueNorth unit: every axon type, stochastic synapses
  // and leaks, thresholds with random masks, the reset modes; spikes, V of every neuron and every
  // step record equal to the C++ model's.
  uint64_t networks = 0, spikes = 0, unit_cycles = 0;
  for (uint64_t seed = 1; seed <= 60; ++seed) {
    models::Rng r(seed * 104729);
    const uint32_t neurons = uint32_t(r.range(16, 64));
    const auto c = testkit::truenorth_chip(uint32_t(r.range(2, 4)), uint32_t(r.range(1, 4)), neurons,
                                           uint32_t(r.range(1, 4)), "xy");
    const auto net = testkit::random_truenorth_network(seed, neurons);
    models::ExpandedNetwork ex;
    map::Placement pl;
    try {
      ex = models::expand(net);
      pl = map::map_network(c, net, ex, map::Strategy::fill);
    } catch (const models::ExpansionError&) {
      continue;  // two projections pin one axon type with different weights
    } catch (const map::MapError&) {
      continue;  // more populations than cores
    }
    ++networks;
    CalendarScheduler s_model, s_rtl;
    chip::ChipModel model(c, net, ex, pl, s_model);
    chip::ChipModel rtl(c, net, ex, pl, s_rtl);
    chip::RtlNeuronBackend backend;
    rtl.neuron_backend = &backend;
    // Every other network timed by the TrueNorth unit's cycle model: the RTL must take its cycles.
    if (seed % 2) model.unit_cycles = rtl.unit_cycles = 1 + seed % 7;
    for (uint64_t t = 0; t < 40; ++t) {
      model.begin_step();
      ASSERT_NO_THROW(rtl.begin_step()) << "seed " << seed << " step " << t;
      s_model.run();
      s_rtl.run();
      const auto a = model.end_step(), b = rtl.end_step();
      ASSERT_EQ(a.cycles(), b.cycles()) << "seed " << seed << " step " << t;
      for (uint32_t p = 0; p < net.populations.size(); ++p) {
        ASSERT_EQ(model.spiked(p), rtl.spiked(p)) << "seed " << seed << " step " << t << " population " << p;
        spikes += model.spiked(p).size();
        for (uint32_t i = 0; i < net.populations[p].size; ++i)
          ASSERT_EQ(model.probe(p, 0, i), rtl.probe(p, 0, i)) << "seed " << seed << " step " << t << " neuron " << i;
      }
    }
    unit_cycles += backend.unit_cycles();
  }
  std::cout << networks << " TrueNorth networks, " << spikes << " spikes, " << unit_cycles << " unit cycles\n";
  EXPECT_GT(networks, 30u);
  EXPECT_GT(spikes, 3000u);
}
