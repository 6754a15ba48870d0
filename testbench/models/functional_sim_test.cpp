// The functional simulator against a second, deliberately simple implementation written here:
// one flat list of synapses, a map of pending deliveries keyed by (arrival step, projection,
// neuron), and the per-neuron LIF step. Many random networks; zero mismatches in spikes, u, v.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <tuple>

#include "models/connectivity.h"
#include "models/functional_sim.h"
#include "models/rng.h"
#include "testbench/common/random_network.h"
#include "testbench/common/random_truenorth.h"

using namespace neuromesh::models;
using loihi::LifParams;
using loihi::LifState;
using loihi::SignMode;
using neuromesh::testkit::random_network;

namespace {

struct Counts {
  uint64_t v_saturations = 0, u_wraps = 0, spikes = 0;
};

// The reference. Independent of FunctionalSim's data structures and ordering code.
class ReferenceSim {
 public:
  explicit ReferenceSim(const Network& net) : net_(net) {
    state_.resize(net.populations.size());
    for (size_t p = 0; p < net.populations.size(); ++p) state_[p].resize(net.populations[p].size);
    for (size_t k = 0; k < net.projections.size(); ++k) {
      const auto& pr = net.projections[k];
      std::vector<int32_t> raw;
      for (const auto& s : pr.synapses) raw.push_back(s.weight);
      const SignMode mode = pr.sign_mode ? *pr.sign_mode : infer_sign_mode(raw);
      for (const auto& s : pr.synapses) {
        flat_.push_back({k, pr.from, s.pre, pr.to, s.post,
                         loihi::quantize_weight(s.weight, mode, pr.num_weight_bits), s.delay});
      }
    }
    for (const auto& in : net.inputs) rngs_.emplace_back(in.seed);
  }

  // Returns the spikes of step t as (population, neuron), in population then neuron order.
  std::vector<std::pair<uint32_t, uint32_t>> step(uint64_t t, Counts& c) {
    std::vector<std::pair<uint32_t, uint32_t>> spikes;
    for (uint32_t p = 0; p < net_.populations.size(); ++p) {
      for (uint32_t i = 0; i < net_.populations[p].size; ++i) {
        int64_t a = 0;
        for (uint32_t k = 0; k < net_.projections.size(); ++k) {
          if (net_.projections[k].to != p) continue;
          auto it = pending_.find({t, k, i});
          const int64_t sum = it == pending_.end() ? 0 : it->second;
          a += loihi::apply_weight_exp(sum, net_.projections[k].weight_exp);
        }
        LifState& s = state_[p][i];
        const int64_t before_wrap = loihi::decay(s.u, 4096 - (lif_params_of(net_.populations[p].params, i).du + 1)) + a * 64;
        if (before_wrap > loihi::kUvLimit || before_wrap <= -loihi::kUvLimit) ++c.u_wraps;
        if (loihi::lif_step(lif_params_of(net_.populations[p].params, i), s, a)) {
          spikes.push_back({p, i});
          ++c.spikes;
        } else if (s.v == loihi::kVMax || s.v == -loihi::kVMax) {
          ++c.v_saturations;
        }
      }
    }
    // Deliveries of this step's population spikes and input spikes.
    for (const auto& [p, i] : spikes) deliver(t, false, p, i, 1);
    for (uint32_t k = 0; k < net_.inputs.size(); ++k) {
      const auto& in = net_.inputs[k];
      for (const auto& s : in.spikes)
        if (s.step == t) deliver(t, true, k, s.index, s.payload);
      if (in.poisson) {
        for (uint32_t i = 0; i < in.size; ++i)
          if (rngs_[k].chance(in.rate)) deliver(t, true, k, i, 1);
      }
    }
    return spikes;
  }

  const LifState& state(uint32_t p, uint32_t i) const { return state_[p][i]; }

 private:
  struct Flat {
    size_t projection;
    Endpoint from;
    uint32_t pre, to, post;
    int32_t weight;
    uint32_t delay;
  };
  void deliver(uint64_t t, bool is_input, uint32_t group, uint32_t pre, int64_t payload) {
    for (const auto& f : flat_) {
      if (f.from.is_input != is_input || f.from.index != group || f.pre != pre || f.weight == 0)
        continue;
      pending_[{t + 1 + f.delay, f.projection, f.post}] += int64_t{f.weight} * payload;
    }
  }

  const Network& net_;
  std::vector<std::vector<LifState>> state_;
  std::vector<Flat> flat_;
  std::vector<Rng> rngs_;
  std::map<std::tuple<uint64_t, size_t, uint32_t>, int64_t> pending_;
};

Projection make_projection(const std::string& name, uint32_t to, ConnectivityRule rule) {
  Projection p;
  p.name = name;
  p.from = Endpoint{false, 0};
  p.to = to;
  p.rule = rule;
  return p;
}

}  // namespace

