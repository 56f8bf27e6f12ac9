// Social-text tokenizer. See tokenizer.h for the normalisation rules.
//
// Two passes:
//  1. Decode: UTF-8 -> code points (invalid -> U+FFFD), entity and \u-escape decoding,
//     quote/space/fullwidth folding, with a character class and source byte offset per
//     code point, into a per-thread scratch buffer (DecodedText).
//     Input with nothing to decode (ASCII without '&' and '\\', most social text) skips
//     this pass: the scanner reads its bytes in place (PlainText). Input whose entities,
//     escapes and non-ASCII characters all decode to ASCII ("&amp;", "\\u2019", "’") is
//     decoded to bytes instead (MappedText), for the same byte scanner.
//  2. Scan: typed tokens written straight into the caller's TokenizedText buffers (norm and
//     tokens are sized up front and trimmed at the end; no per-token allocation), with
//     negation scopes and the caps differential tracked as tokens are produced.
// Plain ASCII runs take fast paths in both passes (vector copy; fused word scan+emit).
#include "text/tokenizer.h"

#include <utf8proc.h>
#if defined(__SSE4_1__)
#include <smmintrin.h>
#endif

#include <algorithm>
#include <array>
#include <cstring>
#include <string_view>

#include "text/hashing.h"
#include "text/utf8.h"

namespace sentio::text {
namespace {

enum Cls : std::uint8_t {
  kClsSpace,
  kClsUpper,      // Lu, Lt
  kClsLower,      // Ll
  kClsLetter,     // Lm, Lo, non-ASCII numbers
  kClsDigit,      // ASCII 0-9
  kClsMark,       // Mn, Mc, Me
  kClsUnderscore,
  kClsPunct,      // P*, S* (not emoji), unassigned, private use
  kClsEmoji,      // Extended_Pictographic
  kClsRegional,   // regional indicator (flags)
  kClsExtend,     // ZWJ, variation selectors, skin tones, keycap, tags
  kClsCjk,        // CJK ideograph: one token each
};

constexpr std::array<std::uint8_t, 128> MakeAsciiClasses() {
  std::array<std::uint8_t, 128> t{};
  for (int c = 0; c < 128; ++c) {
    std::uint8_t k = kClsPunct;
    if (c <= 0x20 || c == 0x7F) k = kClsSpace;
    else if (c >= 'A' && c <= 'Z') k = kClsUpper;
    else if (c >= 'a' && c <= 'z') k = kClsLower;
    else if (c >= '0' && c <= '9') k = kClsDigit;
    else if (c == '_') k = kClsUnderscore;
    t[static_cast<std::size_t>(c)] = k;
  }
  return t;
}
constexpr std::array<std::uint8_t, 128> kAsciiCls = MakeAsciiClasses();

// Class of a byte that the decoder can copy as is, or kNotPlain ('&', '\\', non-ASCII).
constexpr std::uint8_t kNotPlain = 0xFE;
constexpr std::array<std::uint8_t, 256> MakePlainClasses() {
  std::array<std::uint8_t, 256> t{};
  for (int c = 0; c < 256; ++c)
    t[static_cast<std::size_t>(c)] = (c >= 0x80 || c == '&' || c == '\\') ? kNotPlain : kAsciiCls[static_cast<std::size_t>(c)];
  return t;
}
constexpr std::array<std::uint8_t, 256> kPlainCls = MakePlainClasses();

#if defined(__SSE4_1__)
// Bytes of v with lo <= byte <= lo + span (unsigned) set to 0xFF, the others to 0.
inline __m128i InRange(__m128i v, char lo, char span) {
  const __m128i t = _mm_sub_epi8(v, _mm_set1_epi8(lo));
  return _mm_cmpeq_epi8(_mm_min_epu8(t, _mm_set1_epi8(span)), t);
}

// Bit k set where byte k of v needs decoding (>= 0x80, '&' or '\\').
inline unsigned NotPlainMask(__m128i v) {
  return static_cast<unsigned>(_mm_movemask_epi8(v) | _mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('&'))) |
                               _mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))));
}
#endif

// Length of the prefix of b[0, n) that needs no decoding (ASCII other than '&' and '\\').
std::size_t PlainPrefix(const unsigned char* b, std::size_t n) {
  std::size_t j = 0;
#if defined(__SSE4_1__)
  for (; j + 16 <= n; j += 16) {
    const unsigned not_plain = NotPlainMask(_mm_loadu_si128(reinterpret_cast<const __m128i*>(b + j)));
    if (not_plain) return j + static_cast<std::size_t>(__builtin_ctz(not_plain));
  }
  if (j < n && n >= 16) {  // the last 1-15 bytes: one load of the last 16, the ones seen shifted out
    const std::size_t last = n - 16;
    const unsigned not_plain =
        NotPlainMask(_mm_loadu_si128(reinterpret_cast<const __m128i*>(b + last))) >> (j - last);
    return not_plain ? j + static_cast<std::size_t>(__builtin_ctz(not_plain)) : n;
  }
#endif
  while (j < n && kPlainCls[b[j]] != kNotPlain) ++j;
  return j;
}

// Classes of 16 ASCII bytes (all < 0x80) at once: the vector form of kAsciiCls.
[[gnu::always_inline]] inline void Classify16(const unsigned char* in, std::uint8_t* out) {
#if defined(__SSE4_1__)
  const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(in));
  __m128i r = _mm_set1_epi8(kClsPunct);
  r = _mm_blendv_epi8(r, _mm_set1_epi8(kClsUpper), InRange(v, 'A', 25));
  r = _mm_blendv_epi8(r, _mm_set1_epi8(kClsLower), InRange(v, 'a', 25));
  r = _mm_blendv_epi8(r, _mm_set1_epi8(kClsDigit), InRange(v, '0', 9));
  r = _mm_blendv_epi8(r, _mm_set1_epi8(kClsUnderscore), _mm_cmpeq_epi8(v, _mm_set1_epi8('_')));
  const __m128i space = _mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x20)), v),
                                     _mm_cmpeq_epi8(v, _mm_set1_epi8(0x7F)));
  static_assert(kClsSpace == 0);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(out), _mm_andnot_si128(space, r));
#else
  for (int k = 0; k < 16; ++k) out[k] = kAsciiCls[in[k]];
#endif
}

enum : unsigned { kCaseUpper = 1, kCaseLower = 2, kCaseAlpha = 4 };
constexpr std::array<std::uint8_t, 128> MakeAsciiCase() {
  std::array<std::uint8_t, 128> t{};
  for (int c = 'A'; c <= 'Z'; ++c) t[static_cast<std::size_t>(c)] = kCaseUpper | kCaseAlpha;
  for (int c = 'a'; c <= 'z'; ++c) t[static_cast<std::size_t>(c)] = kCaseLower | kCaseAlpha;
  return t;
}
constexpr std::array<std::uint8_t, 128> kAsciiCase = MakeAsciiCase();
constexpr std::array<char, 128> MakeAsciiFold(bool lower) {
  std::array<char, 128> t{};
  for (int c = 0; c < 128; ++c)
    t[static_cast<std::size_t>(c)] = static_cast<char>(lower && c >= 'A' && c <= 'Z' ? c | 0x20 : c);
  return t;
}
constexpr std::array<char, 128> kAsciiLower = MakeAsciiFold(true);
constexpr std::array<char, 128> kAsciiSame = MakeAsciiFold(false);

