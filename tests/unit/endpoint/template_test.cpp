// The template endpoint: the Jinja2 subset of bodies (autoescape, tojson with sorted keys, if and
// for), the JMESPath subset of response_field, and auto-detection of responses.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "aiperf/common/error.h"
#include "aiperf/endpoint/endpoint.h"
#include "aiperf/endpoint/template_engine.h"

namespace aiperf::endpoint {
namespace {

using detail::BodyTemplate;
using detail::FieldPath;
using nlohmann::json;

std::string render(std::string_view tpl, const json& vars) {
  return BodyTemplate(tpl).render(vars);
}

TEST(BodyTemplate, OutputsFiltersAndAutoescape) {
  json v = {{"texts", {"a<b", "c"}}, {"model", "m"}, {"n", 3}, {"d", {{"z", 1}, {"a", "x'"}}}};
  EXPECT_EQ(render(R"({"t": {{ texts|tojson }}})", v), R"({"t": ["a\u003cb", "c"]})");
  EXPECT_EQ(render("{{ texts[0] }}|{{ model }}|{{ n }}", v), "a&lt;b|m|3");
  EXPECT_EQ(render("{{ d|tojson }}", v), R"({"a": "x\u0027", "z": 1})");  // sorted keys
  EXPECT_EQ(render("{{ texts|length }} {{ texts|first }} {{ texts|join(',') }}", v),
            "2 a&lt;b a&lt;b,c");
  EXPECT_EQ(render("{{ missing }}|{{ missing|default('dflt') }}", v), "|dflt");
  EXPECT_EQ(render("{{ d.a }}{{ d['z'] }}{{ texts[-1] }}", v), "x&#39;1c");
  EXPECT_EQ(render("{{ none }}{{ true }}", v), "NoneTrue");
}

TEST(BodyTemplate, IfForAndWhitespaceControl) {
  json v = {{"items", {"x", "y", "z"}}, {"max_tokens", nullptr}, {"stream", true}};
  EXPECT_EQ(
      render("[{% for i in items %}\"{{ i }}\"{% if not loop.last %},{% endif %}{% endfor %}]", v),
      R"(["x","y","z"])");
  EXPECT_EQ(render("{% if max_tokens is none %}none{% elif stream %}s{% else %}e{% endif %}", v),
            "none");
  EXPECT_EQ(render("{% if max_tokens is not none %}a{% elif stream %}s{% endif %}", v), "s");
  EXPECT_EQ(render("a  {%- if stream -%}  b  {%- endif -%}  c", v), "abc");
  EXPECT_EQ(render("{# a comment #}{{ 'y' in items }}{{ 'q' not in items }}", v), "TrueTrue");
}

TEST(BodyTemplate, RejectsWhatItDoesNotSupport) {
  EXPECT_THROW(BodyTemplate("{{ x|upper(1) }} {{ y|sum }}"), ConfigError);
  EXPECT_THROW(BodyTemplate("{% set x = 1 %}"), ConfigError);
  EXPECT_THROW(BodyTemplate("{% if x %}no end"), ConfigError);
  EXPECT_THROW(BodyTemplate("{{ x"), ConfigError);
  EXPECT_THROW(BodyTemplate("{% endfor %}"), ConfigError);
  EXPECT_THROW(BodyTemplate("{{ a + b }}"), ConfigError);
}

TEST(FieldPath, SubsetOfJmesPath) {
  json doc = json::parse(
      R"({"data":[{"embedding":[1,2]},{"embedding":[3]}],"choices":[{"message":{"content":"hi"}}],)"
      R"("nested":[[1,2],[3]],"a-b":{"c":5}})");
  EXPECT_EQ(FieldPath("choices[0].message.content").search(doc), "hi");
  EXPECT_EQ(FieldPath("data[*].embedding").search(doc), json::parse("[[1,2],[3]]"));
  EXPECT_EQ(FieldPath("data[-1].embedding[0]").search(doc), 3);
  EXPECT_EQ(FieldPath("nested[]").search(doc), json::parse("[1,2,3]"));
  EXPECT_EQ(FieldPath("\"a-b\".c").search(doc), 5);
  EXPECT_TRUE(FieldPath("missing.x").search(doc).is_null());
  EXPECT_THROW(FieldPath("a || b"), ConfigError);
  EXPECT_THROW(FieldPath("a."), ConfigError);
  EXPECT_THROW(FieldPath("a[x]"), ConfigError);
}

struct TemplateRun {
  std::unique_ptr<Endpoint> ep;
  explicit TemplateRun(const std::string& extra_json) {
    config::Config cfg;
    cfg.endpoint_type = config::EndpointType::kTemplate;
    cfg.models = {"m"};
    cfg.extra_inputs_json = extra_json;
    ep = create(cfg);
  }
  std::string body(const dataset::Turn& turn, const std::string& extra_json) {
    auto extra = parse_extra_inputs(extra_json);
    dataset::Conversation conv;
    RenderContext c;
    c.conversation = &conv;
    c.turn = &turn;
    c.default_model = "m";
    c.extra_inputs = extra.get();
    return ep->render_body(c);
  }
};

TEST(TemplateEndpoint, NamedTemplateAndOtherExtrasMerged) {
  const std::string extra = R"({"payload_template":"nv-embedqa","input_type":"query"})";
  TemplateRun t(extra);
  dataset::Turn turn;
  turn.texts = {"a", "b"};
  EXPECT_EQ(t.body(turn, extra), R"({"text":["a","b"],"input_type":"query"})");
}

TEST(TemplateEndpoint, InlineAndFileTemplatesWithVariables) {
  const std::string tpl =
      R"({"model": "{{ model }}", "q": {{ query|tojson }}, "docs": {{ passages|tojson }}, )"
      R"("max": {{ max_tokens|tojson }}, "stream": {{ stream|tojson }}})";
  const std::string extra = json{{"payload_template", tpl}}.dump();
  TemplateRun t(extra);
  dataset::Turn turn;
  turn.texts = {"Q", "P1", "P2"};
  turn.text_names = {"query", "passages", "passages"};
  turn.max_tokens = 9;
  EXPECT_EQ(t.body(turn, extra),
            R"({"model":"m","q":"Q","docs":["P1","P2"],"max":9,"stream":false})");
  const auto path = std::filesystem::temp_directory_path() / "aiperf_template_test.j2";
  std::ofstream(path) << R"({"prompt": {{ text|tojson }}})";
  const std::string file_extra = json{{"payload_template", path.string()}}.dump();
  TemplateRun f(file_extra);
  EXPECT_EQ(f.body(turn, file_extra), R"({"prompt":"Q"})");
  std::filesystem::remove(path);
}

TEST(TemplateEndpoint, ConfigErrors) {
  EXPECT_THROW(TemplateRun("{}"), ConfigError);  // no payload_template
  EXPECT_THROW(TemplateRun(R"({"payload_template":"{% bogus %}"})"), ConfigError);
  EXPECT_THROW(TemplateRun(R"({"payload_template":"{}","response_field":"a |"})"), ConfigError);
  const std::string extra = R"({"payload_template":"not json {{ model }}"})";
  TemplateRun t(extra);
  dataset::Turn turn;
  turn.text = "x";
  EXPECT_THROW(t.body(turn, extra), InputError);
}

TEST(TemplateEndpoint, ResponseFieldAndAutoDetection) {
  TemplateRun plain(R"({"payload_template":"{}"})");
  ParsedResponse p;
  ASSERT_TRUE(plain.ep->parse(R"({"data":[{"object":"embedding","embedding":[1]}]})", p));
  EXPECT_EQ(p.kind, DataKind::kEmbeddings);
  ASSERT_TRUE(plain.ep->parse(R"({"results":[{"index":0,"score":1}]})", p));
  EXPECT_EQ(p.kind, DataKind::kRankings);
  ASSERT_TRUE(plain.ep->parse(R"({"output":["a","b"]})", p));
  EXPECT_EQ(p.content, "ab");
  ASSERT_TRUE(plain.ep->parse(R"({"choices":[{"delta":{"content":"d"}}]})", p));
  EXPECT_EQ(p.content, "d");
  ASSERT_TRUE(plain.ep->parse("not json at all", p));  // plain text is text, as AIPerf
  EXPECT_EQ(p.content, "not json at all");
  EXPECT_FALSE(plain.ep->parse("[DONE]", p));
  TemplateRun field(R"({"payload_template":"{}","response_field":"out.generated[0]"})");
  ASSERT_TRUE(field.ep->parse(R"({"out":{"generated":["tok"]},"text":"other"})", p));
  EXPECT_EQ(p.content, "tok");
  ASSERT_TRUE(field.ep->parse(R"({"text":"fallback"})", p));  // the field is absent
  EXPECT_EQ(p.content, "fallback");
}

// Found by endpoint_parsers_fuzz: an error object whose "type" is a number threw out of parse()
// (nlohmann's value() on a type mismatch) and ended the process.
TEST(TemplateEndpoint, FieldsOfAnotherTypeAreAbsentNotAnException) {
  TemplateRun plain(R"({"payload_template":"{}"})");
  ParsedResponse p;
  ASSERT_TRUE(plain.ep->parse(
      R"({"error":{"object":"error","message":"mid-stream failure","type":0,"code":503}})", p));
  EXPECT_TRUE(p.has_error);
  EXPECT_EQ(p.error.message, "mid-stream failure");
  EXPECT_EQ(p.error.type, "");
  EXPECT_EQ(p.error.code, 503);
  ASSERT_TRUE(plain.ep->parse(R"({"error":{"message":7,"type":"server_error"}})", p));
  EXPECT_EQ(p.error.message, "");
  EXPECT_EQ(p.error.type, "server_error");
  EXPECT_NO_THROW(plain.ep->parse(R"({"data":[{"object":1,"embedding":[1]}]})", p));
  EXPECT_NO_THROW(plain.ep->parse(R"({"choices":[{"text":2,"message":{"content":[]}}]})", p));
}

}  // namespace
}  // namespace aiperf::endpoint
