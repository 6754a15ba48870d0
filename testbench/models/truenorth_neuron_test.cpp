// The TrueNorth neuron (models/truenorth_neuron.h) against closed forms derived by hand: the six
// reset modes, the leak modes, 20-bit saturation, tonic / phasic / burst rasters, and the
// statistics of the stochastic synapse, leak and threshold. Statistical tests use fixed seeds
// (they cannot flake) and a 5-standard-error bound around the exact expectation.
#include "models/truenorth_neuron.h"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <limits>
#include <map>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

using namespace neuromesh::models;
namespace tn = neuromesh::models::truenorth;

namespace {

using Counts = std::array<int64_t, 4>;

// A neuron that never crosses either threshold unless a test lowers them.
TrueNorthParams quiet() {
  TrueNorthParams p;
  p.threshold = 1 << 20;
  p.neg_threshold = 1 << 20;
  return p;
}

struct Trace {
  std::vector<int32_t> v;         // V after each tick
  std::vector<uint64_t> spikes;   // ticks (0-based) with a spike
};

// Runs one neuron (population index 0, seed 1) for `ticks` ticks with input(t).
template <class Input>
Trace run(const TrueNorthParams& p, uint64_t ticks, Input input) {
  const CounterRng rng{1, 0};
  int32_t v = p.v_init;
  Trace trace;
  for (uint64_t t = 0; t < ticks; ++t) {
    const Counts c = input(t);
    if (truenorth_step(p, v, c.data(), rng, 0, t)) trace.spikes.push_back(t);
    trace.v.push_back(v);
  }
  return trace;
}
Trace run(const TrueNorthParams& p, uint64_t ticks, Counts constant = {0, 0, 0, 0}) {
  return run(p, ticks, [&](uint64_t) { return constant; });
}

// One tick from potential v with input c; returns {spiked, V after}.
std::pair<bool, int32_t> tick(const TrueNorthParams& p, int32_t v, Counts c = {0, 0, 0, 0}) {
  const bool spiked = truenorth_step(p, v, c.data(), CounterRng{1, 0}, 0, 0);
  return {spiked, v};
}

// A parameter table with every column shared, `overrides` replacing defaults (a quiet neuron).
ParamTable table(const std::map<std::string, std::vector<int64_t>>& overrides = {}) {
  const std::map<std::string, int64_t> defaults = {
      {"leak", 0},           {"leak_reversal", 0},        {"stochastic_leak", 0},
      {"threshold", 1 << 20}, {"neg_threshold", 1 << 20}, {"reset", 0},
      {"reset_mode", 0},     {"neg_saturate", 0},         {"stochastic_synapse", 0},
      {"prn_mask", 0},       {"v_init", 0}};
  ParamTable t;
  for (const char* name : tn::kParamNames) {
    auto it = overrides.find(name);
    t.add(name, it != overrides.end() ? it->second : std::vector<int64_t>{defaults.at(name)});
  }
  return t;
}

NeuronSlice slice(const ParamTable& params, const std::vector<int32_t>* weights, uint32_t first,
                  uint32_t count, uint64_t seed = 7, uint32_t population = 0) {
  NeuronSlice s;
  s.params = &params;
  s.channel_weights = weights;
  for (uint32_t i = 0; i < count; ++i) s.neurons.push_back(first + i);
  s.seed = seed;
  s.population = population;
  return s;
}

// The same four weights for each of n neurons.
std::vector<int32_t> same_weights(uint32_t n, std::array<int32_t, 4> w) {
  std::vector<int32_t> out;
  for (uint32_t i = 0; i < n; ++i) out.insert(out.end(), w.begin(), w.end());
  return out;
}

// Steps `unit` once with the same counts for every neuron; returns the flags.
std::vector<uint8_t> step_all(TrueNorthUnit& unit, uint64_t t, Counts c) {
  std::vector<int64_t> in;
  for (uint32_t i = 0; i < unit.size(); ++i) in.insert(in.end(), c.begin(), c.end());
  std::vector<uint8_t> flags(unit.size());
  unit.step(t, in.data(), flags.data());
  return flags;
}

// Mean per-tick change of V over `neurons` x `ticks` with constant input `c`, and no resets.
double mean_increment(const ParamTable& params, const std::vector<int32_t>& weights,
                      uint32_t neurons, uint64_t ticks, Counts c, uint64_t seed) {
  TrueNorthUnit unit(slice(params, &weights, 0, neurons, seed));
  for (uint64_t t = 0; t < ticks; ++t) step_all(unit, t, c);
  double sum = 0;
  for (uint32_t i = 0; i < neurons; ++i) sum += double(unit.v(i)) - unit.params(i).v_init;
  return sum / (double(neurons) * double(ticks));
}

}  // namespace

// ---- threshold, fire, reset ----------------------------------------------------------------

