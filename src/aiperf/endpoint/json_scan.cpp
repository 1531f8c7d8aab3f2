// Shared simdjson helpers of the response parsers (json_scan.h): the thread-local parser and
// padded buffer, field access, and the usage and error objects every API carries (spec §2.5).
#include "aiperf/endpoint/json_scan.h"

#include <array>
#include <cstdint>
#include <cstring>
#include <utility>

namespace aiperf::endpoint::detail {

namespace {

struct ThreadState {
  od::parser parser;
  std::string buf;
  size_t lead = 0;  // bytes of the payload before buf[0] (leading whitespace trimmed)
};

ThreadState& thread_state() {
  thread_local ThreadState t;
  return t;
}

std::string_view trim(std::string_view s) {
  auto ws = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && ws(s.front())) s.remove_prefix(1);
  while (!s.empty() && ws(s.back())) s.remove_suffix(1);
  return s;
}

bool start_document_impl(std::string_view payload, od::document& doc, bool allow_array) {
  const char* const given = payload.data();
  payload = trim(payload);
  if (payload.empty() || !(payload.front() == '{' || (allow_array && payload.front() == '['))) {
    return false;
  }
  ThreadState& t = thread_state();
  t.lead = size_t(payload.data() - given);
  const size_t need = payload.size() + simdjson::SIMDJSON_PADDING;
  if (t.buf.size() < need) t.buf.resize(need < 4096 ? 4096 : need * 2);
  std::memcpy(t.buf.data(), payload.data(), payload.size());
  std::memset(t.buf.data() + payload.size(), 0, simdjson::SIMDJSON_PADDING);
  return !t.parser.iterate(t.buf.data(), payload.size(), t.buf.size()).get(doc);
}

// ---- usage (spec §2.5; AIPerf's Usage wrapper: "first present" key, envelopes unwrapped) ----

enum UKey : uint8_t {
  kPromptTokens,
  kInputTokens,
  kPromptTokenCount,
  kInputTokensCamel,
  kInputTokenCount,
  kCompletionTokens,
  kOutputTokens,
  kCandidatesTokenCount,
  kOutputTokensCamel,
  kGeneratedTokenCount,
  kTotalTokens,
  kTotalTokenCount,
  kTotalTokensCamel,
  kThoughtsTokenCount,
  kCacheReadInputTokens,
  kPromptCacheHitTokens,
  kCachedContentTokenCount,
  kCacheReadInputTokensCamel,
  kCachedTokensTop,
  kCacheCreationInputTokens,
  kCacheWriteInputTokensCamel,
  kPromptCacheMissTokens,
  kToolUsePromptTokenCount,
  kPromptAudioSeconds,
  kNumUKeys
};

constexpr std::array<std::string_view, kNumUKeys> kUKeyNames = {"prompt_tokens",
                                                                "input_tokens",
                                                                "promptTokenCount",
                                                                "inputTokens",
                                                                "input_token_count",
                                                                "completion_tokens",
                                                                "output_tokens",
                                                                "candidatesTokenCount",
                                                                "outputTokens",
                                                                "generated_token_count",
                                                                "total_tokens",
                                                                "totalTokenCount",
                                                                "totalTokens",
                                                                "thoughtsTokenCount",
                                                                "cache_read_input_tokens",
                                                                "prompt_cache_hit_tokens",
                                                                "cachedContentTokenCount",
                                                                "cacheReadInputTokens",
                                                                "cached_tokens",
                                                                "cache_creation_input_tokens",
                                                                "cacheWriteInputTokens",
                                                                "prompt_cache_miss_tokens",
                                                                "toolUsePromptTokenCount",
                                                                "prompt_audio_seconds"};

// Details dicts, in lookup order: prompt side first two, completion side last two.
constexpr std::array<std::string_view, 4> kDetailsNames = {
    "prompt_tokens_details", "input_tokens_details", "completion_tokens_details",
    "output_tokens_details"};
enum DField : uint8_t { kCached, kAudio, kReasoning, kAccepted, kRejected, kNumDFields };
constexpr std::array<std::string_view, kNumDFields> kDFieldNames = {
    "cached_tokens", "audio_tokens", "reasoning_tokens", "accepted_prediction_tokens",
    "rejected_prediction_tokens"};

/// A value read at a usage key (read_slot). Left unset until read: Slots says which are.
struct Slot {
  bool numeric;
  bool is_bool;
  int64_t i;
  double d;
};

/// What a usage object holds, by key. Only the presence bits start zeroed (a usage object names
/// a few of the ~40 keys looked up, and zeroing every slot cost more than reading them).
struct Slots {
  static_assert(kNumUKeys <= 32 && kNumDFields <= 8);
  uint32_t present = 0;                 // bit per UKey
  uint8_t det_present = 0;              // bit per details dict: the key is there
  uint8_t det_object = 0;               // bit per details dict: ... and holds an object
  std::array<uint8_t, 4> det_fields{};  // per details dict, bit per DField read
  std::array<Slot, kNumUKeys> k;
  std::array<std::array<Slot, kNumDFields>, 4> det;

