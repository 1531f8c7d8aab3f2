#include "aiperf/dataset/custom/trace_columns.h"

#include <climits>
#include <cstdio>

#include "aiperf/endpoint/endpoint.h"

namespace aiperf::dataset::custom {

namespace {
uint64_t splitmix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}
}  // namespace

TraceColumns::TraceColumns(const tokenizer::Tokenizer& tok, const RngManager& rngs,
                           int64_t block_size, std::vector<std::string> models)
    : tok_(tok),
      rngs_(rngs),
      models_(std::move(models)),
      gen_(std::make_unique<PromptGenerator>(tok, rngs.derive("dataset.prompt.corpus"))),
      hashes_(std::make_unique<HashPromptBuilder>(
          tok, *gen_, rngs.derive_seed("dataset.prompt.hash_block"), block_size)) {}

TraceColumns::~TraceColumns() = default;

void TraceColumns::add(const Row& r) {
  ts_.push_back(r.timestamp_ms ? *r.timestamp_ms : kNone);
  isl_.push_back(int32_t(r.input_length));
  max_tokens_.push_back(r.max_tokens ? int32_t(*r.max_tokens) : -1);
  uint16_t m = UINT16_MAX;
  for (size_t i = 0; i < models_.size(); ++i) {
    if (models_[i] == r.model) {
      m = uint16_t(i);
      break;
    }
  }
  model_.push_back(m);
  const bool has_ids = r.ids && !r.ids->empty();
  start_.push_back(has_ids ? 0 : int32_t(r.corpus_start));
  if (has_ids) {
    for (int64_t id : *r.ids) ids_.push_back(int32_t(id));
  }
  ids_end_.push_back(uint32_t(ids_.size()));
  total_tokens_ += double(r.input_length);
}

size_t TraceColumns::memory_bytes() const {
  return ts_.size() * 8 + isl_.size() * 4 + max_tokens_.size() * 4 + model_.size() * 2 +
         start_.size() * 4 + ids_end_.size() * 4 + ids_.size() * 4;
}

bool TraceColumns::ids_fit(const std::vector<int64_t>& ids) {
  for (int64_t id : ids) {
    if (id < INT32_MIN || id > INT32_MAX) return false;
  }
  return true;
}

void TraceColumns::finish() {
  ts_.shrink_to_fit();
  isl_.shrink_to_fit();
  max_tokens_.shrink_to_fit();
  model_.shrink_to_fit();
  start_.shrink_to_fit();
  ids_end_.shrink_to_fit();
  ids_.shrink_to_fit();
}

std::optional<int64_t> TraceColumns::first_timestamp_ms(size_t i) const {
  return ts_[i] == kNone ? std::nullopt : std::optional<int64_t>(ts_[i]);
}

std::vector<int64_t> TraceColumns::ids(size_t i) const {
  const uint32_t begin = i == 0 ? 0 : ids_end_[i - 1];
  return std::vector<int64_t>(ids_.begin() + begin, ids_.begin() + ids_end_[i]);
}

Conversation TraceColumns::shell(size_t i) const {
  Conversation c;
  if (rngs_.seeded()) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "session_%06zu", i);
    c.session_id = buf;
  } else {  // stable for this run: derived from its (random) root seed
    const uint64_t base = rngs_.root() ^ 0x7ace5e55101dULL;
    c.session_id = endpoint::uuid4(splitmix(base + 2 * i), splitmix(base + 2 * i + 1));
  }
  Turn t;
  if (ts_[i] != kNone) t.timestamp_ms = ts_[i];
  t.input_tokens = isl_[i];
  if (max_tokens_[i] >= 0) t.max_tokens = max_tokens_[i];
  if (model_[i] != UINT16_MAX) t.model = models_[model_[i]];
  c.turns.push_back(std::move(t));
  return c;
}

class TraceColumns::Reader final : public Cursor {
 public:
  explicit Reader(const TraceColumns& t) : t_(t) {}
  Conversation read(size_t i) override {
    Conversation c = t_.shell(i);
    Turn& turn = c.turns.front();
    const std::vector<int64_t> ids = t_.ids(i);
    Prompt p = ids.empty() ? t_.gen_->generate_at(t_.start_[i], t_.isl_[i])
                           : t_.hashes_->assemble_fresh(ids, t_.isl_[i], cache_);
    turn.text = std::move(p.text);
    turn.input_tokens = p.tokens;
    return c;
  }

 private:
  const TraceColumns& t_;
  HashPromptBuilder::BlockCache cache_;
};

std::unique_ptr<ConversationSource::Cursor> TraceColumns::open() const {
  return std::make_unique<Reader>(*this);
}

}  // namespace aiperf::dataset::custom
