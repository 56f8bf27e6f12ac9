#include "core/metrics.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

namespace sentio {

namespace metrics_detail {
std::size_t ShardIndex() noexcept {
  static std::atomic<std::size_t> next{0};
  thread_local const std::size_t idx = next.fetch_add(1, std::memory_order_relaxed) % kShards;
  return idx;
}
}  // namespace metrics_detail

double Counter::value() const noexcept {
  double s = 0;
  for (const auto& c : cells_) s += c.v.load(std::memory_order_relaxed);
  return s;
}

Histogram::Histogram(std::shared_ptr<const std::vector<double>> bounds) : bounds_(std::move(bounds)) {
  const std::size_t n = bounds_->size() + 1;
  for (auto& s : shards_) {
    s.buckets = std::make_unique<std::atomic<std::uint64_t>[]>(n);
    for (std::size_t i = 0; i < n; ++i) s.buckets[i].store(0, std::memory_order_relaxed);
  }
}

void Histogram::Observe(double v) noexcept {
  const auto& b = *bounds_;
  // Bounds are few (<= ~20): a linear scan beats binary search on branch prediction.
  std::size_t i = 0;
  while (i < b.size() && v > b[i]) ++i;
  Shard& s = shards_[metrics_detail::ShardIndex()];
  s.buckets[i].fetch_add(1, std::memory_order_relaxed);
  s.sum.fetch_add(v, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::snapshot() const {
  const std::size_t n = bounds_->size() + 1;
  Snapshot snap;
  snap.cumulative.assign(n, 0);
  for (const auto& s : shards_) {
    for (std::size_t i = 0; i < n; ++i) snap.cumulative[i] += s.buckets[i].load(std::memory_order_relaxed);
    snap.sum += s.sum.load(std::memory_order_relaxed);
  }
  for (std::size_t i = 1; i < n; ++i) snap.cumulative[i] += snap.cumulative[i - 1];
  snap.count = snap.cumulative[n - 1];
  return snap;
}

std::vector<double> DurationBuckets() {
  return {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

std::vector<double> ExponentialBuckets(double start, double factor, int count) {
  std::vector<double> b;
  double v = start;
  for (int i = 0; i < count; ++i, v *= factor) b.push_back(v);
  return b;
}

std::string EscapeLabelValue(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      case '\n': out += "\\n"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

CounterFamily& Metrics::AddCounter(const std::string& name, const std::string& help, std::vector<std::string> labels) {
  std::lock_guard lk(mu_);
  auto it = entries_.find(name);
  if (it != entries_.end()) {
    if (it->second.kind == Entry::kCounter) return *it->second.counter;
    auto e = std::make_unique<Entry>(Entry{Entry::kCounter});
    e->counter = std::make_unique<CounterFamily>(name, help, std::move(labels), [] { return std::make_unique<Counter>(); });
    orphans_.push_back(std::move(e));
    return *orphans_.back()->counter;
  }
  Entry& e = entries_[name];
  e.kind = Entry::kCounter;
  e.help = help;
  e.counter = std::make_unique<CounterFamily>(name, help, std::move(labels), [] { return std::make_unique<Counter>(); });
  return *e.counter;
}

GaugeFamily& Metrics::AddGauge(const std::string& name, const std::string& help, std::vector<std::string> labels) {
  std::lock_guard lk(mu_);
  auto it = entries_.find(name);
  if (it != entries_.end()) {
    if (it->second.kind == Entry::kGauge) return *it->second.gauge;
    auto e = std::make_unique<Entry>(Entry{Entry::kGauge});
    e->gauge = std::make_unique<GaugeFamily>(name, help, std::move(labels), [] { return std::make_unique<Gauge>(); });
    orphans_.push_back(std::move(e));
    return *orphans_.back()->gauge;
  }
  Entry& e = entries_[name];
  e.kind = Entry::kGauge;
  e.help = help;
  e.gauge = std::make_unique<GaugeFamily>(name, help, std::move(labels), [] { return std::make_unique<Gauge>(); });
  return *e.gauge;
}

HistogramFamily& Metrics::AddHistogram(const std::string& name, const std::string& help,
                                       std::vector<std::string> labels, std::vector<double> bounds) {
  std::sort(bounds.begin(), bounds.end());
  bounds.erase(std::unique(bounds.begin(), bounds.end()), bounds.end());
  auto shared = std::make_shared<const std::vector<double>>(std::move(bounds));
  auto factory = [shared] { return std::make_unique<Histogram>(shared); };
  std::lock_guard lk(mu_);
  auto it = entries_.find(name);
  if (it != entries_.end()) {
    if (it->second.kind == Entry::kHistogram) return *it->second.histogram;
    auto e = std::make_unique<Entry>(Entry{Entry::kHistogram});
    e->histogram = std::make_unique<HistogramFamily>(name, help, std::move(labels), factory);
    orphans_.push_back(std::move(e));
    return *orphans_.back()->histogram;
  }
  Entry& e = entries_[name];
  e.kind = Entry::kHistogram;
  e.help = help;
  e.histogram = std::make_unique<HistogramFamily>(name, help, std::move(labels), factory);
  return *e.histogram;
}

void Metrics::AddCallbackGauge(const std::string& name, const std::string& help, std::function<double()> fn) {
  std::lock_guard lk(mu_);
  Entry& e = entries_[name];
  if (e.counter || e.gauge || e.histogram) return;  // name taken by another kind
  e.kind = Entry::kCallback;
  e.help = help;
  e.callback = std::move(fn);
}

namespace {

void AppendNumber(std::string& out, double v) {
  if (std::isnan(v)) {
    out += "NaN";
  } else if (std::isinf(v)) {
    out += v > 0 ? "+Inf" : "-Inf";
  } else if (v == std::floor(v) && std::fabs(v) < 1e15) {
    out += std::to_string(static_cast<long long>(v));
  } else {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.9g", v);
    out += buf;
  }
}

void AppendLabels(std::string& out, const std::vector<std::string>& names, const std::vector<std::string>& values,
                  std::string_view extra_name = {}, std::string_view extra_value = {}) {
  if (names.empty() && extra_name.empty()) return;
  out.push_back('{');
  bool first = true;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (!first) out.push_back(',');
    first = false;
    out += names[i];
    out += "=\"";
    out += EscapeLabelValue(i < values.size() ? values[i] : std::string());
    out.push_back('"');
  }
  if (!extra_name.empty()) {
    if (!first) out.push_back(',');
    out += extra_name;
    out += "=\"";
    out += extra_value;
    out.push_back('"');
  }
  out.push_back('}');
}

void AppendHeader(std::string& out, const std::string& name, const std::string& help, std::string_view type) {
  out += "# HELP ";
  out += name;
  out.push_back(' ');
  for (char c : help) {
    if (c == '\n') out += "\\n";
    else if (c == '\\') out += "\\\\";
    else out.push_back(c);
  }
  out += "\n# TYPE ";
  out += name;
  out.push_back(' ');
  out += type;
  out.push_back('\n');
}

}  // namespace

std::string Metrics::Render() const {
  std::lock_guard lk(mu_);
  std::map<std::string, const Entry*> sorted;
  for (const auto& [name, e] : entries_) sorted.emplace(name, &e);
  std::string out;
  out.reserve(4096);
  for (const auto& kv : sorted) {
    const std::string& name = kv.first;  // not a structured binding: lambdas below capture it
    const Entry* e = kv.second;
    switch (e->kind) {
      case Entry::kCounter:
        AppendHeader(out, name, e->help, "counter");
        e->counter->ForEach([&](const std::vector<std::string>& vals, const Counter& c) {
          out += name;
          AppendLabels(out, e->counter->label_names(), vals);
          out.push_back(' ');
          AppendNumber(out, c.value());
          out.push_back('\n');
        });
        break;
      case Entry::kGauge:
        AppendHeader(out, name, e->help, "gauge");
        e->gauge->ForEach([&](const std::vector<std::string>& vals, const Gauge& g) {
          out += name;
          AppendLabels(out, e->gauge->label_names(), vals);
          out.push_back(' ');
          AppendNumber(out, g.value());
          out.push_back('\n');
        });
        break;
      case Entry::kCallback:
        AppendHeader(out, name, e->help, "gauge");
        out += name;
        out.push_back(' ');
        AppendNumber(out, e->callback ? e->callback() : 0.0);
        out.push_back('\n');
        break;
      case Entry::kHistogram: {
        AppendHeader(out, name, e->help, "histogram");
        const auto& names = e->histogram->label_names();
        e->histogram->ForEach([&](const std::vector<std::string>& vals, const Histogram& h) {
          auto snap = h.snapshot();
          const auto& b = h.bounds();
          for (std::size_t i = 0; i <= b.size(); ++i) {
            std::string le;
            if (i == b.size()) {
              le = "+Inf";
            } else {
              AppendNumber(le, b[i]);
            }
            out += name;
            out += "_bucket";
            AppendLabels(out, names, vals, "le", le);
            out.push_back(' ');
            AppendNumber(out, static_cast<double>(snap.cumulative[i]));
            out.push_back('\n');
          }
          out += name;
          out += "_sum";
          AppendLabels(out, names, vals);
          out.push_back(' ');
          AppendNumber(out, snap.sum);
          out.push_back('\n');
          out += name;
          out += "_count";
          AppendLabels(out, names, vals);
          out.push_back(' ');
          AppendNumber(out, static_cast<double>(snap.count));
          out.push_back('\n');
        });
        break;
      }
    }
  }
  return out;
}

}  // namespace sentio
