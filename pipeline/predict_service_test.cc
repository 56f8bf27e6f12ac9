#include "pipeline/predict_service.h"

#include <gtest/gtest.h>

#include <future>

namespace sentio::pipeline {
namespace {

// Deterministic toy model: "good" -> positive, "bad" -> negative, else neutral.
class ToyClassifier final : public models::Classifier {
 public:
  ToyClassifier() { info_ = {"toy", "1", "test", "sentiment", {"negative", "neutral", "positive"}, false, "{}", ""}; }
  const models::ModelInfo& info() const override { return info_; }
  void PredictBatch(std::span<const std::string_view> texts, std::span<Prediction> out,
                    const models::PredictOptions& opts) const override {
    for (std::size_t i = 0; i < texts.size(); ++i) {
      std::string l = texts[i].find("good") != std::string_view::npos  ? "positive"
                      : texts[i].find("bad") != std::string_view::npos ? "negative"
                                                                       : "neutral";
      out[i].label = l;
      out[i].score = 0.9f;
      out[i].scores = {{"negative", l == "negative" ? 0.9f : 0.05f},
                       {"neutral", l == "neutral" ? 0.9f : 0.05f},
                       {"positive", l == "positive" ? 0.9f : 0.05f}};
      out[i].model_version = "toy@1";
      if (opts.explain) out[i].explanation = {{"good", 1.0f}};
    }
  }

 private:
  models::ModelInfo info_;
};

TEST(PredictService, ResultsInInputOrder) {
  PredictService svc({std::make_shared<ToyClassifier>(), nullptr}, {.threads = 2});
  std::promise<Result<std::vector<Analysis>>> p;
  ASSERT_TRUE(svc.Submit({"good", "bad", "meh"}, {}, [&](Result<std::vector<Analysis>> r) { p.set_value(std::move(r)); }).ok());
  auto r = p.get_future().get();
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[0].sentiment.label, "positive");
  EXPECT_EQ((*r)[1].sentiment.label, "negative");
  EXPECT_EQ((*r)[2].sentiment.label, "neutral");
  EXPECT_TRUE((*r)[0].emotion.label.empty());
}

TEST(PredictService, AdmissionLimitRefusesInsteadOfQueueing) {
  PredictServiceOptions o;
  o.threads = 1;
  o.max_pending_texts = 4;
  PredictService svc({std::make_shared<ToyClassifier>(), nullptr}, o);
  std::atomic<int> done{0};
  int refused = 0;
  for (int i = 0; i < 200; ++i) {
    Status s = svc.Submit({"a", "b", "c"}, {}, [&](Result<std::vector<Analysis>>) { done++; });
    if (!s.ok()) {
      EXPECT_EQ(s.code(), Code::kResourceExhausted);
      ++refused;
    }
  }
  svc.Shutdown();
  EXPECT_EQ(done.load() + refused, 200);
  EXPECT_LE(svc.pending(), 0u);
}

TEST(PredictService, ManyConcurrentSubmittersAllAnswered) {
  PredictService svc({std::make_shared<ToyClassifier>(), std::make_shared<ToyClassifier>()}, {.threads = 2});
  std::atomic<int> ok{0};
  std::vector<std::thread> ts;
  for (int t = 0; t < 4; ++t)
    ts.emplace_back([&] {
      for (int i = 0; i < 250; ++i) {
        std::promise<void> p;
        while (!svc.Submit({"good stuff"}, {}, [&](Result<std::vector<Analysis>> r) {
                     if (r.ok() && (*r)[0].emotion.label == "positive") ok++;
                     p.set_value();
                   }).ok()) {
        }
        p.get_future().wait();
      }
    });
  for (auto& t : ts) t.join();
  EXPECT_EQ(ok.load(), 1000);
}

}  // namespace
}  // namespace sentio::pipeline
