// Scale-out end to end: Redis Streams queue -> worker -> PostgreSQL store, with a worker
// process killed with SIGKILL mid-batch (after writing part of its batch, before acking).
// Everything is delivered again and, thanks to idempotent writes, stored exactly once.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "queue/redis_queue.h"
#include "storage/postgres_store.h"
#include "tests/harness/test_env.h"

namespace sentio {
namespace {

using namespace std::chrono_literals;
constexpr TimeMs kT0 = 1795392000000;

Analysis AnalysisFor(const Post& p) {
  Analysis a;
  int n = std::stoi(p.post_id.substr(1));
  a.sentiment.label = n % 3 == 0 ? "positive" : n % 3 == 1 ? "negative" : "neutral";
  a.sentiment.score = 0.75f;
  a.sentiment.scores = {{"negative", 0.1f}, {"neutral", 0.15f}, {"positive", 0.75f}};
  a.sentiment.model_version = "lexicon@1";
  a.analyzed_at = kT0;
  return a;
}

// One worker step: claim, "classify", write, ack. Returns deliveries handled.
Result<std::size_t> WorkOnce(queue::RedisQueue& q, storage::PostgresStore& s, std::size_t max,
                             std::chrono::milliseconds lease) {
  SENTIO_ASSIGN_OR_RETURN(auto batch, q.Claim(max, lease, 100ms));
  std::vector<storage::ResultRow> rows;
  for (const auto& d : batch) rows.push_back({d.post, AnalysisFor(d.post)});
  SENTIO_RETURN_IF_ERROR(s.WriteResults(rows));
  SENTIO_RETURN_IF_ERROR(q.Ack(batch));
  return batch.size();
}

TEST(ScaleoutEndToEnd, KilledWorkerProcessMidBatchStoresEverythingExactlyOnce) {
  const std::string redis = testing::TestEnv("SENTIO_TEST_REDIS_URL");
  const std::string pg = testing::TestEnv("SENTIO_TEST_PG_URL");
  if (redis.empty() || pg.empty())
    GTEST_SKIP() << "needs SENTIO_TEST_REDIS_URL and SENTIO_TEST_PG_URL (run through ctest)";
  queue::RedisQueueOptions qo;
  qo.key_prefix = "{" + testing::UniqueName("e2e") + "}";
  storage::PostgresOptions so;
  so.schema = testing::UniqueName("e2e");
  auto q = queue::RedisQueue::Open(redis, qo);
  ASSERT_TRUE(q.ok()) << q.status().to_string();
  auto s = storage::PostgresStore::Open(pg, so);
  ASSERT_TRUE(s.ok()) << s.status().to_string();

  constexpr int kPosts = 300;
  std::vector<Post> posts;
  for (int i = 0; i < kPosts; ++i) {
    Post p;
    p.post_id = "p" + std::to_string(i);
    p.source = "youtube";
    p.content = "post number " + std::to_string(i);
    p.created_at = kT0 + i * 1000;
    p.video_id = "v1";
    posts.push_back(p);
  }
  auto enq = (*q)->Enqueue(posts);
  ASSERT_TRUE(enq.ok());
  ASSERT_EQ(enq->accepted, kPosts);

  const auto lease = 400ms;
  int pipefd[2];
  ASSERT_EQ(pipe(pipefd), 0);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {  // the doomed worker: writes half its batch, never acks
    close(pipefd[0]);
    char ok = 0;
    auto cq = queue::RedisQueue::Open(redis, qo);
    auto cs = storage::PostgresStore::Open(pg, so);
    if (cq.ok() && cs.ok()) {
      auto batch = (*cq)->Claim(120, lease, 0ms);
      if (batch.ok() && batch->size() == 120) {
        std::vector<storage::ResultRow> rows;
        for (std::size_t i = 0; i < 60; ++i) rows.push_back({(*batch)[i].post, AnalysisFor((*batch)[i].post)});
        if ((*cs)->WriteResults(rows).ok()) ok = 1;
      }
    }
    (void)!write(pipefd[1], &ok, 1);
    pause();
    _exit(0);
  }
  struct KillChild {  // never leave the child behind, even when an assertion fails
    pid_t pid;
    ~KillChild() {
      if (kill(pid, SIGKILL) == 0) waitpid(pid, nullptr, 0);
    }
  } reaper{child};
  close(pipefd[1]);
  char ok = 0;
  ASSERT_EQ(read(pipefd[0], &ok, 1), 1);
  close(pipefd[0]);
  kill(child, SIGKILL);
  waitpid(child, nullptr, 0);
  ASSERT_EQ(ok, 1) << "child worker failed";
  EXPECT_EQ((*s)->GetStats(kT0)->total_posts, 60);  // partial batch landed

  // Two surviving workers in this process drain everything (including the reclaimed 120).
  std::atomic<bool> failed{false};
  auto deadline = std::chrono::steady_clock::now() + 20s;
  auto worker = [&] {
    auto wq = queue::RedisQueue::Open(redis, qo);
    auto ws = storage::PostgresStore::Open(pg, so);
    if (!wq.ok() || !ws.ok()) {
      failed = true;
      return;
    }
    while (std::chrono::steady_clock::now() < deadline) {
      auto n = WorkOnce(**wq, **ws, 50, lease);
      if (!n.ok()) {
        failed = true;
        return;
      }
      auto st = (*wq)->Stats();
      if (st.ok() && st->depth == 0) return;
    }
  };
  std::thread w1(worker), w2(worker);
  w1.join();
  w2.join();
  ASSERT_FALSE(failed.load());

  auto qs = (*q)->Stats();
  ASSERT_TRUE(qs.ok());
  EXPECT_EQ(qs->depth, 0);
  EXPECT_EQ(qs->in_flight, 0);
  EXPECT_EQ(qs->dead_letters, 0);
  auto st = (*s)->GetStats(kT0);
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->total_posts, kPosts);
  EXPECT_EQ(st->total_analyses, kPosts);
  EXPECT_EQ(st->by_label["positive"], kPosts / 3);
  EXPECT_EQ(st->by_label["negative"], kPosts / 3);
  EXPECT_EQ(st->by_label["neutral"], kPosts / 3);
  auto agg = (*s)->Aggregate({storage::Period::kHour, kT0, kT0 + 3'600'000, std::nullopt, std::nullopt});
  ASSERT_TRUE(agg.ok());
  ASSERT_EQ(agg->size(), 1u);
  EXPECT_EQ((*agg)[0].total(), kPosts);
  EXPECT_NEAR((*agg)[0].confidence_sum, 0.75 * kPosts, 1e-6);
}

}  // namespace
}  // namespace sentio
