#include "models/linear/linear_model.h"

#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>
#include <tuple>

#include "models/linear/hash.h"
#include "text/tokenizer.h"

namespace sentio::models::linear {
namespace {

namespace fs = std::filesystem;

std::string TempDir(const std::string& name) {
  auto p = fs::temp_directory_path() / ("sentio_linear_test_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(p);
  return p.string();
}

// A toy model's metadata: 3 sentiment labels, or 5 multi-label ones.
LinearModelMeta ToyMeta(bool multi) {
  LinearModelMeta meta;
  meta.name = "toy";
  meta.version = "7";
  meta.labels = multi ? std::vector<std::string>{"a", "b", "c", "d", "e"}
                      : std::vector<std::string>{"negative", "neutral", "positive"};
  meta.multi_label = multi;
  return meta;
}

std::unique_ptr<LinearModel> RandomModel(bool multi, DType dtype = DType::kInt8, std::uint32_t maxn = 0,
                                         unsigned seed = 5, bool lexicon = false, std::uint32_t buckets = 1000,
                                         std::uint32_t hash_version = kFeatureHashVersion) {
  LinearModelMeta meta = ToyMeta(multi);
  FeatureConfig cfg;
  cfg.buckets = buckets;
  cfg.hash_version = hash_version;
  cfg.lexicon_features = lexicon;
  cfg.minn = maxn ? 2 : 0;
  cfg.maxn = maxn;
  const std::size_t L = meta.labels.size();
  std::mt19937 rng(seed);
  std::normal_distribution<float> nd(0.f, 1.f);
  std::vector<float> w(cfg.buckets * L), b(L);
  for (auto& x : w) x = nd(rng);
  for (auto& x : b) x = 0.1f * nd(rng);
  Calibration cal;
  cal.temperature = 1.3f;
  cal.logit_adjust.assign(L, 0.f);
  cal.logit_adjust[0] = 0.2f;
  cal.thresholds.assign(L, 0.4f);
  auto m = LinearModel::FromFloat(meta, cfg, dtype, w, b, cal);
  EXPECT_TRUE(m.ok()) << m.status().to_string();
  return std::move(m).value();
}

const std::vector<std::string_view> kTexts = {
    "I love this so much!", "this is the worst, I hate it", "The meeting is at 3pm", "",
    "NOT good at all!!! 😡 #fail @bob http://x.y", "caf\xc3\xa9 \xff\xfe broken utf8", "soooo goood :)"};

void ExpectSamePredictions(const Classifier& a, const Classifier& b) {
  for (auto t : kTexts) {
    const Prediction pa = a.Predict(t, {.explain = true}), pb = b.Predict(t, {.explain = true});
    EXPECT_EQ(pa.label, pb.label) << t;
    EXPECT_EQ(pa.score, pb.score) << t;
    ASSERT_EQ(pa.scores.size(), pb.scores.size());
    for (std::size_t i = 0; i < pa.scores.size(); ++i) EXPECT_EQ(pa.scores[i], pb.scores[i]);
    EXPECT_EQ(pa.labels_over_threshold, pb.labels_over_threshold);
    EXPECT_EQ(pa.explanation, pb.explanation);
  }
}

// The prefetching hot path of ExtractFeatures emits the plain form's ids in another order:
// the same multiset, for every kind of token and flag, with and without char n-grams.
TEST(LinearModel, HotPathFeaturesAreThePlainOnesInAnyOrder) {
  for (const std::uint32_t version : {1u, 2u}) {
    text::TokenizedText tok;
    FeatureConfig cfg;
    cfg.hash_version = version;
    const text::Tokenizer tk(TokenizerFor(cfg));
    cfg.flag_features = true;
    std::vector<std::int8_t> rows(std::size_t{cfg.buckets} * 16);
    const RowPrefetch prefetch{rows.data(), 16};
    const char* texts[] = {
        "good movie",
        "I do NOT like this sooo much!!! #fail #x # @user http://t.co/x :)",
        "never so good, but not bad at all. 42 times 3.5 \\u2019 &amp; caf\\u00e9 \xf0\x9f\x98\x80",
        "no no no nope didn't can't WON'T stop",
        "x",
        "#",
    };
    for (const int maxn : {0, 4}) {
      cfg.minn = maxn ? 2 : 0;
      cfg.maxn = static_cast<std::uint32_t>(maxn);
      for (const char* t : texts) {
        tk.Tokenize(t, tok);
        std::vector<std::uint32_t> plain;
        ExtractFeatures(tok, cfg, nullptr, plain);
        std::vector<std::uint32_t> hot(kMaxFeatures);
        hot.resize(ExtractFeatures(tok, cfg, nullptr, hot.data(), nullptr, prefetch));
        ASSERT_FALSE(plain.empty()) << t;
        std::sort(plain.begin(), plain.end());
        std::sort(hot.begin(), hot.end());
        EXPECT_EQ(hot, plain) << t << " maxn " << maxn << " hash version " << version;
      }
    }
  }
}

TEST(LinearModel, FeaturesAreStableAndTyped) {
  text::TokenizedText tok;
  std::vector<std::uint32_t> f1, f2;
  FeatureConfig cfg;
  const text::Tokenizer tk(TokenizerFor(cfg));
  tk.Tokenize("good movie", tok);
  ExtractFeatures(tok, cfg, nullptr, f1);
  EXPECT_EQ(f1.size(), 3u);  // 2 unigrams + 1 bigram
  tk.Tokenize("not good movie", tok);
  ExtractFeatures(tok, cfg, nullptr, f2);
  // "good" is negated here: its feature differs from the plain "good".
  EXPECT_EQ(std::count(f2.begin(), f2.end(), f1[0]), 0);
  cfg.maxn = 3;
  cfg.minn = 2;
  std::vector<FeatureOrigin> origin;
  tk.Tokenize("good", tok);
  ExtractFeatures(tok, cfg, nullptr, f2, &origin);
  // "<good>": 2-grams <g go oo od d> (5) + 3-grams <go goo ood od> (4) + the word = 10
  EXPECT_EQ(f2.size(), 10u);
  ASSERT_EQ(origin.size(), f2.size());
  for (const auto& o : origin) EXPECT_EQ(o.token, 0u);
  for (auto f : f2) EXPECT_LT(f, cfg.buckets);
}

// Raw logits computed the plain way: every feature id from ExtractFeatures, rows summed.
std::vector<float> ReferenceLogits(const LinearModel& m, std::string_view text) {
  const text::Tokenizer tk(TokenizerFor(m.features()));
  text::TokenizedText tok;
  tk.Tokenize(text, tok);
  std::vector<std::uint32_t> f;
  ExtractFeatures(tok, m.features(), nullptr, f);
  const WeightsData& w = m.weights();
  std::vector<std::int32_t> acc(w.dims, 0);
  for (auto id : f) {
    for (std::uint32_t d = 0; d < w.dims; ++d) {
      acc[d] += w.dtype == DType::kInt8 ? w.q8[id * w.dims + d] : w.q16[id * w.dims + d];
    }
  }
  const float norm = f.empty() ? 0.f : 1.f / std::sqrt(static_cast<float>(f.size()));
  std::vector<float> z(m.n_labels());
  for (std::size_t c = 0; c < z.size(); ++c) z[c] = w.bias[c] + w.scale[c] * static_cast<float>(acc[c]) * norm;
  return z;
}

// The hot path memoises each word's char n-gram row sums per thread (and shares word feature
// ids between models through the batch slots); whatever it serves
// (first sight, repeats, words too long to store, non-ASCII, several models on one thread,
// texts near the feature cap) must equal the plain computation exactly.
TEST(LinearModel, FastPathGivesExactlyThePlainLogits) {
  std::vector<std::unique_ptr<LinearModel>> models;
  unsigned seed = 11;
  for (DType dt : {DType::kInt8, DType::kInt16}) {
    for (bool multi : {false, true}) models.push_back(RandomModel(multi, dt, 4, seed++));
  }
  models.push_back(RandomModel(true, DType::kInt8, 4, seed++, false, 1000, 1));  // hash version 1
  models.push_back(RandomModel(false, DType::kInt8, 0, seed++, false, 1000, 1));
  std::string near_cap;
  for (int i = 0; i < 700; ++i) near_cap += (i % 3 ? "word" : "otherwords") + std::to_string(i % 50) + " ";
  std::vector<std::string> texts = {"good good good movie, good!", "abcdefghijklmnopqrstuvwx",
                                    "abcdefghijklmnopqrstuvwxy abcdefghijklmnopqrstuvwxy",
                                    "abcdefghijklmn abcdefghijklmno abcdefghijklmn abcdefghijklmno",  // memo key 14 bytes
 "caf\xc3\xa9 na\xc3\xafve \xf0\x9f\x98\x80",
                                    "#happy #happy days", "not good not good", near_cap, near_cap + near_cap + near_cap};
  for (auto t : kTexts) texts.emplace_back(t);
  for (int round = 0; round < 3; ++round) {
    for (const auto& t : texts) {
      for (const auto& m : models) {  // interleaved: more models than per-thread memos
        std::vector<float> z(m->n_labels());
        m->RawLogits(t, z.data());
        EXPECT_EQ(z, ReferenceLogits(*m, t)) << t.substr(0, 40) << " round " << round;
      }
    }
  }
  // Through PredictBatch, models with the same word features also share each text's word
  // feature ids (a model without char n-grams computes them, the others reuse them).
  models.insert(models.begin(), RandomModel(false, DType::kInt8, 0, seed++));
  models.push_back(RandomModel(true, DType::kInt16, 0, seed++));
  std::vector<std::string_view> views(texts.begin(), texts.end());
  for (int round = 0; round < 2; ++round) {
    if (round == 1) std::reverse(views.begin(), views.end());  // slots now hold other texts
    for (const auto& m : models) {
      std::vector<Prediction> out(views.size());
      m->PredictBatch(views, out);
      for (std::size_t i = 0; i < views.size(); ++i) {
        const std::vector<float> ref = ReferenceLogits(*m, views[i]);
        std::vector<float> p(m->n_labels());
        m->Probabilities(ref.data(), p.data());
        ASSERT_EQ(out[i].scores.size(), p.size());
        for (std::size_t c = 0; c < p.size(); ++c) {
          EXPECT_EQ(out[i].scores[c].second, p[c]) << views[i].substr(0, 40) << " round " << round;
        }
      }
    }
  }
}

// The memo holds two words per set and evicts the older one: with far more distinct words than
// entries, words come back after their entry was replaced or moved to the second way.
TEST(LinearModel, FastPathStaysExactWhenTheMemoEvicts) {
  auto m = RandomModel(false, DType::kInt8, 4, 99);
  std::vector<std::string> vocab;
  unsigned x = 12345;
  for (int i = 0; i < 100000; ++i) {  // the memo holds 64k words
    std::string w;
    const int len = 2 + static_cast<int>((x = x * 1103515245u + 12345u) >> 16) % 12;
    for (int k = 0; k < len; ++k) w += static_cast<char>('a' + ((x = x * 1103515245u + 12345u) >> 16) % 26);
    vocab.push_back(w);
  }
  for (int round = 0; round < 2; ++round) {
    for (int t = 0; t < 8000; ++t) {
      std::string text;
      for (int k = 0; k < 12; ++k) text += vocab[((x = x * 1103515245u + 12345u) >> 8) % vocab.size()] + " ";
      std::vector<float> z(m->n_labels());
      m->RawLogits(text, z.data());
      ASSERT_EQ(z, ReferenceLogits(*m, text)) << text << " round " << round;
    }
  }
}

// The memo compares keys without branching on the length (masked 8 + 4 byte loads against
// zero-padded keys). ~3000 words that share their first 4 or 8 bytes and differ after them
// share the memo's 32k sets often (51 same-length pairs share a set): a comparison that took
// one for another would give it the other's sums, and the numbers would differ from the
// reference. (A mask too narrow only makes misses: the key's bytes past it are not zero.)
TEST(LinearModel, MemoTellsApartWordsThatDifferInAnyByte) {
  auto a = RandomModel(false, DType::kInt8, 0, 61);
  auto b = RandomModel(true, DType::kInt8, 4, 62);
  auto pair = a->PairWith(*b);
  ASSERT_NE(pair, nullptr);
  std::vector<std::string> words;
  const std::string letters = "mnopqr";
  for (const std::string prefix : {"abcdefgh", "abcd"}) {
    std::vector<std::string> level = {prefix};
    for (int extra = 1; extra <= 4; ++extra) {
      std::vector<std::string> next;
      for (const auto& w : level) {
        for (char c : letters) next.push_back(w + c);
      }
      words.insert(words.end(), next.begin(), next.end());
      level = std::move(next);
    }
  }
  std::vector<std::string> texts;
  for (std::size_t i = 0; i < words.size(); i += 10) {
    std::string t;
    for (std::size_t k = i; k < i + 10 && k < words.size(); ++k) t += words[(k * 7919) % words.size()] + " ";
    texts.push_back(t);
  }
  for (int round = 0; round < 2; ++round) {  // the second round reads the memo filled by the first
    for (const auto& t : texts) {
      std::vector<float> z(b->n_labels());
      b->RawLogits(t, z.data());
      ASSERT_EQ(z, ReferenceLogits(*b, t)) << t << " round " << round;
    }
    std::vector<std::string_view> views(texts.begin(), texts.end());
    const std::size_t n = views.size();
    std::vector<ScoredText> sb(n), pa(n), pb(n);
    std::vector<float> qb(n * b->n_labels()), ra(n * a->n_labels()), rb(n * b->n_labels());
    ASSERT_TRUE(b->ScoreBatch(views, sb, qb));
    ASSERT_TRUE(pair->ScoreBatch(views, pa, ra, pb, rb));
    EXPECT_EQ(rb, qb);
    std::reverse(texts.begin(), texts.end());
  }
}

TEST(LinearModel, PredictionsAreWellFormed) {
  for (bool multi : {false, true}) {
    auto m = RandomModel(multi);
    EXPECT_EQ(m->info().kind, "linear");
    EXPECT_EQ(m->info().model_version(), "toy@7");
    std::vector<Prediction> out(kTexts.size());
    m->PredictBatch(kTexts, out, {.explain = true, .explain_top_k = 3});
    for (const auto& p : out) {
      ASSERT_EQ(p.scores.size(), m->n_labels());
      float sum = 0;
      for (auto& [l, s] : p.scores) {
        EXPECT_GE(s, 0.f);
        EXPECT_LE(s, 1.f);
        sum += s;
      }
      if (!multi) {
        EXPECT_NEAR(sum, 1.f, 1e-5);
      }
      EXPECT_FALSE(p.label.empty());
      EXPECT_EQ(p.model_version, "toy@7");
      EXPECT_LE(p.explanation.size(), 3u);
      // Exactly the labels at or over their threshold (0.4 in RandomModel), in label order.
      std::vector<std::string> over;
      if (multi) {
        for (auto& [name, s] : p.scores) {
          if (s >= 0.4f) over.push_back(name);
        }
      }
      EXPECT_EQ(p.labels_over_threshold, over);
    }
  }
}

// ScoreBatch is PredictBatch's numbers without the strings: same label, score, scores and
// labels over threshold, for single- and multi-label models, with and without char n-grams.
TEST(LinearModel, ScoreBatchMatchesPredictBatch) {
  for (bool multi : {false, true}) {
    for (std::uint32_t maxn : {0u, 4u}) {
      auto m = RandomModel(multi, DType::kInt8, maxn);
      const std::size_t L = m->n_labels();
      std::vector<Prediction> pred(kTexts.size());
      m->PredictBatch(kTexts, pred);
      std::vector<ScoredText> scored(kTexts.size());
      std::vector<float> probs(kTexts.size() * L, -1.f);
      ASSERT_TRUE(m->ScoreBatch(kTexts, scored, probs));
      std::size_t with_over = 0;
      for (std::size_t i = 0; i < kTexts.size(); ++i) {
        const Prediction& p = pred[i];
        ASSERT_LT(scored[i].label, L);
        EXPECT_EQ(m->info().labels[scored[i].label], p.label) << kTexts[i];
        EXPECT_EQ(scored[i].score, p.score) << kTexts[i];
        std::vector<std::string> over;
        for (std::size_t c = 0; c < L; ++c) {
          EXPECT_EQ(probs[i * L + c], p.scores[c].second) << kTexts[i] << " label " << c;
          if (scored[i].over_threshold >> c & 1) over.push_back(m->info().labels[c]);
        }
        EXPECT_EQ(over, p.labels_over_threshold) << kTexts[i];
        with_over += !over.empty();
      }
      if (multi) {
        EXPECT_GT(with_over, 0u);  // the comparison above saw some labels over threshold
      }
    }
  }
}

// A FusedPair (the shipped sentiment + emotion shape: same word features, char n-grams in the
// second model only) gives each model's own ScoreBatch numbers, bit for bit: for short texts
// through the interleaved rows and the memo, for texts past the feature cap through the
// models themselves, and after the memo has seen other texts.
TEST(LinearModel, PairScoresExactlyAsEachModelAlone) {
  // (multi, lexicon): the shipped shape (3 + 7 labels: 4 + 8 lanes) with and without the
  // lexicon bins, and 3 + 3 labels (4 + 4 lanes: the general interleaving).
  // Each also with hash version 1 (models trained before stop 20).
  for (auto [multi, lexicon, version] : {std::tuple{true, false, 2u}, std::tuple{true, true, 2u},
                                         std::tuple{false, true, 2u}, std::tuple{true, true, 1u}}) {
    auto a = RandomModel(false, DType::kInt8, 0, 31, lexicon, 1000, version);
    auto b = RandomModel(multi, DType::kInt8, 4, 32, lexicon, 1000, version);
    auto pair = a->PairWith(*b);
    ASSERT_NE(pair, nullptr);
    std::string near_cap;
    for (int i = 0; i < 3000; ++i) near_cap += "word" + std::to_string(i % 97) + " ";
    std::vector<std::string> texts(kTexts.begin(), kTexts.end());
    texts.push_back(near_cap);
    unsigned x = 7;
    for (int t = 0; t < 4000; ++t) {  // 36k words: enough to evict entries of the memo's 32k sets
      std::string text;
      for (int k = 0; k < 9; ++k) {
        const int len = 1 + static_cast<int>((x = x * 1103515245u + 12345u) >> 16) % 9;
        for (int c = 0; c < len; ++c) text += static_cast<char>('a' + ((x = x * 1103515245u + 12345u) >> 16) % 6);
        text += k % 4 == 3 ? "! " : " ";
      }
      texts.push_back(text);
    }
    std::vector<std::string_view> views(texts.begin(), texts.end());
    const std::size_t n = views.size(), la = a->n_labels(), lb = b->n_labels();
    for (int round = 0; round < 2; ++round) {
      std::vector<ScoredText> sa(n), sb(n), pa(n), pb(n);
      std::vector<float> qa(n * la), qb(n * lb), ra(n * la, -1.f), rb(n * lb, -1.f);
      ASSERT_TRUE(a->ScoreBatch(views, sa, qa));
      ASSERT_TRUE(b->ScoreBatch(views, sb, qb));
      ASSERT_TRUE(pair->ScoreBatch(views, pa, ra, pb, rb));
      for (std::size_t i = 0; i < n; ++i) {
        EXPECT_EQ(pa[i].label, sa[i].label) << views[i].substr(0, 40);
        EXPECT_EQ(pa[i].score, sa[i].score) << views[i].substr(0, 40);
        EXPECT_EQ(pb[i].label, sb[i].label) << views[i].substr(0, 40);
        EXPECT_EQ(pb[i].score, sb[i].score) << views[i].substr(0, 40);
        EXPECT_EQ(pb[i].over_threshold, sb[i].over_threshold) << views[i].substr(0, 40);
      }
      EXPECT_EQ(ra, qa);
      EXPECT_EQ(rb, qb);
      std::reverse(views.begin(), views.end());
    }
    // Outputs too short for the batch are refused, as ScoreBatch refuses them.
    std::vector<ScoredText> one(1), two(2);
    std::vector<float> pa1(la), pb2(2 * lb);
    EXPECT_FALSE(pair->ScoreBatch(std::span(views).first(2), two, pa1, two, pb2));
    EXPECT_FALSE(pair->ScoreBatch(std::span(views).first(2), one, pb2, two, pb2));
  }
}

// The pair sums its rows in int16 blocks: with every weight at the int8 extremes and a text
// of hundreds of features, a block too long for int16 would wrap and change the numbers.
TEST(LinearModel, PairSumsLongTextsExactly) {
  auto extreme = [](bool multi, std::uint32_t maxn) {
    LinearModelMeta meta = ToyMeta(multi);
    FeatureConfig cfg;
    cfg.buckets = 1000;
    cfg.minn = maxn ? 2 : 0;
    cfg.maxn = maxn;
    const std::size_t L = meta.labels.size();
    std::vector<float> w(cfg.buckets * L), b(L, 0.f);
    for (std::size_t i = 0; i < w.size(); ++i) w[i] = i % L == 0 ? 1.f : -1.f;  // quantised to +-127
    Calibration cal;
    cal.temperature = 50.f;  // keeps the probabilities off 0 and 1, so a wrong sum shows
    cal.logit_adjust.assign(L, 0.f);
    cal.thresholds.assign(L, 0.5f);
    auto m = LinearModel::FromFloat(meta, cfg, DType::kInt8, w, b, cal);
    EXPECT_TRUE(m.ok()) << m.status().to_string();
    return std::move(m).value();
  };
  auto a = extreme(false, 0);
  auto b = extreme(true, 4);
  auto pair = a->PairWith(*b);
  ASSERT_NE(pair, nullptr);
  std::vector<std::string> texts;
  for (int tokens : {100, 128, 129, 300, 700}) {  // 2 features per token: 1-5 blocks of 256
    std::string t;
    for (int i = 0; i < tokens; ++i) t += "w" + std::to_string(i % 7) + " ";
    texts.push_back(t);
  }
  std::vector<std::string_view> views(texts.begin(), texts.end());
  const std::size_t n = views.size(), la = a->n_labels(), lb = b->n_labels();
  std::vector<ScoredText> sa(n), sb(n), pa(n), pb(n);
  std::vector<float> qa(n * la), qb(n * lb), ra(n * la), rb(n * lb);
  ASSERT_TRUE(a->ScoreBatch(views, sa, qa));
  ASSERT_TRUE(b->ScoreBatch(views, sb, qb));
  ASSERT_TRUE(pair->ScoreBatch(views, pa, ra, pb, rb));
  EXPECT_EQ(ra, qa);
  EXPECT_EQ(rb, qb);
  // The sums really are past int16: the first label's probability grows with the text.
  EXPECT_GT(qa[(n - 1) * la], qa[0]);
}

// Models whose word features differ, or that the interleaved rows cannot hold, get no pair.
TEST(LinearModel, PairOnlyForModelsSharingWordFeatures) {
  auto words = RandomModel(false, DType::kInt8, 0, 41);
  auto chars = RandomModel(true, DType::kInt8, 4, 42);
  EXPECT_NE(words->PairWith(*chars), nullptr);
  EXPECT_EQ(chars->PairWith(*words), nullptr);  // char n-grams only in the second
  EXPECT_EQ(words->PairWith(*RandomModel(true, DType::kInt8, 4, 43, true)), nullptr);  // + lexicon bins
  EXPECT_EQ(words->PairWith(*RandomModel(true, DType::kInt8, 4, 44, false, 2000)), nullptr);  // buckets
  EXPECT_EQ(words->PairWith(*RandomModel(true, DType::kInt16, 4, 45)), nullptr);
  EXPECT_EQ(RandomModel(false, DType::kInt16, 0, 46)->PairWith(*chars), nullptr);
  // Models of different hash versions read different token hashes: no shared tokenisation.
  EXPECT_EQ(words->PairWith(*RandomModel(true, DType::kInt8, 4, 47, false, 1000, 1)), nullptr);
}

// A version-1 model next to a version-2 one on the same thread: the per-thread token cache
// must not hand one model the other's tokens (their hashes differ), in either order. The
// reference scores come from fresh threads, which have no cache.
TEST(LinearModel, ModelsOfBothHashVersionsScoreAsAlone) {
  auto v1 = RandomModel(false, DType::kInt8, 0, 51, true, 1000, 1);
  auto v2 = RandomModel(true, DType::kInt8, 4, 52, true, 1000, 2);
  auto scores = [](const LinearModel& m) {
    std::vector<ScoredText> st(kTexts.size());
    std::vector<float> p(kTexts.size() * m.n_labels());
    EXPECT_TRUE(m.ScoreBatch(kTexts, st, p));
    return p;
  };
  std::vector<float> ref1, ref2;
  std::thread([&] { ref1 = scores(*v1); }).join();
  std::thread([&] { ref2 = scores(*v2); }).join();
  EXPECT_EQ(scores(*v1), ref1);
  EXPECT_EQ(scores(*v2), ref2);  // the same texts in the same slots as v1's
  EXPECT_EQ(scores(*v1), ref1);
}

TEST(LinearModel, ScoreBatchRefusesShortOutputs) {
  auto m = RandomModel(false);
  EXPECT_TRUE(m->ScoreBatch({}, {}, {}));  // supported
  std::vector<ScoredText> scored(kTexts.size());
  std::vector<float> probs(kTexts.size() * m->n_labels() - 1);
  EXPECT_FALSE(m->ScoreBatch(kTexts, scored, probs));
  probs.resize(kTexts.size() * m->n_labels());
  scored.pop_back();
  EXPECT_FALSE(m->ScoreBatch(kTexts, scored, probs));
}

TEST(LinearModel, SaveLoadRoundTripIdenticalPredictions) {
  for (auto dtype : {DType::kInt8, DType::kInt16}) {
    for (bool multi : {false, true}) {
      for (std::uint32_t version : {1u, 2u}) {
      auto m = RandomModel(multi, dtype, multi ? 4 : 0, 5, false, 1000, version);
      const std::string dir = TempDir("rt");
      ASSERT_TRUE(m->Save(dir).ok());
      auto l = LinearModel::Load(dir);
      ASSERT_TRUE(l.ok()) << l.status().to_string();
      EXPECT_EQ((*l)->info().labels, m->info().labels);
      EXPECT_EQ((*l)->calibration().temperature, m->calibration().temperature);
      EXPECT_EQ((*l)->features(), m->features());
      EXPECT_EQ((*l)->features().hash_version, version);
      ExpectSamePredictions(*m, **l);
      fs::remove_all(dir);
      }
    }
  }
}

class CorruptTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = TempDir("corrupt");
    ASSERT_TRUE(RandomModel(false)->Save(dir_).ok());
    std::ifstream f(dir_ + "/weights.bin", std::ios::binary);
    std::stringstream s;
    s << f.rdbuf();
    bytes_ = s.str();
  }
  void TearDown() override { fs::remove_all(dir_); }
  void WriteWeights(const std::string& b) {
    std::ofstream f(dir_ + "/weights.bin", std::ios::binary | std::ios::trunc);
    f << b;
  }
  std::string LoadError() {
    auto r = LinearModel::Load(dir_);
    EXPECT_FALSE(r.ok());
    return r.ok() ? "" : r.status().message();
  }
  std::string dir_, bytes_;
};

TEST_F(CorruptTest, BadMagic) {
  std::string b = bytes_;
  b[0] = 'X';
  WriteWeights(b);
  const std::string e = LoadError();
  EXPECT_NE(e.find("magic"), std::string::npos) << e;
  EXPECT_NE(e.find("weights.bin"), std::string::npos) << e;
}

TEST_F(CorruptTest, Truncated) {
  WriteWeights(bytes_.substr(0, bytes_.size() - 100));
  EXPECT_NE(LoadError().find("truncated"), std::string::npos);
  WriteWeights(bytes_.substr(0, 20));
  EXPECT_NE(LoadError().find("truncated"), std::string::npos);
}

TEST_F(CorruptTest, FlippedPayloadByteFailsChecksum) {
  std::string b = bytes_;
  b[b.size() / 2] ^= 0x10;
  WriteWeights(b);
  EXPECT_NE(LoadError().find("checksum"), std::string::npos);
}

TEST_F(CorruptTest, FlippedHeaderByteFailsChecksum) {
  std::string b = bytes_;
  b[20] ^= 0x01;  // buckets field
  WriteWeights(b);
  EXPECT_NE(LoadError().find("checksum"), std::string::npos);
}

TEST_F(CorruptTest, ModelJsonMismatch) {
  std::ifstream f(dir_ + "/model.json");
  std::stringstream s;
  s << f.rdbuf();
  std::string j = s.str();
  const auto p = j.find("\"positive\"");
  ASSERT_NE(p, std::string::npos);
  std::string extra = j;
  extra.insert(p, "\"other\",");
  std::ofstream(dir_ + "/model.json", std::ios::trunc) << extra;
  EXPECT_NE(LoadError().find("labels"), std::string::npos);
  std::string buckets = j;
  const auto bp = buckets.find("\"buckets\":1000");
  ASSERT_NE(bp, std::string::npos);
  buckets.replace(bp, 14, "\"buckets\":1001");
  std::ofstream(dir_ + "/model.json", std::ios::trunc) << buckets;
  EXPECT_NE(LoadError().find("feature configuration"), std::string::npos);
  std::ofstream(dir_ + "/model.json", std::ios::trunc) << "{not json";
  EXPECT_NE(LoadError().find("model.json"), std::string::npos);
  fs::remove(dir_ + "/model.json");
  EXPECT_NE(LoadError().find("cannot open"), std::string::npos);
}

// A hash version this build does not know is refused with a message that names it (the
// header's checksum recomputed, so the version check itself is what refuses it).
TEST_F(CorruptTest, UnknownHashVersion) {
  constexpr std::size_t kHashVersionAt = 32, kHeaderCrcAt = 68;  // weights_file.h's layout
  std::string b = bytes_;
  const std::uint32_t v = kFeatureHashVersion + 1;
  std::memcpy(b.data() + kHashVersionAt, &v, 4);
  const auto crc = static_cast<std::uint32_t>(::crc32_z(0L, reinterpret_cast<const Bytef*>(b.data()), kHeaderCrcAt));
  std::memcpy(b.data() + kHeaderCrcAt, &crc, 4);
  WriteWeights(b);
  EXPECT_NE(LoadError().find("feature hash version " + std::to_string(v)), std::string::npos) << LoadError();
}

// model.json files written before hash version 2 have no "hash_version": they mean version 1.
TEST(LinearModel, ModelJsonWithoutHashVersionIsVersion1) {
  const std::string dir = TempDir("v1json");
  auto m = RandomModel(false, DType::kInt8, 0, 5, false, 1000, 1);
  ASSERT_TRUE(m->Save(dir).ok());
  std::ifstream f(dir + "/model.json");
  std::stringstream s;
  s << f.rdbuf();
  std::string j = s.str();
  const auto p = j.find("\"hash_version\":1,");
  ASSERT_NE(p, std::string::npos) << j;
  std::ofstream(dir + "/model.json", std::ios::trunc) << std::string(j).erase(p, 17);
  auto l = LinearModel::Load(dir);
  ASSERT_TRUE(l.ok()) << l.status().to_string();
  EXPECT_EQ((*l)->features().hash_version, 1u);
  ExpectSamePredictions(*m, **l);
  std::ofstream(dir + "/model.json", std::ios::trunc) << std::string(j).replace(p, 17, "\"hash_version\":2,");
  auto bad = LinearModel::Load(dir);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("feature configuration"), std::string::npos) << bad.status().message();
  fs::remove_all(dir);
}

}  // namespace
}  // namespace sentio::models::linear
