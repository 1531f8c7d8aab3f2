// Every `aiperf` / `genai-perf` command line quoted in a code block of README.md or docs/*.md
// runs against the mock server, so the documentation cannot drift from the program. Runnable
// commands live in code blocks (fenced, or indented four spaces); inline `code` in prose is a
// mention and is not run.
//
// The test shrinks each line before running it: every --url goes to a local mock server, the
// tokenizer is builtin (no download), counts, lengths and durations are capped, a file that is
// not in the repository is replaced by a fixture of the same format, and `...` (the doc's
// "same options as above") stands for a model and a URL. Lines it does not run are listed with
// their reason; the reasons are few and explicit (kSkips below).
#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "test_util.h"

namespace aiperf::testing {
namespace {

namespace fs = std::filesystem;

const fs::path kRoot = fs::path(AIPERF_TEST_DATA_DIR).parent_path().parent_path();
const fs::path kTraces = fs::path(AIPERF_TEST_DATA_DIR) / "traces";

struct DocLine {
  std::string where;  // file:line
  std::string text;   // continuation lines joined
};

/// Command lines in code blocks of README.md and docs/*.md.
std::vector<DocLine> doc_command_lines() {
  std::vector<fs::path> files = {kRoot / "README.md"};
  for (const auto& e : fs::directory_iterator(kRoot / "docs")) {
    if (e.path().extension() == ".md") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<DocLine> out;
  for (const auto& f : files) {
    std::ifstream in(f);
    std::vector<std::string> lines;
    for (std::string l; std::getline(in, l);) lines.push_back(l);
    bool fenced = false;
    for (size_t i = 0; i < lines.size(); ++i) {
      std::string l = lines[i];
      const size_t first = l.find_first_not_of(' ');
      if (first != std::string::npos && l.compare(first, 3, "```") == 0) {
        fenced = !fenced;
        continue;
      }
      if (!fenced && l.rfind("    ", 0) != 0) continue;
      std::string s = first == std::string::npos ? "" : l.substr(first);
      if (s.rfind("$ ", 0) == 0) s = s.substr(2);
      const std::string prog = s.substr(0, s.find(' '));
      const std::string base =
          prog.substr(prog.rfind('/') == std::string::npos ? 0 : prog.rfind('/') + 1);
      if (base != "aiperf" && base != "genai-perf") continue;
      const size_t at = i + 1;
      while (!s.empty() && s.back() == '\\' && i + 1 < lines.size()) {
        s.pop_back();
        std::string next = lines[++i];
        s += ' ';
        s.append(next, std::min(next.size(), next.find_first_not_of(' ')));
      }
      out.push_back({fs::relative(f, kRoot).string() + ":" + std::to_string(at), s});
    }
  }
  return out;
}

/// Shell words: '...' and "..." quoting, an unquoted # starts a comment.
std::vector<std::string> shell_words(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  bool have = false;
  char quote = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (quote) {
      if (c == quote) {
        quote = 0;
      } else {
        cur += c;
      }
    } else if (c == '\'' || c == '"') {
      quote = c;
      have = true;
    } else if (std::isspace(static_cast<unsigned char>(c))) {
      if (have) out.push_back(cur);
      cur.clear();
      have = false;
    } else if (c == '#' && !have) {
      break;
    } else {
      cur += c;
      have = true;
    }
  }
  if (have) out.push_back(cur);
  return out;
}

bool find_program_on_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "");
  for (std::string d; std::getline(dirs, d, ':');) {
    if (!d.empty() && fs::exists(fs::path(d) / name)) return true;
  }
  return false;
}

bool is_option(const std::string& w) {
  return w.size() > 1 && w[0] == '-' && !std::isdigit(static_cast<unsigned char>(w[1]));
}

/// Caps: flag -> largest value kept.
const std::map<std::string, double> kCaps = {
    {"--request-count", 6},
    {"--num-requests", 6},
    {"--concurrency", 3},
    {"--max-concurrency", 3},
    {"--session-concurrency", 3},
    {"--num-sessions", 3},
    {"--conversation-num", 3},
    {"--num-conversations", 3},
    {"--num-users", 2},
    {"--benchmark-duration", 2},
    {"--duration", 2},
    {"--measurement-interval", 600},
    {"-p", 600},
    {"--isl", 32},
    {"--synthetic-input-tokens-mean", 32},
    {"--input-tokens-mean", 32},
    {"--prompt-input-tokens-mean", 32},
    {"--osl", 4},
    {"--output-tokens-mean", 4},
    {"--prompt-output-tokens-mean", 4},
    {"--image-width-mean", 32},
    {"--image-height-mean", 32},
    {"--video-width", 32},
    {"--video-height", 32},
    {"--audio-length-mean", 0.2},
    {"--session-turn-delay-mean", 10},
    {"--conversation-turn-delay-mean", 10},
    {"--shared-system-prompt-length", 50},
    {"--user-context-prompt-length", 20},
    {"--num-dataset-entries", 6},
    {"--num-prompts", 6},
    {"--warmup-request-count", 2},
    {"--warmup-requests", 2},
    {"--wait-for-model-timeout", 10},
};