// One lookup per ASCII character for the word scanner: the folded character (low byte), the
// kCase* bits (<< 8) and whether it continues a word (kTabWord).
constexpr std::uint16_t kTabWord = 1u << 11;
constexpr std::array<std::uint16_t, 128> MakeWordTable(bool lower) {
  std::array<std::uint16_t, 128> t{};
  const auto fold = MakeAsciiFold(lower);
  const auto cls = MakeAsciiClasses();
  for (std::size_t c = 0; c < 128; ++c) {
    const std::uint8_t k = cls[c];
    const bool word = k == kClsUpper || k == kClsLower || k == kClsDigit || k == kClsUnderscore;
    t[c] = static_cast<std::uint16_t>(static_cast<unsigned char>(fold[c]) | (kAsciiCase[c] << 8) | (word ? kTabWord : 0));
  }
  return t;
}
constexpr std::array<std::uint16_t, 128> kWordTabLower = MakeWordTable(true);
constexpr std::array<std::uint16_t, 128> kWordTabSame = MakeWordTable(false);

constexpr std::uint32_t kWordContMask = (1u << kClsUpper) | (1u << kClsLower) | (1u << kClsLetter) |
                                        (1u << kClsDigit) | (1u << kClsMark) | (1u << kClsUnderscore);
inline bool IsWordCont(std::uint8_t c) { return (kWordContMask >> c) & 1u; }

inline bool IsCjk(char32_t c) {
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0xF900 && c <= 0xFAFF) ||
         (c >= 0x20000 && c <= 0x2FA1F);
}

inline bool IsEmojiExtend(char32_t c) {
  return c == 0x200D || (c >= 0xFE00 && c <= 0xFE0F) || c == 0x20E3 || (c >= 0x1F3FB && c <= 0x1F3FF) ||
         (c >= 0xE0020 && c <= 0xE007F);
}

// Returns the class, or 0xFF for code points that are dropped (format characters).
std::uint8_t ClassifyNonAscii(char32_t c) {
  if (IsEmojiExtend(c)) return kClsExtend;
  if (IsCjk(c)) return kClsCjk;
  const utf8proc_property_t* p = utf8proc_get_property(static_cast<utf8proc_int32_t>(c));
  if (p->boundclass == UTF8PROC_BOUNDCLASS_EXTENDED_PICTOGRAPHIC || p->boundclass == UTF8PROC_BOUNDCLASS_E_ZWG)
    return kClsEmoji;
  if (p->boundclass == UTF8PROC_BOUNDCLASS_REGIONAL_INDICATOR) return kClsRegional;
  switch (p->category) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LT:
      return kClsUpper;
    case UTF8PROC_CATEGORY_LL:
      return kClsLower;
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
      return kClsLetter;
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
      return kClsMark;
    case UTF8PROC_CATEGORY_ZS:
    case UTF8PROC_CATEGORY_ZL:
    case UTF8PROC_CATEGORY_ZP:
    case UTF8PROC_CATEGORY_CC:
      return kClsSpace;
    case UTF8PROC_CATEGORY_CF:
      return 0xFF;
    default:
      return kClsPunct;
  }
}

// Per-thread scratch: decoded code points, their classes and source offsets.
struct Scratch {
  std::vector<unsigned char> plain;  // an ASCII text, its sentinel and padding (AsciiText)
  std::vector<std::uint32_t> plain_src;  // a MappedText's byte offsets
  std::vector<char32_t> cps;
  std::vector<std::uint8_t> cls;
  std::vector<std::uint32_t> src;
  std::string word;                 // UTF-8 of a non-ASCII word before NFKC
  std::vector<utf8proc_int32_t> u32;  // NFKC work buffer
};

Scratch& GetScratch() {
  thread_local Scratch s;
  return s;
}

