#include "aiperf/mock/request_body.h"

#include <simdjson.h>

namespace aiperf::mock {

namespace od = simdjson::ondemand;

namespace {

// Text of a chat message `content`: a string, or an array of parts whose text parts are
// concatenated without separator (images/audio contribute nothing).
simdjson::error_code content_text(od::value v, std::string* out) {
  od::json_type t;
  if (auto e = v.type().get(t)) return e;
  if (t == od::json_type::string) {
    std::string_view s;
    if (auto e = v.get_string().get(s)) return e;
    out->append(s);
    return simdjson::SUCCESS;
  }
  if (t == od::json_type::null) return simdjson::SUCCESS;
  if (t != od::json_type::array) return simdjson::INCORRECT_TYPE;
  od::array parts;
  if (auto e = v.get_array().get(parts)) return e;
  for (auto part : parts) {
    od::object obj;
    if (auto e = part.get_object().get(obj)) return e;
    for (auto field : obj) {
      std::string_view key;
      if (auto e = field.unescaped_key().get(key)) return e;
      if (key == "text") {
        std::string_view s;
        if (field.value().get_string().get(s) == simdjson::SUCCESS) out->append(s);
      }
    }
  }
  return simdjson::SUCCESS;
}

/// Triton's text_input: a string, or a list of strings (GenAI-Perf's form) joined by one space.
simdjson::error_code content_text_or_list(od::value v, std::string* out) {
  od::json_type t;
  if (auto e = v.type().get(t)) return e;
  if (t != od::json_type::array) return content_text(v, out);
  od::array items;
  if (auto e = v.get_array().get(items)) return e;
  bool first = true;
  for (auto item : items) {
    std::string_view s;
    if (auto e = item.get_string().get(s)) return e;
    if (!first) out->push_back(' ');
    first = false;
    out->append(s);
  }
  return simdjson::SUCCESS;
}

simdjson::error_code read_messages(od::value v, std::string* out) {
  od::array msgs;
  if (auto e = v.get_array().get(msgs)) return e;
  bool first = true;
  for (auto m : msgs) {
    od::object obj;
    if (auto e = m.get_object().get(obj)) return e;
    for (auto field : obj) {
      std::string_view key;
      if (auto e = field.unescaped_key().get(key)) return e;
      if (key != "content") continue;
      if (!first) out->push_back(' ');
      first = false;
      if (auto e = content_text(field.value(), out)) return e;
    }
  }
  return simdjson::SUCCESS;
}

// Completions `prompt`: string, array of strings (joined by one space), or token ids.
simdjson::error_code read_prompt(od::value v, InferenceRequest* out) {
  od::json_type t;
  if (auto e = v.type().get(t)) return e;
  if (t == od::json_type::string) {
    std::string_view s;
    if (auto e = v.get_string().get(s)) return e;
    out->prompt_text.assign(s);
    return simdjson::SUCCESS;
  }
  if (t != od::json_type::array) return simdjson::INCORRECT_TYPE;
  od::array arr;
  if (auto e = v.get_array().get(arr)) return e;
  bool first = true;
  int64_t ids = 0;
  for (auto item : arr) {
    od::json_type it;
    if (auto e = item.type().get(it)) return e;
    if (it == od::json_type::number) {
      ++ids;
      continue;
    }
    if (it == od::json_type::array) {  // batch of token-id prompts
      od::array inner;
      if (auto e = item.get_array().get(inner)) return e;
      for (auto x : inner) {
        (void)x;
        ++ids;
      }
      continue;
    }
    std::string_view s;
    if (auto e = item.get_string().get(s)) return e;
    if (!first) out->prompt_text.push_back(' ');
    first = false;
    out->prompt_text.append(s);
  }
  if (ids > 0) out->prompt_token_ids = ids;
  return simdjson::SUCCESS;
}

simdjson::error_code read_inputs(od::value v, InferenceRequest* out) {
  od::json_type t;
  if (auto e = v.type().get(t)) return e;
  if (t == od::json_type::string) {
    std::string_view s;
    if (auto e = v.get_string().get(s)) return e;
    out->inputs.emplace_back(s);
    out->input_token_ids.push_back(-1);
    return simdjson::SUCCESS;
  }
  if (t != od::json_type::array) return simdjson::INCORRECT_TYPE;
  od::array arr;
  if (auto e = v.get_array().get(arr)) return e;
  int64_t bare_ids = 0;
  for (auto item : arr) {
    od::json_type it;
    if (auto e = item.type().get(it)) return e;
    if (it == od::json_type::number) {
      ++bare_ids;
      continue;
    }
    if (it == od::json_type::array) {
      od::array inner;
      if (auto e = item.get_array().get(inner)) return e;
      int64_t n = 0;
      for (auto x : inner) {
        (void)x;
        ++n;
      }
      out->inputs.emplace_back();
      out->input_token_ids.push_back(n);
      continue;
    }
    std::string_view s;
    if (auto e = item.get_string().get(s)) return e;
    out->inputs.emplace_back(s);
    out->input_token_ids.push_back(-1);
  }
  if (bare_ids > 0) {  // one token-id input
    out->inputs.emplace_back();
    out->input_token_ids.push_back(bare_ids);
  }
  return simdjson::SUCCESS;
}

simdjson::error_code read_int(od::value v, std::optional<int64_t>* out) {
  od::json_type t;
  if (auto e = v.type().get(t)) return e;
  if (t == od::json_type::null) return simdjson::SUCCESS;
  int64_t n;
  if (v.get_int64().get(n) == simdjson::SUCCESS) {
    *out = n;
    return simdjson::SUCCESS;
  }
  double d;
  if (auto e = v.get_double().get(d)) return e;
  // Out of int64's range (or NaN): not a number of tokens, so the request is refused (400).
  if (!(d > -9.2e18 && d < 9.2e18)) return simdjson::NUMBER_OUT_OF_RANGE;
  *out = int64_t(d);
  return simdjson::SUCCESS;
}

simdjson::error_code read_bool(od::value v, bool* out) {
  od::json_type t;
  if (auto e = v.type().get(t)) return e;
  if (t == od::json_type::null) return simdjson::SUCCESS;
  return v.get_bool().get(*out);
}

/// A string, or a list of strings / {"text": ...} objects (rankings passages, Cohere
/// documents, TEI texts), into `out`.
simdjson::error_code read_text_list(od::value v, std::vector<std::string>* out) {
  od::json_type t;
  if (auto e = v.type().get(t)) return e;
  if (t != od::json_type::array) return simdjson::INCORRECT_TYPE;
  od::array arr;
  if (auto e = v.get_array().get(arr)) return e;
  for (auto item : arr) {
    od::json_type it;
    if (auto e = item.type().get(it)) return e;
    std::string_view s;
    if (it == od::json_type::string) {
      if (auto e = item.get_string().get(s)) return e;
      out->emplace_back(s);
    } else if (it == od::json_type::object) {
      od::object o;
      if (auto e = item.get_object().get(o)) return e;
      std::string text;
      for (auto f : o) {
        std::string_view k;
        if (auto e = f.unescaped_key().get(k)) return e;
        if (k == "text" && f.value().get_string().get(s) == simdjson::SUCCESS) text.assign(s);
      }
      out->push_back(std::move(text));
    } else {
      return simdjson::INCORRECT_TYPE;
    }
  }
  return simdjson::SUCCESS;
}

/// A string or an object's "text" (NIM query {"text": ...}).
simdjson::error_code read_text_or_object(od::value v, std::string* out) {
  od::json_type t;
  if (auto e = v.type().get(t)) return e;
  std::string_view s;
  if (t == od::json_type::string) {
    if (auto e = v.get_string().get(s)) return e;
    out->assign(s);
    return simdjson::SUCCESS;
  }
  if (t != od::json_type::object) return simdjson::INCORRECT_TYPE;
  od::object o;
  if (auto e = v.get_object().get(o)) return e;
  for (auto f : o) {
    std::string_view k;
    if (auto e = f.unescaped_key().get(k)) return e;
    if (k == "text" && f.value().get_string().get(s) == simdjson::SUCCESS) out->assign(s);
  }
  return simdjson::SUCCESS;
}

/// Fields of the APIs beyond chat / completions / embeddings. Returns true when `key` was one
/// of them (`*e` then holds the outcome).
bool read_api_field(ApiKind kind, std::string_view key, od::value& v, InferenceRequest* out,
                    bool* has_input, std::string* system, simdjson::error_code* e) {
  using K = ApiKind;
  if (key == "messages" && (kind == K::kMessages || kind == K::kEmbeddings)) {
    *e = read_messages(v, &out->prompt_text);
    *has_input = true;
  } else if (key == "system" && kind == K::kMessages) {
    *e = content_text(v, system);  // a string or text blocks
  } else if (key == "input" && kind == K::kResponses) {
    od::json_type t;
    *e = v.type().get(t);
    if (!*e)
      *e = t == od::json_type::string ? content_text(v, &out->prompt_text)
                                      : read_messages(v, &out->prompt_text);
    *has_input = true;
  } else if (key == "instructions" && kind == K::kResponses) {
    *e = content_text(v, system);
  } else if (key == "max_output_tokens" && kind == K::kResponses) {
    *e = read_int(v, &out->max_tokens);
  } else if (key == "reasoning" && kind == K::kResponses) {
    od::object r;
    if (v.get_object().get(r) == simdjson::SUCCESS) {
      for (auto f : r) {
        std::string_view k, s;
        if ((*e = f.unescaped_key().get(k))) break;
        if (k == "effort" && f.value().get_string().get(s) == simdjson::SUCCESS)
          out->reasoning_effort.assign(s);
      }
    }
  } else if (key == "text_input" && kind == K::kTritonGenerate) {
    *e = content_text_or_list(v, &out->prompt_text);
    *has_input = true;
  } else if (kind == K::kTritonGenerate && (key == "max_tokens" || key == "min_length" ||
                                            key == "min_tokens" || key == "ignore_eos")) {
    if (key == "max_tokens") *e = read_int(v, &out->max_tokens);
    if (key == "min_length" || key == "min_tokens") *e = read_int(v, &out->min_tokens);
    if (key == "ignore_eos") *e = read_bool(v, &out->ignore_eos);
  } else if (key == "inputs" && kind == K::kTgi) {
    *e = content_text(v, &out->prompt_text);
    *has_input = true;
  } else if (key == "parameters" && kind == K::kTgi) {
    od::object params;
    if (v.get_object().get(params) == simdjson::SUCCESS) {
      for (auto f : params) {
        std::string_view k;
        if ((*e = f.unescaped_key().get(k))) break;
        od::value pv;
        if ((*e = f.value().get(pv))) break;
        if (k == "max_new_tokens") *e = read_int(pv, &out->max_tokens);
        if (k == "ignore_eos") *e = read_bool(pv, &out->ignore_eos);
        if (*e) break;
      }
    }
  } else if (key == "query" &&
             (kind == K::kRankNim || kind == K::kRankCohere || kind == K::kRankTei)) {
    *e = read_text_or_object(v, &out->query);
    *has_input = true;
  } else if ((key == "passages" && kind == K::kRankNim) ||
             (key == "documents" && kind == K::kRankCohere) ||
             (key == "texts" && kind == K::kRankTei)) {
    *e = read_text_list(v, &out->passages);
  } else if (key == "prompt" && (kind == K::kImages || kind == K::kVideos)) {
    *e = content_text(v, &out->prompt_text);
    *has_input = true;
  } else if (key == "n" && kind == K::kImages) {
    std::optional<int64_t> n;
    *e = read_int(v, &n);
    if (n) out->n = *n;
  } else if (key == "partial_images" && kind == K::kImages) {
    std::optional<int64_t> n;
    *e = read_int(v, &n);
    if (n) out->partial_images = *n;
  } else {
    return false;
  }
  return true;
}

simdjson::error_code read_object(ApiKind kind, od::object obj, InferenceRequest* out,
                                 bool* has_input, std::string* system) {
  for (auto field : obj) {
    std::string_view key;
    if (auto e = field.unescaped_key().get(key)) return e;
    od::value v;
    if (auto e = field.value().get(v)) return e;
    simdjson::error_code e = simdjson::SUCCESS;
    if (read_api_field(kind, key, v, out, has_input, system, &e)) {
      if (e) return e;
      continue;
    }
    if (key == "model") {
      std::string_view s;
      e = v.get_string().get(s);
      if (!e) out->model.assign(s);
    } else if (key == "messages" && kind == ApiKind::kChat) {
      e = read_messages(v, &out->prompt_text);
      *has_input = true;
    } else if (key == "prompt" && kind == ApiKind::kCompletions) {
      e = read_prompt(v, out);
      *has_input = true;
    } else if (key == "input" && kind == ApiKind::kEmbeddings) {
      e = read_inputs(v, out);
      *has_input = true;
    } else if (key == "stream") {
      e = read_bool(v, &out->stream);
    } else if (key == "stream_options") {
      od::json_type t;
      e = v.type().get(t);
      if (!e && t == od::json_type::object) {
        od::object so;
        e = v.get_object().get(so);
        if (!e) {
          for (auto f : so) {
            std::string_view k;
            if ((e = f.unescaped_key().get(k))) break;
            if (k == "include_usage") {
              od::value iv;
              if ((e = f.value().get(iv))) break;
              if ((e = read_bool(iv, &out->include_usage))) break;
            } else if (k == "continuous_usage_stats") {
              od::value iv;
              if ((e = f.value().get(iv))) break;
              if ((e = read_bool(iv, &out->continuous_usage))) break;
            }
          }
        }
      }
    } else if (key == "max_completion_tokens") {
      std::optional<int64_t> n;
      e = read_int(v, &n);
      if (n) out->max_tokens = n;
    } else if (key == "max_tokens") {
      if (!out->max_tokens) e = read_int(v, &out->max_tokens);
    } else if (key == "min_tokens") {
      e = read_int(v, &out->min_tokens);
    } else if (key == "ignore_eos") {
      e = read_bool(v, &out->ignore_eos);
    } else if (key == "reasoning_effort") {
      std::string_view s;
      if (v.get_string().get(s) == simdjson::SUCCESS) out->reasoning_effort.assign(s);
    } else if (key == "nvext") {  // NIM/Dynamo style extras: nvext.ignore_eos, nvext.min_tokens
      od::object nv;
      if (v.get_object().get(nv) == simdjson::SUCCESS) {
        for (auto f : nv) {
          std::string_view k;
          if ((e = f.unescaped_key().get(k))) break;
          od::value nvv;
          if ((e = f.value().get(nvv))) break;
          if (k == "ignore_eos") e = read_bool(nvv, &out->ignore_eos);
          if (k == "min_tokens") e = read_int(nvv, &out->min_tokens);
          if (e) break;
        }
      }
    }
    // max_completion_tokens after max_tokens: the later field above already overrides.
    if (e) return e;
  }
  return simdjson::SUCCESS;
}

}  // namespace

std::string parse_inference_request(ApiKind kind, std::string& body, InferenceRequest* out) {
  *out = InferenceRequest{};
  size_t len = body.size();
  if (body.capacity() < len + simdjson::SIMDJSON_PADDING)
    body.reserve(len + simdjson::SIMDJSON_PADDING);
  thread_local od::parser parser;
  od::document doc;
  auto err =
      parser.iterate(simdjson::padded_string_view(body.data(), len, body.capacity())).get(doc);
  if (err) return std::string("request body is not valid JSON: ") + simdjson::error_message(err);
  od::object obj;
  if (doc.get_object().get(obj)) return "request body must be a JSON object";
  bool has_input = false;
  std::string system;
  if (auto e = read_object(kind, obj, out, &has_input, &system))
    return std::string("request body is not valid JSON: ") + simdjson::error_message(e);
  if (!system.empty()) {  // Anthropic `system`, Responses `instructions`: counted first
    out->prompt_text = out->prompt_text.empty() ? system : system + " " + out->prompt_text;
  }
  if (kind == ApiKind::kEmbeddings && out->inputs.empty() && has_input) {
    out->inputs.push_back(out->prompt_text);  // chat-style embeddings: one conversation
    out->input_token_ids.push_back(-1);
  }
  if (!has_input) {
    switch (kind) {
      case ApiKind::kChat:
      case ApiKind::kMessages:
        return "'messages' is a required property";
      case ApiKind::kCompletions:
      case ApiKind::kImages:
      case ApiKind::kVideos:
        return "'prompt' is a required property";
      case ApiKind::kEmbeddings:
      case ApiKind::kResponses:
        return "'input' is a required property";
      case ApiKind::kTgi:
        return "'inputs' is a required property";
      case ApiKind::kTritonGenerate:
        return "'text_input' is a required property";
      case ApiKind::kRankNim:
      case ApiKind::kRankCohere:
      case ApiKind::kRankTei:
        return "'query' is a required property";
    }
  }
  return {};
}

}  // namespace aiperf::mock
