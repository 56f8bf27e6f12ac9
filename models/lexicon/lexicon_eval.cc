// lexicon_eval: a small test-only tool (there is no `sentio eval` for the lexicon yet).
//
//   lexicon_eval FILE.tsv          macro-recall / accuracy / macro-F1 of the `lexicon`
//                                  classifier on label<TAB>text lines (negative|neutral|positive)
//   lexicon_eval --fit FILE.tsv    fits the calibration map of lexicon_classifier.cc
//                                  (softmax over a + b*c + q*c^2 of the VADER compound c,
//                                  negative class pinned to 0) and prints the coefficients
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "models/lexicon/vader.h"

namespace {

int LabelIndex(std::string_view l) {
  if (l == "negative") return 0;
  if (l == "neutral") return 1;
  if (l == "positive") return 2;
  return -1;
}

struct Row {
  int label;
  std::string text;
};

std::vector<Row> Read(const char* path) {
  std::ifstream in(path);
  std::vector<Row> rows;
  std::string line;
  while (std::getline(in, line)) {
    const auto tab = line.find('\t');
    if (tab == std::string::npos) continue;
    const int l = LabelIndex(std::string_view(line).substr(0, tab));
    if (l < 0) continue;
    rows.push_back({l, line.substr(tab + 1)});
  }
  return rows;
}

int Fit(const std::vector<Row>& rows, const sentio::models::VaderLexicon& lex) {
  std::vector<double> c(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) c[i] = lex.ScoreText(rows[i].text).compound;
  // w[k] = {a, b, q}; class 0 pinned to zero.
  double w[3][3] = {};
  const double lr = 0.5, l2 = 1e-4;
  auto loss_and_grad = [&](double g[3][3]) {
    double loss = 0;
    for (int k = 0; k < 3; ++k)
      for (int j = 0; j < 3; ++j) g[k][j] = 0;
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const double f[3] = {1.0, c[i], c[i] * c[i]};
      double z[3], zmax = -1e300;
      for (int k = 0; k < 3; ++k) {
        z[k] = w[k][0] * f[0] + w[k][1] * f[1] + w[k][2] * f[2];
        zmax = std::max(zmax, z[k]);
      }
      double sum = 0;
      for (double& v : z) sum += (v = std::exp(v - zmax));
      for (int k = 0; k < 3; ++k) {
        const double p = z[k] / sum;
        const double d = p - (rows[i].label == k ? 1.0 : 0.0);
        for (int j = 0; j < 3; ++j) g[k][j] += d * f[j] / static_cast<double>(rows.size());
      }
      loss -= std::log(z[rows[i].label] / sum);
    }
    for (int k = 1; k < 3; ++k)
      for (int j = 0; j < 3; ++j) g[k][j] += l2 * w[k][j];
    return loss / static_cast<double>(rows.size());
  };
  double g[3][3];
  double first = 0, loss = 0;
  for (int it = 0; it < 3000; ++it) {
    loss = loss_and_grad(g);
    if (it == 0) first = loss;
    for (int k = 1; k < 3; ++k)
      for (int j = 0; j < 3; ++j) w[k][j] -= lr * g[k][j] * 4;
  }
  std::printf("log-loss: uniform-init %.4f -> fitted %.4f on %zu rows\n", first, loss, rows.size());
  std::printf("constexpr double kCalib[3][3] = {\n");
  for (int k = 0; k < 3; ++k) std::printf("    {%.4f, %.4f, %.4f},\n", w[k][0], w[k][1], w[k][2]);
  std::printf("};\n");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const bool fit = argc == 3 && std::string_view(argv[1]) == "--fit";
  if (argc != 2 && !fit) {
    std::fprintf(stderr, "usage: lexicon_eval [--fit] FILE.tsv   (label<TAB>text)\n");
    return 2;
  }
  const auto rows = Read(argv[argc - 1]);
  if (rows.empty()) {
    std::fprintf(stderr, "lexicon_eval: no labelled rows in %s\n", argv[argc - 1]);
    return 1;
  }
  auto lex = sentio::models::VaderLexicon::LoadBuiltin();
  if (!lex.ok()) {
    std::fprintf(stderr, "lexicon_eval: %s\n", lex.status().to_string().c_str());
    return 1;
  }
  if (fit) return Fit(rows, **lex);

  auto clf = sentio::models::MakeLexiconClassifier(*lex);
  std::array<std::array<int, 3>, 3> conf{};  // [gold][pred]
  double nll = 0;
  const auto t0 = std::chrono::steady_clock::now();
  for (const Row& r : rows) {
    const sentio::Prediction p = clf->Predict(r.text);
    conf[static_cast<std::size_t>(r.label)][static_cast<std::size_t>(LabelIndex(p.label))]++;
    nll -= std::log(std::max(1e-9f, p.scores[static_cast<std::size_t>(r.label)].second));
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const char* names[3] = {"negative", "neutral", "positive"};
  double macro_r = 0, macro_f1 = 0;
  int correct = 0;
  std::printf("%-9s %9s %9s %9s %8s\n", "class", "precision", "recall", "f1", "support");
  for (int k = 0; k < 3; ++k) {
    int tp = conf[k][k], gold = 0, pred = 0;
    for (int j = 0; j < 3; ++j) {
      gold += conf[k][j];
      pred += conf[j][k];
    }
    correct += tp;
    const double prec = pred ? static_cast<double>(tp) / pred : 0, rec = gold ? static_cast<double>(tp) / gold : 0;
    const double f1 = prec + rec > 0 ? 2 * prec * rec / (prec + rec) : 0;
    macro_r += rec / 3;
    macro_f1 += f1 / 3;
    std::printf("%-9s %9.4f %9.4f %9.4f %8d\n", names[k], prec, rec, f1, gold);
  }
  std::printf("rows %zu  accuracy %.4f  macro-recall %.4f  macro-F1 %.4f  log-loss %.4f  (%.0f texts/s)\n",
              rows.size(), static_cast<double>(correct) / static_cast<double>(rows.size()), macro_r, macro_f1,
              nll / static_cast<double>(rows.size()), static_cast<double>(rows.size()) / secs);
  std::printf("confusion [gold][pred]: neg %d %d %d | neu %d %d %d | pos %d %d %d\n", conf[0][0], conf[0][1],
              conf[0][2], conf[1][0], conf[1][1], conf[1][2], conf[2][0], conf[2][1], conf[2][2]);
  return 0;
}
