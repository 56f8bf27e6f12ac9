#include "app/analyze_cmd.h"

#include <algorithm>
#include <bit>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

#include "core/json_writer.h"
#include "core/short_strings.h"
#include "models/classifier.h"
#include "sources/file_reader.h"

namespace sentio::app {
namespace {

struct AnalyzeOptions {
  std::string model = "sentiment";
  std::string emotion_model = "emotion";
  std::string format = "auto";
  std::string field;
  std::string id_field;
  bool explain = false;
  bool skip_bad = false;
  int threads = 0;
  int chunk = 512;
  std::vector<std::string> files;
};

// A chunk of consecutive records: classified and serialised by one worker.
// Chunks are recycled, so `out` keeps its size between uses: only the first out_len bytes
// are this chunk's output (growing it zero-fills; rewriting it does not).
struct Chunk {
  std::vector<sources::Record> records;
  std::string out;
  std::size_t out_len = 0;
  bool done = false;
};

// Per-thread scratch reused across chunks.
struct Scratch {
  std::vector<std::string_view> views;
  std::vector<Prediction> sent, emo;
  std::vector<models::ScoredText> sent_scored, emo_scored;  // the compact path
  std::vector<float> sent_probs, emo_probs;
};

// Output of one record is written through a pointer into space sized once from these
// bounds (JSON escaping at most 6x per byte, numbers at most kJsonNumberMax).
std::size_t PredictionBound(const Prediction& p, bool explain) {
  std::size_t n = 64 + JsonStringBound(p.label) + kJsonNumberMax;
  for (const auto& [k, v] : p.scores) n += JsonStringBound(k) + kJsonNumberMax + 2;
  for (const auto& l : p.labels_over_threshold) n += JsonStringBound(l) + 1;
  if (explain) {
    for (const auto& [t, w] : p.explanation) n += JsonStringBound(t) + kJsonNumberMax + 24;
  }
  return n;
}

inline char* Put(char* p, std::string_view lit) {
  std::memcpy(p, lit.data(), lit.size());
  return p + lit.size();
}

// One model's label strings as ready-made JSON, so the hot loop copies bytes instead of
// escaping the same few labels for every record. Each fragment sits in a fixed-size slot
// and is copied whole (two 16-byte moves); the record bounds leave kSlot bytes of slack.
// A prediction whose labels are not exactly the model's (which the Classifier contract
// rules out, but nothing here relies on it) is written by the general path.
class LabelJson {
 public:
  static constexpr std::size_t kSlot = 48;

  explicit LabelJson(const std::vector<std::string>& labels) {
    for (std::size_t k = 0; k < labels.size(); ++k) {
      Fragment head, key, quoted;
      head.len = Render(head.bytes, "\"label\":", labels[k], ",\"score\":");
      key.len = Render(key.bytes, k == 0 ? "" : ",", labels[k], ":");
      quoted.len = Render(quoted.bytes, "", labels[k], "");
      ok_ = ok_ && head.len != 0 && key.len != 0 && quoted.len != 0;
      names_.push_back(labels[k]);
      heads_.push_back(head);
      keys_.push_back(key);
      quoted_.push_back(quoted);
    }
  }

  static constexpr std::size_t kMaxLabels = 64;

  // Writes `pr` as WritePrediction's general path would, from the fragments; nullptr when
  // `pr` does not carry exactly the model's labels.
  char* Write(char* p, const Prediction& pr) const {
    const std::size_t n = names_.size();
    if (!ok_ || n > kMaxLabels || pr.scores.size() != n || pr.labels_over_threshold.size() > kMaxLabels) {
      return nullptr;  // (the general path writes models with more labels)
    }
    std::size_t top = n;
    float probs[kMaxLabels];
    for (std::size_t k = 0; k < n; ++k) {
      if (!EqualShort(pr.scores[k].first, names_[k])) return nullptr;
      if (top == n && EqualShort(pr.label, names_[k])) top = k;
      probs[k] = pr.scores[k].second;
    }
    if (top == n) return nullptr;
    std::uint32_t over[kMaxLabels];
    for (std::size_t j = 0; j < pr.labels_over_threshold.size(); ++j) {
      std::size_t k = 0;
      while (k < n && !EqualShort(pr.labels_over_threshold[j], names_[k])) ++k;
      if (k == n) return nullptr;
      over[j] = static_cast<std::uint32_t>(k);
    }
    return WriteIndexed(p, top, pr.score, probs, over, pr.labels_over_threshold.size());
  }

