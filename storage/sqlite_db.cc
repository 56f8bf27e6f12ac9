#include "storage/sqlite_db.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <future>

#include "storage/sqlite_schema.h"

namespace sentio::storage {

// ---------------------------------------------------------------------------- Stmt

Stmt& Stmt::Bind(int i, std::int64_t v) {
  sqlite3_bind_int64(s_, i, v);
  return *this;
}
Stmt& Stmt::Bind(int i, double v) {
  sqlite3_bind_double(s_, i, v);
  return *this;
}
Stmt& Stmt::Bind(int i, std::string_view v) {
  sqlite3_bind_text64(s_, i, v.data() ? v.data() : "", v.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  return *this;
}
Stmt& Stmt::BindNull(int i) {
  sqlite3_bind_null(s_, i);
  return *this;
}

Result<bool> Stmt::Step() {
  int rc = sqlite3_step(s_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  sqlite3* db = sqlite3_db_handle(s_);
  Code code = Code::kIoError;
  if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) code = Code::kUnavailable;
  if (rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB) code = Code::kDataLoss;
  if (rc == SQLITE_FULL) code = Code::kResourceExhausted;
  if (rc == SQLITE_CONSTRAINT || rc == SQLITE_MISMATCH || rc == SQLITE_RANGE) code = Code::kInternal;
  return Status(code, std::string("sqlite: ") + sqlite3_errmsg(db) + " in: " + sqlite3_sql(s_));
}

Status Stmt::Run() {
  for (;;) {
    SENTIO_ASSIGN_OR_RETURN(bool row, Step());
    if (!row) return Status::Ok();
  }
}

std::int64_t Stmt::Int(int col) const { return sqlite3_column_int64(s_, col); }
double Stmt::Double(int col) const { return sqlite3_column_double(s_, col); }
std::string Stmt::Text(int col) const {
  const unsigned char* p = sqlite3_column_text(s_, col);
  if (!p) return {};
  return std::string(reinterpret_cast<const char*>(p),
                     static_cast<std::size_t>(sqlite3_column_bytes(s_, col)));
}
bool Stmt::IsNull(int col) const { return sqlite3_column_type(s_, col) == SQLITE_NULL; }
void Stmt::Reset() {
  sqlite3_reset(s_);
  sqlite3_clear_bindings(s_);
}

// ---------------------------------------------------------------------- Connection

namespace {

void IContainsFn(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  if (argc != 2 || sqlite3_value_type(argv[0]) == SQLITE_NULL ||
      sqlite3_value_type(argv[1]) == SQLITE_NULL) {
    sqlite3_result_int(ctx, 0);
    return;
  }
  const auto* h = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
  std::string_view hay(h ? h : "", static_cast<std::size_t>(sqlite3_value_bytes(argv[0])));
  const auto* n = reinterpret_cast<const char*>(sqlite3_value_text(argv[1]));
  std::string_view needle(n ? n : "", static_cast<std::size_t>(sqlite3_value_bytes(argv[1])));
  sqlite3_result_int(ctx, FoldCase(hay).find(needle) != std::string::npos ? 1 : 0);
}

}  // namespace

Result<std::unique_ptr<Connection>> Connection::Open(const std::string& path, bool read_only,
                                                     int busy_timeout_ms) {
  sqlite3* db = nullptr;
  int flags = SQLITE_OPEN_NOMUTEX | (read_only ? SQLITE_OPEN_READONLY
                                               : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE));
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close(db);
    return IoError("cannot open database " + path + ": " + msg);
  }
  sqlite3_busy_timeout(db, busy_timeout_ms);
  sqlite3_create_function_v2(db, "sentio_icontains", 2,
                             SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, nullptr,
                             IContainsFn, nullptr, nullptr, nullptr);
  sqlite3_extended_result_codes(db, 0);
  return std::unique_ptr<Connection>(new Connection(db));
}

Connection::~Connection() {
  for (auto& [sql, st] : cache_) sqlite3_finalize(st->raw());
  cache_.clear();
  sqlite3_close(db_);
}

Result<Stmt*> Connection::Prepare(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end()) {
    it->second->Reset();
    return it->second.get();
  }
  sqlite3_stmt* s = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &s, nullptr);
  if (rc != SQLITE_OK) return Internal(std::string("sqlite prepare: ") + sqlite3_errmsg(db_) + " in: " + sql);
  auto owned = std::make_unique<Stmt>(s);
  Stmt* raw = owned.get();
  cache_.emplace(sql, std::move(owned));
  return raw;
}

Status Connection::Exec(const std::string& sql) {
  char* err = nullptr;
  int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    Code code = rc == SQLITE_BUSY ? Code::kUnavailable
                : (rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB) ? Code::kDataLoss
                                                                 : Code::kIoError;
    return Status(code, "sqlite: " + msg + " in: " + sql.substr(0, 200));
  }
  return Status::Ok();
}

