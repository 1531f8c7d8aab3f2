// SentencePiece `tokenizer.model` files, run by libsentencepiece inside the tokenizer.json pipeline
// that HF transformers' converter (LlamaConverter / SpmConverter) would build from them, so that
// the ids equal those of the model's tokenizer.json:
//  - control and unknown pieces (and tokenizer_config.json's added_tokens_decoder) are added
//    tokens, cut out of the text before anything else; user-defined pieces are non-special ones;
//  - Llama-style models (identity normalizer, extra whitespace kept): spaces become "▁" and the
//    dummy prefix "▁" is added by the pipeline: `legacy: false` in tokenizer_config.json gives
//    Metaspace(prepend_scheme "first", no split) as Mistral's tokenizer.json, otherwise
//    Prepend("▁") + Replace(" ", "▁") on every text part (legacy LlamaTokenizer). libsentencepiece
//    then segments each part with its own BPE / Unigram, its dummy prefix turned off;
//  - other models (e.g. nmt_nfkc normalizer): each text part goes to libsentencepiece as it is;
//  - add_bos_token / add_eos_token (LlamaTokenizer defaults: BOS yes, EOS no) make the
//    post-processor; decoding is Replace("▁", " "), ByteFallback, Fuse, Strip(1 leading space).
#include "aiperf/tokenizer/sentencepiece.h"

#include <sentencepiece_processor.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "aiperf/common/error.h"
#include "aiperf/tokenizer/hf_json.h"
#include "aiperf/tokenizer/hf_tokenizer.h"

namespace aiperf::tokenizer {
namespace {

using hf::Json;

// ---- protobuf wire format: just enough of ModelProto to read piece types and NormalizerSpec.

struct WireField {
  uint32_t number = 0;
  uint32_t type = 0;          // 0 varint, 1 fixed64, 2 length-delimited, 5 fixed32
  uint64_t value = 0;         // varint
  std::string_view data;      // length-delimited payload
  size_t begin = 0, end = 0;  // the whole field (tag included) in the message
};

class WireReader {
 public:
  explicit WireReader(std::string_view b) : b_(b) {}
  // False at the end; throws std::runtime_error on a malformed message.
  bool next(WireField& f) {
    if (i_ >= b_.size()) return false;
    f.begin = i_;
    uint64_t tag = varint();
    f.number = static_cast<uint32_t>(tag >> 3);
    f.type = static_cast<uint32_t>(tag & 7);
    f.data = {};
    switch (f.type) {
      case 0:
        f.value = varint();
        break;
      case 1:
        skip(8);
        break;
      case 2: {
        uint64_t n = varint();
        if (n > b_.size() - i_) throw std::runtime_error("truncated field");
        f.data = b_.substr(i_, n);
        i_ += n;
        break;
      }
      case 5:
        skip(4);
        break;
      default:
        throw std::runtime_error("bad wire type");
    }
    f.end = i_;
    return true;
  }

 private:
  uint64_t varint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (i_ >= b_.size()) throw std::runtime_error("truncated varint");
      auto c = static_cast<unsigned char>(b_[i_++]);
      v |= static_cast<uint64_t>(c & 0x7F) << shift;
      if (c < 0x80) return v;
    }
    throw std::runtime_error("bad varint");
  }
  void skip(size_t n) {
    if (n > b_.size() - i_) throw std::runtime_error("truncated field");
    i_ += n;
  }
  std::string_view b_;
  size_t i_ = 0;
};

void put_varint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

// SentencePiece.Type
enum PieceType {
  kNormal = 1,
  kUnknown = 2,
  kControl = 3,
  kUserDefined = 4,
  kUnused = 5,
  kByte = 6
};

struct ModelInfo {
  std::vector<std::pair<std::string, int>> pieces;  // (piece, type) by id
  std::string normalizer_name;
  bool has_charsmap = false;
  bool add_dummy_prefix = true;
  bool remove_extra_whitespaces = true;
  bool escape_whitespaces = true;
  std::string without_dummy_prefix;  // the model with normalizer_spec.add_dummy_prefix = false
};

