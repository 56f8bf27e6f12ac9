// bench_store: embedded SQLite store + durable queue benchmarks (plain main, readable output).
//
//   bench_store [--dir D] [--posts N] [--seconds S] [--only ingest|worker|query] [--keep]
//
// (a) durable ingest through EmbeddedQueue::Enqueue, 16 producer threads, batches of 100
//     and of 1 (group commit: one fsync covers many producers);
// (b) the worker path: Claim 256 -> Store::WriteResults -> Ack;
// (c) Aggregate (minute/hour/day) and GetDistribution latency p50/p95 over N stored posts
//     (default 1,000,000) spread over 7 days, 3 sources, 20 videos; DB size and RSS.
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "queue/embedded_queue.h"
#include "storage/sqlite_db.h"
#include "storage/sqlite_store.h"

namespace {

using namespace sentio;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

constexpr TimeMs kMin = 60'000, kHour = 3'600'000, kDay = 86'400'000;
constexpr TimeMs kEnd = 1795392000000;  // 2026-11-23T00:00Z: data covers the 7 days before
const char* kSources[] = {"youtube", "reddit", "twitter"};
const char* kLabels[] = {"negative", "neutral", "positive"};
const char* kEmotions[] = {"anger", "disgust", "fear", "joy", "neutral", "sadness", "surprise"};

struct Args {
  std::string dir = (fs::temp_directory_path() / "sentio_bench_store").string();
  long posts = 1'000'000;
  double seconds = 5;
  std::string only;
  bool keep = false;
};

double Secs(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

std::string RssLine() {
  std::ifstream in("/proc/self/status");
  std::string line, rss, hwm;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) rss = line.substr(6);
    if (line.rfind("VmHWM:", 0) == 0) hwm = line.substr(6);
  }
  auto trim = [](std::string s) {
    s.erase(0, s.find_first_not_of(" \t"));
    return s;
  };
  return "RSS " + trim(rss) + " (peak " + trim(hwm) + ")";
}

double DbSizeMiB(const std::string& path) {
  std::uintmax_t total = 0;
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::error_code ec;
    auto s = fs::file_size(path + suffix, ec);
    if (!ec) total += s;
  }
  return static_cast<double>(total) / (1024.0 * 1024.0);
}

Post MakePost(std::mt19937_64& rng, const std::string& id, TimeMs created) {
  Post p;
  p.post_id = id;
  p.source = kSources[rng() % 3];
  p.video_id = "video" + std::to_string(rng() % 20);
  p.content = "benchmark comment " + id + " this video is really quite something, loved the intro";
  p.author = "user" + std::to_string(rng() % 5000);
  p.created_at = created;
  p.ingested_at = created;
  return p;
}

Analysis MakeAnalysis(std::mt19937_64& rng) {
  Analysis a;
  int l = static_cast<int>(rng() % 3);
  a.sentiment.label = kLabels[l];
  a.sentiment.score = 0.5f + static_cast<float>(rng() % 50) / 100.f;
  for (int i = 0; i < 3; ++i) a.sentiment.scores.emplace_back(kLabels[i], i == l ? a.sentiment.score : 0.1f);
  a.sentiment.model_version = "sentiment-linear@3";
  a.emotion.label = kEmotions[rng() % 7];
  a.emotion.score = 0.6f;
  a.emotion.scores = {{a.emotion.label, 0.6f}};
  a.emotion.model_version = "emotion-linear@1";
  a.analyzed_at = kEnd;
  return a;
}

struct Opened {
  std::shared_ptr<storage::SqliteDb> db;
  std::unique_ptr<queue::EmbeddedQueue> queue;
  std::unique_ptr<storage::SqliteStore> store;
};

