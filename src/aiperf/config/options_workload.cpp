// The workload rows: Input files, Fixed Schedule, Conversation Input, Prompt, Prefix Prompt, ISL
// blocks, Synthesis and User-Centric Rate rows of the `aiperf profile` option table (spec §1.3).
// Names, aliases and defaults are AIPerf's; help texts are our own words.
#include <algorithm>
#include <cctype>

#include "aiperf/common/error.h"
#include "aiperf/config/option_rows.h"
#include "aiperf/config/speed_bench.h"
#include "aiperf/config/value_parsers.h"
#include "aiperf/config/workload.h"

namespace aiperf::config::detail {

std::vector<OptionSpec> workload_options() {
  return {
      // ---------------------------------------------------------------- Input (workloads)
      {{"--input-file"},
       ValueKind::kValue,
       "<path>",
       "",
       "Input",
       "Dataset file (or, for random_pool, a directory of files) to send instead of synthetic "
       "prompts; its format is --custom-dataset-type, or guessed from the first record.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         if (one(values).empty()) throw ConfigError(std::string(flag) + ": empty path");
         st.cfg.input_file = one(values);
       }},
      {{"--public-dataset", "--dataset"},
       ValueKind::kValue,
       "<name>",
       "",
       "Input",
       "A public dataset, downloaded once into the cache (~/.cache/aiperf/datasets, or "
       "$AIPERF_DATASET_CACHE) and read from there afterwards: sharegpt, spec_bench, or a "
       "Hugging Face text dataset (aimo, aimo_aime, aimo_numina_cot, aimo_numina_1_5, "
       "spec_al_gsm8k, spec_al_math500, spec_al_humaneval, spec_al_mbpp, spec_al_mtbench, "
       "instruct_coder, blazedit_5k, blazedit_10k) fetched as the Hub's Parquet files "
       "($HF_ENDPOINT, $HF_TOKEN, $HF_HUB_OFFLINE).",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         // AIPerf's image, video, audio and agent-trace datasets, and what they would need.
         static const std::vector<std::pair<std::string_view, std::string_view>> kMedia = {
             {"mmstar", "an image dataset"},
             {"vision_arena", "an image dataset"},
             {"llava_onevision", "an image dataset"},
             {"mmvu", "a video dataset"},
             {"librispeech", "an audio (ASR) dataset"},
             {"voxpopuli", "an audio (ASR) dataset"},
             {"gigaspeech", "an audio (ASR) dataset"},
             {"ami", "an audio (ASR) dataset"},
             {"spgispeech", "an audio (ASR) dataset"},
             {"exgentic", "a set of recorded agent traces"},
             {"exgentic_v2", "a set of recorded agent traces"}};
         for (const auto& [name, kind] : kMedia) {
           if (one(values) == name) {
             throw ConfigError(std::string(flag) + ": '" + one(values) + "' is " +
                               std::string(kind) +
                               "; this build's public datasets are text only (use a text "
                               "dataset, or export it to JSONL and pass --input-file)");
           }
         }
         choose(
             flag, one(values),
             {"sharegpt", "aimo", "aimo_aime", "aimo_numina_cot", "aimo_numina_1_5", "spec_bench",
              "spec_al_gsm8k", "spec_al_math500", "spec_al_humaneval", "spec_al_mbpp",
              "spec_al_mtbench", "instruct_coder", "blazedit_5k", "blazedit_10k"});
         st.cfg.public_dataset = one(values);
       }},
      {{"--hf-subset"},
       ValueKind::kValue,
       "<name>",
       "the dataset's own",
       "Input",
       "Subset (config) of a Hugging Face --public-dataset to load instead of the one AIPerf "
       "uses for it (e.g. spec_al_mbpp: full -> sanitized).",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         if (one(values).empty()) throw ConfigError(std::string(flag) + ": empty subset name");
         st.cfg.hf_subset = one(values);
       }},
      {{"--custom-dataset-type"},
       ValueKind::kValue,
       "single_turn|multi_turn|mooncake_trace|bailian_trace|burst_gpt_trace|random_pool|"
       "raw_payload|inputs_json|sagemaker_data_capture|speed_bench_<subset>",
       "guessed from the file",
       "Input",
       "Format of --input-file (docs/datasets.md). speed_bench_<subset> reads a SPEED-Bench "
       "JSONL file: speed_bench_qualitative, speed_bench_<category> (coding, humanities, math, "
       "multilingual, qa, rag, reasoning, roleplay, stem, summarization, writing), "
       "speed_bench_throughput_<isl> (1k, 2k, 8k, 16k, 32k) or "
       "speed_bench_throughput_<isl>_<low_entropy|mixed|high_entropy>; a category keeps only "
       "the rows of that category.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         if (one(values) == "dag_jsonl") {
           throw ConfigError(std::string(flag) +
                             ": 'dag_jsonl' (agentic DAG sessions) is an AIPerf dataset type "
                             "this build does not have yet; use multi_turn or mooncake_trace");
         }
         if (const SpeedBenchFormat* f = find_speed_bench_format(one(values))) {
           st.cfg.custom_dataset_type = CustomDatasetType::kSpeedBench;
           st.cfg.speed_bench_format = f->name;
           return;
         }
         static constexpr CustomDatasetType kTypes[] = {
             CustomDatasetType::kSingleTurn,          CustomDatasetType::kMultiTurn,
             CustomDatasetType::kMooncakeTrace,       CustomDatasetType::kBailianTrace,
             CustomDatasetType::kBurstGptTrace,       CustomDatasetType::kRandomPool,
             CustomDatasetType::kRawPayload,          CustomDatasetType::kInputsJson,
             CustomDatasetType::kSageMakerDataCapture};
         const auto& names = custom_dataset_type_names();
         const size_t i = choose(flag, one(values), {names.begin(), names.end()});
         st.cfg.custom_dataset_type = kTypes[i];  // the speed_bench_* names returned above
         st.cfg.speed_bench_format.clear();
       }},
      {{"--dataset-sampling-strategy"},
       ValueKind::kValue,
       "sequential|random|shuffle",
       "sequential",
       "Input",
       "Order in which new sessions take conversations from the dataset: sequential (wrapping "
       "around), random (with replacement) or shuffle (reshuffled when exhausted).",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         static constexpr SamplingStrategy kS[] = {
             SamplingStrategy::kSequential, SamplingStrategy::kRandom, SamplingStrategy::kShuffle};
         st.cfg.dataset_sampling_strategy =
             kS[choose(flag, one(values), {"sequential", "random", "shuffle"})];
       }},
      // ---------------------------------------------------------------- Fixed Schedule
      {{"--fixed-schedule"},
       ValueKind::kFlag,
       "",
       "on for timestamped traces",
       "Fixed Schedule",
       "Send each request at the timestamp the dataset gives it (trace replay). Trace files "
       "whose first record has a timestamp get this automatically.",
       kRepeat,
       kSingle,
       [](ParseState& st, std::string_view, const std::vector<std::string>&) {
         st.fixed_schedule_flag = true;
       }},
      {{"--no-fixed-schedule"},
       ValueKind::kFlag,
       "",
       "off",
       "Fixed Schedule",
       "Do not replay the timestamps of a trace file; use --concurrency or --request-rate.",
       kRepeat,
       kSingle,
       [](ParseState& st, std::string_view, const std::vector<std::string>&) {
         st.no_fixed_schedule_flag = true;
       }},
      {{"--fixed-schedule-auto-offset"},
       ValueKind::kFlag,
       "",
       "on unless a start offset is given",
       "Fixed Schedule",
       "Shift the schedule so the first timestamp is sent at once.",
       kRepeat,
       kSingle,
       [](ParseState& st, std::string_view, const std::vector<std::string>&) {
         st.cfg.fixed_schedule_auto_offset = true;
       }},
      {{"--fixed-schedule-start-offset"},
       ValueKind::kValue,
       "<ms>",
       "",
       "Fixed Schedule",
       "Skip records with a timestamp before this (ms, inclusive); the schedule starts here.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.fixed_schedule_start_offset_ms = parse_int_at_least(flag, one(values), 0);
       }},
      {{"--fixed-schedule-end-offset"},
       ValueKind::kValue,
       "<ms>",
       "",
       "Fixed Schedule",
       "Skip records with a timestamp after this (ms, inclusive).",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.fixed_schedule_end_offset_ms = parse_int_at_least(flag, one(values), 0);
       }},
      // ---------------------------------------------------------------- Conversation Input
      {{"--conversation-num", "--num-conversations", "--num-sessions"},
       ValueKind::kValue,
       "<int>",
       "",
       "Conversation Input",
       "Stop after this many sessions (conversations) have started; also the number of "
       "synthetic conversations when --num-dataset-entries is not given. Must be >= 1.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.num_conversations = parse_int_at_least(flag, one(values), 1, true);
         st.cfg.num_sessions = st.num_conversations;
       }},
      {{"--conversation-turn-mean", "--session-turns-mean"},
       ValueKind::kValue,
       "<int>",
       "1",
       "Conversation Input",
       "Mean number of turns of a synthetic conversation (normal distribution). Must be >= 1.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.session_turns_mean = double(parse_int_at_least(flag, one(values), 1, true));
       }},
      {{"--conversation-turn-stddev", "--session-turns-stddev"},
       ValueKind::kValue,
       "<int>",
       "0",
       "Conversation Input",
       "Standard deviation of the number of turns. Must be >= 0.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.session_turns_stddev = double(parse_int_at_least(flag, one(values), 0));
       }},
      {{"--conversation-turn-delay-mean", "--session-turn-delay-mean"},
       ValueKind::kValue,
       "<ms>",
       "0",
       "Conversation Input",
       "Mean delay before each turn after the first, in ms, counted from the previous answer. "
       "Must be >= 0.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.session_turn_delay_mean_ms = parse_number(flag, one(values), 0, false);
       }},
      {{"--conversation-turn-delay-stddev", "--session-turn-delay-stddev"},
       ValueKind::kValue,
       "<ms>",
       "0",
       "Conversation Input",
       "Standard deviation of the turn delay, in ms. Must be >= 0.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.session_turn_delay_stddev_ms = parse_number(flag, one(values), 0, false);
       }},
      {{"--conversation-turn-delay-ratio", "--session-delay-ratio"},
       ValueKind::kValue,
       "<number>",
       "1.0",
       "Conversation Input",
       "Multiplier applied to every sampled turn delay. Must be >= 0.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.session_turn_delay_ratio = parse_number(flag, one(values), 0, false);
       }},
      {{"--inter-turn-delay-cap-seconds"},
       ValueKind::kValue,
       "<seconds>",
       "",
       "Conversation Input",
       "Cap every per-turn delay read from a dataset file at this many seconds. Must be >= 0.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.inter_turn_delay_cap_s = parse_number(flag, one(values), 0, false);
       }},
      // ---------------------------------------------------------------- Prompt
      {{"--prompt-batch-size", "--batch-size-text", "--batch-size", "-b"},
       ValueKind::kValue,
       "<int>",
       "1",
       "Prompt",
       "Number of independent synthetic prompts in each turn's text (several text parts in one "
       "message; meaningful for embeddings/rankings). 0 sends no text. Must be >= 0.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.prompt_batch_size = parse_int_at_least(flag, one(values), 0);
       }},
      // ---------------------------------------------------------------- Prefix Prompt
      {{"--prompt-prefix-pool-size", "--prefix-prompt-pool-size", "--num-prefix-prompts"},
       ValueKind::kValue,
       "<int>",
       "0",
       "Prefix Prompt",
       "Number of prefix prompts to generate; each conversation's first turn starts with one "
       "of them, picked at random. Must be >= 0.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.num_prefix_prompts = parse_int_at_least(flag, one(values), 0);
       }},
      {{"--prompt-prefix-length", "--prefix-prompt-length"},
       ValueKind::kValue,
       "<tokens>",
       "0",
       "Prefix Prompt",
       "Length of each prefix prompt, in tokens. Must be >= 0.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.prefix_prompt_length = parse_int_at_least(flag, one(values), 0);
       }},
      {{"--shared-system-prompt-length"},
       ValueKind::kValue,
       "<tokens>",
       "",
       "Prefix Prompt",
       "One system prompt of this many tokens, shared by every conversation. Must be >= 1.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.shared_system_prompt_length = parse_int_at_least(flag, one(values), 1);
       }},
      {{"--user-context-prompt-length"},
       ValueKind::kValue,
       "<tokens>",
       "",
       "Prefix Prompt",
       "A distinct user-context prompt of this many tokens per conversation, sent right after "
       "the system prompt. Must be >= 1.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.user_context_prompt_length = parse_int_at_least(flag, one(values), 1);
       }},
      // ---------------------------------------------------------------- ISL (workloads)
      {{"--prompt-input-tokens-block-size", "--synthetic-input-tokens-block-size",
        "--isl-block-size"},
       ValueKind::kValue,
       "<tokens>",
       "512 mooncake, 16 bailian",
       "Input Sequence Length (ISL)",
       "Tokens per hash_ids block when prompts are rebuilt from a trace's hash_ids. Must be "
       ">= 1.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.isl_block_size = parse_int_at_least(flag, one(values), 1);
       }},
      {{"--seq-dist", "--sequence-distribution"},
       ValueKind::kValue,
       "<dist>",
       "",
       "Input Sequence Length (ISL)",
       "Mix of (ISL, OSL) pairs with percent probabilities: \"128,64:25;512,128:75\", "
       "\"[(128,64):25,(512,128):75]\", or JSON {\"pairs\":[{\"isl\":128,\"osl\":64,\"prob\":25},"
       "...]}; ISL|STD and OSL|STD add a spread.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         parse_seq_dist(flag, one(values));  // syntax checked now, sampled by the dataset
         st.cfg.seq_dist = one(values);
       }},
      // ---------------------------------------------------------------- Synthesis
      {{"--synthesis-speedup-ratio"},
       ValueKind::kValue,
       "<number>",
       "1.0",
       "Synthesis",
       "Divide trace timestamps by this (2 replays twice as fast). Must be >= 0.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.synthesis_speedup_ratio = parse_number(flag, one(values), 0, false);
       }},
      {{"--synthesis-prefix-len-multiplier"},
       ValueKind::kValue,
       "<number>",
       "1.0",
       "Synthesis",
       "Scale the shared-prefix part of each trace prompt. Must be >= 0.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.synthesis_prefix_len_multiplier = parse_number(flag, one(values), 0, false);
       }},
      {{"--synthesis-prefix-root-multiplier"},
       ValueKind::kValue,
       "<int>",
       "1",
       "Synthesis",
       "Spread the traces over this many disjoint prefix trees. Must be >= 1.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.synthesis_prefix_root_multiplier = parse_int_at_least(flag, one(values), 1);
       }},
      {{"--synthesis-prompt-len-multiplier"},
       ValueKind::kValue,
       "<number>",
       "1.0",
       "Synthesis",
       "Scale the unshared part of each trace prompt. Must be >= 0.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.synthesis_prompt_len_multiplier = parse_number(flag, one(values), 0, false);
       }},
      {{"--synthesis-output-len-multiplier"},
       ValueKind::kValue,
       "<number>",
       "1.0",
       "Synthesis",
       "Scale each trace's output length. Must be >= 0.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.synthesis_output_len_multiplier = parse_number(flag, one(values), 0, false);
       }},
      {{"--synthesis-max-isl"},
       ValueKind::kValue,
       "<tokens>",
       "",
       "Synthesis",
       "Leave out trace records whose input length is above this (the count is reported). "
       "Must be >= 1.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.synthesis_max_isl = parse_int_at_least(flag, one(values), 1);
       }},
      {{"--synthesis-max-osl"},
       ValueKind::kValue,
       "<tokens>",
       "",
       "Synthesis",
       "Cap each trace record's output length at this. Must be >= 1.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.synthesis_max_osl = parse_int_at_least(flag, one(values), 1);
       }},
      // ---------------------------------------------------------------- User-Centric Rate
      {{"--user-centric-rate"},
       ValueKind::kValue,
       "<per-second>",
       "",
       "User-Centric Rate",
       "Total request rate shared by --num-users simulated users, each sending its next turn "
       "num_users/rate seconds after the previous one. Needs multi-turn conversations. Must "
       "be > 0.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.user_centric_rate = parse_number(flag, one(values), 0, true);
       }},
      {{"--num-users"},
       ValueKind::kValue,
       "<int>",
       "",
       "User-Centric Rate",
       "Number of simulated users for --user-centric-rate. Must be >= 1.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.num_users = parse_int_at_least(flag, one(values), 1, true);
       }},
  };
}

}  // namespace aiperf::config::detail
