// Social-text tokenizer: UTF-8 safe, typed tokens, negation scope and emphasis flags.
// Designed for the hot loop: Tokenize() reuses the caller's TokenizedText buffers,
// so steady-state tokenisation allocates nothing per token.
//
// NORMALISATION RULES (token texts; trained models depend on them, do not change casually):
//  1. Input longer than max_input_bytes is truncated at a code-point boundary. Invalid UTF-8
//     (bad/truncated/overlong sequences, surrogates, lone continuation bytes) -> U+FFFD.
//  2. Pre-decoding: HTML entities &amp; &lt; &gt; &quot; &apos; &#39; &nbsp; &#NNN; &#xHH;
//     and literal \uXXXX escapes (surrogate pairs \ud83d\ude00 combined; lone surrogates
//     -> U+FFFD). Quotes ’ ‘ ʼ ′ -> ', “ ” „ -> ", … -> "...", fullwidth ASCII
//     (U+FF01..FF5E) -> ASCII, Unicode spaces -> space.
//  3. kWord: a run of letters/digits/marks/'_' with internal apostrophes and hyphens
//     ("don't", "well-being" stay ONE token; contractions are NOT split: "don't" is a
//     negator token itself, flagged kNegator). Lowercased; non-ASCII words are NFKC
//     normalised + case-folded by utf8proc ("Ｇｏｏｄ" -> "good", "Straße" -> "strasse").
//     A letter repeated 3+ times is cut to 2 ("soooo" -> "soo", "loooove" -> "loove") and
//     the token gets kElongated. CJK ideographs are one token each.
//     kAllCaps: the original word had no lowercase letter, >= 1 uppercase letter and
//     >= 2 code points ("GREAT", "OMG", "I'M"; not "I").
//  4. kNumber: digits with internal . , : separators ("42", "3.5", "1,000", "12:30"), kept
//     as typed. Digits followed directly by letters form a word ("2nd", "10pm").
//  5. kUrl "<url>": http://, https://, www. (case-insensitive) up to whitespace, trailing
//     .,;:!?)]}'" excluded.  kMention "<user>": '@' + [A-Za-z0-9_]+.
//     kHashtag "#" + normalised word ("#Happy" -> "#happy").
//  6. kEmoticon: from a fixed ASCII table (":)", ":-(", ":D", "xD", "<3", ":'(", ";)", ...),
//     kept as typed (case kept); a repeated last char is absorbed (":)))" -> ":)", flag
//     kElongated). An emoticon ending in a letter/digit must not be followed by one.
//  7. kEmoji: one emoji sequence (Extended_Pictographic base + skin-tone modifiers + ZWJ
//     chains, regional-indicator flag pairs, keycaps "1️⃣", tag sequences) as its UTF-8
//     bytes with variation selectors U+FE0E/U+FE0F removed. Repeated emoji are separate tokens.
//  8. kPunct: other punctuation/symbols, one token per run of the same character, text =
//     the character repeated min(run, 3) times ("..." for "....."), Token::run = full run
//     length. Runs mixing '!' and '?' give one token per same-char sub-run; every '!'/'?'
//     token of a run of length >= 2 gets kEmphasis ("!!!", "?!").
//  9. Negation: negators are VADER's list (not, no, never, cannot, nothing, none, nor,
//     without, ... and every word ending in "n't" or in VADER's apostrophe-less forms
//     "dont", "cant", ...). The next `negation_window` non-punctuation tokens get kNegated;
//     the scope ends early at . , ; : ! ? ... and at the word "but". A negator inside a scope
//     starts a new scope (and is itself marked kNegated).
// 10. TokenizedText::any_caps_differential: at least one, but not all, of the non-punctuation
//     tokens are kAllCaps (VADER's "cap differential").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "text/hashing.h"

