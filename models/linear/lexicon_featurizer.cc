// VADER-backed LexiconFeaturizer for the linear model's lexicon features.
#include "models/lexicon/vader.h"
#include "models/linear/linear_model.h"

namespace sentio::models::linear {
namespace {

class VaderFeaturizer final : public LexiconFeaturizer {
 public:
  explicit VaderFeaturizer(std::shared_ptr<const VaderLexicon> lex) : lex_(std::move(lex)) {}
  LexiconScores Score(const text::TokenizedText& tok) const override {
    const VaderScores s = lex_->Score(tok);
    return {static_cast<float>(s.compound), static_cast<float>(s.pos), static_cast<float>(s.neu),
            static_cast<float>(s.neg)};
  }

 private:
  std::shared_ptr<const VaderLexicon> lex_;
};

}  // namespace

std::shared_ptr<const LexiconFeaturizer> MakeVaderFeaturizer() {
  auto lex = VaderLexicon::LoadBuiltin();
  if (!lex.ok()) return nullptr;
  return std::make_shared<VaderFeaturizer>(std::move(lex).value());
}

}  // namespace sentio::models::linear
