// The contacts of a run, after the record-level rules of SPEC §3: duplicates
// resolved (the last read wins), legs of one conversation merged, and each
// contact's customer key assigned by linking identifiers (core/identity.h).
//
// A Contact is 20 bytes of integers. Services, customers and conversations
// are interned once. Contact ids are not: each record's id is appended to an
// arena and duplicates are found at the end by sorting hashes, which costs
// far less than a hash table of every id (one cache miss per record once the
// table outgrows the caches) and half its memory.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/identity.h"
#include "core/intern.h"
#include "core/prefetch.h"
#include "core/record.h"
#include "core/time.h"

namespace parcours {

// A time of a contact (answered, end) in 4 bytes, relative to its start:
// the offset in whole seconds, milliseconds or microseconds, the coarsest
// unit that holds it exactly, as 30 signed bits, and 2 bits saying which
// unit (up to 17 years, 6.2 days, 8.9 minutes either way); else absent, or
// "far": kept whole in a table beside the contacts (Dataset::answered).
// Exports give seconds or milliseconds: far takes an offset of more than
// 6.2 days in milliseconds, or of more than 8.9 minutes in microseconds.
namespace offset_code {
inline constexpr int32_t kAbsent = 3;  // unit 3, value 0
inline constexpr int32_t kFar = 7;     // unit 3, value 1
inline constexpr int64_t kLimit = int64_t{1} << 29;
inline constexpr Micros kScale[3] = {1, 1000, 1000000};
// kFar when `offset` fits no unit.
inline int32_t encode(Micros offset) {
  for (int unit = 2; unit >= 0; --unit) {
    if (offset % kScale[unit] != 0) continue;
    const int64_t v = offset / kScale[unit];
    if (v < -kLimit || v >= kLimit) return kFar;
    return static_cast<int32_t>(static_cast<uint32_t>(v) << 2 | static_cast<uint32_t>(unit));
  }
  return kFar;  // not reached: every offset is whole microseconds
}
inline bool is_offset(int32_t code) { return (code & 3) != 3; }
// For a code that is_offset.
inline Micros decode(int32_t code) { return Micros{code >> 2} * kScale[code & 3]; }
}  // namespace offset_code

// offset_codes by record, most in 2 bytes. Exports give times in whole
// seconds, and most contacts end or are answered within hours. The codes
// come in blocks of kBlock records, each settled once full (the block
// being filled holds its codes whole): a block whose codes are whole
// seconds from 0 to 65533 (18 hours) or absent, all but kOthers of them at
// most, keeps each in 2 bytes, and those others in a table by record
// (about 40 bytes each: no more than the block saves); any other block
// keeps its codes whole. 2.02 bytes a record for the generator's ends
// (0.8% of them others), 4 for times in milliseconds.
class OffsetCodes {
 public:
  void reserve(size_t records) { arena_.reserve(records * 2); }
  void push_back(int32_t code) {
    filling_[filled_++] = code;
    if (filled_ == kBlock) seal_block();
  }
  int32_t operator[](uint32_t record) const {
    const size_t block = record / kBlock, k = record % kBlock;
    if (block == blocks_.size()) return filling_[k];
    const uint64_t b = blocks_[block];
    if (b & 1) {
      int32_t code;
      std::memcpy(&code, &arena_[(b >> 1) + 2 * k], sizeof code);
      return code;
    }
    const uint16_t n = arena_[(b >> 1) + k];
    if (n < kAbsent2) return static_cast<int32_t>(uint32_t{n} << 2 | 2);  // whole seconds
    return n == kAbsent2 ? offset_code::kAbsent : others_.at(record);
  }
  void set(uint32_t record, int32_t code);
  // Warms the caches for (*this)[record].
  void warm(uint32_t record) const {
    const size_t block = record / kBlock;
    if (block == blocks_.size()) return;
    const uint64_t b = blocks_[block];
    prefetch(&arena_[(b >> 1) + (b & 1 ? 2 : 1) * (record % kBlock)]);
  }
  // Blocks kept whole, and codes kept in the table (for the tests).
  size_t wide_blocks() const;
  size_t others() const { return others_.size(); }

  static constexpr uint32_t kBlock = 1024;
  static constexpr uint32_t kOthers = 32;

