// Mapper: limits hold on every core, every synapse is stored exactly once on the core of its
// target neuron, routes match the stored axons, closed-form memory layout, clear errors.
#include "sim/map/mapper.h"

#include <gtest/gtest.h>
#include <fmt/format.h>

#include <map>

#include "models/loihi_lif_unit.h"
#include "models/rng.h"
#include "testbench/common/random_truenorth.h"
#include "testbench/common/test_chip.h"
#include "testbench/common/test_network.h"

using namespace neuromesh;
using models::ConnectivityRule;
using models::Network;
using neuromesh::testkit::chip;
using neuromesh::testkit::pop;
using neuromesh::testkit::proj;

namespace {

// Checks every invariant of a placement against the network it came from.
void check_placement(const config::ChipConfig& c, const Network& net,
                     const models::ExpandedNetwork& ex, const map::Placement& pl) {
  // Limits of every core.
  for (uint32_t k = 0; k < pl.cores.size(); ++k) {
    const auto& cm = pl.cores[k];
    const auto& t = c.type_of(c.cores[k]);
    if (!cm.used()) continue;
    EXPECT_LE(cm.count(), t.neurons);
    EXPECT_LE(cm.words_used, cm.words_capacity);
    EXPECT_LE(cm.axons.size(), t.fan_in);
    EXPECT_LE(cm.fan_out, t.fan_out);
    uint64_t words = 0, syn = 0;
    for (const auto& a : cm.axons) {
      EXPECT_EQ(a.word_offset, words);  // contiguous layout
      const uint32_t per_word = 64 / uint32_t(map::synapse_bits(t, ex.tables[a.projection]));
      EXPECT_EQ(a.words, (a.synapses + per_word - 1) / per_word);
      words += a.words;
      syn += a.synapses;
    }
    EXPECT_EQ(words, cm.words_used);
    EXPECT_EQ(syn, cm.synapses);
  }
  // Every neuron has a core that holds its slice.
  for (uint32_t p = 0; p < net.populations.size(); ++p)
    for (uint32_t i = 0; i < net.populations[p].size; ++i) {
      const uint32_t core = pl.core_of[p][i];
      ASSERT_LT(core, pl.cores.size());
      EXPECT_EQ(pl.cores[core].population, p);
      const auto& held = pl.cores[core].neurons;
      ASSERT_LT(pl.local_of[p][i], held.size());
      EXPECT_EQ(held[pl.local_of[p][i]], i);
    }
  // Each (projection, pre, core) has exactly the synapses whose post lives on that core.
  std::map<std::tuple<uint32_t, uint32_t, uint32_t>, uint32_t> expected, stored;
  for (uint32_t k = 0; k < ex.tables.size(); ++k) {
    const auto& t = ex.tables[k];
    for (uint32_t j = 0; j + 1 < t.row.size(); ++j)
      for (uint64_t s = t.row[j]; s < t.row[j + 1]; ++s)
        ++expected[{k, j, pl.core_of[t.to][t.synapses[s].post]}];
  }
  for (uint32_t core = 0; core < pl.cores.size(); ++core)
    for (const auto& a : pl.cores[core].axons) {
      EXPECT_EQ(stored.count({a.projection, a.pre, core}), 0u) << "axon stored twice";
      stored[{a.projection, a.pre, core}] = a.synapses;
    }
  EXPECT_EQ(stored, expected);
  // Routes: one per stored axon, from the right source neuron to the right (core, axon).
  uint64_t routes = 0;
  for (uint32_t core = 0; core < pl.cores.size(); ++core)
    for (uint32_t a = 0; a < pl.cores[core].axons.size(); ++a) {
      const auto& ax = pl.cores[core].axons[a];
      const auto& from = ex.tables[ax.projection].from;
      const auto& rt = from.is_input ? pl.input_routes[from.index] : pl.population_routes[from.index];
      bool found = false;
      for (uint64_t r = rt.row[ax.pre]; r < rt.row[ax.pre + 1]; ++r)
        found |= rt.routes[r].core == core && rt.routes[r].axon == a;
      EXPECT_TRUE(found);
      ++routes;
    }
  EXPECT_EQ(routes, pl.routes);
}

}  // namespace

TEST(Mapper, RandomNetworksRespectEveryLimit) {
  const auto c = chip(10, 10, 16, 512, 64, 400);  // 64 words of 64 bits per core
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    const Network net = testkit::random_network(seed);
    const auto ex = models::expand(net);
    for (auto strategy : {map::Strategy::fill, map::Strategy::locality}) {
      SCOPED_TRACE(fmt::format("seed {} strategy {}", seed, int(strategy)));
      const auto pl = map::map_network(c, net, ex, strategy);
      check_placement(c, net, ex, pl);
    }
  }
}

