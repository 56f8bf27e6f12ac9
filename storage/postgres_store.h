// PostgresStore: the scale-out Store (storage/store.h) on PostgreSQL through libpq.
// Same semantics and results as SqliteStore (the contract suite in
// storage/store_contract_test.h runs against both).
//
//   - Bounded connection pool (blocking acquire with a timeout); every statement is
//     prepared once per connection; broken connections are dropped and re-opened.
//   - Versioned migrations in one transaction under an advisory lock (table
//     schema_version), so any number of processes may start at once.
//   - Schema: the analysis lives in the post's row (NULL sentiment = not analysed), so a
//     write is one heap insert per post and a re-analysis a HOT update.
//   - WriteResults: one transaction per batch, two statements for the posts: lock the
//     existing ones (id order) reading their current analysis, then one multi-row
//     INSERT ... SELECT FROM unnest(arrays) ON CONFLICT DO UPDATE (post fields: first write
//     wins; analysis: replaced). The live rollups (minute/hour/day x source x video;
//     sentiment and emotion counts) get the exact delta (old analysis out, new one in) in
//     the same transaction, so re-delivery never double-counts. Deadlocks, serialisation
//     failures and a concurrent first insert of the same post are retried.
//   - Aggregate: generate_series over the bucket range LEFT JOIN the rollups (empty buckets
//     included); distribution counts peel sub-minute edges from posts, the rest from rollups.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/conn_pool.h"
#include "storage/store.h"

namespace sentio::storage {

struct PostgresOptions {
  std::string schema;                  // "" = the connection's default (usually public)
  std::size_t pool_size = 8;           // max connections held by this store
  std::chrono::milliseconds acquire_timeout{10'000};
  int connect_timeout_s = 5;
  std::size_t export_chunk = 500;      // rows per ExportPosts sink call
  int max_retries = 5;                 // on deadlock / serialisation failure
  std::string application_name = "sentio";
};

class PostgresStore final : public Store {
 public:
  // url: postgres://user:pass@host:port/db (or postgresql://...; libpq query parameters
  // such as ?sslmode=require are passed through). Connects, migrates, returns the store.
  static Result<std::unique_ptr<PostgresStore>> Open(std::string url, PostgresOptions opts = {});
  ~PostgresStore() override;
  PostgresStore(const PostgresStore&) = delete;
  PostgresStore& operator=(const PostgresStore&) = delete;

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
  std::string Describe() const override;  // "postgres://user@host:port/db" (no password)

  int schema_version() const { return schema_version_; }

  // Connection-level helpers (implementation detail, public for the .cc's free functions).
  class Conn;

 private:
  using Pool = ConnPool<Conn>;
  using Lease = Pool::Lease;
  PostgresStore(std::string url, PostgresOptions opts);
  Result<Lease> Acquire();
  Result<std::unique_ptr<Conn>> Connect();
  Status Migrate();
  // Runs fn in a transaction (retried on deadlock / serialisation failure). With
  // fn_begins_and_commits, fn sends BEGIN / COMMIT itself (pipelined with its statements).
  Status Tx(const std::function<Status(Conn&)>& fn, bool fn_begins_and_commits = false);
  // Runs fn on a pooled connection outside an explicit transaction.
  Status Run(const std::function<Status(Conn&)>& fn);

  std::string url_;
  std::string describe_;
  PostgresOptions opts_;
  int schema_version_ = 0;

  std::unique_ptr<Pool> pool_;
};

}  // namespace sentio::storage
