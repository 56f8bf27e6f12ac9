// scaleout_bench: throughput of the scale-out backends (used by bench/bench_scaleout.sh).
//   scaleout_bench enqueue REDIS_URL N BATCH            -> Enqueue posts/s into Redis
//   scaleout_bench write   PG_URL N BATCH               -> WriteResults posts/s into PostgreSQL
//   scaleout_bench consume REDIS_URL PG_URL BATCH       -> drain the queue: Claim -> WriteResults
//                                                          -> Ack (synthetic analysis, no model)
// Keys live under {bench}, tables in schema "bench". Prints one JSON line per run.
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "queue/redis_queue.h"
#include "storage/postgres_store.h"

using namespace sentio;
using SteadyClock = std::chrono::steady_clock;

namespace {

constexpr TimeMs kT0 = 1795392000000;

Post MakePost(long i, const std::string& stem) {
  Post p;
  p.post_id = stem + std::to_string(i);
  p.source = i % 4 == 0 ? "reddit" : "youtube";
  p.content = "This is synthetic comment number " + std::to_string(i) +
              ", about as long as a typical YouTube comment. Loved the part at 3:10!";
  p.author = "user" + std::to_string(i % 997);
  p.created_at = kT0 + i * 37;
  p.video_id = "vid" + std::to_string(i % 20);
  p.ingested_at = kT0 + i * 37 + 5;
  return p;
}

Analysis MakeAnalysis(long i) {
  Analysis a;
  static const char* kLabels[] = {"negative", "neutral", "positive"};
  a.sentiment.label = kLabels[i % 3];
  a.sentiment.score = 0.8f;
  a.sentiment.scores = {{"negative", 0.1f}, {"neutral", 0.1f}, {"positive", 0.8f}};
  a.sentiment.model_version = "sentiment-linear@3";
  a.emotion.label = i % 2 ? "joy" : "neutral";
  a.emotion.score = 0.6f;
  a.emotion.scores = {{"joy", 0.6f}, {"neutral", 0.4f}};
  a.emotion.model_version = "emotion-linear@1";
  a.analyzed_at = kT0;
  return a;
}

double Secs(SteadyClock::time_point a) { return std::chrono::duration<double>(SteadyClock::now() - a).count(); }

queue::RedisQueueOptions QueueOpts() {
  queue::RedisQueueOptions o;
  o.key_prefix = "{bench}";
  o.max_depth = 100'000'000;
  return o;
}
storage::PostgresOptions StoreOpts() {
  storage::PostgresOptions o;
  o.schema = "bench";
  return o;
}

int Fail(const Status& s) {
  std::fprintf(stderr, "error: %s\n", s.to_string().c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: see the header of tests/harness/scaleout_bench.cc\n");
    return 2;
  }
  std::string mode = argv[1];
  if (mode == "enqueue" && argc == 5) {
    auto q = queue::RedisQueue::Open(argv[2], QueueOpts());
    if (!q.ok()) return Fail(q.status());
    long n = std::stol(argv[3]), batch = std::stol(argv[4]);
    auto t0 = SteadyClock::now();
    for (long i = 0; i < n; i += batch) {
      std::vector<Post> posts;
      for (long j = i; j < std::min(n, i + batch); ++j) posts.push_back(MakePost(j, "e"));
      auto r = (*q)->Enqueue(std::move(posts));
      if (!r.ok()) return Fail(r.status());
    }
    double s = Secs(t0);
    std::printf("{\"bench\":\"enqueue\",\"posts\":%ld,\"batch\":%ld,\"seconds\":%.3f,\"posts_per_s\":%.0f}\n",
                n, batch, s, static_cast<double>(n) / s);
    return 0;
  }
  if (mode == "write" && argc == 5) {
    auto st = storage::PostgresStore::Open(argv[2], StoreOpts());
    if (!st.ok()) return Fail(st.status());
    long n = std::stol(argv[3]), batch = std::stol(argv[4]);
    auto t0 = SteadyClock::now();
    for (long i = 0; i < n; i += batch) {
      std::vector<storage::ResultRow> rows;
      for (long j = i; j < std::min(n, i + batch); ++j) rows.push_back({MakePost(j, "w"), MakeAnalysis(j)});
      Status s = (*st)->WriteResults(rows);
      if (!s.ok()) return Fail(s);
    }
    double s = Secs(t0);
    std::printf("{\"bench\":\"write\",\"posts\":%ld,\"batch\":%ld,\"seconds\":%.3f,\"posts_per_s\":%.0f}\n",
                n, batch, s, static_cast<double>(n) / s);
    return 0;
  }
  if (mode == "consume" && argc == 5) {
    auto q = queue::RedisQueue::Open(argv[2], QueueOpts());
    if (!q.ok()) return Fail(q.status());
    auto st = storage::PostgresStore::Open(argv[3], StoreOpts());
    if (!st.ok()) return Fail(st.status());
    std::size_t batch = std::stoul(argv[4]);
    long done = 0;
    SteadyClock::time_point t0{}, last{};
    int idle_polls = 0;
    for (;;) {
      auto d = (*q)->Claim(batch, std::chrono::seconds(30), std::chrono::milliseconds(500));
      if (!d.ok()) return Fail(d.status());
      if (d->empty()) {
        // Drained; or nothing ever came (other consumers took it all): give up after 5 s.
        if (done > 0 || ++idle_polls >= 10) break;
        continue;
      }
      if (done == 0) t0 = SteadyClock::now();
      std::vector<storage::ResultRow> rows;
      rows.reserve(d->size());
      for (const auto& x : *d) rows.push_back({x.post, MakeAnalysis(std::stol(x.post.post_id.substr(1)))});
      Status s = (*st)->WriteResults(rows);
      if (!s.ok()) return Fail(s);
      s = (*q)->Ack(*d);
      if (!s.ok()) return Fail(s);
      done += static_cast<long>(d->size());
      last = SteadyClock::now();
    }
    double s = std::chrono::duration<double>(last - t0).count();
    std::printf("{\"bench\":\"consume\",\"posts\":%ld,\"batch\":%zu,\"seconds\":%.3f,\"posts_per_s\":%.0f}\n",
                done, batch, s, s > 0 ? static_cast<double>(done) / s : 0.0);
    return 0;
  }
  std::fprintf(stderr, "bad arguments\n");
  return 2;
}
