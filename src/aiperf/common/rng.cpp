#include "aiperf/common/rng.h"

#include <openssl/sha.h>
#include <sys/random.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <string>

namespace aiperf {

namespace {

uint64_t rotl(uint64_t x, int k) {
  return (x << k) | (x >> (64 - k));
}

// splitmix64 expands one 64-bit seed into xoshiro's 256-bit state (the authors' recommendation);
// it never yields the all-zero state xoshiro must avoid.
uint64_t splitmix64(uint64_t& x) {
  uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

constexpr double kTwoPow53Inv = 1.0 / 9007199254740992.0;  // 2^-53

}  // namespace

void os_entropy(void* buf, size_t len) {
  auto* p = static_cast<unsigned char*>(buf);
  while (len > 0) {
    ssize_t got = getrandom(p, len, 0);
    if (got < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error("getrandom failed: cannot read OS entropy");
    }
    p += got;
    len -= size_t(got);
  }
}

std::string random_uuid4() {
  unsigned char b[16];
  os_entropy(b, sizeof b);
  b[6] = (b[6] & 0x0f) | 0x40;  // version 4
  b[8] = (b[8] & 0x3f) | 0x80;  // RFC 4122 variant
  char out[37];
  std::snprintf(out, sizeof out,
                "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
                b[15]);
  return out;
}

Rng::Rng(uint64_t seed) {
  uint64_t x = seed;
  for (auto& s : s_) s = splitmix64(x);
}

uint64_t Rng::next_u64() {
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

double Rng::uniform01() {
  return double(next_u64() >> 11) * kTwoPow53Inv;
}

int64_t Rng::randrange(int64_t n) {
  if (n <= 0) throw std::invalid_argument("Rng::randrange: n must be > 0");
  // Lemire's multiply-and-reject: unbiased, one multiplication in the common case.
  const uint64_t range = uint64_t(n);
  unsigned __int128 m = (unsigned __int128)next_u64() * range;
  uint64_t low = uint64_t(m);
  if (low < range) {
    const uint64_t threshold = (0 - range) % range;  // 2^64 mod range
    while (low < threshold) {
      m = (unsigned __int128)next_u64() * range;
      low = uint64_t(m);
    }
  }
  return int64_t(m >> 64);
}

double Rng::standard_normal() {
  if (has_spare_) {
    has_spare_ = false;
    return spare_;
  }
  // Marsaglia's polar method: two independent N(0,1) per accepted pair; keep one for later.
  double u, v, s;
  do {
    u = 2.0 * uniform01() - 1.0;
    v = 2.0 * uniform01() - 1.0;
    s = u * u + v * v;
  } while (s >= 1.0 || s == 0.0);
  const double f = std::sqrt(-2.0 * std::log(s) / s);
  spare_ = v * f;
  has_spare_ = true;
  return u * f;
}

double Rng::normal(double mean, double stddev) {
  return mean + stddev * standard_normal();
}

double Rng::exponential(double rate) {
  if (!(rate > 0.0)) throw std::invalid_argument("Rng::exponential: rate must be > 0");
  // 1 - u is in (0, 1], so the log is finite.
  return -std::log(1.0 - uniform01()) / rate;
}

double Rng::gamma(double shape, double scale) {
  if (!(shape > 0.0) || !(scale > 0.0)) {
    throw std::invalid_argument("Rng::gamma: shape and scale must be > 0");
  }
  if (shape < 1.0) {
    // Gamma(k) = Gamma(k + 1) * U^(1/k) for k < 1 (Marsaglia-Tsang's boost).
    double u = 1.0 - uniform01();  // (0, 1]
    return gamma(shape + 1.0, scale) * std::pow(u, 1.0 / shape);
  }
  const double d = shape - 1.0 / 3.0;
  const double c = 1.0 / std::sqrt(9.0 * d);
  for (;;) {
    double x, v;
    do {
      x = standard_normal();
      v = 1.0 + c * x;
    } while (v <= 0.0);
    v = v * v * v;
    const double u = 1.0 - uniform01();  // (0, 1]
    const double x2 = x * x;
    if (u < 1.0 - 0.0331 * x2 * x2) return d * v * scale;
    if (std::log(u) < 0.5 * x2 + d * (1.0 - v + std::log(v))) return d * v * scale;
  }
}

RngManager::RngManager(std::optional<uint64_t> root_seed)
    : root_(0), seeded_(root_seed.has_value()) {
  if (root_seed) {
    root_ = *root_seed;
  } else {
    os_entropy(&root_, sizeof root_);
    root_ &= 0x7fff'ffff'ffff'ffffULL;  // reproducible: --random-seed takes 0..2^63-1
  }
}

uint64_t RngManager::derive_seed(std::string_view identifier) const {
  std::string msg = std::to_string(root_);
  msg += ':';
  msg.append(identifier);
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(msg.data()), msg.size(), digest);
  uint64_t seed = 0;
  for (int i = 0; i < 8; ++i) seed = (seed << 8) | digest[i];  // big-endian
  return seed;
}

Rng RngManager::derive(std::string_view identifier) const {
  return Rng(derive_seed(identifier));
}

int64_t sample_positive_normal_integer(Rng& rng, double mean, double stddev) {
  if (stddev <= 0.0) return std::max<int64_t>(1, int64_t(std::nearbyint(mean)));
  for (int i = 0; i < 10000; ++i) {
    const double x = rng.normal(mean, stddev);
    if (x >= 0.0) return std::max<int64_t>(1, int64_t(std::ceil(x)));
  }
  return std::max<int64_t>(1, int64_t(std::nearbyint(mean)));
}

}  // namespace aiperf
