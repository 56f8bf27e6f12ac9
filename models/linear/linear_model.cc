#include "models/linear/linear_model.h"

#include <algorithm>
#include <array>
#include <bit>
#include <atomic>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <new>
#include <sstream>
#if defined(__SSE4_1__)
#include <smmintrin.h>
#endif

#include <boost/json.hpp>

#include "core/huge_pages.h"
#include "core/json_writer.h"
#include "core/prefetch.h"
#include "core/short_strings.h"

namespace sentio::models::linear {
namespace json = boost::json;

namespace {
struct WordGramSet;
// A memo miss whose rows are still loading: its ids are ids[first, first + n).
struct WordGramMiss {
  const char* word;   // the token's text, valid until the text is done
  WordGramSet* set;   // where to store it; nullptr: a word too long to store
  std::uint32_t first;
  std::uint32_t n;
  std::uint8_t len;
  std::uint16_t lex_code;  // LexiconFeaturizer::WordCode, stored with the word (0: none)
};

}  // namespace

struct LinearModel::Scratch {
  text::TokenizedText tok;
  std::vector<std::uint32_t> feats;   // kMaxFeatures slots; the first n_feats are valid
  std::vector<FeatureOrigin> origin;  // same, when explaining
  std::vector<std::uint32_t> word_ids;  // char n-gram ids of the memo misses of a text
  std::vector<WordGramMiss> misses;     // a slot per token
  std::vector<std::uint16_t> lex_codes;  // a FusedPair's lexicon word codes, a slot per token
  std::vector<std::uint32_t> ngram_words;  // a FusedPair's tokens with char n-grams, a slot per token
  std::size_t n_feats = 0;
  std::vector<float> token_weight;
  std::vector<std::uint32_t> order;
  std::array<float, 64> z{};
  std::array<float, 64> p{};

  // Gives feats and origin their kMaxFeatures slots (once per thread).
  void ReserveFeatures() {
    if (feats.size() < kMaxFeatures) {
      feats.resize(kMaxFeatures);
      origin.resize(kMaxFeatures);
    }
  }
};

// One per thread, shared by PredictBatch, ScoreBatch and RawLogits (and by every model).
LinearModel::Scratch& LinearModel::ThreadScratch() {
  thread_local Scratch s;
  return s;
}

namespace {

constexpr std::size_t kMaxStackLabels = 64;


// Sums quantised rows: acc[d] = sum_f q[f * D + d], D fixed at compile time where it pays.
// With SSE4.1 (the x86-64 default build targets x86-64-v2), rows of 4 or 8 lanes are one
// load, sign-extended to int32 lanes and added; otherwise a scalar loop.
template <typename T, int D>
void AccumulateFixed(const T* q, const std::uint32_t* f, std::size_t n, std::int32_t* acc) {
  // The rows were prefetched while the feature ids were computed (ExtractFeatures).
#if defined(__SSE4_1__)
  if constexpr (sizeof(T) == 1 && D == 16) {  // a FusedPair's interleaved rows
    // Rows are summed in int16 lanes, 256 at a time (256 x -128 = -32768 still fits), and each
    // block's sums widened into the int32 totals: the same integers, half the work per row.
    __m128i a0 = _mm_setzero_si128(), a1 = a0, a2 = a0, a3 = a0;
    for (std::size_t start = 0; start < n; start += 256) {
      const std::size_t end = std::min(n, start + 256);
      __m128i lo = _mm_setzero_si128(), hi = lo;
      for (std::size_t i = start; i < end; ++i) {
        const __m128i r = _mm_loadu_si128(reinterpret_cast<const __m128i*>(q + static_cast<std::size_t>(f[i]) * D));
        lo = _mm_add_epi16(lo, _mm_cvtepi8_epi16(r));
        hi = _mm_add_epi16(hi, _mm_cvtepi8_epi16(_mm_srli_si128(r, 8)));
      }
      a0 = _mm_add_epi32(a0, _mm_cvtepi16_epi32(lo));
      a1 = _mm_add_epi32(a1, _mm_cvtepi16_epi32(_mm_srli_si128(lo, 8)));
      a2 = _mm_add_epi32(a2, _mm_cvtepi16_epi32(hi));
      a3 = _mm_add_epi32(a3, _mm_cvtepi16_epi32(_mm_srli_si128(hi, 8)));
    }
    _mm_storeu_si128(reinterpret_cast<__m128i*>(acc), a0);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(acc + 4), a1);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(acc + 8), a2);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(acc + 12), a3);
    return;
  }
  if constexpr (D == 4 || D == 8) {
    __m128i lo = _mm_setzero_si128(), hi = _mm_setzero_si128();
    for (std::size_t i = 0; i < n; ++i) {
      const T* row = q + static_cast<std::size_t>(f[i]) * D;
      if constexpr (sizeof(T) == 1 && D == 4) {
        std::int32_t v;
        std::memcpy(&v, row, sizeof v);
        lo = _mm_add_epi32(lo, _mm_cvtepi8_epi32(_mm_cvtsi32_si128(v)));
      } else if constexpr (sizeof(T) == 1) {
        const __m128i r = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(row));
        lo = _mm_add_epi32(lo, _mm_cvtepi8_epi32(r));
        hi = _mm_add_epi32(hi, _mm_cvtepi8_epi32(_mm_srli_si128(r, 4)));
      } else if constexpr (D == 4) {
        lo = _mm_add_epi32(lo, _mm_cvtepi16_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(row))));
      } else {
        const __m128i r = _mm_loadu_si128(reinterpret_cast<const __m128i*>(row));
        lo = _mm_add_epi32(lo, _mm_cvtepi16_epi32(r));
        hi = _mm_add_epi32(hi, _mm_cvtepi16_epi32(_mm_srli_si128(r, 8)));
      }
    }
    _mm_storeu_si128(reinterpret_cast<__m128i*>(acc), lo);
    if constexpr (D == 8) _mm_storeu_si128(reinterpret_cast<__m128i*>(acc + 4), hi);
    return;
  }
#endif
  std::int32_t a[D] = {};
  for (std::size_t i = 0; i < n; ++i) {
    const T* row = q + static_cast<std::size_t>(f[i]) * D;
    for (int d = 0; d < D; ++d) a[d] += row[d];
  }
  for (int d = 0; d < D; ++d) acc[d] = a[d];
}

