// One pass over the body, line by line (see prom_parser.h). Views into the body; label values
// and HELP texts with escapes are unescaped into the Exposition's side storage.
#include "aiperf/telemetry/prom_parser.h"

#include "aiperf/telemetry/prom_lex.h"

#include <array>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>

namespace aiperf::telemetry {

using namespace prom_lex;

const char* to_string(MetricType t) {
  switch (t) {
    case MetricType::kCounter:
      return "counter";
    case MetricType::kGauge:
      return "gauge";
    case MetricType::kHistogram:
      return "histogram";
    case MetricType::kGaugeHistogram:
      return "gaugehistogram";
    case MetricType::kSummary:
      return "summary";
    case MetricType::kInfo:
      return "info";
    case MetricType::kStateSet:
      return "stateset";
    default:
      return "unknown";
  }
}

ExpositionFormat format_from_content_type(std::string_view ct) {
  while (!ct.empty() && is_blank(ct.front())) ct.remove_prefix(1);
  constexpr std::string_view kOm = "application/openmetrics-text";
  return ct.size() >= kOm.size() && iequals(ct.substr(0, kOm.size()), kOm)
             ? ExpositionFormat::kOpenMetrics
             : ExpositionFormat::kText;
}

bool is_valid_metric_name(std::string_view s) {
  if (s.empty() || !is_name_start(s[0])) return false;
  for (char c : s) {
    if (!is_name_char(c)) return false;
  }
  return true;
}

bool is_valid_label_name(std::string_view s) {
  if (s.empty() || !is_name_start(s[0]) || s[0] == ':') return false;
  for (char c : s) {
    if (!is_name_char(c) || c == ':') return false;
  }
  return true;
}

const std::string_view* Exposition::label(const Sample& s, std::string_view name) const {
  const Label* l = labels_of(s);
  for (uint32_t i = 0; i < s.label_count; ++i) {
    if (l[i].name == name) return &l[i].value;
  }
  return nullptr;
}

class ExpositionParser {
 public:
  ExpositionParser(Exposition& x, ExpositionFormat f)
      : x_(x), om_(f == ExpositionFormat::kOpenMetrics) {}

  bool run(ParseError* err);

 private:
  bool fail(std::string msg) {
    error_.line = line_no_;
    error_.message = std::move(msg);
    return false;
  }
  bool parse_line(std::string_view line);
  bool parse_comment(std::string_view line);
  bool parse_metadata(std::string_view kind, std::string_view rest);
  bool parse_sample(std::string_view line);
  /// Parses `{...}` starting at line[*pos] == '{' into `out`; *pos ends after '}'.
  bool parse_labels(std::string_view line, size_t* pos, std::vector<Label>& out);
  bool read_label_value(std::string_view line, size_t* pos, std::string_view* value);
  bool parse_exemplar(std::string_view rest, Sample* s);
  /// After the value: optional timestamp, optional exemplar, nothing else.
  bool parse_tail(std::string_view line, size_t i, Sample* s);
  uint32_t family_for(std::string_view name, SampleRole* role);
  uint32_t add_family(std::string_view name);
  bool accepts(const Family& f, std::string_view name, SampleRole* role) const;
  std::string_view unescape_help(std::string_view t);

