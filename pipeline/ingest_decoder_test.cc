#include "pipeline/ingest_decoder.h"

#include <gtest/gtest.h>

namespace sentio::pipeline {
namespace {

constexpr TimeMs kNow = 1795428000000LL;

TEST(IngestDecoder, SinglePostObject) {
  auto r = DecodeIngest(R"({"post_id":"a1","source":"youtube","content":"great video","created_at":"2026-11-23T09:00:00Z","meta":{"likes":2}})",
                        false, {}, kNow);
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  ASSERT_EQ(r->posts.size(), 1u);
  EXPECT_EQ(r->posts[0].post_id, "a1");
  EXPECT_EQ(r->posts[0].source, "youtube");
  EXPECT_EQ(r->posts[0].created_at, kNow - 3600000);
  EXPECT_EQ(r->posts[0].meta_json, R"({"likes":2})");
}

TEST(IngestDecoder, BatchReportsPerItemErrorsAndKeepsValidItems) {
  auto r = DecodeIngest(R"({"posts":[{"content":"ok one"},{"content":5},{"post_id":"x"},{"content":"two","created_at":"yesterday"},{"text":"alias"}]})",
                        false, {}, kNow, "api");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->items, 5u);
  ASSERT_EQ(r->posts.size(), 2u);
  EXPECT_EQ(r->input_index[0], 0u);
  EXPECT_EQ(r->input_index[1], 4u);
  EXPECT_EQ(r->posts[0].source, "api");
  EXPECT_EQ(r->posts[0].created_at, kNow);
  ASSERT_EQ(r->errors.size(), 3u);
  EXPECT_EQ(r->errors[0].index, 1u);
  EXPECT_EQ(r->errors[0].field, "content");
  EXPECT_EQ(r->errors[1].field, "content");
  EXPECT_EQ(r->errors[2].field, "created_at");
}

TEST(IngestDecoder, NdjsonWithBadLine) {
  auto r = DecodeIngest("{\"content\":\"a\"}\n{oops\n\n{\"content\":\"b\",\"post_id\":7}\n", true, {}, kNow);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->items, 3u);
  ASSERT_EQ(r->posts.size(), 2u);
  EXPECT_EQ(r->posts[1].post_id, "7");
  ASSERT_EQ(r->errors.size(), 1u);
  EXPECT_EQ(r->errors[0].index, 1u);
}

TEST(IngestDecoder, WholeBodyErrors) {
  EXPECT_EQ(DecodeIngest("{not json", false, {}, kNow).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(DecodeIngest("42", false, {}, kNow).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(DecodeIngest(R"({"posts":{}})", false, {}, kNow).status().code(), Code::kUnprocessable);
  EXPECT_EQ(DecodeIngest(R"({"posts":[]})", false, {}, kNow).status().code(), Code::kUnprocessable);
  IngestLimits lim;
  lim.max_posts = 2;
  EXPECT_EQ(DecodeIngest(R"({"posts":[{"content":"a"},{"content":"b"},{"content":"c"}]})", false, lim, kNow).status().code(),
            Code::kTooLarge);
  // Invalid UTF-8 inside a JSON string is rejected, not stored.
  EXPECT_EQ(DecodeIngest(std::string("{\"content\":\"bad \xff\xfe\"}"), false, {}, kNow).status().code(),
            Code::kInvalidArgument);
  // Deep nesting is bounded.
  EXPECT_FALSE(DecodeIngest(std::string(5000, '[') + std::string(5000, ']'), false, {}, kNow).ok());
}

TEST(IngestDecoder, FieldLimits) {
  IngestLimits lim;
  lim.max_content_bytes = 10;
  auto r = DecodeIngest(R"({"posts":[{"content":"this is far too long"},{"content":"   "},{"content":"ok","meta":[1]}]})", false, lim, kNow);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->posts.empty());
  EXPECT_EQ(r->errors.size(), 3u);
}

}  // namespace
}  // namespace sentio::pipeline
