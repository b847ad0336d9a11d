// An allocator for the large arrays: blocks of 2 MiB or more are aligned to
// 2 MiB and marked for transparent huge pages, so that a random access
// costs one TLB entry per 2 MiB instead of per 4 KiB, and a first write one
// page fault per 2 MiB instead of per 4 KiB. The faults are what made every
// array of a record, a customer or a node use it, not only those read at
// random (hash table slots, string offsets): a fault costs some
// microseconds, most of them in the kernel's entry and exit, and a fresh
// array of 85 MB (the sort keys of 3.5M customers) took 0.24 s to zero in
// 4 KiB pages where it takes 6 ms in 2 MiB ones. Where the kernel gives no
// huge pages, it is std::allocator with an alignment. Every array it gives
// is charged to the memory budget, and the spillable ones may go to a file
// beyond it (core/spill.h).
#pragma once

#include <cstddef>
#include <new>
#include <type_traits>
#include <utility>
#include <vector>

#include "core/spill.h"

namespace parcours {

template <typename T, bool Spillable = false>
struct HugePageAllocator {
  using value_type = T;
  template <typename U>
  struct rebind {
    using other = HugePageAllocator<U, Spillable>;
  };
  HugePageAllocator() = default;
  template <typename U>
  HugePageAllocator(const HugePageAllocator<U, Spillable>&) {}

  T* allocate(size_t n) { return static_cast<T*>(spill::allocate(n * sizeof(T), Spillable)); }
  void deallocate(T* p, size_t n) { spill::deallocate(p, n * sizeof(T)); }
  // resize() of a spillable array leaves new elements of a trivial type
  // unwritten, as they will be written once: zeroes first would write
  // every page of a file twice.
  template <typename U, typename... Args>
  void construct(U* p, Args&&... args) {
    if constexpr (Spillable && sizeof...(Args) == 0) ::new (static_cast<void*>(p)) U;
    else ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
  template <typename U>
  bool operator==(const HugePageAllocator<U, Spillable>&) const { return true; }
};

// An array of n trivially copyable T, charged to the budget as the arrays
// of HugePageAllocator are, that grows in place (spill::reallocate): past
// 2 MiB its pages are moved by the kernel, not copied, and only the added
// ones are new (zeroed by the kernel as they are first written: a cost of
// every page a run takes, not small on some machines).
template <typename T>
class GrowArray {
  static_assert(std::is_trivially_copyable_v<T>);

 public:
  GrowArray() = default;
  explicit GrowArray(size_t n) : data_(n == 0 ? nullptr : static_cast<T*>(spill::allocate(n * sizeof(T), false))), size_(n) {}
  GrowArray(GrowArray&& o) noexcept : data_(std::exchange(o.data_, nullptr)), size_(std::exchange(o.size_, 0)) {}
  GrowArray& operator=(GrowArray&& o) noexcept {
    if (this != &o) {
      free();
      data_ = std::exchange(o.data_, nullptr);
      size_ = std::exchange(o.size_, 0);
    }
    return *this;
  }
  GrowArray(const GrowArray&) = delete;
  GrowArray& operator=(const GrowArray&) = delete;
  ~GrowArray() { free(); }

  // To n elements (n >= size()): the first size() keep their values, the
  // others are unwritten.
  void grow(size_t n) {
    if (n <= size_) return;
    data_ = static_cast<T*>(data_ == nullptr ? spill::allocate(n * sizeof(T), false)
                                             : spill::reallocate(data_, size_ * sizeof(T), n * sizeof(T)));
    size_ = n;
  }
  T& operator[](size_t i) { return data_[i]; }
  const T& operator[](size_t i) const { return data_[i]; }
  T* data() { return data_; }
  const T* data() const { return data_; }
  size_t size() const { return size_; }

 private:
  void free() {
    if (data_ != nullptr) spill::deallocate(data_, size_ * sizeof(T));
    data_ = nullptr;
    size_ = 0;
  }
  T* data_ = nullptr;
  size_t size_ = 0;
};

// The arrays of a run's records and tables.
template <typename T>
using BigVector = std::vector<T, HugePageAllocator<T>>;
// Those of them filled and read in record order, which may go to a file
// beyond the memory budget.
template <typename T>
using SpillVector = std::vector<T, HugePageAllocator<T, true>>;

// Gives a vector's memory back. (`v = {}` does not: it assigns an empty
// list, and the vector keeps its capacity.)
template <typename V>
void release(V& v) {
  V().swap(v);
}

}  // namespace parcours
