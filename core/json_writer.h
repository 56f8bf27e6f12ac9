// Minimal append-only JSON writing for hot paths (sentio analyze, exports), where building
// a boost::json tree per record would dominate the cost. Output is compact, valid JSON.
#pragma once

#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>

namespace sentio {

// Appends `s` as a JSON string literal (quotes included). Invalid UTF-8 bytes are
// replaced by U+FFFD so the output is always valid JSON.
void AppendJsonString(std::string& out, std::string_view s);

// Appends a double as ToJson does: shortest round-trip digits, plain decimal notation in the
// range people read ("0.0002"), exponent form only for the very small or very large;
// NaN / infinity as null.
void AppendJsonDouble(std::string& out, double d);

// Appends a number with up to `decimals` fractional digits (trailing zeros trimmed).
// Values below 1e12 with at most 6 decimals (scores, probabilities, rates: the hot cases)
// take an integer fast path; the rest go through std::to_chars.
inline void AppendJsonNumber(std::string& out, double v, int decimals = 4) {
  char buf[64];
  if (!(v == v) || v > 1e300 || v < -1e300) {  // NaN/inf are not JSON
    out += "null";
    return;
  }
  if (decimals >= 0 && decimals <= 6 && v < 1e12 && v > -1e12) {
    static constexpr double kScale[] = {1, 10, 100, 1e3, 1e4, 1e5, 1e6};
    auto scaled = static_cast<std::uint64_t>(std::llround(std::fabs(v) * kScale[decimals]));
    if (scaled == 0) {  // also "-0"
      out += '0';
      return;
    }
    char* const end = buf + sizeof buf;
    char* p = end;
    int nd = decimals;
    while (nd > 0 && scaled % 10 == 0) {  // trailing zeros of the fraction
      scaled /= 10;
      --nd;
    }
    if (nd > 0) {
      for (int k = 0; k < nd; ++k) {
        *--p = static_cast<char>('0' + scaled % 10);
        scaled /= 10;
      }
      *--p = '.';
    }
    do {
      *--p = static_cast<char>('0' + scaled % 10);
      scaled /= 10;
    } while (scaled != 0);
    if (v < 0) *--p = '-';
    out.append(p, static_cast<std::size_t>(end - p));
    return;
  }
  auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, decimals);
  char* end = r.ptr;
  if (decimals > 0) {
    while (end > buf && end[-1] == '0') --end;
    if (end > buf && end[-1] == '.') --end;
  }
  if (end - buf == 2 && buf[0] == '-' && buf[1] == '0') {  // "-0"
    out += '0';
    return;
  }
  out.append(buf, static_cast<std::size_t>(end - buf));
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
