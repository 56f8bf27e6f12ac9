// The Queue contract: behaviour every queue backend (embedded SQLite, Redis Streams) must
// show, together with the Store it feeds. Include in exactly one test file per backend:
//
//   INSTANTIATE_TEST_SUITE_P(Embedded, QueueContractTest,
//       ::testing::Values(QueueBackend{"embedded", MakeHarness}),
//       [](const auto& info) { return info.param.name; });
//
// `make` returns a fresh, EMPTY queue and the store it shares posts with.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <ostream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "queue/queue.h"
#include "storage/store.h"

namespace sentio::queue::contract {

struct QueueTestOptions {
  int max_attempts = 3;
};

struct QueueHarness {
  std::shared_ptr<storage::Store> store;
  std::shared_ptr<Queue> queue;
};

struct QueueBackend {
  std::string name;
  std::function<QueueHarness(const QueueTestOptions&)> make;
};
inline void PrintTo(const QueueBackend& b, std::ostream* os) { *os << b.name; }

inline constexpr TimeMs kT0 = 1795392000000;  // 2026-11-23T00:00:00Z

inline Post QPost(const std::string& id, const std::string& source = "youtube", TimeMs t = kT0) {
  Post p;
  p.post_id = id;
  p.source = source;
  p.content = "content " + id;
  p.author = "au";
  p.created_at = t;
  p.video_id = "vid";
  p.ingested_at = t + 1;
  return p;
}

inline Analysis QAnalysis(const std::string& label) {
  Analysis a;
  a.sentiment.label = label;
  a.sentiment.score = 0.75f;
  a.sentiment.scores = {{"negative", 0.1f}, {"neutral", 0.15f}, {"positive", 0.75f}};
  a.sentiment.model_version = "m@1";
  a.analyzed_at = kT0 + 10;
  return a;
}

using namespace std::chrono_literals;

class QueueContractTest : public ::testing::TestWithParam<QueueBackend> {
 protected:
  void SetUp() override { Make({}); }
  void Make(const QueueTestOptions& o) {
    h_ = {};
    h_ = GetParam().make(o);
    ASSERT_NE(h_.queue, nullptr);
    ASSERT_NE(h_.store, nullptr);
  }
  EnqueueResult Enqueue(std::vector<Post> posts) {
    auto r = h_.queue->Enqueue(std::move(posts));
    EXPECT_TRUE(r.ok()) << r.status().to_string();
    return r.ok() ? std::move(r).value() : EnqueueResult{};
  }
  std::vector<Delivery> Claim(std::size_t max, std::chrono::milliseconds lease = 30s,
                              std::chrono::milliseconds wait = 0ms) {
    auto r = h_.queue->Claim(max, lease, wait);
    EXPECT_TRUE(r.ok()) << r.status().to_string();
    return r.ok() ? std::move(r).value() : std::vector<Delivery>{};
  }
  QueueStats Stats() {
    auto s = h_.queue->Stats();
    EXPECT_TRUE(s.ok()) << s.status().to_string();
    return s.ok() ? *s : QueueStats{};
  }

