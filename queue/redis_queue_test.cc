// RedisQueue against a real redis-server (the CTest fixture starts one; outside CTest set
// SENTIO_TEST_REDIS_URL=redis://127.0.0.1:PORT). Each test uses its own key prefix.
#include "queue/redis_queue.h"

#include <gtest/gtest.h>
#include <hiredis/hiredis.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <set>
#include <thread>

#include "tests/harness/test_env.h"

namespace sentio::queue {
namespace {

using namespace std::chrono_literals;
using sentio::testing::TestEnv;
using sentio::testing::UniqueName;

Post MakePost(const std::string& id, const std::string& source = "youtube") {
  Post p;
  p.post_id = id;
  p.source = source;
  p.content = "content of " + id + " \xF0\x9F\x98\x80 \"quoted\"";
  p.author = "author";
  p.created_at = 1'700'000'000'000;
  p.video_id = "vid1";
  p.meta_json = R"({"k":1})";
  return p;
}

std::vector<Post> MakePosts(int n, const std::string& stem = "p") {
  std::vector<Post> v;
  for (int i = 0; i < n; ++i) v.push_back(MakePost(stem + std::to_string(i)));
  return v;
}

// Raw command on a fresh connection (for checks the Queue API does not expose).
long long RawInt(const std::string& url, const std::vector<std::string>& args) {
  std::string hp = url.substr(std::string("redis://").size());
  hp = hp.substr(0, hp.find('/'));
  auto colon = hp.rfind(':');
  redisContext* c = redisConnect(hp.substr(0, colon).c_str(), std::stoi(hp.substr(colon + 1)));
  std::vector<const char*> argv;
  std::vector<size_t> lens;
  for (auto& a : args) {
    argv.push_back(a.data());
    lens.push_back(a.size());
  }
  auto* r = static_cast<redisReply*>(
      redisCommandArgv(c, static_cast<int>(args.size()), argv.data(), lens.data()));
  long long v = r && r->type == REDIS_REPLY_INTEGER ? r->integer : -1;
  if (r) freeReplyObject(r);
  redisFree(c);
  return v;
}

class RedisQueueTest : public ::testing::Test {
 protected:
  void SetUp() override {
    url_ = TestEnv("SENTIO_TEST_REDIS_URL");
    if (url_.empty())
      GTEST_SKIP() << "SENTIO_TEST_REDIS_URL not set (run through ctest, or start "
                      "tests/harness/start-redis.sh DIR PORT and export the URL)";
    opts_.key_prefix = "{" + UniqueName("t") + "}";
  }
  std::unique_ptr<RedisQueue> Open(RedisQueueOptions o) {
    auto q = RedisQueue::Open(url_, std::move(o));
    EXPECT_TRUE(q.ok()) << q.status().to_string();
    return q.ok() ? std::move(q).value() : nullptr;
  }
  std::unique_ptr<RedisQueue> Open() { return Open(opts_); }

