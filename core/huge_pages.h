#pragma once
// Memory for large tables read at random (model weights): blocks of 2 MiB or more are 2 MiB
// aligned and marked MADV_HUGEPAGE, so that where the kernel has transparent huge pages
// (mode `always` or `madvise`; this project's VMs run `madvise`) they are backed by 2 MiB
// pages. A random read of a multi-MB table then needs one TLB entry per 2 MiB instead of one
// per 4 KiB: without them nearly every read of a feature's row is a TLB miss and a page walk
// (costly under virtualisation), which stalls even the prefetches. Smaller blocks are plain
// allocations. Where the kernel gives no huge pages this changes nothing but the alignment.
#include <sys/mman.h>

#include <cstddef>
#include <cstdlib>
#include <new>

namespace sentio {

inline constexpr std::size_t kHugePageBytes = std::size_t{2} << 20;

inline void* AllocateHuge(std::size_t bytes) {
  if (bytes < kHugePageBytes) return ::operator new(bytes);
  const std::size_t rounded = (bytes + kHugePageBytes - 1) / kHugePageBytes * kHugePageBytes;
  void* p = std::aligned_alloc(kHugePageBytes, rounded);
  if (p == nullptr) throw std::bad_alloc();
  ::madvise(p, rounded, MADV_HUGEPAGE);  // advice only: failure leaves 4 KiB pages
  return p;
}

inline void FreeHuge(void* p, std::size_t bytes) noexcept {
  if (p == nullptr) return;
  if (bytes < kHugePageBytes) {
    ::operator delete(p);
  } else {
    std::free(p);
  }
}

// std::allocator's interface over AllocateHuge / FreeHuge (for std::vector).
template <typename T>
struct HugePageAllocator {
  using value_type = T;
  HugePageAllocator() = default;
  template <typename U>
  HugePageAllocator(const HugePageAllocator<U>&) noexcept {}  // NOLINT: rebinding converts implicitly
  T* allocate(std::size_t n) { return static_cast<T*>(AllocateHuge(n * sizeof(T))); }
  void deallocate(T* p, std::size_t n) noexcept { FreeHuge(p, n * sizeof(T)); }
  template <typename U>
  bool operator==(const HugePageAllocator<U>&) const noexcept {
    return true;
  }
};

}  // namespace sentio
