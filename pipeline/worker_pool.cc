#include "pipeline/worker_pool.h"

#include <pthread.h>
#include <spdlog/spdlog.h>

#include "core/json_codec.h"

namespace sentio::pipeline {

WorkerPool::WorkerPool(queue::Queue* q, storage::Store* store, PredictService* predict, EventBus* bus,
                       const Clock* clock, WorkerPoolOptions opts, BatchHook on_batch)
    : q_(q), store_(store), predict_(predict), bus_(bus), clock_(clock), opts_(opts), on_batch_(std::move(on_batch)) {}

WorkerPool::~WorkerPool() { Stop(); }

void WorkerPool::Start() {
  stop_ = false;
  for (std::size_t i = 0; i < std::max<std::size_t>(opts_.threads, 1); ++i) {
    threads_.emplace_back([this, i] { Run(i); });
    pthread_setname_np(threads_.back().native_handle(), ("worker-" + std::to_string(i)).c_str());
  }
}

void WorkerPool::Stop() {
  stop_ = true;
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  threads_.clear();
}

void WorkerPool::Run(std::size_t) {
  std::vector<std::string_view> texts;
  std::vector<storage::ResultRow> rows;
  while (!stop_.load()) {
    auto claimed = q_->Claim(opts_.batch, opts_.lease, opts_.wait);
    if (!claimed.ok()) {
      spdlog::warn("worker: claim failed: {}", claimed.status().to_string());
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
      continue;
    }
    auto& batch = *claimed;
    if (batch.empty()) continue;
    auto t0 = std::chrono::steady_clock::now();
    texts.clear();
    for (const auto& d : batch) texts.emplace_back(d.post.content);
    auto analyses = predict_->PredictNow(texts);
    auto t1 = std::chrono::steady_clock::now();
    if (!analyses.ok()) {
      stats_.failures++;
      for (const auto& d : batch) (void)q_->Fail(d, analyses.status().message());
      continue;
    }
    rows.clear();
    rows.reserve(batch.size());
    const TimeMs now = clock_->now_ms();
    for (std::size_t i = 0; i < batch.size(); ++i) {
      (*analyses)[i].analyzed_at = now;
      rows.push_back({batch[i].post, std::move((*analyses)[i])});
    }
    Status st = store_->WriteResults(rows);
    if (!st.ok()) {
      stats_.failures++;
      spdlog::warn("worker: store write failed for {} posts: {}", batch.size(), st.to_string());
      for (const auto& d : batch) (void)q_->Fail(d, st.message());
      continue;
    }
    if (Status ack = q_->Ack(batch); !ack.ok())
      spdlog::warn("worker: ack failed (batch will be re-delivered, writes are idempotent): {}", ack.to_string());
    auto t2 = std::chrono::steady_clock::now();
    stats_.analysed += batch.size();
    stats_.batches++;
    if (bus_ && opts_.publish_events) {
      for (const auto& row : rows) {
        auto ev = std::make_shared<Event>();
        ev->type = Event::Type::kNewPost;
        ev->source = row.post.source;
        ev->video_id = row.post.video_id;
        ev->json.reserve(256 + row.post.content.size());
        ev->json = R"({"type":"new_post","data":)";
        AppendPostJson(ev->json, row.post, &row.analysis);
        ev->json += '}';
        bus_->Publish(std::move(ev));
      }
    }
    if (on_batch_)
      on_batch_(batch.size(), std::chrono::duration<double>(t1 - t0).count(),
                std::chrono::duration<double>(t2 - t1).count());
  }
}

}  // namespace sentio::pipeline
