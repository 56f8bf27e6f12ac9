#include "core/json_writer.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

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

}  // namespace
}  // namespace sentio

namespace sentio {
namespace {
TEST(JsonWriter, ToJsonUsesShortestNumbers) {
  boost::json::value v = {{"a", 0.7719}, {"b", 3}, {"c", "x\"y"}, {"d", nullptr}, {"e", boost::json::array{true, 1.5e-7, 2e-4, 0.25, -12.5, 1e20}}};
  std::string s = ToJson(v);
  EXPECT_EQ(s, R"({"a":0.7719,"b":3,"c":"x\"y","d":null,"e":[true,1.5e-07,0.0002,0.25,-12.5,1e+20]})");
  EXPECT_EQ(boost::json::parse(s), v);
  EXPECT_EQ(ToJson(boost::json::value(0.0)), "0");
}
}  // namespace
}  // namespace sentio