 private:
  static constexpr uint16_t kAbsent2 = 0xfffe, kOther2 = 0xffff;
  // The 2-byte form of a code: seconds, kAbsent2, or kOther2 when it has none.
  static uint16_t narrow(int32_t code) {
    if (code == offset_code::kAbsent) return kAbsent2;
    if ((code & 3) == 2 && code >= 0 && (code >> 2) < kAbsent2) return static_cast<uint16_t>(code >> 2);
    return kOther2;
  }
  void seal_block();
  SpillVector<uint16_t> arena_;    // the sealed blocks, back to back
  std::vector<uint64_t> blocks_;   // each sealed block's place in arena_ << 1 | 1 when whole
  std::array<int32_t, kBlock> filling_{};
  uint32_t filled_ = 0;
  std::unordered_map<uint32_t, int32_t> others_;  // by record: codes of 2-byte blocks with no 2-byte form
};

// A Micros held in two 4-byte halves, so that what holds it needs only
// 4-byte alignment; it reads and is assigned as a Micros. (A Micros member
// under #pragma pack would do the same, but a reference bound to it, as
// std::max binds its arguments, would be misaligned: undefined behaviour.)
class Micros4 {
 public:
  Micros4() = default;
  Micros4(Micros t) { std::memcpy(halves_, &t, sizeof t); }  // NOLINT: converts, as a Micros would
  operator Micros() const {                                  // NOLINT
    Micros t;
    std::memcpy(&t, halves_, sizeof t);
    return t;
  }

 private:
  uint32_t halves_[2];
};

// 20 bytes, 4-byte aligned. The service, channel, direction and outcome
// share 4 bytes. When a contact was answered, and when it ended, are kept
// beside the contacts, by record, and only when asked for
// (Dataset::keep_answered, keep_ends): only handle times read the first,
// and only they and the episodes' ends that journeys writes the second.
inline constexpr int kServiceBits = 24;
inline constexpr uint32_t kServiceLimit = uint32_t{1} << kServiceBits;  // distinct services a run may have
struct Contact {
  Micros4 start;
  // Its record: the number the record had in reading order, in the linker
  // too (a duplicate that replaces another brings its own). Its id is in
  // Dataset's id arena (see id()).
  uint32_t id;
  uint32_t service : kServiceBits;  // in Dataset::services (below kServiceLimit); a missing service is "unknown"
  Channel channel : 4;
  Direction direction : 1;
  Outcome outcome : 3;
  uint32_t customer;    // in Dataset::customers, or kNone: unidentified
};
static_assert(sizeof(Contact) == 20 && alignof(Contact) == 4);
static_assert(kChannelCount <= 16 && static_cast<int>(Outcome::unknown) < 8 && static_cast<int>(Direction::out) < 2);
// Fetches c ahead of its use: both of its cache lines when it straddles two
// (1 contact in 4).
inline void prefetch_contact(const Contact* c) {
  prefetch(c);
  prefetch(reinterpret_cast<const char*>(c) + sizeof(Contact) - 1);
}

// The customers of a run, numbered 0, 1, ... in order of first appearance
// among the contacts. Each stands for the node naming its component in the
// linker; its key (Linker::key_text, an HMAC when hashing) is written out
// only when first asked for (view()), all at once (once, whichever thread
// asks first): stats never asks, and journeys takes each where it lies
// (append()).
class CustomerKeys {
 public:
  uint32_t size() const { return static_cast<uint32_t>(labels_.size()); }
  std::string_view view(uint32_t id) const;
  // Appends customer id's key to *out without writing every key out as
  // view() does: for a caller that asks for each key once (journeys). Read
  // where it lies among the linker's names, or, hashed, written from the
  // HMACs in 32 bytes each that ranks_in_byte_order() needs too (made once,
  // on every thread, when first asked for). Safe to call from several
  // threads at once.
  void append(uint32_t id, std::string* out) const;
  // Warms the caches for append(id) of a key not hashed, in two steps some
  // time apart (the second reading what the first fetched).
  void warm(uint32_t id, int step) const {
    if (linker_->hashes_keys()) return;
    if (step == 0) prefetch(&labels_[id]);
    else linker_->warm_key_text(labels_[id], 0);
  }
  // The rank of each customer's key in byte order. Keys that are not hashed
  // are read where they lie in the linker's names, and not written out;
  // hashed ones as their HMACs' 32 bytes, in the order of their hex.
  BigVector<uint32_t> ranks_in_byte_order() const;

