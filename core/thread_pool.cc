#include "core/thread_pool.h"

#include <pthread.h>

namespace sentio {

ThreadPool::ThreadPool(std::size_t threads, std::size_t max_queue, std::string name)
    : max_queue_(max_queue), name_(std::move(name)) {
  if (threads == 0) threads = 1;
  workers_.reserve(threads);
  for (std::size_t i = 0; i < threads; ++i) {
    workers_.emplace_back([this] { Run(); });
    std::string tn = name_.substr(0, 12) + "-" + std::to_string(i);
    pthread_setname_np(workers_.back().native_handle(), tn.substr(0, 15).c_str());
  }
}

ThreadPool::~ThreadPool() { Shutdown(); }

bool ThreadPool::TrySubmit(std::function<void()> task) {
  {
    std::lock_guard lk(mu_);
    if (stop_ || q_.size() >= max_queue_) return false;
    q_.push_back(std::move(task));
  }
  cv_.notify_one();
  return true;
}

void ThreadPool::Submit(std::function<void()> task) {
  {
    std::unique_lock lk(mu_);
    not_full_.wait(lk, [&] { return stop_ || q_.size() < max_queue_; });
    if (stop_) return;
    q_.push_back(std::move(task));
  }
  cv_.notify_one();
}

void ThreadPool::Shutdown() {
  {
    std::lock_guard lk(mu_);
    if (stop_ && workers_.empty()) return;
    stop_ = true;
  }
  cv_.notify_all();
  not_full_.notify_all();
  for (auto& t : workers_)
    if (t.joinable()) t.join();
  workers_.clear();
}

std::size_t ThreadPool::queued() const {
  std::lock_guard lk(mu_);
  return q_.size();
}

void ThreadPool::Run() {
  for (;;) {
    std::function<void()> task;
    {
      std::unique_lock lk(mu_);
      cv_.wait(lk, [&] { return stop_ || !q_.empty(); });
      if (q_.empty()) return;  // stop_ and drained
      task = std::move(q_.front());
      q_.pop_front();
    }
    not_full_.notify_one();
    task();
  }
}

}  // namespace sentio