template <typename T>
void Accumulate(const T* q, std::uint32_t dims, const std::uint32_t* f, std::size_t n,
                std::int32_t* acc) {
  switch (dims) {
    case 4: return AccumulateFixed<T, 4>(q, f, n, acc);
    case 8: return AccumulateFixed<T, 8>(q, f, n, acc);
    case 12: return AccumulateFixed<T, 12>(q, f, n, acc);
    case 16: return AccumulateFixed<T, 16>(q, f, n, acc);
    default: break;
  }
  std::fill(acc, acc + dims, 0);
  for (std::size_t i = 0; i < n; ++i) {
    const T* row = q + static_cast<std::size_t>(f[i]) * dims;
    for (std::uint32_t d = 0; d < dims; ++d) acc[d] += row[d];
  }
}

std::string ReadFile(const std::string& path, Status* st) {
  std::ifstream f(path, std::ios::binary);
  if (!f) {
    *st = IoError(path + ": cannot open");
    return {};
  }
  std::ostringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

json::value ParseOr(const std::string& text, json::value fallback) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec) return fallback;
  return v;
}

Result<FeatureConfig> ParseFeatures(const json::object& o, const std::string& file) {
  FeatureConfig c;
  try {
    c.buckets = static_cast<std::uint32_t>(o.at("buckets").to_number<std::int64_t>());
    c.word_ngrams = static_cast<std::uint32_t>(o.at("word_ngrams").to_number<std::int64_t>());
    c.minn = static_cast<std::uint32_t>(o.at("minn").to_number<std::int64_t>());
    c.maxn = static_cast<std::uint32_t>(o.at("maxn").to_number<std::int64_t>());
    c.flag_features = o.at("flag_features").as_bool();
    c.lexicon_features = o.at("lexicon_features").as_bool();
    // Absent in models written before version 2 existed, which all use version 1.
    const auto* hv = o.if_contains("hash_version");
    c.hash_version = hv ? static_cast<std::uint32_t>(hv->to_number<std::int64_t>()) : 1;
  } catch (const std::exception& e) {
    return DataLoss(file + ": bad \"features\" object: " + e.what());
  }
  return c;
}

json::object FeaturesToJson(const FeatureConfig& c, DType dtype) {
  json::object o;
  o["buckets"] = c.buckets;
  o["word_ngrams"] = c.word_ngrams;
  o["minn"] = c.minn;
  o["maxn"] = c.maxn;
  o["flag_features"] = c.flag_features;
  o["lexicon_features"] = c.lexicon_features;
  o["hash_version"] = c.hash_version;
  o["dtype"] = dtype == DType::kInt8 ? "int8" : "int16";
  o["description"] = DescribeFeatures(c);
  return o;
}

}  // namespace

Result<std::unique_ptr<LinearModel>> LinearModel::FromFloat(LinearModelMeta meta,
                                                            const FeatureConfig& cfg, DType dtype,
                                                            std::span<const float> weights,
                                                            std::span<const float> bias,
                                                            Calibration calib) {
  const auto L = static_cast<std::uint32_t>(meta.labels.size());
  if (L == 0) return InvalidArgument("model has no labels");
  if (cfg.buckets == 0) return InvalidArgument("buckets must be > 0");
  if (weights.size() != static_cast<std::size_t>(cfg.buckets) * L || bias.size() != L) {
    return InvalidArgument("weights/bias size does not match buckets x labels");
  }
  std::unique_ptr<LinearModel> m(new LinearModel());
  m->meta_ = std::move(meta);
  WeightsData& w = m->weights_;
  w.n_labels = L;
  w.dims = PaddedDims(L);
  w.dtype = dtype;
  w.features = cfg;
  w.scale.assign(w.dims, 1.f);
  w.bias.assign(w.dims, 0.f);
  const float qmax = dtype == DType::kInt8 ? 127.f : 32767.f;
  for (std::uint32_t c = 0; c < L; ++c) {
    float mx = 0.f;
    for (std::size_t b = 0; b < cfg.buckets; ++b) mx = std::max(mx, std::fabs(weights[b * L + c]));
    w.scale[c] = mx > 0.f ? mx / qmax : 1.f;
    w.bias[c] = bias[c];
  }
  const std::size_t cells = static_cast<std::size_t>(cfg.buckets) * w.dims;
  if (dtype == DType::kInt8) {
    w.q8.assign(cells, 0);
  } else {
    w.q16.assign(cells, 0);
  }
  for (std::size_t b = 0; b < cfg.buckets; ++b) {
    for (std::uint32_t c = 0; c < L; ++c) {
      const float q = std::nearbyint(weights[b * L + c] / w.scale[c]);
      const float cq = std::clamp(q, -qmax, qmax);
      if (dtype == DType::kInt8) {
        w.q8[b * w.dims + c] = static_cast<std::int8_t>(cq);
      } else {
        w.q16[b * w.dims + c] = static_cast<std::int16_t>(cq);
      }
    }
  }
  m->calib_ = std::move(calib);
  SENTIO_RETURN_IF_ERROR(m->Init());
  return m;
}

Status LinearModel::Init() {
  const std::size_t L = meta_.labels.size();
  if (L > kMaxStackLabels) return InvalidArgument("too many labels (max 64)");
  if (calib_.logit_adjust.empty()) calib_.logit_adjust.assign(L, 0.f);
  if (calib_.thresholds.empty()) calib_.thresholds.assign(L, 0.5f);
  if (calib_.logit_adjust.size() != L || calib_.thresholds.size() != L) {
    return DataLoss("calibration has " + std::to_string(calib_.logit_adjust.size()) + "/" +
                    std::to_string(calib_.thresholds.size()) + " entries for " +
                    std::to_string(L) + " labels");
  }
  if (!(calib_.temperature > 0.f) || !std::isfinite(calib_.temperature)) {
    return DataLoss("temperature must be > 0");
  }
  info_.name = meta_.name;
  info_.version = meta_.version;
  info_.kind = "linear";
  info_.task = meta_.task;
  info_.labels = meta_.labels;
  info_.multi_label = meta_.multi_label;
  info_.metrics_json = meta_.metrics_json;
  static std::atomic<std::uint64_t> next_uid{1};
  uid_ = next_uid.fetch_add(1, std::memory_order_relaxed);
  tokenizer_ = text::Tokenizer(TokenizerFor(weights_.features));
  if (weights_.features.lexicon_features) {
    lexicon_ = MakeVaderFeaturizer(tokenizer_.options().token_hash);
    if (!lexicon_) return Unavailable("model uses lexicon features but no lexicon is built in");
  }
  return Status::Ok();
}

