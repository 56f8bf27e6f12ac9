// Private to server/: the shared state behind Server, the per-request context handed to
// API handlers, and the streaming channel used by exports.
#pragma once

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "server/auth.h"
#include "server/http_error.h"
#include "server/query.h"
#include "server/server.h"

namespace sentio::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

// Bounded producer/consumer channel of body chunks for streamed responses. The producer
// (a blocking-pool thread) blocks in Push while `capacity` chunks are waiting — that is the
// backpressure from a slow client; the consumer (the connection's strand) is notified
// through `on_ready`. Cancel() (client gone) makes Push return false.
class ChunkChannel {
 public:
  explicit ChunkChannel(std::size_t capacity) : capacity_(capacity) {}
  bool Push(std::string chunk);                   // producer; false once cancelled
  void Close(Status final_status);                // producer: no more chunks
  void Cancel();                                  // consumer: stop the producer
  // Consumer: a chunk, or nullopt with *done=true at the end, or nullopt/*done=false when
  // nothing is ready yet (then `wake` is called once something is).
  std::optional<std::string> Pop(bool* done, std::function<void()> wake);
  Status final_status() const;

 private:
  mutable std::mutex mu_;
  std::condition_variable not_full_;
  std::deque<std::string> q_;      // guarded by mu_
  std::size_t capacity_;
  bool closed_ = false;            // guarded by mu_
  bool cancelled_ = false;         // guarded by mu_
  Status status_;                  // guarded by mu_
  std::function<void()> wake_;     // guarded by mu_
};

// What a handler uses to answer. Thread-safe; exactly one Reply*/ReplyStream per request.
class Exchange {
 public:
  virtual ~Exchange() = default;
  virtual void Reply(Response res) = 0;
  virtual void ReplyError(const ApiError& e) = 0;
  // Sends `head` with chunked transfer encoding, then the channel's chunks.
  virtual void ReplyStream(Response head, std::shared_ptr<ChunkChannel> body) = 0;
  // The route pattern for metrics labels (a string with static storage). Dispatch only.
  virtual void SetRoute(std::string_view route) = 0;
};

struct Ctx {
  Request& req;                   // valid while `ex` is alive
  std::string_view path;          // raw (percent-encoded) path without the query
  std::string_view query;         // raw query string (without '?')
  std::string_view path_param;    // {post_id} for /api/posts/{post_id} (raw, percent-encoded)
  std::shared_ptr<Exchange> ex;
};

class WsHub;
class StaticFiles;

struct HttpMetrics {
  CounterFamily* requests = nullptr;      // sentio_http_requests_total{route,method,status}
  HistogramFamily* duration = nullptr;    // sentio_http_request_duration_seconds{route,method,status}
  HistogramFamily* inference = nullptr;   // sentio_inference_duration_seconds{path}
  HistogramFamily* batch = nullptr;       // sentio_inference_batch_size{path}
  CounterFamily* ingest_posts = nullptr;  // sentio_ingest_posts_total{result}
  Counter* ingest_requests = nullptr;     // sentio_ingest_requests_total
  Counter* ingest_rejected = nullptr;     // sentio_ingest_rejected_total (backlog 429)
  Gauge* ws_clients = nullptr;            // sentio_ws_clients
  Counter* ws_dropped = nullptr;          // sentio_ws_dropped_clients_total
  Gauge* queue_depth = nullptr;           // sentio_queue_depth
  Gauge* queue_dead = nullptr;            // sentio_queue_dead_letters
  Gauge* connections = nullptr;           // sentio_http_connections
  Counter* overloaded = nullptr;          // sentio_http_overload_total (503 pool full)
};

// A connection the server can ask to drain.
class Drainable {
 public:
  virtual ~Drainable() = default;
  virtual void Drain() = 0;       // thread-safe (posts to its strand): finish, then close
  virtual void ForceClose() = 0;  // thread-safe: close the socket now
};

struct Server::Impl : std::enable_shared_from_this<Server::Impl> {
  Impl(ServerOptions o, ServerDeps d);
  ~Impl();

