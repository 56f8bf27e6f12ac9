#include "sources/file_reader.h"

#include <boost/json.hpp>

#include <cerrno>
#include <cstring>

namespace sentio::sources {
namespace json = boost::json;

Result<InputFormat> ParseInputFormat(std::string_view s, std::string_view path) {
  if (s == "text" || s == "txt" || s == "lines") return InputFormat::kText;
  if (s == "jsonl" || s == "ndjson") return InputFormat::kJsonl;
  if (s == "csv") return InputFormat::kCsv;
  if (s == "auto" || s.empty()) {
    auto ends = [&](std::string_view suf) { return path.size() >= suf.size() && path.substr(path.size() - suf.size()) == suf; };
    if (ends(".jsonl") || ends(".ndjson") || ends(".json")) return InputFormat::kJsonl;
    if (ends(".csv")) return InputFormat::kCsv;
    return InputFormat::kText;
  }
  return InvalidArgument("unknown input format '" + std::string(s) + "' (want text, jsonl or csv)");
}

Result<std::unique_ptr<RecordReader>> RecordReader::Open(const std::string& path, ReaderOptions opts) {
  if (path.empty() || path == "-") return std::unique_ptr<RecordReader>(new RecordReader(stdin, false, "<stdin>", std::move(opts)));
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return IoError("cannot open '" + path + "': " + std::strerror(errno));
  return std::unique_ptr<RecordReader>(new RecordReader(f, true, path, std::move(opts)));
}

RecordReader::RecordReader(std::FILE* f, bool owned, std::string name, ReaderOptions opts)
    : f_(f), owned_(owned), name_(std::move(name)), opts_(std::move(opts)), buf_(1 << 20) {}

RecordReader::~RecordReader() {
  if (owned_ && f_) std::fclose(f_);
}

bool RecordReader::ReadLine(std::string& line) {
  line.clear();
  for (;;) {
    if (pos_ == end_) {
      if (eof_) return !line.empty();
      end_ = std::fread(buf_.data(), 1, buf_.size(), f_);
      pos_ = 0;
      if (end_ == 0) {
        eof_ = true;
        if (line.empty()) return false;
        ++line_no_;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        return true;
      }
    }
    const char* start = buf_.data() + pos_;
    const void* nl = std::memchr(start, '\n', end_ - pos_);
    if (nl) {
      std::size_t n = static_cast<std::size_t>(static_cast<const char*>(nl) - start);
      line.append(start, n);
      pos_ += n + 1;
      ++line_no_;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      return true;
    }
    line.append(start, end_ - pos_);
    pos_ = end_;
    if (line.size() > opts_.max_record_bytes) {
      // Keep memory bounded: drop the rest of an absurd line (reported by the caller).
      line.resize(opts_.max_record_bytes);
    }
  }
}

Result<bool> RecordReader::Next(Record& out) {
  if (opts_.format == InputFormat::kCsv) return NextCsv(out);
  out.has_id = false;
  out.id.clear();
  if (opts_.format == InputFormat::kText) {  // read straight into the record: no second copy
    if (!ReadLine(out.text)) return false;
    out.line = line_no_;
    return true;
  }
  for (;;) {
    if (!ReadLine(line_)) return false;
    out.line = line_no_;
    // JSONL: skip blank lines.
    if (line_.find_first_not_of(" \t") == std::string::npos) continue;
    boost::system::error_code ec;
    json::value v = json::parse(line_, ec);
    if (ec) return InvalidArgument(name_ + ":" + std::to_string(line_no_) + ": malformed JSON (" + ec.message() + ")");
    if (!v.is_object()) return InvalidArgument(name_ + ":" + std::to_string(line_no_) + ": expected a JSON object");
    const auto& o = v.as_object();
    const json::value* t = nullptr;
    if (!opts_.field.empty()) {
      t = o.if_contains(opts_.field);
    } else {
      for (const char* k : {"content", "text", "comment"})
        if ((t = o.if_contains(k))) break;
    }
    if (!t || !t->is_string())
      return InvalidArgument(name_ + ":" + std::to_string(line_no_) + ": missing string field '" +
                             (opts_.field.empty() ? std::string("content") : opts_.field) + "'");
    out.text.assign(t->get_string().data(), t->get_string().size());
    const json::value* idv = nullptr;
    if (!opts_.id_field.empty()) {
      idv = o.if_contains(opts_.id_field);
    } else {
      for (const char* k : {"id", "post_id"})
        if ((idv = o.if_contains(k))) break;
    }
    if (idv && !idv->is_null()) {
      out.has_id = true;
      out.id = idv->is_string() ? std::string(idv->get_string()) : json::serialize(*idv);
    }
    return true;
  }
}

bool SplitCsv(std::string_view rec, std::vector<std::string>& fields) {
  fields.clear();
  std::string cur;
  std::size_t i = 0;
  for (;;) {
    cur.clear();
    if (i < rec.size() && rec[i] == '"') {
      ++i;
      for (;;) {
        if (i >= rec.size()) return false;  // unterminated quote
        if (rec[i] == '"') {
          if (i + 1 < rec.size() && rec[i + 1] == '"') {
            cur += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        cur += rec[i++];
      }
      if (i < rec.size() && rec[i] != ',') return false;  // junk after closing quote
    } else {
      while (i < rec.size() && rec[i] != ',') cur += rec[i++];
    }
    fields.push_back(cur);
    if (i >= rec.size()) return true;
    ++i;  // comma
    if (i == rec.size()) {
      fields.emplace_back();
      return true;
    }
  }
}

namespace {
// True while the record has an odd number of quote characters (a newline is inside quotes).
bool InsideQuotes(std::string_view s) {
  std::size_t n = 0;
  for (char c : s) n += c == '"';
  return n % 2 == 1;
}
}  // namespace

Status RecordReader::ParseCsvHeader() {
  if (!ReadLine(line_)) return InvalidArgument(name_ + ": empty CSV (a header row is required)");
  if (line_.size() >= 3 && line_.compare(0, 3, "\xEF\xBB\xBF") == 0) line_.erase(0, 3);  // BOM
  if (!SplitCsv(line_, fields_)) return InvalidArgument(name_ + ":1: malformed CSV header");
  for (int i = 0; i < static_cast<int>(fields_.size()); ++i) {
    const std::string& h = fields_[static_cast<std::size_t>(i)];
    if (opts_.field.empty() ? (text_col_ < 0 && (h == "content" || h == "text" || h == "comment")) : h == opts_.field)
      text_col_ = i;
    if (opts_.id_field.empty() ? (id_col_ < 0 && (h == "id" || h == "post_id")) : h == opts_.id_field) id_col_ = i;
  }
  if (text_col_ < 0)
    return InvalidArgument(name_ + ":1: CSV header has no '" + (opts_.field.empty() ? std::string("content") : opts_.field) +
                           "' column");
  header_done_ = true;
  return Status::Ok();
}

Result<bool> RecordReader::NextCsv(Record& out) {
  if (!header_done_) SENTIO_RETURN_IF_ERROR(ParseCsvHeader());
  std::string rec;
  for (;;) {
    if (!ReadLine(line_)) return false;
    if (!line_.empty()) break;
  }
  out.line = line_no_;
  rec = line_;
  while (InsideQuotes(rec)) {
    if (rec.size() > opts_.max_record_bytes || !ReadLine(line_))
      return InvalidArgument(name_ + ":" + std::to_string(out.line) + ": unterminated quoted CSV field");
    rec += '\n';
    rec += line_;
  }
  if (!SplitCsv(rec, fields_)) return InvalidArgument(name_ + ":" + std::to_string(out.line) + ": malformed CSV row");
  if (static_cast<int>(fields_.size()) <= text_col_)
    return InvalidArgument(name_ + ":" + std::to_string(out.line) + ": row has " + std::to_string(fields_.size()) +
                           " fields, the text column is #" + std::to_string(text_col_ + 1));
  out.text = std::move(fields_[static_cast<std::size_t>(text_col_)]);
  out.has_id = id_col_ >= 0 && id_col_ < static_cast<int>(fields_.size());
  out.id = out.has_id ? fields_[static_cast<std::size_t>(id_col_)] : std::string();
  return true;
}

}  // namespace sentio::sources
