#include "aiperf/mock/token_text.h"

#include <stdexcept>

#include "aiperf/tokenizer/tokenizer.h"

namespace aiperf::mock {

namespace {
// Common lowercase English words; with a leading space each is one o200k_base token (checked at
// start-up against the loaded tokenizer, so another tokenizer simply drops the ones it splits).
constexpr const char* kWords[] = {
    "the",    "of",     "and",    "to",    "in",     "is",      "was",     "for",    "on",
    "that",   "with",   "as",     "by",    "at",     "from",    "his",     "her",    "he",
    "she",    "it",     "they",   "we",    "you",    "are",     "be",      "this",   "which",
    "or",     "an",     "had",    "not",   "but",    "have",    "were",    "their",  "one",
    "all",    "also",   "has",    "more",  "its",    "after",   "first",   "new",    "other",
    "who",    "two",    "when",   "time",  "been",   "into",    "them",    "some",   "than",
    "years",  "most",   "there",  "would", "only",   "can",     "over",    "out",    "year",
    "about",  "up",     "may",    "many",  "these",  "such",    "what",    "people", "work",
    "made",   "him",    "part",   "state", "city",   "world",   "between", "under",  "three",
    "during", "later",  "both",   "while", "where",  "because", "used",    "well",   "through",
    "before", "then",   "being",  "since", "each",   "until",   "however", "around", "same",
    "within", "number", "called", "will",  "high",   "small",   "large",   "long",   "life",
    "great",  "name",   "known",  "form",  "music",  "water",   "light",   "power",  "house",
    "young",  "early",  "game",   "team",  "family", "school",  "war",     "place",  "land",
    "home",   "book",   "film",   "sound", "word",   "line",    "point",   "story",  "head",
    "hand",   "night",  "fire",   "field", "river",  "voice",   "paper",   "market", "moment",
    "order",  "plan",   "road",   "room",  "table",  "view",    "way",     "week",   "window",
};
}  // namespace

size_t count_words(std::string_view text) {
  size_t n = 0;
  bool in_word = false;
  for (char c : text) {
    bool space = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
    if (!space && !in_word) ++n;
    in_word = !space;
  }
  return n;
}

TokenText::TokenText(std::shared_ptr<const tokenizer::Tokenizer> tok) : tok_(std::move(tok)) {
  for (const char* w : kWords) {
    std::string piece = std::string(" ") + w;
    if (tok_ && tok_->count(piece) != 1) continue;
    pieces_.push_back(std::move(piece));
  }
  if (tok_) {
    // Joined text must split back into one token per word (pre-tokenization boundaries).
    std::string all;
    for (const auto& p : pieces_) all += p;
    if (tok_->count(all) != pieces_.size()) {
      std::vector<std::string> kept;
      for (const auto& p : pieces_)
        if (tok_->count(p + p) == 2 && tok_->count(p + " the") == 2) kept.push_back(p);
      pieces_.swap(kept);
    }
  }
  if (pieces_.empty())
    throw std::runtime_error(
        "tokenizer '" + tokenizer_name() +
        "' splits every output word; use --tokenizer builtin or --no-tokenizer");
}

size_t TokenText::count(std::string_view text) const {
  return tok_ ? tok_->count(text) : count_words(text);
}

std::string TokenText::tokenizer_name() const {
  return tok_ ? tok_->name() : "words";
}

}  // namespace aiperf::mock
