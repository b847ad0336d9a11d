#include "core/dataset.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <functional>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>

#include "core/diag.h"
#include "core/parallel.h"
#include "core/spill.h"

namespace parcours {

namespace {
inline bool is_digit(char c) { return c >= '0' && c <= '9'; }
}  // namespace

Dataset::Dataset() {
  services.intern("unknown");
  customers.linker_ = &linker;
}

void Dataset::add(const RawContact& r) {
  if (accepted >= kNone) throw TooLarge("more than 2^32 - 1 records");
  Contact c;
  c.start = r.start;
  c.id = static_cast<uint32_t>(accepted++);
  if (keep_answered) answered_codes_.push_back(time_code(r.start, r.answered, c.id, &far_answered_));
  if (keep_ends) end_codes_.push_back(time_code(r.start, r.end, c.id, &far_end_));
  add_id(c.id, r.id);
  const uint32_t service = r.has_service ? services.intern(r.service) : 0;
  if (service >= kServiceLimit) throw TooLarge(fmt::format("more than {} distinct services", kServiceLimit));
  c.service = service;
  c.customer = kNone;  // known once every record is in: finish() links
  linker.add(r);        // record number contacts.size(), as the contact
  if (r.has_conversation && !r.conversation.empty())
    conversation_of_.emplace_back(static_cast<uint32_t>(contacts.size()), r.conversation_hash != 0
                                            ? conversations_.intern(r.conversation, r.conversation_hash, nullptr)
                                            : conversations_.intern(r.conversation));
  c.channel = r.channel;
  c.direction = r.direction;
  c.outcome = r.outcome;
  contacts.push_back(c);
}

void Dataset::add_id(uint32_t i, std::string_view id) {
  const uint32_t k = i % kIdBlock;
  if (k == 0) {
    id_block_.push_back(id_arena_.size());
    const uint32_t packed = packed_form(id);
    id_form_.push_back(packed != 0                ? packed
                       : id.size() <= kFormValue ? kUniform << kFormShift | static_cast<uint32_t>(id.size())
                                                 : kWide << kFormShift);  // replaced below
  }
  if (id_form_.back() >> kFormShift == kPacked) {
    char packed[kPackedHead + 8];
    if (const size_t n = pack_id(id, id_form_.back(), packed); n != 0) {
      id_arena_.insert(id_arena_.end(), packed, packed + n);
      return;
    }
    unpack_id_block(k);
  }
  const uint64_t end = id_arena_.size() + id.size() - id_block_.back();
  if (end > UINT32_MAX) throw TooLarge(fmt::format("more than 4 GiB of ids in {} records in a row", kIdBlock));
  const uint32_t was = id_form_.back();
  const bool fits = was >> kFormShift == kUniform  ? (was & kFormValue) == id.size()
                    : was >> kFormShift == kNarrow ? end <= UINT16_MAX
                                                   : k > 0;
  if (!fits) reform_id_block(k, end);
  const uint32_t form = id_form_.back();
  const size_t at = size_t{form & kFormValue} * kIdBlock + k;
  if (form >> kFormShift == kNarrow) id_ends_[at] = static_cast<uint16_t>(end);
  else if (form >> kFormShift == kWide) wide_ends_[at] = static_cast<uint32_t>(end);
  id_arena_.insert(id_arena_.end(), id.begin(), id.end());
}

namespace {

// What letters a UUID has: kNoLetters, kLower or kUpper; kNotUuid when it is
// no UUID, or has letters of both cases.
enum UuidCase { kNotUuid, kNoLetters, kLower, kUpper };

// Of each byte: its value as a hex digit (low 4 bits), and whether it is a
// lower-case letter (kLowerBit), an upper-case one (kUpperBit), or no hex
// digit at all (kNotHex). A table, not branches: hex digits and letters
// come in no order a branch predictor learns (half the time of reading
// UUIDs went to mispredicted branches).
constexpr uint8_t kLowerBit = 0x10, kUpperBit = 0x20, kNotHex = 0x40;
constexpr std::array<uint8_t, 256> kHex = [] {
  std::array<uint8_t, 256> t{};
  for (int c = 0; c < 256; ++c) {
    if (c >= '0' && c <= '9') t[c] = static_cast<uint8_t>(c - '0');
    else if (c >= 'a' && c <= 'f') t[c] = static_cast<uint8_t>(c - 'a' + 10) | kLowerBit;
    else if (c >= 'A' && c <= 'F') t[c] = static_cast<uint8_t>(c - 'A' + 10) | kUpperBit;
    else t[c] = kNotHex;
  }
  return t;
}();
// Where a UUID's dashes are, and its 32 hex digits around them.
constexpr std::array<uint8_t, 4> kUuidDashAt = {8, 13, 18, 23};
constexpr std::array<uint8_t, 32> kUuidDigitAt = [] {
  std::array<uint8_t, 32> at{};
  for (uint8_t j = 0, n = 0; j < 36; ++j)
    if (std::find(kUuidDashAt.begin(), kUuidDashAt.end(), j) == kUuidDashAt.end()) at[n++] = j;
  return at;
}();

// What letters id has as a UUID, and its 16 bytes into out (when it is one).
UuidCase pack_uuid(std::string_view id, char* out) {
  if (id.size() != 36) return kNotUuid;
  for (const uint8_t j : kUuidDashAt)
    if (id[j] != '-') return kNotUuid;
  const auto* u = reinterpret_cast<const unsigned char*>(id.data());
  uint32_t flags = 0;
  for (uint32_t n = 0; n < 16; ++n) {
    const uint8_t hi = kHex[u[kUuidDigitAt[2 * n]]], lo = kHex[u[kUuidDigitAt[2 * n + 1]]];
    flags |= hi | lo;
    out[n] = static_cast<char>((hi & 15) << 4 | (lo & 15));
  }
  if (flags & kNotHex) return kNotUuid;
  switch (flags & (kLowerBit | kUpperBit)) {
    case 0: return kNoLetters;
    case kLowerBit: return kLower;
    case kUpperBit: return kUpper;
    default: return kNotUuid;
  }
}

}  // namespace

uint32_t Dataset::packed_form(std::string_view id) {
  // A UUID without letters has the form of those in lower case.
  char bytes[kUuidBytes];
  if (const UuidCase c = pack_uuid(id, bytes); c != kNotUuid)
    return kPacked << kFormShift | uint32_t{c == kUpper} << kHeadShift;
  uint32_t digits = 0;
  while (digits < kMaxDigits && digits < id.size() && is_digit(id[id.size() - 1 - digits])) ++digits;
  const size_t head = id.size() - digits;
  if (digits < kPackedDigits || head > kPackedHead) return 0;
  return kPacked << kFormShift | static_cast<uint32_t>(head) << kHeadShift | digits;
}

size_t Dataset::pack_id(std::string_view id, uint32_t form, char* out) {
  const PackedShape shape = packed_shape(form);
  if (shape.uuid()) {
    const UuidCase c = pack_uuid(id, out);
    if (c == kNotUuid || (c != kNoLetters && (c == kUpper) != shape.upper())) return 0;
    return kUuidBytes;
  }
  const auto [head, digits] = shape;
  // The form of the id itself: its head cannot end with a digit, but where
  // the digits are more than kMaxDigits.
  if (id.size() != head + digits || (digits < kMaxDigits && head > 0 && is_digit(id[head - 1]))) return 0;
  uint64_t number = 0;
  for (size_t j = head; j < id.size(); ++j) {
    const auto d = static_cast<unsigned>(id[j] - '0');
    if (d >= 10) return 0;
    number = number * 10 + d;
  }
  std::memcpy(out, id.data(), head);
  for (size_t j = 0; j < 8; ++j) out[head + j] = static_cast<char>(number >> (8 * j));
  return head + kPackedBytes[digits];
}

uint64_t Dataset::id_hash(const Contact& c) const {
  const uint32_t block = c.id / kIdBlock, form = id_form_[block];
  const char* first = id_arena_.data() + id_block_[block];
  const IdSpan at = id_span(c.id);
  const std::string_view held(first + at.begin, at.end - at.begin);
  // Of UUIDs, whatever the case: one without letters may lie in a block of
  // either (the texts of those that meet tell them apart).
  const auto hash_packed = [](std::string_view bytes, uint32_t form) {
    const uint32_t shape = packed_shape(form).uuid() ? 0 : form & kFormValue;
    return hash_bytes(bytes) ^ (uint64_t{shape} * 0xc2b2ae3d27d4eb4full);
  };
  if (form >> kFormShift == kPacked) return hash_packed(held, form);
  if (const uint32_t packed = packed_form(held); packed != 0) {
    char bytes[kPackedHead + 8];
    const size_t n = pack_id(held, packed, bytes);
    return hash_packed({bytes, n}, packed);
  }
  return hash_bytes(held);
}

std::string_view Dataset::unpack_id(const char* first, uint32_t form, uint32_t k, IdRoom& room) {
  const PackedShape shape = packed_shape(form);
  const char* e = first + size_t{k} * shape.size();
  if (shape.uuid()) {
    const char* digits = shape.upper() ? "0123456789ABCDEF" : "0123456789abcdef";
    for (const uint8_t j : kUuidDashAt) room.bytes[j] = '-';
    for (uint32_t n = 0; n < kUuidBytes; ++n) {
      const auto byte = static_cast<unsigned char>(e[n]);
      room.bytes[kUuidDigitAt[2 * n]] = digits[byte >> 4];
      room.bytes[kUuidDigitAt[2 * n + 1]] = digits[byte & 15];
    }
    return {room.bytes, kUuidSize};
  }
  std::memcpy(room.bytes, e, shape.head);
  uint64_t number = 0;
  for (uint32_t j = kPackedBytes[shape.digits]; j-- > 0;) number = number << 8 | static_cast<unsigned char>(e[shape.head + j]);
  const uint32_t size = shape.head + shape.digits;
  for (uint32_t j = size; j-- > shape.head; number /= 10) room.bytes[j] = static_cast<char>('0' + number % 10);
  return {room.bytes, size};
}

void Dataset::unpack_id_block(uint32_t k) {
  const uint32_t form = id_form_.back();
  const size_t first = id_block_.back();
  std::string text;
  IdRoom room;
  for (uint32_t j = 0; j < k; ++j) text.append(unpack_id(id_arena_.data() + first, form, j, room));
  id_arena_.resize(first);
  id_arena_.insert(id_arena_.end(), text.begin(), text.end());
  id_form_.back() = kUniform << kFormShift | packed_shape(form).text_size();
}

void Dataset::reform_id_block(uint32_t k, uint64_t end) {
  uint32_t& form = id_form_.back();
  // The ends of the k ids before this one, then where they go.
  std::vector<uint32_t> before(k);
  for (uint32_t j = 0; j < k; ++j) before[j] = id_span(static_cast<uint32_t>(id_form_.size() - 1) * kIdBlock + j).end;
  if (end <= UINT16_MAX) {
    // As many as the records expected, the first time (as for the other arrays).
    if (id_ends_.empty()) id_ends_.reserve((expected_records_ + kIdBlock - 1) / kIdBlock * kIdBlock);
    form = kNarrow << kFormShift | static_cast<uint32_t>(id_ends_.size() / kIdBlock);
    id_ends_.resize(id_ends_.size() + kIdBlock);
    std::copy(before.begin(), before.end(), id_ends_.end() - kIdBlock);
  } else {
    form = kWide << kFormShift | static_cast<uint32_t>(wide_ends_.size() / kIdBlock);
    wide_ends_.resize(wide_ends_.size() + kIdBlock);
    std::copy(before.begin(), before.end(), wide_ends_.end() - kIdBlock);
  }
}

int32_t Dataset::time_code(Micros start, Micros t, uint32_t id, std::unordered_map<uint32_t, Micros>* far) {
  if (t == kNoTime) return offset_code::kAbsent;
  const int32_t code = offset_code::encode(t - start);
  if (code == offset_code::kFar) (*far)[id] = t;
  return code;
}

void Dataset::set_end(Contact& c, Micros end) { end_codes_.set(c.id, time_code(c.start, end, c.id, &far_end_)); }

void OffsetCodes::seal_block() {
  uint32_t others = 0;
  for (const int32_t code : filling_) others += narrow(code) == kOther2;
  const uint64_t at = arena_.size();
  if (others > kOthers) {
    arena_.resize(at + 2 * kBlock);
    std::memcpy(&arena_[at], filling_.data(), sizeof filling_);
    blocks_.push_back(at << 1 | 1);
  } else {
    arena_.resize(at + kBlock);
    const uint32_t first = static_cast<uint32_t>(blocks_.size()) * kBlock;
    for (uint32_t k = 0; k < kBlock; ++k) {
      const uint16_t n = narrow(filling_[k]);
      arena_[at + k] = n;
      if (n == kOther2) others_.emplace(first + k, filling_[k]);
    }
    blocks_.push_back(at << 1);
  }
  filled_ = 0;
}

void OffsetCodes::set(uint32_t record, int32_t code) {
  const size_t block = record / kBlock, k = record % kBlock;
  if (block == blocks_.size()) {
    filling_[k] = code;
    return;
  }
  const uint64_t b = blocks_[block];
  if (b & 1) {
    std::memcpy(&arena_[(b >> 1) + 2 * k], &code, sizeof code);
    return;
  }
  // A 2-byte block takes any code: one with no 2-byte form goes to the
  // table (a merged leg's end, seldom).
  uint16_t& n = arena_[(b >> 1) + k];
  if (n == kOther2) others_.erase(record);
  n = narrow(code);
  if (n == kOther2) others_.emplace(record, code);
}

size_t OffsetCodes::wide_blocks() const {
  size_t n = 0;
  for (const uint64_t b : blocks_) n += b & 1;
  return n;
}

void Dataset::warm(const RawContact& r, int step) const {
  if (r.conversation_hash != 0) conversations_.warm(r.conversation_hash, step);
}

void Dataset::reserve(size_t records) {
  if (records <= contacts.capacity()) return;
  const size_t more = records - contacts.size();
  contacts.reserve(records);
  if (keep_answered) answered_codes_.reserve(records);
  if (keep_ends) end_codes_.reserve(records);
  expected_records_ = records;
  id_block_.reserve(records / kIdBlock + 1);
  id_form_.reserve(records / kIdBlock + 1);
  // Ids: as long on average as those so far, and some.
  const size_t per_id = contacts.empty() ? 16 : id_arena_.size() / contacts.size() + 2;
  id_arena_.reserve(id_arena_.size() + more * per_id);
  linker.reserve(records);
}

// Records with the same channel and id are one contact: the last one read
// wins, in the place of the first (so the survivors keep the order of first
// appearance, as if each duplicate had replaced its predecessor on arrival).
// Equal hashes are only candidates: the ids themselves are compared.
void Dataset::drop_duplicates() {
  // One 8-byte entry a record: the high half of its hash, then its index,
  // so that sorted integers group equal hashes in reading order. Sorted as
  // a whole they would be; here, on threads, they are first placed by
  // their top kBucketBits bits, each range of records counting then
  // placing its own in reading order, and each bucket is sorted alone (it
  // fits in the cache), half the buckets at a time. Hashed here rather
  // than as records come, three times (to count, then to place each half):
  // the ids are read in the order they were written, and the hashes need
  // no room until now.
  constexpr int kBucketBits = 10;
  constexpr size_t kBuckets = size_t{1} << kBucketBits;
  const size_t n = contacts.size();
  const auto hash_of = [&](size_t i) {
    const uint64_t h = id_hash(contacts[i]) ^ (static_cast<uint64_t>(contacts[i].channel) * 0x9e3779b97f4a7c15ull);
    return static_cast<uint32_t>(h >> 32);
  };
  const size_t parts = parallel_parts(n, threads);
  std::vector<uint64_t> counts(parts * kBuckets, 0);  // by range of records, then bucket
  for_parts(n, parts, [&](size_t k, size_t begin, size_t end) {
    uint64_t* count = &counts[k * kBuckets];
    for (size_t i = begin; i < end; ++i) ++count[hash_of(i) >> (32 - kBucketBits)];
  });
  // Records that share 32 bits of hash (some thousands among 10M, besides
  // the duplicates) are split into classes of equal (channel, id); each
  // class keeps its last record in its first's place. Each candidate's
  // channel and id are copied out in place order first, and the moves made
  // in place order after: the contacts are read in order, never a page a
  // candidate (they may be in a spill file, core/spill.h).
  struct Candidate {
    uint32_t contact, group;
    Channel channel{};
    bool settled = false;  // put in a class already
    size_t id_begin = 0, id_end = 0;  // in ids
  };
  // (contact, group) while the hashes are alive: 8 bytes a candidate.
  std::vector<std::pair<uint32_t, uint32_t>> found;
  uint32_t group = 0;
  // The entries of half the buckets at a time: about 4 bytes a record,
  // where all at once took 8, when the linker's tables are made beside
  // (at 10M records, the peak of memory after reading), for one more pass
  // of hashing.
  constexpr size_t kHalf = kBuckets / 2;
  for (size_t low = 0; low < kBuckets; low += kHalf) {
    std::vector<uint64_t> next(parts * kBuckets, 0);  // where a range's next entry of a bucket goes
    std::vector<uint64_t> bucket_begin(kBuckets + 1, 0);
    uint64_t at = 0;
    for (size_t b = low; b < low + kHalf; ++b) {
      bucket_begin[b] = at;
      for (size_t k = 0; k < parts; ++k) {
        next[k * kBuckets + b] = at;
        at += counts[k * kBuckets + b];
      }
    }
    bucket_begin[low + kHalf] = at;
    // Written at random among 2 x kHalf places: on huge pages, so that
    // they do not also take as many TLB entries.
    BigVector<uint64_t> byhash(at);
    for_parts(n, parts, [&](size_t k, size_t begin, size_t end) {
      uint64_t* place = &next[k * kBuckets];
      for (size_t i = begin; i < end; ++i) {
        const uint32_t h = hash_of(i);
        const uint32_t b = h >> (32 - kBucketBits);
        if (b - low < kHalf) byhash[place[b]++] = uint64_t{h} << 32 | i;
      }
    });
    // A bucket's entries are in reading order: two stable counting passes
    // over the rest of the hash (the low 11 bits, then the 11 above) sort it.
    constexpr int kDigitBits = (32 - kBucketBits) / 2;
    static_assert(kBucketBits + 2 * kDigitBits == 32);
    for_parts(kHalf, parts, [&](size_t, size_t begin, size_t end) {
      std::vector<uint64_t> spare;
      std::vector<uint32_t> count(size_t{1} << kDigitBits);
      for (size_t b = low + begin; b < low + end; ++b) {
        uint64_t* first = byhash.data() + bucket_begin[b];
        const size_t size = bucket_begin[b + 1] - bucket_begin[b];
        if (size < 2) continue;
        spare.resize(size);
        uint64_t *from = first, *to = spare.data();
        for (const int shift : {32, 32 + kDigitBits}) {
          std::fill(count.begin(), count.end(), 0);
          const auto digit = [&](uint64_t e) { return (e >> shift) & ((uint64_t{1} << kDigitBits) - 1); };
          for (size_t i = 0; i < size; ++i) ++count[digit(from[i])];
          uint32_t sum = 0;
          for (uint32_t& c : count) sum += std::exchange(c, sum);
          for (size_t i = 0; i < size; ++i) to[count[digit(from[i])]++] = from[i];
          std::swap(from, to);
        }
        // After two passes the sorted entries are back in the bucket.
      }
    });
    for (size_t i = 0; i < byhash.size();) {
      size_t j = i + 1;
      while (j < byhash.size() && byhash[j] >> 32 == byhash[i] >> 32) ++j;
      if (j - i > 1) {
        for (size_t k = i; k < j; ++k) found.emplace_back(static_cast<uint32_t>(byhash[k]), group);
        ++group;
      }
      i = j;
    }
  }
  std::sort(found.begin(), found.end());
  std::vector<Candidate> candidates;
  candidates.reserve(found.size());
  for (const auto& [contact, group] : found) candidates.push_back({contact, group});
  release(found);
  std::string ids;
  IdRoom room;
  for (Candidate& c : candidates) {
    const std::string_view text = id(contacts[c.contact], room);
    c.channel = contacts[c.contact].channel;
    c.id_begin = ids.size();
    ids.append(text);
    c.id_end = ids.size();
  }
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const Candidate& a, const Candidate& b) { return a.group < b.group; });
  const auto same_key = [&](const Candidate& a, const Candidate& b) {
    return a.channel == b.channel && std::string_view(ids).substr(a.id_begin, a.id_end - a.id_begin) ==
                                         std::string_view(ids).substr(b.id_begin, b.id_end - b.id_begin);
  };
  std::vector<std::pair<uint32_t, uint32_t>> moves;  // (last, first) of each class
  std::vector<uint32_t> away;                        // the others of each class
  std::vector<uint32_t> same;                        // one class, in reading order (indices into candidates)
  // A hash's candidates are candidates[i, j), in reading order.
  for (size_t i = 0; i < candidates.size();) {
    size_t j = i + 1;
    while (j < candidates.size() && candidates[j].group == candidates[i].group) ++j;
    for (size_t a = i; a < j; ++a) {
      if (candidates[a].settled) continue;
      same.assign(1, static_cast<uint32_t>(a));
      for (size_t b = a + 1; b < j; ++b)
        if (!candidates[b].settled && same_key(candidates[b], candidates[a])) {
          candidates[b].settled = true;
          same.push_back(static_cast<uint32_t>(b));
        }
      if (same.size() == 1) continue;
      moves.emplace_back(candidates[same.back()].contact, candidates[a].contact);
      for (size_t k = 1; k < same.size(); ++k) away.push_back(candidates[same[k]].contact);
      duplicates += static_cast<int64_t>(same.size()) - 1;
    }
    i = j;
  }
  release(candidates);
  // A class's last record takes its first's place (and with it, its record,
  // Contact::id); no record is both the last of one class and the first of
  // another, so all are read before any is written.
  std::sort(moves.begin(), moves.end());
  std::vector<std::pair<uint32_t, Contact>> put;
  put.reserve(moves.size());
  for (const auto& [last, first] : moves) put.emplace_back(first, contacts[last]);
  std::sort(put.begin(), put.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [first, c] : put) contacts[first] = c;
  std::sort(away.begin(), away.end());
  erase_at(away);
}

