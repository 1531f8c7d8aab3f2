// --input-file datasets (spec §4.5): the record parsers' output becomes conversations; trace
// prompts are rebuilt (hash_ids blocks or corpus text of the given length); then the common
// rules: --osl fallback, models, delay cap, fixed-schedule offsets (spec §3.6), synthesis
// (spec §8.4). Every left-out record is counted in Dataset::warnings.
#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <set>
#include <unordered_map>

#include "aiperf/common/env.h"
#include "aiperf/common/error.h"
#include "aiperf/config/speed_bench.h"
#include "aiperf/config/workload.h"
#include "aiperf/dataset/custom/hash_prompts.h"
#include "aiperf/dataset/custom/parallel.h"
#include "aiperf/dataset/custom/records.h"
#include "aiperf/dataset/custom/synthesis.h"
#include "aiperf/dataset/custom/trace_columns.h"
#include "aiperf/dataset/media/media.h"

namespace aiperf::dataset {

using namespace custom;

namespace {

std::string generated_session_id(const RngManager& rngs, size_t index) {
  if (!rngs.seeded()) return random_uuid4();
  char buf[32];
  std::snprintf(buf, sizeof buf, "session_%06zu", index);
  return buf;
}

/// MemAvailable of /proc/meminfo in bytes, or -1 when unknown.
double available_memory_bytes() {
  if (env::raw("AIPERF_MEMORY_LIMIT_BYTES")) return env::number("AIPERF_MEMORY_LIMIT_BYTES", -1);
  std::FILE* f = std::fopen("/proc/meminfo", "r");
  if (!f) return -1;
  char line[256];
  double kb = -1;
  while (std::fgets(line, sizeof line, f)) {
    if (std::sscanf(line, "MemAvailable: %lf kB", &kb) == 1) break;
  }
  std::fclose(f);
  return kb < 0 ? -1 : kb * 1024.0;
}

int64_t ms(double v) {
  return int64_t(std::llround(v));
}

struct Loader {
  const config::Config& cfg;
  const tokenizer::Tokenizer& tok;
  const RngManager& rngs;
  const std::string path;
  PromptGenerator gen;
  Rng max_tokens_rng;
  Rng model_rng;
  uint64_t turn_counter = 0;
  std::map<std::string, int64_t> unknown;
  int64_t zero_output = 0;
  Dataset ds;

  Loader(const config::Config& c, const tokenizer::Tokenizer& t, const RngManager& r)
      : cfg(c),
        tok(t),
        rngs(r),
        path(*c.input_file),
        gen(t, r.derive("dataset.prompt.corpus")),
        max_tokens_rng(r.derive("composer.turn.max_tokens")),
        model_rng(r.derive("composer.turn.model_selection")) {}

  bool replaying() const { return cfg.timing_mode == config::TimingMode::kFixedSchedule; }

  void warn_skipped(int64_t n, const std::string& why) {
    if (n <= 0) return;
    ds.skipped_records += n;
    ds.warnings.push_back(path + ": " + std::to_string(n) + " record(s) left out: " + why);
  }

  /// Text from text items, token count, max tokens, model.
  void finish_turn(Turn& t, std::optional<int64_t> output_length, bool count_tokens = true) {
    if (t.text.empty() && !t.texts.empty()) {
      if (t.texts.size() == 1) {
        t.text = std::move(t.texts[0]);
        t.texts.clear();
      } else {
        for (size_t i = 0; i < t.texts.size(); ++i) {
          if (i) t.text += ' ';
          t.text += t.texts[i];
        }
      }
    }
    if (count_tokens) t.input_tokens = int64_t(tok.count(t.text));
    if (output_length && *output_length > 0) {
      t.max_tokens = *output_length;
    } else {
      if (output_length) ++zero_output;
      if (cfg.osl_mean) {
        t.max_tokens = cfg.sample_osl(max_tokens_rng);
      }
    }
    t.model = pick_model(cfg, model_rng, turn_counter++);
  }

  Turn turn_from(TurnRecord& r) {
    Turn t;
    if (!r.role.empty()) t.role = r.role;
    t.texts = std::move(r.texts);
    t.text_names = std::move(r.text_names);
    t.media = std::move(r.media);
    for (MediaItem& m : t.media) media::inline_media_file(m);  // local paths -> base64
    t.extra_json = std::move(r.extra_json);
    if (r.timestamp_ms) t.timestamp_ms = ms(*r.timestamp_ms);
    if (r.delay_ms) t.delay_ms = ms(*r.delay_ms);
    finish_turn(t, r.output_length);
    return t;
  }

  Conversation& conversation_for(const std::optional<std::string>& sid,
                                 std::unordered_map<std::string, size_t>& index) {
    if (sid) {
      auto [it, fresh] = index.try_emplace(*sid, ds.conversations.size());
      if (!fresh) return ds.conversations[it->second];
    }
    ds.conversations.emplace_back();
    Conversation& c = ds.conversations.back();
    c.session_id = sid ? *sid : generated_session_id(rngs, ds.conversations.size() - 1);
    return c;
  }

