// The cycle-accurate chip against the functional simulator (spike for spike, u and v of every
// neuron at every step) and against closed-form step latencies.
#include "sim/chip/chip_model.h"

#include <gtest/gtest.h>

#include "models/functional_sim.h"
#include "models/lif_update_unit.h"
#include "models/neuron_model_registry.h"
#include "sim/config/network_config.h"
#include "testbench/common/random_network.h"
#include "testbench/common/random_truenorth.h"
#include "testbench/common/test_chip.h"

using namespace neuromesh;
using models::noc::CalendarScheduler;

namespace {

// Runs both simulators for `steps` steps and compares everything; returns the step records.
std::vector<chip::StepRecord> compare(const config::ChipConfig& c, const models::Network& net,
                                      uint64_t steps, map::Strategy strategy,
                                      const std::string& what) {
  const auto ex = models::expand(net);
  const auto pl = map::map_network(c, net, ex, strategy);
  CalendarScheduler sched;
  chip::ChipModel model(c, net, ex, pl, sched);
  models::FunctionalSim golden(net, ex);
  std::vector<chip::StepRecord> records;
  for (uint64_t t = 0; t < steps; ++t) {
    model.begin_step();
    sched.run();
    records.push_back(model.end_step());
    golden.step();
    for (uint32_t p = 0; p < net.populations.size(); ++p) {
      EXPECT_EQ(model.spiked(p), golden.spiked(p)) << what << " step " << t << " population " << p;
      const auto& probes = models::NeuronModelRegistry::instance().get(net.populations[p].model).probes;
      for (uint32_t i = 0; i < net.populations[p].size; ++i) {
        for (uint32_t var = 0; var < probes.size(); ++var) {
          if (model.probe(p, var, i) != golden.probe(p, var, i)) {
            ADD_FAILURE() << what << " step " << t << " population " << p << " neuron " << i
                          << " " << probes[var];
            return records;
          }
        }
      }
    }
    if (::testing::Test::HasFailure()) break;
  }
  return records;
}

}  // namespace

TEST(ChipModel, MatchesFunctionalOnRandomNetworksAndChips) {
  uint64_t packets = 0;
  for (uint64_t seed = 1; seed <= 60; ++seed) {
    models::Rng r(seed * 7919);
    const char* routing[] = {"xy", "yx", "west_first"};
    // Small cores spread a network over many routers; shallow buffers make back-pressure.
    const auto c = testkit::chip(uint32_t(r.range(1, 4)), uint32_t(r.range(1, 4)),
                                 uint32_t(r.range(4, 16)), 4096, 256, 4096, 8, 6, "loihi_sparse",
                                 uint32_t(r.range(1, 3)), uint32_t(r.range(2, 4)),
                                 routing[r.range(0, 2)]);
    const auto net = testkit::random_network(seed);
    try {
      const auto recs = compare(c, net, 60, seed % 2 ? map::Strategy::fill : map::Strategy::locality,
                                "seed " + std::to_string(seed));
      for (const auto& rec : recs) packets += rec.packets;
    } catch (const map::MapError&) {
      continue;  // the random chip was too small for this network
    }
    if (HasFailure()) return;
  }
  EXPECT_GT(packets, 10000u);
}

TEST(ChipModel, MatchesFunctionalOnShippedNetworks) {
  const std::string src = NEUROMESH_SOURCE_DIR;
  const auto c = config::load_chip_config(src + "/configs/chips/loihi2.yaml");
  for (const char* name : {"synfire", "feedforward", "ei_recurrent", "bench_layered"}) {
    const auto net = config::load_network(src + "/configs/networks/" + name + ".yaml");
    compare(c, net, std::string(name) == "bench_layered" ? 8 : 100, map::Strategy::locality, name);
  }
}

