// Energy: micro-benchmarks on the Loihi 2-like config recover its per-operation figures exactly,
// static energy is static power x time, and the totals agree however they are summed.
#include "sim/report/energy.h"

#include <gtest/gtest.h>

#include "sim/config/network_config.h"
#include "sim/report/report.h"
#include "testbench/common/random_network.h"
#include "testbench/common/test_chip.h"

using namespace neuromesh;

namespace {

const std::string kSrc = NEUROMESH_SOURCE_DIR;

struct RunResult {
  std::vector<chip::StepRecord> steps;
  std::vector<uint64_t> packet_latency;  // creation to delivery, every packet of every step
  report::EnergyReport energy;
};

RunResult run(const config::ChipConfig& c, const models::Network& net, uint64_t steps) {
  const auto ex = models::expand(net);
  const auto pl = map::map_network(c, net, ex, map::Strategy::fill);
  models::noc::CalendarScheduler sched;
  chip::ChipModel model(c, net, ex, pl, sched);
  RunResult r;
  for (uint64_t t = 0; t < steps; ++t) {
    model.begin_step();
    sched.run();
    for (size_t k = 0; k < model.noc().packet_count(); ++k) {
      const auto& pk = model.noc().packet(uint32_t(k));
      r.packet_latency.push_back(pk.delivered - pk.created);
    }
    r.steps.push_back(model.end_step());
  }
  r.energy = report::compute_energy(model, r.steps, 2);
  return r;
}

double category(const report::EnergyReport& e, const std::string& name, uint64_t* events = nullptr) {
  for (const auto& c : e.categories)
    if (c.name == name) {
      if (events) *events = c.count;
      return c.energy_pj;
    }
  ADD_FAILURE() << "no category " << name;
  return 0;
}

models::Network one_synapse(uint32_t neurons, bool spike) {
  models::Network net;
  std::vector<models::loihi::LifParams> lif(neurons);
  for (auto& p : lif) p.vth = 100000;  // never spikes
  net.populations = {models::Population{"p", neurons, {}, "loihi_cuba_lif",
                                        models::lif_param_table(lif)}};
  models::InputSource in;
  in.name = "in";
  in.size = 1;
  if (spike) in.spikes = {{0, 0, 1}};
  net.inputs = {in};
  models::Projection pr;
  pr.name = "in->p";
  pr.from = {true, 0};
  pr.to = 0;
  pr.rule = models::ConnectivityRule::one_to_one;
  pr.weight = {10, 10};
  if (neurons == 1) net.projections = {pr};
  return net;
}

}  // namespace

TEST(Energy, IdleNeuronUpdateCostsTheInactiveFigure) {
  const auto c = config::load_chip_config(kSrc + "/configs/chips/loihi2.yaml");
  const auto r = run(c, one_synapse(100, false), 1);
  uint64_t n = 0;
  EXPECT_DOUBLE_EQ(category(r.energy, "neuron_updates_inactive", &n), 100 * 52.0);  // Davies18
  EXPECT_EQ(n, 100u);
  EXPECT_DOUBLE_EQ(category(r.energy, "neuron_updates_active"), 0.0);
  EXPECT_DOUBLE_EQ(r.energy.dynamic_pj, 100 * 52.0);
  EXPECT_DOUBLE_EQ(r.steps[0].dynamic_pj, 100 * 52.0);
}

TEST(Energy, OneSynapticOpCostsWhatTheConfigSays) {
  const auto c = config::load_chip_config(kSrc + "/configs/chips/loihi2.yaml");
  const auto with = run(c, one_synapse(1, true), 2);
  const auto without = run(c, one_synapse(1, false), 2);
  // The difference of the two runs is one spike's worth of work: 1 synaptic op (23.6 pJ), one
  // delivery on a local link (1.7 pJ, the core sits on router (0, 0) where inputs enter), one
  // memory word read (0 pJ), and at step 1 one active (81 pJ) instead of inactive (52 pJ) update.
  EXPECT_NEAR(with.energy.dynamic_pj - without.energy.dynamic_pj, 23.6 + 1.7 + (81 - 52), 1e-9);
  EXPECT_NEAR(category(with.energy, "synaptic_ops"), 23.6, 1e-12);
  EXPECT_NEAR(category(with.energy, "local_deliveries"), 1.7, 1e-12);
  EXPECT_NEAR(with.steps[0].dynamic_pj, 52 + 23.6 + 1.7, 1e-9);
  EXPECT_NEAR(with.steps[1].dynamic_pj, 81, 1e-9);
}