  ServerOptions opts;
  ServerDeps deps;
  asio::io_context ioc;
  // Keeps the io threads alive while requests wait on pools (no pending socket op) during a drain.
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  tcp::acceptor acceptor{ioc};
  asio::steady_timer stats_timer{ioc};
  std::vector<std::thread> threads;
  std::unique_ptr<Authenticator> auth;
  std::shared_ptr<spdlog::logger> access_log;
  HttpMetrics m;
  std::unique_ptr<WsHub> hub;
  std::unique_ptr<StaticFiles> static_files;
  std::string request_id_prefix;
  std::atomic<std::uint64_t> request_seq{0};
  std::atomic<std::int64_t> queue_depth{0};
  std::atomic<std::int64_t> ingest_inflight_bytes{0};
  std::atomic<int> active_exports{0};
  std::atomic<bool> draining{false};
  std::atomic<bool> started{false};
  std::atomic<bool> stopped{false};
  uint16_t bound_port = 0;
  pipeline::EventBus::SubscriptionId bus_sub = 0;

  // Connection registry (for drain). Counts include WebSocket sessions.
  std::mutex conn_mu;
  std::condition_variable conn_cv;
  std::unordered_map<std::uint64_t, std::weak_ptr<Drainable>> conns;  // guarded by conn_mu
  std::uint64_t next_conn_id = 1;                                      // guarded by conn_mu
  std::uint64_t Register(std::weak_ptr<Drainable> d);
  void Unregister(std::uint64_t id);
  std::size_t ConnectionCount();

  void Accept();
  void RefreshQueueStats();
  std::string NextRequestId();

  // Routing + handlers (api_*.cc). Called on the connection's strand.
  void Dispatch(Ctx ctx);
  // Submits `fn` to the blocking pool; answers 503 + Retry-After when the pool is full.
  bool RunBlocking(const std::shared_ptr<Exchange>& ex, std::function<void()> fn);
  // Auth for a route (nullopt = allowed).
  std::optional<ApiError> Authorize(const Request& req, Scope scope, std::string_view query);
  bool OriginAllowed(std::string_view origin) const;
};

// Helpers shared by the handlers.
Response JsonResponse(unsigned status, std::string body, unsigned version = 11);
std::string_view HeaderValue(const Request& req, http::field f);

// Handlers (api_*.cc).
void HandlePredict(Server::Impl& s, Ctx& c);
void HandleIngest(Server::Impl& s, Ctx& c);
void HandlePosts(Server::Impl& s, Ctx& c);
void HandlePostsRecent(Server::Impl& s, Ctx& c);
void HandlePostById(Server::Impl& s, Ctx& c);
void HandleAggregate(Server::Impl& s, Ctx& c);
void HandleDistribution(Server::Impl& s, Ctx& c);
void HandleStats(Server::Impl& s, Ctx& c);
void HandleExport(Server::Impl& s, Ctx& c);
void HandleAlerts(Server::Impl& s, Ctx& c);
void HandleGetRules(Server::Impl& s, Ctx& c);
void HandlePutRules(Server::Impl& s, Ctx& c);
void HandleDeadLetters(Server::Impl& s, Ctx& c);
void HandleHealth(Server::Impl& s, Ctx& c);
void HandleInfo(Server::Impl& s, Ctx& c);
void HandleMetrics(Server::Impl& s, Ctx& c);
void HandleOpenApi(Server::Impl& s, Ctx& c);
void HandleDocs(Server::Impl& s, Ctx& c);

// Connection entry points (session.cc, ws.cc).
void StartHttpSession(const std::shared_ptr<Server::Impl>& s, tcp::socket socket);
// Takes over an upgraded connection; `req` is the upgrade request (already authorised).
void StartWsSession(const std::shared_ptr<Server::Impl>& s, beast::tcp_stream stream, Request req,
                    beast::flat_buffer leftover);

// Embedded documents (generated at build time from server/openapi.json and server/docs.html).
std::string_view OpenApiJson();
std::string_view DocsHtml();

}  // namespace sentio::server