// alpha = 10, beta = 20, R = 3, no PRN. Positive case: V = 0 + 14 crosses alpha. Negative case:
// V = 0 - 25 crosses -beta. Expected V from the reset table (chips.md 4.3).
TEST(TrueNorthReset, SixModesPositiveAndNegativeCrossings) {
  struct Case {
    int mode;
    bool kappa;
    int32_t after_pos, after_neg;
  };
  const Case cases[] = {{0, false, 3, -3}, {0, true, 3, -20},   {1, false, 4, -5},
                        {1, true, 4, -20}, {2, false, 14, -25}, {2, true, 14, -20}};
  for (const Case& c : cases) {
    SCOPED_TRACE("reset_mode " + std::to_string(c.mode) + " neg_saturate " +
                 std::to_string(c.kappa));
    TrueNorthParams p;
    p.threshold = 10, p.neg_threshold = 20, p.reset = 3;
    p.reset_mode = c.mode, p.neg_saturate = c.kappa;
    p.weight[0] = 14;
    p.weight[1] = -25;
    EXPECT_EQ(tick(p, 0, {1, 0, 0, 0}), std::make_pair(true, c.after_pos));
    EXPECT_EQ(tick(p, 0, {0, 1, 0, 0}), std::make_pair(false, c.after_neg));
  }
}

// The positive test is V >= alpha, the negative one V < -beta (strict).
TEST(TrueNorthReset, ThresholdBoundaries) {
  struct Case {
    int mode;
    bool kappa;
    int32_t at_alpha, below_minus_beta;  // V after V = alpha, after V = -beta - 1
  };
  // alpha = 10, beta = 20, R = 3; -21 resets to -R, -21 + 20, -21 or -beta.
  const Case cases[] = {{0, false, 3, -3}, {0, true, 3, -20},   {1, false, 0, -1},
                        {1, true, 0, -20}, {2, false, 10, -21}, {2, true, 10, -20}};
  for (const Case& c : cases) {
    SCOPED_TRACE("reset_mode " + std::to_string(c.mode) + " neg_saturate " +
                 std::to_string(c.kappa));
    TrueNorthParams p;
    p.threshold = 10, p.neg_threshold = 20, p.reset = 3;
    p.reset_mode = c.mode, p.neg_saturate = c.kappa;
    EXPECT_EQ(tick(p, 10), std::make_pair(true, c.at_alpha));
    EXPECT_EQ(tick(p, 9), std::make_pair(false, 9));
    EXPECT_EQ(tick(p, -20), std::make_pair(false, -20));
    EXPECT_EQ(tick(p, -21), std::make_pair(false, c.below_minus_beta));
  }
}

TEST(TrueNorthReset, ZeroThresholdSpikesAtZero) {
  TrueNorthParams p;  // alpha = 0: V = 0 >= 0 every tick
  EXPECT_EQ(run(p, 5).spikes, (std::vector<uint64_t>{0, 1, 2, 3, 4}));
}

// ---- leak ----------------------------------------------------------------------------------

TEST(TrueNorthLeak, WithoutReversalTheLeakIsConstant) {
  TrueNorthParams p = quiet();
  p.v_init = 20, p.leak = -3;
  Trace down = run(p, 30);
  for (int k = 1; k <= 30; ++k) EXPECT_EQ(down.v[k - 1], 20 - 3 * k) << k;  // crosses zero
  p.v_init = -10, p.leak = 4;
  Trace up = run(p, 30);
  for (int k = 1; k <= 30; ++k) EXPECT_EQ(up.v[k - 1], -10 + 4 * k) << k;
}

// Leak reversal, leak < 0: toward zero from either side, stopping at 0 (no overshoot).
TEST(TrueNorthLeak, ReversalConvergesToZeroAndStays) {
  TrueNorthParams p = quiet();
  p.leak_reversal = true, p.leak = -3;
  p.v_init = 20;
  Trace pos = run(p, 30);
  for (int k = 1; k <= 30; ++k) EXPECT_EQ(pos.v[k - 1], std::max(20 - 3 * k, 0)) << k;
  p.v_init = -20;
  Trace neg = run(p, 30);
  for (int k = 1; k <= 30; ++k) EXPECT_EQ(neg.v[k - 1], std::min(-20 + 3 * k, 0)) << k;
  p.v_init = 22;  // not a multiple of 3: 22 - 21 = 1, and 1 - 3 stops at 0
  Trace odd = run(p, 10);
  EXPECT_EQ(odd.v[6], 1);  // 22 - 21
  EXPECT_EQ(odd.v[7], 0);  // 1 - 3 would change sign: stops at 0
  EXPECT_EQ(odd.v[9], 0);
}

// Leak reversal, leak > 0: away from zero; V = 0 has sgn 0 and stays.
TEST(TrueNorthLeak, ReversalDivergesFromZero) {
  TrueNorthParams p = quiet();
  p.leak_reversal = true, p.leak = 3;
  p.v_init = 5;
  Trace pos = run(p, 20);
  for (int k = 1; k <= 20; ++k) EXPECT_EQ(pos.v[k - 1], 5 + 3 * k) << k;
  p.v_init = -5;
  Trace neg = run(p, 20);
  for (int k = 1; k <= 20; ++k) EXPECT_EQ(neg.v[k - 1], -5 - 3 * k) << k;
  p.v_init = 0;
  EXPECT_EQ(run(p, 20).v, std::vector<int32_t>(20, 0));
}