  QueueHarness h_;
};

TEST_P(QueueContractTest, EnqueueReportsDuplicatesInsideAndAcrossBatches) {
  auto r1 = Enqueue({QPost("a"), QPost("b"), QPost("a"), QPost("a", "reddit")});
  EXPECT_EQ(r1.accepted, 3);
  EXPECT_EQ(r1.duplicates, 1);
  EXPECT_EQ(r1.ids, (std::vector<std::string>{"a", "b", "a", "a"}));
  EXPECT_EQ(r1.duplicate, (std::vector<bool>{false, false, true, false}));
  auto r2 = Enqueue({QPost("b"), QPost("c")});
  EXPECT_EQ(r2.accepted, 1);
  EXPECT_EQ(r2.duplicates, 1);
  EXPECT_EQ(r2.duplicate, (std::vector<bool>{true, false}));
  EXPECT_EQ(Stats().depth, 4);
  // Each accepted post is delivered exactly once.
  auto ds = Claim(100);
  std::multiset<std::string> keys;
  for (const auto& d : ds) keys.insert(d.post.source + "/" + d.post.post_id);
  EXPECT_EQ(keys, (std::multiset<std::string>{"youtube/a", "youtube/b", "reddit/a", "youtube/c"}));
}

TEST_P(QueueContractTest, GeneratesIdsForPostsWithoutOne) {
  Post p = QPost("");
  auto r = Enqueue({p, p});
  ASSERT_EQ(r.ids.size(), 2u);
  EXPECT_FALSE(r.ids[0].empty());
  EXPECT_NE(r.ids[0], r.ids[1]);
  EXPECT_EQ(r.accepted, 2);
  auto ds = Claim(10);
  ASSERT_EQ(ds.size(), 2u);
  std::set<std::string> got{ds[0].post.post_id, ds[1].post.post_id};
  EXPECT_EQ(got, (std::set<std::string>{r.ids[0], r.ids[1]}));
}

TEST_P(QueueContractTest, EnqueuedPostsAreReadableUnanalysed) {
  Enqueue({QPost("x", "youtube", kT0 + 5), QPost("y", "youtube", kT0 + 9)});
  auto page = h_.store->ListPosts({}, {});
  ASSERT_TRUE(page.ok()) << page.status().to_string();
  ASSERT_EQ(page->posts.size(), 2u);
  EXPECT_EQ(page->total, 2);
  EXPECT_EQ(page->posts[0].post.post_id, "y");
  EXPECT_FALSE(page->posts[0].analysed);
  EXPECT_EQ(page->posts[0].post.content, "content y");
  storage::PostFilter only;
  only.analysed_only = true;
  auto analysed = h_.store->ListPosts(only, {});
  ASSERT_TRUE(analysed.ok());
  EXPECT_EQ(analysed->total, 0);
  auto one = h_.store->GetPost("x", std::string_view("youtube"));
  ASSERT_TRUE(one.ok() && one->has_value());
  EXPECT_FALSE((*one)->analysed);
}

TEST_P(QueueContractTest, ClaimLeasesAndAckRemoves) {
  Enqueue({QPost("1"), QPost("2"), QPost("3"), QPost("4"), QPost("5")});
  auto first = Claim(3);
  ASSERT_EQ(first.size(), 3u);
  for (const auto& d : first) {
    EXPECT_EQ(d.attempts, 1);
    EXPECT_FALSE(d.tag.empty());
    EXPECT_EQ(d.post.content, "content " + d.post.post_id);
  }
  auto s = Stats();
  EXPECT_EQ(s.depth, 5);
  EXPECT_EQ(s.in_flight, 3);
  auto rest = Claim(10);
  ASSERT_EQ(rest.size(), 2u);
  std::set<std::string> ids;
  for (const auto& d : first) ids.insert(d.post.post_id);
  for (const auto& d : rest) ids.insert(d.post.post_id);
  EXPECT_EQ(ids.size(), 5u);  // no entry delivered twice while leased
  EXPECT_TRUE(Claim(10).empty());
  ASSERT_TRUE(h_.queue->Ack(first).ok());
  EXPECT_EQ(Stats().depth, 2);
  ASSERT_TRUE(h_.queue->Ack(rest).ok());
  s = Stats();
  EXPECT_EQ(s.depth, 0);
  EXPECT_EQ(s.in_flight, 0);
  // Acking twice is harmless.
  EXPECT_TRUE(h_.queue->Ack(rest).ok());
}

TEST_P(QueueContractTest, FailRetriesThenDeadLetters) {
  Make({.max_attempts = 3});
  Enqueue({QPost("poison"), QPost("fine")});
  std::string fine_tag;
  for (int attempt = 1; attempt <= 3; ++attempt) {
    auto ds = Claim(10);
    Delivery* poison = nullptr;
    for (auto& d : ds) {
      if (d.post.post_id == "poison") poison = &d;
      if (d.post.post_id == "fine" && attempt == 1) {
        ASSERT_TRUE(h_.queue->Ack(std::span(&d, 1)).ok());
      }
    }
    ASSERT_NE(poison, nullptr) << "attempt " << attempt;
    EXPECT_EQ(poison->attempts, attempt);
    ASSERT_TRUE(h_.queue->Fail(*poison, "boom " + std::to_string(attempt)).ok());
  }
  EXPECT_TRUE(Claim(10).empty());
  auto s = Stats();
  EXPECT_EQ(s.depth, 0);
  EXPECT_EQ(s.dead_letters, 1);
  auto dl = h_.queue->ListDeadLetters(10);
  ASSERT_TRUE(dl.ok()) << dl.status().to_string();
  ASSERT_EQ(dl->size(), 1u);
  EXPECT_EQ((*dl)[0].post.post_id, "poison");
  EXPECT_EQ((*dl)[0].attempts, 3);
  EXPECT_EQ((*dl)[0].last_error, "boom 3");
  EXPECT_GT((*dl)[0].failed_at, 0);
}

TEST_P(QueueContractTest, ExpiredLeaseIsDeliveredAgain) {
  Enqueue({QPost("lost")});
  auto first = Claim(10, 200ms);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_TRUE(Claim(10, 200ms).empty());  // still leased
  // The consumer "crashed": after the lease the entry comes back, counting the attempt.
  auto t0 = std::chrono::steady_clock::now();
  auto again = Claim(10, 30s, 5s);
  auto waited = std::chrono::steady_clock::now() - t0;
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].post.post_id, "lost");
  EXPECT_EQ(again[0].attempts, 2);
  EXPECT_LT(waited, 3s);
  ASSERT_TRUE(h_.queue->Ack(again).ok());
  EXPECT_EQ(Stats().depth, 0);
}

