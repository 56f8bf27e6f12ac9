// Read endpoints: posts, aggregates, distribution, stats, alerts, dead letters.
// Query parsing happens on the io thread (cheap, strict); store calls on the blocking pool.
#include <boost/json.hpp>
#include <cmath>

#include "analytics/alert_json.h"
#include "core/json_codec.h"
#include "core/json_writer.h"
#include "server/server_impl.h"
#include "storage/time_buckets.h"

namespace sentio::server {
namespace json = boost::json;

namespace {

constexpr std::int64_t kHourMs = 3600 * 1000;

// Parses the query string; replies 400 and returns nullopt on malformed input.
std::optional<QueryPairs> Pairs(Ctx& c) {
  auto p = ParseQuery(c.query);
  if (!p.ok()) {
    c.ex->ReplyError(ApiError::From(p.status()));
    return std::nullopt;
  }
  return std::move(p).value();
}

void ReadFilter(QueryReader& r, storage::PostFilter& f) {
  r.Str("source", f.source, 128);
  r.Enum("sentiment", f.sentiment, {"negative", "neutral", "positive"});
  r.Str("emotion", f.emotion, 64);
  r.Str("video_id", f.video_id, 256);
  r.Time("start_date", f.start);
  r.Time("end_date", f.end);
  r.Str("q", f.q, 256);
  if (f.start && f.end && *f.start >= *f.end) r.Invalid("end_date", "must be after start_date");
}

json::value OptStr(const std::optional<std::string>& s) { return s ? json::value(*s) : json::value(nullptr); }
json::value OptTime(const std::optional<TimeMs>& t) { return t ? json::value(format_iso8601(*t)) : json::value(nullptr); }

json::object FilterToJson(const storage::PostFilter& f) {
  return json::object{{"source", OptStr(f.source)},     {"sentiment", OptStr(f.sentiment)},
                      {"emotion", OptStr(f.emotion)},   {"video_id", OptStr(f.video_id)},
                      {"start_date", OptTime(f.start)}, {"end_date", OptTime(f.end)},
                      {"q", OptStr(f.q)}};
}

json::array PostsToJson(const std::vector<PostRecord>& posts) {
  json::array a;
  a.reserve(posts.size());
  for (const auto& p : posts) a.emplace_back(PostRecordToJson(p));
  return a;
}

void ReplyJson(const std::shared_ptr<Exchange>& ex, unsigned version, const json::object& v, unsigned status = 200) {
  ex->Reply(JsonResponse(status, ::sentio::ToJson(v), version));
}

// Percentages with 2 decimals and mean confidences with 4: what a reader (and a chart) can
// use, and a third of the bytes of full doubles on long minute series.
double Pct(std::int64_t part, std::int64_t total) {
  return total > 0 ? std::round(static_cast<double>(part) * 10000.0 / static_cast<double>(total)) / 100.0
                   : 0.0;
}
double MeanConfidence(double sum, std::int64_t total) {
  return total > 0 ? std::round(sum / static_cast<double>(total) * 10000.0) / 10000.0 : 0.0;
}

}  // namespace

void HandlePosts(Server::Impl& s, Ctx& c) {
  auto pairs = Pairs(c);
  if (!pairs) return;
  QueryReader r(*pairs);
  storage::PostFilter f;
  storage::PageRequest page;
  ReadFilter(r, f);
  r.Int("limit", page.limit, 1, 1000);
  r.Int("offset", page.offset, 0, 10000000);
  r.Str("cursor", page.cursor, 512);
  bool analysed_only = false;
  r.Bool("analysed_only", analysed_only);
  f.analysed_only = analysed_only;
  if (auto err = r.Finish()) return c.ex->ReplyError(*err);
  s.RunBlocking(c.ex, [sp = &s, ex = c.ex, f = std::move(f), page, v = c.req.version()] {
    auto res = sp->deps.store->ListPosts(f, page);
    if (!res.ok()) return ex->ReplyError(ApiError::From(res.status()));
    json::object out;
    out["posts"] = PostsToJson(res->posts);
    out["total"] = res->total;
    out["limit"] = page.limit;
    out["offset"] = page.cursor.empty() ? page.offset : 0;
    out["next_cursor"] = res->next_cursor.empty() ? json::value(nullptr) : json::value(res->next_cursor);
    out["filters"] = FilterToJson(f);
    ReplyJson(ex, v, out);
  });
}

void HandlePostsRecent(Server::Impl& s, Ctx& c) {
  auto pairs = Pairs(c);
  if (!pairs) return;
  QueryReader r(*pairs);
  storage::PostFilter f;
  storage::PageRequest page;
  page.limit = 10;
  r.Int("limit", page.limit, 1, 200);
  r.Str("source", f.source, 128);
  r.Str("video_id", f.video_id, 256);
  if (auto err = r.Finish()) return c.ex->ReplyError(*err);
  f.analysed_only = true;
  s.RunBlocking(c.ex, [sp = &s, ex = c.ex, f = std::move(f), page, v = c.req.version()] {
    auto res = sp->deps.store->ListPosts(f, page);
    if (!res.ok()) return ex->ReplyError(ApiError::From(res.status()));
    json::object out;
    out["posts"] = PostsToJson(res->posts);
    out["count"] = res->posts.size();
    ReplyJson(ex, v, out);
  });
}

void HandlePostById(Server::Impl& s, Ctx& c) {
  auto id = PercentDecode(c.path_param, false);
  if (!id.ok() || id->empty() || id->size() > 512)
    return c.ex->ReplyError({Code::kInvalidArgument, "bad post id in path"});
  auto pairs = Pairs(c);
  if (!pairs) return;
  QueryReader r(*pairs);
  std::optional<std::string> source;
  r.Str("source", source, 128);
  if (auto err = r.Finish()) return c.ex->ReplyError(*err);
  s.RunBlocking(c.ex, [sp = &s, ex = c.ex, id = std::move(id).value(), source, v = c.req.version()] {
    std::optional<std::string_view> src;
    if (source) src = *source;
    auto res = sp->deps.store->GetPost(id, src);
    if (!res.ok()) return ex->ReplyError(ApiError::From(res.status()));
    if (!res->has_value()) {
      ApiError e{Code::kNotFound, "post not found"};
      e.details["post_id"] = id;
      return ex->ReplyError(e);
    }
    ReplyJson(ex, v, PostRecordToJson(**res));
  });
}

void HandleAggregate(Server::Impl& s, Ctx& c) {
  auto pairs = Pairs(c);
  if (!pairs) return;
  QueryReader r(*pairs);
  std::string period = "hour";
  r.Enum("period", period, {"minute", "hour", "day"});
  std::optional<TimeMs> start, end;
  storage::AggregateQuery q;
  r.Time("start_date", start);
  r.Time("end_date", end);
  r.Str("source", q.source, 128);
  r.Str("video_id", q.video_id, 256);
  q.period = period == "minute" ? storage::Period::kMinute : period == "day" ? storage::Period::kDay : storage::Period::kHour;
  const std::int64_t step = storage::PeriodMs(q.period);
  const std::int64_t default_span = period == "minute" ? kHourMs : period == "day" ? 30 * 24 * kHourMs : 24 * kHourMs;
  q.end = end.value_or(s.deps.clock->now_ms());
  q.start = start.value_or(q.end - default_span);
  if (q.start >= q.end) r.Invalid("end_date", "must be after start_date");
  else if ((q.end - q.start) / step > 20000) r.Invalid("start_date", "range too large for this period (max 20000 buckets)");
  if (auto err = r.Finish()) return c.ex->ReplyError(*err);
  s.RunBlocking(c.ex, [sp = &s, ex = c.ex, q, period, v = c.req.version()] {
    auto res = sp->deps.store->Aggregate(q);
    if (!res.ok()) return ex->ReplyError(ApiError::From(res.status()));
    // Written straight into the body (no JSON tree): a week of minute buckets is 10,080
    // objects, and building then serialising a tree of them costs ~10x the store query.
    std::string body;
    body.reserve(160 + res->size() * 230);
    body += "{\"period\":";
    AppendJsonString(body, period);
    body += ",\"start_date\":";
    AppendJsonString(body, format_iso8601(q.start));
    body += ",\"end_date\":";
    AppendJsonString(body, format_iso8601(q.end));
    body += ",\"data\":[";
    std::int64_t pos = 0, neg = 0, neu = 0;
    auto field_int = [&body](const char* key, std::int64_t x) {
      body += key;
      body += std::to_string(x);
    };
    auto field_num = [&body](const char* key, double x, int decimals) {
      body += key;
      AppendJsonNumber(body, x, decimals);
    };
    for (std::size_t i = 0; i < res->size(); ++i) {
      const auto& b = (*res)[i];
      const auto total = b.total();
      pos += b.positive;
      neg += b.negative;
      neu += b.neutral;
      if (i) body += ',';
      body += "{\"timestamp\":";
      AppendJsonString(body, format_iso8601(b.timestamp));
      field_int(",\"positive_count\":", b.positive);
      field_int(",\"negative_count\":", b.negative);
      field_int(",\"neutral_count\":", b.neutral);
      field_int(",\"total_count\":", total);
      field_num(",\"positive_percentage\":", Pct(b.positive, total), 2);
      field_num(",\"negative_percentage\":", Pct(b.negative, total), 2);
      field_num(",\"neutral_percentage\":", Pct(b.neutral, total), 2);
      field_num(",\"average_confidence\":", MeanConfidence(b.confidence_sum, total), 4);
      body += '}';
    }
    body += "],\"summary\":{";
    field_int("\"total_posts\":", pos + neg + neu);
    field_int(",\"positive_total\":", pos);
    field_int(",\"negative_total\":", neg);
    field_int(",\"neutral_total\":", neu);
    body += "}}";
    ex->Reply(JsonResponse(200, std::move(body), v));
  });
}

void HandleDistribution(Server::Impl& s, Ctx& c) {
  auto pairs = Pairs(c);
  if (!pairs) return;
  QueryReader r(*pairs);
  std::optional<std::int64_t> hours;
  std::optional<std::string> source, video;
  r.Int64("hours", hours, 1, 24 * 366);
  r.Str("source", source, 128);
  r.Str("video_id", video, 256);
  if (auto err = r.Finish()) return c.ex->ReplyError(*err);
  const std::int64_t h = hours.value_or(24);
  s.RunBlocking(c.ex, [sp = &s, ex = c.ex, h, source, video, v = c.req.version()] {
    const TimeMs now = sp->deps.clock->now_ms();
    auto res = sp->deps.store->GetDistribution(now - h * kHourMs, source, video);
    if (!res.ok()) return ex->ReplyError(ApiError::From(res.status()));
    const auto& d = *res;
    const std::int64_t total = d.positive + d.negative + d.neutral;
    json::object emotions;
    for (const auto& [k, n] : d.emotions) emotions[k] = n;
    json::object out{{"timeframe_hours", h},
                     {"source", OptStr(source)},
                     {"video_id", OptStr(video)},
                     {"distribution", json::object{{"positive", d.positive}, {"negative", d.negative}, {"neutral", d.neutral}}},
                     {"total", total},
                     {"percentages", json::object{{"positive", Pct(d.positive, total)},
                                                  {"negative", Pct(d.negative, total)},
                                                  {"neutral", Pct(d.neutral, total)}}},
                     {"top_emotions", std::move(emotions)},
                     {"cached", false},
                     {"cached_at", format_iso8601(now)}};
    ReplyJson(ex, v, out);
  });
}

void HandleStats(Server::Impl& s, Ctx& c) {
  auto pairs = Pairs(c);
  if (!pairs) return;
  QueryReader r(*pairs);
  if (auto err = r.Finish()) return c.ex->ReplyError(*err);
  s.RunBlocking(c.ex, [sp = &s, ex = c.ex, v = c.req.version()] {
    const TimeMs now = sp->deps.clock->now_ms();
    auto res = sp->deps.store->GetStats(now);
    if (!res.ok()) return ex->ReplyError(ApiError::From(res.status()));
    json::object by_label, by_source, models;
    for (const auto& l : {"positive", "negative", "neutral"}) by_label[l] = 0;
    for (const auto& [k, n] : res->by_label) by_label[k] = n;
    for (const auto& [k, n] : res->by_source) by_source[k] = n;
    auto ms = sp->deps.predict->models();
    if (ms->sentiment) models["sentiment"] = ms->sentiment->info().model_version();
    if (ms->emotion) models["emotion"] = ms->emotion->info().model_version();
    json::object queue{{"depth", sp->queue_depth.load()}};
    if (auto qs = sp->deps.queue->Stats(); qs.ok()) {
      queue["depth"] = qs->depth;
      queue["in_flight"] = qs->in_flight;
      queue["dead_letters"] = qs->dead_letters;
    }
    json::object out{{"total_posts", res->total_posts},
                     {"total_analyses", res->total_analyses},
                     {"recent_posts_1h", res->recent_posts_1h},
                     {"posts_per_minute", static_cast<double>(res->recent_posts_1h) / 60.0},
                     {"by_label", std::move(by_label)},
                     {"by_source", std::move(by_source)},
                     {"queue_depth", queue["depth"]},
                     {"queue", std::move(queue)},
                     {"model_versions", std::move(models)},
                     {"timestamp", format_iso8601(now)}};
    ReplyJson(ex, v, out);
  });
}

void HandleAlerts(Server::Impl& s, Ctx& c) {
  auto pairs = Pairs(c);
  if (!pairs) return;
  QueryReader r(*pairs);
  storage::AlertQuery q;
  r.Time("since", q.since);
  r.Int("limit", q.limit, 1, 1000);
  r.Enum("type", q.type, {"negative_share", "negative_ratio", "sentiment_shift", "volume_spike"});
  if (auto err = r.Finish()) return c.ex->ReplyError(*err);
  s.RunBlocking(c.ex, [sp = &s, ex = c.ex, q, v = c.req.version()] {
    auto res = sp->deps.store->ListAlerts(q);
    if (!res.ok()) return ex->ReplyError(ApiError::From(res.status()));
    json::array a;
    for (const auto& al : *res) a.emplace_back(analytics::AlertToJson(al));
    ReplyJson(ex, v, json::object{{"alerts", std::move(a)}});
  });
}

void HandleGetRules(Server::Impl& s, Ctx& c) {
  auto pairs = Pairs(c);
  if (!pairs) return;
  QueryReader r(*pairs);
  if (auto err = r.Finish()) return c.ex->ReplyError(*err);
  s.RunBlocking(c.ex, [sp = &s, ex = c.ex, v = c.req.version()] {
    auto res = sp->deps.store->GetAlertRules();
    if (!res.ok()) return ex->ReplyError(ApiError::From(res.status()));
    json::array a;
    for (const auto& rule : *res) a.emplace_back(analytics::AlertRuleToJson(rule));
    ReplyJson(ex, v, json::object{{"rules", std::move(a)}});
  });
}

void HandlePutRules(Server::Impl& s, Ctx& c) {
  std::string_view ct = HeaderValue(c.req, http::field::content_type);
  if (!ct.empty() && !ct.starts_with("application/json"))
    return c.ex->ReplyError({Code::kUnsupportedMedia, "Content-Type must be application/json"});
  boost::system::error_code ec;
  json::value body = json::parse(c.req.body(), ec);
  if (ec) return c.ex->ReplyError({Code::kInvalidArgument, "malformed JSON body: " + ec.message()});
  auto rules = analytics::AlertRulesFromJson(body);
  if (!rules.ok()) return c.ex->ReplyError(ApiError::From(rules.status()));
  s.RunBlocking(c.ex, [sp = &s, ex = c.ex, rules = std::move(rules).value(), v = c.req.version()] {
    Status st = sp->deps.store->PutAlertRules(rules);
    if (!st.ok()) return ex->ReplyError(ApiError::From(st));
    json::array a;
    for (const auto& rule : rules) a.emplace_back(analytics::AlertRuleToJson(rule));
    ReplyJson(ex, v, json::object{{"rules", std::move(a)}});
  });
}

void HandleDeadLetters(Server::Impl& s, Ctx& c) {
  auto pairs = Pairs(c);
  if (!pairs) return;
  QueryReader r(*pairs);
  int limit = 50;
  r.Int("limit", limit, 1, 1000);
  if (auto err = r.Finish()) return c.ex->ReplyError(*err);
  s.RunBlocking(c.ex, [sp = &s, ex = c.ex, limit, v = c.req.version()] {
    auto res = sp->deps.queue->ListDeadLetters(limit);
    if (!res.ok()) return ex->ReplyError(ApiError::From(res.status()));
    json::array a;
    for (const auto& d : *res) {
      PostRecord rec;
      rec.post = d.post;
      json::object item = PostRecordToJson(rec);
      item.erase("sentiment");
      a.emplace_back(json::object{{"tag", d.tag},
                                  {"post", std::move(item)},
                                  {"attempts", d.attempts},
                                  {"last_error", d.last_error},
                                  {"failed_at", format_iso8601(d.failed_at)}});
    }
    json::object out{{"dead_letters", std::move(a)}};
    if (auto qs = sp->deps.queue->Stats(); qs.ok()) out["total"] = qs->dead_letters;
    ReplyJson(ex, v, out);
  });
}

}  // namespace sentio::server
