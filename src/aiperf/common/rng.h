// Seeded random streams (spec §4.1, DESIGN §4): one root seed derives an independent stream
// per concern, so enabling one feature never shifts another's random numbers. Our own PRNG and
// samplers: std distributions differ between library versions.
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace aiperf {

/// A small fast PRNG (xoshiro256**) with the samplers the project needs. Not thread-safe: one
/// per consumer. The sequence for a seed is fixed by this file alone (no std distributions), so
/// it is the same on every platform and library version. Invalid arguments (n <= 0, rate <= 0,
/// shape or scale <= 0) throw std::invalid_argument.
class Rng {
 public:
  explicit Rng(uint64_t seed);  // state = splitmix64(seed) x 4
  uint64_t next_u64();
  double uniform01();            // [0, 1), 53 random bits
  int64_t randrange(int64_t n);  // [0, n), n > 0, unbiased (Lemire)
  double standard_normal();      // N(0, 1), Marsaglia polar (caches the pair)
  double normal(double mean, double stddev);
  double exponential(double rate);           // mean 1/rate
  double gamma(double shape, double scale);  // Marsaglia-Tsang (any shape > 0); mean shape*scale

  /// Fisher-Yates shuffle of [first, last) with randrange draws.
  template <class RandomIt>
  void shuffle(RandomIt first, RandomIt last) {
    for (auto n = last - first; n > 1; --n) {
      auto j = randrange(int64_t(n));
      std::iter_swap(first + (n - 1), first + j);
    }
  }

 private:
  uint64_t s_[4];
  bool has_spare_ = false;
  double spare_ = 0.0;
};

class RngManager {
 public:
  /// Unseeded (nullopt) draws the root from OS entropy (63 bits, so it fits --random-seed).
  explicit RngManager(std::optional<uint64_t> root_seed);
  /// child seed = first 8 bytes (big-endian) of SHA-256("<root>:<identifier>").
  Rng derive(std::string_view identifier) const;
  uint64_t derive_seed(std::string_view identifier) const;
  uint64_t root() const { return root_; }
  bool seeded() const { return seeded_; }

 private:
  uint64_t root_;
  bool seeded_;
};

/// spec §4.1: stddev <= 0 -> max(1, round(mean)); else draw until >= 0 (10000 tries, then
/// mean) and return max(1, ceil(x)).
int64_t sample_positive_normal_integer(Rng& rng, double mean, double stddev);

/// Fill `buf` from the OS entropy pool (getrandom). Throws std::runtime_error on failure.
void os_entropy(void* buf, size_t len);

/// A random (version 4) UUID from OS entropy, lower-case hex "xxxxxxxx-xxxx-4xxx-yxxx-...".
std::string random_uuid4();

}  // namespace aiperf
