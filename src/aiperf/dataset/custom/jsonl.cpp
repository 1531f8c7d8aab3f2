// Shared pieces of the record parsers: the streaming line reader, the one-line error, JSON value
// descriptions.
#include <cerrno>
#include <cstring>

#include "aiperf/common/cancel.h"
#include "aiperf/common/error.h"
#include "aiperf/dataset/custom/json_util.h"
#include "aiperf/dataset/custom/records.h"

namespace aiperf::dataset::custom {

namespace {
constexpr size_t kBlock = 1 << 20;

std::string clip(std::string_view s, size_t n = 60) {
  std::string out;
  for (char c : s.substr(0, n)) out += (static_cast<unsigned char>(c) < 0x20) ? ' ' : c;
  if (s.size() > n) out += "...";
  return out;
}
}  // namespace

void fail(const SourcePos& pos, std::string_view field, std::string_view what) {
  std::string msg = std::string(pos.file) + ":" + std::to_string(pos.line) + ": ";
  if (!field.empty()) msg += std::string(field) + ": ";
  msg += what;
  for (char& c : msg) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  throw InputError(msg);
}

std::string num_text(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.15g", v);
  return buf;
}

std::string describe(dom::element e) {
  switch (e.type()) {
    case dom::element_type::ARRAY:
      return "an array";
    case dom::element_type::OBJECT:
      return "an object";
    case dom::element_type::INT64:
    case dom::element_type::UINT64:
    case dom::element_type::DOUBLE:
      return "the number " + clip(simdjson::minify(e));
    case dom::element_type::STRING:
      return "the string " + clip(simdjson::minify(e));
    case dom::element_type::BOOL:
      return bool(e) ? "true" : "false";
    case dom::element_type::NULL_VALUE:
      return "null";
  }
  return "?";
}

dom::object parse_object(std::string_view text, const SourcePos& pos, std::string_view what) {
  thread_local dom::parser parser;
  dom::element root;
  if (auto err = parser.parse(text.data(), text.size()).get(root)) {
    fail(pos, "",
         std::string("expected ") + std::string(what) + " as one JSON object (" +
             simdjson::error_message(err) + "; got '" + clip(text) + "')");
  }
  dom::object obj;
  if (root.get_object().get(obj)) {
    fail(pos, "",
         std::string("expected ") + std::string(what) + " as one JSON object (got " +
             describe(root) + ")");
  }
  return obj;
}

LineReader::LineReader(const std::string& path) : path_(path) {
  f_ = std::fopen(path.c_str(), "rb");
  if (!f_) {
    throw InputError(path + ": cannot open (" + std::strerror(errno) +
                     "); check the --input-file path");
  }
  buf_.resize(kBlock);
}

LineReader::~LineReader() {
  if (f_) std::fclose(f_);
}

bool LineReader::next(std::string_view& line) {
  carry_.clear();
  for (;;) {
    if (pos_ < end_) {
      const char* start = buf_.data() + pos_;
      const void* nl = std::memchr(start, '\n', end_ - pos_);
      if (nl) {
        size_t len = size_t(static_cast<const char*>(nl) - start);
        pos_ += len + 1;
        if (carry_.empty()) {
          line = std::string_view(start, len);
        } else {
          carry_.append(start, len);
          line = carry_;
        }
        break;
      }
      carry_.append(start, end_ - pos_);
      pos_ = end_;
    }
    if (eof_) {
      if (carry_.empty()) return false;
      line = carry_;
      break;
    }
    throw_if_stop_requested();  // once per block: a signal stops a long load promptly
    end_ = std::fread(buf_.data(), 1, buf_.size(), f_);
    pos_ = 0;
    if (end_ < buf_.size()) {
      if (std::ferror(f_)) {
        throw InputError(path_ + ": cannot read (" + std::strerror(errno) +
                         "); is it a regular file? (only random_pool takes a directory)");
      }
      eof_ = true;
    }
  }
  ++line_no_;
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line_no_ == 1 && line.substr(0, 3) == "\xEF\xBB\xBF") line.remove_prefix(3);
  return true;
}

void for_each_line(const std::string& path,
                   const std::function<void(std::string_view, const SourcePos&)>& on_line) {
  LineReader r(path);
  std::string_view line;
  while (r.next(line)) {
    bool blank = true;
    for (char c : line) {
      if (c != ' ' && c != '\t') {
        blank = false;
        break;
      }
    }
    if (blank) continue;
    on_line(line, SourcePos{path, r.line_number()});
  }
}

void TurnRecord::clear() {
  *this = TurnRecord();
}

void TraceRow::clear() {
  // Keep string capacities: a trace parse reuses one row.
  line = 0;
  timestamp_ms.reset();
  delay_ms.reset();
  input_length.reset();
  output_length.reset();
  hash_ids.clear();
  session_id.reset();
  text_input.clear();
  messages_json.clear();
  tools_json.clear();
  payload_json.clear();
  extra_json.clear();
  message_mode_delta = false;
  chat_id = 0;
  parent_chat_id = -1;
  turn = 1;
  request_type.clear();
}

}  // namespace aiperf::dataset::custom
