// WS /ws/sentiment: connected message, events, subscribe filters, slow clients, drain.
#include <boost/beast/websocket.hpp>

#include <thread>

#include <filesystem>
#include <fstream>

#include "server/auth.h"
#include "server/test_http.h"

namespace sentio::server::testing {
namespace {

using namespace std::chrono_literals;
namespace websocket = beast::websocket;
namespace json = boost::json;

class WsClientConn {
 public:
  explicit WsClientConn(uint16_t port, const std::string& target = "/ws/sentiment") : ws_(ioc_) {
    beast::get_lowest_layer(ws_).connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    beast::get_lowest_layer(ws_).expires_after(5s);
    ws_.handshake("localhost", target);
  }
  json::value Read() {
    beast::flat_buffer b;
    beast::get_lowest_layer(ws_).expires_after(5s);
    ws_.read(b);
    return json::parse(beast::buffers_to_string(b.data()));
  }
  // Next message whose type is not "ping".
  json::value ReadEvent() {
    for (;;) {
      auto v = Read();
      if (v.at("type").as_string() != "ping") return v;
    }
  }
  void Send(const std::string& s) { ws_.write(asio::buffer(s)); }
  websocket::stream<beast::tcp_stream>& ws() { return ws_; }

 private:
  asio::io_context ioc_;
  websocket::stream<beast::tcp_stream> ws_;
};

std::shared_ptr<const pipeline::Event> PostEvent(const std::string& source, const std::string& video, const std::string& id) {
  auto e = std::make_shared<pipeline::Event>();
  e->type = pipeline::Event::Type::kNewPost;
  e->source = source;
  e->video_id = video;
  e->json = "{\"type\":\"new_post\",\"data\":{\"post_id\":\"" + id + "\",\"source\":\"" + source + "\"}}";
  return e;
}

void WaitFor(const std::function<bool()>& pred, std::chrono::milliseconds max = 3000ms) {
  const auto end = std::chrono::steady_clock::now() + max;
  while (!pred() && std::chrono::steady_clock::now() < end) std::this_thread::sleep_for(10ms);
}

TEST(ServerWs, ConnectedThenEventsAndSubscribeFilter) {
  TestServer ts;
  WsClientConn c(ts.port());
  auto hello = c.Read();
  EXPECT_EQ(hello.at("type").as_string(), "connected");
  EXPECT_TRUE(hello.as_object().contains("timestamp"));
  WaitFor([&] { return ts.server->ws_clients() == 1; });
  ts.bus.Publish(PostEvent("youtube", "v1", "a"));
  auto ev = c.ReadEvent();
  EXPECT_EQ(ev.at("type").as_string(), "new_post");
  EXPECT_EQ(ev.at("data").at("post_id").as_string(), "a");

  c.Send(R"({"type":"subscribe","source":"reddit"})");
  auto ack = c.ReadEvent();
  EXPECT_EQ(ack.at("type").as_string(), "subscribed");
  EXPECT_EQ(ack.at("source").as_string(), "reddit");
  ts.bus.Publish(PostEvent("youtube", "v1", "filtered-out"));
  ts.bus.Publish(PostEvent("reddit", "", "kept"));
  auto metrics = std::make_shared<pipeline::Event>();
  metrics->type = pipeline::Event::Type::kMetricsUpdate;
  metrics->json = R"({"type":"metrics_update","data":{}})";
  ts.bus.Publish(metrics);  // unscoped events reach filtered clients
  ev = c.ReadEvent();
  EXPECT_EQ(ev.at("data").at("post_id").as_string(), "kept");
  ev = c.ReadEvent();
  EXPECT_EQ(ev.at("type").as_string(), "metrics_update");

  c.Send("not json");
  EXPECT_EQ(c.ReadEvent().at("type").as_string(), "error");
}

TEST(ServerWs, SlowClientIsDroppedMemoryBounded) {
  ServerOptions o;
  o.ws_max_queued_messages = 8;
  TestServer ts(o);
  WsClientConn slow(ts.port());
  WsClientConn fast(ts.port());
  slow.Read();
  fast.Read();
  WaitFor([&] { return ts.server->ws_clients() == 2; });
  // The slow client never reads; big messages fill the socket buffers, then its queue.
  auto big = std::make_shared<pipeline::Event>();
  big->type = pipeline::Event::Type::kNewPost;
  big->json = "{\"type\":\"new_post\",\"data\":\"" + std::string(256 * 1024, 'x') + "\"}";
  std::thread reader([&] {
    try {
      for (int i = 0; i < 200; ++i) fast.ReadEvent();
    } catch (...) {
    }
  });
  for (int i = 0; i < 200 && ts.server->ws_clients() == 2; ++i) {
    ts.bus.Publish(big);
    std::this_thread::sleep_for(2ms);
  }
  WaitFor([&] { return ts.server->ws_clients() == 1; });
  EXPECT_EQ(ts.server->ws_clients(), 1u);
  const std::string m = ts.metrics.Render();
  EXPECT_NE(m.find("sentio_ws_dropped_clients_total 1"), std::string::npos) << m.substr(0, 2000);
  // Let the fast reader finish.
  for (int i = 0; i < 300 && reader.joinable(); ++i) ts.bus.Publish(big);
  reader.join();
}

TEST(ServerWs, DrainClosesWithGoingAway) {
  TestServer ts;
  WsClientConn c(ts.port());
  c.Read();
  WaitFor([&] { return ts.server->ws_clients() == 1; });
  std::thread stopper([&] { ts.server->Stop(3s); });
  beast::flat_buffer b;
  beast::error_code ec;
  for (;;) {
    c.ws().read(b, ec);
    if (ec) break;
    b.consume(b.size());
  }
  stopper.join();
  EXPECT_EQ(ec, websocket::error::closed);
  EXPECT_EQ(c.ws().reason().code, websocket::close_code::going_away);
}

TEST(ServerWs, UpgradeNeedsAuthWhenKeysConfigured) {
  auto dir = std::filesystem::temp_directory_path() / ("sentio-wsauth-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  {
    std::ofstream f(dir / "keys.jsonl");
    f << "{\"name\":\"r\",\"key_sha256\":\"" << HashApiKey("k1") << "\",\"scopes\":[\"read\"]}\n";
  }
  ServerOptions o;
  o.api_keys_file = (dir / "keys.jsonl").string();
  TestServer ts(o);
  EXPECT_THROW(WsClientConn(ts.port()), boost::system::system_error);
  WsClientConn ok(ts.port(), "/ws/sentiment?access_token=k1");
  EXPECT_EQ(ok.Read().at("type").as_string(), "connected");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace sentio::server::testing