namespace sentio::text {

enum class TokenType : std::uint8_t {
  kWord,       // letters/digits mix, lowercased + NFKC ("soooo" -> "soo", flag kElongated)
  kNumber,     // "42", "3.5", "1,000"
  kUrl,        // http(s)://..., www.... -> text "<url>"
  kMention,    // @user -> text "<user>"
  kHashtag,    // #Tag -> text "#tag"
  kEmoji,      // one emoji (incl. ZWJ sequences, skin tones, flags) as its UTF-8 bytes
  kEmoticon,   // ":)", ":-(", "<3", ":D", "xD", ...
  kPunct,      // "!", "?", "!!!" (runs collapsed, flag kEmphasis when repeated), ",", "."
};

enum TokenFlags : std::uint16_t {
  kNone = 0,
  kNegated = 1 << 0,     // inside a negation scope ("not good" -> "good" is negated)
  kAllCaps = 1 << 1,     // the original word was ALL CAPS (length >= 2)
  kElongated = 1 << 2,   // had a letter repeated 3+ times
  kEmphasis = 1 << 3,    // repeated "!" / "?" run
  kNegator = 1 << 4,     // the token is itself a negator ("not", "never", "don't")
};

// Every field is set by the tokenizer. The default constructor deliberately leaves them
// unset: the token buffer is resized per text, and a no-op constructor makes that free.
struct Token {
  Token() {}  // NOLINT: intentionally no member initialisation
  TokenType type;
  std::uint16_t flags;
  std::uint32_t offset;  // into TokenizedText::norm
  std::uint32_t length;
  std::uint32_t source_offset;  // byte offset in the original input (for explanations)
  // Byte length of the token in the original input (source_offset + source_length).
  std::uint32_t source_length;
  // For kPunct, how many times the character was repeated in the input ("!!!!" -> 4);
  // 1 for every other token.
  std::uint32_t run;
  // The token hash of the token text (TokenizedText::text): text::HashToken of
  // TokenizerOptions::token_hash, computed once here so the lexicon and every model's feature
  // hashing share it instead of rehashing the bytes.
  std::uint64_t hash;
};

// Zero bytes that end TokenizedText::norm (when there are tokens): 16-byte loads at any
// token's start stay within it.
inline constexpr std::size_t kNormPadding = 16;

// Output buffers, reused across calls (clear() keeps capacity).
struct TokenizedText {
  std::string norm;              // normalised token texts, concatenated; then kNormPadding zeros
  std::vector<Token> tokens;
  bool any_caps_differential = false;  // some ALL-CAPS words next to non-caps words (VADER's rule)
  TokenHash hash = TokenHash::kFnv1a;  // the kind of Token::hash (the tokenizer's option)

  std::string_view text(const Token& t) const { return {norm.data() + t.offset, t.length}; }
  void clear() {
    norm.clear();
    tokens.clear();
    any_caps_differential = false;
  }
};

struct TokenizerOptions {
  bool lowercase = true;
  bool nfkc = true;               // NFKC-fold fancy letters/width variants
  bool decode_entities = true;    // &amp; &lt; &#39; ...
  bool decode_u_escapes = true;   // literal \u2019 in text
  bool mark_negation = true;
  std::uint32_t negation_window = 3;  // tokens after a negator (ended early by punctuation)
  std::uint32_t max_input_bytes = 1u << 20;  // longer input is truncated (at a char boundary)
  TokenHash token_hash = TokenHash::kFnv1a;  // what Token::hash holds (a model's hash version)
};

class Tokenizer {
 public:
  explicit Tokenizer(TokenizerOptions opts = {});
  // Never fails: invalid UTF-8 becomes U+FFFD, empty input gives no tokens.
  void Tokenize(std::string_view input, TokenizedText& out) const;
  const TokenizerOptions& options() const { return opts_; }

 private:
  TokenizerOptions opts_;
};

// True if `word` (a normalised, lowercased token text) is a negator in the sense of rule 9.
bool IsNegatorWord(std::string_view word) noexcept;

namespace detail {  // exposed for tests only
// The scanner's character class of an ASCII byte, from its table, and of 16 ASCII bytes at
// once, as the decoder's vector path computes it (SSE4.1 where built for it).
std::uint8_t AsciiClassScalar(unsigned char c) noexcept;
void AsciiClasses16(const unsigned char* in, std::uint8_t* out) noexcept;
}  // namespace detail

}  // namespace sentio::text
