// Synthetic images (spec §4.7): size drawn per image, pixels from noise, the built-in assets or
// a user directory (resized bilinearly), encoded as PNG (libpng) or JPEG (libjpeg-turbo).
#include <png.h>
#include <setjmp.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

// jpeglib.h needs FILE and size_t declared first.
#include <jpeglib.h>

#include "aiperf/common/error.h"
#include "aiperf/dataset/media/media.h"

extern "C" const unsigned char aiperf_image_assets[];

namespace aiperf::dataset::media {
namespace {

constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// ---- PNG -------------------------------------------------------------------------------------

void png_append(png_structp png, png_bytep data, png_size_t len) {
  auto* out = static_cast<std::string*>(png_get_io_ptr(png));
  out->append(reinterpret_cast<const char*>(data), len);
}
void png_flush_noop(png_structp) {}

struct PngReader {
  std::string_view bytes;
  size_t pos = 0;
};
void png_read_mem(png_structp png, png_bytep data, png_size_t len) {
  auto* r = static_cast<PngReader*>(png_get_io_ptr(png));
  if (r->pos + len > r->bytes.size()) png_error(png, "truncated PNG");
  std::memcpy(data, r->bytes.data() + r->pos, len);
  r->pos += len;
}

RgbImage decode_png(std::string_view bytes, const std::string& what) {
  png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  png_infop info = png ? png_create_info_struct(png) : nullptr;
  if (!png || !info) throw std::bad_alloc();
  RgbImage img;
  std::vector<png_bytep> rows;
  PngReader reader{bytes, 0};
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_read_struct(&png, &info, nullptr);
    throw InputError(what + ": not a readable PNG image");
  }
  png_set_read_fn(png, &reader, png_read_mem);
  png_read_info(png, info);
  png_set_expand(png);  // palette -> RGB, grey < 8 bits -> 8, tRNS -> alpha
  png_set_strip_16(png);
  png_set_strip_alpha(png);
  png_set_gray_to_rgb(png);
  png_set_interlace_handling(png);
  png_read_update_info(png, info);
  img.width = int(png_get_image_width(png, info));
  img.height = int(png_get_image_height(png, info));
  img.pixels.resize(size_t(img.width) * size_t(img.height) * 3);
  rows.resize(size_t(img.height));
  for (int y = 0; y < img.height; ++y) rows[size_t(y)] = &img.pixels[size_t(y) * img.width * 3];
  png_read_image(png, rows.data());
  png_read_end(png, nullptr);
  png_destroy_read_struct(&png, &info, nullptr);
  return img;
}

// ---- JPEG ------------------------------------------------------------------------------------

struct JpegError {
  jpeg_error_mgr mgr;
  jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
};
void jpeg_fail(j_common_ptr cinfo) {
  auto* err = reinterpret_cast<JpegError*>(cinfo->err);
  (*cinfo->err->format_message)(cinfo, err->message);
  longjmp(err->jump, 1);
}
void jpeg_quiet(j_common_ptr, int) {}

RgbImage decode_jpeg(std::string_view bytes, const std::string& what) {
  jpeg_decompress_struct cinfo;
  JpegError err;
  cinfo.err = jpeg_std_error(&err.mgr);
  err.mgr.error_exit = jpeg_fail;
  err.mgr.emit_message = jpeg_quiet;
  RgbImage img;
  if (setjmp(err.jump)) {
    jpeg_destroy_decompress(&cinfo);
    throw InputError(what + ": not a readable JPEG image (" + err.message + ")");
  }
  jpeg_create_decompress(&cinfo);
  jpeg_mem_src(&cinfo, reinterpret_cast<const unsigned char*>(bytes.data()),
               static_cast<unsigned long>(bytes.size()));
  jpeg_read_header(&cinfo, TRUE);
  cinfo.out_color_space = JCS_RGB;  // grey and YCbCr converted; CMYK is refused by libjpeg
  jpeg_start_decompress(&cinfo);
  img.width = int(cinfo.output_width);
  img.height = int(cinfo.output_height);
  img.pixels.resize(size_t(img.width) * size_t(img.height) * 3);
  while (cinfo.output_scanline < cinfo.output_height) {
    JSAMPROW row = &img.pixels[size_t(cinfo.output_scanline) * size_t(img.width) * 3];
    jpeg_read_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_decompress(&cinfo);
  jpeg_destroy_decompress(&cinfo);
  return img;
}

std::string read_whole_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw InputError("--image-source: cannot read '" + path + "'");
  std::ostringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

}  // namespace

std::string base64_encode(std::string_view in) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const uint32_t v = uint32_t(uint8_t(in[i])) << 16 | uint32_t(uint8_t(in[i + 1])) << 8 |
                       uint32_t(uint8_t(in[i + 2]));
    out += kB64[v >> 18];
    out += kB64[(v >> 12) & 63];
    out += kB64[(v >> 6) & 63];
    out += kB64[v & 63];
  }
  if (i < in.size()) {
    uint32_t v = uint32_t(uint8_t(in[i])) << 16;
    if (i + 1 < in.size()) v |= uint32_t(uint8_t(in[i + 1])) << 8;
    out += kB64[v >> 18];
    out += kB64[(v >> 12) & 63];
    out += i + 1 < in.size() ? kB64[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::string encode_png(const RgbImage& img) {
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  png_infop info = png ? png_create_info_struct(png) : nullptr;
  if (!png || !info) throw std::bad_alloc();
  std::string out;
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, &info);
    throw std::runtime_error("PNG encoding failed");
  }
  png_set_write_fn(png, &out, png_append, png_flush_noop);
  png_set_IHDR(png, info, png_uint_32(img.width), png_uint_32(img.height), 8, PNG_COLOR_TYPE_RGB,
               PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info(png, info);
  for (int y = 0; y < img.height; ++y) {
    png_write_row(png, const_cast<png_bytep>(&img.pixels[size_t(y) * img.width * 3]));
  }
  png_write_end(png, nullptr);
  png_destroy_write_struct(&png, &info);
  return out;
}

std::string encode_jpeg(const RgbImage& img, int quality) {
  jpeg_compress_struct cinfo;
  JpegError err;
  cinfo.err = jpeg_std_error(&err.mgr);
  err.mgr.error_exit = jpeg_fail;
  unsigned char* buf = nullptr;
  unsigned long size = 0;
  if (setjmp(err.jump)) {
    jpeg_destroy_compress(&cinfo);
    std::free(buf);
    throw std::runtime_error(std::string("JPEG encoding failed: ") + err.message);
  }
  jpeg_create_compress(&cinfo);
  jpeg_mem_dest(&cinfo, &buf, &size);
  cinfo.image_width = JDIMENSION(img.width);
  cinfo.image_height = JDIMENSION(img.height);
  cinfo.input_components = 3;
  cinfo.in_color_space = JCS_RGB;
  jpeg_set_defaults(&cinfo);
  jpeg_set_quality(&cinfo, quality, TRUE);
  for (int c = 0; c < cinfo.num_components; ++c) {  // 4:4:4, no chroma subsampling (as AIPerf)
    cinfo.comp_info[c].h_samp_factor = 1;
    cinfo.comp_info[c].v_samp_factor = 1;
  }
  jpeg_start_compress(&cinfo, TRUE);
  while (cinfo.next_scanline < cinfo.image_height) {
    JSAMPROW row =
        const_cast<JSAMPROW>(&img.pixels[size_t(cinfo.next_scanline) * size_t(img.width) * 3]);
    jpeg_write_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_compress(&cinfo);
  std::string out(reinterpret_cast<const char*>(buf), size);
  jpeg_destroy_compress(&cinfo);
  std::free(buf);
  return out;
}

RgbImage decode_image(std::string_view bytes, const std::string& what) {
  static constexpr unsigned char kPngSig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  if (bytes.size() >= 8 && std::memcmp(bytes.data(), kPngSig, 8) == 0) {
    return decode_png(bytes, what);
  }
  if (bytes.size() >= 3 && uint8_t(bytes[0]) == 0xff && uint8_t(bytes[1]) == 0xd8 &&
      uint8_t(bytes[2]) == 0xff) {
    return decode_jpeg(bytes, what);
  }
  throw InputError(what + ": not a PNG or JPEG image");
}

RgbImage resize_bilinear(const RgbImage& src, int w, int h) {
  RgbImage out;
  out.width = w;
  out.height = h;
  out.pixels.resize(size_t(w) * size_t(h) * 3);
  if (src.width <= 0 || src.height <= 0) return out;
  const double sx = double(src.width) / w;
  const double sy = double(src.height) / h;
  for (int y = 0; y < h; ++y) {
    const double fy = std::clamp((y + 0.5) * sy - 0.5, 0.0, double(src.height - 1));
    const int y0 = int(fy);
    const int y1 = std::min(y0 + 1, src.height - 1);
    const double wy = fy - y0;
    for (int x = 0; x < w; ++x) {
      const double fx = std::clamp((x + 0.5) * sx - 0.5, 0.0, double(src.width - 1));
      const int x0 = int(fx);
      const int x1 = std::min(x0 + 1, src.width - 1);
      const double wx = fx - x0;
      for (int c = 0; c < 3; ++c) {
        auto px = [&](int xx, int yy) {
          return double(src.pixels[(size_t(yy) * src.width + xx) * 3 + c]);
        };
        const double top = px(x0, y0) * (1 - wx) + px(x1, y0) * wx;
        const double bottom = px(x0, y1) * (1 - wx) + px(x1, y1) * wx;
        out.pixels[(size_t(y) * w + x) * 3 + c] =
            uint8_t(std::lround(top * (1 - wy) + bottom * wy));
      }
    }
  }
  return out;
}

std::vector<std::string_view> builtin_image_assets() {
  uint64_t header[5];
  std::memcpy(header, aiperf_image_assets, sizeof header);
  std::vector<std::string_view> out;
  const char* p = reinterpret_cast<const char*>(aiperf_image_assets) + 8 * (1 + header[0]);
  for (uint64_t i = 0; i < header[0]; ++i) {
    out.emplace_back(p, size_t(header[1 + i]));
    p += header[1 + i];
  }
  return out;
}

struct ImageGenerator::Impl {
  const config::Config& cfg;
  Rng dimensions_rng;
  Rng format_rng;
  Rng noise_rng;
  Rng source_rng;
  bool noise = false;
  std::vector<std::string> paths;      // directory sources, sorted (decoded when picked)
  std::vector<RgbImage> assets;        // built-in sources, decoded once
  std::vector<size_t> shuffle_pool;    // shuffle-cycle: indexes left in this cycle
  size_t sequential_next = 0;          // sequential-cycle
  std::vector<RgbImage> decode_cache;  // directory images, decoded once each

  Impl(const config::Config& c, const RngManager& rngs)
      : cfg(c),
        dimensions_rng(rngs.derive("dataset.image.dimensions")),
        format_rng(rngs.derive("dataset.image.format")),
        noise_rng(rngs.derive("dataset.image.noise")),
        source_rng(rngs.derive("dataset.image.source")) {}

  size_t source_count() const {
    return noise ? 0 : (assets.empty() ? paths.size() : assets.size());
  }

  /// Sources not retired as unreadable, in load order (AIPerf's available indexes).
  std::vector<size_t> available;
  std::vector<bool> retired;

  size_t next_index() {
    switch (cfg.image_source_sampling) {
      case config::ImageSourceSampling::kRandomWithReplacement:
        return available[size_t(source_rng.randrange(int64_t(available.size())))];
      case config::ImageSourceSampling::kShuffleCycle:
        if (shuffle_pool.empty()) {
          shuffle_pool = available;
          source_rng.shuffle(shuffle_pool.begin(), shuffle_pool.end());
        }
        {
          const size_t i = shuffle_pool.back();
          shuffle_pool.pop_back();
          return i;
        }
      case config::ImageSourceSampling::kSequentialCycle:
        for (size_t k = 0; k < retired.size(); ++k) {
          const size_t i = sequential_next;
          sequential_next = (sequential_next + 1) % retired.size();
          if (!retired[i]) return i;
        }
        break;
    }
    return available.front();
  }

  /// A picked source, decoded; an unreadable file is retired and another one picked (AIPerf
  /// skips them too); none readable at all is an error.
  const RgbImage& next_source() {
    while (!available.empty()) {
      const size_t i = next_index();
      if (!assets.empty()) return assets[i];
      RgbImage& slot = decode_cache[i];
      if (!slot.pixels.empty()) return slot;
      try {
        slot = decode_image(read_whole_file(paths[i]), paths[i]);
        return slot;
      } catch (const InputError&) {
        retired[i] = true;
        available.erase(std::find(available.begin(), available.end(), i));
        shuffle_pool.erase(std::remove(shuffle_pool.begin(), shuffle_pool.end(), i),
                           shuffle_pool.end());
      }
    }
    throw InputError("--image-source: No readable source images found in '" + cfg.image_source +
                     "'. Please ensure the directory contains at least one readable image file.");
  }

  RgbImage noise_pixels(int w, int h) {
    RgbImage img;
    img.width = w;
    img.height = h;
    img.pixels.resize(size_t(w) * size_t(h) * 3);
    size_t i = 0;
    for (; i + 8 <= img.pixels.size(); i += 8) {
      const uint64_t v = noise_rng.next_u64();
      std::memcpy(&img.pixels[i], &v, 8);
    }
    if (i < img.pixels.size()) {
      const uint64_t v = noise_rng.next_u64();
      std::memcpy(&img.pixels[i], &v, img.pixels.size() - i);
    }
    return img;
  }
};

ImageGenerator::ImageGenerator(const config::Config& cfg, const RngManager& rngs)
    : impl_(std::make_unique<Impl>(cfg, rngs)) {
  if (cfg.image_source == "noise") {
    impl_->noise = true;
  } else if (cfg.image_source == "assets") {
    for (std::string_view bytes : builtin_image_assets()) {
      impl_->assets.push_back(decode_image(bytes, "built-in image"));
    }
  } else {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (!fs::is_directory(cfg.image_source, ec)) {
      throw ConfigError("--image-source: The directory '" + cfg.image_source + "' does not exist.");
    }
    for (const auto& e : fs::directory_iterator(cfg.image_source, ec)) {
      const std::string name = e.path().filename().string();
      std::string ext = e.path().extension().string();
      std::transform(ext.begin(), ext.end(), ext.begin(),
                     [](unsigned char ch) { return char(std::tolower(ch)); });
      const bool image =
          ext == ".png" || ext == ".jpg" || ext == ".jpeg" || ext == ".jpe" || ext == ".jfif";
      if (image && e.is_regular_file(ec)) impl_->paths.push_back(e.path().string());
    }
    std::sort(impl_->paths.begin(), impl_->paths.end());
    if (impl_->paths.empty()) {
      throw ConfigError("--image-source: No source images found in '" + cfg.image_source +
                        "'. Please ensure the directory contains at least one image file.");
    }
    impl_->decode_cache.resize(impl_->paths.size());
  }
  const size_t n = impl_->source_count();
  for (size_t i = 0; i < n; ++i) impl_->available.push_back(i);
  impl_->retired.assign(n, false);
}

ImageGenerator::~ImageGenerator() = default;

std::string ImageGenerator::generate() {
  return encode(draw());
}

ImageJob ImageGenerator::draw() {
  Impl& s = *impl_;
  ImageJob job;
  job.png = s.cfg.image_format == config::ImageFormat::kPng;
  if (s.cfg.image_format == config::ImageFormat::kRandom) {
    job.png = s.format_rng.randrange(2) == 0;
  }
  job.width = int(sample_positive_normal_integer(s.dimensions_rng, s.cfg.image_width_mean,
                                                 s.cfg.image_width_stddev));
  job.height = int(sample_positive_normal_integer(s.dimensions_rng, s.cfg.image_height_mean,
                                                  s.cfg.image_height_stddev));
  if (s.noise) {
    job.pixels = s.noise_pixels(job.width, job.height);
  } else {
    job.source = &s.next_source();
  }
  return job;
}

std::string ImageGenerator::encode(const ImageJob& job) {
  const RgbImage resized =
      job.source ? resize_bilinear(*job.source, job.width, job.height) : RgbImage{};
  const RgbImage& img = job.source ? resized : job.pixels;
  const std::string bytes = job.png ? encode_png(img) : encode_jpeg(img);
  return std::string(job.png ? "data:image/png;base64," : "data:image/jpeg;base64,") +
         base64_encode(bytes);
}

}  // namespace aiperf::dataset::media
