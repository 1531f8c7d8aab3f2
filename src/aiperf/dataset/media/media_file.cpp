// Media strings of dataset files (spec §4.5, AIPerf's media conversion): data URLs, "<wav|mp3>,"
// audio and URLs with a scheme and a host are sent as written; anything else is a local file,
// read and inlined as base64.
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "aiperf/common/error.h"
#include "aiperf/dataset/media/media.h"

namespace aiperf::dataset::media {
namespace {

std::string lower(std::string s) {
  for (auto& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

/// "scheme://host..." with a non-empty alphabetic scheme and host.
bool is_url(const std::string& s) {
  const size_t sep = s.find("://");
  if (sep == std::string::npos || sep == 0 || sep + 3 >= s.size()) return false;
  for (size_t i = 0; i < sep; ++i) {
    const unsigned char c = s[i];
    if (!std::isalnum(c) && c != '+' && c != '-' && c != '.') return false;
  }
  return s[sep + 3] != '/';
}

std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::ostringstream ss;
  ss << f.rdbuf();
  if (!f) throw InputError("media file: cannot read '" + path + "'");
  return ss.str();
}

}  // namespace

void inline_media_file(MediaItem& item) {
  std::string& c = item.content;
  if (c.empty() || c.rfind("data:", 0) == 0 || is_url(c)) return;
  std::error_code ec;
  // A path that names no file is sent as written (AIPerf stops with FileNotFoundError; sample
  // files and traces often carry placeholder paths, docs/differences.md).
  if (!std::filesystem::is_regular_file(c, ec)) return;
  using Kind = MediaItem::Kind;
  const std::string ext = lower(std::filesystem::path(c).extension().string());
  switch (item.kind) {
    case Kind::kAudio: {
      const std::string head = lower(c.substr(0, 4));
      if (head == "wav," || head == "mp3,") return;  // already "<format>,<base64>"
      if (ext != ".wav" && ext != ".mp3") {
        throw InputError("media file '" + c + "': '" + ext +
                         "' is not one of the supported audio formats: wav, mp3");
      }
      c = ext.substr(1) + "," + base64_encode(read_file(c));
      return;
    }
    case Kind::kVideo: {
      if (ext != ".mp4" && ext != ".webm") {
        throw InputError("media file '" + c + "': '" + ext +
                         "' is not one of the supported video formats: mp4, webm");
      }
      c = "data:video/" + ext.substr(1) + ";base64," + base64_encode(read_file(c));
      return;
    }
    case Kind::kImage: {
      const std::string bytes = read_file(c);
      const auto u = [&](size_t i) { return i < bytes.size() ? uint8_t(bytes[i]) : uint8_t(0); };
      const char* format = nullptr;
      if (u(0) == 0x89 && u(1) == 'P' && u(2) == 'N' && u(3) == 'G') format = "png";
      if (u(0) == 0xff && u(1) == 0xd8 && u(2) == 0xff) format = "jpeg";
      if (format == nullptr) {
        throw InputError("media file '" + c +
                         "': not one of the supported image formats: png, jpeg");
      }
      c = std::string("data:image/") + format + ";base64," + base64_encode(bytes);
      return;
    }
  }
}

}  // namespace aiperf::dataset::media
