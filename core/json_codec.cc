#include "core/json_codec.h"

#include "core/clock.h"
#include "core/json_writer.h"

#include <cmath>

namespace sentio {
namespace json = boost::json;

namespace {

// Scores are float32 model outputs: 4 decimals is all the precision they carry.
double Round4(float v) { return std::round(static_cast<double>(v) * 1e4) / 1e4; }

json::object ScoresToJson(const std::vector<std::pair<std::string, float>>& scores) {
  json::object o;
  o.reserve(scores.size());
  for (const auto& [k, v] : scores) o.emplace(k, Round4(v));
  return o;
}

}  // namespace

std::pair<std::string_view, std::string_view> SplitModelVersion(std::string_view mv) {
  const auto at = mv.rfind('@');
  if (at == std::string_view::npos) return {mv, {}};
  return {mv.substr(0, at), mv.substr(at + 1)};
}

json::object PredictionToJson(const Prediction& p, bool with_explanation) {
  json::object o;
  o["label"] = p.label;
  o["score"] = Round4(p.score);
  o["scores"] = ScoresToJson(p.scores);
  if (!p.labels_over_threshold.empty()) {
    json::array a;
    for (const auto& l : p.labels_over_threshold) a.emplace_back(l);
    o["labels"] = std::move(a);
  }
  if (with_explanation && !p.explanation.empty()) {
    json::array a;
    for (const auto& [tok, w] : p.explanation) a.emplace_back(json::object{{"token", tok}, {"weight", Round4(w)}});
    o["explanation"] = std::move(a);
  }
  return o;
}

json::object AnalysisToPredictJson(const Analysis& a, bool explain) {
  json::object o = PredictionToJson(a.sentiment, explain);
  if (!a.emotion.label.empty()) {
    json::object e = PredictionToJson(a.emotion, false);
    e["model_version"] = a.emotion.model_version;
    o["emotion"] = std::move(e);
  }
  o["model_version"] = a.sentiment.model_version;
  return o;
}

json::object PostRecordToJson(const PostRecord& r) {
  const Post& p = r.post;
  json::object o;
  o["post_id"] = p.post_id;
  o["source"] = p.source;
  o["content"] = p.content;
  o["author"] = p.author;
  o["created_at"] = format_iso8601(p.created_at);
  o["video_id"] = p.video_id.empty() ? json::value(nullptr) : json::value(p.video_id);
  o["url"] = p.url.empty() ? json::value(nullptr) : json::value(p.url);
  if (!p.meta_json.empty()) {
    boost::system::error_code ec;
    json::value meta = json::parse(p.meta_json, ec);
    o["meta"] = ec ? json::value(nullptr) : std::move(meta);
  } else {
    o["meta"] = nullptr;
  }
  if (!r.analysed) {
    o["sentiment"] = nullptr;
    return o;
  }
  const Analysis& a = r.analysis;
  json::object s;
  s["label"] = a.sentiment.label;
  s["confidence"] = Round4(a.sentiment.score);
  s["scores"] = ScoresToJson(a.sentiment.scores);
  if (!a.emotion.label.empty()) {
    s["emotion"] = a.emotion.label;
    s["emotion_confidence"] = Round4(a.emotion.score);
    s["emotion_scores"] = ScoresToJson(a.emotion.scores);
  } else {
    s["emotion"] = nullptr;
    s["emotion_confidence"] = nullptr;
  }
  auto [name, version] = SplitModelVersion(a.sentiment.model_version);
  s["model_name"] = name;
  s["model_version"] = version;
  s["analyzed_at"] = format_iso8601(a.analyzed_at);
  o["sentiment"] = std::move(s);
  return o;
}

namespace {

// Scores with unique labels are written directly; duplicates (never produced by a model)
// take the object path, which keeps the first position and the last value.
bool UniqueLabels(const std::vector<std::pair<std::string, float>>& scores) {
  for (std::size_t i = 0; i < scores.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (scores[i].first == scores[j].first) return false;
  return true;
}

// {"label":score,...} in label order; `round4` as the API shows scores, else exact floats
// (as the stores keep them).
void AppendScores(std::string& out, const std::vector<std::pair<std::string, float>>& scores, bool round4) {
  if (!UniqueLabels(scores)) {
    if (round4) {
      out += ToJson(ScoresToJson(scores));
    } else {
      boost::json::object o;
      for (const auto& [label, score] : scores) o[label] = static_cast<double>(score);
      out += ToJson(o);
    }
    return;
  }
  out += '{';
  for (std::size_t i = 0; i < scores.size(); ++i) {
    if (i) out += ',';
    AppendJsonString(out, scores[i].first);
    out += ':';
    AppendJsonDouble(out, round4 ? Round4(scores[i].second) : static_cast<double>(scores[i].second));
  }
  out += '}';
}

void AppendKey(std::string& out, std::string_view key) {
  out += '"';
  out += key;
  out += "\":";
}

// "key":"value", (trailing comma included).
void AppendStringField(std::string& out, std::string_view key, std::string_view value) {
  AppendKey(out, key);
  AppendJsonString(out, value);
  out += ',';
}

// "<label_key>":..,"<conf_key>":..,"<scores_key>":{..}, (trailing comma included).
void AppendLabelFields(std::string& out, const Prediction& p, std::string_view label_key,
                       std::string_view conf_key, std::string_view scores_key) {
  AppendStringField(out, label_key, p.label);
  AppendKey(out, conf_key);
  AppendJsonDouble(out, Round4(p.score));
  out += ',';
  AppendKey(out, scores_key);
  AppendScores(out, p.scores, true);
  out += ',';
}

void AppendStringOrNull(std::string& out, const std::string& s) {
  if (s.empty()) out += "null";
  else AppendJsonString(out, s);
}

}  // namespace

void AppendPostJson(std::string& out, const Post& p, const Analysis* a) {
  out += '{';
  AppendStringField(out, "post_id", p.post_id);
  AppendStringField(out, "source", p.source);
  AppendStringField(out, "content", p.content);
  AppendStringField(out, "author", p.author);
  AppendStringField(out, "created_at", format_iso8601(p.created_at));
  AppendKey(out, "video_id");
  AppendStringOrNull(out, p.video_id);
  out += ',';
  AppendKey(out, "url");
  AppendStringOrNull(out, p.url);
  out += ',';
  AppendKey(out, "meta");
  if (p.meta_json.empty()) {
    out += "null";
  } else {
    boost::system::error_code ec;
    json::value meta = json::parse(p.meta_json, ec);
    if (ec) out += "null";
    else AppendJson(out, meta);
  }
  out += ',';
  AppendKey(out, "sentiment");
  if (a == nullptr) {
    out += "null}";
    return;
  }
  out += '{';
  AppendLabelFields(out, a->sentiment, "label", "confidence", "scores");
  if (!a->emotion.label.empty()) {
    AppendLabelFields(out, a->emotion, "emotion", "emotion_confidence", "emotion_scores");
  } else {
    out += "\"emotion\":null,\"emotion_confidence\":null,";
  }
  const auto [model_name, model_version] = SplitModelVersion(a->sentiment.model_version);
  AppendStringField(out, "model_name", model_name);
  AppendStringField(out, "model_version", model_version);
  AppendKey(out, "analyzed_at");
  AppendJsonString(out, format_iso8601(a->analyzed_at));
  out += "}}";
}

void AppendJson(std::string& out, const json::value& v) { out += ToJson(v); }

std::string ScoresToJsonText(const std::vector<std::pair<std::string, float>>& scores) {
  std::string out;
  out.reserve(16 + scores.size() * 24);
  AppendScores(out, scores, false);
  return out;
}

std::vector<std::pair<std::string, float>> ScoresFromJsonText(std::string_view json) {
  std::vector<std::pair<std::string, float>> out;
  if (json.empty()) return out;
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(json, ec);
  if (ec || !v.is_object()) return out;
  for (const auto& kv : v.get_object()) {
    const auto& x = kv.value();
    if (!x.is_number()) continue;
    out.emplace_back(std::string(kv.key()), static_cast<float>(x.to_number<double>()));
  }
  return out;
}

}  // namespace sentio
