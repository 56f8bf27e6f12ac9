#include "storage/sqlite_store.h"

#include <algorithm>
#include <charconv>
#include <limits>
#include <map>
#include <tuple>
#include <variant>

#include "core/json_codec.h"
#include "storage/keyset_export.h"
#include "storage/sqlite_rows.h"
#include "storage/sqlite_schema.h"
#include "storage/time_buckets.h"

namespace sentio::storage {

using sqlite_rows::DecodeRecord;
using sqlite_rows::StoredPost;

namespace {

// ---------------------------------------------------------------- rollup deltas

struct RollKey {
  int period;
  std::string source;
  std::string video_id;
  TimeMs bucket;
  auto operator<=>(const RollKey&) const = default;
};
struct RollVal {
  std::int64_t positive = 0, negative = 0, neutral = 0;
  double conf_sum = 0;
};

// Sums the rollup changes of one WriteResults transaction, so each distinct rollup row is
// upserted once however many posts of the batch fall into it.
class RollupDelta {
 public:
  void Add(const StoredPost& p, const std::string& sentiment, double confidence,
           const std::string* emotion, int sign) {
    static constexpr std::pair<int, TimeMs> kPeriods[] = {
        {kPeriodMinute, kMinuteMs}, {kPeriodHour, kHourMs}, {kPeriodDay, kDayMs}};
    const std::string all(kRollupAll);
    std::int64_t* which = nullptr;
    for (const auto& [period, unit] : kPeriods) {
      TimeMs bucket = FloorTo(p.created_at, unit);
      for (const std::string* s : {&p.source, &all}) {
        for (const std::string* v : {&p.video_id, &all}) {
          RollKey key{period, *s, *v, bucket};
          RollVal& val = roll_[key];
          which = sentiment == "positive"   ? &val.positive
                  : sentiment == "negative" ? &val.negative
                  : sentiment == "neutral"  ? &val.neutral
                                            : nullptr;
          if (which) {
            *which += sign;
            val.conf_sum += sign * confidence;
          }
          if (emotion && !emotion->empty()) emo_[{key, *emotion}] += sign;
        }
      }
    }
  }

  Status Apply(Connection& c) const {
    SENTIO_ASSIGN_OR_RETURN(
        Stmt * r,
        c.Prepare("INSERT INTO rollups(period, source, video_id, bucket, positive, negative, "
                  "neutral, conf_sum) VALUES(?,?,?,?,?,?,?,?) "
                  "ON CONFLICT(period, source, video_id, bucket) DO UPDATE SET "
                  "positive = positive + excluded.positive, negative = negative + "
                  "excluded.negative, neutral = neutral + excluded.neutral, "
                  "conf_sum = conf_sum + excluded.conf_sum"));
    for (const auto& [k, v] : roll_) {
      if (v.positive == 0 && v.negative == 0 && v.neutral == 0 && v.conf_sum == 0) continue;
      r->Reset();
      r->Bind(1, k.period).Bind(2, k.source).Bind(3, k.video_id).Bind(4, k.bucket)
          .Bind(5, v.positive).Bind(6, v.negative).Bind(7, v.neutral).Bind(8, v.conf_sum);
      SENTIO_RETURN_IF_ERROR(r->Run());
    }
    SENTIO_ASSIGN_OR_RETURN(
        Stmt * e,
        c.Prepare("INSERT INTO emotion_rollups(period, source, video_id, bucket, emotion, count) "
                  "VALUES(?,?,?,?,?,?) ON CONFLICT(period, source, video_id, bucket, emotion) "
                  "DO UPDATE SET count = count + excluded.count"));
    for (const auto& [k, n] : emo_) {
      if (n == 0) continue;
      e->Reset();
      e->Bind(1, k.first.period).Bind(2, k.first.source).Bind(3, k.first.video_id)
          .Bind(4, k.first.bucket).Bind(5, k.second).Bind(6, n);
      SENTIO_RETURN_IF_ERROR(e->Run());
    }
    return Status::Ok();
  }

