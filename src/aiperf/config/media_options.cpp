// The synthetic-media rows of the `aiperf profile` option table (spec §1.3 "Audio Input",
// "Image Input", "Video Input") and their cross-option rules (spec §1.4, AIPerf's image / audio /
// video config validators). Names, aliases, defaults and messages are AIPerf's; help texts are
// our own words.
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "aiperf/common/env.h"
#include "aiperf/common/error.h"
#include "aiperf/config/option_rows.h"
#include "aiperf/config/value_parsers.h"

namespace aiperf::config::detail {
namespace {

[[noreturn]] void fail(std::string_view flag, const std::string& what) {
  throw ConfigError(std::string(flag) + ": " + what);
}

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

/// AIPerf's parse_str_or_list_of_positive_values: every value given (space- or comma-separated)
/// must be a number > 0.
std::vector<double> positive_list(std::string_view flag, const std::vector<std::string>& values) {
  std::vector<double> out;
  for (const auto& v : values) {
    for (const auto& item : split_comma_list(flag, v)) {
      out.push_back(parse_number(flag, item, 0, true));
    }
  }
  if (out.empty()) fail(flag, "needs at least one value");
  return out;
}

constexpr int64_t kMp3Rates[] = {8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000};

bool is_bit_depth(int64_t d) {
  return d == 8 || d == 16 || d == 24 || d == 32;
}

}  // namespace

bool is_image_file_name(const std::string& name) {
  std::string ext = std::filesystem::path(name).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return char(std::tolower(c)); });
  // Formats we can decode (libpng, libjpeg), with their usual extensions.
  return ext == ".png" || ext == ".jpg" || ext == ".jpeg" || ext == ".jpe" || ext == ".jfif";
}

