// The config-file sections without a flag: `plot:` (AIPerf's plot envelope, with --auto-plot /
// --no-auto-plot / --plot-required) and `artifacts.user_files` (rendered at run time), and
// emit_yaml_at_lines, which keeps a section's line numbers for the stage that parses it.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "aiperf/common/error.h"
#include "aiperf/config/cli_options.h"
#include "aiperf/config/config_file.h"
#include "aiperf/config/user_files.h"
#include "aiperf/config/yaml_tree.h"

namespace aiperf::config {
namespace {

namespace fs = std::filesystem;

fs::path test_dir() {
  const fs::path dir = fs::path(::testing::TempDir()) / "aiperf_config_sections_test";
  fs::create_directories(dir);
  return dir;
}

std::string write_file(const std::string& name, const std::string& text) {
  const fs::path p = test_dir() / name;
  fs::create_directories(p.parent_path());
  std::ofstream(p) << text;
  return p.string();
}

std::string read(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

Config parse(std::vector<std::string> args) {
  ParseEnv env;
  env.stdout_is_tty = false;
  return parse_profile_args(args, env);
}

std::string error_of(const std::vector<std::string>& args) {
  try {
    parse(args);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

const char* kBody = R"(benchmark:
  model: m
  endpoint: {url: "http://127.0.0.1:9/v1/chat/completions"}
  phases: {type: concurrency, requests: 3}
)";

const char* kPlot = R"(plot:
  visualization:
    single_run_defaults: [ttft_over_time]
    singleRunPlots:
      ttft_over_time:
        type: scatter
        x: request_number
        y: time_to_first_token
        useSliceDuration: false
    multi_run_defaults: []
)";

TEST(EmitYamlAtLines, KeepsEveryValueOnItsLine) {
  const std::string text = R"(# a comment
a:
  b: 1

  c: [x, y]
  d: {e: 2, f: 3}
  g:
    - 4
    - h: 5
      i: six
  jK: "quoted: yes"
)";
  const YamlNode root = parse_yaml(text, "t.yaml");
  const std::string out = emit_yaml_at_lines(root, {});
  const YamlNode again = parse_yaml(out, "out.yaml");
  const YamlNode& a = *again.find("a");
  EXPECT_EQ(a.find("b")->line, 3);
  EXPECT_EQ(a.find("c")->line, 5);
  EXPECT_EQ(a.find("d")->find("f")->line, 6);
  EXPECT_EQ(a.find("g")->items[0].line, 8);
  EXPECT_EQ(a.find("g")->items[1].find("i")->line, 10);
  EXPECT_EQ(to_json(again), to_json(parse_yaml(
                                R"({a: {b: 1, c: [x, y], d: {e: 2, f: 3}, g: [4, {h: 5, i: six}],
                                    j_k: "quoted: yes"}})",
                                "j")));
  // Names chosen by the user keep their spelling; the schema's keys become snake_case.
  const YamlNode plots = parse_yaml("single_run_plots:\n  myPlot: {yAxis: 1}\n", "p.yaml");
  EXPECT_EQ(emit_yaml_at_lines(plots, {"single_run_plots"}),
            "single_run_plots:\n  myPlot: {y_axis: 1}\n");
}

TEST(PlotSection, InlineTurnsThePlotsOnWithItsOwnLines) {
  const std::string f = write_file("inline.yaml", std::string(kBody) + kPlot);
  const Config c = parse({"-f", f});
  ASSERT_TRUE(c.plot_config_yaml);
  EXPECT_TRUE(c.generate_plots);
  EXPECT_EQ(c.plot_config_origin, f);
  // The preset's `type` sits on line 10 of the file, and on line 10 of the section's text.
  const YamlNode pc = parse_yaml(*c.plot_config_yaml, f);
  const YamlNode* preset =
      pc.find("visualization")->find_exact("single_run_plots")->find_exact("ttft_over_time");
  ASSERT_NE(preset, nullptr);
  EXPECT_EQ(preset->find_exact("type")->line, 10);
  EXPECT_NE(preset->find_exact("use_slice_duration"), nullptr);
  // Explicitly off: in the file, or on the command line over the file.
  const std::string off =
      write_file("off.yaml", std::string(kBody) + "  artifacts: {auto_plot: false}\n" + kPlot);
  EXPECT_FALSE(parse({"-f", off}).generate_plots);
  EXPECT_FALSE(parse({"-f", f, "--no-auto-plot"}).generate_plots);
  EXPECT_TRUE(parse({"-f", off, "--auto-plot"}).generate_plots);
  EXPECT_NE(error_of({"-m", "m", "--auto-plot", "--no-auto-plot"}).find("give one"),
            std::string::npos);
}

