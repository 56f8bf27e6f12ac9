#include "analytics/alert_engine.h"

#include <spdlog/spdlog.h>

#include <cmath>

#include "analytics/alert_json.h"
#include "analytics/webhook.h"
#include "core/json_writer.h"

namespace sentio::analytics {
namespace json = boost::json;

namespace {

struct Window {
  std::int64_t pos = 0, neg = 0, neu = 0;
  std::int64_t total() const { return pos + neg + neu; }
  double neg_share() const { return total() ? static_cast<double>(neg) / static_cast<double>(total()) : 0.0; }
};

}  // namespace

AlertEngine::AlertEngine(storage::Store* store, pipeline::EventBus* bus, const Clock* clock,
                         WebhookNotifier* webhooks, AlertEngineOptions opts)
    : store_(store), bus_(bus), clock_(clock), webhooks_(webhooks), opts_(opts) {}

AlertEngine::~AlertEngine() { Stop(); }

void AlertEngine::Start() {
  {
    std::lock_guard lk(mu_);
    if (!stop_) return;
    stop_ = false;
  }
  // Restore cooldowns from stored alerts so a restart does not re-fire at once.
  if (auto recent = store_->ListAlerts({.since = clock_->now_ms() - 86400000LL, .type = {}, .limit = 500}); recent.ok()) {
    std::lock_guard lk(eval_mu_);
    for (const auto& a : *recent) last_fired_[a.rule_id] = std::max(last_fired_[a.rule_id], a.triggered_at);
  }
  thread_ = std::thread([this] {
    std::unique_lock lk(mu_);
    while (!stop_) {
      cv_.wait_for(lk, opts_.interval, [&] { return stop_ || poked_; });
      if (stop_) break;
      poked_ = false;
      lk.unlock();
      auto r = EvaluateOnce();
      if (!r.ok()) spdlog::warn("alert evaluation failed: {}", r.status().to_string());
      lk.lock();
    }
  });
}

void AlertEngine::Stop() {
  {
    std::lock_guard lk(mu_);
    if (stop_) return;
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void AlertEngine::Poke() {
  {
    std::lock_guard lk(mu_);
    poked_ = true;
  }
  cv_.notify_all();
}

Result<std::vector<storage::Alert>> AlertEngine::EvaluateOnce() {
  SENTIO_ASSIGN_OR_RETURN(auto rules, store_->GetAlertRules());
  std::lock_guard lk(eval_mu_);
  const TimeMs now = clock_->now_ms();
  std::vector<storage::Alert> raised;
  for (const auto& r : rules) {
    if (!r.enabled) continue;
    auto it = last_fired_.find(r.id);
    if (it != last_fired_.end() && now - it->second < r.cooldown_s * 1000) continue;
    auto res = Evaluate(r, now);
    if (!res.ok()) return res.status();
    if (!res->has_value()) continue;
    storage::Alert a = std::move(**res);
    auto id = store_->InsertAlert(a);
    if (!id.ok()) return id.status();
    a.id = *id;
    last_fired_[r.id] = now;
    spdlog::info("alert raised: rule={} type={} actual={:.3f} threshold={:.3f} posts={}", r.id, r.type,
                 a.actual_value, a.threshold_value, a.post_count);
    if (bus_) {
      auto ev = std::make_shared<pipeline::Event>();
      ev->type = pipeline::Event::Type::kAlert;
      ev->json = ToJson(json::object{{"type", "alert"}, {"data", AlertToJson(a)}});
      bus_->Publish(std::move(ev));
    }
    if (webhooks_ && !r.webhook_url.empty()) webhooks_->Enqueue(r.webhook_url, AlertToJson(a));
    raised.push_back(std::move(a));
  }
  return raised;
}

Result<std::optional<storage::Alert>> AlertEngine::Evaluate(const storage::AlertRule& r, TimeMs now) {
  const TimeMs w = r.window_s * 1000;
  const int history = r.type == "volume_spike" ? 7 : (r.type == "sentiment_shift" ? 2 : 1);
  // Minute buckets ending at the current minute (inclusive), covering `history` windows.
  const TimeMs end = (now / 60000 + 1) * 60000;
  const TimeMs start = end - w * history;
  storage::AggregateQuery q;
  q.period = storage::Period::kMinute;
  q.start = start;
  q.end = end;
  if (r.scope == "source") q.source = r.scope_value;
  if (r.scope == "video_id") q.video_id = r.scope_value;
  SENTIO_ASSIGN_OR_RETURN(auto buckets, store_->Aggregate(q));
  std::vector<Window> win(static_cast<std::size_t>(history));  // win[0] = current
  for (const auto& b : buckets) {
    auto idx = static_cast<std::size_t>((end - 1 - b.timestamp) / w);
    if (idx >= win.size()) continue;
    win[idx].pos += b.positive;
    win[idx].neg += b.negative;
    win[idx].neu += b.neutral;
  }
  const Window& cur = win[0];
  if (cur.total() < r.min_posts || cur.total() == 0) return std::optional<storage::Alert>{};
  double actual = 0;
  json::object details{{"positive", cur.pos}, {"negative", cur.neg}, {"neutral", cur.neu},
                       {"scope", r.scope}, {"scope_value", r.scope_value}};
  if (r.type == "negative_share") {
    actual = cur.neg_share();
  } else if (r.type == "negative_ratio") {
    actual = static_cast<double>(cur.neg) / static_cast<double>(std::max<std::int64_t>(cur.pos, 1));
  } else if (r.type == "sentiment_shift") {
    if (win[1].total() < std::max<std::int64_t>(r.min_posts, 1)) return std::optional<storage::Alert>{};
    actual = std::fabs(cur.neg_share() - win[1].neg_share());
    details["previous_negative_share"] = win[1].neg_share();
    details["current_negative_share"] = cur.neg_share();
  } else if (r.type == "volume_spike") {
    double base = 0;
    int covered = 0;
    for (std::size_t i = 1; i < win.size(); ++i) {
      base += static_cast<double>(win[i].total());
      covered += win[i].total() > 0;
    }
    base /= static_cast<double>(win.size() - 1);
    // No baseline yet (a fresh install or a new scope): a spike needs history to compare to.
    if (covered < 3) return std::optional<storage::Alert>{};
    actual = static_cast<double>(cur.total()) / std::max(base, 1.0);
    details["baseline_per_window"] = base;
  } else {
    return std::optional<storage::Alert>{};
  }
  if (!(actual > r.threshold)) return std::optional<storage::Alert>{};
  storage::Alert a;
  a.rule_id = r.id;
  a.alert_type = r.type;
  a.threshold_value = r.threshold;
  a.actual_value = actual;
  a.window_start = end - w;
  a.window_end = end;
  a.post_count = cur.total();
  a.triggered_at = now;
  a.details_json = ToJson(details);
  return std::optional<storage::Alert>(std::move(a));
}

}  // namespace sentio::analytics
