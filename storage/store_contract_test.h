// The Store contract: behaviour every backend (SQLite, PostgreSQL) must show identically.
// Include this header in exactly one test file per backend and instantiate it:
//
//   INSTANTIATE_TEST_SUITE_P(Sqlite, StoreContractTest,
//       ::testing::Values(StoreBackend{"sqlite", [] { return MakeMyStore(); }}),
//       [](const auto& info) { return info.param.name; });
//
// `make` must return a fresh, EMPTY store each call.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <memory>
#include <ostream>
#include <set>
#include <thread>
#include <string>
#include <vector>

#include "storage/store.h"

namespace sentio::storage::contract {

struct StoreBackend {
  std::string name;
  std::function<std::unique_ptr<Store>()> make;
};
inline void PrintTo(const StoreBackend& b, std::ostream* os) { *os << b.name; }

// 2026-11-23T00:00:00Z: day-aligned, so hour/day bucket expectations are easy to read.
inline constexpr TimeMs kT0 = 1795392000000;
inline constexpr TimeMs kMin = 60'000;
inline constexpr TimeMs kHour = 3'600'000;
inline constexpr TimeMs kDay = 86'400'000;

inline Post MakePost(std::string id, TimeMs created_at, std::string source = "youtube",
                     std::string video = "v1", std::string content = "") {
  Post p;
  p.post_id = std::move(id);
  p.source = std::move(source);
  p.content = content.empty() ? "text of " + p.post_id : std::move(content);
  p.author = "author-" + p.post_id;
  p.created_at = created_at;
  p.video_id = std::move(video);
  p.url = "https://example.com/" + p.post_id;
  p.meta_json = R"({"k":1})";
  p.ingested_at = created_at + 5;
  return p;
}

inline Analysis MakeAnalysis(const std::string& label, float conf, const std::string& emotion = "",
                             float emotion_conf = 0.5f) {
  Analysis a;
  a.sentiment.label = label;
  a.sentiment.score = conf;
  for (const char* l : {"negative", "neutral", "positive"}) {
    a.sentiment.scores.emplace_back(l, l == label ? conf : (1.f - conf) / 2.f);
  }
  a.sentiment.model_version = "sentiment-linear@3";
  if (!emotion.empty()) {
    a.emotion.label = emotion;
    a.emotion.score = emotion_conf;
    a.emotion.scores = {{emotion, emotion_conf}, {"neutral", 1.f - emotion_conf}};
    a.emotion.model_version = "emotion-linear@1";
  }
  a.analyzed_at = kT0 + 123;
  return a;
}

inline ResultRow Row(Post p, Analysis a) { return ResultRow{std::move(p), std::move(a)}; }

class StoreContractTest : public ::testing::TestWithParam<StoreBackend> {
 protected:
  void SetUp() override {
    store_ = GetParam().make();
    ASSERT_NE(store_, nullptr);
  }

  void Write(std::vector<ResultRow> rows) {
    Status st = store_->WriteResults(rows);
    ASSERT_TRUE(st.ok()) << st.to_string();
  }

  std::vector<std::string> Ids(const PostFilter& f, int limit = 1000) {
    auto page = store_->ListPosts(f, PageRequest{limit, 0, ""});
    EXPECT_TRUE(page.ok()) << page.status().to_string();
    std::vector<std::string> out;
    if (!page.ok()) return out;
    for (const auto& r : page->posts) out.push_back(r.post.post_id);
    return out;
  }

  std::int64_t Total(const PostFilter& f) {
    auto page = store_->ListPosts(f, PageRequest{1, 0, ""});
    EXPECT_TRUE(page.ok()) << page.status().to_string();
    return page.ok() ? page->total : -1;
  }

  // A small fixed data set used by the filter tests.
  void WriteFixture() {
    Write({Row(MakePost("a", kT0 + 1 * kMin, "youtube", "v1", "I LOVE this video"),
               MakeAnalysis("positive", 0.9f, "joy")),
           Row(MakePost("b", kT0 + 2 * kMin, "youtube", "v2", "boring and slow"),
               MakeAnalysis("negative", 0.8f, "sadness")),
           Row(MakePost("c", kT0 + 3 * kMin, "reddit", "", "ok I guess, love the intro"),
               MakeAnalysis("neutral", 0.6f, "neutral")),
           Row(MakePost("d", kT0 + 4 * kMin, "reddit", "v1", "Crème brûlée ÉCOLE"),
               MakeAnalysis("negative", 0.7f, "anger"))});
  }

