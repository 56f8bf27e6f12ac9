// Domain types shared by every module: posts, predictions, analyses.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace sentio {

// Milliseconds since the Unix epoch (UTC). All stored times use this.
using TimeMs = std::int64_t;

// A post or comment as ingested. (source, post_id) is the idempotency key.
struct Post {
  std::string post_id;      // caller's id, or generated ("gen_<uuid>") if absent
  std::string source;       // "youtube", "reddit", "twitter", "http", ...
  std::string content;      // UTF-8 text (sanitised at ingest)
  std::string author;
  TimeMs created_at = 0;    // post time (bucketing key); ingest time if absent
  std::string video_id;
  std::string url;
  std::string meta_json;    // opaque JSON object as text ("" = none)
  TimeMs ingested_at = 0;
};

// One classifier output over a label set.
struct Prediction {
  std::string label;                                  // argmax (or top label for multi-label)
  float score = 0.f;                                  // calibrated probability of `label`
  std::vector<std::pair<std::string, float>> scores;  // per class, in model label order
  std::string model_version;                          // "name@version"
  std::vector<std::pair<std::string, float>> explanation;  // top tokens (only when asked)
  std::vector<std::string> labels_over_threshold;     // multi-label models: every label above its threshold
};

// The stored result of analysing one post.
struct Analysis {
  Prediction sentiment;
  Prediction emotion;       // label empty when no emotion model is loaded
  TimeMs analyzed_at = 0;
};

// A post plus its analysis (if any), as the read API returns it.
struct PostRecord {
  std::int64_t id = 0;      // store row id (internal)
  Post post;
  bool analysed = false;
  Analysis analysis;
};

}  // namespace sentio
