// Audio / Image / Video Input flags (spec §1.3) and their §1.4 rules: defaults, aliases, ranges,
// AIPerf's messages, the synthetic-only rule with --input-file, "all synthetic data disabled"
// and the missing-ffmpeg message.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "aiperf/common/error.h"
#include "aiperf/config/cli_options.h"

namespace aiperf::config {
namespace {

using Args = std::vector<std::string>;

Config parse(Args args) {
  args.insert(args.begin(), {"-m", "mock-model"});
  ParseEnv env;
  return parse_profile_args(args, env);
}

std::string error_of(Args args) {
  try {
    parse(std::move(args));
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

#define EXPECT_ERROR_HAS(args, text) \
  EXPECT_NE(error_of(args).find(text), std::string::npos) << error_of(args)

TEST(MediaOptions, DefaultsAreAiperfs) {
  Config c = parse({});
  EXPECT_EQ(c.image_width_mean, 0.0);
  EXPECT_EQ(c.image_batch_size, 1);
  EXPECT_EQ(c.image_format, ImageFormat::kPng);
  EXPECT_EQ(c.image_source, "noise");
  EXPECT_EQ(c.image_source_sampling, ImageSourceSampling::kRandomWithReplacement);
  EXPECT_EQ(c.audio_batch_size, 1);
  EXPECT_EQ(c.audio_length_mean_s, 0.0);
  EXPECT_EQ(c.audio_format, AudioFormat::kWav);
  EXPECT_EQ(c.audio_depths, std::vector<int64_t>{16});
  EXPECT_EQ(c.audio_sample_rates_khz, std::vector<double>{16.0});
  EXPECT_EQ(c.audio_num_channels, 1);
  EXPECT_EQ(c.video_batch_size, 1);
  EXPECT_EQ(c.video_duration_s, 5.0);
  EXPECT_EQ(c.video_fps, 4);
  EXPECT_FALSE(c.video_width.has_value());
  EXPECT_EQ(c.video_codec, "libvpx-vp9");
  EXPECT_EQ(c.video_format, VideoFormat::kWebm);
  EXPECT_EQ(c.video_synth_type, VideoSynthType::kMovingShapes);
  EXPECT_EQ(c.video_audio_sample_rate, 44100);
  EXPECT_EQ(c.video_audio_num_channels, 0);
  EXPECT_EQ(c.video_audio_depth, 16);
  EXPECT_FALSE(c.images_enabled());
  EXPECT_FALSE(c.audio_enabled());
  EXPECT_FALSE(c.video_enabled());
}

TEST(MediaOptions, ImagesAndAliases) {
  Config c = parse({"--image-width-mean", "64", "--image-height-mean", "48", "--image-width-stddev",
                    "4", "--batch-size-image", "3", "--image-format", "random", "--image-source",
                    "assets", "--image-source-sampling", "shuffle-cycle"});
  EXPECT_TRUE(c.images_enabled());
  EXPECT_EQ(c.image_width_mean, 64);
  EXPECT_EQ(c.image_height_mean, 48);
  EXPECT_EQ(c.image_width_stddev, 4);
  EXPECT_EQ(c.image_batch_size, 3);
  EXPECT_EQ(c.image_format, ImageFormat::kRandom);
  EXPECT_EQ(c.image_source, "assets");
  EXPECT_EQ(c.image_source_sampling, ImageSourceSampling::kShuffleCycle);
}

TEST(MediaOptions, AudioListsAndHz) {
  Config c = parse({"--audio-length-mean", "0.5", "--audio-depths", "8", "24",
                    "--audio-sample-rates", "44.1,48000", "--audio-num-channels", "2",
                    "--batch-size-audio", "2", "--audio-format", "mp3"});
  EXPECT_TRUE(c.audio_enabled());
  EXPECT_EQ(c.audio_depths, (std::vector<int64_t>{8, 24}));
  ASSERT_EQ(c.audio_sample_rates_khz.size(), 2u);
  EXPECT_DOUBLE_EQ(c.audio_sample_rates_khz[0], 44.1);
  EXPECT_DOUBLE_EQ(c.audio_sample_rates_khz[1], 48.0);  // > 96: Hz
  EXPECT_EQ(c.audio_num_channels, 2);
  EXPECT_EQ(c.audio_batch_size, 2);
  EXPECT_EQ(c.audio_format, AudioFormat::kMp3);
}

TEST(MediaOptions, RangesNameTheFlag) {
  EXPECT_ERROR_HAS(Args({"--image-width-mean", "-1"}), "--image-width-mean: must be >= 0");
  EXPECT_ERROR_HAS(Args({"--image-batch-size", "-1"}), "--image-batch-size: must be >= 0");
  EXPECT_ERROR_HAS(Args({"--image-format", "gif"}), "--image-format: invalid choice 'gif'");
  EXPECT_ERROR_HAS(Args({"--audio-num-channels", "3"}), "--audio-num-channels: must be 1 or 2");
  EXPECT_ERROR_HAS(Args({"--audio-depths", "12"}),
                   "--audio-depths: Unsupported bit depth: 12. Supported bit depths are: [8, 16, "
                   "24, 32]");
  EXPECT_ERROR_HAS(Args({"--audio-sample-rates", "0"}), "--audio-sample-rates: must be > 0");
  EXPECT_ERROR_HAS(Args({"--audio-format", "ogg"}), "--audio-format: invalid choice 'ogg'");
  EXPECT_ERROR_HAS(Args({"--video-fps", "0"}), "--video-fps: must be >= 1");
  EXPECT_ERROR_HAS(Args({"--video-width", "0"}), "--video-width: must be >= 1");
  EXPECT_ERROR_HAS(Args({"--video-audio-sample-rate", "100000"}),
                   "--video-audio-sample-rate: must be <= 96000");
  EXPECT_ERROR_HAS(Args({"--video-audio-num-channels", "3"}), "--video-audio-num-channels");
  EXPECT_ERROR_HAS(Args({"--video-audio-depth", "12"}), "--video-audio-depth");
  EXPECT_ERROR_HAS(Args({"--video-synth-type", "fire"}), "--video-synth-type: invalid choice");
}

TEST(MediaOptions, AiperfCrossRules) {
  EXPECT_ERROR_HAS(Args({"--image-width-mean", "64"}),
                   "Image generation is disabled but image dimension options were provided");
  // batch 0 is an explicit "off": dimensions are then allowed.
  EXPECT_FALSE(parse({"--image-width-mean", "64", "--image-batch-size", "0"}).images_enabled());
  EXPECT_ERROR_HAS(Args({"--image-source-sampling", "sequential-cycle"}),
                   "--image-source-sampling: images.source_sampling requires image source "
                   "'assets' or a directory path");
  EXPECT_ERROR_HAS(Args({"--audio-length-stddev", "0.1"}),
                   "Audio generation is disabled but audio options were provided");
  EXPECT_ERROR_HAS(Args({"--audio-length-mean", "0.5", "--audio-batch-size", "0"}),
                   "Audio generation is disabled but audio options were provided");
  EXPECT_ERROR_HAS(Args({"--audio-length-mean", "0.005"}),
                   "--audio-length-mean: Audio length must be greater than 0.01 seconds");
  EXPECT_ERROR_HAS(Args({"--audio-length-mean", "1", "--audio-format", "mp3",
                         "--audio-sample-rates", "16,44.1,96"}),
                   "--audio-sample-rates: MP3 format only supports the following sample rates "
                   "(in Hz): [8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000]. Got "
                   "96000 Hz.");
  EXPECT_NO_THROW(parse({"--audio-length-mean", "1", "--audio-format", "mp3",
                         "--audio-sample-rates", "8", "11.025", "22.05", "44100"}));
  EXPECT_ERROR_HAS(Args({"--video-width", "64"}), "--video-width: Width is specified but height");
  EXPECT_ERROR_HAS(Args({"--video-height", "64"}), "--video-height: Height is specified but width");
  EXPECT_ERROR_HAS(Args({"--video-audio-codec", "aac"}),
                   "--video-audio-codec 'aac' is set but --video-audio-num-channels is 0");
}

TEST(MediaOptions, AllSyntheticDataDisabled) {
  EXPECT_ERROR_HAS(Args({"--isl", "0"}),
                   "--isl 0: All synthetic data are disabled. Please enable at least one of "
                   "prompt, image, audio, or video");
  Config c = parse({"--isl", "0", "--image-width-mean", "8", "--image-height-mean", "8"});
  EXPECT_EQ(c.isl_mean, 0);
  EXPECT_TRUE(c.images_enabled());
  EXPECT_NO_THROW(parse({"--isl", "0", "--audio-length-mean", "0.1"}));
}

TEST(MediaOptions, SyntheticOnlyWithInputFile) {
  const std::string dir = ::testing::TempDir() + "/media_opts";
  std::filesystem::create_directories(dir);
  const std::string file = dir + "/in.jsonl";
  std::ofstream(file) << "{\"text\": \"hi\"}\n";
  for (const char* flag : {"--image-batch-size", "--batch-size-audio", "--video-batch-size"}) {
    EXPECT_ERROR_HAS(Args({"--input-file", file, flag, "2"}),
                     std::string(flag) + " is only supported with synthetic datasets");
  }
  EXPECT_ERROR_HAS(Args({"--input-file", file, "--image-source", "assets"}),
                   "--image-source is only supported with synthetic datasets");
  EXPECT_ERROR_HAS(Args({"--input-file", file, "--image-source-sampling", "shuffle-cycle"}),
                   "--image-source-sampling is only supported with synthetic datasets");
}

TEST(MediaOptions, ImageSourceDirectory) {
  const std::string dir = ::testing::TempDir() + "/media_src";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const Args img = {"--image-width-mean", "8", "--image-height-mean", "8", "--image-source"};
  auto with = [&](const std::string& src) {
    Args a = img;
    a.push_back(src);
    return a;
  };
  EXPECT_ERROR_HAS(with(dir + "/missing"), "--image-source: The directory '");
  std::ofstream(dir + "/notes.txt") << "x";
  EXPECT_ERROR_HAS(with(dir + "/notes.txt"), "is not a directory");
  EXPECT_ERROR_HAS(with(dir), "--image-source: No source images found in '");
  std::ofstream(dir + "/a.PNG") << "x";
  EXPECT_EQ(parse(with(dir)).image_source, dir);
  // Only checked when images are on (AIPerf's generator is not built otherwise).
  EXPECT_EQ(parse({"--image-source", dir + "/missing"}).image_source, dir + "/missing");
}

TEST(MediaOptions, VideoNeedsFfmpegOnPath) {
  const char* old = std::getenv("PATH");
  const std::string saved = old ? old : "";
  ::setenv("PATH", "/nonexistent-dir", 1);
  const std::string err = error_of({"--video-width", "32", "--video-height", "32"});
  ::setenv("PATH", saved.c_str(), 1);
  EXPECT_NE(err.find("--video-width: synthetic video is encoded by the ffmpeg program, which is "
                     "not on PATH; install it (sudo apt-get install ffmpeg)"),
            std::string::npos)
      << err;
  EXPECT_EQ(err.find('\n'), std::string::npos);
  // batch 0 turns video off: no ffmpeg needed.
  ::setenv("PATH", "/nonexistent-dir", 1);
  const std::string ok =
      error_of({"--video-width", "32", "--video-height", "32", "--video-batch-size", "0"});
  ::setenv("PATH", saved.c_str(), 1);
  EXPECT_EQ(ok, "(no error)");
}

TEST(MediaOptions, MediaTheEndpointCannotSendAreAnnounced) {
  auto warned = [](const Config& c) {
    for (const auto& w : c.warnings) {
      if (w.find("synthetic images cannot be sent by --endpoint-type completions") !=
          std::string::npos)
        return true;
    }
    return false;
  };
  EXPECT_TRUE(warned(parse(
      {"--endpoint-type", "completions", "--image-width-mean", "8", "--image-height-mean", "8"})));
  EXPECT_FALSE(warned(parse({"--image-width-mean", "8", "--image-height-mean", "8"})));
}

TEST(MediaOptions, HelpListsTheGroups) {
  const std::string help = profile_help_text();
  for (const char* s : {"Audio Input:", "Image Input:", "Video Input:", "--batch-size-image",
                        "--audio-sample-rates", "--video-audio-codec", "--image-source-sampling"}) {
    EXPECT_NE(help.find(s), std::string::npos) << s;
  }
}

}  // namespace
}  // namespace aiperf::config