  std::unique_ptr<Store> store_;
};

TEST_P(StoreContractTest, StoresPostAndAnalysisFields) {
  Write({Row(MakePost("p1", kT0 + 10), MakeAnalysis("positive", 0.75f, "joy", 0.6f))});
  auto got = store_->GetPost("p1", std::string_view("youtube"));
  ASSERT_TRUE(got.ok()) << got.status().to_string();
  ASSERT_TRUE(got->has_value());
  const PostRecord& r = **got;
  EXPECT_GT(r.id, 0);
  EXPECT_EQ(r.post.post_id, "p1");
  EXPECT_EQ(r.post.source, "youtube");
  EXPECT_EQ(r.post.content, "text of p1");
  EXPECT_EQ(r.post.author, "author-p1");
  EXPECT_EQ(r.post.created_at, kT0 + 10);
  EXPECT_EQ(r.post.video_id, "v1");
  EXPECT_EQ(r.post.url, "https://example.com/p1");
  EXPECT_EQ(r.post.meta_json, R"({"k":1})");
  EXPECT_EQ(r.post.ingested_at, kT0 + 15);
  ASSERT_TRUE(r.analysed);
  EXPECT_EQ(r.analysis.sentiment.label, "positive");
  EXPECT_FLOAT_EQ(r.analysis.sentiment.score, 0.75f);
  ASSERT_EQ(r.analysis.sentiment.scores.size(), 3u);
  EXPECT_EQ(r.analysis.sentiment.scores[0].first, "negative");
  EXPECT_FLOAT_EQ(r.analysis.sentiment.scores[0].second, 0.125f);
  EXPECT_EQ(r.analysis.sentiment.scores[2].first, "positive");
  EXPECT_FLOAT_EQ(r.analysis.sentiment.scores[2].second, 0.75f);
  EXPECT_EQ(r.analysis.sentiment.model_version, "sentiment-linear@3");
  EXPECT_EQ(r.analysis.emotion.label, "joy");
  EXPECT_FLOAT_EQ(r.analysis.emotion.score, 0.6f);
  ASSERT_EQ(r.analysis.emotion.scores.size(), 2u);
  EXPECT_EQ(r.analysis.emotion.model_version, "emotion-linear@1");
  EXPECT_EQ(r.analysis.analyzed_at, kT0 + 123);

  // Without source; unknown ids; wrong source.
  auto any = store_->GetPost("p1", std::nullopt);
  ASSERT_TRUE(any.ok());
  ASSERT_TRUE(any->has_value());
  EXPECT_EQ((*any)->id, r.id);
  auto missing = store_->GetPost("nope", std::nullopt);
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
  auto wrong = store_->GetPost("p1", std::string_view("reddit"));
  ASSERT_TRUE(wrong.ok());
  EXPECT_FALSE(wrong->has_value());
}

TEST_P(StoreContractTest, PostWithoutEmotionHasEmptyEmotion) {
  Write({Row(MakePost("p1", kT0), MakeAnalysis("neutral", 0.5f))});
  auto got = store_->GetPost("p1", std::nullopt);
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_TRUE((*got)->analysis.emotion.label.empty());
  auto d = store_->GetDistribution(kT0 - kDay, std::nullopt, std::nullopt);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->neutral, 1);
  EXPECT_TRUE(d->emotions.empty());
}

