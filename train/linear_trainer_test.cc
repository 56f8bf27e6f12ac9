#include "train/linear_trainer.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "train/evaluate.h"

namespace sentio::train {
namespace {

const std::string kData = std::string(SENTIO_SOURCE_DIR) + "/train/testdata/";

std::string Slurp(const std::string& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

std::string TempDir(const std::string& name) {
  auto p = std::filesystem::temp_directory_path() / ("sentio_trainer_test_" + name + "_" + std::to_string(::getpid()));
  std::filesystem::remove_all(p);
  return p.string();
}

TrainOptions SmallOptions() {
  TrainOptions o;
  o.features.buckets = 1 << 16;  // few collisions among the toy set's ~540 features
  o.epochs = 15;
  o.lr = 0.5f;
  o.patience = 15;
  o.progress = false;
  return o;
}

TEST(LinearTrainer, SeparableToyTaskReachesFullAccuracy) {
  auto tr = ReadDataset(kData + "toy_train.tsv", {});
  ASSERT_TRUE(tr.ok()) << tr.status().to_string();
  ReadOptions ro;
  ro.labels = tr->label_names;
  auto va = ReadDataset(kData + "toy_valid.tsv", ro);
  ASSERT_TRUE(va.ok());
  TrainReport rep;
  auto m = TrainLinear(*tr, &*va, SmallOptions(), &rep);
  ASSERT_TRUE(m.ok()) << m.status().to_string();
  auto meter = EvaluateClassifier(**m, *va);
  ASSERT_TRUE(meter.ok());
  EXPECT_GE(meter->accuracy(), 0.98) << meter->ToTable();
  EXPECT_GE(meter->macro_recall(), 0.98);
  EXPECT_NE(rep.metrics_json.find("macro_recall"), std::string::npos);
  const auto p = (*m)->Predict("I love this, wonderful");
  EXPECT_EQ(p.label, "positive");
  EXPECT_GT(p.score, 0.5f);
  const auto n = (*m)->Predict("terrible and awful", {.explain = true, .explain_top_k = 2});
  EXPECT_EQ(n.label, "negative");
  ASSERT_FALSE(n.explanation.empty());
  EXPECT_TRUE(n.explanation[0].first == "terrible" || n.explanation[0].first == "awful") << n.explanation[0].first;
  EXPECT_GT(n.explanation[0].second, 0.f);
}

TEST(LinearTrainer, MultiLabelToyTask) {
  ReadOptions ro;
  ro.multi_label = true;
  auto tr = ReadDataset(kData + "toy_multi_train.tsv", ro);
  ASSERT_TRUE(tr.ok()) << tr.status().to_string();
  ro.labels = tr->label_names;
  auto va = ReadDataset(kData + "toy_multi_valid.tsv", ro);
  ASSERT_TRUE(va.ok());
  auto m = TrainLinear(*tr, &*va, SmallOptions());
  ASSERT_TRUE(m.ok()) << m.status().to_string();
  EXPECT_TRUE((*m)->info().multi_label);
  auto meter = EvaluateClassifier(**m, *va);
  ASSERT_TRUE(meter.ok());
  EXPECT_GE(meter->macro_f1(), 0.95) << meter->ToTable();
  const auto p = (*m)->Predict("pizza at the concert");
  std::vector<std::string> on = p.labels_over_threshold;
  std::sort(on.begin(), on.end());
  EXPECT_EQ(on, (std::vector<std::string>{"food", "music"}));
}

TEST(LinearTrainer, SameSeedOneThreadGivesIdenticalWeightBytes) {
  auto tr = ReadDataset(kData + "toy_train.tsv", {});
  ASSERT_TRUE(tr.ok());
  auto o = SmallOptions();
  o.epochs = 3;
  o.seed = 42;
  const std::string a = TempDir("det_a"), b = TempDir("det_b"), c = TempDir("det_c");
  auto m1 = TrainLinear(*tr, nullptr, o);
  auto m2 = TrainLinear(*tr, nullptr, o);
  o.seed = 43;
  auto m3 = TrainLinear(*tr, nullptr, o);
  ASSERT_TRUE(m1.ok() && m2.ok() && m3.ok());
  ASSERT_TRUE((*m1)->Save(a).ok());
  ASSERT_TRUE((*m2)->Save(b).ok());
  ASSERT_TRUE((*m3)->Save(c).ok());
  const std::string wa = Slurp(a + "/weights.bin");
  EXPECT_GT(wa.size(), 1000u);
  EXPECT_EQ(wa, Slurp(b + "/weights.bin"));
  EXPECT_NE(wa, Slurp(c + "/weights.bin"));  // a different seed shuffles (and holds out) differently
  for (const auto& d : {a, b, c}) std::filesystem::remove_all(d);
}

TEST(LinearTrainer, RejectsBadOptions) {
  auto tr = ReadDataset(kData + "toy_train.tsv", {});
  ASSERT_TRUE(tr.ok());
  auto o = SmallOptions();
  o.features.minn = 5;
  o.features.maxn = 3;
  EXPECT_FALSE(TrainLinear(*tr, nullptr, o).ok());
  auto one = ParseDataset("a\tx\na\ty\n", "one.tsv", {});
  ASSERT_TRUE(one.ok());
  EXPECT_FALSE(TrainLinear(*one, nullptr, SmallOptions()).ok());
  EXPECT_FALSE(ParseClassWeight("weird").ok());
}

}  // namespace
}  // namespace sentio::train

namespace sentio::train {
namespace {

// Hogwild (threads > 1) is not bit-reproducible, but must still learn the toy task.
TEST(LinearTrainer, HogwildTwoThreadsLearnsToyTask) {
  auto tr = ReadDataset(kData + "toy_train.tsv", {});
  ASSERT_TRUE(tr.ok());
  ReadOptions ro;
  ro.labels = tr->label_names;
  auto va = ReadDataset(kData + "toy_valid.tsv", ro);
  ASSERT_TRUE(va.ok());
  auto o = SmallOptions();
  o.threads = 2;
  auto m = TrainLinear(*tr, &*va, o);
  ASSERT_TRUE(m.ok()) << m.status().to_string();
  auto meter = EvaluateClassifier(**m, *va);
  ASSERT_TRUE(meter.ok());
  EXPECT_GE(meter->accuracy(), 0.95) << meter->ToTable();
}

}  // namespace
}  // namespace sentio::train