  /// Later turns of a conversation may not go back in time.
  static void check_order(const Conversation& c, const Turn& t, const SourcePos& pos) {
    for (auto it = c.turns.rbegin(); it != c.turns.rend(); ++it) {
      if (it->timestamp_ms && t.timestamp_ms && *t.timestamp_ms < *it->timestamp_ms) {
        fail(pos, "timestamp",
             "expected a time >= the previous turn's of session '" + c.session_id + "' (" +
                 std::to_string(*it->timestamp_ms) + " ms; got " + std::to_string(*t.timestamp_ms) +
                 " ms)");
      }
      if (it->timestamp_ms) break;
    }
  }

  void load_single_turn() {
    std::unordered_map<std::string, size_t> index;
    TurnRecord r;
    for_each_line(path, [&](std::string_view line, const SourcePos& pos) {
      parse_turn_object(line, pos, TurnShape::kSingleTurn, r, &unknown);
      std::optional<std::string> sid = r.session_id;
      Conversation& c = conversation_for(sid, index);
      c.accumulate_history = false;  // AIPerf: message_array_with_responses
      Turn t = turn_from(r);
      check_order(c, t, pos);
      c.turns.push_back(std::move(t));
    });
  }

  void load_multi_turn() {
    std::unordered_map<std::string, size_t> index;
    MultiTurnRecord rec;
    for_each_line(path, [&](std::string_view line, const SourcePos& pos) {
      parse_multi_turn_line(line, pos, rec, &unknown);
      Conversation& c = conversation_for(rec.session_id, index);
      for (size_t i = 0; i < rec.turns.size(); ++i) {
        TurnRecord& tr = rec.turns[i];
        // A leading text-only system turn becomes the system message.
        if (i == 0 && c.turns.empty() && !c.system_message && tr.role == "system" &&
            tr.media.empty() && !tr.texts.empty()) {
          std::string sys;
          for (size_t k = 0; k < tr.texts.size(); ++k) {
            if (k) sys += ' ';
            sys += tr.texts[k];
          }
          c.system_message = std::move(sys);
          continue;
        }
        Turn t = turn_from(tr);
        check_order(c, t, pos);
        c.turns.push_back(std::move(t));
      }
    });
    std::erase_if(ds.conversations, [&](const Conversation& c) {
      if (!c.turns.empty()) return false;
      throw InputError(path + ": session '" + c.session_id +
                       "' has only a system turn; add at least one user turn");
    });
  }

  /// SPEED-Bench: one session per row (question_id), one turn per message, in order; a leading
  /// system message stays a turn (AIPerf does not hoist it for fixed benchmarks). A category
  /// format keeps the rows of its category only.
  void load_speed_bench() {
    const config::SpeedBenchFormat* f = config::find_speed_bench_format(cfg.speed_bench_format);
    const std::string category = f ? f->category : "";
    std::unordered_map<std::string, size_t> index;
    std::set<std::string> others;
    int64_t left_out = 0;
    SpeedBenchRow row;
    for_each_line(path, [&](std::string_view line, const SourcePos& pos) {
      parse_speed_bench_line(line, pos, row, &unknown);
      if (!category.empty() && row.category != category) {
        others.insert(row.category);
        ++left_out;
        return;
      }
      Conversation& c = conversation_for(row.question_id, index);
      for (SpeedBenchRow::Message& m : row.messages) {
        Turn t;
        t.role = std::move(m.role);
        t.text = std::move(m.content);
        finish_turn(t, std::nullopt);
        c.turns.push_back(std::move(t));
      }
    });
    if (!category.empty() && ds.conversations.empty() && left_out > 0) {
      std::string cats;
      for (const std::string& o : others) cats += (cats.empty() ? "" : ", ") + o;
      throw InputError(path + ": no row has category '" + category + "' (what " +
                       cfg.speed_bench_format + " keeps); the file's categories are: " + cats +
                       "; pick the speed_bench format of one of them, or speed_bench_qualitative "
                       "for all rows");
    }
    warn_skipped(left_out,
                 "category other than '" + category + "' (" + cfg.speed_bench_format + ")");
  }

  void load_random_pool() {
    Rng rng = rngs.derive("dataset.loader.random_pool");
    ds.conversations = build_random_pool(path, cfg.num_dataset_entries, rng, &unknown);
    for (size_t i = 0; i < ds.conversations.size(); ++i) {
      auto& c = ds.conversations[i];
      c.session_id = generated_session_id(rngs, i);
      for (auto& t : c.turns) finish_turn(t, std::nullopt);
    }
    ds.preferred_sampling = config::SamplingStrategy::kShuffle;
  }

