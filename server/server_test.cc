// End-to-end tests of the HTTP API over a real socket (fakes behind it).
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "server/auth.h"
#include "server/test_http.h"

namespace sentio::server::testing {
namespace {

using namespace std::chrono_literals;
namespace json = boost::json;

// ---- predict -------------------------------------------------------------------
TEST(ServerPredict, SingleTextShape) {
  TestServer ts;
  auto r = Post(ts.port(), "/api/predict", R"({"text":"I love this","explain":true})");
  ASSERT_EQ(r.result_int(), 200) << r.body();
  auto v = Json(r).as_object();
  EXPECT_EQ(v.at("label").as_string(), "positive");
  EXPECT_NEAR(v.at("score").to_number<double>(), 0.8, 1e-6);
  EXPECT_EQ(v.at("scores").as_object().size(), 3u);
  EXPECT_EQ(v.at("model_version").as_string(), "toy@1");
  EXPECT_EQ(v.at("emotion").at("model_version").as_string(), "emo@1");
  ASSERT_TRUE(v.contains("explanation"));
  EXPECT_EQ(v.at("explanation").at(0).at("token").as_string(), "good");
  EXPECT_FALSE(r[http::field::content_type].empty());
  EXPECT_FALSE(r["X-Request-Id"].empty());
  // "comment" alias; request id echoed.
  r = Post(ts.port(), "/api/predict", R"({"comment":"bad stuff"})", {{"X-Request-Id", "abc-123"}});
  ASSERT_EQ(r.result_int(), 200);
  EXPECT_EQ(Json(r).at("label").as_string(), "negative");
  EXPECT_FALSE(Json(r).as_object().contains("explanation"));
  EXPECT_EQ(r["X-Request-Id"], "abc-123");
}

TEST(ServerPredict, BatchKeepsOrder) {
  TestServer ts;
  auto r = Post(ts.port(), "/api/predict", R"({"texts":["good","meh","hate it","love"]})");
  ASSERT_EQ(r.result_int(), 200) << r.body();
  auto v = Json(r);
  const auto& p = v.at("predictions").as_array();
  ASSERT_EQ(p.size(), 4u);
  EXPECT_EQ(p[0].at("label").as_string(), "positive");
  EXPECT_EQ(p[1].at("label").as_string(), "neutral");
  EXPECT_EQ(p[2].at("label").as_string(), "negative");
  EXPECT_EQ(p[3].at("label").as_string(), "positive");
}

TEST(ServerPredict, ValidationErrors) {
  ServerOptions o;
  o.max_texts_per_predict = 3;
  o.max_text_chars = 50;
  o.max_body_bytes = 4096;
  TestServer ts(o);
  struct Case {
    std::string body;
    unsigned status;
    std::string code;
  } cases[] = {
      {"{not json", 400, "INVALID_ARGUMENT"},
      {"[1,2]", 400, "INVALID_ARGUMENT"},
      {R"({"text":5})", 400, "INVALID_ARGUMENT"},
      {R"({"texts":"x"})", 400, "INVALID_ARGUMENT"},
      {R"({"texts":["a",7]})", 400, "INVALID_ARGUMENT"},
      {R"({"explain":"yes","text":"a"})", 400, "INVALID_ARGUMENT"},
      {R"({})", 422, "INVALID_PARAMETER"},
      {R"({"text":""})", 422, "INVALID_PARAMETER"},
      {R"({"texts":[]})", 422, "INVALID_PARAMETER"},
      {R"({"texts":["a","b","c","d"]})", 422, "INVALID_PARAMETER"},
      {R"({"text":"a","model":"other@9"})", 422, "INVALID_PARAMETER"},
      {R"({"text":"a","timestamp":"not a time"})", 422, "INVALID_PARAMETER"},
      {"{\"text\":\"" + std::string(60, 'x') + "\"}", 413, "PAYLOAD_TOO_LARGE"},
      {"{\"text\":\"bad \xff\xfe utf8\"}", 400, "INVALID_ARGUMENT"},
      {"{\"text\":\"" + std::string(5000, 'x') + "\"}", 413, "PAYLOAD_TOO_LARGE"},  // body limit
  };
  for (const auto& c : cases) {
    auto r = Post(ts.port(), "/api/predict", c.body);
    EXPECT_EQ(r.result_int(), c.status) << c.body.substr(0, 80) << " -> " << r.body();
    EXPECT_EQ(ErrorCode(r), c.code) << c.body.substr(0, 80);
  }
  auto r = Post(ts.port(), "/api/predict", R"({"text":"a","model":"toy@1"})");
  EXPECT_EQ(r.result_int(), 200) << r.body();
  r = Post(ts.port(), "/api/predict", "text=a", {{"Content-Type", "application/x-www-form-urlencoded"}});
  EXPECT_EQ(r.result_int(), 415);
}

TEST(ServerPredict, HugeArrayRejectedWithoutCrash) {
  TestServer ts;
  std::string body = "{\"texts\":[";
  for (int i = 0; i < 100000; ++i) body += i ? ",\"a\"" : "\"a\"";
  body += "]}";
  auto r = Post(ts.port(), "/api/predict", body);
  EXPECT_EQ(r.result_int(), 422);
  std::string deep(100, '[');
  r = Post(ts.port(), "/api/predict", deep + std::string(100, ']'));
  EXPECT_EQ(r.result_int(), 400);
}

// ---- ingest --------------------------------------------------------------------
TEST(ServerIngest, BatchWithItemErrorsAndDuplicates) {
  TestServer ts;
  const std::string body =
      R"({"posts":[{"post_id":"p1","source":"yt","content":"good"},{"source":"yt"},{"post_id":"p2","source":"yt","content":"bad"}]})";
  auto r = Post(ts.port(), "/api/ingest", body);
  ASSERT_EQ(r.result_int(), 202) << r.body();
  auto v = Json(r);
  EXPECT_EQ(v.at("accepted").as_int64(), 2);
  EXPECT_EQ(v.at("duplicates").as_int64(), 0);
  ASSERT_EQ(v.at("ids").as_array().size(), 2u);
  EXPECT_EQ(v.at("ids").at(0).as_string(), "p1");
  ASSERT_EQ(v.at("errors").as_array().size(), 1u);
  EXPECT_EQ(v.at("errors").at(0).at("index").as_int64(), 1);
  EXPECT_EQ(v.at("errors").at(0).at("field").as_string(), "content");
  r = Post(ts.port(), "/api/ingest", body);
  ASSERT_EQ(r.result_int(), 202);
  EXPECT_EQ(Json(r).at("accepted").as_int64(), 0);
  EXPECT_EQ(Json(r).at("duplicates").as_int64(), 2);
  EXPECT_EQ(ts.queue.enqueued().size(), 2u);
}

TEST(ServerIngest, SingleObjectAndNdjson) {
  TestServer ts;
  auto r = Post(ts.port(), "/api/ingest", R"({"content":"hello","source":"reddit"})");
  ASSERT_EQ(r.result_int(), 202) << r.body();
  EXPECT_EQ(Json(r).at("accepted").as_int64(), 1);
  r = Post(ts.port(), "/api/ingest", "{\"content\":\"a\",\"post_id\":\"n1\"}\n{\"content\":\"b\",\"post_id\":\"n2\"}\n",
           {{"Content-Type", "application/x-ndjson"}});
  ASSERT_EQ(r.result_int(), 202) << r.body();
  EXPECT_EQ(Json(r).at("accepted").as_int64(), 2);
  EXPECT_EQ(ts.queue.enqueued().size(), 3u);
  r = Post(ts.port(), "/api/ingest", R"({"posts":[{"source":"x"}]})");
  EXPECT_EQ(r.result_int(), 422);
  EXPECT_EQ(Json(r).at("error").at("details").at("errors").as_array().size(), 1u);
  r = Post(ts.port(), "/api/ingest", "{broken");
  EXPECT_EQ(r.result_int(), 400);
  r = Post(ts.port(), "/api/ingest", "<xml/>", {{"Content-Type", "application/xml"}});
  EXPECT_EQ(r.result_int(), 415);
}

TEST(ServerIngest, BacklogAnswers429WithRetryAfter) {
  ServerOptions o;
  o.max_ingest_backlog = 100;
  TestServer ts(o);
  ts.queue.depth_override = 500;
  std::this_thread::sleep_for(150ms);  // the queue-stats refresher runs every 20 ms in tests
  auto r = Post(ts.port(), "/api/ingest", R"({"content":"x"})");
  EXPECT_EQ(r.result_int(), 429) << r.body();
  EXPECT_EQ(ErrorCode(r), "RATE_LIMITED");
  EXPECT_FALSE(r[http::field::retry_after].empty());
  ts.queue.depth_override = 0;
  std::this_thread::sleep_for(150ms);
  r = Post(ts.port(), "/api/ingest", R"({"content":"x"})");
  EXPECT_EQ(r.result_int(), 202) << r.body();
}

// ---- reads ---------------------------------------------------------------------
class ServerReads : public ::testing::Test {
 protected:
  void SetUp() override {
    now_ = ts_.clock.now_ms();
    for (int i = 0; i < 30; ++i)
      ts_.store.AddPost(MakePost("p" + std::to_string(i), i % 2 ? "youtube" : "reddit", "post number " + std::to_string(i),
                                 now_ - (30 - i) * 60000, i % 3 == 0 ? "negative" : "positive", i < 10 ? "v1" : ""));
    ts_.store.AddPost(MakePost("raw", "youtube", "not analysed yet", now_ - 1000, nullptr));
  }
  TestServer ts_;
  TimeMs now_ = 0;
};

TEST_F(ServerReads, PostsFiltersAndPaging) {
  auto r = Get(ts_.port(), "/api/posts?limit=5&source=youtube");
  ASSERT_EQ(r.result_int(), 200) << r.body();
  auto v = Json(r);
  EXPECT_EQ(v.at("total").as_int64(), 16);
  ASSERT_EQ(v.at("posts").as_array().size(), 5u);
  EXPECT_EQ(v.at("posts").at(0).at("post_id").as_string(), "raw");  // newest first
  EXPECT_TRUE(v.at("posts").at(0).at("sentiment").is_null());
  EXPECT_EQ(v.at("posts").at(1).at("sentiment").at("label").as_string(), "positive");
  EXPECT_EQ(v.at("filters").at("source").as_string(), "youtube");
  EXPECT_EQ(v.at("limit").as_int64(), 5);
  std::string cursor(v.at("next_cursor").as_string());
  r = Get(ts_.port(), "/api/posts?limit=5&source=youtube&cursor=" + cursor);
  ASSERT_EQ(r.result_int(), 200);
  EXPECT_EQ(Json(r).at("posts").at(0).at("post_id").as_string(), "p21");
  r = Get(ts_.port(), "/api/posts?sentiment=negative&limit=100");
  EXPECT_EQ(Json(r).at("total").as_int64(), 10);
  r = Get(ts_.port(), "/api/posts?q=number+2&offset=1&limit=2");
  ASSERT_EQ(r.result_int(), 200);
  EXPECT_EQ(Json(r).at("offset").as_int64(), 1);
}

TEST_F(ServerReads, StrictQueryParameters) {
  auto r = Get(ts_.port(), "/api/posts?limit=5&colour=red");
  EXPECT_EQ(r.result_int(), 400);
  EXPECT_EQ(ErrorCode(r), "INVALID_ARGUMENT");
  EXPECT_EQ(Json(r).at("error").at("details").at("unknown").at(0).as_string(), "colour");
  for (std::string q : {"limit=0", "limit=abc", "sentiment=happy", "start_date=nope", "offset=-1",
                        "start_date=2026-01-02&end_date=2026-01-01"}) {
    r = Get(ts_.port(), "/api/posts?" + q);
    EXPECT_EQ(r.result_int(), 422) << q << " " << r.body();
    EXPECT_EQ(ErrorCode(r), "INVALID_PARAMETER");
  }
  r = Get(ts_.port(), "/api/posts?q=%ZZ");
  EXPECT_EQ(r.result_int(), 400);
  r = Get(ts_.port(), "/api/sentiment/aggregate?period=week");
  EXPECT_EQ(r.result_int(), 422);
  r = Get(ts_.port(), "/api/stats?x=1");
  EXPECT_EQ(r.result_int(), 400);
}

TEST_F(ServerReads, RecentAndById) {
  auto r = Get(ts_.port(), "/api/posts/recent?limit=3");
  ASSERT_EQ(r.result_int(), 200) << r.body();
  auto v = Json(r);
  const auto& posts = v.at("posts").as_array();
  ASSERT_EQ(posts.size(), 3u);
  EXPECT_EQ(posts[0].at("post_id").as_string(), "p29");  // "raw" is not analysed
  r = Get(ts_.port(), "/api/posts/p7");
  ASSERT_EQ(r.result_int(), 200);
  EXPECT_EQ(Json(r).at("content").as_string(), "post number 7");
  r = Get(ts_.port(), "/api/posts/p7?source=reddit");
  EXPECT_EQ(r.result_int(), 404);
  EXPECT_EQ(ErrorCode(r), "NOT_FOUND");
  r = Get(ts_.port(), "/api/posts/nope");
  EXPECT_EQ(r.result_int(), 404);
}

TEST_F(ServerReads, AggregateDistributionStats) {
  auto r = Get(ts_.port(), "/api/sentiment/aggregate?period=minute");
  ASSERT_EQ(r.result_int(), 200) << r.body();
  auto v = Json(r);
  EXPECT_EQ(v.at("period").as_string(), "minute");
  EXPECT_GE(v.at("data").as_array().size(), 60u);  // empty buckets included
  EXPECT_EQ(v.at("summary").at("total_posts").as_int64(), 30);
  EXPECT_EQ(v.at("summary").at("negative_total").as_int64(), 10);
  std::int64_t sum = 0;
  for (const auto& b : v.at("data").as_array()) {
    sum += b.at("total_count").as_int64();
    if (b.at("total_count").as_int64() > 0) {
      const double pct = b.at("positive_percentage").to_number<double>() + b.at("negative_percentage").to_number<double>() +
                         b.at("neutral_percentage").to_number<double>();
      EXPECT_NEAR(pct, 100.0, 0.015 + 1e-9);  // each rounded to 2 decimals
      EXPECT_NEAR(b.at("average_confidence").to_number<double>(), 0.75, 1e-6);
    }
  }
  EXPECT_EQ(sum, 30);
  r = Get(ts_.port(), "/api/sentiment/distribution?hours=1&source=reddit");
  ASSERT_EQ(r.result_int(), 200) << r.body();
  v = Json(r);
  EXPECT_EQ(v.at("timeframe_hours").as_int64(), 1);
  EXPECT_EQ(v.at("total").as_int64(), 15);
  EXPECT_EQ(v.at("top_emotions").at("joy").as_int64(), 15);
  EXPECT_EQ(v.at("distribution").at("negative").as_int64(), 5);
  r = Get(ts_.port(), "/api/stats");
  ASSERT_EQ(r.result_int(), 200) << r.body();
  v = Json(r);
  EXPECT_EQ(v.at("total_posts").as_int64(), 31);
  EXPECT_EQ(v.at("by_source").at("youtube").as_int64(), 16);
  EXPECT_EQ(v.at("model_versions").at("sentiment").as_string(), "toy@1");
}

TEST_F(ServerReads, ExportStreamsCsvAndJsonl) {
  ts_.store.export_chunk = 7;
  auto r = Get(ts_.port(), "/api/export?format=csv&source=reddit");
  ASSERT_EQ(r.result_int(), 200) << r.body();
  EXPECT_TRUE(r.chunked());
  EXPECT_NE(r[http::field::content_type].find("text/csv"), std::string::npos);
  std::size_t lines = 0;
  for (char c : r.body()) lines += c == '\n';
  EXPECT_EQ(lines, 16u);  // header + 15 rows
  EXPECT_EQ(r.body().rfind("post_id,source,created_at", 0), 0u);
  r = Get(ts_.port(), "/api/export?format=jsonl&limit=4");
  ASSERT_EQ(r.result_int(), 200);
  lines = 0;
  std::size_t pos = 0, nl;
  while ((nl = r.body().find('\n', pos)) != std::string::npos) {
    boost::system::error_code ec;
    json::parse(std::string_view(r.body()).substr(pos, nl - pos), ec);
    EXPECT_FALSE(ec);
    ++lines;
    pos = nl + 1;
  }
  EXPECT_EQ(lines, 4u);
  EXPECT_EQ(Get(ts_.port(), "/api/export?format=xml").result_int(), 422);
}

TEST_F(ServerReads, GzipForLargeJsonWhenAccepted) {
  auto r = Get(ts_.port(), "/api/posts?limit=30", {{"Accept-Encoding", "gzip, deflate"}});
  ASSERT_EQ(r.result_int(), 200);
  ASSERT_EQ(r[http::field::content_encoding], "gzip");
  z_stream zs{};
  ASSERT_EQ(inflateInit2(&zs, 31), Z_OK);
  std::string out(1 << 20, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(r.body().data());
  zs.avail_in = static_cast<uInt>(r.body().size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  ASSERT_EQ(inflate(&zs, Z_FINISH), Z_STREAM_END);
  out.resize(zs.total_out);
  inflateEnd(&zs);
  EXPECT_EQ(json::parse(out).at("total").as_int64(), 31);
  auto plain = Get(ts_.port(), "/api/posts?limit=30");
  EXPECT_TRUE(plain[http::field::content_encoding].empty());
  EXPECT_EQ(plain.body(), out);
  auto small = Get(ts_.port(), "/api/posts/p1", {{"Accept-Encoding", "gzip"}});
  EXPECT_TRUE(small[http::field::content_encoding].empty());  // below the threshold
}

// ---- alerts / dead letters / ops -------------------------------------------------
TEST(ServerAlerts, ListAndRules) {
  TestServer ts;
  storage::Alert a;
  a.rule_id = "r1";
  a.alert_type = "negative_share";
  a.threshold_value = 0.5;
  a.actual_value = 0.7;
  a.triggered_at = ts.clock.now_ms();
  ASSERT_TRUE(ts.store.InsertAlert(a).ok());
  auto r = Get(ts.port(), "/api/alerts?type=negative_share&limit=5");
  ASSERT_EQ(r.result_int(), 200) << r.body();
  ASSERT_EQ(Json(r).at("alerts").as_array().size(), 1u);
  EXPECT_EQ(Json(r).at("alerts").at(0).at("alert_type").as_string(), "negative_share");
  EXPECT_EQ(Get(ts.port(), "/api/alerts?type=nope").result_int(), 422);
  Client c(ts.port());
  r = c.Do(http::verb::put, "/api/alerts/rules",
           R"({"rules":[{"id":"x","type":"volume_spike","threshold":3,"window_s":60,"min_posts":5,"cooldown_s":60}]})");
  ASSERT_EQ(r.result_int(), 200) << r.body();
  r = c.Do(http::verb::get, "/api/alerts/rules");
  ASSERT_EQ(r.result_int(), 200);
  ASSERT_EQ(Json(r).at("rules").as_array().size(), 1u);
  EXPECT_EQ(Json(r).at("rules").at(0).at("type").as_string(), "volume_spike");
  r = c.Do(http::verb::put, "/api/alerts/rules", R"({"rules":[{"id":"x","type":"bogus","threshold":3}]})");
  EXPECT_EQ(r.result_int() / 100, 4u);
  r = c.Do(http::verb::put, "/api/alerts/rules", "{oops");
  EXPECT_EQ(r.result_int(), 400);
  r = c.Do(http::verb::post, "/api/alerts/rules", "{}");
  EXPECT_EQ(r.result_int(), 405);
  EXPECT_EQ(ErrorCode(r), "METHOD_NOT_ALLOWED");
}

TEST(ServerOps, DeadLettersHealthInfoMetricsDocs) {
  TestServer ts;
  queue::DeadLetter d;
  d.tag = "t1";
  d.post.post_id = "bad1";
  d.post.source = "yt";
  d.post.content = "x";
  d.attempts = 5;
  d.last_error = "boom";
  ts.queue.dead.push_back(d);
  auto r = Get(ts.port(), "/api/queue/dead-letters");
  ASSERT_EQ(r.result_int(), 200) << r.body();
  EXPECT_EQ(Json(r).at("dead_letters").at(0).at("post").at("post_id").as_string(), "bad1");
  EXPECT_EQ(Json(r).at("dead_letters").at(0).at("last_error").as_string(), "boom");
  EXPECT_EQ(Json(r).at("total").as_int64(), 1);

  r = Get(ts.port(), "/api/health");
  ASSERT_EQ(r.result_int(), 200) << r.body();
  EXPECT_EQ(Json(r).at("status").as_string(), "healthy");
  EXPECT_EQ(Json(r).at("services").at("database").as_string(), "connected");
  ts.store.fail_ping = true;
  r = Get(ts.port(), "/api/health");
  EXPECT_EQ(r.result_int(), 503);
  EXPECT_EQ(Json(r).at("status").as_string(), "unhealthy");
  ts.store.fail_ping = false;

  r = Get(ts.port(), "/api/info");
  ASSERT_EQ(r.result_int(), 200);
  EXPECT_EQ(Json(r).at("models").at(0).at("model_version").as_string(), "toy@1");
  EXPECT_EQ(Json(r).at("mode").as_string(), "test");

  Post(ts.port(), "/api/predict", R"({"text":"good"})");
  r = Get(ts.port(), "/metrics");
  ASSERT_EQ(r.result_int(), 200);
  const std::string& m = r.body();
  EXPECT_NE(m.find("sentio_http_requests_total{route=\"/api/predict\",method=\"POST\",status=\"200\"} 1"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("sentio_http_request_duration_seconds_bucket{route=\"/api/health\""), std::string::npos);
  EXPECT_NE(m.find("sentio_inference_duration_seconds_count{path=\"api\"} 1"), std::string::npos);
  EXPECT_NE(m.find("sentio_queue_depth"), std::string::npos);
  EXPECT_NE(m.find("sentio_ws_clients 0"), std::string::npos);

  r = Get(ts.port(), "/openapi.json");
  ASSERT_EQ(r.result_int(), 200);
  auto doc = Json(r);
  EXPECT_EQ(doc.at("openapi").as_string(), "3.1.0");
  for (const char* p : {"/api/predict", "/api/ingest", "/api/posts", "/api/export", "/api/alerts/rules", "/metrics",
                        "/ws/sentiment", "/api/queue/dead-letters"})
    EXPECT_TRUE(doc.at("paths").as_object().contains(p)) << p;
  r = Get(ts.port(), "/docs");
  ASSERT_EQ(r.result_int(), 200);
  EXPECT_NE(r.body().find("/openapi.json"), std::string::npos);
  EXPECT_EQ(r.body().find("https://"), std::string::npos);  // no CDN

  EXPECT_EQ(Get(ts.port(), "/api/nope").result_int(), 404);
  EXPECT_EQ(ErrorCode(Get(ts.port(), "/api/nope")), "NOT_FOUND");
}

TEST(ServerOps, PoolFullAnswers503) {
  TestServer ts({}, /*pool_queue=*/0);
  auto r = Get(ts.port(), "/api/stats");
  EXPECT_EQ(r.result_int(), 503);
  EXPECT_EQ(ErrorCode(r), "UNAVAILABLE");
  EXPECT_FALSE(r[http::field::retry_after].empty());
}

// ---- connection behaviour ---------------------------------------------------------
TEST(ServerConn, KeepAliveManyRequests) {
  TestServer ts;
  Client c(ts.port());
  for (int i = 0; i < 300; ++i) {
    auto r = i % 2 ? c.Do(http::verb::post, "/api/predict", R"({"text":"good"})") : c.Do(http::verb::get, "/api/health");
    ASSERT_EQ(r.result_int(), 200) << i;
    ASSERT_TRUE(r.keep_alive());
  }
  EXPECT_EQ(ts.server->connections(), 1u);
}

TEST(ServerConn, OversizedBodyAndHeaders413) {
  ServerOptions o;
  o.max_body_bytes = 1024;
  o.max_header_bytes = 1024;
  TestServer ts(o);
  auto r = Post(ts.port(), "/api/ingest", std::string(5000, 'x'));
  EXPECT_EQ(r.result_int(), 413);
  EXPECT_EQ(ErrorCode(r), "PAYLOAD_TOO_LARGE");
  EXPECT_FALSE(r.keep_alive());
  r = Get(ts.port(), "/api/health", {{"X-Big", std::string(3000, 'a')}});
  EXPECT_EQ(r.result_int(), 413);
}

TEST(ServerConn, SlowHeaderTimesOut) {
  ServerOptions o;
  o.read_timeout = 1s;
  TestServer ts(o);
  asio::io_context ioc;
  tcp::socket s(ioc);
  s.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), ts.port()));
  const std::string partial = "GET /api/health HTTP/1.1\r\nHost: x\r\n";
  asio::write(s, asio::buffer(partial));
  const auto t0 = std::chrono::steady_clock::now();
  std::string got;
  boost::system::error_code ec;
  char buf[4096];
  for (;;) {
    std::size_t n = s.read_some(asio::buffer(buf), ec);
    if (ec) break;
    got.append(buf, n);
  }
  const auto waited = std::chrono::steady_clock::now() - t0;
  EXPECT_GE(waited, 900ms);
  EXPECT_LT(waited, 5s);
  EXPECT_NE(got.find("408"), std::string::npos) << got;
}

TEST(ServerConn, MalformedRequestLine400) {
  TestServer ts;
  asio::io_context ioc;
  tcp::socket s(ioc);
  s.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), ts.port()));
  asio::write(s, asio::buffer(std::string("BLAH\x01 / HTTP/9\r\n\r\n")));
  std::string got;
  boost::system::error_code ec;
  char buf[4096];
  for (;;) {
    std::size_t n = s.read_some(asio::buffer(buf), ec);
    if (ec) break;
    got.append(buf, n);
  }
  EXPECT_NE(got.find(" 400 "), std::string::npos) << got;
}

