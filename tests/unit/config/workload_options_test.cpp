// Issue-5 flags: timing-mode selection (fixed schedule, trace auto-promotion, user-centric),
// the §1.4 messages, dataset-source rules, --seq-dist grammar and format detection.
#include <gtest/gtest.h>

#include <unistd.h>
#include <cstdio>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "aiperf/common/error.h"
#include "aiperf/config/cli_options.h"
#include "aiperf/config/workload.h"

namespace aiperf::config {
namespace {

using Args = std::vector<std::string>;
const std::string kData = std::string(AIPERF_TEST_DATA_DIR) + "/traces/";

Config parse(Args args) {
  ParseEnv env;
  return parse_profile_args(args, env);
}

std::string error_of(Args args) {
  try {
    parse(std::move(args));
  } catch (const ConfigError& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected a ConfigError";
  return {};
}

#define EXPECT_ERROR_HAS(args, text) \
  EXPECT_NE(error_of(args).find(text), std::string::npos) << error_of(args)

std::string temp_file(const std::string& name, const std::string& body) {
  auto p = std::filesystem::temp_directory_path() /
           ("aiperf_cfg_" + std::to_string(::getpid()) + "_" + name);
  std::ofstream(p, std::ios::binary) << body;
  return p.string();
}

TEST(Workload, TraceWithTimestampsIsAutoPromoted) {
  Config c = parse({"-m", "a", "--input-file", kData + "arxiv_mooncake_trace_first20.jsonl"});
  EXPECT_EQ(c.custom_dataset_type, CustomDatasetType::kMooncakeTrace);  // detected
  EXPECT_EQ(c.timing_mode, TimingMode::kFixedSchedule);
  EXPECT_EQ(c.fixed_schedule, true);
  EXPECT_EQ(c.fixed_schedule_auto_offset, true);
  EXPECT_FALSE(c.request_count);  // the trace is the stop condition
  EXPECT_FALSE(c.warnings.empty());
  // --no-fixed-schedule keeps concurrency mode and the default stop condition.
  Config n = parse({"-m", "a", "--input-file", kData + "arxiv_mooncake_trace_first20.jsonl",
                    "--no-fixed-schedule"});
  EXPECT_EQ(n.timing_mode, TimingMode::kConcurrency);
  EXPECT_EQ(n.request_count, 10);
}

TEST(Workload, AutoPromotionRejectsRateFlags) {
  EXPECT_ERROR_HAS(Args({"-m", "a", "--input-file", kData + "arxiv_mooncake_trace_first20.jsonl",
                         "--request-rate", "5"}),
                   "Trace dataset has per-record timestamps and would be auto-promoted to "
                   "fixed_schedule, but the following flags are incompatible with "
                   "fixed_schedule mode: [--request-rate]");
  // Passing --no-fixed-schedule allows the rate.
  Config c = parse({"-m", "a", "--input-file", kData + "arxiv_mooncake_trace_first20.jsonl",
                    "--request-rate", "5", "--no-fixed-schedule"});
  EXPECT_EQ(c.timing_mode, TimingMode::kRequestRate);
}

TEST(Workload, TraceWithoutTimestampsIsNotPromoted) {
  auto f = temp_file("nots.jsonl", "{\"input_length\": 10, \"output_length\": 2}\n");
  Config c = parse({"-m", "a", "--input-file", f});
  EXPECT_EQ(c.custom_dataset_type, CustomDatasetType::kMooncakeTrace);
  EXPECT_EQ(c.timing_mode, TimingMode::kConcurrency);
  // CRLF and a UTF-8 BOM are fine.
  auto bom = temp_file("bom.jsonl", "\xEF\xBB\xBF{\"timestamp\": 5, \"input_length\": 10}\r\n");
  Config b = parse({"-m", "a", "--input-file", bom});
  EXPECT_EQ(b.custom_dataset_type, CustomDatasetType::kMooncakeTrace);
  EXPECT_EQ(b.timing_mode, TimingMode::kFixedSchedule);
  // A null timestamp is "no timestamp".
  auto g = temp_file("nullts.jsonl", "\n{\"timestamp\": null, \"input_length\": 10}\n");
  EXPECT_EQ(parse({"-m", "a", "--input-file", g}).timing_mode, TimingMode::kConcurrency);
  // single_turn files are not traces: never promoted.
  Config s = parse({"-m", "a", "--input-file", kData + "single_turn_timestamps.jsonl"});
  EXPECT_EQ(s.custom_dataset_type, CustomDatasetType::kSingleTurn);
  EXPECT_EQ(s.timing_mode, TimingMode::kConcurrency);
  // ... but --fixed-schedule replays them.
  Config fs = parse(
      {"-m", "a", "--input-file", kData + "single_turn_timestamps.jsonl", "--fixed-schedule"});
  EXPECT_EQ(fs.timing_mode, TimingMode::kFixedSchedule);
}

TEST(Workload, BurstGptAndBailianDetectedAndPromoted) {
  Config b = parse({"-m", "a", "--input-file", kData + "BurstGPT_1_first3rows.csv"});
  EXPECT_EQ(b.custom_dataset_type, CustomDatasetType::kBurstGptTrace);
  EXPECT_EQ(b.timing_mode, TimingMode::kFixedSchedule);
  Config q = parse({"-m", "a", "--input-file", kData + "bailian_trace_doc_example.jsonl"});
  EXPECT_EQ(q.custom_dataset_type, CustomDatasetType::kBailianTrace);
  EXPECT_EQ(q.timing_mode, TimingMode::kFixedSchedule);
  Config m = parse({"-m", "a", "--input-file", kData + "multi_turn_basic.jsonl"});
  EXPECT_EQ(m.custom_dataset_type, CustomDatasetType::kMultiTurn);
  Config r = parse({"-m", "a", "--input-file", kData + "random_pool_dir"});
  EXPECT_EQ(r.custom_dataset_type, CustomDatasetType::kRandomPool);
}

TEST(Workload, FixedScheduleRules) {
  const std::string trace = kData + "arxiv_mooncake_trace_first20.jsonl";
  EXPECT_ERROR_HAS(Args({"-m", "a", "--fixed-schedule-start-offset", "5"}),
                   "--fixed-schedule-{auto,start,end}-offset requires --fixed-schedule.");
  EXPECT_ERROR_HAS(Args({"-m", "a", "--input-file", trace, "--no-fixed-schedule",
                         "--fixed-schedule-end-offset", "5"}),
                   "--fixed-schedule-{auto,start,end}-offset requires --fixed-schedule.");
  EXPECT_ERROR_HAS(Args({"-m", "a", "--input-file", trace, "--fixed-schedule-auto-offset",
                         "--fixed-schedule-start-offset", "5"}),
                   "auto_offset cannot be True when start_offset is set");
  EXPECT_ERROR_HAS(Args({"-m", "a", "--input-file", trace, "--fixed-schedule-start-offset", "9",
                         "--fixed-schedule-end-offset", "5"}),
                   "start_offset must be <= end_offset");
  EXPECT_ERROR_HAS(
      Args({"-m", "a", "--input-file", trace, "--dataset-sampling-strategy", "random"}),
      "requires sequential sampling, but dataset");
  EXPECT_ERROR_HAS(Args({"-m", "a", "--fixed-schedule"}), "--fixed-schedule needs a dataset");
  EXPECT_ERROR_HAS(
      Args({"-m", "a", "--input-file", trace, "--fixed-schedule", "--request-rate", "3"}),
      "cannot be used with --fixed-schedule");
  EXPECT_ERROR_HAS(Args({"-m", "a", "--fixed-schedule", "--no-fixed-schedule"}),
                   "cannot be used together");
  // Concurrency is a ceiling in fixed-schedule mode, kept as given.
  EXPECT_EQ(parse({"-m", "a", "--input-file", trace, "--concurrency", "4"}).concurrency, 4);
}

TEST(Workload, UserCentricRules) {
  EXPECT_ERROR_HAS(Args({"-m", "a", "--num-users", "3"}),
                   "--num-users requires --user-centric-rate. Pass --user-centric-rate to enable "
                   "user-centric mode, or drop --num-users");
  EXPECT_ERROR_HAS(Args({"-m", "a", "--user-centric-rate", "3", "--session-turns-mean", "3"}),
                   "--user-centric-rate requires --num-users");
  EXPECT_ERROR_HAS(Args({"-m", "a", "--user-centric-rate", "3", "--num-users", "2"}),
                   "User-centric rate mode requires --session-turns-mean >= 2. For single-turn "
                   "workloads, use --request-rate instead.");
  EXPECT_ERROR_HAS(Args({"-m", "a", "--user-centric-rate", "3", "--num-users", "5",
                         "--session-turns-mean", "2", "--num-sessions", "4"}),
                   "--num-sessions (4) must be >= --num-users (5)");
  EXPECT_ERROR_HAS(Args({"-m", "a", "--user-centric-rate", "3", "--num-users", "5",
                         "--session-turns-mean", "2", "--request-count", "4"}),
                   "--request-count (4) must be >= --num-users (5)");
  EXPECT_ERROR_HAS(Args({"-m", "a", "--user-centric-rate", "3", "--num-users", "2", "--input-file",
                         kData + "single_turn_basic.jsonl"}),
                   "requires a multi_turn dataset");
  Config c = parse({"-m", "a", "--user-centric-rate", "3", "--num-users", "2", "--input-file",
                    kData + "multi_turn_basic.jsonl"});
  EXPECT_EQ(c.timing_mode, TimingMode::kUserCentric);
  // --user-centric-rate wins over --request-rate on the command line (AIPerf's CLI path).
  Config w = parse({"-m", "a", "--user-centric-rate", "3", "--num-users", "2",
                    "--session-turns-mean", "2", "--request-rate", "9"});
  EXPECT_EQ(w.timing_mode, TimingMode::kUserCentric);
}

TEST(Workload, DatasetSourceRules) {
  EXPECT_ERROR_HAS(Args({"-m", "a", "--input-file", kData + "single_turn_basic.jsonl", "--isl",
                         "100", "--seq-dist", "1,1:100"}),
                   "--isl, --seq-dist is only supported with synthetic datasets; use a synthetic "
                   "dataset (no --input-file)");
  EXPECT_ERROR_HAS(Args({"-m", "a", "--public-dataset", "sharegpt", "--prompt-prefix-pool-size",
                         "2", "--prefix-prompt-length", "5"}),
                   "is only supported with synthetic datasets");
  // The shared system prompt and user context go to file-based conversations too (AIPerf's
  // composer; its skill guide's --input-file ... --shared-system-prompt-length line).
  Config sys = parse({"-m", "a", "--input-file", kData + "single_turn_basic.jsonl",
                      "--shared-system-prompt-length", "5", "--user-context-prompt-length", "3"});
  EXPECT_EQ(sys.shared_system_prompt_length, 5);
  EXPECT_EQ(sys.user_context_prompt_length, 3);
  // --osl is allowed with files (a per-record fallback); --isl-block-size too.
  Config c = parse({"-m", "a", "--input-file", kData + "single_turn_basic.jsonl", "--osl", "7",
                    "--isl-block-size", "64"});
  EXPECT_EQ(c.osl_mean, 7);
  EXPECT_ERROR_HAS(Args({"-m", "a", "--input-file", "x", "--public-dataset", "sharegpt"}),
                   "cannot be used together");
  EXPECT_ERROR_HAS(Args({"-m", "a", "--custom-dataset-type", "single_turn"}),
                   "--custom-dataset-type requires --input-file");
  EXPECT_ERROR_HAS(Args({"-m", "a", "--input-file", "/nonexistent/file.jsonl"}),
                   "--input-file: '/nonexistent/file.jsonl' does not exist");
  EXPECT_ERROR_HAS(Args({"-m", "a", "--custom-dataset-type", "dag_jsonl", "--input-file", "x"}),
                   "this build does not have yet");
  EXPECT_ERROR_HAS(Args({"-m", "a", "--custom-dataset-type", "csv", "--input-file", "x"}),
                   "invalid choice 'csv'");
  EXPECT_EQ(parse({"-m", "a", "--public-dataset", "aimo"}).public_dataset, "aimo");
  EXPECT_EQ(parse({"-m", "a", "--public-dataset", "spec_al_mtbench"}).public_dataset,
            "spec_al_mtbench");
  EXPECT_ERROR_HAS(Args({"-m", "a", "--public-dataset", "mmstar"}),
                   "'mmstar' is an image dataset; this build's public datasets are text only");
  EXPECT_ERROR_HAS(Args({"-m", "a", "--public-dataset", "librispeech"}), "audio (ASR)");
  EXPECT_ERROR_HAS(Args({"-m", "a", "--public-dataset", "nope"}), "invalid choice 'nope'");
  EXPECT_EQ(
      parse({"-m", "a", "--public-dataset", "spec_al_mbpp", "--hf-subset", "sanitized"}).hf_subset,
      "sanitized");
  EXPECT_ERROR_HAS(Args({"-m", "a", "--hf-subset", "x"}),
                   "--hf-subset applies to the Hugging Face datasets of --public-dataset");
  EXPECT_ERROR_HAS(Args({"-m", "a", "--public-dataset", "sharegpt", "--hf-subset", "x"}),
                   "(not sharegpt)");
  auto bad = temp_file("unknown.jsonl", "{\"foo\": 1}\n");
  EXPECT_ERROR_HAS(Args({"-m", "a", "--input-file", bad}), "pass --custom-dataset-type");
  EXPECT_ERROR_HAS(Args({"-m", "a", "--num-prefix-prompts", "2", "--prefix-prompt-length", "5",
                         "--shared-system-prompt-length", "4"}),
                   "pool_size/length and shared_system_length/user_context_length are mutually "
                   "exclusive");
  EXPECT_ERROR_HAS(Args({"-m", "a", "--num-prefix-prompts", "2"}), "must be given together");
}

TEST(Workload, EntryCountResolution) {
  EXPECT_EQ(parse({"-m", "a", "--num-sessions", "7"}).num_dataset_entries, 7);
  EXPECT_EQ(parse({"-m", "a", "--num-sessions", "7"}).request_count, std::nullopt);
  EXPECT_EQ(parse({"-m", "a", "--num-sessions", "7", "--request-count", "3"}).num_dataset_entries,
            7);
  EXPECT_EQ(
      parse({"-m", "a", "--num-sessions", "7", "--num-dataset-entries", "2"}).num_dataset_entries,
      2);
}

TEST(SeqDist, ThreeSyntaxes) {
  auto a = parse_seq_dist("--seq-dist", "128,64:25;512,128:50;1024,256:25");
  ASSERT_EQ(a.size(), 3u);
  EXPECT_EQ(a[1].isl, 512);
  EXPECT_EQ(a[1].osl, 128);
  EXPECT_EQ(a[1].prob_percent, 50);
  auto b = parse_seq_dist("--seq-dist", " 256|10 , 128|5 : 40 ; 512|20,256|10:60 ");
  ASSERT_EQ(b.size(), 2u);
  EXPECT_EQ(b[0].isl_stddev, 10);
  EXPECT_EQ(b[0].osl_stddev, 5);
  auto c = parse_seq_dist("--seq-dist", "[(256,128):40,(512|3,256):60]");
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[1].isl, 512);
  EXPECT_EQ(c[1].isl_stddev, 3);
  auto d = parse_seq_dist(
      "--seq-dist", R"({"pairs":[{"isl":256,"osl":128,"prob":40,"isl_stddev":10,"osl_stddev":5},)"
                    R"({"isl":512,"osl":256,"prob":60}]})");
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0].osl_stddev, 5);
  EXPECT_EQ(d[1].prob_percent, 60);
}

