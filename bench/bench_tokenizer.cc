// Tokenizer throughput: typical tweets (~100 bytes, ~20 tokens), single-threaded.
//   ./build/bin/bench_tokenizer --benchmark_min_time=0.2
// These cycle over 8 texts, which the branch predictor learns: they time the instructions.
// Over thousands of distinct texts (bench_linear's BM_Tokenize, on TweetEval's validation
// split) the mispredicted branches count as well, and they cost more than half again
// (stop 17: 290 ns here, 650 ns over 50k distinct tweets before the tokenizer was made
// branch-light, 460 ns after).
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "text/hashing.h"
#include "text/tokenizer.h"

namespace {

const std::vector<std::string>& Tweets() {
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

void BM_TokenizeTweet(benchmark::State& state) {
  sentio::text::Tokenizer tk;
  sentio::text::TokenizedText out;
  const auto& tweets = Tweets();
  std::size_t i = 0, bytes = 0, tokens = 0;
  for (auto _ : state) {
    const std::string& t = tweets[i++ & 7];
    tk.Tokenize(t, out);
    benchmark::DoNotOptimize(out.tokens.data());
    bytes += t.size();
    tokens += out.tokens.size();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
  state.counters["tokens/text"] = static_cast<double>(tokens) / static_cast<double>(state.iterations());
  state.counters["bytes/text"] = static_cast<double>(bytes) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_TokenizeTweet);

void BM_TokenizeAsciiPlain(benchmark::State& state) {
  sentio::text::Tokenizer tk;
  sentio::text::TokenizedText out;
  const std::string t = "just got back from the beach and the weather was really nice today, cannot wait for tomorrow";
  for (auto _ : state) {
    tk.Tokenize(t, out);
    benchmark::DoNotOptimize(out.tokens.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * t.size()));
}
BENCHMARK(BM_TokenizeAsciiPlain);

void BM_HashTokens(benchmark::State& state) {
  sentio::text::Tokenizer tk;
  sentio::text::TokenizedText out;
  tk.Tokenize(Tweets()[0], out);
  for (auto _ : state) {
    std::uint64_t acc = 0;
    for (const auto& t : out.tokens) acc ^= sentio::text::Fnv1a64(out.text(t));
    benchmark::DoNotOptimize(acc);
  }
}
BENCHMARK(BM_HashTokens);

}  // namespace

BENCHMARK_MAIN();
