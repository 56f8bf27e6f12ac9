// Synthetic post stream: realistic mix of sentiment and emotion from templates, unique
// ids, paced by a real token bucket. Used by `sentio ingest synth` (over HTTP) and by
// `sentio serve --demo` (in-process, straight into the durable queue).
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "core/types.h"

namespace sentio::sources {

// Classic token bucket: `rate` tokens per second, capacity `burst`.
class TokenBucket {
 public:
  TokenBucket(double rate_per_s, double burst, std::chrono::steady_clock::time_point now);
  // Takes n tokens if available.
  bool TryTake(double n, std::chrono::steady_clock::time_point now);
  // Time until n tokens will be available (0 if now).
  std::chrono::microseconds WaitTime(double n, std::chrono::steady_clock::time_point now);

 private:
  void Refill(std::chrono::steady_clock::time_point now);
  double rate_, burst_, tokens_;
  std::chrono::steady_clock::time_point last_;
};

struct SynthOptions {
  double rate_per_min = 600;
  std::vector<std::string> sources = {"reddit", "twitter", "youtube"};
  std::uint64_t seed = 0;            // 0 = random
  std::int64_t max_posts = -1;       // -1 = unbounded
  std::chrono::milliseconds duration{0};  // 0 = unbounded
  double negative_bias = 0;          // extra share of negative posts (for demos of alerts)
};

// Parses "600/min", "10/s", "36000/h", or a plain number (per minute).
Result<double> ParseRatePerMinute(std::string_view s);

class SynthGenerator {
 public:
  explicit SynthGenerator(SynthOptions opts);
  Post Next(TimeMs now);

 private:
  SynthOptions opts_;
  std::mt19937_64 rng_;
  std::uint64_t counter_ = 0;
  std::string run_id_;
};

// Generates posts at the configured rate and hands them to `sink` in small batches until
// `stop` becomes true, max_posts is reached or the duration passes. Returns posts sent.
// A sink error is logged and retried after a pause (the stream slows down, never drops).
std::int64_t RunSynth(const SynthOptions& opts, const Clock& clock,
                      const std::function<Status(std::vector<Post>)>& sink, const std::atomic<bool>& stop);

}  // namespace sentio::sources