TEST(Mapper, MemoryLayoutMatchesClosedForm) {
  // 16 neurons per core: 4 index bits; 8-bit weights, no delays used: 12 bits per synapse, five
  // to a 64-bit word. One input neuron to all 16 neurons: ceil(16 / 5) = 4 words.
  const auto c = chip(2, 1, 16, 256, 24, 200);
  Network net;
  net.populations = {pop("a", 16)};
  net.inputs.push_back(models::InputSource{"in", 1, {}, {}, false, 0, 0});
  net.projections = {proj({true, 0}, 0, ConnectivityRule::all_to_all)};
  const auto ex = models::expand(net);
  EXPECT_EQ(map::synapse_bits(c.core_types[0], ex.tables[0]), 12);
  const auto pl = map::map_network(c, net, ex, map::Strategy::fill);
  ASSERT_EQ(pl.cores[0].axons.size(), 1u);
  EXPECT_EQ(pl.cores[0].axons[0].synapses, 16u);
  EXPECT_EQ(pl.cores[0].words_used, 4u);
  // With delays the chip's 6 delay bits join: 18 bits, three to a word: ceil(16 / 3) = 6 words.
  net.projections[0].delay = {0, 3};
  const auto ex2 = models::expand(net);
  EXPECT_EQ(map::map_network(c, net, ex2, map::Strategy::fill).cores[0].words_used, 6u);
}

TEST(Mapper, MemoryLimitSplitsAPopulation) {
  // 4 words per core; each of the 20 input axons to a neuron takes a word of its own, so a core
  // fits at most 4 input axons... of 4 neurons each: all 20 inputs reach every neuron: no fit.
  // Instead give each neuron 2 inputs: 8 neurons x 2 axons each = 16 axons > 4 words -> slices.
  const auto c = chip(8, 1, 16, 32, 100, 200);
  Network net;
  net.populations = {pop("a", 16)};
  net.inputs.push_back(models::InputSource{"in", 32, {}, {}, false, 0, 0});
  models::Projection pr = proj({true, 0}, 0, ConnectivityRule::explicit_list);
  for (uint32_t i = 0; i < 16; ++i) {
    pr.synapses.push_back({2 * i, i, 5, 0});
    pr.synapses.push_back({2 * i + 1, i, 5, 0});
  }
  net.projections = {pr};
  const auto ex = models::expand(net);
  const auto pl = map::map_network(c, net, ex, map::Strategy::fill);
  // 4 words per core, 1 word per axon, 2 axons per neuron: 2 neurons per core, 8 cores.
  EXPECT_EQ(pl.cores_used(), 8u);
  for (uint32_t k = 0; k < 8; ++k) EXPECT_EQ(pl.cores[k].count(), 2u);
  check_placement(c, net, ex, pl);
}

TEST(Mapper, FillUsesCoresInOrderAndLocalityShortensRoutes) {
  // a -> c heavily, b unconnected and big in between: fill puts c far from a; locality next to it.
  const auto c = chip(8, 8, 8, 4096, 500, 5000);
  Network net;
  net.populations = {pop("a", 8), pop("b", 8 * 40), pop("c", 8)};
  net.projections = {proj({false, 0}, 2, ConnectivityRule::all_to_all)};
  const auto ex = models::expand(net);
  const auto fill = map::map_network(c, net, ex, map::Strategy::fill);
  for (uint32_t k = 0; k < 42; ++k) EXPECT_TRUE(fill.cores[k].used());
  EXPECT_EQ(fill.core_of[2][0], 41u);
  const auto loc = map::map_network(c, net, ex, map::Strategy::locality);
  check_placement(c, net, ex, loc);
  EXPECT_LT(loc.hops_per_packet(), fill.hops_per_packet());
  EXPECT_DOUBLE_EQ(loc.hops_per_packet(), 1.0);  // c on a neighbour of a's core
}

