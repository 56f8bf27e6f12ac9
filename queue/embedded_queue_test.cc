// Runs the Queue contract against EmbeddedQueue + SqliteStore sharing one real temporary
// SQLite file, plus embedded-only behaviour (leases reset at open, shutdown).
#include "queue/embedded_queue.h"

#include <gtest/gtest.h>

#include <memory>
#include <thread>

#include "queue/queue_contract_test.h"
#include "storage/sqlite_store.h"
#include "storage/sqlite_test_util.h"

namespace sentio::queue {
namespace {

using contract::QPost;
using contract::QueueBackend;
using contract::QueueContractTest;
using contract::QueueHarness;
using contract::QueueTestOptions;
using namespace std::chrono_literals;

storage::testutil::TempDir& Dirs() {
  static auto* d = new storage::testutil::TempDir();
  return *d;
}
struct Cleanup : ::testing::Environment {
  void TearDown() override { delete &Dirs(); }
};
[[maybe_unused]] ::testing::Environment* const kCleanup =
    ::testing::AddGlobalTestEnvironment(new Cleanup);

QueueHarness MakeEmbedded(const QueueTestOptions& o) {
  static int n = 0;
  auto db = storage::SqliteDb::Open(Dirs().file("q" + std::to_string(n++) + ".db"));
  EXPECT_TRUE(db.ok()) << db.status().to_string();
  if (!db.ok()) return {};
  std::shared_ptr<storage::SqliteDb> shared = std::move(db).value();
  EmbeddedQueueOptions qo;
  qo.max_attempts = o.max_attempts;
  qo.lease_poll = 20ms;
  auto q = EmbeddedQueue::Open(shared, qo);
  EXPECT_TRUE(q.ok()) << q.status().to_string();
  if (!q.ok()) return {};
  return {std::make_shared<storage::SqliteStore>(shared), std::move(q).value()};
}

INSTANTIATE_TEST_SUITE_P(Embedded, QueueContractTest,
                         ::testing::Values(QueueBackend{"embedded", MakeEmbedded}),
                         [](const auto& info) { return info.param.name; });

struct Opened {
  std::shared_ptr<storage::SqliteDb> db;
  std::unique_ptr<EmbeddedQueue> queue;
};

Opened OpenAt(const std::string& path, EmbeddedQueueOptions o = {}) {
  auto db = storage::SqliteDb::Open(path);
  EXPECT_TRUE(db.ok()) << db.status().to_string();
  if (!db.ok()) return {};
  Opened out;
  out.db = std::move(db).value();
  auto q = EmbeddedQueue::Open(out.db, o);
  EXPECT_TRUE(q.ok()) << q.status().to_string();
  if (q.ok()) out.queue = std::move(q).value();
  return out;
}

TEST(EmbeddedQueueTest, ReopenResetsLeasesAndKeepsEntries) {
  storage::testutil::TempDir dir;
  const std::string path = dir.file("q.db");
  {
    Opened o = OpenAt(path);
    ASSERT_TRUE(o.queue);
    ASSERT_TRUE(o.queue->Enqueue({QPost("a"), QPost("b")}).ok());
    auto ds = o.queue->Claim(10, 1h, 0ms);
    ASSERT_TRUE(ds.ok());
    ASSERT_EQ(ds->size(), 2u);  // leased for an hour, never acked: the process "dies"
  }
  Opened o = OpenAt(path);
  ASSERT_TRUE(o.queue);
  auto s = o.queue->Stats();
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->depth, 2);
  EXPECT_EQ(s->in_flight, 0);
  auto ds = o.queue->Claim(10, 1h, 0ms);
  ASSERT_TRUE(ds.ok());
  ASSERT_EQ(ds->size(), 2u);
  EXPECT_EQ((*ds)[0].attempts, 2);
  // Duplicates are still detected after reopen.
  auto r = o.queue->Enqueue({QPost("a")});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->duplicates, 1);
}