inline int HexVal(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decodes an HTML entity at in[i] == '&'. Returns bytes consumed (0 if none).
std::size_t DecodeEntity(std::string_view in, std::size_t i, char32_t* cp) {
  const std::size_t n = in.size();
  std::size_t j = i + 1;
  if (j < n && in[j] == '#') {
    ++j;
    bool hex = false;
    if (j < n && (in[j] == 'x' || in[j] == 'X')) {
      hex = true;
      ++j;
    }
    std::uint32_t v = 0;
    std::size_t digits = 0;
    while (j < n && digits < 8) {
      const int d = HexVal(in[j]);
      if (d < 0 || (!hex && d > 9)) break;
      v = v * (hex ? 16 : 10) + static_cast<std::uint32_t>(d);
      ++j;
      ++digits;
    }
    if (digits == 0 || j >= n || in[j] != ';') return 0;
    if (v == 0 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) v = kReplacementChar;
    *cp = v;
    return j + 1 - i;
  }
  struct Named {
    std::string_view name;
    char32_t cp;
  };
  static constexpr Named kNamed[] = {{"amp;", '&'},  {"lt;", '<'},    {"gt;", '>'},
                                     {"quot;", '"'}, {"apos;", '\''}, {"nbsp;", ' '}};
  const std::string_view rest = in.substr(i + 1);
  for (const auto& e : kNamed) {
    if (rest.size() >= e.name.size() && std::memcmp(rest.data(), e.name.data(), e.name.size()) == 0) {
      *cp = e.cp;
      return e.name.size() + 1;
    }
  }
  return 0;
}

// Decodes "\uXXXX" (and a following low surrogate escape) at in[i] == '\\'.
std::size_t DecodeUEscape(std::string_view in, std::size_t i, char32_t* cp) {
  auto hex4 = [&](std::size_t at, std::uint32_t* v) {
    if (at + 6 > in.size() || in[at] != '\\' || in[at + 1] != 'u') return false;
    std::uint32_t x = 0;
    for (std::size_t k = 0; k < 4; ++k) {
      const int d = HexVal(in[at + 2 + k]);
      if (d < 0) return false;
      x = x * 16 + static_cast<std::uint32_t>(d);
    }
    *v = x;
    return true;
  };
  std::uint32_t hi;
  if (!hex4(i, &hi)) return 0;
  if (hi >= 0xD800 && hi <= 0xDBFF) {
    std::uint32_t lo;
    if (hex4(i + 6, &lo) && lo >= 0xDC00 && lo <= 0xDFFF) {
      *cp = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
      return 12;
    }
    *cp = kReplacementChar;
    return 6;
  }
  if (hi >= 0xDC00 && hi <= 0xDFFF) hi = kReplacementChar;
  if (hi == 0) hi = ' ';
  *cp = hi;
  return 6;
}

// The code point at input[i], a byte PlainPrefix stops at: an entity or a \\u escape (where
// decoded and well formed), a UTF-8 sequence (U+FFFD if invalid), else the byte itself.
// Returns the bytes it takes.
std::size_t DecodeAt(std::string_view input, std::size_t i, const TokenizerOptions& o, char32_t* cp) {
  const auto b = static_cast<unsigned char>(input[i]);
  if (b >= 0x80) return DecodeUtf8(input, i, cp);
  std::size_t len = 0;
  if (b == '&' && o.decode_entities) len = DecodeEntity(input, i, cp);
  else if (b == '\\' && o.decode_u_escapes) len = DecodeUEscape(input, i, cp);
  if (len == 0) {
    *cp = b;
    len = 1;
  }
  return len;
}

// What rule 2 makes of a code point c >= 0x80: ASCII (`ascii`, `count` times: "..." for
// U+2026; quotes, fullwidth forms and Unicode spaces), nothing (a format character: count 0),
// or itself with its class `cls` (ascii 0, count 1).
struct Folded {
  char ascii;
  std::uint8_t count;
  std::uint8_t cls;
};
Folded FoldNonAscii(char32_t c) {
  switch (c) {
    case 0x2018: case 0x2019: case 0x201A: case 0x201B: case 0x02BC: case 0x2032:
      return {'\'', 1, kClsPunct};
    case 0x201C: case 0x201D: case 0x201E: case 0x201F: case 0x2033:
      return {'"', 1, kClsPunct};
    case 0x2026:
      return {'.', 3, kClsPunct};
    default:
      break;
  }
  if (c >= 0xFF01 && c <= 0xFF5E) {
    const auto a = static_cast<char>(c - 0xFEE0);
    return {a, 1, kAsciiCls[static_cast<unsigned char>(a)]};
  }
  const std::uint8_t k = ClassifyNonAscii(c);
  if (k == 0xFF) return {0, 0, 0};  // format character: dropped
  if (k == kClsSpace) return {' ', 1, kClsSpace};
  return {0, 1, k};
}

struct Decoder {
  char32_t* cps;
  std::uint8_t* cls;
  std::uint32_t* src;
  std::size_t m = 0;

  void PushAscii(char32_t c, std::uint32_t off) {
    cps[m] = c;
    cls[m] = kAsciiCls[c];
    src[m] = off;
    ++m;
  }
  void Push(char32_t c, std::uint32_t off) {
    if (c < 0x80) return PushAscii(c, off);
    const Folded f = FoldNonAscii(c);
    if (f.ascii != 0) {
      for (int r = 0; r < f.count; ++r) PushAscii(static_cast<unsigned char>(f.ascii), off);
      return;
    }
    if (f.count == 0) return;
    cps[m] = c;
    cls[m] = f.cls;
    src[m] = off;
    ++m;
  }
};

// Emoticons, longest first (MatchEmoticon takes the first match).
constexpr std::string_view kEmoticons[] = {
    ">:-(", ":'-(", ":'-)", ">:(", ":-)", ":-(", ":-D", ":-P", ":-p", ":-/", ":-\\", ":-|", ":-O", ":-o",
    ":-*",  ":-[",  ":-]",  ";-)", "=-)", "x-D", "X-D", ":o)", "8-)", "B-)", "(-:", "</3", "^_^", "^.^",
    "-_-",  "T_T",  "T.T",  ";_;", "o_O", "O_o", "o.O", "O.o", ">_<", ">.<", ":')", ":'(", "xD",  "XD",
    ":)",   ":(",   ":D",   ":P",  ":p",  ":/",  ":\\", ":|",  ":O",  ":o",  ":*",  ":[",  ":]",  ":3",
    ":S",   ":s",   ":@",   ":$",  ";)",  ";(",  ";D",  ";P",  ";p",  "=)",  "=(",  "=D",  "=]",  "=P",
    "<3",   "^^",   "(:",
};

constexpr std::size_t kNumEmoticons = sizeof(kEmoticons) / sizeof(kEmoticons[0]);

// ASCII letters/'_' that can only start a plain word (not a URL "h"/"w", not an emoticon
// like "xD", "T_T", "o_O", "B-)"): Run() sends them straight to ScanWord.
constexpr std::array<bool, 128> MakePlainWordStart() {
  std::array<bool, 128> t{};
  for (int c = 0; c < 128; ++c) {
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    bool special = (c | 0x20) == 'h' || (c | 0x20) == 'w';
    for (std::string_view e : kEmoticons) special |= static_cast<unsigned char>(e[0]) == c;
    t[static_cast<std::size_t>(c)] = letter && !special;
  }
  return t;
}
constexpr std::array<bool, 128> kPlainWordStart = MakePlainWordStart();

// kStartKind[c]: 1 if c is in kPlainWordStart; 2 for another ASCII letter (a URL's "h" / "w",
// an emoticon's "x", "T", "o", "B", ...); 0 otherwise.
constexpr std::array<std::uint8_t, 128> kStartKind = [] {
  std::array<std::uint8_t, 128> t{};
  for (int c = 0; c < 128; ++c) {
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    t[static_cast<std::size_t>(c)] = kPlainWordStart[static_cast<std::size_t>(c)] ? 1 : letter ? 2 : 0;
  }
  return t;
}();

// Whether the ASCII character c, followed by `next`, starts a word the fast path takes: c is
// in kPlainWordStart, or c is another letter and `next` rules the rest out (no emoticon has a
// lowercase letter second, and a URL needs "ht" or "ww"; the slow path compares case-
// insensitively, so an uppercase second letter stays there). Without branches: which case
// applies depends on the word's first letter ("how", "of", "was" take the second), and a
// branch on it is taken at random from word to word.
inline bool StartsPlainWord(char32_t c, char32_t next) {
  const unsigned kind = kStartKind[c];
  const unsigned lc = static_cast<unsigned>(c) | 0x20;
  const unsigned next_lower = static_cast<unsigned>(next - 'a') < 26u;
  const unsigned url = (static_cast<unsigned>(lc == 'h') & static_cast<unsigned>(next == 't')) |
                       (static_cast<unsigned>(lc == 'w') & static_cast<unsigned>(next == 'w'));
  return ((kind & 1u) | ((kind >> 1) & next_lower & (url ^ 1u))) != 0;
}

// Candidates per first character (indices into kEmoticons, longest first), 0xFF-terminated,
// and per first character the set of second characters any of them has: most ':' and '('
// in text are followed by a space or a letter no emoticon has, and are rejected at once.
struct EmoticonIndex {
  std::array<std::array<std::uint8_t, 48>, 128> by_first{};
  std::array<std::array<std::uint64_t, 2>, 128> second{};  // bit c: some candidate has c second
  constexpr EmoticonIndex() {
    for (auto& l : by_first) l.fill(0xFF);
    for (std::size_t i = 0; i < kNumEmoticons; ++i) {
      const auto c0 = static_cast<unsigned char>(kEmoticons[i][0]);
      const auto c1 = static_cast<unsigned char>(kEmoticons[i][1]);  // every emoticon has >= 2
      auto& l = by_first[c0];
      std::size_t j = 0;
      while (l[j] != 0xFF) ++j;
      l[j] = static_cast<std::uint8_t>(i);
      second[c0][c1 >> 6] |= std::uint64_t{1} << (c1 & 63);
    }
  }
  // Whether an emoticon may start with `c0` followed by `c1` (c0 < 128).
  constexpr bool MayStart(char32_t c0, char32_t c1) const {
    return c1 < 128 && ((second[c0][c1 >> 6] >> (c1 & 63)) & 1);
  }
};
constexpr EmoticonIndex kEmoticonIndex{};

inline bool IsAsciiAlnum(char32_t c) {
  return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

// Negator table: VADER's NEGATE list plus "no".
constexpr std::string_view kNegators[] = {
    "aint",    "arent",    "cannot",   "cant",     "couldnt", "darent",   "didnt",    "doesnt",
    "ain't",   "aren't",   "can't",    "couldn't", "daren't", "didn't",   "doesn't",  "dont",
    "hadnt",   "hasnt",    "havent",   "isnt",     "mightnt", "mustnt",   "neither",  "don't",
    "hadn't",  "hasn't",   "haven't",  "isn't",    "mightn't", "mustn't", "neednt",   "needn't",
    "never",   "none",     "nope",     "nor",      "not",     "nothing",  "nowhere",  "oughtnt",
    "shant",   "shouldnt", "uhuh",     "wasnt",    "werent",  "oughtn't", "shan't",   "shouldn't",
    "uh-uh",   "wasn't",   "weren't",  "without",  "wont",    "wouldnt",  "won't",    "wouldn't",
    "rarely",  "seldom",   "despite",  "no",
};
static_assert([] {
  for (std::string_view w : kNegators) {
    if (w.size() < 2 || w.size() > 15 || w[0] < 'a' || w[0] > 'z') return false;
  }
  return true;
}());

// Open-addressing set of negator hashes behind a one-bit-per-negator filter on the hash's
// low bits: nearly every word is rejected by one test that is nearly always false, so the
// branch predictor gets it right (a test of the length or the first letter is taken at random
// from word to word, and its mispredictions cost more than the rest of the check).
struct NegatorSet {
  static constexpr std::size_t kSlots = 256;
  std::array<std::uint64_t, kSlots> slot{};   // hash | 1; 0: empty
  std::array<std::uint8_t, kSlots> index{};   // the slot's word in kNegators
  // Bit (hash & 4095) of 4096: 0.9 % of the other words of tweets pass. (FNV-1a's high bits
  // would not do: those of "in", "on", "of", "is" are those of "no", and 8.5 % pass.)
  std::array<std::uint64_t, 64> filter{};
  static constexpr unsigned FilterBit(std::uint64_t h) { return static_cast<unsigned>(h & 4095); }
  explicit NegatorSet(TokenHash kind) {
    for (std::size_t n = 0; n < std::size(kNegators); ++n) {
      const std::uint64_t fnv = HashToken(kind, kNegators[n]);
      filter[FilterBit(fnv) >> 6] |= std::uint64_t{1} << (FilterBit(fnv) & 63);
      std::size_t i = (fnv | 1) & (kSlots - 1);
      while (slot[i] != 0) i = (i + 1) & (kSlots - 1);
      slot[i] = fnv | 1;
      index[i] = static_cast<std::uint8_t>(n);
    }
  }
  // `fnv` is the token hash of w, of the kind the set was built for.
  bool Contains(std::string_view w, std::uint64_t fnv) const {
    const unsigned b = FilterBit(fnv);
    if (!((filter[b >> 6] >> (b & 63)) & 1u)) return false;
    const std::uint64_t h = fnv | 1;
    for (std::size_t i = h & (kSlots - 1);; i = (i + 1) & (kSlots - 1)) {
      if (slot[i] == 0) return false;
      if (slot[i] == h) return w == kNegators[index[i]];
    }
  }
};

const NegatorSet& Negators(TokenHash kind) {
  static const NegatorSet v1(TokenHash::kFnv1a), v2(TokenHash::kWord);
  return kind == TokenHash::kWord ? v2 : v1;
}

constexpr std::uint64_t kButFnv = Fnv1a64("but");
constexpr std::uint64_t kButWord = WordHash64("but");

inline bool EndsWithNt(std::string_view w) {
  return w.size() >= 4 && w.substr(w.size() - 3) == "n't";
}


// Rule 3's elongation cut over a word's characters: a letter repeated 3+ times is kept twice.
struct RepeatCut {
  char prev = 0;
  int rep = 0;
  // False if `c` is the third or later repeat of a letter (and then flags the token elongated).
  [[gnu::always_inline]] bool Keep(char c, bool letter, std::uint16_t& flags) {
    if (c == prev && letter) [[unlikely]] {
      if (++rep >= 2) {
        flags |= kElongated;
        return false;
      }
    } else {
      rep = 0;
    }
    prev = c;
    return true;
  }
  void Reset() {
    prev = 0;
    rep = 0;
  }
};

// What the scanner reads: for position k <= m (m: a space sentinel), the code point cps[k],
// its class cls[k] and its byte offset in the input src[k].
// DecodedText: the decoder's arrays (any input).
struct DecodedText {
  static constexpr bool kPlainAscii = false;
  const char32_t* cps;
  const std::uint8_t* cls;
  const std::uint32_t* src;
};
// AsciiText: input that is, or decodes to, ASCII only, read in place from a byte buffer with
// the sentinel and 16 bytes of padding after it. PlainText: input with nothing to decode
// (ASCII without '&' or '\\'), copied as is: position k is byte k. MappedText: input whose
// entities, escapes and non-ASCII characters all decode to ASCII (rule 2: "&amp;", "\\u2019",
// "’", "…", fullwidth forms, Unicode spaces), with each position's byte offset in the input.
template <class Offsets>
struct AsciiText {
  static constexpr bool kPlainAscii = true;
  struct Cps {
    const unsigned char* b;
    char32_t operator[](std::size_t k) const { return b[k]; }
  };
  struct Cls {
    const unsigned char* b;
    std::uint8_t operator[](std::size_t k) const { return kAsciiCls[b[k]]; }
  };
  Cps cps;
  Cls cls;
  Offsets src;
};
struct Identity {
  std::uint32_t operator[](std::size_t k) const { return static_cast<std::uint32_t>(k); }
};
using PlainText = AsciiText<Identity>;
using MappedText = AsciiText<const std::uint32_t*>;

template <class Text>
class Scanner {
 public:
  Scanner(const TokenizerOptions& o, Scratch& s, const Text& text, std::size_t m, TokenizedText& out)
      : o_(o), s_(s), cps_(text.cps), cls_(text.cls), src_(text.src), m_(m), out_(out) {
    out_.norm.resize(m + m / 2 + 64 + kSlack);
    buf_ = out_.norm.data();
    cap_ = out_.norm.size() - kSlack;
    out_.tokens.resize(m / 4 + 16);  // grown on demand; trimmed by Finish()
    tok_ = out_.tokens.data();
    tok_cap_ = out_.tokens.size();
  }
  // Trims norm (to what was written and kNormPadding zero bytes) and tokens.
  void Finish() {
    Reserve(kNormPadding);
    std::memset(buf_ + pos_, 0, kNormPadding);
    out_.norm.resize(pos_ + kNormPadding);
    out_.tokens.resize(ntok_);
  }

  void Run() {
    std::size_t k = 0;
    while (k < m_) {
      const std::uint8_t c = cls_[k];
      const char32_t ch = cps_[k];
      if (c == kClsSpace) {
        ++k;
        continue;
      }
      std::size_t e;
      if ((Text::kPlainAscii || ch < 0x80) && StartsPlainWord(ch, cps_[k + 1])) {
        k = ScanNonNumberWord(k);  // common case: an ASCII word that is nothing special
        continue;
      }
      if (ch < 0x80) {
        const char32_t lc = ch | 0x20;
        if ((lc == 'h' || lc == 'w') && (e = MatchUrl(k)) != 0) {
          Emit(TokenType::kUrl, "<url>", k, e, 0);
          k = e;
          continue;
        }
        if (ch == '@' && k + 1 < m_ && IsHandleChar(cps_[k + 1])) {
          e = k + 1;
          while (e < m_ && IsHandleChar(cps_[e])) ++e;
          Emit(TokenType::kMention, "<user>", k, e, 0);
          k = e;
          continue;
        }
        if ((ch == '#' || ch == '*' || c == kClsDigit) && (e = MatchKeycap(k)) != 0) {
          EmitEmoji(k, e);
          k = e;
          continue;
        }
        if (ch == '#' && k + 1 < m_ && (IsWordCont(cls_[k + 1]) || cls_[k + 1] == kClsCjk) &&
            cls_[k + 1] != kClsMark) {
          e = k + 1;
          while (e < m_ && (IsWordCont(cls_[e]) || cls_[e] == kClsCjk)) ++e;
          EmitWordLike(TokenType::kHashtag, k, e);
          k = e;
          continue;
        }
        if (kEmoticonIndex.MayStart(ch, cps_[k + 1]) && (e = MatchEmoticon(k)) != 0) {
          k = e;
          continue;
        }
      }
      switch (c) {
        case kClsEmoji:
        case kClsRegional:
          e = ScanEmoji(k);
          EmitEmoji(k, e);
          k = e;
          break;
        case kClsCjk:
          e = k + 1;
          while (e < m_ && cls_[e] == kClsMark) ++e;
          EmitWordLike(TokenType::kWord, k, e);
          k = e;
          break;
        case kClsExtend:
          ++k;  // stray joiner / selector / modifier
          break;
        case kClsPunct:
          k = ScanPunct(k);
          break;
        default:  // letters, digits, marks, underscore
          k = ScanWord(k);
          break;
      }
    }
  }

 private:
  static bool IsHandleChar(char32_t c) { return c < 0x80 && (IsAsciiAlnum(c) || c == '_'); }

  std::size_t MatchUrl(std::size_t k) const {
    auto match = [&](std::string_view p) {
      if (k + p.size() >= m_) return false;
      for (std::size_t i = 0; i < p.size(); ++i) {
        char32_t c = cps_[k + i];
        if (c >= 'A' && c <= 'Z') c |= 0x20;
        if (c != static_cast<unsigned char>(p[i])) return false;
      }
      return cls_[k + p.size()] != kClsSpace;
    };
    std::size_t plen = 0;
    if (match("https://")) plen = 8;
    else if (match("http://")) plen = 7;
    else if (match("www.")) plen = 4;
    else return 0;
    std::size_t e = k + plen;
    while (e < m_ && cls_[e] != kClsSpace) ++e;
    while (e > k + plen) {
      const char32_t c = cps_[e - 1];
      if (c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?' || c == ')' || c == ']' ||
          c == '}' || c == '\'' || c == '"')
        --e;
      else
        break;
    }
    return e;
  }

  std::size_t MatchKeycap(std::size_t k) const {
    if (k + 1 < m_ && cps_[k + 1] == 0x20E3) return k + 2;
    if (k + 2 < m_ && cps_[k + 1] == 0xFE0F && cps_[k + 2] == 0x20E3) return k + 3;
    return 0;
  }

  std::size_t MatchEmoticon(std::size_t k) {
    for (std::uint8_t idx : kEmoticonIndex.by_first[cps_[k]]) {
      if (idx == 0xFF) break;
      const std::string_view e = kEmoticons[idx];
      if (k + e.size() > m_) continue;
      bool ok = true;
      for (std::size_t i = 1; i < e.size(); ++i) {
        if (cps_[k + i] != static_cast<unsigned char>(e[i])) {
          ok = false;
          break;
        }
      }
      if (!ok) continue;
      std::size_t end = k + e.size();
      const char32_t last = static_cast<unsigned char>(e.back());
      std::uint16_t flags = 0;
      while (end < m_ && cps_[end] == last) {
        ++end;
        flags |= kElongated;
      }
      if (IsAsciiAlnum(last) && end < m_ && (IsWordCont(cls_[end]) || cls_[end] == kClsCjk)) continue;
      if (IsAsciiAlnum(static_cast<unsigned char>(e[0])) && k > 0 && IsWordCont(cls_[k - 1])) continue;
      Emit(TokenType::kEmoticon, e, k, end, flags);
      return end;
    }
    return 0;
  }

  std::size_t ScanEmoji(std::size_t k) const {
    std::size_t e = k + 1;
    if (cls_[k] == kClsRegional) {
      if (e < m_ && cls_[e] == kClsRegional) ++e;
      while (e < m_ && (cps_[e] == 0xFE0F || cps_[e] == 0xFE0E)) ++e;
      return e;
    }
    for (;;) {
      while (e < m_ && cps_[e] != 0x200D && IsEmojiExtend(cps_[e])) ++e;
      if (e + 1 < m_ && cps_[e] == 0x200D && cls_[e + 1] == kClsEmoji) {
        e += 2;
        continue;
      }
      break;
    }
    return e;
  }

  // ---- output: norm is written through a raw cursor (no per-char capacity checks) ----
  [[gnu::always_inline]] void Reserve(std::size_t extra) {
    if (pos_ + extra > cap_) [[unlikely]]
      Grow(extra);
  }
  [[gnu::noinline]] void GrowTokens() {
    out_.tokens.resize(std::max<std::size_t>(16, out_.tokens.size() * 2));
    tok_ = out_.tokens.data();
    tok_cap_ = out_.tokens.size();
  }
  [[gnu::noinline]] void Grow(std::size_t extra) {
    out_.norm.resize(std::max(out_.norm.size() * 2, pos_ + extra + 64 + kSlack));
    buf_ = out_.norm.data();
    cap_ = out_.norm.size() - kSlack;
  }
  void Put(char c) { buf_[pos_++] = c; }
  void PutCp(char32_t c) { pos_ += EncodeUtf8(c, buf_ + pos_); }

  void EmitEmoji(std::size_t k, std::size_t e) {
    Reserve((e - k) * 4);
    const std::size_t off = pos_;
    for (std::size_t i = k; i < e; ++i) {
      if (cps_[i] == 0xFE0F || cps_[i] == 0xFE0E) continue;
      PutCp(cps_[i]);
    }
    Push(TokenType::kEmoji, off, k, e, 0);
  }

  std::size_t ScanPunct(std::size_t k) {
    const char32_t ch = cps_[k];
    if (ch == '!' || ch == '?') {
      std::size_t e = k;
      while (e < m_ && (cps_[e] == '!' || cps_[e] == '?')) ++e;
      const std::uint16_t flags = (e - k >= 2) ? kEmphasis : 0;
      for (std::size_t p = k; p < e;) {
        std::size_t q = p;
        while (q < e && cps_[q] == cps_[p]) ++q;
        EmitRun(p, q, flags);
        p = q;
      }
      return e;
    }
    std::size_t e = k + 1;
    while (e < m_ && cps_[e] == ch) ++e;
    EmitRun(k, e, 0);
    return e;
  }

  void EmitRun(std::size_t k, std::size_t e, std::uint16_t flags) {
    Reserve(12);
    const std::size_t off = pos_;
    const std::size_t reps = std::min<std::size_t>(e - k, 3);
    for (std::size_t i = 0; i < reps; ++i) PutCp(cps_[k]);
    Push(TokenType::kPunct, off, k, e, flags).run = static_cast<std::uint32_t>(e - k);
  }

  // A number ("42", "3.5", "1,000") or a word at k.
  std::size_t ScanWord(std::size_t k) {
    if (cls_[k] == kClsDigit) {
      std::size_t e = k;
      while (e < m_ && cls_[e] == kClsDigit) ++e;
      bool sep = false;
      while (e + 1 < m_ && (cps_[e] == '.' || cps_[e] == ',' || cps_[e] == ':') && cls_[e + 1] == kClsDigit) {
        sep = true;
        e += 2;
        while (e < m_ && cls_[e] == kClsDigit) ++e;
      }
      if (sep || !IsWordCont(cls_[e])) {  // cls_[m_] is a space sentinel
        Reserve(e - k);
        const std::size_t off = pos_;
        for (std::size_t i = k; i < e; ++i) Put(static_cast<char>(cps_[i]));
        Push(TokenType::kNumber, off, k, e, 0);
        return e;
      }
    }
    return ScanNonNumberWord(k);
  }

  // A word at k that is not a number: on AsciiText 16 bytes at a time where it can be,
  // otherwise (and as the fallback) one character at a time.
  [[gnu::always_inline]] std::size_t ScanNonNumberWord(std::size_t k) {
#if defined(__SSE4_1__)
    if constexpr (Text::kPlainAscii) {
      if (const std::size_t e = ScanPlainWord(k)) return e;
    }
#endif
    return ScanWordScalar(k);
  }

  // A word at k, one character at a time: the fused scan + emit for ASCII words, falling
  // back to the general path (EmitWordLike) on non-ASCII.
  std::size_t ScanWordScalar(std::size_t k) {
    Reserve(m_ - k + 1);
    {
      char* const start = buf_ + pos_;
      char* w = start;
      const std::uint16_t* tab = o_.lowercase ? kWordTabLower.data() : kWordTabSame.data();
      unsigned seen = 0;  // kCase* bits << 8
      std::uint64_t h = kFnvOffset64;  // Fnv1a64 of the word, as it is written (WordHash64 after)
      RepeatCut cut;
      std::uint16_t flags = 0;
      std::size_t i = k;
      // Locals: stores through char* may alias members, which would force reloads.
      const auto cps = cps_;
      const auto cls = cls_;
      for (;;) {
        const char32_t cp = cps[i];
        if (Text::kPlainAscii || cp < 0x80) [[likely]] {
          const unsigned e = tab[cp];  // for ASCII, kTabWord == IsWordCont(cls[i])
          if (e & kTabWord) {
            seen |= e;
            const char lc = static_cast<char>(e);
            ++i;
            if (!cut.Keep(lc, (e & (kCaseAlpha << 8)) != 0, flags)) continue;
            *w++ = lc;
            h = (h ^ static_cast<unsigned char>(lc)) * kFnvPrime64;
            continue;
          }
        } else if (IsWordCont(cls[i])) {
          goto general;
        }
        // cls_[m_] is a space sentinel, so i + 1 <= m_ here.
        if ((cp == '\'' || cp == '-') && i > k && IsWordCont(cls[i + 1]) && cls[i + 1] != kClsMark) {
          *w++ = static_cast<char>(cp);
          h = (h ^ static_cast<unsigned char>(cp)) * kFnvPrime64;
          cut.Reset();
          ++i;
          continue;
        }
        break;
      }
      if (!fnv_) h = WordHash64Padded(start, static_cast<std::size_t>(w - start));
      PushAsciiWord(k, i, w, seen >> 8, flags, h);
      return i;
    }
  general:
    std::size_t e = k;
    for (;;) {
      if (IsWordCont(cls_[e])) {
        ++e;
        continue;
      }
      const char32_t c = cps_[e];
      if ((c == '\'' || c == '-') && e > k && IsWordCont(cls_[e + 1]) && cls_[e + 1] != kClsMark) {
        ++e;  // e + 1 <= m_ always holds: cls_[m_] is the sentinel
        continue;
      }
      break;
    }
    EmitWordLike(TokenType::kWord, k, e);
    return e;
  }

  // Ends an ASCII word [k, e) whose text was written at norm[pos_, w) with hash h; `seen`
  // holds the kCase* bits of its characters; `apostrophe`: it may hold one (else no "n't"
  // ending is looked for: a test of the length per word would be mispredicted often).
  [[gnu::always_inline]] void PushAsciiWord(std::size_t k, std::size_t e, const char* w, unsigned seen,
                                            std::uint16_t flags, std::uint64_t h, bool apostrophe = true) {
    const std::size_t off = pos_;
    const std::string_view word(buf_ + off, static_cast<std::size_t>(w - (buf_ + off)));
    pos_ += word.size();
    if ((seen & kCaseUpper) && !(seen & kCaseLower) && e - k >= 2) flags |= kAllCaps;
    bool negator = neg_.Contains(word, h);
    if (apostrophe) [[unlikely]]
      negator |= EndsWithNt(word);
    if (negator) flags |= kNegator;
    Push(TokenType::kWord, off, k, e, flags, h);
  }

#if defined(__SSE4_1__)
  // A word of an AsciiText at k (a letter, digit or '_'): each run of word characters between
  // internal apostrophes/hyphens is classified, case-folded and copied 16 bytes at a time;
  // only the hash is a loop over bytes. Returns the word's end, or 0 (nothing written) for
  // the scalar loop to do it: a run of 16+ characters, or an elongation to cut.
  [[gnu::always_inline]] std::size_t ScanPlainWord(std::size_t k) {
    Reserve(m_ - k + 17);  // 16-byte stores
    const unsigned char* const b = cps_.b;
    char* const start = buf_ + pos_;
    char* w = start;
    unsigned upper = 0, lower = 0;
    std::uint64_t h = kFnvOffset64;
    std::size_t i = k;
    bool apostrophe = false;
    bool joined = false;  // more than one run
    __m128i first_run = _mm_setzero_si128();
    unsigned first_len = 0;
    for (;;) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(b + i));
      const __m128i up = InRange(v, 'A', 25);
      const __m128i low = InRange(v, 'a', 25);
      const __m128i alpha = _mm_or_si128(up, low);
      const __m128i word = _mm_or_si128(_mm_or_si128(alpha, InRange(v, '0', 9)),
                                        _mm_cmpeq_epi8(v, _mm_set1_epi8('_')));
      const auto len = static_cast<unsigned>(__builtin_ctz(~static_cast<unsigned>(_mm_movemask_epi8(word))));
      if (len >= 16) return 0;
      const unsigned run = (1u << len) - 1;
      const __m128i lc = _mm_add_epi8(v, _mm_and_si128(up, fold_));
      // Rule 3's cut applies where a letter equals the two characters before it.
      const __m128i rep = _mm_and_si128(_mm_cmpeq_epi8(lc, _mm_slli_si128(lc, 1)),
                                        _mm_cmpeq_epi8(lc, _mm_slli_si128(lc, 2)));
      if (static_cast<unsigned>(_mm_movemask_epi8(_mm_and_si128(rep, alpha))) & run & ~3u) return 0;
      upper |= static_cast<unsigned>(_mm_movemask_epi8(up)) & run;
      lower |= static_cast<unsigned>(_mm_movemask_epi8(low)) & run;
      _mm_storeu_si128(reinterpret_cast<__m128i*>(w), lc);
      if (fnv_) h = Fnv1a64UpdatePadded(h, w, len);  // w holds the 16 bytes just stored
      if (w == start) {
        first_run = lc;
        first_len = len;
      }
      w += len;
      i += len;
      // An apostrophe or hyphen joins the next run when a word character follows it (the
      // sentinel at m_ is a space, so b[i + 1] is in range).
      const unsigned char c = b[i];
      if ((c == '\'' || c == '-') && IsWordCont(kAsciiCls[b[i + 1]])) {
        *w++ = static_cast<char>(c);
        h = (h ^ c) * kFnvPrime64;
        apostrophe |= c == '\'';
        joined = true;
        ++i;
        continue;
      }
      break;
    }
    if (!fnv_) {
      if (!joined) [[likely]] {  // the word is first_run's first first_len bytes
        const __m128i keep = _mm_cmpgt_epi8(_mm_set1_epi8(static_cast<char>(first_len)),
                                            _mm_setr_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15));
        const __m128i x = _mm_and_si128(first_run, keep);
        h = WordHash64Of16(static_cast<std::uint64_t>(_mm_cvtsi128_si64(x)),
                           static_cast<std::uint64_t>(_mm_extract_epi64(x, 1)), first_len);
      } else {
        h = WordHash64Padded(start, static_cast<std::size_t>(w - start));
      }
    }
    PushAsciiWord(k, i, w, (upper ? unsigned{kCaseUpper} : 0u) | (lower ? unsigned{kCaseLower} : 0u), 0, h,
                  apostrophe);
    return i;
  }