  std::string url_;
  RedisQueueOptions opts_;
};

TEST(RedisQueueCodec, RoundTripsEveryField) {
  Post p = MakePost("x1");
  p.url = "https://example.com/x";
  p.ingested_at = 1'700'000'000'123;
  auto back = RedisQueue::DecodePost(RedisQueue::EncodePost(p));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->post_id, p.post_id);
  EXPECT_EQ(back->source, p.source);
  EXPECT_EQ(back->content, p.content);
  EXPECT_EQ(back->author, p.author);
  EXPECT_EQ(back->created_at, p.created_at);
  EXPECT_EQ(back->video_id, p.video_id);
  EXPECT_EQ(back->url, p.url);
  EXPECT_EQ(back->meta_json, p.meta_json);
  EXPECT_EQ(back->ingested_at, p.ingested_at);
  EXPECT_FALSE(RedisQueue::DecodePost("not json").ok());
  EXPECT_FALSE(RedisQueue::DecodePost(R"({"s":"x"})").ok());
}

TEST(RedisQueueUrl, RejectsBadUrlsAndUnreachableServers) {
  EXPECT_EQ(RedisQueue::Open("http://localhost:6379").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(RedisQueue::Open("redis://localhost:6379/abc").status().code(),
            Code::kInvalidArgument);
  RedisQueueOptions o;
  o.connect_timeout = 200ms;
  // Port 1 on loopback: nothing listens there.
  EXPECT_EQ(RedisQueue::Open("redis://127.0.0.1:1/0", o).status().code(), Code::kUnavailable);
}

TEST_F(RedisQueueTest, EnqueueDeduplicatesOnSourceAndPostId) {
  auto q = Open();
  ASSERT_TRUE(q);
  auto r1 = q->Enqueue({MakePost("a"), MakePost("b"), MakePost("a"), MakePost("a", "reddit")});
  ASSERT_TRUE(r1.ok()) << r1.status().to_string();
  EXPECT_EQ(r1->accepted, 3);
  EXPECT_EQ(r1->duplicates, 1);
  EXPECT_EQ(r1->duplicate, (std::vector<bool>{false, false, true, false}));
  EXPECT_EQ(r1->ids, (std::vector<std::string>{"a", "b", "a", "a"}));

  Post gen = MakePost("");
  auto r2 = q->Enqueue({MakePost("b"), MakePost("c"), gen});
  ASSERT_TRUE(r2.ok());
  EXPECT_EQ(r2->accepted, 2);
  EXPECT_EQ(r2->duplicate, (std::vector<bool>{true, false, false}));
  EXPECT_EQ(r2->ids[2].rfind("gen_", 0), 0u) << r2->ids[2];

  auto st = q->Stats();
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->depth, 5);
  EXPECT_EQ(st->in_flight, 0);
}

TEST_F(RedisQueueTest, LargeBatchesArePipelinedInChunks) {
  opts_.enqueue_chunk = 7;
  auto q = Open();
  ASSERT_TRUE(q);
  auto posts = MakePosts(100);
  posts.push_back(MakePost("p3"));  // duplicate inside the batch, in another chunk
  auto r = q->Enqueue(posts);
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  EXPECT_EQ(r->accepted, 100);
  EXPECT_EQ(r->duplicates, 1);
  EXPECT_TRUE(r->duplicate.back());
  auto d = q->Claim(1000, 10s, 0ms);
  ASSERT_TRUE(d.ok());
  ASSERT_EQ(d->size(), 100u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ((*d)[i].post.post_id, "p" + std::to_string(i));  // FIFO
}

TEST_F(RedisQueueTest, ClaimAckAndStats) {
  auto q = Open();
  ASSERT_TRUE(q);
  ASSERT_TRUE(q->Enqueue(MakePosts(10)).ok());
  auto a = q->Claim(4, 30s, 0ms);
  ASSERT_TRUE(a.ok());
  ASSERT_EQ(a->size(), 4u);
  EXPECT_EQ((*a)[0].attempts, 1);
  EXPECT_EQ((*a)[0].post.content, MakePost("p0").content);
  auto b = q->Claim(100, 30s, 0ms);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->size(), 6u);

  auto t0 = std::chrono::steady_clock::now();
  auto empty = q->Claim(100, 30s, 150ms);  // blocks, then returns nothing
  auto waited = std::chrono::steady_clock::now() - t0;
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
  EXPECT_GE(waited, 120ms);

  auto st = q->Stats();
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->depth, 10);
  EXPECT_EQ(st->in_flight, 10);
  ASSERT_TRUE(q->Ack(*a).ok());
  st = q->Stats();
  EXPECT_EQ(st->depth, 6);
  EXPECT_EQ(st->in_flight, 6);
  ASSERT_TRUE(q->Ack(*b).ok());
  st = q->Stats();
  EXPECT_EQ(st->depth, 0);
  EXPECT_EQ(st->in_flight, 0);
}

TEST_F(RedisQueueTest, BlockingClaimWakesOnEnqueue) {
  auto consumer = Open();
  auto producer = Open();
  ASSERT_TRUE(consumer && producer);
  std::thread t([&] {
    std::this_thread::sleep_for(100ms);
    ASSERT_TRUE(producer->Enqueue({MakePost("late")}).ok());
  });
  auto t0 = std::chrono::steady_clock::now();
  auto d = consumer->Claim(10, 30s, 5s);
  auto waited = std::chrono::steady_clock::now() - t0;
  t.join();
  ASSERT_TRUE(d.ok());
  ASSERT_EQ(d->size(), 1u);
  EXPECT_EQ((*d)[0].post.post_id, "late");
  EXPECT_LT(waited, 3s);
}