ModelInfo read_model_info(std::string_view model) {
  ModelInfo info;
  WireReader r(model);
  WireField f;
  std::string_view normalizer;
  bool has_normalizer = false;
  info.without_dummy_prefix.reserve(model.size() + 16);
  while (r.next(f)) {
    if (f.number == 1 && f.type == 2) {  // repeated SentencePiece pieces
      WireReader pr(f.data);
      WireField pf;
      std::pair<std::string, int> piece{"", kNormal};
      while (pr.next(pf)) {
        if (pf.number == 1 && pf.type == 2) piece.first.assign(pf.data);
        if (pf.number == 3 && pf.type == 0) piece.second = static_cast<int>(pf.value);
      }
      info.pieces.push_back(std::move(piece));
    }
    if (f.number == 3 && f.type == 2) {  // NormalizerSpec normalizer_spec
      normalizer = f.data;
      has_normalizer = true;
      continue;  // re-written below
    }
    info.without_dummy_prefix.append(model.substr(f.begin, f.end - f.begin));
  }
  WireReader nr(normalizer);
  while (nr.next(f)) {
    if (f.number == 1 && f.type == 2) info.normalizer_name.assign(f.data);
    if (f.number == 2 && f.type == 2) info.has_charsmap = !f.data.empty();
    if (f.number == 3 && f.type == 0) info.add_dummy_prefix = f.value != 0;
    if (f.number == 4 && f.type == 0) info.remove_extra_whitespaces = f.value != 0;
    if (f.number == 5 && f.type == 0) info.escape_whitespaces = f.value != 0;
  }
  // Protobuf keeps the last value of a repeated scalar: append add_dummy_prefix (field 3) = 0.
  std::string spec(normalizer);
  spec += std::string("\x18\x00", 2);
  (void)has_normalizer;
  put_varint(info.without_dummy_prefix, (3u << 3) | 2u);
  put_varint(info.without_dummy_prefix, spec.size());
  info.without_dummy_prefix += spec;
  return info;
}

// ---- the model: libsentencepiece's segmentation of one pre-tokenized part.

class SentencePieceModel final : public hf::Model {
 public:
  explicit SentencePieceModel(std::unique_ptr<sentencepiece::SentencePieceProcessor> sp)
      : sp_(std::move(sp)), size_(static_cast<TokenId>(sp_->GetPieceSize())) {}

  void tokenize(std::string_view word, std::vector<TokenId>& out) const override {
    thread_local std::vector<int> ids;
    ids.clear();
    if (!sp_->Encode(word, &ids).ok()) return;
    for (int id : ids) out.push_back(static_cast<TokenId>(id));
  }

  bool id_to_token(TokenId id, std::string& out) const override {
    if (id >= size_) return false;
    out = sp_->IdToPiece(static_cast<int>(id));
    return true;
  }

  TokenId token_to_id(std::string_view token) const override {
    int id = sp_->PieceToId(token);
    if (id < 0 || sp_->IdToPiece(id) != token) return hf::kNoId;
    return static_cast<TokenId>(id);
  }

 private:
  std::unique_ptr<sentencepiece::SentencePieceProcessor> sp_;
  TokenId size_;
};

std::string read_bytes(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw InputError("cannot read '" + path + "'; check the path and its permissions");
  std::ostringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// The text of a config entry such as "bos_token": a string or {"content": ...}.
std::string config_token(const Json& cfg, const char* key) {
  const Json* v = hf::opt(cfg, key);
  if (!v) return "";
  if (v->is_string()) return v->get<std::string>();
  return v->is_object() ? hf::str_or(*v, "content", "") : "";
}

Json added_token(const std::string& content, uint32_t id, bool special) {
  return Json{{"id", id},        {"content", content},  {"single_word", false}, {"lstrip", false},
              {"rstrip", false}, {"normalized", false}, {"special", special}};
}

}  // namespace