Opened Open(const std::string& path) {
  auto db = storage::SqliteDb::Open(path);
  if (!db.ok()) {
    std::fprintf(stderr, "open %s: %s\n", path.c_str(), db.status().to_string().c_str());
    std::exit(1);
  }
  Opened o;
  o.db = std::move(db).value();
  auto q = queue::EmbeddedQueue::Open(o.db);
  if (!q.ok()) {
    std::fprintf(stderr, "queue: %s\n", q.status().to_string().c_str());
    std::exit(1);
  }
  o.queue = std::move(q).value();
  o.store = std::make_unique<storage::SqliteStore>(o.db);
  return o;
}

// (a) ------------------------------------------------------------------------------------
void IngestRun(Opened& o, int threads, int batch, double seconds, const std::string& tag) {
  std::atomic<long> posts{0}, batches{0};
  std::atomic<bool> stop{false};
  std::vector<double> lat_ms_all;
  std::mutex lat_mu;
  auto before = o.db->writer_stats();
  auto t0 = Clock::now();
  std::vector<std::thread> ts;
  for (int t = 0; t < threads; ++t) {
    ts.emplace_back([&, t] {
      std::mt19937_64 rng(static_cast<std::uint64_t>(t) * 7919 + static_cast<std::uint64_t>(batch));
      std::vector<double> lat;
      long n = 0;
      while (!stop.load(std::memory_order_relaxed)) {
        std::vector<Post> ps;
        ps.reserve(static_cast<std::size_t>(batch));
        for (int i = 0; i < batch; ++i) {
          ps.push_back(MakePost(rng, tag + "_" + std::to_string(t) + "_" + std::to_string(n++),
                                kEnd - static_cast<TimeMs>(rng() % kHour)));
        }
        auto s = Clock::now();
        auto r = o.queue->Enqueue(std::move(ps));
        lat.push_back(Secs(Clock::now() - s) * 1e3);
        if (!r.ok()) {
          std::fprintf(stderr, "enqueue: %s\n", r.status().to_string().c_str());
          std::exit(1);
        }
        posts += r->accepted;
        batches += 1;
      }
      std::lock_guard lk(lat_mu);
      lat_ms_all.insert(lat_ms_all.end(), lat.begin(), lat.end());
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& t : ts) t.join();
  double el = Secs(Clock::now() - t0);
  auto after = o.db->writer_stats();
  std::sort(lat_ms_all.begin(), lat_ms_all.end());
  auto pct = [&](double q) {
    return lat_ms_all.empty() ? 0.0 : lat_ms_all[static_cast<std::size_t>(q * (lat_ms_all.size() - 1))];
  };
  long tx = after.transactions - before.transactions;
  std::printf("  %2d producers x batch %-4d: %9.0f posts/s  (%ld posts, %ld commits = %.1f Enqueue calls/fsync, "
              "Enqueue p50 %.2f ms p95 %.2f ms)\n",
              threads, batch, static_cast<double>(posts.load()) / el, posts.load(), tx,
              tx ? static_cast<double>(batches.load()) / static_cast<double>(tx) : 0.0, pct(0.5), pct(0.95));
}

// (b) ------------------------------------------------------------------------------------
void WorkerRun(Opened& o, int workers, double seconds) {
  std::atomic<long> done{0};
  std::atomic<bool> stop{false};
  auto t0 = Clock::now();
  std::vector<std::thread> ts;
  for (int w = 0; w < workers; ++w) {
    ts.emplace_back([&, w] {
      std::mt19937_64 rng(static_cast<std::uint64_t>(w) + 99);
      while (!stop.load(std::memory_order_relaxed)) {
        auto ds = o.queue->Claim(256, std::chrono::seconds(60), std::chrono::milliseconds(0));
        if (!ds.ok()) {
          std::fprintf(stderr, "claim: %s\n", ds.status().to_string().c_str());
          std::exit(1);
        }
        if (ds->empty()) break;
        std::vector<storage::ResultRow> rows;
        rows.reserve(ds->size());
        for (const auto& d : *ds) rows.push_back({d.post, MakeAnalysis(rng)});
        Status st = o.store->WriteResults(rows);
        if (st.ok()) st = o.queue->Ack(*ds);
        if (!st.ok()) {
          std::fprintf(stderr, "worker: %s\n", st.to_string().c_str());
          std::exit(1);
        }
        done += static_cast<long>(ds->size());
      }
    });
  }
  auto deadline = t0 + std::chrono::duration<double>(seconds);
  while (Clock::now() < deadline) {
    bool any_alive = false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    auto s = o.queue->Stats();
    any_alive = s.ok() && s->depth - s->in_flight > 0;
    if (!any_alive) break;
  }
  stop = true;
  for (auto& t : ts) t.join();
  double el = Secs(Clock::now() - t0);
  std::printf("  %d worker(s): Claim 256 -> WriteResults -> Ack: %9.0f posts/s (%ld posts in %.1f s)\n",
              workers, static_cast<double>(done.load()) / el, done.load(), el);
}

// (c) ------------------------------------------------------------------------------------
void Populate(Opened& o, long n) {
  std::printf("  loading %ld analysed posts over 7 days (WriteResults, batches of 2000)...\n", n);
  std::mt19937_64 rng(42);
  auto t0 = Clock::now();
  const TimeMs start = kEnd - 7 * kDay;
  const double step = static_cast<double>(7 * kDay) / static_cast<double>(n);
  std::vector<storage::ResultRow> rows;
  for (long i = 0; i < n; ++i) {
    TimeMs t = start + static_cast<TimeMs>(static_cast<double>(i) * step);
    rows.push_back({MakePost(rng, "q" + std::to_string(i), t), MakeAnalysis(rng)});
    if (rows.size() == 2000 || i + 1 == n) {
      Status st = o.store->WriteResults(rows);
      if (!st.ok()) {
        std::fprintf(stderr, "populate: %s\n", st.to_string().c_str());
        std::exit(1);
      }
      rows.clear();
    }
  }
  double el = Secs(Clock::now() - t0);
  std::printf("  loaded in %.1f s (%.0f posts/s)\n", el, static_cast<double>(n) / el);
}

void Latency(const std::string& name, int iters, const std::function<void(int)>& fn) {
  std::vector<double> ms;
  fn(0);  // warm
  for (int i = 0; i < iters; ++i) {
    auto s = Clock::now();
    fn(i);
    ms.push_back(Secs(Clock::now() - s) * 1e3);
  }
  std::sort(ms.begin(), ms.end());
  std::printf("  %-48s p50 %7.3f ms   p95 %7.3f ms   max %7.3f ms\n", name.c_str(),
              ms[ms.size() / 2], ms[static_cast<std::size_t>(0.95 * (ms.size() - 1))], ms.back());
}

void QueryBench(Opened& o) {
  auto check = [](const auto& r) {
    if (!r.ok()) {
      std::fprintf(stderr, "query: %s\n", r.status().to_string().c_str());
      std::exit(1);
    }
  };
  std::optional<std::string> none;
  auto scope_src = [](int i) { return std::optional<std::string>(kSources[i % 3]); };
  auto scope_vid = [](int i) { return std::optional<std::string>("video" + std::to_string(i % 20)); };
  struct Case {
    const char* name;
    storage::Period p;
    TimeMs span;
  };
  const Case cases[] = {{"minute x 24h", storage::Period::kMinute, kDay},
                        {"minute x 7d", storage::Period::kMinute, 7 * kDay},
                        {"hour x 7d", storage::Period::kHour, 7 * kDay},
                        {"day x 7d", storage::Period::kDay, 7 * kDay}};
  std::int64_t total_check = 0;
  for (const Case& c : cases) {
    for (int scope = 0; scope < 3; ++scope) {
      std::string label = std::string("Aggregate ") + c.name +
                          (scope == 0 ? " (all)" : scope == 1 ? " (source)" : " (source+video)");
      Latency(label, 200, [&](int i) {
        storage::AggregateQuery q{c.p, kEnd - c.span - (i % 7) * kMin, kEnd - (i % 7) * kMin,
                                  scope >= 1 ? scope_src(i) : none, scope == 2 ? scope_vid(i) : none};
        auto r = o.store->Aggregate(q);
        check(r);
        if (c.p == storage::Period::kDay && scope == 0 && i == 0 && total_check == 0) {
          for (const auto& b : *r) total_check += b.total();
        }
      });
    }
  }
  for (TimeMs hours : {1, 24, 168}) {
    Latency("GetDistribution last " + std::to_string(hours) + "h (all)", 200, [&](int i) {
      check(o.store->GetDistribution(kEnd - hours * kHour + i * 1357, none, none));
    });
    Latency("GetDistribution last " + std::to_string(hours) + "h (video)", 200, [&](int i) {
      check(o.store->GetDistribution(kEnd - hours * kHour + i * 1357, none, scope_vid(i)));
    });
  }
  Latency("GetStats", 50, [&](int) { check(o.store->GetStats(kEnd)); });
  Latency("ListPosts newest 50 (no filter)", 100, [&](int) {
    check(o.store->ListPosts({}, storage::PageRequest{50, 0, ""}));
  });
  Latency("ListPosts 50, source+sentiment filter", 50, [&](int i) {
    storage::PostFilter f;
    f.source = kSources[i % 3];
    f.sentiment = kLabels[i % 3];
    check(o.store->ListPosts(f, storage::PageRequest{50, 0, ""}));
  });
  std::printf("  (check: day buckets over 7d hold %lld analysed posts)\n",
              static_cast<long long>(total_check));
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    std::string s = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (s == "--dir") a.dir = next();
    else if (s == "--posts") a.posts = std::stol(next());
    else if (s == "--seconds") a.seconds = std::stod(next());
    else if (s == "--only") a.only = next();
    else if (s == "--keep") a.keep = true;
    else {
      std::fprintf(stderr, "usage: %s [--dir D] [--posts N] [--seconds S] [--only ingest|worker|query] [--keep]\n", argv[0]);
      return 2;
    }
  }
  fs::create_directories(a.dir);
  std::printf("bench_store: dir %s, %u hardware threads, sqlite WAL synchronous=FULL\n",
              a.dir.c_str(), std::thread::hardware_concurrency());

  if (a.only.empty() || a.only == "ingest" || a.only == "worker") {
    const std::string path = a.dir + "/ingest.db";
    for (const char* sfx : {"", "-wal", "-shm"}) fs::remove(path + sfx);
    Opened o = Open(path);
    std::printf("(a) durable ingest: EmbeddedQueue::Enqueue, returns after fsync\n");
    IngestRun(o, 16, 100, a.seconds, "b100");
    IngestRun(o, 16, 1, a.seconds, "b1");
    IngestRun(o, 1, 1, std::min(a.seconds, 2.0), "single");
    if (a.only.empty() || a.only == "worker") {
      std::printf("(b) worker path on the %lld queued posts\n",
                  static_cast<long long>(o.queue->Stats()->depth));
      WorkerRun(o, 1, a.seconds);
      WorkerRun(o, 4, a.seconds);
    }
    std::printf("  db %.1f MiB, %s\n", DbSizeMiB(path), RssLine().c_str());
  }

  if (a.only.empty() || a.only == "query") {
    const std::string path = a.dir + "/query_" + std::to_string(a.posts) + ".db";
    bool reuse = fs::exists(path);
    Opened o = Open(path);
    std::printf("(c) read path over %ld posts (7 days, 3 sources, 20 videos)%s\n", a.posts,
                reuse ? " [reusing existing file]" : "");
    if (!reuse || o.store->GetStats(kEnd)->total_posts < a.posts) Populate(o, a.posts);
    QueryBench(o);
    std::printf("  db %.1f MiB, %s\n", DbSizeMiB(path), RssLine().c_str());
  }
  if (!a.keep) {
    std::error_code ec;
    fs::remove_all(a.dir, ec);
  }
  return 0;
}
