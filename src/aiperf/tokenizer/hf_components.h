// The parts of a HuggingFace tokenizer.json pipeline (private to the tokenizer stage). Each part
// is built once from JSON and then only read, so one instance serves all threads.
// Offsets are not tracked: only ids and decoded text are produced.
#pragma once
#include <cstdint>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "aiperf/tokenizer/tokenizer.h"

namespace aiperf::tokenizer::hf {

constexpr TokenId kNoId = UINT32_MAX;

/// The text being pre-tokenized: spans of `buf`, in order. A span with `id != kNoId` is an added
/// token already matched (pre-tokenizers pass it through). `origin` is true for the span that
/// starts at offset 0 of the original input (Metaspace prepend_scheme "first" needs it).
struct Pieces {
  struct Span {
    uint32_t off = 0;
    uint32_t len = 0;
    TokenId id = kNoId;
    bool origin = false;
  };
  std::string buf;
  std::vector<Span> spans;
  std::string_view view(const Span& s) const { return {buf.data() + s.off, s.len}; }
};

/// Thrown by the builders below; the loader adds the file name.
struct SpecError {
  std::string field;    // JSON path, e.g. "pre_tokenizer.pretokenizers[1].type"
  std::string message;  // what is wrong
};

class Normalizer {
 public:
  virtual ~Normalizer() = default;
  virtual void normalize(std::string& s) const = 0;
  /// True when it leaves every ASCII text as it is (the Unicode normal forms).
  virtual bool keeps_ascii() const { return false; }
};

class PreTokenizer {
 public:
  virtual ~PreTokenizer() = default;
  /// Rewrites `p` (splits spans, may rewrite text). Spans with an id are left as they are.
  virtual void pre_tokenize(Pieces& p) const = 0;
  /// True when the output is raw bytes standing for GPT-2 byte-level symbols.
  virtual bool byte_level() const { return false; }
  /// For Tokenizer::piece_lookahead: the ASCII lookahead of the one regex that cuts the text into
  /// pieces (detail::Regex::ascii_lookahead), 0 when this pre-tokenizer cuts nothing, npos
  /// when it cuts otherwise, with several regexes, or with a regex of unknown lookahead.
  virtual size_t ascii_lookahead() const { return std::string_view::npos; }
};

class Model {
 public:
  virtual ~Model() = default;
  /// Appends the ids of one pre-tokenized word.
  virtual void tokenize(std::string_view word, std::vector<TokenId>& out) const = 0;
  /// The vocabulary string of `id` (as written in tokenizer.json); false when unknown.
  virtual bool id_to_token(TokenId id, std::string& out) const = 0;
  virtual TokenId token_to_id(std::string_view token) const = 0;
};

class Decoder {
 public:
  virtual ~Decoder() = default;
  virtual void decode_chain(std::vector<std::string>& tokens) const = 0;
};

/// Post-processor: with add_special_tokens, wraps the ids (BOS/CLS/SEP/EOS).
class PostProcessor {
 public:
  virtual ~PostProcessor() = default;
  virtual void process(std::vector<TokenId>& ids) const = 0;
};

using Json = nlohmann::json;

std::unique_ptr<Normalizer> make_normalizer(const Json& j, const std::string& path);
std::unique_ptr<PreTokenizer> make_pre_tokenizer(const Json& j, const std::string& path);
struct ModelTables;
/// `byte_level`: the pre-tokenizer hands the model raw bytes (vocab keys are converted).
/// `tables` (may be null): vocab/merges already extracted by the fast scanner; consumed.
std::unique_ptr<Model> make_model(const Json& j, const std::string& path, bool byte_level,
                                  ModelTables* tables);
std::unique_ptr<Model> make_bpe_model(const Json& j, const std::string& path, bool byte_level,
                                      ModelTables* tables);
/// "<0xAB>": the byte-fallback token of byte b.
std::string byte_token(unsigned char b);
/// Reads model.vocab ({token: id}) into `out`.
void read_vocab(const Json& j, const std::string& path,
                std::vector<std::pair<std::string, uint32_t>>& out);
std::unique_ptr<Decoder> make_decoder(const Json& j, const std::string& path);
std::unique_ptr<PostProcessor> make_post_processor(const Json& j, const std::string& path);
/// A post-processor that puts `prefix` before and `suffix` after the ids.
std::unique_ptr<PostProcessor> make_wrap_processor(std::vector<TokenId> prefix,
                                                   std::vector<TokenId> suffix);

// Unicode helpers shared by the components (utf8proc based).
bool is_whitespace(char32_t c);   // Rust char::is_whitespace
bool is_punctuation(char32_t c);  // BERT: ASCII punctuation or Unicode P*
std::string nfc(std::string_view s);
std::string nfd(std::string_view s);
std::string nfkc(std::string_view s);
std::string nfkd(std::string_view s);

}  // namespace aiperf::tokenizer::hf
