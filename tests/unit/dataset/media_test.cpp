// Synthetic media (spec §4.7): images decoded back with libpng / libjpeg at the drawn size,
// asset and directory sources, WAV headers and sample counts, MP3 frame headers, video
// containers (when ffmpeg is installed), seeds, and the multimodal turns of build_synthetic.
#include <gtest/gtest.h>
#include <png.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>

#include <jpeglib.h>

#include "aiperf/common/error.h"
#include "aiperf/config/config.h"
#include "aiperf/dataset/dataset.h"
#include "aiperf/dataset/media/media.h"
#include "aiperf/tokenizer/utf8.h"
#include "fake_tokenizer.h"

namespace aiperf::dataset::media {
namespace {

config::Config image_config(double w, double h) {
  config::Config c;
  c.models = {"m"};
  c.image_width_mean = w;
  c.image_height_mean = h;
  c.random_seed = 7;
  return c;
}

/// The bytes of a "data:<mime>;base64,<b64>" URL, checking the prefix.
std::string data_url_bytes(const std::string& url, const std::string& prefix) {
  EXPECT_EQ(url.rfind(prefix, 0), 0u) << url.substr(0, 40);
  std::string out;
  EXPECT_TRUE(tokenizer::detail::base64_decode(url.substr(prefix.size()), out));
  return out;
}

/// Width and height read with libpng's own API (not our decoder).
std::pair<int, int> png_size(const std::string& bytes) {
  png_image img;
  std::memset(&img, 0, sizeof img);
  img.version = PNG_IMAGE_VERSION;
  EXPECT_TRUE(png_image_begin_read_from_memory(&img, bytes.data(), bytes.size()));
  std::pair<int, int> wh{int(img.width), int(img.height)};
  png_image_free(&img);
  return wh;
}

/// Width and height from libjpeg's header reader.
std::pair<int, int> jpeg_size(const std::string& bytes) {
  jpeg_decompress_struct cinfo;
  jpeg_error_mgr err;
  cinfo.err = jpeg_std_error(&err);
  jpeg_create_decompress(&cinfo);
  jpeg_mem_src(&cinfo, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  jpeg_read_header(&cinfo, TRUE);
  std::pair<int, int> wh{int(cinfo.image_width), int(cinfo.image_height)};
  jpeg_destroy_decompress(&cinfo);
  return wh;
}

uint32_t le(const std::string& b, size_t at, int n) {
  uint32_t v = 0;
  for (int i = n - 1; i >= 0; --i) v = v << 8 | uint8_t(b[at + size_t(i)]);
  return v;
}

TEST(Base64, Rfc4648Vectors) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
}

TEST(Images, NoisePngAtTheDrawnSize) {
  auto c = image_config(32, 24);
  RngManager rngs(c.random_seed);
  ImageGenerator gen(c, rngs);
  const std::string png = data_url_bytes(gen.generate(), "data:image/png;base64,");
  EXPECT_EQ(png_size(png), std::make_pair(32, 24));
  RgbImage img = decode_image(png, "test");
  EXPECT_EQ(img.width, 32);
  std::set<uint8_t> values(img.pixels.begin(), img.pixels.end());
  EXPECT_GT(values.size(), 200u);  // uniform noise uses (nearly) every byte value
}

TEST(Images, JpegAndRandomFormat) {
  auto c = image_config(40, 30);
  c.image_format = config::ImageFormat::kJpeg;
  RngManager rngs(c.random_seed);
  ImageGenerator gen(c, rngs);
  EXPECT_EQ(jpeg_size(data_url_bytes(gen.generate(), "data:image/jpeg;base64,")),
            std::make_pair(40, 30));
  c.image_format = config::ImageFormat::kRandom;
  ImageGenerator mixed(c, rngs);
  std::set<std::string> kinds;
  for (int i = 0; i < 30; ++i) kinds.insert(mixed.generate().substr(0, 15));
  EXPECT_EQ(kinds, (std::set<std::string>{"data:image/jpeg", "data:image/png;"}));
}

TEST(Images, SizesFollowThePositiveNormalRule) {
  auto c = image_config(50, 20);
  c.image_width_stddev = 10;
  RngManager rngs(c.random_seed);
  ImageGenerator gen(c, rngs);
  std::set<int> widths;
  for (int i = 0; i < 20; ++i) {
    auto wh = png_size(data_url_bytes(gen.generate(), "data:image/png;base64,"));
    EXPECT_EQ(wh.second, 20);
    EXPECT_GE(wh.first, 1);
    widths.insert(wh.first);
  }
  EXPECT_GT(widths.size(), 5u);
}

TEST(Images, BuiltinAssetsAreFourOriginalJpegs) {
  auto assets = builtin_image_assets();
  ASSERT_EQ(assets.size(), 4u);
  for (auto a : assets) {
    RgbImage img = decode_image(a, "asset");
    EXPECT_EQ(img.width, 256);
    EXPECT_EQ(img.height, 192);
  }
  auto c = image_config(64, 16);
  c.image_source = "assets";
  c.image_source_sampling = config::ImageSourceSampling::kSequentialCycle;
  RngManager rngs(c.random_seed);
  ImageGenerator gen(c, rngs);
  std::vector<std::string> urls;
  for (int i = 0; i < 5; ++i) urls.push_back(gen.generate());
  EXPECT_EQ(png_size(data_url_bytes(urls[0], "data:image/png;base64,")), std::make_pair(64, 16));
  EXPECT_EQ(urls[0], urls[4]);  // sequential cycle wraps after four
  EXPECT_NE(urls[0], urls[1]);
}

TEST(Images, DirectorySourceIsSortedAndResized) {
  const std::string dir = ::testing::TempDir() + "/media_dir";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  RgbImage red{4, 4, std::vector<uint8_t>(48, 0)};
  RgbImage blue = red;
  for (size_t i = 0; i < 48; i += 3) {
    red.pixels[i] = 255;
    blue.pixels[i + 2] = 255;
  }
  std::ofstream(dir + "/b.png", std::ios::binary) << encode_png(blue);
  std::ofstream(dir + "/a.png", std::ios::binary) << encode_png(red);
  std::ofstream(dir + "/readme.txt") << "not an image";
  auto c = image_config(8, 6);
  c.image_source = dir;
  c.image_source_sampling = config::ImageSourceSampling::kSequentialCycle;
  RngManager rngs(c.random_seed);
  ImageGenerator gen(c, rngs);
  RgbImage first = decode_image(data_url_bytes(gen.generate(), "data:image/png;base64,"), "1");
  RgbImage second = decode_image(data_url_bytes(gen.generate(), "data:image/png;base64,"), "2");
  ASSERT_EQ(first.width, 8);
  ASSERT_EQ(first.height, 6);
  EXPECT_EQ(first.pixels[0], 255);   // a.png (red) first
  EXPECT_EQ(second.pixels[2], 255);  // then b.png (blue)
}

TEST(Images, UnreadableDirectoryFilesAreSkipped) {
  const std::string dir = ::testing::TempDir() + "/media_bad";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/a_broken.jpg", std::ios::binary) << "\xff\xd8\xff garbage";
  std::ofstream(dir + "/b_text.png", std::ios::binary) << "not a png";
  auto c = image_config(5, 5);
  c.image_source = dir;
  for (auto sampling : {config::ImageSourceSampling::kRandomWithReplacement,
                        config::ImageSourceSampling::kShuffleCycle,
                        config::ImageSourceSampling::kSequentialCycle}) {
    c.image_source_sampling = sampling;
    RngManager rngs(c.random_seed);
    ImageGenerator none(c, rngs);
    try {
      none.generate();
      ADD_FAILURE() << "expected an InputError";
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find("No readable source images found in '" + dir),
                std::string::npos)
          << e.what();
    }
  }
  RgbImage green{2, 2, {0, 200, 0, 0, 200, 0, 0, 200, 0, 0, 200, 0}};
  std::ofstream(dir + "/c_good.png", std::ios::binary) << encode_png(green);
  c.image_source_sampling = config::ImageSourceSampling::kSequentialCycle;
  RngManager rngs(c.random_seed);
  ImageGenerator gen(c, rngs);
  for (int i = 0; i < 4; ++i) {
    RgbImage img = decode_image(data_url_bytes(gen.generate(), "data:image/png;base64,"), "g");
    EXPECT_EQ(img.pixels[1], 200);
  }
}

TEST(Images, ShuffleCycleVisitsEverySourceOncePerCycle) {
  auto c = image_config(8, 8);
  c.image_source = "assets";
  c.image_source_sampling = config::ImageSourceSampling::kShuffleCycle;
  RngManager rngs(c.random_seed);
  ImageGenerator gen(c, rngs);
  std::set<std::string> cycle;
  for (int i = 0; i < 4; ++i) cycle.insert(gen.generate());
  EXPECT_EQ(cycle.size(), 4u);
}

TEST(Images, BilinearResizeKeepsAFlatColourFlat) {
  RgbImage src{3, 3, std::vector<uint8_t>(27, 77)};
  RgbImage out = resize_bilinear(src, 10, 7);
  EXPECT_EQ(out.pixels.size(), 10u * 7u * 3u);
  for (uint8_t v : out.pixels) EXPECT_EQ(v, 77);
}

config::Config audio_config(double seconds) {
  config::Config c;
  c.models = {"m"};
  c.audio_length_mean_s = seconds;
  c.random_seed = 11;
  return c;
}

TEST(Audio, WavHeaderAndSampleCount) {
  for (int depth : {8, 16, 24, 32}) {
    auto c = audio_config(0.1);
    c.audio_depths = {depth};
    c.audio_sample_rates_khz = {22.05};
    c.audio_num_channels = 2;
    RngManager rngs(c.random_seed);
    AudioGenerator gen(c, rngs);
    const std::string b = data_url_bytes(gen.generate(), "wav,");
    ASSERT_GE(b.size(), 44u);
    EXPECT_EQ(b.substr(0, 4), "RIFF");
    EXPECT_EQ(b.substr(8, 8), "WAVEfmt ");
    EXPECT_EQ(le(b, 4, 4), b.size() - 8);
    EXPECT_EQ(le(b, 20, 2), 1u);  // PCM
    EXPECT_EQ(le(b, 22, 2), 2u);  // channels
    EXPECT_EQ(le(b, 24, 4), 22050u);
    EXPECT_EQ(le(b, 34, 2), uint32_t(depth));
    EXPECT_EQ(b.substr(36, 4), "data");
    const uint32_t frames = le(b, 40, 4) / uint32_t(2 * depth / 8);
    EXPECT_EQ(frames, 2205u);  // int(0.1 s x 22050 Hz)
  }
}

TEST(Audio, SamplesAreClippedGaussianNoise) {
  auto c = audio_config(1.0);
  RngManager rngs(c.random_seed);
  AudioGenerator gen(c, rngs);
  const std::string b = data_url_bytes(gen.generate(), "wav,");
  const size_t n = (b.size() - 44) / 2;
  ASSERT_EQ(n, 16000u);
  double sum2 = 0;
  for (size_t i = 0; i < n; ++i) {
    const double x = int16_t(le(b, 44 + 2 * i, 2)) / 32767.0;
    sum2 += x * x;
  }
  EXPECT_NEAR(std::sqrt(sum2 / double(n)), 0.3, 0.02);
}

TEST(Audio, DurationsAreRejectionSampledAboveTenMs) {
  auto c = audio_config(0.02);
  c.audio_length_stddev_s = 0.05;
  RngManager rngs(c.random_seed);
  AudioGenerator gen(c, rngs);
  for (int i = 0; i < 30; ++i) {
    const std::string b = data_url_bytes(gen.generate(), "wav,");
    EXPECT_GE(le(b, 40, 4) / 2, 160u);  // >= 0.01 s at 16 kHz
  }
}

TEST(Audio, Mp3FramesCarryTheSampleRate) {
  struct Case {
    double khz;
    int version_bits;  // 3 = MPEG-1, 2 = MPEG-2, 0 = MPEG-2.5
    int rate_index;
  };
  for (Case k : {Case{44.1, 3, 0}, Case{48, 3, 1}, Case{16, 2, 2}, Case{8, 0, 2}}) {
    auto c = audio_config(0.3);
    c.audio_format = config::AudioFormat::kMp3;
    c.audio_sample_rates_khz = {k.khz};
    RngManager rngs(c.random_seed);
    AudioGenerator gen(c, rngs);
    const std::string b = data_url_bytes(gen.generate(), "mp3,");
    ASSERT_GE(b.size(), 4u);
    const auto b0 = uint8_t(b[0]), b1 = uint8_t(b[1]), b2 = uint8_t(b[2]);
    EXPECT_EQ(b0, 0xff);
    EXPECT_EQ(b1 & 0xe0, 0xe0);  // frame sync
    EXPECT_EQ((b1 >> 3) & 3, k.version_bits) << k.khz;
    EXPECT_EQ((b1 >> 1) & 3, 1);  // layer III
    EXPECT_EQ((b2 >> 2) & 3, k.rate_index) << k.khz;
  }
}

TEST(Media, SameSeedSameBytesOtherSeedOther) {
  auto make = [](uint64_t seed) {
    auto c = audio_config(0.05);
    c.image_width_mean = 16;
    c.image_height_mean = 16;
    c.image_format = config::ImageFormat::kRandom;
    c.audio_depths = {8, 16, 24};
    c.audio_sample_rates_khz = {8, 16, 44.1};
    RngManager rngs(seed);
    ImageGenerator img(c, rngs);
    AudioGenerator aud(c, rngs);
    std::string all;
    for (int i = 0; i < 5; ++i) all += img.generate() + aud.generate();
    return all;
  };
  EXPECT_EQ(make(3), make(3));
  EXPECT_NE(make(3), make(4));
}

TEST(MediaFiles, LocalPathsAreInlinedOthersKept) {
  const std::string dir = ::testing::TempDir() + "/media_files";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  RgbImage px{2, 1, {1, 2, 3, 4, 5, 6}};
  const std::string png = encode_png(px), jpg = encode_jpeg(px);
  std::ofstream(dir + "/a.png", std::ios::binary) << png;
  std::ofstream(dir + "/b.JPG", std::ios::binary) << jpg;
  std::ofstream(dir + "/c.wav", std::ios::binary) << "RIFFxxxx";
  std::ofstream(dir + "/d.webm", std::ios::binary) << "\x1a\x45\xdf\xa3";
  std::ofstream(dir + "/e.gif", std::ios::binary) << "GIF89a";
  std::ofstream(dir + "/f.ogg", std::ios::binary) << "OggS";
  using Kind = MediaItem::Kind;
  auto run = [](Kind k, const std::string& content) {
    MediaItem m{k, "x", content};
    inline_media_file(m);
    return m.content;
  };
  EXPECT_EQ(run(Kind::kImage, dir + "/a.png"), "data:image/png;base64," + base64_encode(png));
  EXPECT_EQ(run(Kind::kImage, dir + "/b.JPG"), "data:image/jpeg;base64," + base64_encode(jpg));
  EXPECT_EQ(run(Kind::kAudio, dir + "/c.wav"), "wav," + base64_encode("RIFFxxxx"));
  EXPECT_EQ(run(Kind::kVideo, dir + "/d.webm"), "data:video/webm;base64,GkXfow==");
  // Kept as written: URLs, data URLs, encoded audio, paths that name no file.
  for (const char* kept : {"http://host/x.png", "https://h:8/a.png", "data:image/png;base64,AA",
                           "/no/such/file.png"}) {
    EXPECT_EQ(run(Kind::kImage, kept), kept);
  }
  EXPECT_EQ(run(Kind::kAudio, "mp3,AAAA"), "mp3,AAAA");
  EXPECT_EQ(run(Kind::kAudio, "WAV,AAAA"), "WAV,AAAA");
  auto error = [&](Kind k, const std::string& content) {
    try {
      run(k, content);
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("(no error)");
  };
  EXPECT_NE(error(Kind::kImage, dir + "/e.gif").find("not one of the supported image formats"),
            std::string::npos);
  EXPECT_NE(error(Kind::kAudio, dir + "/f.ogg").find("'.ogg' is not one of the supported audio"),
            std::string::npos);
  EXPECT_NE(error(Kind::kVideo, dir + "/a.png").find("supported video formats: mp4, webm"),
            std::string::npos);
}

TEST(MediaFiles, SingleTurnFileWithALocalImage) {
  testing::HalvingTokenizer tok;
  const std::string dir = ::testing::TempDir() + "/media_st";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string png = encode_png(RgbImage{1, 1, {9, 9, 9}});
  std::ofstream(dir + "/pic.png", std::ios::binary) << png;
  std::ofstream(dir + "/in.jsonl")
      << "{\"text\": \"look\", \"image\": \"" << dir << "/pic.png\"}\n";
  config::Config c;
  c.models = {"m"};
  c.input_file = dir + "/in.jsonl";
  c.custom_dataset_type = config::CustomDatasetType::kSingleTurn;
  Dataset ds = load_custom(c, tok, RngManager(uint64_t(1)));
  ASSERT_EQ(ds.conversations.size(), 1u);
  ASSERT_EQ(ds.conversations[0].turns[0].media.size(), 1u);
  EXPECT_EQ(ds.conversations[0].turns[0].media[0].content,
            "data:image/png;base64," + base64_encode(png));
}

bool have_ffmpeg() {
  return std::system("ffmpeg -version > /dev/null 2>&1") == 0;
}

TEST(Video, FramesOfEachSynthType) {
  config::Config c;
  c.video_width = 48;
  c.video_height = 32;
  c.video_duration_s = 1.0;
  c.video_fps = 3;
  for (auto t : {config::VideoSynthType::kMovingShapes, config::VideoSynthType::kGridClock,
                 config::VideoSynthType::kNoise}) {
    c.video_synth_type = t;
    RngManager rngs(uint64_t(1));
    VideoGenerator gen(c, rngs);
    auto frames = gen.frames();
    ASSERT_EQ(frames.size(), 3u);
    EXPECT_EQ(frames[0].width, 48);
    EXPECT_NE(frames[0].pixels, frames[1].pixels);  // something moves
  }
  c.video_duration_s = 0.1;  // 0.1 x 3 = 0 frames: no video
  RngManager rngs(uint64_t(1));
  VideoGenerator none(c, rngs);
  EXPECT_EQ(none.generate(), "");
}

TEST(Video, WebmAndMp4WithAudioTrack) {
  if (!have_ffmpeg()) GTEST_SKIP() << "ffmpeg is not installed";
  config::Config c;
  c.video_width = 64;
  c.video_height = 48;
  c.video_duration_s = 0.5;
  c.video_fps = 4;
  {
    RngManager rngs(uint64_t(1));
    VideoGenerator gen(c, rngs);
    const std::string webm = data_url_bytes(gen.generate(), "data:video/webm;base64,");
    ASSERT_GE(webm.size(), 4u);
    EXPECT_EQ(webm.substr(0, 4), "\x1a\x45\xdf\xa3");  // EBML
  }
  c.video_format = config::VideoFormat::kMp4;
  c.video_codec = "mpeg4";
  c.video_audio_num_channels = 1;
  {
    RngManager rngs(uint64_t(1));
    VideoGenerator gen(c, rngs);
    const std::string mp4 = data_url_bytes(gen.generate(), "data:video/mp4;base64,");
    ASSERT_GE(mp4.size(), 8u);
    EXPECT_EQ(mp4.substr(4, 4), "ftyp");
  }
  c.video_codec = "no-such-codec";
  RngManager rngs(uint64_t(1));
  VideoGenerator bad(c, rngs);
  try {
    bad.generate();
    ADD_FAILURE() << "expected an ffmpeg failure";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("--video-codec no-such-codec: ffmpeg failed"),
              std::string::npos)
        << e.what();
  }
}

TEST(SyntheticMedia, TurnsCarryBatchesOfNamedItems) {
  testing::HalvingTokenizer tok;
  auto c = image_config(16, 16);
  c.num_dataset_entries = 3;
  c.isl_mean = 20;
  c.image_batch_size = 2;
  c.audio_length_mean_s = 0.05;
  c.audio_batch_size = 3;
  Dataset ds = build_synthetic(c, tok, RngManager(c.random_seed));
  ASSERT_EQ(ds.conversations.size(), 3u);
  for (const auto& conv : ds.conversations) {
    const Turn& t = conv.turns[0];
    EXPECT_EQ(t.input_tokens, 20);
    ASSERT_EQ(t.media.size(), 5u);
    for (size_t i = 0; i < 2; ++i) {
      EXPECT_EQ(t.media[i].kind, MediaItem::Kind::kImage);
      EXPECT_EQ(t.media[i].name, "image_url");
      EXPECT_EQ(t.media[i].content.rfind("data:image/png;base64,", 0), 0u);
    }
    for (size_t i = 2; i < 5; ++i) {
      EXPECT_EQ(t.media[i].kind, MediaItem::Kind::kAudio);
      EXPECT_EQ(t.media[i].name, "input_audio");
      EXPECT_EQ(t.media[i].content.rfind("wav,", 0), 0u);
    }
  }
  // The same seed gives the same dataset, media included.
  Dataset again = build_synthetic(c, tok, RngManager(c.random_seed));
  EXPECT_EQ(again.conversations[2].turns[0].media[4].content,
            ds.conversations[2].turns[0].media[4].content);
}

TEST(SyntheticMedia, ParallelEncodingGivesTheGeneratorsSequence) {
  testing::HalvingTokenizer tok;
  auto c = image_config(12, 9);
  c.image_width_stddev = 3;
  c.image_format = config::ImageFormat::kRandom;
  c.num_dataset_entries = 50;
  c.isl_mean = 4;
  c.image_batch_size = 3;  // 150 images: more than one chunk of 64
  Dataset ds = build_synthetic(c, tok, RngManager(c.random_seed));
  RngManager rngs(c.random_seed);
  ImageGenerator gen(c, rngs);
  for (const auto& conv : ds.conversations) {
    ASSERT_EQ(conv.turns[0].media.size(), 3u);
    for (const auto& m : conv.turns[0].media) EXPECT_EQ(m.content, gen.generate());
  }
}

TEST(SyntheticMedia, VideosForEveryTurnInParallel) {
  if (!have_ffmpeg()) GTEST_SKIP() << "ffmpeg is not installed";
  testing::HalvingTokenizer tok;
  auto c = image_config(0, 0);
  c.num_dataset_entries = 5;
  c.isl_mean = 0;
  c.video_width = 32;
  c.video_height = 16;
  c.video_duration_s = 0.5;
  c.video_batch_size = 2;  // 10 videos: more than one chunk of 8
  c.video_synth_type = config::VideoSynthType::kNoise;
  Dataset ds = build_synthetic(c, tok, RngManager(c.random_seed));
  std::set<std::string> distinct;
  for (const auto& conv : ds.conversations) {
    ASSERT_EQ(conv.turns[0].media.size(), 2u);
    for (const auto& m : conv.turns[0].media) {
      EXPECT_EQ(m.kind, MediaItem::Kind::kVideo);
      EXPECT_EQ(m.name, "video_url");
      EXPECT_EQ(m.content.rfind("data:video/webm;base64,GkXfo", 0), 0u);
      distinct.insert(m.content);
    }
  }
  EXPECT_EQ(distinct.size(), 10u);  // noise frames differ from video to video
}

TEST(SyntheticMedia, MediaDoNotShiftPromptText) {
  testing::HalvingTokenizer tok;
  auto c = image_config(0, 0);
  c.num_dataset_entries = 4;
  c.isl_mean = 30;
  Dataset text_only = build_synthetic(c, tok, RngManager(c.random_seed));
  c.image_width_mean = 8;
  c.image_height_mean = 8;
  Dataset with_images = build_synthetic(c, tok, RngManager(c.random_seed));
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(text_only.conversations[i].turns[0].text, with_images.conversations[i].turns[0].text);
  }
}

TEST(SyntheticMedia, IslZeroGivesMediaOnlyTurns) {
  testing::HalvingTokenizer tok;
  auto c = image_config(8, 8);
  c.num_dataset_entries = 2;
  c.isl_mean = 0;
  Dataset ds = build_synthetic(c, tok, RngManager(c.random_seed));
  for (const auto& conv : ds.conversations) {
    EXPECT_EQ(conv.turns[0].text, "");
    EXPECT_EQ(conv.turns[0].input_tokens, 0);
    EXPECT_EQ(conv.turns[0].media.size(), 1u);
  }
  c.image_width_mean = 0;
  c.image_height_mean = 0;
  try {
    build_synthetic(c, tok, RngManager(c.random_seed));
    ADD_FAILURE() << "expected a ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("All synthetic data are disabled"), std::string::npos);
  }
}

}  // namespace
}  // namespace aiperf::dataset::media
