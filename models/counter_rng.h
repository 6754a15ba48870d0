// Counter-based pseudo-random draws: a value is a pure function of (seed, population, neuron,
// step, purpose, index), so it does not depend on which core a neuron sits on, on how many
// neurons share a core, or on the order in which cores are evaluated. The stochastic TrueNorth
// modes draw from it (docs/models.md, "Random numbers"). The mixing function is a chain of
// splitmix64 finalisers, cheap in C++ and in RTL (three multiplies and shifts per word).
#pragma once

#include <cstdint>

namespace neuromesh::models {

// What a draw is for; part of the key, so the streams of different purposes never overlap.
enum class DrawPurpose : uint32_t { threshold = 1, leak = 2, synapse = 3, mismatch = 4, noise = 5 };

inline uint64_t mix64(uint64_t z) {
  z += 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

struct CounterRng {
  uint64_t seed = 0;
  uint32_t population = 0;

  // 64 random bits for neuron `neuron` (index in its population) at step `step`.
  uint64_t bits(uint32_t neuron, uint64_t step, DrawPurpose purpose, uint32_t index = 0) const {
    uint64_t h = mix64(seed ^ (uint64_t(population) << 32 | neuron));
    h = mix64(h ^ step);
    return mix64(h ^ (uint64_t(purpose) << 32 | index));
  }
  // A uniform 8-bit draw (0..255), the width of TrueNorth's pseudo-random number.
  uint32_t byte(uint32_t neuron, uint64_t step, DrawPurpose purpose, uint32_t index = 0) const {
    return uint32_t(bits(neuron, step, purpose, index) >> 56);
  }
};

// A standard normal draw (Box-Muller over two keyed 53-bit uniforms).
double normal_draw(const CounterRng& rng, uint32_t neuron, uint64_t step, DrawPurpose purpose,
                   uint32_t index = 0);
// An approximately normal draw from one keyed word: the sum of four 16-bit uniforms
// (Irwin-Hall, n = 4) scaled to unit variance; cheap enough for a draw per integration substep.
double fast_normal_draw(const CounterRng& rng, uint32_t neuron, uint64_t step, DrawPurpose purpose);

}  // namespace neuromesh::models