TEST(Mapper, ErrorsNameTheLimitAndTheShortfall) {
  auto expect_error = [](const config::ChipConfig& c, const Network& net, const char* fragment) {
    const auto ex = models::expand(net);
    try {
      map::map_network(c, net, ex, map::Strategy::fill);
      ADD_FAILURE() << "mapped";
    } catch (const map::MapError& e) {
      EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("short by"), std::string::npos) << e.what();
    }
  };
  Network net;
  net.populations = {pop("a", 40)};
  expect_error(chip(2, 2, 8, 256, 24, 200), net, "5 cores of type 'c' needed, the chip has 4");
  // One neuron with 30 inputs on a core with fan-in 24.
  Network fan;
  fan.populations = {pop("a", 1)};
  fan.inputs.push_back(models::InputSource{"in", 30, {}, {}, false, 0, 0});
  fan.projections = {proj({true, 0}, 0, ConnectivityRule::all_to_all)};
  expect_error(chip(2, 2, 8, 4096, 24, 200), fan, "fan-in of 24");
  expect_error(chip(2, 2, 8, 8, 100, 200), fan, "alone needs");
  // 8-bit weights on a chip that stores 4.
  Network wide;
  wide.populations = {pop("a", 2)};
  wide.projections = {proj({false, 0}, 0, ConnectivityRule::all_to_all)};
  expect_error(chip(2, 2, 8, 4096, 24, 200, 4), wide, "at most 4 bits");
}

TEST(Mapper, FanOutLimitShrinksSlices) {
  // a (8) -> b (64) all-to-all; b fills 8 cores of 8 neurons, so each a neuron sends 8 routes.
  // With a fan-out of 20, a core holds floor(20 / 8) = 2 a neurons: a takes 4 cores, 12 in all.
  // The neuron limit alone would put all of a on one core with 64 routes.
  const auto c = chip(4, 4, 8, 4096, 64, 20);
  Network net;
  net.populations = {pop("a", 8), pop("b", 64)};
  net.projections = {proj({false, 0}, 1, ConnectivityRule::all_to_all)};
  const auto ex = models::expand(net);
  for (auto strategy : {map::Strategy::fill, map::Strategy::locality, map::Strategy::connectivity}) {
    SCOPED_TRACE(map::strategy_names()[size_t(strategy)]);
    const auto pl = map::map_network(c, net, ex, strategy);
    check_placement(c, net, ex, pl);
    EXPECT_EQ(pl.cores_used(), 12u);
    uint32_t a_cores = 0;
    for (const auto& cm : pl.cores)
      if (cm.used() && cm.population == 0) {
        ++a_cores;
        EXPECT_EQ(cm.fan_out, 16u);
      }
    EXPECT_EQ(a_cores, 4u);
  }
}

TEST(Mapper, FanOutThatNoSlicingMeetsNamesTheNeuron) {
  // One a neuron reaches 64 b neurons on 8 cores: 8 routes, a fan-out of 5 cannot hold them.
  const auto c = chip(4, 4, 8, 4096, 64, 5);
  Network net;
  net.populations = {pop("a", 2), pop("b", 64)};
  net.projections = {proj({false, 0}, 1, ConnectivityRule::all_to_all)};
  const auto ex = models::expand(net);
  try {
    map::map_network(c, net, ex, map::Strategy::connectivity);
    ADD_FAILURE() << "mapped";
  } catch (const map::MapError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("of population 'a' alone needs 8 output routes"), std::string::npos) << m;
    EXPECT_NE(m.find("fan-out of 5 (short by 3)"), std::string::npos) << m;
  }
}

TEST(Mapper, TrueNorthTargetsOfANeuronShareACore) {
  // Neuron j of a reaches b's neurons j, j + 30, ..., j + 270. Index ranges of 256 neurons
  // would put some of them on a second core, which a neuron driving one axon cannot reach;
  // every strategy keeps each neuron's targets on one core without trying other orders.
  const auto c = testkit::truenorth_chip(4, 4, 256, 4, "xy");
  Network net;
  for (auto [name, size] : {std::pair<const char*, uint32_t>{"a", 30}, {"b", 300}}) {
    models::Population p;
    p.name = name;
    p.size = size;
    p.model = "truenorth_lif";
    p.params.add("threshold", {1});
    net.populations.push_back(p);
  }
  models::Projection pr = proj({false, 0}, 1, ConnectivityRule::explicit_list);
  for (uint32_t j = 0; j < 30; ++j)
    for (uint32_t k = 0; k < 10; ++k) pr.synapses.push_back({j, j + 30 * k, 1, 0});
  net.projections = {pr};
  const auto ex = models::expand(net);
  for (auto strategy : {map::Strategy::fill, map::Strategy::locality, map::Strategy::connectivity}) {
    SCOPED_TRACE(map::strategy_names()[size_t(strategy)]);
    const auto pl = map::map_network(c, net, ex, strategy);
    EXPECT_EQ(pl.cores_used(), 3u);
    for (uint32_t j = 0; j < 30; ++j) {
      EXPECT_EQ(pl.population_routes[0].row[j + 1] - pl.population_routes[0].row[j], 1u);
      for (uint32_t k = 1; k < 10; ++k) EXPECT_EQ(pl.core_of[1][j + 30 * k], pl.core_of[1][j]);
    }
  }
}