 private:
  std::map<RollKey, RollVal> roll_;
  std::map<std::pair<RollKey, std::string>, std::int64_t> emo_;
};

// ------------------------------------------------------------------ filters

using Arg = std::variant<std::int64_t, std::string>;

struct Where {
  std::string sql;          // " WHERE ..." or ""
  std::vector<Arg> args;
  bool needs_analysis = false;   // inner join analyses
  bool only_analysis = false;    // no posts columns referenced
};

Where BuildWhere(const PostFilter& f, bool for_listing) {
  Where w;
  std::vector<std::string> conds;
  bool posts_cols = false;
  if (f.source) { conds.push_back("p.source = ?"); w.args.emplace_back(*f.source); posts_cols = true; }
  if (f.video_id) { conds.push_back("p.video_id = ?"); w.args.emplace_back(*f.video_id); posts_cols = true; }
  if (f.start) { conds.push_back("p.created_at >= ?"); w.args.emplace_back(*f.start); posts_cols = true; }
  if (f.end) { conds.push_back("p.created_at < ?"); w.args.emplace_back(*f.end); posts_cols = true; }
  if (f.q) {
    conds.push_back("sentio_icontains(p.content, ?)");
    w.args.emplace_back(FoldCase(*f.q));
    posts_cols = true;
  }
  // In listings the posts (created_at, id) order index must drive the scan: "+" keeps the
  // planner from choosing the low-selectivity label index and sorting every match.
  if (f.sentiment) {
    conds.push_back(for_listing ? "+a.sentiment = ?" : "a.sentiment = ?");
    w.args.emplace_back(*f.sentiment);
    w.needs_analysis = true;
  }
  if (f.emotion) {
    conds.push_back(for_listing ? "+a.emotion = ?" : "a.emotion = ?");
    w.args.emplace_back(*f.emotion);
    w.needs_analysis = true;
  }
  if (f.analysed_only) w.needs_analysis = true;
  w.only_analysis = !posts_cols;
  for (std::size_t i = 0; i < conds.size(); ++i) w.sql += (i == 0 ? " WHERE " : " AND ") + conds[i];
  return w;
}

int BindArgs(Stmt& st, const std::vector<Arg>& args, int first = 1) {
  int i = first;
  for (const auto& a : args) {
    if (std::holds_alternative<std::int64_t>(a)) st.Bind(i++, std::get<std::int64_t>(a));
    else st.Bind(i++, std::get<std::string>(a));
  }
  return i;
}

// SELECT of records matching `w`, newest first, with an optional keyset bound.
std::string RecordQuery(const Where& w, bool with_cursor, bool with_offset) {
  std::string sql = std::string("SELECT ") + sqlite_rows::kRecordColumns + " FROM posts p " +
                    (w.needs_analysis ? "JOIN" : "LEFT JOIN") + " analyses a ON a.post = p.id" +
                    w.sql;
  if (with_cursor) sql += (w.sql.empty() ? " WHERE " : " AND ") + std::string("(p.created_at, p.id) < (?, ?)");
  sql += " ORDER BY p.created_at DESC, p.id DESC LIMIT ?";
  if (with_offset) sql += " OFFSET ?";
  return sql;
}

struct PreparedResult {
  std::string sentiment;
  double confidence = 0;
  std::string scores;
  std::optional<std::string> emotion;
  double emotion_confidence = 0;
  std::string emotion_scores;
  std::string model_name, model_version;
  std::string emotion_model;
  TimeMs analyzed_at = 0;
};

Status ValidatePost(const Post& p) {
  if (p.source.empty()) return InvalidArgument("post has no source");
  if (p.post_id.empty()) return InvalidArgument("post has no post_id");
  return Status::Ok();
}

// Exact sentiment/emotion counts of analysed posts with created_at in [lo, hi), scoped by
// source / video (nullopt = all), from the rollups: the ragged sub-minute ends are
// counted from posts (a few rows), the rest from minute, hour and day rollups, so the
// cost is O(buckets at the edges), never O(posts).
Status CountRange(Connection& c, TimeMs lo, TimeMs hi, const std::optional<std::string>& source,
                  const std::optional<std::string>& video_id, Distribution& d) {
  if (lo >= hi) return Status::Ok();
  const std::string src = source ? *source : std::string(kRollupAll);
  const std::string vid = video_id ? *video_id : std::string(kRollupAll);
  auto count_label = [&d](const std::string& label, std::int64_t n) {
    if (label == "positive") d.positive += n;
    else if (label == "negative") d.negative += n;
    else if (label == "neutral") d.neutral += n;
  };
  auto scan_posts = [&](TimeMs a, TimeMs b) -> Status {
    if (a >= b) return Status::Ok();
    std::string sql =
        "SELECT a.sentiment, a.emotion FROM posts p JOIN analyses a ON a.post = p.id "
        "WHERE p.created_at >= ? AND p.created_at < ?";
    if (source) sql += " AND p.source = ?";
    if (video_id) sql += " AND p.video_id = ?";
    SENTIO_ASSIGN_OR_RETURN(Stmt * s, c.Prepare(sql));
    int i = 3;
    s->Bind(1, a).Bind(2, b);
    if (source) s->Bind(i++, *source);
    if (video_id) s->Bind(i++, *video_id);
    for (;;) {
      SENTIO_ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      count_label(s->Text(0), 1);
      if (!s->IsNull(1)) d.emotions[s->Text(1)] += 1;
    }
    s->Reset();
    return Status::Ok();
  };
  auto rollup = [&](int period, TimeMs a, TimeMs b) -> Status {
    if (a >= b) return Status::Ok();
    SENTIO_ASSIGN_OR_RETURN(
        Stmt * r, c.Prepare("SELECT coalesce(sum(positive),0), coalesce(sum(negative),0), "
                            "coalesce(sum(neutral),0) FROM rollups WHERE period = ? AND "
                            "source = ? AND video_id = ? AND bucket >= ? AND bucket < ?"));
    r->Bind(1, period).Bind(2, src).Bind(3, vid).Bind(4, a).Bind(5, b);
    SENTIO_ASSIGN_OR_RETURN(bool row, r->Step());
    if (row) {
      d.positive += r->Int(0);
      d.negative += r->Int(1);
      d.neutral += r->Int(2);
    }
    r->Reset();
    SENTIO_ASSIGN_OR_RETURN(
        Stmt * e, c.Prepare("SELECT emotion, sum(count) FROM emotion_rollups WHERE period = ? "
                            "AND source = ? AND video_id = ? AND bucket >= ? AND bucket < ? "
                            "GROUP BY emotion"));
    e->Bind(1, period).Bind(2, src).Bind(3, vid).Bind(4, a).Bind(5, b);
    for (;;) {
      SENTIO_ASSIGN_OR_RETURN(bool erow, e->Step());
      if (!erow) break;
      d.emotions[e->Text(0)] += e->Int(1);
    }
    e->Reset();
    return Status::Ok();
  };
  return CoverRange(lo, hi, scan_posts, rollup);
}

// "No upper bound", day-aligned and far from overflow.
constexpr TimeMs kFarFuture = 4'102'444'800'000;  // 2100-01-01T00:00:00Z

bool IsSentimentLabel(const std::string& s) {
  return s == "positive" || s == "negative" || s == "neutral";
}

}  // namespace

// ------------------------------------------------------------------ SqliteStore

Result<std::unique_ptr<SqliteStore>> SqliteStore::Open(const std::string& path,
                                                       SqliteStoreOptions options) {
  SENTIO_ASSIGN_OR_RETURN(auto db, SqliteDb::Open(path, options.db));
  return std::make_unique<SqliteStore>(std::shared_ptr<SqliteDb>(std::move(db)), std::move(options));
}

SqliteStore::SqliteStore(std::shared_ptr<SqliteDb> db, SqliteStoreOptions options)
    : db_(std::move(db)), options_(std::move(options)) {
  if (options_.export_chunk == 0) options_.export_chunk = 500;
}

Status SqliteStore::WriteResults(std::span<const ResultRow> rows) {
  if (rows.empty()) return Status::Ok();
  // Serialise outside the writer thread: it only runs SQL.
  std::vector<PreparedResult> prepared(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    SENTIO_RETURN_IF_ERROR(ValidatePost(rows[i].post));
    const Analysis& a = rows[i].analysis;
    if (a.sentiment.label.empty()) return InvalidArgument("analysis without a sentiment label");
    PreparedResult& p = prepared[i];
    p.sentiment = a.sentiment.label;
    p.confidence = a.sentiment.score;
    p.scores = ScoresToJsonText(a.sentiment.scores);
    const auto [model_name, model_version] = SplitModelVersion(a.sentiment.model_version);
    p.model_name = model_name;
    p.model_version = model_version;
    if (!a.emotion.label.empty()) {
      p.emotion = a.emotion.label;
      p.emotion_confidence = a.emotion.score;
      p.emotion_scores = ScoresToJsonText(a.emotion.scores);
      p.emotion_model = a.emotion.model_version;
    }
    p.analyzed_at = a.analyzed_at;
  }
  return db_->Write([&](Connection& c) -> Status {
    RollupDelta delta;
    sqlite_rows::SourceCounts counts;
    // One probe finds the stored post and its current analysis (the worker path: posts
    // arrive through the queue, so they usually exist already).
    SENTIO_ASSIGN_OR_RETURN(
        Stmt * find,
        c.Prepare("SELECT p.id, p.created_at, p.video_id, a.sentiment, a.confidence, a.emotion "
                  "FROM posts p LEFT JOIN analyses a ON a.post = p.id "
                  "WHERE p.post_id = ? AND p.source = ?"));
    SENTIO_ASSIGN_OR_RETURN(
        Stmt * put,
        c.Prepare("INSERT OR REPLACE INTO analyses(post, sentiment, confidence, scores, emotion, "
                  "emotion_confidence, emotion_scores, model_name, model_version, emotion_model, "
                  "analyzed_at) VALUES(?,?,?,?,?,?,?,?,?,?,?)"));
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const Post& post = rows[i].post;
      StoredPost sp;
      find->Reset();
      find->Bind(1, post.post_id).Bind(2, post.source);
      SENTIO_ASSIGN_OR_RETURN(bool found, find->Step());
      if (found) {
        sp.id = find->Int(0);
        sp.created_at = find->Int(1);
        sp.video_id = find->Text(2);
        sp.source = post.source;
        if (!find->IsNull(3)) {
          std::string label = find->Text(3);
          double conf = find->Double(4);
          std::optional<std::string> emo;
          if (!find->IsNull(5)) emo = find->Text(5);
          delta.Add(sp, label, conf, emo ? &*emo : nullptr, -1);
        }
        find->Reset();
      } else {
        find->Reset();
        SENTIO_ASSIGN_OR_RETURN(sp, sqlite_rows::InsertPostIfNew(c, post, counts));
      }
      const PreparedResult& p = prepared[i];
      put->Reset();
      put->Bind(1, sp.id).Bind(2, p.sentiment).Bind(3, p.confidence).Bind(4, p.scores);
      if (p.emotion) {
        put->Bind(5, *p.emotion).Bind(6, p.emotion_confidence).Bind(7, p.emotion_scores)
            .Bind(10, p.emotion_model);
      } else {
        put->BindNull(5).BindNull(6).BindNull(7).BindNull(10);
      }
      put->Bind(8, p.model_name).Bind(9, p.model_version).Bind(11, p.analyzed_at);
      SENTIO_RETURN_IF_ERROR(put->Run());
      delta.Add(sp, p.sentiment, p.confidence, p.emotion ? &*p.emotion : nullptr, +1);
    }
    SENTIO_RETURN_IF_ERROR(counts.Apply(c));
    return delta.Apply(c);
  },
  // Not fsynced on its own: analyses are derived data. The queue entry they complete is
  // acknowledged in a later WAL frame, so a crash that loses this commit also loses the
  // ack and the post is simply delivered (and analysed) again. Ingest commits are durable.
  WriteOptions{.durable = false});
}

