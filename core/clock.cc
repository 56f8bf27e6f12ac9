#include "core/clock.h"

#include <charconv>
#include <cstdio>
#include <ctime>

namespace sentio {
namespace {

// Days from civil (Howard Hinnant's algorithm), proleptic Gregorian.
constexpr std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

// Civil from days (Howard Hinnant's algorithm, the inverse of days_from_civil).
constexpr void civil_from_days(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2);
}

// Writes v as exactly `width` decimal digits ending at p[width - 1].
inline void put_digits(char* p, unsigned v, int width) {
  for (int i = width - 1; i >= 0; --i) {
    p[i] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
}

bool read_int(std::string_view s, size_t& i, size_t n, int& out) {
  if (i + n > s.size()) return false;
  int v = 0;
  for (size_t k = 0; k < n; ++k) {
    char c = s[i + k];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  out = v;
  i += n;
  return true;
}

}  // namespace

std::string format_iso8601(TimeMs t) {
  std::int64_t secs = t >= 0 ? t / 1000 : (t - 999) / 1000;
  int ms = static_cast<int>(t - secs * 1000);
  // Years 0..9999 (all real timestamps): integer arithmetic only. It runs once per post or
  // bucket in API responses, where gmtime_r + snprintf cost more than the query.
  constexpr std::int64_t kDayS = 86400;
  const std::int64_t days = secs >= 0 ? secs / kDayS : (secs - (kDayS - 1)) / kDayS;
  std::int64_t year;
  unsigned mon, day;
  civil_from_days(days, year, mon, day);
  if (year >= 0 && year <= 9999) {
    const auto sod = static_cast<unsigned>(secs - days * kDayS);
    char buf[24] = "0000-00-00T00:00:00.000";
    put_digits(buf, static_cast<unsigned>(year), 4);
    put_digits(buf + 5, mon, 2);
    put_digits(buf + 8, day, 2);
    put_digits(buf + 11, sod / 3600, 2);
    put_digits(buf + 14, sod / 60 % 60, 2);
    put_digits(buf + 17, sod % 60, 2);
    if (ms == 0) {
      buf[19] = 'Z';
      return std::string(buf, 20);
    }
    put_digits(buf + 20, static_cast<unsigned>(ms), 3);
    std::string out(buf, 23);
    out += 'Z';
    return out;
  }
  std::time_t tt = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[96];
  if (ms == 0) {
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  } else {
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
  }
  return buf;
}

Result<TimeMs> parse_time(std::string_view s) {
  if (s.empty()) return InvalidArgument("empty time");
  // Integer epoch: seconds (< 1e11) or milliseconds.
  bool all_digits = true;
  for (char c : s) all_digits &= (c >= '0' && c <= '9');
  if (all_digits) {
    std::int64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size()) return InvalidArgument("bad epoch time");
    return v < 100000000000LL ? v * 1000 : v;
  }
  size_t i = 0;
  int y, mo, d, h = 0, mi = 0, sec = 0, ms = 0;
  if (!read_int(s, i, 4, y) || i >= s.size() || s[i++] != '-' || !read_int(s, i, 2, mo) ||
      i >= s.size() || s[i++] != '-' || !read_int(s, i, 2, d))
    return InvalidArgument("bad date '" + std::string(s) + "' (want YYYY-MM-DD[THH:MM:SS[.fff]][Z|±HH:MM])");
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return InvalidArgument("date out of range: " + std::string(s));
  std::int64_t offset_min = 0;
  if (i < s.size()) {
    if (s[i] != 'T' && s[i] != 't' && s[i] != ' ') return InvalidArgument("bad time: " + std::string(s));
    ++i;
    if (!read_int(s, i, 2, h) || i >= s.size() || s[i++] != ':' || !read_int(s, i, 2, mi))
      return InvalidArgument("bad time: " + std::string(s));
    if (i < s.size() && s[i] == ':') {
      ++i;
      if (!read_int(s, i, 2, sec)) return InvalidArgument("bad seconds: " + std::string(s));
    }
    if (i < s.size() && s[i] == '.') {
      ++i;
      int digits = 0;
      while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
        if (digits < 3) ms = ms * 10 + (s[i] - '0');
        ++digits;
        ++i;
      }
      if (digits == 0) return InvalidArgument("bad fraction: " + std::string(s));
      for (int k = digits; k < 3; ++k) ms *= 10;
    }
    if (i < s.size()) {
      if (s[i] == 'Z' || s[i] == 'z') {
        ++i;
      } else if (s[i] == '+' || s[i] == '-') {
        int sign = s[i] == '-' ? -1 : 1;
        ++i;
        int oh, om = 0;
        if (!read_int(s, i, 2, oh)) return InvalidArgument("bad offset: " + std::string(s));
        if (i < s.size() && s[i] == ':') ++i;
        if (i < s.size() && !read_int(s, i, 2, om)) return InvalidArgument("bad offset: " + std::string(s));
        offset_min = sign * (oh * 60 + om);
      }
    }
    if (i != s.size()) return InvalidArgument("trailing characters in time: " + std::string(s));
    if (h > 23 || mi > 59 || sec > 60) return InvalidArgument("time out of range: " + std::string(s));
  }
  std::int64_t days = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  std::int64_t secs = days * 86400 + h * 3600 + mi * 60 + sec - offset_min * 60;
  return secs * 1000 + ms;
}

}  // namespace sentio