TEST_P(StoreContractTest, IdempotentOnSourceAndPostIdInsideAndAcrossBatches) {
  // Same (source, post_id) twice in one batch, then again in a later batch: one post,
  // the first write's post fields win, the analysis is the last one written.
  Write({Row(MakePost("dup", kT0, "youtube", "v1", "first"), MakeAnalysis("positive", 0.9f)),
         Row(MakePost("dup", kT0 + kHour, "youtube", "v9", "second"), MakeAnalysis("negative", 0.8f))});
  Write({Row(MakePost("dup", kT0 + 2 * kHour, "youtube", "v9", "third"), MakeAnalysis("negative", 0.7f))});
  // Same post_id, other source: a different post.
  Write({Row(MakePost("dup", kT0, "reddit"), MakeAnalysis("neutral", 0.5f))});

  EXPECT_EQ(Total({}), 2);
  auto got = store_->GetPost("dup", std::string_view("youtube"));
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->post.content, "first");
  EXPECT_EQ((*got)->post.created_at, kT0);
  EXPECT_EQ((*got)->post.video_id, "v1");
  EXPECT_EQ((*got)->analysis.sentiment.label, "negative");
  EXPECT_FLOAT_EQ((*got)->analysis.sentiment.score, 0.7f);

  auto st = store_->GetStats(kT0);
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->total_posts, 2);
  EXPECT_EQ(st->total_analyses, 2);
  EXPECT_EQ(st->by_source["youtube"], 1);
  EXPECT_EQ(st->by_source["reddit"], 1);
}

TEST_P(StoreContractTest, ReanalysisReplacesAndNeverDoubleCounts) {
  Write({Row(MakePost("p1", kT0 + 5 * kMin), MakeAnalysis("positive", 0.9f, "joy")),
         Row(MakePost("p2", kT0 + 5 * kMin), MakeAnalysis("positive", 0.8f, "joy"))});
  // Re-deliveries: same result again, then a different one.
  Write({Row(MakePost("p1", kT0 + 5 * kMin), MakeAnalysis("positive", 0.9f, "joy"))});
  Write({Row(MakePost("p1", kT0 + 5 * kMin), MakeAnalysis("negative", 0.6f, "anger"))});

  for (Period p : {Period::kMinute, Period::kHour, Period::kDay}) {
    auto b = store_->Aggregate({p, kT0, kT0 + kDay, std::nullopt, std::nullopt});
    ASSERT_TRUE(b.ok()) << b.status().to_string();
    std::int64_t pos = 0, neg = 0, neu = 0;
    double conf = 0;
    for (const auto& k : *b) {
      pos += k.positive;
      neg += k.negative;
      neu += k.neutral;
      conf += k.confidence_sum;
    }
    EXPECT_EQ(pos, 1);
    EXPECT_EQ(neg, 1);
    EXPECT_EQ(neu, 0);
    EXPECT_NEAR(conf, 0.8 + 0.6, 1e-5);
  }
  auto d = store_->GetDistribution(kT0, std::nullopt, std::nullopt);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->positive, 1);
  EXPECT_EQ(d->negative, 1);
  EXPECT_EQ(d->emotions["joy"], 1);
  EXPECT_EQ(d->emotions["anger"], 1);
  auto st = store_->GetStats(kT0);
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->total_analyses, 2);
  EXPECT_EQ(st->by_label["positive"], 1);
  EXPECT_EQ(st->by_label["negative"], 1);
  PostFilter neg;
  neg.sentiment = "negative";
  EXPECT_EQ(Ids(neg), std::vector<std::string>{"p1"});
}

TEST_P(StoreContractTest, EachFilter) {
  WriteFixture();
  using V = std::vector<std::string>;
  EXPECT_EQ(Ids({}), (V{"d", "c", "b", "a"}));  // newest first
  PostFilter f;
  f.source = "reddit";
  EXPECT_EQ(Ids(f), (V{"d", "c"}));
  EXPECT_EQ(Total(f), 2);
  f = {};
  f.sentiment = "negative";
  EXPECT_EQ(Ids(f), (V{"d", "b"}));
  EXPECT_EQ(Total(f), 2);
  f = {};
  f.emotion = "joy";
  EXPECT_EQ(Ids(f), (V{"a"}));
  f = {};
  f.video_id = "v1";
  EXPECT_EQ(Ids(f), (V{"d", "a"}));
  f = {};
  f.start = kT0 + 2 * kMin;  // inclusive
  EXPECT_EQ(Ids(f), (V{"d", "c", "b"}));
  f = {};
  f.end = kT0 + 3 * kMin;  // exclusive
  EXPECT_EQ(Ids(f), (V{"b", "a"}));
  EXPECT_EQ(Total(f), 2);
  f = {};
  f.q = "love";  // case-insensitive substring
  EXPECT_EQ(Ids(f), (V{"c", "a"}));
  f.q = "LoVe ThIs";
  EXPECT_EQ(Ids(f), (V{"a"}));
  f.q = "école";  // non-ASCII case folding
  EXPECT_EQ(Ids(f), (V{"d"}));
  f.q = "zzz";
  EXPECT_EQ(Ids(f), V{});
  EXPECT_EQ(Total(f), 0);
  // Combined.
  f = {};
  f.source = "youtube";
  f.sentiment = "negative";
  EXPECT_EQ(Ids(f), (V{"b"}));
  EXPECT_EQ(Total(f), 1);
}

