// Synthetic audio (spec §4.7): Gaussian noise N(0, 0.3) clipped to [-1, 1], written as PCM WAV
// (8/16/24/32 bit) or MP3 (LAME). Content form "<wav|mp3>,<base64>".
#include <lame/lame.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "aiperf/dataset/media/media.h"

namespace aiperf::dataset::media {
namespace {

void put_le(std::string& out, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out += char((v >> (8 * i)) & 0xff);
}

/// Duration by rejection sampling: normal(mean, stddev) redrawn until >= 0.01 s (AIPerf's
/// sample_normal with lower=0.01); after 10,000 tries, the mean.
double sample_duration(Rng& rng, double mean, double stddev) {
  if (stddev <= 0) return std::max(0.01, mean);
  for (int i = 0; i < 10'000; ++i) {
    const double d = rng.normal(mean, stddev);
    if (d >= 0.01) return d;
  }
  return std::max(0.01, mean);
}

}  // namespace

std::string encode_wav(const std::vector<int32_t>& samples, int sample_rate_hz, int depth_bits,
                       int channels) {
  const int bytes_per_sample = depth_bits / 8;
  const uint64_t data_size = uint64_t(samples.size()) * uint64_t(bytes_per_sample);
  std::string out;
  out.reserve(44 + data_size);
  out += "RIFF";
  put_le(out, 36 + data_size, 4);
  out += "WAVEfmt ";
  put_le(out, 16, 4);  // PCM fmt chunk size
  put_le(out, 1, 2);   // WAVE_FORMAT_PCM
  put_le(out, uint64_t(channels), 2);
  put_le(out, uint64_t(sample_rate_hz), 4);
  put_le(out, uint64_t(sample_rate_hz) * uint64_t(channels * bytes_per_sample), 4);  // byte rate
  put_le(out, uint64_t(channels * bytes_per_sample), 2);                             // block align
  put_le(out, uint64_t(depth_bits), 2);
  out += "data";
  put_le(out, data_size, 4);
  for (int32_t s : samples) {
    if (depth_bits == 8) {
      out += char(uint8_t(s + 128));  // 8-bit WAV is unsigned
    } else {
      put_le(out, uint64_t(uint32_t(s)), bytes_per_sample);
    }
  }
  return out;
}

std::string encode_mp3(const std::vector<int16_t>& samples, int sample_rate_hz, int channels) {
  lame_global_flags* gf = lame_init();
  if (gf == nullptr) throw std::runtime_error("MP3 encoder (LAME) could not start");
  lame_set_in_samplerate(gf, sample_rate_hz);
  lame_set_out_samplerate(gf, sample_rate_hz);
  lame_set_num_channels(gf, channels);
  lame_set_mode(gf, channels == 1 ? MONO : JOINT_STEREO);
  lame_set_bWriteVbrTag(gf, 0);  // no Xing/Info frame: every frame carries audio
  lame_set_quality(gf, 5);
  if (lame_init_params(gf) < 0) {
    lame_close(gf);
    throw std::runtime_error("MP3 encoder (LAME) rejected " + std::to_string(sample_rate_hz) +
                             " Hz, " + std::to_string(channels) + " channel(s)");
  }
  const int frames = int(samples.size()) / channels;
  std::vector<unsigned char> buf(size_t(1.25 * frames) + 7200 + 16);
  int n = 0;
  if (channels == 1) {
    n = lame_encode_buffer(gf, samples.data(), samples.data(), frames, buf.data(), int(buf.size()));
  } else {
    n = lame_encode_buffer_interleaved(gf, const_cast<short*>(samples.data()), frames, buf.data(),
                                       int(buf.size()));
  }
  if (n < 0) {
    lame_close(gf);
    throw std::runtime_error("MP3 encoding failed (LAME error " + std::to_string(n) + ")");
  }
  std::string out(reinterpret_cast<const char*>(buf.data()), size_t(n));
  n = lame_encode_flush(gf, buf.data(), int(buf.size()));
  if (n > 0) out.append(reinterpret_cast<const char*>(buf.data()), size_t(n));
  lame_close(gf);
  return out;
}

AudioGenerator::AudioGenerator(const config::Config& cfg, const RngManager& rngs)
    : cfg_(cfg),
      duration_rng_(rngs.derive("dataset.audio.duration")),
      format_rng_(rngs.derive("dataset.audio.format")),
      data_rng_(rngs.derive("dataset.audio.data")) {}

std::string AudioGenerator::generate() {
  const double seconds =
      sample_duration(duration_rng_, cfg_.audio_length_mean_s, cfg_.audio_length_stddev_s);
  const auto& rates = cfg_.audio_sample_rates_khz;
  const auto& depths = cfg_.audio_depths;
  const int rate_hz =
      int(std::llround(rates[size_t(format_rng_.randrange(int64_t(rates.size())))] * 1000.0));
  const int depth = int(depths[size_t(format_rng_.randrange(int64_t(depths.size())))]);
  const int channels = int(cfg_.audio_num_channels);
  const size_t frames = size_t(seconds * rate_hz);
  const size_t n = frames * size_t(channels);

  const bool mp3 = cfg_.audio_format == config::AudioFormat::kMp3;
  // AIPerf scales 8-bit audio on the 16-bit range, then the writer keeps the high byte.
  const int scale_bits = (mp3 || depth == 8) ? 16 : depth;
  const double max_val = std::ldexp(1.0, scale_bits - 1) - 1.0;
  std::vector<int32_t> pcm(n);
  for (size_t i = 0; i < n; ++i) {
    const double x = std::clamp(data_rng_.normal(0.0, 0.3), -1.0, 1.0);
    pcm[i] = int32_t(x * max_val);  // truncation toward zero, as numpy's astype
  }
  std::string bytes;
  if (mp3) {
    std::vector<int16_t> s16(pcm.begin(), pcm.end());
    bytes = encode_mp3(s16, rate_hz, channels);
  } else {
    if (depth == 8) {
      for (int32_t& v : pcm) v >>= 8;  // high byte of the 16-bit value (libsndfile's PCM_U8)
    }
    bytes = encode_wav(pcm, rate_hz, depth, channels);
  }
  return std::string(mp3 ? "mp3," : "wav,") + base64_encode(bytes);
}

}  // namespace aiperf::dataset::media
