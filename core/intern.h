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

namespace parcours {

inline constexpr uint32_t kNone = UINT32_MAX;

uint64_t hash_bytes(std::string_view s);

class Interner {
 public:
  Interner();
  // The id of s, adding it if new; *added tells which.
  uint32_t intern(std::string_view s, bool* added = nullptr);
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
  void grow();
  std::vector<char> arena_;
  std::vector<uint64_t> offsets_;  // size() + 1 entries
  std::vector<Slot> slots_;
  uint64_t mask_ = 0;
};

}  // namespace parcours
