#include "core/json_writer.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace sentio {
namespace {

TEST(JsonWriter, EscapesAndStaysValid) {
  std::string out;
  AppendJsonString(out, "a\"b\\c\n\x01 é 😀 \xff end");
  EXPECT_EQ(out, "\"a\\\"b\\\\c\\n\\u0001 é 😀 \xEF\xBF\xBD end\"");
  boost::system::error_code ec;
  auto v = boost::json::parse(out, ec);
  ASSERT_FALSE(ec);
  EXPECT_TRUE(v.is_string());
}

// Long strings are escaped in pieces: a piece must never split a code point, and the result
// must equal the one-shot bounded writer's.
TEST(JsonWriter, LongStringsMatchTheBoundedWriter) {
  for (std::size_t prefix : {0u, 1u, 2u, 3u, 1021u, 1022u, 1023u}) {
    std::string s(prefix, 'a');
    for (int i = 0; i < 900; ++i) s += i % 7 == 0 ? "\xf0\x9f\x98\x80" : (i % 11 == 0 ? "\"\n" : "\xc3\xa9x");
    s += "\xff\x80\x80\x80\x80 tail";
    std::string out;
    AppendJsonString(out, s);
    std::string direct(JsonStringBound(s), '\0');
    direct.resize(static_cast<std::size_t>(WriteJsonString(direct.data(), s) - direct.data()));
    EXPECT_EQ(out, direct) << prefix;
    boost::system::error_code ec;
    auto v = boost::json::parse(out, ec);
    ASSERT_FALSE(ec) << prefix;
    EXPECT_EQ(v.as_string().size(), s.size() + 5 * 2) << prefix;  // 5 invalid bytes -> 3-byte U+FFFD
  }
}

// Numbers too long for the fixed form fall back to the shortest round-trip form, and a
// written number never exceeds kJsonNumberMax.
TEST(JsonWriter, HugeNumbersStayValidAndBounded) {
  for (double v : {1e12, 123456789012345.678, 1e20, -3.5e80, 1e299}) {
    for (int decimals : {0, 4, 6, 12}) {
      char buf[kJsonNumberMax + 8];
      char* end = WriteJsonNumber(buf, v, decimals);
      ASSERT_LE(static_cast<std::size_t>(end - buf), kJsonNumberMax);
      const std::string text(buf, end);
      boost::system::error_code ec;
      auto parsed = boost::json::parse(text, ec);
      ASSERT_FALSE(ec) << text;
      EXPECT_NEAR(parsed.to_number<double>() / v, 1.0, 1e-6) << text;
    }
  }
  char buf[kJsonNumberMax];
  EXPECT_EQ(std::string(buf, WriteJsonNumber(buf, 2.5e-300, 6)), "0");  // below the decimals shown
}

TEST(JsonWriter, Numbers) {
  std::string out;
  AppendJsonNumber(out, 0.5);
  out += ',';
  AppendJsonNumber(out, 0.123456);
  out += ',';
  AppendJsonNumber(out, 1.0);
  out += ',';
  AppendJsonNumber(out, -0.00001);
  out += ',';
  AppendJsonNumber(out, 0.0 / 0.0);
  EXPECT_EQ(out, "0.5,0.1235,1,0,null");
}

// The fast path's contract, written the slow obvious way: |v| * 10^d rounded half away
// from zero by std::llround, then printed with trailing fraction zeros trimmed.
std::string ReferenceFixed(double v, int d) {
  const long long u = std::llround(std::fabs(v) * std::pow(10.0, d));
  if (u == 0) return "0";
  std::string digits = std::to_string(u);
  if (static_cast<int>(digits.size()) <= d) digits.insert(0, static_cast<std::size_t>(d + 1) - digits.size(), '0');
  std::string s = digits.substr(0, digits.size() - static_cast<std::size_t>(d));
  std::string frac = digits.substr(digits.size() - static_cast<std::size_t>(d));
  while (!frac.empty() && frac.back() == '0') frac.pop_back();
  if (!frac.empty()) s += "." + frac;
  return (v < 0 ? "-" : "") + s;
}

TEST(JsonWriter, NumberFastPathIsExactlyRoundHalfAwayFromZero) {
  std::uint64_t rng = 7;
  auto next = [&] { return rng = rng * 6364136223846793005ULL + 1442695040888963407ULL; };
  std::vector<double> values = {0.5, 1.5, 2.5, 0.00005, 0.00015, 0.49999999999999994, 0.99995, 9.99995,
                                0.12345, 123456.5, 999999999999.4, 1e-9, 7.0, 10.0, 100.0};
  for (int i = 0; i < 50000; ++i) {
    const double mag = std::pow(10.0, static_cast<double>(next() % 14) - 6);
    double v = static_cast<double>(next() >> 11) / static_cast<double>(1ULL << 53) * mag;
    if (i % 3 == 0) v = static_cast<float>(v);          // scores are floats
    if (i % 5 == 0) v = std::round(v * 2e4) / 2e4;     // near-ties at 4 decimals
    values.push_back(next() & 1 ? -v : v);
  }
  for (int k = 0; k <= 20000; ++k) values.push_back(k / 1e4);  // every 4-digit fraction (the digit table)
  for (double v : values) {
    for (int d = 0; d <= 6; ++d) {
      char buf[kJsonNumberMax];
      ASSERT_EQ(std::string(buf, WriteJsonNumber(buf, v, d)), ReferenceFixed(v, d)) << v << " d=" << d;
    }
  }
}

TEST(JsonWriter, NumberFastPathAgreesWithToChars) {
  // The integer fast path must print what std::to_chars(fixed) prints, trailing zeros
  // trimmed, up to a last-digit difference on exact binary ties.
  std::uint64_t rng = 99;
  auto next = [&] { return rng = rng * 6364136223846793005ULL + 1442695040888963407ULL; };
  for (int i = 0; i < 20000; ++i) {
    const double mag = std::pow(10.0, static_cast<double>(next() % 12) - 4);
    double v = static_cast<double>(next() >> 11) / static_cast<double>(1ULL << 53) * mag;
    if (next() & 1) v = -v;
    for (int d : {0, 2, 4, 6}) {
      std::string got;
      AppendJsonNumber(got, v, d);
      const double back = std::stod(got);
      EXPECT_NEAR(back, v, 0.5000001 * std::pow(10.0, -d) + std::fabs(v) * 1e-15) << got << " d=" << d;
      if (got.find('.') != std::string::npos) {
        EXPECT_NE(got.back(), '0') << got;
        EXPECT_LE(static_cast<int>(got.size() - got.find('.') - 1), d) << got;
      }
      EXPECT_NE(got, "-0");
    }
  }
  std::string out;
  for (double v : {12.5, 10.0, 0.05, -3.25, 999999999999.0, 1e13, 0.99996, 0.00004}) {
    AppendJsonNumber(out, v);
    out += ' ';
  }
  EXPECT_EQ(out, "12.5 10 0.05 -3.25 999999999999 10000000000000 1 0 ");
}

}  // namespace
}  // namespace sentio