// Order: integrate, then leak (with Omega = sgn of the integrated V), then the threshold.
TEST(TrueNorthLeak, LeakFollowsIntegrationAndPrecedesTheThreshold) {
  TrueNorthParams p = quiet();
  p.threshold = 10, p.leak = -1, p.weight[0] = 10;
  EXPECT_EQ(tick(p, 0, {1, 0, 0, 0}), std::make_pair(false, 9));  // 10 - 1 < 10
  p = quiet();
  p.leak_reversal = true, p.leak = 2, p.weight[0] = 8;
  EXPECT_EQ(tick(p, -5, {1, 0, 0, 0}).second, 5);   // -5 + 8 = 3, then +2 (sgn 3 = +1)
  p.leak = -5;
  EXPECT_EQ(tick(p, -5, {1, 0, 0, 0}).second, 0);   // 3 - 5 would cross zero: 0
}

// ---- 20-bit saturation ---------------------------------------------------------------------

// 256 events of weight 255 on all four types: +261,120 a tick; leak -5 after saturation.
TEST(TrueNorthSaturation, PositiveSaturatesBeforeTheLeak) {
  TrueNorthParams p = quiet();
  p.leak = -5;
  for (int32_t& w : p.weight) w = 255;
  const Trace t = run(p, 6, {256, 256, 256, 256});
  EXPECT_EQ(t.v[0], 261120 - 5);
  EXPECT_EQ(t.v[1], 2 * 261120 - 10);
  for (int k = 2; k < 6; ++k) EXPECT_EQ(t.v[k], tn::kVMax - 5) << k;  // 2^19 - 1 - 5
  EXPECT_TRUE(t.spikes.empty());
}

// 256 events of weight -256 on all four types: -262,144 a tick; leak +3 after saturation.
TEST(TrueNorthSaturation, NegativeSaturatesBeforeTheLeak) {
  TrueNorthParams p = quiet();
  p.leak = 3;
  for (int32_t& w : p.weight) w = -256;
  const Trace t = run(p, 6, {256, 256, 256, 256});
  EXPECT_EQ(t.v[0], -262144 + 3);
  EXPECT_EQ(t.v[1], -2 * 262144 + 6);
  for (int k = 2; k < 6; ++k) EXPECT_EQ(t.v[k], tn::kVMin + 3) << k;  // -2^19 + 3
}

TEST(TrueNorthSaturation, HugeCountsDoNotOverflow) {
  TrueNorthParams p = quiet();
  p.weight[0] = 255, p.weight[1] = -256, p.weight[2] = 255, p.weight[3] = 255;
  const int64_t n = tn::kMaxCount;
  EXPECT_EQ(tick(p, 0, {n, 0, n, n}).second, tn::kVMax);
  EXPECT_EQ(tick(p, 0, {0, n, 0, 0}).second, tn::kVMin);
  p.weight[0] = std::numeric_limits<int32_t>::max();
  p.weight[1] = std::numeric_limits<int32_t>::min();
  EXPECT_EQ(tick(p, 0, {n, 0, 0, 0}).second, tn::kVMax);
  EXPECT_EQ(tick(p, 0, {0, n, 0, 0}).second, tn::kVMin);
  // The saturation acts on the sum of the four types, not per type: +n*255 - n*255 = 0.
  p.weight[0] = 255, p.weight[1] = -255;
  EXPECT_EQ(tick(p, 7, {n, n, 0, 0}).second, 7);
}

TEST(TrueNorthSaturation, ResetsStayInRange) {
  TrueNorthParams p;
  p.threshold = 10, p.neg_threshold = 10, p.reset = 1 << 20;  // R outside the 20-bit range
  EXPECT_EQ(tick(p, 10), std::make_pair(true, int32_t(tn::kVMax)));
  EXPECT_EQ(tick(p, -11), std::make_pair(false, int32_t(tn::kVMin)));  // -R saturates too
  // Non-reset at the top of the range: spikes every tick and stays saturated.
  p = quiet();
  p.reset_mode = tn::kResetNone, p.threshold = int32_t(tn::kVMax), p.weight[0] = 255;
  const Trace t = run(p, 2100, {1, 0, 0, 0});  // 255 * 2056 < 2^19 - 1 < 255 * 2057
  EXPECT_EQ(t.spikes.size(), 2100u - 2056u);   // saturated at 2^19 - 1 from tick 2057 (1-based)
  EXPECT_EQ(t.spikes.front(), 2056u);
  EXPECT_EQ(t.v.back(), tn::kVMax);
}

// ---- behaviours ----------------------------------------------------------------------------

