// Sweep expansion (study_expand.cpp), the `{{ }}` subset (jinja_lite.h) and the YAML tree.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "aiperf/common/error.h"
#include "aiperf/config/config_file.h"
#include "aiperf/config/jinja_lite.h"
#include "aiperf/config/yaml_tree.h"

namespace aiperf::config {
namespace {

namespace fs = std::filesystem;
using J = nlohmann::ordered_json;

LoadedConfigFile load(const std::string& name, const std::string& text) {
  const fs::path dir = fs::path(::testing::TempDir()) / "aiperf_config_expand_test";
  fs::create_directories(dir);
  std::ofstream(dir / name) << text;
  return load_config_file((dir / name).string());
}

const char* kBody = R"(benchmark:
  model: m
  dataset: {prompts: {isl: 100}}
  phases:
    - {name: warmup, type: concurrency, requests: 2}
    - {name: profiling, type: poisson, rate: 1.0, requests: 10}
)";

TEST(Expand, GridIsACartesianProductOverSortedPaths) {
  auto f = load("grid.yaml", std::string(R"(sweep:
  parameters:
    rate: [5.0, 10]
    datasets.default.prompts.isl: [128, 512]
)") + kBody);
  const auto v = expand_variations(f);
  ASSERT_EQ(v.size(), 4u);
  // Paths sorted: datasets... before phases.profiling.rate; the last path varies fastest.
  EXPECT_EQ(v[0].label, "datasets.default.prompts.isl=128, phases.profiling.rate=5.0");
  EXPECT_EQ(v[0].dir_name, "isl_128__rate_5.0");
  EXPECT_EQ(v[1].label, "datasets.default.prompts.isl=128, phases.profiling.rate=10");
  EXPECT_EQ(v[3].dir_name, "isl_512__rate_10");
  EXPECT_EQ(v[2].values, J::parse(R"({"datasets.default.prompts.isl": 512,
                                      "phases.profiling.rate": 5.0})"));
  // The value lands in the named phase, not the warmup.
  const YamlNode& phases = *v[1].envelope.find("benchmark")->find("phases");
  EXPECT_EQ(phases.items[1].find("rate")->text, "10");
  EXPECT_EQ(phases.items[0].find("rate"), nullptr);
  EXPECT_EQ(v[1].envelope.find("sweep"), nullptr);
}

TEST(Expand, ZipScenariosAndMagicLists) {
  auto z = load("zip.yaml", std::string(R"(sweep:
  type: zip
  parameters:
    phases.profiling.requests: [10, 20, 30]
    variables.n: [1, 2, 3]
variables: {n: 0}
)") + kBody);
  const auto zv = expand_variations(z);
  ASSERT_EQ(zv.size(), 3u);
  EXPECT_EQ(zv[2].label, "phases.profiling.requests=30, variables.n=3");
  EXPECT_EQ(zv[2].envelope.find("variables")->find_exact("n")->text, "3");

  auto s = load("scenarios.yaml", std::string(R"(sweep:
  type: scenarios
  runs:
    - name: long
      benchmark: {dataset: {prompts: {isl: 4096}}}
    - benchmark: {phases: [{name: profiling, rate: 3}]}
      values: {rate: 3}
)") + kBody);
  const auto sv = expand_variations(s);
  ASSERT_EQ(sv.size(), 2u);
  EXPECT_EQ(sv[0].dir_name, "long");
  EXPECT_EQ(sv[1].label, "scenario_1");
  EXPECT_EQ(sv[1].dir_name, "rate_3");
  const YamlNode& ds = sv[0].envelope.find("benchmark")->find("datasets")->items[0];
  EXPECT_EQ(ds.find("prompts")->find("isl")->text, "4096");
  const YamlNode& p = sv[1].envelope.find("benchmark")->find("phases")->items[1];
  EXPECT_EQ(p.find("rate")->text, "3");
  EXPECT_EQ(p.find("type")->text, "poisson");  // merged, not replaced

  auto m = load("magic.yaml", R"(benchmark:
  model: m
  phases: {type: concurrency, concurrency: [1, 4], requests: [10, 20]}
)");
  ASSERT_TRUE(m.study.sweep && m.study.sweep->from_magic_lists);
  const auto mv = expand_variations(m);
  ASSERT_EQ(mv.size(), 4u);
  EXPECT_EQ(mv[1].label, "phases.profiling.concurrency=1, phases.profiling.requests=20");
  EXPECT_EQ(mv[1].dir_name, "concurrency_1__requests_20");
  const auto single = expand_variations(load("single.yaml", kBody));
  ASSERT_EQ(single.size(), 1u);
  EXPECT_EQ(single[0].label, "base");
}

TEST(Expand, BadSweepsAreRefusedWithTheirLine) {
  auto err = [](const std::string& name, const std::string& text) -> std::string {
    try {
      expand_variations(load(name, text));
    } catch (const ConfigError& e) {
      return e.what();
    }
    return "";
  };
  EXPECT_NE(
      err("b1.yaml", "sweep:\n  parameters:\n    benchmark.phases.x: [1]\n" + std::string(kBody))
          .find("sweep.parameters.benchmark.phases.x: dimension path"),
      std::string::npos);
  EXPECT_NE(err("b2.yaml",
                "sweep:\n  type: zip\n  parameters:\n    rate: [1, 2]\n    "
                "requests: [1]\n" +
                    std::string(kBody))
                .find("must all have the same length"),
            std::string::npos);
  EXPECT_NE(err("b3.yaml", "sweep:\n  type: sobol\n" + std::string(kBody))
                .find("sweep.type: sobol sweeps are not supported"),
            std::string::npos);
  EXPECT_NE(
      err("b4.yaml", "sweep:\n  parameters:\n    phases.nothere.rate: [1]\n" + std::string(kBody))
          .find("no entry named 'nothere'"),
      std::string::npos);
  EXPECT_NE(err("b5.yaml", "multi_run: {num_runs: 11}\n" + std::string(kBody))
                .find("multi_run.num_runs: must be in 1..10 at"),
            std::string::npos);
  EXPECT_NE(err("b6.yaml", "multi_run: {confidence_level: 1.5}\n" + std::string(kBody))
                .find("multi_run.confidence_level: must be in (0, 1)"),
            std::string::npos);
}

TEST(Expand, StudySpecKeepsAIPerfsDefaults) {
  auto f = load("study.yaml", std::string(R"(multiRun:
  numRuns: 4
  convergence: {metric: time_to_first_token, mode: cv}
sweep:
  parameters: {concurrency: [1, 2]}
  sameSeed: true
  iterationOrder: independent
)") + kBody);
  EXPECT_TRUE(f.study.active());
  EXPECT_EQ(f.study.multi_run.num_runs, 4);
  EXPECT_EQ(f.study.multi_run.confidence_level, 0.95);
  EXPECT_TRUE(f.study.multi_run.set_consistent_seed);
  EXPECT_TRUE(f.study.multi_run.disable_warmup_after_first);
  ASSERT_TRUE(f.study.multi_run.convergence);
  EXPECT_EQ(f.study.multi_run.convergence->stat, "avg");
  EXPECT_EQ(f.study.multi_run.convergence->mode, "cv");
  ASSERT_TRUE(f.study.sweep);
  EXPECT_EQ(f.study.sweep->type, "grid");
  EXPECT_TRUE(f.study.sweep->same_seed);
  EXPECT_EQ(f.study.sweep->iteration_order, "independent");
  EXPECT_EQ(f.study.sweep->parameters.front().first, "phases.profiling.concurrency");
  EXPECT_FALSE(load("nostudy.yaml", kBody).study.active());
}

J render(const std::string& text, const J& vars = J::object()) {
  return render_jinja(text, [&](const std::string& name) -> std::optional<J> {
    if (vars.contains(name)) return vars[name];
    return std::nullopt;
  });
}

TEST(JinjaLite, PythonArithmeticAndTypes) {
  const J v = {{"a", 16}, {"b", 3}, {"s", "x"}, {"f", 2.5}};
  EXPECT_EQ(render("{{ a * b }}", v), 48);
  EXPECT_EQ(render("{{ a // b }}", v), 5);
  EXPECT_EQ(render("{{ -7 // 2 }}"), -4);  // floors, as Python
  EXPECT_EQ(render("{{ -7 % 3 }}"), 2);
  EXPECT_EQ(render("{{ a / 2 }}", v), 8.0);  // true division is a float
  EXPECT_EQ(jinja_str(render("{{ a / 2 }}", v)), "8.0");
  EXPECT_EQ(render("{{ (a + b) * 2 }}", v), 38);
  EXPECT_EQ(render("{{ 2 ** 10 }}"), 1024);
  EXPECT_EQ(render("{{ f * 2 }}", v), 5.0);
  EXPECT_EQ(render("n={{ a }} s={{ s ~ 'y' }}", v), "n=16 s=xy");
  EXPECT_EQ(render("{{ f | int }}", v), 2);
  EXPECT_EQ(render("{{ a | float }}", v), 16.0);
  EXPECT_EQ(render("{{ s | upper }}", v), "X");
  EXPECT_EQ(render("plain"), "plain");
}

TEST(JinjaLite, RefusesWhatItDoesNotKnow) {
  EXPECT_THROW(render("{{ nope }}"), std::invalid_argument);
  EXPECT_THROW(render("{{ 1 / 0 }}"), std::invalid_argument);
  EXPECT_THROW(render("{% if x %}y{% endif %}"), std::invalid_argument);
  EXPECT_THROW(render("{{ x | default(1) }}", {{"x", 1}}), std::invalid_argument);
  EXPECT_THROW(render("{{ x | unknownfilter }}", {{"x", 1}}), std::invalid_argument);
  EXPECT_THROW(render("{{ unclosed"), std::invalid_argument);
  EXPECT_THROW(render("{{ items[0] }}", {{"items", J::array({1})}}), std::invalid_argument);
}

TEST(YamlTree, LinesQuotingAndKeys) {
  const YamlNode n = parse_yaml("a:\n  bKey: \"8\"\n  c: 8\n  d: ~\n  e: [1, two]\n", "t.yaml");
  const YamlNode* a = n.find("a");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->find("b_key")->line, 2);
  EXPECT_TRUE(a->find("b_key")->quoted);
  EXPECT_FALSE(a->find("c")->quoted);
  EXPECT_TRUE(scalar_is_null(*a->find("d")));
  EXPECT_EQ(to_json(*a), J::parse(R"({"bKey": "8", "c": 8, "d": null, "e": [1, "two"]})"));
  EXPECT_EQ(to_snake("autoOffset"), "auto_offset");
  EXPECT_EQ(to_snake("max_isl"), "max_isl");
  // Emitting keeps a quoted number a string.
  const YamlNode back = parse_yaml(emit_yaml(n), "t2.yaml");
  EXPECT_EQ(to_json(back), to_json(n));
  try {
    parse_yaml("x: 1\ny: [\n", "bad.yaml");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("bad.yaml:"), std::string::npos);
  }
}

}  // namespace
}  // namespace aiperf::config