TEST(ServerConn, CorsPreflightAndActualRequest) {
  ServerOptions o;
  o.cors_origins = {"https://dash.example"};
  TestServer ts(o);
  Client c(ts.port());
  auto r = c.Do(http::verb::options, "/api/predict", "",
                {{"Origin", "https://dash.example"}, {"Access-Control-Request-Method", "POST"},
                 {"Access-Control-Request-Headers", "content-type, authorization"}});
  EXPECT_EQ(r.result_int(), 204);
  EXPECT_EQ(r[http::field::access_control_allow_origin], "https://dash.example");
  EXPECT_NE(r[http::field::access_control_allow_methods].find("POST"), std::string::npos);
  EXPECT_EQ(r[http::field::access_control_allow_headers], "content-type, authorization");
  r = c.Do(http::verb::options, "/api/predict", "", {{"Origin", "https://evil.example"}});
  EXPECT_EQ(r.result_int(), 403);
  EXPECT_TRUE(r[http::field::access_control_allow_origin].empty());
  r = c.Do(http::verb::get, "/api/health", "", {{"Origin", "https://dash.example"}});
  EXPECT_EQ(r[http::field::access_control_allow_origin], "https://dash.example");
  r = c.Do(http::verb::get, "/api/health", "", {{"Origin", "https://evil.example"}});
  EXPECT_TRUE(r[http::field::access_control_allow_origin].empty());
}

