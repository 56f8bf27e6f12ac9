// Sentio's HTTP/1.1 + WebSocket server (Boost.Beast): the REST API of docs/API.md,
// WS /ws/sentiment, /metrics, /openapi.json, /docs and the static dashboard.
//
// Threads: `io_threads` run network I/O only (a strand per connection). Anything that may
// block (store queries, ingest decoding + durable enqueue, static file reads, exports) runs
// on `deps.blocking`; when its queue is full the request gets 503 + Retry-After.
// Classification goes through PredictService (callbacks post back to the connection).
//
// Lifetime: Create -> Start -> Stop(drain). Stop stops accepting, lets in-flight requests
// finish, closes WebSockets with 1001 going_away, and returns after at most `drain`.
// The deps must outlive the Server; shut the blocking pool and PredictService down after
// Stop() and before destroying the store/queue.
#pragma once

#include <boost/json.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/metrics.h"
#include "core/status.h"
#include "core/thread_pool.h"
#include "pipeline/event_bus.h"
#include "pipeline/predict_service.h"
#include "queue/queue.h"
#include "storage/store.h"

namespace spdlog {
class logger;
}

namespace sentio::server {

struct ServerOptions {
  std::string host = "0.0.0.0";
  uint16_t port = 8080;                        // 0 = pick a free port (see Server::port())
  int io_threads = 2;
  std::size_t max_body_bytes = 8 << 20;        // 413 past it
  std::size_t max_header_bytes = 16 << 10;     // 413 past it
  std::chrono::seconds read_timeout{30};       // a request must arrive completely within this (408)
  std::chrono::seconds idle_timeout{60};       // keep-alive connections idle longer are closed
  std::chrono::seconds write_timeout{30};      // a response (or export chunk) must be written within this
  std::vector<std::string> cors_origins;       // allowed Origin values; "*" allows any
  std::string web_dir;                         // dashboard files ("" = no static files)
  std::string api_keys_file;                   // "" = no auth (see server/auth.h for the format)
  std::size_t max_ingest_backlog = 200000;     // queue depth past which ingest answers 429
  std::size_t max_ingest_inflight_bytes = 64 << 20;  // ingest bodies being decoded/enqueued
  std::size_t max_ingest_posts = 10000;        // posts per ingest request
  std::size_t max_texts_per_predict = 256;     // 422 past it
  std::size_t max_text_chars = 20000;          // per text (UTF-8 bytes), 413 past it
  std::size_t ws_max_queued_messages = 1024;   // per client; a client further behind is dropped
  std::size_t ws_max_clients = 10000;          // further upgrades get 503
  std::chrono::seconds ws_ping_interval{20};   // {"type":"ping"} to every client
  std::size_t gzip_min_bytes = 1024;           // compress bodies at least this big
  int retry_after_s = 1;                       // Retry-After for 429/503 on overload
  bool access_log = true;                      // one JSON line per request (spdlog, info level)
  std::chrono::milliseconds queue_stats_interval{1000};  // queue depth refresh (gauge + backlog check)
  std::size_t max_export_rows = 1000000;       // export stops after this many rows
};

struct ServerDeps {
  storage::Store* store = nullptr;              // required
  queue::Queue* queue = nullptr;                // required
  pipeline::PredictService* predict = nullptr;  // required
  pipeline::EventBus* bus = nullptr;            // optional: no live events without it
  Metrics* metrics = nullptr;                   // required: the server registers its sentio_* families here
  const Clock* clock = nullptr;                 // required
  ThreadPool* blocking = nullptr;               // required: blocking work (store, queue, files)
  // Extra fields merged into GET /api/info (e.g. config summary, workers, sources).
  std::function<boost::json::object()> info_extra;
  // Extra checks for GET /api/health's "services" (name -> "connected"/"error: ..."); any value
  // other than "connected"/"loaded"/"running" makes the status "degraded". Runs on `blocking`.
  std::function<boost::json::object()> health_extra;
  // Access log destination; null = spdlog's default logger.
  std::shared_ptr<spdlog::logger> access_logger;
};

class Server {
 public:
  // Validates options and deps (loads the API keys file).
  static Result<std::unique_ptr<Server>> Create(ServerOptions opts, ServerDeps deps);
  ~Server();  // Stop(0) if still running
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and starts the io threads. port() is the bound port afterwards.
  Status Start();
  uint16_t port() const;
  // Graceful drain, bounded by `drain`. Idempotent.
  void Stop(std::chrono::milliseconds drain = std::chrono::seconds(10));

  // Live counts (for tests and /api/info).
  std::size_t connections() const;
  std::size_t ws_clients() const;

  struct Impl;

 private:
  explicit Server(std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> impl_;
};

}  // namespace sentio::server