Status LinearModel::set_calibration(Calibration c) {
  Calibration old = calib_;
  calib_ = std::move(c);
  Status st = Init();
  if (!st.ok()) calib_ = std::move(old);
  return st;
}

void LinearModel::set_metrics_json(std::string m) {
  meta_.metrics_json = std::move(m);
  info_.metrics_json = meta_.metrics_json;
}

namespace {

// Per-thread cache of tokenisations (and lexicon scores) by batch slot, shared by every
// LinearModel used on this thread. `sentio analyze` and the predict service run the
// sentiment model and then the emotion model over the same batch: the second model finds
// each text already tokenised (a memcmp instead of a Tokenize + VADER pass). A slot is
// reused only when its stored text is byte-identical, so stale entries can never leak.
// All linear models tokenise with default TokenizerOptions but for the token hash (their hash
// version's), and use the built-in VADER lexicon, which is what makes the cached results
// interchangeable between models of the same hash version (TokenizedText::hash says which).
// A slot also keeps the text's word-level feature ids (everything but char n-grams) under
// the FeatureConfig that produced them: models whose configs differ only in char n-grams
// (the shipped pair) share them, the second one adding just its memoised word n-grams.
struct TokenSlot {
  std::string text;
  text::TokenizedText tok;
  LexiconScores lex;
  std::vector<std::uint32_t> ids;
  FeatureConfig ids_cfg;  // minn = maxn = 0
  bool valid = false;
  bool have_lex = false;
  bool have_ids = false;
};
constexpr std::size_t kMaxSlots = 1024;
constexpr std::size_t kNoSlot = static_cast<std::size_t>(-1);
thread_local std::vector<TokenSlot> t_slots;

// Per-thread memo of words' char n-gram contributions: for a word, the int32 sum of its char
// n-grams' quantised weight rows and how many n-grams it has. Integer sums are exact and
// order-free, so a hit gives bit-identical logits to extracting the n-grams again, and it
// replaces ~4 hashes and ~4 random loads from the multi-MB table per word with one probe of
// a 2 MB table (social text is Zipfian: most words repeat). Two-way set-associative (both
// ways of a set share one cache line; a new or found word goes in front, the other moves back),
// keyed by the word's bytes; one table per model (by uid), the two most recently used kept
// per thread. Entries are 32 bytes: the sums are stored as int16 lanes, and a word whose sums
// or count do not fit is summed every time instead of stored (never for int8 rows of words
// that fit the key). An entry also keeps the word's lexicon code (LexiconFeaturizer::WordCode,
// 0 when none was asked for), which a FusedPair hands to the lexicon instead of its lookups:
// codes come from the built-in VADER lexicon, the same for every model.
// 64k entries (2 MB): larger than L2, but a hit (one line) is still far cheaper than a miss
// (the word's n-grams hashed, ~5 random rows read); against 16k entries, -4 % CPU on 156k
// distinct training texts and -7 % on the bench file (1 << 16: no better).
constexpr std::size_t kMemoDims = 8;   // models with more (padded) labels go unmemoised
constexpr std::size_t kMemoKey = 12;   // longer words are summed but not stored
constexpr std::size_t kMemoSets = 1u << 15;
using I32x8 = std::int32_t __attribute__((vector_size(32)));  // GCC/Clang vector extension
using I16x8 = std::int16_t __attribute__((vector_size(16)));
struct alignas(32) WordGramEntry {
  I16x8 sum;  // lanes >= the model's dims stay 0
  char key[kMemoKey];
  std::uint16_t lex_code;
  std::uint8_t len;  // 0: empty (memoised words have >= 2 bytes)
  std::uint8_t count;
};
static_assert(sizeof(WordGramEntry) == 32);
struct alignas(64) WordGramSet {
  WordGramEntry way[2];  // way[0]: the more recently stored or found
};
struct WordGramMemo {
  std::uint64_t model = 0;
  std::vector<WordGramSet, HugePageAllocator<WordGramSet>> sets;  // 2 MB: one huge page where THP allows
};
thread_local std::array<WordGramMemo, 2> t_memos;

WordGramSet* MemoFor(std::uint64_t uid) {
  if (t_memos[0].model == uid) return t_memos[0].sets.data();
  std::swap(t_memos[0], t_memos[1]);  // most recently used first
  if (t_memos[0].model != uid) {
    t_memos[0].model = uid;
    t_memos[0].sets.assign(kMemoSets, WordGramSet{});
  }
  return t_memos[0].sets.data();
}

// Sums the char n-gram rows of a text's words: AddWord for each word, then Finish. A word in
// the memo is added at once; for a miss the ids are computed and their rows prefetched, and
// Finish sums them (and stores the word) once all the text's words have been seen, so the
// misses' random row reads overlap with each other and with the caller's other work.
struct WordGramSums {
  WordGramSet* sets;
  const FeatureConfig* cfg;
  const std::int8_t* q8;  // one of q8 / q16
  const std::int16_t* q16;
  std::uint32_t dims;
  std::uint32_t* ids;  // scratch, kMaxFeatures slots
  WordGramMiss* misses;  // scratch, a slot per token of the text
  const LexiconFeaturizer* lex = nullptr;  // where AddWord's lexicon codes come from
  I32x8 acc = {};
  std::size_t count = 0;
  std::size_t n_miss = 0;
  std::size_t used = 0;  // ids taken by misses

  // Sums for a text of n_tokens tokens, over the rows of `w` and the memo `sets`; `ids` and
  // `misses` are the thread's scratch, grown here as needed.
  static WordGramSums For(WordGramSet* sets, const WeightsData& w, std::vector<std::uint32_t>& ids,
                          std::vector<WordGramMiss>& misses, std::size_t n_tokens) {
    if (ids.size() < kMaxFeatures) ids.resize(kMaxFeatures);
    if (misses.size() < n_tokens) misses.resize(n_tokens);
    WordGramSums r{};
    r.sets = sets;
    r.cfg = &w.features;
    r.q8 = w.dtype == DType::kInt8 ? w.q8.data() : nullptr;
    r.q16 = w.dtype == DType::kInt8 ? nullptr : w.q16.data();
    r.dims = w.dims;
    r.ids = ids.data();
    r.misses = misses.data();
    return r;
  }

