// Interning: each distinct string gets a dense uint32_t id, so the hot paths
// (sorting, the episode scan) move integers instead of strings.
//
// The table is open addressing with 8-byte slots (32 bits of hash, where the
// string is), so looking a string up costs two cache misses at most: its
// slot, then its entry, which holds the string and its id side by side
// (keeping ids in the slots would cost a third, to find where the string is).
// Entries are written back to back into blocks that are never moved: the
// store grows without copying what it holds, and views stay valid.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#include "core/huge.h"
#include "core/prefetch.h"

namespace parcours {

inline constexpr uint32_t kNone = UINT32_MAX;

uint64_t hash_bytes(std::string_view s);

class Interner {
 public:
  // When ids are mapped to their strings (view()): as strings are added, or
  // only once asked (index(), seal()): a table that is not read back until
  // its strings are all in (the linker's node names) then saves 4 bytes a
  // string while it grows, at the peak of reading.
  enum class Index { as_added, when_asked };
  explicit Interner(Index index = Index::as_added);
  // The id of s, adding it if new; *added tells which.
  uint32_t intern(std::string_view s, bool* added = nullptr) { return intern(s, hash_bytes(s), added); }
  // The same with hash_bytes(s) already known (computed on another thread).
  // Throws TooLarge (core/diag.h) past 2^32 - 1 strings or 16 GiB of them.
  uint32_t intern(std::string_view s, uint64_t hash, bool* added);
  // The id of s, or kNone.
  uint32_t find(std::string_view s) const;
  // Frees the lookup table (at most 2/3 full: 12 bytes or more a string,
  // 94 MiB for 6.6M strings) once no string will be added or looked up,
  // and the 4 bytes of each entry that held its id (26 MB for 6.6M
  // strings): each block's entries move down without them, its pages
  // past the last go back to the system, and ids are mapped to the new
  // places. view() and warm_view() still work; intern() and find() throw
  // std::logic_error, and warm() must not be called.
  void seal();
  // The bytes the entries take.
  size_t entry_bytes() const;
  bool sealed() const { return slot_count_ == 0; }
  // Maps ids to their strings, if not done yet (Index::when_asked), from a
  // walk through the entries; strings added afterwards are mapped as they
  // come. view() and warm_view() need it.
  void index();
  std::string_view view(uint32_t id) const { return text(at(where_[id]) + skip_); }
  // Calls f(id, view(id)) for ids from begin to end - 1, in the order in
  // which they lie in memory: for a pass over many strings that can take
  // them in any order, where view() would miss the cache twice a string.
  // Needs the index (index() or seal()) to find where `begin` is.
  template <typename F>
  void for_each(uint32_t begin, uint32_t end, F&& f) const {
    if (begin >= end) return;
    size_t b = where_[begin] >> kOffsetBits;
    auto offset = static_cast<size_t>(at(where_[begin]) - blocks_[b].data());
    for (uint32_t id = begin; id < end; ++id) {
      while (offset == blocks_[b].size()) ++b, offset = 0;
      const char* const e = blocks_[b].data() + offset;
      f(id, text(e + skip_));
      offset += entry_size(e);
    }
  }
  uint32_t size() const { return size_; }
  // Warming the caches for intern(s, hash) a little later, in two steps
  // some records apart: the slot first (step 0); then, once it has
  // arrived, the entry it points at (step 1). Neither changes anything.
  void warm(uint64_t hash, int step) const {
    const Slot& s = slots_[home(static_cast<uint32_t>(hash >> 32))];
    if (step == 0) prefetch(&s);
    else if (s.place != kNone && s.tag == static_cast<uint32_t>(hash >> 32)) prefetch(at(s.place));
  }
  // The same for view(id): where the entry is (step 0), then the entry.
  void warm_view(uint32_t id, int step) const {
    if (step == 0) prefetch(&where_[id]);
    else prefetch(at(where_[id]));
  }

 private:
  // Where an entry is: block in the high 8 bits, offset in the block in
  // 4-byte units in the low 24 (blocks hold at most 64 MiB of entries,
  // unless one string alone is longer). kNone is never a place.
  static constexpr int kOffsetBits = 24;
  static constexpr size_t kMaxBlock = size_t{4} << kOffsetBits;
  struct Slot {
    uint32_t tag;    // high 32 bits of the hash, to skip most string compares
    uint32_t place;  // kNone when empty
  };
  // An entry: its id (4 bytes; until seal()), its length (1 byte, or 0xff
  // and 4 bytes), the string, padding to a multiple of 4 bytes.
  const char* at(uint32_t place) const {
    return blocks_[place >> kOffsetBits].data() + size_t{place & ((1u << kOffsetBits) - 1)} * 4;
  }
  static uint32_t id_at(const char* e) {
    uint32_t id;
    std::memcpy(&id, e, 4);
    return id;
  }
  // The bytes the entry at e takes, padding included.
  size_t entry_size(const char* e) const {
    const std::string_view s = text(e + skip_);
    return (static_cast<size_t>(s.data() - e) + s.size() + 3) / 4 * 4;
  }
  // The string whose length is at `length`.
  static std::string_view text(const char* length) {
    const auto n = static_cast<unsigned char>(length[0]);
    if (n < 0xff) return {length + 1, n};
    uint32_t len;
    std::memcpy(&len, length + 1, 4);
    return {length + 5, len};
  }
  // The slot is chosen from the tag alone, so growing the table never reads
  // the strings again (that was most of the cost of interning millions of
  // ids: one cache miss per string per doubling): the tag scaled to the
  // table, so that a table of any size works. It grows by half, not by
  // doubling: 6.6M names take 12.3M slots (94 MiB), where doubling gave
  // 2^24 (128 MiB), and 9.7M names 18.4M slots (140 MiB) instead of 2^25
  // (256 MiB). It stops growing at 2^32 slots, which 2^32 - 1 ids never
  // fill. The tag still tells apart all but 2^-(32 - log2 slots) of the
  // strings that meet in a probe sequence.
  static constexpr uint64_t kMaxSlots = uint64_t{1} << 32;
  static uint32_t tag_of(std::string_view s) { return static_cast<uint32_t>(hash_bytes(s) >> 32); }
  uint64_t home(uint32_t tag) const { return uint64_t{tag} * slot_count_ >> 32; }
  uint64_t next(uint64_t i) const { return i + 1 == slot_count_ ? 0 : i + 1; }
  uint32_t append(std::string_view s, uint32_t id);  // returns its place
  void grow();
  std::vector<BigVector<char>> blocks_;  // each filled up to its capacity, never reallocated
  BigVector<uint32_t> where_;            // id -> place, once indexed_
  GrowArray<Slot> slots_;
  uint64_t slot_count_ = 0;  // 0 once sealed
  uint32_t size_ = 0;
  uint32_t skip_ = 4;  // the bytes of an entry before its length: its id, until seal()
  bool indexed_;
};

}  // namespace parcours
