#include "analytics/webhook.h"

#include <curl/curl.h>
#include <spdlog/spdlog.h>

#include "core/json_writer.h"

namespace sentio::analytics {

WebhookNotifier::WebhookNotifier(WebhookOptions opts) : opts_(opts) {
  thread_ = std::thread([this] { Loop(); });
}

WebhookNotifier::~WebhookNotifier() {
  {
    std::lock_guard lk(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (!q_.empty()) spdlog::warn("webhook: dropping {} undelivered notifications at shutdown", q_.size());
}

bool WebhookNotifier::Enqueue(std::string url, boost::json::object payload) {
  std::lock_guard lk(mu_);
  if (stop_ || q_.size() >= opts_.max_queue) return false;
  q_.push_back({std::move(url), ::sentio::ToJson(payload), 0, std::chrono::steady_clock::now()});
  cv_.notify_one();
  return true;
}

namespace {
size_t Discard(char*, size_t size, size_t n, void*) { return size * n; }
}  // namespace

bool WebhookNotifier::Post(const Item& it) {
  CURL* c = curl_easy_init();
  if (!c) return false;
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
  curl_easy_setopt(c, CURLOPT_URL, it.url.c_str());
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, it.body.c_str());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(it.body.size()));
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(opts_.timeout.count()));
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, Discard);
  CURLcode rc = curl_easy_perform(c);
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(c);
  return rc == CURLE_OK && status >= 200 && status < 300;
}

void WebhookNotifier::Loop() {
  std::unique_lock lk(mu_);
  while (!stop_) {
    if (q_.empty()) {
      cv_.wait(lk, [&] { return stop_ || !q_.empty(); });
      continue;
    }
    auto now = std::chrono::steady_clock::now();
    if (q_.front().not_before > now) {
      cv_.wait_until(lk, q_.front().not_before, [&] { return stop_; });
      continue;
    }
    Item it = std::move(q_.front());
    q_.pop_front();
    lk.unlock();
    bool ok = Post(it);
    lk.lock();
    if (ok) {
      delivered_++;
    } else if (++it.attempts >= opts_.max_attempts) {
      failed_++;
      spdlog::warn("webhook: giving up on {} after {} attempts", it.url, it.attempts);
    } else {
      it.not_before = std::chrono::steady_clock::now() + opts_.initial_backoff * (1 << (it.attempts - 1));
      q_.push_back(std::move(it));
    }
  }
}

}  // namespace sentio::analytics
