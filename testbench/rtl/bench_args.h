// The command line of the RTL cross-check benches (lif_update_unit_bench,
// truenorth_update_unit_bench): --vectors N --seed S --valid P --ready P, and where the bench
// writes a waveform, --vcd FILE --vcd-cycles N. A bad value or option exits 2 with a message.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace neuromesh::testkit {

struct BenchArgs {
  uint64_t vectors = 0, seed = 1, vcd_cycles = 200;
  double p_valid = 0.8, p_ready = 0.8;
  const char* vcd = nullptr;
};

inline BenchArgs parse_bench_args(int argc, char** argv, const char* name, uint64_t vectors,
                                  bool waveform) {
  BenchArgs a;
  a.vectors = vectors;
  for (int i = 1; i < argc; ++i) {
    auto num = [&](double lo, double hi) {
      char* end = nullptr;
      const double v = i + 1 < argc ? std::strtod(argv[++i], &end) : -1;
      if (!end || *end || v < lo || v > hi) {
        std::fprintf(stderr, "%s: %s expects a number in %g..%g\n", name, argv[i - 1], lo, hi);
        std::exit(2);
      }
      return v;
    };
    if (!std::strcmp(argv[i], "--vectors")) a.vectors = uint64_t(num(1, 1e12));
    else if (!std::strcmp(argv[i], "--seed")) a.seed = uint64_t(num(0, 1e18));
    else if (!std::strcmp(argv[i], "--valid")) a.p_valid = num(0.01, 1);
    else if (!std::strcmp(argv[i], "--ready")) a.p_ready = num(0.01, 1);
    else if (waveform && !std::strcmp(argv[i], "--vcd-cycles")) a.vcd_cycles = uint64_t(num(1, 1e9));
    else if (waveform && !std::strcmp(argv[i], "--vcd") && i + 1 < argc) a.vcd = argv[++i];
    else {
      std::fprintf(stderr, "usage: %s [--vectors N] [--seed S] [--valid P] [--ready P]%s\n", argv[0],
                   waveform ? " [--vcd FILE [--vcd-cycles N]]" : "");
      std::exit(2);
    }
  }
  return a;
}

}  // namespace neuromesh::testkit
