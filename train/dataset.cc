#include "train/dataset.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

#include <boost/json.hpp>

#include "train/sha256.h"

namespace sentio::train {
namespace {

struct RawRow {
  std::string text;
  std::vector<std::string> labels;
  std::size_t line;
};

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\r' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\r' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Splits "a,b" into trimmed labels; empty parts are an error (returns false).
bool SplitLabels(std::string_view s, bool multi, std::vector<std::string>& out, std::string& why) {
  out.clear();
  s = Trim(s);
  if (s.empty()) {
    why = "empty label";
    return false;
  }
  if (!multi) {
    if (s.find(',') != std::string_view::npos) {
      why = "several labels \"" + std::string(s) + "\" (use --multi-label for multi-label data)";
      return false;
    }
    out.emplace_back(s);
    return true;
  }
  while (true) {
    const auto p = s.find(',');
    const std::string_view part = Trim(s.substr(0, p));
    if (part.empty()) {
      why = "empty label in \"" + std::string(s) + "\"";
      return false;
    }
    out.emplace_back(part);
    if (p == std::string_view::npos) break;
    s.remove_prefix(p + 1);
  }
  return true;
}

class Collector {
 public:
  Collector(const std::string& name, const ReadOptions& o) : name_(name), o_(o) {}
  // Returns error unless skip_bad.
  Status Bad(std::size_t line, const std::string& why) {
    if (o_.skip_bad) {
      ++skipped_;
      return Status::Ok();
    }
    return InvalidArgument(name_ + ":" + std::to_string(line) + ": malformed row: " + why);
  }
  Status Add(RawRow r) {
    if (Trim(r.text).empty()) return Bad(r.line, "empty text");
    if (!o_.labels.empty()) {
      for (const auto& l : r.labels) {
        if (std::find(o_.labels.begin(), o_.labels.end(), l) == o_.labels.end()) {
          return Bad(r.line, "unknown label \"" + l + "\"");
        }
      }
    }
    rows_.push_back(std::move(r));
    return Status::Ok();
  }
  Result<Dataset> Finish(std::string sha) {
    Dataset d;
    d.path = name_;
    d.sha256 = std::move(sha);
    d.multi_label = o_.multi_label;
    d.skipped = skipped_;
    if (!o_.labels.empty()) {
      d.label_names = o_.labels;
    } else {
      std::map<std::string, int> seen;
      for (const auto& r : rows_) {
        for (const auto& l : r.labels) seen[l] = 0;
      }
      for (const auto& [l, _] : seen) d.label_names.push_back(l);
    }
    std::map<std::string, std::uint32_t> index;
    for (std::uint32_t i = 0; i < d.label_names.size(); ++i) index[d.label_names[i]] = i;
    d.examples.reserve(rows_.size());
    for (auto& r : rows_) {
      Example e;
      e.text = std::move(r.text);
      e.line = r.line;
      for (const auto& l : r.labels) e.labels.push_back(index.at(l));
      std::sort(e.labels.begin(), e.labels.end());
      e.labels.erase(std::unique(e.labels.begin(), e.labels.end()), e.labels.end());
      d.examples.push_back(std::move(e));
    }
    if (d.examples.empty()) return InvalidArgument(name_ + ": no usable examples");
    return d;
  }

