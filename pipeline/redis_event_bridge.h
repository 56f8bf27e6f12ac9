// RedisEventBridge: joins the local EventBus of every Sentio process through one Redis
// pub/sub channel, so each `serve` instance's WebSocket clients see every event, wherever
// it happened (workers publish new_post after writing results).
//
//   local bus -> bounded outbox -> publisher thread -> PUBLISH channel (one message per
//                                                       batch of waiting events)
//   SUBSCRIBE channel -> subscriber thread -> local bus (events from other instances only)
//
// Every message carries the sender's instance id: a process ignores its own messages, and
// events it re-publishes locally are not sent back out (no echo, no loops). Live events are
// best effort: when Redis is down or the outbox is full they are dropped (counted), and the
// threads reconnect by themselves. Bus handlers stay quick: they only push to the outbox.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "core/status.h"
#include "pipeline/event_bus.h"

namespace sentio::pipeline {

struct RedisEventBridgeOptions {
  std::string channel = "sentio:events";
  std::string instance_id;              // "" -> random
  std::size_t max_outbox = 10'000;      // events waiting to be published; more are dropped
  std::size_t max_batch = 256;          // events per PUBLISH message (1 = one message each)
  std::chrono::milliseconds connect_timeout{2000};
  std::chrono::milliseconds reconnect_delay{500};
  bool publish_local = true;            // send local events out
  bool receive_remote = true;           // deliver other instances' events locally
};

class RedisEventBridge {
 public:
  // url: redis://[:password@]host[:port][/db]. Subscribes before returning, so events
  // published by others after Start() returns are received. `bus` must outlive the bridge.
  static Result<std::unique_ptr<RedisEventBridge>> Start(std::string url, EventBus* bus,
                                                         RedisEventBridgeOptions opts = {});
  ~RedisEventBridge();  // Stop()
  RedisEventBridge(const RedisEventBridge&) = delete;
  RedisEventBridge& operator=(const RedisEventBridge&) = delete;

  void Stop();  // unsubscribes from the bus, stops both threads (idempotent)

  const std::string& instance_id() const { return opts_.instance_id; }
  std::uint64_t published() const { return published_.load(); }
  std::uint64_t received() const { return received_.load(); }
  std::uint64_t dropped() const { return dropped_.load(); }

  // Wire formats (exposed for tests). One event (what older versions publish):
  //   {"i": instance, "t": type, "s": source, "v": video_id, "j": websocket json}
  // A batch (what this version publishes): a JSON header line, then the events' WebSocket
  // JSON texts back to back, unescaped (no JSON-in-JSON escaping / unescaping per event):
  //   {"i": instance, "b": [[type, source, video_id, json bytes], ...]}\n<json><json>...
  static std::string Encode(const std::string& instance, const Event& e);
  static bool Decode(std::string_view msg, std::string* instance, Event* e);
  static std::string EncodeBatch(const std::string& instance,
                                 std::span<const std::shared_ptr<const Event>> events);
  // Accepts both formats; on false (malformed) `events` is left empty.
  static bool DecodeAny(std::string_view msg, std::string* instance, std::vector<Event>* events);

 private:
  struct Endpoint {
    std::string host;
    int port = 6379;
    std::string user, password;
  };
  RedisEventBridge(Endpoint ep, EventBus* bus, RedisEventBridgeOptions opts);
  void OnLocal(const std::shared_ptr<const Event>& e);
  void PublisherLoop();
  void SubscriberLoop();
  bool Sleep(std::chrono::milliseconds d);  // false when stopping

  Endpoint ep_;
  EventBus* bus_;
  RedisEventBridgeOptions opts_;
  EventBus::SubscriptionId sub_id_ = 0;
  bool subscribed_ = false;

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::shared_ptr<const Event>> outbox_;  // guarded by mu_
  bool stop_ = false;                                // guarded by mu_
  std::atomic<bool> stopping_{false};
  std::atomic<bool> listening_{false};

  std::atomic<std::uint64_t> published_{0}, received_{0}, dropped_{0};
  std::thread publisher_, subscriber_;
};

}  // namespace sentio::pipeline
