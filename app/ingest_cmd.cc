#include "app/ingest_cmd.h"

#include <boost/json.hpp>

#include <csignal>
#include <cstdio>
#include <thread>

#include "app/http_client.h"
#include "core/clock.h"
#include "sources/file_reader.h"
#include "sources/synth.h"

namespace sentio::app {
namespace {
namespace json = boost::json;

std::atomic<bool> g_stop{false};
extern "C" void OnStop(int) { g_stop.store(true); }

struct Common {
  std::string url = "http://127.0.0.1:8080";
  std::string api_key;
};

json::object PostToJson(const Post& p) {
  json::object o{{"post_id", p.post_id}, {"source", p.source}, {"content", p.content},
                 {"author", p.author}, {"created_at", format_iso8601(p.created_at)}};
  if (!p.video_id.empty()) o["video_id"] = p.video_id;
  if (!p.url.empty()) o["url"] = p.url;
  return o;
}

// Sends one batch; retries on 429/503 honouring Retry-After. Returns accepted count.
Result<std::int64_t> SendBatch(HttpClient& http, const std::vector<Post>& posts, std::int64_t* duplicates) {
  json::array arr;
  for (const auto& p : posts) arr.push_back(PostToJson(p));
  std::string body = json::serialize(json::object{{"posts", std::move(arr)}});
  for (int attempt = 0;; ++attempt) {
    auto r = http.Post("/api/ingest", body, "application/json");
    if (!r.ok()) {
      if (attempt >= 5 || g_stop) return r.status();
      std::this_thread::sleep_for(std::chrono::milliseconds(200 << attempt));
      continue;
    }
    if (r->status == 202 || r->status == 200) {
      boost::system::error_code ec;
      auto v = json::parse(r->body, ec);
      if (ec || !v.is_object()) return Internal("unexpected response: " + r->body.substr(0, 200));
      if (duplicates && v.as_object().contains("duplicates")) *duplicates += v.at("duplicates").to_number<std::int64_t>();
      return v.at("accepted").to_number<std::int64_t>();
    }
    if ((r->status == 429 || r->status == 503) && attempt < 50 && !g_stop) {
      int wait_ms = 1000;
      if (!r->retry_after.empty()) wait_ms = std::max(100, std::atoi(r->retry_after.c_str()) * 1000);
      std::this_thread::sleep_for(std::chrono::milliseconds(wait_ms));
      continue;
    }
    return Status(Code::kUnavailable, "server answered " + std::to_string(r->status) + ": " + r->body.substr(0, 300));
  }
}

int RunSynthCmd(const Common& c, const std::string& rate, const std::string& sources_csv, std::int64_t count,
                double duration_s, std::uint64_t seed, double negative_bias) {
  auto per_min = sources::ParseRatePerMinute(rate);
  if (!per_min.ok()) {
    std::fprintf(stderr, "error: --rate: %s\n", per_min.status().message().c_str());
    return 2;
  }
  sources::SynthOptions so;
  so.rate_per_min = *per_min;
  so.sources.clear();
  for (std::size_t pos = 0; pos <= sources_csv.size();) {
    auto comma = sources_csv.find(',', pos);
    auto one = sources_csv.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    if (!one.empty()) so.sources.push_back(one);
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  so.max_posts = count;
  so.duration = std::chrono::milliseconds(static_cast<std::int64_t>(duration_s * 1000));
  so.seed = seed;
  so.negative_bias = negative_bias;
  HttpClient http(c.url, c.api_key);
  SystemClock clock;
  std::int64_t accepted = 0, dups = 0;
  std::signal(SIGINT, OnStop);
  std::signal(SIGTERM, OnStop);
  std::fprintf(stderr, "synth: %.0f posts/min from %s to %s (Ctrl-C to stop)\n", so.rate_per_min, sources_csv.c_str(),
               c.url.c_str());
  auto sent = sources::RunSynth(so, clock, [&](std::vector<Post> posts) -> Status {
    auto r = SendBatch(http, posts, &dups);
    if (!r.ok()) return r.status();
    accepted += *r;
    return Status::Ok();
  }, g_stop);
  std::fprintf(stderr, "synth: sent %lld posts, accepted %lld, duplicates %lld\n", static_cast<long long>(sent),
               static_cast<long long>(accepted), static_cast<long long>(dups));
  return 0;
}

int RunFileCmd(const Common& c, const std::vector<std::string>& files, const std::string& format,
               const std::string& source, int batch, bool skip_bad) {
  HttpClient http(c.url, c.api_key);
  SystemClock clock;
  std::int64_t accepted = 0, dups = 0, bad = 0;
  std::vector<Post> posts;
  auto flush = [&]() -> bool {
    if (posts.empty()) return true;
    auto r = SendBatch(http, posts, &dups);
    if (!r.ok()) {
      std::fprintf(stderr, "error: %s\n", r.status().message().c_str());
      return false;
    }
    accepted += *r;
    posts.clear();
    return true;
  };
  for (const auto& f : files) {
    auto fmt = sources::ParseInputFormat(format, f);
    if (!fmt.ok()) {
      std::fprintf(stderr, "error: %s\n", fmt.status().message().c_str());
      return 2;
    }
    sources::ReaderOptions ro;
    ro.format = *fmt;
    auto reader = sources::RecordReader::Open(f, ro);
    if (!reader.ok()) {
      std::fprintf(stderr, "error: %s\n", reader.status().message().c_str());
      return 1;
    }
    for (;;) {
      sources::Record rec;
      auto got = (*reader)->Next(rec);
      if (!got.ok()) {
        if (!skip_bad) {
          std::fprintf(stderr, "error: %s (use --skip-bad to skip)\n", got.status().message().c_str());
          flush();
          return 1;
        }
        ++bad;
        continue;
      }
      if (!*got) break;
      if (rec.text.empty()) continue;
      Post p;
      p.source = source;
      p.content = rec.text;
      p.post_id = rec.has_id ? rec.id : "";
      p.created_at = clock.now_ms();
      posts.push_back(std::move(p));
      if (static_cast<int>(posts.size()) >= batch && !flush()) return 1;
    }
  }
  if (!flush()) return 1;
  std::fprintf(stderr, "ingested %lld posts (%lld duplicates, %lld bad rows skipped)\n", static_cast<long long>(accepted),
               static_cast<long long>(dups), static_cast<long long>(bad));
  return 0;
}

}  // namespace

void RegisterIngestCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand("ingest", "Push posts into a running Sentio (synthetic stream or files)");
  cmd->require_subcommand(1);
  auto common = std::make_shared<Common>();
  auto add_common = [&](CLI::App* sub) {
    sub->add_option("--url", common->url, "Sentio base URL")->envname("SENTIO_URL")->capture_default_str();
    sub->add_option("--api-key", common->api_key, "API key (Bearer)")->envname("SENTIO_API_KEY");
  };
  struct SynthArgs {
    std::string rate = "600/min", sources = "reddit,twitter,youtube";
    std::int64_t count = -1;
    double duration = 0;
    std::uint64_t seed = 0;
    double negative_bias = 0;
  };
  auto sa = std::make_shared<SynthArgs>();
  auto* synth = cmd->add_subcommand("synth", "Generate a realistic synthetic stream at a fixed rate");
  add_common(synth);
  synth->add_option("--rate", sa->rate, "Posts per time unit: 600/min, 10/s, 36000/h")->capture_default_str();
  synth->add_option("--sources", sa->sources, "Comma-separated sources")->capture_default_str();
  synth->add_option("--count", sa->count, "Stop after N posts (-1 = unbounded)")->capture_default_str();
  synth->add_option("--duration", sa->duration, "Stop after N seconds (0 = unbounded)")->capture_default_str();
  synth->add_option("--seed", sa->seed, "Random seed (0 = random)");
  synth->add_option("--negative-bias", sa->negative_bias, "Extra share of negative posts (0..0.7), e.g. to trigger alerts")
      ->check(CLI::Range(0.0, 0.7));
  synth->callback([common, sa] {
    throw CLI::RuntimeError(RunSynthCmd(*common, sa->rate, sa->sources, sa->count, sa->duration, sa->seed, sa->negative_bias));
  });

  struct FileArgs {
    std::vector<std::string> files;
    std::string format = "auto", source = "file";
    int batch = 500;
    bool skip_bad = false;
  };
  auto fa = std::make_shared<FileArgs>();
  auto* file = cmd->add_subcommand("file", "Ingest posts from files (plain lines, JSONL, CSV)");
  add_common(file);
  file->add_option("files", fa->files, "Input files")->required();
  file->add_option("--format", fa->format, "auto|text|jsonl|csv")->capture_default_str();
  file->add_option("--source", fa->source, "Source name for these posts")->capture_default_str();
  file->add_option("--batch", fa->batch, "Posts per request")->check(CLI::Range(1, 10000))->capture_default_str();
  file->add_flag("--skip-bad", fa->skip_bad, "Skip malformed rows");
  file->callback([common, fa] {
    throw CLI::RuntimeError(RunFileCmd(*common, fa->files, fa->format, fa->source, fa->batch, fa->skip_bad));
  });
}

}  // namespace sentio::app