  // Whether e holds w, a word of TokenizedText::norm (16 bytes readable at w.data(): see
  // kNormPadding) of at most kMemoKey bytes. Without branches on the word's length (EqualShort
  // takes them, and mispredicts them from word to word): a stored key's bytes past its length
  // are zero, and w's are masked off.
  static bool Holds(const WordGramEntry& e, std::string_view w) {
    static_assert(kMemoKey == 12 && text::kNormPadding >= 12, "two loads: 8 bytes and 4");
    const std::size_t n = w.size();
    std::uint64_t a, k0;
    std::uint32_t b, k1;
    std::memcpy(&a, w.data(), 8);
    std::memcpy(&b, w.data() + 8, 4);
    std::memcpy(&k0, e.key, 8);
    std::memcpy(&k1, e.key + 8, 4);
    const std::uint64_t ma = n >= 8 ? ~std::uint64_t{0} : ~(~std::uint64_t{0} << (8 * n));
    const std::uint32_t mb = n <= 8 ? 0u : ~0u >> (8 * (kMemoKey - n));
    return ((((a & ma) ^ k0) | std::uint64_t{(b & mb) ^ k1}) == 0) & (e.len == n);
  }

  static std::size_t Set(std::uint64_t h) { return (h ^ (h >> 29)) & (kMemoSets - 1); }

  // The WordNgramHook form, for ExtractFeatures.
  static void Add(void* ctx, std::string_view w, std::uint64_t h) { static_cast<WordGramSums*>(ctx)->AddWord(w, h); }

  // `code`, when given (and `lex` is set), receives the word's lexicon code: the stored one on
  // a hit, else lex->WordCode (then stored with the word).
  [[gnu::always_inline]] void AddWord(std::string_view w, std::uint64_t h, std::uint16_t* code = nullptr) {
    if (w.size() > kMemoKey) {
      Miss(w, h, nullptr, code);
      return;
    }
    WordGramSet& set = sets[Set(h)];
    WordGramEntry* e = &set.way[0];
    if (!Holds(*e, w)) [[unlikely]] {
      if (!Holds(set.way[1], w)) {
        Miss(w, h, &set, code);
        return;
      }
      std::swap(set.way[0], set.way[1]);  // moved to the front: frequent words stay in way 0
    }
    acc += __builtin_convertvector(e->sum, I32x8);
    count += e->count;
    if (code) {
      if (e->lex_code == 0) [[unlikely]] e->lex_code = lex->WordCode(w, h);  // stored without one
      *code = e->lex_code;
    }
  }

  void Miss(std::string_view w, std::uint64_t h, WordGramSet* set, std::uint16_t* code) {
    const std::uint16_t lex_code = code ? (*code = lex->WordCode(w, h)) : 0;
    const std::size_t n = WordCharNgramIds(w, *cfg, ids + used, kMaxFeatures - used);
    const char* base = q8 ? reinterpret_cast<const char*>(q8) : reinterpret_cast<const char*>(q16);
    const std::size_t stride = q8 ? dims : dims * sizeof(std::int16_t);
    for (std::size_t k = 0; k < n; ++k) PrefetchLine(base + ids[used + k] * stride);
    misses[n_miss++] = {w.data(), set, static_cast<std::uint32_t>(used), static_cast<std::uint32_t>(n),
                        static_cast<std::uint8_t>(w.size()), lex_code};
    used += n;
  }

  // Adds the misses' rows, and stores each missed word whose int16 lanes and uint8 count
  // hold its sums exactly.
  void Finish() {
    for (std::size_t i = 0; i < n_miss; ++i) {
      const WordGramMiss& m = misses[i];
      std::int32_t part[kMemoDims] = {};
      if (q8) {
        Accumulate(q8, dims, ids + m.first, m.n, part);
      } else {
        Accumulate(q16, dims, ids + m.first, m.n, part);
      }
      I32x8 sum = {};
      for (std::uint32_t d = 0; d < dims; ++d) sum[d] = part[d];
      acc += sum;
      count += m.n;
      if (m.set == nullptr || m.n > 255) continue;
      const I32x8 hi = sum > 32767, lo = sum < -32768;
      bool fits = true;
      for (int d = 0; d < 8; ++d) fits &= !(hi[d] | lo[d]);
      const std::string_view w(m.word, m.len);
      if (!fits || Holds(m.set->way[0], w)) continue;  // (a word missed twice in one text)
      m.set->way[1] = m.set->way[0];
      WordGramEntry& f = m.set->way[0];
      f.sum = __builtin_convertvector(sum, I16x8);
      std::memset(f.key, 0, kMemoKey);  // (Holds compares all of it)
      std::memcpy(f.key, w.data(), w.size());
      f.len = m.len;
      f.count = static_cast<std::uint8_t>(m.n);
      f.lex_code = m.lex_code;
    }
    n_miss = 0;
    used = 0;
  }
};

// Starts loading the weight rows of the word feature ids an earlier model of the batch left
// in slot `index`, for this model. Issued one text ahead, so they arrive before they are
// needed. A slot left from an older batch only costs useless prefetches.
// (Prefetching the memo sets of the text's words as well, or the VADER table's slots before
// scoring, was measured slower: 40 alternated runs, stop 13.)
void PrefetchSlot(std::size_t index, const FeatureConfig& word_cfg, RowPrefetch rows) {
  if (index >= t_slots.size()) return;
  const TokenSlot& next = t_slots[index];
  if (!next.valid || !next.have_ids || !(next.ids_cfg == word_cfg)) return;
  const auto* base = static_cast<const char*>(rows.base);
  for (const std::uint32_t id : next.ids) PrefetchLine(base + id * rows.stride);
}

}  // namespace

