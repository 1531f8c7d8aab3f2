/* An example aiperf plugin in plain C (docs/plugins.md), built by CMake as
 * libaiperf_example_textgen.so:
 *   endpoint "textgen"  - a text-generation API of the completions kind: POST /v1/completions
 *                         with {"model","prompt","max_tokens","stream"}; answers carry
 *                         choices[0].text (streamed as SSE or whole) and an optional usage;
 *   exporter "markdown" - after each run, profile_export_summary.md with a few headline figures.
 * It shows the whole C ABI (aiperf_plugin.h) with no dependency beyond libc, so its JSON handling
 * is deliberately small: it writes JSON strings with escapes and finds the few keys it needs.
 * Load it with: aiperf profile --plugin path/to/libaiperf_example_textgen.so --endpoint-type
 * textgen ... */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aiperf/plugin/aiperf_plugin.h"

#ifndef EXAMPLE_ABI_VERSION /* tests build a copy that claims another version */
#define EXAMPLE_ABI_VERSION AIPERF_PLUGIN_ABI_VERSION
#endif

static void put(const aiperf_writer* w, const char* s) {
  w->write(w->ctx, s, strlen(s));
}

/* Writes `s` as a JSON string (quotes included). */
static void put_json_string(const aiperf_writer* w, const char* s, size_t n) {
  put(w, "\"");
  size_t start = 0;
  for (size_t i = 0; i < n; ++i) {
    unsigned char c = (unsigned char)s[i];
    if (c != '"' && c != '\\' && c >= 0x20) continue;
    w->write(w->ctx, s + start, i - start);
    char esc[8];
    switch (c) {
      case '"':
        strcpy(esc, "\\\"");
        break;
      case '\\':
        strcpy(esc, "\\\\");
        break;
      case '\n':
        strcpy(esc, "\\n");
        break;
      case '\r':
        strcpy(esc, "\\r");
        break;
      case '\t':
        strcpy(esc, "\\t");
        break;
      default:
        snprintf(esc, sizeof esc, "\\u%04x", c);
        break;
    }
    put(w, esc);
    start = i + 1;
  }
  w->write(w->ctx, s + start, n - start);
  put(w, "\"");
}

static int render_body(const aiperf_render_input* in, const aiperf_writer* body,
                       const aiperf_writer* error) {
  if (in->num_messages == 0) {
    put(error, "no message to send");
    return 1;
  }
  /* The prompt: every message's text, one per line (a completions API has no roles). */
  size_t total = 0;
  for (size_t i = 0; i < in->num_messages; ++i) total += in->messages[i].content_len + 1;
  char* prompt = malloc(total + 1);
  if (!prompt) {
    put(error, "out of memory");
    return 1;
  }
  size_t at = 0;
  for (size_t i = 0; i < in->num_messages; ++i) {
    if (i) prompt[at++] = '\n';
    memcpy(prompt + at, in->messages[i].content, in->messages[i].content_len);
    at += in->messages[i].content_len;
  }
  put(body, "{\"model\":");
  put_json_string(body, in->model, in->model_len);
  put(body, ",\"prompt\":");
  put_json_string(body, prompt, at);
  free(prompt);
  if (in->max_tokens >= 0) {
    char num[48];
    snprintf(num, sizeof num, ",\"max_tokens\":%lld", (long long)in->max_tokens);
    put(body, num);
  }
  put(body, in->streaming ? ",\"stream\":true" : ",\"stream\":false");
  /* --extra-inputs: its members go last, as they are ("{}" adds nothing). */
  if (in->extra_inputs_json_len > 2) {
    put(body, ",");
    body->write(body->ctx, in->extra_inputs_json + 1, in->extra_inputs_json_len - 2);
  }
  put(body, "}");
  return 0;
}

