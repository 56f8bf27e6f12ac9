#include "train/linear_trainer.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <numeric>
#include <random>
#include <thread>

#include "core/clock.h"
#include "core/json_writer.h"
#include "text/hashing.h"
#include "train/evaluate.h"
#include "train/meter.h"

namespace sentio::train {
namespace lin = models::linear;

namespace {

// Features of every example, CSR.
struct FeatureMatrix {
  std::vector<std::uint32_t> offsets{0};
  std::vector<std::uint32_t> feats;
  std::size_t rows() const { return offsets.size() - 1; }
};

FeatureMatrix Featurize(const std::vector<const Example*>& ex, const lin::FeatureConfig& cfg,
                        const lin::LexiconFeaturizer* lex, int threads) {
  const std::size_t n = ex.size();
  const std::size_t T = static_cast<std::size_t>(std::max(1, threads));
  std::vector<FeatureMatrix> parts(T);
  const text::Tokenizer tokenizer(lin::TokenizerFor(cfg));
  auto work = [&](std::size_t t) {
    const std::size_t b = n * t / T, e = n * (t + 1) / T;
    text::TokenizedText tok;
    std::vector<std::uint32_t> f(lin::kMaxFeatures);
    FeatureMatrix& m = parts[t];
    for (std::size_t i = b; i < e; ++i) {
      tokenizer.Tokenize(ex[i]->text, tok);
      lin::LexiconScores ls;
      if (lex) ls = lex->Score(tok);
      const std::size_t nf = lin::ExtractFeatures(tok, cfg, lex ? &ls : nullptr, f.data(), nullptr);
      m.feats.insert(m.feats.end(), f.begin(), f.begin() + static_cast<std::ptrdiff_t>(nf));
      m.offsets.push_back(static_cast<std::uint32_t>(m.feats.size()));
    }
  };
  std::vector<std::thread> th;
  for (std::size_t t = 1; t < T; ++t) th.emplace_back(work, t);
  work(0);
  for (auto& t : th) t.join();
  FeatureMatrix out = std::move(parts[0]);
  for (std::size_t t = 1; t < T; ++t) {
    const auto base = static_cast<std::uint32_t>(out.feats.size());
    out.feats.insert(out.feats.end(), parts[t].feats.begin(), parts[t].feats.end());
    for (std::size_t i = 1; i < parts[t].offsets.size(); ++i) out.offsets.push_back(base + parts[t].offsets[i]);
  }
  return out;
}

inline float Ld(float& x) { return std::atomic_ref<float>(x).load(std::memory_order_relaxed); }
inline void St(float& x, float v) { std::atomic_ref<float>(x).store(v, std::memory_order_relaxed); }

struct Params {
  std::size_t L = 0;
  std::vector<float> w, g, b, gb;
};

// raw logits of row r with float weights
void RowLogits(const FeatureMatrix& m, std::size_t r, Params& p, float* z) {
  const std::size_t L = p.L;
  const std::uint32_t s = m.offsets[r], e = m.offsets[r + 1];
  const float norm = e > s ? 1.f / std::sqrt(static_cast<float>(e - s)) : 0.f;
  float acc[64] = {};
  for (std::uint32_t k = s; k < e; ++k) {
    float* row = &p.w[static_cast<std::size_t>(m.feats[k]) * L];
    for (std::size_t c = 0; c < L; ++c) acc[c] += Ld(row[c]);
  }
  for (std::size_t c = 0; c < L; ++c) z[c] = Ld(p.b[c]) + acc[c] * norm;
}

void Softmax(float* z, std::size_t L) {
  float mx = *std::max_element(z, z + L), sum = 0;
  for (std::size_t c = 0; c < L; ++c) sum += (z[c] = std::exp(z[c] - mx));
  for (std::size_t c = 0; c < L; ++c) z[c] /= sum;
}

inline float Sigmoid(float v) { return 1.f / (1.f + std::exp(-v)); }

double MetricOf(const Meter& m, const std::string& metric) {
  if (metric == "macro_recall") return m.macro_recall();
  if (metric == "accuracy") return m.accuracy();
  if (metric == "micro_f1") return m.micro_f1();
  return m.macro_f1();
}

// Per-label thresholds maximising F1 of that label (exact sweep over sorted scores).
std::vector<float> TuneThresholds(const std::vector<float>& probs, std::size_t L,
                                  const std::vector<const Example*>& ex) {
  const std::size_t n = ex.size();
  std::vector<float> thr(L, 0.5f);
  std::vector<std::pair<float, bool>> v(n);
  for (std::size_t c = 0; c < L; ++c) {
    std::size_t P = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const bool y = std::find(ex[i]->labels.begin(), ex[i]->labels.end(), c) != ex[i]->labels.end();
      v[i] = {probs[i * L + c], y};
      P += y;
    }
    std::sort(v.begin(), v.end(), [](auto& a, auto& b) { return a.first > b.first; });
    double best = -1;
    std::size_t tp = 0;
    for (std::size_t k = 1; k <= n; ++k) {
      tp += v[k - 1].second;
      if (k < n && v[k].first == v[k - 1].first) continue;
      const double f1 = 2.0 * static_cast<double>(tp) / static_cast<double>(k + P);
      if (f1 > best) {
        best = f1;
        thr[c] = k < n ? 0.5f * (v[k - 1].first + v[k].first) : v[k - 1].first;
      }
    }
  }
  return thr;
}

// Meter for precomputed scores: single-label argmax(z + adj); multi-label p >= thr, else top.
Meter Score(const std::vector<float>& z, std::size_t L, const std::vector<const Example*>& ex,
            const std::vector<std::string>& labels, bool multi, const std::vector<float>& adj_or_thr) {
  Meter m(labels, multi);
  std::vector<std::uint32_t> pred;
  for (std::size_t i = 0; i < ex.size(); ++i) {
    const float* zi = &z[i * L];
    pred.clear();
    std::uint32_t top = 0;
    if (!multi) {
      for (std::uint32_t c = 1; c < L; ++c) {
        if (zi[c] + adj_or_thr[c] > zi[top] + adj_or_thr[top]) top = c;
      }
      pred.push_back(top);
    } else {
      for (std::uint32_t c = 0; c < L; ++c) {
        if (zi[c] > zi[top]) top = c;
        if (zi[c] >= adj_or_thr[c]) pred.push_back(c);
      }
      if (pred.empty()) pred.push_back(top);
    }
    m.Add(ex[i]->labels, pred);
  }
  return m;
}

class Progress {
 public:
  explicit Progress(bool on) : on_(on), tty_(on && ::isatty(2) != 0) {}
  void Bar(int seed, int seeds, int epoch, int epochs, double frac) {
    if (!tty_) return;
    const int width = 30, fill = static_cast<int>(frac * width);
    std::fprintf(stderr, "\r[seed %d/%d] epoch %d/%d [%.*s%*s] %3d%%", seed, seeds, epoch, epochs, fill,
                 "##############################", width - fill, "", static_cast<int>(frac * 100));
    std::fflush(stderr);
  }
  void Line(const std::string& s) {
    if (!on_) return;
    if (tty_) std::fputs("\r\033[K", stderr);
    std::fprintf(stderr, "%s\n", s.c_str());
  }

