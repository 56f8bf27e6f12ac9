// Trainer for models/linear: AdaGrad on softmax cross-entropy (single-label) or one-vs-rest
// binary cross-entropy (multi-label) over hashed n-gram features, then quantisation and
// calibration on the validation split.
//
// Determinism: with threads == 1 the result is a pure function of (data, options, seed):
// the same weights.bin bytes every run. With threads > 1 training is Hogwild (lock-free
// updates of shared weights by every thread, fastText-style), so the interleaving of
// updates -- and hence the weights -- may differ from run to run; metrics vary slightly.
//
// Steps: featurise every example once -> for each of `seeds` seeds, `epochs` passes in a
// seeded shuffled order with early stopping on the validation metric (best epoch kept)
// -> average the seeds' weights -> quantise -> fit calibration on validation
// (single-label: per-label logit offsets maximising the metric, then temperature by NLL;
// multi-label: temperature by NLL, then per-label F1-optimal thresholds) -> metrics.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/status.h"
#include "models/linear/linear_model.h"
#include "train/dataset.h"

namespace sentio::train {

enum class ClassWeight { kNone, kBalanced, kSqrt };

struct TrainOptions {
  models::linear::FeatureConfig features;
  int epochs = 10;
  float lr = 0.2f;
  int threads = 1;
  std::uint64_t seed = 1;
  int seeds = 1;                    // models trained with seed, seed+1, ... and averaged
  ClassWeight class_weight = ClassWeight::kBalanced;
  int patience = 3;                 // epochs without validation improvement before stopping
  std::string metric = "macro_f1";  // early stopping / bias tuning: macro_f1|macro_recall|accuracy
  bool tune_bias = true;            // single-label: per-label logit offsets tuned on validation
  models::linear::DType dtype = models::linear::DType::kInt8;
  double valid_fraction = 0.1;      // held out from train when no validation set is given
  std::string name = "linear";
  std::string version = "1";
  std::string task = "sentiment";
  bool progress = true;             // progress bar (TTY) or log lines on stderr
};

struct TrainReport {
  int best_epoch = 0;       // of the last seed
  double seconds = 0;
  std::string metrics_json;  // validation metrics of the final (quantised, calibrated) model
};

Result<std::unique_ptr<models::linear::LinearModel>> TrainLinear(const Dataset& train, const Dataset* valid,
                                                                 const TrainOptions& opts,
                                                                 TrainReport* report = nullptr);

Result<ClassWeight> ParseClassWeight(std::string_view s);

}  // namespace sentio::train