 private:
  friend class Dataset;
  void write() const;
  std::string_view mac(uint32_t id) const;  // of a hashed key
  mutable std::once_flag macs_made_;
  mutable BigVector<char> macs_;  // kMacBytes a customer
  const Linker* linker_ = nullptr;
  int threads_ = 1;
  BigVector<uint32_t> labels_;  // customer -> its linker node
  mutable std::once_flag written_;
  // The keys are written by up to threads_ threads, each a range of
  // customers into an arena of its own: part k holds customers from
  // first_[k] on, key i at [ends_[i - 1], ends_[i]) of its part's arena
  // (0 for the first of a part).
  mutable std::vector<uint32_t> first_;
  mutable std::vector<std::string> arenas_;
  mutable std::vector<uint64_t> ends_;
};

class Dataset {
 public:
  Dataset();
  // Adds one accepted record. A record with the channel and id of one already
  // added replaces it (duplicates are delivered at least once; the last wins).
  void add(const RawContact& r);
  // Warms the caches for add(r) (RecordSink::ahead): the conversation's
  // lookup; the linker warms its own, a batch of records at a time.
  void warm(const RawContact& r, int step) const;
  // Room for about `records` records in all, so that the per-record arrays
  // grow once rather than by doubling (each doubling briefly holds the old
  // and the new array: the peak of memory). Pages not written cost nothing.
  void reserve(size_t records);
  // Links identifiers, assigns customers, merges legs and drops the
  // merged-away ones. Call once, after the last add.
  void finish();
  // Puts the contacts in customer order, unidentified last: the order of
  // `place` (customer -> its place, as Ranks::customer), or of the
  // customers' numbers when empty. finish() does it when the contacts went
  // to a spill file (core/spill.h), so that the scans read the file in
  // order rather than a page a contact; journeys does it again in the order
  // it writes. Each contact is appended to its range of customers (a
  // range's contacts take at most group_window bytes) in one pass over the
  // file, then each range is sorted alone. The scans order contacts by
  // their fields, never by their place: no result changes.
  void group_by_customer(std::span<const uint32_t> place = {});

  // Room for an id held packed (see id_arena_), written out when asked for.
  struct IdRoom {
    char bytes[40];
  };
  // The id as written in the source: where it lies in the arena, or written
  // out in `room` (valid while room is, and until room is used again).
  std::string_view id(const Contact& c, IdRoom& room) const {
    const uint32_t block = c.id / kIdBlock, form = id_form_[block];
    const char* first = id_arena_.data() + id_block_[block];
    if (form >> kFormShift == kPacked)
      return unpack_id(first, form, c.id % kIdBlock, room);
    const IdSpan at = id_span(c.id);
    return {first + at.begin, at.end - at.begin};
  }
  // The bytes all the ids take.
  size_t id_bytes() const { return id_arena_.size(); }
  // Warms the caches for reading c's id, in two steps some time apart, the
  // second reading what the first fetched: where the id is (nothing to
  // fetch in a block of ids of one length), the id.
  void warm_id(const Contact& c, int step) const {
    const uint32_t form = id_form_[c.id / kIdBlock], k = c.id % kIdBlock;
    if (step == 1 || form >> kFormShift == kUniform || form >> kFormShift == kPacked)
      prefetch(id_arena_.data() + id_block_[c.id / kIdBlock] + id_span(c.id).begin);
    else if (form >> kFormShift == kNarrow)
      prefetch(&id_ends_[size_t{form & kFormValue} * kIdBlock + k]);
    else
      prefetch(&wide_ends_[size_t{form & kFormValue} * kIdBlock + k]);
  }
  // When c was answered, and when it ended: kNoTime when not known.
  // answered() needs keep_answered, end() and end_or_start() keep_ends;
  // they throw std::logic_error without.
  Micros answered(const Contact& c) const {
    if (!keep_answered) throw std::logic_error("Dataset::answered without keep_answered");
    return time_of(c, answered_codes_[c.id], far_answered_);
  }
  Micros end(const Contact& c) const {
    if (!keep_ends) throw std::logic_error("Dataset::end without keep_ends");
    return time_of(c, end_codes_[c.id], far_end_);
  }
  // Its end, or its start when it has none (the end of an episode's span).
  Micros end_or_start(const Contact& c) const {
    if (!keep_ends) throw std::logic_error("Dataset::end_or_start without keep_ends");
    const int32_t code = end_codes_[c.id];
    return code == offset_code::kAbsent ? Micros{c.start} : time_of(c, code, far_end_);
  }
  // Warms the caches for end(c) (with keep_ends).
  void warm_end(const Contact& c) const { end_codes_.warm(c.id); }
  void set_end(Contact& c, Micros end);
  std::string_view service(const Contact& c) const { return services.view(c.service); }
  std::string_view customer(const Contact& c) const { return customers.view(c.customer); }
  // Full tie-break of the (start, id) order: id bytes, then channel.
  bool before(const Contact& a, const Contact& b) const;

