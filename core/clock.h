// Clock: injectable time source (tests use a manual clock).
#pragma once

#include <atomic>
#include <chrono>
#include <string>
#include <string_view>

#include "core/status.h"
#include "core/types.h"

namespace sentio {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimeMs now_ms() const = 0;
};

class SystemClock final : public Clock {
 public:
  TimeMs now_ms() const override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

class ManualClock final : public Clock {
 public:
  explicit ManualClock(TimeMs t = 0) : t_(t) {}
  TimeMs now_ms() const override { return t_.load(); }
  void set(TimeMs t) { t_.store(t); }
  void advance(TimeMs d) { t_.fetch_add(d); }

 private:
  std::atomic<TimeMs> t_;
};

// ISO-8601 / RFC 3339 UTC: "2026-11-23T10:00:00.123Z" (millis omitted when zero).
std::string format_iso8601(TimeMs t);
// Parses RFC 3339 ("2026-11-23T10:00:00Z", "+02:00" offsets, fractional seconds),
// plain dates ("2026-11-23") and integer epoch seconds/millis.
Result<TimeMs> parse_time(std::string_view s);

}  // namespace sentio