/// A fixture of each --custom-dataset-type for files the docs name but the repository lacks.
std::string fixture_for(const std::optional<std::string>& type, bool trace) {
  static const std::map<std::string, std::string> kByType = {
      {"mooncake_trace", "arxiv_mooncake_trace_first20.jsonl"},
      {"single_turn", "single_turn_basic.jsonl"},
      {"multi_turn", "multi_turn_basic.jsonl"},
      {"random_pool", "random_pool.jsonl"},
      {"bailian_trace", "bailian_trace_doc_example.jsonl"},
      {"burst_gpt_trace", "BurstGPT_1_first3rows.csv"},
      {"raw_payload", "raw_payload.jsonl"},
      {"inputs_json", "inputs_json_example.json"},
      {"sagemaker_data_capture", "sagemaker_capture.jsonl"},
  };
  if (type && kByType.count(*type)) return (kTraces / kByType.at(*type)).string();
  if (type && type->rfind("speed_bench_", 0) == 0) {  // rows of categories coding and math
    return (kTraces.parent_path() / "speed_bench" / "mini.jsonl").string();
  }
  return (kTraces / (trace ? "arxiv_mooncake_trace_first20.jsonl" : "single_turn_basic.jsonl"))
      .string();
}

bool looks_like_data_file(const std::string& w) {
  for (const char* ext : {".jsonl", ".json", ".csv"}) {
    const std::string e(ext);
    if (w.size() > e.size() && w.compare(w.size() - e.size(), e.size(), e) == 0) return true;
  }
  return false;
}

struct Prepared {
  std::vector<std::string> argv;
  std::string skip;  // non-empty: why the line is not run
};

std::string shrink(const std::string& flag, const std::string& value) {
  char* end = nullptr;
  const double v = std::strtod(value.c_str(), &end);
  if (end == value.c_str() || *end != '\0') return value;  // not a number: left to the program
  const double cap = kCaps.at(flag);
  if (v <= cap) return value;
  std::ostringstream os;
  os << cap;
  return os.str();
}

/// A line that speaks Triton's KServe v2 gRPC: --endpoint-type kserve / kserve_vllm, or a
/// genai-perf line whose service kind is triton (its default when no endpoint type is given).
bool speaks_grpc(const std::vector<std::string>& w, bool genai) {
  bool typed = false, openai = false;
  for (size_t i = 0; i + 1 < w.size(); ++i) {
    if (w[i] == "--endpoint-type") {
      typed = true;
      if (w[i + 1].rfind("kserve", 0) == 0) return true;
    }
    if (w[i] == "--service-kind") {
      if (w[i + 1] == "triton") return true;
      openai = true;
    }
  }
  return genai && !typed && !openai;
}

