// VADER scoring. The rules mirror npm vader-sentiment 1.1.3 (src/vaderSentiment.js)
// function by function; comments name the JS function each block reproduces.
#include "models/lexicon/vader.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <cmath>
#include <cctype>
#include <cstring>
#include <span>
#include <string>
#include <unordered_map>

#include "core/short_strings.h"
#include "models/lexicon/lexicon_data.h"
#include "text/hashing.h"

namespace sentio::models {
namespace {

constexpr double kBIncr = 0.293;
constexpr double kBDecr = -0.293;
constexpr double kCIncr = 0.733;
constexpr double kNScalar = -0.74;

// Flat open-addressing map string -> V over static (never freed) key storage. A slot holds
// its key's hash, the key itself when it is short (most words), and the value, within one
// 32-byte-aligned slot: a hit reads one cache line.
template <typename V>
class FlatMap {
 public:
  // Later entries for a key already present replace its value. Empty keys and keys over
  // 65535 bytes are not stored (none of the word lists has one).
  void Build(const std::vector<std::pair<std::string_view, V>>& entries, text::TokenHash kind) {
    kind_ = kind;
    std::size_t cap = 16;
    while (cap < entries.size() * 2) cap <<= 1;
    slots_.assign(cap, Slot{});
    mask_ = cap - 1;
    for (const auto& [k, v] : entries) {
      if (k.empty() || k.size() > 0xFFFF) continue;
      const std::uint64_t h = text::HashToken(kind_, k);
      std::size_t i = h & mask_;
      while (slots_[i].used() && !slots_[i].Holds(k, h)) i = (i + 1) & mask_;
      slots_[i].Set(k, h, v);
    }
    size_ = 0;
    for (const auto& s : slots_) size_ += s.used();
    filter_.assign(kFilterWords, 0);
    for (const auto& s : slots_) {
      if (s.used()) filter_[FilterBit(s.hash) >> 6] |= std::uint64_t{1} << (FilterBit(s.hash) & 63);
    }
  }
  const V* Find(std::string_view k) const { return Find(k, text::HashToken(kind_, k)); }
  // `h` must be k's hash of the map's kind (a token's precomputed Token::hash).
  const V* Find(std::string_view k, std::uint64_t h) const {
    if (!MayHold(h)) return nullptr;
    for (std::size_t i = h & mask_;; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (!s.used()) return nullptr;
      if (s.Holds(k, h)) return &s.value;
    }
  }
  std::size_t size() const { return size_; }

 private:
  // A one-bit-per-key filter over the hashes (16 KB, stays in L1): most words of a text are not
  // in the table, and this answers them without touching the table, which is larger than L2's
  // share left by the models' weights. About 6 % of absent words pass it and probe as before.
  static constexpr std::size_t kFilterWords = 2048;
  static std::size_t FilterBit(std::uint64_t h) { return (h >> 40) & (kFilterWords * 64 - 1); }
  bool MayHold(std::uint64_t h) const {
    if (filter_.empty()) return false;
    const std::size_t b = FilterBit(h);
    return (filter_[b >> 6] >> (b & 63)) & 1;
  }

  struct alignas(32) Slot {
    std::uint64_t hash = 0;
    V value{};
    std::uint16_t len = 0;  // 0: empty slot
    // The key when it fits (kInline bytes), else a pointer to it in the static storage.
    static constexpr std::size_t kInline = 32 - sizeof(std::uint64_t) - sizeof(V) - sizeof(std::uint16_t);
    static_assert(kInline >= sizeof(const char*));
    char key[kInline] = {};

