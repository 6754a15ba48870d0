// Small networks for mapper tests: LIF populations, projections, seeded random networks.
#pragma once

#include <string>
#include <vector>

#include "models/loihi_lif_unit.h"
#include "models/network.h"
#include "models/rng.h"

namespace neuromesh::testkit {

inline models::Population pop(const std::string& name, uint32_t size) {
  return models::Population{name, size, {}, "loihi_cuba_lif",
                            models::lif_param_table(std::vector<models::loihi::LifParams>(size))};
}

// Weights 1..100; `p` is the random rule's probability.
inline models::Projection proj(models::Endpoint from, uint32_t to, models::ConnectivityRule rule,
                               double p = 0, uint64_t seed = 1) {
  models::Projection pr;
  pr.name = "p" + std::to_string(seed);
  pr.from = from;
  pr.to = to;
  pr.rule = rule;
  pr.weight = {1, 100};
  pr.probability = p;
  pr.seed = seed;
  return pr;
}

// 1 to 4 populations of 1..60 neurons, an input of 20, four random projections (p = 0.1), some
// with delays 0..5.
inline models::Network random_network(uint64_t seed) {
  models::Rng r(seed);
  models::Network net;
  const int n_pops = 1 + int(r.range(0, 3));
  for (int p = 0; p < n_pops; ++p) net.populations.push_back(pop("p" + std::to_string(p), uint32_t(r.range(1, 60))));
  net.inputs.push_back(models::InputSource{"in", 20, {}, {}, false, 0, 0});
  for (int k = 0; k < 4; ++k) {
    const bool from_input = r.range(0, 2) == 0;
    const models::Endpoint from{from_input, from_input ? 0u : uint32_t(r.range(0, n_pops - 1))};
    auto pr = proj(from, uint32_t(r.range(0, n_pops - 1)), models::ConnectivityRule::random, 0.1,
                   seed * 10 + k);
    if (r.range(0, 1)) pr.delay = {0, 5};
    net.projections.push_back(pr);
  }
  return net;
}

}  // namespace neuromesh::testkit