void Dataset::erase_at(std::span<const uint32_t> places) {
  if (places.empty()) return;
  size_t out = places.front(), next = 0;
  for (size_t i = places.front(); i < contacts.size(); ++i) {
    if (next < places.size() && places[next] == i) {
      ++next;
      continue;
    }
    contacts[out] = contacts[i];
    ++out;
  }
  contacts.resize(out);
}

bool Dataset::before(const Contact& a, const Contact& b) const {
  if (a.start != b.start) return a.start < b.start;
  IdRoom room_a, room_b;
  const std::string_view x = id(a, room_a), y = id(b, room_b);
  if (x != y) return x < y;
  return a.channel < b.channel;
}

std::string_view CustomerKeys::view(uint32_t id) const {
  std::call_once(written_, [this] { write(); });
  size_t k = first_.size() - 1;
  while (id < first_[k]) --k;
  const uint64_t begin = id == first_[k] ? 0 : ends_[id - 1];
  return std::string_view(arenas_[k]).substr(begin, ends_[id] - begin);
}

std::string_view CustomerKeys::mac(uint32_t id) const {
  std::call_once(macs_made_, [this] {
    macs_.resize(size_t{size()} * kMacBytes);
    parallel_for(size(), threads_, [&](size_t begin, size_t end) {
      for (size_t i = begin; i < end; ++i) {
        if (i + 16 < end) linker_->warm_key_text(labels_[i + 16], 0);
        if (i + 8 < end) linker_->warm_key_text(labels_[i + 8], 1);
        unsigned char m[kMacBytes];
        linker_->key_mac(labels_[i], m);
        std::memcpy(macs_.data() + i * kMacBytes, m, kMacBytes);
      }
    });
  });
  return {macs_.data() + size_t{id} * kMacBytes, kMacBytes};
}

