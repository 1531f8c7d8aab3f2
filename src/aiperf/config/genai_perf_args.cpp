// GenAI-Perf `profile` flags -> `aiperf profile` flags (genai_perf_args.h, docs/genai-perf.md).
// Flag names, aliases, arities, choices and rules are GenAI-Perf's (its parser.py and config
// checks, the last release with --service-kind and compare); the translations are ours.
#include "aiperf/config/genai_perf_args.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>
#include <optional>

#include "aiperf/common/error.h"
#include "aiperf/config/value_parsers.h"

namespace aiperf::config {
namespace {

enum class Arity { kFlag, kOne, kPlus, kStar, kAppend };

struct GapFlag {
  std::vector<std::string_view> names;  // canonical long name first, then aliases
  Arity arity;
  std::string_view group;    // GenAI-Perf's help group
  std::string_view becomes;  // what it becomes here (help text and docs/genai-perf.md)
};

const std::vector<GapFlag>& gap_flags() {
  static const std::vector<GapFlag> kFlags = {
      // Audio Input
      {{"--audio-length-mean"}, Arity::kOne, "Audio Input", "--audio-length-mean"},
      {{"--audio-length-stddev"}, Arity::kOne, "Audio Input", "--audio-length-stddev"},
      {{"--audio-format"}, Arity::kOne, "Audio Input", "--audio-format"},
      {{"--audio-depths"}, Arity::kStar, "Audio Input", "--audio-depths (each value)"},
      {{"--audio-sample-rates"}, Arity::kStar, "Audio Input", "--audio-sample-rates (each value)"},
      {{"--audio-num-channels"}, Arity::kOne, "Audio Input", "--audio-num-channels"},
      // Endpoint
      {{"--model", "-m"}, Arity::kPlus, "Endpoint", "--model (each name)"},
      {{"--model-selection-strategy"}, Arity::kOne, "Endpoint", "--model-selection-strategy"},
      {{"--backend"},
       Arity::kOne,
       "Endpoint",
       "with --service-kind triton: tensorrtllm --endpoint-type kserve, vllm --endpoint-type "
       "kserve_vllm; refused otherwise (GenAI-Perf's rule)"},
      {{"--endpoint"}, Arity::kOne, "Endpoint", "--custom-endpoint"},
      {{"--endpoint-type"},
       Arity::kOne,
       "Endpoint",
       "--endpoint-type (multimodal and vision become chat; rankings becomes nim_rankings, or "
       "hf_tei_rankings with --extra-inputs rankings:tei)"},
      {{"--service-kind"},
       Arity::kOne,
       "Endpoint",
       "openai: nothing more (aiperf speaks OpenAI APIs); triton (the default): KServe v2 gRPC, "
       "--endpoint-type kserve or kserve_vllm, --url localhost:8001 unless given; "
       "tensorrtllm_engine, dynamic_grpc: refused"},
      {{"--server-metrics-url", "--server-metrics-urls"},
       Arity::kPlus,
       "Endpoint",
       "--gpu-telemetry (each URL) when this build has it, else refused"},
      {{"--streaming"}, Arity::kFlag, "Endpoint", "--streaming"},
      {{"--url", "-u"}, Arity::kOne, "Endpoint", "--url"},
      // Image Input
      {{"--image-width-mean"}, Arity::kOne, "Image Input", "--image-width-mean"},
      {{"--image-width-stddev"}, Arity::kOne, "Image Input", "--image-width-stddev"},
      {{"--image-height-mean"}, Arity::kOne, "Image Input", "--image-height-mean"},
      {{"--image-height-stddev"}, Arity::kOne, "Image Input", "--image-height-stddev"},
      {{"--image-format"},
       Arity::kOne,
       "Image Input",
       "--image-format (unset with images: --image-format random, GenAI-Perf's default)"},
      // Input
      {{"--batch-size-audio"}, Arity::kOne, "Input", "--audio-batch-size"},
      {{"--batch-size-image"}, Arity::kOne, "Input", "--image-batch-size"},
      {{"--batch-size-text", "--batch-size", "-b"}, Arity::kOne, "Input", "--prompt-batch-size"},
      {{"--extra-inputs"}, Arity::kAppend, "Input", "--extra-inputs"},
      {{"--goodput", "-g"}, Arity::kPlus, "Input", "--goodput \"<pairs joined by spaces>\""},
      {{"--header", "-H"}, Arity::kAppend, "Input", "--header"},
      {{"--input-file"},
       Arity::kOne,
       "Input",
       "--input-file (format detected); payload:F becomes --input-file F --fixed-schedule; "
       "synthetic:... refused"},
      {{"--num-dataset-entries", "--num-prompts"}, Arity::kOne, "Input", "--num-dataset-entries"},
      {{"--num-prefix-prompts"},
       Arity::kOne,
       "Input",
       "--prefix-prompt-pool-size (with --prefix-prompt-length 100 unless given); 0: nothing"},
      {{"--output-tokens-mean", "--osl"}, Arity::kOne, "Input", "--osl"},
      {{"--output-tokens-mean-deterministic"},
       Arity::kFlag,
       "Input",
       "--extra-inputs ignore_eos:true (needs --output-tokens-mean)"},
      {{"--output-tokens-stddev"}, Arity::kOne, "Input", "--osl-stddev"},
      {{"--random-seed"}, Arity::kOne, "Input", "--random-seed"},
      {{"--grpc-method"}, Arity::kOne, "Input", "refused: only for --service-kind dynamic_grpc"},
      {{"--synthetic-input-tokens-mean", "--isl"}, Arity::kOne, "Input", "--isl"},
      {{"--synthetic-input-tokens-stddev"}, Arity::kOne, "Input", "--isl-stddev"},
      {{"--prefix-prompt-length"},
       Arity::kOne,
       "Input",
       "--prefix-prompt-length (needs --num-prefix-prompts > 0)"},
      {{"--warmup-request-count", "--num-warmup-requests"},
       Arity::kOne,
       "Input",
       "--warmup-request-count; 0: nothing"},
      // Other
      {{"--verbose", "-v"}, Arity::kFlag, "Other", "--verbose"},
      // Output
      {{"--artifact-dir"}, Arity::kOne, "Output", "--artifact-dir"},
      {{"--checkpoint-dir"}, Arity::kOne, "Output", "refused: no checkpointing here"},
      {{"--enable-checkpointing"}, Arity::kFlag, "Output", "refused: no checkpointing here"},
      {{"--generate-plots"},
       Arity::kFlag,
       "Output",
       "--generate-plots (aiperf's plots in <artifact-dir>/plots)"},
      {{"--profile-export-file"},
       Arity::kOne,
       "Output",
       "--profile-export-file (a file name; directories go in --artifact-dir)"},
      // Profiling
      {{"--concurrency"}, Arity::kOne, "Profiling", "--concurrency"},
      {{"--measurement-interval", "-p"},
       Arity::kOne,
       "Profiling",
       "--benchmark-duration of 3 intervals (GenAI-Perf measures 3 windows)"},
      {{"--request-count", "--num-requests"}, Arity::kOne, "Profiling", "--request-count"},
      {{"--request-rate"}, Arity::kOne, "Profiling", "--request-rate"},
      {{"--fixed-schedule"},
       Arity::kOne,
       "Profiling",
       "true: --fixed-schedule; false: --no-fixed-schedule"},
      {{"--stability-percentage", "-s"},
       Arity::kOne,
       "Profiling",
       "refused: no perf_analyzer stability windows here"},
      // Session
      {{"--num-sessions"}, Arity::kOne, "Session", "--num-sessions; 0: nothing"},
      {{"--session-concurrency"}, Arity::kOne, "Session", "--concurrency"},
      {{"--session-delay-ratio"}, Arity::kOne, "Session", "--session-delay-ratio"},
      {{"--session-turn-delay-mean"}, Arity::kOne, "Session", "--session-turn-delay-mean"},
      {{"--session-turn-delay-stddev"}, Arity::kOne, "Session", "--session-turn-delay-stddev"},
      {{"--session-turns-mean"}, Arity::kOne, "Session", "--session-turns-mean"},
      {{"--session-turns-stddev"}, Arity::kOne, "Session", "--session-turns-stddev"},
      // Tokenizer
      {{"--tokenizer"}, Arity::kOne, "Tokenizer", "--tokenizer"},
      {{"--tokenizer-revision"}, Arity::kOne, "Tokenizer", "--tokenizer-revision"},
      {{"--tokenizer-trust-remote-code"},
       Arity::kFlag,
       "Tokenizer",
       "--tokenizer-trust-remote-code"},
      {{"--help", "-h"}, Arity::kFlag, "Help", "this help"},
  };
  return kFlags;
}

/// GenAI-Perf's --endpoint-type choices: (name, its service kind, what aiperf calls it; "" =
/// not available here).
struct GapEndpoint {
  std::string_view name;
  std::string_view service_kind;
  std::string_view aiperf;
};
constexpr GapEndpoint kEndpoints[] = {
    {"chat", "openai", "chat"},
    {"completions", "openai", "completions"},
    {"dynamic_grpc", "dynamic_grpc", ""},
    {"embeddings", "openai", "embeddings"},
    {"image_retrieval", "openai", "image_retrieval"},
    {"nvclip", "openai", ""},
    {"rankings", "openai", "nim_rankings"},
    {"multimodal", "openai", "chat"},
    {"generate", "openai", "triton_generate"},
    {"kserve", "triton", ""},
    {"template", "triton", ""},
    {"tensorrtllm_engine", "tensorrtllm_engine", ""},
    {"vision", "openai", "chat"},
};

const GapEndpoint* find_endpoint(std::string_view name) {
  for (const auto& e : kEndpoints) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

std::string openai_types() {
  std::string out;
  for (const auto& e : kEndpoints) {
    if (e.aiperf.empty()) continue;
    if (!out.empty()) out += '|';
    out += e.name;
  }
  return out;
}

const GapFlag* find_exact(std::string_view name) {
  for (const auto& f : gap_flags()) {
    for (auto n : f.names) {
      if (n == name) return &f;
    }
  }
  return nullptr;
}

bool looks_like_option(std::string_view tok) {
  if (tok.size() < 2 || tok[0] != '-') return false;
  // argparse: with no option that looks like a negative number, "-5" / "-.5" are values.
  return !(std::isdigit(static_cast<unsigned char>(tok[1])) || tok[1] == '.');
}

struct Given {
  std::string typed;  // the name as typed (last occurrence)
  std::vector<std::string> values;
  size_t first_pos = 0;  // argument index of the first occurrence (for group messages)
};

/// argparse's matching of a long option: exact, else a unique prefix of one option's names.
const GapFlag* match_long(const std::string& name) {
  if (const GapFlag* f = find_exact(name)) return f;
  std::vector<const GapFlag*> hits;
  std::string list;
  for (const auto& f : gap_flags()) {
    for (auto n : f.names) {
      if (n.size() > 2 && n.substr(0, 2) == "--" && n.substr(0, name.size()) == name) {
        hits.push_back(&f);
        if (!list.empty()) list += ", ";
        list += n;
        break;
      }
    }
  }
  if (hits.size() > 1) throw ConfigError("ambiguous option: " + name + " could match " + list);
  return hits.empty() ? nullptr : hits.front();
}

[[noreturn]] void unknown_option(const std::string& name) {
  std::string msg = "unknown option " + name + " (genai-perf profile)";
  const auto aiperf = profile_flag_names();
  if (std::find(aiperf.begin(), aiperf.end(), name) != aiperf.end()) {
    throw ConfigError(msg + "; " + name +
                      " is an aiperf option, not a GenAI-Perf one: run the line as aiperf "
                      "profile (see docs/genai-perf.md)");
  }
  std::vector<std::string> names;
  for (const auto& f : gap_flags()) {
    for (auto n : f.names) names.emplace_back(n);
  }
  auto best = name.size() > 3 ? nearest(name, names) : std::nullopt;
  throw ConfigError(msg + (best ? "; did you mean " + *best + "?"
                                : std::string(" (see genai-perf profile --help)")));
}

/// argparse's reading of the arguments: canonical name -> what was given.
std::map<std::string_view, Given> scan(const std::vector<std::string>& args) {
  std::map<std::string_view, Given> out;
  for (size_t i = 0; i < args.size();) {
    const std::string& tok = args[i];
    const size_t pos = i++;
    if (tok == "--") {
      throw ConfigError(
          "'--' passes the rest to perf_analyzer, which this program does not run: every "
          "setting is a genai-perf or aiperf option here (see docs/genai-perf.md); drop '--' and "
          "what follows it");
    }
    if (!looks_like_option(tok)) {
      throw ConfigError("unrecognized argument '" + tok +
                        "' (genai-perf profile takes only options; see genai-perf profile --help)");
    }
    std::string name = tok;
    std::optional<std::string> inline_value;
    const GapFlag* f = nullptr;
    if (tok.rfind("--", 0) == 0) {
      if (size_t eq = tok.find('='); eq != std::string::npos) {
        name = tok.substr(0, eq);
        inline_value = tok.substr(eq + 1);
      }
      f = match_long(name);
    } else {
      f = find_exact(tok.substr(0, 2));  // -m, -mVALUE
      if (f && tok.size() > 2) {
        name = tok.substr(0, 2);
        inline_value = tok.substr(2);
      } else if (f) {
        name = tok;
      }
    }
    if (f == nullptr) unknown_option(name);
    if (f->names.front() == "--help") throw HelpRequested(genai_perf_profile_help_text());
    Given& g = out[f->names.front()];
    if (g.typed.empty()) g.first_pos = pos;
    g.typed = name;
    if (f->arity == Arity::kFlag) {
      if (inline_value) {
        throw ConfigError("argument " + name + ": ignored explicit argument '" + *inline_value +
                          "'");
      }
      g.values.clear();
      continue;
    }
    std::vector<std::string> vals;
    if (inline_value) {
      vals.push_back(*inline_value);
    } else if (f->arity == Arity::kOne || f->arity == Arity::kAppend) {
      if (i >= args.size() || looks_like_option(args[i])) {
        throw ConfigError("argument " + name + ": expected one argument");
      }
      vals.push_back(args[i++]);
    } else {
      while (i < args.size() && !looks_like_option(args[i])) vals.push_back(args[i++]);
      if (vals.empty() && f->arity == Arity::kPlus) {
        throw ConfigError("argument " + name + ": expected at least one argument");
      }
    }
    if (f->arity == Arity::kAppend) {
      g.values.insert(g.values.end(), vals.begin(), vals.end());
    } else {
      g.values = std::move(vals);  // argparse: the last occurrence wins
    }
  }
  return out;
}

std::string choice_list(const std::vector<std::string_view>& c) {
  std::string out;
  for (auto s : c) {
    out += out.empty() ? "'" : ", '";
    out += s;
    out += '\'';
  }
  return out;
}

void check_choice(const Given& g, const std::vector<std::string_view>& choices) {
  const std::string& v = g.values.back();
  if (std::find(choices.begin(), choices.end(), v) != choices.end()) return;
  throw ConfigError("argument " + g.typed + ": invalid choice: '" + v + "' (choose from " +
                    choice_list(choices) + ")");
}

bool aiperf_has(std::string_view flag) {
  const auto names = profile_flag_names();
  return std::find(names.begin(), names.end(), flag) != names.end();
}

/// "3 intervals of `ms` milliseconds" in seconds, as a short decimal.
std::string three_intervals_s(const Given& g) {
  const int64_t ms = parse_int_at_least(g.typed, g.values.back(), 1);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.3f", double(ms) * 3.0 / 1000.0);
  std::string s = buf;
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s;
}

bool is_zero(const Given& g) {
  const std::string& v = g.values.back();
  return v == "0" || v == "+0" || v == "-0";
}

class Translator {
 public:
  explicit Translator(std::map<std::string_view, Given> given) : g_(std::move(given)) {}

  GenaiPerfProfile run() {
    check_groups();
    endpoint_and_service_kind();
    for (const auto& f : gap_flags()) {
      auto it = g_.find(f.names.front());
      if (it != g_.end()) flag(f, it->second);
    }
    return std::move(out_);
  }

 private:
  const Given* get(std::string_view canonical) const {
    auto it = g_.find(canonical);
    return it == g_.end() ? nullptr : &it->second;
  }
  void emit(std::string_view flag, const std::string& value) {
    out_.aiperf_args.emplace_back(flag);
    out_.aiperf_args.push_back(value);
  }
  /// The same option under the name the user typed when aiperf knows that name.
  void pass(const GapFlag& f, const Given& g, std::string_view aiperf_name) {
    const std::string name = aiperf_has(g.typed) ? g.typed : std::string(aiperf_name);
    if (f.arity == Arity::kFlag) {
      out_.aiperf_args.push_back(name);
      return;
    }
    for (const auto& v : g.values) emit(name, v);
  }

  void exclusive(std::initializer_list<std::string_view> group) {
    std::vector<const Given*> present;
    for (auto name : group) {
      if (const Given* g = get(name)) present.push_back(g);
    }
    if (present.size() < 2) return;
    std::sort(present.begin(), present.end(),
              [](const Given* a, const Given* b) { return a->first_pos < b->first_pos; });
    throw ConfigError("argument " + present[1]->typed + ": not allowed with argument " +
                      present[0]->typed);
  }

  void check_groups() {
    // GenAI-Perf's mutually exclusive groups (load management; measurement).
    exclusive({"--concurrency", "--request-rate", "--fixed-schedule"});
    exclusive({"--measurement-interval", "--request-count"});
    if (get("--session-concurrency") && get("--concurrency")) {
      throw ConfigError(get("--session-concurrency")->typed + " and " +
                        get("--concurrency")->typed +
                        " both set the concurrency here (aiperf counts concurrent "
                        "conversations); pass one");
    }
  }

  void endpoint_and_service_kind() {
    const Given* et = get("--endpoint-type");
    const Given* sk = get("--service-kind");
    const GapEndpoint* ep = nullptr;
    if (et) {
      std::vector<std::string_view> names;
      for (const auto& e : kEndpoints) names.push_back(e.name);
      check_choice(*et, names);
      ep = find_endpoint(et->values.back());
    }
    if (sk) check_choice(*sk, {"dynamic_grpc", "openai", "tensorrtllm_engine", "triton"});
    if (const Given* b = get("--backend")) check_choice(*b, {"tensorrtllm", "vllm"});
    const std::string accepted =
        "accepted: --service-kind openai --endpoint-type " + openai_types();
    std::string kind = sk ? sk->values.back() : ep ? std::string(ep->service_kind) : "triton";
    if (kind == "triton" && (!ep || ep->name == "kserve")) {
      triton_kserve();
      return;
    }
    if (ep && ep->name == "generate" && (kind == "triton" || kind == "openai")) {
      // Triton's HTTP generate extension: service kind openai in current GenAI-Perf, triton in
      // earlier releases.
      if (const Given* b = get("--backend")) {
        throw ConfigError(b->typed +
                          ": the backend should only be used with --service-kind triton and "
                          "--endpoint-type kserve (GenAI-Perf's rule)");
      }
      if (const Given* d = get("--output-tokens-mean-deterministic")) {
        throw ConfigError(d->typed +
                          ": The --output-tokens-deterministic flag is not supported for Triton "
                          "Generate (GenAI-Perf's rule)");
      }
      emit("--endpoint-type", "triton_generate");
      return;
    }
    if (kind != "openai") {
      const std::string triton =
          "; --service-kind triton speaks KServe v2 gRPC (--endpoint-type "
          "kserve, GenAI-Perf's default)";
      if (kind == "triton") {
        throw ConfigError(
            et->typed + " " + et->values.back() +
            " with --service-kind triton is not available in this build (GenAI-Perf's "
            "templates are not read here)" +
            triton + "; " + accepted);
      }
      throw ConfigError((sk ? sk->typed + " " + kind : et->typed + " " + et->values.back()) +
                        ": TensorRT-LLM's engine and dynamic gRPC protocols are not available in "
                        "this build" +
                        triton + "; " + accepted);
    }
    if (!ep) {
      throw ConfigError(sk->typed +
                        " openai needs --endpoint-type (GenAI-Perf: type must be set when "
                        "service_kind is 'openai'): " +
                        openai_types());
    }
    if (ep->service_kind != "openai" || ep->aiperf.empty()) {
      if (ep->service_kind != "openai" && ep->name != "generate") {
        throw ConfigError("Invalid service-kind 'openai' for endpoint-type '" +
                          std::string(ep->name) + "'");
      }
      throw ConfigError(et->typed + " " + std::string(ep->name) +
                        " is not available in this build; " + accepted);
    }
    if (const Given* b = get("--backend")) {
      throw ConfigError(b->typed +
                        ": the backend should only be used with --service-kind triton and "
                        "--endpoint-type kserve (GenAI-Perf's rule)");
    }
    std::string type(ep->aiperf);
    if (ep->name == "rankings" && tei_rankings()) type = "hf_tei_rankings";
    emit("--endpoint-type", type);
  }

  /// --service-kind triton (--endpoint-type kserve): KServe v2 gRPC with the --backend's tensors
  /// (docs/triton.md), at GenAI-Perf's default URL localhost:8001 unless --url is given.
  void triton_kserve() {
    const Given* b = get("--backend");
    const bool vllm = b && b->values.back() == "vllm";
    emit("--endpoint-type", vllm ? "kserve_vllm" : "kserve");
    if (!get("--url")) emit("--url", "localhost:8001");
  }

  /// --extra-inputs rankings:tei selects the HF TEI rankings API (GenAI-Perf's switch).
  bool tei_rankings() const {
    const Given* x = get("--extra-inputs");
    if (!x) return false;
    for (const auto& v : x->values) {
      if (v == "rankings:tei") return true;
    }
    return false;
  }

  void flag(const GapFlag& f, const Given& g) {
    const std::string_view c = f.names.front();
    if (c == "--endpoint-type" || c == "--service-kind" || c == "--backend") return;  // above
    if (c == "--server-metrics-url") return server_metrics(g);
    if (c == "--grpc-method" || c == "--checkpoint-dir" || c == "--enable-checkpointing" ||
        c == "--stability-percentage") {
      throw ConfigError(g.typed + " is not available here: " + std::string(f.becomes.substr(9)) +
                        "; drop it (docs/genai-perf.md)");
    }
    if (c == "--model") return pass(f, g, "--model");
    if (c == "--endpoint") return pass(f, g, "--custom-endpoint");
    if (c == "--batch-size-audio") return pass(f, g, "--audio-batch-size");
    if (c == "--batch-size-image") return pass(f, g, "--image-batch-size");
    if (c == "--batch-size-text") return pass(f, g, "--prompt-batch-size");
    if (c == "--extra-inputs") return extra_inputs(f, g);
    if (c == "--goodput") return goodput(g);
    if (c == "--input-file") return input_file(g);
    if (c == "--num-prefix-prompts") return prefix_prompts(f, g);
    if (c == "--prefix-prompt-length") {
      if (!get("--num-prefix-prompts") || is_zero(*get("--num-prefix-prompts"))) {
        throw ConfigError(g.typed +
                          " is used only with --num-prefix-prompts > 0 (GenAI-Perf ignores it "
                          "otherwise); give both or neither");
      }
      return pass(f, g, "--prefix-prompt-length");
    }
    if (c == "--output-tokens-mean-deterministic") return deterministic(g);
    if (c == "--warmup-request-count" || c == "--num-sessions") {
      if (is_zero(g)) return;  // GenAI-Perf's default: none
      return pass(f, g, c);
    }
    if (c == "--image-format") return pass(f, g, c);
    if (c == "--image-height-mean") {
      pass(f, g, c);
      return random_image_format();
    }
    if (c == "--generate-plots") return plots(g);
    if (c == "--profile-export-file") return export_file(f, g);
    if (c == "--measurement-interval") return emit("--benchmark-duration", three_intervals_s(g));
    if (c == "--fixed-schedule") return fixed_schedule(g);
    if (c == "--session-concurrency") return emit("--concurrency", g.values.back());
    if (c == "--audio-depths" || c == "--audio-sample-rates") {
      if (g.values.empty()) throw ConfigError("argument " + g.typed + ": expected a value");
      return pass(f, g, c);
    }
    if (c == "--output-tokens-mean") return pass(f, g, "--osl");
    if (c == "--output-tokens-stddev") return pass(f, g, "--osl-stddev");
    if (c == "--synthetic-input-tokens-mean") return pass(f, g, "--isl");
    if (c == "--synthetic-input-tokens-stddev") return pass(f, g, "--isl-stddev");
    if (c == "--num-dataset-entries") return pass(f, g, "--num-dataset-entries");
    pass(f, g, c);  // the same name and meaning in aiperf
  }

  void extra_inputs(const GapFlag& f, const Given& g) {
    Given kept = g;
    kept.values.clear();
    const Given* et = get("--endpoint-type");
    const bool rankings = et && et->values.back() == "rankings";
    for (const auto& v : g.values) {
      if (v == "rankings:tei" && rankings) continue;  // it selected the API (above)
      kept.values.push_back(v);
    }
    if (!kept.values.empty()) pass(f, kept, "--extra-inputs");
  }

  void goodput(const Given& g) {
    std::string joined;
    for (const auto& v : g.values) {
      if (!joined.empty()) joined += ' ';
      joined += v;
    }
    emit("--goodput", joined);
  }

  void input_file(const Given& g) {
    const std::string& v = g.values.back();
    if (v.rfind("synthetic:", 0) == 0) {
      throw ConfigError(g.typed +
                        " synthetic:...: GenAI-Perf's generated query/passage files are not "
                        "available here; pass real files, or no --input-file for synthetic "
                        "prompts");
    }
    if (v.rfind("payload:", 0) == 0) {
      // A trace replayed at its timestamps; GenAI-Perf refuses load settings beside it.
      for (const char* f :
           {"--concurrency", "--request-rate", "--warmup-request-count", "--request-count"}) {
        if (const Given* other = get(f)) {
          throw ConfigError(other->typed + " is not supported with the payload input source");
        }
      }
      emit("--input-file", v.substr(8));
      out_.aiperf_args.emplace_back("--fixed-schedule");
      return;
    }
    emit("--input-file", v);
  }

  void prefix_prompts(const GapFlag& f, const Given& g) {
    if (is_zero(g)) return;
    pass(f, g, "--num-prefix-prompts");
    if (!get("--prefix-prompt-length")) emit("--prefix-prompt-length", "100");  // its default
  }

  void deterministic(const Given& g) {
    if (!get("--output-tokens-mean")) {
      throw ConfigError(g.typed + " needs --output-tokens-mean (the length to make exact)");
    }
    // GenAI-Perf sets the minimum length to the requested one (Triton's min_tokens); OpenAI
    // servers (vLLM, SGLang, TensorRT-LLM) reach the same exact length with ignore_eos.
    emit("--extra-inputs", "ignore_eos:true");
  }

  void random_image_format() {
    // GenAI-Perf: "If format is not selected, format of generated image is selected at random".
    if (get("--image-format")) return;
    const Given* w = get("--image-width-mean");
    const Given* h = get("--image-height-mean");
    if (!w || !h) return;
    try {
      if (parse_number(w->typed, w->values.back(), 0, true) > 0 &&
          parse_number(h->typed, h->values.back(), 0, true) > 0) {
        emit("--image-format", "random");
      }
    } catch (const ConfigError&) {
      // a bad value is reported by the aiperf parse of the same flag
    }
  }

  void plots(const Given& g) {
    for (const char* flag : {"--generate-plots", "--auto-plot"}) {
      if (aiperf_has(flag)) {
        out_.aiperf_args.emplace_back(flag);
        out_.generate_plots = true;
        return;
      }
    }
    throw ConfigError(g.typed +
                      ": plots are not available in this build; drop the flag (the JSON, CSV "
                      "and JSONL results are written as usual)");
  }

  void server_metrics(const Given& g) {
    if (!aiperf_has("--gpu-telemetry")) {
      throw ConfigError(g.typed +
                        " (Triton/DCGM GPU metrics) is not available in this build; drop it");
    }
    for (const auto& v : g.values) emit("--gpu-telemetry", v);
  }

  void export_file(const GapFlag& f, const Given& g) {
    const std::string& v = g.values.back();
    if (v.find('/') != std::string::npos) {
      throw ConfigError(
          "Please use artifact_directory option to define intermediary paths to the "
          "profile_export_file (" +
          g.typed + " " + v + "; pass the directory with --artifact-dir)");
    }
    pass(f, g, "--profile-export-file");
  }

  void fixed_schedule(const Given& g) {
    std::string v = g.values.back();
    std::transform(v.begin(), v.end(), v.begin(),
                   [](unsigned char ch) { return char(std::tolower(ch)); });
    if (v == "true" || v == "1" || v == "yes") {
      out_.aiperf_args.emplace_back("--fixed-schedule");
    } else if (v == "false" || v == "0" || v == "no") {
      out_.aiperf_args.emplace_back("--no-fixed-schedule");
    } else {
      throw ConfigError("argument " + g.typed + ": expected true or false (got '" +
                        g.values.back() + "')");
    }
  }

  std::map<std::string_view, Given> g_;
  GenaiPerfProfile out_;
};

}  // namespace

GenaiPerfProfile translate_genai_perf_profile(const std::vector<std::string>& args) {
  for (const auto& a : args) {
    if (a == "-h" || a == "--help") throw HelpRequested(genai_perf_profile_help_text());
    if (a == "--") break;
  }
  Translator t(scan(args));
  GenaiPerfProfile out = t.run();
  return out;
}

Config parse_genai_perf_profile(const std::vector<std::string>& args, const ParseEnv& env) {
  GenaiPerfProfile p = translate_genai_perf_profile(args);
  Config cfg = parse_profile_args(p.aiperf_args, env);
  if (cfg.study.is_sweep()) {
    // argparse's int/float types: GenAI-Perf sweeps belong to `genai-perf analyze`.
    const SweepParameter& s = cfg.study.sweep.front();
    throw ConfigError("argument " + s.flag + ": invalid value '" + s.values.front().text +
                      ",...': GenAI-Perf takes one value (its sweeps are genai-perf analyze, not "
                      "available here)");
  }
  cfg.argv = {"genai-perf", "profile"};
  cfg.argv.insert(cfg.argv.end(), args.begin(), args.end());
  return cfg;
}

std::vector<std::string> genai_perf_flag_names() {
  std::vector<std::string> out;
  for (const auto& f : gap_flags()) {
    for (auto n : f.names) out.emplace_back(n);
  }
  return out;
}

std::string genai_perf_profile_help_text() {
  std::string out =
      "Usage: genai-perf profile [OPTIONS]   (or: aiperf genai-perf profile [OPTIONS])\n\n"
      "GenAI-Perf's profile options, run by aiperf (C++): each becomes the aiperf profile\n"
      "option shown, and the results are aiperf's (profile_export_aiperf.json, .csv, .jsonl).\n"
      "Long options may be abbreviated to a unique prefix, as in GenAI-Perf.\n";
  std::string_view group;
  for (const auto& f : gap_flags()) {
    if (f.group != group) {
      group = f.group;
      out += '\n';
      out += group;
      out += ":\n";
    }
    std::string names;
    for (auto n : f.names) {
      if (!names.empty()) names += ", ";
      names += n;
    }
    out += "  ";
    out += names;
    out += "\n      -> ";
    out += f.becomes;
    out += '\n';
  }
  return out;
}

}  // namespace aiperf::config