TEST_F(RedisQueueTest, ExpiredLeaseIsReclaimedByAnotherConsumer) {
  auto a = Open();
  auto b = Open();
  ASSERT_TRUE(a && b);
  EXPECT_NE(a->consumer_name(), b->consumer_name());
  ASSERT_TRUE(a->Enqueue(MakePosts(3)).ok());
  auto da = a->Claim(10, 200ms, 0ms);
  ASSERT_TRUE(da.ok());
  ASSERT_EQ(da->size(), 3u);
  auto none = b->Claim(10, 200ms, 0ms);  // still leased to a
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  std::this_thread::sleep_for(300ms);
  auto db = b->Claim(10, 200ms, 0ms);
  ASSERT_TRUE(db.ok());
  ASSERT_EQ(db->size(), 3u);
  std::set<std::string> ids;
  for (auto& d : *db) {
    EXPECT_EQ(d.attempts, 2);
    ids.insert(d.post.post_id);
  }
  EXPECT_EQ(ids, (std::set<std::string>{"p0", "p1", "p2"}));
  ASSERT_TRUE(b->Ack(*db).ok());
  EXPECT_EQ(b->Stats()->depth, 0);
}

TEST_F(RedisQueueTest, FailRetriesThenDeadLetters) {
  opts_.max_attempts = 3;
  auto q = Open();
  ASSERT_TRUE(q);
  ASSERT_TRUE(q->Enqueue({MakePost("poison"), MakePost("fine")}).ok());
  int deliveries = 0;
  for (int round = 0; round < 10; ++round) {
    auto d = q->Claim(10, 30s, 0ms);
    ASSERT_TRUE(d.ok()) << d.status().to_string();
    for (auto& x : *d) {
      if (x.post.post_id == "fine") {
        ASSERT_TRUE(q->Ack(std::span(&x, 1)).ok());
        continue;
      }
      ++deliveries;
      EXPECT_EQ(x.attempts, deliveries);
      ASSERT_TRUE(q->Fail(x, "model exploded").ok());
    }
  }
  EXPECT_EQ(deliveries, 3);
  auto st = q->Stats();
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->depth, 0);
  EXPECT_EQ(st->in_flight, 0);
  EXPECT_EQ(st->dead_letters, 1);
  auto dl = q->ListDeadLetters(10);
  ASSERT_TRUE(dl.ok());
  ASSERT_EQ(dl->size(), 1u);
  EXPECT_EQ((*dl)[0].post.post_id, "poison");
  EXPECT_EQ((*dl)[0].post.content, MakePost("poison").content);
  EXPECT_EQ((*dl)[0].attempts, 3);
  EXPECT_EQ((*dl)[0].last_error, "model exploded");
  EXPECT_GT((*dl)[0].failed_at, 0);
  EXPECT_FALSE((*dl)[0].tag.empty());
}

TEST_F(RedisQueueTest, EntryThatKeepsTimingOutIsDeadLettered) {
  opts_.max_attempts = 2;
  auto q = Open();
  ASSERT_TRUE(q);
  ASSERT_TRUE(q->Enqueue({MakePost("slow")}).ok());
  int delivered = 0;
  for (int i = 0; i < 4; ++i) {
    auto d = q->Claim(10, 50ms, 0ms);  // never acked: the lease expires every time
    ASSERT_TRUE(d.ok());
    delivered += static_cast<int>(d->size());
    std::this_thread::sleep_for(80ms);
  }
  EXPECT_EQ(delivered, 2);
  auto st = q->Stats();
  EXPECT_EQ(st->dead_letters, 1);
  EXPECT_EQ(st->depth, 0);
  auto dl = q->ListDeadLetters(5);
  ASSERT_EQ(dl->size(), 1u);
  EXPECT_EQ((*dl)[0].attempts, 3);
  EXPECT_NE((*dl)[0].last_error.find("lease expired"), std::string::npos);
}

