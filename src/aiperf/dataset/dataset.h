// The dataset: conversations of turns, built before the run (synthetic here; custom files and
// public datasets plug in beside it). Bodies are rendered from it by the endpoint ahead of the
// run (DESIGN §3).
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "aiperf/common/rng.h"
#include "aiperf/config/config.h"
#include "aiperf/tokenizer/tokenizer.h"

namespace aiperf::dataset {

/// A media reference of a turn from a dataset file (spec §4.5): a data URL, an http(s) URL or a
/// local path, as written in the file. `name` is the item name ("image_url", or the file's
/// `{name, contents}` name, or a random_pool file stem).
struct MediaItem {
  enum class Kind : uint8_t { kImage, kAudio, kVideo };
  Kind kind = Kind::kImage;
  std::string name;
  std::string content;
};

struct Turn {
  std::string role = "user";
  std::string text;                     // the prompt text of this turn
  int64_t input_tokens = 0;             // tokens of `text` with the run's tokenizer (exact)
  std::optional<int64_t> max_tokens;    // requested output length, if any
  std::string model;                    // model assigned to this turn
  std::optional<int64_t> delay_ms;      // delay before this turn (turns >= 2)
  std::optional<int64_t> timestamp_ms;  // absolute schedule time (trace replay)
  // ---- from dataset files (issue 5); empty when not given
  /// The turn's text items when there are several (`texts`, `--prompt-batch-size`); `text` is
  /// then their join with " " (what ISL counts). Empty when the turn has one text.
  std::vector<std::string> texts;
  /// The name of each text item (`texts`, or the single `text`) when the source named them
  /// (dataset files' {"name", "contents"} texts; synthetic rankings: "query", "passages");
  /// empty when unnamed. Rankings and template bodies pick texts by name.
  std::vector<std::string> text_names;
  std::vector<MediaItem> media;
  std::string extra_json;     // per-record `extra` object, shallow-merged into the body
  std::string messages_json;  // mooncake `messages`: an OpenAI message array sent as is
  std::string tools_json;     // mooncake `tools` array (only with messages_json)
  /// The whole request body, sent verbatim: mooncake `payload`, raw_payload lines, inputs_json
  /// payloads. For raw turns (messages_json or payload_json set) `text` holds the body's
  /// tokenizable text (what ISL counts, docs/datasets.md), not something to send.
  std::string payload_json;
};

struct Conversation {
  std::string session_id;  // "session_000000"... with a seed, UUID4 otherwise (spec §4.1)
  std::optional<std::string> system_message;
  std::optional<std::string> user_context_message;  // sent as a user message after the system
  std::vector<Turn> turns;
  /// true: AIPerf's deltas_without_responses context mode (each request carries the whole
  /// history with the server's earlier answers, spec §3.8). false:
  /// message_array_with_responses (each turn is sent as it is: single_turn sessions, bailian
  /// rows, mooncake messages/payload rows).
  bool accumulate_history = true;
};

/// Conversations rebuilt on demand from a compact form instead of being held (docs/
/// architecture.md "Datasets rendered just in time"): synthetic prompts are slices of the
/// corpus, trace prompts are built from a row's lengths and hash ids, so a few numbers per
/// conversation (or per block of them) are enough. materialize(i) returns the same
/// conversation every time. Thread-safe (const).
class ConversationSource {
 public:
  /// A read position: builds conversations in any order, cheapest in ascending order (each
  /// read continues from the last one). Not thread-safe: one per thread.
  class Cursor {
   public:
    virtual ~Cursor() = default;
    virtual Conversation read(size_t i) = 0;
  };
  virtual ~ConversationSource() = default;
  virtual size_t size() const = 0;
  /// Turns of conversation i without building it.
  virtual uint32_t turns(size_t i) const = 0;
  virtual std::unique_ptr<Cursor> open() const = 0;
  /// Builds conversation i (prompt texts included): costs about what building its prompts costs.
  Conversation materialize(size_t i) const { return open()->read(i); }
  /// Memory the compact form holds (for the log).
  virtual size_t memory_bytes() const = 0;
  /// Turns per conversation for PhaseState (empty when every conversation has one turn).
  virtual std::vector<uint32_t> turn_counts() const = 0;
  /// The first turn's timestamp of conversation i (trace replay), if it has one.
  virtual std::optional<int64_t> first_timestamp_ms(size_t) const { return std::nullopt; }
};

/// A conversation built just in time for one session, with what the run needs to send its
/// first turn; the session's credits and records carry it until the session ends.
struct PreparedConversation {
  Conversation conversation;
  std::string first_body;        // turn 0, rendered for the phase (warmup bodies differ)
  uint32_t expected_events = 0;  // room for SSE events of the longest turn (0 = no hint)
};

struct Dataset {
  /// The conversations, held; empty when `source` is set.
  std::vector<Conversation> conversations;
  /// Set instead of `conversations` when the dataset is rebuilt just in time.
  std::shared_ptr<const ConversationSource> source;
  size_t size() const { return source ? source->size() : conversations.size(); }
  uint32_t turns(size_t i) const {
    return source ? source->turns(i) : uint32_t(conversations[i].turns.size());
  }
  /// One-line notices from loading (rows skipped by --synthesis-max-isl or unparsable BurstGPT
  /// rows with their count, unknown fields ignored, ...). The CLI prints each once.
  std::vector<std::string> warnings;
  int64_t skipped_records = 0;  // records left out, each counted in `warnings` too
  /// The loader's preferred sampling (random_pool: shuffle); the engine uses
  /// Config::dataset_sampling_strategy when given, else sequential (AIPerf's effective rule).
  config::SamplingStrategy preferred_sampling = config::SamplingStrategy::kSequential;
};

/// The single entry point: synthetic (spec §4.2-4.4), --input-file (§4.5) or --public-dataset
/// (§4.6), chosen from `cfg`. Throws aiperf::InputError (one line: file:line, field, expected
/// form) for bad files and ConfigError for impossible settings, before any request is sent.
Dataset load_dataset(const config::Config& cfg, const tokenizer::Tokenizer& tok,
                     const RngManager& rngs);

/// --input-file datasets (spec §4.5, §3.6 offsets, §8.4 synthesis).
Dataset load_custom(const config::Config& cfg, const tokenizer::Tokenizer& tok,
                    const RngManager& rngs);

/// --public-dataset (spec §4.6): downloads into the cache once (see public_cache_dir) and reads
/// it from there afterwards.
Dataset load_public(const config::Config& cfg, const tokenizer::Tokenizer& tok,
                    const RngManager& rngs);

/// Cache directory of public datasets: $AIPERF_DATASET_CACHE, else $XDG_CACHE_HOME/aiperf/
/// datasets, else ~/.cache/aiperf/datasets.
std::string public_cache_dir();

/// Synthetic prompts (spec §4.2-4.3): ISL ~ positive-normal(isl_mean, isl_stddev) built to the
/// exact token count with `tok`; OSL likewise when --osl is given; models assigned round-robin or
/// at random. Deterministic for a given seed. Throws ConfigError on impossible settings.
/// Large text-only datasets (see synthetic_just_in_time) come back as a ConversationSource
/// (Dataset::source) whose conversations are the same as the held ones would be; `tok` must
/// then outlive the dataset.
Dataset build_synthetic(const config::Config& cfg, const tokenizer::Tokenizer& tok,
                        const RngManager& rngs);
/// The held form, whatever the size.
Dataset build_synthetic_held(const config::Config& cfg, const tokenizer::Tokenizer& tok,
                             const RngManager& rngs);
/// The just-in-time form (no media).
Dataset build_synthetic_just_in_time(const config::Config& cfg, const tokenizer::Tokenizer& tok,
                                     const RngManager& rngs);
/// Whether build_synthetic rebuilds conversations just in time: a text-only synthetic dataset
/// (no images, audio or video; not for a rankings endpoint, whose data
/// build_synthetic_rankings holds) run in concurrency or request-rate mode whose prompts and
/// bodies would hold more than 64 MB (about 13k entries at the default ISL). The environment
/// variable AIPERF_JIT_MIN_ENTRIES replaces the size rule by an entry count (tests).
bool synthetic_just_in_time(const config::Config& cfg);

/// Synthetic rankings data (spec §4.8), what build_synthetic makes for the rankings endpoint
/// types: one single-turn conversation per entry whose texts are a query (named "query",
/// --rankings-query-prompt-token-mean/-stddev tokens) and N passages (named "passages",
/// N ~ --rankings-passages-mean/-stddev, each --rankings-passages-prompt-token-mean/-stddev
/// tokens); `text` joins them with spaces (what ISL counts).
Dataset build_synthetic_rankings(const config::Config& cfg, const tokenizer::Tokenizer& tok,
                                 const RngManager& rngs);

/// --shared-system-prompt-length and --user-context-prompt-length (spec §4.2): one synthetic
/// system prompt for every conversation, and one synthetic user-context prompt per conversation
/// index, of exactly that many tokens. AIPerf's composer adds them to synthetic and file-based
/// conversations alike. Throws ConfigError when a conversation's turns are whole request bodies
/// (raw payloads), which are sent as written and cannot take them. No-op when neither is set.
void add_context_prompts(const config::Config& cfg, const tokenizer::Tokenizer& tok,
                         const RngManager& rngs, Dataset& ds);

/// The model of the dataset's `turn_counter`-th turn (spec §4.3): --model-selection-strategy
/// round_robin cycles through --model in turn order, random draws one from `model_rng`. ""
/// when there is no model.
std::string pick_model(const config::Config& cfg, Rng& model_rng, uint64_t turn_counter);

/// Text and its exact token count with the run's tokenizer.
struct Prompt {
  std::string text;
  int64_t tokens = 0;
};

/// Generates text of exactly `n` tokens (re-tokenizes to n with `tok`) from the bundled corpus
/// (spec §4.2: the corpus is tokenized once in >= 10,000-character chunks; a prompt starts at a
/// random corpus token and wraps around). The tokenized corpus is shared between generators of
/// the same tokenizer. `tok` must outlive the generator.
class PromptGenerator {
 public:
  /// Tokenizes the corpus (in parallel chunks) unless a live generator already did for `tok`.
  PromptGenerator(const tokenizer::Tokenizer& tok, Rng rng);
  ~PromptGenerator();
  PromptGenerator(const PromptGenerator&) = delete;
  PromptGenerator& operator=(const PromptGenerator&) = delete;

  /// generate_at(draw_start(), n_tokens).text
  std::string generate(int64_t n_tokens);
  /// A uniform corpus start position from this generator's rng (randrange(corpus_tokens())).
  int64_t draw_start();
  /// Text of exactly `n_tokens` tokens starting at corpus token `start`; deterministic, no
  /// randomness, safe to call from many threads at once. n_tokens <= 0 gives "". If no exact
  /// text is found (a tokenizer whose decode/encode never round-trips), the closest text is
  /// returned with its true count.
  Prompt generate_at(int64_t start, int64_t n_tokens) const;
  /// Number of tokens in the tokenized corpus.
  int64_t corpus_tokens() const;

 private:
  struct Impl;
  Impl* impl_;
};

/// The bundled corpus text (public-domain King James Version selections, data/corpus/), linked
/// into the binary.
std::string_view builtin_corpus_text();

}  // namespace aiperf::dataset
