// Asking for a cache line ahead of its use.
#pragma once

namespace parcours {

// GCC 12 drops __builtin_prefetch when the address itself is read from
// memory (a slot's pointer to an entry), which is the case worth it: on
// x86 the instruction is written out so that it stays.
inline void prefetch(const void* p) {
#if defined(__x86_64__) || defined(__i386__)
  asm volatile("prefetcht0 (%0)" : : "r"(p));
#else
  __builtin_prefetch(p);
#endif
}

}  // namespace parcours
