#include "app/train_cmd.h"

#include <cstdio>
#include <memory>
#include <string>

#include "models/linear/hash.h"
#include "train/dataset.h"
#include "train/linear_trainer.h"

namespace sentio::app {
namespace {

struct TrainArgs {
  std::string data, valid, out, name = "linear", task, version = "1", class_weight = "balanced";
  std::string metric = "macro_f1", dtype = "int8";
  int epochs = 10, threads = 1, seeds = 1, patience = 3;
  float lr = 0.2f;
  std::uint32_t buckets = 1u << 20, word_ngrams = 2, minn = 0, maxn = 0;
  std::uint32_t hash_version = models::linear::kFeatureHashVersion;
  std::uint64_t seed = 1;
  bool multi_label = false, lexicon = false, no_flags = false, skip_bad = false, no_bias = false, quiet = false;
};

[[noreturn]] void Fail(const Status& st) {
  std::fprintf(stderr, "sentio train: error: %s\n", st.message().c_str());
  throw CLI::RuntimeError(st.code() == Code::kIoError ? 3 : 2);
}

void Run(const TrainArgs& a) {
  train::ReadOptions ro;
  ro.multi_label = a.multi_label;
  ro.skip_bad = a.skip_bad;
  auto tr = train::ReadDataset(a.data, ro);
  if (!tr.ok()) Fail(tr.status());
  std::unique_ptr<train::Dataset> va;
  if (!a.valid.empty()) {
    ro.labels = tr->label_names;
    auto v = train::ReadDataset(a.valid, ro);
    if (!v.ok()) Fail(v.status());
    va = std::make_unique<train::Dataset>(std::move(v).value());
  }
  if (tr->skipped || (va && va->skipped)) {
    std::fprintf(stderr, "sentio train: skipped %zu malformed training rows, %zu validation rows\n", tr->skipped,
                 va ? va->skipped : 0);
  }
  train::TrainOptions o;
  o.features.buckets = a.buckets;
  o.features.word_ngrams = a.word_ngrams;
  o.features.minn = a.minn;
  o.features.maxn = a.maxn;
  o.features.flag_features = !a.no_flags;
  o.features.hash_version = a.hash_version;
  o.features.lexicon_features = a.lexicon;
  o.epochs = a.epochs;
  o.lr = a.lr;
  o.threads = a.threads;
  o.seed = a.seed;
  o.seeds = a.seeds;
  o.patience = a.patience;
  o.metric = a.metric;
  o.tune_bias = !a.no_bias;
  o.dtype = a.dtype == "int16" ? models::linear::DType::kInt16 : models::linear::DType::kInt8;
  auto cw = train::ParseClassWeight(a.class_weight);
  if (!cw.ok()) Fail(cw.status());
  o.class_weight = *cw;
  o.name = a.name;
  o.version = a.version;
  o.task = a.task.empty() ? a.name : a.task;
  o.progress = !a.quiet;
  train::TrainReport rep;
  auto model = train::TrainLinear(*tr, va.get(), o, &rep);
  if (!model.ok()) Fail(model.status());
  Status st = (*model)->Save(a.out);
  if (!st.ok()) Fail(st);
  std::printf("saved %s (%s) to %s in %.1fs\nvalidation metrics: %s\n", (*model)->info().model_version().c_str(),
              models::linear::DescribeFeatures(o.features).c_str(), a.out.c_str(), rep.seconds,
              rep.metrics_json.c_str());
}

}  // namespace

void RegisterTrainCommand(CLI::App& app) {
  auto args = std::make_shared<TrainArgs>();
  CLI::App* c = app.add_subcommand("train", "Train a linear (hashed n-gram) model from labelled data");
  c->add_option("--data", args->data, "Training data: label<TAB>text .tsv, .jsonl or .csv")
      ->required()
      ->check(CLI::ExistingFile);
  c->add_option("--valid", args->valid, "Validation data (else 10% of --data is held out)")->check(CLI::ExistingFile);
  c->add_option("--out", args->out, "Output model directory")->required();
  c->add_option("--name", args->name, "Model name (model_version is name@version)")->capture_default_str();
  c->add_option("--task", args->task, "Task recorded in model.json (default: the name)");
  c->add_option("--model-version", args->version, "Model version")->capture_default_str();
  c->add_option("--epochs", args->epochs, "Maximum epochs")->check(CLI::Range(1, 1000))->capture_default_str();
  c->add_option("--lr", args->lr, "AdaGrad learning rate")->check(CLI::PositiveNumber)->capture_default_str();
  c->add_option("--buckets", args->buckets, "Hash buckets (rows of the weight table)")
      ->check(CLI::Range(1u, 1u << 26))
      ->capture_default_str();
  c->add_option("--wordNgrams", args->word_ngrams, "1 = unigrams, 2 = + bigrams")
      ->check(CLI::Range(1u, 2u))
      ->capture_default_str();
  c->add_option("--minn", args->minn, "Min char n-gram length (0 = off)")->check(CLI::Range(0u, 10u))->capture_default_str();
  c->add_option("--maxn", args->maxn, "Max char n-gram length (0 = off)")->check(CLI::Range(0u, 10u))->capture_default_str();
  c->add_option("--hash-version", args->hash_version,
                "Feature hash version (2: current; 1: as models before stop 20)")
      ->check(CLI::Range(models::linear::kMinFeatureHashVersion, models::linear::kFeatureHashVersion))
      ->capture_default_str();
  c->add_option("--threads", args->threads, "Training threads (1 = deterministic; >1 = Hogwild)")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  c->add_option("--seed", args->seed, "Random seed")->capture_default_str();
  c->add_option("--seeds", args->seeds, "Train this many seeds and average the weights")
      ->check(CLI::Range(1, 20))
      ->capture_default_str();
  c->add_option("--patience", args->patience, "Early stopping patience (epochs)")->check(CLI::Range(1, 100))->capture_default_str();
  c->add_option("--class-weight", args->class_weight, "balanced | sqrt | none")
      ->check(CLI::IsMember({"balanced", "sqrt", "none"}))
      ->capture_default_str();
  c->add_option("--metric", args->metric, "Validation metric for early stopping and bias tuning")
      ->check(CLI::IsMember({"macro_f1", "macro_recall", "accuracy", "micro_f1"}))
      ->capture_default_str();
  c->add_option("--dtype", args->dtype, "Weight quantisation: int8 | int16")
      ->check(CLI::IsMember({"int8", "int16"}))
      ->capture_default_str();
  c->add_flag("--multi-label", args->multi_label, "Labels are comma-separated sets (one-vs-rest sigmoid)");
  c->add_flag("--lexicon-features", args->lexicon, "Add VADER score bins as features");
  c->add_flag("--no-flag-features", args->no_flags, "No NEG_ marking / caps / emphasis features");
  c->add_flag("--no-bias-tuning", args->no_bias, "Do not tune per-label logit offsets on validation");
  c->add_flag("--skip-bad", args->skip_bad, "Skip malformed rows instead of failing");
  c->add_flag("-q,--quiet", args->quiet, "No progress output");
  c->callback([args] { Run(*args); });
}

}  // namespace sentio::app
