#include "server/test_support.h"

#include <algorithm>
#include <thread>

namespace sentio::server::testing {

ToyClassifier::ToyClassifier(std::string name, std::string task) {
  info_ = {std::move(name), "1", "test", std::move(task), {"negative", "neutral", "positive"}, false, "{}", ""};
}

void ToyClassifier::PredictBatch(std::span<const std::string_view> texts, std::span<Prediction> out,
                                 const models::PredictOptions& opts) const {
  for (std::size_t i = 0; i < texts.size(); ++i) {
    const auto t = texts[i];
    const bool pos = t.find("good") != std::string_view::npos || t.find("love") != std::string_view::npos;
    const bool neg = t.find("bad") != std::string_view::npos || t.find("hate") != std::string_view::npos;
    const char* l = pos ? "positive" : neg ? "negative" : "neutral";
    Prediction& p = out[i];
    p.label = l;
    p.score = 0.8f;
    p.scores = {{"negative", neg && !pos ? 0.8f : 0.1f}, {"neutral", !pos && !neg ? 0.8f : 0.1f}, {"positive", pos ? 0.8f : 0.1f}};
    if (pos) p.scores[1].second = 0.1f;
    p.model_version = info_.model_version();
    p.explanation.clear();
    if (opts.explain) p.explanation = {{pos ? "good" : neg ? "bad" : "none", 1.5f}};
  }
}

// FakeStore -----------------------------------------------------------------------
Status FakeStore::WriteResults(std::span<const storage::ResultRow> rows) {
  std::lock_guard lk(mu_);
  for (const auto& r : rows) {
    PostRecord rec;
    rec.id = static_cast<std::int64_t>(posts_.size()) + 1;
    rec.post = r.post;
    rec.analysed = true;
    rec.analysis = r.analysis;
    posts_.push_back(std::move(rec));
  }
  return Status::Ok();
}

void FakeStore::AddPost(PostRecord r) {
  std::lock_guard lk(mu_);
  r.id = static_cast<std::int64_t>(posts_.size()) + 1;
  posts_.push_back(std::move(r));
}

std::vector<PostRecord> FakeStore::Matching(const storage::PostFilter& f) {
  std::lock_guard lk(mu_);
  std::vector<PostRecord> out;
  for (auto it = posts_.rbegin(); it != posts_.rend(); ++it) {
    const auto& r = *it;
    if (f.source && r.post.source != *f.source) continue;
    if (f.video_id && r.post.video_id != *f.video_id) continue;
    if (f.sentiment && (!r.analysed || r.analysis.sentiment.label != *f.sentiment)) continue;
    if (f.emotion && (!r.analysed || r.analysis.emotion.label != *f.emotion)) continue;
    if (f.start && r.post.created_at < *f.start) continue;
    if (f.end && r.post.created_at >= *f.end) continue;
    if (f.q && r.post.content.find(*f.q) == std::string::npos) continue;
    if (f.analysed_only && !r.analysed) continue;
    out.push_back(r);
  }
  std::stable_sort(out.begin(), out.end(), [](const PostRecord& a, const PostRecord& b) {
    return a.post.created_at != b.post.created_at ? a.post.created_at > b.post.created_at : a.id > b.id;
  });
  return out;
}

Result<storage::PostPage> FakeStore::ListPosts(const storage::PostFilter& f, const storage::PageRequest& page) {
  if (int d = list_delay_ms.load()) std::this_thread::sleep_for(std::chrono::milliseconds(d));
  auto all = Matching(f);
  storage::PostPage out;
  out.total = static_cast<std::int64_t>(all.size());
  std::size_t start = static_cast<std::size_t>(page.offset);
  if (!page.cursor.empty()) {
    if (page.cursor.rfind("c", 0) != 0) return Unprocessable("bad cursor");
    start = std::stoul(page.cursor.substr(1));
  }
  for (std::size_t i = start; i < all.size() && out.posts.size() < static_cast<std::size_t>(page.limit); ++i)
    out.posts.push_back(all[i]);
  if (start + out.posts.size() < all.size()) out.next_cursor = "c" + std::to_string(start + out.posts.size());
  return out;
}

Result<std::optional<PostRecord>> FakeStore::GetPost(std::string_view post_id, std::optional<std::string_view> source) {
  std::lock_guard lk(mu_);
  for (const auto& r : posts_)
    if (r.post.post_id == post_id && (!source || r.post.source == *source)) return std::optional<PostRecord>(r);
  return std::optional<PostRecord>();
}

Status FakeStore::ExportPosts(const storage::PostFilter& f, const std::function<bool(std::span<const PostRecord>)>& sink) {
  auto all = Matching(f);
  const std::size_t n = static_cast<std::size_t>(std::max(1, export_chunk.load()));
  for (std::size_t i = 0; i < all.size(); i += n) {
    std::span<const PostRecord> chunk(all.data() + i, std::min(n, all.size() - i));
    if (!sink(chunk)) break;
  }
  return Status::Ok();
}

Result<std::vector<storage::Bucket>> FakeStore::Aggregate(const storage::AggregateQuery& q) {
  const std::int64_t step = q.period == storage::Period::kMinute ? 60000 : q.period == storage::Period::kHour ? 3600000 : 86400000;
  std::vector<storage::Bucket> out;
  const TimeMs first = q.start - (q.start % step);
  for (TimeMs t = first; t < q.end; t += step) out.push_back({t});
  storage::PostFilter f;
  f.source = q.source;
  f.video_id = q.video_id;
  f.start = first;
  f.end = q.end;
  f.analysed_only = true;
  for (const auto& r : Matching(f)) {
    auto& b = out[static_cast<std::size_t>((r.post.created_at - first) / step)];
    const auto& l = r.analysis.sentiment.label;
    (l == "positive" ? b.positive : l == "negative" ? b.negative : b.neutral)++;
    b.confidence_sum += r.analysis.sentiment.score;
  }
  return out;
}

Result<storage::Distribution> FakeStore::GetDistribution(TimeMs since, std::optional<std::string> source,
                                                         std::optional<std::string> video_id) {
  storage::PostFilter f;
  f.start = since;
  f.source = std::move(source);
  f.video_id = std::move(video_id);
  f.analysed_only = true;
  storage::Distribution d;
  for (const auto& r : Matching(f)) {
    const auto& l = r.analysis.sentiment.label;
    (l == "positive" ? d.positive : l == "negative" ? d.negative : d.neutral)++;
    if (!r.analysis.emotion.label.empty()) d.emotions[r.analysis.emotion.label]++;
  }
  return d;
}

Result<storage::Stats> FakeStore::GetStats(TimeMs now) {
  std::lock_guard lk(mu_);
  storage::Stats s;
  for (const auto& r : posts_) {
    ++s.total_posts;
    if (r.analysed) {
      ++s.total_analyses;
      s.by_label[r.analysis.sentiment.label]++;
    }
    s.by_source[r.post.source]++;
    if (r.post.created_at >= now - 3600000) ++s.recent_posts_1h;
  }
  return s;
}

Result<std::vector<storage::AlertRule>> FakeStore::GetAlertRules() {
  std::lock_guard lk(mu_);
  return rules_;
}

Status FakeStore::PutAlertRules(std::span<const storage::AlertRule> rules) {
  std::lock_guard lk(mu_);
  rules_.assign(rules.begin(), rules.end());
  return Status::Ok();
}

Result<std::int64_t> FakeStore::InsertAlert(const storage::Alert& a) {
  std::lock_guard lk(mu_);
  alerts_.push_back(a);
  alerts_.back().id = static_cast<std::int64_t>(alerts_.size());
  return alerts_.back().id;
}

Result<std::vector<storage::Alert>> FakeStore::ListAlerts(const storage::AlertQuery& q) {
  std::lock_guard lk(mu_);
  std::vector<storage::Alert> out;
  for (auto it = alerts_.rbegin(); it != alerts_.rend() && static_cast<int>(out.size()) < q.limit; ++it) {
    if (q.since && it->triggered_at < *q.since) continue;
    if (q.type && it->alert_type != *q.type) continue;
    out.push_back(*it);
  }
  return out;
}

Status FakeStore::Ping() { return fail_ping.load() ? Unavailable("database down") : Status::Ok(); }

// FakeQueue -----------------------------------------------------------------------
Result<queue::EnqueueResult> FakeQueue::Enqueue(std::vector<Post> posts) {
  std::lock_guard lk(mu_);
  queue::EnqueueResult r;
  for (auto& p : posts) {
    if (p.post_id.empty()) p.post_id = "gen_" + std::to_string(next_id_++);
    const bool dup = !seen_.emplace(p.source, p.post_id).second;
    r.ids.push_back(p.post_id);
    r.duplicate.push_back(dup);
    if (dup) {
      ++r.duplicates;
    } else {
      ++r.accepted;
      posts_.push_back(std::move(p));
    }
  }
  return r;
}

Result<std::vector<queue::Delivery>> FakeQueue::Claim(std::size_t, std::chrono::milliseconds, std::chrono::milliseconds) {
  return std::vector<queue::Delivery>{};
}
Status FakeQueue::Ack(std::span<const queue::Delivery>) { return Status::Ok(); }
Status FakeQueue::Fail(const queue::Delivery&, std::string_view) { return Status::Ok(); }

Result<queue::QueueStats> FakeQueue::Stats() {
  std::lock_guard lk(mu_);
  queue::QueueStats s;
  s.depth = depth_override.load() >= 0 ? depth_override.load() : static_cast<std::int64_t>(posts_.size());
  s.dead_letters = static_cast<std::int64_t>(dead.size());
  return s;
}

Result<std::vector<queue::DeadLetter>> FakeQueue::ListDeadLetters(int limit) {
  std::lock_guard lk(mu_);
  std::vector<queue::DeadLetter> out(dead.begin(), dead.begin() + std::min<std::size_t>(dead.size(), static_cast<std::size_t>(limit)));
  return out;
}

std::vector<Post> FakeQueue::enqueued() {
  std::lock_guard lk(mu_);
  return posts_;
}

}  // namespace sentio::server::testing
