#include "app/serve_cmd.h"

#include <spdlog/spdlog.h>

#include <csignal>
#include <filesystem>
#include <thread>

#include "analytics/alert_engine.h"
#include "analytics/alert_json.h"
#include "analytics/webhook.h"
#include "app/backends.h"
#include "core/clock.h"
#include "core/metrics.h"
#include "core/thread_pool.h"
#include "models/classifier.h"
#include "pipeline/event_bus.h"
#include "pipeline/live_metrics.h"
#include "pipeline/predict_service.h"
#include "pipeline/worker_pool.h"
#include "server/server.h"
#include "sources/synth.h"
#ifdef SENTIO_HAVE_REDIS
#include "pipeline/redis_event_bridge.h"
#endif

namespace sentio::app {
namespace {

std::atomic<int> g_signal{0};  // set by the signal handler only
extern "C" void OnSignal(int sig) { g_signal.store(sig); }

void WaitForSignal() {
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  while (g_signal.load() == 0) std::this_thread::sleep_for(std::chrono::milliseconds(100));
}

struct ServeConfig {
  BackendConfig backend;
  server::ServerOptions http;
  std::string model = "sentiment";
  std::string emotion_model = "emotion";
  int workers = 2;
  int worker_batch = 256;
  int predict_threads = 1;
  int blocking_threads = 4;
  bool demo = false;
  std::string demo_rate = "600/min";
  std::string demo_sources = "reddit,twitter,youtube";
  int drain_seconds = 10;
  std::string cors;
};

std::string DefaultWebDir() {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  std::vector<fs::path> candidates;
  if (!ec) {
    candidates.push_back(exe.parent_path() / "../share/sentio/web");
    candidates.push_back(exe.parent_path() / "../../web/dist");
  }
  candidates.push_back(fs::path(SENTIO_SOURCE_DIR) / "web/dist");
  candidates.push_back("web/dist");
  for (const auto& c : candidates)
    if (fs::exists(c / "index.html", ec)) return fs::weakly_canonical(c, ec).string();
  return "";
}

Result<pipeline::ModelSet> LoadModels(const std::string& sentiment, const std::string& emotion) {
  pipeline::ModelSet ms;
  auto s = models::LoadClassifier(sentiment);
  if (!s.ok()) return Status(s.status().code(), "sentiment model '" + sentiment + "': " + s.status().message());
  ms.sentiment = std::shared_ptr<const models::Classifier>(std::move(*s));
  if (!emotion.empty() && emotion != "none") {
    auto e = models::LoadClassifier(emotion);
    if (!e.ok()) return Status(e.status().code(), "emotion model '" + emotion + "': " + e.status().message());
    ms.emotion = std::shared_ptr<const models::Classifier>(std::move(*e));
  }
  return ms;
}

// Scale-out: live events travel between processes through Redis pub/sub when the queue is
// Redis. Returns an owning handle (null when not needed).
Result<std::shared_ptr<void>> MaybeStartEventBridge(const BackendConfig& b, pipeline::EventBus* bus, bool receive) {
  if (b.queue.rfind("redis://", 0) != 0) return std::shared_ptr<void>();
#ifdef SENTIO_HAVE_REDIS
  pipeline::RedisEventBridgeOptions o;
  o.receive_remote = receive;
  auto br = pipeline::RedisEventBridge::Start(b.queue, bus, o);
  if (!br.ok()) return br.status();
  return std::shared_ptr<void>(std::move(*br));
#else
  (void)bus;
  (void)receive;
  return std::shared_ptr<void>();
#endif
}

// Registers pipeline metrics and returns the worker batch hook.
pipeline::WorkerPool::BatchHook MakeBatchHook(Metrics& m) {
  auto& analysed = m.AddCounter("sentio_posts_analysed_total", "Posts classified and stored by workers").With({});
  auto& batch = m.AddHistogram("sentio_worker_batch_size", "Posts per worker batch", {},
                               ExponentialBuckets(1, 2, 10)).With({});
  auto& infer = m.AddHistogram("sentio_worker_inference_duration_seconds", "Classification time per worker batch", {},
                               DurationBuckets()).With({});
  auto& store = m.AddHistogram("sentio_store_write_duration_seconds", "Store write + ack time per worker batch", {},
                               DurationBuckets()).With({});
  return [&analysed, &batch, &infer, &store](std::size_t n, double classify_s, double store_s) {
    analysed.Inc(static_cast<double>(n));
    batch.Observe(static_cast<double>(n));
    infer.Observe(classify_s);
    store.Observe(store_s);
  };
}

int RunServe(ServeConfig cfg) {
  auto t_start = std::chrono::steady_clock::now();
  SystemClock clock;
  auto backends = OpenBackends(cfg.backend);
  if (!backends.ok()) {
    spdlog::error("cannot open storage: {}", backends.status().to_string());
    return 1;
  }
  auto models = LoadModels(cfg.model, cfg.emotion_model);
  if (!models.ok()) {
    spdlog::error("{}", models.status().to_string());
    return 1;
  }
  storage::Store* store = backends->store.get();
  queue::Queue* queue = backends->queue.get();

  // First start: seed the default alert rules so alerts work out of the box.
  if (auto rules = store->GetAlertRules(); rules.ok() && rules->empty()) {
    auto defaults = analytics::DefaultAlertRules();
    (void)store->PutAlertRules(defaults);
  }

  Metrics metrics;
  pipeline::EventBus bus;
  auto bridge = MaybeStartEventBridge(cfg.backend, &bus, /*receive=*/true);
  if (!bridge.ok()) {
    spdlog::error("cannot start the Redis event bridge: {}", bridge.status().to_string());
    return 1;
  }
  pipeline::PredictServiceOptions popts;
  popts.threads = static_cast<std::size_t>(std::max(1, cfg.predict_threads));
  pipeline::PredictService predict(*models, popts);
  ThreadPool blocking(static_cast<std::size_t>(std::max(1, cfg.blocking_threads)), 1024, "blocking");
  analytics::WebhookNotifier webhooks;
  analytics::AlertEngine alerts(store, &bus, &clock, &webhooks);
  pipeline::LiveMetricsPublisher live(store, &bus, &clock);

  pipeline::WorkerPoolOptions wopts;
  wopts.threads = static_cast<std::size_t>(std::max(0, cfg.workers));
  wopts.batch = static_cast<std::size_t>(cfg.worker_batch);
  auto hook = MakeBatchHook(metrics);
  pipeline::WorkerPool workers(queue, store, &predict, &bus, &clock, wopts,
                               [&, hook](std::size_t n, double c, double s) { hook(n, c, s); });

  server::ServerDeps deps;
  deps.store = store;
  deps.queue = queue;
  deps.predict = &predict;
  deps.bus = &bus;
  deps.metrics = &metrics;
  deps.clock = &clock;
  deps.blocking = &blocking;
  if (cfg.http.web_dir.empty()) cfg.http.web_dir = DefaultWebDir();
  auto srv = server::Server::Create(cfg.http, deps);
  if (!srv.ok()) {
    spdlog::error("cannot create server: {}", srv.status().to_string());
    return 1;
  }
  if (Status st = (*srv)->Start(); !st.ok()) {
    spdlog::error("cannot start server: {}", st.to_string());
    return 1;
  }
  if (cfg.workers > 0) workers.Start();
  alerts.Start();
  live.Start();

  std::atomic<bool> demo_stop{false};
  std::thread demo;
  if (cfg.demo) {
    auto rate = sources::ParseRatePerMinute(cfg.demo_rate);
    if (!rate.ok()) {
      spdlog::error("--demo-rate: {}", rate.status().message());
      return 2;
    }
    sources::SynthOptions so;
    so.rate_per_min = *rate;
    so.sources.clear();
    std::string s = cfg.demo_sources;
    for (std::size_t pos = 0; pos <= s.size();) {
      auto comma = s.find(',', pos);
      std::string one = s.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
      if (!one.empty()) so.sources.push_back(one);
      if (comma == std::string::npos) break;
      pos = comma + 1;
    }
    demo = std::thread([&, so] {
      sources::RunSynth(so, clock, [&](std::vector<Post> posts) -> Status {
        auto r = queue->Enqueue(std::move(posts));
        return r.ok() ? Status::Ok() : r.status();
      }, demo_stop);
    });
  }
  auto ready_ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t_start).count();
  spdlog::info("sentio {} ready in {} ms on http://{}:{} (store {}, queue {}, models {}{}{}){}", SENTIO_VERSION, ready_ms,
               cfg.http.host, (*srv)->port(), store->Describe(), queue->Describe(),
               models->sentiment->info().model_version(), models->emotion ? " + " : "",
               models->emotion ? models->emotion->info().model_version() : "", cfg.demo ? " with demo stream" : "");
  if (cfg.http.web_dir.empty()) spdlog::warn("dashboard assets not found (build web/ with scripts/web-build.sh)");