  // The same from a model's compact result (ScoreBatch) and its probabilities.
  char* Write(char* p, const models::ScoredText& r, const float* probs) const {
    const std::size_t n = names_.size();
    if (!ok_ || n > kMaxLabels || r.label >= n) return nullptr;
    std::uint32_t over[kMaxLabels];
    std::size_t n_over = 0;
    for (std::uint64_t bits = r.over_threshold; bits != 0 && n_over < kMaxLabels; bits &= bits - 1) {
      const auto k = static_cast<std::uint32_t>(std::countr_zero(bits));
      if (k >= n) return nullptr;
      over[n_over++] = k;
    }
    return WriteIndexed(p, r.label, r.score, probs, over, n_over);
  }

  // Whether every label fitted its fragment slots (else Write always returns nullptr).
  bool ok() const { return ok_; }
  // Space Write needs at most (kSlot of slack included).
  std::size_t Bound() const { return 64 + (3 * names_.size() + 2) * (kSlot + kJsonNumberMax); }

 private:
  // "label":..,"score":..,"scores":{..} and, when n_over > 0, ,"labels":[..]: label `top`,
  // probabilities probs[0..n), the labels over threshold as indices, in order.
  char* WriteIndexed(char* p, std::size_t top, float score_value, const float* probs, const std::uint32_t* over,
                     std::size_t n_over) const {
    const std::size_t n = names_.size();
    p = Copy(p, heads_[top]);
    p = WriteJsonProbability(p, score_value);
    p = Put(p, ",\"scores\":{");
    for (std::size_t k = 0; k < n; ++k) {
      p = Copy(p, keys_[k]);
      p = WriteJsonProbability(p, probs[k]);
    }
    *p++ = '}';
    if (n_over > 0) {
      p = Put(p, ",\"labels\":[");
      for (std::size_t j = 0; j < n_over; ++j) {
        if (j) *p++ = ',';
        p = Copy(p, quoted_[over[j]]);
      }
      *p++ = ']';
    }
    return p;
  }

  struct Fragment {
    char bytes[kSlot];
    std::size_t len = 0;
  };
  // pre + JSON string of `label` + post into `out`; 0 if it does not fit a slot.
  static std::size_t Render(char* out, std::string_view pre, std::string_view label, std::string_view post) {
    std::string r(pre);
    AppendJsonString(r, label);
    r += post;
    if (r.size() > kSlot) return 0;
    std::memset(out, 0, kSlot);
    std::memcpy(out, r.data(), r.size());
    return r.size();
  }
  static char* Copy(char* p, const Fragment& f) {
    std::memcpy(p, f.bytes, kSlot);
    return p + f.len;
  }

  bool ok_ = true;
  std::vector<std::string> names_;
  std::vector<Fragment> heads_, keys_, quoted_;
};

struct Models {
  std::unique_ptr<models::Classifier> sentiment;
  std::unique_ptr<models::Classifier> emotion;
  std::unique_ptr<LabelJson> sentiment_json, emotion_json;  // set with the models
  bool compact = false;  // both models have ScoreBatch (used unless --explain)
  // Both models in one pass (the compact path only), where they can share work. Made on the
  // first batch of at least kPairMinBatch texts (building it costs a few ms, which one-line
  // inputs do not pay); declared after the models, so destroyed first.
  mutable std::once_flag pair_once;
  mutable std::unique_ptr<models::ClassifierPair> pair;
  static constexpr std::size_t kPairMinBatch = 256;

