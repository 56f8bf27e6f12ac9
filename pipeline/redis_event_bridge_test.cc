// RedisEventBridge against a real redis-server (CTest fixture or SENTIO_TEST_REDIS_URL).
#include "pipeline/redis_event_bridge.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "tests/harness/test_env.h"

namespace sentio::pipeline {
namespace {

using namespace std::chrono_literals;

struct Recorder {
  std::mutex mu;
  std::vector<Event> events;
  void Add(const Event& e) {
    std::lock_guard lk(mu);
    events.push_back(e);
  }
  size_t size() {
    std::lock_guard lk(mu);
    return events.size();
  }
};

bool WaitFor(const std::function<bool()>& pred, std::chrono::milliseconds max = 3s) {
  auto end = std::chrono::steady_clock::now() + max;
  while (std::chrono::steady_clock::now() < end) {
    if (pred()) return true;
    std::this_thread::sleep_for(5ms);
  }
  return pred();
}

Event MakeEvent(int i) {
  return Event{Event::Type::kNewPost, R"({"type":"new_post","data":{"n":)" + std::to_string(i) + "}}",
               "youtube", "vid" + std::to_string(i)};
}

TEST(RedisEventBridgeCodec, RoundTrip) {
  Event e{Event::Type::kAlert, R"({"type":"alert"})", "reddit", "v"};
  std::string inst;
  Event back{};
  ASSERT_TRUE(RedisEventBridge::Decode(RedisEventBridge::Encode("me", e), &inst, &back));
  EXPECT_EQ(inst, "me");
  EXPECT_EQ(back.type, Event::Type::kAlert);
  EXPECT_EQ(back.json, e.json);
  EXPECT_EQ(back.source, "reddit");
  EXPECT_EQ(back.video_id, "v");
  EXPECT_FALSE(RedisEventBridge::Decode("{}", &inst, &back));
  EXPECT_FALSE(RedisEventBridge::Decode(R"({"i":"x","t":99,"j":""})", &inst, &back));
}

TEST(RedisEventBridgeCodec, BatchRoundTrip) {
  std::vector<std::shared_ptr<const Event>> in = {
      std::make_shared<const Event>(MakeEvent(1)),
      std::make_shared<const Event>(Event{Event::Type::kAlert, "{\"type\":\"alert\",\"x\":\"a\\nb\"}", "", ""}),
      std::make_shared<const Event>(Event{Event::Type::kMetricsUpdate, "", "s\"q\nx", "v\\"}),
      std::make_shared<const Event>(MakeEvent(2))};
  std::string msg = RedisEventBridge::EncodeBatch("me\n1", in);
  std::string inst;
  std::vector<Event> out;
  ASSERT_TRUE(RedisEventBridge::DecodeAny(msg, &inst, &out));
  EXPECT_EQ(inst, "me\n1");
  ASSERT_EQ(out.size(), in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    EXPECT_EQ(out[i].type, in[i]->type) << i;
    EXPECT_EQ(out[i].json, in[i]->json) << i;
    EXPECT_EQ(out[i].source, in[i]->source) << i;
    EXPECT_EQ(out[i].video_id, in[i]->video_id) << i;
  }
  // An empty batch is well formed and carries nothing.
  ASSERT_TRUE(RedisEventBridge::DecodeAny(RedisEventBridge::EncodeBatch("me", {}), &inst, &out));
  EXPECT_TRUE(out.empty());
}

TEST(RedisEventBridgeCodec, DecodeAnyAcceptsTheSingleEventFormat) {
  // What older versions publish: one event per message.
  Event e{Event::Type::kNewPost, R"({"type":"new_post","data":{"n":1}})", "reddit", "v"};
  std::string inst;
  std::vector<Event> out;
  ASSERT_TRUE(RedisEventBridge::DecodeAny(RedisEventBridge::Encode("old", e), &inst, &out));
  EXPECT_EQ(inst, "old");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].json, e.json);
  EXPECT_EQ(out[0].source, "reddit");
  EXPECT_EQ(out[0].video_id, "v");
}

