#include "storage/sqlite_rows.h"

#include <boost/json.hpp>

#include "core/json_codec.h"

namespace sentio::storage::sqlite_rows {

Status SourceCounts::Apply(Connection& c) const {
  if (counts_.empty()) return Status::Ok();
  SENTIO_ASSIGN_OR_RETURN(
      Stmt * cnt, c.Prepare("INSERT INTO source_counts(source, posts) VALUES(?, ?) "
                            "ON CONFLICT(source) DO UPDATE SET posts = posts + excluded.posts"));
  for (const auto& [source, n] : counts_) {
    cnt->Reset();
    cnt->Bind(1, source).Bind(2, n);
    SENTIO_RETURN_IF_ERROR(cnt->Run());
  }
  return Status::Ok();
}

Result<StoredPost> InsertPostIfNew(Connection& c, const Post& p, SourceCounts& counts) {
  SENTIO_ASSIGN_OR_RETURN(
      Stmt * ins,
      c.Prepare("INSERT OR IGNORE INTO posts(source, post_id, content, author, created_at, "
                "video_id, url, meta, ingested_at) VALUES(?,?,?,?,?,?,?,?,?)"));
  ins->Bind(1, p.source).Bind(2, p.post_id).Bind(3, p.content).Bind(4, p.author)
      .Bind(5, p.created_at).Bind(6, p.video_id).Bind(7, p.url).Bind(8, p.meta_json)
      .Bind(9, p.ingested_at);
  SENTIO_RETURN_IF_ERROR(ins->Run());
  StoredPost out;
  if (c.changes() > 0) {
    out.id = c.last_insert_rowid();
    out.inserted = true;
    out.created_at = p.created_at;
    out.source = p.source;
    out.video_id = p.video_id;
    counts.Add(p.source);
    return out;
  }
  SENTIO_ASSIGN_OR_RETURN(
      Stmt * sel,
      c.Prepare("SELECT id, created_at, video_id FROM posts WHERE source = ? AND post_id = ?"));
  sel->Bind(1, p.source).Bind(2, p.post_id);
  SENTIO_ASSIGN_OR_RETURN(bool row, sel->Step());
  if (!row) return Internal("post vanished after INSERT OR IGNORE: " + p.source + "/" + p.post_id);
  out.id = sel->Int(0);
  out.created_at = sel->Int(1);
  out.video_id = sel->Text(2);
  out.source = p.source;
  sel->Reset();
  return out;
}

Post DecodePost(const Stmt& st, int f) {
  Post p;
  p.source = st.Text(f + 1);
  p.post_id = st.Text(f + 2);
  p.content = st.Text(f + 3);
  p.author = st.Text(f + 4);
  p.created_at = st.Int(f + 5);
  p.video_id = st.Text(f + 6);
  p.url = st.Text(f + 7);
  p.meta_json = st.Text(f + 8);
  p.ingested_at = st.Int(f + 9);
  return p;
}

namespace {
std::string JoinModel(const std::string& name, const std::string& version) {
  return version.empty() ? name : name + "@" + version;
}
}  // namespace

PostRecord DecodeRecord(const Stmt& st, int f) {
  PostRecord r;
  r.id = st.Int(f);
  r.post = DecodePost(st, f);
  r.analysed = !st.IsNull(f + 10);
  if (r.analysed) {
    Analysis& a = r.analysis;
    a.sentiment.label = st.Text(f + 10);
    a.sentiment.score = static_cast<float>(st.Double(f + 11));
    a.sentiment.scores = ScoresFromJsonText(st.Text(f + 12));
    a.sentiment.model_version = JoinModel(st.Text(f + 16), st.Text(f + 17));
    if (!st.IsNull(f + 13)) {
      a.emotion.label = st.Text(f + 13);
      a.emotion.score = static_cast<float>(st.Double(f + 14));
      a.emotion.scores = ScoresFromJsonText(st.Text(f + 15));
      a.emotion.model_version = st.Text(f + 18);
    }
    a.analyzed_at = st.Int(f + 19);
  }
  return r;
}

}  // namespace sentio::storage::sqlite_rows