TEST(PlotSection, InlineExpressionsAreRenderedOnTheirLines) {
  const std::string f = write_file("jinja-plot.yaml", std::string(kBody) + R"Y(variables:
  metric: time_to_first_token
plot:
  visualization:
    single_run_defaults: [by_var]
    single_run_plots:
      by_var:
        type: scatter
        x: request_number
        y: "{{ metric }}"
        title: "{{ metric | upper }} ({{ variables.metric }})"
)Y");
  const Config c = parse({"-f", f});
  ASSERT_TRUE(c.plot_config_yaml);
  const YamlNode pc = parse_yaml(*c.plot_config_yaml, f);
  const YamlNode* p =
      pc.find("visualization")->find_exact("single_run_plots")->find_exact("by_var");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->find_exact("y")->text, "time_to_first_token");
  EXPECT_EQ(p->find_exact("y")->line, 14);
  EXPECT_EQ(p->find_exact("title")->text, "TIME_TO_FIRST_TOKEN (time_to_first_token)");
  // An undefined name is one line naming the key and the file's line.
  const std::string bad = write_file("jinja-plot-bad.yaml", std::string(kBody) + R"(plot:
  visualization:
    single_run_plots:
      a: {type: scatter, x: request_number, y: "{{ nope }}"}
)");
  const std::string err = error_of({"-f", bad});
  EXPECT_NE(err.find("plot.visualization.single_run_plots.a.y"), std::string::npos) << err;
  EXPECT_NE(err.find(":8"), std::string::npos) << err;
}

TEST(PlotSection, APathIsReadRelativeToTheConfigFile) {
  write_file(
      "plots/p.yaml",
      "visualization:\n  singleRunDefaults: [a]\n  single_run_plots:\n    a: {type: scatter, "
      "x: request_number, y: time_to_first_token}\n");
  const std::string f = write_file("bypath.yaml", std::string(kBody) + "plot: plots/p.yaml\n");
  const Config c = parse({"-f", f});
  ASSERT_TRUE(c.plot_config_yaml);
  EXPECT_EQ(fs::path(c.plot_config_origin).filename(), "p.yaml");
  EXPECT_NE(c.plot_config_yaml->find("single_run_defaults"), std::string::npos);
  const std::string missing = write_file("missing.yaml", std::string(kBody) + "plot: nope.yaml\n");
  const std::string err = error_of({"-f", missing});
  EXPECT_NE(err.find("plot: cannot read the plot configuration"), std::string::npos) << err;
  EXPECT_NE(err.find("missing.yaml:5"), std::string::npos) << err;
}

TEST(PlotSection, PlotRequiredNeedsPlots) {
  EXPECT_NE(error_of({"-m", "m", "--plot-required"}).find("--plot-required: no plots are drawn"),
            std::string::npos);
  EXPECT_TRUE(parse({"-m", "m", "--auto-plot", "--plot-required"}).plot_required);
  EXPECT_TRUE(parse({"-m", "m", "--generate-plots"}).generate_plots);  // GenAI-Perf's spelling
  const std::string f = write_file(
      "required.yaml", std::string(kBody) + "  artifacts: {plot_required: true}\n" + kPlot);
  EXPECT_TRUE(parse({"-f", f}).plot_required);
  const std::string bad =
      write_file("required_off.yaml", std::string(kBody) + "  artifacts: {plot_required: true}\n");
  EXPECT_NE(error_of({"-f", bad}).find("plot_required"), std::string::npos);
}

const char* kUserFiles = R"(variables: {label: dense, gpus: 4, total: "{{ gpus * 8 }}"}
benchmark:
  model: m
  endpoint: {url: "http://127.0.0.1:9/v1/chat/completions"}
  phases: {type: concurrency, concurrency: "{{ total }}", requests: 3}
  artifacts:
    user_files:
      - path: meta/info.json
        content: {label: "{{ label }}", total: "{{ total }}", n: "{{ gpus }}", lit: "42",
                  run: "{{ job_name }}", at: "{{ epoch }}", model: "{{ model }}"}
      - path: notes.yaml
        format: yaml
        content: {tags: ["{{ label }}", "gpus={{ gpus }}"], url: "{{ endpoint_url }}"}
      - path: README.md
        content: "# {{ label }} in {{ artifact_dir }}\n"
)";

