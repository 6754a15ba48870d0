// Cross-check bench of the TrueNorth neuron update unit: drives a Verilated
// truenorth_update_unit and the C++ cycle model (models/truenorth_update_unit.h) with the same
// stimulus, cycle by cycle, and compares every output bit and every handshake. Random and
// corner-case vectors over the whole operand domain, random input gaps and back-pressure.
#pragma once

#include <algorithm>
#include <cstdint>
#include <sstream>
#include <string>

#include "models/rng.h"
#include "models/truenorth_update_unit.h"
#include "rtl/drive.h"

namespace neuromesh::testkit {

struct TrueNorthBenchResult {
  uint64_t vectors = 0, cycles = 0, outputs = 0, spikes = 0, events = 0;
  uint64_t last_events = 0;   // stochastic events of the last vector accepted
  bool ok = true;
  std::string mismatch;
};

inline std::string describe(const models::TrueNorthUnitIn& x) {
  std::ostringstream os;
  const auto& p = x.p;
  os << "{v=" << x.v << " counts=" << x.counts[0] << "," << x.counts[1] << "," << x.counts[2] << ","
     << x.counts[3] << " w=" << p.weight[0] << "," << p.weight[1] << "," << p.weight[2] << ","
     << p.weight[3] << " stoch=" << p.stochastic_synapse << " leak=" << p.leak << " rev="
     << p.leak_reversal << " sleak=" << p.stochastic_leak << " thr=" << p.threshold << " nthr="
     << p.neg_threshold << " reset=" << p.reset << " mode=" << p.reset_mode << " nsat="
     << p.neg_saturate << " mask=" << p.prn_mask << " seed=" << x.seed << " pop=" << x.population
     << " neuron=" << x.neuron << " step=" << x.step << "}";
  return os.str();
}

// A vector inside the unit's domain, with the corners drawn often.
inline models::TrueNorthUnitIn random_truenorth_vector(models::Rng& r) {
  namespace tn = models::truenorth;
  models::TrueNorthUnitIn x;
  auto corner = [&](int64_t lo, int64_t hi, int64_t small) {
    switch (r.range(0, 5)) {
      case 0: return lo;
      case 1: return hi;
      case 2: return int64_t{0};
      case 3: return std::clamp(r.range(-small, small), lo, hi);
      default: return r.range(lo, hi);
    }
  };
  x.v = int32_t(corner(tn::kVMin, tn::kVMax, 300));
  auto& p = x.p;
  p.stochastic_synapse = uint32_t(r.range(0, 15));
  for (int g = 0; g < tn::kAxonTypes; ++g) {
    p.weight[g] = int32_t(corner(-256, 255, 8));
    const int64_t k = r.range(0, 199);
    const bool stochastic = p.stochastic_synapse >> g & 1u;
    x.counts[g] = k < 80 ? 0 : k < 160 ? r.range(1, 4) : k < 196 ? r.range(5, 40)
                : k < 198 ? (stochastic ? r.range(100, 600) : r.range(0, tn::kMaxCount))
                : (stochastic ? 300 : tn::kMaxCount);
  }
  p.leak = int32_t(corner(-256, 255, 4));
  p.leak_reversal = r.range(0, 2) == 0;
  p.stochastic_leak = r.range(0, 2) == 0;
  p.threshold = int32_t(corner(0, (1 << 18) - 1, 40));
  p.neg_threshold = int32_t(corner(0, (1 << 18) - 1, 40));
  p.reset = int32_t(corner(tn::kVMin, tn::kVMax, 50));
  p.reset_mode = int(r.range(0, 2));
  p.neg_saturate = r.range(0, 2) == 0;
  const int64_t m = r.range(0, 3);
  p.prn_mask = uint32_t(m == 0 ? 0 : m == 1 ? 255 : r.range(0, 255));
  x.seed = r.next();
  x.population = uint32_t(r.next());
  x.neuron = uint32_t(r.range(0, 3) == 0 ? r.range(0, 255) : int64_t(uint32_t(r.next())));
  x.step = r.range(0, 3) == 0 ? uint64_t(r.range(0, 1000)) : r.next();
  if (r.range(0, 15) == 0) {
    // V exactly at (or one off) a threshold: no input, no leak, no threshold noise.
    for (auto& c : x.counts) c = 0;
    p.leak = 0;
    p.prn_mask = 0;
    const int64_t off = r.range(-1, 1);
    x.v = int32_t(std::clamp<int64_t>(r.range(0, 1) ? p.threshold + off : -int64_t(p.neg_threshold) + off,
                                      tn::kVMin, tn::kVMax));
  }
  return x;
}


// Runs `vectors` inputs through DUT (a Verilated truenorth_update_unit) and the cycle model.
template <typename Dut>
TrueNorthBenchResult run_truenorth_bench(Dut& dut, uint64_t vectors, uint64_t seed, double p_valid = 0.8,
                                         double p_ready = 0.8) {
  models::Rng r(seed);
  models::TrueNorthUpdateUnit model;
  TrueNorthBenchResult res;
  auto sx = [](uint32_t raw, int bits) { return int32_t(raw << (32 - bits)) >> (32 - bits); };
  rtl::reset(dut);
  models::TrueNorthUnitIn pending = random_truenorth_vector(r);
  while (res.vectors < vectors && res.ok) {
    const bool in_valid = r.chance(p_valid);
    const bool out_ready = r.chance(p_ready);
    dut.in_valid_i = in_valid;
    rtl::set_inputs(dut, pending);
    dut.out_ready_i = out_ready;
    dut.eval();
    auto fail = [&](const std::string& field, const std::string& want, const std::string& got) {
      std::ostringstream os;
      os << "cycle " << res.cycles << ": " << field << " expected " << want << ", got " << got
         << " (input offered this cycle " << describe(pending) << ")";
      res.mismatch = os.str();
      res.ok = false;
    };
    if (bool(dut.in_ready_o) != model.in_ready()) {
      fail("in_ready_o", std::to_string(model.in_ready()), std::to_string(dut.in_ready_o));
      break;
    }
    if (bool(dut.out_valid_o) != model.out_valid()) {
      fail("out_valid_o", std::to_string(model.out_valid()), std::to_string(dut.out_valid_o));
      break;
    }
    if (model.out_valid()) {
      const auto& want = model.out();
      if (sx(dut.v_o, 20) != want.v) fail("v_o", std::to_string(want.v), std::to_string(sx(dut.v_o, 20)));
      else if (bool(dut.spike_o) != want.spike) fail("spike_o", std::to_string(want.spike), std::to_string(dut.spike_o));
      if (!res.ok) break;
      if (out_ready) {
        ++res.outputs;
        res.spikes += want.spike;
      }
    }
    const bool accepted = in_valid && model.in_ready();
    model.clock(in_valid, pending, out_ready);
    rtl::clock(dut);
    ++res.cycles;
    if (accepted) {
      ++res.vectors;
      res.last_events = models::TrueNorthUpdateUnit::events(pending);
      res.events += res.last_events;
      pending = random_truenorth_vector(r);
    }
  }
  return res;
}

}  // namespace neuromesh::testkit
