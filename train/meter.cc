#include "train/meter.h"

#include <algorithm>
#include <cstdio>

namespace sentio::train {

Meter::Meter(std::vector<std::string> labels, bool multi_label)
    : labels_(std::move(labels)), multi_(multi_label), stats_(labels_.size()) {
  if (!multi_) confusion_.assign(labels_.size(), std::vector<std::uint64_t>(labels_.size(), 0));
}

void Meter::Add(std::span<const std::uint32_t> gold, std::span<const std::uint32_t> pred) {
  const std::size_t L = labels_.size();
  ++n_;
  auto in = [](std::span<const std::uint32_t> s, std::uint32_t x) {
    return std::find(s.begin(), s.end(), x) != s.end();
  };
  bool exact = gold.size() == pred.size();
  for (auto g : gold) {
    if (g >= L) continue;
    ++stats_[g].support;
    if (in(pred, g)) {
      ++stats_[g].tp;
    } else {
      ++stats_[g].fn;
      exact = false;
    }
  }
  for (auto p : pred) {
    if (p >= L) continue;
    if (!in(gold, p)) {
      ++stats_[p].fp;
      exact = false;
    }
  }
  if (exact) ++exact_;
  if (!multi_ && !gold.empty() && !pred.empty() && gold[0] < L && pred[0] < L) ++confusion_[gold[0]][pred[0]];
}

double Meter::accuracy() const { return n_ ? static_cast<double>(exact_) / static_cast<double>(n_) : 0.0; }

double Meter::macro_recall() const {
  if (stats_.empty()) return 0.0;
  double s = 0;
  for (const auto& c : stats_) s += c.recall();
  return s / static_cast<double>(stats_.size());
}

double Meter::macro_precision() const {
  if (stats_.empty()) return 0.0;
  double s = 0;
  for (const auto& c : stats_) s += c.precision();
  return s / static_cast<double>(stats_.size());
}

double Meter::macro_f1() const {
  if (stats_.empty()) return 0.0;
  double s = 0;
  for (const auto& c : stats_) s += c.f1();
  return s / static_cast<double>(stats_.size());
}

double Meter::micro_f1() const {
  std::uint64_t tp = 0, fp = 0, fn = 0;
  for (const auto& c : stats_) {
    tp += c.tp;
    fp += c.fp;
    fn += c.fn;
  }
  const double denom = static_cast<double>(2 * tp + fp + fn);
  return denom > 0 ? 2.0 * static_cast<double>(tp) / denom : 0.0;
}

boost::json::object Meter::ToJson() const {
  boost::json::object o;
  o["n"] = n_;
  o["accuracy"] = accuracy();
  o["macro_recall"] = macro_recall();
  o["macro_precision"] = macro_precision();
  o["macro_f1"] = macro_f1();
  if (multi_) o["micro_f1"] = micro_f1();
  boost::json::object per;
  for (std::size_t i = 0; i < labels_.size(); ++i) {
    boost::json::object c;
    c["precision"] = stats_[i].precision();
    c["recall"] = stats_[i].recall();
    c["f1"] = stats_[i].f1();
    c["support"] = stats_[i].support;
    per[labels_[i]] = std::move(c);
  }
  o["per_class"] = std::move(per);
  boost::json::object conf;
  boost::json::array labs;
  for (const auto& l : labels_) labs.emplace_back(l);
  conf["labels"] = std::move(labs);
  if (multi_) {
    boost::json::object per_label;
    for (std::size_t i = 0; i < labels_.size(); ++i) {
      const auto& s = stats_[i];
      boost::json::object c;
      c["tp"] = s.tp;
      c["fp"] = s.fp;
      c["fn"] = s.fn;
      c["tn"] = n_ - s.tp - s.fp - s.fn;
      per_label[labels_[i]] = std::move(c);
    }
    conf["per_label"] = std::move(per_label);
  } else {
    boost::json::array m;
    for (const auto& row : confusion_) {
      boost::json::array r;
      for (auto v : row) r.emplace_back(v);
      m.emplace_back(std::move(r));
    }
    conf["matrix"] = std::move(m);
  }
  o["confusion"] = std::move(conf);
  return o;
}

std::string Meter::ToTable() const {
  std::string out;
  char buf[256];
  std::size_t w = 9;
  for (const auto& l : labels_) w = std::max(w, l.size() + 1);
  const int wi = static_cast<int>(w);
  std::snprintf(buf, sizeof buf, "%-*s %9s %9s %9s %9s\n", wi, "label", "precision", "recall", "f1", "support");
  out += buf;
  for (std::size_t i = 0; i < labels_.size(); ++i) {
    std::snprintf(buf, sizeof buf, "%-*s %9.4f %9.4f %9.4f %9llu\n", wi, labels_[i].c_str(),
                  stats_[i].precision(), stats_[i].recall(), stats_[i].f1(),
                  static_cast<unsigned long long>(stats_[i].support));
    out += buf;
  }
  std::snprintf(buf, sizeof buf, "\nn=%llu  accuracy=%.4f  macro_recall=%.4f  macro_f1=%.4f",
                static_cast<unsigned long long>(n_), accuracy(), macro_recall(), macro_f1());
  out += buf;
  if (multi_) {
    std::snprintf(buf, sizeof buf, "  micro_f1=%.4f", micro_f1());
    out += buf;
  }
  out += "\n";
  if (!multi_) {
    out += "\nconfusion (rows = gold, columns = predicted)\n";
    std::snprintf(buf, sizeof buf, "%-*s", wi, "");
    out += buf;
    for (const auto& l : labels_) {
      std::snprintf(buf, sizeof buf, " %9.9s", l.c_str());
      out += buf;
    }
    out += "\n";
    for (std::size_t i = 0; i < labels_.size(); ++i) {
      std::snprintf(buf, sizeof buf, "%-*s", wi, labels_[i].c_str());
      out += buf;
      for (auto v : confusion_[i]) {
        std::snprintf(buf, sizeof buf, " %9llu", static_cast<unsigned long long>(v));
        out += buf;
      }
      out += "\n";
    }
  }
  return out;
}

}  // namespace sentio::train