TEST(UserFiles, AreRenderedAtRunTimeWithTheVariablesAndTheRunsNames) {
  const std::string f = write_file("uf.yaml", kUserFiles);
  const Config c = parse({"-f", f});
  EXPECT_EQ(c.concurrency, 32);
  ASSERT_FALSE(c.user_files_json.empty());
  // Kept unrendered until the run: the run-time names are not known when the file is read.
  EXPECT_NE(c.user_files_json.find("{{ job_name }}"), std::string::npos);
  const fs::path dir = test_dir() / "run_a";
  fs::remove_all(dir);
  fs::create_directories(dir);
  const auto warnings = write_user_files(c, {"1700000000", "run_a", dir.string()});
  EXPECT_TRUE(warnings.empty());
  const auto info = nlohmann::json::parse(read(dir / "meta/info.json"));
  EXPECT_EQ(info["label"], "dense");
  EXPECT_EQ(info["total"], 32);  // rendered and typed, as AIPerf coerces
  EXPECT_EQ(info["n"], 4);
  EXPECT_EQ(info["lit"], "42");  // a literal without {{ }} stays a string
  EXPECT_EQ(info["run"], "run_a");
  EXPECT_EQ(info["at"], 1700000000);
  EXPECT_EQ(info["model"], "m");
  const YamlNode notes = parse_yaml(read(dir / "notes.yaml"), "notes.yaml");
  EXPECT_EQ(notes.find("tags")->items[1].text, "gpus=4");
  EXPECT_EQ(notes.find("url")->text, "http://127.0.0.1:9/v1/chat/completions");
  EXPECT_EQ(read(dir / "README.md"), "# dense in " + dir.string() + "\n");
}

TEST(UserFiles, BadEntriesAreOneLineErrorsAtTheirKey) {
  const auto err_for = [](const std::string& name, const std::string& entry) {
    return error_of(
        {"-f", write_file(name, std::string(kBody) + "  artifacts:\n    user_files:\n      - " +
                                    entry + "\n")});
  };
  EXPECT_NE(err_for("abs.yaml", "{path: /etc/x, content: a}").find("is absolute"),
            std::string::npos);
  EXPECT_NE(err_for("dots.yaml", "{path: a/../../x, content: a}").find("'..'"), std::string::npos);
  const std::string json = err_for("json.yaml", "{path: a, format: json, content: text}");
  EXPECT_NE(json.find("benchmark.artifacts.user_files[0].content: format json needs structured"),
            std::string::npos)
      << json;
  EXPECT_NE(json.find("json.yaml:7"), std::string::npos) << json;
  EXPECT_NE(err_for("text.yaml", "{path: a, format: text, content: {k: v}}").find("string"),
            std::string::npos);
  EXPECT_NE(err_for("nopath.yaml", "{content: a}").find("'path' is required"), std::string::npos);
  EXPECT_NE(err_for("fmt.yaml", "{path: a, format: toml, content: a}").find("format"),
            std::string::npos);
  // An undefined name shows at run time, naming the file and what is defined.
  const Config c =
      parse({"-f", write_file("undef.yaml", std::string(kBody) +
                                                "  artifacts:\n    user_files:\n      "
                                                "- {path: a.txt, content: \"{{ nope }}\"}\n")});
  const fs::path dir = test_dir() / "run_b";
  fs::create_directories(dir);
  try {
    write_user_files(c, {"1", "run_b", dir.string()});
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("artifacts.user_files[0] (a.txt)"), std::string::npos) << m;
    EXPECT_NE(m.find("job_name"), std::string::npos) << m;
  }
}

TEST(UserFiles, TheEffectiveConfigWritesThemBackWithTheirVariables) {
  const Config c = parse({"-f", write_file("uf2.yaml", std::string(kUserFiles) + kPlot)});
  const std::string eff = effective_config_yaml(c, 7);
  const Config again = parse({"-f", write_file("uf2_effective.yaml", eff)});
  EXPECT_EQ(nlohmann::json::parse(again.user_files_json), nlohmann::json::parse(c.user_files_json));
  EXPECT_EQ(nlohmann::json::parse(again.config_variables_json)["total"], 32);
  ASSERT_TRUE(again.plot_config_yaml);
  EXPECT_EQ(to_json(parse_yaml(*again.plot_config_yaml, "a")),
            to_json(parse_yaml(*c.plot_config_yaml, "b")));
  EXPECT_TRUE(again.generate_plots);
}

}  // namespace
}  // namespace aiperf::config
