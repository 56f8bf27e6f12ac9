// WebhookNotifier: delivers alert JSON to webhook URLs from its own thread (libcurl),
// with a bounded queue, a per-attempt timeout and exponential backoff between retries.
#pragma once

#include <boost/json.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

namespace sentio::analytics {

struct WebhookOptions {
  int max_attempts = 5;
  std::chrono::milliseconds initial_backoff{500};
  std::chrono::milliseconds timeout{5000};
  std::size_t max_queue = 1000;
};

class WebhookNotifier {
 public:
  explicit WebhookNotifier(WebhookOptions opts = {});
  ~WebhookNotifier();  // stops; undelivered items are dropped (logged)
  // False when the queue is full (the alert is still stored and visible in the API).
  bool Enqueue(std::string url, boost::json::object payload);
  std::uint64_t delivered() const { return delivered_.load(); }
  std::uint64_t failed() const { return failed_.load(); }

 private:
  struct Item {
    std::string url;
    std::string body;
    int attempts = 0;
    std::chrono::steady_clock::time_point not_before;
  };
  void Loop();
  bool Post(const Item& it);
  WebhookOptions opts_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Item> q_;  // guarded by mu_
  bool stop_ = false;   // guarded by mu_
  std::atomic<std::uint64_t> delivered_{0}, failed_{0};
  std::thread thread_;
};

}  // namespace sentio::analytics
