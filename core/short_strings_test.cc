#include "core/short_strings.h"

#include <gtest/gtest.h>

namespace sentio {
namespace {

TEST(ShortStrings, EqualShortMatchesOperatorEquals) {
  const std::string cases[] = {"", "a", "b", "ab", "abc", "negative", "neutral", "positive", "positivf",
                               std::string("a\0b", 3), std::string("a\0c", 3), std::string(40, 'x'),
                               std::string(39, 'x') + "y"};
  for (const auto& a : cases) {
    for (const auto& b : cases) {
      EXPECT_EQ(EqualShort(a, b), a == b) << '"' << a << "\" vs \"" << b << '"';
    }
  }
}

TEST(ShortStrings, AssignShortCopiesOnlyWhatDiffers) {
  std::string s = "neutral";
  const char* const before = s.data();
  AssignShort(s, "neutral");
  EXPECT_EQ(s, "neutral");
  EXPECT_EQ(s.data(), before);  // untouched
  AssignShort(s, "positive");
  EXPECT_EQ(s, "positive");
  AssignShort(s, "");
  EXPECT_EQ(s, "");
  AssignShort(s, std::string(100, 'z'));  // longer than any small-string buffer
  EXPECT_EQ(s, std::string(100, 'z'));
}

}  // namespace
}  // namespace sentio
