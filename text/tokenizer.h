// Social-text tokenizer: UTF-8 safe, typed tokens, negation scope and emphasis flags.
// Designed for the hot loop: Tokenize() reuses the caller's TokenizedText buffers,
// so steady-state tokenisation allocates nothing per token.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

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
  kNegator = 1 << 4,     // the token is itself a negator ("not", "never", "n't")
};

struct Token {
  TokenType type;
  std::uint16_t flags;
  std::uint32_t offset;  // into TokenizedText::norm
  std::uint32_t length;
  std::uint32_t source_offset;  // byte offset in the original input (for explanations)
};

// Output buffers, reused across calls (clear() keeps capacity).
struct TokenizedText {
  std::string norm;              // normalised token texts, concatenated
  std::vector<Token> tokens;
  bool any_caps_differential = false;  // some ALL-CAPS words next to non-caps words (VADER's rule)

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

}  // namespace sentio::text
