// A slice of Loihi-style LIF neurons as structure-of-arrays: the neuron update unit's arithmetic,
// shared by the functional simulator and the chip's cores so both compute identical states.
#pragma once

#include <cstdint>
#include <vector>

#include "models/loihi_lif.h"

namespace neuromesh::models {

class LifArray {
 public:
  LifArray() = default;
  // Neurons params[first .. first + count).
  LifArray(const std::vector<loihi::LifParams>& params, uint32_t first, uint32_t count);

  uint32_t size() const { return uint32_t(u_.size()); }
  int64_t u(uint32_t i) const { return u_[i]; }
  int64_t v(uint32_t i) const { return v_[i]; }
  const loihi::LifParams& params(uint32_t i) const { return params_[i]; }

  // Whether neuron i's update this step is "active": it has input, non-zero state or a running
  // refractory period. Inactive neurons still update (their state stays 0 or decays to 0).
  bool active(uint32_t i, int64_t a_in) const {
    return a_in != 0 || u_[i] != 0 || v_[i] != 0 || refractory_left_[i] != 0 || bias_[i] != 0;
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
    using namespace loihi;
    const int64_t u = wrap_u(decay(u_[i], du_factor_[i]) + a_in * (int64_t{1} << kActShift));
    u_[i] = u;
    if (refractory_left_[i] > 0) {
      --refractory_left_[i];
      v_[i] = 0;
      return false;
    }
    const int64_t v = saturate_v(decay(v_[i], dv_factor_[i]) + u + bias_[i]);
    if (v > threshold_[i]) {
      v_[i] = 0;
      refractory_left_[i] = refractory_[i];
      return true;
    }
    v_[i] = v;
    return false;
  }

  // Updates every neuron; appends the indices of those that spike. Returns how many updates
  // were active.
  uint32_t step(const int64_t* a_in, std::vector<uint32_t>& spiked) {
    uint32_t active_count = 0;
    for (uint32_t i = 0; i < size(); ++i) {
      active_count += active(i, a_in[i]);
      if (update(i, a_in[i])) spiked.push_back(i);
    }
    return active_count;
  }

 private:
  std::vector<loihi::LifParams> params_;
  std::vector<int64_t> du_factor_, dv_factor_, threshold_, bias_;
  std::vector<int32_t> refractory_;
  std::vector<int64_t> u_, v_;
  std::vector<int32_t> refractory_left_;
};

inline LifArray::LifArray(const std::vector<loihi::LifParams>& params, uint32_t first,
                          uint32_t count) {
  params_.assign(params.begin() + first, params.begin() + first + count);
  for (const auto& p : params_) {
    du_factor_.push_back(4096 - (p.du + 1));
    dv_factor_.push_back(4096 - p.dv);
    threshold_.push_back(int64_t{p.vth} << loihi::kActShift);
    bias_.push_back(loihi::effective_bias(p));
    refractory_.push_back(p.refractory);
  }
  u_.assign(count, 0);
  v_.assign(count, 0);
  refractory_left_.assign(count, 0);
}

// Dendritic accumulators of one group of neurons: per incoming projection a ring of delay slots.
// Spikes of step t with delay d land in the slot of step t + 1 + d; collect(t) sums every
// projection's slot of step t, each shifted by its own weight_exp, and clears it.
class Dendrites {
 public:
  explicit Dendrites(uint32_t neurons = 0) : n_(neurons) {}
  // Returns the projection's index here.
  uint32_t add_projection(uint32_t max_delay, int weight_exp) {
    Proj p;
    p.ring = max_delay + 1;
    p.weight_exp = weight_exp;
    p.slots.assign(size_t(p.ring) * n_, 0);
    proj_.push_back(std::move(p));
    return uint32_t(proj_.size() - 1);
  }
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