TEST(EmbeddedQueueTest, EntryWhoseConsumerAlwaysDiesEndsInDeadLetters) {
  storage::testutil::TempDir dir;
  EmbeddedQueueOptions opts;
  opts.max_attempts = 2;
  Opened o = OpenAt(dir.file("q.db"), opts);
  ASSERT_TRUE(o.queue);
  ASSERT_TRUE(o.queue->Enqueue({QPost("crasher")}).ok());
  for (int i = 0; i < 2; ++i) {
    auto ds = o.queue->Claim(1, 1ms, 0ms);
    ASSERT_TRUE(ds.ok());
    ASSERT_EQ(ds->size(), 1u);
    std::this_thread::sleep_for(5ms);  // lease expires, no ack, no fail
  }
  auto ds = o.queue->Claim(1, 1ms, 0ms);
  ASSERT_TRUE(ds.ok());
  EXPECT_TRUE(ds->empty());
  auto dl = o.queue->ListDeadLetters(10);
  ASSERT_TRUE(dl.ok());
  ASSERT_EQ(dl->size(), 1u);
  EXPECT_EQ((*dl)[0].post.post_id, "crasher");
  EXPECT_NE((*dl)[0].last_error.find("lease expired"), std::string::npos);
}

TEST(EmbeddedQueueTest, FailOfStaleDeliveryIsIgnored) {
  storage::testutil::TempDir dir;
  Opened o = OpenAt(dir.file("q.db"));
  ASSERT_TRUE(o.queue);
  ASSERT_TRUE(o.queue->Enqueue({QPost("slow")}).ok());
  auto first = o.queue->Claim(1, 1ms, 0ms);
  ASSERT_TRUE(first.ok() && first->size() == 1u);
  std::this_thread::sleep_for(5ms);
  auto second = o.queue->Claim(1, 1h, 0ms);  // lease expired: a second consumer owns it
  ASSERT_TRUE(second.ok() && second->size() == 1u);
  EXPECT_EQ((*second)[0].attempts, 2);
  // The first consumer's late Fail must not make the entry claimable again.
  ASSERT_TRUE(o.queue->Fail((*first)[0], "late").ok());
  auto third = o.queue->Claim(1, 1h, 0ms);
  ASSERT_TRUE(third.ok());
  EXPECT_TRUE(third->empty());
  ASSERT_TRUE(o.queue->Ack(*second).ok());
  EXPECT_EQ(o.queue->Stats()->depth, 0);
}

TEST(EmbeddedQueueTest, ShutdownWakesWaitingClaims) {
  storage::testutil::TempDir dir;
  Opened o = OpenAt(dir.file("q.db"));
  ASSERT_TRUE(o.queue);
  std::thread t([&] {
    auto ds = o.queue->Claim(10, 1s, 60s);
    ASSERT_TRUE(ds.ok());
    EXPECT_TRUE(ds->empty());
  });
  std::this_thread::sleep_for(50ms);
  auto start = std::chrono::steady_clock::now();
  o.queue->Shutdown();
  t.join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
}

TEST(EmbeddedQueueTest, RejectsBadTagsAndSourcelessPosts) {
  storage::testutil::TempDir dir;
  Opened o = OpenAt(dir.file("q.db"));
  ASSERT_TRUE(o.queue);
  Delivery d;
  d.tag = "not-a-number";
  EXPECT_EQ(o.queue->Fail(d, "x").code(), Code::kInvalidArgument);
  EXPECT_EQ(o.queue->Ack(std::span(&d, 1)).code(), Code::kInvalidArgument);
  Post p = QPost("x");
  p.source.clear();
  EXPECT_EQ(o.queue->Enqueue({p}).status().code(), Code::kInvalidArgument);
  EXPECT_NE(o.queue->Describe().find("q.db"), std::string::npos);
}

}  // namespace
}  // namespace sentio::queue
