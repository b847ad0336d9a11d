// Interning: each distinct string gets a dense uint32_t id, so the hot paths
// (sorting, the episode scan) move integers instead of strings.
//
// Strings live back to back in one arena; the table is open addressing with
// 8-byte slots (id, 32 bits of hash), so a lookup touches one cache line in
// the common case and the table costs 16 bytes per string at most.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "core/huge.h"

namespace parcours {

inline constexpr uint32_t kNone = UINT32_MAX;

uint64_t hash_bytes(std::string_view s);

class Interner {
 public:
  Interner();
  // The id of s, adding it if new; *added tells which.
  uint32_t intern(std::string_view s, bool* added = nullptr) { return intern(s, hash_bytes(s), added); }
  // The same with hash_bytes(s) already known (computed on another thread).
  uint32_t intern(std::string_view s, uint64_t hash, bool* added);
  // The id of s, or kNone.
  uint32_t find(std::string_view s) const;
  std::string_view view(uint32_t id) const {
    return {arena_.data() + offsets_[id], static_cast<size_t>(offsets_[id + 1] - offsets_[id])};
  }
  uint32_t size() const { return static_cast<uint32_t>(offsets_.size() - 1); }
  // Bytes held, for memory accounting.
  size_t memory() const;

 private:
  struct Slot {
    uint32_t id;  // kNone when empty
    uint32_t tag;  // high 32 bits of the hash, to skip most string compares
  };
  // The slot is chosen from the tag alone, so growing the table never reads
  // the strings again (that was most of the cost of interning millions of
  // ids: one cache miss per string per doubling). Tables stay below 2^32
  // slots since ids are 32 bits and the load is at most 1/2; the tag then
  // still tells apart all but 2^-(32 - log2 slots) of the strings that meet
  // in a probe sequence.
  static uint32_t tag_of(std::string_view s) { return static_cast<uint32_t>(hash_bytes(s) >> 32); }
  uint64_t home(uint32_t tag) const { return tag & mask_; }
  void grow();
  BigVector<char> arena_;
  BigVector<uint64_t> offsets_;  // size() + 1 entries
  BigVector<Slot> slots_;
  uint64_t mask_ = 0;
};

}  // namespace parcours
