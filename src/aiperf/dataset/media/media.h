// Synthetic media for multimodal turns (spec §4.7): images (noise, built-in assets or a user
// directory; PNG / JPEG), audio (Gaussian noise; WAV / MP3) and video (drawn frames encoded by
// the ffmpeg program). Private to the dataset stage (synthetic.cpp) and its tests.
//
// Each generator draws from its own named random streams (spec §4.1): dataset.image.dimensions,
// .format, .noise, .source; dataset.audio.duration, .format, .data; dataset.video.noise, .audio.
// Generators are not thread-safe; results depend only on the seed and the call order.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "aiperf/common/rng.h"
#include "aiperf/config/config.h"
#include "aiperf/dataset/dataset.h"

namespace aiperf::dataset::media {

/// A media string from a dataset file (spec §4.5), as AIPerf converts it: data URLs, audio already
/// written "<wav|mp3>,<base64>" and URLs with a scheme and a host stay as they are; anything else
/// is a local file path (relative to the working directory). An existing file is read and
/// inlined: images (PNG or JPEG, by signature) as `data:image/<png|jpeg>;base64,...` with the
/// file's own bytes, audio (.wav, .mp3) as "<wav|mp3>,<base64>", video (.mp4, .webm) as
/// `data:video/<fmt>;base64,...`; a path naming no file is left as written. Throws
/// aiperf::InputError naming the file for an unsupported format or a read error.
void inline_media_file(MediaItem& item);

/// Standard base64 (RFC 4648, with padding, no line breaks).
std::string base64_encode(std::string_view bytes);

/// An 8-bit RGB picture, rows top to bottom, 3 bytes per pixel.
struct RgbImage {
  int width = 0;
  int height = 0;
  std::vector<uint8_t> pixels;  // width * height * 3
};

std::string encode_png(const RgbImage& img);
/// JPEG at `quality` with 4:4:4 sampling (AIPerf saves JPEG at quality 85, subsampling 0).
std::string encode_jpeg(const RgbImage& img, int quality = 85);
/// Decodes a PNG or JPEG file's bytes (by signature) to RGB (alpha dropped, grey expanded,
/// 16-bit reduced). Throws aiperf::InputError naming `what` when the bytes are not a readable
/// image.
RgbImage decode_image(std::string_view bytes, const std::string& what);
/// Bilinear resampling to w x h (pixel centres aligned; no antialiasing filter when shrinking).
RgbImage resize_bilinear(const RgbImage& src, int w, int h);

/// The built-in source images (data/images/*.jpg, linked into the binary), in name order.
std::vector<std::string_view> builtin_image_assets();

/// One image with every random choice made: format, size, and either its noise pixels or the
/// source picture to resize. Encoding it needs no randomness.
struct ImageJob {
  bool png = true;
  int width = 0;
  int height = 0;
  RgbImage pixels;                   // noise: the drawn pixels
  const RgbImage* source = nullptr;  // assets / directory: owned by the generator
};

/// Synthetic images: `data:image/<png|jpeg>;base64,...`. The constructor lists (and for assets
/// decodes) the sources; throws ConfigError for an unusable --image-source.
class ImageGenerator {
 public:
  ImageGenerator(const config::Config& cfg, const RngManager& rngs);
  ~ImageGenerator();
  /// encode(draw()).
  std::string generate();
  /// The next image's random draws, in stream order (not thread-safe).
  ImageJob draw();
  /// The data URL of a drawn image: resize (sources) and PNG/JPEG encoding. Thread-safe; may
  /// run on many threads at once while the generator that drew the job is alive.
  static std::string encode(const ImageJob& job);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// PCM WAV file bytes: `samples` interleaved, already scaled to the signed range of
/// `depth_bits` (8-bit data is written unsigned with an offset of 128, as WAV requires).
std::string encode_wav(const std::vector<int32_t>& samples, int sample_rate_hz, int depth_bits,
                       int channels);
/// MP3 file bytes (LAME defaults, constant bit rate, no Xing/Info frame) from 16-bit samples.
std::string encode_mp3(const std::vector<int16_t>& samples, int sample_rate_hz, int channels);

/// Synthetic audio: `"<wav|mp3>,<base64>"` (the dataset's audio content form).
class AudioGenerator {
 public:
  AudioGenerator(const config::Config& cfg, const RngManager& rngs);
  std::string generate();

 private:
  const config::Config& cfg_;
  Rng duration_rng_;
  Rng format_rng_;
  Rng data_rng_;
};

/// One video with every random choice made: its frames and its audio track (WAV bytes, empty
/// without --video-audio-num-channels).
struct VideoJob {
  std::vector<RgbImage> frames;
  std::string wav;
};

/// Synthetic video: `data:video/<webm|mp4>;base64,...`, or "" when duration x fps gives no
/// frame. Runs the ffmpeg program; throws std::runtime_error with ffmpeg's message when it
/// fails.
class VideoGenerator {
 public:
  VideoGenerator(const config::Config& cfg, const RngManager& rngs);
  /// encode(draw()).
  std::string generate();
  /// The next video's frames and audio track, in stream order (not thread-safe).
  VideoJob draw();
  /// Encodes a drawn video with ffmpeg. Thread-safe (one ffmpeg process per call).
  std::string encode(const VideoJob& job) const;
  /// The frames generate() encodes (frame count = int(duration x fps)), for tests.
  std::vector<RgbImage> frames();

 private:
  const config::Config& cfg_;
  Rng noise_rng_;
  Rng audio_rng_;
};

}  // namespace aiperf::dataset::media
