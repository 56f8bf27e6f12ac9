// Server lifetime (create/start/drain), the connection registry, routing and auth.
#include "server/server.h"

#include <openssl/rand.h>
#include <spdlog/spdlog.h>

#include <cstdio>

#include "core/json_writer.h"
#include "server/static_files.h"
#include "server/server_impl.h"
#include "server/ws.h"

namespace sentio::server {

Response JsonResponse(unsigned status, std::string body, unsigned version) {
  Response res{static_cast<http::status>(status), version};
  res.set(http::field::content_type, "application/json");
  res.set(http::field::cache_control, "no-store");
  res.body() = std::move(body);
  return res;
}

std::string_view HeaderValue(const Request& req, http::field f) {
  auto it = req.find(f);
  if (it == req.end()) return {};
  return {it->value().data(), it->value().size()};
}

Server::Impl::Impl(ServerOptions o, ServerDeps d)
    : opts(std::move(o)), deps(std::move(d)), ioc(std::max(1, opts.io_threads)) {
  Metrics& mx = *deps.metrics;
  m.requests = &mx.AddCounter("sentio_http_requests_total", "HTTP requests by route, method and status",
                              {"route", "method", "status"});
  m.duration = &mx.AddHistogram("sentio_http_request_duration_seconds", "HTTP request duration until the response is ready",
                                {"route", "method", "status"}, DurationBuckets());
  m.inference = &mx.AddHistogram("sentio_inference_duration_seconds", "Classification latency (queueing + model)",
                                 {"path"}, DurationBuckets());
  m.batch = &mx.AddHistogram("sentio_inference_batch_size", "Texts per classification call", {"path"},
                             ExponentialBuckets(1, 2, 12));
  m.ingest_posts = &mx.AddCounter("sentio_ingest_posts_total", "Ingested posts by result (accepted, duplicate, invalid)",
                                  {"result"});
  m.ingest_requests = &mx.AddCounter("sentio_ingest_requests_total", "Ingest requests").With({});
  m.ingest_rejected = &mx.AddCounter("sentio_ingest_rejected_total", "Ingest requests refused for backlog (429)").With({});
  m.ws_clients = &mx.AddGauge("sentio_ws_clients", "Connected WebSocket clients").With({});
  m.ws_dropped = &mx.AddCounter("sentio_ws_dropped_clients_total", "WebSocket clients dropped for falling behind").With({});
  m.queue_depth = &mx.AddGauge("sentio_queue_depth", "Posts waiting or in flight in the durable queue").With({});
  m.queue_dead = &mx.AddGauge("sentio_queue_dead_letters", "Dead-lettered posts").With({});
  m.connections = &mx.AddGauge("sentio_http_connections", "Open client connections (HTTP + WebSocket)").With({});
  m.overloaded = &mx.AddCounter("sentio_http_overload_total", "Requests refused because the blocking pool was full").With({});
  hub = std::make_unique<WsHub>();
  if (!opts.web_dir.empty()) static_files = std::make_unique<StaticFiles>(opts.web_dir);
  unsigned char rnd[4] = {0, 0, 0, 0};
  if (RAND_bytes(rnd, sizeof rnd) != 1) {
    const auto t = std::chrono::steady_clock::now().time_since_epoch().count();
    std::memcpy(rnd, &t, sizeof rnd);
  }
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02x%02x%02x%02x", rnd[0], rnd[1], rnd[2], rnd[3]);
  request_id_prefix = buf;
  access_log = deps.access_logger ? deps.access_logger : spdlog::default_logger();
}

Server::Impl::~Impl() = default;

std::uint64_t Server::Impl::Register(std::weak_ptr<Drainable> d) {
  std::lock_guard lk(conn_mu);
  const auto id = next_conn_id++;
  conns.emplace(id, std::move(d));
  m.connections->Set(static_cast<double>(conns.size()));
  return id;
}

void Server::Impl::Unregister(std::uint64_t id) {
  {
    std::lock_guard lk(conn_mu);
    conns.erase(id);
    m.connections->Set(static_cast<double>(conns.size()));
  }
  conn_cv.notify_all();
}

std::size_t Server::Impl::ConnectionCount() {
  std::lock_guard lk(conn_mu);
  return conns.size();
}

std::string Server::Impl::NextRequestId() {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%s-%llx", request_id_prefix.c_str(),
                static_cast<unsigned long long>(request_seq.fetch_add(1, std::memory_order_relaxed)));
  return buf;
}

