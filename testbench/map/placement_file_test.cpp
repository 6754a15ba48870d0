// Placement files: what map writes reads back to the same placement (every strategy, random and
// shipped networks); every limit of a given placement is checked and named with its file line;
// bad files are refused with the line. Placement quality against closed forms.
#include <gtest/gtest.h>
#include <fmt/format.h>

#include "models/loihi_lif_unit.h"
#include "models/rng.h"
#include "sim/config/config_error.h"
#include "sim/config/network_config.h"
#include "sim/config/placement_file.h"
#include "sim/map/mapper.h"
#include "sim/map/placement_quality.h"
#include "testbench/common/test_chip.h"
#include "testbench/common/test_network.h"

using namespace neuromesh;
using models::ConnectivityRule;
using models::Network;
using neuromesh::testkit::chip;
using neuromesh::testkit::pop;
using neuromesh::testkit::proj;
using neuromesh::testkit::random_network;

namespace {

void expect_same(const map::Placement& a, const map::Placement& b) {
  ASSERT_EQ(a.cores.size(), b.cores.size());
  EXPECT_EQ(a.core_of, b.core_of);
  EXPECT_EQ(a.local_of, b.local_of);
  for (size_t c = 0; c < a.cores.size(); ++c) {
    const auto &x = a.cores[c], &y = b.cores[c];
    EXPECT_EQ(x.population, y.population) << "core " << c;
    EXPECT_EQ(x.neurons, y.neurons) << "core " << c;
    EXPECT_EQ(x.words_used, y.words_used) << "core " << c;
    EXPECT_EQ(x.fan_out, y.fan_out) << "core " << c;
    ASSERT_EQ(x.axons.size(), y.axons.size()) << "core " << c;
    for (size_t k = 0; k < x.axons.size(); ++k) {
      EXPECT_EQ(x.axons[k].projection, y.axons[k].projection);
      EXPECT_EQ(x.axons[k].pre, y.axons[k].pre);
      EXPECT_EQ(x.axons[k].synapses, y.axons[k].synapses);
      EXPECT_EQ(x.axons[k].word_offset, y.axons[k].word_offset);
    }
  }
  EXPECT_EQ(a.routes, b.routes);
  EXPECT_EQ(a.route_hops, b.route_hops);
}

// The placement through a placement file and back.
map::Placement round_trip(const config::ChipConfig& c, const Network& net,
                          const models::ExpandedNetwork& ex, const map::Placement& pl) {
  const auto u = config::parse_placement(map::placement_csv(c, net, pl), "p.csv", c, net);
  return map::place_network(c, net, ex, u);
}

// The message of the ConfigError or MapError that `f` throws, or "" if it throws none.
template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const config::ConfigError& e) {
    return e.what();
  } catch (const map::MapError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(PlacementFile, RoundTripsEveryStrategyOnRandomNetworks) {
  const auto c = chip(10, 10, 16, 512, 64, 400);
  for (uint64_t seed = 1; seed <= 30; ++seed) {
    const Network net = random_network(seed);
    const auto ex = models::expand(net);
    for (const auto& name : map::strategy_names()) {
      SCOPED_TRACE(fmt::format("seed {} strategy {}", seed, name));
      const auto pl = map::map_network(c, net, ex, map::strategy_from_string(name));
      const auto back = round_trip(c, net, ex, pl);
      expect_same(pl, back);
      EXPECT_EQ(back.file, "p.csv");
    }
  }
}

TEST(PlacementFile, RoundTripsShippedNetworksOfEveryFamily) {
  const std::string root = NEUROMESH_SOURCE_DIR;
  const std::pair<const char*, const char*> cases[] = {{"loihi2", "bench_layered"},
                                                       {"truenorth", "truenorth_ring"},
                                                       {"brainscales2", "bss2_ei"}};
  for (const auto& [chip_name, net_name] : cases) {
    SCOPED_TRACE(net_name);
    const auto c = config::load_chip_config(root + "/configs/chips/" + chip_name + ".yaml");
    const Network net = config::load_network(root + "/configs/networks/" + net_name + ".yaml");
    const auto ex = models::expand(net);
    const auto pl = map::map_network(c, net, ex, map::Strategy::connectivity);
    expect_same(pl, round_trip(c, net, ex, pl));
  }
}

TEST(PlacementFile, RoundTripsAwkwardCoreNames) {
  // Core names a chip config may hold that CSV must quote: a leading '#' (a comment line to the
  // reader), a comma, quotes, a line break.
  auto c = chip(2, 2, 8, 4096, 64, 64);
  c.cores[0].name = "#first";
  c.cores[1].name = "a,\"b\"";
  c.cores[2].name = "two\nlines";
  c.cores[3].name = "cr\r";
  Network net;
  net.populations = {pop("a", 30)};
  net.inputs.push_back(models::InputSource{"in", 8, {}, {}, false, 0, 0});
  net.projections = {proj({true, 0}, 0, ConnectivityRule::all_to_all)};
  net.name = "line\nbreak";
  const auto ex = models::expand(net);
  const auto pl = map::map_network(c, net, ex, map::Strategy::fill);
  ASSERT_EQ(pl.cores_used(), 4u);
  expect_same(pl, round_trip(c, net, ex, pl));
  // A quoted header is a header.
  const auto u = config::parse_placement(
      "\"core\",\"population\",first,last\n\"#first\",a,0,29\n", "p.csv", c, net);
  EXPECT_EQ(u.core_of[0][29], 0u);
}

TEST(PlacementFile, EveryLimitOfAGivenPlacementIsChecked) {
  // a (8) -> b (8) all-to-all, and an input of 8 onto a.
  Network net;
  net.populations = {pop("a", 8), pop("b", 8)};
  net.inputs.push_back(models::InputSource{"in", 8, {}, {}, false, 0, 0});
  net.projections = {proj({true, 0}, 0, ConnectivityRule::all_to_all, 0, 1),
                     proj({false, 0}, 1, ConnectivityRule::all_to_all, 0, 2)};
  const auto ex = models::expand(net);
  const std::string text =
      "core,population,first,last\nc[0],a,0,7\nc[1],b,0,3\nc[2],b,4,7\n";
  auto place = [&](const config::ChipConfig& c) {
    return map::place_network(c, net, ex, config::parse_placement(text, "p.csv", c, net));
  };
  // Roomy chip: it fits; b's 8 sources reach 2 cores, so each a neuron sends 2 routes: 16.
  const auto pl = place(chip(2, 2, 8, 4096, 64, 64));
  EXPECT_EQ(pl.cores[0].fan_out, 16u);
  EXPECT_EQ(pl.cores[1].count(), 4u);
  EXPECT_EQ(pl.cores_used(), 3u);
  // Each limit in turn; the message names the file line of the offending core.
  EXPECT_NE(error_of([&] { place(chip(2, 2, 4, 4096, 64, 64)); }).find(
                "p.csv:2: core c[0] (population 'a' neurons 0..7) needs 8 neurons; a core of type 'c' "
                "holds at most 4 (short by 4)"),
            std::string::npos);
  EXPECT_NE(error_of([&] { place(chip(2, 2, 8, 4096, 7, 64)); }).find(
                "p.csv:2: core c[0] (population 'a' neurons 0..7) needs 8 input axons"),
            std::string::npos);
  EXPECT_NE(error_of([&] { place(chip(2, 2, 8, 4096, 64, 15)); }).find(
                "p.csv:2: core c[0] (population 'a' neurons 0..7) needs 16 output routes"),
            std::string::npos);
  // 8 axons of 8 synapses of 11 bits (3 index + 8 weight): 2 words each, 16 words = 128 bytes.
  ASSERT_EQ(map::synapse_bits(chip(2, 2, 8, 64, 64, 64).core_types[0], ex.tables[0]), 11);
  EXPECT_NE(error_of([&] { place(chip(2, 2, 8, 64, 64, 64)); }).find(
                "p.csv:2: core c[0] (population 'a' neurons 0..7) needs 128 bytes of synaptic "
                "memory; a core of type 'c' has 64 bytes (short by 64 bytes)"),
            std::string::npos);
}

TEST(PlacementFile, BadFilesNameTheLine) {
  const auto c = chip(2, 2, 8, 4096, 64, 64);
  Network net;
  net.populations = {pop("a", 4), pop("b", 4)};
  auto err = [&](const std::string& text) {
    return error_of([&] { config::parse_placement(text, "p.csv", c, net); });
  };
  const std::string h = "# a comment\ncore,population,first,last\n";
  EXPECT_NE(err("core,pop\n").find("p.csv:1:"), std::string::npos);
  EXPECT_NE(err("").find("empty placement file"), std::string::npos);
  EXPECT_NE(err(h + "c[9],a,0,3\n").find("p.csv:3:"), std::string::npos);
  EXPECT_NE(err(h + "c[0],x,0,3\n").find("population 'x' is not in network"), std::string::npos);
  EXPECT_NE(err(h + "c[0],a,0,4\n").find("last neuron 4 is out of range 0..3"), std::string::npos);
  EXPECT_NE(err(h + "c[0],a,2,1\n").find("out of range 2..3"), std::string::npos);
  EXPECT_NE(err(h + "c[0],a,0,3\n").find("4 neurons of population 'b' have no core"), std::string::npos);
  EXPECT_NE(err(h + "c[0],a,0,3\nc[0],b,0,3\n").find("p.csv:4: error: core c[0] already holds population 'a' (line 3)"),
            std::string::npos);
  EXPECT_NE(err(h + "c[0],a,0,3\nc[1],a,3,3\n").find("p.csv:4: error: neuron 3 of population 'a' is already placed on core c[0] (line 3)"),
            std::string::npos);
  EXPECT_NE(err(h + "c[0],a,0,3,1\n").find("expected 4 comma-separated values"), std::string::npos);
  EXPECT_NE(err(h + "\"c[0],a,0,3\n").find("quoted cell is not closed"), std::string::npos);
  // A good file: rows of one core may be split and in any order; comments and blank lines pass.
  const auto u = config::parse_placement(h + "c[1],b,2,3\n\nc[0],a,0,3\nc[1],b,0,1\n", "p.csv", c, net);
  EXPECT_EQ(u.core_of[1], (std::vector<uint32_t>{1, 1, 1, 1}));
  EXPECT_EQ(u.origin[1], "p.csv:3");
}

TEST(PlacementQuality, ClosedForm) {
  // a -> c all-to-all with the unconnected b (40 cores' worth) between them under fill: a on
  // router 0,0, c on core 41 = router 1,5. Each a neuron sends one packet to c's core: 8
  // packets of 1 + 5 hops, all on one x-then-y path whose first link is router 0,0 east.
  const auto c = chip(8, 8, 8, 4096, 500, 5000);
  Network net;
  net.populations = {pop("a", 8), pop("b", 8 * 40), pop("c", 8)};
  net.projections = {proj({false, 0}, 2, ConnectivityRule::all_to_all)};
  const auto ex = models::expand(net);
  const auto pl = map::map_network(c, net, ex, map::Strategy::fill);
  const auto q = map::placement_quality(c, net, ex, pl);
  EXPECT_EQ(q.cores_used, 42u);
  EXPECT_EQ(q.packets, 8u);
  EXPECT_EQ(q.hops, 48u);
  EXPECT_EQ(q.link_packets, 8u);
  EXPECT_EQ(q.link_x, 0u);
  EXPECT_EQ(q.link_y, 0u);
  EXPECT_EQ(q.link_port, "east");
  EXPECT_EQ(q.core, 41u);
  EXPECT_EQ(q.core_synapses, 64u);
  EXPECT_EQ(q.core_packets, 8u);
  // Bounds: neurons 1 + 40 + 1; memory and fan-in only for c (one core each).
  EXPECT_EQ(q.bound_neurons, 42u);
  EXPECT_EQ(q.bound_memory, 1u);
  EXPECT_EQ(q.bound_fan_in, 1u);
  EXPECT_EQ(q.bound, 42u);
  // On a yx chip the first link of the path goes north.
  auto cyx = c;
  cyx.router.routing = "yx";
  EXPECT_EQ(map::placement_quality(cyx, net, ex, pl).link_port, "north");
}

TEST(PlacementQuality, LowerBoundsHoldOnRandomNetworks) {
  for (const char* kind : {"loihi_sparse", "loihi_dense"}) {
    const auto c = chip(10, 10, 16, 512, 64, 400, 8, 6, kind);
    for (uint64_t seed = 1; seed <= 30; ++seed) {
      const Network net = random_network(seed);
      const auto ex = models::expand(net);
      const auto pl = map::map_network(c, net, ex, map::Strategy::connectivity);
      const auto q = map::placement_quality(c, net, ex, pl);
      EXPECT_LE(q.bound, q.cores_used) << kind << " seed " << seed;
      EXPECT_EQ(q.packets, pl.routes);
      EXPECT_EQ(q.hops, pl.route_hops);
    }
  }
  // Dense rows: 16 copies of one synapse take one row word, not 16 synapses' worth.
  const auto c = chip(2, 2, 8, 8, 64, 64, 8, 6, "loihi_dense");
  Network net;
  net.populations = {pop("a", 1)};
  net.inputs.push_back(models::InputSource{"in", 1, {}, {}, false, 0, 0});
  models::Projection pr = proj({true, 0}, 0, ConnectivityRule::explicit_list);
  for (int k = 0; k < 16; ++k) pr.synapses.push_back({0, 0, 10, 0});
  net.projections = {pr};
  const auto ex = models::expand(net);
  const auto pl = map::map_network(c, net, ex, map::Strategy::fill);
  EXPECT_EQ(pl.cores_used(), 1u);
  EXPECT_EQ(map::placement_quality(c, net, ex, pl).bound_memory, 1u);
}
