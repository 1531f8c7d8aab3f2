// Exact-length prompt building (dataset::PromptGenerator::generate_at): microseconds per prompt
// with a tokenizer (the builtin one, or any --tokenizer spec: a tokenizer.json directory...),
// cut at piece boundaries, against the same tokenizer hiding its pieces (so every prompt is
// decoded, re-encoded and repaired), alternating rounds, median. Every prompt is checked exact.
// Usage: prompt_bench [ISL=550] [PROMPTS=5000] [ROUNDS=5] [TOKENIZER=builtin]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "aiperf/dataset/dataset.h"
#include "aiperf/tokenizer/tokenizer.h"

using namespace aiperf;

namespace {

/// The builtin tokenizer without its pieces (Tokenizer::encode_pieces returns false).
class Repairing : public tokenizer::Tokenizer {
 public:
  explicit Repairing(const Tokenizer& t) : t_(t) {}
  std::vector<tokenizer::TokenId> encode(std::string_view s, bool add) const override {
    return t_.encode(s, add);
  }
  std::string decode(const std::vector<tokenizer::TokenId>& ids, bool skip) const override {
    return t_.decode(ids, skip);
  }
  size_t count(std::string_view s) const override { return t_.count(s); }
  std::string name() const override { return t_.name(); }

 private:
  const Tokenizer& t_;
};

double us_per_prompt(const dataset::PromptGenerator& g, int64_t isl, int prompts, uint64_t seed) {
  Rng rng(seed);
  std::vector<int64_t> starts(static_cast<size_t>(prompts));
  for (auto& s : starts) s = rng.randrange(g.corpus_tokens());
  size_t sink = 0;
  const auto t0 = std::chrono::steady_clock::now();
  for (int64_t s : starts) {
    dataset::Prompt p = g.generate_at(s, isl);
    if (p.tokens != isl) std::fprintf(stderr, "not exact: start %lld\n", (long long)s);
    sink += p.text.size();
  }
  const double us =
      std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count();
  if (sink == 0) std::fprintf(stderr, "no text\n");
  return us / prompts;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  const int64_t isl = argc > 1 ? std::atoll(argv[1]) : 550;
  const int prompts = argc > 2 ? std::atoi(argv[2]) : 5000;
  const int rounds = argc > 3 ? std::atoi(argv[3]) : 5;
  auto tok = tokenizer::load(argc > 4 ? argv[4] : "builtin");
  Repairing repairing(*tok);
  dataset::PromptGenerator cut(*tok, Rng(1)), repaired(repairing, Rng(1));
  std::vector<double> a, b;
  for (int r = 0; r < rounds; ++r) {
    a.push_back(us_per_prompt(cut, isl, prompts, 100 + r));
    b.push_back(us_per_prompt(repaired, isl, prompts, 100 + r));
  }
  std::printf("prompts of %lld tokens, tokenizer %s, median of %d rounds of %d:\n", (long long)isl,
              tok->name().c_str(), rounds, prompts);
  std::printf("  cut at piece boundaries: %.2f us/prompt\n", median(a));
  std::printf("  decoded and repaired:    %.2f us/prompt\n", median(b));
  std::printf("  ratio: %.2fx\n", median(b) / median(a));
  return 0;
}
