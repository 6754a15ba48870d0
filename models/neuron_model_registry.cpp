#include "models/neuron_model_registry.h"

#include <algorithm>

namespace neuromesh::models {

namespace {

// Field widths of the Loihi-style CUBA LIF (see docs/models.md and the Lava bit-accurate model).
NeuronModelInfo loihi_cuba_lif() {
  return {"loihi_cuba_lif",
          "Loihi-style current-based LIF, fixed point, bit-exact with Lava's PyLifModelBitAcc",
          {{"u", 24, 8, 32, "synaptic current, signed, wraps"},
           {"v", 24, 8, 32, "membrane voltage, signed, saturates"},
           {"du", 12, 1, 16, "current decay, unsigned"},
           {"dv", 12, 1, 16, "voltage decay, unsigned"},
           {"vth", 17, 1, 24, "threshold mantissa, unsigned, shifted left by 6"},
           {"bias_mant", 13, 1, 24, "bias mantissa, signed"},
           {"bias_exp", 3, 1, 5, "bias exponent (networks may give -8..7 as Lava does)"},
           {"refractory", 6, 0, 8, "refractory period counter (0 = no refractory support)"},
           {"graded_spike", 24, 0, 32, "graded spike payload (0 = binary spikes only)"}},
          /*simulated=*/true};
}

// TrueNorth neuron (Cassidy et al. 2013): 20-bit membrane, 9-bit signed weights per axon type.
NeuronModelInfo truenorth_lif() {
  return {"truenorth_lif",
          "TrueNorth-style digital LIF with 4 axon-type weights, leak, stochastic modes",
          {{"v", 20, 8, 32, "membrane potential, signed"},
           {"weight", 9, 1, 16, "signed weight per axon type"},
           {"leak", 9, 1, 16, "signed leak"},
           {"threshold", 18, 1, 24, "positive threshold alpha"},
           {"neg_threshold", 18, 1, 24, "negative threshold beta"},
           {"prn_mask", 8, 0, 16, "threshold pseudo-random mask bits"}}};
}

// BrainScaleS-2 AdEx: analog; the widths are those of the digital configuration that sets it.
NeuronModelInfo adex() {
  return {"bss2_adex",
          "BrainScaleS-2-style analog AdEx neuron, parameters set by 10-bit capacitive memory cells",
          {{"capmem", 10, 1, 16, "analog parameter DAC resolution"},
           {"weight", 6, 1, 8, "synapse weight DAC resolution"}}};
}

}  // namespace

NeuronModelRegistry::NeuronModelRegistry() {
  add(loihi_cuba_lif());
  add(truenorth_lif());
  add(adex());
}

NeuronModelRegistry& NeuronModelRegistry::instance() {
  static NeuronModelRegistry registry;
  return registry;
}

void NeuronModelRegistry::add(NeuronModelInfo info) {
  auto it = std::find_if(models_.begin(), models_.end(),
                         [&](const NeuronModelInfo& m) { return m.name == info.name; });
  if (it != models_.end()) {
    *it = std::move(info);
  } else {
    models_.push_back(std::move(info));
  }
}

const NeuronModelInfo* NeuronModelRegistry::find(const std::string& name) const {
  for (const auto& m : models_) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

std::vector<std::string> NeuronModelRegistry::names() const {
  std::vector<std::string> out;
  for (const auto& m : models_) out.push_back(m.name);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace neuromesh::models