TEST(FunctionalSim, MatchesPerSynapseReferenceOnRandomNetworks) {
  Counts totals;
  uint64_t compared = 0;
  for (uint64_t seed = 1; seed <= 300; ++seed) {
    const Network net = random_network(seed);
    const ExpandedNetwork ex = expand(net);
    // 1 to 4 threads: each owns a range of every population (some ranges empty on small ones).
    const uint32_t threads = 1 + uint32_t(seed % 4);
    FunctionalSim sim(net, ex, threads);
    ASSERT_EQ(sim.threads(), threads);
    ReferenceSim ref(net);
    for (uint64_t t = 0; t < 80; ++t) {
      sim.step();
      const auto expected = ref.step(t, totals);
      std::vector<std::pair<uint32_t, uint32_t>> got;
      for (uint32_t p = 0; p < net.populations.size(); ++p)
        for (uint32_t i : sim.spiked(p)) got.push_back({p, i});
      ASSERT_EQ(got, expected) << "network seed " << seed << " step " << t;
      for (uint32_t p = 0; p < net.populations.size(); ++p)
        for (uint32_t i = 0; i < net.populations[p].size; ++i) {
          ASSERT_EQ(sim.probe(p, 0, i), ref.state(p, i).u) << "seed " << seed << " step " << t << " pop " << p << " neuron " << i;
          ASSERT_EQ(sim.probe(p, 1, i), ref.state(p, i).v) << "seed " << seed << " step " << t << " pop " << p << " neuron " << i;
          ++compared;
        }
    }
  }
  // The suite must actually reach the corners it claims to cover.
  EXPECT_GT(totals.spikes, 1000u);
  EXPECT_GT(totals.v_saturations, 0u);
  EXPECT_GT(totals.u_wraps, 0u);
  EXPECT_GT(compared, 100000u);
}

TEST(Connectivity, GenerativeRulesMakeTheStatedStructure) {
  Network net;
  Population a{"a", 6, {2, 3, 1}, "loihi_cuba_lif", lif_param_table(std::vector<LifParams>(6))};
  Population b{"b", 12, {2, 3, 2}, "loihi_cuba_lif", lif_param_table(std::vector<LifParams>(12))};
  net.populations = {a, b};
  Projection one = make_projection("one", 0, ConnectivityRule::one_to_one);
  one.weight = {5, 5};
  Projection all = make_projection("all", 1, ConnectivityRule::all_to_all);
  all.weight = {-3, 7};
  all.seed = 3;
  Projection local = make_projection("local", 1, ConnectivityRule::local);
  local.weight = {1, 1};
  local.kernel = 1;
  net.projections = {one, all, local};
  const ExpandedNetwork ex = expand(net);
  ASSERT_EQ(ex.tables.size(), 3u);
  EXPECT_EQ(ex.tables[0].synapses.size(), 6u);
  for (uint32_t j = 0; j < 6; ++j) EXPECT_EQ(ex.tables[0].synapses[ex.tables[0].row[j]].post, j);
  // all_to_all keeps every pair whose quantised weight is non-zero (mixed 8-bit: even values).
  uint64_t nonzero = 0;
  for (const auto& s : ex.tables[1].synapses) {
    EXPECT_NE(s.weight, 0);
    EXPECT_EQ(s.weight % 2, 0);
    ++nonzero;
  }
  EXPECT_GT(nonzero, 30u);
  EXPECT_LE(nonzero, 72u);
  // 1x1 kernel: each pre neuron (y, x, 0) reaches both channels at the same (y, x).
  const auto& l = ex.tables[2];
  for (uint32_t j = 0; j < 6; ++j) {
    ASSERT_EQ(l.row[j + 1] - l.row[j], 2u);
    EXPECT_EQ(l.synapses[l.row[j]].post, 2 * j);
    EXPECT_EQ(l.synapses[l.row[j] + 1].post, 2 * j + 1);
  }
}

TEST(Connectivity, LocalKernelWrapsAndGivesEveryPostTheSameFanIn) {
  Network net;
  net.populations = {Population{"a", 16, {4, 4, 1}, "loihi_cuba_lif", lif_param_table(std::vector<LifParams>(16))},
                     Population{"b", 16, {4, 4, 1}, "loihi_cuba_lif", lif_param_table(std::vector<LifParams>(16))}};
  Projection local = make_projection("local", 1, ConnectivityRule::local);
  local.weight = {1, 1};
  local.kernel = 3;
  net.projections = {local};
  const auto ex = expand(net);
  std::vector<int> fan_in(16, 0);
  for (const auto& s : ex.tables[0].synapses) ++fan_in[s.post];
  for (int n : fan_in) EXPECT_EQ(n, 9);
  // Pre (0,0) reaches post (3,3) through the wrap.
  bool wrapped = false;
  for (uint64_t s = ex.tables[0].row[0]; s < ex.tables[0].row[1]; ++s)
    wrapped |= ex.tables[0].synapses[s].post == 15;
  EXPECT_TRUE(wrapped);
}

