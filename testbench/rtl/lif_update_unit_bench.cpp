// lif_update_unit_bench [--vectors N] [--seed S]: the cross-check bench at any length; prints
// vectors per second; exit 1 and the first mismatch if the RTL and the model differ.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "Vlif_update_unit.h"
#include "testbench/rtl/lif_bench.h"

int main(int argc, char** argv) {
  uint64_t vectors = 10000000, seed = 1;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--vectors") && i + 1 < argc) vectors = std::strtoull(argv[++i], nullptr, 10);
    else if (!std::strcmp(argv[i], "--seed") && i + 1 < argc) seed = std::strtoull(argv[++i], nullptr, 10);
    else {
      std::fprintf(stderr, "usage: %s [--vectors N] [--seed S]\n", argv[0]);
      return 2;
    }
  }
  Vlif_update_unit dut;
  const auto t0 = std::chrono::steady_clock::now();
  const auto r = neuromesh::testkit::run_bench(dut, vectors, seed);
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  dut.final();
  std::printf("%llu vectors in %llu cycles, %.3f s: %.3g vectors/s; %s\n",
              (unsigned long long)r.vectors, (unsigned long long)r.cycles, s, double(r.vectors) / s,
              r.ok ? "no mismatch" : r.mismatch.c_str());
  return r.ok ? 0 : 1;
}
