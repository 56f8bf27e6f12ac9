#include "app/backends.h"

#include <filesystem>

#include "queue/embedded_queue.h"
#include "storage/sqlite_db.h"
#include "storage/sqlite_store.h"
#ifdef SENTIO_HAVE_POSTGRES
#include "storage/postgres_store.h"
#endif
#ifdef SENTIO_HAVE_REDIS
#include "queue/redis_queue.h"
#endif

namespace sentio::app {

namespace {
bool StartsWith(const std::string& s, std::string_view p) { return s.rfind(p, 0) == 0; }
}  // namespace

Result<Backends> OpenBackends(const BackendConfig& cfg) {
  Backends b;
  const bool embedded_store = cfg.store.empty() || cfg.store == "sqlite";
  const bool embedded_queue = cfg.queue.empty() || cfg.queue == "embedded";
  std::shared_ptr<storage::SqliteDb> db;
  if (embedded_store || embedded_queue) {
    std::error_code ec;
    std::filesystem::create_directories(cfg.data_dir, ec);
    if (ec) return IoError("cannot create data dir '" + cfg.data_dir + "': " + ec.message());
    auto opened = storage::SqliteDb::Open((std::filesystem::path(cfg.data_dir) / "sentio.db").string());
    if (!opened.ok()) return opened.status();
    db = std::shared_ptr<storage::SqliteDb>(std::move(*opened));
    b.keepalive = db;
  }
  if (embedded_store) {
    b.store = std::make_unique<storage::SqliteStore>(db);
  } else if (StartsWith(cfg.store, "postgres://") || StartsWith(cfg.store, "postgresql://")) {
#ifdef SENTIO_HAVE_POSTGRES
    auto pg = storage::PostgresStore::Open(cfg.store);
    if (!pg.ok()) return pg.status();
    b.store = std::move(*pg);
#else
    return InvalidArgument("this build has no PostgreSQL support (SENTIO_WITH_POSTGRES=OFF)");
#endif
  } else {
    return InvalidArgument("unknown store '" + cfg.store + "' (want sqlite or postgres://...)");
  }
  if (embedded_queue) {
    if (!embedded_store)
      return InvalidArgument("the embedded queue needs the embedded store; with --store postgres use --queue redis://...");
    queue::EmbeddedQueueOptions qo;
    qo.max_attempts = cfg.max_queue_attempts;
    auto q = queue::EmbeddedQueue::Open(db, qo);
    if (!q.ok()) return q.status();
    b.queue = std::move(*q);
  } else if (StartsWith(cfg.queue, "redis://")) {
#ifdef SENTIO_HAVE_REDIS
    queue::RedisQueueOptions ro;
    ro.max_attempts = cfg.max_queue_attempts;
    auto q = queue::RedisQueue::Open(cfg.queue, ro);
    if (!q.ok()) return q.status();
    b.queue = std::move(*q);
#else
    return InvalidArgument("this build has no Redis support (SENTIO_WITH_REDIS=OFF)");
#endif
  } else {
    return InvalidArgument("unknown queue '" + cfg.queue + "' (want embedded or redis://...)");
  }
  return b;
}

}  // namespace sentio::app
