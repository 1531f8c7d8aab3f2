// The dataset entry point: synthetic, --input-file or --public-dataset.
#include "aiperf/dataset/dataset.h"

namespace aiperf::dataset {

Dataset load_dataset(const config::Config& cfg, const tokenizer::Tokenizer& tok,
                     const RngManager& rngs) {
  if (cfg.input_file) return load_custom(cfg, tok, rngs);
  if (cfg.public_dataset) return load_public(cfg, tok, rngs);
  return build_synthetic(cfg, tok, rngs);
}

}  // namespace aiperf::dataset
