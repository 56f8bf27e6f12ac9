// Lexicon (VADER) classifier throughput, single-threaded.
//   ./build/bin/bench_lexicon --benchmark_min_time=0.2
#include <benchmark/benchmark.h>

#include <string>
#include <string_view>
#include <vector>

#include "models/lexicon/vader.h"

namespace {

const std::vector<std::string>& Texts() {
  static const std::vector<std::string> t = {
      "@user I can't believe how good this new album is!!! Listening on repeat all day http://t.co/xyz #music",
      "Honestly the service was sooo slow today, not impressed at all :( will not be coming back anytime soon",
      "Watching the game tonight with friends \xF0\x9F\x8F\x88\xF0\x9F\x8D\xBA who else is excited? Go team!! 3-1 final",
      "RT @user: New phone arrived &amp; the battery life is AMAZING. Best $799 I've spent this year :D",
      "Not sure how I feel about the ending of that show... kind of disappointed but the cast was great <3",
      "Traffic on I-95 is terrible again, 45 minutes late for work. Why does this always happen on Mondays?",
      "Thank you so much for the birthday wishes everyone \xE2\x9D\xA4\xEF\xB8\x8F\xF0\x9F\x98\x8A feeling very loved",
      "the new update broke everything lol, app crashes every time I open it. @user please fix this asap",
  };
  return t;
}

void BM_VaderScoreText(benchmark::State& state) {
  auto lex = sentio::models::VaderLexicon::LoadBuiltin();
  if (!lex.ok()) {
    state.SkipWithError(lex.status().to_string().c_str());
    return;
  }
  const auto& texts = Texts();
  std::size_t i = 0;
  for (auto _ : state) {
    auto s = (*lex)->ScoreText(texts[i++ & 7]);
    benchmark::DoNotOptimize(s);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_VaderScoreText);

void BM_LexiconClassifierBatch(benchmark::State& state) {
  auto lex = sentio::models::VaderLexicon::LoadBuiltin();
  if (!lex.ok()) {
    state.SkipWithError(lex.status().to_string().c_str());
    return;
  }
  auto clf = sentio::models::MakeLexiconClassifier(*lex);
  std::vector<std::string_view> batch;
  for (int k = 0; k < 8; ++k)
    for (const auto& t : Texts()) batch.push_back(t);
  std::vector<sentio::Prediction> out(batch.size());
  sentio::models::PredictOptions opts;
  opts.explain = state.range(0) != 0;
  for (auto _ : state) {
    clf->PredictBatch(batch, out, opts);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * batch.size()));
}
BENCHMARK(BM_LexiconClassifierBatch)->Arg(0)->Arg(1);

}  // namespace

BENCHMARK_MAIN();
