#include "train/dataset.h"

#include <gtest/gtest.h>

namespace sentio::train {
namespace {

TEST(Dataset, TsvSortedLabelsAndLines) {
  auto d = ParseDataset("pos\tgood day\nneg\tbad day\r\n\npos\tfine\n", "x.tsv", {});
  ASSERT_TRUE(d.ok()) << d.status().to_string();
  EXPECT_EQ(d->label_names, (std::vector<std::string>{"neg", "pos"}));
  ASSERT_EQ(d->examples.size(), 3u);
  EXPECT_EQ(d->examples[1].text, "bad day");
  EXPECT_EQ(d->examples[1].labels, (std::vector<std::uint32_t>{0}));
  EXPECT_EQ(d->examples[2].line, 4u);
  EXPECT_EQ(d->sha256.size(), 64u);
}

TEST(Dataset, MalformedRowNamesLine) {
  auto d = ParseDataset("pos\tok\nno tab here\n", "f.tsv", {});
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.status().message().find("f.tsv:2"), std::string::npos) << d.status().message();
  ReadOptions o;
  o.skip_bad = true;
  auto s = ParseDataset("pos\tok\nno tab here\n\tempty label\n", "f.tsv", o);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->examples.size(), 1u);
  EXPECT_EQ(s->skipped, 2u);
}

TEST(Dataset, MultiLabelAndFixedLabels) {
  ReadOptions o;
  o.multi_label = true;
  auto d = ParseDataset("joy,surprise\twow\nanger\tgrr\n", "m.tsv", o);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->examples[0].labels, (std::vector<std::uint32_t>{1, 2}));
  auto single = ParseDataset("joy,surprise\twow\n", "m.tsv", {});
  EXPECT_FALSE(single.ok());
  ReadOptions f;
  f.labels = {"a", "b"};
  auto bad = ParseDataset("a\tx\nc\ty\n", "l.tsv", f);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("l.tsv:2"), std::string::npos);
  EXPECT_NE(bad.status().message().find("unknown label"), std::string::npos);
}

TEST(Dataset, Jsonl) {
  ReadOptions o;
  o.multi_label = true;
  auto d = ParseDataset("{\"text\":\"hi\",\"label\":\"a\"}\n{\"text\":\"yo\",\"labels\":[\"b\",\"a\"]}\n", "d.jsonl", o);
  ASSERT_TRUE(d.ok()) << d.status().to_string();
  EXPECT_EQ(d->examples[1].labels, (std::vector<std::uint32_t>{0, 1}));
  auto bad = ParseDataset("{\"text\":\"hi\",\"label\":\"a\"}\n{\"text\":3,\"label\":\"a\"}\n", "d.jsonl", {});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("d.jsonl:2"), std::string::npos);
}

TEST(Dataset, CsvQuotedMultiline) {
  auto d = ParseDataset("id,text,label\n1,\"hello, \"\"world\"\"\",pos\n2,\"two\nlines\",neg\n3,plain,pos\n", "d.csv", {});
  ASSERT_TRUE(d.ok()) << d.status().to_string();
  ASSERT_EQ(d->examples.size(), 3u);
  EXPECT_EQ(d->examples[0].text, "hello, \"world\"");
  EXPECT_EQ(d->examples[1].text, "two\nlines");
  EXPECT_EQ(d->examples[2].line, 5u);
  auto bad = ParseDataset("id,text,label\n1,x\n", "b.csv", {});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("b.csv:2"), std::string::npos);
  EXPECT_FALSE(ParseDataset("a,b\n1,2\n", "h.csv", {}).ok());
}

TEST(Dataset, UnknownExtensionAndMissingFile) {
  EXPECT_FALSE(ParseDataset("a\tb\n", "x.parquet", {}).ok());
  auto r = ReadDataset("/nonexistent/file.tsv", {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kIoError);
}

}  // namespace
}  // namespace sentio::train
