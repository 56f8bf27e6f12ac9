// Alerts and alert rules <-> JSON (API.md shapes). Rule JSON is validated strictly.
#pragma once

#include <boost/json.hpp>

#include <vector>

#include "core/status.h"
#include "storage/store.h"

namespace sentio::analytics {

// {"id","rule_id","alert_type","threshold_value","actual_value","window_start","window_end",
//  "post_count","triggered_at","details"}
boost::json::object AlertToJson(const storage::Alert& a);
// {"id","type","threshold","window_s","min_posts","cooldown_s","scope","scope_value","enabled","webhook_url"}
boost::json::object AlertRuleToJson(const storage::AlertRule& r);
// Validates types and values: unknown fields, bad type names, negative windows -> error
// naming the field (kUnprocessable), wrong JSON types -> kInvalidArgument.
Result<storage::AlertRule> AlertRuleFromJson(const boost::json::value& v);
// Accepts {"rules":[...]} or a bare array.
Result<std::vector<storage::AlertRule>> AlertRulesFromJson(const boost::json::value& v);

// The rules a fresh install starts with.
std::vector<storage::AlertRule> DefaultAlertRules();

}  // namespace sentio::analytics