  /// Shared by the traces: for replay (fixed schedule) timestamps in file order must not
  /// decrease. Other modes only use the rows' lengths, so order does not matter there (AIPerf's
  /// own mooncake example file mixes them).
  struct OrderCheck {
    bool enabled = true;
    std::optional<double> last;
    void operator()(const TraceRow& r, const SourcePos& pos) {
      if (!enabled || !r.timestamp_ms) return;
      if (last && *r.timestamp_ms < *last) {
        fail(pos, "timestamp",
             "expected timestamps in non-decreasing order (got " + num_text(*r.timestamp_ms) +
                 " ms after " + num_text(*last) + " ms)");
      }
      last = r.timestamp_ms;
    }
  };

  /// Drops rows over --synthesis-max-isl (counted), then rewrites them (spec §8.4).
  void filter_and_synthesize(std::vector<TraceRow>& rows, int64_t block) {
    if (cfg.synthesis_max_isl) {
      const int64_t max_isl = *cfg.synthesis_max_isl;
      size_t before = rows.size();
      std::erase_if(rows,
                    [&](const TraceRow& r) { return r.input_length && *r.input_length > max_isl; });
      warn_skipped(int64_t(before - rows.size()),
                   "input_length above --synthesis-max-isl " + std::to_string(max_isl));
    }
    Rng rng = rngs.derive("dataset.synthesis.synthesizer");
    synthesize(rows, block, SynthesisParams::from(cfg), rng);
  }

  /// Turns trace rows into conversations one at a time (the block cache and the session index
  /// live here), so traces without synthesis never hold more than one parsed row.
  struct RowSink {
    std::unordered_map<std::string, size_t> index;
    std::unordered_map<size_t, bool> raw_kind;  // conversation -> has raw rows
    bool by_chat = false;
  };

  /// A trace prompt built after the whole file is read: hash-id blocks are generated on
  /// several threads, corpus prompts from a start drawn in file order.
  struct PromptJob {
    size_t conv = 0, turn = 0;
    int64_t start = 0;
    int64_t input_length = 0;
    int64_t line = 0;
    std::vector<int64_t> ids;
  };
  std::unique_ptr<HashPromptBuilder> hashes;
  std::vector<PromptJob> prompt_jobs;

  RowSink make_sink(int64_t block, bool by_chat) {
    if (!hashes) {
      hashes = std::make_unique<HashPromptBuilder>(
          tok, gen, rngs.derive_seed("dataset.prompt.hash_block"), block);
    }
    return RowSink{{}, {}, by_chat};
  }

  /// A trace whose prompts cannot fit in memory fails now, with the way out, instead of
  /// thrashing for minutes (a multi-million-row trace replayed whole needs tens of GB of text).
  /// Called as rows are added (fails at the first row that crosses the budget) and once more
  /// before the prompts are built.
  void guard_prompt_memory() {
    if (avail_bytes == 0) avail_bytes = available_memory_bytes();
    double tokens = 0;
    for (const PromptJob& j : prompt_jobs) tokens += double(j.input_length);
    // About 4 bytes of text per token, held twice (the turn's text and its rendered body).
    const double need = tokens * 4.0 * 2.0;
    const double avail = avail_bytes;
    if (avail > 0 && need > 0.8 * avail) {
      char buf[256];
      std::snprintf(buf, sizeof buf,
                    ": the prompts to build (%zu rows so far) hold at least %.0f million tokens "
                    "(about %.1f GB of text and bodies) but %.1f GB of memory is available; "
                    "replay a window of the "
                    "trace with --fixed-schedule-start-offset/--fixed-schedule-end-offset or "
                    "split the file",
                    prompt_jobs.size(), tokens / 1e6, need / 1e9, avail / 1e9);
      throw InputError(path + buf);
    }
  }

  /// Builds the prompt texts of the rows that are left after schedule_rules(): a replay of a
  /// window of a huge trace builds only that window's prompts and hash blocks.
  void finish_prompts() {
    if (prompt_jobs.empty()) return;
    guard_prompt_memory();
    for (const PromptJob& j : prompt_jobs) {
      if (!j.ids.empty()) hashes->plan(j.ids, j.input_length, SourcePos{path, j.line});
    }
    if (hashes) hashes->generate_pending();
    parallel_for(prompt_jobs.size(), [&](size_t i) {
      const PromptJob& j = prompt_jobs[i];
      Turn& t = ds.conversations[j.conv].turns[j.turn];
      Prompt p = j.ids.empty() ? gen.generate_at(j.start, j.input_length)
                               : hashes->assemble(j.ids, j.input_length);
      t.text = std::move(p.text);
      t.input_tokens = p.tokens;
    });
    prompt_jobs.clear();
  }

