// Runs the Store contract against SqliteStore on real temporary files, plus SQLite-only
// behaviour (reopen persistence).
#include "storage/sqlite_store.h"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "storage/sqlite_test_util.h"
#include "storage/store_contract_test.h"

namespace sentio::storage {
namespace {

using contract::kT0;
using contract::MakeAnalysis;
using contract::MakePost;
using contract::Row;
using contract::StoreBackend;
using contract::StoreContractTest;

// Each store gets its own file; directories live until the end of the test program.
testutil::TempDir& Dirs() {
  static auto* d = new testutil::TempDir();  // NOLINT: test-only, removed by Cleanup below
  return *d;
}
struct Cleanup : ::testing::Environment {
  void TearDown() override { delete &Dirs(); }
};
[[maybe_unused]] ::testing::Environment* const kCleanup =
    ::testing::AddGlobalTestEnvironment(new Cleanup);

std::unique_ptr<Store> MakeSqliteStore() {
  static int n = 0;
  auto s = SqliteStore::Open(Dirs().file("store" + std::to_string(n++) + ".db"));
  EXPECT_TRUE(s.ok()) << s.status().to_string();
  if (!s.ok()) return nullptr;
  return std::move(s).value();
}

INSTANTIATE_TEST_SUITE_P(Sqlite, StoreContractTest,
                         ::testing::Values(StoreBackend{"sqlite", MakeSqliteStore}),
                         [](const auto& info) { return info.param.name; });

TEST(SqliteStoreTest, DataSurvivesReopen) {
  testutil::TempDir dir;
  const std::string path = dir.file("s.db");
  {
    auto s = SqliteStore::Open(path);
    ASSERT_TRUE(s.ok()) << s.status().to_string();
    std::vector<ResultRow> rows{Row(MakePost("p1", kT0), MakeAnalysis("negative", 0.7f, "anger"))};
    ASSERT_TRUE((*s)->WriteResults(rows).ok());
    EXPECT_EQ((*s)->Describe(), "sqlite:" + path);
  }
  auto s = SqliteStore::Open(path);
  ASSERT_TRUE(s.ok()) << s.status().to_string();
  auto got = (*s)->GetPost("p1", std::nullopt);
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->analysis.sentiment.label, "negative");
  auto d = (*s)->GetDistribution(kT0 - 1, std::nullopt, std::nullopt);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->negative, 1);
  EXPECT_EQ(d->emotions["anger"], 1);
}

TEST(SqliteStoreTest, RejectsInvalidRowsAtomically) {
  testutil::TempDir dir;
  auto s = SqliteStore::Open(dir.file("s.db"));
  ASSERT_TRUE(s.ok());
  Post bad = MakePost("", kT0);
  std::vector<ResultRow> rows{Row(MakePost("ok", kT0), MakeAnalysis("positive", 0.5f)),
                              Row(bad, MakeAnalysis("positive", 0.5f))};
  EXPECT_EQ((*s)->WriteResults(rows).code(), Code::kInvalidArgument);
  auto page = (*s)->ListPosts({}, {});
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->total, 0);
}

}  // namespace
}  // namespace sentio::storage