Result<PostPage> SqliteStore::ListPosts(const PostFilter& f, const PageRequest& page) {
  if (page.limit <= 0) return InvalidArgument("limit must be positive");
  if (page.offset < 0) return InvalidArgument("offset must not be negative");
  TimeMs cur_t = 0;
  std::int64_t cur_id = 0;
  const bool with_cursor = !page.cursor.empty();
  if (with_cursor && !DecodeCursor(page.cursor, cur_t, cur_id)) {
    return Status(Code::kUnprocessable, "invalid cursor");
  }
  Where w = BuildWhere(f, true);
  Where wc = BuildWhere(f, false);
  PostPage out;
  Status st = db_->Read([&](Connection& c) -> Status {
    // Total matching rows (ignoring paging). A label filter (sentiment XOR emotion) with
    // only source / video / time bounds is answered exactly from the rollups.
    const bool by_rollups = !f.q && (f.sentiment.has_value() != f.emotion.has_value()) &&
                            (!f.sentiment || IsSentimentLabel(*f.sentiment));
    if (by_rollups) {
      Distribution d;
      SENTIO_RETURN_IF_ERROR(CountRange(c, f.start ? *f.start : -kFarFuture,
                                        f.end ? *f.end : kFarFuture, f.source, f.video_id, d));
      if (f.sentiment) {
        out.total = *f.sentiment == "positive" ? d.positive
                    : *f.sentiment == "negative" ? d.negative : d.neutral;
      } else {
        out.total = d.emotions[*f.emotion];
      }
    } else if (!wc.needs_analysis && !f.video_id && !f.start && !f.end && !f.q) {
      std::string sql = "SELECT coalesce(sum(posts), 0) FROM source_counts";
      if (f.source) sql += " WHERE source = ?";
      SENTIO_ASSIGN_OR_RETURN(Stmt * cnt, c.Prepare(sql));
      if (f.source) cnt->Bind(1, *f.source);
      SENTIO_ASSIGN_OR_RETURN(bool row, cnt->Step());
      out.total = row ? cnt->Int(0) : 0;
      cnt->Reset();
    } else {
      std::string sql = wc.only_analysis
                            ? "SELECT count(*) FROM analyses a" + wc.sql
                            : "SELECT count(*) FROM posts p " +
                                  std::string(wc.needs_analysis ? "JOIN" : "LEFT JOIN") +
                                  " analyses a ON a.post = p.id" + wc.sql;
      SENTIO_ASSIGN_OR_RETURN(Stmt * cnt, c.Prepare(sql));
      BindArgs(*cnt, wc.args);
      SENTIO_ASSIGN_OR_RETURN(bool row, cnt->Step());
      out.total = row ? cnt->Int(0) : 0;
      cnt->Reset();
    }
    SENTIO_ASSIGN_OR_RETURN(Stmt * q, c.Prepare(RecordQuery(w, with_cursor, !with_cursor)));
    int i = BindArgs(*q, w.args);
    if (with_cursor) {
      q->Bind(i++, cur_t);
      q->Bind(i++, cur_id);
    }
    q->Bind(i++, static_cast<std::int64_t>(page.limit) + 1);
    if (!with_cursor) q->Bind(i++, static_cast<std::int64_t>(page.offset));
    for (;;) {
      SENTIO_ASSIGN_OR_RETURN(bool row, q->Step());
      if (!row) break;
      out.posts.push_back(DecodeRecord(*q));
    }
    q->Reset();
    return Status::Ok();
  });
  if (!st.ok()) return st;
  if (out.posts.size() > static_cast<std::size_t>(page.limit)) {
    out.posts.resize(static_cast<std::size_t>(page.limit));
    const PostRecord& last = out.posts.back();
    out.next_cursor = EncodeCursor(last.post.created_at, last.id);
  }
  return out;
}

