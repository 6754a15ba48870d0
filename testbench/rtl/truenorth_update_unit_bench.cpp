// truenorth_update_unit_bench [--vectors N] [--seed S] [--valid P] [--ready P]
// The TrueNorth unit's cross-check bench at any length; prints vectors and cycles per second;
// exits 1 with the first mismatch if the RTL and the model differ (scripts/mutate-rtl runs it on
// every mutant).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "Vtruenorth_update_unit.h"
#include "testbench/rtl/bench_args.h"
#include "testbench/rtl/truenorth_bench.h"

int main(int argc, char** argv) {
  const auto args =
      neuromesh::testkit::parse_bench_args(argc, argv, "truenorth_update_unit_bench", 1000000, false);
  const uint64_t vectors = args.vectors, seed = args.seed;
  const double p_valid = args.p_valid, p_ready = args.p_ready;
  Vtruenorth_update_unit dut;
  const auto t0 = std::chrono::steady_clock::now();
  const auto r = neuromesh::testkit::run_truenorth_bench(dut, vectors, seed, p_valid, p_ready);
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  dut.final();
  std::printf("%llu vectors (%llu stochastic events, %llu spikes) in %llu cycles, %.3f s: %.3g vectors/s, "
              "%.3g cycles/s; %s\n",
              (unsigned long long)r.vectors, (unsigned long long)r.events, (unsigned long long)r.spikes,
              (unsigned long long)r.cycles, s, double(r.vectors) / s, double(r.cycles) / s,
              r.ok ? "no mismatch" : r.mismatch.c_str());
  return r.ok ? 0 : 1;
}
