#include "models/neuron_model_registry.h"

#include <algorithm>
#include <stdexcept>

#include "models/adex.h"
#include "models/connectivity.h"
#include "models/network.h"
#include "models/loihi_lif_unit.h"
#include "models/truenorth_neuron.h"
#include "models/truenorth_axon_types.h"

namespace neuromesh::models {

namespace {

NeuronParamSpec required(std::string name, int64_t min, int64_t max, std::string meaning) {
  return {std::move(name), min, max, true, 0, {}, std::move(meaning)};
}
NeuronParamSpec optional(std::string name, int64_t min, int64_t max, int64_t fallback,
                         std::string meaning) {
  return {std::move(name), min, max, false, fallback, {}, std::move(meaning)};
}
NeuronParamSpec choice(std::string name, std::vector<std::string> choices, int64_t fallback,
                       std::string meaning) {
  const int64_t max = int64_t(choices.size()) - 1;
  return {std::move(name), 0, max, false, fallback, std::move(choices), std::move(meaning)};
}

// Refuses a Loihi LIF population in which some neuron's summed input could reach
// loihi::kInputLimit, where the 64-bit update could overflow (models/loihi_lif.h). A neuron's
// bound is the sum over its projections of S x 2^weight_exp (weight_exp >= 0) or
// ceil(S / 2^-weight_exp) (an arithmetic shift right never makes |S| larger than that), S being
// the sum over the projection's synapses onto it of |weight| x the source's largest |payload|.
void check_lif_input_bound(const Network& net, uint32_t p, ExpandedNetwork& ex) {
  const uint32_t n = net.populations[p].size;
  std::vector<uint64_t> bound(n, 0), sum(n, 0);
  constexpr uint64_t kCap = uint64_t{1} << 40;   // far above the limit, far below overflow
  for (uint32_t k = 0; k < ex.tables.size(); ++k) {
    const auto& t = ex.tables[k];
    if (t.to != p) continue;
    uint64_t payload = 1;
    if (t.from.is_input) {
      for (const auto& s : net.inputs[t.from.index].spikes)
        payload = std::max<uint64_t>(payload, uint64_t(s.payload < 0 ? -int64_t(s.payload) : int64_t(s.payload)));
    }
    std::fill(sum.begin(), sum.end(), 0);
    for (const auto& y : t.synapses) {
      const uint64_t w = uint64_t(y.weight < 0 ? -int64_t(y.weight) : int64_t(y.weight));
      sum[y.post] = std::min(sum[y.post] + w * payload, kCap);   // w x payload < 2^32
    }
    for (uint32_t i = 0; i < n; ++i) {
      const uint64_t a = t.weight_exp >= 0 ? sum[i] << t.weight_exp
                                           : (sum[i] + (uint64_t{1} << -t.weight_exp) - 1) >> -t.weight_exp;
      bound[i] = std::min(bound[i] + a, kCap);
    }
  }
  for (uint32_t i = 0; i < bound.size(); ++i) {
    if (bound[i] < uint64_t(loihi::kInputLimit)) continue;
    throw ExpansionError(
        "population '" + net.populations[p].name + "' neuron " + std::to_string(i) +
        ": its summed synaptic input could reach 2^33 (the sum over its synapses of |weight| x "
        "the source's largest |payload| x 2^weight_exp), beyond which the LIF's 64-bit arithmetic "
        "could overflow; use smaller weights, payloads or weight_exp (docs/models.md)");
  }
}

// Field widths of the Loihi-style CUBA LIF (see docs/models.md and the Lava bit-accurate model).
NeuronModelInfo loihi_cuba_lif() {
  namespace lo = loihi;
  NeuronModelInfo m;
  m.name = "loihi_cuba_lif";
  m.description = "Loihi-style current-based LIF, fixed point, bit-exact with Lava's PyLifModelBitAcc";
  m.fields = {{"u", 24, 8, 32, "synaptic current, signed, wraps"},
              {"v", 24, 8, 32, "membrane voltage, signed, saturates"},
              {"du", 12, 1, 16, "current decay, unsigned"},
              {"dv", 12, 1, 16, "voltage decay, unsigned"},
              {"vth", 17, 1, 24, "threshold mantissa, unsigned, shifted left by 6"},
              {"bias_mant", 13, 1, 24, "bias mantissa, signed"},
              {"bias_exp", 3, 1, 5, "bias exponent (networks may give -8..7 as Lava does)"},
              {"refractory", 6, 0, 8, "refractory period counter (0 = no refractory support)"},
              {"graded_spike", 24, 0, 32, "graded spike payload (0 = binary spikes only)"}};
  m.simulated = true;
  m.params = {required("du", 0, lo::kMaxDecay, "current decay (the hardware uses du + 1)"),
              required("dv", 0, lo::kMaxDecay, "voltage decay"),
              required("vth", 0, lo::kMaxVth, "threshold mantissa: threshold = vth << 6"),
              optional("bias_mant", lo::kMinBiasMant, lo::kMaxBiasMant, 0, "bias mantissa"),
              optional("bias_exp", lo::kMinBiasExp, lo::kMaxBiasExp, 0, "bias exponent"),
              optional("refractory", 0, 63, 0, "steps v is held at 0 after a spike")};
  m.probes = {"u", "v"};
  m.input = SynapseInput::weighted;
  m.channels = 1;
  m.weight_quantisation = true;
  m.max_delay = lo::kMaxDelay;
  m.graded_spikes = true;
  m.make = make_loihi_lif_unit;
  m.prepare = check_lif_input_bound;
  return m;
}

// TrueNorth neuron (Cassidy et al. 2013): 20-bit membrane, 9-bit signed weights per axon type.
NeuronModelInfo truenorth_lif() {
  NeuronModelInfo m;
  m.name = "truenorth_lif";
  m.description = "TrueNorth-style digital LIF with 4 axon-type weights, leak, stochastic modes";
  m.fields = {{"v", 20, 8, 32, "membrane potential, signed"},
              {"weight", 9, 1, 16, "signed weight per axon type"},
              {"leak", 9, 1, 16, "signed leak"},
              {"threshold", 18, 1, 24, "positive threshold alpha"},
              {"neg_threshold", 18, 1, 24, "negative threshold beta"},
              {"prn_mask", 8, 0, 16, "threshold pseudo-random mask bits"}};
  m.simulated = true;
  constexpr int64_t kV = int64_t{1} << 19;  // 20-bit signed membrane potential
  m.params = {
      required("threshold", 0, (1 << 18) - 1, "positive threshold alpha"),
      optional("leak", -256, 255, 0, "leak lambda, added every tick (signed 9 bits)"),
      optional("leak_reversal", 0, 1, 0, "1: the leak's sign follows V's (leak toward 0)"),
      optional("stochastic_leak", 0, 1, 0, "1: add sgn(leak) with probability (|leak|+1)/256"),
      optional("neg_threshold", 0, (1 << 18) - 1, 0, "negative threshold beta"),
      optional("reset", -kV, kV - 1, 0, "reset potential R"),
      choice("reset_mode", {"normal", "linear", "none"}, 0,
             "after a spike: V = R (normal), V - threshold (linear), V unchanged (none)"),
      optional("neg_saturate", 0, 1, 1,
               "1: V below -beta is set to -beta; 0: it is reset as reset_mode says"),
      optional("stochastic_synapse", 0, 15, 0,
               "bit G set: axon type G integrates sgn(weight) with probability (|weight|+1)/256"),
      optional("prn_mask", 0, 255, 0, "threshold pseudo-random mask: threshold + (draw & mask)"),
      optional("v_init", -kV, kV - 1, 0, "membrane potential at step 0")};
  m.probes = {"v"};
  m.input = SynapseInput::channeled;
  m.channels = 4;
  m.weight_quantisation = false;
  m.min_weight = -256;
  m.max_weight = 255;
  m.max_delay = 14;  // delivery 1..15 ticks ahead: the 4-bit delivery tick (Merolla14)
  m.graded_spikes = false;
  m.make = make_truenorth_unit;
  m.prepare = assign_axon_types;
  return m;
}

// BrainScaleS-2 AdEx: analog; the widths are those of the digital configuration that sets it.
NeuronModelInfo adex() {
  NeuronModelInfo m;
  m.name = "bss2_adex";
  m.description =
      "BrainScaleS-2-style analog AdEx neuron, parameters set by 10-bit capacitive memory cells";
  m.fields = {{"capmem", 10, 1, 16, "analog parameter DAC resolution"},
              {"weight", 6, 1, 8, "synapse weight DAC resolution"}};
  m.simulated = true;
  m.continuous = true;
  auto num = [](const char* name, double lo, double hi, bool req, double fallback,
                const char* unit, const char* meaning) {
    NeuronParamSpec p{name, int64_t(lo * 1000), int64_t(hi * 1000), req,
                      int64_t(fallback * 1000), {}, meaning};
    p.decimals = kAdexDecimals;
    p.unit = unit;
    return p;
  };
  // Defaults where a parameter may be left out: off (0) for the optional circuits, else the
  // AdEx values of Brette & Gerstner 2005 (J. Neurophysiol. 94:3637) rounded.
  m.params.resize(kAdexParams);
  m.params[kCm] = num("c_m", 1, 10000, false, 200, "pF", "membrane capacitance");
  m.params[kTauM] = num("tau_m", 0.001, 10000, true, 0, "ms", "membrane time constant C / g_L");
  m.params[kEL] = num("e_l", -200, 200, true, 0, "mV", "leak reversal potential");
  m.params[kVT] = num("v_t", -200, 200, false, -50, "mV", "exponential threshold V_T");
  m.params[kDeltaT] = num("delta_t", 0, 50, false, 0, "mV", "slope factor; 0: no exponential term (LIF)");
  m.params[kVPeak] = num("v_peak", -200, 200, true, 0, "mV", "spike detection threshold");
  m.params[kVReset] = num("v_reset", -200, 200, true, 0, "mV", "reset potential");
  m.params[kTRef] = num("t_ref", 0, 1000, false, 0, "ms", "refractory period");
  m.params[kA] = num("a", -1000, 1000, false, 0, "nS", "subthreshold adaptation; 0: off");
  m.params[kB] = num("b", 0, 100000, false, 0, "pA", "spike-triggered adaptation; 0: off");
  m.params[kTauW] = num("tau_w", 0.001, 10000, false, 100, "ms", "adaptation time constant");
  m.params[kTauSynE] = num("tau_syn_e", 0.001, 10000, false, 5, "ms", "excitatory input time constant");
  m.params[kTauSynI] = num("tau_syn_i", 0.001, 10000, false, 5, "ms", "inhibitory input time constant");
  m.params[kIOffset] = num("i_offset", -100000, 100000, false, 0, "pA", "constant input current");
  m.params[kWE] = num("w_e", 0, 100000, false, 10, "pA|nS", "excitatory input per weight unit (pA, or nS if conductance)");
  m.params[kWI] = num("w_i", 0, 100000, false, 10, "pA|nS", "inhibitory input per weight unit (pA, or nS if conductance)");
  m.params[kERevE] = num("e_rev_e", -200, 200, false, 0, "mV", "excitatory reversal (conductance inputs)");
  m.params[kERevI] = num("e_rev_i", -200, 200, false, -80, "mV", "inhibitory reversal (conductance inputs)");
  m.params[kSynapse] = choice("synapse", {"current", "conductance"}, 0, "synaptic input kind");
  m.probes = {"v", "w", "syn_e", "syn_i"};
  m.probe_decimals = kAdexDecimals;
  m.input = SynapseInput::weighted;
  m.channels = 2;
  m.weight_quantisation = false;
  m.min_weight = -63;   // 6-bit magnitude; the sign selects an excitatory or inhibitory row
  m.max_weight = 63;
  m.max_delay = 0;      // no programmable delays: the event fabric's latency is the delay
  m.graded_spikes = false;
  m.make = make_adex_unit;
  m.prepare = adex_sign_rows;
  return m;
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

const NeuronModelInfo& NeuronModelRegistry::get(const std::string& name) const {
  const NeuronModelInfo* m = find(name);
  if (!m) throw std::logic_error("neuron model '" + name + "' is not registered");
  return *m;
}

std::vector<std::string> NeuronModelRegistry::names() const {
  std::vector<std::string> out;
  for (const auto& m : models_) out.push_back(m.name);
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> NeuronModelRegistry::simulated_names() const {
  std::vector<std::string> out;
  for (const auto& m : models_)
    if (m.simulated) out.push_back(m.name);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace neuromesh::models
