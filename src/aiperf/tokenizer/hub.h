// HuggingFace hub ids: resolution through the huggingface_hub cache layout
// (HF_HOME / HF_HUB_CACHE: models--org--name/{blobs,refs,snapshots/<commit>}).
#pragma once
#include <memory>
#include <string>

#include "aiperf/tokenizer/tokenizer.h"

namespace aiperf::tokenizer {

/// The hub cache directory: $HF_HUB_CACHE, else $HF_HOME/hub, else ~/.cache/huggingface/hub.
std::string hub_cache_dir();

/// Loads hub model `id` (e.g. "Qwen/Qwen3-0.6B") from the local cache. Throws InputError when
/// it is not cached.
std::shared_ptr<const Tokenizer> load_from_hub(const std::string& id, const LoadOptions& opts);

}  // namespace aiperf::tokenizer