TEST_P(StoreContractTest, FilteredTotalsMatchListedRows) {
  // Posts across sub-minute, minute, hour and day boundaries; totals of label filters with
  // time bounds must equal the rows actually listed.
  std::vector<ResultRow> rows;
  const char* labels[] = {"negative", "neutral", "positive"};
  const char* emotions[] = {"joy", "anger"};
  const TimeMs offsets[] = {0, 1, 59'999, kMin, kMin + 7, 59 * kMin, kHour, kHour + 30'000,
                            5 * kHour + 3, kDay - 1, kDay, kDay + kHour + kMin + 1, 3 * kDay + 17};
  int i = 0;
  for (TimeMs off : offsets) {
    for (const char* src : {"youtube", "reddit"}) {
      rows.push_back(Row(MakePost("f" + std::to_string(i), kT0 + off, src, i % 2 ? "v1" : "v2"),
                         MakeAnalysis(labels[i % 3], 0.5f, emotions[i % 2])));
      ++i;
    }
  }
  Write(rows);
  const TimeMs bounds[] = {kT0 - 1, kT0, kT0 + 30'000, kT0 + kMin, kT0 + kHour - 1, kT0 + kHour + 1,
                           kT0 + kDay, kT0 + kDay + 5, kT0 + 4 * kDay};
  for (TimeMs lo : bounds) {
    for (TimeMs hi : bounds) {
      for (int which = 0; which < 4; ++which) {
        PostFilter f;
        if (lo != kT0 - 1) f.start = lo;
        if (hi != kT0 + 4 * kDay) f.end = hi;
        if (which == 0) f.sentiment = "positive";
        if (which == 1) f.sentiment = "negative";
        if (which == 2) f.emotion = "anger";
        if (which == 3) {
          f.sentiment = "neutral";
          f.source = "reddit";
        }
        auto page = store_->ListPosts(f, PageRequest{1000, 0, ""});
        ASSERT_TRUE(page.ok());
        EXPECT_EQ(page->total, static_cast<std::int64_t>(page->posts.size()))
            << "lo " << lo - kT0 << " hi " << hi - kT0 << " case " << which;
      }
    }
  }
}

TEST_P(StoreContractTest, AnalysedOnlyAndUnanalysedPosts) {
  WriteFixture();
  PostFilter f;
  f.analysed_only = true;
  EXPECT_EQ(Total(f), 4);
  EXPECT_EQ(Total({}), 4);
}