/* Finds `"key":` in [p, end) and returns the position after the colon and blanks, or NULL. */
static const char* find_key(const char* p, const char* end, const char* key) {
  size_t k = strlen(key);
  for (; p + k + 3 <= end; ++p) {
    if (p[0] != '"' || memcmp(p + 1, key, k) != 0 || p[k + 1] != '"') continue;
    const char* q = p + k + 2;
    while (q < end && (*q == ' ' || *q == '\t')) ++q;
    if (q >= end || *q != ':') continue;
    ++q;
    while (q < end && (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r')) ++q;
    return q;
  }
  return NULL;
}

static int hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Decodes the JSON string at *p (which must start with '"') into `out` (UTF-8). Returns its
 * length, or -1 when it is not a well-formed string. */
static long read_json_string(const char* p, const char* end, char* out) {
  if (p >= end || *p != '"') return -1;
  long n = 0;
  for (++p; p < end; ++p) {
    char c = *p;
    if (c == '"') return n;
    if (c != '\\') {
      out[n++] = c;
      continue;
    }
    if (++p >= end) return -1;
    switch (*p) {
      case 'n':
        out[n++] = '\n';
        break;
      case 't':
        out[n++] = '\t';
        break;
      case 'r':
        out[n++] = '\r';
        break;
      case 'b':
        out[n++] = '\b';
        break;
      case 'f':
        out[n++] = '\f';
        break;
      case 'u': {
        if (end - p < 5) return -1;
        unsigned cp = 0;
        for (int i = 1; i <= 4; ++i) {
          int h = hex(p[i]);
          if (h < 0) return -1;
          cp = cp * 16 + (unsigned)h;
        }
        p += 4;
        if (cp < 0x80) {
          out[n++] = (char)cp;
        } else if (cp < 0x800) {
          out[n++] = (char)(0xc0 | (cp >> 6));
          out[n++] = (char)(0x80 | (cp & 0x3f));
        } else { /* surrogate halves are written as they are: an example, not a validator */
          out[n++] = (char)(0xe0 | (cp >> 12));
          out[n++] = (char)(0x80 | ((cp >> 6) & 0x3f));
          out[n++] = (char)(0x80 | (cp & 0x3f));
        }
        break;
      }
      default:
        out[n++] = *p;
        break; /* \" \\ \/ */
    }
  }
  return -1;
}

static long long read_int(const char* p, const char* end, const char* key) {
  const char* v = find_key(p, end, key);
  if (!v || v >= end || (*v != '-' && (*v < '0' || *v > '9'))) return -1;
  return strtoll(v, NULL, 10);
}

static int parse(const char* payload, size_t len, const aiperf_parse_out* out) {
  const char* end = payload + len;
  if (len == 0 || (len >= 6 && memcmp(payload, "[DONE]", 6) == 0)) return 0;
  char* buf = malloc(len + 1); /* a decoded string is never longer than its JSON form */
  if (!buf) return 0;
  int found = 0;
  const char* err = find_key(payload, end, "error");
  if (err && *err == '{') {
    const char* m = find_key(err, end, "message");
    long n = m ? read_json_string(m, end, buf) : -1;
    long long code = read_int(err, end, "code");
    out->error(out->ctx, (int)code, "", 0, n >= 0 ? buf : "error", n >= 0 ? (size_t)n : 5);
    found = 1;
  }
  const char* t = find_key(payload, end, "text");
  if (t) {
    long n = read_json_string(t, end, buf);
    if (n >= 0) {
      out->content(out->ctx, buf, (size_t)n);
      found = 1;
    }
  }
  const char* u = find_key(payload, end, "usage");
  if (u && *u == '{') {
    out->usage(out->ctx, read_int(u, end, "prompt_tokens"), read_int(u, end, "completion_tokens"),
               read_int(u, end, "total_tokens"));
    found = 1;
  }
  free(buf);
  return found;
}

/* The `avg` (or another statistic) of metric `tag` in profile_export_aiperf.json, or -1. */
static double stat_of(const char* json, size_t len, const char* tag, const char* stat) {
  const char* end = json + len;
  const char* m = find_key(json, end, tag);
  if (!m || *m != '{') return -1;
  const char* close = memchr(m, '}', (size_t)(end - m));
  const char* v = find_key(m, close ? close : end, stat);
  return v ? strtod(v, NULL) : -1;
}

static int export_markdown(const aiperf_export_input* in, const aiperf_writer* file_path,
                           const aiperf_writer* error) {
  char path[4096];
  snprintf(path, sizeof path, "%s/profile_export_summary.md", in->artifact_dir);
  FILE* f = fopen(path, "w");
  if (!f) {
    put(error, "cannot write ");
    put(error, path);
    return 1;
  }
  const char* j = in->summary_json;
  size_t n = in->summary_json_len;
  fprintf(f, "# Benchmark summary\n\n| metric | avg | p50 | p99 |\n|---|---|---|---|\n");
  const char* tags[] = {"request_latency", "time_to_first_token", "inter_token_latency"};
  for (size_t i = 0; i < sizeof tags / sizeof *tags; ++i) {
    double avg = stat_of(j, n, tags[i], "avg");
    if (avg < 0) continue;
    fprintf(f, "| %s (ms) | %.3f | %.3f | %.3f |\n", tags[i], avg, stat_of(j, n, tags[i], "p50"),
            stat_of(j, n, tags[i], "p99"));
  }
  fprintf(f, "\nrequests: %.0f\n", stat_of(j, n, "request_count", "avg"));
  fclose(f);
  put(file_path, path);
  return 0;
}

static const aiperf_endpoint_v1 kEndpoints[] = {{
    "textgen",
    "example plugin: a completions-style text API (prompt in, choices[0].text out)",
    "/v1/completions",
    NULL,
    1,
    1,
    1,
    "LLM Metrics",
    render_body,
    parse,
}};

static const aiperf_exporter_v1 kExporters[] = {{
    "markdown",
    "example plugin: profile_export_summary.md with the headline latencies",
    export_markdown,
}};

static const aiperf_plugin_v1 kPlugin = {
    EXAMPLE_ABI_VERSION,
    "example-textgen",
    "1.0.0",
    "an example plugin: the textgen endpoint and the markdown exporter",
    kEndpoints,
    1,
    kExporters,
    1,
};

__attribute__((visibility("default"))) const aiperf_plugin_v1* aiperf_plugin_init(void) {
  return &kPlugin;
}
