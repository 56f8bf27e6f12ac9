#include "text/utf8.h"

#include <gtest/gtest.h>

namespace sentio::text {
namespace {

const std::string kFffd = "\xEF\xBF\xBD";

TEST(Utf8, ValidInputs) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("hello"));
  EXPECT_TRUE(IsValidUtf8("caf\xC3\xA9 \xE4\xB8\xAD\xE6\x96\x87 \xF0\x9F\x98\x80"));
  EXPECT_TRUE(IsValidUtf8("\xEF\xBF\xBD"));  // a literal U+FFFD is valid
  EXPECT_TRUE(IsValidUtf8("\xF4\x8F\xBF\xBF"));  // U+10FFFF
}

TEST(Utf8, InvalidInputs) {
  EXPECT_FALSE(IsValidUtf8("\x80"));              // lone continuation
  EXPECT_FALSE(IsValidUtf8("\xC3"));              // truncated
  EXPECT_FALSE(IsValidUtf8("\xE4\xB8"));          // truncated 3-byte
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xE0\x80\xAF"));      // overlong 3-byte
  EXPECT_FALSE(IsValidUtf8("\xF0\x80\x80\xAF"));  // overlong 4-byte
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // surrogate D800
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // > U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xFF"));
}

TEST(Utf8, SanitizeReplacesMaximalSubparts) {
  EXPECT_EQ(SanitizeUtf8("a\x80" "b"), "a" + kFffd + "b");
  EXPECT_EQ(SanitizeUtf8("\xE4\xB8"), kFffd);                  // one U+FFFD for a truncated sequence
  EXPECT_EQ(SanitizeUtf8("\xC0\xAF"), kFffd + kFffd);          // C0 is never valid; AF is a lone continuation
  EXPECT_EQ(SanitizeUtf8("\xED\xA0\x80"), kFffd + kFffd + kFffd);
  EXPECT_EQ(SanitizeUtf8("ok \xF0\x9F\x98\x80"), "ok \xF0\x9F\x98\x80");
  EXPECT_TRUE(IsValidUtf8(SanitizeUtf8("\xF0\x9F\x98")));
}

TEST(Utf8, DecodeEncodeRoundTrip) {
  for (char32_t cp : {U'a', U'\u00e9', U'\u4e2d', U'\U0001F600', U'\U0010FFFF'}) {
    std::string s;
    AppendUtf8(s, cp);
    char32_t back = 0;
    EXPECT_EQ(DecodeUtf8(s, 0, &back), s.size());
    EXPECT_EQ(back, cp);
  }
  std::string s;
  AppendUtf8(s, 0xD800);  // surrogates are not encodable
  EXPECT_EQ(s, kFffd);
}

TEST(Utf8, TruncationPointKeepsWholeCharacters) {
  const std::string s = "ab\xE4\xB8\xAD";  // "ab中"
  EXPECT_EQ(Utf8TruncationPoint(s, 10), s.size());
  EXPECT_EQ(Utf8TruncationPoint(s, 5), 5u);
  EXPECT_EQ(Utf8TruncationPoint(s, 4), 2u);
  EXPECT_EQ(Utf8TruncationPoint(s, 3), 2u);
  EXPECT_EQ(Utf8TruncationPoint(s, 2), 2u);
}

}  // namespace
}  // namespace sentio::text
