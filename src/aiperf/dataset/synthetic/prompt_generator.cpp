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
constexpr int64_t kMaxShift = 64;       // tokens a slice moves on to find piece boundaries
constexpr int kMaxPieceChecks = 4;      // slices with piece-boundary ends cut into pieces

std::string_view strip(std::string_view s) {
  const char* ws = " \t\r\n\f\v";
  size_t b = s.find_first_not_of(ws);
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(ws);
  return s.substr(b, e - b + 1);
}

/// Lines stripped, empty ones dropped, grouped into chunks of >= kChunkChars characters joined
/// by single spaces. A chunk after the first starts with the space that joins it to the one
/// before, so the chunks back to back are the lines joined by spaces, and the tokens at a seam
/// are those of running text (a BPE tokenizer cuts "earth. And" after "earth." whether or not
/// a chunk ends there; "earth.And" would re-encode to other tokens).
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
    if (!cur.empty() || !chunks.empty()) cur += ' ';
    cur.append(line);
    if (cur.size() >= kChunkChars) chunks.push_back(std::move(cur)), cur.clear();
  }
  if (!cur.empty()) chunks.push_back(std::move(cur));
  return chunks;
}

/// The corpus's ids, and where the tokenizer cuts text into pieces (Tokenizer::encode_pieces)
/// its text and piece boundaries: a slice whose ends are piece boundaries is then cut from the
/// text without decoding, and checked by cutting it into pieces instead of re-encoding it.
struct CorpusTokens {
  std::vector<TokenId> ids;
  bool pieces = false;
  std::string text;               // the chunks' texts back to back (what decode(ids) gives)
  std::vector<uint32_t> offs;     // ids.size() + 1 entries: token i is text[offs[i], offs[i + 1])
  std::vector<uint8_t> boundary;  // ids.size() + 1 entries: 1 where a piece starts (or the end)
  /// The tokens, in order, where cutting the whole text (not chunk by chunk) into pieces starts
  /// a piece elsewhere, or none (about a chunk's seam; the builtin corpus has none).
  std::vector<uint32_t> differ;
  bool whole_cut = false;  // the whole text could be cut (else nothing is known to agree)
  /// Does cutting the whole text agree with the chunks' pieces at tokens [a, b]?
  bool agree(size_t a, size_t b) const {
    if (!whole_cut) return false;
    auto it = std::lower_bound(differ.begin(), differ.end(), uint32_t(a));
    return it == differ.end() || *it > b;
  }
};

/// Marks the tokens where cutting the whole corpus text into pieces disagrees with the chunks'
/// pieces (a piece starts at one and not the other, or inside the token).
void compare_with_whole_text(const tokenizer::Tokenizer& tok, CorpusTokens& c) {
  const size_t len = c.ids.size();
  c.differ.clear();
  std::vector<uint32_t> ends;
  c.whole_cut = tok.piece_ends(c.text, ends);
  if (!c.whole_cut) return;
  size_t k = 0;  // ends[k - 1]: the last whole-text piece end at or before offs[i]
  for (size_t i = 0; i < len; ++i) {
    bool starts_here = i == 0;
    while (k < ends.size() && ends[k] <= c.offs[i]) starts_here = ends[k++] == c.offs[i];
    const bool inside = k < ends.size() && ends[k] < c.offs[i + 1];
    if (inside || starts_here != bool(c.boundary[i])) c.differ.push_back(uint32_t(i));
  }
}

