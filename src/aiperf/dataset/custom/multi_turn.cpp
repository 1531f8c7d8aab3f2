// multi_turn records (spec §4.5): {"session_id"?: str, "turns": [turn, ...]} per JSONL line.
#include "aiperf/dataset/custom/json_util.h"
#include "aiperf/dataset/custom/records.h"

namespace aiperf::dataset::custom {

void parse_multi_turn_line(std::string_view line, const SourcePos& pos, MultiTurnRecord& out,
                           std::map<std::string, int64_t>* unknown) {
  out.session_id.reset();
  out.turns.clear();
  dom::object obj = parse_object(line, pos, "a multi_turn conversation");
  bool have_turns = false;
  std::vector<std::string> turn_texts;
  for (auto [key, value] : obj) {
    if (key == "session_id") {
      if (!value.is_null()) out.session_id = str_of(value, pos, "session_id");
    } else if (key == "turns") {
      dom::array arr;
      if (value.get_array().get(arr)) {
        fail(pos, "turns", "expected a list of turn objects (got " + describe(value) + ")");
      }
      have_turns = true;
      for (dom::element t : arr) turn_texts.push_back(raw_of(t));
    } else if (unknown) {
      ++(*unknown)[std::string(key)];
    }
  }
  if (!have_turns) fail(pos, "turns", "missing (expected a list of at least one turn)");
  if (turn_texts.empty()) fail(pos, "turns", "expected at least one turn (got an empty list)");
  out.turns.resize(turn_texts.size());
  for (size_t i = 0; i < turn_texts.size(); ++i) {
    // Nested parse: the outer document's strings are no longer needed (copied above).
    parse_turn_object(turn_texts[i], pos, TurnShape::kMultiTurnTurn, out.turns[i], unknown);
  }
}

}  // namespace aiperf::dataset::custom
