// WorkerPool: the consumer side of the queue. Each worker thread loops
//   Claim(batch) -> classify (PredictService::PredictNow, on this thread) ->
//   Store::WriteResults -> Queue::Ack -> publish new_post events -> on_batch hook.
// A failed classification or store write is reported with Queue::Fail (retried, then
// dead-lettered); a crash anywhere before Ack means the lease expires and the batch is
// delivered again, and the idempotent store makes that harmless.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "pipeline/event_bus.h"
#include "pipeline/predict_service.h"
#include "queue/queue.h"
#include "storage/store.h"

namespace sentio::pipeline {

struct WorkerPoolOptions {
  std::size_t threads = 1;
  std::size_t batch = 256;
  std::chrono::milliseconds lease{30000};
  std::chrono::milliseconds wait{200};
  bool publish_events = true;
};

struct WorkerStats {
  std::atomic<std::uint64_t> analysed{0};
  std::atomic<std::uint64_t> batches{0};
  std::atomic<std::uint64_t> failures{0};
};

class WorkerPool {
 public:
  using BatchHook = std::function<void(std::size_t n, double classify_seconds, double store_seconds)>;

  WorkerPool(queue::Queue* q, storage::Store* store, PredictService* predict, EventBus* bus, const Clock* clock,
             WorkerPoolOptions opts, BatchHook on_batch = {});
  ~WorkerPool();
  void Start();
  void Stop();  // finishes the batch in hand, then joins
  const WorkerStats& stats() const { return stats_; }

 private:
  void Run(std::size_t index);
  queue::Queue* q_;
  storage::Store* store_;
  PredictService* predict_;
  EventBus* bus_;
  const Clock* clock_;
  WorkerPoolOptions opts_;
  BatchHook on_batch_;
  std::atomic<bool> stop_{false};
  std::vector<std::thread> threads_;
  WorkerStats stats_;
};

}  // namespace sentio::pipeline
