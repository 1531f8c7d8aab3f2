// profile_export.jsonl (spec §6.5) into columns. A 1M-line file must load in about a second,
// so the file is read in large blocks and each line is parsed in place by simdjson's On-Demand
// parser (runtime-dispatched to the CPU's SIMD kernels; the rest of the block is its padding).
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <string_view>

#include <simdjson.h>

#include "aiperf/common/error.h"
#include "aiperf/report/run_data.h"

namespace aiperf::report {

namespace {

constexpr size_t kBlockBytes = 16u << 20;

/// Column lookup by key with a memo of the previous line's field order: lines of one file
/// carry their metrics in the same order, so the usual lookup is one string compare.
class ColumnIndex {
 public:
  ColumnIndex(RequestColumns& cols, const RecordsOptions& opts) : cols_(cols) {
    for (const auto& t : opts.tags) wanted_.push_back(t);
  }

  /// The column for `key`, or nullptr when it is not wanted. `pos` is the field's position.
  std::vector<double>* find(std::string_view key, size_t pos) {
    if (pos < order_.size() && order_[pos].first == key) return order_[pos].second;
    std::vector<double>* col = lookup(key);
    if (pos >= order_.size()) order_.resize(pos + 1);
    order_[pos] = {std::string(key), col};
    return col;
  }

 private:
  std::vector<double>* lookup(std::string_view key) {
    if (!wanted_.empty()) {
      bool want = false;
      for (const auto& w : wanted_) want = want || w == key;
      if (!want) return nullptr;
    }
    auto& col = cols_.metrics[std::string(key)];
    col.resize(cols_.size(), std::nan(""));
    return &col;
  }

  RequestColumns& cols_;
  std::vector<std::string> wanted_;
  std::vector<std::pair<std::string, std::vector<double>*>> order_;
};

/// One line at a time through simdjson's On-Demand parser: only the fields read are parsed (the
/// metrics' "value"s and two timestamps), the rest skipped; a DOM parse built the whole line's
/// tape first, two thirds of the cost of reading a record back. Any parse error on the way, or
/// text after the object, makes the line invalid.
struct LineParser {
  RequestColumns& cols;
  ColumnIndex index;
  simdjson::ondemand::parser parser;
  std::vector<std::pair<std::vector<double>*, double>> row;  // this line's metric values

  static bool read_metadata(simdjson::ondemand::object meta, int64_t& start, int64_t& end,
                            bool& have_start) {
    for (auto field : meta) {
      std::string_view k;
      if (field.unescaped_key().get(k)) return false;
      int64_t x = 0;
      if (k == "request_start_ns") {
        if (field.value().get_int64().get(x) == simdjson::SUCCESS) {
          start = x;
          have_start = true;
        }
      } else if (k == "request_end_ns") {
        if (field.value().get_int64().get(x) == simdjson::SUCCESS) end = x;
      }
    }
    return true;
  }

  bool read_metrics(simdjson::ondemand::object metrics) {
    size_t pos = 0;
    for (auto field : metrics) {
      std::string_view k;
      if (field.unescaped_key().get(k)) return false;
      std::vector<double>* col = index.find(k, pos++);
      if (col == nullptr) continue;  // skipped, unparsed
      simdjson::ondemand::object m;
      if (field.value().get_object().get(m)) continue;
      for (auto f : m) {
        std::string_view mk;
        if (f.unescaped_key().get(mk)) return false;
        double x;
        if (mk == "value" && f.value().get_double().get(x) == simdjson::SUCCESS) {
          row.emplace_back(col, x);
        }
      }
    }
    return true;
  }

