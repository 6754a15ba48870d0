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
#include <optional>
#include <set>

#include "models/loihi_lif_unit.h"
#include "models/rng.h"
#include "sim/config/network_config.h"
#include "sim/map/mapper.h"
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

// The limits of one core type, restated from the chip config (test_chip.h: 64-bit words,
// loihi_sparse synapses of weight_bits + index bits, no delays here; random_truenorth.h: a
// crossbar, no memory limit, each source neuron drives one axon).
struct Limits {
  uint32_t neurons, words, fan_in, fan_out, cores, per_word;
  bool one_route = false;
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
  std::vector<std::vector<uint32_t>> source_routes(group.size());  // [population][neuron]
  for (size_t p = 0; p < group.size(); ++p) source_routes[p].assign(group[p].size(), 0);
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
          source_routes[p][j] += uint32_t(targets.size());
        }
      }
    }
    for (uint32_t g = 0; g < groups[p]; ++g) {
      if (size[g] > lim.neurons || words[g] > lim.words || axons[g] > lim.fan_in ||
          routes[g] > lim.fan_out)
        return false;
    }
  }
  if (lim.one_route)
    for (const auto& per_neuron : source_routes)
      for (uint32_t n : per_neuron)
        if (n > 1) return false;
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

// 300 random networks from `make`: wherever the exhaustive search finds a placement, every
// strategy finds one, and none places what the search says cannot be placed.
void compare_with_search(const config::ChipConfig& c, const Limits& lim,
                         const std::function<Network(models::Rng&)>& make) {
  int exists = 0, refused = 0;
  for (uint64_t seed = 1; seed <= 300; ++seed) {
    models::Rng r(seed);
    const Network net = make(r);
    const auto ex = models::expand(net);
    const bool any = any_placement(net, ex, lim);
    exists += any;
    for (auto s : {map::Strategy::fill, map::Strategy::locality, map::Strategy::connectivity}) {
      std::string why;
      const bool ok = maps(c, net, ex, s, &why);
      if (ok) {
        EXPECT_TRUE(any) << "seed " << seed << ": the mapper placed what the search says cannot be placed";
      }
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

// 1-2 populations of 2-5 neurons (from `make_pop`), an input of 1-4, 1-3 random projections of
// probability `p`, with weights `weight` (unset: proj()'s).
Network tiny_network(models::Rng& r, const std::function<models::Population(std::string, uint32_t)>& make_pop,
                     double p, std::optional<models::IntRange> weight = std::nullopt) {
  Network net;
  const int n_pops = 1 + int(r.range(0, 1));
  for (int q = 0; q < n_pops; ++q) net.populations.push_back(make_pop("p" + std::to_string(q), uint32_t(r.range(2, 5))));
  net.inputs.push_back(models::InputSource{"in", uint32_t(r.range(1, 4)), {}, {}, false, 0, 0});
  const int n_proj = 1 + int(r.range(0, 2));
  const uint64_t seed = r.next();
  for (int k = 0; k < n_proj; ++k) {
    const bool from_input = r.range(0, 2) == 0;
    const models::Endpoint from{from_input, from_input ? 0u : uint32_t(r.range(0, n_pops - 1))};
    auto pr = proj(from, uint32_t(r.range(0, n_pops - 1)), ConnectivityRule::random, p, seed + k);
    if (weight) pr.weight = *weight;
    net.projections.push_back(pr);
  }
  return net;
}

}  // namespace

TEST(MapperProperty, FindsAPlacementWheneverOneExists) {
  // 4 cores of 3 neurons, 4 words (10-bit synapses, 6 per word), fan-in 4, fan-out 3.
  const auto c = chip(2, 2, 3, 32, 4, 3);
  const Limits lim{3, 4, 4, 3, 4, 6};
  compare_with_search(c, lim, [&](models::Rng& r) {
    const Network net = tiny_network(r, pop, 0.6);
    EXPECT_EQ(map::synapse_bits(c.core_types[0], models::expand(net).tables[0]), 10);
    return net;
  });
}

TEST(MapperProperty, TrueNorthFindsAPlacementWheneverOneExists) {
  // 4 crossbar cores of 3 neurons and 4 axons; a neuron drives one axon, so all its targets
  // share one core.
  const auto c = testkit::truenorth_chip(2, 2, 3, 4, "xy", 1e6, 4);
  Limits lim{3, UINT32_MAX, 4, 3, 4, 1};
  lim.one_route = true;
  auto truenorth_pop = [](std::string name, uint32_t size) {
    models::Population pp;
    pp.name = std::move(name);
    pp.size = size;
    pp.model = "truenorth_lif";
    pp.params.add("threshold", {1});
    return pp;
  };
  compare_with_search(c, lim, [&](models::Rng& r) {
    return tiny_network(r, truenorth_pop, 0.5, models::IntRange{1, 1});
  });
}

namespace {

// The same network with population p's neuron i renumbered perm[i].
models::ExpandedNetwork renumbered(const models::ExpandedNetwork& ex, uint32_t p,
                                   const std::vector<uint32_t>& perm) {
  models::ExpandedNetwork out = ex;
  for (auto& t : out.tables) {
    if (t.to == p)
      for (auto& s : t.synapses) s.post = perm[s.post];
    if (t.from.is_input || t.from.index != p) continue;
    const auto& old = ex.tables[&t - out.tables.data()];
    const size_t n = old.row.size() - 1;
    std::vector<uint32_t> inv(n);
    for (uint32_t j = 0; j < n; ++j) inv[perm[j]] = j;
    t.row.assign(n + 1, 0);
    t.synapses.clear();
    for (uint32_t nj = 0; nj < n; ++nj) {
      const uint32_t j = inv[nj];
      for (uint64_t s = old.row[j]; s < old.row[j + 1]; ++s) {
        models::Synapse syn = old.synapses[s];
        if (old.to == p) syn.post = perm[syn.post];
        t.synapses.push_back(syn);
      }
      t.row[nj + 1] = t.synapses.size();
    }
  }
  return out;
}

std::vector<uint32_t> random_permutation(uint32_t n, uint64_t seed) {
  std::vector<uint32_t> v(n);
  std::iota(v.begin(), v.end(), 0u);
  models::Rng r(seed);
  for (uint32_t i = n; i > 1; --i) std::swap(v[i - 1], v[r.next() % i]);
  return v;
}

// A two-layer convolutional network (3x3 kernels, padding 1, shared weights) from a
// 2 x s x s input: conv1 c1 channels at stride 1, conv2 c2 channels at stride 2; neurons
// numbered channel-major (c, y, x) or spatial-major (y, x, c).
Network conv_network(uint32_t s, uint32_t c1, uint32_t c2, bool channel_major) {
  struct Layer {
    uint32_t c, h, w;
  };
  const Layer in{2, s, s}, l1{c1, s, s}, l2{c2, s / 2, s / 2};
  auto index = [&](const Layer& l, uint32_t c, uint32_t y, uint32_t x) {
    return channel_major ? (c * l.h + y) * l.w + x : (y * l.w + x) * l.c + c;
  };
  Network net;
  net.populations = {pop("conv1", c1 * s * s), pop("conv2", l2.c * l2.h * l2.w)};
  net.inputs.push_back(models::InputSource{"dvs", 2 * s * s, {}, {}, false, 0, 0});
  auto conv = [&](models::Endpoint from, uint32_t to, const Layer& a, const Layer& b, uint32_t stride) {
    models::Projection pr;
    pr.name = fmt::format("conv{}", to + 1);
    pr.from = from;
    pr.to = to;
    pr.rule = ConnectivityRule::explicit_list;
    for (uint32_t co = 0; co < b.c; ++co)
      for (uint32_t y = 0; y < b.h; ++y)
        for (uint32_t x = 0; x < b.w; ++x)
          for (uint32_t ci = 0; ci < a.c; ++ci)
            for (int dy = -1; dy <= 1; ++dy)
              for (int dx = -1; dx <= 1; ++dx) {
                const int sy = int(y * stride) + dy, sx = int(x * stride) + dx;
                if (sy < 0 || sx < 0 || sy >= int(a.h) || sx >= int(a.w)) continue;
                const int32_t w = int32_t((co * 7 + ci * 3 + uint32_t(dy + 1) * 5 + uint32_t(dx + 1)) % 50) + 1;
                pr.synapses.push_back({index(a, ci, uint32_t(sy), uint32_t(sx)), index(b, co, y, x), w, 0});
              }
    return pr;
  };
  net.projections = {conv({true, 0}, 0, in, l1, 1), conv({false, 0}, 1, l1, l2, 2)};
  return net;
}

struct Quality {
  uint32_t cores;
  uint64_t routes;
};
Quality quality(const config::ChipConfig& c, const Network& net, const models::ExpandedNetwork& ex) {
  const auto pl = map::map_network(c, net, ex, map::Strategy::connectivity);
  return {pl.cores_used(), pl.routes};
}

void expect_close(const Quality& a, const Quality& b, const std::string& what) {
  EXPECT_LE(std::abs(int(a.cores) - int(b.cores)), std::max(1, int(a.cores) / 20))
      << what << ": " << a.cores << " vs " << b.cores << " cores";
  EXPECT_LE(std::abs(double(a.routes) - double(b.routes)), 0.05 * double(a.routes))
      << what << ": " << a.routes << " vs " << b.routes << " packets per all-spike step";
}

}  // namespace

TEST(MapperProperty, ConvNetworkPlacementDoesNotDependOnNumbering) {
  // 12 KiB of synaptic memory per core: the layers need several cores each.
  const auto c = chip(8, 8, 1024, 12288, 4096, 4096);
  const Network spatial = conv_network(16, 8, 16, false), channel = conv_network(16, 8, 16, true);
  const auto ex_s = models::expand(spatial), ex_c = models::expand(channel);
  const Quality q = quality(c, spatial, ex_s);
  EXPECT_GE(q.cores, 8u);
  expect_close(q, quality(c, channel, ex_c), "channel-major");
  // Index ranges do depend on it: the fill strategy on channel-major numbering needs more.
  EXPECT_GT(map::map_network(c, channel, ex_c, map::Strategy::fill).cores_used(), q.cores * 5 / 4);
  for (uint64_t seed = 1; seed <= 4; ++seed) {
    auto ex = renumbered(ex_s, 0, random_permutation(spatial.populations[0].size, seed));
    ex = renumbered(ex, 1, random_permutation(spatial.populations[1].size, seed + 100));
    expect_close(q, quality(c, spatial, ex), fmt::format("permutation {}", seed));
  }
}

TEST(MapperProperty, ShippedNetworksPlacementDoesNotDependOnNumbering) {
  // Every population of each shipped network renumbered by a random permutation: the
  // connectivity strategy's core count and packets stay within the tolerance above.
  const std::string root = NEUROMESH_SOURCE_DIR;
  const std::pair<const char*, const char*> cases[] = {
      {"loihi2", "bench_layered"}, {"loihi2", "bench_random"}, {"loihi2", "ei_recurrent"},
      {"loihi2", "synfire"},       {"truenorth", "truenorth_ring"}};
  for (const auto& [chip_name, net_name] : cases) {
    const auto c = config::load_chip_config(root + "/configs/chips/" + chip_name + ".yaml");
    const Network net = config::load_network(root + "/configs/networks/" + net_name + ".yaml");
    const auto ex = models::expand(net);
    const Quality q = quality(c, net, ex);
    for (uint64_t seed = 1; seed <= 2; ++seed) {
      auto px = ex;
      for (uint32_t p = 0; p < net.populations.size(); ++p)
        px = renumbered(px, p, random_permutation(net.populations[p].size, seed * 31 + p));
      expect_close(q, quality(c, net, px), fmt::format("{} permutation {}", net_name, seed));
    }
  }
}
