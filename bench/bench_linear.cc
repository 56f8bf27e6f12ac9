// Throughput of the linear models (tokenisation + features + scoring), one thread.
//   build-*/bin/bench_linear [--benchmark_filter=...]
// Texts: $SENTIO_BENCH_TEXTS (label<TAB>text or plain lines), else the tweeteval validation
// split under /work/shared if present, else the repo's toy fixture. Models: the shipped
// "sentiment" and "emotion" (override with $SENTIO_BENCH_SENTIMENT / $SENTIO_BENCH_EMOTION).
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "models/classifier.h"
#include "models/lexicon/vader.h"
#include "models/linear/features.h"
#include "text/tokenizer.h"

namespace {

using sentio::Prediction;

const std::vector<std::string>& Texts() {
  static const std::vector<std::string> texts = [] {
    std::vector<std::string> paths;
    if (const char* e = std::getenv("SENTIO_BENCH_TEXTS")) paths.emplace_back(e);
    paths.emplace_back("/work/shared/data/tweeteval_sentiment/validation.tsv");
    paths.emplace_back(std::string(SENTIO_SOURCE_DIR) + "/train/testdata/toy_train.tsv");
    std::vector<std::string> out;
    for (const auto& p : paths) {
      std::ifstream f(p);
      std::string line;
      while (std::getline(f, line)) {
        const auto tab = line.find('\t');
        out.push_back(tab == std::string::npos ? line : line.substr(tab + 1));
      }
      if (!out.empty()) break;
    }
    return out;
  }();
  return texts;
}

std::unique_ptr<sentio::models::Classifier> Load(const char* env, const char* name) {
  const char* e = std::getenv(env);
  auto m = sentio::models::LoadClassifier(e ? e : name);
  if (!m.ok()) {
    std::fprintf(stderr, "bench_linear: %s\n", m.status().to_string().c_str());
    std::exit(1);
  }
  return std::move(m).value();
}

void RunModels(benchmark::State& state, const std::vector<const sentio::models::Classifier*>& ms) {
  const auto& texts = Texts();
  constexpr std::size_t kBatch = 512;
  std::vector<std::string_view> views;
  std::vector<std::vector<Prediction>> out(ms.size(), std::vector<Prediction>(kBatch));
  std::size_t pos = 0, n = 0;
  for (auto _ : state) {
    views.clear();
    for (std::size_t i = 0; i < kBatch; ++i) views.push_back(texts[(pos + i) % texts.size()]);
    pos += kBatch;
    for (std::size_t k = 0; k < ms.size(); ++k) ms[k]->PredictBatch(views, out[k]);
    benchmark::DoNotOptimize(out[0][0].score);
    n += kBatch;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(n));
}

// Arg: the token hash (1 = FNV-1a, hash version 1 models; 2 = WordHash64, version 2).
sentio::text::TokenizerOptions HashOptions(std::int64_t kind) {
  sentio::text::TokenizerOptions o;
  o.token_hash = kind == 2 ? sentio::text::TokenHash::kWord : sentio::text::TokenHash::kFnv1a;
  return o;
}

void BM_Tokenize(benchmark::State& state) {
  const auto& texts = Texts();
  const sentio::text::Tokenizer tk(HashOptions(state.range(0)));
  sentio::text::TokenizedText tok;
  std::size_t i = 0;
  for (auto _ : state) {
    tk.Tokenize(texts[i++ % texts.size()], tok);
    benchmark::DoNotOptimize(tok.tokens.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(i));
}
BENCHMARK(BM_Tokenize)->Arg(1)->Arg(2);

void BM_TokenizeVader(benchmark::State& state) {
  const auto& texts = Texts();
  const sentio::text::Tokenizer tk(HashOptions(state.range(0)));
  sentio::text::TokenizedText tok;
  auto lex = sentio::models::VaderLexicon::LoadBuiltin(tk.options().token_hash);
  std::size_t i = 0;
  for (auto _ : state) {
    tk.Tokenize(texts[i++ % texts.size()], tok);
    auto s = (*lex)->Score(tok);
    benchmark::DoNotOptimize(s.compound);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(i));
}
BENCHMARK(BM_TokenizeVader)->Arg(1)->Arg(2);

void BM_TokenizeFeatures(benchmark::State& state) {
  const auto& texts = Texts();
  sentio::text::TokenizedText tok;
  sentio::models::linear::FeatureConfig cfg;
  cfg.minn = static_cast<std::uint32_t>(state.range(0));
  cfg.maxn = static_cast<std::uint32_t>(state.range(1));
  const sentio::text::Tokenizer tk(sentio::models::linear::TokenizerFor(cfg));
  std::vector<std::uint32_t> f(sentio::models::linear::kMaxFeatures);
  std::size_t i = 0, nf = 0;
  for (auto _ : state) {
    tk.Tokenize(texts[i++ % texts.size()], tok);
    nf += sentio::models::linear::ExtractFeatures(tok, cfg, nullptr, f.data(), nullptr);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(i));
  state.counters["features_per_text"] = static_cast<double>(nf) / static_cast<double>(std::max<std::size_t>(1, i));
}
BENCHMARK(BM_TokenizeFeatures)->Args({0, 0})->Args({4, 4})->Args({3, 5});

void BM_Sentiment(benchmark::State& state) {
  static auto m = Load("SENTIO_BENCH_SENTIMENT", "sentiment");
  RunModels(state, {m.get()});
}
BENCHMARK(BM_Sentiment);

void BM_Emotion(benchmark::State& state) {
  static auto m = Load("SENTIO_BENCH_EMOTION", "emotion");
  RunModels(state, {m.get()});
}
BENCHMARK(BM_Emotion);

void BM_SentimentAndEmotion(benchmark::State& state) {
  static auto s = Load("SENTIO_BENCH_SENTIMENT", "sentiment");
  static auto e = Load("SENTIO_BENCH_EMOTION", "emotion");
  RunModels(state, {s.get(), e.get()});
}
BENCHMARK(BM_SentimentAndEmotion);

}  // namespace

BENCHMARK_MAIN();