TEST(Connectivity, RandomRuleHitsItsProbability) {
  Network net;
  net.populations = {Population{"a", 400, {}, "loihi_cuba_lif", lif_param_table(std::vector<LifParams>(400))},
                     Population{"b", 500, {}, "loihi_cuba_lif", lif_param_table(std::vector<LifParams>(500))}};
  Projection pr = make_projection("r", 1, ConnectivityRule::random);
  pr.weight = {4, 4};
  pr.probability = 0.1;
  pr.seed = 77;
  net.projections = {pr};
  const auto ex = expand(net);
  const double n = double(ex.tables[0].synapses.size());
  const double expected = 400 * 500 * 0.1, sd = std::sqrt(400 * 500 * 0.1 * 0.9);
  EXPECT_NEAR(n, expected, 5 * sd);
  // Same seed, same synapses.
  const auto again = expand(net);
  ASSERT_EQ(again.tables[0].synapses.size(), ex.tables[0].synapses.size());
  for (size_t k = 0; k < ex.tables[0].synapses.size(); ++k)
    EXPECT_EQ(again.tables[0].synapses[k].post, ex.tables[0].synapses[k].post);
}

TEST(Connectivity, TooLargeIsRefusedBeforeAllocating) {
  Network net;
  net.populations = {Population{"a", 100000, {}, "loihi_cuba_lif", {}},
                     Population{"b", 100000, {}, "loihi_cuba_lif", {}}};
  Projection pr = make_projection("big", 1, ConnectivityRule::all_to_all);
  pr.weight = {1, 1};
  net.projections = {pr};
  EXPECT_THROW(expand(net, 1000000), NetworkTooLarge);
}

TEST(FunctionalSim, TrueNorthNetworksGiveTheSameResultsOnAnyNumberOfThreads) {
  // Crossbar targets (four channels, stochastic modes keyed by neuron): every partition into
  // thread ranges gives the one-thread spikes and membrane values.
  uint64_t spikes = 0, networks = 0;
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    const Network net = neuromesh::testkit::random_truenorth_network(seed, 200);
    ExpandedNetwork ex;
    try {
      ex = expand(net);
    } catch (const ExpansionError&) {
      continue;  // axon types that cannot carry its weights: refused, as the loader would
    }
    ++networks;
    FunctionalSim one(net, ex, 1), two(net, ex, 2), three(net, ex, 3);
    for (uint64_t t = 0; t < 60; ++t) {
      one.step();
      two.step();
      three.step();
      for (uint32_t p = 0; p < net.populations.size(); ++p) {
        ASSERT_EQ(one.spiked(p), two.spiked(p)) << "seed " << seed << " step " << t;
        ASSERT_EQ(one.spiked(p), three.spiked(p)) << "seed " << seed << " step " << t;
        spikes += one.spiked(p).size();
        for (uint32_t i = 0; i < net.populations[p].size; ++i) {
          ASSERT_EQ(one.probe(p, 0, i), two.probe(p, 0, i));
          ASSERT_EQ(one.probe(p, 0, i), three.probe(p, 0, i));
        }
      }
    }
    EXPECT_EQ(one.counters().synaptic_ops, three.counters().synaptic_ops);
  }
  EXPECT_GT(spikes, 1000u);
  EXPECT_GT(networks, 20u);
}

namespace {
// Shares of a network for `k` simulators: each neuron to a random one of them (scattered, not
// ranges; some shares of a population empty), so that every share's own and foreign spikes mix.
std::vector<Share> random_shares(const Network& net, uint32_t k, uint64_t seed) {
  std::vector<Share> shares(k);
  Rng rng(seed * 7919 + 1);
  for (auto& s : shares) s.neurons.resize(net.populations.size());
  for (uint32_t p = 0; p < net.populations.size(); ++p)
    for (uint32_t i = 0; i < net.populations[p].size; ++i) shares[rng.next() % k].neurons[p].push_back(i);
  return shares;
}

// Steps the shares together, exchanging spikes the way the ranks of a distributed run do.
void step_shares(std::vector<std::unique_ptr<FunctionalSim>>& sims, size_t pops) {
  for (auto& s : sims) s->update();
  for (uint32_t p = 0; p < pops; ++p) {
    std::vector<uint32_t> all;
    for (auto& s : sims) all.insert(all.end(), s->spiked(p).begin(), s->spiked(p).end());
    std::sort(all.begin(), all.end());
    for (auto& s : sims) s->mutable_spiked(p) = all;
  }
  for (auto& s : sims) s->deliver();
}
}  // namespace

