#include "server/query.h"

#include <gtest/gtest.h>

namespace sentio::server {
namespace {

TEST(ParseQuery, DecodesPercentAndPlus) {
  auto r = ParseQuery("q=hello+world%21&source=you%2Ftube&empty=&flag");
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  ASSERT_EQ(r->size(), 4u);
  EXPECT_EQ((*r)[0], (std::pair<std::string, std::string>{"q", "hello world!"}));
  EXPECT_EQ((*r)[1].second, "you/tube");
  EXPECT_EQ((*r)[2].second, "");
  EXPECT_EQ((*r)[3].first, "flag");
}

TEST(ParseQuery, SkipsEmptyPiecesAndKeepsOrder) {
  auto r = ParseQuery("&a=1&&b=2&");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].first, "a");
  EXPECT_EQ((*r)[1].first, "b");
  EXPECT_TRUE(ParseQuery("").ok());
}

TEST(ParseQuery, RejectsBadEscapesNulAndInvalidUtf8) {
  EXPECT_EQ(ParseQuery("a=%zz").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(ParseQuery("a=%4").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(ParseQuery("a=%").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(ParseQuery("a=%00").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(ParseQuery("a=%C3%28").status().code(), Code::kInvalidArgument);   // bad continuation
  EXPECT_EQ(ParseQuery("a=%ED%A0%80").status().code(), Code::kInvalidArgument);  // surrogate
  EXPECT_EQ(ParseQuery("=x").status().code(), Code::kInvalidArgument);
  auto ok = ParseQuery("a=%C3%A9%F0%9F%98%80");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ((*ok)[0].second, "\xC3\xA9\xF0\x9F\x98\x80");
}

TEST(QueryReader, TypedValuesAndDefaults) {
  auto p = ParseQuery("limit=20&start_date=2026-11-23T10:00:00Z&period=day&explain=true");
  ASSERT_TRUE(p.ok());
  QueryReader r(*p);
  int limit = 50, offset = 7;
  std::optional<TimeMs> start;
  std::string period = "hour";
  bool explain = false;
  r.Int("limit", limit, 1, 100);
  r.Int("offset", offset, 0, 100);
  r.Time("start_date", start);
  r.Enum("period", period, {"minute", "hour", "day"});
  r.Bool("explain", explain);
  EXPECT_FALSE(r.Finish().has_value());
  EXPECT_EQ(limit, 20);
  EXPECT_EQ(offset, 7);
  ASSERT_TRUE(start.has_value());
  EXPECT_EQ(*start, 1795428000000);
  EXPECT_EQ(period, "day");
  EXPECT_TRUE(explain);
}

TEST(QueryReader, UnknownParametersAre400NamingThem) {
  auto p = ParseQuery("limit=5&foo=1&bar=2&foo=3");
  ASSERT_TRUE(p.ok());
  QueryReader r(*p);
  int limit = 0;
  r.Int("limit", limit, 1, 10);
  auto err = r.Finish();
  ASSERT_TRUE(err.has_value());
  EXPECT_EQ(err->code, Code::kInvalidArgument);
  ASSERT_TRUE(err->details.contains("unknown"));
  const auto& u = err->details.at("unknown").as_array();
  ASSERT_EQ(u.size(), 2u);
  EXPECT_EQ(u[0].as_string(), "foo");
  EXPECT_EQ(u[1].as_string(), "bar");
}

TEST(QueryReader, BadValuesAre422NamingTheParameter) {
  for (const char* qs : {"limit=abc", "limit=0", "limit=1001", "limit=5x", "period=week", "start_date=yesterday"}) {
    auto p = ParseQuery(qs);
    ASSERT_TRUE(p.ok());
    QueryReader r(*p);
    int limit = 50;
    std::optional<std::string> period;
    std::optional<TimeMs> start;
    r.Int("limit", limit, 1, 1000);
    r.Enum("period", period, {"minute", "hour", "day"});
    r.Time("start_date", start);
    auto err = r.Finish();
    ASSERT_TRUE(err.has_value()) << qs;
    EXPECT_EQ(err->code, Code::kUnprocessable) << qs;
    std::string name(qs, std::string_view(qs).find('='));
    EXPECT_EQ(err->details.at("parameter").as_string(), name) << qs;
    EXPECT_EQ(limit, 50) << "value must not change on error: " << qs;
  }
}

TEST(QueryReader, DuplicateKnownParameterIs400) {
  auto p = ParseQuery("limit=1&limit=2");
  ASSERT_TRUE(p.ok());
  QueryReader r(*p);
  int limit = 0;
  r.Int("limit", limit, 1, 10);
  auto err = r.Finish();
  ASSERT_TRUE(err.has_value());
  EXPECT_EQ(err->code, Code::kInvalidArgument);
  EXPECT_TRUE(err->details.contains("duplicate"));
}

}  // namespace
}  // namespace sentio::server
