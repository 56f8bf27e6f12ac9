// Minimal append-only JSON writing for hot paths (sentio analyze, exports), where building
// a boost::json tree per record would dominate the cost. Output is compact, valid JSON.
#pragma once

#include <array>
#include <bit>
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

namespace json_detail {
inline constexpr std::uint64_t kPow10[] = {1, 10, 100, 1000, 10000, 100000, 1000000};
// std::llround for 0 <= x < 2^63, without the libm call: x - trunc(x) is exact. (Signed
// conversions: one instruction each way, where unsigned ones need a range test.)
inline std::uint64_t RoundHalfAway(double x) {
  const auto t = static_cast<std::int64_t>(x);
  return static_cast<std::uint64_t>(t + (x - static_cast<double>(t) >= 0.5 ? 1 : 0));
}
// kDigitPairs[n] for n < 100: the two decimal digits of n as byte values 0-9, the first in
// the low byte (the layout WriteFixed builds its digits in).
inline constexpr auto kDigitPairs = [] {
  std::array<std::uint16_t, 100> t{};
  for (unsigned n = 0; n < 100; ++n) t[n] = static_cast<std::uint16_t>((n / 10) | ((n % 10) << 8));
  return t;
}();
// The fast path of WriteJsonNumber for |v| < 1e12.
template <int D>
inline char* WriteFixed(char* p, double v) {
  constexpr std::uint64_t kScale = kPow10[D];
  const std::uint64_t u = RoundHalfAway(std::fabs(v) * static_cast<double>(kScale));
  if (u == 0) {  // also "-0"
    *p = '0';
    return p + 1;
  }
  if (v < 0) *p++ = '-';
  const std::uint64_t whole = u / kScale;
  if (whole < 10) {  // scores and probabilities: skip the general integer writer
    *p++ = static_cast<char>('0' + whole);
  } else {
    p = std::to_chars(p, p + 24, whole).ptr;
  }
  if constexpr (D == 0) {
    return p;
  } else {
    auto frac = static_cast<std::uint32_t>(u % kScale);  // < 10^6
    if (frac == 0) return p;
    *p++ = '.';
    // The D digits, zero-padded, one per byte with the first lowest; constant divisors, so
    // no division instructions. Trailing zero digits are the zero bytes on top (frac != 0).
    std::uint64_t digits = 0;
    if constexpr (D == 4) {  // probabilities: two digits at a time from a table
      digits = (std::uint64_t{kDigitPairs[frac % 100]} << 8 * 2) | kDigitPairs[frac / 100];
    } else {
#pragma GCC unroll 8
      for (int i = 0; i < D; ++i) {
        digits = (digits << 8) | (frac % 10);
        frac /= 10;
      }
    }
    const int len = D - (std::countl_zero(digits) - (64 - 8 * D)) / 8;
    digits += 0x3030303030303030ULL;  // '0' added to every byte
    if constexpr (std::endian::native == std::endian::big) digits = __builtin_bswap64(digits);
    std::memcpy(p, &digits, 8);  // first digit first; within kJsonNumberMax, bytes past len are scratch
    return p + len;
  }
}
}  // namespace json_detail

namespace json_detail {
// The general path of WriteJsonNumber for finite v: std::to_chars, trailing zeros trimmed
// (shortest round-trip form where the fixed form would not fit).
inline char* WriteToChars(char* p, double v, int decimals) {
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
inline bool NotJson(double v) { return !(v == v) || v > 1e300 || v < -1e300; }  // NaN/inf
inline char* WriteNull(char* p) {
  std::memcpy(p, "null", 4);
  return p + 4;
}
}  // namespace json_detail

// Writes a number with up to D fractional digits (trailing zeros trimmed), NaN and infinity
// as null. Values below 1e12 (scores, probabilities, rates: the hot cases) take an integer
// fast path (|v| * 10^D rounded half away from zero, written forwards); the rest go through
// std::to_chars. D fixed at compile time: hot loops writing one precision skip the dispatch.
template <int D>
inline char* WriteJsonNumber(char* p, double v) {
  static_assert(D >= 0 && D <= 6);
  if (json_detail::NotJson(v)) return json_detail::WriteNull(p);
  if (v < 1e12 && v > -1e12) return json_detail::WriteFixed<D>(p, v);
  return json_detail::WriteToChars(p, v, D);
}

namespace json_detail {
// kFixed4[u] for u <= 10000: u / 10^4 as WriteFixed<4> writes it ("0", "0.029", "1"), in the
// low 7 bytes (zero-padded), its length in the top byte.
inline constexpr auto kFixed4 = [] {
  std::array<std::uint64_t, 10001> t{};
  for (std::uint32_t u = 0; u <= 10000; ++u) {
    char s[8] = {};
    std::size_t n = 0;
    s[n++] = static_cast<char>('0' + u / 10000);
    std::uint32_t frac = u % 10000;
    if (frac != 0) {
      s[n++] = '.';
      for (std::uint32_t d = 1000; frac != 0; d /= 10) {
        s[n++] = static_cast<char>('0' + frac / d);
        frac %= d;
      }
    }
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < 7; ++i) v |= std::uint64_t{static_cast<unsigned char>(s[i])} << (8 * i);
    t[u] = v | std::uint64_t{n} << 56;
  }
  return t;
}();
}  // namespace json_detail

// WriteJsonNumber<4> for a value expected in [0, 1] (a probability), the same bytes, from a
// table of the 10001 texts there; any other value takes WriteJsonNumber<4>.
inline char* WriteJsonProbability(char* p, double v) {
  if (v >= 0.0 && v <= 1.0) [[likely]] {
    const std::uint64_t e = json_detail::kFixed4[json_detail::RoundHalfAway(v * 1e4)];
    if constexpr (std::endian::native == std::endian::little) {
      std::memcpy(p, &e, 8);  // (the length byte lands past the text: scratch, as in WriteFixed)
      return p + (e >> 56);
    }
  }
  return WriteJsonNumber<4>(p, v);
}

// The same with the precision chosen at run time (more than 6 decimals: std::to_chars).
inline char* WriteJsonNumber(char* p, double v, int decimals = 4) {
  switch (decimals) {  // each case with a constant scale: no division instructions
    case 0: return WriteJsonNumber<0>(p, v);
    case 1: return WriteJsonNumber<1>(p, v);
    case 2: return WriteJsonNumber<2>(p, v);
    case 3: return WriteJsonNumber<3>(p, v);
    case 4: return WriteJsonNumber<4>(p, v);
    case 5: return WriteJsonNumber<5>(p, v);
    case 6: return WriteJsonNumber<6>(p, v);
    default: break;
  }
  return json_detail::NotJson(v) ? json_detail::WriteNull(p) : json_detail::WriteToChars(p, v, decimals);
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