TEST(SeqDist, Errors) {
  auto err = [](const char* t) {
    try {
      parse_seq_dist("--seq-dist", t);
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(err("128,64:25;512,128:50").find("sum to 100"), std::string::npos);
  EXPECT_NE(err("0,64:100").find("> 0"), std::string::npos);
  EXPECT_NE(err("128:100").find("needs ISL,OSL"), std::string::npos);
  EXPECT_NE(err("128,64").find("needs ':PROB'"), std::string::npos);
  EXPECT_NE(err("abc,64:100").find("bad ISL"), std::string::npos);
  EXPECT_NE(err("{\"pairs\":[{\"isl\":1}]}").find("\"osl\""), std::string::npos);
  EXPECT_NE(err("128,64:150;1,1:-50").find("[0, 100]"), std::string::npos);
  EXPECT_NE(error_of({"-m", "a", "--seq-dist", "1,1:50"}).find("--seq-dist: "), std::string::npos);
}

}  // namespace
}  // namespace aiperf::config

namespace aiperf::config {
namespace {

TEST(Workload, ExportedConfigShowsDatasetAndPhase) {
  Config c = parse({"-m", "a", "--input-file", kData + "arxiv_mooncake_trace_first20.jsonl",
                    "--fixed-schedule-end-offset", "100", "--num-sessions", "5"});
  auto j = redacted_config_json(c);
  EXPECT_EQ(j["datasets"][0]["type"], "file");
  EXPECT_EQ(j["datasets"][0]["format"], "mooncake_trace");
  const auto& prof = j["phases"].back();
  EXPECT_EQ(prof["type"], "fixed_schedule");
  EXPECT_EQ(prof["auto_offset"], true);
  EXPECT_EQ(prof["end_offset"], 100);
  EXPECT_EQ(prof["sessions"], 5);
  Config u = parse({"-m", "a", "--user-centric-rate", "2", "--num-users", "3",
                    "--session-turns-mean", "4", "--seq-dist", "10,5:100"});
  auto k = redacted_config_json(u);
  EXPECT_EQ(k["phases"].back()["type"], "user_centric");
  EXPECT_EQ(k["phases"].back()["users"], 3);
  EXPECT_EQ(k["datasets"][0]["turns"]["mean"], 4.0);
  EXPECT_EQ(k["datasets"][0]["sequence_distribution"], "10,5:100");
}

}  // namespace
}  // namespace aiperf::config

