#include "core/thread_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>

namespace sentio {
namespace {

TEST(ThreadPool, RunsAllTasksBeforeShutdown) {
  std::atomic<int> n{0};
  {
    ThreadPool pool(2, 1000);
    for (int i = 0; i < 500; ++i) pool.Submit([&] { n++; });
  }
  EXPECT_EQ(n.load(), 500);
}

TEST(ThreadPool, RefusesWhenQueueFull) {
  ThreadPool pool(1, 2);
  std::promise<void> gate;
  auto f = gate.get_future().share();
  std::promise<void> started;
  ASSERT_TRUE(pool.TrySubmit([&, f] { started.set_value(); f.wait(); }));
  started.get_future().wait();
  EXPECT_TRUE(pool.TrySubmit([] {}));
  EXPECT_TRUE(pool.TrySubmit([] {}));
  EXPECT_FALSE(pool.TrySubmit([] {}));  // bounded
  gate.set_value();
}

}  // namespace
}  // namespace sentio
