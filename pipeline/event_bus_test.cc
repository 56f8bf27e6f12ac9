#include "pipeline/event_bus.h"

#include <gtest/gtest.h>

namespace sentio::pipeline {
namespace {

TEST(EventBus, FanOutAndUnsubscribe) {
  EventBus bus;
  int a = 0, b = 0;
  auto ida = bus.Subscribe([&](const std::shared_ptr<const Event>&) { ++a; });
  bus.Subscribe([&](const std::shared_ptr<const Event>& e) { b += static_cast<int>(e->json.size()); });
  bus.Publish(std::make_shared<Event>(Event{Event::Type::kNewPost, "xyz", "", ""}));
  bus.Unsubscribe(ida);
  bus.Publish(std::make_shared<Event>(Event{Event::Type::kNewPost, "xy", "", ""}));
  EXPECT_EQ(a, 1);
  EXPECT_EQ(b, 5);
}

TEST(EventBus, HandlerMayUnsubscribeItselfWithoutDeadlock) {
  EventBus bus;
  EventBus::SubscriptionId id = 0;
  int calls = 0;
  id = bus.Subscribe([&](const std::shared_ptr<const Event>&) { ++calls; bus.Unsubscribe(id); });
  bus.Publish(std::make_shared<Event>(Event{Event::Type::kAlert, "{}", "", ""}));
  bus.Publish(std::make_shared<Event>(Event{Event::Type::kAlert, "{}", "", ""}));
  EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace sentio::pipeline
