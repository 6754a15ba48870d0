// Cross-check bench of the neuron update unit: drives a Verilated model and the C++ cycle model
// (models/lif_update_unit.h) with the same stimulus, cycle by cycle, and compares every output
// bit and every handshake. Random and corner-case vectors, random input gaps and back-pressure.
#pragma once

#include <algorithm>
#include <cstdint>
#include <sstream>
#include <string>
#include <type_traits>

#include "models/lif_update_unit.h"
#include "models/rng.h"
#include "rtl/drive.h"

namespace neuromesh::testkit {

struct BenchResult {
  uint64_t vectors = 0;   // inputs accepted
  uint64_t cycles = 0;
  uint64_t outputs = 0;   // outputs compared
  bool ok = true;
  std::string mismatch;   // the first difference: cycle, field, expected, got, input vector
};

inline std::string describe(const models::LifUnitIn& x) {
  std::ostringstream os;
  os << "{u=" << x.u << " v=" << x.v << " du=" << x.du << " dv=" << x.dv << " vth=" << x.vth
     << " bias_mant=" << x.bias_mant << " bias_exp=" << x.bias_exp << " a=" << x.a
     << " ref_period=" << x.ref_period << " ref_left=" << x.ref_left << "}";
  return os.str();
}

// A vector inside the unit's domain (the model's: models/loihi_lif.h), with the corners drawn
// often: u at the wrap's edges and at the domain's ends, a at its ends and where a << 6 crosses
// the wrap once or many times.
inline models::LifUnitIn random_vector(models::Rng& r) {
  models::LifUnitIn x;
  const int64_t lim = int64_t{1} << 23;
  const int64_t ulim = models::loihi::kULimit, alim = models::loihi::kInputLimit;
  switch (r.range(0, 10)) {
    case 0: x.u = lim; break;                                // the wrap's edge value
    case 8: x.u = r.range(-8, 8); break;                     // with a near 2^17: sums at +-2^23 +- 1
    case 1: x.u = -lim + 1; break;
    case 2: x.u = lim - r.range(0, 70000); break;            // near the wrap
    case 3: x.u = 0; break;
    case 4: x.u = ulim - 1; break;                           // the domain's ends
    case 5: x.u = -ulim + 1; break;
    case 6: x.u = (r.range(0, 1) ? 1 : -1) * (ulim - 1 - r.range(0, int64_t{1} << 40)); break;
    case 7: x.u = r.range(-ulim + 1, ulim - 1) >> r.range(0, 40); break;   // every magnitude
    default: x.u = r.range(-lim + 1, lim);
  }
  switch (r.range(0, 4)) {
    case 0: x.v = int32_t(lim - 1); break;                   // saturation edges
    case 1: x.v = int32_t(-lim + 1); break;
    case 2: x.v = 0; break;
    default: x.v = int32_t(r.range(-lim + 1, lim - 1));
  }
  auto decay = [&] { const int64_t k = r.range(0, 3); return uint32_t(k == 0 ? 0 : k == 1 ? 4095 : r.range(0, 4095)); };
  x.du = decay();
  x.dv = decay();
  const int64_t t = r.range(0, 3);
  x.vth = uint32_t(t == 0 ? (1 << 17) - 1 : t == 1 ? 0 : t == 2 ? r.range(0, 300) : r.range(0, (1 << 17) - 1));
  const int64_t b = r.range(0, 3);
  x.bias_mant = int32_t(b == 0 ? -4096 : b == 1 ? 4095 : r.range(-4096, 4095));
  x.bias_exp = int32_t(r.range(-8, 7));
  switch (r.range(0, 7)) {
    case 0: x.a = alim - 1; break;
    case 1: x.a = -alim + 1; break;
    case 2: x.a = 0; break;
    case 3: x.a = r.range(-(1 << 16) + 1, (1 << 16) - 1); break;               // one wrap at most
    case 4: x.a = (r.range(0, 1) ? 1 : -1) * ((int64_t{1} << 17) + r.range(-2, 2)); break;  // a << 6 at 2^23
    case 5: x.a = r.range(-alim + 1, alim - 1) >> r.range(0, 33); break;       // every magnitude
    default: x.a = r.range(-alim + 1, alim - 1);
  }
  x.ref_period = r.range(0, 2) == 0 ? uint32_t(r.range(0, 63)) : 0;
  x.ref_left = r.range(0, 3) == 0 ? uint32_t(r.range(0, 63)) : 0;
  if (r.range(0, 15) == 0) {
    // v exactly at (or one off) the threshold: dv = 0 keeps v, no current, no bias.
    x.dv = 0;
    x.u = 0;
    x.a = 0;
    x.bias_mant = 0;
    x.vth = uint32_t(r.range(0, (1 << 17) - 1));
    x.v = int32_t(std::min<int64_t>(lim - 1, int64_t(x.vth) * 64 + r.range(-1, 1)));
  }
  return x;
}

// Runs `vectors` inputs through DUT (a Verilated lif_update_unit) and the cycle model.
// `p_valid` and `p_ready` set how often the producer offers an input and the consumer accepts.
// `trace` (a VerilatedVcdC or FstC, or null) records the first `trace_cycles` cycles.
template <typename Dut, typename Trace = std::nullptr_t>
BenchResult run_bench(Dut& dut, uint64_t vectors, uint64_t seed, double p_valid = 0.8,
                      double p_ready = 0.8, Trace* trace = nullptr, uint64_t trace_cycles = 0) {
  uint64_t time = 0;  // half cycles
  auto dump = [&] {
    if constexpr (!std::is_same_v<Trace, std::nullptr_t>) {
      if (trace && time / 2 < trace_cycles) trace->dump(time * 5);  // 10-unit clock period
    }
    ++time;
  };
  models::Rng r(seed);
  models::LifUpdateUnit model;
  BenchResult res;
  auto sx = [](uint32_t raw, int bits) { return int32_t(raw << (32 - bits)) >> (32 - bits); };
  auto sx64 = [](uint64_t raw, int bits) { return int64_t(raw << (64 - bits)) >> (64 - bits); };
  rtl::reset(dut);
  models::LifUnitIn pending = random_vector(r);
  while (res.vectors < vectors && res.ok) {
    const bool in_valid = r.chance(p_valid);
    const bool out_ready = r.chance(p_ready);
    dut.in_valid_i = in_valid;
    rtl::set_inputs(dut, pending);
    dut.out_ready_i = out_ready;
    dut.eval();
    dump();
    // Compare the cycle's outputs before the edge.
    auto fail = [&](const std::string& field, const std::string& want, const std::string& got) {
      std::ostringstream os;
      os << "cycle " << res.cycles << ": " << field << " expected " << want << ", got " << got
         << " (input offered this cycle " << describe(pending) << ")";
      res.mismatch = os.str();
      res.ok = false;
    };
    if (bool(dut.in_ready_o) != model.in_ready(out_ready)) {
      fail("in_ready_o", std::to_string(model.in_ready(out_ready)), std::to_string(dut.in_ready_o));
      break;
    }
    if (bool(dut.out_valid_o) != model.out_valid()) {
      fail("out_valid_o", std::to_string(model.out_valid()), std::to_string(dut.out_valid_o));
      break;
    }
    if (model.out_valid()) {
      const auto& want = model.out();
      if (sx64(dut.u_o, 52) != want.u) fail("u_o", std::to_string(want.u), std::to_string(sx64(dut.u_o, 52)));
      else if (sx(dut.v_o, 24) != want.v) fail("v_o", std::to_string(want.v), std::to_string(sx(dut.v_o, 24)));
      else if (bool(dut.spike_o) != want.spike) fail("spike_o", std::to_string(want.spike), std::to_string(dut.spike_o));
      else if (uint32_t(dut.ref_left_o) != want.ref_left) fail("ref_left_o", std::to_string(want.ref_left), std::to_string(dut.ref_left_o));
      if (!res.ok) break;
      if (out_ready) ++res.outputs;
    }
    const bool accepted = in_valid && model.in_ready(out_ready);
    model.clock(in_valid, pending, out_ready);
    dut.clk_i = 1;
    dut.eval();
    dump();   // the waveform sees the rising edge
    dut.clk_i = 0;
    dut.eval();
    ++res.cycles;
    if (accepted) {
      ++res.vectors;
      pending = random_vector(r);
    }
  }
  return res;
}

}  // namespace neuromesh::testkit