TEST(RedisEventBridgeCodec, DecodeAnyRejectsMalformedBatches) {
  std::vector<std::shared_ptr<const Event>> in = {std::make_shared<const Event>(MakeEvent(1)),
                                                  std::make_shared<const Event>(MakeEvent(2))};
  const std::string good = RedisEventBridge::EncodeBatch("me", in);
  std::string inst;
  std::vector<Event> out;
  EXPECT_FALSE(RedisEventBridge::DecodeAny(good.substr(0, good.size() - 1), &inst, &out));  // truncated
  EXPECT_TRUE(out.empty());
  EXPECT_FALSE(RedisEventBridge::DecodeAny(good + "x", &inst, &out));  // trailing bytes
  EXPECT_FALSE(RedisEventBridge::DecodeAny("{\"i\":\"me\",\"b\":[[0,\"s\",\"v\",-1]]}\n", &inst, &out));
  EXPECT_FALSE(RedisEventBridge::DecodeAny("{\"i\":\"me\",\"b\":[[9,\"s\",\"v\",0]]}\n", &inst, &out));
  EXPECT_FALSE(RedisEventBridge::DecodeAny("{\"i\":\"me\",\"b\":[[0,\"s\",0]]}\n", &inst, &out));
  EXPECT_FALSE(RedisEventBridge::DecodeAny("{\"i\":\"\",\"b\":[]}\n", &inst, &out));  // no instance
  EXPECT_FALSE(RedisEventBridge::DecodeAny("{\"i\":\"me\"}\n", &inst, &out));
  EXPECT_FALSE(RedisEventBridge::DecodeAny("not json\n{}", &inst, &out));
  EXPECT_FALSE(RedisEventBridge::DecodeAny("", &inst, &out));
}

TEST(RedisEventBridge, EveryInstanceSeesEveryEventOnceWithoutEcho) {
  std::string url = sentio::testing::TestEnv("SENTIO_TEST_REDIS_URL");
  if (url.empty()) GTEST_SKIP() << "SENTIO_TEST_REDIS_URL not set";
  RedisEventBridgeOptions o;
  o.channel = sentio::testing::UniqueName("events");
  EventBus bus_a, bus_b, bus_c;
  Recorder rec_a, rec_b, rec_c;
  bus_a.Subscribe([&](const std::shared_ptr<const Event>& e) { rec_a.Add(*e); });
  bus_b.Subscribe([&](const std::shared_ptr<const Event>& e) { rec_b.Add(*e); });
  bus_c.Subscribe([&](const std::shared_ptr<const Event>& e) { rec_c.Add(*e); });
  auto a = RedisEventBridge::Start(url, &bus_a, o);
  auto b = RedisEventBridge::Start(url, &bus_b, o);
  auto c = RedisEventBridge::Start(url, &bus_c, o);
  ASSERT_TRUE(a.ok() && b.ok() && c.ok()) << a.status().to_string();
  EXPECT_NE((*a)->instance_id(), (*b)->instance_id());

  for (int i = 0; i < 5; ++i) bus_a.Publish(std::make_shared<const Event>(MakeEvent(i)));
  bus_b.Publish(std::make_shared<const Event>(MakeEvent(100)));
  ASSERT_TRUE(WaitFor([&] { return rec_c.size() >= 6 && rec_b.size() >= 6 && rec_a.size() >= 6; }));
  std::this_thread::sleep_for(200ms);  // would any echo / loop show up?
  EXPECT_EQ(rec_a.size(), 6u);
  EXPECT_EQ(rec_b.size(), 6u);
  EXPECT_EQ(rec_c.size(), 6u);
  {
    std::lock_guard lk(rec_c.mu);
    int from_a = 0;
    for (auto& e : rec_c.events)
      if (e.json.find("\"n\":3}") != std::string::npos) {
        ++from_a;
        EXPECT_EQ(e.source, "youtube");
        EXPECT_EQ(e.video_id, "vid3");
        EXPECT_EQ(e.type, Event::Type::kNewPost);
      }
    EXPECT_EQ(from_a, 1);
  }
  EXPECT_EQ((*a)->published(), 5u);
  EXPECT_EQ((*a)->received(), 1u);
  EXPECT_EQ((*c)->received(), 6u);
  EXPECT_EQ((*c)->published(), 0u);

  (*c)->Stop();
  bus_a.Publish(std::make_shared<const Event>(MakeEvent(7)));
  ASSERT_TRUE(WaitFor([&] { return rec_b.size() == 7; }));
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(rec_c.size(), 6u);  // stopped: nothing more arrives
}

TEST(RedisEventBridge, StartFailsWhenRedisIsUnreachable) {
  EventBus bus;
  RedisEventBridgeOptions o;
  o.connect_timeout = 100ms;
  o.reconnect_delay = 20ms;
  auto b = RedisEventBridge::Start("redis://127.0.0.1:1", &bus, o);
  EXPECT_EQ(b.status().code(), Code::kUnavailable);
  EXPECT_EQ(RedisEventBridge::Start("http://x", &bus, o).status().code(), Code::kInvalidArgument);
}

}  // namespace
}  // namespace sentio::pipeline
