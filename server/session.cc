// One HTTP/1.1 connection: read (with header/body limits and timeouts) -> dispatch ->
// finalize (request id, CORS, gzip, access log, metrics) -> write -> keep-alive loop.
#include <boost/beast/websocket.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <optional>

#include "core/json_writer.h"
#include "server/gzip.h"
#include "server/server_impl.h"

namespace sentio::server {
namespace {

using Clock = std::chrono::steady_clock;

bool SafeRequestId(std::string_view v) {
  if (v.empty() || v.size() > 128) return false;
  for (unsigned char c : v)
    if (!(std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == ':')) return false;
  return true;
}

std::string_view MethodName(http::verb v) {
  switch (v) {
    case http::verb::get: return "GET";
    case http::verb::post: return "POST";
    case http::verb::put: return "PUT";
    case http::verb::delete_: return "DELETE";
    case http::verb::head: return "HEAD";
    case http::verb::options: return "OPTIONS";
    case http::verb::patch: return "PATCH";
    default: return "OTHER";
  }
}

class HttpSession final : public Exchange, public Drainable, public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(std::shared_ptr<Server::Impl> s, tcp::socket sock) : s_(std::move(s)), stream_(std::move(sock)) {
    beast::error_code ec;
    auto ep = stream_.socket().remote_endpoint(ec);
    if (!ec) remote_ = ep.address().to_string() + ":" + std::to_string(ep.port());
    stream_.socket().set_option(tcp::no_delay(true), ec);
  }

  ~HttpSession() override {
    if (id_) s_->Unregister(id_);
    if (channel_) channel_->Cancel();
  }

