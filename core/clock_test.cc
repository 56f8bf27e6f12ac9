#include "core/clock.h"

#include <gtest/gtest.h>

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
}  // namespace sentio
