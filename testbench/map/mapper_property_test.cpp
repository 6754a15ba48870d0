// Mapper properties against independent expectations:
//  - feasibility: on small random networks an exhaustive search over every partition of every
//    population into core-sized groups (a second implementation of the limits: neurons,
//    synaptic words, fan-in axons, fan-out routes, core count) says whether any placement
//    exists; the mapper must then find one;
//  - numbering independence: renumbering a population's neurons at random changes neither the
//    connectivity strategy's core count nor its packet count by more than a few percent;
//  - fan-out: a population whose targets spread over many cores is cut until each core's output
//    routes fit, instead of being refused.
#include <gtest/gtest.h>
#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <numeric>
#include <set>

#include "models/loihi_lif_unit.h"
#include "models/rng.h"
#include "sim/map/mapper.h"
#include "testbench/common/test_chip.h"

using namespace neuromesh;
using models::ConnectivityRule;
using models::Network;
using neuromesh::testkit::chip;

namespace {

models::Population pop(const std::string& name, uint32_t size) {
  return models::Population{name, size, {}, "loihi_cuba_lif",
                            models::lif_param_table(std::vector<models::loihi::LifParams>(size))};
}

models::Projection random_proj(models::Endpoint from, uint32_t to, double p, uint64_t seed) {
  models::Projection pr;
  pr.name = "p" + std::to_string(seed);
  pr.from = from;
  pr.to = to;
  pr.rule = ConnectivityRule::random;
  pr.weight = {1, 100};
  pr.probability = p;
  pr.seed = seed;
  return pr;
}

// The limits of one core type, restated from the chip config (test_chip.h: 64-bit words,
// loihi_sparse synapses of weight_bits + index bits, no delays here).
struct Limits {
  uint32_t neurons, words, fan_in, fan_out, cores, per_word;
};

// Does an assignment group[p][i] (group ids per population, 0-based and dense) satisfy every
// limit? Counted from the synapse tables directly.
bool feasible(const Network& net, const models::ExpandedNetwork& ex,
              const std::vector<std::vector<uint32_t>>& group, const Limits& lim) {
  uint32_t total = 0;
  std::vector<uint32_t> groups(net.populations.size(), 0);
  for (size_t p = 0; p < group.size(); ++p) {
    for (uint32_t g : group[p]) groups[p] = std::max(groups[p], g + 1);
    total += groups[p];
  }
  if (total > lim.cores) return false;
  for (size_t p = 0; p < group.size(); ++p) {
    std::vector<uint32_t> size(groups[p], 0), words(groups[p], 0), axons(groups[p], 0),
        routes(groups[p], 0);
    for (uint32_t g : group[p]) ++size[g];
    for (size_t k = 0; k < ex.tables.size(); ++k) {
      const auto& t = ex.tables[k];
      // Incoming: per (pre, group) its synapse count -> words; one axon each.
      if (t.to == p) {
        for (size_t j = 0; j + 1 < t.row.size(); ++j) {
          std::vector<uint32_t> n(groups[p], 0);
          for (uint64_t s = t.row[j]; s < t.row[j + 1]; ++s) ++n[group[p][t.synapses[s].post]];
          for (uint32_t g = 0; g < groups[p]; ++g)
            if (n[g]) ++axons[g], words[g] += (n[g] + lim.per_word - 1) / lim.per_word;
        }
      }
      // Outgoing: a neuron's route count is the number of target groups it reaches.
      if (!t.from.is_input && t.from.index == p) {
        for (size_t j = 0; j + 1 < t.row.size(); ++j) {
          std::set<uint32_t> targets;
          for (uint64_t s = t.row[j]; s < t.row[j + 1]; ++s) targets.insert(group[t.to][t.synapses[s].post]);
          routes[group[p][j]] += uint32_t(targets.size());
        }
      }
    }
    for (uint32_t g = 0; g < groups[p]; ++g) {
      if (size[g] > lim.neurons || words[g] > lim.words || axons[g] > lim.fan_in ||
          routes[g] > lim.fan_out)
        return false;
    }
  }
  return true;
}

// Every set partition of every population (restricted growth strings), until one is feasible.
bool any_placement(const Network& net, const models::ExpandedNetwork& ex, const Limits& lim) {
  std::vector<std::vector<uint32_t>> group(net.populations.size());
  for (size_t p = 0; p < group.size(); ++p) group[p].assign(net.populations[p].size, 0);
  std::function<bool(size_t, size_t, uint32_t)> rec = [&](size_t p, size_t i, uint32_t used) -> bool {
    if (p == group.size()) return feasible(net, ex, group, lim);
    if (i == group[p].size()) return rec(p + 1, 0, 0);
    for (uint32_t g = 0; g <= used && g < lim.cores; ++g) {
      group[p][i] = g;
      if (rec(p, i + 1, std::max(used, g + 1))) return true;
    }
    return false;
  };
  return rec(0, 0, 0);
}

bool maps(const config::ChipConfig& c, const Network& net, const models::ExpandedNetwork& ex,
          map::Strategy s, std::string* why) {
  try {
    map::map_network(c, net, ex, s);
    return true;
  } catch (const map::MapError& e) {
    *why = e.what();
    return false;
  }
}

}  // namespace

TEST(MapperProperty, FindsAPlacementWheneverOneExists) {
  // 4 cores of 3 neurons, 4 words (10-bit synapses, 6 per word), fan-in 4, fan-out 3.
  const auto c = chip(2, 2, 3, 32, 4, 3);
  const Limits lim{3, 4, 4, 3, 4, 6};
  int exists = 0, refused = 0;
  for (uint64_t seed = 1; seed <= 300; ++seed) {
    models::Rng r(seed);
    Network net;
    const int n_pops = 1 + int(r.range(0, 1));
    for (int p = 0; p < n_pops; ++p) net.populations.push_back(pop("p" + std::to_string(p), uint32_t(r.range(2, 5))));
    net.inputs.push_back(models::InputSource{"in", uint32_t(r.range(1, 4)), {}, {}, false, 0, 0});
    const int n_proj = 1 + int(r.range(0, 2));
    for (int k = 0; k < n_proj; ++k) {
      const bool from_input = r.range(0, 2) == 0;
      const models::Endpoint from{from_input, from_input ? 0u : uint32_t(r.range(0, n_pops - 1))};
      net.projections.push_back(random_proj(from, uint32_t(r.range(0, n_pops - 1)), 0.6, seed * 10 + k));
    }
    const auto ex = models::expand(net);
    ASSERT_EQ(map::synapse_bits(c.core_types[0], ex.tables[0]), 10);
    const bool any = any_placement(net, ex, lim);
    exists += any;
    for (auto s : {map::Strategy::fill, map::Strategy::locality, map::Strategy::connectivity}) {
      std::string why;
      const bool ok = maps(c, net, ex, s, &why);
      if (ok) EXPECT_TRUE(any) << "seed " << seed << ": the mapper placed what the search says cannot be placed";
      if (any && !ok) {
        ++refused;
        ADD_FAILURE() << fmt::format("seed {} strategy {}: a placement exists but: {}", seed,
                                     map::strategy_names()[size_t(s)], why);
      }
    }
  }
  // The sample must hold both kinds of network to mean anything.
  EXPECT_GT(exists, 30);
  EXPECT_LT(exists, 270);
  EXPECT_EQ(refused, 0);
}