const text::TokenizedText& LinearModel::Logits(std::string_view text, std::size_t slot_index, Scratch& s,
                                               bool want_origin, float* z) const {
  TokenSlot* slot = nullptr;
  if (slot_index < kMaxSlots) {
    if (t_slots.size() <= slot_index) t_slots.resize(slot_index + 1);
    slot = &t_slots[slot_index];
  }
  const text::TokenizedText* tok;
  const text::TokenHash hash = tokenizer_.options().token_hash;
  if (slot && slot->valid && slot->tok.hash == hash && std::string_view(slot->text) == text) {  // an earlier model's
    tok = &slot->tok;
  } else if (slot) {
    tokenizer_.Tokenize(text, slot->tok);
    slot->text.assign(text);
    slot->valid = true;
    slot->have_lex = false;
    slot->have_ids = false;
    tok = &slot->tok;
  } else {
    tokenizer_.Tokenize(text, s.tok);
    tok = &s.tok;
  }
  // The lexicon scores feed only the last features (AddLexiconFeatures, after the token ones).
  LexiconScores lex;
  auto lexicon_scores = [&]() -> const LexiconScores* {
    if (!lexicon_) return nullptr;
    if (!slot) {
      lex = lexicon_->Score(*tok);
      return &lex;
    }
    if (!slot->have_lex) {
      slot->lex = lexicon_->Score(*tok);
      slot->have_lex = true;
    }
    return &slot->lex;
  };
  s.ReserveFeatures();
  const FeatureConfig& cfg = weights_.features;
  // The fast path (no explanation asked, the feature cap out of reach): word char n-grams come
  // from the per-word memo and the other ids are shared through the slot. Both give exactly
  // the plain path's sums (linear_model_test checks it).
  const bool fast = !want_origin && WordHookIsExact(*tok, cfg) && (cfg.maxn == 0 || weights_.dims <= kMemoDims);
  const bool memo = fast && cfg.maxn > 0;
  WordGramSums words{};
  WordNgramHook hook;
  if (memo) {
    words = WordGramSums::For(MemoFor(uid_), weights_, s.word_ids, s.misses, tok->tokens.size());
    hook = {&WordGramSums::Add, &words};
  }
  const RowPrefetch rows = weights_.dtype == DType::kInt8
                               ? RowPrefetch{weights_.q8.data(), weights_.dims * sizeof(std::int8_t)}
                               : RowPrefetch{weights_.q16.data(), weights_.dims * sizeof(std::int16_t)};
  FeatureConfig word_cfg = cfg;
  word_cfg.minn = word_cfg.maxn = 0;
  const std::uint32_t* ids = s.feats.data();
  std::size_t nf;
  if (fast && slot && slot->have_ids && slot->ids_cfg == word_cfg) {
    ids = slot->ids.data();
    nf = slot->ids.size();
    // Ids found in the slot: a later model over the batch (or the same text in the same slot
    // as in the previous batch). This text's reads were started with the previous text's, and
    // the next text's start now.
    if (slot_index == 0) PrefetchSlot(slot_index, word_cfg, rows);
    PrefetchSlot(slot_index + 1, word_cfg, rows);
    if (memo) ForEachNgramWord(*tok, cfg, [&words](std::string_view w, std::uint64_t h) { words.AddWord(w, h); });
  } else {
    FeatureOrigin* origin = want_origin ? s.origin.data() : nullptr;
    nf = ExtractFeatures(*tok, cfg, nullptr, s.feats.data(), origin, rows, hook);
    if (const LexiconScores* l = lexicon_scores()) nf = AddLexiconFeatures(cfg, *l, s.feats.data(), origin, nf, rows);
    if (fast && slot) {
      slot->ids.assign(s.feats.data(), s.feats.data() + nf);
      slot->ids_cfg = word_cfg;
      slot->have_ids = true;
    }
  }
  s.n_feats = nf;
  std::int32_t acc[kMaxStackLabels + 4];
  if (weights_.dtype == DType::kInt8) {
    Accumulate(weights_.q8.data(), weights_.dims, ids, nf, acc);
  } else {
    Accumulate(weights_.q16.data(), weights_.dims, ids, nf, acc);
  }
  std::size_t n = nf;
  if (memo) {
    words.Finish();
    for (std::uint32_t d = 0; d < weights_.dims; ++d) acc[d] += words.acc[d];
    n += words.count;
  }
  RawFromSums(acc, n, z);
  return *tok;
}

void LinearModel::RawFromSums(const std::int32_t* acc, std::size_t n, float* z) const {
  const float norm = n > 0 ? 1.f / std::sqrt(static_cast<float>(n)) : 0.f;
  for (std::uint32_t c = 0; c < weights_.n_labels; ++c) {
    z[c] = weights_.bias[c] + weights_.scale[c] * static_cast<float>(acc[c]) * norm;
  }
}

void LinearModel::RawLogits(std::string_view text, float* z) const {
  Scratch& s = ThreadScratch();
  Logits(text, kNoSlot, s, false, z);
}

void LinearModel::Probabilities(const float* raw, float* p) const {
  const std::size_t L = n_labels();
  const float invt = 1.f / calib_.temperature;
  if (meta_.multi_label) {
    for (std::size_t c = 0; c < L; ++c) {
      const float v = (raw[c] + calib_.logit_adjust[c]) * invt;
      p[c] = 1.f / (1.f + std::exp(-v));
    }
    return;
  }
  float mx = -1e30f;
  for (std::size_t c = 0; c < L; ++c) {
    p[c] = (raw[c] + calib_.logit_adjust[c]) * invt;
    mx = std::max(mx, p[c]);
  }
  float sum = 0.f;
  for (std::size_t c = 0; c < L; ++c) {
    p[c] = std::exp(p[c] - mx);
    sum += p[c];
  }
  for (std::size_t c = 0; c < L; ++c) p[c] /= sum;
}

ScoredText LinearModel::Classify(std::string_view text, std::size_t slot, Scratch& s, bool want_origin, float* p,
                                 const text::TokenizedText** tok) const {
  *tok = &Logits(text, slot, s, want_origin, s.z.data());
  return Decide(s.z.data(), p);
}

ScoredText LinearModel::Decide(const float* z, float* p) const {
  Probabilities(z, p);
  const std::size_t L = n_labels();
  std::size_t top = 0;
  for (std::size_t c = 1; c < L; ++c) {
    if (p[c] > p[top]) top = c;
  }
  static_assert(kMaxStackLabels <= 64, "over_threshold holds one bit per label");
  ScoredText r;
  r.label = static_cast<std::uint32_t>(top);
  r.score = p[top];
  if (meta_.multi_label) {
    for (std::size_t c = 0; c < L; ++c) {
      if (p[c] >= calib_.thresholds[c]) r.over_threshold |= std::uint64_t{1} << c;
    }
  }
  return r;
}

