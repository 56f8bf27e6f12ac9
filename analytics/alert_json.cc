#include "analytics/alert_json.h"

#include <set>

#include "core/clock.h"

namespace sentio::analytics {
namespace json = boost::json;

json::object AlertToJson(const storage::Alert& a) {
  json::object o;
  o["id"] = a.id;
  o["rule_id"] = a.rule_id;
  o["alert_type"] = a.alert_type;
  o["threshold_value"] = a.threshold_value;
  o["actual_value"] = a.actual_value;
  o["window_start"] = format_iso8601(a.window_start);
  o["window_end"] = format_iso8601(a.window_end);
  o["post_count"] = a.post_count;
  o["triggered_at"] = format_iso8601(a.triggered_at);
  boost::system::error_code ec;
  json::value d = json::parse(a.details_json.empty() ? "{}" : a.details_json, ec);
  o["details"] = ec ? json::value(json::object{}) : std::move(d);
  return o;
}

json::object AlertRuleToJson(const storage::AlertRule& r) {
  return json::object{{"id", r.id},
                      {"type", r.type},
                      {"threshold", r.threshold},
                      {"window_s", r.window_s},
                      {"min_posts", r.min_posts},
                      {"cooldown_s", r.cooldown_s},
                      {"scope", r.scope},
                      {"scope_value", r.scope_value},
                      {"enabled", r.enabled},
                      {"webhook_url", r.webhook_url}};
}

Result<storage::AlertRule> AlertRuleFromJson(const json::value& v) {
  if (!v.is_object()) return InvalidArgument("rule must be an object");
  static const std::set<std::string> kKnown = {"id", "type", "threshold", "window_s", "min_posts",
                                               "cooldown_s", "scope", "scope_value", "enabled", "webhook_url"};
  storage::AlertRule r;
  const auto& o = v.as_object();
  for (const auto& kv : o)
    if (!kKnown.count(std::string(kv.key()))) return Unprocessable("unknown rule field '" + std::string(kv.key()) + "'");
  auto str = [&](const char* k, std::string& dst, bool required) -> Status {
    auto it = o.find(k);
    if (it == o.end() || it->value().is_null()) return required ? Unprocessable(std::string(k) + " is required") : Status::Ok();
    if (!it->value().is_string()) return InvalidArgument(std::string(k) + " must be a string");
    dst = std::string(it->value().get_string());
    return Status::Ok();
  };
  auto num = [&](const char* k, double& dst, bool required) -> Status {
    auto it = o.find(k);
    if (it == o.end() || it->value().is_null()) return required ? Unprocessable(std::string(k) + " is required") : Status::Ok();
    if (!it->value().is_number()) return InvalidArgument(std::string(k) + " must be a number");
    dst = it->value().to_number<double>();
    return Status::Ok();
  };
  SENTIO_RETURN_IF_ERROR(str("type", r.type, true));
  static const std::set<std::string> kTypes = {"negative_share", "negative_ratio", "sentiment_shift", "volume_spike"};
  if (!kTypes.count(r.type))
    return Unprocessable("type must be one of negative_share, negative_ratio, sentiment_shift, volume_spike");
  SENTIO_RETURN_IF_ERROR(str("id", r.id, false));
  if (r.id.empty()) r.id = r.type;
  SENTIO_RETURN_IF_ERROR(num("threshold", r.threshold, true));
  double w = static_cast<double>(r.window_s), mp = static_cast<double>(r.min_posts), cd = static_cast<double>(r.cooldown_s);
  SENTIO_RETURN_IF_ERROR(num("window_s", w, false));
  SENTIO_RETURN_IF_ERROR(num("min_posts", mp, false));
  SENTIO_RETURN_IF_ERROR(num("cooldown_s", cd, false));
  if (w < 60 || w > 7 * 86400) return Unprocessable("window_s must be between 60 and 604800");
  if (mp < 0) return Unprocessable("min_posts must be >= 0");
  if (cd < 0) return Unprocessable("cooldown_s must be >= 0");
  if (r.threshold < 0) return Unprocessable("threshold must be >= 0");
  if ((r.type == "negative_share") && r.threshold > 1) return Unprocessable("negative_share threshold is a share in [0, 1]");
  r.window_s = static_cast<std::int64_t>(w);
  r.min_posts = static_cast<std::int64_t>(mp);
  r.cooldown_s = static_cast<std::int64_t>(cd);
  SENTIO_RETURN_IF_ERROR(str("scope", r.scope, false));
  if (r.scope.empty()) r.scope = "all";
  if (r.scope != "all" && r.scope != "source" && r.scope != "video_id")
    return Unprocessable("scope must be all, source or video_id");
  SENTIO_RETURN_IF_ERROR(str("scope_value", r.scope_value, false));
  if (r.scope != "all" && r.scope_value.empty()) return Unprocessable("scope_value is required for scope " + r.scope);
  if (auto it = o.find("enabled"); it != o.end() && !it->value().is_null()) {
    if (!it->value().is_bool()) return InvalidArgument("enabled must be a boolean");
    r.enabled = it->value().get_bool();
  }
  SENTIO_RETURN_IF_ERROR(str("webhook_url", r.webhook_url, false));
  if (!r.webhook_url.empty() && r.webhook_url.rfind("http://", 0) != 0 && r.webhook_url.rfind("https://", 0) != 0)
    return Unprocessable("webhook_url must be an http(s) URL");
  return r;
}

Result<std::vector<storage::AlertRule>> AlertRulesFromJson(const json::value& v) {
  const json::array* arr = nullptr;
  if (v.is_array()) arr = &v.as_array();
  else if (v.is_object() && v.as_object().contains("rules") && v.as_object().at("rules").is_array())
    arr = &v.as_object().at("rules").as_array();
  if (!arr) return InvalidArgument("expected {\"rules\": [...]}");
  if (arr->size() > 200) return Unprocessable("at most 200 rules");
  std::vector<storage::AlertRule> rules;
  std::set<std::string> ids;
  for (std::size_t i = 0; i < arr->size(); ++i) {
    auto r = AlertRuleFromJson((*arr)[i]);
    if (!r.ok()) return Status(r.status().code(), "rules[" + std::to_string(i) + "]: " + r.status().message());
    if (!ids.insert(r->id).second) return Unprocessable("duplicate rule id '" + r->id + "'");
    rules.push_back(std::move(*r));
  }
  return rules;
}

std::vector<storage::AlertRule> DefaultAlertRules() {
  std::vector<storage::AlertRule> v(4);
  v[0] = {"negative-share", "negative_share", 0.5, 300, 20, 600, "all", "", true, ""};
  v[1] = {"negative-ratio", "negative_ratio", 2.0, 600, 30, 1800, "all", "", true, ""};
  v[2] = {"sentiment-shift", "sentiment_shift", 0.25, 600, 30, 1800, "all", "", true, ""};
  v[3] = {"volume-spike", "volume_spike", 3.0, 300, 50, 1800, "all", "", true, ""};
  return v;
}

}  // namespace sentio::analytics
