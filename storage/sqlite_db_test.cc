#include "storage/sqlite_db.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>
#include <vector>

#include "storage/sqlite_schema.h"
#include "storage/sqlite_test_util.h"

namespace sentio::storage {
namespace {

using namespace std::chrono_literals;

Result<std::int64_t> CountRows(SqliteDb& db, const std::string& table) {
  std::int64_t n = -1;
  Status st = db.Read([&](Connection& c) -> Status {
    SENTIO_ASSIGN_OR_RETURN(Stmt * s, c.Prepare("SELECT count(*) FROM " + table));
    SENTIO_ASSIGN_OR_RETURN(bool row, s->Step());
    n = row ? s->Int(0) : -1;
    s->Reset();
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return n;
}

TEST(SqliteDbTest, AppliesMigrationsInOrderOnceAndUsesWal) {
  testutil::TempDir dir;
  const std::string path = dir.file("m.db");
  SqliteDbOptions o;
  o.migrations = std::vector<Migration>{{1, "CREATE TABLE t(x INTEGER)"},
                                        {2, "INSERT INTO t VALUES(7); ALTER TABLE t ADD COLUMN y TEXT"}};
  {
    auto db = SqliteDb::Open(path, o);
    ASSERT_TRUE(db.ok()) << db.status().to_string();
    EXPECT_EQ((*db)->schema_version(), 2);
    Status st = (*db)->Read([](Connection& c) -> Status {
      SENTIO_ASSIGN_OR_RETURN(Stmt * s, c.Prepare("PRAGMA journal_mode"));
      SENTIO_ASSIGN_OR_RETURN(bool row, s->Step());
      EXPECT_TRUE(row);
      EXPECT_EQ(s->Text(0), "wal");
      s->Reset();
      return Status::Ok();
    });
    ASSERT_TRUE(st.ok()) << st.to_string();
  }
  // Reopen with one more migration: only the new one runs (the row is not inserted twice).
  o.migrations->push_back({3, "INSERT INTO t VALUES(8, 'z')"});
  auto db = SqliteDb::Open(path, o);
  ASSERT_TRUE(db.ok()) << db.status().to_string();
  EXPECT_EQ((*db)->schema_version(), 3);
  auto n = CountRows(**db, "t");
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 2);
}

TEST(SqliteDbTest, RefusesNewerSchemaWithClearError) {
  testutil::TempDir dir;
  const std::string path = dir.file("new.db");
  {
    auto db = SqliteDb::Open(path);  // real Sentio schema
    ASSERT_TRUE(db.ok()) << db.status().to_string();
    EXPECT_EQ((*db)->schema_version(), SentioMigrations().back().version);
    ASSERT_TRUE((*db)->Write([](Connection& c) {
      return c.Exec("INSERT INTO schema_version(version) VALUES(999)");
    }).ok());
  }
  auto db = SqliteDb::Open(path);
  ASSERT_FALSE(db.ok());
  EXPECT_NE(db.status().message().find("schema version 999"), std::string::npos)
      << db.status().to_string();
  EXPECT_NE(db.status().message().find("newer"), std::string::npos);
}

TEST(SqliteDbTest, FailedMigrationLeavesDatabaseUntouched) {
  testutil::TempDir dir;
  const std::string path = dir.file("bad.db");
  SqliteDbOptions o;
  o.migrations = std::vector<Migration>{{1, "CREATE TABLE a(x)"}, {2, "CREATE TABLE b(; nonsense"}};
  auto db = SqliteDb::Open(path, o);
  ASSERT_FALSE(db.ok());
  EXPECT_NE(db.status().message().find("migration 2"), std::string::npos);
  o.migrations = std::vector<Migration>{{1, "CREATE TABLE a(x)"}};
  auto again = SqliteDb::Open(path, o);  // migration 1 was rolled back too: runs cleanly
  ASSERT_TRUE(again.ok()) << again.status().to_string();
  EXPECT_EQ((*again)->schema_version(), 1);
}

TEST(SqliteDbTest, SecondOpenOfSameFileIsRefused) {
  testutil::TempDir dir;
  auto a = SqliteDb::Open(dir.file("x.db"));
  ASSERT_TRUE(a.ok());
  auto b = SqliteDb::Open(dir.file("x.db"));
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.status().code(), Code::kUnavailable);
  a->reset();
  auto c = SqliteDb::Open(dir.file("x.db"));
  EXPECT_TRUE(c.ok()) << c.status().to_string();
}

TEST(SqliteDbTest, GroupCommitSharesTransactionsAcrossConcurrentWriters) {
  testutil::TempDir dir;
  SqliteDbOptions o;
  o.migrations = std::vector<Migration>{{1, "CREATE TABLE t(x INTEGER)"}};
  auto db = SqliteDb::Open(dir.file("g.db"), o);
  ASSERT_TRUE(db.ok());
  constexpr int kThreads = 16, kPer = 50;
  std::vector<std::thread> ts;
  for (int t = 0; t < kThreads; ++t) {
    ts.emplace_back([&, t] {
      for (int i = 0; i < kPer; ++i) {
        Status st = (*db)->Write([&](Connection& c) -> Status {
          SENTIO_ASSIGN_OR_RETURN(Stmt * s, c.Prepare("INSERT INTO t VALUES(?)"));
          s->Bind(1, t * 1000 + i);
          return s->Run();
        });
        EXPECT_TRUE(st.ok()) << st.to_string();
      }
    });
  }
  for (auto& t : ts) t.join();
  auto n = CountRows(**db, "t");
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, kThreads * kPer);
  auto stats = (*db)->writer_stats();
  EXPECT_EQ(stats.writes, kThreads * kPer);
  // With 16 writers each fsync (transaction) carries several writes.
  EXPECT_LT(stats.transactions, stats.writes);
}

TEST(SqliteDbTest, FailingWriteIsRolledBackAloneAndReported) {
  testutil::TempDir dir;
  SqliteDbOptions o;
  o.migrations = std::vector<Migration>{{1, "CREATE TABLE t(x INTEGER UNIQUE)"}};
  auto db = SqliteDb::Open(dir.file("f.db"), o);
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE((*db)->Write([](Connection& c) { return c.Exec("INSERT INTO t VALUES(1)"); }).ok());
  Status bad = (*db)->Write([](Connection& c) -> Status {
    SENTIO_RETURN_IF_ERROR(c.Exec("INSERT INTO t VALUES(2)"));
    return Unprocessable("closure says no");
  });
  EXPECT_EQ(bad.code(), Code::kUnprocessable);
  Status dup = (*db)->Write([](Connection& c) { return c.Exec("INSERT INTO t VALUES(1)"); });
  EXPECT_FALSE(dup.ok());
  ASSERT_TRUE((*db)->Write([](Connection& c) { return c.Exec("INSERT INTO t VALUES(3)"); }).ok());
  auto n = CountRows(**db, "t");
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 2);  // 1 and 3; the failed closures left nothing
}

