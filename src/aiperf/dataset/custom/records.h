// Private to the dataset stage: the record-level parsers of the custom formats (spec §4.5). They
// know nothing of tokenizers, so each is a small, fuzzable function of bytes; loader.cpp turns
// their records into a Dataset. Every parser throws aiperf::InputError with one line
// "<file>:<line>: <field>: expected <form> (got <what>)" and never skips input silently.
#pragma once
#include <cstdint>
#include <cstdio>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "aiperf/dataset/dataset.h"

namespace aiperf::dataset::custom {

/// Where a record came from, for messages.
struct SourcePos {
  std::string_view file;
  int64_t line = 0;  // 1-based
};

[[noreturn]] void fail(const SourcePos& pos, std::string_view field, std::string_view what);

/// Reads a file line by line in large blocks (no whole-file load); strips a trailing CR and a
/// UTF-8 BOM on the first line. Throws InputError naming the file when it cannot be opened.
class LineReader {
 public:
  explicit LineReader(const std::string& path);
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;
  /// Next line (valid until the next call); false at end of file.
  bool next(std::string_view& line);
  int64_t line_number() const { return line_no_; }

 private:
  std::FILE* f_ = nullptr;
  std::string path_;
  std::string buf_;
  size_t pos_ = 0;
  size_t end_ = 0;
  bool eof_ = false;
  int64_t line_no_ = 0;
  std::string carry_;
};

/// One single_turn-shaped object (single_turn lines, multi_turn turns, random_pool lines).
struct TurnRecord {
  std::vector<std::string> texts;       // every text content, in order
  std::vector<std::string> text_names;  // the name of each (the default "text" when unnamed)
  std::vector<MediaItem> media;
  std::optional<double> timestamp_ms;
  std::optional<double> delay_ms;
  std::string role;
  std::optional<std::string> session_id;
  std::optional<int64_t> output_length;
  std::string extra_json;
  void clear();
};

/// Which single_turn fields a context allows.
enum class TurnShape { kSingleTurn, kMultiTurnTurn, kRandomPool };

/// Parses one JSON object (text of a line, or a nested turn object) into `out`. Unknown keys are
/// collected in `unknown` (reported once as a warning by the loader).
void parse_turn_object(std::string_view json, const SourcePos& pos, TurnShape shape,
                       TurnRecord& out, std::map<std::string, int64_t>* unknown);

/// multi_turn line: {"session_id"?: str, "turns": [turn, ...]} (at least one turn).
struct MultiTurnRecord {
  std::optional<std::string> session_id;
  std::vector<TurnRecord> turns;
};
void parse_multi_turn_line(std::string_view line, const SourcePos& pos, MultiTurnRecord& out,
                           std::map<std::string, int64_t>* unknown);

/// SPEED-Bench row: {"question_id": 32 characters, "category": non-empty, "messages": [{"role",
/// "content"}, ...]} (non-blank strings; the public files' placeholder content is refused).
struct SpeedBenchRow {
  struct Message {
    std::string role;
    std::string content;
  };
  std::string question_id;
  std::string category;
  std::vector<Message> messages;
};
void parse_speed_bench_line(std::string_view line, const SourcePos& pos, SpeedBenchRow& out,
                            std::map<std::string, int64_t>* unknown);

/// mooncake_trace / bailian_trace row.
struct TraceRow {
  int64_t line = 0;
  std::optional<double> timestamp_ms;  // bailian: seconds x 1000 already applied
  std::optional<double> delay_ms;
  std::optional<int64_t> input_length;
  std::optional<int64_t> output_length;
  std::vector<int64_t> hash_ids;
  std::optional<std::string> session_id;
  std::string text_input;
  std::string messages_json;
  std::string tools_json;
  std::string payload_json;
  std::string extra_json;
  bool message_mode_delta = false;
  // bailian only
  int64_t chat_id = 0;
  int64_t parent_chat_id = -1;
  int64_t turn = 1;
  std::string request_type;
  void clear();
};
void parse_mooncake_line(std::string_view line, const SourcePos& pos, TraceRow& out,
                         std::map<std::string, int64_t>* unknown);
void parse_bailian_line(std::string_view line, const SourcePos& pos, TraceRow& out,
                        std::map<std::string, int64_t>* unknown);

/// raw_payload line: a JSON object (a whole request body) with a `messages` list. Returns the
/// body as compact JSON, keys in file order.
std::string parse_raw_payload_line(std::string_view line, const SourcePos& pos);

/// inputs_json (AIPerf's own inputs.json): {"data": [{"session_id": str, "payloads": [obj, ...]},
/// ...]}. Each payload is kept as compact JSON. The whole file is read at once (it is one JSON
/// document); errors name the line where the offending data[] entry starts.
struct InputsJsonSession {
  std::string session_id;
  std::vector<std::string> payloads;
};
std::vector<InputsJsonSession> parse_inputs_json(std::string_view text, std::string_view file);

/// sagemaker_data_capture line: eventMetadata.inferenceTime (ISO 8601) and the captured
/// request (captureData.endpointInput, JSON or BASE64 encoded) with its `messages`; the captured
/// response's usage.prompt_tokens when present.
struct SageMakerRecord {
  int64_t line = 0;
  double timestamp_ms = 0;  // epoch milliseconds (zero-aligned later by the loader)
  std::optional<int64_t> prompt_tokens;
  std::optional<int64_t> max_tokens;  // max_tokens, else max_completion_tokens
  std::string messages_json;
  std::string tools_json;
};
void parse_sagemaker_line(std::string_view line, const SourcePos& pos, SageMakerRecord& out);

/// ISO 8601 date-time as Python's datetime.fromisoformat reads it (date, optional time with
/// optional fraction, optional Z or +-HH[:MM[:SS]] offset; no offset means UTC) -> epoch ms.
/// nullopt when `s` is not such a time.
std::optional<double> parse_iso8601_ms(std::string_view s);

/// The text of a request body that AIPerf tokenizes for ISL (its endpoints'
/// extract_payload_inputs): the string contents and "text" parts of `messages` (or a Responses
/// `input` item list), else `prompt`, `input`, `query` + `passages` or `inputs`; items joined
/// with a space. `json` must be a JSON object text; "" when nothing is tokenizable.
std::string payload_input_text(std::string_view json);

/// burst_gpt_trace: CSV. The header names the columns (any order; extra columns ignored).
struct BurstGptColumns {
  int timestamp = -1;
  int request_tokens = -1;
  int response_tokens = -1;
  int count = 0;
};
BurstGptColumns parse_burst_gpt_header(std::string_view line, const SourcePos& pos);
struct BurstGptRow {
  int64_t line = 0;
  double timestamp_ms = 0;
  int64_t request_tokens = 0;
  int64_t response_tokens = 0;
};
/// Parses a data row; false (with `why` set) when a value does not parse (AIPerf skips such
/// rows; the loader counts and reports them). Throws for a wrong column count.
bool parse_burst_gpt_row(std::string_view line, const SourcePos& pos, const BurstGptColumns& cols,
                         BurstGptRow& out, std::string* why);

/// Streams a whole file through `on_line(line, pos)` for non-blank lines.
void for_each_line(const std::string& path,
                   const std::function<void(std::string_view, const SourcePos&)>& on_line);

/// Formats a double like Python's repr for messages ("12.5", "3").
std::string num_text(double v);

}  // namespace aiperf::dataset::custom

namespace aiperf::dataset::custom {
/// random_pool: `entries` one-turn conversations (texts/media set; text, tokens, model and
/// session ids are filled by the loader). Sampling uses `rng` ("dataset.loader.random_pool").
std::vector<Conversation> build_random_pool(const std::string& path, int64_t entries, Rng& rng,
                                            std::map<std::string, int64_t>* unknown);
}  // namespace aiperf::dataset::custom