    bool used() const { return len != 0; }
    std::string_view Key() const {
      if (len <= kInline) return {key, len};
      const char* p;
      std::memcpy(&p, key, sizeof p);
      return {p, len};
    }
    bool Holds(std::string_view k, std::uint64_t h) const { return hash == h && EqualShort(Key(), k); }
    void Set(std::string_view k, std::uint64_t h, const V& v) {
      hash = h;
      value = v;
      len = static_cast<std::uint16_t>(k.size());
      if (k.size() <= kInline) {
        std::memcpy(key, k.data(), k.size());
      } else {
        const char* p = k.data();
        std::memcpy(key, &p, sizeof p);
      }
    }
  };
  static_assert(sizeof(Slot) == 32);
  std::vector<Slot> slots_;
  std::vector<std::uint64_t> filter_;  // empty until Build
  std::size_t mask_ = 0;
  std::size_t size_ = 0;
  text::TokenHash kind_ = text::TokenHash::kFnv1a;  // the hash the slots are keyed by
};

constexpr std::pair<std::string_view, double> kBoosters[] = {
    {"absolutely", kBIncr},  {"amazingly", kBIncr},   {"awfully", kBIncr},      {"completely", kBIncr},
    {"considerably", kBIncr}, {"decidedly", kBIncr},  {"deeply", kBIncr},       {"effing", kBIncr},
    {"enormously", kBIncr},  {"entirely", kBIncr},    {"especially", kBIncr},   {"exceptionally", kBIncr},
    {"extremely", kBIncr},   {"fabulously", kBIncr},  {"flipping", kBIncr},     {"flippin", kBIncr},
    {"fricking", kBIncr},    {"frickin", kBIncr},     {"frigging", kBIncr},     {"friggin", kBIncr},
    {"fully", kBIncr},       {"fucking", kBIncr},     {"greatly", kBIncr},      {"hella", kBIncr},
    {"highly", kBIncr},      {"hugely", kBIncr},      {"incredibly", kBIncr},   {"intensely", kBIncr},
    {"majorly", kBIncr},     {"more", kBIncr},        {"most", kBIncr},         {"particularly", kBIncr},
    {"purely", kBIncr},      {"quite", kBIncr},       {"really", kBIncr},       {"remarkably", kBIncr},
    {"so", kBIncr},          {"substantially", kBIncr}, {"thoroughly", kBIncr}, {"totally", kBIncr},
    {"tremendously", kBIncr}, {"uber", kBIncr},       {"unbelievably", kBIncr}, {"unusually", kBIncr},
    {"utterly", kBIncr},     {"very", kBIncr},        {"almost", kBDecr},       {"barely", kBDecr},
    {"hardly", kBDecr},      {"just enough", kBDecr}, {"kind of", kBDecr},      {"kinda", kBDecr},
    {"kindof", kBDecr},      {"kind-of", kBDecr},     {"less", kBDecr},         {"little", kBDecr},
    {"marginally", kBDecr},  {"occasionally", kBDecr}, {"partly", kBDecr},      {"scarcely", kBDecr},
    {"slightly", kBDecr},    {"somewhat", kBDecr},    {"sort of", kBDecr},      {"sorta", kBDecr},
    {"sortof", kBDecr},      {"sort-of", kBDecr},
};

struct Idiom {
  std::string_view words[3];
  int n;
  double valence;
};
constexpr Idiom kIdioms[] = {
    {{"the", "shit"}, 2, 3},          {{"the", "bomb"}, 2, 3},        {{"bad", "ass"}, 2, 1.5},
    {{"yeah", "right"}, 2, -2},       {{"cut", "the", "mustard"}, 3, 2}, {{"kiss", "of", "death"}, 3, -1.5},
    {{"hand", "to", "mouth"}, 3, -2},
};

// The words VADER's rules test by name, so the rules compare small codes instead of strings.
enum Special : std::uint8_t {
  kSpNone, kSpKind, kSpOf, kSpSo, kSpThis, kSpNever, kSpLeast, kSpAt, kSpVery, kSpBut, kSpSort,
  kSpJust, kSpEnough,
};
constexpr std::pair<std::string_view, Special> kSpecialWords[] = {
    {"kind", kSpKind},   {"of", kSpOf},     {"so", kSpSo},     {"this", kSpThis},     {"never", kSpNever},
    {"least", kSpLeast}, {"at", kSpAt},     {"very", kSpVery}, {"but", kSpBut},       {"sort", kSpSort},
    {"just", kSpJust},   {"enough", kSpEnough},
};

// All that VADER's rules look up about one word, found with one probe of one table: its
// lexicon valence, booster value, rule-word code and whether it starts an idiom.
struct WordInfo {
  float valence = 0;
  bool in_lexicon = false;  // "in LEXICON" (valence is meaningful)
  Special special = kSpNone;
  bool idiom_head = false;  // starts some idiom of kIdioms
  std::uint8_t valence_index = 0;  // in_lexicon: 1 + index of valence in Impl::valences (0: none fits)
  float booster = 0;        // BOOSTER_DICT value, 0 if none
};

// VaderLexicon::WordCode's 16 bits: bit 15 set (a code is never 0), valence index + 1 in bits
// 0-7 (0: not in the lexicon), booster in bits 8-9 (0 none, 1 kBIncr, 2 kBDecr), the rule-word
// code in bits 10-13, the idiom head in bit 14.
constexpr std::uint16_t kCodeValid = 0x8000;
constexpr float kBoostUp = static_cast<float>(kBIncr);  // how WordInfo holds the two values
constexpr float kBoostDown = static_cast<float>(kBDecr);
constexpr float kCodeBoost[4] = {0.f, kBoostUp, kBoostDown, 0.f};
inline const float* LexiconValence(const WordInfo* w) { return w && w->in_lexicon ? &w->valence : nullptr; }

// One VADER "word" (JS words_and_emoticons entry).
struct Word {              // 32 bytes: two to a cache line
  std::string_view text;  // lowercased
  const float* valence;   // lexicon/emoji valence or nullptr ("not in LEXICON")
  float booster;          // BOOSTER_DICT value (0 if none), as WordInfo holds it
  bool upper;             // is_upper_python(original)
  bool negator;           // negated([word])
  Special special;        // which rule word it is (kSpNone for most)
  bool idiom_head;        // starts some idiom of kIdioms
};
static_assert(sizeof(Word) == 32);

struct ScoreScratch {
  std::vector<Word> words;
  std::vector<double> sentiments;
  std::vector<std::uint32_t> with_valence;  // indices of the words with a valence, in order
  text::TokenizedText tokens;
};

ScoreScratch& Scratch() {
  thread_local ScoreScratch s;
  return s;
}

}  // namespace

struct VaderLexicon::Impl {
  FlatMap<WordInfo> words;  // lexicon, boosters, rule words and idiom heads
  std::vector<float> valences;  // the lexicon's distinct valences (at most 255 for word codes)
  // Word code fields -> values, so decoding a code takes no branch: [0] = nullptr, [v] =
  // &valences[v - 1]; kCodeBoost[b].
  std::array<const float*, 256> valence_of_code{};
  FlatMap<float> emoji;
  std::size_t lexicon_size = 0;
  text::Tokenizer tokenizer;

