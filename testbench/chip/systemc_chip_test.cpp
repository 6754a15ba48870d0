// The SystemC chip against the same models under the plain event calendar: identical step
// records (cycles, breakdown, critical path, counts) and spikes. SystemC elaborates once per
// process, so each test runs in its own process (gtest_discover_tests) and builds one chip.
#include "sim/chip/systemc_chip.h"

#include <gtest/gtest.h>

#include "models/functional_sim.h"
#include "sim/config/network_config.h"
#include "testbench/common/random_network.h"
#include "testbench/common/random_truenorth.h"
#include "testbench/common/test_chip.h"

using namespace neuromesh;

namespace {

void compare(const config::ChipConfig& c, const models::Network& net, uint64_t steps) {
  const auto ex = models::expand(net);
  const auto pl = map::map_network(c, net, ex, map::Strategy::locality);
  chip::sc::SystemCChip sc_chip(c, net, ex, pl);
  models::noc::CalendarScheduler sched;
  chip::ChipModel plain(c, net, ex, pl, sched);
  uint64_t packets = 0;
  for (uint64_t t = 0; t < steps; ++t) {
    const auto a = sc_chip.step();
    plain.begin_step();
    sched.run();
    const auto b = plain.end_step();
    ASSERT_EQ(a.start_cycle, b.start_cycle) << "step " << t;
    ASSERT_EQ(a.active_cycles, b.active_cycles) << "step " << t;
    ASSERT_EQ(a.barrier_cycles, b.barrier_cycles) << "step " << t;
    ASSERT_EQ(a.neuron_update_cycles, b.neuron_update_cycles) << "step " << t;
    ASSERT_EQ(a.synaptic_input_end, b.synaptic_input_end) << "step " << t;
    ASSERT_EQ(a.critical.component, b.critical.component) << "step " << t;
    ASSERT_EQ(a.critical.packet_src_core, b.critical.packet_src_core) << "step " << t;
    ASSERT_EQ(a.critical.packet_hops, b.critical.packet_hops) << "step " << t;
    ASSERT_EQ(a.critical.packet_latency, b.critical.packet_latency) << "step " << t;
    ASSERT_EQ(a.dynamic_pj, b.dynamic_pj) << "step " << t;
    ASSERT_EQ(a.packets, b.packets) << "step " << t;
    ASSERT_EQ(a.synaptic_ops, b.synaptic_ops) << "step " << t;
    ASSERT_EQ(a.flit_hops, b.flit_hops) << "step " << t;
    for (uint32_t p = 0; p < net.populations.size(); ++p)
      ASSERT_EQ(sc_chip.model().spiked(p), plain.spiked(p)) << "step " << t;
    packets += a.packets;
  }
  // SystemC time stands at the last event of the last step: never past the cycle the model says
  // that step's work ended (the barrier after it is added when the next step starts).
  const uint64_t period = uint64_t(std::llround(c.clock.cycle_ns * 1e6));
  EXPECT_EQ(sc_core::sc_time_stamp().value() % period, 0u);
  EXPECT_LE(sc_core::sc_time_stamp().value() / period, plain.cycle());
  // Every memory read went through the TLM target.
  uint64_t reads = 0;
  for (const auto& k : plain.cores()) reads += k->counters.memory_reads;
  EXPECT_EQ(sc_chip.memory_reads(), reads);
  EXPECT_GT(packets, 0u);
}

const std::string kSrc = NEUROMESH_SOURCE_DIR;

}  // namespace

TEST(SystemCChip, EiRecurrentOnLoihi2) {
  compare(config::load_chip_config(kSrc + "/configs/chips/loihi2.yaml"),
          config::load_network(kSrc + "/configs/networks/ei_recurrent.yaml"), 60);
}

TEST(SystemCChip, FeedforwardOnLoihi2) {
  compare(config::load_chip_config(kSrc + "/configs/chips/loihi2.yaml"),
          config::load_network(kSrc + "/configs/networks/feedforward.yaml"), 100);
}

TEST(SystemCChip, TrueNorthRingOnTrueNorth) {
  // The full 4096-core chip: crossbar reads through the TLM target, fixed ticks.
  compare(config::load_chip_config(kSrc + "/configs/chips/truenorth.yaml"),
          config::load_network(kSrc + "/configs/networks/truenorth_ring.yaml"), 60);
}

TEST(SystemCChip, TrueNorthRandomNetworkOnCongestedMesh) {
  const auto c = testkit::truenorth_chip(3, 2, 32, 1, "west_first", 2000);
  for (uint64_t seed = 5;; ++seed) {
    try {
      compare(c, testkit::random_truenorth_network(seed, 32), 60);
      return;
    } catch (const std::exception&) {
      // does not fit this chip (expansion or mapping): try the next one before SystemC builds
    }
  }
}

TEST(SystemCChip, RandomNetworkOnCongestedMesh) {
  // 6-neuron cores, two per router on a 3x3 mesh, 2-flit buffers, west-first routing.
  const auto c = testkit::chip(3, 3, 6, 4096, 256, 4096, 8, 6, "loihi_sparse", 2, 2, "west_first");
  for (uint64_t seed = 3;; ++seed) {
    const auto net = testkit::random_network(seed);
    try {
      compare(c, net, 80);
      return;
    } catch (const map::MapError&) {
      // too big for this chip: try the next one (before any SystemC module was built)
    }
  }
}
