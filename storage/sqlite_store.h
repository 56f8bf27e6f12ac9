// SqliteStore: the embedded Store (storage/store.h) on one SQLite file in WAL mode.
// Writes go through SqliteDb's group-committing writer thread; reads use its pool of
// read-only connections. Live rollups (minute/hour/day x source x video, sentiment and
// emotion counts) are maintained in the WriteResults transaction, so Aggregate and
// GetDistribution never scan posts.
#pragma once

#include <memory>
#include <string>

#include "storage/sqlite_db.h"
#include "storage/store.h"

namespace sentio::storage {

struct SqliteStoreOptions {
  SqliteDbOptions db;
  std::size_t export_chunk = 500;  // rows per ExportPosts sink call
};

class SqliteStore final : public Store {
 public:
  // Opens (creating and migrating if needed) the database file at `path`.
  static Result<std::unique_ptr<SqliteStore>> Open(const std::string& path,
                                                   SqliteStoreOptions options = {});
  // Shares an already open database (e.g. with an EmbeddedQueue).
  explicit SqliteStore(std::shared_ptr<SqliteDb> db, SqliteStoreOptions options = {});

  const std::shared_ptr<SqliteDb>& db() const { return db_; }

  Status WriteResults(std::span<const ResultRow> rows) override;
  Result<PostPage> ListPosts(const PostFilter& f, const PageRequest& page) override;
  Result<std::optional<PostRecord>> GetPost(std::string_view post_id,
                                            std::optional<std::string_view> source) override;
  Status ExportPosts(const PostFilter& f,
                     const std::function<bool(std::span<const PostRecord>)>& sink) override;
  Result<std::vector<Bucket>> Aggregate(const AggregateQuery& q) override;
  Result<Distribution> GetDistribution(TimeMs since, std::optional<std::string> source,
                                       std::optional<std::string> video_id) override;
  Result<Stats> GetStats(TimeMs now) override;
  Result<std::vector<AlertRule>> GetAlertRules() override;
  Status PutAlertRules(std::span<const AlertRule> rules) override;
  Result<std::int64_t> InsertAlert(const Alert& a) override;
  Result<std::vector<Alert>> ListAlerts(const AlertQuery& q) override;
  Status Ping() override;
  std::string Describe() const override;

 private:
  std::shared_ptr<SqliteDb> db_;
  SqliteStoreOptions options_;
};

}  // namespace sentio::storage