TEST(ServerAuth, KeysScopesAndRateLimit) {
  auto dir = std::filesystem::temp_directory_path() / ("sentio-auth-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto keys = dir / "keys.jsonl";
  {
    std::ofstream f(keys);
    f << "{\"name\":\"reader\",\"key_sha256\":\"" << HashApiKey("read-key") << "\",\"scopes\":[\"read\"]}\n";
    f << "{\"name\":\"ing\",\"key_sha256\":\"" << HashApiKey("ingest-key")
      << "\",\"scopes\":[\"ingest\"],\"rate_per_s\":0.001,\"burst\":2}\n";
    f << "{\"name\":\"admin\",\"key_sha256\":\"" << HashApiKey("admin-key") << "\",\"scopes\":[\"admin\"]}\n";
  }
  ServerOptions o;
  o.api_keys_file = keys.string();
  TestServer ts(o);
  EXPECT_EQ(Get(ts.port(), "/api/health").result_int(), 200);  // public
  EXPECT_EQ(Get(ts.port(), "/metrics").result_int(), 200);     // public
  auto r = Get(ts.port(), "/api/stats");
  EXPECT_EQ(r.result_int(), 401);
  EXPECT_EQ(ErrorCode(r), "UNAUTHENTICATED");
  EXPECT_EQ(Get(ts.port(), "/api/stats", {{"Authorization", "Bearer wrong"}}).result_int(), 401);
  EXPECT_EQ(Get(ts.port(), "/api/stats", {{"Authorization", "Bearer read-key"}}).result_int(), 200);
  r = Post(ts.port(), "/api/predict", R"({"text":"x"})", {{"Authorization", "Bearer read-key"}});
  EXPECT_EQ(r.result_int(), 403);
  EXPECT_EQ(ErrorCode(r), "FORBIDDEN");
  Client c(ts.port());
  r = c.Do(http::verb::put, "/api/alerts/rules", "[]", {{"Authorization", "Bearer read-key"}});
  EXPECT_EQ(r.result_int(), 403);
  r = c.Do(http::verb::put, "/api/alerts/rules", "[]", {{"Authorization", "Bearer admin-key"}});
  EXPECT_EQ(r.result_int(), 200) << r.body();
  for (int i = 0; i < 2; ++i)
    EXPECT_EQ(Post(ts.port(), "/api/predict", R"({"text":"x"})", {{"Authorization", "Bearer ingest-key"}}).result_int(), 200);
  r = Post(ts.port(), "/api/predict", R"({"text":"x"})", {{"Authorization", "Bearer ingest-key"}});
  EXPECT_EQ(r.result_int(), 429);
  EXPECT_FALSE(r[http::field::retry_after].empty());
  std::filesystem::remove_all(dir);
}

TEST(ServerConn, GracefulDrainFinishesInFlightRequests) {
  TestServer ts;
  ts.store.list_delay_ms = 400;
  Res slow;
  std::thread t([&] { slow = Get(ts.port(), "/api/posts"); });
  std::this_thread::sleep_for(100ms);  // the request is in the store now
  Client idle(ts.port());                // an idle keep-alive connection: closed by the drain
  ASSERT_EQ(idle.Do(http::verb::get, "/api/health").result_int(), 200);
  const auto t0 = std::chrono::steady_clock::now();
  ts.server->Stop(5s);
  const auto took = std::chrono::steady_clock::now() - t0;
  t.join();
  EXPECT_EQ(slow.result_int(), 200);
  EXPECT_FALSE(slow.keep_alive());
  EXPECT_LT(took, 3s);
  EXPECT_EQ(ts.server->connections(), 0u);
  boost::system::error_code ec;
  asio::io_context ioc;
  tcp::socket s(ioc);
  s.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), ts.port()), ec);
  EXPECT_TRUE(ec) << "still accepting after Stop";
}

