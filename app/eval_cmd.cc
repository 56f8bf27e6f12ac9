#include "app/eval_cmd.h"

#include <cstdio>
#include <memory>
#include <string>

#include <boost/json.hpp>

#include "core/json_writer.h"
#include "models/classifier.h"
#include "train/dataset.h"
#include "train/evaluate.h"

namespace sentio::app {
namespace {

struct EvalArgs {
  std::string model, data;
  bool json = false, skip_bad = false;
};

[[noreturn]] void Fail(const Status& st) {
  std::fprintf(stderr, "sentio eval: error: %s\n", st.message().c_str());
  throw CLI::RuntimeError(st.code() == Code::kIoError ? 3 : 2);
}

void Run(const EvalArgs& a) {
  auto model = models::LoadClassifier(a.model);
  if (!model.ok()) Fail(model.status());
  const models::ModelInfo& info = (*model)->info();
  train::ReadOptions ro;
  ro.multi_label = info.multi_label;
  ro.skip_bad = a.skip_bad;
  ro.labels = info.labels;
  auto data = train::ReadDataset(a.data, ro);
  if (!data.ok()) Fail(data.status());
  auto meter = train::EvaluateClassifier(**model, *data);
  if (!meter.ok()) Fail(meter.status());
  if (a.json) {
    boost::json::object o = meter->ToJson();
    o["model"] = info.model_version();
    o["data"] = a.data;
    if (data->skipped) o["skipped"] = data->skipped;
    std::printf("%s\n", ToJson(o).c_str());
  } else {
    std::printf("model %s (%s) on %s", info.model_version().c_str(), info.kind.c_str(), a.data.c_str());
    if (data->skipped) std::printf(" (%zu malformed rows skipped)", data->skipped);
    std::printf("\n\n%s", meter->ToTable().c_str());
  }
}

}  // namespace

void RegisterEvalCommand(CLI::App& app) {
  auto args = std::make_shared<EvalArgs>();
  CLI::App* c = app.add_subcommand("eval", "Evaluate a model on labelled data (accuracy, macro recall/F1, confusion)");
  c->add_option("--model", args->model, "Shipped model name (sentiment, emotion, lexicon) or model directory")
      ->required();
  c->add_option("--data", args->data, "Labelled data: .tsv (label<TAB>text), .jsonl or .csv")
      ->required()
      ->check(CLI::ExistingFile);
  c->add_flag("--json", args->json, "Print one JSON object instead of a table");
  c->add_flag("--skip-bad", args->skip_bad, "Skip malformed rows instead of failing");
  c->callback([args] { Run(*args); });
}

}  // namespace sentio::app