// TrueNorth: the crossbar, scheduler and tick of the chip compute what the functional
// simulator's delay rings compute, on random chips (mesh, core size, buffers, routing) and random
// networks that exercise every neuron mode and the stochastic draws.
TEST(ChipModel, TrueNorthMatchesFunctionalOnRandomNetworksAndChips) {
  uint64_t packets = 0, spikes = 0;
  int ran = 0;
  for (uint64_t seed = 1; seed <= 100; ++seed) {
    models::Rng r(seed * 104729);
    const char* routing[] = {"xy", "yx", "west_first"};
    const uint32_t neurons = uint32_t(r.range(16, 64));
    const auto c = testkit::truenorth_chip(uint32_t(r.range(2, 4)), uint32_t(r.range(1, 4)),
                                           neurons, uint32_t(r.range(1, 4)), routing[r.range(0, 2)]);
    const auto net = testkit::random_truenorth_network(seed, neurons);
    try {
      const auto recs = compare(c, net, 40, seed % 2 ? map::Strategy::fill : map::Strategy::locality,
                                "truenorth seed " + std::to_string(seed));
      for (const auto& rec : recs) packets += rec.packets, spikes += rec.spikes;
      ++ran;
    } catch (const map::MapError&) {
      continue;  // more populations than cores
    } catch (const models::ExpansionError&) {
      continue;  // two projections pin one axon type with different weights
    }
    if (HasFailure()) return;
  }
  EXPECT_GE(ran, 60);
  EXPECT_GT(packets, 5000u);
  EXPECT_GT(spikes, 5000u);
}

TEST(ChipModel, TrueNorthMatchesFunctionalOnShippedNetworks) {
  const std::string src = NEUROMESH_SOURCE_DIR;
  const auto c = config::load_chip_config(src + "/configs/chips/truenorth.yaml");
  for (const char* name : {"truenorth_ring"}) {
    const auto net = config::load_network(src + "/configs/networks/" + name + ".yaml");
    for (auto s : {map::Strategy::fill, map::Strategy::locality}) compare(c, net, 100, s, name);
  }
}

TEST(ChipModel, OneSpikeStepLatencyIsTheClosedForm) {
  // One input spike at step 0 to a population of 3 neurons on the core at router (2, 1) of a
  // 3x2 mesh, one core per router (fill places the population on core 0 unless it is bigger:
  // here the 3 neurons go to core 0 at (0, 0); the test moves them with a filler population).
  const auto c = testkit::chip(3, 2, 4, 4096, 256, 4096);
  models::Network net;
  auto pop = [](const std::string& n, uint32_t size) {
    return models::Population{n, size, {}, "loihi_cuba_lif",
                              models::lif_param_table(std::vector<models::loihi::LifParams>(size))};
  };
  // Cores fill in order: filler takes cores 0..4 (4 neurons each), target gets core 5 = (2, 1).
  net.populations = {pop("filler", 20), pop("target", 3)};
  for (uint32_t i = 0; i < 3; ++i) net.populations[1].params.set("vth", i, 100000, 3);
  models::InputSource in;
  in.name = "in";
  in.size = 1;
  in.spikes = {{0, 0, 1}};
  net.inputs = {in};
  models::Projection pr;
  pr.name = "in->target";
  pr.from = {true, 0};
  pr.to = 1;
  pr.rule = models::ConnectivityRule::all_to_all;
  pr.weight = {10, 10};
  net.projections = {pr};
  const auto ex = models::expand(net);
  const auto pl = map::map_network(c, net, ex, map::Strategy::fill);
  ASSERT_EQ(pl.core_of[1][0], 5u);
  CalendarScheduler sched;
  chip::ChipModel model(c, net, ex, pl, sched);
  model.begin_step();
  sched.run();
  const auto rec = model.end_step();
  // Host at router (0,0) -> router (2,1): 2 hops east (2 cycles each), 1 north (4 cycles);
  // local links 1, pipeline 2: 2*1 + (3 + 1)*2 + 2*2 + 4 = 18 cycles.
  const uint64_t arrival = 18;
  // Synaptic input: 3 synapses of 20 bits (8 weight + 0 delay + 2 index... 4 neurons: 2 bits):
  // 10 bits, 6 per 64-bit word: 1 word; 1 bank, 1 cycle per access; 3 cycles per synaptic op.
  const uint64_t processing = 1 * 1 + 3 * 3;
  // Neuron updates at step 0: every neuron is inactive (1 cycle each), 4 per core: 4 cycles.
  EXPECT_EQ(rec.neuron_update_cycles, 4u);
  EXPECT_EQ(rec.active_cycles, arrival + processing);
  EXPECT_EQ(rec.barrier_cycles, 10u);
  EXPECT_EQ(rec.critical.component, "core c[5] synaptic input");
  EXPECT_EQ(rec.critical.packet_hops, 3u);
  EXPECT_EQ(rec.critical.packet_latency, arrival);
  EXPECT_EQ(model.cycle(), arrival + processing + 10);
  // Step 1: the 3 target neurons have input, so their updates are active (2 cycles each: 6);
  // the filler cores' 4 inactive updates take 4. Nothing spikes: the step is 6 cycles long.
  model.begin_step();
  sched.run();
  const auto rec1 = model.end_step();
  EXPECT_EQ(rec1.start_cycle, arrival + processing + 10);
  EXPECT_EQ(rec1.neuron_update_cycles, 6u);
  EXPECT_EQ(rec1.active_cycles, 6u);
  EXPECT_EQ(rec1.critical.component, "core c[5] neuron update");
}

