// The `lexicon` Classifier: VADER compound -> label (+-0.05 thresholds) and calibrated
// class probabilities.
//
// Calibration: p(class | c) = softmax_k(a_k + b_k * c + q_k * c^2) over
// (negative, neutral, positive), c = VADER compound. The coefficients were fitted once by
// multinomial logistic regression (full-batch gradient descent, L2 1e-4, negative class
// pinned to 0) on the 45,615 tweets of TweetEval-sentiment train.tsv with
// `lexicon_eval --fit train.tsv` (models/lexicon/lexicon_eval.cc) and are fixed here, so
// the model is deterministic and needs no data at run time. The label itself follows
// VADER's convention (compound >= 0.05 positive, <= -0.05 negative, else neutral); `score`
// is the calibrated probability of that label.
#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "models/lexicon/vader.h"
#include "text/tokenizer.h"

namespace sentio::models {
namespace {

// Fitted coefficients (see the header comment): {a, b, q} for negative, neutral, positive.
constexpr double kCalib[3][3] = {
    {0.0, 0.0, 0.0},          // negative (reference class)
    {1.4881, 1.6933, -2.0563},  // neutral
    {0.5904, 2.9150, 0.0115},   // positive
};

class LexiconClassifier final : public Classifier {
 public:
  explicit LexiconClassifier(std::shared_ptr<const VaderLexicon> lex) : lex_(std::move(lex)) {
    info_.name = "lexicon";
    info_.version = "1";
    info_.kind = "lexicon";
    info_.task = "sentiment";
    info_.labels = {"negative", "neutral", "positive"};
    info_.metrics_json = "{}";
    info_.path = "builtin:vader-sentiment@1.1.3";
  }

  const ModelInfo& info() const override { return info_; }

  void PredictBatch(std::span<const std::string_view> texts, std::span<Prediction> out,
                    const PredictOptions& opts) const override {
    thread_local text::TokenizedText tokens;
    thread_local std::vector<std::pair<std::string, float>> contrib;
    const std::size_t n = std::min(texts.size(), out.size());
    for (std::size_t i = 0; i < n; ++i) {
      tokenizer_.Tokenize(texts[i], tokens);
      const VaderScores s = lex_->ScoreExplained(tokens, opts.explain ? &contrib : nullptr);
      Prediction& p = out[i];
      p = Prediction{};
      const double c = s.compound;
      double z[3], zmax = -1e300;
      for (int k = 0; k < 3; ++k) {
        z[k] = kCalib[k][0] + kCalib[k][1] * c + kCalib[k][2] * c * c;
        zmax = std::max(zmax, z[k]);
      }
      double sum = 0;
      for (double& v : z) sum += (v = std::exp(v - zmax));
      p.scores.reserve(3);
      for (int k = 0; k < 3; ++k) p.scores.emplace_back(info_.labels[static_cast<std::size_t>(k)], static_cast<float>(z[k] / sum));
      const int label = c >= 0.05 ? 2 : (c <= -0.05 ? 0 : 1);
      p.label = info_.labels[static_cast<std::size_t>(label)];
      p.score = p.scores[static_cast<std::size_t>(label)].second;
      p.model_version = info_.model_version();
      if (opts.explain) {
        std::stable_sort(contrib.begin(), contrib.end(),
                         [](const auto& a, const auto& b) { return std::fabs(a.second) > std::fabs(b.second); });
        const std::size_t k = std::min<std::size_t>(contrib.size(), static_cast<std::size_t>(std::max(0, opts.explain_top_k)));
        p.explanation.assign(contrib.begin(), contrib.begin() + static_cast<std::ptrdiff_t>(k));
      }
    }
  }

 private:
  std::shared_ptr<const VaderLexicon> lex_;
  text::Tokenizer tokenizer_;
  ModelInfo info_;
};

}  // namespace

std::unique_ptr<Classifier> MakeLexiconClassifier(std::shared_ptr<const VaderLexicon> lex) {
  return std::make_unique<LexiconClassifier>(std::move(lex));
}

}  // namespace sentio::models
