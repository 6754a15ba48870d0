// lif_update_unit_bench [--vectors N] [--seed S] [--valid P] [--ready P] [--vcd FILE --vcd-cycles N]
// The cross-check bench at any length; prints vectors per second; exits 1 with the first mismatch
// if the RTL and the model differ. --valid/--ready set how often inputs are offered and outputs
// accepted (1 1 = full rate); --vcd writes a waveform of the first cycles.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <memory>

#include "Vlif_update_unit.h"
#include "verilated_vcd_c.h"
#include "testbench/rtl/lif_bench.h"

int main(int argc, char** argv) {
  uint64_t vectors = 10000000, seed = 1, vcd_cycles = 200;
  double p_valid = 0.8, p_ready = 0.8;
  const char* vcd = nullptr;
  for (int i = 1; i < argc; ++i) {
    auto num = [&](double lo, double hi) {
      char* end = nullptr;
      const double v = i + 1 < argc ? std::strtod(argv[++i], &end) : -1;
      if (!end || *end || v < lo || v > hi) {
        std::fprintf(stderr, "lif_update_unit_bench: %s expects a number in %g..%g\n", argv[i - 1], lo, hi);
        std::exit(2);
      }
      return v;
    };
    if (!std::strcmp(argv[i], "--vectors")) vectors = uint64_t(num(1, 1e12));
    else if (!std::strcmp(argv[i], "--seed")) seed = uint64_t(num(0, 1e18));
    else if (!std::strcmp(argv[i], "--valid")) p_valid = num(0.01, 1);
    else if (!std::strcmp(argv[i], "--ready")) p_ready = num(0.01, 1);
    else if (!std::strcmp(argv[i], "--vcd-cycles")) vcd_cycles = uint64_t(num(1, 1e9));
    else if (!std::strcmp(argv[i], "--vcd") && i + 1 < argc) vcd = argv[++i];
    else {
      std::fprintf(stderr, "usage: %s [--vectors N] [--seed S] [--valid P] [--ready P] [--vcd FILE [--vcd-cycles N]]\n", argv[0]);
      return 2;
    }
  }
  Verilated::traceEverOn(vcd != nullptr);
  Vlif_update_unit dut;
  std::unique_ptr<VerilatedVcdC> tracer;
  if (vcd) {
    tracer = std::make_unique<VerilatedVcdC>();
    dut.trace(tracer.get(), 99);
    tracer->open(vcd);
  }
  const auto t0 = std::chrono::steady_clock::now();
  const auto r = neuromesh::testkit::run_bench(dut, vectors, seed, p_valid, p_ready,
                                               tracer.get(), vcd_cycles);
  if (tracer) tracer->close();
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  dut.final();
  std::printf("%llu vectors in %llu cycles, %.3f s: %.3g vectors/s; %s\n",
              (unsigned long long)r.vectors, (unsigned long long)r.cycles, s, double(r.vectors) / s,
              r.ok ? "no mismatch" : r.mismatch.c_str());
  return r.ok ? 0 : 1;
}
