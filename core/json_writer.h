// Minimal append-only JSON writing for hot paths (sentio analyze, exports), where building
// a boost::json tree per record would dominate the cost. Output is compact, valid JSON.
#pragma once

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <system_error>
#include <string>
#include <string_view>

namespace sentio {

// Appends `s` as a JSON string literal (quotes included). Invalid UTF-8 bytes are
// replaced by U+FFFD so the output is always valid JSON.
void AppendJsonString(std::string& out, std::string_view s);

// Bounded writers for hot loops that size their output once (`sentio analyze`): each writes
// at `p` and returns the new end. WriteJsonString needs JsonStringBound(s) bytes at p (an
// escape is at most 6 bytes per input byte), WriteJsonNumber kJsonNumberMax.
constexpr std::size_t JsonStringBound(std::string_view s) { return 6 * s.size() + 2; }
char* WriteJsonString(char* p, std::string_view s);
inline constexpr std::size_t kJsonNumberMax = 64;

// Appends a double as ToJson does: shortest round-trip digits, plain decimal notation in the
// range people read ("0.0002"), exponent form only for the very small or very large;
// NaN / infinity as null.
void AppendJsonDouble(std::string& out, double d);

// Writes a number with up to `decimals` fractional digits (trailing zeros trimmed), NaN and
// infinity as null. Values below 1e12 with at most 6 decimals (scores, probabilities, rates:
// the hot cases) take an integer fast path; the rest go through std::to_chars (shortest
// round-trip form where the fixed form would not fit).
inline char* WriteJsonNumber(char* p, double v, int decimals = 4) {
  if (!(v == v) || v > 1e300 || v < -1e300) {  // NaN/inf are not JSON
    std::memcpy(p, "null", 4);
    return p + 4;
  }
  if (decimals >= 0 && decimals <= 6 && v < 1e12 && v > -1e12) {
    static constexpr double kScale[] = {1, 10, 100, 1e3, 1e4, 1e5, 1e6};
    auto scaled = static_cast<std::uint64_t>(std::llround(std::fabs(v) * kScale[decimals]));
    if (scaled == 0) {  // also "-0"
      *p = '0';
      return p + 1;
    }
    char buf[32];
    char* const end = buf + sizeof buf;
    char* b = end;
    int nd = decimals;
    while (nd > 0 && scaled % 10 == 0) {  // trailing zeros of the fraction
      scaled /= 10;
      --nd;
    }
    if (nd > 0) {
      for (int k = 0; k < nd; ++k) {
        *--b = static_cast<char>('0' + scaled % 10);
        scaled /= 10;
      }
      *--b = '.';
    }
    do {
      *--b = static_cast<char>('0' + scaled % 10);
      scaled /= 10;
    } while (scaled != 0);
    if (v < 0) *--b = '-';
    const auto len = static_cast<std::size_t>(end - b);
    std::memcpy(p, b, len);
    return p + len;
  }
  auto r = std::to_chars(p, p + kJsonNumberMax, v, std::chars_format::fixed, decimals);
  if (r.ec != std::errc()) return std::to_chars(p, p + kJsonNumberMax, v).ptr;  // too long for fixed
  char* end = r.ptr;
  if (decimals > 0) {
    while (end > p && end[-1] == '0') --end;
    if (end > p && end[-1] == '.') --end;
  }
  if (end - p == 2 && p[0] == '-' && p[1] == '0') {  // "-0"
    *p = '0';
    return p + 1;
  }
  return end;
}

// Appends a number as WriteJsonNumber writes it.
inline void AppendJsonNumber(std::string& out, double v, int decimals = 4) {
  char buf[kJsonNumberMax];
  out.append(buf, static_cast<std::size_t>(WriteJsonNumber(buf, v, decimals) - buf));
}

}  // namespace sentio

#include <boost/json/value.hpp>

namespace sentio {
// Compact serialisation of a boost::json value with human-friendly numbers: doubles use
// the shortest round-trip form ("0.7719", not "7.719E-1"). Use instead of json::serialize
// for everything that leaves the process.
std::string ToJson(const boost::json::value& v);
// The same for an object or array, without first copying it into a json::value.
std::string ToJson(const boost::json::object& o);
std::string ToJson(const boost::json::array& a);
}  // namespace sentio
