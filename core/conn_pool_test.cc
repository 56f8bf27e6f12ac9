#include "core/conn_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace sentio {
namespace {

struct FakeConn {
  int id = 0;
  bool dead = false;
  bool broken() const { return dead; }
};

struct Fixture {
  std::atomic<int> connects{0};
  std::atomic<bool> refuse{false};
  ConnPool<FakeConn> pool{"fake", 2, std::chrono::milliseconds(50), [this]() -> Result<std::unique_ptr<FakeConn>> {
                            if (refuse) return Unavailable("fake: refused");
                            auto c = std::make_unique<FakeConn>();
                            c->id = ++connects;
                            return c;
                          }};
};

TEST(ConnPool, ReusesIdleConnections) {
  Fixture f;
  {
    auto a = f.pool.Acquire();
    ASSERT_TRUE(a.ok());
    EXPECT_EQ((*a)->id, 1);
  }
  auto b = f.pool.Acquire();
  ASSERT_TRUE(b.ok());
  EXPECT_EQ((*b)->id, 1);  // the returned connection, not a new one
  EXPECT_EQ(f.connects.load(), 1);
}

TEST(ConnPool, BoundedWaitThenResourceExhausted) {
  Fixture f;
  auto a = f.pool.Acquire();
  auto b = f.pool.Acquire();
  ASSERT_TRUE(a.ok() && b.ok());
  auto c = f.pool.Acquire();
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), Code::kResourceExhausted);
  EXPECT_NE(c.status().message().find("fake: no free connection"), std::string::npos);
  EXPECT_EQ(f.pool.open(), 2u);
}

TEST(ConnPool, WaiterGetsConnectionReleasedByAnotherThread) {
  Fixture f;
  auto a = f.pool.Acquire();
  auto b = f.pool.Acquire();
  ASSERT_TRUE(a.ok() && b.ok());
  std::thread t([lease = std::move(a).value()]() mutable {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  });  // the lease dies at the end of the thread
  auto c = f.pool.Acquire();
  t.join();
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(f.connects.load(), 2);
}

TEST(ConnPool, BrokenConnectionDropsIdleOnes) {
  Fixture f;
  {
    auto b = f.pool.Acquire();
    ASSERT_TRUE(b.ok());
    {
      auto a = f.pool.Acquire();
      ASSERT_TRUE(a.ok());
    }  // a goes back idle
    EXPECT_EQ(f.pool.idle(), 1u);
    (*b)->dead = true;
  }  // b comes back broken: the server probably restarted, so a is dropped too
  EXPECT_EQ(f.pool.open(), 0u);
  EXPECT_EQ(f.pool.idle(), 0u);
  auto c = f.pool.Acquire();
  ASSERT_TRUE(c.ok());
  EXPECT_EQ((*c)->id, 3);  // a fresh connection
}

TEST(ConnPool, PoisonedConnectionDroppedAloneAndConnectFailureFreesSlot) {
  Fixture f;
  {
    auto a = f.pool.Acquire();
    auto b = f.pool.Acquire();
    ASSERT_TRUE(a.ok() && b.ok());
    b->poison();
  }
  EXPECT_EQ(f.pool.open(), 1u);
  EXPECT_EQ(f.pool.idle(), 1u);
  {
    auto x = f.pool.Acquire();  // the idle one
    ASSERT_TRUE(x.ok());
    f.refuse = true;
    auto y = f.pool.Acquire();  // new connection refused: error, slot given back
    ASSERT_FALSE(y.ok());
    EXPECT_EQ(y.status().code(), Code::kUnavailable);
    EXPECT_EQ(f.pool.open(), 1u);
  }
}

}  // namespace
}  // namespace sentio
