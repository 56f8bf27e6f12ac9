#include "pipeline/ingest_decoder.h"

#include <boost/json.hpp>

#include "core/clock.h"

namespace sentio::pipeline {
namespace json = boost::json;

namespace {

bool IsSafeId(std::string_view s) {
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7f) return false;
  return true;
}

// Decodes one post object; on error appends to `errors` and returns false.
bool DecodePost(const json::value& v, std::size_t index, const IngestLimits& lim, TimeMs now,
                std::string_view default_source, Post& out, std::vector<ItemError>& errors) {
  auto fail = [&](std::string field, std::string msg) {
    errors.push_back({index, std::move(field), std::move(msg)});
    return false;
  };
  if (!v.is_object()) return fail("", "post must be a JSON object");
  const json::object& o = v.as_object();

  auto get_string = [&](std::string_view key, std::string& dst, std::size_t max, bool& ok, bool numeric_ok = false) -> bool {
    auto it = o.find(key);
    if (it == o.end() || it->value().is_null()) return false;
    if (it->value().is_string()) {
      const auto& s = it->value().get_string();
      if (s.size() > max) {
        ok = fail(std::string(key), "longer than " + std::to_string(max) + " bytes");
        return true;
      }
      dst.assign(s.data(), s.size());
      return true;
    }
    if (numeric_ok && (it->value().is_int64() || it->value().is_uint64())) {  // numeric ids are common
      dst = json::serialize(it->value());
      return true;
    }
    ok = fail(std::string(key), "must be a string");
    return true;
  };

  bool ok = true;
  bool have_content = get_string("content", out.content, lim.max_content_bytes, ok);
  if (!ok) return false;
  if (!have_content) have_content = get_string("text", out.content, lim.max_content_bytes, ok);
  if (!ok) return false;
  if (!have_content) have_content = get_string("comment", out.content, lim.max_content_bytes, ok);
  if (!ok) return false;
  if (!have_content) return fail("content", "required");
  if (out.content.find_first_not_of(" \t\r\n") == std::string::npos) return fail("content", "must not be empty");

  get_string("post_id", out.post_id, lim.max_field_bytes, ok, true);
  if (ok && out.post_id.empty()) get_string("id", out.post_id, lim.max_field_bytes, ok, true);
  if (ok) get_string("source", out.source, lim.max_field_bytes, ok);
  if (ok) get_string("author", out.author, lim.max_field_bytes, ok);
  if (ok) get_string("video_id", out.video_id, lim.max_field_bytes, ok, true);
  if (ok) get_string("url", out.url, 2048, ok);
  if (!ok) return false;
  if (!IsSafeId(out.post_id)) return fail("post_id", "contains control characters");
  if (!IsSafeId(out.source)) return fail("source", "contains control characters");
  if (out.source.empty()) out.source = std::string(default_source);

  out.created_at = now;
  if (auto it = o.find("created_at"); it != o.end() && !it->value().is_null()) {
    const json::value& t = it->value();
    if (t.is_string()) {
      auto r = parse_time(std::string_view(t.get_string().data(), t.get_string().size()));
      if (!r.ok()) return fail("created_at", r.status().message());
      out.created_at = *r;
    } else if (t.is_int64() || t.is_uint64()) {
      std::int64_t x = t.is_int64() ? t.get_int64() : static_cast<std::int64_t>(t.get_uint64());
      out.created_at = x < 100000000000LL ? x * 1000 : x;
    } else if (t.is_double()) {
      out.created_at = static_cast<TimeMs>(t.get_double() * 1000.0);
    } else {
      return fail("created_at", "must be an RFC 3339 string or epoch number");
    }
    if (out.created_at < 0 || out.created_at > 32503680000000LL) return fail("created_at", "out of range");
  }
  if (auto it = o.find("meta"); it != o.end() && !it->value().is_null()) {
    if (!it->value().is_object()) return fail("meta", "must be an object");
    out.meta_json = json::serialize(it->value());
    if (out.meta_json.size() > lim.max_meta_bytes)
      return fail("meta", "larger than " + std::to_string(lim.max_meta_bytes) + " bytes");
  }
  out.ingested_at = now;
  return true;
}

json::parse_options ParseOptions() {
  json::parse_options po;
  po.max_depth = 32;
  return po;
}

}  // namespace

Result<DecodedIngest> DecodeIngest(std::string_view body, bool ndjson, const IngestLimits& limits, TimeMs now,
                                   std::string_view default_source) {
  DecodedIngest d;
  auto add = [&](const json::value& v, std::size_t index) {
    Post p;
    if (DecodePost(v, index, limits, now, default_source, p, d.errors)) {
      d.posts.push_back(std::move(p));
      d.input_index.push_back(index);
    }
  };
  if (ndjson) {
    std::size_t pos = 0, line = 0;
    while (pos < body.size()) {
      std::size_t nl = body.find('\n', pos);
      std::string_view l = body.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
      pos = nl == std::string_view::npos ? body.size() : nl + 1;
      while (!l.empty() && (l.back() == '\r' || l.back() == ' ' || l.back() == '\t')) l.remove_suffix(1);
      if (l.empty()) continue;
      if (d.items >= limits.max_posts)
        return Status(Code::kTooLarge, "more than " + std::to_string(limits.max_posts) + " posts in one request");
      std::size_t index = d.items++;
      ++line;
      boost::system::error_code ec;
      json::value v = json::parse(l, ec, {}, ParseOptions());
      if (ec) {
        d.errors.push_back({index, "", "line " + std::to_string(line) + ": malformed JSON (" + ec.message() + ")"});
        continue;
      }
      add(v, index);
    }
    if (d.items == 0) return InvalidArgument("empty body: expected NDJSON posts");
    return d;
  }
  boost::system::error_code ec;
  json::value root = json::parse(body, ec, {}, ParseOptions());
  if (ec) return InvalidArgument("malformed JSON: " + ec.message());
  if (root.is_object() && root.as_object().contains("posts")) {
    const json::value& posts = root.as_object().at("posts");
    if (!posts.is_array()) return Unprocessable("\"posts\" must be an array");
    const json::array& a = posts.as_array();
    if (a.size() > limits.max_posts)
      return Status(Code::kTooLarge, "more than " + std::to_string(limits.max_posts) + " posts in one request");
    if (a.empty()) return Unprocessable("\"posts\" is empty");
    d.posts.reserve(a.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
      ++d.items;
      add(a[i], i);
    }
    return d;
  }
  if (root.is_array()) {
    const json::array& a = root.as_array();
    if (a.size() > limits.max_posts)
      return Status(Code::kTooLarge, "more than " + std::to_string(limits.max_posts) + " posts in one request");
    if (a.empty()) return Unprocessable("empty array");
    for (std::size_t i = 0; i < a.size(); ++i) {
      ++d.items;
      add(a[i], i);
    }
    return d;
  }
  if (root.is_object()) {
    d.items = 1;
    add(root, 0);
    return d;
  }
  return InvalidArgument("body must be a post object, {\"posts\": [...]}, an array, or NDJSON");
}

}  // namespace sentio::pipeline