  Exposition& x_;
  bool om_;
  uint32_t line_no_ = 0;
  uint32_t current_ = UINT32_MAX;  // family of the last metadata line or sample
  bool eof_seen_ = false;
  ParseError error_;
};

bool ExpositionParser::run(ParseError* err) {
  const std::string& t = x_.text_;
  const char* p = t.data();
  const char* end = p + t.size();
  while (p < end) {
    const char* nl = static_cast<const char*>(std::memchr(p, '\n', size_t(end - p)));
    const char* le = nl ? nl : end;
    ++line_no_;
    std::string_view line(p, size_t(le - p));
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (eof_seen_) {
      // OpenMetrics allows nothing after "# EOF"; text format just stops there.
      if (om_ && !(line.empty() && !nl)) {
        fail("text after \"# EOF\"");
        if (err) *err = error_;
        return false;
      }
      break;
    }
    if (!parse_line(line)) {
      if (err) *err = error_;
      return false;
    }
    p = nl ? nl + 1 : end;
  }
  if (om_ && !eof_seen_) {
    line_no_ = 0;
    fail("OpenMetrics body does not end with \"# EOF\" (truncated?)");
    if (err) *err = error_;
    return false;
  }
  return true;
}

bool ExpositionParser::parse_line(std::string_view line) {
  if (om_) {
    if (line.empty()) return fail("empty line (not allowed in OpenMetrics)");
  } else {
    size_t i = 0;
    while (i < line.size() && is_blank(line[i])) ++i;
    line.remove_prefix(i);
    if (line.empty()) return true;
  }
  if (line[0] == '#') return parse_comment(line);
  return parse_sample(line);
}

bool ExpositionParser::parse_comment(std::string_view line) {
  if (line == "# EOF" || (!om_ && line.substr(0, 5) == "# EOF" &&
                          line.find_first_not_of(" \t", 5) == std::string_view::npos)) {
    eof_seen_ = true;
    return true;
  }
  std::string_view rest = line.substr(1);
  if (om_) {
    if (rest.empty() || rest[0] != ' ') return fail("comment lines are not allowed in OpenMetrics");
    rest.remove_prefix(1);
  } else {
    while (!rest.empty() && is_blank(rest[0])) rest.remove_prefix(1);
  }
  size_t sp = 0;
  while (sp < rest.size() && !is_blank(rest[sp])) ++sp;
  std::string_view kind = rest.substr(0, sp);
  if (kind == "HELP" || kind == "TYPE" || (om_ && kind == "UNIT")) {
    if (sp >= rest.size()) return fail(std::string(kind) + " line without a metric name");
    return parse_metadata(kind, rest.substr(sp + 1));
  }
  if (om_) return fail("comment lines are not allowed in OpenMetrics");
  return true;  // an ordinary comment
}

std::string_view ExpositionParser::unescape_help(std::string_view t) {
  if (t.find('\\') == std::string_view::npos) return t;
  std::string& s = x_.unescaped_.emplace_back();
  s.reserve(t.size());
  for (size_t i = 0; i < t.size(); ++i) {
    if (t[i] == '\\' && i + 1 < t.size()) {
      char n = t[i + 1];
      if (n == 'n') {
        s += '\n';
        ++i;
        continue;
      }
      if (n == '\\' || (n == '"' && om_)) {
        s += n;
        ++i;
        continue;
      }
    }
    s += t[i];
  }
  return s;
}

bool ExpositionParser::parse_metadata(std::string_view kind, std::string_view rest) {
  if (!om_) {
    while (!rest.empty() && is_blank(rest[0])) rest.remove_prefix(1);
  }
  size_t n = 0;
  while (n < rest.size() && !is_blank(rest[n])) ++n;
  std::string_view name = rest.substr(0, n);
  if (!is_valid_metric_name(name)) {
    return fail("invalid metric name '" + std::string(name) + "' in " + std::string(kind));
  }
  std::string_view value = n < rest.size() ? rest.substr(n + 1) : std::string_view{};
  if (!om_) {
    while (!value.empty() && is_blank(value[0])) value.remove_prefix(1);
  }
  auto it = x_.family_index_.find(name);
  uint32_t idx;
  if (it == x_.family_index_.end()) {
    idx = add_family(name);
  } else {
    idx = it->second;
    Family& f = x_.families_[idx];
    if (!f.declared() && f.sample_count > 0) {
      return fail(std::string(kind) + " line for " + std::string(name) + " after its samples");
    }
  }
  Family& f = x_.families_[idx];
  current_ = idx;
  if (kind == "HELP") {
    if (f.has_help) return fail("second HELP line for " + std::string(name));
    f.has_help = true;
    f.help = unescape_help(value);
    return true;
  }
  if (kind == "UNIT") {
    f.unit = value;
    return true;
  }
  // TYPE
  while (!value.empty() && is_blank(value.back())) value.remove_suffix(1);
  bool ok = false;
  MetricType t =
      parse_type(value, om_ ? ExpositionFormat::kOpenMetrics : ExpositionFormat::kText, &ok);
  if (!ok) return fail("unknown metric type '" + std::string(value) + "' for " + std::string(name));
  if (f.has_type) return fail("second TYPE line for " + std::string(name));
  if (f.sample_count > 0) {
    return fail("TYPE line for " + std::string(name) + " after its samples");
  }
  f.has_type = true;
  f.type = t;
  return true;
}

uint32_t ExpositionParser::add_family(std::string_view name) {
  uint32_t idx = uint32_t(x_.families_.size());
  Family& f = x_.families_.emplace_back();
  f.name = name;
  x_.family_index_.emplace(name, idx);
  return idx;
}

bool ExpositionParser::accepts(const Family& f, std::string_view name, SampleRole* role) const {
  std::string_view fam = f.name;
  if (name.size() < fam.size() || name.substr(0, fam.size()) != fam) return false;
  std::string_view suffix = name.substr(fam.size());
  switch (f.type) {
    case MetricType::kCounter:
      if (suffix.empty() || suffix == "_total") {
        *role = SampleRole::kTotal;
        return true;
      }
      if (suffix == "_created") {
        *role = SampleRole::kCreated;
        return true;
      }
      return false;
    case MetricType::kHistogram:
    case MetricType::kGaugeHistogram: {
      const bool gauge = f.type == MetricType::kGaugeHistogram;
      if (suffix == "_bucket") {
        *role = SampleRole::kBucket;
      } else if (suffix == (gauge ? "_gsum" : "_sum")) {
        *role = SampleRole::kSum;
      } else if (suffix == (gauge ? "_gcount" : "_count")) {
        *role = SampleRole::kCount;
      } else if (suffix == "_created" && !gauge) {
        *role = SampleRole::kCreated;
      } else {
        return false;
      }
      return true;
    }
    case MetricType::kSummary:
      if (suffix.empty()) {
        *role = SampleRole::kValue;
      } else if (suffix == "_sum") {
        *role = SampleRole::kSum;
      } else if (suffix == "_count") {
        *role = SampleRole::kCount;
      } else if (suffix == "_created") {
        *role = SampleRole::kCreated;
      } else {
        return false;
      }
      return true;
    case MetricType::kInfo:
      if (suffix.empty() || suffix == "_info") {
        *role = SampleRole::kInfo;
        return true;
      }
      return false;
    default:  // gauge, unknown, stateset
      *role = SampleRole::kValue;
      return suffix.empty();
  }
}

uint32_t ExpositionParser::family_for(std::string_view name, SampleRole* role) {
  if (current_ != UINT32_MAX && accepts(x_.families_[current_], name, role)) return current_;
  auto it = x_.family_index_.find(name);
  if (it != x_.family_index_.end() && accepts(x_.families_[it->second], name, role)) {
    return it->second;
  }
  static constexpr std::string_view kSuffixes[] = {"_total", "_created", "_bucket", "_sum",
                                                   "_count", "_gsum",    "_gcount", "_info"};
  for (std::string_view suf : kSuffixes) {
    if (!ends_with(name, suf)) continue;
    auto base = x_.family_index_.find(name.substr(0, name.size() - suf.size()));
    if (base != x_.family_index_.end() && accepts(x_.families_[base->second], name, role)) {
      return base->second;
    }
  }
  if (it != x_.family_index_.end()) return UINT32_MAX;  // e.g. a histogram's bare name
  *role = SampleRole::kValue;
  return add_family(name);
}

bool ExpositionParser::read_label_value(std::string_view line, size_t* pos,
                                        std::string_view* value) {
  size_t i = *pos;  // just after the opening quote
  const size_t start = i;
  bool escaped = false;
  for (;;) {
    const void* q = std::memchr(line.data() + i, '"', line.size() - i);
    if (!q) return fail("unterminated label value");
    size_t qi = size_t(static_cast<const char*>(q) - line.data());
    const void* b = std::memchr(line.data() + i, '\\', qi - i);
    if (!b) {
      i = qi;
      break;
    }
    // An escape before the quote: check it and continue after it.
    escaped = true;
    size_t bi = size_t(static_cast<const char*>(b) - line.data());
    if (bi + 1 >= line.size()) return fail("unterminated label value");
    char n = line[bi + 1];
    if (n != '\\' && n != '"' && n != 'n') {
      return fail(std::string("invalid escape sequence '\\") + n + "' in a label value");
    }
    i = bi + 2;
  }
  std::string_view raw = line.substr(start, i - start);
  if (!escaped) {
    *value = raw;
  } else {
    std::string& s = x_.unescaped_.emplace_back();
    s.reserve(raw.size());
    for (size_t k = 0; k < raw.size(); ++k) {
      if (raw[k] == '\\') {
        ++k;
        s += raw[k] == 'n' ? '\n' : raw[k];
      } else {
        s += raw[k];
      }
    }
    *value = s;
  }
  *pos = i + 1;
  return true;
}

bool ExpositionParser::parse_labels(std::string_view line, size_t* pos, std::vector<Label>& out) {
  size_t i = *pos + 1;  // after '{'
  const size_t first = out.size();
  auto skip = [&] {
    while (i < line.size() && is_blank(line[i])) ++i;
  };
  for (;;) {
    skip();
    if (i >= line.size()) return fail("unterminated label set");
    if (line[i] == '}') break;
    size_t ns = i;
    while (i < line.size() && is_label_char(line[i])) ++i;
    std::string_view name = line.substr(ns, i - ns);
    if (name.empty() || (name[0] >= '0' && name[0] <= '9')) {
      return fail("invalid label name near '" + std::string(line.substr(ns, 20)) + "'");
    }
    skip();
    if (i >= line.size() || line[i] != '=')
      return fail("expected '=' after label " + std::string(name));
    ++i;
    skip();
    if (i >= line.size() || line[i] != '"') {
      return fail("expected '\"' to open the value of label " + std::string(name));
    }
    ++i;
    std::string_view value;
    if (!read_label_value(line, &i, &value)) return false;
    for (size_t k = first; k < out.size(); ++k) {
      if (out[k].name == name) return fail("duplicate label " + std::string(name));
    }
    out.push_back({name, value});
    skip();
    if (i < line.size() && line[i] == ',') {
      ++i;
      continue;
    }
    if (i < line.size() && line[i] == '}') break;
    return fail("expected ',' or '}' after the value of label " + std::string(name));
  }
  *pos = i + 1;
  return true;
}

bool ExpositionParser::parse_exemplar(std::string_view rest, Sample* s) {
  // rest starts at '{': "{labels} value [timestamp]"
  size_t i = 0;
  Exemplar& e = s->exemplar;
  e.label_begin = uint32_t(x_.exemplar_labels_.size());
  if (!parse_labels(rest, &i, x_.exemplar_labels_)) return false;
  e.label_count = uint32_t(x_.exemplar_labels_.size()) - e.label_begin;
  auto token = [&](std::string_view* out) {
    while (i < rest.size() && is_blank(rest[i])) ++i;
    size_t b = i;
    while (i < rest.size() && !is_blank(rest[i])) ++i;
    *out = rest.substr(b, i - b);
  };
  std::string_view v, ts, extra;
  token(&v);
  if (!parse_float(v, &e.value)) return fail("invalid exemplar value '" + std::string(v) + "'");
  token(&ts);
  if (!ts.empty()) {
    if (!parse_float(ts, &e.timestamp_s)) {
      return fail("invalid exemplar timestamp '" + std::string(ts) + "'");
    }
    e.has_timestamp = true;
  }
  token(&extra);
  if (!extra.empty()) return fail("unexpected text after the exemplar");
  s->has_exemplar = true;
  return true;
}

bool ExpositionParser::parse_tail(std::string_view line, size_t i, Sample* s) {
  const std::string name(s->name);
  while (i < line.size() && is_blank(line[i])) ++i;
  if (i < line.size() && line[i] != '#') {
    size_t tb = i;
    while (i < line.size() && !is_blank(line[i])) ++i;
    std::string_view ts = line.substr(tb, i - tb);
    bool ok;
    if (om_) {  // OpenMetrics: float seconds
      double sec = 0;
      ok = parse_float(ts, &sec) && std::isfinite(sec) && std::fabs(sec) < 9.2e15;
      if (ok) s->timestamp_ms = int64_t(std::llround(sec * 1000.0));
    } else {  // text format: integer milliseconds
      ok = parse_int64(ts, &s->timestamp_ms);
    }
    if (!ok) return fail("invalid timestamp '" + std::string(ts) + "' for " + name);
    s->has_timestamp = true;
    while (i < line.size() && is_blank(line[i])) ++i;
  }
  if (i >= line.size()) return true;
  if (line[i] != '#') return fail("unexpected text after the value of " + name);
  ++i;
  while (i < line.size() && is_blank(line[i])) ++i;
  if (i >= line.size() || line[i] != '{') {
    return fail("expected an exemplar '{...}' after '#' on a sample of " + name);
  }
  return parse_exemplar(line.substr(i), s);
}

bool ExpositionParser::parse_sample(std::string_view line) {
  size_t i = 0;
  if (!is_name_start(line[0])) {
    return fail("a sample line must start with a metric name (got '" +
                std::string(line.substr(0, 20)) + "')");
  }
  while (i < line.size() && is_name_char(line[i])) ++i;
  std::string_view name = line.substr(0, i);
  Sample s;
  s.name = name;
  s.line = line_no_;
  s.label_begin = uint32_t(x_.labels_.size());
  size_t key_end = i;
  size_t j = i;
  if (!om_) {
    while (j < line.size() && is_blank(line[j])) ++j;
  }
  if (j < line.size() && line[j] == '{') {
    if (!parse_labels(line, &j, x_.labels_)) return false;
    i = j;
    key_end = j;
  }
  s.label_count = uint32_t(x_.labels_.size()) - s.label_begin;
  s.series_key = line.substr(0, key_end);
  if (i >= line.size() || !is_blank(line[i])) {
    return fail(i >= line.size() ? "sample " + std::string(name) + " has no value"
                                 : "unexpected character after " + std::string(name));
  }
  while (i < line.size() && is_blank(line[i])) ++i;
  size_t vb = i;
  while (i < line.size() && !is_blank(line[i])) ++i;
  std::string_view v = line.substr(vb, i - vb);
  if (!parse_float(v, &s.value)) {
    return fail(v.empty() ? "sample " + std::string(name) + " has no value"
                          : "invalid value '" + std::string(v) + "' for " + std::string(name));
  }
  if (!parse_tail(line, i, &s)) return false;
  SampleRole role = SampleRole::kValue;
  uint32_t fam = family_for(name, &role);
  if (fam == UINT32_MAX) {
    return fail("sample " + std::string(name) + " does not fit the " +
                to_string(x_.families_[x_.family_index_.at(name)].type) + " family of that name");
  }
  s.family = fam;
  s.role = role;
  x_.families_[fam].sample_count++;
  current_ = fam;
  x_.samples_.push_back(s);
  return true;
}

bool parse_exposition(std::string body, ExpositionFormat format, Exposition* out, ParseError* err) {
  Exposition& x = *out;
  x.text_ = std::move(body);
  x.format_ = format;
  x.families_.clear();
  x.samples_.clear();
  x.labels_.clear();
  x.exemplar_labels_.clear();
  x.unescaped_.clear();
  x.family_index_.clear();
  ExpositionParser p(x, format);
  if (p.run(err)) return true;
  x.families_.clear();
  x.samples_.clear();
  x.labels_.clear();
  x.exemplar_labels_.clear();
  x.family_index_.clear();
  return false;
}

bool parse_exposition_lenient(std::string body, std::string_view content_type, Exposition* out,
                              ParseError* err) {
  if (format_from_content_type(content_type) == ExpositionFormat::kOpenMetrics) {
    if (parse_exposition(std::move(body), ExpositionFormat::kOpenMetrics, out, nullptr)) {
      return true;
    }
    body = std::move(out->text_);
  }
  return parse_exposition(std::move(body), ExpositionFormat::kText, out, err);
}

}  // namespace aiperf::telemetry