  /// A session-less trace row outside the fixed-schedule window is left out before it becomes
  /// a conversation (its own conversation would be dropped by schedule_rules() anyway), so a
  /// window of a multi-million-row trace costs memory for the window only.
  bool outside_window(const RowSink& sink, const TraceRow& r) {
    if (cfg.timing_mode != config::TimingMode::kFixedSchedule || sink.by_chat || r.session_id ||
        !r.timestamp_ms) {
      return false;
    }
    const auto lo = cfg.fixed_schedule_start_offset_ms;
    const auto hi = cfg.fixed_schedule_end_offset_ms;
    const int64_t ts = ms(*r.timestamp_ms);
    if (!((lo && ts < *lo) || (hi && ts > *hi))) return false;
    if (r.input_length && !r.hash_ids.empty()) {
      hashes->check(r.hash_ids, *r.input_length, SourcePos{path, r.line});
    }
    ++window_skipped;
    return true;
  }
  int64_t window_skipped = 0;
  double avail_bytes = 0;     // memory available for prompts (0: not read yet, < 0: unknown)
  double tokens_planned = 0;  // input tokens of prompt_jobs so far

  // ---- plain trace rows kept as columns (trace_columns.h) ----------------------------------
  std::unique_ptr<TraceColumns> columns;

  /// Mooncake and BurstGPT rows start as columns when the run can render them just in time;
  /// the first row that is not plain turns them into held conversations (flush_columns()).
  void start_columns(int64_t block) {
    if (cfg.timing_mode == config::TimingMode::kUserCentric) return;
    columns = std::make_unique<TraceColumns>(tok, rngs, block, cfg.models);
  }

  bool plain_row(const RowSink& sink, const TraceRow& r) const {
    constexpr int64_t kMax = INT32_MAX;
    return columns && !sink.by_chat && !r.session_id && r.input_length && *r.input_length > 0 &&
           *r.input_length <= kMax && r.text_input.empty() && r.messages_json.empty() &&
           r.payload_json.empty() && r.extra_json.empty() && !r.delay_ms &&
           (!replaying() || r.timestamp_ms) && (!r.output_length || *r.output_length <= kMax) &&
           TraceColumns::ids_fit(r.hash_ids);
  }

  /// The same draws, in the same order, as add_row() makes for the row (corpus start, max
  /// tokens, model), kept as numbers.
  void add_plain(TraceRow& r) {
    const SourcePos pos{path, r.line};
    TraceColumns::Row row;
    if (r.timestamp_ms) row.timestamp_ms = ms(*r.timestamp_ms);
    row.input_length = *r.input_length;
    if (!r.hash_ids.empty()) {
      hashes->check(r.hash_ids, *r.input_length, pos);
      row.ids = &r.hash_ids;
    } else {
      row.corpus_start = gen.draw_start();
    }
    Turn t;
    finish_turn(t, r.output_length, false);
    if (t.max_tokens && *t.max_tokens > INT32_MAX) t.max_tokens = INT32_MAX;
    row.max_tokens = t.max_tokens;
    row.model = t.model;
    columns->add(row);
  }

  /// The column rows become held conversations with their pending prompt jobs, as add_row()
  /// would have made them.
  void flush_columns() {
    if (!columns) return;
    std::unique_ptr<TraceColumns> cols = std::move(columns);
    for (size_t i = 0; i < cols->size(); ++i) {
      ds.conversations.push_back(cols->shell(i));
      PromptJob job;
      job.conv = ds.conversations.size() - 1;
      job.turn = 0;
      job.input_length = ds.conversations.back().turns[0].input_tokens;
      job.ids = cols->ids(i);
      if (job.ids.empty()) job.start = cols->corpus_start(i);
      tokens_planned += double(job.input_length);
      prompt_jobs.push_back(std::move(job));
    }
    if (avail_bytes == 0) avail_bytes = available_memory_bytes();
    guard_prompt_memory();
  }

  /// At the end of the file: columns of a large trace stay columns (the run renders them just
  /// in time), a small one is held as before.
  void finish_columns() {
    if (!columns) return;
    bool keep = columns->total_input_tokens() * 9.0 > 64e6;
    if (const char* env = std::getenv("AIPERF_JIT_MIN_ENTRIES")) {
      keep = double(columns->size()) >= std::atof(env);
    }
    // The context prompts (add_context_prompts) go on held conversations.
    if (cfg.shared_system_prompt_length || cfg.user_context_prompt_length) keep = false;
    if (!keep || columns->size() == 0) {
      flush_columns();
      return;
    }
    columns->finish();
    ds.source = std::shared_ptr<const ConversationSource>(std::move(columns));
  }