  void Start() {
    id_ = s_->Register(std::weak_ptr<Drainable>(shared_from_this()));
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->DoRead(); });
  }

  // Drainable
  void Drain() override {
    asio::post(stream_.get_executor(), [self = shared_from_this()] {
      self->drain_ = true;
      if (self->idle_) {  // waiting for a request that has not started: close now
        beast::error_code ec;
        self->stream_.socket().cancel(ec);
      }
    });
  }

  void ForceClose() override {
    asio::post(stream_.get_executor(), [self = shared_from_this()] {
      if (self->channel_) self->channel_->Cancel();
      self->Close();
    });
  }

  // Exchange ----------------------------------------------------------------
  void Reply(Response res) override {
    Finalize(res);
    asio::dispatch(stream_.get_executor(),
                   [self = shared_from_this(), r = std::move(res)]() mutable { self->DoWrite(std::move(r)); });
  }

  void ReplyError(const ApiError& e) override { Reply(ErrorResponse(e)); }

  void SetRoute(std::string_view route) override { route_ = route; }

  void ReplyStream(Response head, std::shared_ptr<ChunkChannel> body) override {
    head.chunked(true);
    FinalizeHeaders(head, /*may_compress=*/false);
    LogAndCount(head.result_int(), 0);
    asio::dispatch(stream_.get_executor(), [self = shared_from_this(), h = std::move(head), body]() mutable {
      self->StartStream(std::move(h), std::move(body));
    });
  }

 private:
  Response ErrorResponse(const ApiError& e) {
    Response res = JsonResponse(HttpStatusFor(e), ErrorBody(e), version_);
    if (e.retry_after_s > 0) res.set(http::field::retry_after, std::to_string(e.retry_after_s));
    if (e.http_status == 405) res.set(http::field::allow, e.message.substr(e.message.rfind(':') + 2));
    return res;
  }

  // Reading a request: wait (idle_timeout) for its first bytes, then header and body must
  // arrive within read_timeout (408 otherwise).
  void DoRead() {
    idle_ = true;
    if (drain_) return Close();
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(s_->opts.max_header_bytes));
    parser_->body_limit(s_->opts.max_body_bytes);
    if (buffer_.size() > 0) return StartRequest();  // pipelined bytes already here
    stream_.expires_after(s_->opts.idle_timeout);
    stream_.async_read_some(buffer_.prepare(8192), [self = shared_from_this()](beast::error_code ec, std::size_t n) {
      if (ec) return self->Close();
      self->buffer_.commit(n);
      self->StartRequest();
    });
  }

  void StartRequest() {
    idle_ = false;
    start_ = Clock::now();
    deadline_ = start_ + s_->opts.read_timeout;
    // Our own timer (not tcp_stream's expiry, which closes the socket) so a 408 can be sent.
    stream_.expires_never();
    timed_out_ = false;
    read_timer_.expires_at(deadline_);
    read_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (ec || self->idle_ || self->read_done_) return;
      self->timed_out_ = true;
      beast::error_code ignored;
      self->stream_.socket().cancel(ignored);
    });
    read_done_ = false;
    http::async_read_header(stream_, buffer_, *parser_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      self->OnHeader(ec);
    });
  }

  void OnHeader(beast::error_code ec) {
    if (ec) return OnReadError(ec);
    if (parser_->is_done()) return OnComplete();
    if (beast::iequals(parser_->get()[http::field::expect], "100-continue")) {
      static constexpr std::string_view k100 = "HTTP/1.1 100 Continue\r\n\r\n";
      stream_.expires_at(deadline_);
      return asio::async_write(stream_, asio::buffer(k100.data(), k100.size()),
                               [self = shared_from_this()](beast::error_code wec, std::size_t) {
                                 if (wec) return self->Close();
                                 self->stream_.expires_never();
                                 self->ReadBody();
                               });
    }
    ReadBody();
  }

  void ReadBody() {
    http::async_read(stream_, buffer_, *parser_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->OnReadError(ec);
      self->OnComplete();
    });
  }

  void OnReadError(beast::error_code ec) {
    read_done_ = true;
    read_timer_.cancel();
    if (ec == asio::error::operation_aborted && !timed_out_) return Close();
    keep_alive_ = false;
    linger_ = !timed_out_;  // the client may still be sending: let it read our answer
    request_id_ = s_->NextRequestId();
    if (timed_out_)
      return Reply(ErrorResponse({Code::kDeadlineExceeded, "request not received within the read timeout"}));
    if (ec == http::error::body_limit)
      return Reply(ErrorResponse({Code::kTooLarge, "request body larger than " +
                                                       std::to_string(s_->opts.max_body_bytes) + " bytes"}));
    if (ec == http::error::header_limit)
      return Reply(ErrorResponse({Code::kTooLarge, "request header larger than " +
                                                       std::to_string(s_->opts.max_header_bytes) + " bytes"}));
    if (ec == http::error::end_of_stream || ec == asio::error::eof || ec == asio::error::connection_reset)
      return Close();  // client went away mid-request: nobody to answer
    if (ec.category() == http::make_error_code(http::error::bad_target).category())
      return Reply(ErrorResponse({Code::kInvalidArgument, "malformed HTTP request: " + ec.message()}));
    return Close();
  }

  void OnComplete() {
    read_done_ = true;
    read_timer_.cancel();
    req_ = parser_->release();
    parser_.reset();
    HandleRequest();
  }

  void HandleRequest() {
    version_ = req_.version();
    keep_alive_ = req_.keep_alive() && !drain_;
    method_ = MethodName(req_.method());
    std::string_view target(req_.target().data(), req_.target().size());
    auto qpos = target.find('?');
    path_ = std::string(target.substr(0, qpos));
    std::string_view query = qpos == std::string_view::npos ? std::string_view() : target.substr(qpos + 1);
    auto it = req_.find("X-Request-Id");
    if (it != req_.end() && SafeRequestId(std::string_view(it->value().data(), it->value().size())))
      request_id_ = std::string(it->value());
    else
      request_id_ = s_->NextRequestId();
    origin_ = std::string(HeaderValue(req_, http::field::origin));
    gzip_ok_ = AcceptsGzip(HeaderValue(req_, http::field::accept_encoding));
    route_ = {};

    if (beast::websocket::is_upgrade(req_)) {
      route_ = "/ws/sentiment";
      if (path_ != "/ws/sentiment") {
        route_ = "ws_not_found";
        keep_alive_ = false;
        return Reply(ErrorResponse({Code::kNotFound, "no WebSocket endpoint at " + path_}));
      }
      if (auto err = s_->Authorize(req_, Scope::kRead, query)) {
        keep_alive_ = false;
        return Reply(ErrorResponse(*err));
      }
      if (s_->draining.load()) {
        keep_alive_ = false;
        return Reply(ErrorResponse({Code::kUnavailable, "server is shutting down"}));
      }
      if (s_->m.ws_clients->value() >= static_cast<double>(s_->opts.ws_max_clients)) {
        keep_alive_ = false;
        return Reply(ErrorResponse({Code::kUnavailable, "too many WebSocket clients", {}, s_->opts.retry_after_s}));
      }
      LogAndCount(101, 0);
      StartWsSession(s_, std::move(stream_), std::move(req_), std::move(buffer_));
      return;  // this session ends here; the socket belongs to the WebSocket session
    }
    s_->Dispatch(Ctx{req_, path_, query, {}, shared_from_this()});
  }

  // Runs on the replying thread (pool / classifier / strand): headers, gzip, log, metrics.
  void Finalize(Response& res) {
    if (res.version() != version_) res.version(version_);
    FinalizeHeaders(res, true);
    res.prepare_payload();
    LogAndCount(res.result_int(), res.body().size());
  }

  void FinalizeHeaders(Response& res, bool may_compress) {
    res.keep_alive(keep_alive_ && !s_->draining.load());
    res.set(http::field::server, "sentio");
    res.set("X-Request-Id", request_id_);
    if (!origin_.empty() && s_->OriginAllowed(origin_)) {
      res.set(http::field::access_control_allow_origin, origin_);
      res.set(http::field::vary, "Origin");
      res.set(http::field::access_control_expose_headers, "X-Request-Id, Retry-After, Content-Disposition");
    }
    if (may_compress && gzip_ok_ && res.body().size() >= s_->opts.gzip_min_bytes &&
        res.find(http::field::content_encoding) == res.end()) {
      auto ct = res[http::field::content_type];
      if (IsCompressibleType(std::string_view(ct.data(), ct.size()))) {
        std::string z;
        if (GzipCompress(res.body(), z) && z.size() < res.body().size()) {
          res.body() = std::move(z);
          res.set(http::field::content_encoding, "gzip");
          auto vary = res[http::field::vary];
          res.set(http::field::vary, vary.empty() ? std::string("Accept-Encoding")
                                                  : std::string(vary) + ", Accept-Encoding");
        }
      }
    }
  }

  void LogAndCount(unsigned status, std::size_t bytes) {
    const auto dur = Clock::now() - (start_ == Clock::time_point{} ? Clock::now() : start_);
    const double secs = std::chrono::duration<double>(dur).count();
    const std::string_view route = route_.empty() ? std::string_view("other") : route_;
    char sbuf[8];
    auto [p, ec2] = std::to_chars(sbuf, sbuf + sizeof sbuf, status);
    (void)ec2;
    std::string_view st(sbuf, static_cast<std::size_t>(p - sbuf));
    s_->m.requests->With({route, method_, st}).Inc();
    s_->m.duration->With({route, method_, st}).Observe(secs);
    if (!s_->opts.access_log) return;
    std::string line;
    line.reserve(256);
    line += "{\"method\":\"";
    line += method_;
    line += "\",\"path\":";
    AppendJsonString(line, path_);
    fmt::format_to(std::back_inserter(line), ",\"status\":{},\"bytes\":{},\"duration_us\":{},\"request_id\":", status,
                   bytes, std::chrono::duration_cast<std::chrono::microseconds>(dur).count());
    AppendJsonString(line, request_id_);
    line += ",\"remote\":";
    AppendJsonString(line, remote_);
    line += '}';
    s_->access_log->info(line);
  }

  void DoWrite(Response res) {
    idle_ = false;
    res_ = std::make_unique<Response>(std::move(res));
    stream_.expires_after(s_->opts.write_timeout);
    http::async_write(stream_, *res_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      self->OnWrite(ec);
    });
  }

  void OnWrite(beast::error_code ec) {
    const bool close = !res_->keep_alive();
    res_.reset();
    req_ = {};
    start_ = {};
    if (ec) return Close();
    if (close) return linger_ ? LingerClose() : Close();
    DoRead();
  }

  // After answering a request we did not read to its end (413, 400), stop sending and
  // discard what the client still sends for a short while, so it sees the answer instead
  // of a reset connection (what RFC 9112 §9.6 calls a lingering close).
  void LingerClose() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.expires_after(std::chrono::seconds(2));
    Discard(0);
  }

  void Discard(std::size_t total) {
    static constexpr std::size_t kMaxDiscard = 64u << 20;
    if (total > kMaxDiscard) return Close();
    buffer_.clear();
    stream_.async_read_some(buffer_.prepare(65536), [self = shared_from_this(), total](beast::error_code ec,
                                                                                        std::size_t n) {
      if (ec) return self->Close();
      self->Discard(total + n);
    });
  }

  // Streaming (export) ------------------------------------------------------
  void StartStream(Response head, std::shared_ptr<ChunkChannel> body) {
    idle_ = false;
    channel_ = std::move(body);
    head_ = std::make_unique<http::response<http::empty_body>>(head.result(), head.version());
    for (const auto& f : head) head_->set(f.name_string(), f.value());
    head_->chunked(true);
    head_->keep_alive(head.keep_alive());
    head_sr_ = std::make_unique<http::response_serializer<http::empty_body>>(*head_);
    stream_.expires_after(s_->opts.write_timeout);
    http::async_write_header(stream_, *head_sr_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->AbortStream();
      self->PumpStream();
    });
  }

  void PumpStream() {
    bool done = false;
    auto self = shared_from_this();
    auto chunk = channel_->Pop(&done, [self] {
      asio::post(self->stream_.get_executor(), [self] { self->PumpStream(); });
    });
    if (chunk) {
      chunk_ = std::move(*chunk);
      stream_.expires_after(s_->opts.write_timeout);
      asio::async_write(stream_, http::make_chunk(asio::buffer(chunk_)), [self](beast::error_code ec, std::size_t) {
        if (ec) return self->AbortStream();
        self->PumpStream();
      });
      return;
    }
    if (!done) return;  // woken later
    if (!channel_->final_status().ok()) {
      // Headers are gone already: the only honest signal left is an aborted body.
      spdlog::warn("export {} failed: {}", request_id_, channel_->final_status().to_string());
      return AbortStream();
    }
    stream_.expires_after(s_->opts.write_timeout);
    asio::async_write(stream_, http::make_chunk_last(), [self](beast::error_code ec, std::size_t) {
      const bool keep = self->head_ && self->head_->keep_alive();
      self->channel_.reset();
      self->head_sr_.reset();
      self->head_.reset();
      self->chunk_.clear();
      self->req_ = {};
      self->start_ = {};
      if (ec || !keep) return self->Close();
      self->DoRead();
    });
  }

  void AbortStream() {
    if (channel_) channel_->Cancel();
    Close();
  }

  void Close() {
    read_timer_.cancel();
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.socket().close(ec);
  }

  std::shared_ptr<Server::Impl> s_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  Request req_;
  std::unique_ptr<Response> res_;
  std::uint64_t id_ = 0;
  std::string remote_;
  unsigned version_ = 11;
  // Per-request state (written on the strand before dispatch, read by Finalize on the
  // replying thread: the dispatch -> reply hand-off orders these accesses).
  Clock::time_point start_{};
  Clock::time_point deadline_{};
  std::string request_id_, origin_, path_;
  std::string_view route_;  // static string set by Dispatch (metrics label)
  std::string_view method_ = "OTHER";
  bool keep_alive_ = true;
  bool gzip_ok_ = false;
  bool idle_ = true;
  bool drain_ = false;
  bool timed_out_ = false;
  bool linger_ = false;
  bool read_done_ = true;
  asio::steady_timer read_timer_{stream_.get_executor()};
  // Streaming state.
  std::shared_ptr<ChunkChannel> channel_;
  std::unique_ptr<http::response<http::empty_body>> head_;
  std::unique_ptr<http::response_serializer<http::empty_body>> head_sr_;
  std::string chunk_;
};

}  // namespace