void Connection::ResetBusy() {
  for (sqlite3_stmt* s = sqlite3_next_stmt(db_, nullptr); s; s = sqlite3_next_stmt(db_, s)) {
    if (sqlite3_stmt_busy(s)) sqlite3_reset(s);
  }
}

std::int64_t Connection::changes() const { return sqlite3_changes64(db_); }
std::int64_t Connection::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }
Status Connection::Error(std::string_view what) const {
  return IoError(std::string(what) + ": " + sqlite3_errmsg(db_));
}

// ------------------------------------------------------------------------ SqliteDb

struct SqliteDb::Pending {
  WriteFn fn;
  bool durable = true;
  std::promise<Status> done;
};

SqliteDb::SqliteDb(std::string path, SqliteDbOptions options)
    : path_(std::move(path)), options_(std::move(options)) {}

Result<std::unique_ptr<SqliteDb>> SqliteDb::Open(const std::string& path, SqliteDbOptions options) {
  std::unique_ptr<SqliteDb> db(new SqliteDb(path, std::move(options)));
  SENTIO_RETURN_IF_ERROR(db->Init());
  db->writer_thread_ = std::thread([p = db.get()] { p->WriterLoop(); });
  return db;
}

namespace {

Result<int> ReadSchemaVersion(Connection& c) {
  SENTIO_RETURN_IF_ERROR(
      c.Exec("CREATE TABLE IF NOT EXISTS schema_version(version INTEGER NOT NULL)"));
  SENTIO_ASSIGN_OR_RETURN(Stmt * st, c.Prepare("SELECT max(version) FROM schema_version"));
  SENTIO_ASSIGN_OR_RETURN(bool row, st->Step());
  int v = (row && !st->IsNull(0)) ? static_cast<int>(st->Int(0)) : 0;
  st->Reset();
  return v;
}

}  // namespace

Status SqliteDb::Init() {
  if (options_.exclusive) {
    std::string lock_path = path_ + ".lock";
    lock_fd_ = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (lock_fd_ < 0) return IoError("cannot open " + lock_path + ": " + std::strerror(errno));
    if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
      return Unavailable("database " + path_ + " is already open in another process (" +
                         lock_path + " is locked)");
    }
  }
  SENTIO_ASSIGN_OR_RETURN(writer_, Connection::Open(path_, false, options_.busy_timeout_ms));
  Connection& w = *writer_;
  SENTIO_RETURN_IF_ERROR(w.Exec("PRAGMA journal_mode=WAL"));
  SENTIO_RETURN_IF_ERROR(w.Exec("PRAGMA synchronous=FULL"));
  SENTIO_RETURN_IF_ERROR(w.Exec("PRAGMA foreign_keys=OFF"));
  SENTIO_RETURN_IF_ERROR(w.Exec("PRAGMA temp_store=MEMORY"));
  SENTIO_RETURN_IF_ERROR(w.Exec("PRAGMA cache_size=-" + std::to_string(options_.cache_size_kib)));
  // Check the mode really is WAL (e.g. not on a filesystem without shared memory).
  {
    SENTIO_ASSIGN_OR_RETURN(Stmt * st, w.Prepare("PRAGMA journal_mode"));
    SENTIO_ASSIGN_OR_RETURN(bool row, st->Step());
    std::string mode = row ? st->Text(0) : "";
    st->Reset();
    if (mode != "wal") return IoError("database " + path_ + ": cannot enable WAL (mode " + mode + ")");
  }

  const std::vector<Migration> migrations =
      options_.migrations ? *options_.migrations : SentioMigrations();
  int latest = 0;
  for (const auto& m : migrations) latest = std::max(latest, m.version);

  SENTIO_RETURN_IF_ERROR(w.Exec("BEGIN IMMEDIATE"));
  auto current = ReadSchemaVersion(w);
  if (!current.ok()) {
    (void)w.Exec("ROLLBACK");
    return current.status();
  }
  if (*current > latest) {
    (void)w.Exec("ROLLBACK");
    return Unavailable("database " + path_ + " has schema version " + std::to_string(*current) +
                       ", newer than this build of Sentio supports (" + std::to_string(latest) +
                       "); upgrade Sentio or use another --data-dir");
  }
  int v = *current;
  for (const auto& m : migrations) {
    if (m.version <= v) continue;
    Status st = w.Exec(m.sql);
    if (st.ok()) {
      st = w.Exec("INSERT INTO schema_version(version) VALUES(" + std::to_string(m.version) + ")");
    }
    if (!st.ok()) {
      (void)w.Exec("ROLLBACK");
      return Status(st.code(), "migration " + std::to_string(m.version) + " failed: " + st.message());
    }
    v = m.version;
  }
  SENTIO_RETURN_IF_ERROR(w.Exec("COMMIT"));
  schema_version_ = v;

  for (std::size_t i = 0; i < std::max<std::size_t>(1, options_.read_connections); ++i) {
    SENTIO_ASSIGN_OR_RETURN(auto r, Connection::Open(path_, true, options_.busy_timeout_ms));
    SENTIO_RETURN_IF_ERROR(r->Exec("PRAGMA cache_size=-" + std::to_string(options_.cache_size_kib)));
    SENTIO_RETURN_IF_ERROR(r->Exec("PRAGMA temp_store=MEMORY"));
    readers_.push_back(std::move(r));
  }
  return Status::Ok();
}

