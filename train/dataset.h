// Labelled datasets for training and evaluation.
//
// Formats (chosen by file extension, or explicitly):
//   TSV   (.tsv, .txt)      `label<TAB>text` per line, no header (the /work/shared/data shape)
//   JSONL (.jsonl, .ndjson) one object per line: "text" (or "content"/"comment") and "label"
//                           (string, or array of strings) or "labels"
//   CSV   (.csv)            RFC 4180 with a header naming "text" and "label" (or "labels")
// Multi-label rows list labels comma-separated ("joy,surprise") or as a JSON array.
// Malformed rows are an error naming file and line, unless skip_bad (then counted).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"

namespace sentio::train {

enum class DataFormat { kAuto, kTsv, kJsonl, kCsv };

struct Example {
  std::string text;
  std::vector<std::uint32_t> labels;  // indices into Dataset::label_names (sorted, unique)
  std::size_t line = 0;               // 1-based line where the record starts
};

struct Dataset {
  std::string path;
  std::string sha256;                    // digest of the file bytes
  std::vector<std::string> label_names;  // model label order
  bool multi_label = false;
  std::vector<Example> examples;
  std::size_t skipped = 0;               // malformed rows skipped (skip_bad)
  std::vector<std::size_t> LabelCounts() const;
};

struct ReadOptions {
  DataFormat format = DataFormat::kAuto;
  bool multi_label = false;
  bool skip_bad = false;
  // Fixed label set (e.g. a model's labels): rows with other labels are malformed.
  // Empty: labels are discovered and sorted alphabetically.
  std::vector<std::string> labels;
};

Result<Dataset> ReadDataset(const std::string& path, const ReadOptions& opts);
// Same, from bytes already in memory (`name` is used in messages).
Result<Dataset> ParseDataset(std::string_view data, const std::string& name, const ReadOptions& opts);

Result<DataFormat> FormatFromPath(const std::string& path);

}  // namespace sentio::train
