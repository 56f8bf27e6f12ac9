// PostgresStore: the Store contract suite plus PostgreSQL-only behaviour, against a real
// server (the CTest fixture starts one; outside CTest set SENTIO_TEST_PG_URL). Every store
// gets its own schema, so tests may run in parallel on one database.
#include "storage/postgres_store.h"

#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <thread>

#include "storage/store_contract_test.h"
#include "tests/harness/test_env.h"

namespace sentio::storage {
namespace {

using contract::kMin;
using contract::kT0;
using contract::MakeAnalysis;
using contract::MakePost;
using contract::Row;
using contract::StoreBackend;
using contract::StoreContractTest;

std::string PgUrl() { return sentio::testing::TestEnv("SENTIO_TEST_PG_URL"); }

std::unique_ptr<Store> MakePgStore() {
  PostgresOptions o;
  o.schema = sentio::testing::UniqueName("t");
  auto s = PostgresStore::Open(PgUrl(), o);
  EXPECT_TRUE(s.ok()) << s.status().to_string();
  if (!s.ok()) return nullptr;
  return std::move(s).value();
}

// Without a server every test of this binary is skipped (the contract fixture itself
// cannot skip), with a message saying how to provide one.
struct RequirePostgres : ::testing::Environment {
  void SetUp() override {
    if (PgUrl().empty())
      GTEST_SKIP() << "SENTIO_TEST_PG_URL not set (run through ctest, or start "
                      "tests/harness/start-postgres.sh DIR PORT and export the URL)";
  }
};
[[maybe_unused]] ::testing::Environment* const kRequirePostgres =
    ::testing::AddGlobalTestEnvironment(new RequirePostgres);

class PostgresStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (PgUrl().empty()) GTEST_SKIP() << "SENTIO_TEST_PG_URL not set";
  }
};

TEST(PostgresStoreUrl, RejectsBadUrlsAndUnreachableServers) {
  EXPECT_EQ(PostgresStore::Open("mysql://x/y").status().code(), Code::kInvalidArgument);
  PostgresOptions o;
  o.schema = "Robert'); DROP TABLE x;--";
  EXPECT_EQ(PostgresStore::Open("postgres://u@127.0.0.1:1/db", o).status().code(),
            Code::kInvalidArgument);
  o.schema = "";
  o.connect_timeout_s = 1;
  auto s = PostgresStore::Open("postgres://user:s3cret@127.0.0.1:1/db", o);
  EXPECT_EQ(s.status().code(), Code::kUnavailable);
  EXPECT_EQ(s.status().message().find("s3cret"), std::string::npos) << s.status().message();
}

TEST_F(PostgresStoreTest, DescribeHidesPassword) {
  std::string url = PgUrl();
  // Add a (wrong-but-ignored under trust auth) password to the URL.
  std::string with_pw = url;
  with_pw.insert(with_pw.find('@'), ":hunter2");
  PostgresOptions o;
  o.schema = sentio::testing::UniqueName("t");
  auto s = PostgresStore::Open(with_pw, o);
  ASSERT_TRUE(s.ok()) << s.status().to_string();
  EXPECT_EQ((*s)->Describe().find("hunter2"), std::string::npos) << (*s)->Describe();
  EXPECT_NE((*s)->Describe().find("postgres://"), std::string::npos);
  EXPECT_TRUE((*s)->Ping().ok());
}

TEST_F(PostgresStoreTest, ManyProcessesMigrateAtOnce) {
  const std::string schema = sentio::testing::UniqueName("t");
  std::vector<std::thread> ts;
  std::atomic<int> ok{0};
  for (int i = 0; i < 6; ++i)
    ts.emplace_back([&] {
      PostgresOptions o;
      o.schema = schema;
      auto s = PostgresStore::Open(PgUrl(), o);
      EXPECT_TRUE(s.ok()) << s.status().to_string();
      if (s.ok() && (*s)->schema_version() == 3) ok++;
    });
  for (auto& t : ts) t.join();
  EXPECT_EQ(ok.load(), 6);
  // Reopening an existing schema keeps the data and does not re-run migrations.
  PostgresOptions o;
  o.schema = schema;
  auto a = PostgresStore::Open(PgUrl(), o);
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE((*a)->WriteResults(std::vector{Row(MakePost("x", kT0), MakeAnalysis("positive", 0.9f))}).ok());
  auto b = PostgresStore::Open(PgUrl(), o);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ((*b)->GetStats(kT0)->total_posts, 1);
}

// Runs SQL on a plain connection: the first value of the last result ("" if none), or
// "error: ..." on failure.
std::string Sql(const std::string& sql) {
  PGconn* c = PQconnectdb(PgUrl().c_str());
  std::string out;
  if (PQstatus(c) != CONNECTION_OK) {
    out = std::string("error: ") + PQerrorMessage(c);
  } else {
    PGresult* r = PQexec(c, sql.c_str());
    if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
      out = std::string("error: ") + PQresultErrorMessage(r);
    else if (PQntuples(r) > 0)
      out = PQgetvalue(r, 0, 0);
    PQclear(r);
  }
  PQfinish(c);
  return out;
}

