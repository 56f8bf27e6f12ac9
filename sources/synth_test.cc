#include "sources/synth.h"

#include <gtest/gtest.h>

#include <set>

namespace sentio::sources {
namespace {

TEST(TokenBucket, PacesToRate) {
  auto t0 = std::chrono::steady_clock::time_point{};
  TokenBucket b(10, 5, t0);  // 10/s, burst 5
  int taken = 0;
  for (int i = 0; i < 100; ++i) taken += b.TryTake(1, t0);
  EXPECT_EQ(taken, 5);
  EXPECT_FALSE(b.TryTake(1, t0));
  EXPECT_GT(b.WaitTime(1, t0).count(), 90000);
  EXPECT_TRUE(b.TryTake(1, t0 + std::chrono::milliseconds(100)));
  // One simulated second later at most 10 more (capacity caps at burst 5).
  int later = 0;
  for (int i = 0; i < 100; ++i) later += b.TryTake(1, t0 + std::chrono::seconds(2));
  EXPECT_EQ(later, 5);
}

TEST(Rate, Parses) {
  EXPECT_DOUBLE_EQ(ParseRatePerMinute("600/min").value(), 600);
  EXPECT_DOUBLE_EQ(ParseRatePerMinute("10/s").value(), 600);
  EXPECT_DOUBLE_EQ(ParseRatePerMinute("120/h").value(), 2);
  EXPECT_DOUBLE_EQ(ParseRatePerMinute("42").value(), 42);
  EXPECT_FALSE(ParseRatePerMinute("fast").ok());
  EXPECT_FALSE(ParseRatePerMinute("10/fortnight").ok());
  EXPECT_FALSE(ParseRatePerMinute("-3/s").ok());
}

TEST(Synth, UniqueIdsAndConfiguredSources) {
  SynthOptions o;
  o.seed = 7;
  o.sources = {"reddit", "youtube"};
  SynthGenerator g(o);
  std::set<std::string> ids, sources;
  for (int i = 0; i < 2000; ++i) {
    Post p = g.Next(1000);
    EXPECT_TRUE(ids.insert(p.post_id).second);
    sources.insert(p.source);
    EXPECT_FALSE(p.content.empty());
    EXPECT_EQ(p.content.find("{thing}"), std::string::npos);
    if (p.source == "youtube") {
      EXPECT_FALSE(p.video_id.empty());
    }
  }
  EXPECT_EQ(sources, (std::set<std::string>{"reddit", "youtube"}));
}

TEST(Synth, RunStopsAtMaxPostsAndRetriesSinkErrors) {
  SynthOptions o;
  o.rate_per_min = 60000;  // 1000/s
  o.max_posts = 250;
  SystemClock clock;
  std::atomic<bool> stop{false};
  int calls = 0;
  std::int64_t got = 0;
  auto sent = RunSynth(o, clock, [&](std::vector<Post> ps) -> Status {
    if (++calls == 2) return Unavailable("transient");
    got += static_cast<std::int64_t>(ps.size());
    return Status::Ok();
  }, stop);
  EXPECT_EQ(sent, 250);
  EXPECT_EQ(got, 250);
}

}  // namespace
}  // namespace sentio::sources