  /// Parses one line (followed by at least SIMDJSON_PADDING readable bytes); false when it is
  /// not a JSON object.
  bool parse(const char* p, size_t len) {
    simdjson::ondemand::document doc;
    if (parser.iterate(p, len, len + simdjson::SIMDJSON_PADDING).get(doc)) return false;
    simdjson::ondemand::object obj;
    if (doc.get_object().get(obj)) return false;
    int64_t start = 0, end = 0;
    bool have_start = false, error = false;
    row.clear();
    for (auto field : obj) {
      std::string_view k;
      if (field.unescaped_key().get(k)) return false;
      simdjson::ondemand::value v;
      if (field.value().get(v)) return false;
      simdjson::ondemand::object o;
      if (k == "metadata") {
        if (v.get_object().get(o) || !read_metadata(o, start, end, have_start)) return false;
      } else if (k == "metrics") {
        if (v.get_object().get(o) == simdjson::SUCCESS && !read_metrics(o)) return false;
      } else if (k == "error") {
        bool is_null = false;
        if (v.is_null().get(is_null)) return false;
        error = !is_null;
      }
    }
    // Errors met while skipping (the iteration above stops on them) and text after the object.
    const char* at = nullptr;
    if (!doc.is_alive() || doc.current_location().get(at) != simdjson::OUT_OF_BOUNDS) return false;
    if (!have_start) return true;  // a line without timestamps carries nothing to plot
    cols.start_ns.push_back(start);
    cols.end_ns.push_back(end > 0 ? end : start);
    cols.error.push_back(error ? 1 : 0);
    const size_t n = cols.start_ns.size();
    for (auto& [col, x] : row) {
      col->resize(n - 1, std::nan(""));
      col->push_back(x);
    }
    return true;
  }
};

}  // namespace

RequestColumns read_records(const std::string& path, const RecordsOptions& opts) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw InputError(path + ": cannot open (" + std::strerror(errno) + ")");
  RequestColumns cols;
  LineParser lp{cols, ColumnIndex(cols, opts), simdjson::ondemand::parser(), {}};
  std::string buf(kBlockBytes + simdjson::SIMDJSON_PADDING, '\0');
  size_t have = 0;  // bytes of unparsed data at the front of buf
  int64_t lineno = 0;
  bool eof = false;
  while (!eof || have > 0) {
    if (!eof) {
      if (have == buf.size() - simdjson::SIMDJSON_PADDING) {  // one very long line: grow
        buf.resize((buf.size() - simdjson::SIMDJSON_PADDING) * 2 + simdjson::SIMDJSON_PADDING);
      }
      ssize_t r = ::read(fd, buf.data() + have, buf.size() - simdjson::SIMDJSON_PADDING - have);
      if (r < 0) {
        ::close(fd);
        throw InputError(path + ": read error (" + std::strerror(errno) + ")");
      }
      eof = r == 0;
      have += size_t(r);
    }
    size_t pos = 0;
    while (pos < have) {
      const char* nl = static_cast<const char*>(std::memchr(buf.data() + pos, '\n', have - pos));
      if (nl == nullptr && !eof) break;  // incomplete line: read more first
      size_t end = nl ? size_t(nl - buf.data()) : have;
      ++lineno;
      size_t len = end - pos;
      while (len > 0 && (buf[pos + len - 1] == '\r' || buf[pos + len - 1] == ' ')) --len;
      if (len > 0 && !lp.parse(buf.data() + pos, len)) {
        ::close(fd);
        throw InputError(path + ":" + std::to_string(lineno) +
                         ": not a valid JSON record line (is the file truncated?)");
      }
      pos = nl ? end + 1 : have;
    }
    std::memmove(buf.data(), buf.data() + pos, have - pos);
    have -= pos;
    std::memset(buf.data() + have, 0, simdjson::SIMDJSON_PADDING);
  }
  ::close(fd);
  for (auto it = cols.metrics.begin(); it != cols.metrics.end();) {
    auto& col = it->second;
    col.resize(cols.size(), std::nan(""));
    // A metric seen only with non-scalar values (inter_chunk_latency lists) is no column.
    const bool any = std::any_of(col.begin(), col.end(), [](double v) { return !std::isnan(v); });
    it = any ? std::next(it) : cols.metrics.erase(it);
  }
  return cols;
}

}  // namespace aiperf::report