TEST_F(RedisQueueTest, TrimNeverDropsPendingOrUndeliveredEntries) {
  opts_.trim_every_acks = 1'000'000;  // only explicit trims here
  auto q = Open();
  ASSERT_TRUE(q);
  ASSERT_TRUE(q->Enqueue(MakePosts(20)).ok());
  auto d = q->Claim(10, 30s, 0ms);
  ASSERT_TRUE(d.ok());
  ASSERT_EQ(d->size(), 10u);
  // Acknowledge entries 5..9 without deleting them (as another client could): the oldest
  // pending entry (0) must stop the trim.
  for (int i = 5; i < 10; ++i)
    EXPECT_EQ(RawInt(url_, {"XACK", q->stream_key(), "workers", (*d)[i].tag}), 1);
  auto t1 = q->TrimAcknowledged();
  ASSERT_TRUE(t1.ok()) << t1.status().to_string();
  EXPECT_EQ(*t1, 0);
  EXPECT_EQ(RawInt(url_, {"XLEN", q->stream_key()}), 20);

  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(RawInt(url_, {"XACK", q->stream_key(), "workers", (*d)[i].tag}), 1);
  auto t2 = q->TrimAcknowledged();
  ASSERT_TRUE(t2.ok());
  EXPECT_EQ(*t2, 10);  // exactly the delivered-and-acknowledged ones
  EXPECT_EQ(RawInt(url_, {"XLEN", q->stream_key()}), 10);
  auto rest = q->Claim(100, 30s, 0ms);
  ASSERT_TRUE(rest.ok());
  ASSERT_EQ(rest->size(), 10u);
  EXPECT_EQ(rest->front().post.post_id, "p10");
  EXPECT_EQ(rest->back().post.post_id, "p19");
}

TEST_F(RedisQueueTest, BoundedDepthRefusesInsteadOfDropping) {
  opts_.max_depth = 5;
  auto q = Open();
  ASSERT_TRUE(q);
  ASSERT_TRUE(q->Enqueue(MakePosts(4)).ok());
  auto full = q->Enqueue({MakePost("x"), MakePost("y")});
  EXPECT_EQ(full.status().code(), Code::kResourceExhausted);
  EXPECT_EQ(q->Stats()->depth, 4);
  auto d = q->Claim(2, 30s, 0ms);
  ASSERT_TRUE(q->Ack(*d).ok());
  EXPECT_TRUE(q->Enqueue({MakePost("x"), MakePost("y")}).ok());
}

TEST_F(RedisQueueTest, ConcurrentProducersAndConsumersDeliverEverythingOnce) {
  opts_.pool_size = 4;
  auto q = Open();
  ASSERT_TRUE(q);
  constexpr int kProducers = 4, kPer = 250;
  std::vector<std::thread> threads;
  for (int p = 0; p < kProducers; ++p)
    threads.emplace_back([&, p] {
      for (int i = 0; i < kPer; i += 50) {
        std::vector<Post> batch;
        for (int j = i; j < i + 50; ++j) batch.push_back(MakePost(std::to_string(p) + "_" + std::to_string(j)));
        ASSERT_TRUE(q->Enqueue(std::move(batch)).ok());
      }
    });
  std::mutex mu;
  std::multiset<std::string> seen;
  std::atomic<int> got{0};
  for (int c = 0; c < 3; ++c)
    threads.emplace_back([&] {
      while (got.load() < kProducers * kPer) {
        auto d = q->Claim(64, 30s, 50ms);
        ASSERT_TRUE(d.ok()) << d.status().to_string();
        ASSERT_TRUE(q->Ack(*d).ok());
        std::lock_guard lk(mu);
        for (auto& x : *d) seen.insert(x.post.source + "/" + x.post.post_id);
        got += static_cast<int>(d->size());
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(seen.size(), static_cast<size_t>(kProducers * kPer));
  for (auto& s : seen) EXPECT_EQ(seen.count(s), 1u) << s;
  EXPECT_EQ(q->Stats()->depth, 0);
}

// kill -9 of a consumer process mid-batch: every entry it held is delivered again.
TEST_F(RedisQueueTest, KilledConsumerProcessLosesNothing) {
  auto q = Open();
  ASSERT_TRUE(q);
  ASSERT_TRUE(q->Enqueue(MakePosts(30)).ok());
  int pipefd[2];
  ASSERT_EQ(pipe(pipefd), 0);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(pipefd[0]);
    auto cq = RedisQueue::Open(url_, opts_);
    char n = 0;
    if (cq.ok()) {
      auto d = (*cq)->Claim(20, 300ms, 0ms);
      if (d.ok()) n = static_cast<char>(d->size());
    }
    (void)!write(pipefd[1], &n, 1);
    pause();  // "working" until killed
    _exit(0);
  }
  struct KillChild {  // never leave the child behind, even when an assertion fails
    pid_t pid;
    ~KillChild() {
      if (kill(pid, SIGKILL) == 0) waitpid(pid, nullptr, 0);
    }
  } reaper{child};
  close(pipefd[1]);
  char n = 0;
  ASSERT_EQ(read(pipefd[0], &n, 1), 1);
  close(pipefd[0]);
  ASSERT_EQ(n, 20);
  kill(child, SIGKILL);
  waitpid(child, nullptr, 0);

  std::multiset<std::string> ids;
  auto first = q->Claim(100, 300ms, 0ms);  // the 10 nobody held
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->size(), 10u);
  for (auto& d : *first) ids.insert(d.post.post_id);
  ASSERT_TRUE(q->Ack(*first).ok());
  std::this_thread::sleep_for(400ms);
  auto again = q->Claim(100, 300ms, 0ms);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->size(), 20u);
  for (auto& d : *again) {
    EXPECT_EQ(d.attempts, 2);
    ids.insert(d.post.post_id);
  }
  ASSERT_TRUE(q->Ack(*again).ok());
  EXPECT_EQ(ids.size(), 30u);
  for (int i = 0; i < 30; ++i) EXPECT_EQ(ids.count("p" + std::to_string(i)), 1u);
  EXPECT_EQ(q->Stats()->depth, 0);
}

