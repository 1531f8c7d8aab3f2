// `aiperf tokenize`: count or list the tokens of a text (or of each line of a JSONL file).
#pragma once

namespace aiperf::cli {

/// argv[0] is "tokenize". Prints the count, or with --ids the ids; with --input-file F.jsonl
/// (lines {"text": ...}) one line {"count": N, "ids": [...]} per input line. Returns the exit
/// code: 0 ok, 2 usage or input error (one line on stderr).
int run_tokenize(int argc, char** argv);

}  // namespace aiperf::cli