std::shared_ptr<const CorpusTokens> tokenize_corpus(const tokenizer::Tokenizer& tok) {
  std::vector<std::string> chunks = corpus_chunks(builtin_corpus_text());
  std::vector<tokenizer::Tokenizer::PieceEncoding> parts(chunks.size());
  std::vector<uint8_t> by_pieces(chunks.size(), 0);
  size_t n_threads = std::clamp<size_t>(std::thread::hardware_concurrency(), 1, 8);
  n_threads = std::min(n_threads, chunks.size());
  std::vector<std::exception_ptr> errors(n_threads);
  auto work = [&](size_t t) {
    try {
      for (size_t i = t; i < chunks.size(); i += n_threads) {
        by_pieces[i] = tok.encode_pieces(chunks[i], parts[i]);
        if (!by_pieces[i]) parts[i].ids = tok.encode(chunks[i], false);
      }
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
  size_t total = 0, text_bytes = 0;
  for (size_t i = 0; i < parts.size(); ++i)
    total += parts[i].ids.size(), text_bytes += chunks[i].size();
  corpus->ids.reserve(total);
  for (auto& p : parts) corpus->ids.insert(corpus->ids.end(), p.ids.begin(), p.ids.end());
  if (corpus->ids.empty()) throw std::runtime_error("the prompt corpus tokenized to no tokens");
  corpus->pieces = text_bytes <= UINT32_MAX &&
                   std::all_of(by_pieces.begin(), by_pieces.end(), [](uint8_t b) { return b; });
  if (corpus->pieces) {
    corpus->text.reserve(text_bytes);
    corpus->offs.reserve(total + 1);
    corpus->boundary.reserve(total + 1);
    corpus->offs.push_back(0);
    for (size_t i = 0; i < parts.size(); ++i) {
      const auto base = static_cast<uint32_t>(corpus->text.size());
      corpus->text += chunks[i];
      for (uint32_t end : parts[i].ends) corpus->offs.push_back(base + end);
      corpus->boundary.insert(corpus->boundary.end(), parts[i].piece_starts.begin(),
                              parts[i].piece_starts.end());
    }
    corpus->boundary.push_back(1);
    compare_with_whole_text(tok, *corpus);
  }
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

  /// The first slice of n tokens starting at or after `start` (within kMaxShift tokens, without
  /// wrapping) whose ends are piece boundaries of the corpus and whose text cuts into pieces at
  /// the corpus's boundaries only: such a text re-encodes to exactly the slice (the same
  /// pieces, each encoded on its own), so it needs no decode or encode. Where the tokenizer
  /// bounds how far past a piece its bytes matter (piece_lookahead), only the slice's last
  /// pieces are cut again: the earlier ones are the whole corpus text's, which are the chunks'
  /// wherever compare_with_whole_text found no difference.
  bool try_pieces(int64_t start, int64_t n, Prompt& out) const {
    const CorpusTokens& c = *corpus;
    const int64_t len = int64_t(c.ids.size());
    std::vector<uint32_t> ends;
    int checks = 0;
    for (int64_t a = start; a < start + kMaxShift && a + n <= len; ++a) {
      if (!c.boundary[size_t(a)] || !c.boundary[size_t(a + n)]) continue;
      if (++checks > kMaxPieceChecks) return false;
      const uint32_t from = c.offs[size_t(a)], to = c.offs[size_t(a + n)];
      std::string_view text(c.text.data() + from, to - from);
      size_t x = size_t(a);  // the pieces are cut again from token x on
      const size_t look = tok.piece_lookahead(text);
      if (look != std::string_view::npos) {
        size_t y = size_t(a + n);
        while (y > x && (!c.boundary[y] || c.offs[y] + look > to)) --y;
        if (c.agree(x, y)) x = y;
      }
      if (!tok.piece_ends(text.substr(c.offs[x] - from), ends)) return false;
      // The same pieces: each piece of the text ends at a corpus boundary, with none inside it.
      size_t j = x;
      bool same = true;
      for (uint32_t e : ends) {
        const uint32_t at = c.offs[x] + e;
        while (same && c.offs[++j] < at) same = !c.boundary[j];
        if (!same || c.offs[j] != at || !c.boundary[j]) {
          same = false;
          break;
        }
      }
      if (!same) continue;
      out.text.assign(text);
      out.tokens = n;
      return true;
    }
    return false;
  }

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
  if (impl_->corpus->pieces && impl_->try_pieces(start, n_tokens, best)) return best;
  // A start that cannot be repaired (rare) moves on by a fixed odd stride: no randomness, so
  // the result depends only on (start, n_tokens).
  const int64_t stride = len / kMaxStarts + 1;
  for (int attempt = 0; attempt < kMaxStarts; ++attempt) {
    if (impl_->try_exact((start + attempt * stride) % len, n_tokens, best)) return best;
  }
  return best;
}

}  // namespace aiperf::dataset
