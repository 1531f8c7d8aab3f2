// Tokenizers: the builtin tiktoken o200k_base (rank file linked into the binary), tiktoken rank
// files, and HuggingFace tokenizer.json (BPE / WordPiece / Unigram / WordLevel) with the same ids
// as the HF `tokenizers` library and tiktoken. All are immutable after load and safe to use from
// many threads at once.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace aiperf::tokenizer {

using TokenId = uint32_t;

class Tokenizer {
 public:
  virtual ~Tokenizer() = default;
  /// Encode text. `add_special_tokens` applies the post-processor (BOS/EOS/CLS/SEP) as
  /// HuggingFace does; special tokens written in the text are matched either way.
  /// tiktoken has no post-processor: true is `encode(text, allowed_special="all")`, false is
  /// `encode_ordinary(text)` (special-token text is encoded as plain text).
  /// Invalid UTF-8 is replaced by U+FFFD first. Thread-safe.
  virtual std::vector<TokenId> encode(std::string_view text, bool add_special_tokens) const = 0;
  /// Decode ids to text (special tokens kept unless `skip_special_tokens`).
  virtual std::string decode(const std::vector<TokenId>& ids, bool skip_special_tokens) const = 0;
  /// Number of tokens of `text` without special tokens (the ISL/OSL rule, spec §2.6): no
  /// post-processor tokens; special-token text in `text` counts as that one token (for tiktoken
  /// this is `allowed_special="all"`, as AIPerf's builtin does).
  virtual size_t count(std::string_view text) const { return encode(text, false).size(); }
  /// A short name for logs and exports ("builtin", "cl100k_base", a path or hub id).
  virtual std::string name() const = 0;
  /// BOS / EOS ids as transformers reports them (tokenizer_config.json or
  /// special_tokens_map.json `bos_token` / `eos_token`); tiktoken: no BOS, EOS = <|endoftext|>.
  /// kNoToken when the tokenizer has none.
  static constexpr TokenId kNoToken = UINT32_MAX;
  virtual TokenId bos_token_id() const { return kNoToken; }
  virtual TokenId eos_token_id() const { return kNoToken; }

  /// Pieces, for tokenizers whose encoding without special tokens cuts valid UTF-8 text into
  /// contiguous pieces and encodes each piece on its own, each token standing for bytes of its
  /// piece (tiktoken; byte-level tokenizer.json files for texts their normalizer keeps and with
  /// no added token in them). Then a run of ids whose ends are piece boundaries of the text it came
  /// from, and whose text cuts into pieces at those same boundaries, re-encodes to itself
  /// without being encoded (dataset::PromptGenerator builds exact-length prompts that way).
  /// encode_pieces: encode(text, false) with, per token, the byte offset where it ends and
  /// whether a piece starts at it. piece_ends: the end offset of each piece of `text`, in
  /// order. Both return false (and leave `out` in an unspecified state) when the tokenizer has
  /// no such structure or `text` is not valid UTF-8.
  struct PieceEncoding {
    std::vector<TokenId> ids;
    std::vector<uint32_t> ends;         // ends[i]: byte offset where token i ends
    std::vector<uint8_t> piece_starts;  // 1 where a piece starts at token i
  };
  virtual bool encode_pieces(std::string_view /*text*/, PieceEncoding& /*out*/) const {
    return false;
  }
  virtual bool piece_ends(std::string_view /*text*/, std::vector<uint32_t>& /*out*/) const {
    return false;
  }
  /// L when no piece [s, e) of `text` depends on a byte at or past e + L: cut from a longer
  /// text at one of its piece starts, `text` then has the longer text's pieces up to L bytes
  /// before its end, so only those last bytes need cutting again. npos when the tokenizer
  /// cannot bound it for this text (text that is not all ASCII; a tokenizer.json cutting with
  /// several regexes or a regex of unknown lookahead, or normalizing ASCII text).
  virtual size_t piece_lookahead(std::string_view /*text*/) const { return std::string_view::npos; }
};

struct LoadOptions {
  std::string revision = "main";
  bool trust_remote_code = false;  // accepted; remote code is never run
  /// Apply tokenizer_config.json's add_bos_token/add_eos_token the way transformers'
  /// LlamaTokenizerFast does (e.g. DeepSeek-V3 then gets BOS with add_special_tokens). Off by
  /// default: ids then equal the HuggingFace `tokenizers` library's.
  bool transformers_bos_eos = false;
};

/// Load a tokenizer from a `--tokenizer` value: "builtin", a directory, a tokenizer.json,
/// a .tiktoken file, or a HuggingFace hub id (read from the huggingface_hub cache; downloaded
/// into it first unless HF_HUB_OFFLINE is set). Throws aiperf::InputError with a one-line
/// message naming the file (and field) and what to do. See docs/tokenizers.md.
std::shared_ptr<const Tokenizer> load(const std::string& spec, const LoadOptions& opts = {});

/// The builtin o200k_base tokenizer (process-wide singleton, loaded on first use).
std::shared_ptr<const Tokenizer> builtin();

/// Encodes many texts on `threads` threads (0: all hardware threads); result i is texts[i]'s.
std::vector<std::vector<TokenId>> encode_batch(const Tokenizer& tok,
                                               const std::vector<std::string>& texts,
                                               bool add_special_tokens, unsigned threads = 0);

}  // namespace aiperf::tokenizer
