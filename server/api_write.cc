// POST /api/predict and POST /api/ingest.
#include <boost/json.hpp>

#include <chrono>

#include "core/json_codec.h"
#include "core/json_writer.h"
#include "pipeline/ingest_decoder.h"
#include "server/server_impl.h"

namespace sentio::server {
namespace json = boost::json;

namespace {

bool IsJsonContentType(std::string_view ct) {
  return ct.empty() || ct.starts_with("application/json") || ct.starts_with("text/plain") ||
         ct.starts_with("application/*+json");
}

ApiError FieldError(Code code, std::string field, std::string message) {
  ApiError e{code, field.empty() ? message : "'" + field + "': " + message};
  if (!field.empty()) e.details["field"] = std::move(field);
  return e;
}

// Parses and validates the predict body. On success fills texts/opts/model.
std::optional<ApiError> ParsePredictBody(const Server::Impl& s, std::string_view body, std::vector<std::string>& texts,
                                         bool& single, models::PredictOptions& opts, std::string& model) {
  boost::system::error_code ec;
  json::parse_options po;
  po.max_depth = 16;
  json::value v = json::parse(body, ec, {}, po);
  if (ec) return ApiError{Code::kInvalidArgument, "malformed JSON body: " + ec.message()};
  if (!v.is_object()) return ApiError{Code::kInvalidArgument, "body must be a JSON object"};
  const json::object& o = v.as_object();
  const std::size_t max_chars = s.opts.max_text_chars;
  auto check_text = [&](const json::value& t, std::string field) -> std::optional<ApiError> {
    if (!t.is_string()) return FieldError(Code::kInvalidArgument, std::move(field), "must be a string");
    const auto& str = t.get_string();
    if (str.size() > max_chars)
      return FieldError(Code::kTooLarge, std::move(field), "longer than " + std::to_string(max_chars) + " bytes");
    if (str.empty()) return FieldError(Code::kUnprocessable, std::move(field), "must not be empty");
    texts.emplace_back(str.data(), str.size());
    return std::nullopt;
  };
  const json::value* text = o.if_contains("text");
  const char* text_field = "text";
  if (!text || text->is_null()) {
    text = o.if_contains("comment");
    text_field = "comment";
  }
  const json::value* many = o.if_contains("texts");
  if (text && !text->is_null() && many && !many->is_null())
    return ApiError{Code::kInvalidArgument, "send either \"text\" or \"texts\", not both"};
  if (text && !text->is_null()) {
    single = true;
    if (auto e = check_text(*text, text_field)) return e;
  } else if (many && !many->is_null()) {
    single = false;
    if (!many->is_array()) return FieldError(Code::kInvalidArgument, "texts", "must be an array of strings");
    const auto& arr = many->get_array();
    if (arr.empty()) return FieldError(Code::kUnprocessable, "texts", "must not be empty");
    if (arr.size() > s.opts.max_texts_per_predict) {
      auto e = FieldError(Code::kUnprocessable, "texts",
                          "at most " + std::to_string(s.opts.max_texts_per_predict) + " texts per request");
      e.details["limit"] = s.opts.max_texts_per_predict;
      return e;
    }
    texts.reserve(arr.size());
    for (std::size_t i = 0; i < arr.size(); ++i)
      if (auto e = check_text(arr[i], "texts[" + std::to_string(i) + "]")) return e;
  } else {
    return FieldError(Code::kUnprocessable, "text", "required (or \"texts\")");
  }
  if (const auto* x = o.if_contains("explain"); x && !x->is_null()) {
    if (!x->is_bool()) return FieldError(Code::kInvalidArgument, "explain", "must be a boolean");
    opts.explain = x->get_bool();
  }
  for (const char* f : {"video_id", "lang"}) {
    if (const auto* x = o.if_contains(f); x && !x->is_null() && !x->is_string())
      return FieldError(Code::kInvalidArgument, f, "must be a string");
  }
  if (const auto* x = o.if_contains("timestamp"); x && !x->is_null()) {
    if (x->is_string()) {
      auto t = parse_time(std::string_view(x->get_string().data(), x->get_string().size()));
      if (!t.ok()) return FieldError(Code::kUnprocessable, "timestamp", t.status().message());
    } else if (!x->is_number()) {
      return FieldError(Code::kInvalidArgument, "timestamp", "must be a string or a number");
    }
  }
  if (const auto* x = o.if_contains("model"); x && !x->is_null()) {
    if (!x->is_string()) return FieldError(Code::kInvalidArgument, "model", "must be a string \"name[@version]\"");
    model = std::string(x->get_string());
  }
  return std::nullopt;
}

}  // namespace

void HandlePredict(Server::Impl& s, Ctx& c) {
  if (!IsJsonContentType(HeaderValue(c.req, http::field::content_type)))
    return c.ex->ReplyError({Code::kUnsupportedMedia, "Content-Type must be application/json"});
  std::vector<std::string> texts;
  bool single = true;
  models::PredictOptions opts;
  std::string model;
  if (auto err = ParsePredictBody(s, c.req.body(), texts, single, opts, model)) return c.ex->ReplyError(*err);
  if (!model.empty()) {
    auto ms = s.deps.predict->models();
    const auto& info = ms->sentiment->info();
    auto [name, version] = SplitModelVersion(model);
    const bool ok = (name == info.name || name == info.task || name == info.model_version()) &&
                    (version.empty() || version == info.version);
    if (!ok) {
      ApiError e{Code::kUnprocessable, "model '" + model + "' is not loaded"};
      e.details["field"] = "model";
      e.details["available"] = json::array{json::string(info.model_version())};
      return c.ex->ReplyError(e);
    }
  }
  const std::size_t n = texts.size();
  const auto t0 = std::chrono::steady_clock::now();
  const bool explain = opts.explain;
  const unsigned version = c.req.version();
  Server::Impl* sp = &s;
  auto ex = c.ex;
  Status st = s.deps.predict->Submit(
      std::move(texts), opts, [sp, ex, single, explain, version, t0, n](Result<std::vector<Analysis>> r) {
        // Runs on a classifier thread: build the body here, the strand only writes it.
        sp->m.inference->With({"api"}).Observe(
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
        sp->m.batch->With({"api"}).Observe(static_cast<double>(n));
        if (!r.ok()) return ex->ReplyError(ApiError::From(r.status()));
        const auto& v = *r;
        if (single) {
          ex->Reply(JsonResponse(200, ::sentio::ToJson(AnalysisToPredictJson(v.at(0), explain)), version));
          return;
        }
        json::array preds;
        preds.reserve(v.size());
        for (const auto& a : v) preds.emplace_back(AnalysisToPredictJson(a, explain));
        ex->Reply(JsonResponse(200, ::sentio::ToJson(json::object{{"predictions", std::move(preds)}}), version));
      });
  if (!st.ok()) {
    ApiError e = ApiError::From(st);
    if (st.code() == Code::kResourceExhausted || st.code() == Code::kUnavailable) e.retry_after_s = s.opts.retry_after_s;
    c.ex->ReplyError(e);
  }
}

void HandleIngest(Server::Impl& s, Ctx& c) {
  s.m.ingest_requests->Inc();
  std::string_view ct = HeaderValue(c.req, http::field::content_type);
  const bool ndjson = ct.starts_with("application/x-ndjson") || ct.starts_with("application/jsonl") ||
                      ct.starts_with("application/ndjson");
  if (!ndjson && !IsJsonContentType(ct))
    return c.ex->ReplyError({Code::kUnsupportedMedia, "Content-Type must be application/json or application/x-ndjson"});
  const auto bytes = static_cast<std::int64_t>(c.req.body().size());
  if (s.queue_depth.load() >= static_cast<std::int64_t>(s.opts.max_ingest_backlog) ||
      s.ingest_inflight_bytes.load() + bytes > static_cast<std::int64_t>(s.opts.max_ingest_inflight_bytes)) {
    s.m.ingest_rejected->Inc();
    ApiError e{Code::kResourceExhausted, "ingest backlog is full; retry later", {}, s.opts.retry_after_s};
    e.details["queue_depth"] = s.queue_depth.load();
    e.details["limit"] = s.opts.max_ingest_backlog;
    return c.ex->ReplyError(e);
  }
  s.ingest_inflight_bytes.fetch_add(bytes);
  Server::Impl* sp = &s;
  const unsigned version = c.req.version();
  const std::string* body = &c.req.body();  // stays valid while `ex` is alive
  bool submitted = s.RunBlocking(c.ex, [sp, ex = c.ex, body, ndjson, bytes, version] {
    struct Release {
      Server::Impl* s;
      std::int64_t n;
      ~Release() { s->ingest_inflight_bytes.fetch_sub(n); }
    } release{sp, bytes};
    pipeline::IngestLimits lim;
    lim.max_posts = sp->opts.max_ingest_posts;
    lim.max_content_bytes = sp->opts.max_text_chars;
    auto dec = pipeline::DecodeIngest(*body, ndjson, lim, sp->deps.clock->now_ms());
    if (!dec.ok()) return ex->ReplyError(ApiError::From(dec.status()));
    auto& d = *dec;
    json::array errors;
    for (const auto& e : d.errors)
      errors.emplace_back(json::object{{"index", e.index}, {"field", e.field}, {"message", e.message}});
    sp->m.ingest_posts->With({"invalid"}).Inc(static_cast<double>(d.errors.size()));
    if (d.posts.empty()) {
      ApiError e{Code::kUnprocessable, d.items == 0 ? "no posts in body" : "no valid posts in body"};
      e.details["errors"] = std::move(errors);
      return ex->ReplyError(e);
    }
    auto r = sp->deps.queue->Enqueue(std::move(d.posts));
    if (!r.ok()) {
      ApiError e = ApiError::From(r.status());
      if (e.code == Code::kResourceExhausted || e.code == Code::kUnavailable) e.retry_after_s = sp->opts.retry_after_s;
      return ex->ReplyError(e);
    }
    sp->m.ingest_posts->With({"accepted"}).Inc(static_cast<double>(r->accepted));
    sp->m.ingest_posts->With({"duplicate"}).Inc(static_cast<double>(r->duplicates));
    json::array ids;
    ids.reserve(r->ids.size());
    for (const auto& id : r->ids) ids.emplace_back(id);
    json::object out{{"accepted", r->accepted}, {"duplicates", r->duplicates}, {"ids", std::move(ids)},
                     {"errors", std::move(errors)}};
    ex->Reply(JsonResponse(202, ::sentio::ToJson(out), version));
  });
  if (!submitted) s.ingest_inflight_bytes.fetch_sub(bytes);
}

}  // namespace sentio::server