void Server::Impl::Accept() {
  acceptor.async_accept(asio::make_strand(ioc), [self = shared_from_this()](beast::error_code ec, tcp::socket sock) {
    if (ec == asio::error::operation_aborted || !self->acceptor.is_open()) return;
    if (!ec) StartHttpSession(self, std::move(sock));
    else spdlog::debug("accept: {}", ec.message());
    self->Accept();
  });
}

void Server::Impl::RefreshQueueStats() {
  stats_timer.expires_after(opts.queue_stats_interval);
  stats_timer.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (ec || self->stopped.load()) return;
    self->deps.blocking->TrySubmit([self] {
      auto st = self->deps.queue->Stats();
      if (st.ok()) {
        self->queue_depth.store(st->depth);
        self->m.queue_depth->Set(static_cast<double>(st->depth));
        self->m.queue_dead->Set(static_cast<double>(st->dead_letters));
      }
    });
    self->RefreshQueueStats();
  });
}

bool Server::Impl::RunBlocking(const std::shared_ptr<Exchange>& ex, std::function<void()> fn) {
  if (deps.blocking->TrySubmit(std::move(fn))) return true;
  m.overloaded->Inc();
  ex->ReplyError({Code::kUnavailable, "server busy: blocking work queue is full", {}, opts.retry_after_s});
  return false;
}

bool Server::Impl::OriginAllowed(std::string_view origin) const {
  for (const auto& o : opts.cors_origins)
    if (o == "*" || o == origin) return true;
  return false;
}

std::optional<ApiError> Server::Impl::Authorize(const Request& req, Scope scope, std::string_view query) {
  if (!auth) return std::nullopt;
  std::string header(HeaderValue(req, http::field::authorization));
  if (header.empty() && !query.empty()) {
    // Browsers cannot set headers on a WebSocket handshake: accept ?access_token=<key> there.
    auto pairs = ParseQuery(query);
    if (pairs.ok())
      for (const auto& [k, v] : *pairs)
        if (k == "access_token") header = "Bearer " + v;
  }
  std::string principal;
  return auth->Check(header, scope, std::chrono::steady_clock::now(), &principal);
}

// Routing ----------------------------------------------------------------------
namespace {

using HandlerFn = void (*)(Server::Impl&, Ctx&);
struct Route {
  http::verb method;
  std::string_view path;
  Scope scope;  // kNone = public
  HandlerFn fn;
};

constexpr Route kRoutes[] = {
    {http::verb::post, "/api/predict", Scope::kIngest, &HandlePredict},
    {http::verb::post, "/api/ingest", Scope::kIngest, &HandleIngest},
    {http::verb::get, "/api/posts", Scope::kRead, &HandlePosts},
    {http::verb::get, "/api/posts/recent", Scope::kRead, &HandlePostsRecent},
    {http::verb::get, "/api/sentiment/aggregate", Scope::kRead, &HandleAggregate},
    {http::verb::get, "/api/sentiment/distribution", Scope::kRead, &HandleDistribution},
    {http::verb::get, "/api/stats", Scope::kRead, &HandleStats},
    {http::verb::get, "/api/export", Scope::kRead, &HandleExport},
    {http::verb::get, "/api/alerts", Scope::kRead, &HandleAlerts},
    {http::verb::get, "/api/alerts/rules", Scope::kRead, &HandleGetRules},
    {http::verb::put, "/api/alerts/rules", Scope::kAdmin, &HandlePutRules},
    {http::verb::get, "/api/queue/dead-letters", Scope::kRead, &HandleDeadLetters},
    {http::verb::get, "/api/health", Scope::kNone, &HandleHealth},
    {http::verb::get, "/api/info", Scope::kRead, &HandleInfo},
    {http::verb::get, "/metrics", Scope::kNone, &HandleMetrics},
    {http::verb::get, "/openapi.json", Scope::kNone, &HandleOpenApi},
    {http::verb::get, "/docs", Scope::kNone, &HandleDocs},
};
constexpr Route kPostById{http::verb::get, "/api/posts/{post_id}", Scope::kRead, &HandlePostById};

std::string_view VerbName(http::verb v) {
  switch (v) {
    case http::verb::get: return "GET";
    case http::verb::post: return "POST";
    case http::verb::put: return "PUT";
    default: return "OTHER";
  }
}

}  // namespace