TEST(SqliteDbTest, BoundedWriterQueueReturnsResourceExhausted) {
  testutil::TempDir dir;
  SqliteDbOptions o;
  o.max_pending_writes = 1;
  o.migrations = std::vector<Migration>{{1, "CREATE TABLE t(x INTEGER)"}};
  auto db = SqliteDb::Open(dir.file("b.db"), o);
  ASSERT_TRUE(db.ok());
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<bool> started{false};
  // A: occupies the writer thread.
  std::thread a([&] {
    EXPECT_TRUE((*db)->Write([&](Connection& c) {
      started = true;
      released.wait();
      return c.Exec("INSERT INTO t VALUES(1)");
    }).ok());
  });
  while (!started) std::this_thread::sleep_for(1ms);
  // B: fills the one queue slot.
  std::thread b([&] {
    EXPECT_TRUE((*db)->Write([](Connection& c) { return c.Exec("INSERT INTO t VALUES(2)"); }).ok());
  });
  while ((*db)->pending_writes() < 1) std::this_thread::sleep_for(1ms);
  // C: refused at once.
  Status c = (*db)->Write([](Connection& conn) { return conn.Exec("INSERT INTO t VALUES(3)"); });
  EXPECT_EQ(c.code(), Code::kResourceExhausted);
  release.set_value();
  a.join();
  b.join();
  auto n = CountRows(**db, "t");
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 2);
}

TEST(SqliteDbTest, ReadersSeeCommittedWritesAndRunConcurrently) {
  testutil::TempDir dir;
  SqliteDbOptions o;
  o.read_connections = 3;
  o.migrations = std::vector<Migration>{{1, "CREATE TABLE t(x INTEGER)"}};
  auto db = SqliteDb::Open(dir.file("r.db"), o);
  ASSERT_TRUE(db.ok());
  std::atomic<bool> stop{false};
  std::atomic<std::int64_t> last_seen{0};
  std::vector<std::thread> readers;
  for (int i = 0; i < 4; ++i) {
    readers.emplace_back([&] {
      while (!stop) {
        auto n = CountRows(**db, "t");
        ASSERT_TRUE(n.ok()) << n.status().to_string();
        EXPECT_GE(*n, 0);
        last_seen = std::max<std::int64_t>(last_seen, *n);
      }
    });
  }
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE((*db)->Write([](Connection& c) { return c.Exec("INSERT INTO t VALUES(1)"); }).ok());
  }
  auto n = CountRows(**db, "t");  // read-your-writes after Write returns
  stop = true;
  for (auto& t : readers) t.join();
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 100);
}

TEST(SqliteDbTest, FoldCase) {
  EXPECT_EQ(FoldCase("HeLLo"), "hello");
  EXPECT_EQ(FoldCase("ÉCOLE Straße"), "école strasse");
}

}  // namespace
}  // namespace sentio::storage
