#include "queue/embedded_queue.h"

#include <algorithm>
#include <charconv>

#include "storage/sqlite_rows.h"

namespace sentio::queue {

using storage::Connection;
using storage::Stmt;
using storage::WriteOptions;

namespace {

Result<std::int64_t> ParseTag(const std::string& tag) {
  std::int64_t id = 0;
  auto r = std::from_chars(tag.data(), tag.data() + tag.size(), id);
  if (r.ec != std::errc() || r.ptr != tag.data() + tag.size() || id <= 0) {
    return InvalidArgument("invalid delivery tag '" + tag + "'");
  }
  return id;
}

Status MoveToDeadLetters(Connection& c, std::int64_t queue_id, std::string_view error, TimeMs now) {
  SENTIO_ASSIGN_OR_RETURN(
      Stmt * ins, c.Prepare("INSERT INTO dead_letters(post, attempts, last_error, failed_at) "
                            "SELECT post, attempts, ?, ? FROM queue WHERE id = ?"));
  ins->Bind(1, error).Bind(2, now).Bind(3, queue_id);
  SENTIO_RETURN_IF_ERROR(ins->Run());
  SENTIO_ASSIGN_OR_RETURN(Stmt * del, c.Prepare("DELETE FROM queue WHERE id = ?"));
  del->Bind(1, queue_id);
  return del->Run();
}

}  // namespace

EmbeddedQueue::EmbeddedQueue(std::shared_ptr<storage::SqliteDb> db, EmbeddedQueueOptions options)
    : db_(std::move(db)),
      options_(options),
      clock_(options.clock ? options.clock : &system_clock_),
      rng_(std::random_device{}()) {
  options_.max_attempts = std::max(1, options_.max_attempts);
  if (options_.lease_poll <= std::chrono::milliseconds(0)) options_.lease_poll = std::chrono::milliseconds(100);
}

EmbeddedQueue::~EmbeddedQueue() { Shutdown(); }

Result<std::unique_ptr<EmbeddedQueue>> EmbeddedQueue::Open(std::shared_ptr<storage::SqliteDb> db,
                                                           EmbeddedQueueOptions options) {
  if (!db) return InvalidArgument("EmbeddedQueue needs a database");
  std::unique_ptr<EmbeddedQueue> q(new EmbeddedQueue(std::move(db), options));
  if (options.reset_leases_on_open) {
    SENTIO_RETURN_IF_ERROR(q->db_->Write([](Connection& c) {
      return c.Exec("UPDATE queue SET lease_until = 0 WHERE lease_until > 0");
    }));
  }
  return q;
}

void EmbeddedQueue::Shutdown() {
  {
    std::lock_guard lk(mu_);
    closed_ = true;
    ++seq_;
  }
  cv_.notify_all();
}

void EmbeddedQueue::Notify() {
  {
    std::lock_guard lk(mu_);
    ++seq_;
  }
  cv_.notify_all();
}

std::string EmbeddedQueue::GeneratePostId() {
  std::uint64_t a, b;
  {
    std::lock_guard lk(mu_);
    a = rng_();
    b = rng_();
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id = "gen_";
  for (std::uint64_t v : {a, b}) {
    for (int i = 60; i >= 0; i -= 4) id += kHex[(v >> i) & 0xf];
  }
  return id;
}

Result<EnqueueResult> EmbeddedQueue::Enqueue(std::vector<Post> posts) {
  EnqueueResult out;
  if (posts.empty()) return out;
  const TimeMs t = now();
  for (Post& p : posts) {
    if (p.source.empty()) return InvalidArgument("post without source");
    if (p.post_id.empty()) p.post_id = GeneratePostId();
    if (p.ingested_at == 0) p.ingested_at = t;
    if (p.created_at == 0) p.created_at = p.ingested_at;
  }
  out.ids.reserve(posts.size());
  out.duplicate.assign(posts.size(), false);
  for (const Post& p : posts) out.ids.push_back(p.post_id);
  SENTIO_RETURN_IF_ERROR(db_->Write([&](Connection& c) -> Status {
    out.accepted = out.duplicates = 0;  // the closure runs once, but keep it self-contained
    storage::sqlite_rows::SourceCounts counts;
    SENTIO_ASSIGN_OR_RETURN(Stmt * ins,
                            c.Prepare("INSERT INTO queue(post, enqueued_at) VALUES(?, ?)"));
    for (std::size_t i = 0; i < posts.size(); ++i) {
      SENTIO_ASSIGN_OR_RETURN(auto sp, storage::sqlite_rows::InsertPostIfNew(c, posts[i], counts));
      out.duplicate[i] = !sp.inserted;
      if (!sp.inserted) {
        ++out.duplicates;
        continue;
      }
      ++out.accepted;
      ins->Reset();
      ins->Bind(1, sp.id).Bind(2, t);
      SENTIO_RETURN_IF_ERROR(ins->Run());
    }
    return counts.Apply(c);
  }));
  if (out.accepted > 0) Notify();
  return out;
}

Result<std::vector<Delivery>> EmbeddedQueue::TryClaim(std::size_t max,
                                                      std::chrono::milliseconds lease) {
  std::vector<Delivery> out;
  const TimeMs t = now();
  const TimeMs until = t + std::max<std::int64_t>(1, lease.count());
  // Durable, so that attempts survive a crash: a post that kills its worker every time
  // ends in the dead letters after max_attempts restarts instead of looping forever.
  Status st = db_->Write([&](Connection& c) -> Status {
    out.clear();
    struct Row {
      std::int64_t id;
      int attempts;
      Post post;
    };
    std::vector<Row> rows;
    SENTIO_ASSIGN_OR_RETURN(
        Stmt * sel,
        c.Prepare("SELECT q.id, q.attempts, p.id, p.source, p.post_id, p.content, p.author, "
                  "p.created_at, p.video_id, p.url, p.meta, p.ingested_at FROM queue q "
                  "JOIN posts p ON p.id = q.post WHERE q.lease_until <= ? "
                  "ORDER BY q.lease_until, q.id LIMIT ?"));
    sel->Bind(1, t).Bind(2, static_cast<std::int64_t>(max));
    for (;;) {
      SENTIO_ASSIGN_OR_RETURN(bool row, sel->Step());
      if (!row) break;
      rows.push_back(Row{sel->Int(0), static_cast<int>(sel->Int(1)),
                         storage::sqlite_rows::DecodePost(*sel, 2)});
    }
    sel->Reset();
    SENTIO_ASSIGN_OR_RETURN(
        Stmt * lease_stmt,
        c.Prepare("UPDATE queue SET attempts = attempts + 1, lease_until = ? WHERE id = ?"));
    for (Row& r : rows) {
      if (r.attempts >= options_.max_attempts) {
        // Claimed max_attempts times and never acked nor failed: its consumer died each time.
        SENTIO_RETURN_IF_ERROR(MoveToDeadLetters(
            c, r.id, "lease expired after " + std::to_string(r.attempts) + " attempts", t));
        continue;
      }
      lease_stmt->Reset();
      lease_stmt->Bind(1, until).Bind(2, r.id);
      SENTIO_RETURN_IF_ERROR(lease_stmt->Run());
      Delivery d;
      d.tag = std::to_string(r.id);
      d.post = std::move(r.post);
      d.attempts = r.attempts + 1;
      out.push_back(std::move(d));
    }
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return out;
}

Result<std::vector<Delivery>> EmbeddedQueue::Claim(std::size_t max, std::chrono::milliseconds lease,
                                                   std::chrono::milliseconds wait) {
  if (max == 0) return std::vector<Delivery>{};
  const auto deadline = std::chrono::steady_clock::now() + wait;
  for (;;) {
    std::uint64_t seen;
    {
      std::lock_guard lk(mu_);
      if (closed_) return std::vector<Delivery>{};
      seen = seq_;
    }
    SENTIO_ASSIGN_OR_RETURN(auto got, TryClaim(max, lease));
    if (!got.empty()) return got;
    auto now_steady = std::chrono::steady_clock::now();
    if (now_steady >= deadline) return got;
    // Sleep until an Enqueue/Fail signals, or the poll interval passes (leases expiring
    // produce no signal), or the caller's wait is over.
    std::unique_lock lk(mu_);
    cv_.wait_until(lk, std::min(deadline, now_steady + options_.lease_poll),
                   [&] { return seq_ != seen || closed_; });
  }
}

Status EmbeddedQueue::Ack(std::span<const Delivery> done) {
  if (done.empty()) return Status::Ok();
  std::vector<std::int64_t> ids;
  ids.reserve(done.size());
  for (const auto& d : done) {
    SENTIO_ASSIGN_OR_RETURN(std::int64_t id, ParseTag(d.tag));
    ids.push_back(id);
  }
  // Not fsynced on its own: losing an ack in a crash only re-delivers an entry whose
  // results are already committed, and rewriting them is idempotent.
  return db_->Write(
      [&](Connection& c) -> Status {
        SENTIO_ASSIGN_OR_RETURN(Stmt * del, c.Prepare("DELETE FROM queue WHERE id = ?"));
        for (std::int64_t id : ids) {
          del->Reset();
          del->Bind(1, id);
          SENTIO_RETURN_IF_ERROR(del->Run());
        }
        return Status::Ok();
      },
      WriteOptions{.durable = false});
}

Status EmbeddedQueue::Fail(const Delivery& d, std::string_view error) {
  SENTIO_ASSIGN_OR_RETURN(std::int64_t id, ParseTag(d.tag));
  const TimeMs t = now();
  bool retry = false;
  SENTIO_RETURN_IF_ERROR(db_->Write([&](Connection& c) -> Status {
    SENTIO_ASSIGN_OR_RETURN(Stmt * sel, c.Prepare("SELECT attempts FROM queue WHERE id = ?"));
    sel->Bind(1, id);
    SENTIO_ASSIGN_OR_RETURN(bool row, sel->Step());
    if (!row) {
      sel->Reset();
      return Status::Ok();  // already acked or dead-lettered: nothing to do
    }
    const std::int64_t attempts = sel->Int(0);
    sel->Reset();
    // A stale delivery (its lease expired and the entry was claimed again since) must not
    // pull the entry from under its current consumer.
    if (attempts != d.attempts) return Status::Ok();
    if (attempts >= options_.max_attempts) return MoveToDeadLetters(c, id, error, t);
    SENTIO_ASSIGN_OR_RETURN(
        Stmt * upd, c.Prepare("UPDATE queue SET lease_until = ?, last_error = ? WHERE id = ?"));
    upd->Bind(1, t + options_.retry_delay.count()).Bind(2, error).Bind(3, id);
    retry = true;
    return upd->Run();
  }));
  if (retry) Notify();
  return Status::Ok();
}

Result<QueueStats> EmbeddedQueue::Stats() {
  QueueStats s;
  const TimeMs t = now();
  Status st = db_->Read([&](Connection& c) -> Status {
    SENTIO_ASSIGN_OR_RETURN(
        Stmt * q, c.Prepare("SELECT (SELECT count(*) FROM queue), "
                            "(SELECT count(*) FROM queue WHERE lease_until > ?), "
                            "(SELECT count(*) FROM dead_letters)"));
    q->Bind(1, t);
    SENTIO_ASSIGN_OR_RETURN(bool row, q->Step());
    if (row) {
      s.depth = q->Int(0);
      s.in_flight = q->Int(1);
      s.dead_letters = q->Int(2);
    }
    q->Reset();
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return s;
}

Result<std::vector<DeadLetter>> EmbeddedQueue::ListDeadLetters(int limit) {
  std::vector<DeadLetter> out;
  Status st = db_->Read([&](Connection& c) -> Status {
    SENTIO_ASSIGN_OR_RETURN(
        Stmt * q,
        c.Prepare("SELECT d.id, d.attempts, d.last_error, d.failed_at, p.id, p.source, "
                  "p.post_id, p.content, p.author, p.created_at, p.video_id, p.url, p.meta, "
                  "p.ingested_at FROM dead_letters d JOIN posts p ON p.id = d.post "
                  "ORDER BY d.id DESC LIMIT ?"));
    q->Bind(1, static_cast<std::int64_t>(std::max(0, limit)));
    for (;;) {
      SENTIO_ASSIGN_OR_RETURN(bool row, q->Step());
      if (!row) break;
      DeadLetter d;
      d.tag = "dl" + std::to_string(q->Int(0));
      d.attempts = static_cast<int>(q->Int(1));
      d.last_error = q->Text(2);
      d.failed_at = q->Int(3);
      d.post = storage::sqlite_rows::DecodePost(*q, 4);
      out.push_back(std::move(d));
    }
    q->Reset();
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return out;
}

std::string EmbeddedQueue::Describe() const { return "embedded:sqlite:" + db_->path(); }

}  // namespace sentio::queue
