// truenorth_update_unit_bench [--vectors N] [--seed S] [--valid P] [--ready P]
// The TrueNorth unit's cross-check bench at any length; prints vectors and cycles per second;
// exits 1 with the first mismatch if the RTL and the model differ (scripts/mutate-rtl runs it on
// every mutant).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "Vtruenorth_update_unit.h"
#include "testbench/rtl/truenorth_bench.h"

int main(int argc, char** argv) {
  uint64_t vectors = 1000000, seed = 1;
  double p_valid = 0.8, p_ready = 0.8;
  for (int i = 1; i < argc; ++i) {
    auto num = [&](double lo, double hi) {
      char* end = nullptr;
      const double v = i + 1 < argc ? std::strtod(argv[++i], &end) : -1;
      if (!end || *end || v < lo || v > hi) {
        std::fprintf(stderr, "truenorth_update_unit_bench: %s expects a number in %g..%g\n", argv[i - 1], lo, hi);
        std::exit(2);
      }
      return v;
    };
    if (!std::strcmp(argv[i], "--vectors")) vectors = uint64_t(num(1, 1e12));
    else if (!std::strcmp(argv[i], "--seed")) seed = uint64_t(num(0, 1e18));
    else if (!std::strcmp(argv[i], "--valid")) p_valid = num(0.01, 1);
    else if (!std::strcmp(argv[i], "--ready")) p_ready = num(0.01, 1);
    else {
      std::fprintf(stderr, "usage: %s [--vectors N] [--seed S] [--valid P] [--ready P]\n", argv[0]);
      return 2;
    }
  }
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
