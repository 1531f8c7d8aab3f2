// dump_compact: nlohmann's compact dump, with a fast path for ASCII strings.
#include "aiperf/endpoint/body_util.h"

#include <cstdint>
#include <cstring>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace aiperf::endpoint::detail {
namespace {

/// Does any of the 8 bytes at `p` need more than a copy: '"', '\\', a control character
/// (< 0x20) or a byte >= 0x80 (UTF-8, which nlohmann validates)?
inline bool word_needs_care(const char* p) {
  uint64_t w;
  std::memcpy(&w, p, 8);
  constexpr uint64_t kOnes = 0x0101010101010101ULL, kHigh = 0x8080808080808080ULL;
  auto has_byte = [&](uint8_t b) {
    const uint64_t x = w ^ (kOnes * b);
    return (x - kOnes) & ~x & kHigh;
  };
  const uint64_t below_space = (w - kOnes * 0x20) & ~w & kHigh;
  return ((w & kHigh) | below_space | has_byte('"') | has_byte('\\')) != 0;
}

/// The length of the prefix of `s` that is copied as it is (no byte word_needs_care finds),
/// 16 bytes at a time where SSE2 is there (x86-64 always), else 8.
size_t plain_prefix(std::string_view s) {
  size_t i = 0;
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\'),
                space = _mm_set1_epi8(0x20);
  for (; i + 16 <= s.size(); i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
    // A signed compare: bytes >= 0x80 are negative, so "< 0x20" catches them too.
    const __m128i bad =
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)),
                     _mm_cmplt_epi8(v, space));
    if (_mm_movemask_epi8(bad) != 0) break;
  }
#endif
  while (i + 8 <= s.size() && !word_needs_care(s.data() + i)) i += 8;
  return i;
}

/// Appends `s` as nlohmann writes it (ensure_ascii off): '"' and '\\' escaped, \b \t \n \f \r,
/// other control characters as \u00xx (lower-case hex), everything else verbatim. False, with
/// `out` unchanged, when `s` has a byte >= 0x80: nlohmann then validates (and replaces) UTF-8.
bool append_ascii_string(std::string_view s, std::string& out) {
  size_t i = plain_prefix(s);
  for (size_t k = i; k < s.size(); ++k)
    if (static_cast<unsigned char>(s[k]) >= 0x80) return false;
  out.reserve(out.size() + s.size() + 2);
  out += '"';
  out.append(s.data(), i);
  static constexpr char kHex[] = "0123456789abcdef";
  for (; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 15];
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
  return true;
}

void dump_nlohmann(const Json& j, std::string& out) {
  out += j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

void dump_into(const Json& j, std::string& out) {
  switch (j.type()) {
    case Json::value_t::object: {
      out += '{';
      bool first = true;
      for (auto it = j.begin(); it != j.end(); ++it) {
        if (!first) out += ',';
        first = false;
        if (!append_ascii_string(it.key(), out)) dump_nlohmann(Json(it.key()), out);
        out += ':';
        dump_into(it.value(), out);
      }
      out += '}';
      return;
    }
    case Json::value_t::array: {
      out += '[';
      bool first = true;
      for (const Json& v : j) {
        if (!first) out += ',';
        first = false;
        dump_into(v, out);
      }
      out += ']';
      return;
    }
    case Json::value_t::string:
      if (!append_ascii_string(j.get_ref<const std::string&>(), out)) dump_nlohmann(j, out);
      return;
    default:  // numbers, booleans, null, binary
      dump_nlohmann(j, out);
  }
}

}  // namespace

std::string dump_compact(const Json& j) {
  std::string out;
  out.reserve(1024);
  dump_into(j, out);
  return out;
}

}  // namespace aiperf::endpoint::detail
