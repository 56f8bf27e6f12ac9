// API keys: Bearer-token authentication with scopes and a per-key token-bucket rate limit.
//
// Keys file (JSON lines; blank lines and lines starting with '#' are ignored):
//   {"name": "dashboard", "key_sha256": "<64 hex>", "scopes": ["read"], "rate_per_s": 50, "burst": 100}
//   {"name": "ingester", "key_sha256": "<64 hex>", "scopes": ["read", "ingest"]}
// Only the SHA-256 of a key is stored (HashApiKey below; `sentio` exposes it as a CLI verb).
// Scopes: read (GET endpoints + WebSocket), ingest (/api/ingest, /api/predict), admin
// (PUT /api/alerts/rules; implies read and ingest). rate_per_s 0 or absent = unlimited;
// burst defaults to max(1, 2 * rate_per_s).
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "server/http_error.h"

namespace sentio::server {

enum class Scope { kNone, kRead, kIngest, kAdmin };

// Lower-case hex SHA-256 of `key` (what the keys file stores).
std::string HashApiKey(std::string_view key);
// A fresh random key ("sk_" + 40 url-safe characters) for operators.
std::string GenerateApiKey();

class Authenticator {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  // Parses the JSON-lines format above; errors name the line.
  static Result<std::unique_ptr<Authenticator>> FromJsonLines(std::string_view text);
  static Result<std::unique_ptr<Authenticator>> LoadFile(const std::string& path);

  // Checks an Authorization header value for `needed`. On success returns nullopt and sets
  // *principal to the key's name. Errors: 401 (missing/unknown key), 403 (scope), 429 (rate,
  // with retry_after_s). Comparison is constant-time over all keys.
  std::optional<ApiError> Check(std::string_view authorization, Scope needed, TimePoint now,
                                std::string* principal);

  std::size_t size() const { return keys_.size(); }

 private:
  struct Key {
    std::string name;
    std::array<unsigned char, 32> hash{};
    bool read = false, ingest = false, admin = false;
    double rate_per_s = 0, burst = 0;
    std::unique_ptr<std::mutex> mu = std::make_unique<std::mutex>();
    double tokens = 0;        // guarded by *mu
    TimePoint last{};         // guarded by *mu
  };
  std::vector<Key> keys_;
};

}  // namespace sentio::server
