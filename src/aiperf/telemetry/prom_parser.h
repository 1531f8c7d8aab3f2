// Prometheus text exposition (format 0.0.4) and OpenMetrics 1.0 parser. Scrapes arrive every
// 333 ms from several endpoints, so the parser makes one pass over the body and keeps views into
// it: no allocation per sample once an Exposition has been used (vectors keep their capacity).
// A body it cannot read is rejected as a whole with the line number and a reason, never
// half-applied. Standard library only (it is fuzzed on its own: tests/fuzz/prom_parser_fuzz.cpp).
//
// What it understands: # HELP / # TYPE / # UNIT lines, other comments (text format), samples
// with or without labels, escaped label values (\\ \" \n), NaN / +Inf / -Inf, timestamps
// (integer ms in text format, float seconds in OpenMetrics), exemplars (" # {..} value [ts]"),
// "# EOF", counters declared with or without "_total", _created series, histograms,
// gauge histograms, summaries, info and stateset families (all kept as samples).
//
// Threading: an Exposition is used by one thread at a time.
#pragma once
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace aiperf::telemetry {

enum class MetricType : uint8_t {
  kUnknown,  // "untyped" (text format), "unknown" (OpenMetrics), or no TYPE line at all
  kCounter,
  kGauge,
  kHistogram,
  kGaugeHistogram,
  kSummary,
  kInfo,
  kStateSet,
};
/// "unknown", "counter", "gauge", "histogram", "gaugehistogram", "summary", "info", "stateset".
const char* to_string(MetricType t);

enum class ExpositionFormat : uint8_t { kText, kOpenMetrics };
/// OpenMetrics for `application/openmetrics-text...`, text format for anything else.
ExpositionFormat format_from_content_type(std::string_view content_type);

struct Label {
  std::string_view name;
  std::string_view value;  // unescaped
};

struct Family {
  std::string_view name;  // as declared by TYPE/HELP, or the sample name when undeclared
  MetricType type = MetricType::kUnknown;
  std::string_view help;  // unescaped; empty when there is no HELP line
  std::string_view unit;  // OpenMetrics # UNIT
  uint32_t sample_count = 0;
  bool has_help = false;
  bool has_type = false;
  bool declared() const { return has_help || has_type; }
};

/// Which series of its family a sample is, from its name's suffix.
enum class SampleRole : uint8_t {
  kValue,    // the family's own name (gauge, unknown, counter without _total, summary quantile)
  kTotal,    // counter _total
  kCreated,  // _created (counter, histogram, summary)
  kBucket,   // histogram / gauge histogram _bucket
  kSum,      // _sum, _gsum
  kCount,    // _count, _gcount
  kInfo,     // info family's _info sample
};

struct Exemplar {
  uint32_t label_begin = 0;  // into Exposition::exemplar_labels
  uint32_t label_count = 0;
  double value = 0;
  double timestamp_s = 0;
  bool has_timestamp = false;
};

struct Sample {
  std::string_view name;        // full sample name, e.g. "foo_bucket"
  std::string_view series_key;  // the raw "name{labels}" text: identical between scrapes
  uint32_t family = 0;          // index into Exposition::families
  uint32_t label_begin = 0;     // into Exposition::labels
  uint32_t label_count = 0;
  uint32_t line = 0;  // 1-based line number in the body
  SampleRole role = SampleRole::kValue;
  bool has_timestamp = false;
  bool has_exemplar = false;
  double value = 0;
  int64_t timestamp_ms = 0;
  Exemplar exemplar;
};

struct ParseError {
  uint32_t line = 0;  // 1-based; 0 when the error concerns the whole body
  std::string message;
};

class Exposition;
bool parse_exposition(std::string body, ExpositionFormat format, Exposition* out, ParseError* err);
bool parse_exposition_lenient(std::string body, std::string_view content_type, Exposition* out,
                              ParseError* err);

/// One parsed body. Views point into `text()` and into storage owned here, so an Exposition is
/// neither copied nor moved; reuse one object per endpoint to keep its capacity.
class Exposition {
 public:
  Exposition() = default;
  Exposition(const Exposition&) = delete;
  Exposition& operator=(const Exposition&) = delete;

  const std::string& text() const { return text_; }
  ExpositionFormat format() const { return format_; }
  const std::vector<Family>& families() const { return families_; }
  const std::vector<Sample>& samples() const { return samples_; }
  /// Labels of `s`, in the order written.
  const Label* labels_of(const Sample& s) const { return labels_.data() + s.label_begin; }
  const Label* exemplar_labels(const Exemplar& e) const {
    return exemplar_labels_.data() + e.label_begin;
  }
  /// The value of label `name` of `s`, or nullptr.
  const std::string_view* label(const Sample& s, std::string_view name) const;

 private:
  friend class ExpositionParser;
  friend bool parse_exposition(std::string, ExpositionFormat, Exposition*, ParseError*);
  friend bool parse_exposition_lenient(std::string, std::string_view, Exposition*, ParseError*);
  std::string text_;
  ExpositionFormat format_ = ExpositionFormat::kText;
  std::vector<Family> families_;
  std::vector<Sample> samples_;
  std::vector<Label> labels_;
  std::vector<Label> exemplar_labels_;
  std::deque<std::string> unescaped_;  // stable storage for values that had escapes
  std::unordered_map<std::string_view, uint32_t> family_index_;
};

/// Parses `body` (taken over by `out`) in `format`. Returns false and fills `err` when the body
/// is not a valid exposition; `out` is then left empty. For OpenMetrics the final "# EOF" line is
/// required and nothing may follow it; in text format a "# EOF" line ends the body too.
bool parse_exposition(std::string body, ExpositionFormat format, Exposition* out, ParseError* err);

/// As servers label their bodies loosely: OpenMetrics first when `content_type` says so, then
/// the text format when that fails. The error reported is the text-format one.
bool parse_exposition_lenient(std::string body, std::string_view content_type, Exposition* out,
                              ParseError* err);

/// Prometheus metric-name and label-name character rules.
bool is_valid_metric_name(std::string_view s);
bool is_valid_label_name(std::string_view s);

}  // namespace aiperf::telemetry