void CustomerKeys::append(uint32_t id, std::string* out) const {
  if (linker_->hashes_keys()) append_hex(mac(id), out);
  else linker_->append_key_text(labels_[id], out);
}

BigVector<uint32_t> CustomerKeys::ranks_in_byte_order() const {
  // Hex keeps the order of the bytes it writes: 0-9 before a-f.
  if (linker_->hashes_keys())
    return parcours::ranks_in_byte_order(size(), [this](uint32_t i) { return mac(i); }, threads_);
  // The keys' first 16 bytes are read in a pass over the linker's names in
  // the order they lie in memory, each thread a range of nodes, where
  // reading them customer after customer missed the cache twice a key (at
  // 10M records, 3.55M customers: 0.29 to 0.42 s, now about 0.1 s). A
  // chunk names its node, from which ties read the rest of the key, and
  // carries its customer.
  const uint32_t n = size();
  BigVector<detail::Chunk> keys(n);
  {
    // Freed before sorting, when the sort's buffer comes.
    const uint32_t nodes = linker_->node_count();
    BigVector<uint32_t> customer_of(nodes, kNone);
    for (uint32_t c = 0; c < n; ++c) customer_of[labels_[c]] = c;
    // A range's chunks go where those of the ranges before it end.
    const size_t parts = parallel_parts(nodes, threads_);
    std::vector<uint32_t> first(parts + 1, 0);
    for_parts(nodes, parts, [&](size_t k, size_t begin, size_t end) {
      uint32_t labels = 0;
      for (size_t i = begin; i < end; ++i) labels += customer_of[i] != kNone;
      first[k + 1] = labels;
    });
    for (size_t k = 0; k < parts; ++k) first[k + 1] += first[k];
    if (first[parts] != n) throw std::logic_error("CustomerKeys: a customer without a label node of its own");
    for_parts(nodes, parts, [&](size_t k, size_t begin, size_t end) {
      uint32_t at = first[k];
      linker_->for_each_key(static_cast<uint32_t>(begin), static_cast<uint32_t>(end),
                            [&](uint32_t node, const TextPieces& key) {
                              if (const uint32_t c = customer_of[node]; c != kNone) {
                                keys[at] = detail::chunk16_at(key, 0, node);
                                keys[at++].more = c;
                              }
                            });
    });
  }
  detail::sort_chunks([this](uint32_t node) { return linker_->key_pieces(node); }, keys.data(), keys.data() + n, 0,
                      threads_, [this](uint32_t node, int step) { linker_->warm_key_text(node, step); });
  BigVector<uint32_t> rank(n);
  for (uint32_t r = 0; r < n; ++r) rank[keys[r].more] = r;
  return rank;
}