TEST_P(StoreContractTest, OffsetAndCursorPagingNewestFirst) {
  std::vector<ResultRow> rows;
  // 25 posts, several sharing a created_at (ties broken by id, newest row first).
  for (int i = 0; i < 25; ++i) {
    rows.push_back(Row(MakePost("p" + std::to_string(i), kT0 + (i / 3) * 1000),
                       MakeAnalysis(i % 2 ? "positive" : "negative", 0.5f)));
  }
  Write(rows);
  std::vector<std::string> all = Ids({});
  ASSERT_EQ(all.size(), 25u);
  EXPECT_EQ(all.front(), "p24");
  EXPECT_EQ(all.back(), "p0");
  for (std::size_t i = 1; i < all.size(); ++i) {
    EXPECT_EQ(std::stoi(all[i - 1].substr(1)), std::stoi(all[i].substr(1)) + 1) << i;
  }

  // Offset paging.
  std::vector<std::string> by_offset;
  for (int off = 0; off < 25; off += 10) {
    auto page = store_->ListPosts({}, PageRequest{10, off, ""});
    ASSERT_TRUE(page.ok());
    EXPECT_EQ(page->total, 25);
    for (const auto& r : page->posts) by_offset.push_back(r.post.post_id);
  }
  EXPECT_EQ(by_offset, all);

  // Cursor paging walks the same order with no gaps or repeats, then stops.
  std::vector<std::string> by_cursor;
  std::string cursor;
  int pages = 0;
  do {
    auto page = store_->ListPosts({}, PageRequest{10, 0, cursor});
    ASSERT_TRUE(page.ok()) << page.status().to_string();
    for (const auto& r : page->posts) by_cursor.push_back(r.post.post_id);
    cursor = page->next_cursor;
    ASSERT_LT(++pages, 10);
  } while (!cursor.empty());
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(by_cursor, all);

  // A cursor with filters.
  PostFilter pos;
  pos.sentiment = "positive";
  auto p1 = store_->ListPosts(pos, PageRequest{5, 0, ""});
  ASSERT_TRUE(p1.ok());
  EXPECT_EQ(p1->total, 12);
  ASSERT_FALSE(p1->next_cursor.empty());
  auto p2 = store_->ListPosts(pos, PageRequest{100, 0, p1->next_cursor});
  ASSERT_TRUE(p2.ok());
  EXPECT_EQ(p2->posts.size(), 7u);
  EXPECT_TRUE(p2->next_cursor.empty());
  for (const auto& r : p2->posts) EXPECT_EQ(r.analysis.sentiment.label, "positive");

  auto bad = store_->ListPosts({}, PageRequest{10, 0, "garbage"});
  EXPECT_FALSE(bad.ok());
}