TEST_P(QueueContractTest, ClaimWaitsForEnqueueAndTimesOut) {
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_TRUE(Claim(10, 30s, 150ms).empty());
  EXPECT_GE(std::chrono::steady_clock::now() - t0, 140ms);

  std::vector<Delivery> got;
  std::chrono::steady_clock::duration took{};
  std::thread consumer([&] {
    auto s = std::chrono::steady_clock::now();
    got = Claim(10, 30s, 10s);
    took = std::chrono::steady_clock::now() - s;
  });
  std::this_thread::sleep_for(100ms);
  Enqueue({QPost("wake")});
  consumer.join();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].post.post_id, "wake");
  EXPECT_LT(took, 5s);
}

TEST_P(QueueContractTest, RedeliveryAfterCrashBeforeAckNeverDoubleCounts) {
  Enqueue({QPost("p1", "youtube", kT0 + 1000), QPost("p2", "youtube", kT0 + 2000)});
  // Worker 1 writes results but dies before Ack.
  auto ds = Claim(10, 150ms);
  ASSERT_EQ(ds.size(), 2u);
  std::vector<storage::ResultRow> rows;
  for (const auto& d : ds) rows.push_back({d.post, QAnalysis("positive")});
  ASSERT_TRUE(h_.store->WriteResults(rows).ok());
  // Worker 2 gets them again, writes again (different answer for p1), acks.
  auto again = Claim(10, 30s, 5s);
  ASSERT_EQ(again.size(), 2u);
  rows.clear();
  for (const auto& d : again) {
    rows.push_back({d.post, QAnalysis(d.post.post_id == "p1" ? "negative" : "positive")});
  }
  ASSERT_TRUE(h_.store->WriteResults(rows).ok());
  ASSERT_TRUE(h_.queue->Ack(again).ok());
  EXPECT_EQ(Stats().depth, 0);
  auto stats = h_.store->GetStats(kT0);
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->total_posts, 2);
  EXPECT_EQ(stats->total_analyses, 2);
  auto d = h_.store->GetDistribution(kT0, std::nullopt, std::nullopt);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->positive, 1);
  EXPECT_EQ(d->negative, 1);
}

TEST_P(QueueContractTest, ConcurrentProducersAndConsumersDeliverEachPostOnce) {
  constexpr int kProducers = 8, kBatches = 20, kPerBatch = 5;
  std::atomic<std::int64_t> accepted{0}, duplicates{0};
  std::vector<std::thread> ts;
  for (int t = 0; t < kProducers; ++t) {
    ts.emplace_back([&, t] {
      for (int b = 0; b < kBatches; ++b) {
        std::vector<Post> posts;
        for (int i = 0; i < kPerBatch; ++i) {
          // Producers t and t^1 send the same ids: half the posts are duplicates.
          posts.push_back(QPost("p" + std::to_string(t / 2) + "_" + std::to_string(b) + "_" +
                                std::to_string(i)));
        }
        auto r = h_.queue->Enqueue(std::move(posts));
        ASSERT_TRUE(r.ok()) << r.status().to_string();
        accepted += r->accepted;
        duplicates += r->duplicates;
      }
    });
  }
  std::mutex mu;
  std::map<std::string, int> seen;
  std::atomic<bool> producers_done{false};
  std::vector<std::thread> consumers;
  for (int c = 0; c < 3; ++c) {
    consumers.emplace_back([&] {
      for (;;) {
        auto r = h_.queue->Claim(16, 30s, 50ms);
        ASSERT_TRUE(r.ok());
        if (r->empty()) {
          if (producers_done) return;
          continue;
        }
        {
          std::lock_guard lk(mu);
          for (const auto& d : *r) seen[d.post.post_id]++;
        }
        ASSERT_TRUE(h_.queue->Ack(*r).ok());
      }
    });
  }
  for (auto& t : ts) t.join();
  producers_done = true;
  for (auto& c : consumers) c.join();
  const std::int64_t unique = kProducers / 2 * kBatches * kPerBatch;
  EXPECT_EQ(accepted.load(), unique);
  EXPECT_EQ(duplicates.load(), unique);
  EXPECT_EQ(static_cast<std::int64_t>(seen.size()), unique);
  for (const auto& [id, n] : seen) EXPECT_EQ(n, 1) << id;
  EXPECT_EQ(Stats().depth, 0);
}

}  // namespace sentio::queue::contract