  WaitForSignal();
  spdlog::info("signal {} received: draining (up to {} s)", g_signal.load(), cfg.drain_seconds);
  demo_stop = true;
  if (demo.joinable()) demo.join();
  (*srv)->Stop(std::chrono::seconds(cfg.drain_seconds));
  live.Stop();
  alerts.Stop();
  workers.Stop();
  predict.Shutdown();
  spdlog::info("stopped cleanly");
  return 0;
}

struct WorkerConfig {
  BackendConfig backend;
  std::string model = "sentiment";
  std::string emotion_model = "emotion";
  int threads = 1;
  // Claim takes what is there (up to this), so small backlogs still go out at once; under
  // load bigger batches cost less CPU per post (fewer round trips, rollup rows and commits).
  int batch = 1000;
  int metrics_port = 0;
};

int RunWorker(WorkerConfig cfg) {
  SystemClock clock;
  auto backends = OpenBackends(cfg.backend);
  if (!backends.ok()) {
    spdlog::error("cannot open backends: {}", backends.status().to_string());
    return 1;
  }
  auto models = LoadModels(cfg.model, cfg.emotion_model);
  if (!models.ok()) {
    spdlog::error("{}", models.status().to_string());
    return 1;
  }
  Metrics metrics;
  pipeline::EventBus bus;
  auto bridge = MaybeStartEventBridge(cfg.backend, &bus, /*receive=*/false);
  if (!bridge.ok()) {
    spdlog::error("cannot start the Redis event bridge: {}", bridge.status().to_string());
    return 1;
  }
  pipeline::PredictService predict(*models, {});
  pipeline::WorkerPoolOptions wopts;
  wopts.threads = static_cast<std::size_t>(std::max(1, cfg.threads));
  wopts.batch = static_cast<std::size_t>(cfg.batch);
  pipeline::WorkerPool workers(backends->queue.get(), backends->store.get(), &predict, &bus, &clock, wopts,
                               MakeBatchHook(metrics));
  workers.Start();
  spdlog::info("worker started: {} threads, queue {}, store {}", wopts.threads, backends->queue->Describe(),
               backends->store->Describe());
  WaitForSignal();
  workers.Stop();
  spdlog::info("worker stopped: {} posts analysed", workers.stats().analysed.load());
  return 0;
}

void AddBackendOptions(CLI::App* cmd, BackendConfig& b) {
  cmd->add_option("--data-dir", b.data_dir, "Directory of the embedded SQLite database")
      ->envname("SENTIO_DATA_DIR")->capture_default_str();
  cmd->add_option("--store", b.store, "Store: sqlite (embedded) or postgres://user:pass@host:port/db")
      ->envname("SENTIO_STORE")->capture_default_str();
  cmd->add_option("--queue", b.queue, "Queue: embedded (SQLite WAL) or redis://host:port")
      ->envname("SENTIO_QUEUE")->capture_default_str();
  cmd->add_option("--max-attempts", b.max_queue_attempts, "Deliveries before a post is dead-lettered")
      ->envname("SENTIO_MAX_ATTEMPTS")->check(CLI::Range(1, 100))->capture_default_str();
}

}  // namespace