bool LinearModel::ScoreBatch(std::span<const std::string_view> texts, std::span<ScoredText> out,
                             std::span<float> probs) const {
  const std::size_t L = n_labels();
  if (L == 0 || out.size() < texts.size() || probs.size() / L < texts.size()) return false;
  Scratch& s = ThreadScratch();
  const text::TokenizedText* tok;
  for (std::size_t i = 0; i < texts.size(); ++i) out[i] = Classify(texts[i], i, s, false, probs.data() + i * L, &tok);
  return true;
}

// The most memory a FusedPair's interleaved rows may take (4M buckets; the shipped models
// have 1M: 16 MiB). Larger models are scored one after the other instead.
constexpr std::size_t kMaxPairBytes = std::size_t{64} << 20;

struct HugeDeleter {
  std::size_t bytes = 0;
  void operator()(std::int8_t* p) const noexcept { FreeHuge(p, bytes); }
};

// LinearModel::PairWith's pair. Per text: one tokenisation, one lexicon score, one feature
// extraction (the ids of both models: their word features are the same), the second model's
// char n-grams from its memo, and one pass over 16-byte rows holding both models' rows of a
// bucket (first model in lanes [0, dims_a), second in [dims_a, dims_a + dims_b)). The sums
// are the same integers as each model's own, so the numbers are bit-identical
// (linear_model_test checks it). A text long enough to reach the feature cap (where the memo
// is not exact) is scored by each model on its own.
class FusedPair final : public ClassifierPair {
 public:
  FusedPair(const LinearModel& a, const LinearModel& b)
      : a_(a),
        b_(b),
        rows_(static_cast<std::int8_t*>(AllocateHuge(std::size_t{a.weights_.features.buckets} * kRow)),
              HugeDeleter{std::size_t{a.weights_.features.buckets} * kRow}) {  // every byte written below
    const WeightsData& wa = a.weights_;
    const WeightsData& wb = b.weights_;
    const std::size_t buckets = wa.features.buckets;
    if (wa.dims == 4 && wb.dims == 8) {  // the shipped pair: fixed-size copies, no calls
      Interleave<4, 8>(wa.q8.data(), wb.q8.data(), buckets);
    } else {
      Interleave<0, 0>(wa.q8.data(), wb.q8.data(), buckets, wa.dims, wb.dims);
    }
  }

  bool ScoreBatch(std::span<const std::string_view> texts, std::span<ScoredText> out_a, std::span<float> probs_a,
                  std::span<ScoredText> out_b, std::span<float> probs_b) const override {
    const std::size_t la = a_.n_labels(), lb = b_.n_labels(), n = texts.size();
    if (out_a.size() < n || out_b.size() < n || probs_a.size() / la < n || probs_b.size() / lb < n) return false;
    LinearModel::Scratch& s = LinearModel::ThreadScratch();
    s.ReserveFeatures();
    const FeatureConfig& cfg_a = a_.weights_.features;
    const FeatureConfig& cfg_b = b_.weights_.features;
    const std::uint32_t da = a_.weights_.dims, db = b_.weights_.dims;
    const RowPrefetch rows{rows_.get(), kRow};
    WordGramSet* const memo = cfg_b.maxn > 0 ? MemoFor(b_.uid_) : nullptr;
    for (std::size_t i = 0; i < n; ++i) {
      float* pa = probs_a.data() + i * la;
      float* pb = probs_b.data() + i * lb;
      a_.tokenizer_.Tokenize(texts[i], s.tok);
      if (!WordHookIsExact(s.tok, cfg_b)) [[unlikely]] {
        const text::TokenizedText* tok;
        out_a[i] = a_.Classify(texts[i], kNoSlot, s, false, pa, &tok);
        out_b[i] = b_.Classify(texts[i], kNoSlot, s, false, pb, &tok);
        continue;
      }
      // The tokens with char n-grams (the words), listed without a branch per token (word or
      // not is taken at random from token to token), and their memo sets prefetched: read
      // after the lexicon and hashing below.
      std::size_t n_words = 0;
      if (memo) {
        const std::size_t nt = s.tok.tokens.size();
        if (s.ngram_words.size() < nt) s.ngram_words.resize(nt);
        std::uint32_t* const list = s.ngram_words.data();
        for (std::size_t k = 0; k < nt; ++k) {
          const text::Token& t = s.tok.tokens[k];
          list[n_words] = static_cast<std::uint32_t>(k);
          n_words += HasCharNgrams(t, cfg_b);
          PrefetchLine(&memo[WordGramSums::Set(t.hash)]);  // (a non-word's set: a useless load)
        }
      }
      std::size_t nf = ExtractFeatures(s.tok, cfg_a, nullptr, s.feats.data(), nullptr, rows);
      // The memo first: its entries also hold the words' lexicon codes, which spare the
      // lexicon its lookups (ScoreCoded; a code of 0 is looked up as usual).
      WordGramSums words{};
      const std::uint16_t* codes = nullptr;
      if (memo) {
        const std::size_t nt = s.tok.tokens.size();
        words = WordGramSums::For(memo, b_.weights_, s.word_ids, s.misses, nt);
        if (a_.lexicon_) {
          if (s.lex_codes.size() < nt) s.lex_codes.resize(nt);
          std::fill_n(s.lex_codes.data(), nt, std::uint16_t{0});
          words.lex = a_.lexicon_.get();
          codes = s.lex_codes.data();
        }
        std::uint16_t* const out = s.lex_codes.data();
        // ForEachNgramWord's words, with their token index for the codes.
        for (std::size_t j = 0; j < n_words; ++j) {
          const std::uint32_t k = s.ngram_words[j];
          const text::Token& t = s.tok.tokens[k];
          words.AddWord(s.tok.text(t), t.hash, codes ? out + k : nullptr);
        }
      }
      if (a_.lexicon_) {
        const LexiconScores lex = codes ? a_.lexicon_->ScoreCoded(s.tok, codes) : a_.lexicon_->Score(s.tok);
        nf = AddLexiconFeatures(cfg_a, lex, s.feats.data(), nullptr, nf, rows);
      }
      alignas(16) std::int32_t acc[kRow];
      AccumulateFixed<std::int8_t, kRow>(rows_.get(), s.feats.data(), nf, acc);
      if (memo) words.Finish();  // the misses' rows were loading during the sum above
      std::int32_t acc_b[kMemoDims];
      for (std::uint32_t d = 0; d < db; ++d) acc_b[d] = acc[da + d] + words.acc[d];
      float z[kRow];
      a_.RawFromSums(acc, nf, z);
      out_a[i] = a_.Decide(z, pa);
      b_.RawFromSums(acc_b, nf + words.count, z);
      out_b[i] = b_.Decide(z, pb);
    }
    return true;
  }