Result<std::optional<PostRecord>> SqliteStore::GetPost(std::string_view post_id,
                                                       std::optional<std::string_view> source) {
  std::optional<PostRecord> out;
  Status st = db_->Read([&](Connection& c) -> Status {
    std::string sql = std::string("SELECT ") + sqlite_rows::kRecordColumns +
                      " FROM posts p LEFT JOIN analyses a ON a.post = p.id WHERE p.post_id = ?" +
                      (source ? " AND p.source = ?" : "") + " ORDER BY p.id LIMIT 1";
    SENTIO_ASSIGN_OR_RETURN(Stmt * q, c.Prepare(sql));
    q->Bind(1, post_id);
    if (source) q->Bind(2, *source);
    SENTIO_ASSIGN_OR_RETURN(bool row, q->Step());
    if (row) out = DecodeRecord(*q);
    q->Reset();
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return out;
}

Status SqliteStore::ExportPosts(const PostFilter& f,
                                const std::function<bool(std::span<const PostRecord>)>& sink) {
  const Where w = BuildWhere(f, true);
  // One short read transaction per chunk: a slow consumer never pins a WAL snapshot.
  auto fetch = [&](const ExportCursor& cur, std::vector<PostRecord>& chunk) -> Status {
    return db_->Read([&](Connection& c) -> Status {
      chunk.clear();
      SENTIO_ASSIGN_OR_RETURN(Stmt * q, c.Prepare(RecordQuery(w, cur.valid, false)));
      int i = BindArgs(*q, w.args);
      if (cur.valid) {
        q->Bind(i++, cur.created_at);
        q->Bind(i++, cur.id);
      }
      q->Bind(i++, static_cast<std::int64_t>(options_.export_chunk));
      for (;;) {
        SENTIO_ASSIGN_OR_RETURN(bool row, q->Step());
        if (!row) break;
        chunk.push_back(DecodeRecord(*q));
      }
      q->Reset();
      return Status::Ok();
    });
  };
  return ExportByKeyset(options_.export_chunk, fetch, sink);
}

Result<std::vector<Bucket>> SqliteStore::Aggregate(const AggregateQuery& q) {
  std::vector<Bucket> out;
  SENTIO_ASSIGN_OR_RETURN(const BucketRange range, ComputeBucketRange(q.start, q.end, q.period));
  if (range.count == 0) return out;
  const TimeMs first = range.first, unit = range.unit;
  out.resize(range.count);
  for (std::size_t i = 0; i < range.count; ++i) out[i].timestamp = first + static_cast<TimeMs>(i) * unit;
  Status st = db_->Read([&](Connection& c) -> Status {
    SENTIO_ASSIGN_OR_RETURN(
        Stmt * s, c.Prepare("SELECT bucket, positive, negative, neutral, conf_sum FROM rollups "
                            "WHERE period = ? AND source = ? AND video_id = ? AND bucket >= ? "
                            "AND bucket < ? ORDER BY bucket"));
    s->Bind(1, PeriodCode(q.period)).Bind(2, q.source ? *q.source : std::string(kRollupAll))
        .Bind(3, q.video_id ? *q.video_id : std::string(kRollupAll)).Bind(4, first).Bind(5, q.end);
    for (;;) {
      SENTIO_ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      TimeMs b = s->Int(0);
      auto idx = static_cast<std::size_t>((b - first) / unit);
      if (idx >= out.size()) continue;
      Bucket& k = out[idx];
      k.positive += s->Int(1);
      k.negative += s->Int(2);
      k.neutral += s->Int(3);
      k.confidence_sum += s->Double(4);
    }
    s->Reset();
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return out;
}


Result<Distribution> SqliteStore::GetDistribution(TimeMs since, std::optional<std::string> source,
                                                  std::optional<std::string> video_id) {
  Distribution d;
  Status st = db_->Read([&](Connection& c) {
    return CountRange(c, since, std::max(kFarFuture, since), source, video_id, d);
  });
  if (!st.ok()) return st;
  std::erase_if(d.emotions, [](const auto& kv) { return kv.second == 0; });
  return d;
}

Result<Stats> SqliteStore::GetStats(TimeMs now) {
  Stats s;
  Status st = db_->Read([&](Connection& c) -> Status {
    SENTIO_ASSIGN_OR_RETURN(Stmt * src, c.Prepare("SELECT source, posts FROM source_counts"));
    for (;;) {
      SENTIO_ASSIGN_OR_RETURN(bool row, src->Step());
      if (!row) break;
      s.by_source[src->Text(0)] = src->Int(1);
      s.total_posts += src->Int(1);
    }
    src->Reset();
    SENTIO_ASSIGN_OR_RETURN(Stmt * an, c.Prepare("SELECT count(*) FROM analyses"));
    SENTIO_ASSIGN_OR_RETURN(bool row, an->Step());
    s.total_analyses = row ? an->Int(0) : 0;
    an->Reset();
    SENTIO_ASSIGN_OR_RETURN(Stmt * rec,
                            c.Prepare("SELECT count(*) FROM posts WHERE created_at >= ?"));
    rec->Bind(1, now - kHourMs);
    SENTIO_ASSIGN_OR_RETURN(row, rec->Step());
    s.recent_posts_1h = row ? rec->Int(0) : 0;
    rec->Reset();
    SENTIO_ASSIGN_OR_RETURN(
        Stmt * lab, c.Prepare("SELECT coalesce(sum(positive),0), coalesce(sum(negative),0), "
                              "coalesce(sum(neutral),0) FROM rollups WHERE period = ? AND "
                              "source = ? AND video_id = ?"));
    lab->Bind(1, kPeriodDay).Bind(2, kRollupAll).Bind(3, kRollupAll);
    SENTIO_ASSIGN_OR_RETURN(row, lab->Step());
    if (row) {
      s.by_label["positive"] = lab->Int(0);
      s.by_label["negative"] = lab->Int(1);
      s.by_label["neutral"] = lab->Int(2);
    }
    lab->Reset();
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return s;
}

Result<std::vector<AlertRule>> SqliteStore::GetAlertRules() {
  std::vector<AlertRule> out;
  Status st = db_->Read([&](Connection& c) -> Status {
    SENTIO_ASSIGN_OR_RETURN(
        Stmt * q, c.Prepare("SELECT id, type, threshold, window_s, min_posts, cooldown_s, scope, "
                            "scope_value, enabled, webhook_url FROM alert_rules ORDER BY position"));
    for (;;) {
      SENTIO_ASSIGN_OR_RETURN(bool row, q->Step());
      if (!row) break;
      AlertRule r;
      r.id = q->Text(0);
      r.type = q->Text(1);
      r.threshold = q->Double(2);
      r.window_s = q->Int(3);
      r.min_posts = q->Int(4);
      r.cooldown_s = q->Int(5);
      r.scope = q->Text(6);
      r.scope_value = q->Text(7);
      r.enabled = q->Int(8) != 0;
      r.webhook_url = q->Text(9);
      out.push_back(std::move(r));
    }
    q->Reset();
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return out;
}

Status SqliteStore::PutAlertRules(std::span<const AlertRule> rules) {
  for (const auto& r : rules) {
    if (r.id.empty()) return InvalidArgument("alert rule without id");
  }
  return db_->Write([&](Connection& c) -> Status {
    SENTIO_RETURN_IF_ERROR(c.Exec("DELETE FROM alert_rules"));
    SENTIO_ASSIGN_OR_RETURN(
        Stmt * ins, c.Prepare("INSERT OR REPLACE INTO alert_rules(id, type, threshold, window_s, "
                              "min_posts, cooldown_s, scope, scope_value, enabled, webhook_url, "
                              "position) VALUES(?,?,?,?,?,?,?,?,?,?,?)"));
    std::int64_t pos = 0;
    for (const auto& r : rules) {
      ins->Reset();
      ins->Bind(1, r.id).Bind(2, r.type).Bind(3, r.threshold).Bind(4, r.window_s)
          .Bind(5, r.min_posts).Bind(6, r.cooldown_s).Bind(7, r.scope).Bind(8, r.scope_value)
          .Bind(9, r.enabled ? 1 : 0).Bind(10, r.webhook_url).Bind(11, pos++);
      SENTIO_RETURN_IF_ERROR(ins->Run());
    }
    return Status::Ok();
  });
}

Result<std::int64_t> SqliteStore::InsertAlert(const Alert& a) {
  std::int64_t id = 0;
  Status st = db_->Write([&](Connection& c) -> Status {
    SENTIO_ASSIGN_OR_RETURN(
        Stmt * ins, c.Prepare("INSERT INTO alerts(rule_id, alert_type, threshold_value, "
                              "actual_value, window_start, window_end, post_count, triggered_at, "
                              "details) VALUES(?,?,?,?,?,?,?,?,?)"));
    ins->Bind(1, a.rule_id).Bind(2, a.alert_type).Bind(3, a.threshold_value)
        .Bind(4, a.actual_value).Bind(5, a.window_start).Bind(6, a.window_end)
        .Bind(7, a.post_count).Bind(8, a.triggered_at)
        .Bind(9, a.details_json.empty() ? std::string("{}") : a.details_json);
    SENTIO_RETURN_IF_ERROR(ins->Run());
    id = c.last_insert_rowid();
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return id;
}

Result<std::vector<Alert>> SqliteStore::ListAlerts(const AlertQuery& q) {
  std::vector<Alert> out;
  Status st = db_->Read([&](Connection& c) -> Status {
    std::string sql =
        "SELECT id, rule_id, alert_type, threshold_value, actual_value, window_start, window_end, "
        "post_count, triggered_at, details FROM alerts";
    std::vector<std::string> conds;
    if (q.since) conds.emplace_back("triggered_at >= ?");
    if (q.type) conds.emplace_back("alert_type = ?");
    for (std::size_t i = 0; i < conds.size(); ++i) sql += (i == 0 ? " WHERE " : " AND ") + conds[i];
    sql += " ORDER BY triggered_at DESC, id DESC LIMIT ?";
    SENTIO_ASSIGN_OR_RETURN(Stmt * s, c.Prepare(sql));
    int i = 1;
    if (q.since) s->Bind(i++, *q.since);
    if (q.type) s->Bind(i++, *q.type);
    s->Bind(i++, static_cast<std::int64_t>(std::max(0, q.limit)));
    for (;;) {
      SENTIO_ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      Alert a;
      a.id = s->Int(0);
      a.rule_id = s->Text(1);
      a.alert_type = s->Text(2);
      a.threshold_value = s->Double(3);
      a.actual_value = s->Double(4);
      a.window_start = s->Int(5);
      a.window_end = s->Int(6);
      a.post_count = s->Int(7);
      a.triggered_at = s->Int(8);
      a.details_json = s->Text(9);
      out.push_back(std::move(a));
    }
    s->Reset();
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return out;
}

Status SqliteStore::Ping() {
  return db_->Read([](Connection& c) -> Status {
    SENTIO_ASSIGN_OR_RETURN(Stmt * s, c.Prepare("SELECT 1"));
    SENTIO_ASSIGN_OR_RETURN(bool row, s->Step());
    s->Reset();
    return row ? Status::Ok() : Unavailable("database did not answer");
  });
}

std::string SqliteStore::Describe() const { return "sqlite:" + db_->path(); }

}  // namespace sentio::storage
