// A fixed-size thread pool with a bounded task queue. TrySubmit refuses (returns false)
// when the queue is full so callers can answer 429/503 instead of growing memory.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace sentio {

class ThreadPool {
 public:
  ThreadPool(std::size_t threads, std::size_t max_queue, std::string name = "pool");
  ~ThreadPool();  // drains queued tasks, then joins
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  bool TrySubmit(std::function<void()> task);
  // Blocks while the queue is full (for producers that may wait, e.g. batch jobs).
  void Submit(std::function<void()> task);
  void Shutdown();  // stop accepting; finish queued tasks; join
  std::size_t queued() const;
  std::size_t threads() const { return workers_.size(); }

 private:
  void Run();
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::condition_variable not_full_;
  std::deque<std::function<void()>> q_;  // guarded by mu_
  std::size_t max_queue_;
  bool stop_ = false;                    // guarded by mu_
  std::vector<std::thread> workers_;
  std::string name_;
};

}  // namespace sentio