  void add_row(RowSink& sink, TraceRow& r) {
    if (outside_window(sink, r)) return;
    if (columns) {
      if (plain_row(sink, r)) {
        add_plain(r);
        return;
      }
      flush_columns();
    }
    const SourcePos pos{path, r.line};
    std::optional<std::string> sid = r.session_id;
    if (sink.by_chat) sid = std::to_string(r.chat_id);  // root id, set by the bailian grouping
    Conversation& c = conversation_for(sid, sink.index);
    const size_t ci = size_t(&c - ds.conversations.data());
    const bool raw = !r.messages_json.empty() || !r.payload_json.empty();
    auto [it, fresh] = sink.raw_kind.try_emplace(ci, raw);
    if (!fresh && it->second != raw) {
      fail(pos, raw ? "messages" : "input_length",
           "session '" + c.session_id +
               "' mixes messages/payload rows with input_length/text_input rows; use one "
               "kind per session");
    }
    Turn t;
    if (r.timestamp_ms) t.timestamp_ms = ms(*r.timestamp_ms);
    if (r.delay_ms) t.delay_ms = ms(*r.delay_ms);
    t.extra_json = std::move(r.extra_json);
    bool counted = false;
    if (r.input_length) {  // text later, in finish_prompts()
      PromptJob job;
      job.conv = ci;
      job.turn = c.turns.size();
      job.input_length = *r.input_length;
      if (!r.hash_ids.empty()) {
        hashes->check(r.hash_ids, *r.input_length, pos);
        job.ids = r.hash_ids;
        job.line = r.line;
      } else {
        job.start = gen.draw_start();
      }
      prompt_jobs.push_back(std::move(job));
      tokens_planned += double(*r.input_length);
      if (avail_bytes == 0) avail_bytes = available_memory_bytes();
      if (avail_bytes > 0 && tokens_planned * 8.0 > 0.8 * avail_bytes) guard_prompt_memory();
      t.input_tokens = *r.input_length;
      counted = true;
    } else if (!r.text_input.empty()) {
      t.text = std::move(r.text_input);
    } else if (!r.messages_json.empty()) {
      // ISL: the text AIPerf tokenizes from the body it sends (payload_text.cpp), counted later
      // on all cores.
      t.text = payload_input_text("{\"messages\":" + r.messages_json + "}");
      count_jobs.emplace_back(ci, c.turns.size());
      counted = true;
      t.messages_json = std::move(r.messages_json);
      t.tools_json = std::move(r.tools_json);
      c.accumulate_history = r.message_mode_delta;
    } else if (!r.payload_json.empty()) {
      t.text = payload_input_text(r.payload_json);
      count_jobs.emplace_back(ci, c.turns.size());
      counted = true;
      t.payload_json = std::move(r.payload_json);
      c.accumulate_history = false;
    }
    if (sink.by_chat) c.accumulate_history = false;  // bailian rows carry their whole history
    finish_turn(t, r.output_length, !counted);
    check_order(c, t, pos);
    c.turns.push_back(std::move(t));
  }

  void rows_to_conversations(std::vector<TraceRow>& rows, int64_t block, bool by_chat) {
    RowSink sink = make_sink(block, by_chat);
    for (auto& r : rows) add_row(sink, r);
  }

  /// --synthesis-max-isl / --synthesis-max-osl for the streaming path (no rewrite active).
  /// Returns false when the row is left out.
  bool cap_row(TraceRow& r, int64_t& over_isl) {
    if (cfg.synthesis_max_isl && r.input_length && *r.input_length > *cfg.synthesis_max_isl) {
      ++over_isl;
      return false;
    }
    if (cfg.synthesis_max_osl && r.output_length && *r.output_length > *cfg.synthesis_max_osl) {
      r.output_length = *cfg.synthesis_max_osl;
    }
    return true;
  }

  void warn_over_isl(int64_t n) {
    if (cfg.synthesis_max_isl) {
      warn_skipped(
          n, "input_length above --synthesis-max-isl " + std::to_string(*cfg.synthesis_max_isl));
    }
  }

  void load_mooncake() {
    const int64_t block = cfg.isl_block_size.value_or(512);
    TraceRow row;
    OrderCheck order{replaying(), std::nullopt};
    if (!SynthesisParams::from(cfg).active()) {  // stream: one parsed row at a time
      RowSink sink = make_sink(block, false);
      start_columns(block);
      int64_t over = 0;
      for_each_line(path, [&](std::string_view line, const SourcePos& pos) {
        parse_mooncake_line(line, pos, row, &unknown);
        order(row, pos);
        if (cap_row(row, over)) add_row(sink, row);
      });
      warn_over_isl(over);
      return;
    }
    std::vector<TraceRow> rows;  // the rewrite needs every row's hash ids
    for_each_line(path, [&](std::string_view line, const SourcePos& pos) {
      parse_mooncake_line(line, pos, row, &unknown);
      order(row, pos);
      rows.push_back(row);
    });
    filter_and_synthesize(rows, block);
    rows_to_conversations(rows, block, false);
  }

