// Deterministic hashing and a tiny PRNG for the mock server: fault selection, output lengths,
// jitter and embeddings all derive from (--random-seed, request number or prompt hash), so a run
// with the same seed and the same requests behaves the same. Not thread-safe per instance.
#pragma once
#include <cmath>
#include <cstdint>
#include <string_view>

namespace aiperf::mock {

inline uint64_t splitmix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

/// FNV-1a 64 over bytes (stable across platforms and runs).
inline uint64_t fnv1a64(std::string_view s, uint64_t h = 0xcbf29ce484222325ULL) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

/// Uniform [0, 1) from a 64-bit hash.
inline double unit_from_hash(uint64_t h) {
  return double(h >> 11) * 0x1.0p-53;
}

class MockRng {
 public:
  explicit MockRng(uint64_t seed) : state_(seed) {}
  uint64_t next() { return splitmix64(state_++); }
  double uniform01() { return unit_from_hash(next()); }
  /// Standard normal (Box-Muller; one value per call, simplicity over speed: cold path).
  double normal() {
    double u1 = uniform01();
    double u2 = uniform01();
    if (u1 < 1e-300) u1 = 1e-300;
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
  /// Log-normal with mean 1 and coefficient of variation `cv` (cv <= 0 -> 1).
  double lognormal_mean1(double cv) {
    if (cv <= 0.0) return 1.0;
    double sigma2 = std::log1p(cv * cv);
    return std::exp(-0.5 * sigma2 + std::sqrt(sigma2) * normal());
  }

 private:
  uint64_t state_;
};

}  // namespace aiperf::mock
