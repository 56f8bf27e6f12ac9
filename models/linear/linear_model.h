// LinearModel: a fastText-class hashed n-gram classifier with a direct linear layer
// (one row of per-label weights per hash bucket, no hidden embedding), quantised to
// int8/int16 with a per-label scale so the table stays a few MB and cache-friendly.
//
//   raw_logit[c] = bias[c] + scale[c] * sum_{f in features(text)} q[f][c] / sqrt(|features|)
//   single-label: p = softmax((raw + logit_adjust) / temperature)
//   multi-label:  p[c] = sigmoid((raw[c] + logit_adjust[c]) / temperature), label c is on
//                 when p[c] >= thresholds[c] (Prediction::labels_over_threshold).
//
// The model is immutable once shared (PredictBatch is const and thread-safe); per-call
// scratch (token buffers, feature ids) is thread_local, so steady-state prediction does
// not allocate beyond what the caller's Prediction objects need.
//
// Directory layout: model.json (metadata, calibration, metrics) + weights.bin
// (models/linear/weights_file.h). Load() cross-checks the two.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"
#include "models/classifier.h"
#include "models/linear/features.h"
#include "models/linear/weights_file.h"
#include "text/tokenizer.h"

namespace sentio::models::linear {

// Computes lexicon scores for the lexicon features (VADER). Implemented over
// models/lexicon when available; the model owns one when its features need it.
class LexiconFeaturizer {
 public:
  virtual ~LexiconFeaturizer() = default;
  virtual LexiconScores Score(const text::TokenizedText& tok) const = 0;
  // Optional, for callers that keep data per word: a non-zero code stands for what Score would
  // look up about word token text `word` (hash: Token::hash), and ScoreCoded(tok, codes) gives
  // Score(tok) with codes[i], where non-zero, used for token i. 0 / Score: no codes.
  virtual std::uint16_t WordCode(std::string_view word, std::uint64_t hash) const {
    (void)word;
    (void)hash;
    return 0;
  }
  virtual LexiconScores ScoreCoded(const text::TokenizedText& tok, const std::uint16_t* codes) const {
    (void)codes;
    return Score(tok);
  }
};
// The built-in VADER-backed featurizer (models/linear/lexicon_featurizer.cc), for tokens whose
// Token::hash is of kind `hash`.
std::shared_ptr<const LexiconFeaturizer> MakeVaderFeaturizer(text::TokenHash hash);

struct Calibration {
  float temperature = 1.f;          // > 0, fitted on validation (NLL)
  std::vector<float> logit_adjust;  // per label, added to raw logits (empty = zeros)
  std::vector<float> thresholds;    // multi-label: per-label probability thresholds
};

// Everything model.json says besides weights and calibration.
struct LinearModelMeta {
  std::string name = "linear";
  std::string version = "1";
  std::string task = "sentiment";
  std::vector<std::string> labels;
  bool multi_label = false;
  std::string created;                     // ISO-8601 UTC
  std::string hyperparameters_json = "{}";  // JSON object text
  std::string training_data_json = "{}";    // {"path","sha256","examples"}
  std::string metrics_json = "{}";          // validation metrics
};

class LinearModel final : public Classifier {
 public:
  // Quantises float weights (row-major [buckets][n_labels], unpadded) into a model.
  static Result<std::unique_ptr<LinearModel>> FromFloat(LinearModelMeta meta, const FeatureConfig& cfg,
                                                        DType dtype, std::span<const float> weights,
                                                        std::span<const float> bias,
                                                        Calibration calib = {});
  // Loads a model directory; every problem is reported with the file name.
  static Result<std::unique_ptr<LinearModel>> Load(const std::string& dir);
  // Writes model.json + weights.bin into `dir` (created if missing).
  Status Save(const std::string& dir) const;

  const ModelInfo& info() const override { return info_; }
  void PredictBatch(std::span<const std::string_view> texts, std::span<Prediction> out,
                    const PredictOptions& opts = {}) const override;
  bool ScoreBatch(std::span<const std::string_view> texts, std::span<ScoredText> out,
                  std::span<float> probs) const override;
  // With another LinearModel over the same word features (the shipped sentiment + emotion:
  // same buckets, word n-grams, flags and lexicon bins, int8, at most 16 padded labels in all
  // and 8 in the second, char n-grams in the second only): a pair that tokenises, scores the
  // lexicon and hashes each text once and reads both models' rows of a feature from one
  // interleaved copy of the two tables (16 bytes per bucket, at most 64 MiB) built here.
  // nullptr for any other model.
  std::unique_ptr<ClassifierPair> PairWith(const Classifier& second) const override;

  // Raw logits (before calibration) of one text into z[0..n_labels).
  void RawLogits(std::string_view text, float* z) const;
  // Calibrated probabilities from raw logits, p[0..n_labels).
  void Probabilities(const float* raw, float* p) const;

  std::size_t n_labels() const { return meta_.labels.size(); }
  const LinearModelMeta& meta() const { return meta_; }
  const FeatureConfig& features() const { return weights_.features; }
  const Calibration& calibration() const { return calib_; }
  const WeightsData& weights() const { return weights_; }

  // Setters for the trainer, before the model is shared.
  Status set_calibration(Calibration c);
  void set_metrics_json(std::string m);

 private:
  LinearModel() = default;
  Status Init();  // builds info_, tokenizer, lexicon after meta_/weights_/calib_ are set
  struct Scratch;
  static Scratch& ThreadScratch();
  // Tokenises (or reuses the thread's cached tokenisation of batch slot `slot`), extracts
  // features into s.feats and writes raw logits; returns the tokens used.
  const text::TokenizedText& Logits(std::string_view text, std::size_t slot, Scratch& s, bool want_origin,
                                    float* z) const;
  // Logits + calibrated probabilities into p[0..n_labels); returns the top label (the first
  // of equal maxima), its score and the labels over threshold; sets *tok to the tokens used.
  // The one place PredictBatch and ScoreBatch take their numbers from.
  ScoredText Classify(std::string_view text, std::size_t slot, Scratch& s, bool want_origin, float* p,
                      const text::TokenizedText** tok) const;
  // Classify's second half: probabilities into p from raw logits z, and the decision.
  ScoredText Decide(const float* z, float* p) const;
  // Raw logits z[0..n_labels) from the integer row sums of n features.
  void RawFromSums(const std::int32_t* acc, std::size_t n, float* z) const;
  friend class FusedPair;

  LinearModelMeta meta_;
  WeightsData weights_;
  Calibration calib_;
  ModelInfo info_;
  text::Tokenizer tokenizer_;
  std::shared_ptr<const LexiconFeaturizer> lexicon_;
  std::uint64_t uid_ = 0;  // unique per model object (keys the per-thread word n-gram memo)
};

}  // namespace sentio::models::linear