  void load_bailian() {
    std::vector<TraceRow> rows;
    TraceRow row;
    OrderCheck order{replaying(), std::nullopt};
    std::unordered_map<int64_t, int64_t> parent;
    for_each_line(path, [&](std::string_view line, const SourcePos& pos) {
      parse_bailian_line(line, pos, row, &unknown);
      order(row, pos);
      if (!parent.emplace(row.chat_id, row.parent_chat_id).second) {
        fail(pos, "chat_id", "duplicate chat_id " + std::to_string(row.chat_id));
      }
      rows.push_back(row);
    });
    // Session = root of the parent chain (cycle-safe: stop at a repeat or an unknown parent).
    for (auto& r : rows) {
      int64_t cur = r.chat_id;
      for (size_t steps = 0; steps <= parent.size(); ++steps) {
        auto it = parent.find(cur);
        if (it == parent.end() || it->second < 0 || it->second == cur ||
            !parent.count(it->second)) {
          break;
        }
        cur = it->second;
      }
      r.chat_id = cur;  // now the root id
    }
    // Turns of a session in `turn` order (stable: file order among equal turns).
    std::unordered_map<int64_t, size_t> first_seen;
    for (size_t i = 0; i < rows.size(); ++i) first_seen.try_emplace(rows[i].chat_id, i);
    std::stable_sort(rows.begin(), rows.end(), [&](const TraceRow& a, const TraceRow& b) {
      size_t fa = first_seen[a.chat_id], fb = first_seen[b.chat_id];
      return fa != fb ? fa < fb : a.turn < b.turn;
    });
    const int64_t block = cfg.isl_block_size.value_or(16);
    filter_and_synthesize(rows, block);
    rows_to_conversations(rows, block, true);
  }

  void load_burst_gpt() {
    LineReader reader(path);
    std::string_view line;
    std::optional<BurstGptColumns> cols;
    std::map<std::string, int64_t> bad;
    std::optional<double> last;
    // Rows become input_length-only traces (no hash ids) as they are read: a multi-million-row
    // file is never held as rows.
    const int64_t block = cfg.isl_block_size.value_or(512);
    const bool rewrite = SynthesisParams::from(cfg).active();
    std::vector<TraceRow> trows;
    std::optional<RowSink> sink;
    if (!rewrite) {
      sink.emplace(make_sink(block, false));
      start_columns(block);
    }
    int64_t empty_prompt = 0, over = 0;
    while (reader.next(line)) {
      if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
      SourcePos pos{path, reader.line_number()};
      if (!cols) {
        cols = parse_burst_gpt_header(line, pos);
        continue;
      }
      BurstGptRow r;
      r.line = pos.line;
      std::string why;
      if (!parse_burst_gpt_row(line, pos, *cols, r, &why)) {
        ++bad[why];
        continue;
      }
      if (replaying() && last && r.timestamp_ms < *last) {
        fail(pos, "Timestamp",
             "expected timestamps in non-decreasing order (got " + num_text(r.timestamp_ms / 1000) +
                 " s after " + num_text(*last / 1000) + " s)");
      }
      last = r.timestamp_ms;
      if (r.request_tokens <= 0) {
        ++empty_prompt;
        continue;
      }
      TraceRow t;
      t.line = r.line;
      t.timestamp_ms = r.timestamp_ms;
      t.input_length = r.request_tokens;
      t.output_length = r.response_tokens;
      if (rewrite) {
        trows.push_back(std::move(t));
      } else if (cap_row(t, over)) {
        add_row(*sink, t);
      }
    }
    if (!cols) throw InputError(path + ": empty file (expected a BurstGPT CSV header)");
    for (const auto& [field, n] : bad) {
      warn_skipped(n, "unparsable '" + field + "' value (AIPerf skips such rows)");
    }
    warn_skipped(empty_prompt, "'Request tokens' is 0 (nothing to send)");
    warn_over_isl(over);
    if (rewrite) {
      filter_and_synthesize(trows, block);
      rows_to_conversations(trows, block, false);
    }
  }

  /// Raw turns whose `text` (the body's ISL text) is tokenized in finish_counts().
  std::vector<std::pair<size_t, size_t>> count_jobs;  // (conversation, turn)

  void finish_counts() {
    parallel_for(count_jobs.size(), [&](size_t i) {
      Turn& t = ds.conversations[count_jobs[i].first].turns[count_jobs[i].second];
      t.input_tokens = int64_t(tok.count(t.text));
    });
    count_jobs.clear();
  }

  /// Appends a turn whose body is `payload` exactly (raw_payload, inputs_json) to conversation
  /// `ci`. AIPerf sets no max tokens on such turns (the body carries its own limit); ISL is the
  /// body's text.
  void add_raw_turn(size_t ci, std::string payload) {
    Turn t;
    t.text = payload_input_text(payload);
    t.payload_json = std::move(payload);
    finish_turn(t, std::nullopt, false);
    t.max_tokens.reset();
    count_jobs.emplace_back(ci, ds.conversations[ci].turns.size());
    ds.conversations[ci].turns.push_back(std::move(t));
  }