 private:
  bool on_, tty_;
};

}  // namespace

Result<ClassWeight> ParseClassWeight(std::string_view s) {
  if (s == "balanced") return ClassWeight::kBalanced;
  if (s == "none") return ClassWeight::kNone;
  if (s == "sqrt") return ClassWeight::kSqrt;
  return InvalidArgument("--class-weight must be balanced, sqrt or none (got \"" + std::string(s) + "\")");
}

Result<std::unique_ptr<lin::LinearModel>> TrainLinear(const Dataset& train, const Dataset* valid,
                                                     const TrainOptions& o, TrainReport* report) {
  const auto t0 = std::chrono::steady_clock::now();
  const std::size_t L = train.label_names.size();
  if (L < 2) return InvalidArgument(train.path + ": need at least 2 labels, found " + std::to_string(L));
  if (L > 60) return InvalidArgument(train.path + ": too many labels (max 60)");
  if (o.epochs < 1 || o.lr <= 0 || o.threads < 1 || o.seeds < 1 || o.features.buckets == 0) {
    return InvalidArgument("epochs, lr, threads, seeds and buckets must be positive");
  }
  if (o.features.maxn > 0 && (o.features.minn < 1 || o.features.minn > o.features.maxn)) {
    return InvalidArgument("char n-grams need 1 <= minn <= maxn");
  }
  if (valid && valid->label_names != train.label_names) {
    return InvalidArgument("validation labels differ from training labels");
  }
  const bool multi = train.multi_label;
  Progress progress(o.progress);

  // Train / validation example lists.
  std::vector<const Example*> tr, va;
  if (valid) {
    for (const auto& e : train.examples) tr.push_back(&e);
    for (const auto& e : valid->examples) va.push_back(&e);
  } else {
    const auto cut = static_cast<std::uint64_t>(std::clamp(o.valid_fraction, 0.01, 0.5) * 1000.0);
    for (std::size_t i = 0; i < train.examples.size(); ++i) {
      const bool hold = text::Mix64(i ^ (o.seed * 0x9e3779b97f4a7c15ULL)) % 1000 < cut;
      (hold ? va : tr).push_back(&train.examples[i]);
    }
    if (va.empty() || tr.empty()) return InvalidArgument(train.path + ": too few examples to hold out validation");
  }
  for (const Example* e : tr) {
    if (e->labels.empty()) return InvalidArgument(train.path + ":" + std::to_string(e->line) + ": no label");
  }

  std::shared_ptr<const lin::LexiconFeaturizer> lex;
  if (o.features.lexicon_features) {
    lex = lin::MakeVaderFeaturizer(lin::TokenizerFor(o.features).token_hash);
    if (!lex) return Unavailable("lexicon features requested but the VADER lexicon is unavailable");
  }
  const FeatureMatrix Xtr = Featurize(tr, o.features, lex.get(), o.threads);
  const FeatureMatrix Xva = Featurize(va, o.features, lex.get(), o.threads);
  {
    char buf[160];
    std::snprintf(buf, sizeof buf, "featurised %zu train + %zu validation texts (%.1f features/text) in %.1fs",
                  tr.size(), va.size(), static_cast<double>(Xtr.feats.size()) / static_cast<double>(tr.size()),
                  std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    progress.Line(buf);
  }

  // Class weights.
  std::vector<std::size_t> counts(L, 0);
  for (const Example* e : tr) {
    for (auto l : e->labels) ++counts[l];
  }
  const double N = static_cast<double>(tr.size());
  std::vector<float> cw(L, 1.f), pos_w(L, 1.f), neg_w(L, 1.f);
  for (std::size_t c = 0; c < L; ++c) {
    const double nc = std::max<double>(1.0, static_cast<double>(counts[c]));
    const double nneg = std::max(1.0, N - nc);
    double wc = 1, wp = 1, wn = 1;
    if (o.class_weight == ClassWeight::kBalanced) {
      wc = N / (static_cast<double>(L) * nc);
      wp = N / (2 * nc);
      wn = N / (2 * nneg);
    } else if (o.class_weight == ClassWeight::kSqrt) {
      wc = std::sqrt(N / (static_cast<double>(L) * nc));
      wp = std::sqrt(N / (2 * nc));
      wn = std::sqrt(N / (2 * nneg));
    }
    cw[c] = static_cast<float>(wc);
    pos_w[c] = static_cast<float>(wp);
    neg_w[c] = static_cast<float>(wn);
  }

  const std::size_t B = o.features.buckets;
  std::vector<float> avg_w(B * L, 0.f), avg_b(L, 0.f);
  std::vector<float> zva(va.size() * L);
  int best_epoch = 0;
  boost::json::array hist;

  for (int s = 0; s < o.seeds; ++s) {
    Params p;
    p.L = L;
    p.w.assign(B * L, 0.f);
    p.g.assign(B * L, 0.f);
    p.b.assign(L, 0.f);
    p.gb.assign(L, 0.f);
    std::vector<float> best_w, best_b;
    double best_metric = -1;
    best_epoch = 0;
    std::mt19937_64 rng(o.seed + static_cast<std::uint64_t>(s) * 1000003ULL);
    std::vector<std::uint32_t> order(tr.size());
    std::iota(order.begin(), order.end(), 0u);
    for (int epoch = 1; epoch <= o.epochs; ++epoch) {
      const auto te = std::chrono::steady_clock::now();
      for (std::size_t i = order.size(); i > 1; --i) {  // Fisher-Yates (portable, unlike std::shuffle)
        const std::size_t j = static_cast<std::size_t>(rng() % i);
        std::swap(order[i - 1], order[j]);
      }
      const std::size_t T = static_cast<std::size_t>(o.threads);
      std::vector<double> loss(T, 0.0);
      auto work = [&](std::size_t t) {
        const std::size_t b = order.size() * t / T, e = order.size() * (t + 1) / T;
        float z[64];
        float gvec[64];
        for (std::size_t k = b; k < e; ++k) {
          const std::uint32_t r = order[k];
          const Example& ex = *tr[r];
          RowLogits(Xtr, r, p, z);
          if (!multi) {
            Softmax(z, L);
            const std::uint32_t y = ex.labels[0];
            loss[t] -= std::log(std::max(z[y], 1e-12f)) * cw[y];
            for (std::size_t c = 0; c < L; ++c) gvec[c] = (z[c] - (c == y ? 1.f : 0.f)) * cw[y];
          } else {
            for (std::size_t c = 0; c < L; ++c) {
              const bool y = std::find(ex.labels.begin(), ex.labels.end(), c) != ex.labels.end();
              const float pc = Sigmoid(z[c]);
              const float wgt = y ? pos_w[c] : neg_w[c];
              loss[t] -= std::log(std::max(y ? pc : 1.f - pc, 1e-12f)) * wgt;
              gvec[c] = (pc - (y ? 1.f : 0.f)) * wgt;
            }
          }
          const std::uint32_t fs = Xtr.offsets[r], fe = Xtr.offsets[r + 1];
          const float norm = fe > fs ? 1.f / std::sqrt(static_cast<float>(fe - fs)) : 0.f;
          for (std::size_t c = 0; c < L; ++c) {
            const float gr = gvec[c];
            const float G = Ld(p.gb[c]) + gr * gr;
            St(p.gb[c], G);
            St(p.b[c], Ld(p.b[c]) - o.lr * gr / std::sqrt(G + 1e-8f));
          }
          for (std::uint32_t q = fs; q < fe; ++q) {
            const std::size_t base = static_cast<std::size_t>(Xtr.feats[q]) * L;
            for (std::size_t c = 0; c < L; ++c) {
              const float gr = gvec[c] * norm;
              const float G = Ld(p.g[base + c]) + gr * gr;
              St(p.g[base + c], G);
              St(p.w[base + c], Ld(p.w[base + c]) - o.lr * gr / std::sqrt(G + 1e-8f));
            }
          }
          if (t == 0 && (k & 4095) == 0) {
            progress.Bar(s + 1, o.seeds, epoch, o.epochs, static_cast<double>(k - b) / static_cast<double>(e - b));
          }
        }
      };
      std::vector<std::thread> th;
      for (std::size_t t = 1; t < T; ++t) th.emplace_back(work, t);
      work(0);
      for (auto& t : th) t.join();
      // Validation.
      for (std::size_t i = 0; i < va.size(); ++i) RowLogits(Xva, i, p, &zva[i * L]);
      double metric;
      if (!multi) {
        metric = MetricOf(Score(zva, L, va, train.label_names, false, std::vector<float>(L, 0.f)), o.metric);
      } else {
        std::vector<float> probs(zva.size());
        for (std::size_t i = 0; i < zva.size(); ++i) probs[i] = Sigmoid(zva[i]);
        const auto thr = TuneThresholds(probs, L, va);
        metric = MetricOf(Score(probs, L, va, train.label_names, true, thr), o.metric);
      }
      const double tl = std::accumulate(loss.begin(), loss.end(), 0.0) / N;
      char buf[200];
      std::snprintf(buf, sizeof buf, "seed %d/%d epoch %d/%d  loss=%.4f  valid %s=%.4f  (%.2fs)", s + 1, o.seeds,
                    epoch, o.epochs, tl, o.metric.c_str(), metric,
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - te).count());
      progress.Line(buf);
      if (metric > best_metric) {
        best_metric = metric;
        best_epoch = epoch;
        best_w = p.w;
        best_b = p.b;
      } else if (epoch - best_epoch >= o.patience) {
        progress.Line("early stop: no improvement for " + std::to_string(o.patience) + " epochs; best epoch " +
                      std::to_string(best_epoch));
        break;
      }
    }
    hist.emplace_back(best_epoch);
    const float inv = 1.f / static_cast<float>(o.seeds);
    for (std::size_t i = 0; i < avg_w.size(); ++i) avg_w[i] += best_w[i] * inv;
    for (std::size_t c = 0; c < L; ++c) avg_b[c] += best_b[c] * inv;
  }

  // Build the (quantised) model.
  lin::LinearModelMeta meta;
  meta.name = o.name;
  meta.version = o.version;
  meta.task = o.task;
  meta.labels = train.label_names;
  meta.multi_label = multi;
  meta.created = format_iso8601(SystemClock().now_ms());
  {
    boost::json::object h;
    h["epochs"] = o.epochs;
    h["best_epochs"] = hist;
    h["lr"] = static_cast<double>(o.lr);
    h["threads"] = o.threads;
    h["seed"] = o.seed;
    h["seeds"] = o.seeds;
    h["class_weight"] = o.class_weight == ClassWeight::kBalanced ? "balanced"
                        : o.class_weight == ClassWeight::kSqrt   ? "sqrt"
                                                                 : "none";
    h["patience"] = o.patience;
    h["metric"] = o.metric;
    h["tune_bias"] = o.tune_bias;
    h["optimizer"] = "adagrad";
    h["loss"] = multi ? "one-vs-rest binary cross-entropy" : "softmax cross-entropy";
    h["deterministic"] = o.threads == 1;
    meta.hyperparameters_json = boost::json::serialize(h);
    boost::json::object d;
    d["path"] = std::filesystem::path(train.path).filename().string();
    d["sha256"] = train.sha256;
    d["examples"] = tr.size();
    boost::json::object lc;
    for (std::size_t c = 0; c < L; ++c) lc[train.label_names[c]] = counts[c];
    d["label_counts"] = std::move(lc);
    boost::json::object v;
    if (valid) {
      v["path"] = std::filesystem::path(valid->path).filename().string();
      v["sha256"] = valid->sha256;
    } else {
      v["held_out_fraction"] = o.valid_fraction;
    }
    v["examples"] = va.size();
    d["validation"] = std::move(v);
    meta.training_data_json = boost::json::serialize(d);
  }
  auto mr = lin::LinearModel::FromFloat(std::move(meta), o.features, o.dtype, avg_w, avg_b);
  if (!mr.ok()) return mr.status();
  std::unique_ptr<lin::LinearModel> model = std::move(mr).value();

  // Calibration on validation, with the quantised model's own logits.
  for (std::size_t i = 0; i < va.size(); ++i) model->RawLogits(va[i]->text, &zva[i * L]);
  lin::Calibration cal;
  cal.logit_adjust.assign(L, 0.f);
  auto nll = [&](float T) {
    double s = 0;
    std::vector<float> z(L);
    for (std::size_t i = 0; i < va.size(); ++i) {
      for (std::size_t c = 0; c < L; ++c) z[c] = (zva[i * L + c] + cal.logit_adjust[c]) / T;
      if (!multi) {
        Softmax(z.data(), L);
        s -= std::log(std::max(z[va[i]->labels[0]], 1e-12f));
      } else {
        for (std::size_t c = 0; c < L; ++c) {
          const bool y = std::find(va[i]->labels.begin(), va[i]->labels.end(), c) != va[i]->labels.end();
          const float pc = Sigmoid(z[c]);
          s -= std::log(std::max(y ? pc : 1.f - pc, 1e-12f));
        }
      }
    }
    return s;
  };
  if (!multi && o.tune_bias) {
    double best = MetricOf(Score(zva, L, va, train.label_names, false, cal.logit_adjust), o.metric);
    for (int pass = 0; pass < 3; ++pass) {
      for (std::size_t c = 1; c < L; ++c) {
        float best_a = cal.logit_adjust[c];
        for (int k = -60; k <= 60; ++k) {
          auto adj = cal.logit_adjust;
          adj[c] = 0.05f * static_cast<float>(k);
          const double m = MetricOf(Score(zva, L, va, train.label_names, false, adj), o.metric);
          if (m > best + 1e-9) {
            best = m;
            best_a = adj[c];
          }
        }
        cal.logit_adjust[c] = best_a;
      }
    }
  }
  {  // temperature: golden-section search on log T
    double a = std::log(0.05), b = std::log(20.0);
    const double gr = (std::sqrt(5.0) - 1) / 2;
    for (int it = 0; it < 40; ++it) {
      const double c1 = b - gr * (b - a), c2 = a + gr * (b - a);
      if (nll(static_cast<float>(std::exp(c1))) < nll(static_cast<float>(std::exp(c2)))) {
        b = c2;
      } else {
        a = c1;
      }
    }
    cal.temperature = static_cast<float>(std::exp((a + b) / 2));
  }
  if (multi) {
    std::vector<float> probs(zva.size());
    for (std::size_t i = 0; i < va.size(); ++i) model->Probabilities(&zva[i * L], &probs[i * L]);
    // Probabilities() uses the model's current calibration (T = 1): apply the fitted T.
    for (std::size_t i = 0; i < zva.size(); ++i) probs[i] = Sigmoid(zva[i] / cal.temperature);
    cal.thresholds = TuneThresholds(probs, L, va);
  } else {
    cal.thresholds.assign(L, 0.5f);
  }
  SENTIO_RETURN_IF_ERROR(model->set_calibration(std::move(cal)));

  // Final metrics: the shipped model, through the public prediction path.
  Dataset vds;
  vds.path = valid ? valid->path : train.path + " (held out)";
  vds.label_names = train.label_names;
  vds.multi_label = multi;
  for (const Example* e : va) vds.examples.push_back(*e);
  auto meter = EvaluateClassifier(*model, vds);
  if (!meter.ok()) return meter.status();
  boost::json::object mj = meter->ToJson();
  mj["split"] = valid ? "validation" : "held-out";
  mj["train_seconds"] =
      std::round(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() * 10) / 10;
  model->set_metrics_json(ToJson(mj));
  if (report) {
    report->best_epoch = best_epoch;
    report->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    report->metrics_json = model->meta().metrics_json;
  }
  return model;
}

}  // namespace sentio::train
