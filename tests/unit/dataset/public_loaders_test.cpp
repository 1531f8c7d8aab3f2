// --public-dataset text loaders (spec §4.6): AIPerf's row -> conversation rules for the Hugging
// Face instruction datasets, MT-Bench and Spec-Bench, and the Hub Parquet download + cache.
#include "aiperf/dataset/public/public_loaders.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

#include "aiperf/common/error.h"
#include "aiperf/dataset/public/hf_parquet.h"
#include "path_server.h"

namespace aiperf::dataset {
namespace {

namespace fs = std::filesystem;
const std::string kDir = std::string(AIPERF_TEST_DATA_DIR) + "/parquet/";

std::string slurp(const std::string& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

std::vector<parquet::File> open(const std::string& name) {
  std::vector<parquet::File> v;
  v.push_back(parquet::File::open(kDir + name));
  return v;
}

TEST(PublicLoaders, TableMatchesAiperf) {
  const auto* gsm = find_public_dataset("spec_al_gsm8k");
  ASSERT_NE(gsm, nullptr);
  EXPECT_EQ(gsm->hf_repo, "openai/gsm8k");
  EXPECT_EQ(gsm->hf_subset, "main");
  EXPECT_EQ(gsm->hf_split, "test");
  EXPECT_EQ(gsm->prompt_column, "question");
  EXPECT_EQ(find_public_dataset("spec_al_mbpp")->hf_subset, "full");
  EXPECT_EQ(find_public_dataset("instruct_coder")->prompt_column, "instruction");
  EXPECT_EQ(find_public_dataset("spec_al_mtbench")->kind, PublicKind::kMtBench);
  EXPECT_EQ(find_public_dataset("mmstar")->kind, PublicKind::kUnsupported);
  EXPECT_EQ(find_public_dataset("nope"), nullptr);
  EXPECT_EQ(public_datasets().size(), 25u);
}

TEST(PublicLoaders, PythonStrip) {
  EXPECT_EQ(py_strip("  a b \n"), "a b");
  EXPECT_EQ(py_strip("\t\r\n\v\f "), "");
  EXPECT_EQ(py_strip("\u3000\u00a0x\u2003"), "x");  // Unicode spaces, as str.strip()
  EXPECT_EQ(py_strip("é"), "é");
  EXPECT_EQ(py_strip(""), "");
}

TEST(PublicLoaders, InstructionRowsSkipNullEmptyAndBlank) {
  PublicDatasetInfo info = *find_public_dataset("aimo");
  int64_t skipped = 0;
  auto p = instruction_prompts(open("snappy_dict.parquet"), info, skipped);
  EXPECT_EQ(skipped, 3);  // null, "" and "   "
  ASSERT_EQ(p.size(), 7u);
  EXPECT_EQ(p[0], PromptTurns{"What is 1+1?"});
  EXPECT_EQ(p[3], PromptTurns{"Ünïcödé – π ≈ 3.14159 🚀"});
  EXPECT_EQ(p[6], PromptTurns{"Last"});
  // An integer column is sent as its decimal text (Python's str()), 0 would be skipped.
  info.prompt_column = "n";
  skipped = 0;
  p = instruction_prompts(open("zstd_plain.parquet"), info, skipped);
  EXPECT_EQ(skipped, 2);
  EXPECT_EQ(p[0], PromptTurns{"1"});
  // A missing column names the ones there are.
  info.prompt_column = "question";
  try {
    instruction_prompts(open("zstd_plain.parquet"), info, skipped);
    ADD_FAILURE();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("column 'question' not found in dataset. Available "
                                         "columns: ['id', 'problem', 'n', 'tags', 'meta']"),
              std::string::npos)
        << e.what();
  }
}

TEST(PublicLoaders, BlazeditTemplate) {
  int64_t skipped = 0;
  auto p =
      instruction_prompts(open("blazedit.parquet"), *find_public_dataset("blazedit_5k"), skipped);
  EXPECT_EQ(skipped, 0);
  ASSERT_EQ(p.size(), 3u);
  EXPECT_EQ(p[0][0],
            "Given a code file, please apply the change requests and generate the new file.\n\n"
            "Original file:\n```python\ndef f():\n    return 1\n\n```\n\nChange request:\n"
            "Return 2 instead.\n\nPlease generate the new code file in the \"New file\" "
            "section below.");
  EXPECT_NE(p[1][0].find("x = {\"a\": 1}\n"), std::string::npos);      // braces in values kept
  EXPECT_NE(p[2][0].find("```python\nNone\n```"), std::string::npos);  // null -> "None"
  parquet::Value v;
  v.kind = parquet::Value::Kind::kBytes;
  v.bytes = "x";
  auto lookup = [&](const std::string&) -> const parquet::Value& { return v; };
  EXPECT_EQ(format_row_template("{{a}} {b}}}", lookup), "{a} x}");
  EXPECT_THROW(format_row_template("{b", lookup), ConfigError);
}

TEST(PublicLoaders, MtBenchTurns) {
  int64_t skipped = 0;
  auto p = mt_bench_prompts(open("mt_bench.parquet"), skipped);
  EXPECT_EQ(skipped, 3);  // null list, empty list, only blank/null turns
  ASSERT_EQ(p.size(), 3u);
  EXPECT_EQ(p[0], (PromptTurns{"Write a haiku.", "Now make it rhyme."}));
  EXPECT_EQ(p[1], PromptTurns{"Explain TCP."});
  EXPECT_EQ(p[2], PromptTurns{"One turn only"});
  EXPECT_THROW(mt_bench_prompts(open("blazedit.parquet"), skipped), InputError);
}

TEST(PublicLoaders, SpecBenchFirstTurn) {
  int64_t skipped = 0;
  auto p = spec_bench_prompts(
      "{\"question_id\": 1, \"turns\": [\" first \", \"second\"]}\n"
      "\n"
      "{\"question_id\": 2, \"turns\": []}\n"
      "{\"question_id\": 3, \"turns\": [\"  \"]}\n"
      "{\"question_id\": 4}\n"
      "{\"question_id\": 5, \"turns\": [\"last\"]}",
      "q.jsonl", skipped);
  EXPECT_EQ(skipped, 3);
  ASSERT_EQ(p.size(), 2u);
  EXPECT_EQ(p[0], PromptTurns{" first "});  // single-turn Spec-Bench sends the turn unstripped
  EXPECT_EQ(p[1], PromptTurns{"last"});
  try {
    spec_bench_prompts("{\"turns\": [\"a\"]}\nnot json\n", "q.jsonl", skipped);
    ADD_FAILURE();
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("q.jsonl:2: ", 0), 0u) << e.what();
  }
}

TEST(PublicLoaders, ConversationsFromPrompts) {
  auto tok = tokenizer::builtin();
  config::Config c;
  c.models = {"m1", "m2"};
  c.osl_mean = 7;
  Dataset ds = conversations_from_prompts({{"a b", "c"}, {"d"}}, c, *tok, RngManager(3));
  ASSERT_EQ(ds.conversations.size(), 2u);
  EXPECT_EQ(ds.conversations[0].session_id, "session_000000");
  EXPECT_EQ(ds.conversations[1].session_id, "session_000001");
  EXPECT_TRUE(ds.conversations[0].accumulate_history);
  ASSERT_EQ(ds.conversations[0].turns.size(), 2u);
  EXPECT_EQ(ds.conversations[0].turns[0].text, "a b");
  EXPECT_EQ(ds.conversations[0].turns[0].input_tokens, int64_t(tok->count("a b")));
  EXPECT_EQ(ds.conversations[0].turns[0].max_tokens, 7);
  EXPECT_EQ(ds.conversations[0].turns[0].model, "m1");
  EXPECT_EQ(ds.conversations[0].turns[1].model, "m2");
  EXPECT_EQ(ds.conversations[1].turns[0].model, "m1");
}

TEST(PublicLoaders, HubParquetDownloadsOnceThenWorksOffline) {
  auto cache = fs::temp_directory_path() / ("aiperf_hf_cache_" + std::to_string(getpid()));
  fs::remove_all(cache);
  setenv("AIPERF_DATASET_CACHE", cache.c_str(), 1);
  unsetenv("HF_HUB_OFFLINE");
  setenv("HF_TOKEN", "hf_test_token", 1);
  auto tok = tokenizer::builtin();
  config::Config c;
  c.models = {"m"};
  c.public_dataset = "spec_al_gsm8k";
  c.random_seed = 1;
  const std::string gsm = "/api/datasets/openai/gsm8k/parquet/main/test";
  const std::string aimo = "/api/datasets/AI-MO/NuminaMath-TIR/parquet/default/train";
  std::string endpoint;
  {
    PathServer hub;
    endpoint = hub.base();
    const std::string list =
        "[\"" + hub.base() + gsm + "/0.parquet\", \"" + hub.base() + gsm + "/1.parquet\"]";
    hub.set(gsm, list);
    hub.set(aimo, list);  // the same two files under another name
    hub.set(gsm + "/0.parquet", slurp(kDir + "snappy_dict.parquet"));
    hub.set(gsm + "/1.parquet", slurp(kDir + "hyparquet_writer.parquet"));
    setenv("HF_ENDPOINT", hub.base().c_str(), 1);
    // gsm8k's prompt column is "question": the test files have "problem" -> a clear error.
    try {
      load_dataset(c, *tok, RngManager(1));
      ADD_FAILURE();
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find("column 'question' not found"), std::string::npos)
          << e.what();
    }
    EXPECT_EQ(hub.requests(), 3);  // the list, then two files
    EXPECT_EQ(hub.last_auth(), "Bearer hf_test_token");
    c.public_dataset = "aimo";
    Dataset ds = load_dataset(c, *tok, RngManager(1));
    EXPECT_EQ(ds.conversations.size(), 14u);  // 7 + 7 non-blank prompts
    EXPECT_EQ(ds.skipped_records, 6);
    EXPECT_EQ(ds.conversations[0].turns[0].text, "What is 1+1?");
    EXPECT_EQ(ds.conversations[13].turns[0].text, "Last");
    EXPECT_EQ(hub.requests(), 6);
    load_dataset(c, *tok, RngManager(1));  // cached: nothing fetched
    EXPECT_EQ(hub.requests(), 6);
  }
  const fs::path dir = hf_split_cache_dir({"AI-MO/NuminaMath-TIR", "default", "train"});
  EXPECT_EQ(dir, cache / "hf/AI-MO/NuminaMath-TIR/default/train");
  EXPECT_TRUE(fs::exists(dir / "parquet-files.json"));
  EXPECT_TRUE(fs::exists(dir / "1.parquet"));
  setenv("HF_HUB_OFFLINE", "1", 1);
  EXPECT_EQ(load_dataset(c, *tok, RngManager(1)).conversations.size(), 14u);
  // Offline and not cached: one line naming the URL to fetch and where to put it.
  fs::remove(dir / "1.parquet");
  try {
    load_dataset(c, *tok, RngManager(1));
    ADD_FAILURE();
  } catch (const InputError& e) {
    std::string m = e.what();
    EXPECT_NE(m.find((dir / "1.parquet").string() +
                     " is not cached and HF_HUB_OFFLINE is set; "
                     "fetch " +
                     endpoint + gsm + "/1.parquet into it"),
              std::string::npos)
        << m;
    EXPECT_EQ(m.find('\n'), std::string::npos);
  }
  fs::remove_all(cache);
  try {
    load_dataset(c, *tok, RngManager(1));
    ADD_FAILURE();
  } catch (const InputError& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("--public-dataset aimo: not cached and HF_HUB_OFFLINE is set; fetch " +
                     endpoint + aimo + " (a JSON list of Parquet URLs) into " +
                     (dir / "parquet-files.json").string()),
              std::string::npos)
        << m;
  }
  unsetenv("HF_HUB_OFFLINE");
  unsetenv("HF_ENDPOINT");
  unsetenv("HF_TOKEN");
  unsetenv("AIPERF_DATASET_CACHE");
  fs::remove_all(cache);
}

