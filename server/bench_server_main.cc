// A test server for benchmarks (bench/bench_server.sh): the real Server over in-memory fakes
// and the toy classifier. Usage: sentio_bench_server [port] [io_threads] [predict_threads] [seconds]
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include <spdlog/spdlog.h>

#include "core/clock.h"
#include "core/metrics.h"
#include "core/thread_pool.h"
#include "pipeline/event_bus.h"
#include "pipeline/predict_service.h"
#include "server/server.h"
#include "server/test_support.h"

namespace {
volatile std::sig_atomic_t g_stop = 0;
void OnSignal(int) { g_stop = 1; }
}  // namespace

int main(int argc, char** argv) {
  using namespace sentio;
  const int port = argc > 1 ? std::atoi(argv[1]) : 18080;
  const int io_threads = argc > 2 ? std::atoi(argv[2]) : 2;
  const int predict_threads = argc > 3 ? std::atoi(argv[3]) : 1;
  const int seconds = argc > 4 ? std::atoi(argv[4]) : 3600;
  spdlog::set_level(spdlog::level::warn);
  server::testing::FakeStore store;
  server::testing::FakeQueue queue;
  SystemClock clock;
  Metrics metrics;
  pipeline::EventBus bus;
  ThreadPool pool(2, 1024, "blocking");
  pipeline::PredictService predict({std::make_shared<server::testing::ToyClassifier>(), nullptr},
                                   {.threads = static_cast<std::size_t>(predict_threads)});
  server::ServerOptions o;
  o.host = "127.0.0.1";
  o.port = static_cast<uint16_t>(port);
  o.io_threads = io_threads;
  o.access_log = false;
  server::ServerDeps d;
  d.store = &store;
  d.queue = &queue;
  d.predict = &predict;
  d.bus = &bus;
  d.metrics = &metrics;
  d.clock = &clock;
  d.blocking = &pool;
  auto s = server::Server::Create(o, d);
  if (!s.ok()) {
    std::fprintf(stderr, "%s\n", s.status().to_string().c_str());
    return 1;
  }
  if (auto st = (*s)->Start(); !st.ok()) {
    std::fprintf(stderr, "%s\n", st.to_string().c_str());
    return 1;
  }
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  std::printf("listening on %u\n", (*s)->port());
  std::fflush(stdout);
  for (int i = 0; i < seconds * 10 && !g_stop; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  (*s)->Stop(std::chrono::seconds(2));
  predict.Shutdown();
  pool.Shutdown();
  return 0;
}