TEST(Energy, HopsAreChargedPerDirection) {
  // Move the target to router (2, 1): two east hops (3.0 pJ each) and one north hop (4.0 pJ).
  const auto c = config::load_chip_config(kSrc + "/configs/chips/loihi2.yaml");
  models::Network net = one_synapse(1, true);
  // 4 cores per router: a 40-core filler puts the target on core 40 = router (2, 1).
  models::Population filler{"filler", 40 * 8192, {}, "loihi_cuba_lif",
                            models::lif_param_table(std::vector<models::loihi::LifParams>(1))};
  net.populations.insert(net.populations.begin(), filler);
  net.projections[0].to = 1;
  const auto r = run(c, net, 1);
  EXPECT_NEAR(category(r.energy, "hops_east"), 2 * 3.0, 1e-12);
  EXPECT_NEAR(category(r.energy, "hops_north"), 4.0, 1e-12);
  EXPECT_NEAR(category(r.energy, "hops_west") + category(r.energy, "hops_south"), 0.0, 1e-12);
  // And the latency adds up as Davies18 Table 2 does: 2.1 ns within a tile, 4.1 ns per E-W hop,
  // 6.5 ns per N-S hop: 2.1 + 2 x 4.1 + 6.5 = 16.8 ns = 168 nominal 0.1 ns cycles.
  ASSERT_EQ(r.packet_latency.size(), 1u);
  EXPECT_EQ(r.packet_latency[0], 168u);
}

TEST(Energy, WithinTileSpikeTakesTheTableFigures) {
  const auto c = config::load_chip_config(kSrc + "/configs/chips/loihi2.yaml");
  const auto r = run(c, one_synapse(1, true), 1);
  ASSERT_EQ(r.packet_latency.size(), 1u);
  EXPECT_EQ(r.packet_latency[0], 21u);  // 2.1 ns
  EXPECT_EQ(r.steps[0].critical.packet_latency, 21u);
  EXPECT_NEAR(category(r.energy, "local_deliveries"), 1.7, 1e-12);
}

TEST(Energy, StaticIsStaticPowerTimesTime) {
  const auto c = config::load_chip_config(kSrc + "/configs/chips/loihi2.yaml");
  const auto r = run(c, one_synapse(1, true), 3);
  double ns = 0;
  for (const auto& s : r.steps) ns += double(s.cycles()) * 0.1;
  EXPECT_NEAR(r.energy.time_ns, ns, 1e-6);
  EXPECT_NEAR(r.energy.static_pj, 128 * 0.82 * ns, 1e-6);  // 128 cores x 0.82 mW (Frady20)
  EXPECT_NEAR(r.energy.average_mw, r.energy.total_pj() / ns, 1e-9);
}

TEST(Energy, TotalsAgreeAndPeakIsAWindowMaximum) {
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    const auto c = testkit::chip(3, 3, 8, 4096, 256, 4096, 8, 6, "loihi_sparse", 2);
    const auto net = testkit::random_network(seed);
    RunResult r;
    try {
      r = run(c, net, 40);
    } catch (const map::MapError&) {
      continue;
    }
    double steps = 0, cores = 0, routers = 0, barriers = category(r.energy, "barriers");
    for (const auto& s : r.steps) steps += s.dynamic_pj;
    for (double e : r.energy.core_pj) cores += e;
    for (double e : r.energy.router_pj) routers += e;
    EXPECT_NEAR(steps, r.energy.dynamic_pj, 1e-6 * (1 + steps));
    EXPECT_NEAR(cores + routers + barriers, r.energy.dynamic_pj, 1e-6 * (1 + steps));
    // Peak over 2-step windows, by brute force.
    double peak = 0;
    for (size_t i = 0; i + 1 < r.steps.size(); ++i) {
      const double pj = r.steps[i].dynamic_pj + r.steps[i].static_pj + r.steps[i + 1].dynamic_pj +
                        r.steps[i + 1].static_pj;
      peak = std::max(peak, pj / (r.steps[i].ns + r.steps[i + 1].ns));
    }
    EXPECT_NEAR(r.energy.peak_mw, peak, 1e-9 * (1 + peak));
    EXPECT_GE(r.energy.peak_mw, r.energy.average_mw * (1 - 1e-12));
  }
}

TEST(Energy, TrueNorthPublishedOperatingPointFromTheConfig) {
  // docs/validation.md section 2: TrueNorth networks do not run yet, so the energy model's
  // formula is applied to the published workload with the config's figures.
  const auto c = config::load_chip_config(kSrc + "/configs/chips/truenorth.yaml");
  double static_mw = 0;
  for (const auto& core : c.cores) static_mw += c.type_of(core).costs.static_power.mw;
  static_mw += double(c.mesh.width * c.mesh.height) * c.router.static_power.mw;
  const double events_per_s = double(1 << 20) * 20 * 128;  // 2^20 neurons, 20 Hz, 128 synapses
  const double dynamic_mw = events_per_s * c.core_types[0].costs.synaptic_op.energy_pj * 1e-9;
  const double power_mw = static_mw + dynamic_mw;
  EXPECT_NEAR(power_mw, 71.0, 0.10 * 71.0);                          // Akopyan15 Fig. 17
  EXPECT_NEAR(power_mw / events_per_s * 1e9, 26.0, 0.10 * 26.0);     // Merolla14, pJ per event
  EXPECT_NEAR(c.timing.tick_ns, 1e6, 1e-9);                          // 1 ms tick
}