TEST(FunctionalSim, SharesTogetherMatchThePerSynapseReference) {
  // Each share owns scattered neurons, keeps the synapses that end on them and delivers every
  // share's spikes: together they give the reference's spikes and every neuron's u and v.
  Counts totals;
  uint64_t spikes = 0;
  for (uint64_t seed = 1; seed <= 120; ++seed) {
    const Network net = random_network(seed);
    const ExpandedNetwork ex = expand(net);
    const uint32_t k = 1 + uint32_t(seed % 4), threads = 1 + uint32_t(seed / 4 % 2);
    const auto shares = random_shares(net, k, seed);
    std::vector<std::unique_ptr<FunctionalSim>> sims;
    for (const auto& s : shares) sims.push_back(std::make_unique<FunctionalSim>(net, ex, threads, s));
    ReferenceSim ref(net);
    for (uint64_t t = 0; t < 60; ++t) {
      step_shares(sims, net.populations.size());
      const auto expected = ref.step(t, totals);
      std::vector<std::pair<uint32_t, uint32_t>> got;
      for (uint32_t p = 0; p < net.populations.size(); ++p)
        for (uint32_t i : sims[0]->spiked(p)) got.push_back({p, i});
      ASSERT_EQ(got, expected) << "network seed " << seed << " step " << t << ", " << k << " shares";
      spikes += got.size();
      for (uint32_t p = 0; p < net.populations.size(); ++p)
        for (uint32_t i = 0; i < net.populations[p].size; ++i) {
          uint32_t owners = 0;
          for (auto& s : sims) {
            if (!s->owns(p, i)) continue;
            ++owners;
            ASSERT_EQ(s->probe(p, 0, i), ref.state(p, i).u) << "seed " << seed << " step " << t;
            ASSERT_EQ(s->probe(p, 1, i), ref.state(p, i).v) << "seed " << seed << " step " << t;
          }
          ASSERT_EQ(owners, 1u);
        }
    }
    // The shares' work adds up to the whole network's.
    FunctionalSim whole(net, ex, 1);
    for (uint64_t t = 0; t < 60; ++t) whole.step();
    uint64_t ops = 0, updates = 0, fired = 0;
    for (auto& s : sims) ops += s->counters().synaptic_ops, updates += s->counters().neuron_updates, fired += s->counters().spikes;
    EXPECT_EQ(ops, whole.counters().synaptic_ops) << "seed " << seed;
    EXPECT_EQ(updates, whole.counters().neuron_updates) << "seed " << seed;
    EXPECT_EQ(fired, whole.counters().spikes) << "seed " << seed;
  }
  EXPECT_GT(spikes, 5000u);
}

TEST(FunctionalSim, TrueNorthSharesGiveTheWholeNetworksResults) {
  // Crossbar targets: four channels and stochastic modes keyed by neuron, whatever share owns it.
  uint64_t spikes = 0, networks = 0;
  for (uint64_t seed = 1; seed <= 30; ++seed) {
    const Network net = neuromesh::testkit::random_truenorth_network(seed, 200);
    ExpandedNetwork ex;
    try {
      ex = expand(net);
    } catch (const ExpansionError&) {
      continue;
    }
    ++networks;
    FunctionalSim whole(net, ex, 1);
    const auto shares = random_shares(net, 2 + uint32_t(seed % 2), seed);
    std::vector<std::unique_ptr<FunctionalSim>> sims;
    for (const auto& s : shares) sims.push_back(std::make_unique<FunctionalSim>(net, ex, 1, s));
    for (uint64_t t = 0; t < 60; ++t) {
      whole.step();
      step_shares(sims, net.populations.size());
      for (uint32_t p = 0; p < net.populations.size(); ++p) {
        ASSERT_EQ(whole.spiked(p), sims[0]->spiked(p)) << "seed " << seed << " step " << t;
        spikes += whole.spiked(p).size();
        for (uint32_t i = 0; i < net.populations[p].size; ++i)
          for (auto& s : sims) {
            if (!s->owns(p, i)) continue;
            ASSERT_EQ(whole.probe(p, 0, i), s->probe(p, 0, i)) << "seed " << seed;
          }
      }
    }
  }
  EXPECT_GT(spikes, 1000u);
  EXPECT_GT(networks, 15u);
}