std::shared_ptr<const Tokenizer> load_sentencepiece(const std::string& model_path,
                                                    const LoadOptions& opts) {
  (void)opts;
  namespace fs = std::filesystem;
  const std::string bad = "tokenizer file '" + model_path + "' is not a SentencePiece model";
  std::string bytes = read_bytes(model_path);
  ModelInfo info;
  try {
    info = read_model_info(bytes);
  } catch (const std::runtime_error& e) {
    throw InputError(bad + " (" + e.what() + "); pass a tokenizer.model or the tokenizer.json");
  }
  if (info.pieces.empty()) throw InputError(bad + " (no pieces); pass a valid tokenizer.model");
  Json config = read_tokenizer_config(fs::path(model_path).parent_path().string());

  // Llama-style: the pipeline owns whitespace and the dummy prefix (see the top of this file).
  const bool llama = !info.has_charsmap && !info.remove_extra_whitespaces &&
                     info.escape_whitespaces &&
                     (info.normalizer_name.empty() || info.normalizer_name == "identity");
  auto sp = std::make_unique<sentencepiece::SentencePieceProcessor>();
  auto st = llama ? sp->LoadFromSerializedProto(info.without_dummy_prefix)
                  : sp->LoadFromSerializedProto(bytes);
  if (!st.ok()) throw InputError(bad + " (" + st.ToString() + "); pass a valid tokenizer.model");

  const Json* prefix_cfg = hf::opt(config, "add_prefix_space");
  const bool add_prefix =
      prefix_cfg && prefix_cfg->is_boolean() ? prefix_cfg->get<bool>() : info.add_dummy_prefix;
  const std::string ws = "\xE2\x96\x81";  // ▁
  Json spec = Json::object();
  if (llama) {
    const Json* legacy_cfg = hf::opt(config, "legacy");
    bool legacy = !(legacy_cfg && legacy_cfg->is_boolean() && !legacy_cfg->get<bool>());
    Json replace = {{"type", "Replace"}, {"pattern", {{"String", " "}}}, {"content", ws}};
    if (legacy) {
      Json seq = Json::array();
      if (add_prefix) seq.push_back({{"type", "Prepend"}, {"prepend", ws}});
      seq.push_back(replace);
      spec["normalizer"] = {{"type", "Sequence"}, {"normalizers", seq}};
    } else {
      spec["pre_tokenizer"] = {{"type", "Metaspace"},
                               {"replacement", ws},
                               {"prepend_scheme", add_prefix ? "first" : "never"},
                               {"split", false}};
    }
  }
  Json decoders = Json::array();
  decoders.push_back({{"type", "Replace"}, {"pattern", {{"String", ws}}}, {"content", " "}});
  decoders.push_back({{"type", "ByteFallback"}});
  decoders.push_back({{"type", "Fuse"}});
  if (add_prefix)
    decoders.push_back({{"type", "Strip"}, {"content", " "}, {"start", 1}, {"stop", 0}});
  spec["decoder"] = {{"type", "Sequence"}, {"decoders", decoders}};

  // Added tokens: control and unknown pieces are special, user-defined ones are not;
  // tokenizer_config.json's added_tokens_decoder adds more or overrides them by id.
  std::map<uint32_t, Json> added;
  for (size_t id = 0; id < info.pieces.size(); ++id) {
    int type = info.pieces[id].second;
    if (type == kControl || type == kUnknown || type == kUserDefined)
      added[static_cast<uint32_t>(id)] =
          added_token(info.pieces[id].first, static_cast<uint32_t>(id), type != kUserDefined);
  }
  if (const Json* dec = hf::opt(config, "added_tokens_decoder"); dec && dec->is_object()) {
    for (auto it = dec->begin(); it != dec->end(); ++it) {
      uint32_t id = 0;
      try {
        id = static_cast<uint32_t>(std::stoul(it.key()));
      } catch (const std::exception&) {
        continue;
      }
      const Json& t = it.value();
      if (!t.is_object() || !t.contains("content")) continue;
      Json a = added_token(hf::str_or(t, "content", ""), id, hf::bool_or(t, "special", true));
      for (const char* k : {"single_word", "lstrip", "rstrip", "normalized"})
        a[k] = hf::bool_or(t, k, false);
      added[id] = a;
    }
  }
  spec["added_tokens"] = Json::array();
  for (auto& [id, a] : added) spec["added_tokens"].push_back(a);

  // BOS / EOS: tokenizer_config.json, else the model's own (trainer_spec bos_id / eos_id).
  auto piece_of = [&](int id) -> std::string {
    return id >= 0 && static_cast<size_t>(id) < info.pieces.size() ? info.pieces[id].first : "";
  };
  if (config_token(config, "bos_token").empty() && !piece_of(sp->bos_id()).empty())
    config["bos_token"] = piece_of(sp->bos_id());
  if (config_token(config, "eos_token").empty() && !piece_of(sp->eos_id()).empty())
    config["eos_token"] = piece_of(sp->eos_id());
  const std::string cls = hf::str_or(config, "tokenizer_class", "");
  const bool t5 = cls.find("T5") != std::string::npos;
  Json single = Json::array(), specials = Json::object();
  auto special_item = [&](const std::string& text) {
    int id = sp->PieceToId(text);
    for (auto& [aid, a] : added)
      if (a["content"] == text) id = static_cast<int>(aid);
    if (text.empty() || id < 0) return;
    single.push_back({{"SpecialToken", {{"id", text}, {"type_id", 0}}}});
    specials[text] = {{"id", text}, {"ids", {id}}, {"tokens", {text}}};
  };
  if (hf::bool_or(config, "add_bos_token", !t5)) special_item(config_token(config, "bos_token"));
  single.push_back({{"Sequence", {{"id", "A"}, {"type_id", 0}}}});
  if (hf::bool_or(config, "add_eos_token", t5)) special_item(config_token(config, "eos_token"));
  spec["post_processor"] = {
      {"type", "TemplateProcessing"}, {"single", single}, {"special_tokens", specials}};

  try {
    return make_hf_tokenizer(model_path, spec, std::make_unique<SentencePieceModel>(std::move(sp)),
                             config);
  } catch (const hf::SpecError& e) {
    throw InputError("tokenizer file '" + model_path + "' (" + e.field + "): " + e.message +
                     "; check tokenizer_config.json beside it");
  }
}

}  // namespace aiperf::tokenizer
