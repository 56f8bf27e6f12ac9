// EventBus: in-process fan-out of live events (new_post, alert, metrics_update) to
// subscribers (WebSocket hub, webhooks). Publish never blocks on a subscriber: handlers
// must be quick (e.g. post to a strand / bounded queue). Scale-out mode bridges the bus
// through Redis pub/sub so every serve instance sees every event.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace sentio::pipeline {

struct Event {
  enum class Type { kNewPost, kAlert, kMetricsUpdate } type;
  std::string json;       // the complete WebSocket message, serialised once: {"type":..., "data":...}
  std::string source;     // for subscribe filters ("" = any)
  std::string video_id;   // for subscribe filters ("" = any)
};

class EventBus {
 public:
  using Handler = std::function<void(const std::shared_ptr<const Event>&)>;
  using SubscriptionId = std::uint64_t;

  SubscriptionId Subscribe(Handler h);
  void Unsubscribe(SubscriptionId id);
  // Calls every handler (outside the lock) with one shared immutable event.
  void Publish(std::shared_ptr<const Event> e);

 private:
  std::mutex mu_;
  std::uint64_t next_id_ = 1;                                        // guarded by mu_
  std::shared_ptr<const std::vector<std::pair<SubscriptionId, Handler>>> handlers_ =
      std::make_shared<std::vector<std::pair<SubscriptionId, Handler>>>();  // copy-on-write
};

}  // namespace sentio::pipeline