TEST(ServerStatic, ServesDashboardFiles) {
  auto dir = std::filesystem::temp_directory_path() / ("sentio-web-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir / "assets");
  std::ofstream(dir / "index.html") << "<!doctype html><title>dash</title>" << std::string(2000, ' ');
  std::ofstream(dir / "assets" / "app-3f9a1c2b.js") << "console.log('hi');";
  ServerOptions o;
  o.web_dir = dir.string();
  TestServer ts(o);
  auto r = Get(ts.port(), "/");
  ASSERT_EQ(r.result_int(), 200);
  EXPECT_NE(r.body().find("dash"), std::string::npos);
  EXPECT_EQ(r[http::field::content_type], "text/html; charset=utf-8");
  EXPECT_EQ(r[http::field::cache_control], "no-cache");
  r = Get(ts.port(), "/assets/app-3f9a1c2b.js");
  ASSERT_EQ(r.result_int(), 200);
  EXPECT_EQ(r[http::field::content_type], "application/javascript; charset=utf-8");
  EXPECT_NE(r[http::field::cache_control].find("immutable"), std::string::npos);
  r = Get(ts.port(), "/live/video/123");  // client route -> index.html
  ASSERT_EQ(r.result_int(), 200);
  EXPECT_NE(r.body().find("dash"), std::string::npos);
  r = Get(ts.port(), "/", {{"Accept-Encoding", "gzip"}});
  EXPECT_EQ(r[http::field::content_encoding], "gzip");
  EXPECT_EQ(Get(ts.port(), "/missing.png").result_int(), 404);
  EXPECT_EQ(Get(ts.port(), "/..%2f..%2fetc%2fpasswd").result_int(), 404);
  EXPECT_EQ(Get(ts.port(), "/api/unknown").result_int(), 404);  // API paths never fall back
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace sentio::server::testing
