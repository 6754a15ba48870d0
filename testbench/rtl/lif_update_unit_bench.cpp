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
#include "testbench/rtl/bench_args.h"
#include "testbench/rtl/lif_bench.h"

int main(int argc, char** argv) {
  const auto args = neuromesh::testkit::parse_bench_args(argc, argv, "lif_update_unit_bench", 10000000, true);
  const uint64_t vectors = args.vectors, seed = args.seed, vcd_cycles = args.vcd_cycles;
  const double p_valid = args.p_valid, p_ready = args.p_ready;
  const char* vcd = args.vcd;
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
