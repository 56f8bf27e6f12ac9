// VADER (Hutto & Gilbert 2014) sentiment scoring over Sentio's tokenizer, plus the
// `lexicon` Classifier built on it.
//
// Semantics follow the reference JavaScript port (npm vader-sentiment 1.1.3): valence
// lexicon, booster/dampener words (scaled 1 / 0.95 / 0.9 by distance), negation of the
// 3 preceding words (x -0.74), "never so/this" (x1.5 / x1.25), "least", the "but" rule
// (x0.5 before, x1.5 after), ALL-CAPS differential (+-0.733), "kind of"/"sort of",
// special-case idioms, "!" (+0.292 each, up to 4) and "?" (2-3: +0.18 each, more: +0.96)
// amplification, and compound = s / sqrt(s^2 + 15). Differences from the JS port (all
// deliberate, see models/lexicon/README.md): tokens come from text::Tokenizer (punctuation
// split off properly, case-insensitive negators, elongated words looked up de-elongated)
// and emoji score through the Emoji Sentiment Ranking table (npm `sentiment`).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"
#include "models/classifier.h"
#include "text/tokenizer.h"

namespace sentio::models {

struct VaderScores {
  double compound = 0, pos = 0, neu = 0, neg = 0;
};

class VaderLexicon {  // immutable after construction; thread-safe
 public:
  // The lexicon embedded at build time from npm vader-sentiment + the emoji table, looked up
  // by tokens whose Token::hash is of kind `hash` (Score's tokens must come from a tokenizer
  // with that TokenizerOptions::token_hash; ScoreText's tokenizer has it).
  static Result<std::shared_ptr<const VaderLexicon>> LoadBuiltin(text::TokenHash hash = text::TokenHash::kFnv1a);
  // VADER over already-tokenized text (its tokens hashed as token_hash() says; asserted).
  VaderScores Score(const text::TokenizedText& tokens) const;
  // Tokenizes internally (per-thread scratch buffers).
  VaderScores ScoreText(std::string_view text) const;
  // Valence of one normalised token (0 if unknown), for features/explanations.
  float Valence(std::string_view token) const;

  // Added: per-token contributions of the last scoring step, for explanations.
  // Fills `out` with (token text, final valence after modifiers) for tokens with a
  // non-zero valence, in text order. Same semantics as Score().
  VaderScores ScoreExplained(const text::TokenizedText& tokens,
                             std::vector<std::pair<std::string, float>>* out) const;

  // Added: for callers that keep data per word (the linear models' word memo). WordCode packs
  // what the rules need to know about one word token's text (its lexicon valence, booster
  // value, rule-word code, idiom head) into 16 bits (0 if they do not fit: then the word is
  // looked up as usual); `hash` must be the token hash of `word` (Token::hash). ScoreCoded is
  // Score with codes[i], where non-zero, standing for the lookup of word token i's text: the
  // same scores, without the table probes.
  std::uint16_t WordCode(std::string_view word, std::uint64_t hash) const;
  VaderScores ScoreCoded(const text::TokenizedText& tokens, const std::uint16_t* codes) const;

  // Added: number of lexicon / emoji entries (for diagnostics and tests).
  std::size_t lexicon_size() const;
  std::size_t emoji_size() const;
  // The kind of Token::hash the lexicon's tables are keyed by.
  text::TokenHash token_hash() const;

  ~VaderLexicon();
  VaderLexicon(const VaderLexicon&) = delete;
  VaderLexicon& operator=(const VaderLexicon&) = delete;

  struct Impl;

 private:
  explicit VaderLexicon(std::unique_ptr<Impl> impl);
  VaderScores ScoreImpl(const text::TokenizedText& tokens, std::vector<std::pair<std::string, float>>* explain,
                        const std::uint16_t* codes) const;
  std::unique_ptr<Impl> impl_;
};

// The "lexicon" classifier: labels negative/neutral/positive with VADER's +-0.05 compound
// thresholds; scores are calibrated probabilities (see lexicon_classifier.cc);
// model_version "lexicon@1"; explanation = top contributing tokens with their valence.
std::unique_ptr<Classifier> MakeLexiconClassifier(std::shared_ptr<const VaderLexicon> lex);

}  // namespace sentio::models
