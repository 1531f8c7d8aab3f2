// The dataset entry point: synthetic, --input-file or --public-dataset.
#include "aiperf/dataset/dataset.h"

namespace aiperf::dataset {

Dataset load_dataset(const config::Config& cfg, const tokenizer::Tokenizer& tok,
                     const RngManager& rngs) {
  if (!cfg.input_file && !cfg.public_dataset) return build_synthetic(cfg, tok, rngs);
  Dataset ds = cfg.input_file ? load_custom(cfg, tok, rngs) : load_public(cfg, tok, rngs);
  add_context_prompts(cfg, tok, rngs, ds);  // file-based conversations take them too (§4.2)
  return ds;
}

std::string pick_model(const config::Config& cfg, Rng& model_rng, uint64_t turn_counter) {
  const size_t n = cfg.models.size();
  if (n == 0) return {};
  return cfg.models[cfg.model_selection == config::ModelSelection::kRandom
                        ? size_t(model_rng.randrange(int64_t(n)))
                        : size_t(turn_counter % n)];
}

}  // namespace aiperf::dataset
