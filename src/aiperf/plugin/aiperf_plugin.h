/* aiperf shared-object plugins: the C ABI (docs/plugins.md). A plugin is a shared object that
 * exports one function, aiperf_plugin_init, returning a static table of the endpoints and
 * exporters it provides. aiperf loads it with --plugin PATH (repeatable) or from the
 * colon-separated directories and files of AIPERF_PLUGIN_PATH, checks abi_version, and registers
 * what it lists: an endpoint becomes a value of --endpoint-type, an exporter writes its file
 * after every run. `aiperf plugins` lists them with the built-in ones.
 *
 * This header is C (C99 or later, or C++); it includes only <stddef.h> and <stdint.h>. Strings
 * passed in are not NUL-terminated unless stated: each comes with its length. Everything a
 * plugin returns in its tables (names, descriptions) must stay valid while the process runs.
 *
 * Threading: render_body and parse may be called from several threads at once and must not
 * keep state between calls (or must guard it). export_run is called on one thread.
 *
 * Versioning: AIPERF_PLUGIN_ABI_VERSION changes whenever a struct below changes layout or
 * meaning; aiperf refuses a plugin whose abi_version differs, with one line naming both. */
#ifndef AIPERF_PLUGIN_H
#define AIPERF_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define AIPERF_PLUGIN_ABI_VERSION 1
#define AIPERF_PLUGIN_INIT_SYMBOL "aiperf_plugin_init"

/* Where a plugin writes text: call write() any number of times; the pieces are appended. */
typedef struct aiperf_writer {
  void* ctx;
  void (*write)(void* ctx, const char* data, size_t len);
} aiperf_writer;

/* One chat message of the request being rendered. */
typedef struct aiperf_message {
  const char* role; /* "system", "user", "assistant" */
  size_t role_len;
  const char* content;
  size_t content_len;
} aiperf_message;

/* Everything render_body needs for one request. */
typedef struct aiperf_render_input {
  const char* model;
  size_t model_len;
  int streaming;      /* --streaming */
  int64_t max_tokens; /* the turn's output length, -1 when none is set */
  /* The conversation so far, in order: system and context messages, earlier turns with the
   * server's answers, and the current user turn last. */
  const aiperf_message* messages;
  size_t num_messages;
  /* --extra-inputs as one JSON object ("{}" when none); merge it into the body as you see fit. */
  const char* extra_inputs_json;
  size_t extra_inputs_json_len;
  int warmup; /* the request belongs to the warmup phase */
} aiperf_render_input;

/* What parse found in one response message; each setter may be called at most once per
 * message, content and reasoning may be called with pieces (appended). */
typedef struct aiperf_parse_out {
  void* ctx;
  /* Generated output text (counted as output tokens). An empty piece still marks the message as
   * a content response (it counts for time to first token). */
  void (*content)(void* ctx, const char* text, size_t len);
  /* Reasoning text (counted as reasoning tokens). */
  void (*reasoning)(void* ctx, const char* text, size_t len);
  /* Token counts the server reported; -1 for unknown. */
  void (*usage)(void* ctx, int64_t prompt_tokens, int64_t completion_tokens, int64_t total_tokens);
  /* The message reports an error: the request fails. code -1 when none. */
  void (*error)(void* ctx, int code, const char* type, size_t type_len, const char* message,
                size_t message_len);
} aiperf_parse_out;

typedef struct aiperf_endpoint_v1 {
  const char* name;           /* the --endpoint-type value; [a-z0-9_]+, not a built-in name */
  const char* description;    /* one line, shown by `aiperf plugins endpoint` */
  const char* endpoint_path;  /* appended to --url, e.g. "/v1/generate"; "" for none */
  const char* streaming_path; /* used instead when --streaming; NULL or "" for the same */
  int supports_streaming;
  int produces_tokens;       /* output is text whose tokens are counted */
  int tokenizes_input;       /* input sequence length is counted from the prompt */
  const char* metrics_title; /* console title, e.g. "LLM Metrics"; NULL for that default */
  /* Writes the request body (JSON) to `body`. Returns 0, or nonzero with a one-line reason
   * written to `error` (the run stops before sending anything). */
  int (*render_body)(const aiperf_render_input* in, const aiperf_writer* body,
                     const aiperf_writer* error);
  /* Parses one response message: an SSE event's data, or a whole non-streamed body. Returns 1
   * when the message held content, usage or an error (reported through `out`), 0 when it held
   * nothing of interest (e.g. "[DONE]"). */
  int (*parse)(const char* payload, size_t len, const aiperf_parse_out* out);
} aiperf_endpoint_v1;

/* What an exporter gets after each run, once aiperf has written its own files. */
typedef struct aiperf_export_input {
  const char* artifact_dir; /* NUL-terminated */
  /* profile_export_aiperf.json as written (every statistic, run info, errors). */
  const char* summary_json;
  size_t summary_json_len;
  /* profile_export.jsonl (one line per request), or NULL at --export-level summary.
   * NUL-terminated. */
  const char* records_jsonl_path;
} aiperf_export_input;

typedef struct aiperf_exporter_v1 {
  const char* name;        /* [a-z0-9_]+ */
  const char* description; /* one line */
  /* Writes the exporter's output. Returns 0 and writes the path of the file it wrote to
   * `file_path` (listed with the run's files; nothing when it wrote none), or nonzero with a
   * one-line reason in `error` (reported; the run's own exports stand). */
  int (*export_run)(const aiperf_export_input* in, const aiperf_writer* file_path,
                    const aiperf_writer* error);
} aiperf_exporter_v1;

typedef struct aiperf_plugin_v1 {
  uint32_t abi_version; /* AIPERF_PLUGIN_ABI_VERSION: must stay the first member */
  const char* package;  /* e.g. "example-echo" */
  const char* version;  /* e.g. "1.0.0" */
  const char* description;
  const aiperf_endpoint_v1* endpoints;
  size_t num_endpoints;
  const aiperf_exporter_v1* exporters;
  size_t num_exporters;
} aiperf_plugin_v1;

/* The one symbol a plugin exports. */
typedef const aiperf_plugin_v1* (*aiperf_plugin_init_fn)(void);

#ifdef __cplusplus
}
#endif

#endif /* AIPERF_PLUGIN_H */
