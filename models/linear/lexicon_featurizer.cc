// VADER-backed LexiconFeaturizer for the linear model's lexicon features.
#include "models/lexicon/vader.h"
#include "models/linear/linear_model.h"

namespace sentio::models::linear {
namespace {

class VaderFeaturizer final : public LexiconFeaturizer {
 public:
  explicit VaderFeaturizer(std::shared_ptr<const VaderLexicon> lex) : lex_(std::move(lex)) {}
  LexiconScores Score(const text::TokenizedText& tok) const override { return Convert(lex_->Score(tok)); }
  std::uint16_t WordCode(std::string_view word, std::uint64_t hash) const override {
    return lex_->WordCode(word, hash);
  }
  LexiconScores ScoreCoded(const text::TokenizedText& tok, const std::uint16_t* codes) const override {
    return Convert(lex_->ScoreCoded(tok, codes));
  }

 private:
  static LexiconScores Convert(const VaderScores& s) {
    return {static_cast<float>(s.compound), static_cast<float>(s.pos), static_cast<float>(s.neu),
            static_cast<float>(s.neg)};
  }
  std::shared_ptr<const VaderLexicon> lex_;
};

}  // namespace

std::shared_ptr<const LexiconFeaturizer> MakeVaderFeaturizer(text::TokenHash hash) {
  auto lex = VaderLexicon::LoadBuiltin(hash);
  if (!lex.ok()) return nullptr;
  return std::make_shared<VaderFeaturizer>(std::move(lex).value());
}

}  // namespace sentio::models::linear
