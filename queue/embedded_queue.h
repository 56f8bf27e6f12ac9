// EmbeddedQueue: the durable queue of embedded mode (queue/queue.h) on the SAME SQLite
// file as SqliteStore (storage/sqlite_db.h).
//
//  * Enqueue inserts each post into `posts` (INSERT OR IGNORE on (source, post_id): known
//    posts, including repeats inside one batch, are duplicates) plus a `queue` row, in one
//    group-committed, fsynced transaction; it returns only after the commit (the durable
//    202 of POST /api/ingest). Posts are readable through the Store at once, unanalysed.
//  * Claim leases claimable rows (never leased, failed, or lease expired: a crashed
//    consumer's entries simply come back). An entry claimed max_attempts times whose lease
//    expires again goes to the dead letters (a poison post that crashes its worker).
//    Claim with `wait` blocks on a condition variable signalled by Enqueue/Fail, with a
//    short poll (lease_poll) only to notice leases expiring.
//  * Ack deletes queue rows; Fail records the error and retries, or moves the entry to
//    `dead_letters` once it has been attempted max_attempts times.
//  * At Open every lease is reset: SqliteDb holds an exclusive lock on the file, so no
//    other live process can own a lease.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <random>
#include <string>

#include "core/clock.h"
#include "queue/queue.h"
#include "storage/sqlite_db.h"

namespace sentio::queue {

struct EmbeddedQueueOptions {
  int max_attempts = 5;                          // deliveries before dead-lettering
  // Fail -> claimable again after this (counted as in flight meanwhile).
  std::chrono::milliseconds retry_delay{0};
  std::chrono::milliseconds lease_poll{100};     // Claim(wait) re-check for expired leases
  bool reset_leases_on_open = true;
  const Clock* clock = nullptr;                  // nullptr: the system clock
};

class EmbeddedQueue final : public Queue {
 public:
  static Result<std::unique_ptr<EmbeddedQueue>> Open(std::shared_ptr<storage::SqliteDb> db,
                                                     EmbeddedQueueOptions options = {});
  ~EmbeddedQueue() override;

  Result<EnqueueResult> Enqueue(std::vector<Post> posts) override;
  Result<std::vector<Delivery>> Claim(std::size_t max, std::chrono::milliseconds lease,
                                      std::chrono::milliseconds wait) override;
  Status Ack(std::span<const Delivery> done) override;
  Status Fail(const Delivery& d, std::string_view error) override;
  Result<QueueStats> Stats() override;
  Result<std::vector<DeadLetter>> ListDeadLetters(int limit) override;
  std::string Describe() const override;

  // Wakes every Claim waiting for entries; later Claims return at once (empty).
  // Call before stopping consumers on shutdown.
  void Shutdown();

 private:
  EmbeddedQueue(std::shared_ptr<storage::SqliteDb> db, EmbeddedQueueOptions options);
  Result<std::vector<Delivery>> TryClaim(std::size_t max, std::chrono::milliseconds lease);
  void Notify();
  std::string GeneratePostId();
  TimeMs now() const { return clock_->now_ms(); }

  std::shared_ptr<storage::SqliteDb> db_;
  EmbeddedQueueOptions options_;
  SystemClock system_clock_;
  const Clock* clock_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::uint64_t seq_ = 0;  // guarded by mu_; bumped when entries may have become claimable
  bool closed_ = false;    // guarded by mu_
  std::mt19937_64 rng_;    // guarded by mu_
};

}  // namespace sentio::queue