TEST(PublicLoaders, HfSubsetOverridesTheConfig) {
  auto cache = fs::temp_directory_path() / ("aiperf_hf_subset_" + std::to_string(getpid()));
  setenv("AIPERF_DATASET_CACHE", cache.c_str(), 1);
  setenv("HF_HUB_OFFLINE", "1", 1);
  setenv("HF_ENDPOINT", "http://hub.invalid", 1);
  auto tok = tokenizer::builtin();
  config::Config c;
  c.models = {"m"};
  c.public_dataset = "spec_al_mbpp";
  for (auto [subset, path] : {std::pair<const char*, const char*>{nullptr, "full/test"},
                              {"sanitized", "sanitized/test"}}) {
    if (subset) c.hf_subset = subset;
    try {
      load_dataset(c, *tok, RngManager(1));
      ADD_FAILURE();
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find(
                    "fetch http://hub.invalid/api/datasets/google-research-datasets/mbpp/parquet/" +
                    std::string(path) + " "),
                std::string::npos)
          << e.what();
    }
  }
  unsetenv("HF_HUB_OFFLINE");
  unsetenv("HF_ENDPOINT");
  unsetenv("AIPERF_DATASET_CACHE");
  fs::remove_all(cache);
}

}  // namespace
}  // namespace aiperf::dataset
