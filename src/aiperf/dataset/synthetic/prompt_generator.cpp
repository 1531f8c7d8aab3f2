// PromptGenerator: exact-length prompts from the bundled corpus (spec §4.2, made exact).
#include <algorithm>
#include <cstdlib>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>

#include "aiperf/dataset/dataset.h"

extern "C" {
extern const char aiperf_corpus_data[];
extern const uint64_t aiperf_corpus_size;
}

namespace aiperf::dataset {

using tokenizer::TokenId;

std::string_view builtin_corpus_text() {
  return std::string_view(aiperf_corpus_data, size_t(aiperf_corpus_size));
}

namespace {

constexpr size_t kChunkChars = 10'000;  // spec §4.2: chunks of at least this many characters
constexpr int kMaxFixups = 12;          // decode/encode rounds per start position
constexpr int kMaxStarts = 8;           // start positions tried before giving up on exactness

std::string_view strip(std::string_view s) {
  const char* ws = " \t\r\n\f\v";
  size_t b = s.find_first_not_of(ws);
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(ws);
  return s.substr(b, e - b + 1);
}

/// Lines stripped, empty ones dropped, grouped into chunks of >= kChunkChars characters joined
/// by single spaces.
std::vector<std::string> corpus_chunks(std::string_view text) {
  std::vector<std::string> chunks;
  std::string cur;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = strip(text.substr(pos, nl - pos));
    pos = nl + 1;
    if (line.empty()) continue;
    if (!cur.empty()) cur += ' ';
    cur.append(line);
    if (cur.size() >= kChunkChars) chunks.push_back(std::move(cur)), cur.clear();
  }
  if (!cur.empty()) chunks.push_back(std::move(cur));
  return chunks;
}

struct CorpusTokens {
  std::vector<TokenId> ids;
};

std::shared_ptr<const CorpusTokens> tokenize_corpus(const tokenizer::Tokenizer& tok) {
  std::vector<std::string> chunks = corpus_chunks(builtin_corpus_text());
  std::vector<std::vector<TokenId>> parts(chunks.size());
  size_t n_threads = std::clamp<size_t>(std::thread::hardware_concurrency(), 1, 8);
  n_threads = std::min(n_threads, chunks.size());
  std::vector<std::exception_ptr> errors(n_threads);
  auto work = [&](size_t t) {
    try {
      for (size_t i = t; i < chunks.size(); i += n_threads) parts[i] = tok.encode(chunks[i], false);
    } catch (...) {
      errors[t] = std::current_exception();
    }
  };
  std::vector<std::thread> threads;
  for (size_t t = 1; t < n_threads; ++t) threads.emplace_back(work, t);
  if (n_threads > 0) work(0);
  for (auto& th : threads) th.join();
  for (auto& e : errors) {
    if (e) std::rethrow_exception(e);
  }
  auto corpus = std::make_shared<CorpusTokens>();
  size_t total = 0;
  for (auto& p : parts) total += p.size();
  corpus->ids.reserve(total);
  for (auto& p : parts) corpus->ids.insert(corpus->ids.end(), p.begin(), p.end());
  if (corpus->ids.empty()) throw std::runtime_error("the prompt corpus tokenized to no tokens");
  return corpus;
}

/// One tokenized corpus per live tokenizer: generators of the same tokenizer (prompts, prefixes,
/// system prompts) share it; it is freed with the last generator.
std::shared_ptr<const CorpusTokens> corpus_for(const tokenizer::Tokenizer& tok) {
  static std::mutex mu;
  static std::vector<std::pair<const tokenizer::Tokenizer*, std::weak_ptr<const CorpusTokens>>>
      cache;
  std::lock_guard lock(mu);
  std::erase_if(cache, [](const auto& e) { return e.second.expired(); });
  for (auto& [key, weak] : cache) {
    if (key == &tok) {
      if (auto live = weak.lock()) return live;
    }
  }
  auto fresh = tokenize_corpus(tok);
  cache.emplace_back(&tok, fresh);
  return fresh;
}

}  // namespace

struct PromptGenerator::Impl {
  const tokenizer::Tokenizer& tok;
  Rng rng;
  std::shared_ptr<const CorpusTokens> corpus;

  void append_corpus(std::vector<TokenId>& out, int64_t from, int64_t count) const {
    const auto& ids = corpus->ids;
    const int64_t len = int64_t(ids.size());
    int64_t p = from % len;
    for (int64_t i = 0; i < count; ++i) {
      out.push_back(ids[size_t(p)]);
      if (++p == len) p = 0;
    }
  }

  /// Decode a corpus slice and repair its edges until it re-encodes to exactly n tokens: more
  /// tokens than n -> keep the first n of the re-encoding; fewer -> append the corpus tokens
  /// that follow. Each round only moves the edges, so it settles in one or two rounds for
  /// BPE-style tokenizers.
  bool try_exact(int64_t start, int64_t n, Prompt& best) const {
    std::vector<TokenId> ids;
    ids.reserve(size_t(n) + 8);
    append_corpus(ids, start, n);
    int64_t next = start + n;
    for (int round = 0; round < kMaxFixups; ++round) {
      std::string text = tok.decode(ids, false);
      std::vector<TokenId> enc = tok.encode(text, false);
      const int64_t got = int64_t(enc.size());
      if (best.text.empty() || std::llabs(got - n) < std::llabs(best.tokens - n)) {
        best.text = text;
        best.tokens = got;
      }
      if (got == n) return true;
      if (got > n) {
        enc.resize(size_t(n));
        ids = std::move(enc);
      } else {
        ids = std::move(enc);
        append_corpus(ids, next, n - got);
        next += n - got;
      }
    }
    return false;
  }
};

PromptGenerator::PromptGenerator(const tokenizer::Tokenizer& tok, Rng rng)
    : impl_(new Impl{tok, rng, corpus_for(tok)}) {}

PromptGenerator::~PromptGenerator() {
  delete impl_;
}

int64_t PromptGenerator::corpus_tokens() const {
  return int64_t(impl_->corpus->ids.size());
}

int64_t PromptGenerator::draw_start() {
  return impl_->rng.randrange(corpus_tokens());
}

std::string PromptGenerator::generate(int64_t n_tokens) {
  return generate_at(draw_start(), n_tokens).text;
}

Prompt PromptGenerator::generate_at(int64_t start, int64_t n_tokens) const {
  if (n_tokens <= 0) return {};
  const int64_t len = corpus_tokens();
  start = ((start % len) + len) % len;
  Prompt best;
  // A start that cannot be repaired (rare) moves on by a fixed odd stride: no randomness, so
  // the result depends only on (start, n_tokens).
  const int64_t stride = len / kMaxStarts + 1;
  for (int attempt = 0; attempt < kMaxStarts; ++attempt) {
    if (impl_->try_exact((start + attempt * stride) % len, n_tokens, best)) return best;
  }
  return best;
}

}  // namespace aiperf::dataset
