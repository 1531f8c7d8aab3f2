// Shell completion and the man page are generated from the option table: every profile flag,
// every subcommand and every choice list must be in them, and each script must parse in its
// shell (checked when the shell is installed).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "aiperf/cli/command_table.h"
#include "aiperf/common/env.h"
#include "aiperf/config/cli_options.h"

namespace aiperf::cli {
namespace {

namespace fs = std::filesystem;

bool has_shell(const std::string& shell) {
  return std::system(("command -v " + shell + " >/dev/null 2>&1").c_str()) == 0;
}

std::string troff_name(const std::string& name) {
  std::string out;
  for (char c : name) out += c == '-' ? std::string("\\-") : std::string(1, c);
  return out;
}

TEST(Completion, EveryProfileFlagIsInEveryScript) {
  const std::string bash = completion_script("bash");
  const std::string zsh = completion_script("zsh");
  const std::string fish = completion_script("fish");
  for (const auto& name : config::profile_flag_names()) {
    const bool in_bash = bash.find(" " + name + " ") != std::string::npos ||
                         bash.find("\"" + name + " ") != std::string::npos ||
                         bash.find(" " + name + "\"") != std::string::npos;
    EXPECT_TRUE(in_bash) << "bash: " << name;
    EXPECT_NE(zsh.find(name), std::string::npos) << "zsh: " << name;
    std::string fish_form = name.rfind("--", 0) == 0 ? " -l " + name.substr(2)
                            : name.size() == 2       ? " -s " + name.substr(1)
                                                     : " -o " + name.substr(1);
    EXPECT_NE(fish.find(fish_form), std::string::npos) << "fish: " << name;
  }
  for (const auto& doc : config::profile_option_docs()) {
    for (const auto& c : doc.choices) {
      EXPECT_EQ(c.find(' '), std::string::npos) << doc.names.front() << " choice '" << c << "'";
      EXPECT_NE(bash.find(c), std::string::npos) << doc.names.front() << " " << c;
      EXPECT_NE(fish.find(c), std::string::npos) << doc.names.front() << " " << c;
    }
  }
  for (const auto& sub : command_tree().subcommands) {
    EXPECT_NE(bash.find(sub.name), std::string::npos) << sub.name;
    EXPECT_NE(zsh.find("_aiperf_" + sub.name), std::string::npos) << sub.name;
    EXPECT_NE(fish.find("-a " + sub.name), std::string::npos) << sub.name;
  }
  EXPECT_THROW(completion_script("tcsh"), std::invalid_argument);
}

TEST(Completion, ScriptsParseInTheirShells) {
  const fs::path dir = fs::path(::testing::TempDir()) / "aiperf_completion_test";
  fs::create_directories(dir);
  for (const std::string shell : {"bash", "zsh", "fish"}) {
    if (!has_shell(shell)) {
      std::printf("(%s not installed: syntax not checked)\n", shell.c_str());
      continue;
    }
    const fs::path p = dir / ("aiperf." + shell);
    std::ofstream(p) << completion_script(shell);
    EXPECT_EQ(std::system((shell + " -n " + p.string()).c_str()), 0) << shell;
  }
  if (has_shell("bash")) {
    // The bash function offers the endpoint types after --endpoint-type.
    const fs::path script = dir / "aiperf.bash";
    const fs::path t = dir / "probe.sh";
    std::ofstream(t)
        << "source " << script.string()
        << "\nCOMP_WORDS=(aiperf profile --endpoint-type '')\nCOMP_CWORD=3\n"
           "_aiperf\n[[ \"${COMPREPLY[*]}\" == \"chat cohere_rankings completions responses "
           "chat_embeddings embeddings hf_tei_rankings huggingface_generate "
           "image_generation video_generation nim_embeddings nim_rankings template "
           "messages kserve kserve_vllm triton_generate\" ]]\n";
    EXPECT_EQ(std::system(("bash " + t.string()).c_str()), 0);
  }
}

TEST(ManPage, HasEveryFlagAndEveryEnvironmentVariable) {
  const std::string man = man_page();
  EXPECT_EQ(man.rfind(".\\\"", 0), 0u);
  EXPECT_NE(man.find(".TH AIPERF 1"), std::string::npos);
  for (const auto& name : config::profile_flag_names()) {
    EXPECT_NE(man.find("\\fB" + troff_name(name) + "\\fR"), std::string::npos) << name;
  }
  for (const auto& v : env::table()) {
    EXPECT_NE(man.find(troff_name(v.name)), std::string::npos) << v.name;
  }
  if (has_shell("groff")) {
    const fs::path p = fs::path(::testing::TempDir()) / "aiperf.1";
    std::ofstream(p) << man;
    EXPECT_EQ(std::system(("groff -man -Tutf8 -z -Wbreak -wmac " + p.string() +
                           " 2>&1 | grep -q . && exit 1 || exit 0")
                              .c_str()),
              0);
  }
}

}  // namespace
}  // namespace aiperf::cli
