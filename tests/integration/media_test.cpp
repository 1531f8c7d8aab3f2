// Synthetic multimodal inputs end to end (spec §4.7, §5.4, §2.5): the real aiperf against the
// real mock server with images, audio and (when ffmpeg is installed) video; inputs.json carries
// the content parts and data URLs, the image metrics appear, ISL counts the text only.
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "test_util.h"

namespace aiperf::testing {
namespace {

using nlohmann::json;

struct MediaRun {
  CommandResult result;
  std::string dir;
  json file(const std::string& name) const { return json::parse(read_file(dir + "/" + name)); }
  std::vector<json> records() const {
    std::vector<json> out;
    std::ifstream f(dir + "/profile_export.jsonl");
    for (std::string line; std::getline(f, line);) {
      if (!line.empty()) out.push_back(json::parse(line));
    }
    return out;
  }
};

MediaRun profile(const MockServerProcess& m, const std::vector<std::string>& args) {
  MediaRun r;
  r.dir = make_temp_dir("aiperf-media");
  std::vector<std::string> argv = {AIPERF_BIN,    "profile", "--ui",           "none",
                                   "--url",       m.url(),   "--model",        "mock-model",
                                   "--tokenizer", "builtin", "--artifact-dir", r.dir};
  argv.insert(argv.end(), args.begin(), args.end());
  r.result = run_command(argv, 180);
  return r;
}

TEST(Media, ImagesAndAudioReachTheServerAndImageMetricsAppear) {
  MockServerProcess m({"--fast"});
  MediaRun r = profile(m, {"--streaming",
                           "--concurrency",
                           "2",
                           "--request-count",
                           "6",
                           "--isl",
                           "16",
                           "--osl",
                           "4",
                           "--random-seed",
                           "3",
                           "--image-width-mean",
                           "32",
                           "--image-height-mean",
                           "32",
                           "--image-batch-size",
                           "2",
                           "--image-format",
                           "jpeg",
                           "--audio-length-mean",
                           "0.1",
                           "--num-dataset-entries",
                           "3"});
  ASSERT_EQ(r.result.exit_code, 0) << r.result.err;

  const json inputs = r.file("inputs.json");
  ASSERT_EQ(inputs["data"].size(), 3u);
  for (const json& conv : inputs["data"]) {
    const json& content = conv["payloads"][0]["messages"][0]["content"];
    ASSERT_TRUE(content.is_array()) << content.dump().substr(0, 200);
    ASSERT_EQ(content.size(), 4u);  // text, 2 images, 1 audio (AIPerf's part order)
    EXPECT_EQ(content[0]["type"], "text");
    for (int i : {1, 2}) {
      EXPECT_EQ(content[i]["type"], "image_url");
      const std::string url = content[i]["image_url"]["url"];
      EXPECT_EQ(url.rfind("data:image/jpeg;base64,/9j/", 0), 0u) << url.substr(0, 40);
    }
    EXPECT_EQ(content[3]["type"], "input_audio");
    EXPECT_EQ(content[3]["input_audio"]["format"], "wav");
    const std::string audio = content[3]["input_audio"]["data"];
    EXPECT_EQ(audio.rfind("UklGR", 0), 0u);  // base64 of "RIFF"
  }

  const json s = r.file("profile_export_aiperf.json");
  EXPECT_EQ(s["request_count"]["avg"].get<int>(), 6);
  EXPECT_DOUBLE_EQ(s["num_images"]["avg"].get<double>(), 2.0);
  EXPECT_EQ(s["num_images"]["unit"], "images");
  EXPECT_GT(s["image_throughput"]["avg"].get<double>(), 0.0);
  EXPECT_EQ(s["image_throughput"]["unit"], "images/sec");
  EXPECT_GT(s["image_latency"]["avg"].get<double>(), 0.0);
  EXPECT_EQ(s["image_latency"]["unit"], "ms/image");
  // ISL is the text alone (spec §2.6): images and audio are not tokens.
  EXPECT_DOUBLE_EQ(s["input_sequence_length"]["avg"].get<double>(), 16.0);
  for (const json& rec : r.records()) {
    const double latency_ms = rec["metrics"]["request_latency"]["value"];
    EXPECT_EQ(rec["metrics"]["num_images"]["value"], 2);
    EXPECT_NEAR(rec["metrics"]["image_latency"]["value"].get<double>(), latency_ms / 2, 1e-6);
  }
  // The console table lists the image metrics.
  EXPECT_NE(r.result.out.find("Image Throughput"), std::string::npos) << r.result.out;
}

TEST(Media, TextOffImagesOnlyAndNoImageMetricsWithoutImages) {
  MockServerProcess m({"--fast"});
  MediaRun r =
      profile(m, {"--request-count", "3", "--isl", "0", "--osl", "4", "--image-width-mean", "16",
                  "--image-height-mean", "8", "--image-source", "assets", "--random-seed", "1"});
  ASSERT_EQ(r.result.exit_code, 0) << r.result.err;
  const json content = r.file("inputs.json")["data"][0]["payloads"][0]["messages"][0]["content"];
  ASSERT_TRUE(content.is_array());
  ASSERT_EQ(content.size(), 1u);
  EXPECT_EQ(content[0]["type"], "image_url");

  MediaRun text = profile(m, {"--request-count", "2", "--isl", "8", "--osl", "2"});
  ASSERT_EQ(text.result.exit_code, 0) << text.result.err;
  EXPECT_FALSE(text.file("profile_export_aiperf.json").contains("num_images"));
}

TEST(Media, BadMediaFlagsExitTwoBeforeAnything) {
  MockServerProcess m({"--fast"});
  MediaRun r = profile(
      m, {"--audio-length-mean", "1", "--audio-format", "mp3", "--audio-sample-rates", "96"});
  EXPECT_EQ(r.result.exit_code, 2);
  EXPECT_NE(r.result.err.find("--audio-sample-rates: MP3 format only supports"), std::string::npos)
      << r.result.err;
}

TEST(Media, SyntheticVideo) {
  if (std::system("ffmpeg -version > /dev/null 2>&1") != 0) {
    GTEST_SKIP() << "ffmpeg is not installed";
  }
  MockServerProcess m({"--fast"});
  MediaRun r = profile(m, {"--request-count", "2", "--isl", "8", "--osl", "2", "--video-width",
                           "32", "--video-height", "32", "--video-duration", "0.5", "--video-fps",
                           "4", "--num-dataset-entries", "2", "--random-seed", "2"});
  ASSERT_EQ(r.result.exit_code, 0) << r.result.err;
  const json content = r.file("inputs.json")["data"][1]["payloads"][0]["messages"][0]["content"];
  ASSERT_EQ(content.size(), 2u);
  EXPECT_EQ(content[1]["type"], "video_url");
  const std::string url = content[1]["video_url"]["url"];
  EXPECT_EQ(url.rfind("data:video/webm;base64,GkXfo", 0), 0u) << url.substr(0, 40);  // EBML
}

}  // namespace
}  // namespace aiperf::testing
