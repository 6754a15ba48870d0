// Loihi-style current-based LIF neuron and dense-synapse arithmetic, bit for bit as Lava's
// bit-accurate models (PyLifModelBitAcc, PyDenseModelBitAcc). docs/models.md restates it.
#pragma once

#include <cstdint>
#include <cstdlib>

namespace neuromesh::models::loihi {

constexpr int kDecayShift = 12;                     // decays are x/4096
constexpr int kActShift = 6;                        // synaptic input and threshold MSB alignment
constexpr int64_t kUvLimit = int64_t{1} << 23;      // u and v are 24-bit signed
constexpr int64_t kVMax = kUvLimit - 1;             // v saturates at +-(2^23 - 1)
constexpr int kMaxDecay = 4095;                     // du, dv: 12-bit unsigned
constexpr int kMaxVth = (1 << 17) - 1;              // 17-bit threshold mantissa
constexpr int kMinBiasMant = -(1 << 12);            // 13-bit signed bias mantissa
constexpr int kMaxBiasMant = (1 << 12) - 1;
constexpr int kMinBiasExp = -8;                     // Lava allows negative (arithmetic >>)
constexpr int kMaxBiasExp = 7;
constexpr int kMaxDelay = 63;                       // Loihi 2: 6-bit synaptic delays

// The operand domain of lif_update in 64-bit arithmetic. If a neuron's summed input always
// satisfies |a| < kInputLimit and u starts with |u| < kULimit, then |u| < kULimit after every
// update: |decay(u)| <= (4095/4096)(2^51 - 1) < 2^51 - 2^39 and |a << 6| <= 2^39 - 64, and the
// single wrap never makes |u| larger than max(|u|, 2^23). So |u| x factor < 2^63 and no 64-bit
// product or sum of the update can overflow. The expansion refuses a network in which some
// neuron's summed input could reach kInputLimit (the sum over its synapses of |weight| x largest
// |payload| x 2^weight_exp); the RTL unit's ports take exactly this domain (docs/rtl.md).
constexpr int64_t kInputLimit = int64_t{1} << 33;
constexpr int64_t kULimit = int64_t{1} << 51;

struct LifParams {
  int32_t du = 0;          // 0..4095, current decay (the hardware uses du + 1)
  int32_t dv = 0;          // 0..4095, voltage decay
  int32_t vth = 0;         // 0..2^17-1, threshold = vth << 6
  int32_t bias_mant = 0;   // -4096..4095
  int32_t bias_exp = 0;    // -8..7
  int32_t refractory = 0;  // extension: steps v is held at 0 after a spike; 0 = off (Lava)
};

struct LifState {
  int64_t u = 0;           // wide enough for the reference's single-subtraction wrap
  int64_t v = 0;
  int32_t refractory_left = 0;
};

// sign(x * f) * (|x * f| >> 12): decay with truncation toward zero.
inline int64_t decay(int64_t x, int64_t factor) {
  const int64_t p = x * factor;
  return p < 0 ? -((-p) >> kDecayShift) : (p >> kDecayShift);
}

inline int64_t effective_bias(const LifParams& p) {
  return p.bias_exp >= 0 ? int64_t{p.bias_mant} * (int64_t{1} << p.bias_exp)
                         : (int64_t{p.bias_mant} >> (-p.bias_exp));
}

// The reference's wrap: one subtraction (or addition) of 2^24, not a modulo.
inline int64_t wrap_u(int64_t u) {
  if (u > kUvLimit) return u - 2 * kUvLimit;
  if (u <= -kUvLimit) return u + 2 * kUvLimit;
  return u;
}

inline int64_t saturate_v(int64_t v) { return v > kVMax ? kVMax : (v < -kVMax ? -kVMax : v); }

// A neuron's parameters in the form the update uses: decay factors, shifted threshold, bias.
struct LifConstants {
  int64_t du_factor = 4096, dv_factor = 4096, threshold = 0, bias = 0;
  int32_t refractory = 0;
};

inline LifConstants lif_constants(const LifParams& p) {
  return {4096 - (p.du + 1), 4096 - p.dv, int64_t{p.vth} << kActShift, effective_bias(p),
          p.refractory};
}

// THE one timestep of one neuron (every simulator and the RTL's cycle model call it): total
// synaptic input `a` (already weight-exponent scaled) updates u, then v; returns true on a spike.
inline bool lif_update(const LifConstants& c, int64_t& u, int64_t& v, int32_t& refractory_left,
                       int64_t a) {
  u = wrap_u(decay(u, c.du_factor) + a * (int64_t{1} << kActShift));
  if (refractory_left > 0) {
    --refractory_left;
    v = 0;
    return false;
  }
  const int64_t next = saturate_v(decay(v, c.dv_factor) + u + c.bias);
  if (next > c.threshold) {
    v = 0;
    refractory_left = c.refractory;
    return true;
  }
  v = next;
  return false;
}

// One timestep of one neuron given its parameters; returns true when it spikes.
inline bool lif_step(const LifParams& p, LifState& s, int64_t a) {
  return lif_update(lif_constants(p), s.u, s.v, s.refractory_left, a);
}

// ---- dense synapses -----------------------------------------------------------------------
enum class SignMode { excitatory, inhibitory, mixed };

// Clip a weight to its sign mode's 8-bit range and drop 8 - num_weight_bits (+1 when mixed) low
// bits with floor semantics (inhibitory: negate, drop, negate back).
inline int32_t quantize_weight(int32_t w, SignMode mode, int num_weight_bits) {
  int32_t lo = -256, hi = 255;
  if (mode == SignMode::excitatory) lo = 0;
  if (mode == SignMode::inhibitory) lo = -255, hi = 0;
  w = w < lo ? lo : (w > hi ? hi : w);
  const int k = 8 - num_weight_bits + (mode == SignMode::mixed ? 1 : 0);
  if (k <= 0) return w;
  // Multiplying back instead of shifting left: a left shift of a negative value is undefined.
  if (mode == SignMode::inhibitory) return -(((-w) >> k) * (1 << k));
  return (w >> k) * (1 << k);  // arithmetic shift = floor for negatives
}

// weight_exp acts on the summed input of one connection: << for positive, arithmetic >> else.
inline int64_t apply_weight_exp(int64_t acc, int weight_exp) {
  return weight_exp >= 0 ? acc * (int64_t{1} << weight_exp) : (acc >> (-weight_exp));
}

}  // namespace neuromesh::models::loihi
