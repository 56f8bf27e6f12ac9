#include "server/query.h"

#include <charconv>
#include <cmath>

#include "core/clock.h"

namespace sentio::server {
namespace {

int HexVal(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool ValidUtf8(std::string_view s) {
  std::size_t i = 0;
  const std::size_t n = s.size();
  while (i < n) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len;
    std::uint32_t cp;
    if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > n) return false;
    for (std::size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    i += len;
  }
  return true;
}

std::string Quote(std::string_view s) {
  std::string out = "'";
  out.append(s.substr(0, 64));
  if (s.size() > 64) out += "...";
  out += "'";
  return out;
}

}  // namespace

Result<std::string> PercentDecode(std::string_view s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '%') {
      if (i + 2 >= s.size()) return InvalidArgument("truncated percent-escape");
      const int hi = HexVal(s[i + 1]), lo = HexVal(s[i + 2]);
      if (hi < 0 || lo < 0) return InvalidArgument("invalid percent-escape");
      const char d = static_cast<char>(hi * 16 + lo);
      if (d == '\0') return InvalidArgument("NUL byte in query");
      out.push_back(d);
      i += 2;
    } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return InvalidArgument("control character in query (percent-encode it)");
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  if (!ValidUtf8(out)) return InvalidArgument("invalid UTF-8 in query");
  return out;
}

Result<QueryPairs> ParseQuery(std::string_view qs) {
  QueryPairs out;
  std::size_t pos = 0;
  while (pos <= qs.size()) {
    std::size_t amp = qs.find('&', pos);
    if (amp == std::string_view::npos) amp = qs.size();
    std::string_view piece = qs.substr(pos, amp - pos);
    pos = amp + 1;
    if (piece.empty()) continue;
    std::size_t eq = piece.find('=');
    std::string_view k = piece.substr(0, eq);
    std::string_view v = eq == std::string_view::npos ? std::string_view() : piece.substr(eq + 1);
    auto dk = PercentDecode(k);
    if (!dk.ok()) return InvalidArgument("bad query parameter name " + Quote(k) + ": " + dk.status().message());
    if (dk->empty()) return InvalidArgument("empty query parameter name");
    auto dv = PercentDecode(v);
    if (!dv.ok()) return InvalidArgument("bad value for query parameter " + Quote(*dk) + ": " + dv.status().message());
    out.emplace_back(std::move(dk).value(), std::move(dv).value());
  }
  return out;
}

std::optional<std::string_view> QueryReader::Get(std::string_view name) {
  std::optional<std::string_view> v;
  for (std::size_t i = 0; i < pairs_.size(); ++i) {
    if (pairs_[i].first == name) {
      used_[i] = true;
      if (!pairs_[i].second.empty()) v = pairs_[i].second;
    }
  }
  return v;
}

void QueryReader::Invalid(std::string_view name, std::string message) {
  invalid_.emplace_back(std::string(name), std::move(message));
}

void QueryReader::Str(std::string_view name, std::optional<std::string>& out, std::size_t max_len) {
  auto v = Get(name);
  if (!v) return;
  if (v->size() > max_len) return Invalid(name, "longer than " + std::to_string(max_len) + " characters");
  out = std::string(*v);
}

void QueryReader::Str(std::string_view name, std::string& out, std::size_t max_len) {
  std::optional<std::string> o;
  Str(name, o, max_len);
  if (o) out = std::move(*o);
}

void QueryReader::Int(std::string_view name, int& out, int min, int max) {
  std::optional<std::int64_t> v;
  Int64(name, v, min, max);
  if (v) out = static_cast<int>(*v);
}

void QueryReader::Int64(std::string_view name, std::optional<std::int64_t>& out, std::int64_t min, std::int64_t max) {
  auto v = Get(name);
  if (!v) return;
  std::int64_t x = 0;
  auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), x);
  if (ec != std::errc() || p != v->data() + v->size()) return Invalid(name, "must be an integer");
  if (x < min || x > max)
    return Invalid(name, "must be between " + std::to_string(min) + " and " + std::to_string(max));
  out = x;
}

void QueryReader::Double(std::string_view name, std::optional<double>& out, double min, double max) {
  auto v = Get(name);
  if (!v) return;
  double x = 0;
  auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), x);
  if (ec != std::errc() || p != v->data() + v->size() || !std::isfinite(x)) return Invalid(name, "must be a number");
  if (x < min || x > max) return Invalid(name, "out of range");
  out = x;
}

void QueryReader::Bool(std::string_view name, bool& out) {
  auto v = Get(name);
  if (!v) return;
  if (*v == "true" || *v == "1") out = true;
  else if (*v == "false" || *v == "0") out = false;
  else Invalid(name, "must be true or false");
}

void QueryReader::Time(std::string_view name, std::optional<TimeMs>& out) {
  auto v = Get(name);
  if (!v) return;
  auto t = parse_time(*v);
  if (!t.ok()) return Invalid(name, "must be an RFC 3339 time, a date or epoch seconds: " + t.status().message());
  out = *t;
}

void QueryReader::Enum(std::string_view name, std::optional<std::string>& out,
                       std::initializer_list<std::string_view> allowed) {
  auto v = Get(name);
  if (!v) return;
  for (auto a : allowed)
    if (*v == a) {
      out = std::string(a);
      return;
    }
  std::string msg = "must be one of";
  bool first = true;
  for (auto a : allowed) {
    msg += first ? " " : ", ";
    msg += a;
    first = false;
  }
  Invalid(name, std::move(msg));
}

void QueryReader::Enum(std::string_view name, std::string& out, std::initializer_list<std::string_view> allowed) {
  std::optional<std::string> o;
  Enum(name, o, allowed);
  if (o) out = std::move(*o);
}

std::optional<ApiError> QueryReader::Finish() const {
  boost::json::array unknown, duplicate;
  for (std::size_t i = 0; i < pairs_.size(); ++i) {
    if (!used_[i]) {
      bool seen = false;
      for (const auto& u : unknown) seen = seen || u.as_string() == pairs_[i].first;
      if (!seen) unknown.emplace_back(pairs_[i].first);
      continue;
    }
    for (std::size_t j = 0; j < i; ++j)
      if (pairs_[j].first == pairs_[i].first) {
        bool seen = false;
        for (const auto& d : duplicate) seen = seen || d.as_string() == pairs_[i].first;
        if (!seen) duplicate.emplace_back(pairs_[i].first);
        break;
      }
  }
  if (!unknown.empty() || !duplicate.empty()) {
    ApiError e{Code::kInvalidArgument, "", {}, 0};
    std::string names;
    for (const auto* arr : {&unknown, &duplicate})
      for (const auto& u : *arr) {
        if (!names.empty()) names += ", ";
        names += std::string_view(u.as_string());
      }
    e.message = (unknown.empty() ? "duplicate query parameter(s): " : "unknown query parameter(s): ") + names;
    if (!unknown.empty()) e.details["unknown"] = std::move(unknown);
    if (!duplicate.empty()) e.details["duplicate"] = std::move(duplicate);
    return e;
  }
  if (!invalid_.empty()) {
    ApiError e{Code::kUnprocessable, "invalid value for '" + invalid_[0].first + "': " + invalid_[0].second, {}, 0};
    e.details["parameter"] = invalid_[0].first;
    boost::json::array errs;
    for (const auto& [n, m] : invalid_) errs.emplace_back(boost::json::object{{"parameter", n}, {"message", m}});
    e.details["errors"] = std::move(errs);
    return e;
  }
  return std::nullopt;
}

}  // namespace sentio::server
