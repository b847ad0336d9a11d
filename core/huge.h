// An allocator for the large arrays that are read at random (hash table
// slots, string offsets): blocks of 2 MiB or more are aligned to 2 MiB and
// marked for transparent huge pages, so that a random access costs one TLB
// entry per 2 MiB instead of per 4 KiB. Where the kernel gives no huge
// pages, it is std::allocator with an alignment.
#pragma once

#include <sys/mman.h>

#include <cstddef>
#include <cstdlib>
#include <new>
#include <vector>

namespace parcours {

template <typename T>
struct HugePageAllocator {
  using value_type = T;
  HugePageAllocator() = default;
  template <typename U>
  HugePageAllocator(const HugePageAllocator<U>&) {}

  static constexpr size_t kHuge = size_t{2} << 20;

  T* allocate(size_t n) {
    const size_t bytes = n * sizeof(T);
    if (bytes < kHuge) {
      if (void* p = std::malloc(bytes)) return static_cast<T*>(p);
      throw std::bad_alloc();
    }
    const size_t rounded = (bytes + kHuge - 1) / kHuge * kHuge;
    void* p = std::aligned_alloc(kHuge, rounded);
    if (p == nullptr) throw std::bad_alloc();
#ifdef MADV_HUGEPAGE
    madvise(p, rounded, MADV_HUGEPAGE);
#endif
    return static_cast<T*>(p);
  }
  void deallocate(T* p, size_t) { std::free(p); }
  template <typename U>
  bool operator==(const HugePageAllocator<U>&) const { return true; }
};

// The arrays of a run's records and tables.
template <typename T>
using BigVector = std::vector<T, HugePageAllocator<T>>;

// Gives a vector's memory back. (`v = {}` does not: it assigns an empty
// list, and the vector keeps its capacity.)
template <typename V>
void release(V& v) {
  V().swap(v);
}

}  // namespace parcours