#endif

  // Word or hashtag [k, e): lowercase / NFKC, elongation, caps, negator.
  void EmitWordLike(TokenType type, std::size_t k, std::size_t e) {
    std::uint16_t flags = 0;
    const std::size_t first = (type == TokenType::kHashtag) ? k + 1 : k;
    Reserve(e - k + 1);
    const std::size_t off = pos_;
    if (type == TokenType::kHashtag) Put('#');
    bool has_upper = false, has_lower = false;
    std::size_t i = first;
    {
      // Local cursor: writes through char* would otherwise force pos_ to be reloaded.
      char* w = buf_ + pos_;
      RepeatCut cut;
      const bool lower = o_.lowercase;
      const char* fold = lower ? kAsciiLower.data() : kAsciiSame.data();
      unsigned seen = 0;
      for (; i < e; ++i) {  // ASCII fast path
        const char32_t cp = cps_[i];
        if (cp >= 0x80) break;
        const unsigned bits = kAsciiCase[cp];
        seen |= bits;
        const char c = fold[cp];
        if (!cut.Keep(c, (bits & kCaseAlpha) != 0, flags)) continue;
        *w++ = c;
      }
      has_upper = seen & kCaseUpper;
      has_lower = seen & kCaseLower;
      pos_ = static_cast<std::size_t>(w - buf_);
    }
    if (i < e) {  // non-ASCII: redo the whole word through utf8proc
      pos_ = off + (type == TokenType::kHashtag ? 1 : 0);
      flags = 0;
      for (std::size_t j = first; j < e; ++j) {
        has_upper |= cls_[j] == kClsUpper;
        has_lower |= cls_[j] == kClsLower;
      }
      flags |= AppendNormalized(first, e);
    }
    if (has_upper && !has_lower && e - k >= 2 && type == TokenType::kWord) flags |= kAllCaps;
    const std::string_view w(buf_ + off, pos_ - off);
    const std::uint64_t h = Hash(w.data(), w.size());
    if (type == TokenType::kWord && (EndsWithNt(w) || neg_.Contains(w, h))) flags |= kNegator;
    Push(type, off, k, e, flags, h);
  }

  // Non-ASCII word text: NFKC (+ case fold) via utf8proc into norm, with elongation cut.
  std::uint16_t AppendNormalized(std::size_t k, std::size_t e) {
    std::string& w = s_.word;
    w.clear();
    for (std::size_t i = k; i < e; ++i) AppendUtf8(w, cps_[i]);
    utf8proc_option_t opts = static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE);
    if (o_.nfkc) opts = static_cast<utf8proc_option_t>(opts | UTF8PROC_COMPAT);
    if (o_.lowercase) opts = static_cast<utf8proc_option_t>(opts | UTF8PROC_CASEFOLD);
    auto& buf = s_.u32;
    if (buf.size() > (std::size_t{1} << 16) && w.size() < buf.size() / 16) buf = {};  // after a huge word
    if (buf.size() < w.size() + 16) buf.resize(w.size() + 16);  // code points <= bytes; retried if NFKC expands
    utf8proc_ssize_t r = utf8proc_decompose(reinterpret_cast<const utf8proc_uint8_t*>(w.data()),
                                            static_cast<utf8proc_ssize_t>(w.size()), buf.data(),
                                            static_cast<utf8proc_ssize_t>(buf.size()), opts);
    if (r > static_cast<utf8proc_ssize_t>(buf.size())) {
      buf.resize(static_cast<std::size_t>(r));
      r = utf8proc_decompose(reinterpret_cast<const utf8proc_uint8_t*>(w.data()),
                             static_cast<utf8proc_ssize_t>(w.size()), buf.data(),
                             static_cast<utf8proc_ssize_t>(buf.size()), opts);
    }
    if (r < 0) {  // cannot happen for valid UTF-8; keep the raw text
      Reserve(w.size());
      for (char c : w) Put(c);
      return 0;
    }
    r = utf8proc_normalize_utf32(buf.data(), r, opts);
    Reserve(static_cast<std::size_t>(r) * 4);
    std::uint16_t flags = 0;
    utf8proc_int32_t prev = -1;
    int rep = 0;
    for (utf8proc_ssize_t i = 0; i < r; ++i) {
      const utf8proc_int32_t c = buf[static_cast<std::size_t>(i)];
      if (c == prev) {
        const auto cat = utf8proc_category(c);
        const bool letter = cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO;
        if (letter && ++rep >= 2) {
          flags |= kElongated;
          continue;
        }
      } else {
        rep = 0;
      }
      prev = c;
      PutCp(static_cast<char32_t>(c));
    }
    return flags;
  }

  void Emit(TokenType type, std::string_view text, std::size_t k, std::size_t e, std::uint16_t flags) {
    Reserve(text.size());
    const std::size_t off = pos_;
    for (char c : text) Put(c);
    Push(type, off, k, e, flags);
  }

  [[gnu::always_inline]] Token& Push(TokenType type, std::size_t off, std::size_t k, std::size_t e,
                                     std::uint16_t flags) {
    return Push(type, off, k, e, flags, Hash(buf_ + off, pos_ - off));
  }
  // The token hash of text [p, p + len) in norm (which has kSlack bytes after pos_).
  std::uint64_t Hash(const char* p, std::size_t len) const {
    return fnv_ ? Fnv1a64({p, len}) : WordHash64Padded(p, len);
  }
  // `hash` is the token hash of the text norm[off, pos_), when the caller computed it on the way.
  [[gnu::always_inline]] Token& Push(TokenType type, std::size_t off, std::size_t k, std::size_t e,
                                     std::uint16_t flags, std::uint64_t hash) {
    if (ntok_ == tok_cap_) [[unlikely]]
      GrowTokens();
    Token& t = tok_[ntok_++];
    t.type = type;
    t.flags = flags;
    t.offset = static_cast<std::uint32_t>(off);
    t.length = static_cast<std::uint32_t>(pos_ - off);
    t.source_offset = src_[k];
    t.source_length = src_[e] - src_[k];
    t.run = 1;
    t.hash = hash;
    // Negation scope (rule 9) and caps counts, tracked as tokens are produced.
    const char* txt = buf_ + off;
    if (type == TokenType::kPunct) {
      const char c0 = txt[0];
      if (c0 == '.' || c0 == ',' || c0 == ';' || c0 == ':' || c0 == '!' || c0 == '?' ||
          (t.length == 3 && std::memcmp(txt, "\xE3\x80\x82", 3) == 0))
        window_ = 0;
      return t;
    }
    ++content_;
    caps_ += (flags & kAllCaps) != 0;
    if (!o_.mark_negation) return t;
    // The hash first: a test that is nearly always false (a test of the length is taken at
    // random from word to word, a misprediction every few words).
    if (type == TokenType::kWord && hash == but_hash_ && t.length == 3 && std::memcmp(txt, "but", 3) == 0) {
      window_ = 0;
      return t;
    }
    if (window_ > 0) {
      t.flags |= kNegated;
      --window_;
    }
    if (type == TokenType::kWord && (flags & kNegator)) window_ = o_.negation_window;
    return t;
  }

 public:
  bool caps_differential() const { return caps_ > 0 && caps_ < content_; }

 private:

  const TokenizerOptions& o_;
  Scratch& s_;
  decltype(Text::cps) cps_;
  decltype(Text::cls) cls_;
  decltype(Text::src) src_;
  std::size_t m_;
  TokenizedText& out_;
  const bool fnv_ = o_.token_hash == TokenHash::kFnv1a;
  const NegatorSet& neg_ = Negators(o_.token_hash);
  const std::uint64_t but_hash_ = fnv_ ? kButFnv : kButWord;
  // Bytes of norm kept past cap_, so that a 16-byte load at any token's start (WordHash64Padded)
  // stays within it while tokens are being written.
  static constexpr std::size_t kSlack = 16;
