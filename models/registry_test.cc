#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "models/classifier.h"

namespace sentio::models {
namespace {

TEST(Registry, UnknownNameListsSearchedPaths) {
  auto r = ResolveModelDir("no-such-model-xyz");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kNotFound);
  EXPECT_NE(r.status().message().find("share/models/no-such-model-xyz"), std::string::npos) << r.status().message();
  EXPECT_FALSE(LoadClassifier("./not/a/dir").ok());
}

TEST(Registry, LexiconIsBuiltIn) {
  auto c = LoadClassifier("lexicon");
  ASSERT_TRUE(c.ok()) << c.status().to_string();
  EXPECT_EQ((*c)->info().kind, "lexicon");
}

// The shipped models (share/models) are committed in the repository, so these run
// without /work/shared.
struct Case {
  const char* text;
  const char* label;
};

TEST(ShippedModels, SentimentObviousCases) {
  auto m = LoadClassifier("sentiment");
  ASSERT_TRUE(m.ok()) << m.status().to_string();
  EXPECT_EQ((*m)->info().kind, "linear");
  EXPECT_EQ((*m)->info().labels, (std::vector<std::string>{"negative", "neutral", "positive"}));
  const Case cases[] = {
      {"I love this so much!", "positive"},
      {"this is the worst, I hate it", "negative"},
      {"The meeting is at 3pm", "neutral"},
      {"What a fantastic day, thank you all!", "positive"},
      {"Absolutely amazing performance, so happy", "positive"},
      {"I'm so disappointed and angry, terrible service", "negative"},
      {"This is awful. Worst experience ever.", "negative"},
      {"The train leaves from platform 4 at 10:15", "neutral"},
      {"Best concert ever!!! 😍", "positive"},
      {"I hate mondays so much, everything sucks", "negative"},
      {"great job guys, love it", "positive"},
  };
  int ok = 0;
  for (const auto& c : cases) {
    const auto p = (*m)->Predict(c.text);
    ok += p.label == c.label;
    EXPECT_EQ(p.label, c.label) << c.text;
  }
  EXPECT_GE(ok, 10);
}

TEST(ShippedModels, EmotionObviousCases) {
  auto m = LoadClassifier("emotion");
  ASSERT_TRUE(m.ok()) << m.status().to_string();
  EXPECT_TRUE((*m)->info().multi_label);
  EXPECT_EQ((*m)->info().labels.size(), 7u);
  const Case cases[] = {
      {"I'm so scared, this is terrifying", "fear"},
      {"I am so happy for you, congratulations!", "joy"},
      {"This makes me so angry, I'm furious", "anger"},
      {"I'm so sad, I miss her so much", "sadness"},
      {"Wow, I did not expect that at all! Really surprised", "surprise"},
      {"That is disgusting, gross", "disgust"},
      {"Thank you so much, I love it", "joy"},
      {"I'm really afraid of what happens next", "fear"},
      {"The package arrives on Monday.", "neutral"},
  };
  for (const auto& c : cases) {
    const auto p = (*m)->Predict(c.text);
    EXPECT_EQ(p.label, c.label) << c.text;
  }
}

}  // namespace
}  // namespace sentio::models