  SpillVector<Contact> contacts;
  Interner services;
  CustomerKeys customers;
  int threads = 1;          // that finish() and the computations may use (parallel_sort)
  int64_t accepted = 0;     // records added
  int64_t duplicates = 0;   // records replaced by a later one with the same channel and id
  int64_t legs_merged = 0;  // legs folded into another leg of their conversation
  Micros latest_start = kNoTime;  // over records once duplicates are resolved, legs included

  // Configure (region, blocklist, crosswalk, fanout, hash key) before the first add.
  Linker linker;
  // Set before finish() to get record_customers: for every record added, in
  // order (duplicates and legs included), its customer in `customers`, or
  // kNone. A record without a key or usable identifier of its own takes its
  // contact's (another leg's) when it is a leg that counts.
  bool keep_record_customers = false;
  // Set before the first add to keep when each contact was answered
  // (answered()), and when it ended (end()): 2 to 4 bytes a record more each
  // (OffsetCodes).
  // Only handle times need the first; they and the ends of episodes
  // (Episode::end) the second.
  bool keep_answered = false;
  bool keep_ends = false;
  std::vector<uint32_t> record_customers;
  // How many contacts finish() hands the linker at a time (Linker::resolve).
  // Only the tests change it.
  size_t link_part = 1 << 16;
  // The bytes of contacts grouped at a time when they went to a spill file
  // (group_by_customer); 0: a quarter of the memory budget, at least
  // 64 MiB. Only the tests change it.
  size_t group_window = 0;

