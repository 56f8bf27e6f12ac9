// Streaming readers for unlabelled input: plain text lines, JSONL (a text field per
// object) and CSV with a header (RFC 4180 quoting, newlines inside quotes). Constant
// memory on unbounded input; every error names the file and line.
#pragma once

#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace sentio::sources {

enum class InputFormat { kText, kJsonl, kCsv };

// "text"|"jsonl"|"csv"; "auto" picks by file extension (.jsonl/.ndjson/.json, .csv), else text.
Result<InputFormat> ParseInputFormat(std::string_view s, std::string_view path_for_auto);

struct Record {
  std::string text;
  std::string id;          // from the id field when present
  bool has_id = false;
  std::size_t line = 0;    // 1-based line where the record starts
};

struct ReaderOptions {
  InputFormat format = InputFormat::kText;
  std::string field;        // text field; "" = first of content, text, comment
  std::string id_field;     // "" = first of id, post_id
  std::size_t max_record_bytes = 16u << 20;
};

class RecordReader {
 public:
  // path "-" or "" = stdin.
  static Result<std::unique_ptr<RecordReader>> Open(const std::string& path, ReaderOptions opts);
  ~RecordReader();
  // true = a record was read; false = end of input; error = malformed row (the reader
  // stays usable: the caller may skip the row and call Next again).
  Result<bool> Next(Record& out);
  const std::string& name() const { return name_; }

 private:
  RecordReader(std::FILE* f, bool owned, std::string name, ReaderOptions opts);
  bool ReadLine(std::string& line);  // false at EOF; strips \n and \r\n
  Result<bool> NextCsv(Record& out);
  Status ParseCsvHeader();
  std::FILE* f_;
  bool owned_;
  std::string name_;
  ReaderOptions opts_;
  std::vector<char> buf_;
  std::size_t pos_ = 0, end_ = 0;
  bool eof_ = false;
  std::size_t line_no_ = 0;
  std::string line_;
  // CSV state
  bool header_done_ = false;
  int text_col_ = -1, id_col_ = -1;
  std::vector<std::string> fields_;
};

// Splits one CSV record (already joined across quoted newlines) into fields.
// Returns false on malformed quoting.
bool SplitCsv(std::string_view rec, std::vector<std::string>& fields);

}  // namespace sentio::sources