// Normal reset to 0, input w per tick, threshold T: a spike every P = ceil(T / w) ticks, at
// ticks P, 2P, ... (1-based), and V = w * (k mod P) after tick k.
TEST(TrueNorthBehaviour, TonicSpikingNormalReset) {
  const std::pair<int32_t, int32_t> cases[] = {{100, 7}, {64, 8}, {1, 5}, {256, 255}, {97, 13}};
  for (auto [T, w] : cases) {
    SCOPED_TRACE("T " + std::to_string(T) + " w " + std::to_string(w));
    TrueNorthParams p = quiet();
    p.threshold = T, p.weight[2] = w;
    const int period = (T + w - 1) / w;
    const Trace t = run(p, 200, {0, 0, 1, 0});
    std::vector<uint64_t> expected;
    for (int k = period; k <= 200; k += period) expected.push_back(uint64_t(k - 1));
    EXPECT_EQ(t.spikes, expected);
    for (int k = 1; k <= 200; ++k) EXPECT_EQ(t.v[k - 1], w * (k % period)) << k;
  }
}

// Linear reset carries the remainder: for w <= T, after k ticks floor(k w / T) spikes and
// V = (k w) mod T.
TEST(TrueNorthBehaviour, TonicSpikingLinearResetCarriesTheRemainder) {
  const std::pair<int32_t, int32_t> cases[] = {{100, 7}, {100, 33}, {97, 13}, {50, 50}};
  for (auto [T, w] : cases) {
    SCOPED_TRACE("T " + std::to_string(T) + " w " + std::to_string(w));
    TrueNorthParams p = quiet();
    p.threshold = T, p.reset_mode = tn::kResetLinear, p.reset = -12345;  // R unused
    p.weight[1] = w;
    const Trace t = run(p, 200, {0, 1, 0, 0});
    EXPECT_EQ(t.spikes.size(), size_t(200 * w / T));
    size_t seen = 0;
    for (int k = 1; k <= 200; ++k) {
      EXPECT_EQ(t.v[k - 1], (k * w) % T) << k;
      const bool spike_now = (k * w) / T > ((k - 1) * w) / T;
      const bool spiked = seen < t.spikes.size() && t.spikes[seen] == uint64_t(k - 1);
      EXPECT_EQ(spiked, spike_now) << k;
      seen += spiked;
    }
  }
}

// Phasic spiking: leak reversal with leak = +10 (away from zero, so negative once V < 0), input
// +10 per tick from tick 5 to tick 59, alpha = 20, R = -30. At rest V = 0 (sgn 0: no leak).
// Tick 5: V = 10, leak +10 -> 20 >= 20: the only spike, V = -30. While the input lasts:
// -30 + 10 = -20, leak -10 -> -30 (silent). After it: V falls by 10 a tick to the saturating
// floor -beta = -1000.
TEST(TrueNorthBehaviour, PhasicSpikeAtStepOnset) {
  TrueNorthParams p;
  p.leak_reversal = true, p.leak = 10, p.threshold = 20, p.reset = -30;
  p.neg_threshold = 1000, p.neg_saturate = true, p.weight[0] = 10;
  const Trace t = run(p, 200, [](uint64_t k) { return Counts{k >= 5 && k < 60 ? 1 : 0, 0, 0, 0}; });
  EXPECT_EQ(t.spikes, (std::vector<uint64_t>{5}));
  for (uint64_t k = 0; k < 200; ++k) {
    int32_t expected = 0;
    if (k >= 5 && k < 60) expected = -30;
    if (k >= 60) expected = std::max(-30 - 10 * int32_t(k - 59), -1000);
    EXPECT_EQ(t.v[k], expected) << k;
  }
}

// Bursts: non-reset mode, convergent leak -8, alpha = 50; a pulse of 10 events of weight 10
// every 20 ticks. After a pulse at tick t0, V(t0 + j) = max(100 - 8 (j + 1), 0), so the neuron
// spikes while 100 - 8 (j + 1) >= 50: j = 0..5, a burst of 6, then V decays to 0 by j = 12 and
// the next pulse finds it at rest. Raster: ticks t with t mod 20 in 0..5.
TEST(TrueNorthBehaviour, BurstOfSixPerPulse) {
  TrueNorthParams p = quiet();
  p.reset_mode = tn::kResetNone, p.leak_reversal = true, p.leak = -8, p.threshold = 50;
  p.weight[3] = 10;
  const Trace t = run(p, 100, [](uint64_t k) { return Counts{0, 0, 0, k % 20 == 0 ? 10 : 0}; });
  std::vector<uint64_t> expected;
  for (uint64_t k = 0; k < 100; ++k)
    if (k % 20 <= 5) expected.push_back(k);
  EXPECT_EQ(t.spikes, expected);
  for (uint64_t k = 0; k < 100; ++k)
    EXPECT_EQ(t.v[k], std::max(100 - 8 * int32_t(k % 20 + 1), 0)) << k;
}

// ---- threshold PRN -------------------------------------------------------------------------

