#include "aiperf/cli/tokenize_cmd.h"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "aiperf/common/error.h"
#include "aiperf/tokenizer/tokenizer.h"

namespace aiperf::cli {
namespace {

void append_ids(std::string& out, const std::vector<tokenizer::TokenId>& ids) {
  out.push_back('[');
  for (size_t i = 0; i < ids.size(); ++i) {
    if (i) out += ", ";
    out += std::to_string(ids[i]);
  }
  out.push_back(']');
}

// Reads {"text": ...} lines; blank lines are skipped.
std::vector<std::string> read_jsonl(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw InputError("--input-file '" + path + "': cannot open; check the path");
  std::vector<std::string> texts;
  std::string line;
  size_t line_no = 0;
  while (std::getline(f, line)) {
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(line);
    } catch (const nlohmann::json::parse_error&) {
      throw InputError("--input-file '" + path + "' line " + std::to_string(line_no) +
                       ": not valid JSON; write one {\"text\": ...} object per line");
    }
    if (!j.is_object() || !j.contains("text") || !j["text"].is_string())
      throw InputError("--input-file '" + path + "' line " + std::to_string(line_no) +
                       ": expected {\"text\": \"...\"}");
    texts.push_back(j["text"].get<std::string>());
  }
  return texts;
}

}  // namespace

int run_tokenize(int argc, char** argv) {
  CLI::App app{"Count or list the tokens of a text with a tokenizer.", "aiperf tokenize"};
  std::string spec = "builtin";
  std::string revision = "main";
  bool trust_remote_code = false;
  bool add_special = false;
  bool show_ids = false;
  bool decode = false;
  std::string input_file;
  std::vector<std::string> words;
  app.add_option("--tokenizer", spec,
                 "builtin (tiktoken o200k_base), a tokenizer.json or its directory, a .tiktoken "
                 "file, or a HuggingFace model id")
      ->capture_default_str();
  app.add_option("--tokenizer-revision", revision, "Hub revision (branch, tag or commit)")
      ->capture_default_str();
  app.add_flag("--tokenizer-trust-remote-code", trust_remote_code,
               "Accepted for compatibility; remote code is never run");
  app.add_flag("--add-special-tokens", add_special,
               "Apply the post-processor (BOS/EOS/CLS/SEP); tiktoken: allow special tokens");
  app.add_flag("--ids", show_ids, "Print the token ids instead of the count");
  app.add_flag("--decode", decode, "Also print the ids decoded back to text");
  app.add_option("--input-file", input_file,
                 "JSONL file with {\"text\": ...} per line; prints {\"count\": N, \"ids\": [...]} "
                 "per line");
  app.add_option("text", words, "Text to tokenize (words are joined by spaces; stdin if absent)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : kExitUsage;
  }
  if (!input_file.empty() && !words.empty()) {
    std::fprintf(stderr, "aiperf tokenize: error: give TEXT or --input-file, not both\n");
    return kExitUsage;
  }
  if (trust_remote_code)
    std::fprintf(stderr,
                 "aiperf tokenize: note: --tokenizer-trust-remote-code is accepted but no remote "
                 "code is run; the tokenizer is read from tokenizer.json\n");
  try {
    tokenizer::LoadOptions opts;
    opts.revision = revision;
    opts.trust_remote_code = trust_remote_code;
    auto tok = tokenizer::load(spec, opts);
    std::string out;
    if (!input_file.empty()) {
      std::vector<std::string> texts = read_jsonl(input_file);
      auto all = tokenizer::encode_batch(*tok, texts, add_special);
      for (size_t i = 0; i < all.size(); ++i) {
        out += "{\"count\": " + std::to_string(all[i].size()) + ", \"ids\": ";
        append_ids(out, all[i]);
        if (decode) out += ", \"decoded\": " + nlohmann::json(tok->decode(all[i], false)).dump();
        out += "}\n";
        if (out.size() > (1 << 20)) {
          std::fwrite(out.data(), 1, out.size(), stdout);
          out.clear();
        }
      }
    } else {
      std::string text;
      if (words.empty()) {
        text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
      } else {
        for (size_t i = 0; i < words.size(); ++i) text += (i ? " " : "") + words[i];
      }
      auto ids = tok->encode(text, add_special);
      if (show_ids)
        append_ids(out, ids);
      else
        out = std::to_string(ids.size());
      out.push_back('\n');
      if (decode) out += tok->decode(ids, false) + "\n";
    }
    std::fwrite(out.data(), 1, out.size(), stdout);
    return std::fflush(stdout) == 0 ? kExitOk : 1;
  } catch (const InputError& e) {
    std::fprintf(stderr, "aiperf tokenize: error: %s\n", e.what());
    return kExitUsage;
  }
}

}  // namespace aiperf::cli
