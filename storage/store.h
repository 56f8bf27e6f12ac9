// Store: where posts, analyses, rollups and alerts live. Implementations: SQLite
// (embedded default, storage/sqlite_store.h) and PostgreSQL (storage/postgres_store.h).
// All methods are thread-safe and blocking: call them from worker pools, never from
// network I/O threads. Both backends must give identical API results (the contract
// suite in storage/store_contract_test.cc runs against each).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/types.h"

namespace sentio::storage {

struct PostFilter {
  std::optional<std::string> source;
  std::optional<std::string> sentiment;   // negative|neutral|positive
  std::optional<std::string> emotion;
  std::optional<std::string> video_id;
  std::optional<TimeMs> start;            // created_at >= start
  std::optional<TimeMs> end;              // created_at < end
  std::optional<std::string> q;           // case-insensitive substring of content
  bool analysed_only = false;
};

struct PostPage {
  std::vector<PostRecord> posts;  // newest first (created_at desc, id desc)
  std::int64_t total = 0;         // matching rows (ignoring paging)
  std::string next_cursor;        // opaque; "" when no more
};

struct PageRequest {
  int limit = 50;
  int offset = 0;
  std::string cursor;  // when set, offset is ignored
};

enum class Period { kMinute, kHour, kDay };

struct Bucket {
  TimeMs timestamp = 0;  // bucket start
  std::int64_t positive = 0, negative = 0, neutral = 0;
  double confidence_sum = 0;  // sum of sentiment confidences in the bucket
  std::int64_t total() const { return positive + negative + neutral; }
};

struct AggregateQuery {
  Period period = Period::kHour;
  TimeMs start = 0;
  TimeMs end = 0;  // exclusive
  std::optional<std::string> source;
  std::optional<std::string> video_id;
};

struct Distribution {
  std::int64_t positive = 0, negative = 0, neutral = 0;
  std::map<std::string, std::int64_t> emotions;  // emotion label -> count
};

struct Stats {
  std::int64_t total_posts = 0;
  std::int64_t total_analyses = 0;
  std::int64_t recent_posts_1h = 0;
  std::map<std::string, std::int64_t> by_label;   // sentiment label -> count
  std::map<std::string, std::int64_t> by_source;  // source -> count
};

// Alerts ---------------------------------------------------------------------
struct AlertRule {
  std::string id;           // stable id ("neg-share-default")
  std::string type;         // negative_share | negative_ratio | sentiment_shift | volume_spike
  double threshold = 0;
  std::int64_t window_s = 300;
  std::int64_t min_posts = 10;
  std::int64_t cooldown_s = 600;
  std::string scope = "all";  // all | source | video_id
  std::string scope_value;    // source name or video id when scoped
  bool enabled = true;
  std::string webhook_url;    // optional
};

struct Alert {
  std::int64_t id = 0;
  std::string rule_id;
  std::string alert_type;
  double threshold_value = 0;
  double actual_value = 0;
  TimeMs window_start = 0, window_end = 0;
  std::int64_t post_count = 0;
  TimeMs triggered_at = 0;
  std::string details_json = "{}";
};

struct AlertQuery {
  std::optional<TimeMs> since;
  std::optional<std::string> type;
  int limit = 50;
};

// One analysed post for WriteResults.
struct ResultRow {
  Post post;
  Analysis analysis;
};

class Store {
 public:
  virtual ~Store() = default;

  // Upserts posts (first write wins on (source, post_id)) and their analyses
  // (idempotent: re-writing the same post's analysis replaces it and never double-counts
  // rollups). One transaction for the whole span.
  virtual Status WriteResults(std::span<const ResultRow> rows) = 0;

  virtual Result<PostPage> ListPosts(const PostFilter& f, const PageRequest& page) = 0;
  virtual Result<std::optional<PostRecord>> GetPost(std::string_view post_id,
                                                    std::optional<std::string_view> source) = 0;
  // Streams matching posts newest first in chunks; stop early by returning false.
  virtual Status ExportPosts(const PostFilter& f,
                             const std::function<bool(std::span<const PostRecord>)>& sink) = 0;

  // Buckets by post time from the live rollups, empty buckets included.
  virtual Result<std::vector<Bucket>> Aggregate(const AggregateQuery& q) = 0;
  virtual Result<Distribution> GetDistribution(TimeMs since, std::optional<std::string> source,
                                               std::optional<std::string> video_id) = 0;
  virtual Result<Stats> GetStats(TimeMs now) = 0;

  virtual Result<std::vector<AlertRule>> GetAlertRules() = 0;
  virtual Status PutAlertRules(std::span<const AlertRule> rules) = 0;  // replaces all
  virtual Result<std::int64_t> InsertAlert(const Alert& a) = 0;
  virtual Result<std::vector<Alert>> ListAlerts(const AlertQuery& q) = 0;

  virtual Status Ping() = 0;  // health check
  virtual std::string Describe() const = 0;  // "sqlite:/path" (no secrets)
};

}  // namespace sentio::storage
