// LiveMetricsPublisher: every `interval`, reads last-minute / last-hour / last-24h
// sentiment counts from the store's rollups and publishes a `metrics_update` event.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "core/clock.h"
#include "pipeline/event_bus.h"
#include "storage/store.h"

namespace sentio::pipeline {

class LiveMetricsPublisher {
 public:
  LiveMetricsPublisher(storage::Store* store, EventBus* bus, const Clock* clock,
                       std::chrono::milliseconds interval = std::chrono::seconds(5));
  ~LiveMetricsPublisher();
  void Start();
  void Stop();
  // Builds the event JSON once (exposed for tests).
  Result<std::string> BuildMessage();

 private:
  storage::Store* store_;
  EventBus* bus_;
  const Clock* clock_;
  std::chrono::milliseconds interval_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = true;
  std::thread thread_;
};

}  // namespace sentio::pipeline
