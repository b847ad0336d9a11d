#include "core/intern.h"

#include <cstring>

namespace parcours {

namespace {

inline uint64_t mix(uint64_t a, uint64_t b) {
  __extension__ using uint128 = unsigned __int128;
  const uint128 r = static_cast<uint128>(a) * b;
  return static_cast<uint64_t>(r) ^ static_cast<uint64_t>(r >> 64);
}

inline uint64_t load8(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

}  // namespace

// A small multiply-mix hash in the manner of wyhash: 8 bytes per step, good
// avalanche, and no dependence on the platform's std::hash.
uint64_t hash_bytes(std::string_view s) {
  constexpr uint64_t k0 = 0xa0761d6478bd642full, k1 = 0xe7037ed1a0b428dbull, k2 = 0x8ebc6af09c88c6e3ull;
  const char* p = s.data();
  size_t n = s.size();
  uint64_t h = k0 ^ (n * k1);
  while (n >= 8) {
    h = mix(h ^ load8(p), k2);
    p += 8;
    n -= 8;
  }
  uint64_t tail = 0;
  std::memcpy(&tail, p, n);
  h = mix(h ^ tail ^ (static_cast<uint64_t>(n) << 56), k1);
  return mix(h, k0);
}

Interner::Interner() : offsets_{0}, slots_(64, Slot{kNone, 0}), mask_(63) {}

uint32_t Interner::find(std::string_view s) const {
  const uint32_t tag = tag_of(s);
  for (uint64_t i = home(tag);; i = (i + 1) & mask_) {
    const Slot& slot = slots_[i];
    if (slot.id == kNone) return kNone;
    if (slot.tag == tag && view(slot.id) == s) return slot.id;
  }
}

uint32_t Interner::intern(std::string_view s, uint64_t hash, bool* added) {
  const auto tag = static_cast<uint32_t>(hash >> 32);
  uint64_t i = home(tag);
  for (;; i = (i + 1) & mask_) {
    const Slot& slot = slots_[i];
    if (slot.id == kNone) break;
    if (slot.tag == tag && view(slot.id) == s) {
      if (added != nullptr) *added = false;
      return slot.id;
    }
  }
  const uint32_t id = size();
  arena_.insert(arena_.end(), s.begin(), s.end());
  offsets_.push_back(arena_.size());
  slots_[i] = Slot{id, tag};
  if (added != nullptr) *added = true;
  // Keep the load under 1/2: probes stay short.
  if (static_cast<uint64_t>(size()) * 2 > mask_) grow();
  return id;
}

void Interner::grow() {
  decltype(slots_) old(slots_.size() * 2, Slot{kNone, 0});
  old.swap(slots_);
  mask_ = slots_.size() - 1;
  for (const Slot& slot : old) {
    if (slot.id == kNone) continue;
    uint64_t i = home(slot.tag);
    while (slots_[i].id != kNone) i = (i + 1) & mask_;
    slots_[i] = slot;
  }
}

size_t Interner::memory() const {
  return arena_.capacity() + offsets_.capacity() * sizeof(uint64_t) + slots_.capacity() * sizeof(Slot);
}

}  // namespace parcours
