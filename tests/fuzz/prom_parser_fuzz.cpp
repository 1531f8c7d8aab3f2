// libFuzzer target: one Prometheus / OpenMetrics body. The first byte picks the format (even:
// text 0.0.4, odd: OpenMetrics, then the lenient reading). Oracle: the parser accepts or rejects
// the whole body without crashing; a rejection names a line inside the body (or 0) with a
// one-line message and leaves nothing behind; an acceptance leaves every view inside the body or
// the exposition's own storage, every sample with a family and a label range in bounds.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>

#include "aiperf/telemetry/prom_parser.h"

using namespace aiperf::telemetry;

namespace {

uint32_t count_lines(const std::string& s) {
  uint32_t n = 1;
  for (char c : s) n += c == '\n';
  return n;
}

void check(const Exposition& x) {
  const auto& fams = x.families();
  for (const Sample& s : x.samples()) {
    if (s.family >= fams.size()) __builtin_trap();
    if (s.name.empty() || s.series_key.size() < s.name.size()) __builtin_trap();
    const Label* l = x.labels_of(s);
    for (uint32_t i = 0; i < s.label_count; ++i) {
      if (l[i].name.empty()) __builtin_trap();
      volatile size_t touch = l[i].value.size() + (l[i].value.empty() ? 0 : l[i].value[0]);
      (void)touch;
    }
    if (s.has_exemplar) {
      const Label* e = x.exemplar_labels(s.exemplar);
      for (uint32_t i = 0; i < s.exemplar.label_count; ++i) {
        if (e[i].name.empty()) __builtin_trap();
      }
    }
  }
  size_t total = 0;
  for (const Family& f : fams) total += f.sample_count;
  if (total != x.samples().size()) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const bool om = data[0] & 1;
  std::string body(reinterpret_cast<const char*>(data) + 1, size - 1);
  const uint32_t lines = count_lines(body);
  Exposition x;
  ParseError e;
  bool ok =
      parse_exposition(body, om ? ExpositionFormat::kOpenMetrics : ExpositionFormat::kText, &x, &e);
  if (ok) {
    check(x);
  } else {
    if (e.line > lines || e.message.empty() || e.message.find('\n') != std::string::npos) {
      __builtin_trap();
    }
    if (!x.samples().empty() || !x.families().empty()) __builtin_trap();
  }
  if (om) {
    ok = parse_exposition_lenient(body, "application/openmetrics-text; version=1.0.0", &x, &e);
    if (ok) check(x);
  }
  return 0;
}