  const float* LexFind(std::string_view t) const { return LexiconValence(words.Find(t)); }
  bool least_in_lexicon = false;  // least_check's test: whether "least" itself has a valence
  // Valence of a token text. Elongated words ("goood", "loove") are retried with letter
  // runs cut to 2 and then to 1 ("good", "love").
  const float* Lookup(std::string_view t, bool elongated) const {
    const float* v = LexFind(t);
    if (v || !elongated) return v;
    ForEachDeElongated(t, [&](std::string_view x) { return (v = LexFind(x)) != nullptr; });
    return v;
  }
  // For an elongated word: its valence and booster value as Lookup and a de-elongated
  // booster lookup ("sooo" -> "so") would find them, where *valence is still nullptr and
  // *booster still 0, with one probe per de-elongated form for both.
  void DeElongated(std::string_view t, const float** valence, float* booster) const {
    ForEachDeElongated(t, [&](std::string_view x) {
      const WordInfo* wi = words.Find(x);
      if (!*valence) *valence = LexiconValence(wi);
      if (*booster == 0 && wi) *booster = wi->booster;
      return *valence && *booster != 0;
    });
  }
  // Calls done(x) for t with letter runs cut to 2, then to 1 (each only when it differs from
  // t), until done returns true. Words over 64 bytes are not retried.
  template <typename F>
  static void ForEachDeElongated(std::string_view t, F&& done) {
    if (t.size() > 64) return;
    char buf[64];
    for (std::size_t keep : {2u, 1u}) {
      std::size_t n = 0, run = 0;
      for (std::size_t i = 0; i < t.size(); ++i) {
        run = (i > 0 && t[i] == t[i - 1]) ? run + 1 : 1;
        if (run <= keep) buf[n++] = t[i];
      }
      if (n != t.size() && done(std::string_view(buf, n))) return;
    }
  }
  const float* LookupEmoji(std::string_view t) const {
    if (const float* v = emoji.Find(t)) return v;
    // ZWJ sequences / skin tones: fall back to the first code point.
    const auto b = static_cast<unsigned char>(t.empty() ? 0 : t[0]);
    const std::size_t len = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
    if (len < t.size()) return emoji.Find(t.substr(0, len));
    return nullptr;
  }
};

VaderLexicon::VaderLexicon(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
VaderLexicon::~VaderLexicon() = default;

Result<std::shared_ptr<const VaderLexicon>> VaderLexicon::LoadBuiltin(text::TokenHash hash) {
  auto impl = std::make_unique<Impl>();
  text::TokenizerOptions topts;
  topts.token_hash = hash;
  impl->tokenizer = text::Tokenizer(topts);
  // One WordInfo per distinct word, merged from the four word lists.
  std::vector<std::pair<std::string_view, WordInfo>> words;
  std::unordered_map<std::string_view, std::size_t> index;
  auto info = [&](std::string_view w) -> WordInfo& {
    auto [it, added] = index.try_emplace(w, words.size());
    if (added) words.emplace_back(w, WordInfo{});
    return words[it->second].second;
  };
  for (std::size_t i = 0; i < lexicon_data::kVaderLexiconSize; ++i) {
    WordInfo& w = info(lexicon_data::kVaderLexicon[i].token);
    w.valence = lexicon_data::kVaderLexicon[i].valence;
    w.in_lexicon = true;
  }
  for (auto& [k, w] : words) {  // valence indices for WordCode (VADER's valences have one decimal)
    if (!w.in_lexicon) continue;
    auto it = std::find(impl->valences.begin(), impl->valences.end(), w.valence);
    if (it == impl->valences.end()) {
      if (impl->valences.size() == 255) continue;  // index 0: this word gets no code
      it = impl->valences.insert(impl->valences.end(), w.valence);
    }
    w.valence_index = static_cast<std::uint8_t>(it - impl->valences.begin() + 1);
  }
  std::size_t in_lexicon = 0;
  for (const auto& [k, w] : words) in_lexicon += w.in_lexicon;
  for (const auto& [k, v] : kBoosters) info(k).booster = static_cast<float>(v);
  for (const auto& [k, code] : kSpecialWords) info(k).special = code;
  for (const Idiom& id : kIdioms) info(id.words[0]).idiom_head = true;
  impl->words.Build(words, hash);
  for (std::size_t v = 1; v <= impl->valences.size(); ++v) impl->valence_of_code[v] = &impl->valences[v - 1];
  impl->lexicon_size = in_lexicon;
  impl->least_in_lexicon = impl->LexFind("least") != nullptr;
  std::vector<std::pair<std::string_view, float>> emoji;
  for (std::size_t i = 0; i < lexicon_data::kEmojiTableSize; ++i)
    emoji.emplace_back(lexicon_data::kEmojiTable[i].token, lexicon_data::kEmojiTable[i].valence);
  impl->emoji.Build(emoji, hash);
  if (impl->lexicon_size < 7000 || impl->emoji.size() < 500)
    return DataLoss("embedded VADER lexicon looks truncated (" + std::to_string(impl->lexicon_size) +
                    " words, " + std::to_string(impl->emoji.size()) + " emoji)");
  return std::shared_ptr<const VaderLexicon>(new VaderLexicon(std::move(impl)));
}

std::size_t VaderLexicon::lexicon_size() const { return impl_->lexicon_size; }
text::TokenHash VaderLexicon::token_hash() const { return impl_->tokenizer.options().token_hash; }
std::size_t VaderLexicon::emoji_size() const { return impl_->emoji.size(); }

float VaderLexicon::Valence(std::string_view token) const {
  if (const float* v = impl_->Lookup(token, true)) return *v;
  if (!token.empty() && token[0] == '#') {
    if (const float* v = impl_->Lookup(token.substr(1), true)) return *v;
  }
  if (const float* v = impl_->LookupEmoji(token)) return *v;
  return 0.f;
}

VaderScores VaderLexicon::ScoreText(std::string_view text) const {
  ScoreScratch& s = Scratch();
  impl_->tokenizer.Tokenize(text, s.tokens);
  return ScoreExplained(s.tokens, nullptr);
}

VaderScores VaderLexicon::Score(const text::TokenizedText& tokens) const { return ScoreExplained(tokens, nullptr); }

std::uint16_t VaderLexicon::WordCode(std::string_view word, std::uint64_t hash) const {
  const WordInfo* wi = impl_->words.Find(word, hash);
  if (wi == nullptr) return kCodeValid;
  if (wi->in_lexicon && wi->valence_index == 0) return 0;  // a valence without an index
  const unsigned booster = wi->booster == kBoostUp ? 1u : wi->booster == kBoostDown ? 2u : 0u;
  if (booster == 0 && wi->booster != 0) return 0;  // a booster value the code cannot hold
  static_assert(kSpEnough < 16, "rule-word codes take 4 bits");
  return static_cast<std::uint16_t>(kCodeValid | wi->valence_index | booster << 8 | unsigned{wi->special} << 10 |
                                    unsigned{wi->idiom_head} << 14);
}

VaderScores VaderLexicon::ScoreCoded(const text::TokenizedText& tokens, const std::uint16_t* codes) const {
  return ScoreImpl(tokens, nullptr, codes);
}

VaderScores VaderLexicon::ScoreExplained(const text::TokenizedText& tt,
                                         std::vector<std::pair<std::string, float>>* explain) const {
  return ScoreImpl(tt, explain, nullptr);
}

VaderScores VaderLexicon::ScoreImpl(const text::TokenizedText& tt,
                                    std::vector<std::pair<std::string, float>>* explain,
                                    const std::uint16_t* codes) const {
  using text::TokenType;
  const Impl& im = *impl_;
  assert(tt.hash == im.tokenizer.options().token_hash && "tokens hashed as the lexicon's tables");
  ScoreScratch& s = Scratch();
  // Words are written in place (all[nw]) into a buffer that only grows (resizing it down and
  // up again would zero-fill it for every text); `words` views the nw written.
  auto& all = s.words;
  if (all.size() < tt.tokens.size()) all.resize(tt.tokens.size());
  if (s.with_valence.size() < tt.tokens.size()) s.with_valence.resize(tt.tokens.size());
  std::uint32_t* const with_valence = s.with_valence.data();
  std::size_t nw = 0, nv = 0;  // words; words with a valence (listed without a branch)

  // SentiText.get_words_and_emoticons: tokens longer than one character, punctuation
  // excluded; plus the '!' / '?' counts of amplify_ep / amplify_qm.
  std::size_t ep = 0, qm = 0;
  std::size_t caps = 0;                  // allcap_differential's count
  std::size_t but_at = tt.tokens.size();  // the first "but" (but_check), if any
  char buf[64];
  for (std::size_t i = 0; i < tt.tokens.size(); ++i) {
    const text::Token& t = tt.tokens[i];
    const std::string_view txt = tt.text(t);
    // Field by field: assigning a whole Word built on the stack is read back with wider loads
    // than the stores that built it (a store-forwarding stall per word).
    Word& w = all[nw];
    w.text = txt;
    w.valence = nullptr;
    w.upper = (t.flags & text::kAllCaps) != 0;
    w.negator = false;
    w.booster = 0.f;
    w.special = kSpNone;
    w.idiom_head = false;
    if (t.type == TokenType::kWord || t.type == TokenType::kPunct) [[likely]] {
      // The common tokens, words and punctuation, through one path: punctuation and 1-char
      // words are written and not kept, and a word's code is decoded through tables. (GCC
      // still compiles the && tests below to branches; written bitwise to avoid them, the
      // loop measured 2.5 % slower, stop 19.)
      const bool punct = t.type == TokenType::kPunct;
      const unsigned c0 = static_cast<unsigned char>(txt[0]);
      ep += (punct && c0 == '!') ? t.run : 0;
      qm += (punct && c0 == '?') ? t.run : 0;
      const bool keep = !punct && !(t.source_length <= 1 && txt.size() <= 1);  // JS drops 1-char tokens
      const std::uint16_t code = codes && keep ? codes[i] : 0;
      if (code != 0 || !keep) {  // the caller's WordCode (0 for a token not kept: empty fields)
        w.valence = im.valence_of_code[code & 0xFF];
        w.booster = kCodeBoost[(code >> 8) & 3];
        w.special = static_cast<Special>((code >> 10) & 15);
        w.idiom_head = (code >> 14) & 1;
      } else if (const WordInfo* wi = im.words.Find(txt, t.hash)) {  // no code: looked up
        w.valence = LexiconValence(wi);
        w.booster = wi->booster;
        w.special = wi->special;
        w.idiom_head = wi->idiom_head;
      }
      w.negator = (t.flags & text::kNegator) && txt != "no";  // "no" is not in VADER's NEGATE
      if (w.special == kSpBut && but_at == tt.tokens.size() && keep) [[unlikely]]
        but_at = nw;
      if ((t.flags & text::kElongated) && keep && (!w.valence || w.booster == 0)) [[unlikely]]
        im.DeElongated(txt, &w.valence, &w.booster);
      caps += keep && w.upper;
      with_valence[nv] = static_cast<std::uint32_t>(nw);
      nv += keep && w.valence != nullptr;
      nw += keep;
      continue;
    }
    switch (t.type) {
      case TokenType::kHashtag:
        w.valence = im.Lookup(txt.substr(1), (t.flags & text::kElongated) != 0);
        break;
      case TokenType::kEmoticon: {
        // is_upper_python(":D") is true in VADER: letters present and all upper case.
        bool up = false, low = false;
        for (char ch : txt) {
          up |= ch >= 'A' && ch <= 'Z';
          low |= ch >= 'a' && ch <= 'z';
        }
        w.upper = up && !low;
        w.valence = im.LexFind(txt);
        if (!w.valence) {
          std::size_t n = std::min<std::size_t>(txt.size(), sizeof(buf));
          for (std::size_t k = 0; k < n; ++k) buf[k] = static_cast<char>(std::tolower(static_cast<unsigned char>(txt[k])));
          w.valence = im.LexFind({buf, n});
        }
        break;
      }
      case TokenType::kEmoji:
        w.valence = im.LookupEmoji(txt);
        break;
      case TokenType::kNumber:
        if (txt.size() <= 1) continue;
        break;
      default:  // url, mention: neutral words
        break;
    }
    caps += w.upper;
    with_valence[nv] = static_cast<std::uint32_t>(nw);
    nv += w.valence != nullptr;
    ++nw;
  }
  const bool any_valence = nv > 0;
  const std::span<const Word> words(all.data(), nw);
  if (!any_valence) {  // every sentiment 0: what the rules below give, without running them
    if (explain) explain->clear();
    VaderScores out;
    if (nw > 0) out.neu = 1.0;
    return out;
  }

  // allcap_differential over the VADER words.
  const bool cap_diff = caps > 0 && caps < words.size();

  auto is = [&](std::size_t i, Special v) { return words[i].special == v; };
  auto scalar_inc_dec = [&](const Word& w, double valence) {
    double scalar = w.booster;
    if (scalar != 0) {
      if (valence < 0) scalar *= -1;
      if (cap_diff && w.upper) scalar += valence > 0 ? kCIncr : -kCIncr;
    }
    return scalar;
  };
  auto match_phrase = [&](std::ptrdiff_t start, const Idiom& id) {
    if (start < 0 || start + id.n > static_cast<std::ptrdiff_t>(words.size())) return false;
    for (int k = 0; k < id.n; ++k)
      if (words[static_cast<std::size_t>(start + k)].text != id.words[k]) return false;
    return true;
  };
  auto idiom_at = [&](std::ptrdiff_t start, int n) -> const Idiom* {
    // Cheap reject first: nearly no word starts an idiom.
    if (start < 0 || static_cast<std::size_t>(start) >= words.size() ||
        !words[static_cast<std::size_t>(start)].idiom_head)
      return nullptr;
    for (const Idiom& id : kIdioms)
      if (id.n == n && match_phrase(start, id)) return &id;
    return nullptr;
  };
  auto booster_bigram = [&](std::ptrdiff_t start) {
    if (start < 0 || start + 2 > static_cast<std::ptrdiff_t>(words.size())) return false;
    const Special a = words[static_cast<std::size_t>(start)].special;
    const Special b = words[static_cast<std::size_t>(start + 1)].special;
    return ((a == kSpKind || a == kSpSort) && b == kSpOf) || (a == kSpJust && b == kSpEnough);
  };

  const std::size_t n = words.size();
  // A word without a valence gets sentiment 0 (sentiment_valence adds to a valence, and
  // least_check scales it), which no step below changes: only the words with a valence are
  // visited, from the list, and sentiments[j] is the sentiment of word with_valence[j].
  if (s.sentiments.size() < nv) s.sentiments.resize(nv);
  const std::span<double> sentiments(s.sentiments.data(), nv);
  for (std::size_t j = 0; j < nv; ++j) {
    const std::size_t i = with_valence[j];
    // polarity_scores: "kind of" and booster words carry no valence themselves.
    if ((i + 1 < n && is(i, kSpKind) && is(i + 1, kSpOf)) || words[i].booster != 0) {
      sentiments[j] = 0;
      continue;
    }
    // sentiment_valence
    double valence = *words[i].valence;
    if (words[i].upper && cap_diff) valence += valence > 0 ? kCIncr : -kCIncr;
    for (std::size_t start_i = 0; start_i < 3; ++start_i) {
      if (i > start_i && words[i - (start_i + 1)].valence == nullptr) {
        double sc = scalar_inc_dec(words[i - (start_i + 1)], valence);
        if (start_i == 1 && sc != 0) sc *= 0.95;
        else if (start_i == 2 && sc != 0) sc *= 0.9;
        valence += sc;
        // never_check
        if (start_i == 0) {
          if (words[i - 1].negator) valence *= kNScalar;
        } else if (start_i == 1) {
          if (is(i - 2, kSpNever) && (is(i - 1, kSpSo) || is(i - 1, kSpThis))) valence *= 1.5;
          else if (words[i - 2].negator) valence *= kNScalar;
        } else {
          if ((is(i - 3, kSpNever) && (is(i - 2, kSpSo) || is(i - 2, kSpThis))) || is(i - 1, kSpSo) ||
              is(i - 1, kSpThis))
            valence *= 1.25;
          else if (words[i - 3].negator) valence *= kNScalar;
          // idioms_check
          const auto ii = static_cast<std::ptrdiff_t>(i);
          const Idiom* id = nullptr;
          if ((id = idiom_at(ii - 1, 2)) || (id = idiom_at(ii - 2, 3)) || (id = idiom_at(ii - 2, 2)) ||
              (id = idiom_at(ii - 3, 3)) || (id = idiom_at(ii - 3, 2)))
            valence = id->valence;
          if (i + 1 < n && (id = idiom_at(ii, 2))) valence = id->valence;
          if (i + 2 < n && (id = idiom_at(ii, 3))) valence = id->valence;
          if (booster_bigram(ii - 3) || booster_bigram(ii - 2)) valence += kBDecr;
        }
      }
    }
    // least_check
    const bool least_prev = i > 0 && is(i - 1, kSpLeast) && !im.least_in_lexicon;
    if (least_prev && i > 1) {
      if (!is(i - 2, kSpAt) && !is(i - 2, kSpVery)) valence *= kNScalar;
    } else if (least_prev) {
      valence *= kNScalar;
    }
    sentiments[j] = valence;
  }

  // but_check (at the first "but")
  if (but_at < n) {
    for (std::size_t j = 0; j < nv; ++j) {
      const std::size_t i = with_valence[j];
      if (i < but_at) sentiments[j] *= 0.5;
      else if (i > but_at) sentiments[j] *= 1.5;
    }
  }

  if (explain) {
    explain->clear();
    for (std::size_t j = 0; j < nv; ++j)
      if (sentiments[j] != 0)
        explain->emplace_back(std::string(words[with_valence[j]].text), static_cast<float>(sentiments[j]));
  }

  // score_valence, over the words in order. The words left out add nothing: 0 to `sum` (x + 0
  // is x, and `sum` is never -0, which is the one case it would change), and 1 each to
  // neu_count, counted at once.
  VaderScores out;
  double sum = 0, pos_sum = 0, neg_sum = 0, neu_count = static_cast<double>(n - nv);
  for (const double v : sentiments) {
    sum += v;
    if (v > 0) pos_sum += v + 1;
    else if (v < 0) neg_sum += v - 1;
    else neu_count += 1;
  }
  const double ep_amp = static_cast<double>(std::min<std::size_t>(ep, 4)) * 0.292;
  const double qm_amp = qm > 1 ? (qm <= 3 ? static_cast<double>(qm) * 0.18 : 0.96) : 0.0;
  const double punct = ep_amp + qm_amp;
  if (sum > 0) sum += punct;
  else if (sum < 0) sum -= punct;
  out.compound = std::clamp(sum / std::sqrt(sum * sum + 15.0), -1.0, 1.0);

  if (pos_sum > std::fabs(neg_sum)) pos_sum += punct;
  else if (pos_sum < std::fabs(neg_sum)) neg_sum -= punct;
  const double total = pos_sum + std::fabs(neg_sum) + neu_count;
  out.pos = std::fabs(pos_sum / total);
  out.neg = std::fabs(neg_sum / total);
  out.neu = std::fabs(neu_count / total);
  return out;
}

}  // namespace sentio::models
