#include "server/auth.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <sstream>

namespace sentio::server {
namespace json = boost::json;

namespace {

std::array<unsigned char, 32> Sha256(std::string_view s) {
  std::array<unsigned char, 32> h{};
  SHA256(reinterpret_cast<const unsigned char*>(s.data()), s.size(), h.data());
  return h;
}

int HexNibble(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string HashApiKey(std::string_view key) {
  static constexpr char kHex[] = "0123456789abcdef";
  auto h = Sha256(key);
  std::string out;
  out.reserve(64);
  for (unsigned char b : h) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 15]);
  }
  return out;
}

std::string GenerateApiKey() {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  unsigned char buf[40];
  if (RAND_bytes(buf, sizeof buf) != 1) return {};
  std::string out = "sk_";
  for (unsigned char b : buf) out.push_back(kAlphabet[b & 63]);
  return out;
}

Result<std::unique_ptr<Authenticator>> Authenticator::FromJsonLines(std::string_view text) {
  auto auth = std::unique_ptr<Authenticator>(new Authenticator());
  std::size_t line_no = 0, pos = 0;
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(pos, nl - pos);
    pos = nl + 1;
    ++line_no;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    if (line.empty() || line.front() == '#') continue;
    auto where = [&](std::string m) { return InvalidArgument("api keys line " + std::to_string(line_no) + ": " + m); };
    boost::system::error_code ec;
    json::value v = json::parse(line, ec);
    if (ec || !v.is_object()) return where("not a JSON object");
    const auto& o = v.as_object();
    Key k;
    if (auto* n = o.if_contains("name"); n && n->is_string()) k.name = std::string(n->as_string());
    else return where("\"name\" (string) required");
    auto* hs = o.if_contains("key_sha256");
    if (!hs || !hs->is_string() || hs->as_string().size() != 64) return where("\"key_sha256\" must be 64 hex characters");
    const auto& hex = hs->as_string();
    for (std::size_t i = 0; i < 32; ++i) {
      int a = HexNibble(hex[2 * i]), b = HexNibble(hex[2 * i + 1]);
      if (a < 0 || b < 0) return where("\"key_sha256\" must be hex");
      k.hash[i] = static_cast<unsigned char>(a * 16 + b);
    }
    auto* sc = o.if_contains("scopes");
    if (!sc || !sc->is_array()) return where("\"scopes\" (array) required");
    for (const auto& s : sc->as_array()) {
      if (!s.is_string()) return where("scopes must be strings");
      std::string_view sv = s.as_string();
      if (sv == "read") k.read = true;
      else if (sv == "ingest") k.ingest = true;
      else if (sv == "admin") k.admin = true;
      else return where("unknown scope '" + std::string(sv) + "'");
    }
    auto num = [&](const char* f, double& dst) -> bool {
      auto* x = o.if_contains(f);
      if (!x || x->is_null()) return true;
      if (!x->is_number()) return false;
      dst = x->to_number<double>();
      return std::isfinite(dst) && dst >= 0;
    };
    if (!num("rate_per_s", k.rate_per_s)) return where("\"rate_per_s\" must be a non-negative number");
    if (!num("burst", k.burst)) return where("\"burst\" must be a non-negative number");
    if (k.rate_per_s > 0 && k.burst <= 0) k.burst = std::max(1.0, 2 * k.rate_per_s);
    k.tokens = k.burst;
    auth->keys_.push_back(std::move(k));
  }
  if (auth->keys_.empty()) return InvalidArgument("api keys file has no keys");
  return auth;
}

Result<std::unique_ptr<Authenticator>> Authenticator::LoadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return IoError("cannot open api keys file " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return FromJsonLines(ss.str());
}

std::optional<ApiError> Authenticator::Check(std::string_view authorization, Scope needed, TimePoint now,
                                             std::string* principal) {
  constexpr std::string_view kBearer = "Bearer ";
  if (authorization.size() <= kBearer.size() ||
      !std::equal(kBearer.begin(), kBearer.end(), authorization.begin(),
                  [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) ==
                                              std::tolower(static_cast<unsigned char>(b)); })) {
    return ApiError{Code::kUnauthenticated, "missing or malformed Authorization: Bearer <key> header", {}, 0};
  }
  std::string_view token = authorization.substr(kBearer.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  const auto h = Sha256(token);
  Key* match = nullptr;
  for (auto& k : keys_) {  // no early exit: timing does not depend on which key matched
    const bool eq = CRYPTO_memcmp(k.hash.data(), h.data(), h.size()) == 0;
    if (eq) match = &k;
  }
  if (!match) return ApiError{Code::kUnauthenticated, "unknown API key", {}, 0};
  const bool allowed = match->admin || (needed == Scope::kRead && match->read) ||
                       (needed == Scope::kIngest && match->ingest) || needed == Scope::kNone;
  if (!allowed) {
    ApiError e{Code::kPermissionDenied, "API key lacks the required scope", {}, 0};
    e.details["required_scope"] = needed == Scope::kRead ? "read" : needed == Scope::kIngest ? "ingest" : "admin";
    return e;
  }
  if (match->rate_per_s > 0) {
    std::lock_guard lk(*match->mu);
    if (match->last != TimePoint{}) {
      const double dt = std::chrono::duration<double>(now - match->last).count();
      if (dt > 0) match->tokens = std::min(match->burst, match->tokens + dt * match->rate_per_s);
    }
    match->last = now;
    if (match->tokens < 1.0) {
      const int wait = static_cast<int>(std::ceil((1.0 - match->tokens) / match->rate_per_s));
      return ApiError{Code::kResourceExhausted, "rate limit exceeded for this API key", {}, std::max(1, wait)};
    }
    match->tokens -= 1.0;
  }
  if (principal) *principal = match->name;
  return std::nullopt;
}

}  // namespace sentio::server
