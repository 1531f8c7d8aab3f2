// Synthetic video (spec §4.7): int(duration x fps) frames drawn here (moving shapes, a grid with
// a clock hand, or noise), encoded by the ffmpeg program (raw RGB frames in, webm/mp4 out), with
// an optional Gaussian-noise audio track. Files go through a private temporary directory: mp4
// needs a seekable output, and no pipe can deadlock.
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "aiperf/common/env.h"
#include "aiperf/common/error.h"
#include "aiperf/dataset/media/media.h"

namespace aiperf::dataset::media {
namespace {

struct Canvas {
  RgbImage img;
  Canvas(int w, int h, uint8_t r, uint8_t g, uint8_t b) {
    img.width = w;
    img.height = h;
    img.pixels.resize(size_t(w) * size_t(h) * 3);
    for (size_t i = 0; i < img.pixels.size(); i += 3) {
      img.pixels[i] = r;
      img.pixels[i + 1] = g;
      img.pixels[i + 2] = b;
    }
  }
  void set(int x, int y, uint8_t r, uint8_t g, uint8_t b) {
    if (x < 0 || y < 0 || x >= img.width || y >= img.height) return;
    uint8_t* p = &img.pixels[(size_t(y) * img.width + x) * 3];
    p[0] = r;
    p[1] = g;
    p[2] = b;
  }
  void rect(double x0, double y0, double x1, double y1, uint8_t r, uint8_t g, uint8_t b) {
    for (int y = int(std::ceil(y0)); y <= int(std::floor(y1)); ++y) {
      for (int x = int(std::ceil(x0)); x <= int(std::floor(x1)); ++x) set(x, y, r, g, b);
    }
  }
  /// Filled disc (`ring` > 0: only the outer band of that width).
  void disc(double cx, double cy, double radius, uint8_t r, uint8_t g, uint8_t b, double ring = 0) {
    for (int y = int(cy - radius) - 1; y <= int(cy + radius) + 1; ++y) {
      for (int x = int(cx - radius) - 1; x <= int(cx + radius) + 1; ++x) {
        const double d = std::hypot(x - cx, y - cy);
        if (d <= radius && (ring <= 0 || d >= radius - ring)) set(x, y, r, g, b);
      }
    }
  }
  void line(double x0, double y0, double x1, double y1, double width, uint8_t r, uint8_t g,
            uint8_t b) {
    const int steps = int(std::max(std::fabs(x1 - x0), std::fabs(y1 - y0))) + 1;
    for (int i = 0; i <= steps; ++i) {
      const double t = double(i) / steps;
      disc(x0 + (x1 - x0) * t, y0 + (y1 - y0) * t, width / 2, r, g, b);
    }
  }
};

RgbImage moving_shapes(int w, int h, int frame, int total) {
  Canvas c(w, h, 0, 0, 0);
  struct Shape {
    bool round;
    uint8_t r, g, b;
    double size, x, y, dx, dy;
  };
  const double n = std::max(1, total);
  const Shape shapes[] = {
      {true, 230, 40, 40, 30, 0, h / 2.0, 2.0 * w / n, 0},
      {false, 40, 210, 60, 25, w / 2.0, 0, 0, 2.0 * h / n},
      {true, 50, 80, 240, 20, double(w), double(h), -1.5 * w / n, -1.5 * h / n},
  };
  for (const Shape& s : shapes) {
    const double x = std::fmod(std::fmod(s.x + s.dx * frame, w) + w, w);
    const double y = std::fmod(std::fmod(s.y + s.dy * frame, h) + h, h);
    if (s.round) {
      c.disc(x, y, s.size / 2, s.r, s.g, s.b);
    } else {
      c.rect(x - s.size / 2, y - s.size / 2, x + s.size / 2, y + s.size / 2, s.r, s.g, s.b);
    }
  }
  return std::move(c.img);
}

RgbImage grid_clock(int w, int h, int frame, int total) {
  Canvas c(w, h, 32, 32, 32);
  for (int x = 0; x < w; x += 32) c.rect(x, 0, x, h - 1, 64, 64, 64);
  for (int y = 0; y < h; y += 32) c.rect(0, y, w - 1, y, 64, 64, 64);
  const double cx = w / 2, cy = h / 2, radius = std::min(w, h) / 4.0;
  const double angle = 2 * M_PI * frame / std::max(1, total);
  c.disc(cx, cy, radius, 128, 128, 128, 2);
  c.line(cx, cy, cx + 0.6 * radius * std::sin(angle / 12), cy - 0.6 * radius * std::cos(angle / 12),
         3, 250, 230, 0);
  c.line(cx, cy, cx + 0.9 * radius * std::sin(angle), cy - 0.9 * radius * std::cos(angle), 2, 255,
         255, 255);
  c.disc(cx, cy, 3, 230, 30, 30);
  // Frame counter: the frame number in binary, one 4x4 square per bit (lit = 1), top left.
  for (int bit = 0; bit < 12; ++bit) {
    const bool on = (frame >> (11 - bit)) & 1;
    c.rect(4 + bit * 6, 4, 7 + bit * 6, 7, on ? 255 : 70, on ? 255 : 70, on ? 255 : 70);
  }
  return std::move(c.img);
}

std::string read_all(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::ostringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

/// Runs argv (no shell), stdout and stderr to `log`. Returns the exit status (-1: not started).
int run_program(const std::vector<std::string>& argv, const std::string& log) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int null_in = ::open("/dev/null", O_RDONLY);
    if (fd >= 0) {
      ::dup2(fd, 1);
      ::dup2(fd, 2);
    }
    if (null_in >= 0) ::dup2(null_in, 0);
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

struct TempDir {
  std::string path;
  TempDir() {
    std::string templ = env::string("TMPDIR", "/tmp") + "/aiperf-video-XXXXXX";
    if (::mkdtemp(templ.data()) == nullptr) {
      throw std::runtime_error("synthetic video: cannot create a temporary directory");
    }
    path = templ;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

}  // namespace

VideoGenerator::VideoGenerator(const config::Config& cfg, const RngManager& rngs)
    : cfg_(cfg),
      noise_rng_(rngs.derive("dataset.video.noise")),
      audio_rng_(rngs.derive("dataset.video.audio")) {}

std::vector<RgbImage> VideoGenerator::frames() {
  const int total = int(cfg_.video_duration_s * double(cfg_.video_fps));
  const int w = int(cfg_.video_width.value_or(0));
  const int h = int(cfg_.video_height.value_or(0));
  std::vector<RgbImage> out;
  out.reserve(size_t(std::max(0, total)));
  for (int f = 0; f < total; ++f) {
    switch (cfg_.video_synth_type) {
      case config::VideoSynthType::kMovingShapes:
        out.push_back(moving_shapes(w, h, f, total));
        break;
      case config::VideoSynthType::kGridClock:
        out.push_back(grid_clock(w, h, f, total));
        break;
      case config::VideoSynthType::kNoise: {
        RgbImage img;
        img.width = w;
        img.height = h;
        img.pixels.resize(size_t(w) * size_t(h) * 3);
        for (auto& p : img.pixels) p = uint8_t(noise_rng_.next_u64() >> 56);
        out.push_back(std::move(img));
        break;
      }
    }
  }
  return out;
}

std::string VideoGenerator::generate() {
  return encode(draw());
}

VideoJob VideoGenerator::draw() {
  VideoJob job;
  job.frames = frames();
  const int channels = int(cfg_.video_audio_num_channels);
  if (job.frames.empty() || channels == 0) return job;
  const double r = cfg_.video_audio_sample_rate;
  const int rate_hz = int(r > 1000 ? r : r * 1000);
  const int depth = int(cfg_.video_audio_depth);
  const int scale_bits = depth == 8 ? 16 : depth;
  const double max_val = std::ldexp(1.0, scale_bits - 1) - 1.0;
  const size_t n = size_t(cfg_.video_duration_s * rate_hz) * size_t(channels);
  std::vector<int32_t> pcm(n);
  for (auto& s : pcm) {
    s = int32_t(std::clamp(audio_rng_.normal(0.0, 0.3), -1.0, 1.0) * max_val);
    if (depth == 8) s >>= 8;
  }
  job.wav = encode_wav(pcm, rate_hz, depth, channels);
  return job;
}

std::string VideoGenerator::encode(const VideoJob& job) const {
  const std::vector<RgbImage>& fr = job.frames;
  if (fr.empty()) return "";
  TempDir tmp;
  const std::string raw = tmp.path + "/frames.rgb";
  {
    std::ofstream f(raw, std::ios::binary);
    for (const auto& img : fr) {
      f.write(reinterpret_cast<const char*>(img.pixels.data()), std::streamsize(img.pixels.size()));
    }
    if (!f) throw std::runtime_error("synthetic video: cannot write " + raw);
  }
  const bool mp4 = cfg_.video_format == config::VideoFormat::kMp4;
  const std::string out = tmp.path + (mp4 ? "/video.mp4" : "/video.webm");
  std::vector<std::string> argv = {
      "ffmpeg",       "-nostdin",
      "-hide_banner", "-loglevel",
      "error",        "-y",
      "-f",           "rawvideo",
      "-pix_fmt",     "rgb24",
      "-s",           std::to_string(fr[0].width) + "x" + std::to_string(fr[0].height),
      "-r",           std::to_string(cfg_.video_fps),
      "-i",           raw};
  if (!job.wav.empty()) {
    const std::string wav = tmp.path + "/audio.wav";
    std::ofstream(wav, std::ios::binary) << job.wav;
    const std::string codec =
        cfg_.video_audio_codec.value_or(mp4 ? std::string("aac") : std::string("libvorbis"));
    argv.insert(argv.end(), {"-i", wav, "-c:a", codec, "-shortest"});
  }
  argv.insert(argv.end(),
              {"-c:v", cfg_.video_codec, "-pix_fmt", "yuv420p", "-f", mp4 ? "mp4" : "webm", out});
  const std::string log = tmp.path + "/ffmpeg.log";
  const int rc = run_program(argv, log);
  if (rc != 0) {
    std::string msg = read_all(log);
    std::replace(msg.begin(), msg.end(), '\n', ' ');
    if (msg.size() > 300) msg.resize(300);
    while (!msg.empty() && msg.back() == ' ') msg.pop_back();
    if (rc == 127) {
      throw std::runtime_error(
          "synthetic video: the ffmpeg program could not be run; install it (sudo apt-get "
          "install ffmpeg)");
    }
    // Almost always a setting ffmpeg refuses (encoder, container, size): a usage error.
    throw ConfigError("--video-codec " + cfg_.video_codec + ": ffmpeg failed to encode the " +
                      std::to_string(fr[0].width) + "x" + std::to_string(fr[0].height) + " " +
                      (mp4 ? "mp4" : "webm") + " video (exit " + std::to_string(rc) + "): " + msg);
  }
  return std::string(mp4 ? "data:video/mp4;base64," : "data:video/webm;base64,") +
         base64_encode(read_all(out));
}

}  // namespace aiperf::dataset::media
