// A slice of Loihi-style LIF neurons as structure-of-arrays (the state) over the per-neuron
// constants of models/loihi_lif.h, and the dendritic delay rings that feed any neuron unit. The
// arithmetic is loihi::lif_update, the one copy shared with every other user.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "models/loihi_lif.h"
#include "models/param_table.h"

namespace neuromesh::models {

class LifArray {
 public:
  LifArray() = default;
  // Population neurons `neurons` (in that local order) with parameters `params`
  // (columns du, dv, vth, bias_mant, bias_exp, refractory).
  LifArray(const ParamTable& params, const std::vector<uint32_t>& neurons);

  uint32_t size() const { return uint32_t(u_.size()); }
  int64_t u(uint32_t i) const { return u_[i]; }
  int64_t v(uint32_t i) const { return v_[i]; }
  const loihi::LifParams& params(uint32_t i) const { return params_[i]; }

  // Whether neuron i's update this step is "active": it has input, non-zero state or a running
  // refractory period. Inactive neurons still update (their state stays 0 or decays to 0).
  bool active(uint32_t i, int64_t a_in) const {
    return a_in != 0 || u_[i] != 0 || v_[i] != 0 || refractory_left_[i] != 0 || c_[i].bias != 0;
  }

  int32_t refractory_left(uint32_t i) const { return refractory_left_[i]; }
  // Overwrites a neuron's state (for an external neuron update unit, such as the RTL).
  void set_state(uint32_t i, int64_t u, int64_t v, int32_t refractory_left) {
    u_[i] = u;
    v_[i] = v;
    refractory_left_[i] = refractory_left;
  }

  // Updates neuron i with total input a_in; returns true when it spikes.
  bool update(uint32_t i, int64_t a_in) {
    return loihi::lif_update(c_[i], u_[i], v_[i], refractory_left_[i], a_in);
  }

 private:
  std::vector<loihi::LifParams> params_;
  std::vector<loihi::LifConstants> c_;
  std::vector<int64_t> u_, v_;
  std::vector<int32_t> refractory_left_;
};

inline LifArray::LifArray(const ParamTable& t, const std::vector<uint32_t>& neurons) {
  const uint32_t count = uint32_t(neurons.size());
  auto column = [&](const char* name) {
    const size_t c = t.find(name);
    if (c == ParamTable::npos) throw std::logic_error(std::string("LIF parameter '") + name + "' is missing");
    return c;
  };
  const size_t du = column("du"), dv = column("dv"), vth = column("vth"),
               bm = column("bias_mant"), be = column("bias_exp"), rf = column("refractory");
  params_.resize(count);
  c_.resize(count);
  for (uint32_t i = 0; i < count; ++i) {
    const uint32_t n = neurons[i];
    auto& p = params_[i];
    p.du = int32_t(t.get(du, n));
    p.dv = int32_t(t.get(dv, n));
    p.vth = int32_t(t.get(vth, n));
    p.bias_mant = int32_t(t.get(bm, n));
    p.bias_exp = int32_t(t.get(be, n));
    p.refractory = int32_t(t.get(rf, n));
    c_[i] = loihi::lif_constants(p);
  }
  u_.assign(count, 0);
  v_.assign(count, 0);
  refractory_left_.assign(count, 0);
}

// Dendritic accumulators of one group of neurons: per incoming projection a ring of delay slots,
// each slot `channels` values per neuron. Spikes of step t with delay d land in the slot of step
// t + 1 + d; collect(t) sums every projection's slot of step t, each shifted by its own
// weight_exp, and clears it.
class Dendrites {
 public:
  explicit Dendrites(uint32_t neurons = 0, uint32_t channels = 1) : n_(neurons * channels) {}
  // Returns the projection's index here.
  uint32_t add_projection(uint32_t max_delay, int weight_exp) {
    Proj p;
    p.ring = max_delay + 1;
    p.weight_exp = weight_exp;
    p.slots.assign(size_t(p.ring) * n_, 0);
    proj_.push_back(std::move(p));
    return uint32_t(proj_.size() - 1);
  }
  // The slot of `step`: neurons x channels values, index neuron * channels + channel.
  int64_t* slot(uint32_t projection, uint64_t step) {
    Proj& p = proj_[projection];
    return p.slots.data() + size_t(step % p.ring) * n_;
  }
  void collect(uint64_t t, std::vector<int64_t>& a_in) {
    a_in.assign(n_, 0);
    for (uint32_t k = 0; k < proj_.size(); ++k) {
      int64_t* s = slot(k, t);
      const int wexp = proj_[k].weight_exp;
      for (uint32_t i = 0; i < n_; ++i) {
        a_in[i] += loihi::apply_weight_exp(s[i], wexp);
        s[i] = 0;
      }
    }
  }
  // The same for neurons [lo, hi) only, into in[lo * channels .. hi * channels) (in sized for
  // every neuron): threads that own disjoint neuron ranges collect concurrently.
  void collect_range(uint64_t t, uint32_t lo, uint32_t hi, uint32_t channels, int64_t* in) {
    const size_t a = size_t(lo) * channels, b = size_t(hi) * channels;
    for (size_t i = a; i < b; ++i) in[i] = 0;
    for (uint32_t k = 0; k < proj_.size(); ++k) {
      int64_t* s = slot(k, t);
      const int wexp = proj_[k].weight_exp;
      for (size_t i = a; i < b; ++i) {
        in[i] += loihi::apply_weight_exp(s[i], wexp);
        s[i] = 0;
      }
    }
  }
  uint32_t ring(uint32_t projection) const { return proj_[projection].ring; }

 private:
  struct Proj {
    uint32_t ring = 1;
    int weight_exp = 0;
    std::vector<int64_t> slots;
  };
  uint32_t n_;
  std::vector<Proj> proj_;
};

}  // namespace neuromesh::models
