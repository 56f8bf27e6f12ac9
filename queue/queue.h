// Queue: the durable hand-off between ingest and the classifier workers.
// Embedded: SQLite/WAL (queue/embedded_queue.h); scale-out: Redis Streams consumer group
// (queue/redis_queue.h). Delivery is at-least-once; consumers make writes idempotent.
#pragma once

#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/types.h"

namespace sentio::queue {

struct EnqueueResult {
  std::int64_t accepted = 0;
  std::int64_t duplicates = 0;
  std::vector<std::string> ids;      // post_id of each input, in order (generated ones included)
  std::vector<bool> duplicate;       // per input: already known
};

struct Delivery {
  std::string tag;       // opaque delivery handle (row id / stream entry id)
  Post post;
  int attempts = 1;      // including this one
};

struct DeadLetter {
  std::string tag;
  Post post;
  int attempts = 0;
  std::string last_error;
  TimeMs failed_at = 0;
};

struct QueueStats {
  std::int64_t depth = 0;        // waiting + in flight
  std::int64_t in_flight = 0;
  std::int64_t dead_letters = 0;
};

class Queue {
 public:
  virtual ~Queue() = default;

  // Durably records new posts; returns only after they survive a crash (fsync).
  // Idempotent on (source, post_id): known posts are reported as duplicates.
  // Many concurrent callers share one commit (group commit).
  virtual Result<EnqueueResult> Enqueue(std::vector<Post> posts) = 0;

  // Claims up to `max` deliveries for `lease`; waits up to `wait` when empty.
  // Entries whose lease expired (crashed consumer) are delivered again.
  virtual Result<std::vector<Delivery>> Claim(std::size_t max, std::chrono::milliseconds lease,
                                              std::chrono::milliseconds wait) = 0;
  // Done: call only after the results are committed to the Store.
  virtual Status Ack(std::span<const Delivery> done) = 0;
  // Failed: retried later, or moved to the dead-letter list after max attempts.
  virtual Status Fail(const Delivery& d, std::string_view error) = 0;

  virtual Result<QueueStats> Stats() = 0;
  virtual Result<std::vector<DeadLetter>> ListDeadLetters(int limit) = 0;
  virtual std::string Describe() const = 0;
};

}  // namespace sentio::queue