  // The pair for a batch of n texts, or nullptr (then each model scores on its own).
  const models::ClassifierPair* PairFor(std::size_t n) const {
    if (!emotion || n < kPairMinBatch) return nullptr;
    std::call_once(pair_once, [this] { pair = sentiment->PairWith(*emotion); });
    return pair.get();
  }
  std::string version;       // the sentiment model's model_version
  std::string version_json;  // ,"model_version":"<version>"}\n
};

char* WritePrediction(char* p, const Prediction& pr, bool explain, const LabelJson& labels) {
  char* fast = explain ? nullptr : labels.Write(p, pr);
  if (fast) return fast;
  p = Put(p, "\"label\":");
  p = WriteJsonString(p, pr.label);
  p = Put(p, ",\"score\":");
  p = WriteJsonNumber(p, pr.score);
  p = Put(p, ",\"scores\":{");
  for (std::size_t k = 0; k < pr.scores.size(); ++k) {
    if (k) *p++ = ',';
    p = WriteJsonString(p, pr.scores[k].first);
    *p++ = ':';
    p = WriteJsonNumber(p, pr.scores[k].second);
  }
  *p++ = '}';
  if (!pr.labels_over_threshold.empty()) {
    p = Put(p, ",\"labels\":[");
    for (std::size_t k = 0; k < pr.labels_over_threshold.size(); ++k) {
      if (k) *p++ = ',';
      p = WriteJsonString(p, pr.labels_over_threshold[k]);
    }
    *p++ = ']';
  }
  if (explain) {
    p = Put(p, ",\"explanation\":[");
    for (std::size_t k = 0; k < pr.explanation.size(); ++k) {
      if (k) *p++ = ',';
      p = Put(p, "{\"token\":");
      p = WriteJsonString(p, pr.explanation[k].first);
      p = Put(p, ",\"weight\":");
      p = WriteJsonNumber(p, pr.explanation[k].second);
      *p++ = '}';
    }
    *p++ = ']';
  }
  return p;
}

// Makes room for `bound` more bytes of output in c.out; returns where they start.
char* OutputSpace(Chunk& c, std::size_t bound) {
  if (c.out.size() < c.out_len + bound) c.out.resize(std::max(2 * c.out.size(), c.out_len + bound));
  return c.out.data() + c.out_len;
}

// {"id":..,  (when the record has one)
char* WriteIdField(char* p, const sources::Record& r) {
  *p++ = '{';
  if (r.has_id) {
    p = Put(p, "\"id\":");
    p = WriteJsonString(p, r.id);
    *p++ = ',';
  }
  return p;
}

// Without --explain, from the models' compact results: no label strings are built per text.
// Same bytes as ProcessPredictions.
bool ProcessCompact(const Models& m, Chunk& c, Scratch& s) {
  const std::size_t n = c.records.size();
  const std::size_t ls = m.sentiment->info().labels.size();
  s.sent_scored.resize(n);
  s.sent_probs.resize(n * ls);
  std::size_t le = 0;
  if (m.emotion) {
    le = m.emotion->info().labels.size();
    s.emo_scored.resize(n);
    s.emo_probs.resize(n * le);
  }
  if (const models::ClassifierPair* pair = m.PairFor(n)) {
    if (!pair->ScoreBatch(s.views, s.sent_scored, s.sent_probs, s.emo_scored, s.emo_probs)) return false;
  } else {
    if (!m.sentiment->ScoreBatch(s.views, s.sent_scored, s.sent_probs)) return false;
    if (m.emotion && !m.emotion->ScoreBatch(s.views, s.emo_scored, s.emo_probs)) return false;
  }
  const std::size_t fixed = 64 + m.sentiment_json->Bound() + (m.emotion ? m.emotion_json->Bound() + 16 : 0) +
                            m.version_json.size();
  c.out_len = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const sources::Record& r = c.records[i];
    char* p = OutputSpace(c, fixed + (r.has_id ? JsonStringBound(r.id) + 8 : 0));
    char* const begin = p;
    p = WriteIdField(p, r);
    p = m.sentiment_json->Write(p, s.sent_scored[i], &s.sent_probs[i * ls]);
    if (p == nullptr) return false;
    if (m.emotion) {
      p = Put(p, ",\"emotion\":{");
      p = m.emotion_json->Write(p, s.emo_scored[i], &s.emo_probs[i * le]);
      if (p == nullptr) return false;
      *p++ = '}';
    }
    p = Put(p, m.version_json);
    c.out_len += static_cast<std::size_t>(p - begin);
  }
  return true;
}

void ProcessPredictions(const Models& m, const AnalyzeOptions& o, Chunk& c, Scratch& s) {
  const std::size_t n = c.records.size();
  s.sent.resize(n);
  models::PredictOptions po;
  po.explain = o.explain;
  m.sentiment->PredictBatch(s.views, s.sent, po);
  if (m.emotion) {
    s.emo.resize(n);
    models::PredictOptions eo;
    m.emotion->PredictBatch(s.views, s.emo, eo);
  }
  c.out_len = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const sources::Record& r = c.records[i];
    std::size_t bound = 64 + LabelJson::kSlot + PredictionBound(s.sent[i], o.explain) + JsonStringBound(s.sent[i].model_version);
    if (r.has_id) bound += JsonStringBound(r.id) + 8;
    if (m.emotion) bound += PredictionBound(s.emo[i], false) + 16;
    char* p = OutputSpace(c, bound);
    char* const begin = p;
    p = WriteIdField(p, r);
    p = WritePrediction(p, s.sent[i], o.explain, *m.sentiment_json);
    if (m.emotion) {
      p = Put(p, ",\"emotion\":{");
      p = WritePrediction(p, s.emo[i], false, *m.emotion_json);
      *p++ = '}';
    }
    if (EqualShort(s.sent[i].model_version, m.version)) {
      p = Put(p, m.version_json);
    } else {
      p = Put(p, ",\"model_version\":");
      p = WriteJsonString(p, s.sent[i].model_version);
      p = Put(p, "}\n");
    }
    c.out_len += static_cast<std::size_t>(p - begin);
  }
}