  const Slot* key(int i) const { return (present >> i) & 1 ? &k[i] : nullptr; }
  const Slot* det_field(int d, int f) const {
    return ((det_object >> d) & 1) && ((det_fields[d] >> f) & 1) ? &det[d][f] : nullptr;
  }
};

void read_slot(od::value& v, Slot& s) {
  s = Slot{};
  od::json_type t;
  if (!type_of(v, t)) return;
  if (t == od::json_type::boolean) {
    s.is_bool = true;
    return;
  }
  if (t != od::json_type::number) return;
  od::number n;
  if (v.get_number().get(n)) return;
  s.numeric = true;
  if (n.is_int64()) {
    s.i = n.get_int64();
    s.d = static_cast<double>(s.i);
  } else if (n.is_uint64()) {
    s.d = static_cast<double>(n.get_uint64());
    s.i = INT64_MAX;  // above INT64_MAX: saturate
  } else {
    s.d = n.get_double();
    // A count beyond int64 (a hostile or broken server) saturates instead of being undefined.
    constexpr double kLimit = 9.2e18;
    s.i = s.d >= kLimit ? INT64_MAX : s.d <= -kLimit ? INT64_MIN : static_cast<int64_t>(s.d);
  }
}

template <size_t N>
int index_of(const std::array<std::string_view, N>& names, RawKey k) {
  for (size_t i = 0; i < N; ++i) {
    // The first letter first: most names differ there, without a memcmp call.
    if (names[i][0] == k.p[0] && k == names[i]) return static_cast<int>(i);
  }
  return -1;
}

/// Reads a usage object into `top`; the Gemini `usageMetadata` and Cohere v2 `tokens`
/// envelopes go to `env` (merged under `top`, as dict.setdefault does). Returns the number of
/// members of the object, or -1 on a JSON error.
int read_usage_object(od::object obj, Slots& top, Slots* env) {
  int n = 0;
  for (auto fr : obj) {
    od::field f;
    if (std::move(fr).get(f)) return -1;
    ++n;
    const RawKey k = raw_key(f);
    od::value& v = f.value();
    int ki = index_of(kUKeyNames, k);
    if (ki >= 0) {
      read_slot(v, top.k[ki]);
      top.present |= uint32_t(1) << ki;
      continue;
    }
    int di = index_of(kDetailsNames, k);
    if (di >= 0) {
      top.det_present |= uint8_t(1 << di);
      od::json_type t;
      if (!type_of(v, t) || t != od::json_type::object) continue;
      top.det_object |= uint8_t(1 << di);
      od::object d;
      if (v.get_object().get(d)) return -1;
      for (auto dfr : d) {
        od::field df;
        if (std::move(dfr).get(df)) return -1;
        int fi = index_of(kDFieldNames, raw_key(df));
        if (fi >= 0) {
          read_slot(df.value(), top.det[di][fi]);
          top.det_fields[di] |= uint8_t(1 << fi);
        }
      }
      continue;
    }
    if (env && (k == "usageMetadata" || k == "tokens")) {
      od::json_type t;
      if (!type_of(v, t) || t != od::json_type::object) continue;
      od::object e;
      if (v.get_object().get(e)) return -1;
      if (read_usage_object(e, *env, nullptr) < 0) return -1;
    }
  }
  return n;
}

struct MergedUsage {
  const Slots& top;
  const Slots& env;

