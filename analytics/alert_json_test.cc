#include "analytics/alert_json.h"

#include <gtest/gtest.h>

namespace sentio::analytics {
namespace {

TEST(AlertJson, RuleRoundTrip) {
  for (const auto& r : DefaultAlertRules()) {
    auto back = AlertRuleFromJson(AlertRuleToJson(r));
    ASSERT_TRUE(back.ok()) << back.status().to_string();
    EXPECT_EQ(back->id, r.id);
    EXPECT_EQ(back->type, r.type);
    EXPECT_DOUBLE_EQ(back->threshold, r.threshold);
    EXPECT_EQ(back->window_s, r.window_s);
  }
}

TEST(AlertJson, RejectsBadRules) {
  auto bad = [](const char* j) { return AlertRuleFromJson(boost::json::parse(j)).status().code(); };
  EXPECT_EQ(bad(R"({"type":"nope","threshold":1})"), Code::kUnprocessable);
  EXPECT_EQ(bad(R"({"type":"negative_share"})"), Code::kUnprocessable);
  EXPECT_EQ(bad(R"({"type":"negative_share","threshold":"high"})"), Code::kInvalidArgument);
  EXPECT_EQ(bad(R"({"type":"negative_share","threshold":1.5})"), Code::kUnprocessable);
  EXPECT_EQ(bad(R"({"type":"negative_share","threshold":0.5,"window_s":5})"), Code::kUnprocessable);
  EXPECT_EQ(bad(R"({"type":"negative_share","threshold":0.5,"scope":"source"})"), Code::kUnprocessable);
  EXPECT_EQ(bad(R"({"type":"negative_share","threshold":0.5,"colour":"red"})"), Code::kUnprocessable);
  EXPECT_EQ(bad(R"({"type":"negative_share","threshold":0.5,"webhook_url":"ftp://x"})"), Code::kUnprocessable);
  auto dup = AlertRulesFromJson(boost::json::parse(R"({"rules":[{"id":"a","type":"volume_spike","threshold":2},{"id":"a","type":"volume_spike","threshold":3}]})"));
  EXPECT_EQ(dup.status().code(), Code::kUnprocessable);
}

TEST(AlertJson, AlertShape) {
  storage::Alert a;
  a.id = 3;
  a.rule_id = "r";
  a.alert_type = "negative_share";
  a.window_start = 1795428000000LL;
  a.details_json = R"({"negative":4})";
  auto o = AlertToJson(a);
  for (const char* k : {"id", "alert_type", "threshold_value", "actual_value", "window_start", "window_end", "post_count",
                        "triggered_at", "details"})
    EXPECT_TRUE(o.contains(k)) << k;
  EXPECT_EQ(o.at("window_start").as_string(), "2026-11-23T10:00:00Z");
  EXPECT_EQ(o.at("details").at("negative").as_int64(), 4);
}

}  // namespace
}  // namespace sentio::analytics
