// A bounded pool of client connections (PostgreSQL, Redis, ...), shared by the backends
// that talk to an external server. Acquire() lends an idle connection or opens a new one
// while fewer than `size` exist; otherwise it waits up to `acquire_timeout` and then fails
// with kResourceExhausted (callers answer 503), so load never grows the pool unboundedly.
// A lease returns its connection on destruction; a broken one is dropped together with the
// idle ones (one dead connection usually means the server restarted), a poisoned one
// (e.g. a transaction that could not be rolled back) is dropped alone.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"

namespace sentio {

// Conn needs `bool broken() const`.
template <class Conn>
class ConnPool {
 public:
  using Connector = std::function<Result<std::unique_ptr<Conn>>()>;

  class Lease {
   public:
    Lease(Lease&& o) noexcept : pool_(o.pool_), c_(std::move(o.c_)), poisoned_(o.poisoned_) {}
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (c_) pool_->Release(std::move(c_), poisoned_);
    }
    Conn& operator*() { return *c_; }
    Conn* operator->() { return c_.get(); }
    void poison() { poisoned_ = true; }

   private:
    friend class ConnPool;
    Lease(ConnPool* p, std::unique_ptr<Conn> c) : pool_(p), c_(std::move(c)) {}
    ConnPool* pool_;
    std::unique_ptr<Conn> c_;
    bool poisoned_ = false;
  };

  // `name` prefixes error messages ("postgres: no free connection in the pool").
  ConnPool(std::string name, std::size_t size, std::chrono::milliseconds acquire_timeout,
           Connector connect)
      : name_(std::move(name)),
        size_(size == 0 ? 1 : size),
        acquire_timeout_(acquire_timeout),
        connect_(std::move(connect)) {}
  ConnPool(const ConnPool&) = delete;
  ConnPool& operator=(const ConnPool&) = delete;

  Result<Lease> Acquire() {
    std::unique_lock lk(mu_);
    const bool got =
        cv_.wait_for(lk, acquire_timeout_, [&] { return !idle_.empty() || open_ < size_; });
    if (!got) return ResourceExhausted(name_ + ": no free connection in the pool");
    if (!idle_.empty()) {
      auto c = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(c));
    }
    ++open_;
    lk.unlock();  // connecting takes a round trip or more: not under the lock
    auto c = connect_();
    if (!c.ok()) {
      lk.lock();
      --open_;
      cv_.notify_one();
      return c.status();
    }
    return Lease(this, std::move(c).value());
  }

  // Connections alive now (idle + lent).
  std::size_t open() const {
    std::lock_guard lk(mu_);
    return open_;
  }
  std::size_t idle() const {
    std::lock_guard lk(mu_);
    return idle_.size();
  }

 private:
  void Release(std::unique_ptr<Conn> c, bool poisoned) {
    std::vector<std::unique_ptr<Conn>> stale;
    {
      std::lock_guard lk(mu_);
      if (!poisoned && !c->broken()) {
        idle_.push_back(std::move(c));
      } else {
        --open_;
        if (c->broken()) {
          open_ -= idle_.size();
          stale.swap(idle_);
        }
      }
    }
    cv_.notify_all();
    // `c` (if dropped) and `stale` close here, outside the lock.
  }

  const std::string name_;
  const std::size_t size_;
  const std::chrono::milliseconds acquire_timeout_;
  const Connector connect_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Conn>> idle_;  // guarded by mu_
  std::size_t open_ = 0;                     // guarded by mu_
};

}  // namespace sentio