TEST_F(PostgresStoreTest, MigratesAVersion1SchemaWithItsData) {
  // Both upgrade paths: plain, and with the new index built (CONCURRENTLY) beforehand.
  for (bool prebuilt : {false, true}) {
    SCOPED_TRACE(prebuilt ? "index built beforehand" : "plain upgrade");
    PostgresOptions o;
    o.schema = sentio::testing::UniqueName("t");
    {
      auto s = PostgresStore::Open(PgUrl(), o);
      ASSERT_TRUE(s.ok()) << s.status().to_string();
      ASSERT_TRUE((*s)->WriteResults(std::vector{Row(MakePost("x", kT0), MakeAnalysis("positive", 0.9f))}).ok());
    }
    // Turn the schema back into exactly what version 1 created, data kept.
    ASSERT_EQ(Sql("SET search_path TO " + o.schema + ";"
                  "ALTER TABLE posts DROP CONSTRAINT posts_pkey;"
                  "ALTER TABLE posts ADD CONSTRAINT posts_pkey PRIMARY KEY(id);"
                  "ALTER TABLE posts ADD CONSTRAINT posts_source_post_id_key UNIQUE(source, post_id);"
                  "CREATE INDEX posts_post_id ON posts(post_id);"
                  "DELETE FROM schema_version WHERE version >= 2;"),
              "");
    if (prebuilt) {
      ASSERT_EQ(Sql("CREATE UNIQUE INDEX CONCURRENTLY posts_post_id_source ON " + o.schema +
                    ".posts(post_id, source)"),
                "");
    }
    auto s = PostgresStore::Open(PgUrl(), o);
    ASSERT_TRUE(s.ok()) << s.status().to_string();
    EXPECT_EQ((*s)->schema_version(), 3);
    EXPECT_EQ(Sql("SELECT string_agg(indexname, ',' ORDER BY indexname) FROM pg_indexes WHERE "
                  "schemaname = '" + o.schema + "' AND tablename = 'posts'"),
              "posts_created,posts_pkey,posts_source,posts_video");
    // The primary key is the natural key now (migration 3), not the id.
    EXPECT_EQ(Sql("SELECT indexdef FROM pg_indexes WHERE schemaname = '" + o.schema +
                  "' AND indexname = 'posts_pkey'"),
              "CREATE UNIQUE INDEX posts_pkey ON " + o.schema + ".posts USING btree (post_id, source)");
    // The data survived, and the new unique index still makes writes idempotent.
    ASSERT_TRUE((*s)->WriteResults(std::vector{Row(MakePost("x", kT0), MakeAnalysis("negative", 0.8f)),
                                               Row(MakePost("y", kT0), MakeAnalysis("positive", 0.9f))})
                    .ok());
    EXPECT_EQ((*s)->GetStats(kT0)->total_posts, 2);
    auto got = (*s)->GetPost("x", std::nullopt);
    ASSERT_TRUE(got.ok() && got->has_value());
    EXPECT_EQ((*got)->analysis.sentiment.label, "negative");
  }
}

TEST_F(PostgresStoreTest, QuotesAndBackslashesSurviveTheArrayLiterals) {
  auto store = MakePgStore();
  ASSERT_TRUE(store);
  Post p = MakePost("q\\\"1", kT0);
  p.content = R"(say "hi" \ back\slash \" end\)";
  p.author = "\\";
  ASSERT_TRUE(store->WriteResults(std::vector{Row(p, MakeAnalysis("positive", 0.9f))}).ok());
  auto got = store->GetPost(p.post_id, p.source);
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->post.content, p.content);
  EXPECT_EQ((*got)->post.author, p.author);
}

TEST_F(PostgresStoreTest, ConcurrentRewritesOfTheSamePostsCountOnce) {
  auto store = MakePgStore();
  ASSERT_TRUE(store);
  // 6 threads re-deliver the same 50 posts (in different orders) with alternating labels.
  std::vector<std::thread> ts;
  for (int t = 0; t < 6; ++t)
    ts.emplace_back([&, t] {
      std::vector<ResultRow> rows;
      for (int i = 0; i < 50; ++i) {
        int k = (t % 2) ? i : 49 - i;
        rows.push_back(Row(MakePost("p" + std::to_string(k), kT0 + k * kMin),
                           MakeAnalysis(t % 3 == 0 ? "positive" : "negative", 0.5f, "joy")));
      }
      Status st = store->WriteResults(rows);
      EXPECT_TRUE(st.ok()) << st.to_string();
    });
  for (auto& t : ts) t.join();
  auto d = store->GetDistribution(kT0, std::nullopt, std::nullopt);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->positive + d->negative + d->neutral, 50);
  EXPECT_EQ(d->emotions["joy"], 50);
  auto st = store->GetStats(kT0);
  EXPECT_EQ(st->total_posts, 50);
  EXPECT_EQ(st->total_analyses, 50);
  auto b = store->Aggregate({Period::kHour, kT0, kT0 + 2 * contract::kHour, std::nullopt, std::nullopt});
  ASSERT_TRUE(b.ok());
  ASSERT_EQ(b->size(), 2u);
  EXPECT_EQ((*b)[0].total(), 50);
  EXPECT_EQ((*b)[1].total(), 0);
}

