// Meter: classification metrics over a label set (fastText's meter.h, extended).
// Single-label: accuracy, per-class precision/recall/F1, macro recall/F1, confusion
// matrix (rows = gold, columns = predicted). Multi-label: per-label P/R/F1 over label
// sets, macro-F1 (mean over labels), micro-F1 (pooled counts), subset accuracy.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <boost/json.hpp>

namespace sentio::train {

struct ClassStats {
  std::uint64_t tp = 0, fp = 0, fn = 0, support = 0;
  double precision() const { return tp + fp ? static_cast<double>(tp) / static_cast<double>(tp + fp) : 0.0; }
  double recall() const { return tp + fn ? static_cast<double>(tp) / static_cast<double>(tp + fn) : 0.0; }
  double f1() const {
    const double p = precision(), r = recall();
    return p + r > 0 ? 2 * p * r / (p + r) : 0.0;
  }
};

class Meter {
 public:
  Meter(std::vector<std::string> labels, bool multi_label);

  // One example. Single-label: gold and pred hold one index each. Multi-label: sets of
  // label indices (any order, no duplicates).
  void Add(std::span<const std::uint32_t> gold, std::span<const std::uint32_t> pred);

  std::uint64_t n() const { return n_; }
  double accuracy() const;       // exact match of the label (set)
  double macro_recall() const;   // mean over labels of recall
  double macro_precision() const;
  double macro_f1() const;       // mean over labels of F1
  double micro_f1() const;       // pooled tp/fp/fn
  const ClassStats& stats(std::size_t label) const { return stats_[label]; }
  const std::vector<std::string>& labels() const { return labels_; }
  bool multi_label() const { return multi_; }
  // confusion()[gold][pred] (single-label only; empty for multi-label).
  const std::vector<std::vector<std::uint64_t>>& confusion() const { return confusion_; }

  // {"n","accuracy","macro_recall","macro_precision","macro_f1","per_class":{label:{precision,
  //  recall,f1,support}},"confusion":{"labels":[...],"matrix":[[...]]}} ; multi-label adds
  // "micro_f1" and confusion per label {tp,fp,fn,tn}.
  boost::json::object ToJson() const;
  // A readable table for terminals.
  std::string ToTable() const;

 private:
  std::vector<std::string> labels_;
  bool multi_;
  std::uint64_t n_ = 0, exact_ = 0;
  std::vector<ClassStats> stats_;
  std::vector<std::vector<std::uint64_t>> confusion_;
};

}  // namespace sentio::train
