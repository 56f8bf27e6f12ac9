#include "pipeline/predict_service.h"

#include <pthread.h>

#include "core/clock.h"

namespace sentio::pipeline {

struct PredictService::Job {
  std::vector<std::string> texts;
  models::PredictOptions opts;
  Callback done;
};

PredictService::PredictService(ModelSet models, PredictServiceOptions opts)
    : models_(std::make_shared<const ModelSet>(std::move(models))), opts_(opts) {
  if (opts_.threads == 0) opts_.threads = 1;
  for (std::size_t i = 0; i < opts_.threads; ++i) {
    threads_.emplace_back([this] { Loop(); });
    pthread_setname_np(threads_.back().native_handle(), ("predict-" + std::to_string(i)).c_str());
  }
}

PredictService::~PredictService() { Shutdown(); }

void PredictService::Shutdown() {
  {
    std::lock_guard lk(mu_);
    if (stop_) return;
    stop_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
}

std::shared_ptr<const ModelSet> PredictService::models() const { return models_; }

Status PredictService::Submit(std::vector<std::string> texts, models::PredictOptions opts, Callback done) {
  const std::size_t n = texts.size();
  std::size_t cur = pending_texts_.load(std::memory_order_relaxed);
  do {
    if (cur + n > opts_.max_pending_texts && cur > 0)
      return ResourceExhausted("inference backlog full (" + std::to_string(cur) + " texts pending)");
  } while (!pending_texts_.compare_exchange_weak(cur, cur + n, std::memory_order_relaxed));
  auto job = std::make_shared<Job>(Job{std::move(texts), opts, std::move(done)});
  {
    std::lock_guard lk(mu_);
    if (stop_) {
      pending_texts_.fetch_sub(n);
      return Unavailable("shutting down");
    }
    jobs_.push_back(std::move(job));
  }
  cv_.notify_one();
  return Status::Ok();
}

Result<std::vector<Analysis>> PredictService::PredictNow(const std::vector<std::string_view>& texts,
                                                          const models::PredictOptions& opts) const {
  auto ms = models_;
  std::vector<Analysis> out(texts.size());
  if (!ms->sentiment) return Unavailable("no sentiment model loaded");
  std::vector<Prediction> preds(texts.size());
  ms->sentiment->PredictBatch(texts, preds, opts);
  for (std::size_t i = 0; i < texts.size(); ++i) out[i].sentiment = std::move(preds[i]);
  if (ms->emotion) {
    std::vector<Prediction> emo(texts.size());
    models::PredictOptions eopts = opts;
    eopts.explain = false;
    ms->emotion->PredictBatch(texts, emo, eopts);
    for (std::size_t i = 0; i < texts.size(); ++i) out[i].emotion = std::move(emo[i]);
  }
  SystemClock clock;
  const TimeMs now = clock.now_ms();
  for (auto& a : out) a.analyzed_at = now;
  return out;
}

void PredictService::Loop() {
  std::vector<std::shared_ptr<Job>> batch;
  std::vector<std::string_view> views;
  for (;;) {
    batch.clear();
    bool more = false;
    {
      std::unique_lock lk(mu_);
      cv_.wait(lk, [&] { return stop_ || !jobs_.empty(); });
      if (jobs_.empty()) return;  // stopping and drained
      // Opportunistic micro-batch: take what is queued, up to max_batch texts. For the
      // in-process CPU models waiting to fill a batch would only add latency.
      std::size_t texts = 0;
      while (!jobs_.empty() && (batch.empty() || texts + jobs_.front()->texts.size() <= opts_.max_batch)) {
        texts += jobs_.front()->texts.size();
        batch.push_back(std::move(jobs_.front()));
        jobs_.pop_front();
      }
      more = !jobs_.empty();
    }
    if (more) cv_.notify_one();
    for (auto& job : batch) {
      views.assign(job->texts.begin(), job->texts.end());
      auto res = PredictNow(views, job->opts);
      pending_texts_.fetch_sub(job->texts.size());
      job->done(std::move(res));
    }
  }
}

}  // namespace sentio::pipeline
