// Domain types <-> JSON, in the shapes of docs/API.md. One place, used by the REST
// handlers, the WebSocket events and `sentio analyze`.
#pragma once

#include <string_view>

#include <boost/json.hpp>

#include "core/status.h"
#include "core/types.h"

namespace sentio {

// {"label","score","scores":{...}} (+ "explanation":[{"token","weight"}] when asked and present)
boost::json::object PredictionToJson(const Prediction& p, bool with_explanation);

// The /api/predict single-text shape: {"label","score","scores","emotion":{...}|absent,
// "model_version","explanation"?}.
boost::json::object AnalysisToPredictJson(const Analysis& a, bool explain);

// The post item of API.md: {"post_id","source","content","author","created_at","video_id",
// "url","meta","sentiment": {"label","confidence","scores","emotion","emotion_confidence",
// "emotion_scores","model_name","model_version","analyzed_at"} | null}.
boost::json::object PostRecordToJson(const PostRecord& r);
// The same post item written straight into `out` (appends; the same bytes as
// ToJson(PostRecordToJson(...))), without building a tree: the per-post hot path of the
// workers' new_post events. `analysis` nullptr = not analysed.
void AppendPostJson(std::string& out, const Post& p, const Analysis* analysis);

// Serialises a JSON value compactly (ToJson: readable numbers) into `out` (appends).
void AppendJson(std::string& out, const boost::json::value& v);

// Per-class scores <-> JSON object text ({"negative":0.1,...}, label order kept), as the
// stores keep them. Unparseable text gives an empty list.
std::string ScoresToJsonText(const std::vector<std::pair<std::string, float>>& scores);
std::vector<std::pair<std::string, float>> ScoresFromJsonText(std::string_view json);

// Splits "name@version" at the last '@' (no '@' -> version ""); views into `mv`.
std::pair<std::string_view, std::string_view> SplitModelVersion(std::string_view mv);

}  // namespace sentio
