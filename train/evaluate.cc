#include "train/evaluate.h"

#include <algorithm>
#include <unordered_map>

namespace sentio::train {

Result<Meter> EvaluateClassifier(const models::Classifier& model, const Dataset& data) {
  const auto& labels = model.info().labels;
  if (data.label_names != labels) {
    return InvalidArgument(data.path + ": dataset labels do not match the model's labels");
  }
  std::unordered_map<std::string, std::uint32_t> index;
  for (std::uint32_t i = 0; i < labels.size(); ++i) index[labels[i]] = i;
  Meter meter(labels, model.info().multi_label);
  constexpr std::size_t kBatch = 256;
  std::vector<std::string_view> texts;
  std::vector<Prediction> preds(kBatch);
  std::vector<std::uint32_t> pred;
  for (std::size_t start = 0; start < data.examples.size(); start += kBatch) {
    const std::size_t n = std::min(kBatch, data.examples.size() - start);
    texts.clear();
    for (std::size_t i = 0; i < n; ++i) texts.push_back(data.examples[start + i].text);
    model.PredictBatch(texts, std::span<Prediction>(preds.data(), n));
    for (std::size_t i = 0; i < n; ++i) {
      pred.clear();
      const Prediction& p = preds[i];
      if (model.info().multi_label && !p.labels_over_threshold.empty()) {
        for (const auto& l : p.labels_over_threshold) {
          if (auto it = index.find(l); it != index.end()) pred.push_back(it->second);
        }
      } else if (auto it = index.find(p.label); it != index.end()) {
        pred.push_back(it->second);
      }
      meter.Add(data.examples[start + i].labels, pred);
    }
  }
  return meter;
}

}  // namespace sentio::train