std::vector<OptionSpec> media_options() {
  return {
      // ---------------------------------------------------------------- Audio Input
      {{"--audio-batch-size", "--batch-size-audio"},
       ValueKind::kValue,
       "<int>",
       "1",
       "Audio Input",
       "Synthetic audio clips per turn (chat). 0 disables audio. Must be >= 0.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.audio_batch_size = parse_int_at_least(flag, one(values), 0);
       }},
      {{"--audio-length-mean"},
       ValueKind::kValue,
       "<seconds>",
       "0.0",
       "Audio Input",
       "Mean length of the synthetic audio clips (Gaussian noise), in seconds; 0 disables audio, "
       "otherwise it must be >= 0.01.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.audio_length_mean_s = parse_number(flag, one(values), 0, false);
       }},
      {{"--audio-length-stddev"},
       ValueKind::kValue,
       "<seconds>",
       "0.0",
       "Audio Input",
       "Standard deviation of the audio length, in seconds (lengths below 0.01 s are redrawn). "
       "Must be >= 0.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.audio_length_stddev_s = parse_number(flag, one(values), 0, false);
       }},
      {{"--audio-format"},
       ValueKind::kValue,
       "wav|mp3",
       "wav",
       "Audio Input",
       "Container of the synthetic audio: wav (PCM) or mp3 (LAME; sample rates 8, 11.025, 12, "
       "16, 22.05, 24, 32, 44.1 or 48 kHz only).",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.audio_format =
             choose(flag, one(values), {"wav", "mp3"}) == 0 ? AudioFormat::kWav : AudioFormat::kMp3;
       }},
      {{"--audio-depths"},
       ValueKind::kValue,
       "<bits>[,<bits>...]",
       "16",
       "Audio Input",
       "Bit depths to pick from at random for each clip: 8, 16, 24 or 32 (WAV sample width).",
       kRepeat,
       kMulti,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.audio_depths.clear();
         for (double d : positive_list(flag, values)) {
           if (d != std::floor(d)) fail(flag, "bit depths are whole numbers (got " + num(d) + ")");
           if (!is_bit_depth(int64_t(d))) {
             fail(flag, "Unsupported bit depth: " + num(d) +
                            ". Supported bit depths are: [8, 16, 24, 32]");
           }
           st.cfg.audio_depths.push_back(int64_t(d));
         }
       }},
      {{"--audio-sample-rates"},
       ValueKind::kValue,
       "<kHz>[,<kHz>...]",
       "16.0",
       "Audio Input",
       "Sample rates to pick from at random for each clip, in kHz (values above 96 are taken "
       "as Hz).",
       kRepeat,
       kMulti,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.audio_sample_rates_khz.clear();
         for (double r : positive_list(flag, values)) {
           st.cfg.audio_sample_rates_khz.push_back(r > 96 ? r / 1000.0 : r);
         }
       }},
      {{"--audio-num-channels"},
       ValueKind::kValue,
       "1|2",
       "1",
       "Audio Input",
       "Channels of the synthetic audio: 1 (mono) or 2 (stereo).",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         const int64_t n = parse_int_at_least(flag, one(values), 1);
         if (n > 2) fail(flag, "must be 1 or 2 (got " + std::to_string(n) + ")");
         st.cfg.audio_num_channels = n;
       }},
      // ---------------------------------------------------------------- Image Input
      {{"--image-width-mean"},
       ValueKind::kValue,
       "<px>",
       "0.0",
       "Image Input",
       "Mean width of the synthetic images, in pixels. Images are sent only when both the width "
       "and the height mean are > 0.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.image_width_mean = parse_number(flag, one(values), 0, false);
       }},
      {{"--image-width-stddev"},
       ValueKind::kValue,
       "<px>",
       "0.0",
       "Image Input",
       "Standard deviation of the image width, in pixels. Must be >= 0.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.image_width_stddev = parse_number(flag, one(values), 0, false);
       }},
      {{"--image-height-mean"},
       ValueKind::kValue,
       "<px>",
       "0.0",
       "Image Input",
       "Mean height of the synthetic images, in pixels.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.image_height_mean = parse_number(flag, one(values), 0, false);
       }},
      {{"--image-height-stddev"},
       ValueKind::kValue,
       "<px>",
       "0.0",
       "Image Input",
       "Standard deviation of the image height, in pixels. Must be >= 0.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.image_height_stddev = parse_number(flag, one(values), 0, false);
       }},
      {{"--image-batch-size", "--batch-size-image"},
       ValueKind::kValue,
       "<int>",
       "1",
       "Image Input",
       "Synthetic images per turn (chat). 0 disables images. Must be >= 0.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.image_batch_size = parse_int_at_least(flag, one(values), 0);
       }},
      {{"--image-format"},
       ValueKind::kValue,
       "png|jpeg|random",
       "png",
       "Image Input",
       "Encoding of the synthetic images; random picks png or jpeg for each image.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         static constexpr ImageFormat kF[] = {ImageFormat::kPng, ImageFormat::kJpeg,
                                              ImageFormat::kRandom};
         st.cfg.image_format = kF[choose(flag, one(values), {"png", "jpeg", "random"})];
       }},
      {{"--image-source"},
       ValueKind::kValue,
       "noise|assets|<dir>",
       "noise",
       "Image Input",
       "Where image pixels come from: noise (uniform random RGB), assets (four small pictures "
       "built into the program) or a directory of PNG/JPEG files, resized to the drawn size.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         if (one(values).empty()) fail(flag, "empty value (use noise, assets or a directory)");
         st.cfg.image_source = one(values);
       }},
      {{"--image-source-sampling"},
       ValueKind::kValue,
       "random-with-replacement|shuffle-cycle|sequential-cycle",
       "random-with-replacement",
       "Image Input",
       "How assets / directory images are picked: independently at random, each once per "
       "shuffled cycle, or in sorted order. noise allows only random-with-replacement.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         static constexpr ImageSourceSampling kS[] = {ImageSourceSampling::kRandomWithReplacement,
                                                      ImageSourceSampling::kShuffleCycle,
                                                      ImageSourceSampling::kSequentialCycle};
         st.cfg.image_source_sampling = kS[choose(
             flag, one(values), {"random-with-replacement", "shuffle-cycle", "sequential-cycle"})];
       }},
      // ---------------------------------------------------------------- Video Input
      {{"--video-batch-size", "--batch-size-video"},
       ValueKind::kValue,
       "<int>",
       "1",
       "Video Input",
       "Synthetic videos per turn (chat). 0 disables video. Must be >= 0.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.video_batch_size = parse_int_at_least(flag, one(values), 0);
       }},
      {{"--video-duration"},
       ValueKind::kValue,
       "<seconds>",
       "5.0",
       "Video Input",
       "Length of each synthetic video; frames = duration x fps. Must be >= 0.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.video_duration_s = parse_number(flag, one(values), 0, false);
       }},
      {{"--video-fps"},
       ValueKind::kValue,
       "<int>",
       "4",
       "Video Input",
       "Frames per second of the synthetic videos. Must be >= 1.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.video_fps = parse_int_at_least(flag, one(values), 1);
       }},
      {{"--video-width"},
       ValueKind::kValue,
       "<px>",
       "",
       "Video Input",
       "Frame width of the synthetic videos; with --video-height it turns video on. Needs the "
       "ffmpeg program. Must be >= 1.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.video_width = parse_int_at_least(flag, one(values), 1);
       }},
      {{"--video-height"},
       ValueKind::kValue,
       "<px>",
       "",
       "Video Input",
       "Frame height of the synthetic videos (both or neither with --video-width). Must be >= 1.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.video_height = parse_int_at_least(flag, one(values), 1);
       }},
      {{"--video-synth-type"},
       ValueKind::kValue,
       "moving_shapes|grid_clock|noise",
       "moving_shapes",
       "Video Input",
       "What the frames show: moving coloured shapes, a grid with a clock hand, or random "
       "pixels.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         static constexpr VideoSynthType kT[] = {
             VideoSynthType::kMovingShapes, VideoSynthType::kGridClock, VideoSynthType::kNoise};
         st.cfg.video_synth_type =
             kT[choose(flag, one(values), {"moving_shapes", "grid_clock", "noise"})];
       }},
      {{"--video-format"},
       ValueKind::kValue,
       "webm|mp4",
       "webm",
       "Video Input",
       "Container of the synthetic videos.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.video_format = choose(flag, one(values), {"webm", "mp4"}) == 0 ? VideoFormat::kWebm
                                                                               : VideoFormat::kMp4;
       }},
      {{"--video-codec"},
       ValueKind::kValue,
       "<ffmpeg encoder>",
       "libvpx-vp9",
       "Video Input",
       "ffmpeg video encoder, e.g. libvpx-vp9, libx264, libx265, h264_nvenc.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         if (one(values).empty() || one(values)[0] == '-') {
           fail(flag, "expected an ffmpeg encoder name (got '" + one(values) + "')");
         }
         st.cfg.video_codec = one(values);
       }},
      {{"--video-audio-sample-rate"},
       ValueKind::kValue,
       "<Hz>",
       "44100",
       "Video Input",
       "Sample rate of the video's audio track, in Hz (values up to 1000 are taken as kHz). "
       "Must be in 8..96000.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         const double r = parse_number(flag, one(values), 8, false);
         if (r > 96000) fail(flag, "must be <= 96000 (got " + num(r) + ")");
         st.cfg.video_audio_sample_rate = r;
       }},
      {{"--video-audio-num-channels"},
       ValueKind::kValue,
       "0|1|2",
       "0",
       "Video Input",
       "Channels of a Gaussian-noise audio track muxed into each video; 0 = no audio track.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         const int64_t n = parse_int_at_least(flag, one(values), 0);
         if (n > 2) fail(flag, "must be 0, 1 or 2 (got " + std::to_string(n) + ")");
         st.cfg.video_audio_num_channels = n;
       }},
      {{"--video-audio-codec"},
       ValueKind::kValue,
       "aac|libvorbis|libopus",
       "aac for mp4, libvorbis for webm",
       "Video Input",
       "Encoder of the video's audio track.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         static constexpr const char* kC[] = {"aac", "libvorbis", "libopus"};
         st.cfg.video_audio_codec = kC[choose(flag, one(values), {"aac", "libvorbis", "libopus"})];
       }},
      {{"--video-audio-depth"},
       ValueKind::kValue,
       "8|16|24|32",
       "16",
       "Video Input",
       "Bit depth of the video's audio track before encoding.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         const int64_t d = parse_int_at_least(flag, one(values), 1);
         if (!is_bit_depth(d)) {
           fail(flag, "must be one of 8, 16, 24, 32 (got " + std::to_string(d) + ")");
         }
         st.cfg.video_audio_depth = d;
       }},
  };
}

