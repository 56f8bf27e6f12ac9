// AlertEngine: evaluates the stored alert rules over the live rollups on a timer thread
// (never on I/O threads), stores triggered alerts, publishes them on the EventBus and
// hands them to the webhook notifier.
//
// Rule semantics (window W = rule.window_s ending now, counts by post time):
//   negative_share   negative / total in W            > threshold, total >= min_posts
//   negative_ratio   negative / max(positive, 1) in W  > threshold, total >= min_posts
//   sentiment_shift  |neg_share(W) - neg_share(previous W)| > threshold, both windows >= min_posts
//   volume_spike     total(W) / mean(total of the 6 previous windows) > threshold, total >= min_posts
// A rule fires at most once per cooldown_s. Scope: all posts, one source, or one video_id.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "core/clock.h"
#include "pipeline/event_bus.h"
#include "storage/store.h"

namespace sentio::analytics {

class WebhookNotifier;

struct AlertEngineOptions {
  std::chrono::milliseconds interval{2000};
};

class AlertEngine {
 public:
  AlertEngine(storage::Store* store, pipeline::EventBus* bus, const Clock* clock, WebhookNotifier* webhooks,
              AlertEngineOptions opts = {});
  ~AlertEngine();
  void Start();
  void Stop();
  // One evaluation pass over all enabled rules at `now` (used by the timer and by tests).
  // Returns the alerts raised.
  Result<std::vector<storage::Alert>> EvaluateOnce();
  // Wakes the timer early (e.g. after a worker batch).
  void Poke();

 private:
  Result<std::optional<storage::Alert>> Evaluate(const storage::AlertRule& r, TimeMs now);
  storage::Store* store_;
  pipeline::EventBus* bus_;
  const Clock* clock_;
  WebhookNotifier* webhooks_;
  AlertEngineOptions opts_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = true;
  bool poked_ = false;
  std::map<std::string, TimeMs> last_fired_;  // rule id -> time; guarded by eval_mu_
  std::mutex eval_mu_;
  std::thread thread_;
};

}  // namespace sentio::analytics
