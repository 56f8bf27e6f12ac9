// RedisQueue: the scale-out Queue on a Redis Stream with one consumer group.
//
//   Enqueue  one Lua script per chunk: SET NX on a dedup key per (source, post_id), then
//            XADD of the new ones only (atomic; chunks are pipelined). With AOF and
//            `appendfsync always` Redis replies only after the fsync, so a returned
//            Enqueue survives a crash (see docs/DEPLOY.md for `everysec`).
//   Claim    XAUTOCLAIM of entries idle longer than the lease (crashed/slow consumers)
//            first, then XREADGROUP ... BLOCK for new ones. Entries delivered more than
//            max_attempts times go to the dead-letter stream instead.
//   Ack      XACK + XDEL (call only after Store::WriteResults committed).
//   Fail     dead-letters after max_attempts, else makes the entry reclaimable at once.
//   Trim     XTRIM MINID below the oldest pending / undelivered entry: never drops work.
//   Bound    Enqueue fails with kResourceExhausted when the stream holds max_depth
//            entries (the queue never drops un-acknowledged entries to make room).
//
// Thread-safe: a bounded pool of connections; blocking reads use their own connection.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/conn_pool.h"
#include "queue/queue.h"

struct redisContext;

namespace sentio::queue {

struct RedisQueueOptions {
  std::string key_prefix = "{sentio}";  // hash tag keeps every key in one cluster slot
  std::string group = "workers";
  std::string consumer;                 // "" -> "host:pid:random"
  int max_attempts = 5;                 // deliveries before dead-lettering
  std::int64_t max_depth = 1'000'000;   // Enqueue refuses beyond this many stream entries
  std::int64_t dedup_ttl_s = 7 * 24 * 3600;  // how long (source, post_id) is remembered; 0 = forever
  std::int64_t dead_letter_max = 100'000;    // dead-letter stream cap (oldest dropped)
  std::size_t pool_size = 8;            // max connections held by this object
  std::chrono::milliseconds connect_timeout{2000};
  std::chrono::milliseconds io_timeout{5000};   // per command (blocking reads add their wait)
  std::chrono::milliseconds acquire_timeout{5000};  // waiting for a free pooled connection
  std::size_t enqueue_chunk = 256;      // posts per Lua call (pipelined)
  int trim_every_acks = 64;             // run the safe XTRIM every N Ack calls
  const Clock* clock = nullptr;         // nullptr -> system clock
};

class RedisQueue final : public Queue {
 public:
  // url: redis://[:password@]host[:port][/db]  (also redis://user:password@host...)
  static Result<std::unique_ptr<RedisQueue>> Open(std::string url, RedisQueueOptions opts = {});
  ~RedisQueue() override;
  RedisQueue(const RedisQueue&) = delete;
  RedisQueue& operator=(const RedisQueue&) = delete;

  Result<EnqueueResult> Enqueue(std::vector<Post> posts) override;
  Result<std::vector<Delivery>> Claim(std::size_t max, std::chrono::milliseconds lease,
                                      std::chrono::milliseconds wait) override;
  Status Ack(std::span<const Delivery> done) override;
  Status Fail(const Delivery& d, std::string_view error) override;
  Result<QueueStats> Stats() override;
  Result<std::vector<DeadLetter>> ListDeadLetters(int limit) override;
  std::string Describe() const override;  // "redis://host:port/db stream=... group=..." (no password)

  // Removes entries below the oldest pending / not-yet-delivered entry (also done
  // automatically every trim_every_acks Acks). Returns how many entries were removed.
  Result<std::int64_t> TrimAcknowledged();
  const std::string& consumer_name() const { return opts_.consumer; }
  const std::string& stream_key() const { return stream_key_; }

  // Encoding of a post inside a stream entry (exposed for tests).
  static std::string EncodePost(const Post& p);
  static Result<Post> DecodePost(std::string_view json);

 private:
  struct Endpoint {
    std::string host = "127.0.0.1";
    int port = 6379;
    int db = 0;
    std::string user, password;
  };
  class Conn;
  using Pool = ConnPool<Conn>;
  using Lease = Pool::Lease;
  RedisQueue(Endpoint ep, RedisQueueOptions opts);

  static Result<Endpoint> ParseUrl(const std::string& url);
  Result<std::unique_ptr<Conn>> Connect();
  Result<Lease> Acquire();
  Status Init();
  Status DeadLetterLocked(Conn& c, const std::string& id, const std::string& payload,
                          int attempts, std::string_view error);
  TimeMs now_ms() const;

  Endpoint ep_;
  RedisQueueOptions opts_;
  std::string stream_key_, dead_key_, seen_prefix_;
  std::string enqueue_sha_, trim_sha_;
  SystemClock system_clock_;

  std::unique_ptr<Pool> pool_;

  std::mutex mu_;
  std::string autoclaim_cursor_ = "0-0";     // guarded by mu_
  int acks_since_trim_ = 0;                  // guarded by mu_
};

}  // namespace sentio::queue
