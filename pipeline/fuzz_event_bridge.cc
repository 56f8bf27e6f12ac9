// libFuzzer target: the Redis event bridge decoder (single events and batches) must never
// crash or hang, whatever arrives on the channel, and what it accepts must re-encode to
// the same events.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/redis_event_bridge.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using sentio::pipeline::Event;
  using sentio::pipeline::RedisEventBridge;
  std::string_view msg(reinterpret_cast<const char*>(data), size);
  std::string instance;
  std::vector<Event> events;
  if (!RedisEventBridge::DecodeAny(msg, &instance, &events)) {
    if (!events.empty()) __builtin_trap();  // rejected messages deliver nothing
    return 0;
  }
  if (instance.empty()) __builtin_trap();
  std::vector<std::shared_ptr<const Event>> in;
  for (const auto& e : events) in.push_back(std::make_shared<const Event>(e));
  std::string again;
  std::vector<Event> back;
  if (!RedisEventBridge::DecodeAny(RedisEventBridge::EncodeBatch(instance, in), &again, &back) ||
      again != instance || back.size() != events.size())
    __builtin_trap();
  for (std::size_t i = 0; i < back.size(); ++i)
    if (back[i].json != events[i].json || back[i].type != events[i].type) __builtin_trap();
  return 0;
}
