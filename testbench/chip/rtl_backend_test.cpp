// Co-simulation over the model's whole domain: random Loihi networks that reach every corner of
// the LIF (decays of 0 and 4095, maximal thresholds, every bias exponent, weight_exp -8..7,
// 1..8 weight bits, every sign mode, delays, refractory periods, graded inputs that drive u far
// beyond 24 bits) run with every core's neuron updates computed by the Verilated RTL unit
// (rtl/lif_update_unit.sv). Zero refusals, and every spike, every neuron's u and v and every step
// record equal to the C++ model's, step by step.
#include "sim/chip/rtl_backend.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <functional>
#include <iostream>

#include "models/connectivity.h"
#include "models/neuron_model_registry.h"
#include "sim/chip/chip_model.h"
#include "sim/map/mapper.h"
#include "testbench/common/random_network.h"
#include "testbench/common/random_truenorth.h"
#include "testbench/common/test_chip.h"

using namespace neuromesh;
using models::noc::CalendarScheduler;

namespace {
// Runs `net` for `steps` steps twice, once with the C++ model and once with every core's neuron
// updates in the Verilated units, `unit_cycles` as --neuron-timing unit (0: config timing), and
// requires the same step cycles, critical unit, spikes and probe values at every step.
// `visit(model, t)` sees the model after each step. Returns the units' cycles.
uint64_t run_both(const config::ChipConfig& c, const models::Network& net, const models::ExpandedNetwork& ex,
                  const map::Placement& pl, uint64_t unit_cycles, uint64_t steps, uint64_t seed,
                  const std::function<void(const chip::ChipModel&)>& visit) {
  CalendarScheduler s_model, s_rtl;
  chip::ChipModel model(c, net, ex, pl, s_model);
  chip::ChipModel rtl(c, net, ex, pl, s_rtl);
  chip::RtlNeuronBackend backend;
  rtl.neuron_backend = &backend;
  model.unit_cycles = rtl.unit_cycles = unit_cycles;
  const auto& registry = models::NeuronModelRegistry::instance();
  for (uint64_t t = 0; t < steps; ++t) {
    model.begin_step();
    EXPECT_NO_THROW(rtl.begin_step()) << "seed " << seed << " step " << t;
    s_model.run();
    s_rtl.run();
    const auto a = model.end_step(), b = rtl.end_step();
    EXPECT_EQ(a.cycles(), b.cycles()) << "seed " << seed << " step " << t;
    EXPECT_EQ(a.critical.component, b.critical.component) << "seed " << seed << " step " << t;
    for (uint32_t p = 0; p < net.populations.size(); ++p) {
      EXPECT_EQ(model.spiked(p), rtl.spiked(p)) << "seed " << seed << " step " << t << " population " << p;
      const size_t vars = registry.get(net.populations[p].model).probes.size();
      for (uint32_t i = 0; i < net.populations[p].size; ++i)
        for (uint32_t var = 0; var < vars; ++var)
          EXPECT_EQ(model.probe(p, var, i), rtl.probe(p, var, i))
              << "seed " << seed << " step " << t << " neuron " << i << " variable " << var;
    }
    if (::testing::Test::HasFailure()) break;
    visit(model);
  }
  return backend.unit_cycles();
}
}  // namespace

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
    // Every other network timed by the unit's cycle model (--neuron-timing unit): the RTL must
    // then take exactly the model's cycles, and the step records compare timing too.
    const uint64_t cycles = run_both(c, net, ex, pl, seed % 2 ? 1 + seed % 5 : 0, 80, seed, [&](const chip::ChipModel& model) {
      for (uint32_t p = 0; p < net.populations.size(); ++p) {
        spikes += model.spiked(p).size();
        for (uint32_t i = 0; i < net.populations[p].size; ++i) {
          ++neuron_steps;
          if (std::llabs(model.probe(p, 0, i)) > (int64_t{1} << 24)) ++wide_u;  // beyond the former 25-bit u
        }
      }
    });
    if (HasFailure()) return;
    EXPECT_GT(cycles, 0u);
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
    // Every other network timed by the TrueNorth unit's cycle model: the RTL must take its cycles.
    unit_cycles += run_both(c, net, ex, pl, seed % 2 ? 1 + seed % 7 : 0, 40, seed, [&](const chip::ChipModel& model) {
      for (uint32_t p = 0; p < net.populations.size(); ++p) spikes += model.spiked(p).size();
    });
    if (HasFailure()) return;
  }
  std::cout << networks << " TrueNorth networks, " << spikes << " spikes, " << unit_cycles << " unit cycles\n";
  EXPECT_GT(networks, 30u);
  EXPECT_GT(spikes, 3000u);
}