// Restart (crash) of redis-server with AOF + appendfsync always: nothing acknowledged by
// Enqueue is lost, pending entries stay pending, acknowledged entries stay gone.
TEST_F(RedisQueueTest, ServerCrashLosesNoAcknowledgedEntry) {
  char tmpl[] = "/tmp/sentio-redis-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  std::string dir = tmpl;
  struct StopServer {  // even when an assertion returns early
    std::string dir;
    ~StopServer() {
      bool ok = false;
      (void)sentio::testing::RunHarness("stop-redis.sh " + dir + " --wipe", &ok);
    }
  } stop_server{dir};
  bool ok = false;
  std::string port = sentio::testing::RunHarness("free-port.sh", &ok);
  ASSERT_TRUE(ok);
  std::string url = sentio::testing::RunHarness("start-redis.sh " + dir + " " + port, &ok);
  ASSERT_TRUE(ok) << url;
  RedisQueueOptions o = opts_;
  o.io_timeout = 2s;
  auto q = RedisQueue::Open(url, o);
  ASSERT_TRUE(q.ok()) << q.status().to_string();
  ASSERT_TRUE((*q)->Enqueue(MakePosts(50)).ok());
  auto d = (*q)->Claim(20, 200ms, 0ms);
  ASSERT_TRUE(d.ok());
  ASSERT_EQ(d->size(), 20u);
  ASSERT_TRUE((*q)->Ack(std::span(d->data(), 10)).ok());

  // Crash: SIGKILL, no shutdown save.
  std::ifstream pidf(dir + "/redis.pid");
  pid_t pid = 0;
  pidf >> pid;
  ASSERT_GT(pid, 0);
  kill(pid, SIGKILL);
  for (int i = 0; i < 100 && kill(pid, 0) == 0; ++i) std::this_thread::sleep_for(20ms);
  EXPECT_FALSE((*q)->Stats().ok());  // server gone
  std::string url2 = sentio::testing::RunHarness("start-redis.sh " + dir + " " + port, &ok);
  ASSERT_TRUE(ok) << url2;

  // The same queue object reconnects by itself.
  QueueStats st;
  for (int i = 0; i < 50; ++i) {
    auto s = (*q)->Stats();
    if (s.ok()) {
      st = *s;
      break;
    }
    std::this_thread::sleep_for(50ms);
  }
  EXPECT_EQ(st.depth, 40);
  EXPECT_EQ(st.in_flight, 10);
  auto dup = (*q)->Enqueue(MakePosts(50));
  ASSERT_TRUE(dup.ok());
  EXPECT_EQ(dup->duplicates, 50);  // dedup keys survived too

  std::this_thread::sleep_for(250ms);
  std::set<std::string> ids;
  for (int round = 0; round < 5; ++round) {
    auto got = (*q)->Claim(100, 200ms, 0ms);
    ASSERT_TRUE(got.ok());
    for (auto& x : *got) ids.insert(x.post.post_id);
    ASSERT_TRUE((*q)->Ack(*got).ok());
  }
  EXPECT_EQ(ids.size(), 40u);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(ids.count((*d)[i].post.post_id), 0u);  // acked stay gone
  for (int i = 10; i < 50; ++i) EXPECT_EQ(ids.count("p" + std::to_string(i)), 1u);
  q->reset();
}

}  // namespace
}  // namespace sentio::queue