TEST(ChipModel, ShallowerBuffersAndBiggerMeshesCostCycles) {
  const std::string src = NEUROMESH_SOURCE_DIR;
  const auto net = config::load_network(src + "/configs/networks/ei_recurrent.yaml");
  auto total = [&](uint32_t w, uint32_t h, uint32_t buffer) {
    const auto c = testkit::chip(w, h, 64, 8192, 4096, 8192, 8, 6, "loihi_sparse", 1, buffer);
    const auto ex = models::expand(net);
    const auto pl = map::map_network(c, net, ex, map::Strategy::fill);
    CalendarScheduler sched;
    chip::ChipModel model(c, net, ex, pl, sched);
    uint64_t cycles = 0;
    for (int t = 0; t < 30; ++t) {
      model.begin_step();
      sched.run();
      cycles += model.end_step().cycles();
    }
    return cycles;
  };
  EXPECT_GT(total(8, 2, 1), total(8, 2, 16));
  EXPECT_LT(total(8, 2, 16), total(16, 1, 16));  // same cores in a line: longer routes
}

TEST(ChipModel, UnitTimingIsTheUnitsCycleModel) {
  // --neuron-timing unit with U chip cycles per unit cycle: a core of n neurons updates in
  // (n + kLatency) unit cycles whatever the neurons do, and neuron i's spike leaves
  // (i + kLatency + 1) x U cycles after the update starts, plus the spike-generation latency.
  const auto c = testkit::chip(2, 1, 16, 4096, 256, 4096);
  models::Network net;
  auto lif = std::vector<models::loihi::LifParams>(16);
  lif[5].bias_mant = 4095;   // neuron 5 crosses vth 0 in step 0 (bias only)
  lif[5].bias_exp = 7;
  net.populations = {models::Population{"a", 16, {}, "loihi_cuba_lif", models::lif_param_table(lif)},
                     models::Population{"b", 7, {}, "loihi_cuba_lif",
                                        models::lif_param_table(std::vector<models::loihi::LifParams>(7))}};
  for (uint32_t i = 0; i < 16; ++i) net.populations[0].params.set("vth", i, i == 5 ? 0 : 100000, 3);
  models::Projection pr;
  pr.name = "a->b";
  pr.from = {false, 0};
  pr.to = 1;
  pr.rule = models::ConnectivityRule::all_to_all;
  pr.weight = {10, 10};
  net.projections = {pr};
  const auto ex = models::expand(net);
  const auto pl = map::map_network(c, net, ex, map::Strategy::fill);
  uint64_t after_ready = 0;   // synaptic input end minus the spike's ready cycle (U = 1)
  for (uint64_t U : {1u, 7u}) {
    CalendarScheduler sched;
    chip::ChipModel model(c, net, ex, pl, sched);
    model.unit_cycles = U;
    model.begin_step();
    sched.run();
    const auto rec = model.end_step();
    ASSERT_EQ(model.spiked(0), std::vector<uint32_t>{5});
    const uint64_t L = models::LifUpdateUnit::kLatency;
    // The larger core (16 neurons) sets the neuron phase.
    EXPECT_EQ(rec.neuron_update_cycles, (16 + L) * U) << "U " << U;
    // Neuron 5's spike is ready at (5 + L + 1) U + spike generation; the path to b's core and its
    // synaptic work do not depend on U, so b's synaptic input ends the same time after it.
    const uint64_t ready = (5 + L + 1) * U + c.core_types[0].costs.spike_generation.latency_cycles;
    ASSERT_GT(rec.synaptic_input_end, ready) << "U " << U;
    if (U == 1) after_ready = rec.synaptic_input_end - ready;
    EXPECT_EQ(rec.synaptic_input_end - ready, after_ready) << "U " << U;
    EXPECT_EQ(rec.active_cycles, std::max(rec.neuron_update_cycles, rec.synaptic_input_end)) << "U " << U;
  }
}
