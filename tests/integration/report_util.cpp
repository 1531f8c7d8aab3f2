#include "report_util.h"

#include <png.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace aiperf::testing {

namespace fs = std::filesystem;

MockRun mock_run(const std::string& url, int requests, int concurrency,
                 const std::vector<std::string>& extra) {
  MockRun r;
  r.dir = make_temp_dir("aiperf-report-run");
  std::vector<std::string> argv = {AIPERF_BIN,
                                   "profile",
                                   "--ui",
                                   "none",
                                   "--model",
                                   "m",
                                   "--url",
                                   url,
                                   "--endpoint-type",
                                   "chat",
                                   "--streaming",
                                   "--tokenizer",
                                   "builtin",
                                   "--osl",
                                   "12",
                                   "--isl",
                                   "16",
                                   "--concurrency",
                                   std::to_string(concurrency),
                                   "--request-count",
                                   std::to_string(requests),
                                   "--artifact-dir",
                                   r.dir};
  argv.insert(argv.end(), extra.begin(), extra.end());
  r.result = run_command(argv, 120);
  return r;
}

void copy_run(const std::string& src, const std::string& dst,
              void (*edit)(nlohmann::json& summary, double k), double k) {
  fs::create_directories(dst);
  nlohmann::json s = nlohmann::json::parse(read_file(src + "/profile_export_aiperf.json"));
  edit(s, k);
  std::ofstream(dst + "/profile_export_aiperf.json") << s.dump(2);
  fs::copy_file(src + "/profile_export.jsonl", dst + "/profile_export.jsonl",
                fs::copy_options::overwrite_existing);
}

PngInfo inspect_png(const std::string& path) {
  PngInfo info;
  png_image img{};
  img.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_file(&img, path.c_str())) return info;
  img.format = PNG_FORMAT_RGBA;
  std::vector<unsigned char> px(PNG_IMAGE_SIZE(img));
  if (!png_image_finish_read(&img, nullptr, px.data(), 0, nullptr)) return info;
  info.width = int(img.width);
  info.height = int(img.height);
  size_t differ = 0;
  const size_t n = size_t(img.width) * img.height;
  for (size_t i = 0; i < n; ++i) {
    for (int c = 0; c < 3; ++c) {
      if (std::abs(int(px[i * 4 + c]) - int(px[c])) > 24) {
        ++differ;
        break;
      }
    }
  }
  info.drawn = n ? double(differ) / double(n) : 0;
  return info;
}

std::string chromium_binary() {
  for (const char* p : {"/usr/bin/chromium", "/usr/bin/chromium-browser"}) {
    if (::access(p, X_OK) == 0) return p;
  }
  return "";
}

CommandResult run_chromium(const std::vector<std::string>& extra, int timeout_s) {
  std::string profile = make_temp_dir("aiperf-chromium");
  std::vector<std::string> argv = {chromium_binary(),
                                   "--headless",
                                   "--no-sandbox",
                                   "--disable-gpu",
                                   "--disable-background-networking",
                                   "--disable-component-update",
                                   "--disable-sync",
                                   "--no-first-run",
                                   "--disable-dev-shm-usage",
                                   "--user-data-dir=" + profile,
                                   "--virtual-time-budget=5000",
                                   "--window-size=1280,2400"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  CommandResult r = run_command(argv, timeout_s);
  std::error_code ec;
  fs::remove_all(profile, ec);
  return r;
}

std::vector<std::string> files_with_suffix(const std::string& dir, const std::string& suffix) {
  std::vector<std::string> out;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string p = it->path().string();
    if (p.size() >= suffix.size() &&
        p.compare(p.size() - suffix.size(), suffix.size(), suffix) == 0) {
      out.push_back(p);
    }
  }
  return out;
}

}  // namespace aiperf::testing