 private:
  uint32_t customer_of_node(uint32_t node);
  Micros time_of(const Contact& c, int32_t code, const std::unordered_map<uint32_t, Micros>& far) const {
    if (offset_code::is_offset(code)) [[likely]] return c.start + offset_code::decode(code);
    return code == offset_code::kAbsent ? kNoTime : far.at(c.id);
  }
  // t's offset_code from `start`; a far t goes into *far, under `id`.
  int32_t time_code(Micros start, Micros t, uint32_t id, std::unordered_map<uint32_t, Micros>* far);
  // The times offset_code cannot hold, by record (Contact::id).
  std::unordered_map<uint32_t, Micros> far_answered_, far_end_;
  // By record (Contact::id), offset_codes, when kept.
  OffsetCodes answered_codes_, end_codes_;
  void drop_duplicates();
  // Removes the contacts at `places` (ascending), keeping the others' order.
  void erase_at(std::span<const uint32_t> places);
  // Every record's id, back to back. Where each ends is kept relative to
  // where its block of kIdBlock records begins, in one of four forms:
  // - packed, while every id of the block is a head of the same length (up
  //   to kPackedHead bytes, as written) and then the same number of digits
  //   (kPackedDigits to 19), held as a binary number in as few bytes as
  //   such numbers need: "E00000001" takes 5 bytes. Most sources number
  //   their contacts so (a letter or a word, then a zero-padded counter).
  //   The digits are all those that end the id, or its last 19: so each id
  //   has one packed form, or none (packed_form), and equal ids hash alike
  //   whether packed or not (id_hash). UUIDs (8-4-4-4-12 hex digits, their
  //   letters of one case, as phone switches and contact-centre platforms
  //   name calls and conversations) are packed too, in 16 bytes instead
  //   of 36, the block's form telling the case;
  // - uniform, while every id of the block has the same length: nowhere;
  // - narrow: in 2 bytes (id_ends_), while the block's ids take less than
  //   64 KiB (64 bytes an id on average);
  // - wide: in 4 (wide_ends_); a block's ids past 4 GiB throw TooLarge.
  // A block changes form when an id of another shape or length comes (a
  // packed block is first written out, as uniform), or when its ids pass
  // 64 KiB.
  static constexpr uint32_t kIdBlock = 1024;
  static constexpr int kFormShift = 30;  // by block: the form (2 bits), then
  static constexpr uint32_t kFormValue = (1u << kFormShift) - 1;  // its ids' length, or where its ends are (in blocks)
  static constexpr uint32_t kUniform = 0, kNarrow = 1, kWide = 2, kPacked = 3;
  // A packed block's value: head length << kHeadShift | digits; of UUIDs,
  // 0 digits and a head of 0 (letters in lower case, or none) or 1 (upper).
  static constexpr int kHeadShift = 5;
  static constexpr uint32_t kUuidSize = 36, kUuidBytes = 16;
  static constexpr uint32_t kPackedHead = 12, kPackedDigits = 4, kMaxDigits = 19;
  static_assert(kPackedHead + kMaxDigits <= sizeof(IdRoom::bytes) && kUuidSize <= sizeof(IdRoom::bytes) &&
                kUuidBytes <= kPackedHead + 8);
  // The bytes a number of d decimal digits takes in binary: kPackedBytes[d].
  static constexpr std::array<uint8_t, kMaxDigits + 1> kPackedBytes = [] {
    std::array<uint8_t, kMaxDigits + 1> bytes{};
    uint64_t top = 1;  // 10^d
    for (uint32_t d = 0; d <= kMaxDigits; ++d, top *= 10) {
      uint8_t n = 1;
      while (n < 8 && (top - 1) >> (8 * n) != 0) ++n;
      bytes[d] = n;
    }
    return bytes;
  }();
  static_assert(kPackedBytes[4] == 2 && kPackedBytes[8] == 4 && kPackedBytes[9] == 4 && kPackedBytes[19] == 8);
  // The shape of a packed block's ids, from its form.
  struct PackedShape {
    uint32_t head, digits;
    bool uuid() const { return digits == 0; }
    bool upper() const { return head == 1; }  // of UUIDs: their letters' case
    // The bytes of one id, packed; written out.
    uint32_t size() const { return uuid() ? kUuidBytes : head + kPackedBytes[digits]; }
    uint32_t text_size() const { return uuid() ? kUuidSize : head + digits; }
  };
  static PackedShape packed_shape(uint32_t form) {
    const uint32_t value = form & kFormValue;
    return {value >> kHeadShift, value & ((1u << kHeadShift) - 1)};
  }
  struct IdSpan {
    uint32_t begin, end;  // from where record i's block begins in the arena
  };
  // The packed form of a block whose first id is `id`, or 0 if it has none.
  static uint32_t packed_form(std::string_view id);
  // Writes id packed in `form` to out (kPackedHead + 8 bytes), and returns
  // the bytes it takes; or 0 if it cannot be (in a block of UUIDs, a UUID
  // without letters goes in either case).
  static size_t pack_id(std::string_view id, uint32_t form, char* out);
  // A hash of c's id that equal ids share, whatever form holds them: of its
  // packed form when it has one, else of its text. It reads no more than
  // the arena holds: a packed id is not written out.
  uint64_t id_hash(const Contact& c) const;
  static std::string_view unpack_id(const char* first, uint32_t form, uint32_t k, IdRoom& room);
  // Adds record i's id.
  void add_id(uint32_t i, std::string_view id);
  // The block being filled, packed, holding k ids, written out as uniform.
  void unpack_id_block(uint32_t k);
  IdSpan id_span(uint32_t i) const {
    const uint32_t form = id_form_[i / kIdBlock], k = i % kIdBlock, value = form & kFormValue;
    switch (form >> kFormShift) {
      case kUniform:
        return {k * value, (k + 1) * value};
      case kPacked: {
        const uint32_t size = packed_shape(form).size();
        return {k * size, (k + 1) * size};
      }
      case kNarrow: {
        const uint16_t* ends = id_ends_.data() + size_t{value} * kIdBlock;
        return {k == 0 ? 0u : ends[k - 1], ends[k]};
      }
      default: {
        const uint32_t* ends = wide_ends_.data() + size_t{value} * kIdBlock;
        return {k == 0 ? 0u : ends[k - 1], ends[k]};
      }
    }
  }
  // The block being filled, whose form cannot hold its k-th id (ending `end`
  // bytes from its beginning), takes the form that holds it: 2-byte ends
  // while they fit, else 4-byte, with the ends of the ids before it.
  void reform_id_block(uint32_t k, uint64_t end);
  size_t expected_records_ = 0;      // as reserve() was told
  SpillVector<char> id_arena_;
  SpillVector<uint16_t> id_ends_;    // the ends of the narrow blocks, kIdBlock a block
  std::vector<uint64_t> id_block_;   // where each block's first id begins in the arena
  std::vector<uint32_t> id_form_;    // by block: its form and what it needs (kFormShift)
  std::vector<uint32_t> wide_ends_;  // the ends of the wide blocks, kIdBlock a block
  Interner conversations_;           // their names, until finish (only their ids count)
  // The records that have a conversation (a few in a hundred):
  // (record, conversation), in record order, until finish finds the legs.
  std::vector<std::pair<uint32_t, uint32_t>> conversation_of_;
  BigVector<uint32_t> customer_of_label_;  // linker node -> id in customers
  std::string scratch_;
};

}  // namespace parcours
