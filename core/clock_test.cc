#include "core/clock.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <ctime>

namespace sentio {
namespace {

TEST(Time, ParsesRfc3339AndEpochs) {
  EXPECT_EQ(parse_time("1970-01-01T00:00:00Z").value(), 0);
  EXPECT_EQ(parse_time("2026-11-23T10:00:00Z").value(), 1795428000000LL);
  EXPECT_EQ(parse_time("2026-11-23T12:00:00+02:00").value(), 1795428000000LL);
  EXPECT_EQ(parse_time("2026-11-23T10:00:00.5Z").value(), 1795428000500LL);
  EXPECT_EQ(parse_time("2026-11-23").value(), 1795392000000LL);
  EXPECT_EQ(parse_time("1795428000").value(), 1795428000000LL);
  EXPECT_EQ(parse_time("1795428000123").value(), 1795428000123LL);
}

TEST(Time, RejectsGarbage) {
  for (const char* s : {"", "yesterday", "2026-13-01", "2026-11-23T25:00:00Z", "2026-11-23T10:00:00Zjunk"})
    EXPECT_FALSE(parse_time(s).ok()) << s;
}

TEST(Time, FormatsRoundTrip) {
  EXPECT_EQ(format_iso8601(1795428000000LL), "2026-11-23T10:00:00Z");
  EXPECT_EQ(format_iso8601(1795428000123LL), "2026-11-23T10:00:00.123Z");
  EXPECT_EQ(parse_time(format_iso8601(1795428000123LL)).value(), 1795428000123LL);
}

}  // namespace
TEST(Clock, FormatIsoAgreesWithGmtime) {
  std::uint64_t rng = 7;
  auto next = [&] { return rng = rng * 6364136223846793005ULL + 1442695040888963407ULL; };
  for (int i = 0; i < 20000; ++i) {
    // 1900 .. 2400, sometimes with milliseconds, sometimes on exact day/year edges.
    TimeMs t = static_cast<TimeMs>(next() % 15'778'800'000'000ULL) - 2'208'988'800'000LL;
    if (i % 3 == 0) t -= t % 1000;
    if (i % 7 == 0) t -= t % 86'400'000;
    const std::int64_t secs = t >= 0 ? t / 1000 : (t - 999) / 1000;
    const int ms = static_cast<int>(t - secs * 1000);
    const auto tt = static_cast<std::time_t>(secs);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char want[64];
    if (ms == 0)
      std::snprintf(want, sizeof want, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                    tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    else
      std::snprintf(want, sizeof want, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
    ASSERT_EQ(format_iso8601(t), want) << t;
    ASSERT_EQ(parse_time(want).value(), t);
  }
  EXPECT_EQ(format_iso8601(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(format_iso8601(-1), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(format_iso8601(951782400000LL), "2000-02-29T00:00:00Z");
}

}  // namespace sentio