void CustomerKeys::write() const {
  const size_t n = labels_.size();
  ends_.resize(n);
  std::vector<std::pair<uint32_t, std::string>> parts;  // first customer, arena
  std::mutex parts_lock;
  parallel_for(n, threads_, [&](size_t begin, size_t end) {
    std::string arena;
    for (size_t i = begin; i < end; ++i) {
      // Each key is anywhere among the names: those 16 and 8 on are fetched meanwhile.
      if (i + 16 < end) linker_->warm_key_text(labels_[i + 16], 0);
      if (i + 8 < end) linker_->warm_key_text(labels_[i + 8], 1);
      linker_->append_key_text(labels_[i], &arena);
      ends_[i] = arena.size();
    }
    const std::lock_guard<std::mutex> hold(parts_lock);
    parts.emplace_back(static_cast<uint32_t>(begin), std::move(arena));
  });
  std::sort(parts.begin(), parts.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [first, arena] : parts) {
    first_.push_back(first);
    arenas_.push_back(std::move(arena));
  }
}

// Customers are numbered by label node: a vector lookup, where interning
// key texts cost a hash table miss and a string per contact. Two labels
// with the same key text (a known key written KIND:VALUE, and that
// identifier in another component) are one customer, as their keys say.
uint32_t Dataset::customer_of_node(uint32_t node) {
  if (node == kNone) return kNone;
  uint32_t& c = customer_of_label_[node];
  if (c != kNone) return c;
  if (const uint32_t twin = linker.key_twin(node); twin != kNone && customer_of_label_[twin] != kNone)
    return c = customer_of_label_[twin];
  c = customers.size();
  customers.labels_.push_back(node);
  return c;
}

