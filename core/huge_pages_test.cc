#include "core/huge_pages.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <numeric>
#include <vector>

namespace sentio {
namespace {

TEST(HugePages, LargeBlocksAreHugePageAligned) {
  void* p = AllocateHuge(kHugePageBytes + 1);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(p) % kHugePageBytes, 0u);
  // The whole rounded-up block is usable.
  static_cast<char*>(p)[2 * kHugePageBytes - 1] = 1;
  FreeHuge(p, kHugePageBytes + 1);
  void* small = AllocateHuge(100);
  ASSERT_NE(small, nullptr);
  static_cast<char*>(small)[99] = 1;
  FreeHuge(small, 100);
  FreeHuge(nullptr, 100);
}

TEST(HugePages, VectorKeepsItsContentsAcrossGrowth) {
  std::vector<std::int16_t, HugePageAllocator<std::int16_t>> v(1000);
  std::iota(v.begin(), v.end(), 0);
  v.resize(3 * kHugePageBytes / sizeof(std::int16_t));  // small block -> huge block
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(v.data()) % kHugePageBytes, 0u);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(v[static_cast<std::size_t>(i)], i);
  EXPECT_EQ(v.back(), 0);
  std::vector<std::int16_t, HugePageAllocator<std::int16_t>> w = v;
  EXPECT_EQ(w, v);
}

}  // namespace
}  // namespace sentio
