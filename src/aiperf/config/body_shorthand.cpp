// AIPerf's shorthand forms of the `benchmark` body (loader/normalizers.py), rewritten to the long
// forms before anything else reads the body.
#include "aiperf/config/study_paths.h"

namespace aiperf::config::detail {
namespace {

void exclusive(const YamlNode& body, const YamlReader& r, const char* a, const char* b,
               const char* advice) {
  if (body.find(a) && body.find(b)) {
    r.fail("benchmark." + body.key_as_written(a), *body.find(a),
           "'" + std::string(a) + "' cannot be used with '" + b + "'; " + advice);
  }
}

/// {name: X, **m}: the name first, as AIPerf builds it.
YamlNode named(const std::string& name, const YamlNode& m) {
  YamlNode out = YamlNode::map(m.line);
  out.fields.emplace_back("name", YamlNode::scalar(name, m.line));
  for (const auto& f : m.fields) {
    if (f.first != "name") out.fields.push_back(f);
  }
  return out;
}

}  // namespace

void normalize_body(YamlNode& body, const YamlReader& r) {
  const char* kPhaseAdvice =
      "use 'warmup'/'profiling' for simple configs or 'phases' for multi-phase configs";
  exclusive(body, r, "warmup", "phases", kPhaseAdvice);
  exclusive(body, r, "profiling", "phases", kPhaseAdvice);
  exclusive(body, r, "dataset", "datasets",
            "use 'dataset' for a single dataset or 'datasets' for a named list");
  exclusive(body, r, "model", "models", "use 'model' for one model or 'models' for several");
  if (body.find("warmup") && !body.find("profiling")) {
    r.fail("benchmark." + body.key_as_written("warmup"), *body.find("warmup"),
           "'warmup' requires 'profiling' (a warmup alone produces no results)");
  }

  // warmup: / profiling: -> phases: [warmup, profiling]
  if (body.find("warmup") || body.find("profiling")) {
    int line = 0;
    YamlNode phases = YamlNode::seq();
    for (const char* name : {"warmup", "profiling"}) {
      if (const YamlNode* p = body.find(name)) {
        line = line ? line : p->line;
        phases.items.push_back(p->is_map() ? named(name, *p) : *p);
        body.erase(name);
      }
    }
    phases.line = line;
    body.fields.emplace_back("phases", std::move(phases));
  }
  // model -> models
  if (body.find("model")) {
    const std::string k = body.key_as_written("model");
    for (auto& f : body.fields) {
      if (f.first == k) f.first = "models";
    }
  }
  // dataset -> datasets: [{name: default, ...}]
  if (const YamlNode* ds = body.find("dataset")) {
    YamlNode list = YamlNode::seq(ds->line);
    list.items.push_back(ds->is_map() ? named("default", *ds) : *ds);
    if (ds->is_map() && ds->find_exact("name")) list.items.back() = *ds;
    body.erase("dataset");
    body.fields.emplace_back("datasets", std::move(list));
  }
  // phases: {type: ...} -> [{name: profiling, ...}]
  if (YamlNode* phases = body.find("phases"); phases && phases->is_map() && phases->find("type")) {
    YamlNode list = YamlNode::seq(phases->line);
    list.items.push_back(named("profiling", *phases));
    *phases = std::move(list);
  }
  // Synthetic datasets: top-level isl/osl -> prompts.{isl,osl}; a missing type is synthetic.
  if (YamlNode* list = body.find("datasets"); list && list->is_seq()) {
    for (auto& ds : list->items) {
      if (!ds.is_map()) continue;
      const YamlNode* type = ds.find("type");
      const bool synthetic = !type || (type->is_scalar() && type->text == "synthetic");
      if (!synthetic) continue;
      for (const char* k : {"isl", "osl"}) {
        const YamlNode* v = ds.find(k);
        if (!v) continue;
        YamlNode value = *v;
        ds.erase(k);
        YamlNode* prompts = ds.find("prompts");
        if (!prompts) {
          ds.fields.emplace_back("prompts", YamlNode::map(value.line));
          prompts = &ds.fields.back().second;
        }
        if (prompts->is_map() && !prompts->find(k)) prompts->fields.emplace_back(k, value);
      }
    }
  }
}

}  // namespace aiperf::config::detail