#if defined(__SSE4_1__)
  const __m128i fold_ = _mm_set1_epi8(o_.lowercase ? 0x20 : 0);  // added to A-Z bytes
#endif
  char* buf_ = nullptr;
  std::size_t pos_ = 0;
  std::size_t cap_ = 0;
  Token* tok_ = nullptr;       // out_.tokens storage, written directly (no per-token push_back)
  std::size_t ntok_ = 0;
  std::size_t tok_cap_ = 0;
  std::uint32_t window_ = 0;   // tokens left in the current negation scope
  std::size_t content_ = 0;    // non-punctuation tokens
  std::size_t caps_ = 0;       // kAllCaps tokens
};

// Decodes input[0, n) (its first `plain` bytes need no decoding) into s.plain as a MappedText,
// with the sentinel, and its offsets into s.plain_src. Returns the decoded length, or npos
// (having written a prefix) at the first code point that stays non-ASCII: the input then takes
// the full decoder. Rule 2 as Decoder applies it, so both scan the same characters.
std::size_t DecodeToAscii(std::string_view input, std::size_t plain, const TokenizerOptions& o, Scratch& s) {
  const std::size_t n = input.size();
  if (s.plain.size() < n + 17) s.plain.resize(n + 17);  // a decoded text is never longer
  if (s.plain_src.size() < n + 1) s.plain_src.resize(n + 1);
  const auto* bytes = reinterpret_cast<const unsigned char*>(input.data());
  unsigned char* const b = s.plain.data();
  std::uint32_t* const src = s.plain_src.data();
  std::size_t m = 0, i = 0, run = plain;
  for (;;) {
    std::memcpy(b + m, bytes + i, run);
    for (std::size_t k = 0; k < run; ++k) src[m + k] = static_cast<std::uint32_t>(i + k);
    m += run;
    i += run;
    if (i >= n) break;
    const auto off = static_cast<std::uint32_t>(i);
    char32_t cp;
    i += DecodeAt(input, i, o, &cp);
    if (cp < 0x80) {
      src[m] = off;
      b[m++] = static_cast<unsigned char>(cp);
    } else {
      const Folded f = FoldNonAscii(cp);
      if (f.ascii == 0 && f.count != 0) return std::string_view::npos;
      for (int r = 0; r < f.count; ++r) {
        src[m] = off;
        b[m++] = static_cast<unsigned char>(f.ascii);
      }
    }
    run = PlainPrefix(bytes + i, n - i);
  }
  b[m] = ' ';
  src[m] = static_cast<std::uint32_t>(n);
  return m;
}