 private:
  const std::string& name_;
  const ReadOptions& o_;
  std::vector<RawRow> rows_;
  std::size_t skipped_ = 0;
};

// Iterates lines (LF, optional CR) with 1-based numbers.
template <typename F>
Status ForEachLine(std::string_view data, F&& f) {
  std::size_t line = 0;
  std::size_t pos = 0;
  while (pos < data.size()) {
    ++line;
    std::size_t e = data.find('\n', pos);
    if (e == std::string_view::npos) e = data.size();
    std::string_view l = data.substr(pos, e - pos);
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    pos = e + 1;
    SENTIO_RETURN_IF_ERROR(f(l, line));
  }
  return Status::Ok();
}

Status ParseTsv(std::string_view data, Collector& c, const ReadOptions& o) {
  return ForEachLine(data, [&](std::string_view l, std::size_t line) -> Status {
    if (Trim(l).empty()) return Status::Ok();
    const auto tab = l.find('\t');
    if (tab == std::string_view::npos) return c.Bad(line, "no TAB between label and text");
    RawRow r;
    r.line = line;
    std::string why;
    if (!SplitLabels(l.substr(0, tab), o.multi_label, r.labels, why)) return c.Bad(line, why);
    r.text = std::string(l.substr(tab + 1));
    return c.Add(std::move(r));
  });
}

Status ParseJsonl(std::string_view data, Collector& c, const ReadOptions& o) {
  return ForEachLine(data, [&](std::string_view l, std::size_t line) -> Status {
    if (Trim(l).empty()) return Status::Ok();
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(l, ec);
    if (ec || !v.is_object()) return c.Bad(line, "not a JSON object");
    const auto& obj = v.as_object();
    const boost::json::value* t = obj.if_contains("text");
    if (!t) t = obj.if_contains("content");
    if (!t) t = obj.if_contains("comment");
    if (!t || !t->is_string()) return c.Bad(line, "missing string field \"text\"");
    const boost::json::value* lab = obj.if_contains("label");
    if (!lab) lab = obj.if_contains("labels");
    if (!lab) return c.Bad(line, "missing field \"label\"");
    RawRow r;
    r.line = line;
    r.text = std::string(t->as_string());
    if (lab->is_string()) {
      std::string why;
      if (!SplitLabels(lab->as_string(), o.multi_label, r.labels, why)) return c.Bad(line, why);
    } else if (lab->is_array()) {
      for (const auto& x : lab->as_array()) {
        if (!x.is_string() || Trim(x.as_string()).empty()) return c.Bad(line, "labels must be non-empty strings");
        r.labels.emplace_back(Trim(x.as_string()));
      }
      if (r.labels.empty()) return c.Bad(line, "empty label list");
      if (!o.multi_label && r.labels.size() > 1) return c.Bad(line, "several labels (use --multi-label)");
    } else {
      return c.Bad(line, "\"label\" must be a string or an array of strings");
    }
    return c.Add(std::move(r));
  });
}

// RFC 4180 records; each record is reported with its starting line.
Status ParseCsv(std::string_view data, Collector& c, const ReadOptions& o, const std::string& name) {
  std::size_t pos = 0, line = 1;
  auto next_record = [&](std::vector<std::string>& fields, std::size_t& start_line, std::string& err) -> bool {
    fields.clear();
    start_line = line;
    if (pos >= data.size()) return false;
    std::string cur;
    bool quoted = false, was_quoted = false;
    while (pos < data.size()) {
      const char ch = data[pos++];
      if (quoted) {
        if (ch == '"') {
          if (pos < data.size() && data[pos] == '"') {
            cur += '"';
            ++pos;
          } else {
            quoted = false;
          }
        } else {
          if (ch == '\n') ++line;
          cur += ch;
        }
        continue;
      }
      if (ch == '"' && cur.empty() && !was_quoted) {
        quoted = was_quoted = true;
      } else if (ch == ',') {
        fields.push_back(std::move(cur));
        cur.clear();
        was_quoted = false;
      } else if (ch == '\n') {
        ++line;
        if (!cur.empty() && cur.back() == '\r' && !was_quoted) cur.pop_back();
        fields.push_back(std::move(cur));
        return true;
      } else if (ch == '\r' && was_quoted) {
        // CR after a closing quote: ignore
      } else {
        if (was_quoted && !quoted) {
          err = "text after closing quote";
        }
        cur += ch;
      }
    }
    if (quoted) err = "unterminated quoted field";
    fields.push_back(std::move(cur));
    return true;
  };
  std::vector<std::string> fields;
  std::size_t rec_line = 0;
  std::string err;
  if (!next_record(fields, rec_line, err)) return InvalidArgument(name + ": empty CSV file");
  if (!err.empty()) return InvalidArgument(name + ":1: bad CSV header: " + err);
  int text_col = -1, label_col = -1;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    const std::string_view f = Trim(fields[i]);
    if (f == "text" || (text_col < 0 && (f == "content" || f == "comment"))) text_col = static_cast<int>(i);
    if (f == "label" || (label_col < 0 && f == "labels")) label_col = static_cast<int>(i);
  }
  if (text_col < 0 || label_col < 0) {
    return InvalidArgument(name + ":1: CSV header must name a \"text\" and a \"label\" column");
  }
  while (true) {
    err.clear();
    if (!next_record(fields, rec_line, err)) break;
    if (fields.size() == 1 && Trim(fields[0]).empty()) continue;  // blank line
    if (!err.empty()) {
      SENTIO_RETURN_IF_ERROR(c.Bad(rec_line, err));
      continue;
    }
    const auto need = static_cast<std::size_t>(std::max(text_col, label_col));
    if (fields.size() <= need) {
      SENTIO_RETURN_IF_ERROR(c.Bad(rec_line, "expected at least " + std::to_string(need + 1) +
                                                 " fields, got " + std::to_string(fields.size())));
      continue;
    }
    RawRow r;
    r.line = rec_line;
    std::string why;
    if (!SplitLabels(fields[static_cast<std::size_t>(label_col)], o.multi_label, r.labels, why)) {
      SENTIO_RETURN_IF_ERROR(c.Bad(rec_line, why));
      continue;
    }
    r.text = std::move(fields[static_cast<std::size_t>(text_col)]);
    SENTIO_RETURN_IF_ERROR(c.Add(std::move(r)));
  }
  return Status::Ok();
}

bool EndsWith(const std::string& s, std::string_view suf) {
  return s.size() >= suf.size() && s.compare(s.size() - suf.size(), suf.size(), suf) == 0;
}

}  // namespace

