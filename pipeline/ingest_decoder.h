// Decodes POST /api/ingest bodies (one post object, {"posts": [...]}, or NDJSON) into
// Posts, reporting per-item errors by index without rejecting valid items.
// Pure function: fuzzed by pipeline/fuzz_ingest_decoder.cc.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/types.h"

namespace sentio::pipeline {

struct IngestLimits {
  std::size_t max_posts = 10000;          // per request
  std::size_t max_content_bytes = 20000;  // per post
  std::size_t max_field_bytes = 512;      // post_id, source, author, video_id
  std::size_t max_meta_bytes = 8192;
};

struct ItemError {
  std::size_t index;
  std::string field;
  std::string message;
};

struct DecodedIngest {
  std::vector<Post> posts;              // valid items, in input order
  std::vector<std::size_t> input_index; // posts[i] came from input item input_index[i]
  std::vector<ItemError> errors;
  std::size_t items = 0;                // total items seen
};

// Whole-body errors (malformed JSON, wrong top-level type, too many posts) -> Status
// (kInvalidArgument / kTooLarge). `now` fills created_at/ingested_at when absent.
Result<DecodedIngest> DecodeIngest(std::string_view body, bool ndjson, const IngestLimits& limits,
                                   TimeMs now, std::string_view default_source = "api");

}  // namespace sentio::pipeline
