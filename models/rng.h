// Deterministic pseudo-random numbers for network generation and Poisson inputs: the same seed
// gives the same stream on every platform (no std:: distributions, whose output is unspecified).
#pragma once

#include <cmath>
#include <cstdint>
#include <string>

namespace neuromesh::models {

inline uint64_t splitmix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// Derives an independent seed from a base seed and a name (FNV-1a of the name, mixed).
inline uint64_t derive_seed(uint64_t base, const std::string& name) {
  uint64_t h = 0xCBF29CE484222325ULL;
  for (unsigned char c : name) h = (h ^ c) * 0x100000001B3ULL;
  uint64_t s = base ^ h;
  return splitmix64(s);
}

// xoshiro256** (Blackman and Vigna), seeded through splitmix64.
class Rng {
 public:
  explicit Rng(uint64_t seed) {
    for (auto& w : s_) w = splitmix64(seed);
  }
  uint64_t next() {
    const uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  // Uniform in [0, 1) with 53 random bits.
  double uniform() { return double(next() >> 11) * 0x1.0p-53; }
  // Uniform integer in [lo, hi] (inclusive), by 128-bit multiply (Lemire), without rejection:
  // the bias is below 2^-32 for every range this project uses.
  int64_t range(int64_t lo, int64_t hi) {
    const uint64_t span = uint64_t(hi - lo) + 1;
    const unsigned __int128 m = (unsigned __int128)next() * span;
    return lo + int64_t(uint64_t(m >> 64));
  }
  // Bernoulli(p) by comparing 53-bit uniforms; p >= 1 is always true.
  bool chance(double p) { return uniform() < p; }
  // Number of failures before the next success of Bernoulli(p), 0 < p < 1 (p <= 0: never).
  uint64_t geometric(double p) {
    if (p <= 0.0) return UINT64_MAX;
    const double u = 1.0 - uniform();  // (0, 1]
    const double g = std::floor(std::log(u) / std::log1p(-p));
    return g >= 1.8e19 ? UINT64_MAX : uint64_t(g);
  }

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

}  // namespace neuromesh::models
