#include "text/hashing.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace sentio::text {
namespace {

// The padded form (every length 0-15, whatever bytes follow the text) is the plain one.
TEST(Hashing, Fnv1a64UpdatePaddedIsFnv1a64Update) {
  char buf[32];
  for (std::size_t len = 0; len <= 15; ++len) {
    for (int fill : {0, 0xFF, int{'x'}}) {  // what follows the text must not matter
      std::memset(buf, fill, sizeof buf);
      for (std::size_t k = 0; k < len; ++k) buf[k] = static_cast<char>('a' + (k * 7) % 26);
      const std::string_view s(buf, len);
      EXPECT_EQ(Fnv1a64UpdatePadded(kFnvOffset64, buf, len), Fnv1a64(s)) << len;
      EXPECT_EQ(Fnv1a64UpdatePadded(Fnv1a64("pre"), buf, len), Fnv1a64Update(Fnv1a64("pre"), s)) << len;
    }
  }
}

// Known values computed independently (Node.js BigInt implementation of the formulas in
// hashing.h). If any of these change, every trained linear model is invalidated.
TEST(Hashing, Fnv1a64KnownValues) {
  EXPECT_EQ(Fnv1a64(""), 0xcbf29ce484222325ULL);
  EXPECT_EQ(Fnv1a64("a"), 0xaf63dc4c8601ec8cULL);        // published FNV-1a test vector
  EXPECT_EQ(Fnv1a64("foobar"), 0x85944171f73967e8ULL);   // published FNV-1a test vector
  EXPECT_EQ(Fnv1a64("good"), 0x9ce4d6720e9c9118ULL);
  EXPECT_EQ(Fnv1a64Update(Fnv1a64("foo"), "bar"), Fnv1a64("foobar"));
  static_assert(Fnv1a64("a") == 0xaf63dc4c8601ec8cULL);  // usable at compile time
}

TEST(Hashing, MixAndCombineKnownValues) {
  EXPECT_EQ(Mix64(1), 0xb456bcfc34c2cb2cULL);
  EXPECT_EQ(HashCombine(Fnv1a64("not"), Fnv1a64("good")), 0xf6d1f3e26e48f88fULL);
  const std::uint64_t tri[] = {Fnv1a64("i"), Fnv1a64("love"), Fnv1a64("it")};
  EXPECT_EQ(HashTokens(tri), 0x27ce01844a58f90aULL);
  EXPECT_EQ(HashTokens(std::span<const std::uint64_t>(tri, 1)), Fnv1a64("i"));
}

// Version 2 token hash: known values computed independently (Node.js BigInt implementation of
// the formulas in hashing.h), at each length class (0, < 8, 8, 9-15, 16, > 16, > 32 bytes).
// If any of these change, every version-2 model is invalidated.
TEST(Hashing, WordHash64KnownValues) {
  EXPECT_EQ(WordHash64(""), 0x2ebffacf8a5afe2fULL);
  EXPECT_EQ(WordHash64("a"), 0x1eb5a3e7b9cabe81ULL);
  EXPECT_EQ(WordHash64("good"), 0xa153b65c4c4bd783ULL);
  EXPECT_EQ(WordHash64("abcdefgh"), 0x530046ca6afba7fcULL);
  EXPECT_EQ(WordHash64("abcdefghi"), 0x35c651d468c2fe31ULL);
  EXPECT_EQ(WordHash64("0123456789abcdef"), 0xa2faa09ba5e0f73eULL);
  EXPECT_EQ(WordHash64("0123456789abcdefg"), 0x51c9f84634f348edULL);
  EXPECT_EQ(WordHash64("this is a longer token text of 40 bytes!"), 0x9141a758fff1602cULL);
  EXPECT_EQ(MumCombine(WordHash64("not"), WordHash64("good")), 0x3a83c371d1987427ULL);
  static_assert(WordHash64("good") == 0xa153b65c4c4bd783ULL);  // usable at compile time
  EXPECT_EQ(HashToken(TokenHash::kWord, "good"), WordHash64("good"));
  EXPECT_EQ(HashToken(TokenHash::kFnv1a, "good"), Fnv1a64("good"));
}

// The padded form (one 8-byte load per half, masked) and the register form are the plain one
// at every length up to three blocks, whatever bytes follow the text.
TEST(Hashing, WordHash64PaddedIsWordHash64) {
  char buf[64];
  for (std::size_t len = 0; len <= 48; ++len) {
    for (int fill : {0, 0xFF, int{'x'}}) {
      std::memset(buf, fill, sizeof buf);
      for (std::size_t k = 0; k < len; ++k) buf[k] = static_cast<char>('a' + (k * 7) % 26);
      EXPECT_EQ(WordHash64Padded(buf, len), WordHash64({buf, len})) << len;
      if (len <= 16) {
        std::uint64_t a = 0, b = 0;  // the halves, zero past the text
        for (std::size_t k = 0; k < len; ++k) {
          (k < 8 ? a : b) |= std::uint64_t{static_cast<unsigned char>(buf[k])} << (8 * (k % 8));
        }
        EXPECT_EQ(WordHash64Of16(a, b, len), WordHash64({buf, len})) << len;
      }
    }
  }
}

// Texts that differ in one byte, or only in length (trailing zero bytes), hash apart.
TEST(Hashing, WordHash64SeparatesNearTexts) {
  EXPECT_NE(WordHash64(std::string_view("a\0", 2)), WordHash64("a"));
  EXPECT_NE(WordHash64(std::string_view("\0", 1)), WordHash64(""));
  std::vector<std::uint64_t> seen;
  std::string w = "abcdefghijklmnopqrstu";
  for (std::size_t i = 0; i < w.size(); ++i) {
    std::string v = w;
    v[i] = static_cast<char>(v[i] ^ 1);
    seen.push_back(WordHash64(v));
  }
  seen.push_back(WordHash64(w));
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(std::unique(seen.begin(), seen.end()), seen.end());
  EXPECT_NE(MumCombine(WordHash64("a"), WordHash64("b")), MumCombine(WordHash64("b"), WordHash64("a")));
}

TEST(Hashing, CombineIsOrderDependent) {
  const std::uint64_t a = Fnv1a64("not"), b = Fnv1a64("good");
  EXPECT_NE(HashCombine(a, b), HashCombine(b, a));
  EXPECT_NE(HashCombine(a, b), a);
}

TEST(Hashing, CharNgramsAsciiOrderAndValues) {
  std::vector<std::uint64_t> got;
  ForEachCharNgram("hi", 2, 3, [&](std::uint64_t h) { got.push_back(h); });
  const std::vector<std::uint64_t> want = {Fnv1a64("<h"), Fnv1a64("<hi"), Fnv1a64("hi"), Fnv1a64("hi>"),
                                           Fnv1a64("i>")};
  EXPECT_EQ(got, want);
  EXPECT_EQ(want[0], 0x8095807b4c81949ULL);
  EXPECT_EQ(want[3], 0x33735e193006dc6cULL);
}

TEST(Hashing, CharNgramsRespectCodePointBoundaries) {
  std::vector<std::uint64_t> got;
  ForEachCharNgram("\xC3\xA9!", 2, 3, [&](std::uint64_t h) { got.push_back(h); });  // "é!"
  const std::vector<std::uint64_t> want = {0x7229f51831de44b3ULL, 0xdb900a1cbcae8416ULL, 0x5feb421c1dfb3060ULL,
                                           0xf7f1b3c6f1d32fbaULL, 0x7c28807b48c6836ULL};
  EXPECT_EQ(got, want);
}

TEST(Hashing, CharNgramsEdgeCases) {
  int count = 0;
  ForEachCharNgram("", 1, 3, [&](std::uint64_t) { ++count; });
  EXPECT_EQ(count, 1);  // "<>" only (single markers are skipped)
  count = 0;
  ForEachCharNgram("abc", 3, 2, [&](std::uint64_t) { ++count; });
  EXPECT_EQ(count, 0);  // maxn < minn
  count = 0;
  ForEachCharNgram("abcdef", 3, 6, [&](std::uint64_t) { ++count; });
  // "<abcdef>" has 8 symbols: n-grams of length 3..6 = 6 + 5 + 4 + 3
  EXPECT_EQ(count, 18);
}

TEST(Hashing, CharNgramsAsciiFastPathMatchesUtf8Reference) {
  // The shipped models were trained on the reference path's values: the fast path must
  // produce the same hashes in the same order, for every length and (minn, maxn).
  std::uint64_t rng = 12345;
  auto next = [&] { return rng = rng * 6364136223846793005ULL + 1442695040888963407ULL; };
  for (int trial = 0; trial < 400; ++trial) {
    std::string w(static_cast<std::size_t>(trial % 80), ' ');
    for (char& c : w) c = static_cast<char>(33 + (next() >> 33) % 94);
    for (int minn = 1; minn <= 5; ++minn) {
      for (int maxn = minn; maxn <= 6; ++maxn) {
        std::vector<std::uint64_t> fast, ref;
        ForEachCharNgram(w, minn, maxn, [&](std::uint64_t h) { fast.push_back(h); });
        detail::ForEachCharNgramUtf8(w, minn, maxn, [&](std::uint64_t h) { ref.push_back(h); });
        ASSERT_EQ(fast, ref) << "word length " << w.size() << " minn " << minn << " maxn " << maxn;
      }
    }
  }
}

}  // namespace
}  // namespace sentio::text