TEST(TrueNorthPrn, ZeroMaskIsDeterministicWhateverTheSeed) {
  ParamTable params = table({{"threshold", {40}}, {"neg_threshold", {30}}, {"reset_mode", {1}},
                             {"leak", {-2}}, {"leak_reversal", {1}}});
  const auto weights = same_weights(20, {9, -7, 5, 3});
  TrueNorthUnit a(slice(params, &weights, 0, 20, 1)), b(slice(params, &weights, 0, 20, 999));
  std::mt19937 gen(5);
  int spikes = 0;
  for (uint64_t t = 0; t < 300; ++t) {
    std::vector<int64_t> in(80);
    for (auto& c : in) c = int64_t(gen() % 6);
    std::vector<uint8_t> fa(20), fb(20);
    a.step(t, in.data(), fa.data());
    b.step(t, in.data(), fb.data());
    ASSERT_EQ(fa, fb) << t;
    for (uint32_t i = 0; i < 20; ++i) ASSERT_EQ(a.v(i), b.v(i));
    for (uint8_t f : fa) spikes += f & kSpiked;
  }
  EXPECT_GT(spikes, 100);
}

// Linear reset from V = alpha + 255 (always >= alpha + eta) leaves 255 - eta, so each tick
// reveals eta. M = 0xB5 has bits {128, 32, 16, 4, 1}: eta is uniform on the 32 values whose set
// bits lie within M, mean M / 2 = 90.5, variance (128^2 + 32^2 + 16^2 + 4^2 + 1^2) / 4.
TEST(TrueNorthPrn, EtaIsTheMaskedDrawWithMeanHalfTheMask) {
  const int64_t alpha = 1000, mask = 0xB5;
  ParamTable params = table({{"threshold", {alpha}}, {"reset_mode", {1}}, {"prn_mask", {mask}}});
  TrueNorthUnit unit(slice(params, nullptr, 0, 1000, 42));
  double sum = 0;
  std::set<int32_t> values;
  for (uint64_t t = 0; t < 50; ++t) {
    for (uint32_t i = 0; i < unit.size(); ++i) unit.set_v(i, int32_t(alpha + 255));
    const auto flags = step_all(unit, t, {0, 0, 0, 0});
    for (uint32_t i = 0; i < unit.size(); ++i) {
      ASSERT_EQ(flags[i], kSpiked);
      const int32_t eta = 255 - unit.v(i);
      ASSERT_GE(eta, 0);
      ASSERT_LE(eta, mask);
      ASSERT_EQ(eta & ~mask, 0);
      sum += eta;
      values.insert(eta);
    }
  }
  EXPECT_EQ(values.size(), 32u);
  const double n = 50000, var = (128.0 * 128 + 32 * 32 + 16 * 16 + 4 * 4 + 1) / 4;
  EXPECT_NEAR(sum / n, mask / 2.0, 5 * std::sqrt(var / n));
}

// Non-reset mode with fixed V: V = alpha - 1 never spikes, V = alpha + M always does, and
// V = alpha + 7 with M = 15 spikes when eta <= 7: probability 8 / 16.
TEST(TrueNorthPrn, EffectiveThresholdStaysWithinAlphaAndAlphaPlusMask) {
  const int64_t alpha = 500, mask = 15;
  std::vector<int64_t> v_init;
  for (int i = 0; i < 300; ++i)
    v_init.push_back(i < 100 ? alpha - 1 : (i < 200 ? alpha + mask : alpha + 7));
  ParamTable params = table({{"threshold", {alpha}}, {"reset_mode", {2}}, {"prn_mask", {mask}},
                             {"v_init", v_init}});
  TrueNorthUnit unit(slice(params, nullptr, 0, 300, 3));
  int half = 0;
  for (uint64_t t = 0; t < 200; ++t) {
    const auto flags = step_all(unit, t, {0, 0, 0, 0});
    for (uint32_t i = 0; i < 300; ++i) {
      if (i < 100) ASSERT_EQ(flags[i], 0) << i;
      else if (i < 200) ASSERT_EQ(flags[i], kSpiked) << i;
      else half += flags[i] & kSpiked;
    }
  }
  const double n = 100 * 200;
  EXPECT_NEAR(half / n, 0.5, 5 * std::sqrt(0.25 / n));
}

