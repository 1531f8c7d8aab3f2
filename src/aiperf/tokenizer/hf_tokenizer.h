// HuggingFace tokenizer.json: normalizer, pre-tokenizer, model (BPE / WordPiece / Unigram),
// post-processor and decoder, as the Rust `tokenizers` library runs them.
#pragma once
#include <memory>
#include <string>

#include "aiperf/tokenizer/tokenizer.h"

namespace aiperf::tokenizer {

/// Loads `json_path` (a tokenizer.json) and, when present beside it, tokenizer_config.json.
/// Throws InputError naming the file and field on bad input.
std::shared_ptr<const Tokenizer> load_hf_tokenizer(const std::string& json_path,
                                                   const LoadOptions& opts = {});

}  // namespace aiperf::tokenizer