void Process(const Models& m, const AnalyzeOptions& o, Chunk& c, Scratch& s) {
  const std::size_t n = c.records.size();
  s.views.resize(n);
  for (std::size_t i = 0; i < n; ++i) s.views[i] = c.records[i].text;
  if (m.compact && !o.explain && ProcessCompact(m, c, s)) return;
  ProcessPredictions(m, o, c, s);
}

// Reads the next chunk of records across all inputs. Returns false at end of input.
// On a malformed row: with --skip-bad, warn and continue; else set `error` and stop.
class InputStream {
 public:
  InputStream(const AnalyzeOptions& o) : o_(o), files_(o.files.empty() ? std::vector<std::string>{"-"} : o.files) {}

  // Records are reused from the chunk's previous use, so their strings keep their capacity.
  bool Fill(Chunk& c, std::string& error) {
    std::size_t used = 0;
    const auto want = static_cast<std::size_t>(o_.chunk);
    while (used < want) {
      if (!reader_) {
        if (next_file_ >= files_.size()) break;
        const std::string& path = files_[next_file_++];
        auto fmt = sources::ParseInputFormat(o_.format, path);
        if (!fmt.ok()) {
          error = fmt.status().message();
          input_error_ = true;
          break;  // what was read before is still written
        }
        sources::ReaderOptions ro;
        ro.format = *fmt;
        ro.field = o_.field;
        ro.id_field = o_.id_field;
        auto r = sources::RecordReader::Open(path, ro);
        if (!r.ok()) {
          error = r.status().message();
          input_error_ = true;
          break;
        }
        reader_ = std::move(*r);
      }
      if (c.records.size() <= used) c.records.emplace_back();
      auto got = reader_->Next(c.records[used]);
      if (!got.ok()) {
        if (o_.skip_bad) {
          std::fprintf(stderr, "warning: skipped %s\n", got.status().message().c_str());
          ++skipped_;
          continue;
        }
        error = got.status().message();
        break;
      }
      if (!*got) {
        reader_.reset();
        continue;
      }
      ++used;
    }
    c.records.resize(used);
    return used > 0;
  }
  std::size_t skipped() const { return skipped_; }
  // The error (if any) is about an input as a whole (unreadable, unknown format), not a row.
  bool input_error() const { return input_error_; }

 private:
  const AnalyzeOptions& o_;
  std::vector<std::string> files_;
  std::size_t next_file_ = 0;
  std::unique_ptr<sources::RecordReader> reader_;
  std::size_t skipped_ = 0;
  bool input_error_ = false;
};