namespace sentio {
namespace {
// WriteJsonProbability's table gives WriteJsonNumber<4>'s bytes: at every 4-decimal value, on
// both sides of every rounding midpoint, at random values, and outside [0, 1] (the fallback).
TEST(JsonWriter, ProbabilityTableMatchesTheNumberWriter) {
  auto same = [](double v) {
    char a[kJsonNumberMax + 8], b[kJsonNumberMax + 8];
    const std::string x(a, WriteJsonProbability(a, v));
    const std::string y(b, WriteJsonNumber<4>(b, v));
    EXPECT_EQ(x, y) << std::hexfloat << v;
    return x == y;
  };
  for (int u = 0; u <= 10000; ++u) {
    const double v = u / 1e4;
    const double mid = (u + 0.5) / 1e4;
    if (!(same(v) && same(std::nextafter(v, 0.0)) && same(std::nextafter(v, 2.0)) && same(mid) &&
          same(std::nextafter(mid, 0.0)) && same(std::nextafter(mid, 2.0))))
      return;
  }
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  for (int i = 0; i < 200000; ++i) {
    if (!same(unit(rng)) || !same(static_cast<float>(unit(rng)))) return;
  }
  for (double v : {-0.0, -1e-9, -0.25, 1.00004, 1.00005, 1.5, 42.0, -1e300, 1e300, 1e-300, std::nan(""),
                   HUGE_VAL, -HUGE_VAL})
    same(v);
  char buf[kJsonNumberMax + 8];
  EXPECT_EQ(std::string(buf, WriteJsonProbability(buf, 0.02899999)), "0.029");
  EXPECT_EQ(std::string(buf, WriteJsonProbability(buf, 1.0)), "1");
  EXPECT_EQ(std::string(buf, WriteJsonProbability(buf, 0.00004)), "0");
}

TEST(JsonWriter, ToJsonUsesShortestNumbers) {
  boost::json::value v = {{"a", 0.7719}, {"b", 3}, {"c", "x\"y"}, {"d", nullptr}, {"e", boost::json::array{true, 1.5e-7, 2e-4, 0.25, -12.5, 1e20}}};
  std::string s = ToJson(v);
  EXPECT_EQ(s, R"({"a":0.7719,"b":3,"c":"x\"y","d":null,"e":[true,1.5e-07,0.0002,0.25,-12.5,1e+20]})");
  EXPECT_EQ(boost::json::parse(s), v);
  EXPECT_EQ(ToJson(boost::json::value(0.0)), "0");
}

TEST(JsonWriter, ObjectAndArrayOverloadsMatchValue) {
  const boost::json::object o{{"n", 0.25}, {"a", boost::json::array{1, "x", nullptr}}, {"e", boost::json::object{}}};
  EXPECT_EQ(ToJson(o), ToJson(boost::json::value(o)));
  EXPECT_EQ(ToJson(o), R"({"n":0.25,"a":[1,"x",null],"e":{}})");
  const boost::json::array a{0.0002, o, boost::json::array{}};
  EXPECT_EQ(ToJson(a), ToJson(boost::json::value(a)));
}
}  // namespace
}  // namespace sentio