SqliteDb::~SqliteDb() {
  {
    std::lock_guard lk(mu_);
    stop_ = true;
  }
  writer_cv_.notify_all();
  if (writer_thread_.joinable()) writer_thread_.join();
  readers_.clear();
  if (writer_) {
    // Fold the WAL back into the main file for a tidy shutdown (best effort).
    (void)writer_->Exec("PRAGMA wal_checkpoint(TRUNCATE)");
  }
  writer_.reset();
  if (lock_fd_ >= 0) ::close(lock_fd_);  // releases the flock
}

Status SqliteDb::Write(WriteFn fn, WriteOptions opts) {
  auto p = std::make_shared<Pending>();
  p->fn = std::move(fn);
  p->durable = opts.durable;
  auto fut = p->done.get_future();
  {
    std::lock_guard lk(mu_);
    if (stop_) return Unavailable("database is closing");
    if (queue_.size() >= options_.max_pending_writes) {
      return ResourceExhausted("database write queue is full (" +
                               std::to_string(options_.max_pending_writes) + " pending)");
    }
    queue_.push_back(std::move(p));
  }
  writer_cv_.notify_one();
  return fut.get();
}

Status SqliteDb::Read(const ReadFn& fn) {
  std::unique_ptr<Connection> c;
  {
    std::unique_lock lk(read_mu_);
    read_cv_.wait(lk, [&] { return !readers_.empty(); });
    c = std::move(readers_.back());
    readers_.pop_back();
  }
  Status st = c->Exec("BEGIN");
  if (st.ok()) {
    st = fn(*c);
    c->ResetBusy();
    Status end = c->Exec("COMMIT");  // read-only: just ends the snapshot
    if (st.ok()) st = end;
    if (!end.ok()) (void)c->Exec("ROLLBACK");
  }
  {
    std::lock_guard lk(read_mu_);
    readers_.push_back(std::move(c));
  }
  read_cv_.notify_one();
  return st;
}

SqliteDb::WriterStats SqliteDb::writer_stats() const {
  std::lock_guard lk(mu_);
  return stats_;
}

std::size_t SqliteDb::pending_writes() const {
  std::lock_guard lk(mu_);
  return queue_.size();
}

void SqliteDb::WriterLoop() {
  std::vector<std::shared_ptr<Pending>> group;
  for (;;) {
    {
      std::unique_lock lk(mu_);
      writer_cv_.wait(lk, [&] { return stop_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stop_ and drained
      while (!queue_.empty() && group.size() < options_.max_group) {
        group.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    CommitGroup(group);
    group.clear();
  }
}

void SqliteDb::CommitGroup(std::vector<std::shared_ptr<Pending>>& group) {
  {
    // Counted before any caller is released, so a caller that returned sees its write.
    std::lock_guard lk(mu_);
    stats_.transactions += 1;
    stats_.writes += static_cast<std::int64_t>(group.size());
  }
  Connection& w = *writer_;
  bool durable = false;
  for (const auto& p : group) durable = durable || p->durable;
  if (durable != writer_sync_full_) {
    // Only a group made entirely of non-durable writes skips the fsync.
    if (w.Exec(durable ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL").ok()) {
      writer_sync_full_ = durable;
    } else {
      durable = true;  // could not change it: stays FULL
    }
  }
  Status begin = w.Exec("BEGIN IMMEDIATE");
  if (!begin.ok()) {
    for (auto& p : group) p->done.set_value(begin);
    return;
  }
  std::vector<Status> results;
  results.reserve(group.size());
  for (auto& p : group) {
    Status st = w.Exec("SAVEPOINT w");
    if (st.ok()) {
      try {
        st = p->fn(w);
      } catch (const std::exception& e) {
        st = Internal(std::string("write closure threw: ") + e.what());
      }
      w.ResetBusy();
      if (sqlite3_get_autocommit(w.raw()) != 0) {
        // SQLite rolled the whole transaction back (disk full, I/O error, ...): every
        // closure of the group is lost, so every caller gets the error.
        Status lost = st.ok() ? IoError("transaction rolled back by sqlite") : st;
        for (auto& q : group) q->done.set_value(lost);
        return;
      }
      if (st.ok()) {
        st = w.Exec("RELEASE w");
      } else {
        (void)w.Exec("ROLLBACK TO w");
        (void)w.Exec("RELEASE w");
      }
    }
    results.push_back(std::move(st));
  }
  Status commit = w.Exec("COMMIT");
  if (!commit.ok()) {
    (void)w.Exec("ROLLBACK");
    for (auto& p : group) p->done.set_value(commit);
    return;
  }
  for (std::size_t i = 0; i < group.size(); ++i) group[i]->done.set_value(std::move(results[i]));
}

}  // namespace sentio::storage
