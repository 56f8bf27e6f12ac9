// Feature extraction for the linear model: typed tokens -> hashed bucket ids.
//
// Features (all hashed with models/linear/hash.h into `buckets` rows):
//   - word unigrams (words, hashtags, emoji, emoticons, "<url>", "<user>", punctuation);
//     a word inside a negation scope becomes "NEG_word" (its own feature);
//     a hashtag "#happy" also emits the word "happy";
//   - word bigrams of consecutive tokens (word_ngrams >= 2), built from the unigram hashes;
//   - optional char n-grams of words with boundary markers ("<go", "goo", "ood", "od>")
//     for minn <= n <= maxn code points (off when maxn == 0; they cost time per text);
//   - optional flag features: "<caps>", "<elong>", "<emph>", "<neg>" once per text;
//   - optional lexicon features: VADER compound / pos / neg bins (see LexiconBins).
// The same function runs in training and inference, so the two cannot drift apart.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "text/tokenizer.h"

namespace sentio::models::linear {

struct FeatureConfig {
  std::uint32_t buckets = 1u << 20;  // rows of the weight table
  std::uint32_t word_ngrams = 2;     // 1 = unigrams only, 2 = + bigrams
  std::uint32_t minn = 0;            // char n-gram sizes in code points (maxn == 0: off)
  std::uint32_t maxn = 0;
  bool flag_features = true;         // NEG_ marking + per-text caps/elongation/emphasis flags
  bool lexicon_features = false;     // VADER score bins
  // How token features are hashed (models/linear/hash.h); older models keep the version they
  // were trained with.
  std::uint32_t hash_version = 2;

  bool operator==(const FeatureConfig&) const = default;
};

// Lexicon scores of one text (VADER semantics: compound in [-1, 1], pos/neu/neg shares).
struct LexiconScores {
  float compound = 0.f;
  float pos = 0.f;
  float neu = 0.f;
  float neg = 0.f;
};

// Where each feature came from, for explanations: token index, or kNoToken for per-text
// features. Bigrams are attributed to both their tokens (second = first + 1).
inline constexpr std::uint32_t kNoToken = 0xffffffffu;
struct FeatureOrigin {
  std::uint32_t token = kNoToken;
  bool bigram = false;
};

// Hard cap on features per text (keeps int32 accumulators exact and time bounded).
inline constexpr std::size_t kMaxFeatures = 16384;

// The tokenizer options a model of this config reads tokens from (its token hash).
text::TokenizerOptions TokenizerFor(const FeatureConfig& cfg);

// Replaces `out` with the bucket ids of `tok` (convenience form for tests and tools: it
// resizes `out` to kMaxFeatures and back, so it is not for hot loops). `lex` is used only when
// cfg.lexicon_features (nullptr there: no lexicon features). `origin`, when non-null, gets
// one entry per feature.
void ExtractFeatures(const text::TokenizedText& tok, const FeatureConfig& cfg,
                     const LexiconScores* lex, std::vector<std::uint32_t>& out,
                     std::vector<FeatureOrigin>* origin = nullptr);
// Where the caller will read each feature's weight row: base + id * stride bytes. The hot
// path prefetches the row as soon as the id is known, so the table's cache misses overlap
// with the hashing of the following features instead of stalling the accumulation.
struct RowPrefetch {
  const void* base = nullptr;  // nullptr: no prefetching
  std::size_t stride = 0;
};

// Optional stand-in for the char n-grams of words. When `fn` is set, ExtractFeatures emits
// no char n-grams itself: for every word that would get them it calls fn(ctx, word, hash)
// (hash = Token::hash), and the callee accounts for them (LinearModel adds memoised
// per-word sums of their weight rows; WordCharNgramIds gives the ids on a miss). Only for
// texts where WordHookIsExact holds, so the kMaxFeatures cap cannot cut the list short.
struct WordNgramHook {
  void (*fn)(void* ctx, std::string_view word, std::uint64_t hash) = nullptr;
  void* ctx = nullptr;
};

// `tok` must come from a tokenizer with TokenizerFor(cfg)'s token hash (asserted).
// The hot-path form: writes at most kMaxFeatures ids into `out` (and origins into `origin`
// when non-null) and returns how many. With `prefetch` set, no origins and a text short of
// the cap, the ids may come in another order than the plain form's (the same ids): for
// callers that only sum their integer rows.
std::size_t ExtractFeatures(const text::TokenizedText& tok, const FeatureConfig& cfg,
                            const LexiconScores* lex, std::uint32_t* out, FeatureOrigin* origin,
                            RowPrefetch prefetch = {}, WordNgramHook word_hook = {});

// Appends the lexicon features of `lex` (when cfg.lexicon_features) after the n ids already in
// `out` and returns the new count: what ExtractFeatures adds last when given `lex`. For callers
// that extract the token features first and score the lexicon afterwards.
std::size_t AddLexiconFeatures(const FeatureConfig& cfg, const LexiconScores& lex, std::uint32_t* out,
                               FeatureOrigin* origin, std::size_t n, RowPrefetch prefetch = {});

// Whether ExtractFeatures gives token t char n-grams (and so passes it to a WordNgramHook).
// The token's part is bitwise, not short-circuit: callers loop over every token, and a
// branch on the token's type would be taken at random from token to token.
inline bool HasCharNgrams(const text::Token& t, const FeatureConfig& cfg) {
  return cfg.maxn > 0 &&
         (static_cast<unsigned>(t.type == text::TokenType::kWord) & static_cast<unsigned>(t.length > 1)) != 0;
}

// Calls f(word, hash) for exactly the words ExtractFeatures(.., word_hook) would pass to its
// hook, in the same order, for callers that already hold the other feature ids of the text
// (from another model with the same word features). A template so the per-word call inlines.
template <typename F>
void ForEachNgramWord(const text::TokenizedText& tok, const FeatureConfig& cfg, F&& f) {
  for (const text::Token& t : tok.tokens) {
    if (HasCharNgrams(t, cfg)) f(tok.text(t), t.hash);
  }
}

// Bucket ids of the char n-grams of one word, in ExtractFeatures' order; writes at most
// `cap` and returns how many it wrote.
std::size_t WordCharNgramIds(std::string_view word, const FeatureConfig& cfg, std::uint32_t* out,
                             std::size_t cap);

// True when no text of this size can reach kMaxFeatures, so a WordNgramHook sees every word
// the plain extraction would (an upper bound on features from the token count and bytes).
bool WordHookIsExact(const text::TokenizedText& tok, const FeatureConfig& cfg);

// Human-readable description for model.json / logs, e.g. "words+bigrams+char2-4+flags".
std::string DescribeFeatures(const FeatureConfig& cfg);

}  // namespace sentio::models::linear
