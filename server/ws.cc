// WebSocket sessions: one write in flight, a bounded queue of shared immutable messages;
// a client that falls more than ws_max_queued_messages behind is disconnected.
#include "server/ws.h"

#include <boost/beast/websocket.hpp>
#include <spdlog/spdlog.h>

#include <deque>

#include "core/clock.h"
#include "core/json_writer.h"
#include "server/server_impl.h"

namespace sentio::server {

std::uint64_t WsHub::Add(std::weak_ptr<WsClient> c) {
  std::lock_guard lk(mu_);
  auto next = std::make_shared<Map>(*clients_);
  const auto id = next_++;
  next->emplace(id, std::move(c));
  clients_ = std::move(next);
  return id;
}

void WsHub::Remove(std::uint64_t id) {
  std::lock_guard lk(mu_);
  auto next = std::make_shared<Map>(*clients_);
  next->erase(id);
  clients_ = std::move(next);
}

std::size_t WsHub::size() const {
  std::lock_guard lk(mu_);
  return clients_->size();
}

void WsHub::Publish(const std::shared_ptr<const pipeline::Event>& e) {
  std::shared_ptr<const Map> snap;
  {
    std::lock_guard lk(mu_);
    snap = clients_;
  }
  for (const auto& [id, w] : *snap)  // outside the lock
    if (auto c = w.lock()) c->Deliver(e);
}

namespace {
namespace websocket = beast::websocket;
using Message = std::shared_ptr<const std::string>;

class WsSession final : public WsClient, public Drainable, public std::enable_shared_from_this<WsSession> {
 public:
  WsSession(std::shared_ptr<Server::Impl> s, beast::tcp_stream stream)
      : s_(std::move(s)), ws_(std::move(stream)), ping_timer_(ws_.get_executor()) {}

  ~WsSession() override {
    if (hub_id_) s_->hub->Remove(hub_id_);
    if (conn_id_) s_->Unregister(conn_id_);
    if (counted_) s_->m.ws_clients->Add(-1);
  }

  void Run(Request req, beast::flat_buffer leftover) {
    conn_id_ = s_->Register(std::weak_ptr<Drainable>(shared_from_this()));
    s_->m.ws_clients->Add(1);
    counted_ = true;
    beast::get_lowest_layer(ws_).expires_never();
    auto to = websocket::stream_base::timeout::suggested(beast::role_type::server);
    to.handshake_timeout = std::chrono::seconds(10);
    ws_.set_option(to);
    ws_.read_message_max(64 * 1024);
    ws_.set_option(websocket::stream_base::decorator(
        [](websocket::response_type& r) { r.set(http::field::server, "sentio"); }));
    rbuf_ = std::move(leftover);
    req_ = std::move(req);
    ws_.async_accept(req_, [self = shared_from_this()](beast::error_code ec) { self->OnAccept(ec); });
  }

  void Deliver(const std::shared_ptr<const pipeline::Event>& e) override {
    asio::post(ws_.get_executor(), [self = shared_from_this(), e] {
      // A subscription filters posts by source/video; unscoped events (metrics, global
      // alerts) still reach every client.
      const bool is_post = e->type == pipeline::Event::Type::kNewPost;
      auto pass = [is_post](const std::string& want, const std::string& have) {
        return want.empty() || have == want || (!is_post && have.empty());
      };
      if (!pass(self->source_, e->source) || !pass(self->video_id_, e->video_id)) return;
      self->Send(Message(e, &e->json));
    });
  }

  void Drain() override {
    asio::post(ws_.get_executor(), [self = shared_from_this()] {
      if (self->closing_ || !self->open_) return;
      self->closing_ = true;
      self->ping_timer_.cancel();
      self->queue_.clear();
      if (self->writing_) return;  // OnWrite will close
      self->DoClose(websocket::close_code::going_away);
    });
  }

  void ForceClose() override {
    asio::post(ws_.get_executor(), [self = shared_from_this()] {
      self->closing_ = true;
      self->queue_.clear();
      self->ping_timer_.cancel();
      beast::error_code ec;
      beast::get_lowest_layer(self->ws_).socket().close(ec);
    });
  }

 private:
  void OnAccept(beast::error_code ec) {
    if (ec) return;
    open_ = true;
    hub_id_ = s_->hub->Add(std::weak_ptr<WsClient>(shared_from_this()));
    if (s_->draining.load()) {
      closing_ = true;
      return DoClose(websocket::close_code::going_away);
    }
    std::string hello = "{\"type\":\"connected\",\"message\":\"connected to sentio live sentiment\",\"timestamp\":";
    AppendJsonString(hello, format_iso8601(s_->deps.clock->now_ms()));
    hello += '}';
    Send(std::make_shared<const std::string>(std::move(hello)));
    DoRead();
    SchedulePing();
  }