  static constexpr std::size_t kRow = 16;  // bytes (int8 lanes) per bucket

 private:
  // rows_[k] = a's row k, b's row k, zeros; DA/DB: the row sizes when fixed at compile time.
  template <std::size_t DA, std::size_t DB>
  void Interleave(const std::int8_t* qa, const std::int8_t* qb, std::size_t buckets, std::size_t da = DA,
                  std::size_t db = DB) {
    if constexpr (DA != 0) da = DA;
    if constexpr (DB != 0) db = DB;
    std::int8_t* out = rows_.get();
#if defined(__SSE4_1__)
    if constexpr (DA == 4 && DB == 8) {  // one 16-byte store per bucket
      for (std::size_t k = 0; k < buckets; ++k, out += kRow) {
        std::int32_t a;
        std::memcpy(&a, qa + k * 4, sizeof a);
        const __m128i b = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(qb + k * 8));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(out), _mm_or_si128(_mm_cvtsi32_si128(a), _mm_slli_si128(b, 4)));
      }
      return;
    }
#endif
    for (std::size_t k = 0; k < buckets; ++k, out += kRow) {
      std::int8_t row[kRow] = {};
      std::memcpy(row, qa + k * da, da);
      std::memcpy(row + da, qb + k * db, db);
      std::memcpy(out, row, kRow);
    }
  }

  const LinearModel& a_;
  const LinearModel& b_;
  std::unique_ptr<std::int8_t[], HugeDeleter> rows_;  // buckets x kRow
};

std::unique_ptr<ClassifierPair> LinearModel::PairWith(const Classifier& second) const {
  const auto* b = dynamic_cast<const LinearModel*>(&second);
  if (b == nullptr) return nullptr;
  const WeightsData& wa = weights_;
  const WeightsData& wb = b->weights_;
  FeatureConfig fa = wa.features, fb = wb.features;
  if (fa.maxn != 0) return nullptr;  // char n-grams in the second model only
  fa.minn = fb.minn = fb.maxn = 0;
  // (fa == fb includes the hash version: the pair shares one tokenisation.)
  if (!(fa == fb) || wa.dtype != DType::kInt8 || wb.dtype != DType::kInt8) return nullptr;
  if (wa.dims + wb.dims > FusedPair::kRow || wb.dims > kMemoDims) return nullptr;
  if (std::size_t{fa.buckets} * FusedPair::kRow > kMaxPairBytes) return nullptr;  // bounded extra memory
  if (wa.q8.size() != std::size_t{fa.buckets} * wa.dims || wb.q8.size() != std::size_t{fb.buckets} * wb.dims) {
    return nullptr;
  }
  try {
    return std::make_unique<FusedPair>(*this, *b);
  } catch (const std::bad_alloc&) {
    return nullptr;  // no memory for the rows: the models score one after the other
  }
}

void LinearModel::PredictBatch(std::span<const std::string_view> texts, std::span<Prediction> out,
                               const PredictOptions& opts) const {
  Scratch& s = ThreadScratch();
  const std::size_t L = n_labels();
  const std::string mv = info_.model_version();
  for (std::size_t i = 0; i < texts.size() && i < out.size(); ++i) {
    const text::TokenizedText* tok_used;
    const ScoredText r = Classify(texts[i], i, s, opts.explain, s.p.data(), &tok_used);
    const text::TokenizedText& tok = *tok_used;
    const std::size_t top = r.label;
    Prediction& pr = out[i];
    AssignShort(pr.label, meta_.labels[top]);
    pr.score = s.p[top];
    pr.scores.resize(L);
    for (std::size_t c = 0; c < L; ++c) {
      AssignShort(pr.scores[c].first, meta_.labels[c]);
      pr.scores[c].second = s.p[c];
    }
    AssignShort(pr.model_version, mv);
    pr.labels_over_threshold.clear();
    for (std::uint64_t bits = r.over_threshold; bits != 0; bits &= bits - 1) {
      pr.labels_over_threshold.push_back(meta_.labels[static_cast<std::size_t>(std::countr_zero(bits))]);
    }
    pr.explanation.clear();
    if (opts.explain && !tok.tokens.empty()) {
      // Contribution of each token to the top label (relative to the mean over labels for
      // softmax models), summed over the features it takes part in.
      s.token_weight.assign(tok.tokens.size(), 0.f);
      const float norm = 1.f / std::sqrt(static_cast<float>(std::max<std::size_t>(1, s.n_feats)));
      for (std::size_t k = 0; k < s.n_feats; ++k) {
        const FeatureOrigin o = s.origin[k];
        if (o.token == kNoToken) continue;
        const std::size_t row = static_cast<std::size_t>(s.feats[k]) * weights_.dims;
        auto wv = [&](std::size_t c) {
          const float q = weights_.dtype == DType::kInt8 ? weights_.q8[row + c] : weights_.q16[row + c];
          return q * weights_.scale[c] * norm;
        };
        float contrib = wv(top);
        if (!meta_.multi_label) {
          float mean = 0.f;
          for (std::size_t c = 0; c < L; ++c) mean += wv(c);
          contrib -= mean / static_cast<float>(L);
        }
        if (o.bigram && o.token + 1 < s.token_weight.size()) {
          s.token_weight[o.token] += contrib * 0.5f;
          s.token_weight[o.token + 1] += contrib * 0.5f;
        } else if (o.token < s.token_weight.size()) {
          s.token_weight[o.token] += contrib;
        }
      }
      s.order.resize(s.token_weight.size());
      for (std::uint32_t t = 0; t < s.order.size(); ++t) s.order[t] = t;
      const std::size_t k = std::min<std::size_t>(static_cast<std::size_t>(std::max(0, opts.explain_top_k)),
                                                  s.order.size());
      std::partial_sort(s.order.begin(), s.order.begin() + static_cast<std::ptrdiff_t>(k), s.order.end(),
                        [&](std::uint32_t a, std::uint32_t b) {
                          const float wa = std::fabs(s.token_weight[a]), wb = std::fabs(s.token_weight[b]);
                          return wa != wb ? wa > wb : a < b;
                        });
      for (std::size_t j = 0; j < k; ++j) {
        const std::uint32_t t = s.order[j];
        if (s.token_weight[t] == 0.f) break;
        pr.explanation.emplace_back(std::string(tok.text(tok.tokens[t])), s.token_weight[t]);
      }
    }
  }
}