std::optional<std::string> find_program(const std::string& name) {
  const auto path = env::raw("PATH");
  if (!path) return std::nullopt;
  std::string_view rest(*path);
  while (true) {
    const size_t colon = rest.find(':');
    const std::string_view dir = rest.substr(0, colon);
    const std::filesystem::path candidate =
        std::filesystem::path(dir.empty() ? std::string_view(".") : dir) / name;
    std::error_code ec;
    if (::access(candidate.c_str(), X_OK) == 0 && !std::filesystem::is_directory(candidate, ec)) {
      return candidate.string();
    }
    if (colon == std::string_view::npos) break;
    rest.remove_prefix(colon + 1);
  }
  return std::nullopt;
}

void resolve_media(ParseState& st) {
  Config& c = st.cfg;
  auto name = [&](const char* primary) {
    for (const auto& [p, typed] : st.typed) {
      if (p == primary) return typed;
    }
    return std::string(primary);
  };

  // Images (AIPerf's image config validators).
  if (!c.images_enabled() && c.image_batch_size != 0 &&
      (c.image_width_mean != 0 || c.image_width_stddev != 0 || c.image_height_mean != 0 ||
       c.image_height_stddev != 0)) {
    throw ConfigError(
        "Image generation is disabled but image dimension options were provided. Please set "
        "`--image-batch-size`, `--image-width-mean`, and `--image-height-mean` to enable image "
        "generation.");
  }
  const bool noise = c.image_source == "noise";
  if (noise && c.image_source_sampling != ImageSourceSampling::kRandomWithReplacement) {
    throw ConfigError(name("--image-source-sampling") +
                      ": images.source_sampling requires image source 'assets' or a directory "
                      "path unless it is 'random-with-replacement'; noise has no finite source "
                      "pool");
  }
  if (c.images_enabled() && !noise && c.image_source != "assets" && !c.input_file &&
      !c.public_dataset) {
    const std::filesystem::path dir(c.image_source);
    std::error_code ec;
    const std::string flag = name("--image-source");
    if (!std::filesystem::exists(dir, ec)) {
      throw ConfigError(flag + ": The directory '" + c.image_source +
                        "' does not exist. (Use noise, assets or a directory of images.)");
    }
    if (!std::filesystem::is_directory(dir, ec)) {
      throw ConfigError(flag + ": The path '" + c.image_source + "' is not a directory.");
    }
    bool any = false;
    for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
      if (e.is_regular_file(ec) && is_image_file_name(e.path().filename().string())) {
        any = true;
        break;
      }
    }
    if (!any) {
      throw ConfigError(flag + ": No source images found in '" + c.image_source +
                        "'. Please ensure the directory contains at least one image file "
                        "(.png, .jpg, .jpeg).");
    }
  }

  // Audio (AIPerf's audio config validator and generator checks, moved before the run).
  if (!c.audio_enabled() &&
      (st.given("--audio-length-mean") || st.given("--audio-length-stddev"))) {
    throw ConfigError(
        "Audio generation is disabled but audio options were provided. Please set "
        "`--audio-batch-size` and `--audio-length-mean` to enable audio generation.");
  }
  if (c.audio_enabled()) {
    if (c.audio_length_mean_s < 0.01) {
      throw ConfigError(name("--audio-length-mean") +
                        ": Audio length must be greater than 0.01 seconds (got " +
                        num(c.audio_length_mean_s) + ")");
    }
    if (c.audio_format == AudioFormat::kMp3) {
      for (double khz : c.audio_sample_rates_khz) {
        const int64_t hz = std::llround(khz * 1000.0);
        if (std::find(std::begin(kMp3Rates), std::end(kMp3Rates), hz) == std::end(kMp3Rates)) {
          throw ConfigError(name("--audio-sample-rates") +
                            ": MP3 format only supports the following sample rates (in Hz): "
                            "[8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000]. Got " +
                            std::to_string(hz) +
                            " Hz. Please choose a supported rate from the list.");
        }
      }
    }
  }

  // Video (AIPerf's video config validators).
  if (c.video_width && !c.video_height) {
    throw ConfigError(name("--video-width") +
                      ": Width is specified but height is not; pass --video-height too");
  }
  if (c.video_height && !c.video_width) {
    throw ConfigError(name("--video-height") +
                      ": Height is specified but width is not; pass --video-width too");
  }
  if (c.video_audio_codec && c.video_audio_num_channels == 0) {
    throw ConfigError("--video-audio-codec '" + *c.video_audio_codec +
                      "' is set but --video-audio-num-channels is 0 (audio disabled). Set "
                      "--video-audio-num-channels to 1 or 2 to enable audio.");
  }
  if (!c.input_file && !c.public_dataset && c.isl_mean == 0 && !c.seq_dist && !c.images_enabled() &&
      !c.audio_enabled() && !c.video_enabled()) {
    throw ConfigError(name("--prompt-input-tokens-mean") +
                      " 0: All synthetic data are disabled. Please enable at least one of prompt, "
                      "image, audio, or video by setting the mean to a positive value.");
  }
  if (!c.input_file && !c.public_dataset) {
    const EndpointMedia em = endpoint_media(c.endpoint_type);
    std::string dropped;
    auto note = [&dropped](bool on, bool supported, const char* what) {
      if (on && !supported) dropped += std::string(dropped.empty() ? "" : ", ") + what;
    };
    note(c.images_enabled(), em.images, "images");
    note(c.audio_enabled(), em.audio, "audio");
    note(c.video_enabled(), em.videos, "video");
    if (!dropped.empty()) {
      c.warnings.push_back("synthetic " + dropped + " cannot be sent by --endpoint-type " +
                           to_string(c.endpoint_type) + "; its requests carry the rest alone");
    }
  }
  if (c.video_enabled() && endpoint_media(c.endpoint_type).videos && !c.input_file &&
      !c.public_dataset && !find_program("ffmpeg")) {
    throw ConfigError(name("--video-width") +
                      ": synthetic video is encoded by the ffmpeg program, which is not on PATH; "
                      "install it (sudo apt-get install ffmpeg) or drop the --video-* flags");
  }
}

}  // namespace aiperf::config::detail
