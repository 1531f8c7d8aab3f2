// Tokenizer throughput: load time, single-thread encode and count speed over a JSONL corpus
// (lines {"text": ...}). Usage: tokenizer_bench TOKENIZER [CORPUS.jsonl] [SECONDS]
#include <chrono>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "aiperf/tokenizer/tokenizer.h"

using Clock = std::chrono::steady_clock;

static double secs(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s TOKENIZER [CORPUS.jsonl] [SECONDS]\n", argv[0]);
    return 2;
  }
  std::string corpus = argc > 2 ? argv[2] : "../shared/fixtures/tokenizers/corpus.jsonl";
  double budget = argc > 3 ? std::stod(argv[3]) : 2.0;
  std::vector<std::string> texts;
  size_t bytes = 0;
  std::ifstream f(corpus);
  std::string line;
  while (std::getline(f, line)) {
    if (line.empty()) continue;
    texts.push_back(nlohmann::json::parse(line).at("text").get<std::string>());
    bytes += texts.back().size();
  }
  auto t0 = Clock::now();
  auto tok = aiperf::tokenizer::load(argv[1]);
  auto t1 = Clock::now();
  std::printf("tokenizer %s: load %.1f ms\n", argv[1], secs(t0, t1) * 1e3);
  // Warm up (JIT, caches), then time whole passes over the corpus.
  size_t tokens = 0;
  for (const auto& t : texts) tokens += tok->encode(t, false).size();
  for (int mode = 0; mode < 2; ++mode) {
    size_t passes = 0, sink = 0;
    auto s = Clock::now();
    do {
      for (const auto& t : texts) sink += mode == 0 ? tok->encode(t, false).size() : tok->count(t);
      ++passes;
    } while (secs(s, Clock::now()) < budget);
    double el = secs(s, Clock::now());
    std::printf(
        "%-6s %zu texts, %zu bytes, %zu tokens/pass: %.1f MB/s, %.2f Mtok/s, %.2f us/text\n",
        mode == 0 ? "encode" : "count", texts.size(), bytes, tokens, bytes * passes / el / 1e6,
        tokens * passes / el / 1e6, el / (passes * texts.size()) * 1e6);
    if (sink == 0) std::printf("(no tokens)\n");
  }
  return 0;
}
