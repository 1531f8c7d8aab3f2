// HuggingFace tokenizer.json: normalizer, pre-tokenizer, model (BPE / WordPiece / Unigram),
// post-processor and decoder, as the Rust `tokenizers` library runs them.
#pragma once
#include <memory>
#include <string>

#include "aiperf/tokenizer/hf_components.h"
#include "aiperf/tokenizer/tokenizer.h"

namespace aiperf::tokenizer {

/// Loads `json_path` (a tokenizer.json) and, when present beside it, tokenizer_config.json.
/// Throws InputError naming the file and field on bad input.
std::shared_ptr<const Tokenizer> load_hf_tokenizer(const std::string& json_path,
                                                   const LoadOptions& opts = {});

/// tokenizer_config.json of `dir`, with special_tokens_map.json filling the keys it lacks; an
/// empty object when neither exists. Throws InputError when one is not valid JSON.
hf::Json read_tokenizer_config(const std::string& dir);

/// A tokenizer from a tokenizer.json-shaped `spec` (normalizer, pre_tokenizer, post_processor,
/// decoder, added_tokens; its "model" is ignored) run with `model` (SentencePiece .model files).
/// `config` gives bos_token/eos_token. Throws hf::SpecError on a bad spec.
std::shared_ptr<const Tokenizer> make_hf_tokenizer(std::string name, const hf::Json& spec,
                                                   std::unique_ptr<hf::Model> model,
                                                   const hf::Json& config);

}  // namespace aiperf::tokenizer
