#include "models/linear/features.h"

#include <algorithm>
#include <cassert>
#include <cmath>

#include "core/prefetch.h"
#include "models/linear/hash.h"

namespace sentio::models::linear {
namespace {

using text::Token;
using text::TokenType;

constexpr std::uint64_t kNegSalt = 0x4e45475f4e454721ULL;    // "NEG_"
constexpr std::uint64_t kCharSeed = 0x6368617267726d73ULL;   // char n-grams
constexpr std::uint64_t kFlagSeed = 0x666c616773212121ULL;   // per-text flags
constexpr std::uint64_t kLexSeed = 0x6c6578696373636fULL;    // lexicon bins
// The per-text flag features.
constexpr std::uint64_t kCaps = HashBytes("<caps>", kFlagSeed);
constexpr std::uint64_t kElong = HashBytes("<elong>", kFlagSeed);
constexpr std::uint64_t kEmph = HashBytes("<emph>", kFlagSeed);
constexpr std::uint64_t kNeg = HashBytes("<neg>", kFlagSeed);

// How each hash version hashes token features (models/linear/hash.h): the hash of a token
// text (Token::hash is already that), the NEG_ salt and bigram combine, and the bucket.
struct HashV1 {
  static std::uint64_t Word(std::string_view s) { return text::Fnv1a64(s); }
  static std::uint64_t Combine(std::uint64_t a, std::uint64_t b) { return HashCombine(a, b); }
  static std::uint32_t Bucket(std::uint64_t h, std::uint32_t n) { return Reduce(h, n); }
};
struct HashV2 {
  static std::uint64_t Word(std::string_view s) { return text::WordHash64(s); }
  static std::uint64_t Combine(std::uint64_t a, std::uint64_t b) { return text::MumCombine(a, b); }
  static std::uint32_t Bucket(std::uint64_t h, std::uint32_t n) { return ReduceMixed(h, n); }
};

// Where Extract writes: ids up to kMaxFeatures, their origins when asked for, and each id's
// row prefetched when a base is given.
struct Sink {
  std::uint32_t* out;
  FeatureOrigin* origin;
  std::uint32_t buckets;
  RowPrefetch prefetch;
  std::size_t n = 0;
  // A feature whose hash is any hash (char n-grams, flags, lexicon bins).
  [[gnu::always_inline]] inline bool Push(std::uint64_t h, std::uint32_t token, bool bigram = false) {
    return PushId(Reduce(h, buckets), token, bigram);
  }
  // A token feature, hashed by H.
  template <typename H>
  [[gnu::always_inline]] inline bool PushToken(std::uint64_t h, std::uint32_t token, bool bigram = false) {
    return PushId(H::Bucket(h, buckets), token, bigram);
  }
  [[gnu::always_inline]] inline bool PushId(std::uint32_t id, std::uint32_t token, bool bigram) {
    if (n >= kMaxFeatures) [[unlikely]] return false;
    out[n] = id;
    if (prefetch.base) PrefetchLine(static_cast<const char*>(prefetch.base) + id * prefetch.stride);
    if (origin) origin[n] = {token, bigram};
    ++n;
    return true;
  }
};

// Char n-grams of "<word>" (text::ForEachCharNgram), salted so they never share a bucket
// pattern with whole words.
void CharNgrams(std::string_view w, const FeatureConfig& cfg, std::uint32_t token, Sink& sink) {
  text::ForEachCharNgram(w, static_cast<int>(cfg.minn), static_cast<int>(cfg.maxn),
                         [&](std::uint64_t h) { sink.Push(h ^ kCharSeed, token); });
}

inline int Bin(float v, float lo, float hi, int nbins) {
  const float t = (v - lo) / (hi - lo);
  int b = static_cast<int>(std::floor(t * static_cast<float>(nbins)));
  return std::clamp(b, 0, nbins - 1);
}

}  // namespace

void ExtractFeatures(const text::TokenizedText& tok, const FeatureConfig& cfg,
                     const LexiconScores* lex, std::vector<std::uint32_t>& out,
                     std::vector<FeatureOrigin>* origin) {
  out.resize(kMaxFeatures);
  if (origin) origin->resize(kMaxFeatures);
  const std::size_t n = ExtractFeatures(tok, cfg, lex, out.data(), origin ? origin->data() : nullptr);
  out.resize(n);
  if (origin) origin->resize(n);
}

namespace {

// ExtractFeatures' body in its general form: any config, the cap, origins.
template <typename H>
std::size_t Extract(const text::TokenizedText& tok, const FeatureConfig& cfg, std::uint32_t* out,
                    FeatureOrigin* origin, RowPrefetch prefetch, WordNgramHook word_hook) {
  Sink sink{out, origin, cfg.buckets == 0 ? 1u : cfg.buckets, prefetch};
  bool any_caps = false, any_elong = false, any_emph = false, any_neg = false;
  std::uint64_t prev = 0;
  bool have_prev = false;
  const std::size_t nt = tok.tokens.size();
  for (std::size_t i = 0; i < nt; ++i) {
    const Token& t = tok.tokens[i];
    const std::string_view s = tok.text(t);
    const auto ti = static_cast<std::uint32_t>(i);
    std::uint64_t h = t.hash;  // == H::Word(s), computed once by the tokenizer
    if (cfg.flag_features) {
      if ((t.flags & text::kNegated) && t.type == TokenType::kWord) {
        h = H::Combine(h, kNegSalt);
        any_neg = true;
      }
      any_caps |= (t.flags & text::kAllCaps) != 0;
      any_elong |= (t.flags & text::kElongated) != 0;
      any_emph |= (t.flags & text::kEmphasis) != 0;
    }
    if (!sink.PushToken<H>(h, ti)) break;
    if (t.type == TokenType::kHashtag && s.size() > 1) {
      if (!sink.PushToken<H>(H::Word(s.substr(1)), ti)) break;
    }
    if (cfg.word_ngrams >= 2 && have_prev) {
      if (!sink.PushToken<H>(H::Combine(prev, h), ti - 1, true)) break;
    }
    prev = h;
    have_prev = true;
    if (HasCharNgrams(t, cfg)) {
      if (word_hook.fn) {
        word_hook.fn(word_hook.ctx, s, t.hash);
      } else {
        CharNgrams(s, cfg, ti, sink);
      }
    }
  }
  if (cfg.flag_features) {
    if (any_caps) sink.Push(kCaps, kNoToken);
    if (any_elong) sink.Push(kElong, kNoToken);
    if (any_emph) sink.Push(kEmph, kNoToken);
    if (any_neg) sink.Push(kNeg, kNoToken);
  }
  return sink.n;
}

// ExtractFeatures' hot path, for a caller that has checked that the text cannot reach
// kMaxFeatures, wants no origins and prefetches rows, with flag features and bigrams on: no
// per-feature tests for those, and one pass over the tokens whose only test on a token is its
// negation (rarely true). The flags and hashtags are gathered with bitwise ORs: tests on a
// token's type or flags are taken at random from token to token, so they are mispredicted
// often. The same ids as Extract as a multiset, in another order (each token's unigram and
// the bigram ending there, then the hashtags' words, then the char n-grams, then the flags):
// every caller of the hot path only sums the ids' integer rows, which does not depend on
// their order.
template <typename H>
std::size_t ExtractFast(const text::TokenizedText& tok, const FeatureConfig& cfg, std::uint32_t* out,
                        RowPrefetch prefetch, WordNgramHook word_hook) {
  const std::uint32_t buckets = cfg.buckets == 0 ? 1u : cfg.buckets;
  const auto* const base = static_cast<const char*>(prefetch.base);
  const std::size_t stride = prefetch.stride;
  const std::size_t nt = tok.tokens.size();
  const text::Token* const tokens = tok.tokens.data();
  std::size_t n = 0;
  auto push_id = [&](std::uint32_t id) {
    out[n++] = id;
    PrefetchLine(base + id * stride);
  };
  auto push_token = [&](std::uint64_t h) { push_id(H::Bucket(h, buckets)); };
  auto push = [&](std::uint64_t h) { push_id(Reduce(h, buckets)); };
  unsigned flags = 0, negated_words = 0, hashtags = 0;
  std::uint64_t prev = 0;
  for (std::size_t i = 0; i < nt; ++i) {
    const text::Token& t = tokens[i];
    const bool word = t.type == TokenType::kWord;
    const unsigned neg = static_cast<unsigned>((t.flags & text::kNegated) != 0) & static_cast<unsigned>(word);
    const std::uint64_t h = neg ? H::Combine(t.hash, kNegSalt) : t.hash;
    flags |= t.flags;
    negated_words |= neg;
    hashtags |= static_cast<unsigned>(t.type == TokenType::kHashtag) & static_cast<unsigned>(t.length > 1);
    push_token(h);
    if (i > 0) push_token(H::Combine(prev, h));  // (not taken only for the first token)
    prev = h;
  }
  if (hashtags) [[unlikely]] {
    for (std::size_t i = 0; i < nt; ++i) {
      const text::Token& t = tokens[i];
      if (t.type == TokenType::kHashtag && t.length > 1) push_token(H::Word(tok.text(t).substr(1)));
    }
  }
  if (cfg.maxn > 0) {
    for (std::size_t i = 0; i < nt; ++i) {
      const text::Token& t = tokens[i];
      if (!HasCharNgrams(t, cfg)) continue;
      if (word_hook.fn) {
        word_hook.fn(word_hook.ctx, tok.text(t), t.hash);
      } else {
        text::ForEachCharNgram(tok.text(t), static_cast<int>(cfg.minn), static_cast<int>(cfg.maxn),
                               [&](std::uint64_t g) { push(g ^ kCharSeed); });
      }
    }
  }
  if (flags & text::kAllCaps) push(kCaps);
  if (flags & text::kElongated) push(kElong);
  if (flags & text::kEmphasis) push(kEmph);
  if (negated_words) push(kNeg);
  return n;
}

}  // namespace

std::size_t ExtractFeatures(const text::TokenizedText& tok, const FeatureConfig& cfg,
                            const LexiconScores* lex, std::uint32_t* out, FeatureOrigin* origin,
                            RowPrefetch prefetch, WordNgramHook word_hook) {
  assert(tok.hash == TokenHashFor(cfg.hash_version) && "tokens from TokenizerFor(cfg)");
  const bool fast = origin == nullptr && prefetch.base != nullptr && cfg.flag_features && cfg.word_ngrams >= 2 &&
                    WordHookIsExact(tok, cfg);  // (its bound covers every feature emitted here)
  std::size_t n;
  if (cfg.hash_version >= 2) {
    n = fast ? ExtractFast<HashV2>(tok, cfg, out, prefetch, word_hook)
             : Extract<HashV2>(tok, cfg, out, origin, prefetch, word_hook);
  } else {
    n = fast ? ExtractFast<HashV1>(tok, cfg, out, prefetch, word_hook)
             : Extract<HashV1>(tok, cfg, out, origin, prefetch, word_hook);
  }
  if (lex != nullptr) return AddLexiconFeatures(cfg, *lex, out, origin, n, prefetch);
  return n;
}

std::size_t AddLexiconFeatures(const FeatureConfig& cfg, const LexiconScores& lex, std::uint32_t* out,
                               FeatureOrigin* origin, std::size_t n, RowPrefetch prefetch) {
  if (!cfg.lexicon_features) return n;
  Sink sink{out, origin, cfg.buckets == 0 ? 1u : cfg.buckets, prefetch, n};
  // Compound in 10 bins; pos and neg shares in 5 bins; joint sign of compound.
  const int cb = Bin(lex.compound, -1.f, 1.f, 10);
  const int pb = Bin(lex.pos, 0.f, 1.f, 5);
  const int nb = Bin(lex.neg, 0.f, 1.f, 5);
  static constexpr std::uint64_t kLexC = HashBytes("<lex_c>", kLexSeed);
  static constexpr std::uint64_t kLexP = HashBytes("<lex_p>", kLexSeed);
  static constexpr std::uint64_t kLexN = HashBytes("<lex_n>", kLexSeed);
  sink.Push(HashCombine(kLexC, static_cast<std::uint64_t>(cb)), kNoToken);
  sink.Push(HashCombine(kLexP, static_cast<std::uint64_t>(pb)), kNoToken);
  sink.Push(HashCombine(kLexN, static_cast<std::uint64_t>(nb)), kNoToken);
  return sink.n;
}

std::size_t WordCharNgramIds(std::string_view word, const FeatureConfig& cfg, std::uint32_t* out,
                             std::size_t cap) {
  const std::uint32_t buckets = cfg.buckets == 0 ? 1u : cfg.buckets;
  std::size_t n = 0;
  text::ForEachCharNgram(word, static_cast<int>(cfg.minn), static_cast<int>(cfg.maxn), [&](std::uint64_t h) {
    if (n < cap) out[n++] = Reduce(h ^ kCharSeed, buckets);
  });
  return n;
}

bool WordHookIsExact(const text::TokenizedText& tok, const FeatureConfig& cfg) {
  // Per token at most: unigram + hashtag word + bigram, and (length + 2) char n-grams of
  // each size; then 4 flags and 3 lexicon bins.
  const std::size_t sizes = cfg.maxn >= cfg.minn && cfg.minn > 0 ? cfg.maxn - cfg.minn + 1 : 0;
  const std::size_t nt = tok.tokens.size();
  const std::size_t bound = 3 * nt + sizes * (tok.norm.size() + 2 * nt) + 7;
  return bound <= kMaxFeatures;
}

text::TokenizerOptions TokenizerFor(const FeatureConfig& cfg) {
  text::TokenizerOptions o;
  o.token_hash = TokenHashFor(cfg.hash_version);
  return o;
}

std::string DescribeFeatures(const FeatureConfig& cfg) {
  std::string s = "words";
  if (cfg.word_ngrams >= 2) s += "+bigrams";
  if (cfg.maxn > 0) s += "+char" + std::to_string(cfg.minn) + "-" + std::to_string(cfg.maxn);
  if (cfg.flag_features) s += "+flags";
  if (cfg.lexicon_features) s += "+lexicon";
  return s;
}

}  // namespace sentio::models::linear
