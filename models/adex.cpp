#include "models/adex.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "models/connectivity.h"

namespace neuromesh::models {

double normal_draw(const CounterRng& rng, uint32_t neuron, uint64_t step, DrawPurpose purpose,
                   uint32_t index) {
  constexpr double kScale = 1.0 / 9007199254740992.0;  // 2^-53
  const double u1 = (double(rng.bits(neuron, step, purpose, 2 * index) >> 11) + 1.0) * kScale;
  const double u2 = double(rng.bits(neuron, step, purpose, 2 * index + 1) >> 11) * kScale;
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
}

double fast_normal_draw(const CounterRng& rng, uint32_t neuron, uint64_t step, DrawPurpose purpose) {
  const uint64_t b = rng.bits(neuron, step, purpose);
  constexpr double kU = 1.0 / 65536.0;
  const double sum = double(b & 0xFFFF) + double(b >> 16 & 0xFFFF) + double(b >> 32 & 0xFFFF) +
                     double(b >> 48);
  return (sum * kU - 2.0) * 1.7320508075688772;   // Irwin-Hall(4), scaled to unit variance
}

const char* adex_param_name(uint32_t p) {
  static const char* const names[kAdexParams] = {
      "c_m", "tau_m", "e_l", "v_t", "delta_t", "v_peak", "v_reset", "t_ref", "a", "b", "tau_w",
      "tau_syn_e", "tau_syn_i", "i_offset", "w_e", "w_i", "e_rev_e", "e_rev_i", "synapse"};
  return p < kAdexParams ? names[p] : "?";
}

uint32_t capmem_max_code(int bits) { return (uint32_t{1} << bits) - 1; }

uint32_t capmem_code(const CapmemRange& r, int bits, double target) {
  const double top = double(capmem_max_code(bits));
  if (r.max <= r.min) return 0;
  const double x = std::round((target - r.min) / (r.max - r.min) * top);
  return uint32_t(std::clamp(x, 0.0, top));
}

double capmem_nominal(const CapmemRange& r, int bits, uint32_t code) {
  return r.min + double(code) * (r.max - r.min) / double(capmem_max_code(bits));
}

double capmem_realised(const AnalogSetup& a, uint32_t circuit, uint32_t p, uint32_t code) {
  const CapmemRange& r = a.range[p];
  const double nominal = capmem_nominal(r, a.capmem_bits, code);
  if (!a.mismatch) return nominal;
  const CounterRng rng{a.mismatch_seed, 0};
  const double g = r.gain_spread * normal_draw(rng, circuit, p, DrawPurpose::mismatch, 0);
  const double o = r.offset_spread * normal_draw(rng, circuit, p, DrawPurpose::mismatch, 1);
  return nominal * (1.0 + g) + o;
}

double adex_target(const ParamTable& params, uint32_t p, uint32_t neuron) {
  return double(params.get(p, neuron)) / 1000.0;
}

uint32_t adex_code(const AnalogSetup& a, uint32_t circuit, uint32_t p, double target) {
  if (a.calibration) {
    auto it = a.calibration->code.find(AdexCalibration::key(circuit, p));
    if (it != a.calibration->code.end()) return it->second;
  }
  return capmem_code(a.range[p], a.capmem_bits, target);
}

AdexCircuit adex_realise(const AnalogSetup& a, const ParamTable& params, uint32_t neuron,
                         uint32_t circuit, const uint32_t* codes) {
  double v[kAdexParams];
  for (uint32_t p = 0; p < kAdexParams; ++p) {
    const double target = adex_target(params, p, neuron);
    if (!adex_in_capmem(p)) {
      v[p] = target;
      continue;
    }
    const uint32_t code = codes ? codes[p] : adex_code(a, circuit, p, target);
    v[p] = capmem_realised(a, circuit, p, code);
  }
  AdexCircuit c;
  c.c_m = v[kCm];
  c.g_l = v[kCm] / std::max(v[kTauM], 1e-6);
  c.e_l = v[kEL];
  c.v_t = v[kVT];
  c.exponential = params.get(kDeltaT, neuron) != 0;
  c.delta_t = c.exponential ? std::max(v[kDeltaT], 1e-3) : 0.0;
  c.v_peak = v[kVPeak];
  c.v_reset = v[kVReset];
  c.t_ref = std::max(0.0, v[kTRef]);
  c.adapt_a = params.get(kA, neuron) != 0;
  c.adapt_b = params.get(kB, neuron) != 0;
  c.a = c.adapt_a ? v[kA] : 0.0;
  c.b = c.adapt_b ? v[kB] : 0.0;
  c.tau_w = std::max(v[kTauW], 1e-6);
  c.tau_e = std::max(v[kTauSynE], 1e-6);
  c.tau_i = std::max(v[kTauSynI], 1e-6);
  c.i_offset = v[kIOffset];
  c.w_e = v[kWE];
  c.w_i = v[kWI];
  c.e_rev_e = v[kERevE];
  c.e_rev_i = v[kERevI];
  c.conductance = params.get(kSynapse, neuron) == 1;
  return c;
}

AdexUnit::AdexUnit(std::vector<AdexCircuit> circuits, std::vector<uint32_t> ids,
                   const AnalogSetup& setup)
    : c_(std::move(circuits)), ids_(std::move(ids)) {
  h_ = setup.substep_ms;
  sqrt_h_ = std::sqrt(h_);
  noise_ = setup.noise;
  noise_seed_ = setup.noise_seed;
  const size_t n = c_.size();
  v_.resize(n);
  w_.assign(n, 0.0);
  ie_.assign(n, 0.0);
  ii_.assign(n, 0.0);
  ref_.assign(n, 0.0);
  sum_e_.assign(n, 0);
  sum_i_.assign(n, 0);
  decay_e_.resize(n);
  decay_i_.resize(n);
  for (size_t i = 0; i < n; ++i) {
    v_[i] = c_[i].e_l;
    decay_e_[i] = std::exp(-h_ / c_[i].tau_e);
    decay_i_[i] = std::exp(-h_ / c_[i].tau_i);
  }
}

void AdexUnit::step(uint64_t, const int64_t*, uint8_t*) {
  throw std::logic_error("AdexUnit is a continuous-time unit: use advance()");
}

// dv/dt and dw/dt of circuit c at (v, w) with synaptic inputs (ie, ii).
struct Slope {
  double dv, dw;
};
static Slope slope(const AdexCircuit& c, double v, double w, double ie, double ii) {
  const double isyn = c.conductance ? ie * (c.e_rev_e - v) + ii * (c.e_rev_i - v) : ie - ii;
  double drive = -c.g_l * (v - c.e_l) - w + isyn + c.i_offset;
  if (c.exponential) drive += c.g_l * c.delta_t * std::exp(std::min((v - c.v_t) / c.delta_t, 50.0));
  const double dw = c.adapt_a ? (c.a * (v - c.e_l) - w) / c.tau_w : -w / c.tau_w;
  return {drive / c.c_m, dw};
}

// Heun's method (second order) for v and w over `dt`, from (v, w) with inputs (ie, ii) at the
// start and (ie1, ii1) at the end.
static void heun(const AdexCircuit& c, double dt, double& v, double& w, double ie, double ii,
                 double ie1, double ii1) {
  const Slope k1 = slope(c, v, w, ie, ii);
  const Slope k2 = slope(c, v + dt * k1.dv, w + dt * k1.dw, ie1, ii1);
  v += 0.5 * dt * (k1.dv + k2.dv);
  w += 0.5 * dt * (k1.dw + k2.dw);
}

// One substep: Heun's method for v and w, exact decay of the inputs. A threshold crossing is
// placed inside the substep by linear interpolation, and the refractory period and the
// integration after it start there, so spike times carry no bias of up to a substep per
// interval (the analog circuit is continuous; only the reported time is in whole substeps).
void AdexUnit::substep(uint32_t i, uint64_t s, double in_e, double in_i,
                       std::vector<TimedSpike>& spikes) {
  const AdexCircuit& c = c_[i];
  ie_[i] += in_e * c.w_e;
  ii_[i] += in_i * c.w_i;
  const double ie0 = ie_[i], ii0 = ii_[i];
  const double ie1 = ie0 * decay_e_[i], ii1 = ii0 * decay_i_[i];
  double v = v_[i], w = w_[i];
  double free = h_;   // time of this substep not spent refractory
  if (ref_[i] > 0) {
    // v is held; w keeps adapting over the held part (v_reset is constant there).
    const double held = std::min(ref_[i], h_);
    ref_[i] -= held;
    free = h_ - held;
    v = c.v_reset;
    w += held * slope(c, v, w, ie0, ii0).dw;
  }
  const double v0 = v;
  if (free > 0) heun(c, free, v, w, ie0, ii0, ie1, ii1);
  if (free > 0 && noise_ > 0) {
    v += noise_ * std::sqrt(free) * fast_normal_draw(CounterRng{noise_seed_, 0}, ids_[i], s, DrawPurpose::noise);
  }
  if (v >= c.v_peak || std::isnan(v)) {
    // Crossed at a fraction f of the free time; reset, adapt, and spend the rest refractory
    // (and integrating once the refractory period is over).
    const double f = std::isnan(v) || v <= v0 ? 1.0 : std::clamp((c.v_peak - v0) / (v - v0), 0.0, 1.0);
    const double rest = (1.0 - f) * free;
    spikes.push_back({s, i});
    v = c.v_reset;
    w += c.b;
    const double ref = c.t_ref;
    if (rest > ref) {
      heun(c, rest - ref, v, w, ie1, ii1, ie1, ii1);
      ref_[i] = 0;
    } else {
      ref_[i] = ref - rest;
    }
  }
  v_[i] = v;
  w_[i] = w;
  ie_[i] = ie1;
  ii_[i] = ii1;
}

void AdexUnit::advance(uint64_t from, uint64_t to, const TimedEvent* ev, size_t n,
                       std::vector<TimedSpike>& spikes) {
  const uint32_t count = size();
  size_t e = 0;
  for (uint64_t s = from; s < to; ++s) {
    if (e < n && ev[e].at < s) throw std::logic_error("AdexUnit: event before its substep");
    if (e == n || ev[e].at != s) {
      for (uint32_t i = 0; i < count; ++i) substep(i, s, 0.0, 0.0, spikes);
      continue;
    }
    const size_t first = e;
    for (; e < n && ev[e].at == s; ++e) {
      (ev[e].channel == 0 ? sum_e_ : sum_i_)[ev[e].neuron] += ev[e].weight;
    }
    for (uint32_t i = 0; i < count; ++i) {
      substep(i, s, double(sum_e_[i]), double(sum_i_[i]), spikes);
    }
    for (size_t k = first; k < e; ++k) sum_e_[ev[k].neuron] = sum_i_[ev[k].neuron] = 0;
  }
  if (e != n) throw std::logic_error("AdexUnit: event beyond the advanced interval");
}

int64_t AdexUnit::probe(uint32_t var, uint32_t i) const {
  double x = 0;
  switch (var) {
    case kProbeV: x = v_[i]; break;
    case kProbeW: x = w_[i]; break;
    case kProbeSynE: x = ie_[i]; break;
    case kProbeSynI: x = ii_[i]; break;
    default: throw std::logic_error("AdexUnit: unknown probe variable");
  }
  return int64_t(std::llround(x * 1000.0));
}

std::unique_ptr<NeuronUnit> make_adex_unit(const NeuronSlice& s) {
  if (!s.analog || !s.circuits) {
    throw std::logic_error("bss2_adex needs an analog chip (NeuronSlice::analog and circuits)");
  }
  std::vector<AdexCircuit> c(s.count());
  std::vector<uint32_t> ids(s.circuits, s.circuits + s.count());
  for (uint32_t i = 0; i < s.count(); ++i) c[i] = adex_realise(*s.analog, *s.params, s.neurons[i], ids[i]);
  return std::make_unique<AdexUnit>(std::move(c), std::move(ids), *s.analog);
}

}  // namespace neuromesh::models

namespace neuromesh::models {

// The sign of a synapse selects the excitatory or inhibitory input (the row's sign on the chip);
// the stored weight is its magnitude.
void adex_sign_rows(const Network&, uint32_t population, ExpandedNetwork& ex) {
  for (auto& t : ex.tables) {
    if (t.to != population) continue;
    for (auto& s : t.synapses) {
      s.channel = s.weight < 0 ? 1 : 0;
      s.weight = int16_t(s.weight < 0 ? -s.weight : s.weight);
    }
  }
}

}  // namespace neuromesh::models
