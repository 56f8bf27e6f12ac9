#include "train/meter.h"

#include <gtest/gtest.h>

#include "train/sha256.h"

namespace sentio::train {
namespace {

void Add1(Meter& m, std::uint32_t g, std::uint32_t p) {
  m.Add(std::span<const std::uint32_t>(&g, 1), std::span<const std::uint32_t>(&p, 1));
}

TEST(Meter, SingleLabelHandComputed) {
  // labels a=0, b=1, c=2. gold/pred pairs:
  // (a,a) (a,a) (a,b) (b,b) (b,c) (c,c) (c,a) (c,c)
  Meter m({"a", "b", "c"}, false);
  const std::uint32_t pairs[][2] = {{0, 0}, {0, 0}, {0, 1}, {1, 1}, {1, 2}, {2, 2}, {2, 0}, {2, 2}};
  for (auto& p : pairs) Add1(m, p[0], p[1]);
  EXPECT_EQ(m.n(), 8u);
  EXPECT_DOUBLE_EQ(m.accuracy(), 5.0 / 8);
  // a: tp2 fp1 fn1 -> P 2/3 R 2/3; b: tp1 fp1 fn1 -> 1/2 1/2; c: tp2 fp1 fn1 -> 2/3 2/3
  EXPECT_DOUBLE_EQ(m.stats(0).precision(), 2.0 / 3);
  EXPECT_DOUBLE_EQ(m.stats(1).recall(), 0.5);
  EXPECT_DOUBLE_EQ(m.macro_recall(), (2.0 / 3 + 0.5 + 2.0 / 3) / 3);
  EXPECT_NEAR(m.macro_f1(), (2.0 / 3 + 0.5 + 2.0 / 3) / 3, 1e-12);
  EXPECT_EQ(m.confusion()[2][0], 1u);
  EXPECT_EQ(m.confusion()[0][1], 1u);
  auto j = m.ToJson();
  EXPECT_EQ(j.at("n").as_uint64(), 8u);
  EXPECT_TRUE(j.contains("per_class"));
  EXPECT_EQ(j.at("confusion").at("matrix").as_array().size(), 3u);
  EXPECT_NE(m.ToTable().find("macro_recall=0.6111"), std::string::npos) << m.ToTable();
}

TEST(Meter, MultiLabelHandComputed) {
  Meter m({"x", "y"}, true);
  std::vector<std::uint32_t> g1{0, 1}, p1{0};     // x tp, y fn
  std::vector<std::uint32_t> g2{1}, p2{0, 1};     // y tp, x fp
  std::vector<std::uint32_t> g3{0}, p3{0};        // x tp, exact
  m.Add(g1, p1);
  m.Add(g2, p2);
  m.Add(g3, p3);
  // x: tp2 fp1 fn0 -> P 2/3 R 1 F1 0.8; y: tp1 fp0 fn1 -> P 1 R 1/2 F1 2/3
  EXPECT_NEAR(m.stats(0).f1(), 0.8, 1e-12);
  EXPECT_NEAR(m.stats(1).f1(), 2.0 / 3, 1e-12);
  EXPECT_NEAR(m.macro_f1(), (0.8 + 2.0 / 3) / 2, 1e-12);
  EXPECT_NEAR(m.micro_f1(), 2.0 * 3 / (2.0 * 3 + 1 + 1), 1e-12);
  EXPECT_NEAR(m.accuracy(), 1.0 / 3, 1e-12);
  EXPECT_TRUE(m.ToJson().contains("micro_f1"));
}

TEST(Sha256, KnownVectors) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

}  // namespace
}  // namespace sentio::train