void Server::Impl::Dispatch(Ctx ctx) {
  const auto method = ctx.req.method();
  std::string_view path = ctx.path;
  if (path.size() > 1 && path.back() == '/') path.remove_suffix(1);

  // CORS preflight (unauthenticated by design: browsers never send credentials on it).
  if (method == http::verb::options) {
    ctx.ex->SetRoute("preflight");
    std::string_view origin = HeaderValue(ctx.req, http::field::origin);
    if (origin.empty() || !OriginAllowed(origin))
      return ctx.ex->ReplyError({Code::kPermissionDenied, "origin not allowed"});
    Response res{http::status::no_content, ctx.req.version()};
    res.set(http::field::access_control_allow_methods, "GET, POST, PUT, OPTIONS");
    std::string_view req_headers = HeaderValue(ctx.req, http::field::access_control_request_headers);
    res.set(http::field::access_control_allow_headers,
            req_headers.empty() ? std::string_view("Authorization, Content-Type, X-Request-Id") : req_headers);
    res.set(http::field::access_control_max_age, "600");
    return ctx.ex->Reply(std::move(res));
  }

  const Route* match = nullptr;
  std::string allow;
  for (const auto& r : kRoutes) {
    if (r.path != path) continue;
    if (r.method == method) {
      match = &r;
      break;
    }
    if (!allow.empty()) allow += ", ";
    allow += VerbName(r.method);
  }
  if (!match && path.starts_with("/api/posts/") && path.size() > 11 && path.find('/', 11) == std::string_view::npos) {
    if (method == http::verb::get) {
      match = &kPostById;
      ctx.path_param = path.substr(11);
    } else {
      allow = "GET";
    }
  }
  if (!match) {
    if (!allow.empty()) {
      ctx.ex->SetRoute("method_not_allowed");
      ApiError e{Code::kInvalidArgument, "method not allowed; allowed: " + allow};
      e.http_status = 405;
      return ctx.ex->ReplyError(e);
    }
    if (path.starts_with("/api/") || path == "/api" || !static_files) {
      ctx.ex->SetRoute("not_found");
      return ctx.ex->ReplyError({Code::kNotFound, "no such endpoint: " + std::string(path)});
    }
    ctx.ex->SetRoute("static");
    if (method != http::verb::get && method != http::verb::head) {
      ApiError e{Code::kInvalidArgument, "method not allowed; allowed: GET"};
      e.http_status = 405;
      return ctx.ex->ReplyError(e);
    }
    return static_files->Serve(*this, ctx);
  }
  ctx.ex->SetRoute(match->path);
  if (match->scope != Scope::kNone)
    if (auto err = Authorize(ctx.req, match->scope, {})) return ctx.ex->ReplyError(*err);
  match->fn(*this, ctx);
}

// Server -------------------------------------------------------------------------
Server::Server(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}

Server::~Server() { Stop(std::chrono::milliseconds(0)); }

