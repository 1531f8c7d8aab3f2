// SentencePiece tokenizer.model files (Llama / Mistral style), with the ids of the tokenizer.json
// that HF transformers would convert them to. See docs/tokenizers.md.
#pragma once
#include <memory>
#include <string>

#include "aiperf/tokenizer/tokenizer.h"

namespace aiperf::tokenizer {

/// Loads a SentencePiece `.model` file and, when present beside it, tokenizer_config.json
/// (legacy, add_prefix_space, add_bos_token, add_eos_token, added_tokens_decoder, bos/eos).
/// Throws InputError naming the file on bad input.
std::shared_ptr<const Tokenizer> load_sentencepiece(const std::string& model_path,
                                                    const LoadOptions& opts = {});

}  // namespace aiperf::tokenizer
