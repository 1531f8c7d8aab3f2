// Private to the dataset stage: the --public-dataset table (spec §4.6) and each loader's
// row -> prompts mapping, kept apart from downloading so that tests can drive them directly.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "aiperf/dataset/dataset.h"
#include "aiperf/dataset/public/parquet.h"

namespace aiperf::dataset {

/// How rows become conversations.
enum class PublicKind : uint8_t {
  kShareGpt,     // sharegpt.cpp
  kInstruction,  // one row -> one single-turn conversation from a prompt column or template
  kMtBench,      // one row's `prompt` list -> one multi-turn conversation
  kSpecBench,    // Spec-Bench question.jsonl: each line's first turn -> single-turn
  kUnsupported,  // needs image/audio/video inputs or agent traces: refused with `note`
};

struct PublicDatasetInfo {
  std::string_view name;
  PublicKind kind;
  std::string_view hf_repo;  // Hugging Face dataset ("" for URL datasets)
  std::string_view hf_split;
  std::string_view hf_subset;        // "" = none (the "default" Parquet config)
  std::string_view prompt_column;    // kInstruction
  std::string_view prompt_template;  // kInstruction: Python str.format over the row, or ""
  std::string_view note;             // kUnsupported: why
};

/// Every name AIPerf knows, in AIPerf's order; nullptr for an unknown name.
const std::vector<PublicDatasetInfo>& public_datasets();
const PublicDatasetInfo* find_public_dataset(std::string_view name);

/// One conversation's user prompts, in turn order.
using PromptTurns = std::vector<std::string>;

/// Python's str.strip() (Unicode whitespace, as str.isspace()).
std::string_view py_strip(std::string_view s);

/// Python's str.format(**row) for "{name}" fields and "{{" / "}}" escapes; a value is written as
/// Python's str() would (a null as "None"). `lookup(name)` returns the row's value or throws.
std::string format_row_template(
    std::string_view tmpl, const std::function<const parquet::Value&(const std::string&)>& lookup);

/// kInstruction over the rows of `files`: a row whose prompt is null, empty or only whitespace
/// is left out (counted in `skipped`); the prompt is sent as is (not stripped).
std::vector<PromptTurns> instruction_prompts(const std::vector<parquet::File>& files,
                                             const PublicDatasetInfo& info, int64_t& skipped);

/// kMtBench: each element of the row's `prompt` list, stripped, is a turn; empty ones are
/// dropped, and a row with no turns (or no list) is left out.
std::vector<PromptTurns> mt_bench_prompts(const std::vector<parquet::File>& files,
                                          int64_t& skipped);

/// kSpecBench over the JSONL text: the first element of each line's "turns" (as is) when it is
/// not blank. `file` names errors.
std::vector<PromptTurns> spec_bench_prompts(std::string_view jsonl, const std::string& file,
                                            int64_t& skipped);

/// Conversations from prompts: session ids, token counts, --osl max_tokens, models (the same
/// finishing as --input-file turns).
Dataset conversations_from_prompts(std::vector<PromptTurns> prompts, const config::Config& cfg,
                                   const tokenizer::Tokenizer& tok, const RngManager& rngs);

/// --public-dataset sharegpt (sharegpt.cpp).
Dataset load_sharegpt(const config::Config& cfg, const tokenizer::Tokenizer& tok,
                      const RngManager& rngs);

}  // namespace aiperf::dataset