// The negative threshold is -(beta + eta) without negative saturation: from V = -(beta + 256)
// (always below it) linear reset leaves V + beta + eta = eta - 256. With saturation the test is
// V < -beta and V becomes -beta, whatever eta.
TEST(TrueNorthPrn, NegativeThresholdUsesEtaUnlessSaturating) {
  const int64_t beta = 1000;
  ParamTable params = table({{"neg_threshold", {beta}}, {"reset_mode", {1}}, {"prn_mask", {255}}});
  TrueNorthUnit unit(slice(params, nullptr, 0, 500, 11));
  std::set<int32_t> etas;
  for (uint64_t t = 0; t < 20; ++t) {
    for (uint32_t i = 0; i < unit.size(); ++i) unit.set_v(i, int32_t(-beta - 256));
    step_all(unit, t, {0, 0, 0, 0});
    for (uint32_t i = 0; i < unit.size(); ++i) {
      ASSERT_GE(unit.v(i), -256);
      ASSERT_LE(unit.v(i), -1);
      etas.insert(unit.v(i) + 256);
    }
  }
  EXPECT_EQ(etas.size(), 256u);  // 10,000 draws cover all 256 values (miss chance < 1e-14)
  ParamTable sat = table({{"neg_threshold", {beta}}, {"reset_mode", {1}}, {"prn_mask", {255}},
                          {"neg_saturate", {1}}, {"v_init", {-beta - 1}}});
  TrueNorthUnit s(slice(sat, nullptr, 0, 500, 11));
  step_all(s, 0, {0, 0, 0, 0});
  for (uint32_t i = 0; i < s.size(); ++i) ASSERT_EQ(s.v(i), -beta);
}

// ---- stochastic synapse and leak -------------------------------------------------------------

// Each stochastic event adds sgn(s) with probability P(|s| >= rho) = (|s| + 1) / 256, rho uniform
// in 0..255. Over 1000 neurons x 250 ticks the mean per-tick increment of count c events is
// c sgn(s) p with standard error sqrt(c p (1 - p) / 250000).
TEST(TrueNorthStochastic, SynapseIncrementProbability) {
  struct Case {
    int type;
    int32_t weight;
    int64_t count;
  };
  const Case cases[] = {{0, 63, 4}, {1, -191, 2}, {2, 1, 8}, {3, 200, 3}, {0, -100, 5}};
  uint64_t seed = 100;
  for (const Case& c : cases) {
    SCOPED_TRACE("type " + std::to_string(c.type) + " weight " + std::to_string(c.weight));
    ParamTable params = table({{"stochastic_synapse", {1 << c.type}}});
    std::array<int32_t, 4> w = {0, 0, 0, 0};
    w[c.type] = c.weight;
    Counts counts = {0, 0, 0, 0};
    counts[c.type] = c.count;
    const double p = (std::abs(c.weight) + 1) / 256.0, n = 1000.0 * 250;
    const double expected = c.count * (c.weight > 0 ? p : -p);
    const double bound = 5 * std::sqrt(c.count * p * (1 - p) / n);
    EXPECT_NEAR(mean_increment(params, same_weights(1000, w), 1000, 250, counts, ++seed),
                expected, bound);
    if (c.weight == 63) {  // the bound separates >= from >, whose probability is |s| / 256
      EXPECT_GT(std::abs(c.count * (63 / 256.0) - expected), bound);
    }
  }
}

// |s| = 255 and |s| = 256 are certain; a zero weight never moves V; types mix in one tick.
TEST(TrueNorthStochastic, SynapseEdgeWeights) {
  ParamTable params = table({{"stochastic_synapse", {0b1011}}});
  const auto weights = same_weights(50, {255, -256, 7, 0});  // type 2 deterministic
  TrueNorthUnit unit(slice(params, &weights, 0, 50, 8));
  for (uint64_t t = 0; t < 40; ++t) step_all(unit, t, {3, 2, 1, 9});
  for (uint32_t i = 0; i < 50; ++i) EXPECT_EQ(unit.v(i), 40 * (3 - 2 + 7));
}

// The stochastic leak adds Omega sgn(lambda) with probability (|lambda| + 1) / 256.
TEST(TrueNorthStochastic, LeakIncrementProbability) {
  struct Case {
    int32_t leak;
    bool reversal;
    int64_t v_init;
    double sign;  // Omega * sgn(lambda) for the whole run (V keeps its sign)
  };
  const Case cases[] = {{-100, false, 0, -1},   {-100, false, 5000, -1}, {50, true, -100000, -1},
                        {50, true, 100000, 1},  {-30, true, 100000, -1}, {-30, true, -100000, 1},
                        {254, false, 0, 1}};
  uint64_t seed = 200;
  for (const Case& c : cases) {
    SCOPED_TRACE("leak " + std::to_string(c.leak) + " reversal " + std::to_string(c.reversal) +
                 " v_init " + std::to_string(c.v_init));
    ParamTable params = table({{"leak", {c.leak}}, {"stochastic_leak", {1}},
                               {"leak_reversal", {c.reversal}}, {"v_init", {c.v_init}}});
    const double p = (std::abs(c.leak) + 1) / 256.0, n = 1000.0 * 1000;
    EXPECT_NEAR(mean_increment(params, {}, 1000, 1000, {0, 0, 0, 0}, ++seed), c.sign * p,
                5 * std::sqrt(p * (1 - p) / n));
  }
}

