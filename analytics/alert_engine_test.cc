#include "analytics/alert_engine.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "storage/sqlite_store.h"

namespace sentio::analytics {
namespace {

constexpr TimeMs kT0 = 1795428000000LL;  // 2026-11-23T10:00:00Z

class AlertEngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(::testing::TempDir()) / ("alerts-" + std::to_string(::getpid()) + "-" +
                                                          ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto s = storage::SqliteStore::Open((dir_ / "t.db").string());
    ASSERT_TRUE(s.ok()) << s.status().to_string();
    store_ = std::move(*s);
    clock_.set(kT0 + 30 * 60000);
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  // Adds n analysed posts with `label` at time t.
  void Add(int n, const std::string& label, TimeMs t, const std::string& source = "reddit") {
    std::vector<storage::ResultRow> rows;
    for (int i = 0; i < n; ++i) {
      storage::ResultRow r;
      r.post.post_id = "p" + std::to_string(next_++);
      r.post.source = source;
      r.post.content = "x";
      r.post.created_at = t;
      r.post.ingested_at = t;
      r.analysis.sentiment = {label, 0.9f, {{label, 0.9f}}, "m@1", {}, {}};
      r.analysis.analyzed_at = t;
      rows.push_back(r);
    }
    ASSERT_TRUE(store_->WriteResults(rows).ok());
  }
  std::filesystem::path dir_;
  std::unique_ptr<storage::SqliteStore> store_;
  ManualClock clock_;
  int next_ = 0;
};

TEST_F(AlertEngineTest, NegativeShareFiresOnceThenRespectsCooldown) {
  storage::AlertRule r{"neg", "negative_share", 0.5, 300, 10, 600, "all", "", true, ""};
  ASSERT_TRUE(store_->PutAlertRules({&r, 1}).ok());
  pipeline::EventBus bus;
  std::vector<std::string> events;
  bus.Subscribe([&](const std::shared_ptr<const pipeline::Event>& e) { events.push_back(e->json); });
  AlertEngine eng(store_.get(), &bus, &clock_, nullptr);
  const TimeMs now = clock_.now_ms();
  Add(4, "negative", now - 60000);
  Add(4, "positive", now - 60000);
  auto a = eng.EvaluateOnce();
  ASSERT_TRUE(a.ok());
  EXPECT_TRUE(a->empty());  // 8 posts < min_posts
  Add(8, "negative", now - 30000);
  a = eng.EvaluateOnce();
  ASSERT_TRUE(a.ok());
  ASSERT_EQ(a->size(), 1u);
  EXPECT_EQ((*a)[0].alert_type, "negative_share");
  EXPECT_NEAR((*a)[0].actual_value, 12.0 / 16.0, 1e-9);
  EXPECT_EQ((*a)[0].post_count, 16);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_NE(events[0].find("\"type\":\"alert\""), std::string::npos);
  EXPECT_TRUE(eng.EvaluateOnce()->empty());  // cooldown
  clock_.advance(601000);
  Add(20, "negative", clock_.now_ms() - 1000);
  EXPECT_EQ(eng.EvaluateOnce()->size(), 1u);
  auto stored = store_->ListAlerts({});
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->size(), 2u);
}

TEST_F(AlertEngineTest, ScopeLimitsToOneSource) {
  storage::AlertRule r{"neg-yt", "negative_share", 0.5, 300, 5, 0, "source", "youtube", true, ""};
  ASSERT_TRUE(store_->PutAlertRules({&r, 1}).ok());
  AlertEngine eng(store_.get(), nullptr, &clock_, nullptr);
  Add(10, "negative", clock_.now_ms() - 1000, "reddit");
  Add(10, "positive", clock_.now_ms() - 1000, "youtube");
  EXPECT_TRUE(eng.EvaluateOnce()->empty());
  Add(30, "negative", clock_.now_ms() - 1000, "youtube");
  EXPECT_EQ(eng.EvaluateOnce()->size(), 1u);
}

TEST_F(AlertEngineTest, VolumeSpikeNeedsABaseline) {
  storage::AlertRule r{"vol", "volume_spike", 3.0, 300, 10, 0, "all", "", true, ""};
  ASSERT_TRUE(store_->PutAlertRules({&r, 1}).ok());
  AlertEngine eng(store_.get(), nullptr, &clock_, nullptr);
  const TimeMs now = clock_.now_ms();
  Add(100, "neutral", now - 1000);
  EXPECT_TRUE(eng.EvaluateOnce()->empty());  // no history: no spike
  for (int w = 1; w <= 6; ++w) Add(10, "neutral", now - w * 300000 - 1000);
  auto a = eng.EvaluateOnce();
  ASSERT_EQ(a->size(), 1u);
  EXPECT_GT((*a)[0].actual_value, 3.0);
}

TEST_F(AlertEngineTest, SentimentShiftComparesWithPreviousWindow) {
  storage::AlertRule r{"shift", "sentiment_shift", 0.3, 300, 10, 0, "all", "", true, ""};
  ASSERT_TRUE(store_->PutAlertRules({&r, 1}).ok());
  AlertEngine eng(store_.get(), nullptr, &clock_, nullptr);
  const TimeMs now = clock_.now_ms();
  Add(20, "positive", now - 400000);  // previous window: 0% negative
  Add(20, "negative", now - 1000);    // current: 100% negative
  auto a = eng.EvaluateOnce();
  ASSERT_EQ(a->size(), 1u);
  EXPECT_NEAR((*a)[0].actual_value, 1.0, 1e-9);
}

TEST_F(AlertEngineTest, DisabledRulesNeverFire) {
  storage::AlertRule r{"neg", "negative_share", 0.1, 300, 1, 0, "all", "", false, ""};
  ASSERT_TRUE(store_->PutAlertRules({&r, 1}).ok());
  AlertEngine eng(store_.get(), nullptr, &clock_, nullptr);
  Add(50, "negative", clock_.now_ms() - 1000);
  EXPECT_TRUE(eng.EvaluateOnce()->empty());
}

}  // namespace
}  // namespace sentio::analytics