// Content PostgreSQL refuses (invalid UTF-8, NUL bytes) fails the batch with a clear error,
// and the single pooled connection stays usable for the next write.
TEST_F(PostgresStoreTest, UnstorableTextIsRejectedWithoutPoisoningThePool) {
  for (const std::string& content : {std::string("abc\xff\xfe"), std::string("ab\0cd", 5)}) {
    PostgresOptions o;
    o.schema = sentio::testing::UniqueName("t");
    o.pool_size = 1;
    auto s = PostgresStore::Open(PgUrl(), o);
    ASSERT_TRUE(s.ok());
    Post bad = MakePost("bad", kT0, "youtube", "v1", content);
    Status st = (*s)->WriteResults(std::vector{Row(bad, MakeAnalysis("neutral", 0.5f))});
    EXPECT_EQ(st.code(), Code::kInvalidArgument) << st.to_string();
    EXPECT_TRUE((*s)->WriteResults(std::vector{Row(MakePost("ok", kT0), MakeAnalysis("neutral", 0.5f))}).ok());
    EXPECT_EQ((*s)->GetStats(kT0)->total_posts, 1);
  }
}

// The write path sends its columns as binary-format arrays: every kind of element must come
// back exactly (empty strings, NULL emotion columns next to set ones, multi-byte UTF-8, long
// content, negative and large integers, doubles), also on the re-write (update) path.
TEST_F(PostgresStoreTest, BinaryArrayParametersRoundTrip) {
  auto store = MakePgStore();
  ASSERT_TRUE(store);
  Post empty = MakePost("empty", kT0, "youtube", "");
  empty.author = "";
  empty.url = "";
  empty.meta_json = "";
  Post uni = MakePost("ünï-😀", kT0 - 1000 * contract::kDay, "r€ddit", "vidéo", "Crème brûlée 😀 日本語 \"q\" \\ {a,b} NULL");
  uni.author = "NULL";
  Post big = MakePost("big", kT0 + 3 * kMin);
  big.content = std::string(300'000, 'x') + "é";
  big.ingested_at = 4'000'000'000'000;  // past 2^32 seconds worth of ms
  std::vector<ResultRow> rows{Row(empty, MakeAnalysis("neutral", 0.1f)),            // no emotion: NULLs
                              Row(uni, MakeAnalysis("positive", 0.123456789f, "joy", 1e-30f)),
                              Row(big, MakeAnalysis("negative", 1.0f, "anger", 0.0f))};
  for (int pass = 0; pass < 2; ++pass) {  // pass 1 re-writes them: the update path
    SCOPED_TRACE(pass == 0 ? "insert" : "update");
    ASSERT_TRUE(store->WriteResults(rows).ok());
    for (const auto& r : rows) {
      auto got = store->GetPost(r.post.post_id, r.post.source);
      ASSERT_TRUE(got.ok() && got->has_value()) << r.post.post_id;
      const PostRecord& rec = **got;
      EXPECT_EQ(rec.post.content, r.post.content);
      EXPECT_EQ(rec.post.author, r.post.author);
      EXPECT_EQ(rec.post.video_id, r.post.video_id);
      EXPECT_EQ(rec.post.url, r.post.url);
      EXPECT_EQ(rec.post.meta_json, r.post.meta_json);
      EXPECT_EQ(rec.post.created_at, r.post.created_at);
      EXPECT_EQ(rec.post.ingested_at, r.post.ingested_at);
      EXPECT_EQ(rec.analysis.sentiment.label, r.analysis.sentiment.label);
      EXPECT_EQ(rec.analysis.sentiment.score, r.analysis.sentiment.score);
      EXPECT_EQ(rec.analysis.sentiment.model_version, r.analysis.sentiment.model_version);
      EXPECT_EQ(rec.analysis.emotion.label, r.analysis.emotion.label);
      EXPECT_EQ(rec.analysis.emotion.score, r.analysis.emotion.score);
      EXPECT_EQ(rec.analysis.emotion.model_version, r.analysis.emotion.model_version);
      EXPECT_EQ(rec.analysis.analyzed_at, r.analysis.analyzed_at);
    }
    auto st = store->GetStats(kT0);
    ASSERT_TRUE(st.ok());
    EXPECT_EQ(st->total_posts, 3);
    EXPECT_EQ(st->total_analyses, 3);
  }
  auto d = store->GetDistribution(kT0 - 2000 * contract::kDay, std::nullopt, std::nullopt);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->positive, 1);
  EXPECT_EQ(d->negative, 1);
  EXPECT_EQ(d->neutral, 1);
  EXPECT_EQ(d->emotions["joy"], 1);
  EXPECT_EQ(d->emotions["anger"], 1);
}

}  // namespace

INSTANTIATE_TEST_SUITE_P(Postgres, StoreContractTest,
                         ::testing::Values(StoreBackend{"postgres", MakePgStore}),
                         [](const auto& info) { return info.param.name; });

}  // namespace sentio::storage