std::vector<std::size_t> Dataset::LabelCounts() const {
  std::vector<std::size_t> n(label_names.size(), 0);
  for (const auto& e : examples) {
    for (auto l : e.labels) ++n[l];
  }
  return n;
}

Result<DataFormat> FormatFromPath(const std::string& path) {
  if (EndsWith(path, ".tsv") || EndsWith(path, ".txt")) return DataFormat::kTsv;
  if (EndsWith(path, ".jsonl") || EndsWith(path, ".ndjson") || EndsWith(path, ".json")) return DataFormat::kJsonl;
  if (EndsWith(path, ".csv")) return DataFormat::kCsv;
  return InvalidArgument(path + ": unknown data format (expected .tsv, .jsonl or .csv)");
}

Result<Dataset> ParseDataset(std::string_view data, const std::string& name, const ReadOptions& opts) {
  DataFormat fmt = opts.format;
  if (fmt == DataFormat::kAuto) {
    auto f = FormatFromPath(name);
    if (!f.ok()) return f.status();
    fmt = *f;
  }
  Collector c(name, opts);
  switch (fmt) {
    case DataFormat::kTsv: SENTIO_RETURN_IF_ERROR(ParseTsv(data, c, opts)); break;
    case DataFormat::kJsonl: SENTIO_RETURN_IF_ERROR(ParseJsonl(data, c, opts)); break;
    case DataFormat::kCsv: SENTIO_RETURN_IF_ERROR(ParseCsv(data, c, opts, name)); break;
    case DataFormat::kAuto: break;
  }
  return c.Finish(Sha256Hex(data));
}

Result<Dataset> ReadDataset(const std::string& path, const ReadOptions& opts) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return IoError(path + ": cannot open data file");
  std::ostringstream ss;
  ss << f.rdbuf();
  if (f.bad()) return IoError(path + ": read error");
  return ParseDataset(ss.str(), path, opts);
}

}  // namespace sentio::train