void StartHttpSession(const std::shared_ptr<Server::Impl>& s, tcp::socket socket) {
  std::make_shared<HttpSession>(s, std::move(socket))->Start();
}

// ChunkChannel ----------------------------------------------------------------
bool ChunkChannel::Push(std::string chunk) {
  std::function<void()> wake;
  {
    std::unique_lock lk(mu_);
    not_full_.wait(lk, [&] { return cancelled_ || q_.size() < capacity_; });
    if (cancelled_) return false;
    q_.push_back(std::move(chunk));
    wake = std::move(wake_);
    wake_ = nullptr;
  }
  if (wake) wake();
  return true;
}

void ChunkChannel::Close(Status final_status) {
  std::function<void()> wake;
  {
    std::lock_guard lk(mu_);
    closed_ = true;
    status_ = std::move(final_status);
    wake = std::move(wake_);
    wake_ = nullptr;
  }
  if (wake) wake();
}

void ChunkChannel::Cancel() {
  {
    std::lock_guard lk(mu_);
    cancelled_ = true;
    wake_ = nullptr;
  }
  not_full_.notify_all();
}

std::optional<std::string> ChunkChannel::Pop(bool* done, std::function<void()> wake) {
  std::lock_guard lk(mu_);
  *done = false;
  if (!q_.empty()) {
    std::string c = std::move(q_.front());
    q_.pop_front();
    not_full_.notify_one();
    return c;
  }
  if (closed_) {
    *done = true;
    return std::nullopt;
  }
  wake_ = std::move(wake);
  return std::nullopt;
}

Status ChunkChannel::final_status() const {
  std::lock_guard lk(mu_);
  return status_;
}

}  // namespace sentio::server
