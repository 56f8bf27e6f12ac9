// Metrics: a small Prometheus registry (counters, gauges, histograms, with labels) and
// its text exposition format. No global instance: the composition root builds one
// `Metrics` and passes it to whoever records.
//
// Hot path: look a labelled child up once (`family.With({"GET", "/api/x"})` takes a
// shared lock + hash lookup) and keep the returned reference — children live as long as
// the registry. Recording on a child is lock-free: values are sharded across cache lines
// by thread so concurrent writers do not bounce one line.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace sentio {

namespace metrics_detail {
inline constexpr std::size_t kShards = 8;
std::size_t ShardIndex() noexcept;  // stable per thread
struct alignas(64) DoubleCell {
  std::atomic<double> v{0.0};
  void Add(double d) noexcept { v.fetch_add(d, std::memory_order_relaxed); }
};
}  // namespace metrics_detail

// Monotonic counter (Prometheus `counter`; names should end in `_total`).
class Counter {
 public:
  void Inc(double v = 1.0) noexcept { cells_[metrics_detail::ShardIndex()].Add(v); }
  double value() const noexcept;

 private:
  std::array<metrics_detail::DoubleCell, metrics_detail::kShards> cells_;
};

// A value that goes up and down.
class Gauge {
 public:
  void Set(double v) noexcept { v_.store(v, std::memory_order_relaxed); }
  void Add(double d) noexcept { v_.fetch_add(d, std::memory_order_relaxed); }
  double value() const noexcept { return v_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> v_{0.0};
};

// Cumulative histogram over fixed upper bounds (+Inf implied).
class Histogram {
 public:
  explicit Histogram(std::shared_ptr<const std::vector<double>> bounds);
  void Observe(double v) noexcept;
  struct Snapshot {
    std::vector<std::uint64_t> cumulative;  // one per bound, then +Inf
    double sum = 0;
    std::uint64_t count = 0;
  };
  Snapshot snapshot() const;
  const std::vector<double>& bounds() const { return *bounds_; }

 private:
  struct alignas(64) Shard {
    std::unique_ptr<std::atomic<std::uint64_t>[]> buckets;  // bounds + 1
    std::atomic<double> sum{0.0};
  };
  std::shared_ptr<const std::vector<double>> bounds_;
  std::array<Shard, metrics_detail::kShards> shards_;
};

// Default buckets for durations in seconds (100us .. 10s).
std::vector<double> DurationBuckets();
// Exponential buckets: start, start*factor, ... (count bounds).
std::vector<double> ExponentialBuckets(double start, double factor, int count);

// A metric name + help + label names, with one child per label-value tuple.
template <typename T>
class Family {
 public:
  using Factory = std::function<std::unique_ptr<T>()>;
  Family(std::string name, std::string help, std::vector<std::string> label_names, Factory make)
      : name_(std::move(name)), help_(std::move(help)), label_names_(std::move(label_names)), make_(std::move(make)) {}

  // The child for these label values (in label_names order; missing values are ""). The
  // reference stays valid for the registry's lifetime.
  T& With(std::initializer_list<std::string_view> values) { return WithSpan(values.begin(), values.size()); }
  T& With(const std::vector<std::string>& values);

  const std::string& name() const { return name_; }
  const std::string& help() const { return help_; }
  const std::vector<std::string>& label_names() const { return label_names_; }
  // Visits every child (label values, child) under the lock; order is creation order.
  void ForEach(const std::function<void(const std::vector<std::string>&, const T&)>& fn) const;

 private:
  T& WithSpan(const std::string_view* v, std::size_t n);
  std::string name_, help_;
  std::vector<std::string> label_names_;
  Factory make_;
  mutable std::shared_mutex mu_;
  std::unordered_map<std::string, std::size_t> index_;                    // guarded by mu_
  std::vector<std::pair<std::vector<std::string>, std::unique_ptr<T>>> children_;  // guarded by mu_
};

using CounterFamily = Family<Counter>;
using GaugeFamily = Family<Gauge>;
using HistogramFamily = Family<Histogram>;

class Metrics {
 public:
  Metrics() = default;
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // Registering the same name twice returns the existing family (kinds must match,
  // otherwise a fresh unexported family is returned so callers never crash).
  CounterFamily& AddCounter(const std::string& name, const std::string& help,
                            std::vector<std::string> labels = {});
  GaugeFamily& AddGauge(const std::string& name, const std::string& help, std::vector<std::string> labels = {});
  HistogramFamily& AddHistogram(const std::string& name, const std::string& help, std::vector<std::string> labels,
                                std::vector<double> bounds);
  // A gauge read at scrape time (e.g. queue depth, pool sizes). `fn` must be quick and thread-safe.
  void AddCallbackGauge(const std::string& name, const std::string& help, std::function<double()> fn);

  // Prometheus text exposition format 0.0.4 (families sorted by name).
  std::string Render() const;

 private:
  struct Entry {
    enum Kind { kCounter, kGauge, kHistogram, kCallback } kind;
    std::unique_ptr<CounterFamily> counter;
    std::unique_ptr<GaugeFamily> gauge;
    std::unique_ptr<HistogramFamily> histogram;
    std::string help;
    std::function<double()> callback;
  };
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;  // guarded by mu_
  std::vector<std::unique_ptr<Entry>> orphans_;      // guarded by mu_ (kind clashes)
};

// Escapes a label value for the exposition format (\\, \", \n).
std::string EscapeLabelValue(std::string_view v);

// ---- template implementation ----
template <typename T>
T& Family<T>::WithSpan(const std::string_view* v, std::size_t n) {
  std::string key;
  for (std::size_t i = 0; i < n; ++i) {
    key.append(v[i]);
    key.push_back('\x1f');
  }
  {
    std::shared_lock lk(mu_);
    auto it = index_.find(key);
    if (it != index_.end()) return *children_[it->second].second;
  }
  std::unique_lock lk(mu_);
  auto it = index_.find(key);
  if (it != index_.end()) return *children_[it->second].second;
  std::vector<std::string> values(label_names_.size());
  for (std::size_t i = 0; i < n && i < values.size(); ++i) values[i] = std::string(v[i]);
  children_.emplace_back(std::move(values), make_());
  index_.emplace(std::move(key), children_.size() - 1);
  return *children_.back().second;
}

template <typename T>
T& Family<T>::With(const std::vector<std::string>& values) {
  std::vector<std::string_view> v(values.begin(), values.end());
  return WithSpan(v.data(), v.size());
}

template <typename T>
void Family<T>::ForEach(const std::function<void(const std::vector<std::string>&, const T&)>& fn) const {
  std::shared_lock lk(mu_);
  for (const auto& [vals, child] : children_) fn(vals, *child);
}

}  // namespace sentio