  const Slot* key(UKey k) const {
    if (const Slot* s = top.key(k)) return s;
    return env.key(k);
  }
  /// The value at the first present key (a present null / non-number gives nullopt).
  const Slot* first_present(std::initializer_list<UKey> keys) const {
    for (UKey k : keys)
      if (const Slot* s = key(k)) return s;
    return nullptr;
  }
  /// The first details dict (in `dicts` order) that is an object holding `field`.
  const Slot* first_in_details(std::initializer_list<int> dicts, DField field) const {
    for (int d : dicts) {
      const Slots& src = (top.det_present >> d) & 1 ? top : env;
      if (const Slot* s = src.det_field(d, field)) return s;
    }
    return nullptr;
  }
};

std::optional<int64_t> as_int(const Slot* s) {
  if (!s || !s->numeric) return std::nullopt;
  return s->i;
}

void resolve_usage(const Slots& top, const Slots& env, record::Usage& u) {
  MergedUsage m{top, env};
  u.prompt_tokens = as_int(m.first_present(
      {kPromptTokens, kInputTokens, kPromptTokenCount, kInputTokensCamel, kInputTokenCount}));
  u.completion_tokens =
      as_int(m.first_present({kCompletionTokens, kOutputTokens, kCandidatesTokenCount,
                              kOutputTokensCamel, kGeneratedTokenCount}));
  u.total_tokens = as_int(m.first_present({kTotalTokens, kTotalTokenCount, kTotalTokensCamel}));
  // A nested value that is null falls through to the top-level synonyms (`is not None`).
  const Slot* r = m.first_in_details({2, 3}, kReasoning);
  u.reasoning_tokens =
      (r && r->numeric) ? as_int(r) : as_int(m.first_present({kThoughtsTokenCount}));
  const Slot* c = m.first_in_details({0, 1}, kCached);
  u.prompt_cache_read_tokens =
      (c && c->numeric) ? as_int(c)
                        : as_int(m.first_present({kCacheReadInputTokens, kPromptCacheHitTokens,
                                                  kCachedContentTokenCount,
                                                  kCacheReadInputTokensCamel, kCachedTokensTop}));
  u.prompt_cache_write_tokens =
      as_int(m.first_present({kCacheCreationInputTokens, kCacheWriteInputTokensCamel}));
  u.prompt_cache_miss_tokens = as_int(m.first_present({kPromptCacheMissTokens}));
  u.prompt_audio_tokens = as_int(m.first_in_details({0, 1}, kAudio));
  u.completion_audio_tokens = as_int(m.first_in_details({2, 3}, kAudio));
  u.accepted_prediction_tokens = as_int(m.first_in_details({2, 3}, kAccepted));
  u.rejected_prediction_tokens = as_int(m.first_in_details({2, 3}, kRejected));
  u.tool_use_prompt_tokens = as_int(m.first_present({kToolUsePromptTokenCount}));
  const Slot* a = m.first_present({kPromptAudioSeconds});
  u.prompt_audio_seconds =
      (a && a->numeric && !a->is_bool) ? std::optional<double>(a->d) : std::nullopt;
}

}  // namespace

bool start_document(std::string_view payload, od::document& doc, bool allow_array) {
  return start_document_impl(payload, doc, allow_array);
}

