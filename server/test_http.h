// Test fixture helpers: a real Server on 127.0.0.1:0 over in-memory fakes, and a small
// synchronous Beast client.
#pragma once

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>

#include "core/clock.h"
#include "core/metrics.h"
#include "core/thread_pool.h"
#include "pipeline/event_bus.h"
#include "pipeline/predict_service.h"
#include "server/server.h"
#include "server/test_support.h"

namespace sentio::server::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Res = http::response<http::string_body>;
using Headers = std::map<std::string, std::string>;

struct TestServer {
  explicit TestServer(ServerOptions o = {}, std::size_t pool_queue = 64) : pool(2, pool_queue, "test-pool") {
    o.host = "127.0.0.1";
    o.port = 0;
    o.access_log = false;
    if (o.queue_stats_interval == std::chrono::milliseconds(1000)) o.queue_stats_interval = std::chrono::milliseconds(20);
    predict = std::make_unique<pipeline::PredictService>(
        pipeline::ModelSet{std::make_shared<ToyClassifier>(), std::make_shared<ToyClassifier>("emo", "emotion")},
        pipeline::PredictServiceOptions{.threads = 1});
    ServerDeps d;
    d.store = &store;
    d.queue = &queue;
    d.predict = predict.get();
    d.bus = &bus;
    d.metrics = &metrics;
    d.clock = &clock;
    d.blocking = &pool;
    d.info_extra = [] { return boost::json::object{{"mode", "test"}}; };
    auto s = Server::Create(std::move(o), std::move(d));
    EXPECT_TRUE(s.ok()) << s.status().to_string();
    server = std::move(s).value();
    auto st = server->Start();
    EXPECT_TRUE(st.ok()) << st.to_string();
  }
  ~TestServer() {
    server->Stop(std::chrono::seconds(2));
    predict->Shutdown();
    pool.Shutdown();
  }
  uint16_t port() const { return server->port(); }

  FakeStore store;
  FakeQueue queue;
  SystemClock clock;
  Metrics metrics;
  pipeline::EventBus bus;
  ThreadPool pool;
  std::unique_ptr<pipeline::PredictService> predict;
  std::unique_ptr<Server> server;
};

// One keep-alive connection.
class Client {
 public:
  explicit Client(uint16_t port) : stream_(ioc_) {
    stream_.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  }
  Res Do(http::verb method, const std::string& target, const std::string& body = "", const Headers& headers = {}) {
    http::request<http::string_body> req{method, target, 11};
    req.set(http::field::host, "localhost");
    for (const auto& [k, v] : headers) req.set(k, v);
    if (!body.empty() || method == http::verb::post || method == http::verb::put) {
      if (req.find(http::field::content_type) == req.end()) req.set(http::field::content_type, "application/json");
      req.body() = body;
      req.prepare_payload();
    }
    stream_.expires_after(std::chrono::seconds(10));
    http::write(stream_, req);
    Res res;
    http::response_parser<http::string_body> p;
    p.body_limit(256 << 20);
    http::read(stream_, buf_, p);
    return p.release();
  }
  beast::tcp_stream& stream() { return stream_; }

 private:
  asio::io_context ioc_;
  beast::tcp_stream stream_;
  beast::flat_buffer buf_;
};

inline Res Get(uint16_t port, const std::string& target, const Headers& h = {}) {
  return Client(port).Do(http::verb::get, target, "", h);
}
inline Res Post(uint16_t port, const std::string& target, const std::string& body, const Headers& h = {}) {
  return Client(port).Do(http::verb::post, target, body, h);
}
inline boost::json::value Json(const Res& r) {
  boost::system::error_code ec;
  auto v = boost::json::parse(r.body(), ec);
  EXPECT_FALSE(ec) << "not JSON: " << r.body().substr(0, 200);
  return v;
}
// Asserts the API.md error shape and returns error.code.
inline std::string ErrorCode(const Res& r) {
  auto v = Json(r);
  if (!v.is_object() || !v.as_object().contains("error")) {
    ADD_FAILURE() << "no error object: " << r.body();
    return "";
  }
  const auto& e = v.at("error").as_object();
  EXPECT_TRUE(e.contains("message"));
  EXPECT_TRUE(e.contains("details"));
  return std::string(e.at("code").as_string());
}

inline PostRecord MakePost(std::string id, std::string source, std::string content, TimeMs t, const char* label,
                           std::string video = "") {
  PostRecord r;
  r.post.post_id = std::move(id);
  r.post.source = std::move(source);
  r.post.content = std::move(content);
  r.post.created_at = t;
  r.post.video_id = std::move(video);
  if (label) {
    r.analysed = true;
    r.analysis.sentiment.label = label;
    r.analysis.sentiment.score = 0.75f;
    r.analysis.sentiment.scores = {{"negative", 0.1f}, {"neutral", 0.15f}, {"positive", 0.75f}};
    r.analysis.sentiment.model_version = "toy@1";
    r.analysis.emotion.label = "joy";
    r.analysis.emotion.score = 0.6f;
    r.analysis.analyzed_at = t + 1000;
  }
  return r;
}

}  // namespace sentio::server::testing