TEST_P(StoreContractTest, AggregateWithEmptyBucketsAlignedToUtc) {
  Write({Row(MakePost("a", kT0 + 30'000, "youtube", "v1"), MakeAnalysis("positive", 0.9f)),
         Row(MakePost("b", kT0 + 59'999, "youtube", "v2"), MakeAnalysis("negative", 0.5f)),
         Row(MakePost("c", kT0 + 3 * kMin + 1, "reddit", "v1"), MakeAnalysis("neutral", 0.4f)),
         Row(MakePost("d", kT0 + 2 * kHour, "youtube", "v1"), MakeAnalysis("positive", 0.7f)),
         Row(MakePost("e", kT0 + 2 * kDay + 5, "youtube", "v1"), MakeAnalysis("negative", 0.6f))});

  // Minutes: start mid-minute is floored; empty minutes are present.
  auto m = store_->Aggregate({Period::kMinute, kT0 + 10'000, kT0 + 5 * kMin, std::nullopt, std::nullopt});
  ASSERT_TRUE(m.ok()) << m.status().to_string();
  ASSERT_EQ(m->size(), 5u);
  for (std::size_t i = 0; i < m->size(); ++i) EXPECT_EQ((*m)[i].timestamp, kT0 + static_cast<TimeMs>(i) * kMin);
  EXPECT_EQ((*m)[0].positive, 1);
  EXPECT_EQ((*m)[0].negative, 1);
  EXPECT_NEAR((*m)[0].confidence_sum, 1.4, 1e-5);
  EXPECT_EQ((*m)[1].total(), 0);
  EXPECT_EQ((*m)[2].total(), 0);
  EXPECT_EQ((*m)[3].neutral, 1);
  EXPECT_EQ((*m)[4].total(), 0);

  // Hours over a day: 24 buckets, two non-empty.
  auto h = store_->Aggregate({Period::kHour, kT0, kT0 + kDay, std::nullopt, std::nullopt});
  ASSERT_TRUE(h.ok());
  ASSERT_EQ(h->size(), 24u);
  EXPECT_EQ((*h)[0].total(), 3);
  EXPECT_EQ((*h)[1].total(), 0);
  EXPECT_EQ((*h)[2].positive, 1);
  EXPECT_EQ((*h)[23].timestamp, kT0 + 23 * kHour);

  // Days, with a range ending mid-day (the last partial day is a bucket).
  auto d = store_->Aggregate({Period::kDay, kT0 - kDay, kT0 + 2 * kDay + 1, std::nullopt, std::nullopt});
  ASSERT_TRUE(d.ok());
  ASSERT_EQ(d->size(), 4u);
  EXPECT_EQ((*d)[0].total(), 0);
  EXPECT_EQ((*d)[1].total(), 4);
  EXPECT_EQ((*d)[2].total(), 0);
  EXPECT_EQ((*d)[3].negative, 1);

  // Scoped by source, video, both.
  auto ys = store_->Aggregate({Period::kDay, kT0, kT0 + kDay, std::string("youtube"), std::nullopt});
  ASSERT_TRUE(ys.ok());
  ASSERT_EQ(ys->size(), 1u);
  EXPECT_EQ((*ys)[0].total(), 3);
  auto v1 = store_->Aggregate({Period::kDay, kT0, kT0 + kDay, std::nullopt, std::string("v1")});
  ASSERT_TRUE(v1.ok());
  EXPECT_EQ((*v1)[0].total(), 3);
  auto both = store_->Aggregate({Period::kDay, kT0, kT0 + kDay, std::string("youtube"), std::string("v1")});
  ASSERT_TRUE(both.ok());
  EXPECT_EQ((*both)[0].total(), 2);
  auto none = store_->Aggregate({Period::kDay, kT0, kT0 + kDay, std::string("twitter"), std::nullopt});
  ASSERT_TRUE(none.ok());
  ASSERT_EQ(none->size(), 1u);
  EXPECT_EQ((*none)[0].total(), 0);

  auto empty = store_->Aggregate({Period::kHour, kT0, kT0, std::nullopt, std::nullopt});
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
}

TEST_P(StoreContractTest, DistributionIsExactAtAnyStartAndScoped) {
  // Posts spread across the partial minute, minutes, hours and days after `since`.
  const TimeMs since = kT0 + 10 * kMin + 20'000;
  Write({Row(MakePost("before", since - 1), MakeAnalysis("positive", 0.9f, "joy")),
         Row(MakePost("edge", since, "youtube", "v1"), MakeAnalysis("negative", 0.9f, "anger")),
         Row(MakePost("partial", since + 30'000, "reddit", "v2"), MakeAnalysis("neutral", 0.9f, "neutral")),
         Row(MakePost("minute", since + 5 * kMin, "youtube", "v2"), MakeAnalysis("positive", 0.9f, "joy")),
         Row(MakePost("hour", since + 3 * kHour, "youtube", "v1"), MakeAnalysis("positive", 0.9f, "joy")),
         Row(MakePost("day", since + 3 * kDay, "reddit", "v1"), MakeAnalysis("negative", 0.9f, "fear"))});
  auto d = store_->GetDistribution(since, std::nullopt, std::nullopt);
  ASSERT_TRUE(d.ok()) << d.status().to_string();
  EXPECT_EQ(d->positive, 2);
  EXPECT_EQ(d->negative, 2);
  EXPECT_EQ(d->neutral, 1);
  EXPECT_EQ(d->emotions["joy"], 2);
  EXPECT_EQ(d->emotions["anger"], 1);
  EXPECT_EQ(d->emotions["fear"], 1);
  EXPECT_EQ(d->emotions["neutral"], 1);

  auto yt = store_->GetDistribution(since, std::string("youtube"), std::nullopt);
  ASSERT_TRUE(yt.ok());
  EXPECT_EQ(yt->positive, 2);
  EXPECT_EQ(yt->negative, 1);
  EXPECT_EQ(yt->neutral, 0);
  auto v1 = store_->GetDistribution(since, std::nullopt, std::string("v1"));
  ASSERT_TRUE(v1.ok());
  EXPECT_EQ(v1->positive + v1->negative + v1->neutral, 3);
  auto rv1 = store_->GetDistribution(since, std::string("reddit"), std::string("v1"));
  ASSERT_TRUE(rv1.ok());
  EXPECT_EQ(rv1->negative, 1);
  EXPECT_EQ(rv1->positive + rv1->neutral, 0);
  EXPECT_EQ(rv1->emotions.size(), 1u);
  auto later = store_->GetDistribution(since + 4 * kDay, std::nullopt, std::nullopt);
  ASSERT_TRUE(later.ok());
  EXPECT_EQ(later->positive + later->negative + later->neutral, 0);
  EXPECT_TRUE(later->emotions.empty());
}

TEST_P(StoreContractTest, Stats) {
  WriteFixture();
  const TimeMs now = kT0 + 3 * kMin + kHour;  // posts at +3 and +4 min are within the last hour
  auto st = store_->GetStats(now);
  ASSERT_TRUE(st.ok()) << st.status().to_string();
  EXPECT_EQ(st->total_posts, 4);
  EXPECT_EQ(st->total_analyses, 4);
  EXPECT_EQ(st->recent_posts_1h, 2);
  EXPECT_EQ(st->by_label["negative"], 2);
  EXPECT_EQ(st->by_label["positive"], 1);
  EXPECT_EQ(st->by_label["neutral"], 1);
  EXPECT_EQ(st->by_source["youtube"], 2);
  EXPECT_EQ(st->by_source["reddit"], 2);
  EXPECT_TRUE(store_->Ping().ok());
  EXPECT_FALSE(store_->Describe().empty());
}

TEST_P(StoreContractTest, ExportStreamsEverythingInChunksNewestFirst) {
  std::vector<ResultRow> rows;
  for (int i = 0; i < 1234; ++i) {
    rows.push_back(Row(MakePost("e" + std::to_string(i), kT0 + i * 1000, i % 2 ? "a" : "b"),
                       MakeAnalysis("neutral", 0.5f)));
  }
  Write(rows);
  std::vector<std::string> seen;
  int calls = 0;
  ASSERT_TRUE(store_->ExportPosts({}, [&](std::span<const PostRecord> chunk) {
    ++calls;
    for (const auto& r : chunk) seen.push_back(r.post.post_id);
    return true;
  }).ok());
  ASSERT_EQ(seen.size(), 1234u);
  EXPECT_GT(calls, 1);  // streamed, not one giant chunk
  EXPECT_EQ(seen.front(), "e1233");
  EXPECT_EQ(seen.back(), "e0");
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), 1234u);

  // Filtered, and stopping early.
  PostFilter f;
  f.source = "a";
  std::size_t n = 0;
  ASSERT_TRUE(store_->ExportPosts(f, [&](std::span<const PostRecord> chunk) {
    for (const auto& r : chunk) EXPECT_EQ(r.post.source, "a");
    n += chunk.size();
    return true;
  }).ok());
  EXPECT_EQ(n, 617u);
  int stopped_calls = 0;
  ASSERT_TRUE(store_->ExportPosts({}, [&](std::span<const PostRecord>) {
    ++stopped_calls;
    return false;
  }).ok());
  EXPECT_EQ(stopped_calls, 1);
}

TEST_P(StoreContractTest, AlertRulesAndAlertsRoundTrip) {
  auto none = store_->GetAlertRules();
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());

  AlertRule r1;
  r1.id = "neg-share-default";
  r1.type = "negative_share";
  r1.threshold = 0.4;
  r1.window_s = 300;
  r1.min_posts = 10;
  r1.cooldown_s = 600;
  AlertRule r2 = r1;
  r2.id = "spike-yt";
  r2.type = "volume_spike";
  r2.threshold = 3.5;
  r2.scope = "source";
  r2.scope_value = "youtube";
  r2.enabled = false;
  r2.webhook_url = "https://hooks.example.com/x";
  std::vector<AlertRule> rules{r1, r2};
  ASSERT_TRUE(store_->PutAlertRules(rules).ok());
  auto got = store_->GetAlertRules();
  ASSERT_TRUE(got.ok());
  ASSERT_EQ(got->size(), 2u);
  EXPECT_EQ((*got)[0].id, "neg-share-default");
  EXPECT_EQ((*got)[1].id, "spike-yt");
  EXPECT_EQ((*got)[1].type, "volume_spike");
  EXPECT_DOUBLE_EQ((*got)[1].threshold, 3.5);
  EXPECT_EQ((*got)[1].scope, "source");
  EXPECT_EQ((*got)[1].scope_value, "youtube");
  EXPECT_FALSE((*got)[1].enabled);
  EXPECT_TRUE((*got)[0].enabled);
  EXPECT_EQ((*got)[1].webhook_url, "https://hooks.example.com/x");
  EXPECT_EQ((*got)[0].window_s, 300);
  EXPECT_EQ((*got)[0].min_posts, 10);
  EXPECT_EQ((*got)[0].cooldown_s, 600);

  // Replaces all.
  std::vector<AlertRule> one{r2};
  ASSERT_TRUE(store_->PutAlertRules(one).ok());
  got = store_->GetAlertRules();
  ASSERT_TRUE(got.ok());
  ASSERT_EQ(got->size(), 1u);
  EXPECT_EQ((*got)[0].id, "spike-yt");

  Alert a;
  a.rule_id = "neg-share-default";
  a.alert_type = "negative_share";
  a.threshold_value = 0.4;
  a.actual_value = 0.55;
  a.window_start = kT0;
  a.window_end = kT0 + 5 * kMin;
  a.post_count = 40;
  a.triggered_at = kT0 + 5 * kMin;
  a.details_json = R"({"negative":22})";
  auto id1 = store_->InsertAlert(a);
  ASSERT_TRUE(id1.ok());
  Alert b = a;
  b.alert_type = "volume_spike";
  b.rule_id = "spike-yt";
  b.triggered_at = kT0 + 10 * kMin;
  auto id2 = store_->InsertAlert(b);
  ASSERT_TRUE(id2.ok());
  EXPECT_NE(*id1, *id2);

  auto all = store_->ListAlerts({});
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].id, *id2);  // newest first
  EXPECT_EQ((*all)[1].rule_id, "neg-share-default");
  EXPECT_DOUBLE_EQ((*all)[1].actual_value, 0.55);
  EXPECT_EQ((*all)[1].window_start, kT0);
  EXPECT_EQ((*all)[1].window_end, kT0 + 5 * kMin);
  EXPECT_EQ((*all)[1].post_count, 40);
  EXPECT_EQ((*all)[1].details_json, R"({"negative":22})");

  AlertQuery q;
  q.type = "negative_share";
  auto typed = store_->ListAlerts(q);
  ASSERT_TRUE(typed.ok());
  ASSERT_EQ(typed->size(), 1u);
  EXPECT_EQ((*typed)[0].id, *id1);
  q = {};
  q.since = kT0 + 6 * kMin;
  auto since = store_->ListAlerts(q);
  ASSERT_TRUE(since.ok());
  ASSERT_EQ(since->size(), 1u);
  EXPECT_EQ((*since)[0].id, *id2);
  q = {};
  q.limit = 1;
  auto lim = store_->ListAlerts(q);
  ASSERT_TRUE(lim.ok());
  EXPECT_EQ(lim->size(), 1u);
}

TEST_P(StoreContractTest, ConcurrentWritersAllLand) {
  constexpr int kThreads = 8, kPer = 40;
  std::vector<std::thread> ts;
  for (int t = 0; t < kThreads; ++t) {
    ts.emplace_back([&, t] {
      for (int i = 0; i < kPer; ++i) {
        std::vector<ResultRow> rows{Row(MakePost("t" + std::to_string(t) + "_" + std::to_string(i),
                                                 kT0 + i * kMin),
                                        MakeAnalysis("positive", 0.5f))};
        Status st = store_->WriteResults(rows);
        EXPECT_TRUE(st.ok()) << st.to_string();
      }
    });
  }
  for (auto& t : ts) t.join();
  EXPECT_EQ(Total({}), kThreads * kPer);
  auto d = store_->GetDistribution(kT0, std::nullopt, std::nullopt);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->positive, kThreads * kPer);
}

}  // namespace sentio::storage::contract
