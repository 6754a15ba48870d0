// Random networks for tests: small populations with extreme parameters, explicit projections of
// every sign mode, weight width and exponent, delays, graded inputs that wrap u.
#pragma once

#include <algorithm>

#include "models/loihi_lif_unit.h"
#include "models/network.h"
#include "models/rng.h"

namespace neuromesh::testkit {

using namespace neuromesh::models;
using loihi::LifParams;
using loihi::SignMode;

inline Network random_network(uint64_t seed) {
  Rng r(seed);
  Network net;
  net.name = "random" + std::to_string(seed);
  const int n_pops = 1 + int(r.range(0, 3));
  for (int p = 0; p < n_pops; ++p) {
    Population pop;
    pop.name = "p" + std::to_string(p);
    pop.size = uint32_t(r.range(1, 24));
    pop.model = "loihi_cuba_lif";
    std::vector<LifParams> lif;
    for (uint32_t i = 0; i < pop.size; ++i) {
      LifParams lp;
      // Extremes of the decays on purpose: 0 and 4095 are the quirks.
      const int64_t pick = r.range(0, 3);
      lp.du = int32_t(pick == 0 ? 0 : pick == 1 ? 4095 : r.range(0, 4095));
      lp.dv = int32_t(r.range(0, 3) == 0 ? 0 : r.range(0, 4095));
      lp.vth = int32_t(r.range(0, 3) == 0 ? loihi::kMaxVth : r.range(0, 2000));
      lp.bias_mant = int32_t(r.range(-4096, 4095));
      lp.bias_exp = int32_t(r.range(-8, 7));
      lp.refractory = int32_t(r.range(0, 4) == 0 ? r.range(1, 5) : 0);
      lif.push_back(lp);
    }
    pop.params = lif_param_table(lif);
    net.populations.push_back(pop);
  }
  const int n_inputs = int(r.range(0, 2));
  for (int k = 0; k < n_inputs; ++k) {
    InputSource in;
    in.name = "in" + std::to_string(k);
    in.size = uint32_t(r.range(1, 16));
    if (r.range(0, 2) == 0) {
      in.poisson = true;
      in.rate = r.uniform() * 0.5;
      in.seed = r.next();
    } else {
      const int n = int(r.range(0, 60));
      for (int s = 0; s < n; ++s) {
        // Large graded payloads drive u past its 24-bit range: the wrap must be hit. Up to 2^14,
        // so that few networks are refused for an input that could overflow the model's 64-bit
        // update (models/loihi_lif.h; the tests skip those).
        const int32_t payload = int32_t(r.range(0, 3) == 0 ? r.range(-(1 << 14), (1 << 14) - 1)
                                                           : r.range(1, 4));
        in.spikes.push_back({uint32_t(r.range(0, 79)), uint32_t(r.range(0, in.size - 1)),
                             payload == 0 ? 1 : payload});
      }
      std::stable_sort(in.spikes.begin(), in.spikes.end());
    }
    net.inputs.push_back(in);
  }
  const int n_proj = int(r.range(1, 6));
  for (int k = 0; k < n_proj; ++k) {
    Projection pr;
    pr.name = "proj" + std::to_string(k);
    pr.from.is_input = !net.inputs.empty() && r.range(0, 2) == 0;
    pr.from.index = uint32_t(r.range(0, (pr.from.is_input ? net.inputs.size() : net.populations.size()) - 1));
    pr.to = uint32_t(r.range(0, net.populations.size() - 1));
    pr.rule = ConnectivityRule::explicit_list;
    pr.num_weight_bits = int(r.range(1, 8));
    pr.weight_exp = int(r.range(0, 2) == 0 ? r.range(-8, 7) : r.range(-2, 2));
    const int64_t mode = r.range(0, 3);  // excitatory, inhibitory, mixed, inferred
    int32_t lo = -256, hi = 255;
    if (mode == 0) pr.sign_mode = SignMode::excitatory, lo = 0;
    if (mode == 1) pr.sign_mode = SignMode::inhibitory, lo = -255, hi = 0;
    if (mode == 2) pr.sign_mode = SignMode::mixed;
    const uint32_t n_pre = net.source_size(pr.from), n_post = net.populations[pr.to].size;
    const double p = r.uniform();
    const bool delays = r.range(0, 1) == 0;
    for (uint32_t j = 0; j < n_pre; ++j)
      for (uint32_t i = 0; i < n_post; ++i)
        if (r.uniform() < p) {
          pr.synapses.push_back({j, i, int32_t(r.range(lo, hi)),
                                 delays ? uint32_t(r.range(0, r.range(0, 1) ? 63 : 3)) : 0u});
        }
    net.projections.push_back(pr);
  }
  return net;
}

}  // namespace neuromesh::testkit