  void SchedulePing() {
    ping_timer_.expires_after(s_->opts.ws_ping_interval);
    ping_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (ec || self->closing_) return;
      static const Message kPing = std::make_shared<const std::string>("{\"type\":\"ping\"}");
      self->Send(kPing);
      self->SchedulePing();
    });
  }

  void DoRead() {
    ws_.async_read(rbuf_, [self = shared_from_this()](beast::error_code ec, std::size_t) { self->OnRead(ec); });
  }

  void OnRead(beast::error_code ec) {
    if (ec) {
      ping_timer_.cancel();
      closing_ = true;
      return;  // closed or failed: pending operations finish, the session is released
    }
    std::string_view text(static_cast<const char*>(rbuf_.data().data()), rbuf_.size());
    HandleClientMessage(text);
    rbuf_.consume(rbuf_.size());
    DoRead();
  }

  void HandleClientMessage(std::string_view text) {
    boost::system::error_code jec;
    auto v = boost::json::parse(text, jec);
    auto reply_error = [&](std::string msg) {
      std::string out = "{\"type\":\"error\",\"message\":";
      AppendJsonString(out, msg);
      out += '}';
      Send(std::make_shared<const std::string>(std::move(out)));
    };
    if (jec || !v.is_object()) return reply_error("messages must be JSON objects");
    const auto& o = v.as_object();
    const auto* type = o.if_contains("type");
    if (!type || !type->is_string()) return reply_error("\"type\" is required");
    if (type->as_string() == "pong" || type->as_string() == "ping") return;
    if (type->as_string() != "subscribe" && type->as_string() != "unsubscribe")
      return reply_error("unknown message type");
    std::string source, video;
    if (type->as_string() == "subscribe") {
      for (auto [key, dst] : {std::pair{"source", &source}, std::pair{"video_id", &video}}) {
        const auto* f = o.if_contains(key);
        if (!f || f->is_null()) continue;
        if (!f->is_string() || f->as_string().size() > 512) return reply_error(std::string(key) + " must be a string");
        *dst = std::string(f->as_string());
      }
    }
    source_ = std::move(source);
    video_id_ = std::move(video);
    std::string out = "{\"type\":\"subscribed\",\"source\":";
    if (source_.empty()) out += "null";
    else AppendJsonString(out, source_);
    out += ",\"video_id\":";
    if (video_id_.empty()) out += "null";
    else AppendJsonString(out, video_id_);
    out += '}';
    Send(std::make_shared<const std::string>(std::move(out)));
  }

  void Send(Message m) {
    if (closing_ || !open_) return;
    if (queue_.size() >= s_->opts.ws_max_queued_messages) {
      // Too far behind: drop the client rather than grow memory.
      s_->m.ws_dropped->Inc();
      closing_ = true;
      queue_.clear();
      ping_timer_.cancel();
      beast::error_code ec;
      beast::get_lowest_layer(ws_).socket().close(ec);
      return;
    }
    queue_.push_back(std::move(m));
    if (!writing_) DoWrite();
  }

  void DoWrite() {
    writing_ = true;
    ws_.text(true);
    ws_.async_write(asio::buffer(*queue_.front()),
                    [self = shared_from_this()](beast::error_code ec, std::size_t) { self->OnWrite(ec); });
  }

  void OnWrite(beast::error_code ec) {
    writing_ = false;
    if (!queue_.empty()) queue_.pop_front();
    if (ec) {
      closing_ = true;
      queue_.clear();
      ping_timer_.cancel();
      return;
    }
    if (closing_) {
      if (open_) DoClose(websocket::close_code::going_away);
      return;
    }
    if (!queue_.empty()) DoWrite();
  }

  void DoClose(websocket::close_code code) {
    if (close_started_) return;
    close_started_ = true;
    ping_timer_.cancel();
    ws_.async_close(websocket::close_reason(code), [self = shared_from_this()](beast::error_code) {});
  }

  std::shared_ptr<Server::Impl> s_;
  websocket::stream<beast::tcp_stream> ws_;
  asio::steady_timer ping_timer_;
  beast::flat_buffer rbuf_;
  Request req_;
  std::deque<Message> queue_;
  std::string source_, video_id_;
  std::uint64_t hub_id_ = 0, conn_id_ = 0;
  bool counted_ = false, open_ = false, writing_ = false, closing_ = false, close_started_ = false;
};

}  // namespace

void StartWsSession(const std::shared_ptr<Server::Impl>& s, beast::tcp_stream stream, Request req,
                    beast::flat_buffer leftover) {
  std::make_shared<WsSession>(s, std::move(stream))->Run(std::move(req), std::move(leftover));
}

}  // namespace sentio::server