template <class Text>
void Scan(const TokenizerOptions& o, Scratch& s, const Text& text, std::size_t m, TokenizedText& out) {
  Scanner<Text> scanner(o, s, text, m, out);
  scanner.Run();
  scanner.Finish();
  out.any_caps_differential = scanner.caps_differential();
}

}  // namespace

namespace detail {
std::uint8_t AsciiClassScalar(unsigned char c) noexcept { return kAsciiCls[c & 0x7F]; }
void AsciiClasses16(const unsigned char* in, std::uint8_t* out) noexcept { Classify16(in, out); }
}  // namespace detail

bool IsNegatorWord(std::string_view word) noexcept {
  return EndsWithNt(word) || Negators(TokenHash::kFnv1a).Contains(word, Fnv1a64(word));
}

Tokenizer::Tokenizer(TokenizerOptions opts) : opts_(opts) {}

void Tokenizer::Tokenize(std::string_view input, TokenizedText& out) const {
  out.clear();
  out.hash = opts_.token_hash;
  input = input.substr(0, Utf8TruncationPoint(input, opts_.max_input_bytes));
  const std::size_t n = input.size();
  if (n == 0) return;

  Scratch& s = GetScratch();
  const auto* bytes = reinterpret_cast<const unsigned char*>(input.data());
  if (s.plain.size() > (std::size_t{1} << 16) && n < s.plain.size() / 16) {  // after a huge input
    s.plain = {};
    s.plain_src = {};
  }
  const std::size_t plain = PlainPrefix(bytes, n);
  if (plain == n) {  // the common case: nothing to decode, scan the bytes
    std::vector<unsigned char>& b = s.plain;
    if (b.size() < n + 17) b.resize(n + 17);
    std::memcpy(b.data(), bytes, n);
    b[n] = ' ';
    Scan(opts_, s, PlainText{{b.data()}, {b.data()}, {}}, n, out);
    return;
  }
  if (const std::size_t m = DecodeToAscii(input, plain, opts_, s); m != std::string_view::npos) {
    const unsigned char* b = s.plain.data();  // entities, escapes, quotes: still ASCII
    Scan(opts_, s, MappedText{{b}, {b}, s.plain_src.data()}, m, out);
    return;
  }
  if (s.cps.size() > (std::size_t{1} << 16) && n < s.cps.size() / 16) {
    // A huge input grew the per-thread scratch (~9 bytes per input byte): give it back.
    s.cps = {};
    s.cls = {};
    s.src = {};
  }
  if (s.cps.size() < n + 1) {
    s.cps.resize(n + 1);
    s.cls.resize(n + 1);
    s.src.resize(n + 1);
  }
  Decoder d{s.cps.data(), s.cls.data(), s.src.data()};
  std::size_t i = 0;
  while (i < n) {
    // Fast path: a run of plain ASCII (no '&', no '\\') is copied with its classes.
    {
      char32_t* cps = d.cps + d.m;
      std::uint8_t* cls = d.cls + d.m;
      std::uint32_t* src = d.src + d.m;
      std::size_t j = i;
#if defined(__SSE4_1__)
      // 16 bytes at a time while they are all plain.
      for (; j + 16 <= n; j += 16) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(bytes + j));
        if (NotPlainMask(v)) break;
        auto* c32 = reinterpret_cast<__m128i*>(cps);
        _mm_storeu_si128(c32, _mm_cvtepu8_epi32(v));
        _mm_storeu_si128(c32 + 1, _mm_cvtepu8_epi32(_mm_srli_si128(v, 4)));
        _mm_storeu_si128(c32 + 2, _mm_cvtepu8_epi32(_mm_srli_si128(v, 8)));
        _mm_storeu_si128(c32 + 3, _mm_cvtepu8_epi32(_mm_srli_si128(v, 12)));
        const __m128i base = _mm_add_epi32(_mm_set1_epi32(static_cast<int>(j)), _mm_setr_epi32(0, 1, 2, 3));
        auto* s32 = reinterpret_cast<__m128i*>(src);
        _mm_storeu_si128(s32, base);
        _mm_storeu_si128(s32 + 1, _mm_add_epi32(base, _mm_set1_epi32(4)));
        _mm_storeu_si128(s32 + 2, _mm_add_epi32(base, _mm_set1_epi32(8)));
        _mm_storeu_si128(s32 + 3, _mm_add_epi32(base, _mm_set1_epi32(12)));
        Classify16(bytes + j, cls);
        cps += 16;
        cls += 16;
        src += 16;
      }
#endif
      for (; j < n; ++j) {
        const unsigned char b = bytes[j];
        const std::uint8_t k = kPlainCls[b];
        if (k == kNotPlain) break;
        *cps++ = b;
        *cls++ = k;
        *src++ = static_cast<std::uint32_t>(j);
      }
      d.m += j - i;
      i = j;
      if (i >= n) break;
    }
    const auto off = static_cast<std::uint32_t>(i);
    char32_t cp;
    i += DecodeAt(input, i, opts_, &cp);
    d.Push(cp, off);
  }
  const std::size_t m = d.m;
  s.src[m] = static_cast<std::uint32_t>(n);
  s.cls[m] = kClsSpace;
  s.cps[m] = U' ';

  Scan(opts_, s, DecodedText{s.cps.data(), s.cls.data(), s.src.data()}, m, out);
}

}  // namespace sentio::text
