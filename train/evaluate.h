// Evaluates any Classifier on a labelled dataset with the Meter.
#pragma once

#include "core/status.h"
#include "models/classifier.h"
#include "train/dataset.h"
#include "train/meter.h"

namespace sentio::train {

// The dataset's label names must be the model's labels (read it with
// ReadOptions::labels = model labels). Multi-label models predict the set
// Prediction::labels_over_threshold, or {top label} when it is empty.
Result<Meter> EvaluateClassifier(const models::Classifier& model, const Dataset& data);

}  // namespace sentio::train
