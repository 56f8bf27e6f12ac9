#include "pipeline/live_metrics.h"

#include <spdlog/spdlog.h>

#include <boost/json.hpp>

#include "core/json_writer.h"

namespace sentio::pipeline {
namespace json = boost::json;

LiveMetricsPublisher::LiveMetricsPublisher(storage::Store* store, EventBus* bus, const Clock* clock,
                                           std::chrono::milliseconds interval)
    : store_(store), bus_(bus), clock_(clock), interval_(interval) {}

LiveMetricsPublisher::~LiveMetricsPublisher() { Stop(); }

Result<std::string> LiveMetricsPublisher::BuildMessage() {
  const TimeMs now = clock_->now_ms();
  json::object data;
  const std::pair<const char*, TimeMs> windows[] = {
      {"last_minute", 60000}, {"last_hour", 3600000}, {"last_24_hours", 86400000}};
  for (const auto& [name, span] : windows) {
    SENTIO_ASSIGN_OR_RETURN(auto d, store_->GetDistribution(now - span, std::nullopt, std::nullopt));
    data[name] = json::object{{"positive", d.positive},
                              {"negative", d.negative},
                              {"neutral", d.neutral},
                              {"total", d.positive + d.negative + d.neutral}};
  }
  return ToJson(json::object{{"type", "metrics_update"}, {"data", std::move(data)},
                                      {"timestamp", format_iso8601(now)}});
}

void LiveMetricsPublisher::Start() {
  {
    std::lock_guard lk(mu_);
    if (!stop_) return;
    stop_ = false;
  }
  thread_ = std::thread([this] {
    std::unique_lock lk(mu_);
    while (!stop_) {
      lk.unlock();
      auto msg = BuildMessage();
      if (msg.ok()) {
        auto ev = std::make_shared<Event>();
        ev->type = Event::Type::kMetricsUpdate;
        ev->json = std::move(*msg);
        bus_->Publish(std::move(ev));
      } else {
        spdlog::warn("live metrics: {}", msg.status().to_string());
      }
      lk.lock();
      cv_.wait_for(lk, interval_, [&] { return stop_; });
    }
  });
}

void LiveMetricsPublisher::Stop() {
  {
    std::lock_guard lk(mu_);
    if (stop_) return;
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace sentio::pipeline