Result<std::unique_ptr<Server>> Server::Create(ServerOptions opts, ServerDeps deps) {
  if (!deps.store || !deps.queue || !deps.predict || !deps.metrics || !deps.clock || !deps.blocking)
    return InvalidArgument("server: store, queue, predict, metrics, clock and blocking are required");
  if (opts.io_threads < 1) return InvalidArgument("server: io_threads must be >= 1");
  if (opts.ws_max_queued_messages == 0) return InvalidArgument("server: ws_max_queued_messages must be > 0");
  std::unique_ptr<Authenticator> auth;
  if (!opts.api_keys_file.empty()) {
    auto a = Authenticator::LoadFile(opts.api_keys_file);
    if (!a.ok()) return a.status();
    auth = std::move(a).value();
  }
  auto impl = std::make_shared<Impl>(std::move(opts), std::move(deps));
  impl->auth = std::move(auth);
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

Status Server::Start() {
  auto& s = *impl_;
  if (s.started.exchange(true)) return Error(Code::kAlreadyExists, "server already started");
  beast::error_code ec;
  auto addr = asio::ip::make_address(s.opts.host, ec);
  if (ec) return InvalidArgument("bad listen address '" + s.opts.host + "': " + ec.message());
  tcp::endpoint ep(addr, s.opts.port);
  s.acceptor.open(ep.protocol(), ec);
  if (!ec) s.acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) s.acceptor.bind(ep, ec);
  if (!ec) s.acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return IoError("cannot listen on " + s.opts.host + ":" + std::to_string(s.opts.port) + ": " + ec.message());
  s.bound_port = s.acceptor.local_endpoint().port();
  if (s.deps.bus) {
    WsHub* hub = s.hub.get();
    s.bus_sub = s.deps.bus->Subscribe([hub](const std::shared_ptr<const pipeline::Event>& e) { hub->Publish(e); });
  }
  s.work.emplace(s.ioc.get_executor());
  s.Accept();
  s.RefreshQueueStats();
  for (int i = 0; i < s.opts.io_threads; ++i) {
    s.threads.emplace_back([&s] { s.ioc.run(); });
    pthread_setname_np(s.threads.back().native_handle(), ("http-" + std::to_string(i)).c_str());
  }
  spdlog::info("sentio server listening on {}:{} ({} io threads)", s.opts.host, s.bound_port, s.opts.io_threads);
  return Status::Ok();
}

uint16_t Server::port() const { return impl_->bound_port; }
std::size_t Server::connections() const { return impl_->ConnectionCount(); }
std::size_t Server::ws_clients() const { return impl_->hub->size(); }

void Server::Stop(std::chrono::milliseconds drain) {
  auto& s = *impl_;
  if (!s.started.load() || s.stopped.exchange(true)) return;
  s.draining.store(true);
  if (s.deps.bus && s.bus_sub) s.deps.bus->Unsubscribe(s.bus_sub);
  asio::post(s.ioc, [&s] {
    beast::error_code ec;
    s.acceptor.close(ec);
    s.stats_timer.cancel();
  });
  // Ask every connection to finish what it is doing and close.
  std::vector<std::shared_ptr<Drainable>> live;
  {
    std::lock_guard lk(s.conn_mu);
    for (auto& [id, w] : s.conns)
      if (auto d = w.lock()) live.push_back(std::move(d));
  }
  for (auto& d : live) d->Drain();
  live.clear();
  auto collect = [&s] {
    std::vector<std::shared_ptr<Drainable>> out;
    std::lock_guard lk(s.conn_mu);
    for (auto& [id, w] : s.conns)
      if (auto d = w.lock()) out.push_back(std::move(d));
    return out;
  };
  bool drained;
  {
    std::unique_lock lk(s.conn_mu);
    drained = s.conn_cv.wait_for(lk, drain, [&] { return s.conns.empty(); });
  }
  if (!drained) {
    live = collect();
    spdlog::warn("server drain timed out with {} connection(s) open; closing them", live.size());
    for (auto& d : live) d->ForceClose();
    live.clear();
    std::unique_lock lk(s.conn_mu);
    s.conn_cv.wait_for(lk, std::chrono::milliseconds(500), [&] { return s.conns.empty(); });
  }
  s.work.reset();
  s.ioc.stop();
  for (auto& t : s.threads)
    if (t.joinable()) t.join();
  s.threads.clear();
  // Handlers still queued (a cancelled accept or timer, a socket being closed) hold sessions,
  // and sessions hold Impl: run them to completion here, on this thread, with everything
  // closed, so those references are released instead of leaking in a cycle through ioc.
  {
    beast::error_code ec;
    s.acceptor.close(ec);
    s.stats_timer.cancel();
  }
  for (auto& d : collect()) d->ForceClose();
  s.ioc.restart();
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (!s.ioc.stopped() && std::chrono::steady_clock::now() < until)
    s.ioc.run_one_for(std::chrono::milliseconds(20));
  // Sessions still referenced by in-flight pool/classifier callbacks keep Impl (and the
  // io_context) alive through their shared_ptr until those callbacks finish.
}

}  // namespace sentio::server
