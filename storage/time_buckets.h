// Time-bucket arithmetic shared by every Store backend (SQLite, PostgreSQL): bucket sizes,
// floor/ceil to a bucket, the rollup period codes as stored, and the decomposition of a
// time range into raw-post edges plus minute/hour/day rollup spans that the live rollups
// answer from. Keeping one copy is what keeps the two backends' results identical.
#pragma once

#include <cstddef>

#include "core/status.h"
#include "core/types.h"
#include "storage/store.h"

namespace sentio::storage {

inline constexpr TimeMs kMinuteMs = 60'000;
inline constexpr TimeMs kHourMs = 3'600'000;
inline constexpr TimeMs kDayMs = 86'400'000;
// Most buckets one Aggregate may return (a guard against minute buckets over years).
inline constexpr std::size_t kMaxBuckets = 200'000;

// Rollup periods as stored in the `period` column.
inline constexpr int kPeriodMinute = 0;
inline constexpr int kPeriodHour = 1;
inline constexpr int kPeriodDay = 2;

// Largest multiple of `unit` <= t (also for negative t).
constexpr TimeMs FloorTo(TimeMs t, TimeMs unit) {
  TimeMs q = t / unit;
  if (t % unit != 0 && t < 0) --q;
  return q * unit;
}
// Smallest multiple of `unit` >= t.
constexpr TimeMs CeilTo(TimeMs t, TimeMs unit) {
  const TimeMs f = FloorTo(t, unit);
  return f == t ? t : f + unit;
}

constexpr TimeMs PeriodMs(Period p) {
  switch (p) {
    case Period::kMinute: return kMinuteMs;
    case Period::kHour: return kHourMs;
    case Period::kDay: return kDayMs;
  }
  return kHourMs;
}
constexpr int PeriodCode(Period p) {
  switch (p) {
    case Period::kMinute: return kPeriodMinute;
    case Period::kHour: return kPeriodHour;
    case Period::kDay: return kPeriodDay;
  }
  return kPeriodHour;
}
constexpr TimeMs BucketStart(TimeMs t, Period p) { return FloorTo(t, PeriodMs(p)); }

// Bucket range of an Aggregate query: the first bucket start and the bucket count, or
// kUnprocessable when the range has more than kMaxBuckets buckets.
struct BucketRange {
  TimeMs first = 0;
  TimeMs unit = 0;
  std::size_t count = 0;
};
inline Result<BucketRange> ComputeBucketRange(TimeMs start, TimeMs end, Period period) {
  BucketRange r;
  r.unit = PeriodMs(period);
  if (end <= start) return r;
  r.first = FloorTo(start, r.unit);
  const TimeMs n = (end - r.first + r.unit - 1) / r.unit;
  if (n < 0 || static_cast<std::size_t>(n) > kMaxBuckets)
    return Status(Code::kUnprocessable, "time range has too many buckets for this period");
  r.count = static_cast<std::size_t>(n);
  return r;
}

// Covers [lo, hi) from the outside in: sub-minute edges from raw posts
// (scan_posts(a, b)), then whole minutes, hours and days from the rollups
// (rollup(period_code, a, b)); each callable returns Status. O(1) calls per range.
template <class ScanPosts, class Rollup>
Status CoverRange(TimeMs lo, TimeMs hi, ScanPosts&& scan_posts, Rollup&& rollup) {
  const TimeMs m1 = CeilTo(lo, kMinuteMs), m2 = FloorTo(hi, kMinuteMs);
  if (m1 >= m2) return scan_posts(lo, hi);
  SENTIO_RETURN_IF_ERROR(scan_posts(lo, m1));
  SENTIO_RETURN_IF_ERROR(scan_posts(m2, hi));
  const TimeMs h1 = CeilTo(m1, kHourMs), h2 = FloorTo(m2, kHourMs);
  if (h1 >= h2) return rollup(kPeriodMinute, m1, m2);
  SENTIO_RETURN_IF_ERROR(rollup(kPeriodMinute, m1, h1));
  SENTIO_RETURN_IF_ERROR(rollup(kPeriodMinute, h2, m2));
  const TimeMs d1 = CeilTo(h1, kDayMs), d2 = FloorTo(h2, kDayMs);
  if (d1 >= d2) return rollup(kPeriodHour, h1, h2);
  SENTIO_RETURN_IF_ERROR(rollup(kPeriodHour, h1, d1));
  SENTIO_RETURN_IF_ERROR(rollup(kPeriodHour, d2, h2));
  return rollup(kPeriodDay, d1, d2);
}

}  // namespace sentio::storage