void RegisterServeCommand(CLI::App& app) {
  auto c = std::make_shared<ServeConfig>();
  auto* cmd = app.add_subcommand("serve", "Run the real-time service: REST + WebSocket API, dashboard, workers, alerts");
  auto& h = c->http;
  cmd->add_option("--host", h.host, "Address to bind")->envname("SENTIO_HOST")->capture_default_str();
  cmd->add_option("-p,--port", h.port, "Port (0 = any free port)")->envname("SENTIO_PORT")->capture_default_str();
  AddBackendOptions(cmd, c->backend);
  cmd->add_option("--model", c->model, "Sentiment model name or directory")->envname("SENTIO_MODEL")->capture_default_str();
  cmd->add_option("--emotion-model", c->emotion_model, "Emotion model name or directory, or 'none'")
      ->envname("SENTIO_EMOTION_MODEL")->capture_default_str();
  cmd->add_option("--workers", c->workers, "Local queue worker threads (0 = none: scale-out workers do the work)")
      ->envname("SENTIO_WORKERS")->check(CLI::Range(0, 64))->capture_default_str();
  cmd->add_option("--worker-batch", c->worker_batch, "Posts per worker batch")
      ->envname("SENTIO_WORKER_BATCH")->check(CLI::Range(1, 10000))->capture_default_str();
  cmd->add_option("--predict-threads", c->predict_threads, "Threads serving /api/predict")
      ->envname("SENTIO_PREDICT_THREADS")->check(CLI::Range(1, 64))->capture_default_str();
  cmd->add_option("--io-threads", h.io_threads, "Network I/O threads")->envname("SENTIO_IO_THREADS")->capture_default_str();
  cmd->add_option("--blocking-threads", c->blocking_threads, "Threads for store queries and ingest commits")
      ->envname("SENTIO_BLOCKING_THREADS")->check(CLI::Range(1, 256))->capture_default_str();
  cmd->add_option("--web-dir", h.web_dir, "Dashboard assets (default: the built web/dist)")->envname("SENTIO_WEB_DIR");
  cmd->add_option("--api-keys-file", h.api_keys_file, "API keys file (enables auth; format in docs/API.md, lines from `sentio keys new`)")
      ->envname("SENTIO_API_KEYS_FILE");
  cmd->add_option("--cors-origins", h.cors_origins, "Allowed CORS origins (comma separated)")
      ->envname("SENTIO_CORS_ORIGINS")->delimiter(',');
  cmd->add_option("--max-body-bytes", h.max_body_bytes, "Largest request body")
      ->envname("SENTIO_MAX_BODY_BYTES")->capture_default_str();
  cmd->add_option("--max-ingest-backlog", h.max_ingest_backlog, "Queue depth past which ingest answers 429")
      ->envname("SENTIO_MAX_INGEST_BACKLOG")->capture_default_str();
  cmd->add_flag("--demo", c->demo, "Also run the synthetic post stream in-process")->envname("SENTIO_DEMO");
  cmd->add_option("--demo-rate", c->demo_rate, "Demo stream rate (e.g. 600/min, 10/s)")
      ->envname("SENTIO_DEMO_RATE")->capture_default_str();
  cmd->add_option("--demo-sources", c->demo_sources, "Demo stream sources")
      ->envname("SENTIO_DEMO_SOURCES")->capture_default_str();
  cmd->add_option("--drain-seconds", c->drain_seconds, "Graceful drain time on SIGTERM/SIGINT")
      ->envname("SENTIO_DRAIN_SECONDS")->capture_default_str();
  cmd->callback([c] { throw CLI::RuntimeError(RunServe(*c)); });
}

void RegisterWorkerCommand(CLI::App& app) {
  auto c = std::make_shared<WorkerConfig>();
  auto* cmd = app.add_subcommand("worker", "Run a stand-alone worker: consume the queue, classify, write the store");
  AddBackendOptions(cmd, c->backend);
  cmd->add_option("--model", c->model, "Sentiment model name or directory")->envname("SENTIO_MODEL")->capture_default_str();
  cmd->add_option("--emotion-model", c->emotion_model, "Emotion model name or directory, or 'none'")
      ->envname("SENTIO_EMOTION_MODEL")->capture_default_str();
  cmd->add_option("--threads", c->threads, "Worker threads in this process")
      ->envname("SENTIO_WORKER_THREADS")->check(CLI::Range(1, 64))->capture_default_str();
  cmd->add_option("--batch", c->batch, "Posts per batch")->envname("SENTIO_WORKER_BATCH")->capture_default_str();
  cmd->callback([c] { throw CLI::RuntimeError(RunWorker(*c)); });
}

}  // namespace sentio::app
