// analyze-trace statistics (spec §8.3) and the synthesis rewrite (spec §8.4) on small traces
// whose answers are worked out by hand.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "aiperf/dataset/trace_tools.h"

namespace aiperf::dataset {
namespace {

std::string temp_file(const std::string& name, const std::string& body) {
  auto p = std::filesystem::temp_directory_path() /
           ("aiperf_tt_" + std::to_string(::getpid()) + "_" + name);
  std::ofstream(p, std::ios::binary) << body;
  return p.string();
}

TEST(AnalyzeTrace, HandWorkedExample) {
  // Block size 10. Trace A [1,2] 15 tokens, B [1,3] 20, C [4] 5, D no ids 7.
  auto f = temp_file("a.jsonl",
                     "{\"input_length\":15,\"output_length\":2,\"hash_ids\":[1,2]}\n"
                     "{\"input_length\":20,\"output_length\":4,\"hash_ids\":[1,3]}\n"
                     "{\"input_length\":5,\"output_length\":6,\"hash_ids\":[4]}\n"
                     "{\"input_length\":7,\"output_length\":8}\n");
  TraceAnalysis a = analyze_trace(f, 10);
  EXPECT_EQ(a.total_requests, 4);
  EXPECT_EQ(a.unique_prefixes, 4);                    // [1], [1,2], [1,3], [4]
  EXPECT_EQ(a.num_prefix_groups, 1);                  // first block 1 in two traces
  EXPECT_DOUBLE_EQ(a.prefix_reuse_ratio, 2.0 / 5.0);  // [1] seen twice of 5 prefix uses
  // Hit rates: A 0/2, B 1/2, C 0/1 -> mean 1/6.
  EXPECT_DOUBLE_EQ(a.cache_hit_rate, 1.0 / 6.0);
  // Context: A pos0 id1 repeated -> 10, unique 5; B 10, unique 10; C 0, unique 5; D 0, 7.
  EXPECT_DOUBLE_EQ(a.context_length_stats.mean, 5.0);
  EXPECT_DOUBLE_EQ(a.unique_prompt_length_stats.mean, (5 + 10 + 5 + 7) / 4.0);
  EXPECT_EQ(a.min_isl, 5);
  EXPECT_EQ(a.max_isl, 20);
  EXPECT_DOUBLE_EQ(a.avg_osl, 5.0);
  EXPECT_DOUBLE_EQ(a.isl_stats.median, 11.0);  // linear between 7 and 15
  auto j = to_json(a);
  EXPECT_EQ(j.begin().key(), "total_requests");
  EXPECT_TRUE(j.contains("hit_rate_stats"));
  EXPECT_TRUE(j["isl_stats"].contains("std_dev"));
  EXPECT_NE(format_report(a).find("Trace Analysis Report"), std::string::npos);
}

TEST(Synthesize, PrefixPromptOutputAndSpeedup) {
  // Block 4. Ids 1,2 shared by both rows; row lengths 10 (ids 1,2,3) and 12 (1,2,5).
  auto in = temp_file(
      "s.jsonl",
      "{\"timestamp\":100,\"input_length\":10,\"output_length\":10,\"hash_ids\":[1,2,3]}\n"
      "{\"timestamp\":301,\"input_length\":12,\"output_length\":3,\"hash_ids\":[1,2,5]}\n"
      "{\"timestamp\":400,\"input_length\":99,\"output_length\":3}\n");
  auto out = std::filesystem::temp_directory_path() /
             ("aiperf_tt_out_" + std::to_string(::getpid()) + ".jsonl");
  config::Config c;
  c.isl_block_size = 4;
  c.synthesis_prefix_len_multiplier = 2;
  c.synthesis_prompt_len_multiplier = 0.5;
  c.synthesis_speedup_ratio = 2;
  c.synthesis_output_len_multiplier = 0.5;
  c.synthesis_max_osl = 4;
  c.synthesis_max_isl = 50;
  auto o = synthesize_trace_file(in, out.string(), c);
  EXPECT_EQ(o.written, 2);
  EXPECT_EQ(o.skipped_over_max_isl, 1);
  std::ifstream f(out);
  std::string l1, l2;
  std::getline(f, l1);
  std::getline(f, l2);
  auto r1 = nlohmann::json::parse(l1), r2 = nlohmann::json::parse(l2);
  // Core prefix [1,2] (8 tokens); m = 2 -> ids 2,3,4,5; prompt 2 tokens x 0.5 = 1 -> 1 fresh id.
  // next_free = (max shared 2 + 1) * 2 = 6.
  EXPECT_EQ(r1["hash_ids"], nlohmann::json({2, 3, 4, 5, 6}));
  EXPECT_EQ(r1["input_length"], 4 * 4 + 1);
  EXPECT_EQ(r1["timestamp"], 50);
  EXPECT_EQ(r1["output_length"], 4);  // round(10 x 0.5) = 5, capped at 4
  EXPECT_EQ(r2["hash_ids"], nlohmann::json({2, 3, 4, 5, 7}));
  EXPECT_EQ(r2["input_length"], 16 + 2);
  EXPECT_EQ(r2["timestamp"], 150);
  EXPECT_EQ(r2["output_length"], 2);
}

}  // namespace
}  // namespace aiperf::dataset