namespace {

// The node naming the customer of each of n records, rec(i) for i in
// [0, n), handed to put(i, node), on `threads` threads, each asking the
// linker for kLabelBatch records at once (Linker::customer_nodes).
constexpr size_t kLabelBatch = 4096;
template <typename Rec, typename Put>
void label_records(const Linker& linker, size_t n, int threads, const Rec& rec, const Put& put) {
  parallel_for(n, threads, [&](size_t begin, size_t end) {
    Linker::NodeCursor at;
    std::vector<uint32_t> recs, nodes;
    for (size_t first = begin; first < end; first += kLabelBatch) {
      const size_t last = std::min(end, first + kLabelBatch);
      recs.clear();
      for (size_t i = first; i < last; ++i) recs.push_back(rec(i));
      nodes.resize(recs.size());
      linker.customer_nodes(recs, nodes.data(), &at);
      for (size_t i = first; i < last; ++i) put(i, nodes[i - first]);
    }
  });
}

}  // namespace

void Dataset::finish() {
  customers.threads_ = threads;
  // Nothing is added from now on: the lookup tables go before the arrays
  // of the record rules and linking come (at 10M records, the peak).
  // The linker's names indexed and classified, and the duplicates found
  // among the contacts, touch nothing in common: with threads to spare,
  // both at once.
  {
    ThreadGroup sealing;
    if (threads > 1) sealing.spawn([this] { linker.seal(); });
    else linker.seal();
    conversations_ = Interner();
    drop_duplicates();
    sealing.join();
  }
  for (const Contact& c : contacts) latest_start = std::max<Micros>(latest_start, c.start);

  // Legs: the records of one conversation and channel, in (start, id) order,
  // as (conversation, contact). A contact's record is Contact::id; the
  // records with a conversation are marked in a bit set, and each is found
  // in conversation_of_ (in record order) where the one before it was, or,
  // the few times a replacing duplicate put contacts out of record order,
  // by a binary search.
  std::vector<uint64_t> is_leg(static_cast<size_t>(accepted) / 64 + 1, 0);
  for (const auto& [r, conversation] : conversation_of_) is_leg[r / 64] |= uint64_t{1} << (r % 64);
  const auto leg = [&](const Contact& c) { return (is_leg[c.id / 64] >> (c.id % 64) & 1) != 0; };
  // Each entry carries what orders it, so that sorting reads no contact
  // but for the ids of legs that start at the same time.
  struct Leg {
    uint32_t conversation;
    Channel channel;
    Micros start;
    uint32_t contact;
  };
  std::vector<Leg> legs;
  legs.reserve(conversation_of_.size());
  auto next = conversation_of_.cbegin();
  for (uint32_t i = 0; i < contacts.size(); ++i) {
    const Contact& c = contacts[i];
    if (!leg(c)) continue;
    if (next == conversation_of_.cend() || next->first != c.id)
      next = std::lower_bound(conversation_of_.cbegin(), conversation_of_.cend(), std::pair<uint32_t, uint32_t>{c.id, 0});
    legs.push_back({next->second, c.channel, c.start, i});
    ++next;
  }
  release(conversation_of_);
  parallel_sort(legs.begin(), legs.end(), [&](const Leg& a, const Leg& b) {
    if (a.conversation != b.conversation) return a.conversation < b.conversation;
    if (a.channel != b.channel) return a.channel < b.channel;
    if (a.start != b.start) return a.start < b.start;
    return before(contacts[a.contact], contacts[b.contact]);
  }, threads);
  auto group_end = [&](size_t i) {
    size_t j = i + 1;
    while (j < legs.size() && legs[j].conversation == legs[i].conversation && legs[j].channel == legs[i].channel) ++j;
    return j;
  };

  // Linking sees each contact as one: the records that count, legs
  // together, a part at a time.
  linker.resolve([&](const Linker::Part& f) {
    std::vector<uint32_t> part;
    part.reserve(link_part);
    auto put = [&](uint32_t e) {
      part.push_back(e);
      if (part.size() == link_part) f(part), part.clear();
    };
    for (const Contact& c : contacts)
      if (!leg(c)) put(c.id);
    for (size_t i = 0; i < legs.size();) {
      const size_t j = group_end(i);
      for (size_t k = i; k < j; ++k) put(contacts[legs[k].contact].id | (k > i ? Linker::kSameContact : 0));
      i = j;
    }
    if (!part.empty()) f(part);
  }, threads);
  // Each contact's label node on every thread, then customers numbered in
  // order of first appearance on one.
  label_records(
      linker, contacts.size(), threads, [&](size_t i) { return contacts[i].id; },
      [&](size_t i, uint32_t node) { contacts[i].customer = node; });
  customer_of_label_.assign(linker.node_count(), kNone);
  for (size_t i = 0; i < contacts.size(); ++i) {
    if (i + 16 < contacts.size() && contacts[i + 16].customer != kNone)
      prefetch(&customer_of_label_[contacts[i + 16].customer]);
    contacts[i].customer = customer_of_node(contacts[i].customer);
  }
  if (keep_record_customers) {
    record_customers.resize(linker.records());
    label_records(
        linker, record_customers.size(), threads, [](size_t i) { return static_cast<uint32_t>(i); },
        [&](size_t i, uint32_t node) { record_customers[i] = node; });
    for (uint32_t& c : record_customers) c = customer_of_node(c);
  }

  std::vector<uint32_t> merged;  // the legs folded into another, by place
  for (size_t i = 0; i < legs.size();) {
    Contact& first = contacts[legs[i].contact];
    const size_t j = group_end(i);
    for (size_t k = i + 1; k < j; ++k) {
      Contact& later = contacts[legs[k].contact];
      // Earliest start is the first leg's; latest end; last leg's outcome;
      // the first known customer; everything else from the first leg.
      if (keep_ends) {
        const Micros later_end = end(later), first_end = end(first);
        if (later_end != kNoTime && (first_end == kNoTime || later_end > first_end)) set_end(first, later_end);
      }
      first.outcome = later.outcome;
      if (first.customer == kNone) first.customer = later.customer;
      merged.push_back(legs[k].contact);
      ++legs_merged;
    }
    if (keep_record_customers)
      for (size_t k = i; k < j; ++k)
        if (uint32_t& r = record_customers[contacts[legs[k].contact].id]; r == kNone) r = first.customer;
    i = j;
  }
  std::sort(merged.begin(), merged.end());
  erase_at(merged);
  release(customer_of_label_);
  linker.release_records();
  if (spill::in_file(contacts.data())) group_by_customer();
}

