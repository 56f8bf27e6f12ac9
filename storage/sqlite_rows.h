// Row helpers shared by SqliteStore and EmbeddedQueue (same file, same tables): post
// insertion with (source, post_id) idempotency and PostRecord decoding. Internal to the
// SQLite backend; not part of the Store interface.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "core/status.h"
#include "core/types.h"
#include "storage/sqlite_db.h"

namespace sentio::storage::sqlite_rows {

// The stored identity of a post (first write wins on (source, post_id)).
struct StoredPost {
  std::int64_t id = 0;
  bool inserted = false;  // false: (source, post_id) was already known
  TimeMs created_at = 0;
  std::string source;
  std::string video_id;
};

// Per-source counts of posts inserted by one write closure; Apply() adds them to the
// source_counts table (one upsert per source instead of one per post).
class SourceCounts {
 public:
  void Add(const std::string& source) { ++counts_[source]; }
  Status Apply(Connection& c) const;

 private:
  std::map<std::string, std::int64_t> counts_;
};

// INSERT OR IGNORE into posts; new posts are counted in `counts` (the caller Applies it in
// the same transaction). Runs on the writer connection.
Result<StoredPost> InsertPostIfNew(Connection& c, const Post& p, SourceCounts& counts);

// Columns for DecodeRecord, to splice into a SELECT over `posts p LEFT JOIN analyses a`.
inline constexpr const char* kRecordColumns =
    "p.id, p.source, p.post_id, p.content, p.author, p.created_at, p.video_id, p.url, p.meta, "
    "p.ingested_at, a.sentiment, a.confidence, a.scores, a.emotion, a.emotion_confidence, "
    "a.emotion_scores, a.model_name, a.model_version, a.emotion_model, a.analyzed_at";
inline constexpr int kRecordColumnCount = 20;

// Decodes the kRecordColumns of the current row starting at column `first`.
PostRecord DecodeRecord(const Stmt& st, int first = 0);
// Decodes just the post part (first 10 columns of kRecordColumns).
Post DecodePost(const Stmt& st, int first = 0);

}  // namespace sentio::storage::sqlite_rows
