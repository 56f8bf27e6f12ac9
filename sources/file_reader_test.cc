#include "sources/file_reader.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

namespace sentio::sources {
namespace {

std::string WriteTemp(const std::string& name, const std::string& content) {
  std::string path = ::testing::TempDir() + "/" + name;
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

std::vector<Record> ReadAll(const std::string& path, ReaderOptions o, std::vector<std::string>* errors = nullptr) {
  auto r = RecordReader::Open(path, o);
  EXPECT_TRUE(r.ok());
  std::vector<Record> out;
  for (;;) {
    Record rec;
    auto n = (*r)->Next(rec);
    if (!n.ok()) {
      if (errors) {
        errors->push_back(n.status().message());
        continue;
      }
      ADD_FAILURE() << n.status().to_string();
      break;
    }
    if (!*n) break;
    out.push_back(rec);
  }
  return out;
}

TEST(FileReader, PlainLinesKeepEmptyLinesAndCrLf) {
  auto p = WriteTemp("a.txt", "one\r\n\nthree");
  auto recs = ReadAll(p, {});
  ASSERT_EQ(recs.size(), 3u);
  EXPECT_EQ(recs[0].text, "one");
  EXPECT_EQ(recs[1].text, "");
  EXPECT_EQ(recs[2].text, "three");
  EXPECT_EQ(recs[2].line, 3u);
}

TEST(FileReader, JsonlFieldsIdsAndErrorsWithLineNumbers) {
  auto p = WriteTemp("a.jsonl", "{\"id\":1,\"text\":\"hi\"}\n\n{bad\n{\"post_id\":\"x\",\"content\":\"yo\"}\n{\"nope\":1}\n");
  ReaderOptions o;
  o.format = InputFormat::kJsonl;
  std::vector<std::string> errors;
  auto recs = ReadAll(p, o, &errors);
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(recs[0].id, "1");
  EXPECT_EQ(recs[0].text, "hi");
  EXPECT_EQ(recs[1].id, "x");
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_NE(errors[0].find(":3:"), std::string::npos) << errors[0];
  EXPECT_NE(errors[1].find(":5:"), std::string::npos) << errors[1];
}

TEST(FileReader, CsvQuotedNewlinesAndEscapedQuotes) {
  auto p = WriteTemp("a.csv", "id,author,content\n1,bob,\"hello, \"\"world\"\"\"\n2,amy,\"multi\nline\"\n3,cy,plain\n");
  ReaderOptions o;
  o.format = InputFormat::kCsv;
  auto recs = ReadAll(p, o);
  ASSERT_EQ(recs.size(), 3u);
  EXPECT_EQ(recs[0].text, "hello, \"world\"");
  EXPECT_EQ(recs[1].text, "multi\nline");
  EXPECT_EQ(recs[1].id, "2");
  EXPECT_EQ(recs[2].line, 5u);
}

TEST(FileReader, CsvWithoutTextColumnIsAnError) {
  auto p = WriteTemp("b.csv", "id,author\n1,bob\n");
  ReaderOptions o;
  o.format = InputFormat::kCsv;
  auto r = RecordReader::Open(p, o);
  ASSERT_TRUE(r.ok());
  Record rec;
  auto n = (*r)->Next(rec);
  ASSERT_FALSE(n.ok());
  EXPECT_NE(n.status().message().find("content"), std::string::npos);
}

TEST(FileReader, MissingFileIsAClearError) {
  auto r = RecordReader::Open("/nonexistent/x.txt", {});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("/nonexistent/x.txt"), std::string::npos);
}

TEST(FileReader, FormatDetection) {
  EXPECT_EQ(ParseInputFormat("auto", "x.jsonl").value(), InputFormat::kJsonl);
  EXPECT_EQ(ParseInputFormat("auto", "x.csv").value(), InputFormat::kCsv);
  EXPECT_EQ(ParseInputFormat("auto", "-").value(), InputFormat::kText);
  EXPECT_FALSE(ParseInputFormat("xml", "").ok());
}

}  // namespace
}  // namespace sentio::sources