int RunAnalyze(const AnalyzeOptions& o) {
  Models m;
  auto s = models::LoadClassifier(o.model);
  if (!s.ok()) {
    std::fprintf(stderr, "error: cannot load model '%s': %s\n", o.model.c_str(), s.status().message().c_str());
    return 2;
  }
  m.sentiment = std::move(*s);
  if (o.emotion_model != "none" && !o.emotion_model.empty()) {
    auto e = models::LoadClassifier(o.emotion_model);
    if (!e.ok()) {
      std::fprintf(stderr, "error: cannot load emotion model '%s': %s\n", o.emotion_model.c_str(),
                   e.status().message().c_str());
      return 2;
    }
    m.emotion = std::move(*e);
  }
  m.sentiment_json = std::make_unique<LabelJson>(m.sentiment->info().labels);
  if (m.emotion) m.emotion_json = std::make_unique<LabelJson>(m.emotion->info().labels);
  m.compact = m.sentiment->ScoreBatch({}, {}, {}) && m.sentiment_json->ok() &&
              (!m.emotion || (m.emotion->ScoreBatch({}, {}, {}) && m.emotion_json->ok()));
  m.version = m.sentiment->info().model_version();
  m.version_json = ",\"model_version\":";
  AppendJsonString(m.version_json, m.version);
  m.version_json += "}\n";
  std::setvbuf(stdout, nullptr, _IOFBF, 1 << 20);
  InputStream in(o);
  std::string error;
  int threads = o.threads > 0 ? o.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));

  if (threads == 1) {
    Chunk c;
    Scratch sc;
    while (in.Fill(c, error)) {
      Process(m, o, c, sc);
      std::fwrite(c.out.data(), 1, c.out_len, stdout);
      if (!error.empty()) break;
    }
  } else {
    // Reader (this thread) -> workers -> writer, order kept by the `ordered` queue.
    std::mutex mu;
    std::condition_variable cv;
    std::deque<std::shared_ptr<Chunk>> work, ordered, spare;  // spare: written, for reuse
    bool input_done = false;
    const std::size_t max_in_flight = static_cast<std::size_t>(threads) * 4;
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t)
      workers.emplace_back([&] {
        Scratch sc;
        for (;;) {
          std::shared_ptr<Chunk> c;
          {
            std::unique_lock lk(mu);
            cv.wait(lk, [&] { return input_done || !work.empty(); });
            if (work.empty()) return;
            c = work.front();
            work.pop_front();
          }
          Process(m, o, *c, sc);
          {
            std::lock_guard lk(mu);
            c->done = true;
          }
          cv.notify_all();
        }
      });
    std::thread writer([&] {
      for (;;) {
        std::shared_ptr<Chunk> c;
        {
          std::unique_lock lk(mu);
          cv.wait(lk, [&] { return (!ordered.empty() && ordered.front()->done) || (input_done && ordered.empty()); });
          if (ordered.empty()) return;
          c = ordered.front();
          ordered.pop_front();
        }
        cv.notify_all();
        std::fwrite(c->out.data(), 1, c->out_len, stdout);
        std::lock_guard lk(mu);
        c->done = false;
        spare.push_back(std::move(c));
      }
    });
    for (;;) {
      std::shared_ptr<Chunk> c;
      {
        std::lock_guard lk(mu);
        if (!spare.empty()) {
          c = std::move(spare.front());
          spare.pop_front();
        }
      }
      if (!c) c = std::make_shared<Chunk>();
      bool more = in.Fill(*c, error);
      if (!more) break;
      {
        std::unique_lock lk(mu);
        cv.wait(lk, [&] { return ordered.size() < max_in_flight; });
        work.push_back(c);
        ordered.push_back(c);
      }
      cv.notify_all();
      if (!error.empty()) break;
    }
    {
      std::lock_guard lk(mu);
      input_done = true;
    }
    cv.notify_all();
    for (auto& w : workers) w.join();
    writer.join();
  }
  std::fflush(stdout);
  if (!error.empty()) {
    std::fprintf(stderr, "error: %s%s\n", error.c_str(),
                 in.input_error() ? "" : " (use --skip-bad to skip malformed rows)");
    return 1;
  }
  if (in.skipped()) std::fprintf(stderr, "skipped %zu malformed rows\n", in.skipped());
  return 0;
}

}  // namespace

void RegisterAnalyzeCommand(CLI::App& app) {
  auto o = std::make_shared<AnalyzeOptions>();
  auto* cmd = app.add_subcommand("analyze", "Classify texts (stdin or files) -> one JSON object per input, in order");
  cmd->add_option("files", o->files, "Input files (plain lines, JSONL or CSV with a header); none or '-' = stdin");
  cmd->add_option("--model", o->model, "Sentiment model: a shipped name (sentiment, lexicon) or a model directory")
      ->envname("SENTIO_MODEL")->capture_default_str();
  cmd->add_option("--emotion-model", o->emotion_model, "Emotion model name or directory, or 'none'")
      ->envname("SENTIO_EMOTION_MODEL")->capture_default_str();
  cmd->add_option("--format", o->format, "Input format: auto|text|jsonl|csv (auto = by file extension)")
      ->check(CLI::IsMember({"auto", "text", "jsonl", "csv"}))->capture_default_str();
  cmd->add_option("--field", o->field, "Text field of JSONL/CSV input (default: content, text or comment)");
  cmd->add_option("--id-field", o->id_field, "Id field copied to the output (default: id or post_id)");
  cmd->add_flag("--explain", o->explain, "Add the top contributing tokens with their weights");
  cmd->add_flag("--skip-bad", o->skip_bad, "Skip malformed rows (with a warning) instead of stopping");
  cmd->add_option("-j,--threads", o->threads, "Worker threads (0 = all cores)")->check(CLI::Range(0, 256))->capture_default_str();
  cmd->add_option("--chunk", o->chunk, "Records per work unit")->check(CLI::Range(1, 1 << 20))->capture_default_str();
  cmd->callback([o] { throw CLI::RuntimeError(RunAnalyze(*o)); });
}

}  // namespace sentio::app