  /// raw_payload: a file is one single-turn conversation per line; a directory is one
  /// conversation per top-level `*.jsonl` file (sorted), its lines the turns.
  void load_raw_payload() {
    std::error_code ec;
    auto add_conversation = [&]() -> size_t {
      ds.conversations.emplace_back();
      Conversation& c = ds.conversations.back();
      c.session_id = generated_session_id(rngs, ds.conversations.size() - 1);
      c.accumulate_history = false;  // AIPerf: message_array_with_responses
      return ds.conversations.size() - 1;
    };
    if (!std::filesystem::is_directory(path, ec)) {
      for_each_line(path, [&](std::string_view line, const SourcePos& pos) {
        std::string body = parse_raw_payload_line(line, pos);
        add_raw_turn(add_conversation(), std::move(body));
      });
      return;
    }
    std::vector<std::filesystem::path> files;
    for (const auto& e : std::filesystem::directory_iterator(path, ec)) {
      if (e.is_regular_file(ec) && e.path().extension() == ".jsonl") files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    if (files.empty()) throw InputError(path + ": no .jsonl files in the raw_payload directory");
    for (const auto& f : files) {
      std::vector<std::string> bodies;
      for_each_line(f.string(), [&](std::string_view line, const SourcePos& pos) {
        bodies.push_back(parse_raw_payload_line(line, pos));
      });
      if (bodies.empty()) continue;
      const size_t ci = add_conversation();
      for (auto& b : bodies) add_raw_turn(ci, std::move(b));
    }
  }

  /// inputs_json: AIPerf's inputs.json, one conversation per data[] entry, its payloads the
  /// turns (sent as they are; no history is added).
  void load_inputs_json() {
    std::ifstream f(path, std::ios::binary);
    if (!f) throw InputError(path + ": cannot open; check the --input-file path");
    std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    for (auto& s : parse_inputs_json(text, path)) {
      ds.conversations.emplace_back();
      Conversation& c = ds.conversations.back();
      c.session_id = std::move(s.session_id);
      c.accumulate_history = false;
      const size_t ci = ds.conversations.size() - 1;
      for (auto& p : s.payloads) add_raw_turn(ci, std::move(p));
    }
  }

  /// sagemaker_data_capture: a file, or every `*.jsonl` under a directory (recursive, sorted).
  /// Times are zero-aligned (the earliest becomes 0), rows sorted by time; each record is its
  /// own conversation replaying the captured messages.
  void load_sagemaker() {
    std::error_code ec;
    std::vector<std::string> files;
    if (std::filesystem::is_directory(path, ec)) {
      for (const auto& e : std::filesystem::recursive_directory_iterator(path, ec)) {
        if (e.is_regular_file(ec) && e.path().extension() == ".jsonl") {
          files.push_back(e.path().string());
        }
      }
      std::sort(files.begin(), files.end());
      if (files.empty()) throw InputError(path + ": no .jsonl files found in the directory");
    } else {
      files.push_back(path);
    }
    std::vector<SageMakerRecord> recs;
    SageMakerRecord rec;
    for (const auto& file : files) {
      for_each_line(file, [&](std::string_view line, const SourcePos& pos) {
        parse_sagemaker_line(line, pos, rec);
        recs.push_back(std::move(rec));
      });
    }
    if (recs.empty()) return;
    double t0 = recs.front().timestamp_ms;
    for (const auto& r : recs) t0 = std::min(t0, r.timestamp_ms);
    int64_t over = 0;
    std::vector<TraceRow> rows;
    for (auto& r : recs) {
      if (cfg.synthesis_max_isl && r.prompt_tokens && *r.prompt_tokens > *cfg.synthesis_max_isl) {
        ++over;
        continue;
      }
      TraceRow t;
      t.line = r.line;
      t.timestamp_ms = r.timestamp_ms - t0;
      t.output_length = r.max_tokens;
      t.messages_json = std::move(r.messages_json);
      t.tools_json = std::move(r.tools_json);
      rows.push_back(std::move(t));
    }
    warn_over_isl(over);
    std::stable_sort(rows.begin(), rows.end(), [](const TraceRow& a, const TraceRow& b) {
      return *a.timestamp_ms < *b.timestamp_ms;
    });
    const SynthesisParams sp = SynthesisParams::from(cfg);
    if (sp.active()) {
      Rng rng = rngs.derive("dataset.synthesis.synthesizer");
      synthesize(rows, cfg.isl_block_size.value_or(512), sp, rng);
    } else {
      int64_t unused = 0;
      for (auto& r : rows) cap_row(r, unused);
    }
    rows_to_conversations(rows, cfg.isl_block_size.value_or(512), false);
  }

  /// Delay cap, fixed-schedule offsets and checks (spec §3.6).
  void schedule_rules() {
    if (ds.source) {  // plain rows: no delays; a timestamp on each when replaying
      if (cfg.fixed_schedule_start_offset_ms || cfg.fixed_schedule_end_offset_ms) {
        warn_skipped(window_skipped,
                     "timestamp outside --fixed-schedule-start-offset/--fixed-schedule-end-offset");
      }
      return;
    }
    if (cfg.inter_turn_delay_cap_s) {
      const int64_t cap = int64_t(*cfg.inter_turn_delay_cap_s * 1000.0);
      for (auto& c : ds.conversations) {
        for (auto& t : c.turns) {
          if (t.delay_ms && *t.delay_ms > cap) t.delay_ms = cap;
        }
      }
    }
    if (cfg.timing_mode != config::TimingMode::kFixedSchedule) return;
    for (const auto& c : ds.conversations) {
      if (!c.turns.front().timestamp_ms) {
        throw InputError(path + ": First turn of " + c.session_id +
                         " missing timestamp_ms: fixed schedule needs a timestamp on the first "
                         "turn of every session (or pass --no-fixed-schedule)");
      }
    }
    const auto lo = cfg.fixed_schedule_start_offset_ms;
    const auto hi = cfg.fixed_schedule_end_offset_ms;
    if (lo || hi) {
      const size_t before = ds.conversations.size();
      // Conversation indices change: renumber the pending prompt jobs and drop those of the
      // conversations left out (their prompts are never built).
      std::vector<size_t> new_index(before, SIZE_MAX);
      size_t kept = 0;
      for (size_t i = 0; i < before; ++i) {
        int64_t ts = *ds.conversations[i].turns.front().timestamp_ms;
        if (!((lo && ts < *lo) || (hi && ts > *hi))) new_index[i] = kept++;
      }
      std::erase_if(prompt_jobs, [&](PromptJob& j) {
        j.conv = new_index[j.conv];
        return j.conv == SIZE_MAX;
      });
      std::erase_if(count_jobs, [&](std::pair<size_t, size_t>& j) {
        j.first = new_index[j.first];
        return j.first == SIZE_MAX;
      });
      for (size_t i = 0; i < before; ++i) {
        if (new_index[i] != SIZE_MAX && new_index[i] != i) {
          ds.conversations[new_index[i]] = std::move(ds.conversations[i]);
        }
      }
      ds.conversations.resize(kept);
      warn_skipped(int64_t(before - ds.conversations.size()) + window_skipped,
                   "timestamp outside --fixed-schedule-start-offset/--fixed-schedule-end-offset");
    }
    if (ds.conversations.empty()) {
      throw InputError(path + ": no records left to replay (check the fixed-schedule offsets)");
    }
  }

  Dataset run() {
    using config::CustomDatasetType;
    CustomDatasetType type = cfg.custom_dataset_type ? *cfg.custom_dataset_type
                                                     : config::detect_custom_dataset_type(path);
    switch (type) {
      case CustomDatasetType::kSingleTurn:
        load_single_turn();
        break;
      case CustomDatasetType::kMultiTurn:
        load_multi_turn();
        break;
      case CustomDatasetType::kRandomPool:
        load_random_pool();
        break;
      case CustomDatasetType::kMooncakeTrace:
        load_mooncake();
        break;
      case CustomDatasetType::kBailianTrace:
        load_bailian();
        break;
      case CustomDatasetType::kBurstGptTrace:
        load_burst_gpt();
        break;
      case CustomDatasetType::kRawPayload:
        load_raw_payload();
        break;
      case CustomDatasetType::kInputsJson:
        load_inputs_json();
        break;
      case CustomDatasetType::kSageMakerDataCapture:
        load_sagemaker();
        break;
      case CustomDatasetType::kSpeedBench:
        load_speed_bench();
        break;
    }
    finish_columns();
    if (ds.size() == 0 && window_skipped > 0) {
      throw InputError(path + ": no records left to replay (check the fixed-schedule offsets)");
    }
    if (ds.size() == 0) {
      throw InputError(path + ": no records (expected at least one " +
                       (type == CustomDatasetType::kSpeedBench ? cfg.speed_bench_format
                                                               : config::to_string(type)) +
                       " record)");
    }
    if (zero_output > 0) {
      ds.warnings.push_back(path + ": " + std::to_string(zero_output) +
                            " record(s) with output length 0: no max tokens sent for them" +
                            (cfg.osl_mean ? " (--osl used instead)" : ""));
    }
    for (const auto& [key, n] : unknown) {
      ds.warnings.push_back(path + ": unknown field '" + key + "' ignored (" + std::to_string(n) +
                            " record(s))");
    }
    schedule_rules();
    finish_prompts();
    finish_counts();
    return std::move(ds);
  }
};

}  // namespace

Dataset load_custom(const config::Config& cfg, const tokenizer::Tokenizer& tok,
                    const RngManager& rngs) {
  if (!cfg.input_file) throw ConfigError("load_custom: no --input-file");
  Loader l(cfg, tok, rngs);
  return l.run();
}

}  // namespace aiperf::dataset