TEST(TrueNorthStochastic, LeakEdgeValues) {
  TrueNorthParams p = quiet();
  p.stochastic_leak = true;
  p.leak = 255;  // certain
  EXPECT_EQ(run(p, 100).v.back(), 100);
  p.leak = -256;
  EXPECT_EQ(run(p, 100).v.back(), -100);
  p.leak = 0;  // never
  EXPECT_EQ(run(p, 100).v.back(), 0);
  p.leak = -255, p.leak_reversal = true, p.v_init = 60;  // certain, toward zero, stops there
  const Trace t = run(p, 100);
  EXPECT_EQ(t.v[59], 0);
  EXPECT_EQ(t.v.back(), 0);
}

// The draw keys are the contract (header): the synapse draw of event e of type G is
// byte(neuron, t, synapse, G << 24 | e), the leak draw byte(neuron, t, leak), eta
// byte(neuron, t, threshold) & M. This recomputes a neuron's run from the keys alone.
TEST(TrueNorthStochastic, DrawKeysAreTheContract) {
  const CounterRng rng{0xC0FFEE, 4};
  const uint32_t neuron = 17;
  TrueNorthParams p;
  p.threshold = 20, p.reset_mode = tn::kResetLinear, p.neg_threshold = 500;
  p.stochastic_synapse = 0b1010, p.weight[1] = 100, p.weight[3] = -40, p.weight[0] = 1;
  p.stochastic_leak = true, p.leak = -77, p.prn_mask = 0x3C;
  int32_t v = 0, expected = 0;
  int spikes = 0;
  for (uint64_t t = 0; t < 300; ++t) {
    const Counts c = {2, 10, 0, 3};
    const bool spiked = truenorth_step(p, v, c.data(), rng, neuron, t);
    expected += 2;
    for (uint32_t e = 0; e < 10; ++e)
      expected += rng.byte(neuron, t, DrawPurpose::synapse, 1u << 24 | e) <= 100u;
    for (uint32_t e = 0; e < 3; ++e)
      expected -= rng.byte(neuron, t, DrawPurpose::synapse, 3u << 24 | e) <= 40u;
    expected -= rng.byte(neuron, t, DrawPurpose::leak) <= 77u;
    const int32_t alpha = 20 + int32_t(rng.byte(neuron, t, DrawPurpose::threshold) & 0x3C);
    const bool expected_spike = expected >= alpha;
    if (expected_spike) expected -= alpha;
    ASSERT_EQ(spiked, expected_spike) << t;
    ASSERT_EQ(v, expected) << t;
    spikes += spiked;
  }
  EXPECT_GT(spikes, 20);
}

// ---- the unit --------------------------------------------------------------------------------

// Every stochastic mode on and per-neuron parameters: one unit over [0, 100) and two over
// [0, 37) and [37, 100) give the same spikes and V at every tick.
TEST(TrueNorthUnit, PlacementIndependence) {
  const uint32_t n = 100;
  std::map<std::string, std::vector<int64_t>> cols;
  std::mt19937 gen(77);
  std::vector<int32_t> weights;
  for (uint32_t i = 0; i < n; ++i) {
    cols["leak"].push_back(int64_t(i % 9) - 4);
    cols["leak_reversal"].push_back(i % 2);
    cols["threshold"].push_back(10 + i % 25);
    cols["neg_threshold"].push_back(5 + i % 17);
    cols["reset"].push_back(int64_t(i % 7) - 3);
    cols["reset_mode"].push_back(i % 3);
    cols["neg_saturate"].push_back((i / 3) % 2);
    cols["prn_mask"].push_back(1 + i % 31);
    cols["v_init"].push_back(int64_t(i % 11) - 5);
    for (int g = 0; g < 4; ++g) weights.push_back(int32_t(gen() % 512) - 256);
  }
  cols["stochastic_synapse"] = {0xF};
  cols["stochastic_leak"] = {1};
  ParamTable params = table(cols);
  TrueNorthUnit whole(slice(params, &weights, 0, n, 2024, 3));
  TrueNorthUnit left(slice(params, &weights, 0, 37, 2024, 3));
  TrueNorthUnit right(slice(params, &weights, 37, 63, 2024, 3));
  TrueNorthUnit other_population(slice(params, &weights, 0, n, 2024, 4));
  int spikes = 0, differs = 0;
  for (uint64_t t = 0; t < 200; ++t) {
    std::vector<int64_t> in(n * 4);
    for (auto& c : in) c = int64_t(gen() % 5);
    std::vector<uint8_t> fw(n), fs(n), fo(n);
    whole.step(t, in.data(), fw.data());
    left.step(t, in.data(), fs.data());
    right.step(t, in.data() + 37 * 4, fs.data() + 37);
    other_population.step(t, in.data(), fo.data());
    ASSERT_EQ(fw, fs) << t;
    for (uint32_t i = 0; i < n; ++i) {
      const int64_t split = i < 37 ? left.probe(0, i) : right.probe(0, i - 37);
      ASSERT_EQ(whole.probe(0, i), split) << "tick " << t << " neuron " << i;
      differs += whole.v(i) != other_population.v(i);
    }
    for (uint8_t f : fw) spikes += f & kSpiked;
  }
  EXPECT_GT(spikes, 1000);  // the run exercised the threshold
  EXPECT_GT(differs, 0);    // and the draws depend on the population (the key is used)
}