namespace aiperf::config {
namespace {

TEST(Workload, RawFormatsDetected) {
  Config i = parse({"-m", "a", "--input-file", kData + "inputs_json_example.json"});
  EXPECT_EQ(i.custom_dataset_type, CustomDatasetType::kInputsJson);
  EXPECT_EQ(i.timing_mode, TimingMode::kConcurrency);
  Config d = parse({"-m", "a", "--input-file", kData + "raw_payload_dir"});
  EXPECT_EQ(d.custom_dataset_type, CustomDatasetType::kRawPayload);
  // SageMaker records carry no top-level "timestamp": no auto-promotion (AIPerf's rule).
  Config s = parse({"-m", "a", "--input-file", kData + "sagemaker_capture.jsonl"});
  EXPECT_EQ(s.custom_dataset_type, CustomDatasetType::kSageMakerDataCapture);
  EXPECT_EQ(s.timing_mode, TimingMode::kConcurrency);
  Config f =
      parse({"-m", "a", "--input-file", kData + "sagemaker_capture.jsonl", "--fixed-schedule"});
  EXPECT_EQ(f.timing_mode, TimingMode::kFixedSchedule);
  // A body with messages and a second input mode is not a valid mooncake row: raw_payload.
  auto two_modes =
      temp_file("raw_two.jsonl", R"({"messages":[{"role":"user","content":"x"}],"prompt":"y",)"
                                 R"("input_length":3})"
                                 "\n");
  EXPECT_EQ(parse({"-m", "a", "--input-file", two_modes}).custom_dataset_type,
            CustomDatasetType::kRawPayload);
  // Only messages: both AIPerf loaders accept it, so it must be named.
  EXPECT_ERROR_HAS(Args({"-m", "a", "--input-file", kData + "raw_payload.jsonl"}),
                   "Multiple loaders can handle the data format: mooncake_trace and raw_payload. "
                   "Please specify --custom-dataset-type explicitly.");
  Config r = parse({"-m", "a", "--input-file", kData + "raw_payload.jsonl", "--custom-dataset-type",
                    "raw_payload"});
  EXPECT_EQ(r.custom_dataset_type, CustomDatasetType::kRawPayload);
  EXPECT_EQ(parse({"-m", "a", "--input-file", kData + "inputs_json_example.json",
                   "--custom-dataset-type", "inputs_json"})
                .custom_dataset_type,
            CustomDatasetType::kInputsJson);
  EXPECT_EQ(parse({"-m", "a", "--input-file", kData + "sagemaker_capture.jsonl",
                   "--custom-dataset-type", "sagemaker_data_capture"})
                .custom_dataset_type,
            CustomDatasetType::kSageMakerDataCapture);
}

TEST(Workload, PromptBatchSize) {
  EXPECT_EQ(parse({"-m", "a"}).prompt_batch_size, 1);
  EXPECT_EQ(parse({"-m", "a", "-b", "3"}).prompt_batch_size, 3);
  EXPECT_EQ(parse({"-m", "a", "--prompt-batch-size", "0"}).prompt_batch_size, 0);
  EXPECT_EQ(parse({"-m", "a", "--batch-size-text", "2"}).prompt_batch_size, 2);
  EXPECT_EQ(parse({"-m", "a", "--batch-size", "4"}).prompt_batch_size, 4);
  EXPECT_ERROR_HAS(Args({"-m", "a", "-b", "-1"}), "-b");
  EXPECT_ERROR_HAS(Args({"-m", "a", "--batch-size", "x"}), "--batch-size");
  EXPECT_ERROR_HAS(Args({"-m", "a", "--input-file", kData + "single_turn_basic.jsonl",
                         "--batch-size-text", "2"}),
                   "--batch-size-text is only supported with synthetic datasets; use a synthetic "
                   "dataset (no --input-file) or drop --batch-size-text.");
}

}  // namespace
}  // namespace aiperf::config
