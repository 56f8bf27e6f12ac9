// Classifier: the one interface every model kind implements (lexicon, linear, later
// transformer and llm). Implementations are immutable after load and safe to call
// from many threads at once; per-call scratch lives in the implementation (thread_local
// or stack), never behind a global lock.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/types.h"

namespace sentio::models {

struct ModelInfo {
  std::string name;          // "sentiment", "emotion", "lexicon"
  std::string version;       // "3" (name@version is reported as model_version)
  std::string kind;          // "lexicon" | "linear" | "transformer" | "llm"
  std::string task;          // "sentiment" | "emotion" | ...
  std::vector<std::string> labels;
  bool multi_label = false;
  std::string metrics_json;  // metrics recorded at training time ("{}" if none)
  std::string path;          // where it was loaded from

  std::string model_version() const { return name + "@" + version; }
};

// What PredictBatch reports for one text, less its strings and explanation: labels as
// indices into info().labels. For callers that format many results themselves (`sentio
// analyze`); the class probabilities travel in a separate array.
struct ScoredText {
  std::uint32_t label = 0;           // index of Prediction::label
  float score = 0.f;                 // Prediction::score
  std::uint64_t over_threshold = 0;  // multi-label: bit c set for each labels_over_threshold
};

struct PredictOptions {
  bool explain = false;
  int explain_top_k = 8;
};

// Two classifiers scored together over the same texts (`sentio analyze`'s sentiment and
// emotion models), in one pass that does their common work once. Made by
// Classifier::PairWith; both models must outlive it.
class ClassifierPair {
 public:
  virtual ~ClassifierPair() = default;
  // The first model's ScoreBatch(texts, out_a, probs_a) and the second's ScoreBatch(texts,
  // out_b, probs_b): the same numbers. False when an output is too short for texts.
  virtual bool ScoreBatch(std::span<const std::string_view> texts, std::span<ScoredText> out_a,
                          std::span<float> probs_a, std::span<ScoredText> out_b,
                          std::span<float> probs_b) const = 0;
};

class Classifier {
 public:
  virtual ~Classifier() = default;
  virtual const ModelInfo& info() const = 0;

  // Fills out[i] for texts[i]; out.size() == texts.size(). Never fails on odd text.
  virtual void PredictBatch(std::span<const std::string_view> texts, std::span<Prediction> out,
                            const PredictOptions& opts = {}) const = 0;

  // PredictBatch's results, without explanations, in compact form: out[i] for texts[i] and
  // probs[i * L + c] = its scores[c].second (L = info().labels.size()); same numbers.
  // Returns false, whatever the input, when the model has no such path (the default: then
  // use PredictBatch), or when out / probs are too short for texts.
  virtual bool ScoreBatch(std::span<const std::string_view> /*texts*/, std::span<ScoredText> /*out*/,
                          std::span<float> /*probs*/) const {
    return false;
  }

  // A pair that scores this model and then `second` in one pass, or nullptr when this
  // model kind cannot share work with that one (the default).
  virtual std::unique_ptr<ClassifierPair> PairWith(const Classifier& /*second*/) const { return nullptr; }

  Prediction Predict(std::string_view text, const PredictOptions& opts = {}) const {
    Prediction p;
    PredictBatch({&text, 1}, {&p, 1}, opts);
    return p;
  }
};

// Loads a model directory (model.json decides the kind) or a shipped model by name
// ("sentiment", "emotion", "lexicon"). Shipped models (share/models/<name>/ in the repo)
// are searched in, in order: $SENTIO_MODELS_DIR, <exe dir>/../share/sentio/models,
// <source dir>/share/models (compiled in), ./share/models. "lexicon" is built in.
Result<std::unique_ptr<Classifier>> LoadClassifier(std::string_view name_or_dir);
// Where LoadClassifier looks for name `name`; first existing directory, or error listing all tried.
Result<std::string> ResolveModelDir(std::string_view name_or_dir);

}  // namespace sentio::models