// Weights come from channel_weights[population neuron * 4 + G]; the slice starts at neuron 2.
TEST(TrueNorthUnit, WeightsPerNeuronAndType) {
  std::vector<int32_t> weights;
  for (int n = 0; n < 5; ++n)
    for (int g = 0; g < 4; ++g) weights.push_back((n + 1) * 10 * (g % 2 ? -1 : 1) + g);
  ParamTable params = table();
  TrueNorthUnit unit(slice(params, &weights, 2, 3));
  ASSERT_EQ(unit.size(), 3u);
  ASSERT_EQ(unit.channels(), 4u);
  step_all(unit, 0, {1, 2, 3, 4});
  for (uint32_t i = 0; i < 3; ++i) {
    const int n = 2 + int(i);
    int32_t expected = 0;
    for (int g = 0; g < 4; ++g) {
      EXPECT_EQ(unit.params(i).weight[g], weights[n * 4 + g]);
      expected += (g + 1) * ((n + 1) * 10 * (g % 2 ? -1 : 1) + g);
    }
    EXPECT_EQ(unit.v(i), expected) << i;  // e.g. neuron 2: 30 - 2*29 + 3*32 - 4*27 = -40
  }
  EXPECT_EQ(unit.v(0), -40);
  TrueNorthUnit none(slice(params, nullptr, 0, 2));
  step_all(none, 0, {5, 5, 5, 5});
  EXPECT_EQ(none.v(0), 0);
  EXPECT_EQ(none.params(1).weight[3], 0);
}

TEST(TrueNorthUnit, ParametersAreReadPerPopulationNeuron) {
  ParamTable params = table({{"threshold", {10, 20, 30, 40}}, {"reset_mode", {0, 1, 2, 1}},
                             {"v_init", {1, 2, 3, 4}}, {"prn_mask", {0, 0, 7, 255}}});
  TrueNorthUnit unit(slice(params, nullptr, 1, 3));
  for (uint32_t i = 0; i < 3; ++i) {
    EXPECT_EQ(unit.params(i).threshold, 20 + 10 * int32_t(i));
    EXPECT_EQ(unit.params(i).v_init, 2 + int32_t(i));
    EXPECT_EQ(unit.probe(0, i), 2 + int32_t(i));  // V starts at v_init
  }
  EXPECT_EQ(unit.params(0).reset_mode, 1);
  EXPECT_EQ(unit.params(2).prn_mask, 255u);
  EXPECT_EQ(unit.neuron(0), 1u);
}

TEST(TrueNorthUnit, Flags) {
  // Neuron 0 starts at threshold: spikes without input. Neuron 1 is below it.
  ParamTable params = table({{"threshold", {5}}, {"v_init", {5, 0}}});
  const auto weights = same_weights(2, {1, 1, 1, 1});
  TrueNorthUnit unit(slice(params, &weights, 0, 2));
  const int64_t in0[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  uint8_t flags[2];
  unit.step(0, in0, flags);
  EXPECT_EQ(flags[0], kSpiked);
  EXPECT_EQ(flags[1], 0);
  const int64_t in1[8] = {0, 0, 0, 0, 0, 0, 2, 0};  // neuron 1, type 2: V = 2
  unit.step(1, in1, flags);
  EXPECT_EQ(flags[1], kActive);
  EXPECT_EQ(unit.v(1), 2);
  const int64_t in2[8] = {0, 0, 0, 0, 3, 0, 0, 0};  // neuron 1, type 0: V = 5, spikes
  unit.step(2, in2, flags);
  EXPECT_EQ(flags[1], kSpiked | kActive);
  EXPECT_EQ(unit.v(1), 0);
}

TEST(TrueNorthUnit, Errors) {
  ParamTable missing;
  missing.add("leak", {0});
  EXPECT_THROW(TrueNorthUnit(slice(missing, nullptr, 0, 1)), std::logic_error);
  for (auto [name, value] : std::vector<std::pair<std::string, int64_t>>{
           {"reset_mode", 3}, {"prn_mask", 256}, {"threshold", -1}, {"neg_threshold", -1},
           {"stochastic_synapse", 16}, {"leak_reversal", 2}, {"v_init", 1 << 19}}) {
    SCOPED_TRACE(name);
    ParamTable bad = table({{name, {value}}});
    EXPECT_THROW(TrueNorthUnit(slice(bad, nullptr, 0, 1)), std::invalid_argument);
  }
  ParamTable ok = table();
  const std::vector<int32_t> short_weights(7, 1);
  EXPECT_THROW(TrueNorthUnit(slice(ok, &short_weights, 1, 1)), std::invalid_argument);
  auto unit = make_truenorth_unit(slice(ok, nullptr, 0, 2));
  EXPECT_EQ(unit->size(), 2u);
  EXPECT_THROW(unit->probe(1, 0), std::out_of_range);
}
