// The analog AdEx unit against closed forms (LIF charging, tonic ISI, PSP shape, adaptation
// decay, Ornstein-Uhlenbeck membrane variance), the capmem codec, mismatch statistics, and the
// synapse-array packing and synapse-driver timing of the BrainScaleS-2-like input stage.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <set>

#include "models/adex.h"
#include "models/synapse_driver_input.h"
#include "models/synapse_rows.h"

namespace neuromesh::models {
namespace {

constexpr double kH = 0.001;  // 1 us of biological time per substep

AnalogSetup setup(double noise = 0) {
  AnalogSetup a;
  a.substep_ms = kH;
  a.mismatch = false;
  a.noise = noise;
  a.noise_seed = 7;
  a.range.assign(kAdexParams, CapmemRange{0, 1, 0, 0});
  return a;
}

AdexCircuit lif(double tau_m, double e_l, double v_peak, double v_reset, double i_offset) {
  AdexCircuit c;
  c.c_m = 200;
  c.g_l = c.c_m / tau_m;
  c.e_l = e_l;
  c.v_peak = v_peak;
  c.v_reset = v_reset;
  c.i_offset = i_offset;
  c.exponential = false;
  c.tau_e = 5;
  c.tau_i = 5;
  c.w_e = 10;
  c.w_i = 10;
  return c;
}

TEST(Adex, LifSpikeTimesMatchTheClosedForm) {
  // v(t) = Vinf + (V0 - Vinf) exp(-t / tau), Vinf = E_L + I / g_L: first spike at
  // tau ln((Vinf - V0) / (Vinf - theta)); then every t_ref + tau ln((Vinf - Vr) / (Vinf - theta)).
  AdexCircuit c = lif(10, -70, -50, -65, 500);
  c.t_ref = 2;
  AdexUnit u({c}, {0}, setup());
  std::vector<TimedSpike> spikes;
  u.advance(0, 200000, nullptr, 0, spikes);
  const double vinf = -70 + 500 / c.g_l;
  const double first = 10 * std::log((vinf + 70) / (vinf + 50));
  const double isi = 2 + 10 * std::log((vinf + 65) / (vinf + 50));
  ASSERT_GE(spikes.size(), 10u);
  EXPECT_NEAR(double(spikes[0].at) * kH, first, 3 * kH);
  for (size_t k = 1; k < spikes.size(); ++k) {
    EXPECT_NEAR(double(spikes[k].at - spikes[k - 1].at) * kH, isi, 3 * kH) << "ISI " << k;
  }
  EXPECT_EQ(spikes.size(), size_t(std::floor((200 - first) / isi)) + 1);
}

TEST(Adex, PostsynapticPotentialMatchesTheClosedForm) {
  // One event of weight 20 at w_e = 10 pA: I0 = 200 pA decaying with tau_s; the membrane
  // answers E_L + I0 / C tau_m tau_s / (tau_m - tau_s) (exp(-t / tau_m) - exp(-t / tau_s)).
  AdexCircuit c = lif(10, -70, 0, -70, 0);
  c.tau_e = 3;
  AdexUnit u({c}, {0}, setup());
  std::vector<TimedSpike> spikes;
  TimedEvent ev{0, 0, 0, 20};
  u.advance(0, 1, &ev, 1, spikes);
  uint64_t s = 1;
  for (double t_ms : {1.0, 3.0, 6.0, 12.0, 25.0}) {
    const uint64_t until = uint64_t(std::llround(t_ms / kH));
    u.advance(s, until, nullptr, 0, spikes);
    s = until;
    const double expect = -70 + 200.0 / 200 * 10 * 3 / (10 - 3.0) * (std::exp(-t_ms / 10) - std::exp(-t_ms / 3));
    EXPECT_NEAR(u.v(0), expect, 5e-3 * std::fabs(expect + 70) + 1e-4) << "t = " << t_ms << " ms";
  }
}

TEST(Adex, SpikeTriggeredAdaptationDecaysWithTauW) {
  AdexCircuit c = lif(10, -70, -50, -65, 0);
  c.adapt_b = true;
  c.b = 80;
  c.tau_w = 100;
  AdexUnit u({c}, {0}, setup());
  u.set_v(0, -49);  // above threshold: spikes in the first substep, w = b
  std::vector<TimedSpike> spikes;
  u.advance(0, 1, nullptr, 0, spikes);
  ASSERT_EQ(spikes.size(), 1u);
  u.advance(1, 50001, nullptr, 0, spikes);  // 50 ms later
  EXPECT_NEAR(double(u.probe(AdexUnit::kProbeW, 0)) / 1000, 80 * std::exp(-50.0 / 100), 0.01);
}

TEST(Adex, MembraneNoiseHasTheOrnsteinUhlenbeckVariance) {
  // dv = -(v - E) / tau dt + sigma dW: stationary variance sigma^2 tau / 2.
  const double sigma = 0.5, tau = 5;
  std::vector<AdexCircuit> c(1500, lif(tau, -70, 0, -70, 0));
  std::vector<uint32_t> ids(c.size());
  for (uint32_t i = 0; i < ids.size(); ++i) ids[i] = i;
  AdexUnit u(c, ids, setup(sigma));
  std::vector<TimedSpike> spikes;
  u.advance(0, uint64_t(6 * tau / kH), nullptr, 0, spikes);
  double m = 0, m2 = 0;
  for (uint32_t i = 0; i < c.size(); ++i) m += u.v(i) + 70, m2 += (u.v(i) + 70) * (u.v(i) + 70);
  m /= double(c.size());
  const double var = m2 / double(c.size()) - m * m;
  EXPECT_NEAR(m, 0.0, 0.05);
  EXPECT_NEAR(var, sigma * sigma * tau / 2, 0.12 * sigma * sigma * tau / 2);
}

TEST(Adex, EventsOfOneSubstepSumInAnyOrder) {
  AdexCircuit c = lif(10, -70, 0, -70, 0);
  AdexUnit a({c, c}, {0, 1}, setup()), b({c, c}, {0, 1}, setup());
  std::vector<TimedEvent> e1 = {{5, 0, 0, 3}, {5, 0, 1, 7}, {5, 1, 0, 63}, {5, 0, 0, 11}};
  std::vector<TimedEvent> e2 = {{5, 0, 0, 11}, {5, 1, 0, 63}, {5, 0, 1, 7}, {5, 0, 0, 3}};
  std::vector<TimedSpike> s;
  a.advance(0, 100, e1.data(), e1.size(), s);
  b.advance(0, 100, e2.data(), e2.size(), s);
  for (uint32_t var = 0; var < 4; ++var)
    for (uint32_t i = 0; i < 2; ++i) EXPECT_EQ(a.probe(var, i), b.probe(var, i));
}

TEST(Capmem, CodesRoundTripAndQuantiseToHalfAnLsb) {
  const CapmemRange r{-100, 20, 0, 0};
  for (uint32_t code = 0; code <= 1023; ++code) EXPECT_EQ(capmem_code(r, 10, capmem_nominal(r, 10, code)), code);
  std::mt19937_64 g(1);
  std::uniform_real_distribution<double> d(-100, 20);
  const double lsb = 120.0 / 1023;
  for (int k = 0; k < 1000; ++k) {
    const double t = d(g);
    EXPECT_LE(std::fabs(capmem_nominal(r, 10, capmem_code(r, 10, t)) - t), lsb / 2 + 1e-12);
  }
  EXPECT_EQ(capmem_code(r, 10, -1000), 0u);
  EXPECT_EQ(capmem_code(r, 10, 1000), 1023u);
}

TEST(Capmem, MismatchIsReproduciblePerSampleWithTheConfiguredSpread) {
  AnalogSetup a = setup();
  a.mismatch = true;
  a.mismatch_seed = 3;
  a.range[kTauM] = CapmemRange{0.1, 200, 0.05, 0};
  a.range[kEL] = CapmemRange{-100, 20, 0, 2};
  const uint32_t code_t = 500, code_v = 512;
  double gm = 0, g2 = 0, om = 0, o2 = 0;
  const int n = 20000;
  const double nom_t = capmem_nominal(a.range[kTauM], 10, code_t), nom_v = capmem_nominal(a.range[kEL], 10, code_v);
  for (int c = 0; c < n; ++c) {
    const double g = capmem_realised(a, uint32_t(c), kTauM, code_t) / nom_t - 1;
    const double o = capmem_realised(a, uint32_t(c), kEL, code_v) - nom_v;
    gm += g, g2 += g * g, om += o, o2 += o * o;
    EXPECT_EQ(capmem_realised(a, uint32_t(c), kTauM, code_t), capmem_realised(a, uint32_t(c), kTauM, code_t));
  }
  gm /= n, om /= n;
  EXPECT_NEAR(std::sqrt(g2 / n - gm * gm), 0.05, 0.05 * 0.03);
  EXPECT_NEAR(std::sqrt(o2 / n - om * om), 2.0, 2.0 * 0.03);
  AnalogSetup b = a;
  b.mismatch_seed = 4;
  int same = 0;
  for (int c = 0; c < 100; ++c) same += capmem_realised(a, uint32_t(c), kEL, code_v) == capmem_realised(b, uint32_t(c), kEL, code_v);
  EXPECT_EQ(same, 0);
}

// Every synapse of a packing sits in a row of its source's driver with the right sign, no two
// synapses share a (row, column), no driver has two sources under one label or more labels than
// its label space.
void expect_valid(const std::vector<RowSource>& src, const std::vector<RowSlot>& slots,
                  uint32_t drivers, uint32_t label_bits, uint32_t columns) {
  std::vector<int> sign(drivers * 2, -1);
  std::vector<std::vector<bool>> used(drivers * 2, std::vector<bool>(columns, false));
  std::set<std::pair<uint32_t, uint32_t>> labels;
  for (size_t i = 0; i < src.size(); ++i) {
    const RowSlot& s = slots[i];
    ASSERT_LT(s.driver, drivers);
    ASSERT_LT(s.label, 1u << label_bits);
    EXPECT_TRUE(labels.insert({s.driver, s.label}).second);
    for (int ch = 0; ch < 2; ++ch) {
      const auto& cols = ch == 0 ? src[i].exc : src[i].inh;
      const int r = ch == 0 ? s.exc_row : s.inh_row;
      if (cols.empty()) continue;
      ASSERT_GE(r, 0);
      const uint32_t row = s.driver * 2 + uint32_t(r);
      EXPECT_TRUE(sign[row] == -1 || sign[row] == ch);
      sign[row] = ch;
      for (uint32_t c : cols) {
        EXPECT_FALSE(used[row][c]) << "row " << row << " column " << c << " twice";
        used[row][c] = true;
      }
    }
  }
}

TEST(SynapseRows, RandomPackingsAreValid) {
  std::mt19937_64 g(5);
  for (int trial = 0; trial < 300; ++trial) {
    const uint32_t drivers = 1 + uint32_t(g() % 6), label_bits = uint32_t(g() % 3), columns = 1 + uint32_t(g() % 12);
    std::vector<RowSource> src(1 + g() % 20);
    for (auto& s : src)
      for (uint32_t c = 0; c < columns; ++c) {
        const uint64_t x = g() % 5;
        if (x == 0) s.exc.push_back(c);
        if (x == 1) s.inh.push_back(c);
      }
    std::vector<RowSlot> slots;
    std::string why;
    const size_t fit = pack_rows(src, drivers, label_bits, columns, slots, &why);
    if (fit == src.size()) {
      expect_valid(src, slots, drivers, label_bits, columns);
    } else {
      EXPECT_FALSE(why.empty());
      // The sources before the failing one form a valid packing on their own.
      std::vector<RowSource> head(src.begin(), src.begin() + long(fit));
      std::vector<RowSlot> hs;
      ASSERT_EQ(pack_rows(head, drivers, label_bits, columns, hs, nullptr), head.size());
      expect_valid(head, hs, drivers, label_bits, columns);
    }
  }
}

TEST(SynapseRows, LabelSpaceAndRowsAreTheLimits) {
  // Sources with one private column each: a driver takes 2^label_bits of them, no more.
  std::vector<RowSource> src(2 * 64 + 1);
  for (uint32_t i = 0; i < src.size(); ++i) src[i].exc = {i};
  std::vector<RowSlot> slots;
  std::string why;
  EXPECT_EQ(pack_rows(src, 2, 6, 256, slots, &why), 128u);
  EXPECT_NE(why.find("64 sources"), std::string::npos) << why;
  // Sources reaching every column: one per row, two rows per driver.
  std::vector<RowSource> all(5);
  for (auto& s : all)
    for (uint32_t c = 0; c < 8; ++c) s.exc.push_back(c);
  EXPECT_EQ(pack_rows(all, 2, 6, 8, slots, &why), 4u);
  EXPECT_NE(why.find("rows"), std::string::npos) << why;
}

TEST(SynapseDriverInput, ADriverTakesOneEventPerIntervalAndCountsTheRest) {
  // 4 substeps per cycle, 8 substeps (8 ns) between a driver's events.
  SynapseDriverInput in(4, 2, 2, 6, 8, 4);
  in.add_synapse(0, 1, 5, 0, 0);
  in.add_synapse(1, 2, 7, 0, 1);
  in.seal();
  EXPECT_EQ(in.on_packet(0, 1, 0, 10).delayed, 0u);   // substep 40
  const InputWork w = in.on_packet(0, 1, 0, 11);      // substep 44 < 40 + 8
  EXPECT_EQ(w.delayed, 1u);
  EXPECT_EQ(w.delay_substeps, 4u);
  // Source 1 shares driver 0 (first fit, label 1): it waits for the driver too.
  const InputWork w1 = in.on_packet(1, 1, 0, 11);
  EXPECT_EQ(w1.delayed, 1u);
  EXPECT_EQ(w1.delay_substeps, 12u);
  std::vector<TimedEvent> ev;
  in.take_events(56, ev);
  ASSERT_EQ(ev.size(), 2u);   // taking effect before substep 56
  EXPECT_EQ(ev[0].at, 40u);
  EXPECT_EQ(ev[1].at, 48u);
  in.take_events(1000, ev);
  ASSERT_EQ(ev.size(), 3u);
  EXPECT_EQ(ev[2].at, 56u);
  EXPECT_EQ(ev[2].neuron, 2u);
  EXPECT_EQ(ev[2].channel, 1u);
}

}  // namespace
}  // namespace neuromesh::models
