#include "pipeline/event_bus.h"

namespace sentio::pipeline {

EventBus::SubscriptionId EventBus::Subscribe(Handler h) {
  std::lock_guard lk(mu_);
  auto next = std::make_shared<std::vector<std::pair<SubscriptionId, Handler>>>(*handlers_);
  SubscriptionId id = next_id_++;
  next->emplace_back(id, std::move(h));
  handlers_ = std::move(next);
  return id;
}

void EventBus::Unsubscribe(SubscriptionId id) {
  std::lock_guard lk(mu_);
  auto next = std::make_shared<std::vector<std::pair<SubscriptionId, Handler>>>();
  for (auto& [i, h] : *handlers_)
    if (i != id) next->emplace_back(i, h);
  handlers_ = std::move(next);
}

void EventBus::Publish(std::shared_ptr<const Event> e) {
  std::shared_ptr<const std::vector<std::pair<SubscriptionId, Handler>>> snap;
  {
    std::lock_guard lk(mu_);
    snap = handlers_;
  }
  for (auto& [id, h] : *snap) h(e);
}

}  // namespace sentio::pipeline