std::optional<size_t> verbatim_offset(const char* raw, std::string_view s) {
  if (raw == nullptr || *raw != '"') return std::nullopt;
  const char* q = raw + 1;
  // An escape shortens the text; without one in the first s.size() raw bytes, and the closing
  // quote right after them, the raw bytes are the text.
  if (q[s.size()] != '"' || std::memchr(q, '\\', s.size()) != nullptr) return std::nullopt;
  const ThreadState& t = thread_state();
  return size_t(q - t.buf.data()) + t.lead;
}

int read_usage(od::value& v, ParsedResponse& out) {
  od::json_type t;
  if (!type_of(v, t) || t != od::json_type::object) return 0;
  od::object uo;
  if (v.get_object().get(uo)) return -1;
  Slots top, env;
  int n = read_usage_object(uo, top, &env);
  if (n < 0) return -1;
  if (n == 0) return 0;  // an empty usage dict is "no usage" (AIPerf: `usage or None`)
  out.has_usage = true;
  out.usage = record::Usage{};
  resolve_usage(top, env, out.usage);
  return n;
}

std::optional<int> read_int(od::value& v) {
  od::json_type t;
  if (!type_of(v, t) || t != od::json_type::number) return std::nullopt;
  od::number n;
  if (v.get_number().get(n)) return std::nullopt;
  if (n.is_int64()) return static_cast<int>(n.get_int64());
  return std::nullopt;
}

/// `{"error": {...}}` (vLLM/SGLang/TGI OpenAI route), `{"error": "..."}` (TGI native).
bool read_error(od::value& v, ParsedResponse& out) {
  od::json_type t;
  if (!type_of(v, t) || t == od::json_type::null) return true;
  out.has_error = true;
  if (t == od::json_type::string) {
    std::string_view s;
    if (get_str(v, s)) out.error.message.assign(s);
    return true;
  }
  if (t != od::json_type::object) return true;
  od::object o;
  if (v.get_object().get(o)) return false;
  std::optional<int> http_code;
  for (auto fr : o) {
    od::field f;
    if (std::move(fr).get(f)) return false;
    const RawKey k = raw_key(f);
    std::string_view s;
    if (k == "message") {
      if (get_str(f.value(), s)) out.error.message.assign(s);
    } else if (k == "type") {
      if (get_str(f.value(), s)) out.error.type.assign(s);
    } else if (k == "code") {
      out.error.code = read_int(f.value());
    } else if (k == "http_status_code") {
      http_code = read_int(f.value());
    }
  }
  if (!out.error.code) out.error.code = http_code;
  return true;
}

bool fail(ParsedResponse& out) {
  out.clear();
  return false;
}

std::optional<double> read_double(od::value& v) {
  od::json_type t;
  if (!type_of(v, t) || t != od::json_type::number) return std::nullopt;
  double d;
  if (v.get_double().get(d)) return std::nullopt;
  return d;
}

bool append_compact_json(od::value& v, std::string& out) {
  std::string_view raw;
  od::json_type t;
  if (!type_of(v, t)) return false;
  if (t == od::json_type::object) {
    od::object o;
    if (v.get_object().get(o) || o.raw_json().get(raw)) return false;
  } else if (t == od::json_type::array) {
    od::array a;
    if (v.get_array().get(a) || a.raw_json().get(raw)) return false;
  } else {
    raw = v.raw_json_token();
  }
  const size_t at = out.size();
  out.resize(at + raw.size());
  size_t len = 0;
  if (simdjson::minify(raw.data(), raw.size(), out.data() + at, len) != simdjson::SUCCESS) {
    out.resize(at);
    return false;
  }
  out.resize(at + len);
  return true;
}

bool parse_usage_json(std::string_view json, record::Usage& out) {
  out = record::Usage{};
  od::document doc;
  if (!start_document(json, doc)) return false;
  od::object o;
  if (doc.get_object().get(o)) return false;
  Slots top, env;
  int n = read_usage_object(o, top, &env);
  if (n <= 0) return false;
  resolve_usage(top, env, out);
  return true;
}

}  // namespace aiperf::endpoint::detail