void Dataset::group_by_customer(std::span<const uint32_t> place) {
  const size_t n = contacts.size();
  const uint32_t slots = customers.size() + 1;  // the last for the unidentified
  const auto slot = [&](const Contact& c) {
    return c.customer == kNone ? slots - 1 : place.empty() ? c.customer : place[c.customer];
  };
  // begin[k]: where slot k's contacts go.
  BigVector<uint32_t> begin(size_t{slots} + 1, 0);
  for (const Contact& c : contacts) ++begin[slot(c) + 1];
  for (size_t k = 1; k < begin.size(); ++k) begin[k] += begin[k - 1];
  // Ranges of slots, each taking at most `window` contacts (or one slot).
  const size_t window =
      std::max<size_t>(1, (group_window != 0 ? group_window : std::max<size_t>(spill::budget() / 4, 64 << 20)) /
                              sizeof(Contact));
  std::vector<uint32_t> range_first{0};  // the first slot of each range, then `slots`
  for (uint32_t k = 0; k < slots; ++k)
    if (begin[k + 1] - begin[range_first.back()] > window && k > range_first.back()) range_first.push_back(k);
  range_first.push_back(slots);
  const auto range_of = [&](uint32_t k) {
    return std::upper_bound(range_first.begin(), range_first.end(), k) - range_first.begin() - 1;
  };
  SpillVector<Contact> grouped;
  grouped.resize(n);
  std::vector<uint32_t> at(range_first.size() - 1);  // where each range's next contact goes
  for (size_t r = 0; r < at.size(); ++r) at[r] = begin[range_first[r]];
  for (const Contact& c : contacts) grouped[at[range_of(slot(c))]++] = c;
  release(contacts);
  // Each range alone: copied out (charged to the budget, as the window
  // was cut from it), then placed by slot, in reading order.
  BigVector<Contact> part;
  for (size_t r = 0; r + 1 < range_first.size(); ++r) {
    const uint32_t first = begin[range_first[r]], last = begin[range_first[r + 1]];
    part.assign(grouped.begin() + static_cast<ptrdiff_t>(first), grouped.begin() + static_cast<ptrdiff_t>(last));
    for (const Contact& c : part) grouped[begin[slot(c)]++] = c;
  }
  contacts = std::move(grouped);
}

}  // namespace parcours
