// GET /api/export (streamed), /api/health, /api/info, /metrics, /openapi.json, /docs.
#include <boost/json.hpp>

#include "core/json_codec.h"
#include "core/json_writer.h"
#include "server/server_impl.h"

namespace sentio::server {
namespace json = boost::json;

namespace {

void AppendCsvField(std::string& out, std::string_view v) {
  const bool quote = v.find_first_of(",\"\r\n") != std::string_view::npos ||
                     (!v.empty() && (v.front() == ' ' || v.back() == ' '));
  // Spreadsheet formula injection: prefix cells that would be evaluated.
  const bool formula = !v.empty() && (v.front() == '=' || v.front() == '+' || v.front() == '-' || v.front() == '@');
  if (!quote && !formula) {
    out.append(v);
    return;
  }
  out.push_back('"');
  if (formula) out.push_back('\'');
  for (char ch : v) {
    if (ch == '"') out.push_back('"');
    out.push_back(ch);
  }
  out.push_back('"');
}

void AppendCsvRow(std::string& out, const PostRecord& r) {
  const Post& p = r.post;
  AppendCsvField(out, p.post_id);
  out.push_back(',');
  AppendCsvField(out, p.source);
  out.push_back(',');
  out += format_iso8601(p.created_at);
  out.push_back(',');
  AppendCsvField(out, p.author);
  out.push_back(',');
  AppendCsvField(out, p.video_id);
  out.push_back(',');
  AppendCsvField(out, p.content);
  out.push_back(',');
  if (r.analysed) {
    const Analysis& a = r.analysis;
    AppendCsvField(out, a.sentiment.label);
    out.push_back(',');
    AppendJsonNumber(out, a.sentiment.score);
    out.push_back(',');
    AppendCsvField(out, a.emotion.label);
    out.push_back(',');
    if (!a.emotion.label.empty()) AppendJsonNumber(out, a.emotion.score);
    out.push_back(',');
    AppendCsvField(out, a.sentiment.model_version);
    out.push_back(',');
    out += format_iso8601(a.analyzed_at);
  } else {
    out += ",,,,,";
  }
  out += "\r\n";
}

constexpr std::string_view kCsvHeader =
    "post_id,source,created_at,author,video_id,content,sentiment,confidence,emotion,emotion_confidence,model_version,"
    "analyzed_at\r\n";

}  // namespace

void HandleExport(Server::Impl& s, Ctx& c) {
  auto pairs = ParseQuery(c.query);
  if (!pairs.ok()) return c.ex->ReplyError(ApiError::From(pairs.status()));
  QueryReader r(*pairs);
  std::string format = "jsonl";
  r.Enum("format", format, {"csv", "jsonl"});
  storage::PostFilter f;
  r.Str("source", f.source, 128);
  r.Enum("sentiment", f.sentiment, {"negative", "neutral", "positive"});
  r.Str("emotion", f.emotion, 64);
  r.Str("video_id", f.video_id, 256);
  r.Time("start_date", f.start);
  r.Time("end_date", f.end);
  r.Str("q", f.q, 256);
  std::optional<std::int64_t> limit;
  r.Int64("limit", limit, 1, static_cast<std::int64_t>(s.opts.max_export_rows));
  if (f.start && f.end && *f.start >= *f.end) r.Invalid("end_date", "must be after start_date");
  if (auto err = r.Finish()) return c.ex->ReplyError(*err);
  if (s.active_exports.fetch_add(1) >= 2) {
    s.active_exports.fetch_sub(1);
    return c.ex->ReplyError({Code::kResourceExhausted, "too many exports running; retry later", {}, 5});
  }
  const bool csv = format == "csv";
  auto channel = std::make_shared<ChunkChannel>(4);
  Response head{http::status::ok, c.req.version()};
  head.set(http::field::content_type, csv ? "text/csv; charset=utf-8" : "application/x-ndjson");
  head.set(http::field::content_disposition,
           std::string("attachment; filename=\"sentio-posts.") + (csv ? "csv" : "jsonl") + "\"");
  head.set(http::field::cache_control, "no-store");
  const std::uint64_t max_rows = static_cast<std::uint64_t>(limit.value_or(static_cast<std::int64_t>(s.opts.max_export_rows)));
  const bool ok = s.RunBlocking(c.ex, [sp = &s, channel, f = std::move(f), csv, max_rows] {
    std::uint64_t rows = 0;
    bool cancelled = false;
    std::string buf;
    if (csv) buf.append(kCsvHeader);
    Status st = sp->deps.store->ExportPosts(f, [&](std::span<const PostRecord> chunk) {
      for (const auto& rec : chunk) {
        if (rows >= max_rows) break;
        ++rows;
        if (csv) {
          AppendCsvRow(buf, rec);
        } else {
          AppendJson(buf, PostRecordToJson(rec));
          buf.push_back('\n');
        }
        if (buf.size() >= 64 * 1024) {
          if (!channel->Push(std::move(buf))) {
            cancelled = true;
            return false;
          }
          buf.clear();
        }
      }
      return rows < max_rows;
    });
    if (!cancelled && !buf.empty()) channel->Push(std::move(buf));
    channel->Close(cancelled ? Status::Ok() : st);
    sp->active_exports.fetch_sub(1);
  });
  if (!ok) {
    s.active_exports.fetch_sub(1);
    return;
  }
  c.ex->ReplyStream(std::move(head), std::move(channel));
}

void HandleHealth(Server::Impl& s, Ctx& c) {
  s.RunBlocking(c.ex, [sp = &s, ex = c.ex, v = c.req.version()] {
    const TimeMs now = sp->deps.clock->now_ms();
    json::object services;
    bool unhealthy = false, degraded = false;
    Status db = sp->deps.store->Ping();
    services["database"] = db.ok() ? std::string("connected") : "error: " + db.message();
    unhealthy |= !db.ok();
    auto qs = sp->deps.queue->Stats();
    services["queue"] = qs.ok() ? std::string("connected") : "error: " + qs.status().message();
    degraded |= !qs.ok();
    auto ms = sp->deps.predict->models();
    services["models"] = ms && ms->sentiment ? "loaded" : "not loaded";
    unhealthy |= !(ms && ms->sentiment);
    if (sp->deps.health_extra) {
      for (auto& [k, val] : sp->deps.health_extra()) {
        if (!val.is_string() || (val.as_string() != "connected" && val.as_string() != "loaded" &&
                                 val.as_string() != "running" && val.as_string() != "disabled"))
          degraded = true;
        services[k] = val;
      }
    }
    json::object stats;
    if (db.ok()) {
      if (auto st = sp->deps.store->GetStats(now); st.ok()) {
        stats["total_posts"] = st->total_posts;
        stats["total_analyses"] = st->total_analyses;
        stats["recent_posts_1h"] = st->recent_posts_1h;
      } else {
        degraded = true;
      }
    }
    stats["queue_depth"] = qs.ok() ? qs->depth : sp->queue_depth.load();
    if (sp->draining.load()) degraded = true;
    const char* status = unhealthy ? "unhealthy" : degraded ? "degraded" : "healthy";
    json::object out{{"status", status}, {"timestamp", format_iso8601(now)}, {"services", std::move(services)},
                     {"stats", std::move(stats)}};
    ex->Reply(JsonResponse(unhealthy ? 503 : 200, ::sentio::ToJson(out), v));
  });
}

void HandleInfo(Server::Impl& s, Ctx& c) {
  auto model_json = [](const models::Classifier* m) -> json::value {
    if (!m) return nullptr;
    const auto& i = m->info();
    json::array labels;
    for (const auto& l : i.labels) labels.emplace_back(l);
    return json::object{{"name", i.name},   {"version", i.version},          {"kind", i.kind},
                        {"task", i.task},   {"labels", std::move(labels)}, {"multi_label", i.multi_label},
                        {"model_version", i.model_version()}};
  };
  auto ms = s.deps.predict->models();
  json::array models;
  if (ms->sentiment) models.push_back(model_json(ms->sentiment.get()));
  if (ms->emotion) models.push_back(model_json(ms->emotion.get()));
  json::object out{
      {"name", "sentio"},
      {"version", SENTIO_VERSION},
      {"build", json::object{{"compiler", __VERSION__},
#ifdef NDEBUG
                             {"assertions", false},
#else
                             {"assertions", true},
#endif
                             {"date", __DATE__}}},
      {"models", std::move(models)},
      {"store", s.deps.store->Describe()},
      {"queue", s.deps.queue->Describe()},
      {"auth", s.auth ? "api_keys" : "none"},
      {"limits", json::object{{"max_body_bytes", s.opts.max_body_bytes},
                              {"max_texts_per_predict", s.opts.max_texts_per_predict},
                              {"max_text_chars", s.opts.max_text_chars},
                              {"max_ingest_posts", s.opts.max_ingest_posts},
                              {"max_ingest_backlog", s.opts.max_ingest_backlog},
                              {"ws_max_queued_messages", s.opts.ws_max_queued_messages}}},
      {"connections", s.ConnectionCount()},
  };
  if (s.deps.info_extra)
    for (auto& [k, v] : s.deps.info_extra()) out[k] = v;
  c.ex->Reply(JsonResponse(200, ::sentio::ToJson(out), c.req.version()));
}

void HandleMetrics(Server::Impl& s, Ctx& c) {
  Response res{http::status::ok, c.req.version()};
  res.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
  res.set(http::field::cache_control, "no-store");
  res.body() = s.deps.metrics->Render();
  c.ex->Reply(std::move(res));
}

void HandleOpenApi(Server::Impl&, Ctx& c) {
  Response res{http::status::ok, c.req.version()};
  res.set(http::field::content_type, "application/json");
  res.set(http::field::cache_control, "public, max-age=300");
  res.body() = std::string(OpenApiJson());
  c.ex->Reply(std::move(res));
}

void HandleDocs(Server::Impl&, Ctx& c) {
  Response res{http::status::ok, c.req.version()};
  res.set(http::field::content_type, "text/html; charset=utf-8");
  res.set(http::field::cache_control, "public, max-age=300");
  res.set("Content-Security-Policy",
          "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'");
  res.body() = std::string(DocsHtml());
  c.ex->Reply(std::move(res));
}

}  // namespace sentio::server
