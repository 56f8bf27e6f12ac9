// PredictService: the model-serving path shared by POST /api/predict and the ingest
// workers. Admission limit (ResourceExhausted past it) -> batcher that groups requests
// up to max_batch texts or max_delay -> classifier threads. Callbacks run on a classifier
// thread: they must only post back to the caller's executor.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/status.h"
#include "core/types.h"
#include "models/classifier.h"

namespace sentio::pipeline {

struct PredictServiceOptions {
  std::size_t threads = 2;
  std::size_t max_batch = 64;                              // texts per model call
  std::chrono::microseconds max_delay{200};                // wait to fill a batch
  std::size_t max_pending_texts = 20000;                   // admission limit
};

// The loaded models, immutable and shared (hot-swap later replaces the whole set).
struct ModelSet {
  std::shared_ptr<const models::Classifier> sentiment;
  std::shared_ptr<const models::Classifier> emotion;  // may be null
};

class PredictService {
 public:
  using Callback = std::function<void(Result<std::vector<Analysis>>)>;

  PredictService(ModelSet models, PredictServiceOptions opts);
  ~PredictService();  // drains pending work
  PredictService(const PredictService&) = delete;
  PredictService& operator=(const PredictService&) = delete;

  // Queues texts; `done` gets one Analysis per text, in order. Returns ResourceExhausted
  // immediately (and never calls `done`) when the admission limit would be passed.
  Status Submit(std::vector<std::string> texts, models::PredictOptions opts, Callback done);
  // Synchronous helper for worker threads (blocks the calling thread, never an I/O thread).
  Result<std::vector<Analysis>> PredictNow(const std::vector<std::string_view>& texts,
                                           const models::PredictOptions& opts = {}) const;

  std::shared_ptr<const ModelSet> models() const;
  std::size_t pending() const { return pending_texts_.load(); }
  void Shutdown();

 private:
  struct Job;
  void Loop();
  std::shared_ptr<const ModelSet> models_;
  PredictServiceOptions opts_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::shared_ptr<Job>> jobs_;  // guarded by mu_
  bool stop_ = false;                      // guarded by mu_
  std::atomic<std::size_t> pending_texts_{0};
  std::vector<std::thread> threads_;
};

}  // namespace sentio::pipeline
