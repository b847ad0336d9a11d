#include "core/intern.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include <sys/mman.h>

#include "core/diag.h"

namespace parcours {

namespace {

inline uint64_t mix(uint64_t a, uint64_t b) {
  __extension__ using uint128 = unsigned __int128;
  const uint128 r = static_cast<uint128>(a) * b;
  return static_cast<uint64_t>(r) ^ static_cast<uint64_t>(r >> 64);
}

inline uint32_t load4(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
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
  // The last 0 to 7 bytes in at most two loads (overlapping when n < 8),
  // never byte by byte through memory: a wide load of bytes just stored
  // one at a time waits for them (a failed store-to-load forward), and
  // that wait was most of the time of hashing a short name.
  uint64_t tail;
  if (n >= 4) tail = static_cast<uint64_t>(load4(p)) << 32 | load4(p + n - 4);
  else if (n > 0)
    tail = static_cast<uint64_t>(static_cast<unsigned char>(p[0])) << 16 |
           static_cast<uint64_t>(static_cast<unsigned char>(p[n / 2])) << 8 | static_cast<unsigned char>(p[n - 1]);
  else tail = 0;
  h = mix(h ^ tail ^ (static_cast<uint64_t>(n) << 56), k1);
  return mix(h, k0);
}

Interner::Interner(Index index) : slots_(64), slot_count_(64), indexed_(index == Index::as_added) {
  std::fill(slots_.data(), slots_.data() + slot_count_, Slot{0, kNone});
}

void Interner::seal() {
  if (sealed()) return;
  // The table goes first: the entries are walked in order, not looked up.
  slots_ = GrowArray<Slot>();
  slot_count_ = 0;
  where_.resize(size_);
  for (size_t b = 0; b < blocks_.size(); ++b) {
    BigVector<char>& block = blocks_[b];
    char* const first = block.data();
    size_t out = 0;
    for (size_t offset = 0; offset < block.size();) {
      const char* e = first + offset;
      const uint32_t id = id_at(e);
      const std::string_view s = text(e + 4);
      const size_t bytes = static_cast<size_t>(s.data() - (e + 4)) + s.size();  // length and string
      const size_t size = (bytes + 3) / 4 * 4;
      where_[id] = static_cast<uint32_t>(b << kOffsetBits | out / 4);
      std::memmove(first + out, e + 4, bytes);
      std::memset(first + out + bytes, 0, size - bytes);
      out += size;
      offset += (4 + bytes + 3) / 4 * 4;  // the entry as it was: the move wrote over it
    }
    block.resize(out);
    // The whole pages past the last entry, back to the system.
    constexpr uintptr_t kPage = 4096;
    const uintptr_t from = (reinterpret_cast<uintptr_t>(first + out) + kPage - 1) / kPage * kPage;
    const uintptr_t to = reinterpret_cast<uintptr_t>(first + block.capacity()) / kPage * kPage;
    if (to > from) madvise(reinterpret_cast<void*>(from), to - from, MADV_DONTNEED);
  }
  skip_ = 0;
  indexed_ = true;
}

size_t Interner::entry_bytes() const {
  size_t n = 0;
  for (const BigVector<char>& b : blocks_) n += b.size();
  return n;
}

void Interner::index() {
  if (indexed_) return;
  indexed_ = true;
  // The entries are in blocks in the order of their ids, back to back.
  where_.resize(size_);
  for (size_t b = 0; b < blocks_.size(); ++b) {
    const char* const first = blocks_[b].data();
    for (size_t offset = 0; offset < blocks_[b].size();) {
      const char* e = first + offset;
      where_[id_at(e)] = static_cast<uint32_t>(b << kOffsetBits | offset / 4);
      offset += entry_size(e);
    }
  }
}

uint32_t Interner::find(std::string_view s) const {
  if (sealed()) throw std::logic_error("Interner::find after seal");
  const uint32_t tag = tag_of(s);
  for (uint64_t i = home(tag);; i = next(i)) {
    const Slot& slot = slots_[i];
    if (slot.place == kNone) return kNone;
    if (slot.tag == tag) {
      const char* e = at(slot.place);
      if (text(e + 4) == s) return id_at(e);
    }
  }
}

uint32_t Interner::intern(std::string_view s, uint64_t hash, bool* added) {
  if (sealed()) throw std::logic_error("Interner::intern after seal");
  const auto tag = static_cast<uint32_t>(hash >> 32);
  uint64_t i = home(tag);
  for (;; i = next(i)) {
    const Slot& slot = slots_[i];
    if (slot.place == kNone) break;
    if (slot.tag == tag) {
      const char* e = at(slot.place);
      if (text(e + 4) == s) {
        if (added != nullptr) *added = false;
        return id_at(e);
      }
    }
  }
  const uint32_t id = size();
  if (id == kNone) throw TooLarge("more than 2^32 - 1 distinct strings in one table");
  const uint32_t place = append(s, id);
  if (indexed_) where_.push_back(place);
  ++size_;
  slots_[i] = Slot{tag, place};
  if (added != nullptr) *added = true;
  // Keep the load under 2/3: probes stay short (about 5 slots for a string
  // not there, 2 for one there), and a probe of 8 slots reads one line.
  if (static_cast<uint64_t>(size()) * 3 > slot_count_ * 2 && slot_count_ < kMaxSlots) grow();
  return id;
}

uint32_t Interner::append(std::string_view s, uint32_t id) {
  const size_t head = s.size() < 0xff ? 5 : 9;
  const size_t need = (head + s.size() + 3) / 4 * 4;
  // A new block when the last is full, or when an entry there could not be
  // placed (past kMaxBlock: a block of one long string is full already).
  if (blocks_.empty() || blocks_.back().capacity() - blocks_.back().size() < need ||
      blocks_.back().size() >= kMaxBlock) {
    // Blocks double from 4 KiB to kMaxBlock: a table of a few strings
    // stays small, a large one is a few hundred blocks at most.
    if (blocks_.size() == size_t{1} << (32 - kOffsetBits))
      throw TooLarge("more than 16 GiB of distinct strings in one table");
    const size_t next = blocks_.empty() ? 4096 : std::min(kMaxBlock, blocks_.back().capacity() * 2);
    blocks_.emplace_back().reserve(std::max(next, need));
  }
  BigVector<char>& b = blocks_.back();
  const auto place = static_cast<uint32_t>((blocks_.size() - 1) << kOffsetBits | b.size() / 4);
  char head_bytes[9];
  std::memcpy(head_bytes, &id, 4);
  if (head == 5) {
    head_bytes[4] = static_cast<char>(s.size());
  } else {
    head_bytes[4] = static_cast<char>(0xff);
    const auto len = static_cast<uint32_t>(s.size());
    std::memcpy(head_bytes + 5, &len, 4);
  }
  b.insert(b.end(), head_bytes, head_bytes + head);
  b.insert(b.end(), s.begin(), s.end());
  b.resize(b.size() + (need - head - s.size()), '\0');
  return place;
}

// The table grows in place (GrowArray): only the added slots are new
// memory, where a new table of all the slots cost its pages again at every
// growth (twice the last table's in all, the kernel zeroing each) and held
// both tables at once. The strings are then placed in the larger table
// from the last slot down. A slot is either empty, or holds a string
// placed already (`placed`), or one not yet: a string being placed probes
// from its home past the placed ones, and takes the first slot that is
// empty or holds one not yet placed, which is then placed in turn. So no
// probe sequence of a placed string ever crosses a string not yet placed,
// and taking one out of its slot breaks none: once all are placed, the
// table is as if they had been added to it one by one. Homes only rise
// with the table (tag * slots), so going down, the slots above are all
// done: a string seldom meets one not yet placed, and the slots are read
// and written nearly in order, from the top down.
void Interner::grow() {
  const uint64_t old_count = slot_count_;
  const uint64_t count = std::min(old_count + old_count / 2, kMaxSlots);
  // Both allocations first: out of memory, the table stays as it was.
  std::vector<uint64_t> placed((count + 63) / 64, 0);
  slots_.grow(count);
  std::fill(slots_.data() + old_count, slots_.data() + count, Slot{0, kNone});
  slot_count_ = count;
  const auto is_placed = [&](uint64_t i) { return (placed[i / 64] >> (i % 64) & 1) != 0; };
  for (uint64_t p = old_count; p-- > 0;) {
    if (slots_[p].place == kNone || is_placed(p)) continue;
    Slot carry = slots_[p];
    slots_[p].place = kNone;
    for (;;) {
      uint64_t i = home(carry.tag);
      while (slots_[i].place != kNone && is_placed(i)) i = next(i);
      const Slot there = slots_[i];
      slots_[i] = carry;
      placed[i / 64] |= uint64_t{1} << (i % 64);
      if (there.place == kNone) break;
      carry = there;
    }
  }
}

}  // namespace parcours
