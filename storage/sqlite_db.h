// SqliteDb: the one SQLite database file of embedded mode (<data-dir>/sentio.db), shared
// by SqliteStore and EmbeddedQueue.
//
//  * WAL mode, synchronous=FULL: a write acknowledged by Write() survives kill -9 and
//    power loss.
//  * Versioned migrations (table schema_version) applied in order at Open; a file written
//    by a newer Sentio (higher version) is refused with a clear error.
//  * ONE writer thread doing group commit (leveldb DBImpl::Write style): callers submit a
//    write closure and block; the writer drains everything queued and runs it in one
//    BEGIN IMMEDIATE..COMMIT, so one fsync covers many writers. Each closure runs inside
//    its own SAVEPOINT, so a failing closure is rolled back alone.
//  * The writer queue is bounded: past `max_pending_writes` Write() returns
//    ResourceExhausted at once.
//  * A small pool of read-only connections for queries (WAL readers never block the
//    writer).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "core/status.h"
#include "core/types.h"
#include "text/utf8.h"

struct sqlite3;
struct sqlite3_stmt;

namespace sentio::storage {

// A prepared statement, owned by its Connection's cache. Reset (bindings cleared)
// each time it is handed out by Connection::Prepare.
class Stmt {
 public:
  explicit Stmt(sqlite3_stmt* s) : s_(s) {}
  // Binds are 1-based like SQLite's.
  Stmt& Bind(int i, std::int64_t v);
  Stmt& Bind(int i, int v) { return Bind(i, static_cast<std::int64_t>(v)); }
  Stmt& Bind(int i, double v);
  Stmt& Bind(int i, std::string_view v);  // copied (SQLITE_TRANSIENT)
  Stmt& Bind(int i, const char* v) { return Bind(i, std::string_view(v)); }
  Stmt& Bind(int i, const std::string& v) { return Bind(i, std::string_view(v)); }
  Stmt& BindNull(int i);
  template <typename T>
  Stmt& Bind(int i, const std::optional<T>& v) {
    if (v) return Bind(i, *v);
    return BindNull(i);
  }

  // Steps once: true = a row is available, false = done. Errors -> Status.
  Result<bool> Step();
  // Runs to completion (for statements without rows).
  Status Run();

  std::int64_t Int(int col) const;  // 0-based like SQLite's
  double Double(int col) const;
  std::string Text(int col) const;  // "" for NULL
  bool IsNull(int col) const;

  void Reset();
  sqlite3_stmt* raw() const { return s_; }

 private:
  sqlite3_stmt* s_;
};

// One SQLite connection with a prepared-statement cache. Not thread-safe: used by one
// thread at a time (the writer thread, or a reader that borrowed it from the pool).
class Connection {
 public:
  static Result<std::unique_ptr<Connection>> Open(const std::string& path, bool read_only,
                                                  int busy_timeout_ms);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Returns the cached prepared statement for `sql` (compiled on first use), reset.
  Result<Stmt*> Prepare(const std::string& sql);
  // Runs one or more statements without results (DDL, PRAGMA, BEGIN ...).
  Status Exec(const std::string& sql);
  // Resets every statement of this connection still mid-step (a closure that returned
  // early), so transactions can end cleanly.
  void ResetBusy();
  std::int64_t changes() const;
  std::int64_t last_insert_rowid() const;
  sqlite3* raw() const { return db_; }
  Status Error(std::string_view what) const;  // last error as a Status

 private:
  explicit Connection(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  std::unordered_map<std::string, std::unique_ptr<Stmt>> cache_;
};

// A schema migration: applied once, in version order, inside one transaction.
struct Migration {
  int version;
  std::string sql;
};

struct SqliteDbOptions {
  std::size_t max_pending_writes = 8192;  // queued write closures before ResourceExhausted
  std::size_t max_group = 4096;           // closures per transaction
  std::size_t read_connections = 4;
  int busy_timeout_ms = 10000;
  std::int64_t cache_size_kib = 64 * 1024;  // page cache per connection
  // Schema to apply; default = the Sentio schema (storage/sqlite_schema.h).
  std::optional<std::vector<Migration>> migrations;
  // Holds an exclusive advisory lock (<path>.lock) so that only one process opens the
  // file; makes "reset every lease at open" safe for the embedded queue.
  bool exclusive = true;
};

// What a write closure may do on the writer connection. Returning an error rolls back
// that closure's SAVEPOINT only.
using WriteFn = std::function<Status(Connection&)>;
using ReadFn = std::function<Status(Connection&)>;

struct WriteOptions {
  // false: the commit may skip fsync when every closure of the group is non-durable
  // (queue leases, acks: losing them only causes a re-delivery). A later durable commit
  // syncs the WAL up to and including these frames.
  bool durable = true;
};

// Every connection has the SQL function sentio_icontains(haystack, folded_needle) -> 0/1
// for the `q` filter (needle folded with text::FoldCase).
using text::FoldCase;

class SqliteDb {
 public:
  static Result<std::unique_ptr<SqliteDb>> Open(const std::string& path,
                                                SqliteDbOptions options = {});
  ~SqliteDb();  // finishes queued writes, joins the writer, closes connections
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  // Runs `fn` on the writer connection inside a group-committed transaction and blocks
  // until that transaction has committed (or failed). Thread-safe.
  Status Write(WriteFn fn, WriteOptions opts = {});
  // Runs `fn` on a pooled read-only connection inside one read transaction (a consistent
  // snapshot). Blocks while every read connection is busy. Thread-safe.
  Status Read(const ReadFn& fn);

  int schema_version() const { return schema_version_; }
  const std::string& path() const { return path_; }

  struct WriterStats {
    std::int64_t transactions = 0;
    std::int64_t writes = 0;  // closures committed (or rolled back)
  };
  WriterStats writer_stats() const;
  std::size_t pending_writes() const;  // closures waiting for the writer (for metrics)

 private:
  struct Pending;
  SqliteDb(std::string path, SqliteDbOptions options);
  Status Init();
  void WriterLoop();
  void CommitGroup(std::vector<std::shared_ptr<Pending>>& group);

  const std::string path_;
  const SqliteDbOptions options_;
  int schema_version_ = 0;
  int lock_fd_ = -1;

  std::unique_ptr<Connection> writer_;  // used only by the writer thread after Init
  bool writer_sync_full_ = true;        // writer thread only

  mutable std::mutex mu_;
  std::condition_variable writer_cv_;
  std::deque<std::shared_ptr<Pending>> queue_;  // guarded by mu_
  bool stop_ = false;                           // guarded by mu_
  WriterStats stats_;                           // guarded by mu_

  std::mutex read_mu_;
  std::condition_variable read_cv_;
  std::vector<std::unique_ptr<Connection>> readers_;  // guarded by read_mu_ (free list)

  std::thread writer_thread_;
};

}  // namespace sentio::storage