Status LinearModel::Save(const std::string& dir) const {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return IoError(dir + ": cannot create directory: " + ec.message());
  SENTIO_RETURN_IF_ERROR(WriteWeightsFile(dir + "/weights.bin", weights_));
  json::object o;
  o["kind"] = "linear";
  o["format"] = "sentio-linear";
  o["format_version"] = kWeightsFormatVersion;
  o["name"] = meta_.name;
  o["version"] = meta_.version;
  o["task"] = meta_.task;
  json::array labels;
  for (const auto& l : meta_.labels) labels.emplace_back(l);
  o["labels"] = std::move(labels);
  o["multi_label"] = meta_.multi_label;
  json::array thr, adj;
  for (float t : calib_.thresholds) thr.emplace_back(static_cast<double>(t));
  for (float a : calib_.logit_adjust) adj.emplace_back(static_cast<double>(a));
  o["thresholds"] = std::move(thr);
  o["temperature"] = static_cast<double>(calib_.temperature);
  o["logit_adjust"] = std::move(adj);
  o["created"] = meta_.created;
  o["features"] = FeaturesToJson(weights_.features, weights_.dtype);
  o["hyperparameters"] = ParseOr(meta_.hyperparameters_json, json::object{});
  o["training_data"] = ParseOr(meta_.training_data_json, json::object{});
  o["metrics"] = ParseOr(meta_.metrics_json, json::object{});
  o["weights"] = "weights.bin";
  const std::string path = dir + "/model.json";
  const std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::trunc);
    if (!f) return IoError(tmp + ": cannot open for writing");
    f << ToJson(o) << "\n";
    if (!f) return IoError(tmp + ": write failed");
  }
  std::filesystem::rename(tmp, path, ec);
  if (ec) return IoError(path + ": rename failed: " + ec.message());
  return Status::Ok();
}

Result<std::unique_ptr<LinearModel>> LinearModel::Load(const std::string& dir) {
  const std::string mpath = dir + "/model.json";
  Status st;
  const std::string text = ReadFile(mpath, &st);
  if (!st.ok()) return st;
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return DataLoss(mpath + ": not a JSON object (" + ec.message() + ")");
  const json::object& o = v.as_object();
  std::unique_ptr<LinearModel> m(new LinearModel());
  LinearModelMeta& meta = m->meta_;
  FeatureConfig json_features;
  DType json_dtype = DType::kInt8;
  try {
    if (o.at("kind").as_string() != "linear") {
      return DataLoss(mpath + ": kind is \"" + std::string(o.at("kind").as_string()) + "\", not \"linear\"");
    }
    meta.name = std::string(o.at("name").as_string());
    meta.version = std::string(o.at("version").as_string());
    meta.task = std::string(o.at("task").as_string());
    for (const auto& l : o.at("labels").as_array()) meta.labels.emplace_back(l.as_string());
    meta.multi_label = o.at("multi_label").as_bool();
    if (auto* c = o.if_contains("created"); c && c->is_string()) meta.created = std::string(c->as_string());
    if (auto* h = o.if_contains("hyperparameters")) meta.hyperparameters_json = ToJson(*h);
    if (auto* t = o.if_contains("training_data")) meta.training_data_json = ToJson(*t);
    if (auto* x = o.if_contains("metrics")) meta.metrics_json = ToJson(*x);
    if (auto* t = o.if_contains("thresholds")) {
      for (const auto& x : t->as_array()) m->calib_.thresholds.push_back(static_cast<float>(x.to_number<double>()));
    }
    if (auto* a = o.if_contains("logit_adjust")) {
      for (const auto& x : a->as_array()) m->calib_.logit_adjust.push_back(static_cast<float>(x.to_number<double>()));
    }
    if (auto* t = o.if_contains("temperature")) m->calib_.temperature = static_cast<float>(t->to_number<double>());
    auto fr = ParseFeatures(o.at("features").as_object(), mpath);
    if (!fr.ok()) return fr.status();
    json_features = *fr;
    if (const auto* d = o.at("features").as_object().if_contains("dtype"); d && d->is_string()) {
      json_dtype = d->as_string() == "int16" ? DType::kInt16 : DType::kInt8;
    }
  } catch (const std::exception& e) {
    return DataLoss(mpath + ": missing or mistyped field: " + e.what());
  }
  if (meta.labels.empty()) return DataLoss(mpath + ": \"labels\" is empty");
  for (std::size_t i = 0; i < meta.labels.size(); ++i) {
    for (std::size_t j = i + 1; j < meta.labels.size(); ++j) {
      if (meta.labels[i] == meta.labels[j]) return DataLoss(mpath + ": duplicate label \"" + meta.labels[i] + "\"");
    }
  }
  const std::string wpath = dir + "/weights.bin";
  auto w = ReadWeightsFile(wpath);
  if (!w.ok()) return w.status();
  m->weights_ = std::move(w).value();
  if (m->weights_.n_labels != meta.labels.size()) {
    return DataLoss(wpath + ": has " + std::to_string(m->weights_.n_labels) + " labels but " + mpath +
                    " lists " + std::to_string(meta.labels.size()));
  }
  if (!(m->weights_.features == json_features) || m->weights_.dtype != json_dtype) {
    return DataLoss(wpath + ": feature configuration differs from " + mpath + " (" +
                    DescribeFeatures(m->weights_.features) + " vs " + DescribeFeatures(json_features) + ")");
  }
  Status ist = m->Init();
  if (!ist.ok()) return Status(ist.code(), mpath + ": " + ist.message());
  m->info_.path = dir;
  return m;
}

}  // namespace sentio::models::linear
