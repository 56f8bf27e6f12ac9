#include "core/json_codec.h"

#include <gtest/gtest.h>

#include "core/json_writer.h"

namespace sentio {
namespace {

TEST(JsonCodec, PostWithoutAnalysisHasNullSentiment) {
  PostRecord r;
  r.post.post_id = "p1";
  r.post.source = "reddit";
  r.post.content = "hello \"world\"";
  r.post.created_at = 1795428000000LL;
  auto o = PostRecordToJson(r);
  EXPECT_EQ(o.at("post_id").as_string(), "p1");
  EXPECT_EQ(o.at("created_at").as_string(), "2026-11-23T10:00:00Z");
  EXPECT_TRUE(o.at("sentiment").is_null());
  EXPECT_TRUE(o.at("video_id").is_null());
}

TEST(JsonCodec, AnalysedPostCarriesModelNameAndVersion) {
  PostRecord r;
  r.post.post_id = "p2";
  r.post.meta_json = R"({"likes":3})";
  r.analysed = true;
  r.analysis.sentiment = {"positive", 0.9f, {{"negative", 0.05f}, {"neutral", 0.05f}, {"positive", 0.9f}}, "sentiment@2", {}, {}};
  r.analysis.emotion = {"joy", 0.7f, {{"joy", 0.7f}, {"anger", 0.3f}}, "emotion@1", {}, {}};
  auto o = PostRecordToJson(r);
  const auto& s = o.at("sentiment").as_object();
  EXPECT_EQ(s.at("label").as_string(), "positive");
  EXPECT_EQ(s.at("model_name").as_string(), "sentiment");
  EXPECT_EQ(s.at("model_version").as_string(), "2");
  EXPECT_EQ(s.at("emotion").as_string(), "joy");
  EXPECT_NEAR(s.at("scores").at("positive").as_double(), 0.9, 1e-6);
  EXPECT_EQ(o.at("meta").at("likes").as_int64(), 3);
}

TEST(JsonCodec, AppendPostJsonWritesTheSameBytesAsTheTree) {
  std::vector<PostRecord> cases(5);
  cases[0].post = {"p0", "reddit", "hello \"world\"\n\xc3\xa9\xff", "", 1795428000000LL, "", "", "", 0};
  cases[1].post = {"p1", "youtube", "great video", "bob", 1795428000123LL, "vid\"1", "https://x/y", R"({"likes":3,"tags":["a"]})", 1795428000999LL};
  cases[1].analysed = true;
  cases[1].analysis.sentiment = {"positive", 0.91234f, {{"negative", 0.05f}, {"neutral", 0.00001f}, {"positive", 0.9f}}, "sentiment@2", {}, {}};
  cases[1].analysis.emotion = {"joy", 0.7f, {{"joy", 0.7f}, {"anger", 0.3f}}, "emotion@1", {}, {}};
  cases[1].analysis.analyzed_at = 1795428001000LL;
  cases[2] = cases[1];
  cases[2].post.meta_json = "{not json";
  cases[2].analysis.emotion = {};
  cases[2].analysis.sentiment.model_version = "plain";
  cases[3] = cases[1];
  cases[3].analysis.sentiment.scores = {{"a", 0.1f}, {"a", 0.2f}};  // duplicate labels
  cases[4] = cases[1];
  cases[4].analysis.sentiment.score = -0.0f;
  cases[4].analysis.sentiment.scores = {};
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const PostRecord& r = cases[i];
    std::string direct = "x";
    AppendPostJson(direct, r.post, r.analysed ? &r.analysis : nullptr);
    EXPECT_EQ(direct, "x" + ToJson(PostRecordToJson(r))) << "case " << i;
  }
}

TEST(JsonCodec, ScoresToJsonTextMatchesTheObjectForm) {
  for (const auto& scores : std::vector<std::vector<std::pair<std::string, float>>>{
           {}, {{"negative", 0.1f}, {"pos\"itive", 0.9f}}, {{"a", 1e-9f}, {"a", 2.5f}, {"b", -3.0f}}}) {
    boost::json::object o;
    for (const auto& [label, score] : scores) o[label] = static_cast<double>(score);
    EXPECT_EQ(ScoresToJsonText(scores), ToJson(o));
    auto back = ScoresFromJsonText(ScoresToJsonText(scores));
    EXPECT_EQ(back.size(), o.size());
  }
}

TEST(JsonCodec, PredictShapeIncludesExplanationOnlyWhenAsked) {
  Analysis a;
  a.sentiment = {"negative", 0.8f, {{"negative", 0.8f}}, "sentiment@2", {{"hate", -1.5f}}, {}};
  auto plain = AnalysisToPredictJson(a, false);
  EXPECT_FALSE(plain.contains("explanation"));
  EXPECT_FALSE(plain.contains("emotion"));
  auto ex = AnalysisToPredictJson(a, true);
  ASSERT_TRUE(ex.contains("explanation"));
  EXPECT_EQ(ex.at("explanation").as_array()[0].at("token").as_string(), "hate");
  EXPECT_EQ(ex.at("model_version").as_string(), "sentiment@2");
}

}  // namespace
}  // namespace sentio
