// In-memory fakes for server tests and the server benchmark: a Store, a Queue and a tiny
// deterministic Classifier. Not for production use.
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <set>

#include "models/classifier.h"
#include "queue/queue.h"
#include "storage/store.h"

namespace sentio::server::testing {

// "good"/"love" -> positive, "bad"/"hate" -> negative, else neutral; deterministic scores.
class ToyClassifier final : public models::Classifier {
 public:
  explicit ToyClassifier(std::string name = "toy", std::string task = "sentiment");
  const models::ModelInfo& info() const override { return info_; }
  void PredictBatch(std::span<const std::string_view> texts, std::span<Prediction> out,
                    const models::PredictOptions& opts) const override;

 private:
  models::ModelInfo info_;
};

class FakeStore final : public storage::Store {
 public:
  Status WriteResults(std::span<const storage::ResultRow> rows) override;
  Result<storage::PostPage> ListPosts(const storage::PostFilter& f, const storage::PageRequest& page) override;
  Result<std::optional<PostRecord>> GetPost(std::string_view post_id, std::optional<std::string_view> source) override;
  Status ExportPosts(const storage::PostFilter& f,
                     const std::function<bool(std::span<const PostRecord>)>& sink) override;
  Result<std::vector<storage::Bucket>> Aggregate(const storage::AggregateQuery& q) override;
  Result<storage::Distribution> GetDistribution(TimeMs since, std::optional<std::string> source,
                                                std::optional<std::string> video_id) override;
  Result<storage::Stats> GetStats(TimeMs now) override;
  Result<std::vector<storage::AlertRule>> GetAlertRules() override;
  Status PutAlertRules(std::span<const storage::AlertRule> rules) override;
  Result<std::int64_t> InsertAlert(const storage::Alert& a) override;
  Result<std::vector<storage::Alert>> ListAlerts(const storage::AlertQuery& q) override;
  Status Ping() override;
  std::string Describe() const override { return "fake:memory"; }

  // Test knobs.
  void AddPost(PostRecord r);
  std::atomic<bool> fail_ping{false};
  std::atomic<int> list_delay_ms{0};  // ListPosts sleeps this long (drain tests)
  std::atomic<int> export_chunk{100};

 private:
  std::vector<PostRecord> Matching(const storage::PostFilter& f);
  std::mutex mu_;
  std::vector<PostRecord> posts_;  // guarded by mu_; newest last
  std::vector<storage::AlertRule> rules_;
  std::vector<storage::Alert> alerts_;
};

class FakeQueue final : public queue::Queue {
 public:
  Result<queue::EnqueueResult> Enqueue(std::vector<Post> posts) override;
  Result<std::vector<queue::Delivery>> Claim(std::size_t max, std::chrono::milliseconds lease,
                                             std::chrono::milliseconds wait) override;
  Status Ack(std::span<const queue::Delivery> done) override;
  Status Fail(const queue::Delivery& d, std::string_view error) override;
  Result<queue::QueueStats> Stats() override;
  Result<std::vector<queue::DeadLetter>> ListDeadLetters(int limit) override;
  std::string Describe() const override { return "fake:memory"; }

  std::vector<Post> enqueued();
  std::atomic<std::int64_t> depth_override{-1};
  std::vector<queue::DeadLetter> dead;  // set before use

 private:
  std::mutex mu_;
  std::set<std::pair<std::string, std::string>> seen_;  // guarded by mu_
  std::vector<Post> posts_;                             // guarded by mu_
  std::uint64_t next_id_ = 1;                           // guarded by mu_
};

}  // namespace sentio::server::testing
