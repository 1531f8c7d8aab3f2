// HuggingFace hub ids: the huggingface_hub cache layout (HF_HOME / HF_HUB_CACHE:
// models--org--name/{blobs,refs,snapshots/<commit>}), shared with Python tools both ways, and
// downloads from HF_ENDPOINT (default https://huggingface.co) with HF_TOKEN.
#pragma once
#include <memory>
#include <string>

#include "aiperf/tokenizer/tokenizer.h"

namespace aiperf::tokenizer {

/// The hub cache directory: $HF_HUB_CACHE, else $HF_HOME/hub, else
/// $XDG_CACHE_HOME/huggingface/hub, else ~/.cache/huggingface/hub.
std::string hub_cache_dir();

/// "org/name" -> "models--org--name".
std::string hub_repo_folder(const std::string& id);

/// The cached snapshot directory of `id` at `revision` (a branch/tag name under refs/, or a
/// commit hash) when it holds tokenizer.json; "" otherwise.
std::string find_cached_snapshot(const std::string& id, const std::string& revision);

/// Downloads tokenizer.json, tokenizer_config.json and special_tokens_map.json of `id` at
/// `revision` into the cache and returns the snapshot directory. Throws InputError on a
/// failure (401/403: set HF_TOKEN; 404: check the id; network errors).
std::string download_to_cache(const std::string& id, const std::string& revision);

/// The hub address: $HF_ENDPOINT without a trailing '/', else https://huggingface.co.
std::string hub_endpoint();

/// The hub token: $HF_TOKEN, else $HUGGING_FACE_HUB_TOKEN, else the token file that
/// `huggingface-cli login` writes; "" when none.
std::string hub_token();

/// true when $HF_HUB_OFFLINE (or $TRANSFORMERS_OFFLINE / $HF_DATASETS_OFFLINE) is set to a true
/// value: nothing may be downloaded.
bool hub_offline();

/// One GET of `url` (http, or https when the program links libssl), following up to 5
/// redirects; `token` (when not empty) is sent as "Authorization: Bearer" to the first host
/// only, never to the hosts it redirects to. Fills `status` and `body` of the last response and
/// returns "", or returns a one-line network error.
std::string hub_get(const std::string& url, const std::string& token, int& status,
                    std::string& body);

/// hub_get, but a 200 response's body is streamed into `path` (created or truncated) instead of
/// memory; `body` then stays empty, other statuses fill it as hub_get does. On an error the file
/// may be partial: callers download to a temporary name and rename.
std::string hub_get_to_file(const std::string& url, const std::string& token, int& status,
                            std::string& body, const std::string& path);

/// Loads hub model `id` from the cache, downloading it first unless HF_HUB_OFFLINE is set.
/// Throws InputError when that is impossible.
std::shared_ptr<const Tokenizer> load_from_hub(const std::string& id, const LoadOptions& opts);

}  // namespace aiperf::tokenizer
