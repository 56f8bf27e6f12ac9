// WS /ws/sentiment: the hub that fans EventBus events out to WebSocket sessions.
#pragma once

#include <memory>
#include <mutex>
#include <unordered_map>

#include "pipeline/event_bus.h"

namespace sentio::server {

// Implemented by each WebSocket session (ws.cc).
class WsClient {
 public:
  virtual ~WsClient() = default;
  // Thread-safe: filters and queues the event on the client's strand.
  virtual void Deliver(const std::shared_ptr<const pipeline::Event>& e) = 0;
};

class WsHub {
 public:
  std::uint64_t Add(std::weak_ptr<WsClient> c);
  void Remove(std::uint64_t id);
  // Called by the EventBus (any thread). Never blocks on a client.
  void Publish(const std::shared_ptr<const pipeline::Event>& e);
  std::size_t size() const;

 private:
  using Map = std::unordered_map<std::uint64_t, std::weak_ptr<WsClient>>;
  mutable std::mutex mu_;
  std::uint64_t next_ = 1;                              // guarded by mu_
  std::shared_ptr<const Map> clients_ = std::make_shared<Map>();  // copy-on-write, guarded by mu_
};

}  // namespace sentio::server