Prepared prepare(const DocLine& line, std::vector<std::string> mock_urls,
                 const std::string& artifact_dir, const std::string& grpc_url) {
  Prepared p;
  std::vector<std::string> w = shell_words(line.text);
  for (const auto& word : w) {
    if (word.front() == '[' || word.find("…") != std::string::npos || word == "..." ||
        word.front() == '<' || word.front() == '(') {
      p.skip = "a synopsis (placeholders in brackets), not a command line";
      return p;
    }
  }
  const bool genai = w[0].size() >= 10 && w[0].substr(w[0].size() - 10) == "genai-perf";
  const bool grpc = speaks_grpc(w, genai);
  if (grpc) mock_urls = {grpc_url, grpc_url};  // the mocks' gRPC side
  bool has_url = false;
  std::vector<std::string> in(w.begin() + 1, w.end());
  if (line.text.find(';') != std::string::npos) {
    p.skip = "a shell sequence (docs/install.md's package check)";
    return p;
  }
  static const std::set<std::string> kCommands = {
      "analyze-trace",     "compare",    "config",   "genai-perf", "plot",    "plugins",
      "profile",           "synthesize", "tokenize", "validate",   "analyze", "create-template",
      "speed-bench-report"};
  if (!genai && !in.empty() && in[0].front() != '-' && !kCommands.count(in[0])) {
    p.skip = "printed output, not a command line";
    return p;
  }
  if (!in.empty() && (in[0] == "plot" || in[0] == "compare")) {
    p.skip = "reads the artifacts of earlier runs (tests/integration/report_test.cpp runs them)";
    return p;
  }
  if (!in.empty() && in[0] == "speed-bench-report") {
    p.skip = "reads SPEED-Bench runs (tests/integration/speed_bench_report_test.cpp runs it)";
    return p;
  }
  const bool profile = (!in.empty() && in[0] == "profile") ||
                       (in.size() > 1 && in[0] == "genai-perf" && in[1] == "profile");
  std::vector<std::string> out;
  std::optional<std::string> type;
  for (size_t i = 0; i + 1 < in.size(); ++i) {
    if (in[i] == "--custom-dataset-type") type = in[i + 1];
  }
  bool has_tokenizer = false, has_artifacts = false, has_entries = false, has_video_len = false;
  bool synthetic = true, video = false;
  size_t next_url = 0;
  for (size_t i = 0; i < in.size(); ++i) {
    const std::string& a = in[i];
    if (a == "...") {  // "the options shown above": a model and a server
      out.insert(out.end(), {"--model", "mock-model", "--url", mock_urls[next_url++ % 2]});
      continue;
    }
    if (a == "--public-dataset" || a == "--dataset") {
      p.skip = "downloads a public dataset from the Hugging Face Hub (no network in tests)";
      return p;
    }
    if (!is_option(a) && looks_like_data_file(a) && !fs::exists(a)) {
      out.push_back(fixture_for(type, true));  // e.g. aiperf analyze-trace FILE
      continue;
    }
    if (!is_option(a) || i + 1 >= in.size() || is_option(in[i + 1])) {
      out.push_back(a);
      continue;
    }
    if (a == "--url" || a == "-u") {
      has_url = true;
      out.push_back(a);
      while (i + 1 < in.size() && !is_option(in[i + 1]) && in[i + 1] != "...") {
        out.push_back(mock_urls[next_url++ % mock_urls.size()]);
        ++i;
      }
      continue;
    }
    if (a == "--tokenizer") {
      out.insert(out.end(), {a, "builtin"});
      has_tokenizer = true;
      ++i;
      continue;
    }
    if (a == "--artifact-dir" || a == "--output-artifact-dir") {
      out.insert(out.end(), {a, artifact_dir});
      has_artifacts = true;
      ++i;
      continue;
    }
    if (a == "--input-file" || a == "--trace-file") {
      synthetic = false;
      std::string file = in[i + 1];
      if (!fs::exists(file) && !fs::exists(kRoot / file))
        file = fixture_for(type, a == "--trace-file");
      out.insert(out.end(), {a, file});
      ++i;
      continue;
    }
    if (a.rfind("--video-", 0) == 0) video = true;
    if (a == "--video-duration") has_video_len = true;
    if (a == "--num-dataset-entries" || a == "--num-prompts") has_entries = true;
    out.push_back(a);
    out.push_back(kCaps.count(a) ? shrink(a, in[i + 1]) : in[i + 1]);
    ++i;
  }
  if (video && !find_program_on_path("ffmpeg")) {
    p.skip = "synthetic video needs ffmpeg, which is not installed here";
    return p;
  }
  if (profile) {
    if (grpc && !has_url) out.insert(out.end(), {"--url", grpc_url});  // not localhost:8001
    if (!has_tokenizer) out.insert(out.end(), {"--tokenizer", "builtin"});
    if (!has_artifacts) out.insert(out.end(), {"--artifact-dir", artifact_dir});
    if (synthetic && !has_entries) out.insert(out.end(), {"--num-dataset-entries", "6"});
    if (video && !has_video_len) out.insert(out.end(), {"--video-duration", "0.5"});
  }
  p.argv = {genai ? (fs::path(AIPERF_BIN).parent_path() / "genai-perf").string()
                  : std::string(AIPERF_BIN)};
  p.argv.insert(p.argv.end(), out.begin(), out.end());
  return p;
}

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) {
    if (!s.empty()) s += ' ';
    s += x;
  }
  return s;
}

TEST(DocsCommands, EveryQuotedCommandLineRuns) {
  const std::vector<DocLine> lines = doc_command_lines();
  ASSERT_GE(lines.size(), 5u) << "the README alone quotes five command lines";
  // The mocks list every model the lines name, for --wait-for-model-mode models.
  std::string models = "mock-model";
  for (const auto& line : lines) {
    const auto w = shell_words(line.text);
    for (size_t i = 0; i + 1 < w.size(); ++i) {
      if (w[i] == "-m" || w[i] == "--model" || w[i] == "--model-names") {
        models += ',';
        models += w[i + 1];
      }
    }
  }
  const int grpc_port = free_port();
  const std::string grpc_url = "127.0.0.1:" + std::to_string(grpc_port);
  MockServerProcess a(
      {"--fast", "--model-names", models, "--grpc-port", std::to_string(grpc_port)});
  MockServerProcess b({"--fast", "--model-names", models});
  const std::vector<std::string> urls = {a.url(), b.url()};
  size_t ran = 0;
  for (const auto& line : lines) {
    const std::string dir = make_temp_dir("aiperf-docs");
    Prepared p = prepare(line, urls, dir, grpc_url);
    if (!p.skip.empty()) {
      std::printf("[ skipped  ] %s: %s (%s)\n", line.where.c_str(), line.text.c_str(),
                  p.skip.c_str());
      continue;
    }
    CommandResult r = run_command(p.argv, 180);
    EXPECT_EQ(r.exit_code, 0) << line.where << ": " << line.text << "\n  ran: " << joined(p.argv)
                              << "\n  stderr: " << r.err.substr(0, 2000);
    ++ran;
    fs::remove_all(dir);
  }
  EXPECT_GE(ran, 5u);
}

}  // namespace
}  // namespace aiperf::testing
