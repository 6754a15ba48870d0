// The Loihi-style CUBA LIF as a neuron unit (models/neuron_unit.h): one input channel (the summed,
// weight-exponent-scaled dendritic input), probes u and v.
#pragma once

#include <memory>

#include "models/lif_array.h"
#include "models/neuron_unit.h"

namespace neuromesh::models {

class LoihiLifUnit final : public NeuronUnit {
 public:
  explicit LoihiLifUnit(const NeuronSlice& s) : neurons_(*s.params, s.neurons) {}
  uint32_t size() const override { return neurons_.size(); }
  uint32_t channels() const override { return 1; }
  void step(uint64_t, const int64_t* in, uint8_t* flags) override {
    // Whether an update is active is decided on the state before it.
    for (uint32_t i = 0; i < neurons_.size(); ++i) {
      const uint8_t active = neurons_.active(i, in[i]) ? kActive : 0;
      flags[i] = uint8_t(active | (neurons_.update(i, in[i]) ? kSpiked : 0));
    }
  }
  int64_t probe(uint32_t var, uint32_t i) const override {
    return var == 0 ? neurons_.u(i) : neurons_.v(i);
  }
  LifArray& neurons() { return neurons_; }

 private:
  LifArray neurons_;
};

// A population's parameter table from per-neuron LIF parameters (for programs and tests that
// build networks in C++), and one neuron's parameters back from a table.
inline ParamTable lif_param_table(const std::vector<loihi::LifParams>& p) {
  std::vector<int64_t> du, dv, vth, bm, be, rf;
  for (const auto& x : p) {
    du.push_back(x.du), dv.push_back(x.dv), vth.push_back(x.vth);
    bm.push_back(x.bias_mant), be.push_back(x.bias_exp), rf.push_back(x.refractory);
  }
  ParamTable t;
  t.add("du", std::move(du));
  t.add("dv", std::move(dv));
  t.add("vth", std::move(vth));
  t.add("bias_mant", std::move(bm));
  t.add("bias_exp", std::move(be));
  t.add("refractory", std::move(rf));
  return t;
}
inline loihi::LifParams lif_params_of(const ParamTable& t, uint32_t i) {
  return {int32_t(t.get("du", i)), int32_t(t.get("dv", i)), int32_t(t.get("vth", i)),
          int32_t(t.get("bias_mant", i)), int32_t(t.get("bias_exp", i)),
          int32_t(t.get("refractory", i))};
}

inline std::unique_ptr<NeuronUnit> make_loihi_lif_unit(const NeuronSlice& s) {
  return std::make_unique<LoihiLifUnit>(s);
}

}  // namespace neuromesh::models
