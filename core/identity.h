// Identity (SPEC §3): which records belong to one customer.
//
// Identifiers (a kind and a normalised value) and known customer keys (the
// `customer` field, crosswalk keys) are the nodes of a union-find. A contact
// unites its nodes (all its legs' nodes), a crosswalk row its key and its
// identifier. Before that, junk values, blocked values, phone numbers that
// are not phone numbers, and identifiers seen with more than --max-fanout
// known customers are dropped: a switchboard or a withheld caller id must
// not glue strangers together. Then no union may put two known keys in one
// component; when phase 1 (plain union of everything) does, the components
// concerned are rebuilt from their edges in a canonical order, refusing the
// unions that would, so the result never depends on the order of the input.
//
// Per record the linker keeps only node ids (uint32) in one flat vector:
// 10M records cost a few tens of MB, and every distinct identifier is
// normalised (libphonenumber) and classified once, when first seen.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "core/intern.h"
#include "core/parallel.h"
#include "core/record.h"

namespace parcours {

enum class DropReason : uint8_t { kNone, kJunk, kNotPhone, kBlocked, kFanout };
// "junk", "not a phone number", "blocked", "shared"
std::string_view drop_reason_name(DropReason r);

// One identifier dropped from linking, for the report.
struct DroppedId {
  std::string kind, value;  // value normalised (junk: trimmed as written)
  DropReason reason;
  int64_t records;  // records carrying it, once duplicates are resolved
  int64_t keys;     // distinct known customers seen with it (kFanout only)
};

// Values that never identify anyone: empty, withheld or placeholder words
// (ASCII case-insensitive), and numbers made of zeros. `v` is trimmed.
bool is_junk(std::string_view v);

// Spaces and tabs off both ends.
std::string_view trim_blanks(std::string_view s);

// Phone numbers to E.164. Values already in E.164 are kept as they are;
// others go through libphonenumber with the default region; extensions are
// dropped. (The Linker caches the results: the same numbers recur.)
class PhoneNormaliser {
 public:
  // `region`: ISO 3166 code ("CA"). Returns false for a region that
  // libphonenumber does not know.
  bool set_region(std::string_view region);
  const std::string& region() const { return region_; }
  // Returns false when `v` (trimmed) is not a possible phone number.
  bool normalise(std::string_view v, std::string* e164) const;

 private:
  std::string region_ = "CA";
};

// ^\+[1-9][0-9]{6,14}$: already E.164, kept as written.
bool is_e164(std::string_view v);

inline constexpr size_t kMacBytes = 32;

// HMAC-SHA256 (RFC 2104) under one key. The key's inner and outer blocks are
// hashed once, here; a MAC then copies those two states and hashes the
// message and the inner digest: about 0.15 µs for a short message, where
// OpenSSL's one-shot HMAC() takes 1.3 (it looks the digest up, under a lock,
// and hashes both key blocks every time). mac() may be called from any
// number of threads at once.
class HmacSha256 {
 public:
  explicit HmacSha256(std::string_view key);
  ~HmacSha256();
  HmacSha256(const HmacSha256&) = delete;
  HmacSha256& operator=(const HmacSha256&) = delete;

  // Over the pieces one after the other, as if they were one string.
  void mac(std::span<const std::string_view> pieces, unsigned char (&out)[kMacBytes]) const;
  void mac(std::string_view msg, unsigned char (&out)[kMacBytes]) const { mac({&msg, 1}, out); }
  // In lower-case hex (64 characters): into *out, which it replaces, or
  // returned.
  void hex(std::span<const std::string_view> pieces, std::string* out) const;
  std::string hex(std::span<const std::string_view> pieces) const {
    std::string out;
    hex(pieces, &out);
    return out;
  }
  std::string hex(std::string_view msg) const { return hex({&msg, 1}); }

 private:
  struct Contexts;
  std::unique_ptr<Contexts> ctx_;
};

// One-off HMAC-SHA256 of `msg` under `key`, in hex.
std::string hmac_sha256_hex(std::string_view key, std::string_view msg);
// Appends `bytes` in lower-case hex to *out.
void append_hex(std::string_view bytes, std::string* out);

class Linker {
 public:
  Linker();
  ~Linker();
  Linker(const Linker&) = delete;
  Linker& operator=(const Linker&) = delete;

  // Configuration, before the first add. Errors read "FILE:LINE: what; fix".
  bool set_region(std::string_view region, std::string* err);
  void set_max_fanout(int64_t n) { max_fanout_ = n; }
  // Keys become hex HMAC-SHA256 under `key`.
  void set_hash_key(std::string_view key);
  // Blocklist lines: KIND,VALUE or *,VALUE; # comments and blank lines.
  bool add_block_text(std::string_view text, std::string_view name, std::string* err);
  bool load_block(const std::string& path, std::string* err);
  // Crosswalk: CSV customer,kind,value, an optional header line of these names.
  bool add_crosswalk_text(std::string_view text, std::string_view name, std::string* err);
  bool load_crosswalk(const std::string& path, std::string* err);

  // Takes a record's key and identifiers; returns its number (0, 1, ...).
  uint32_t add(const RawContact& r);
  // What add() makes of a record's key and identifiers, made where there is
  // time to spare (a parsing thread), to be handed in through
  // RawContact::customer_hash and id_names: the hash of the key's name (0
  // when it has no key), and an identifier's name, built into *buf (which
  // the name views: keep it before the next call), with its hash.
  static uint64_t key_hash(const RawContact& r, std::string* buf);
  static IdName name_id(std::string_view kind, std::string_view raw, std::string* buf);
  uint32_t records() const { return records_ + static_cast<uint32_t>(pending_records_.size()); }
  // Room for about `records` records in all (see Dataset::reserve).
  void reserve(size_t records);

  // No record will be added (nor a crosswalk or blocklist loaded): frees the
  // tables that find a name's node (12 to 18 bytes a distinct identifier),
  // before the arrays of linking are made. resolve() seals first; adding a
  // record, a crosswalk or a blocklist after either throws std::logic_error.
  void seal();

  // Links. `contacts` hands over the records that count (duplicates
  // resolved), one contact after the other: an entry with kSameContact set
  // is another leg of the contact of the entry before it, even when the
  // entry before came in the previous part. contacts(f) calls f with the
  // entries in order, a part at a time, and is called up to three times:
  // the entries are never all held at once (40 MB at 10M records, at the
  // peak of linking).
  static constexpr uint32_t kSameContact = 0x80000000u;
  using Part = std::function<void(std::span<const uint32_t>)>;
  // `threads`: how many may share the passes that allow it.
  void resolve(const std::function<void(const Part&)>& contacts, int threads = 1);

  // After resolve: the node naming record `rec`'s customer (its own key's,
  // else that of its first usable identifier in canonical order), or kNone
  // when it has no key and no usable identifier. Safe to call from several
  // threads at once.
  // `at` (optional, one per thread) makes asking for records in order cheaper.
  struct NodeCursor {
    uint32_t rec = kNone;  // the next record
    size_t begin = 0;      // where its nodes begin
  };
  uint32_t customer_node(uint32_t rec, NodeCursor* at = nullptr) const;
  // The same for many records at once (out[k] for recs[k]), faster: the
  // nodes of all are gathered first, then their labels fetched ahead.
  void customer_nodes(std::span<const uint32_t> recs, uint32_t* out, NodeCursor* at = nullptr) const;
  // The customer key a node names: the known key, or KIND:VALUE; hashed
  // when a hash key is set.
  std::string key_text(uint32_t node) const;
  // The same, appended to *out. Safe to call from several threads at once.
  void append_key_text(uint32_t node, std::string* out) const;
  // The HMAC of node's key text, whose hex is its key_text when a hash key
  // is set. Safe to call from several threads at once.
  void key_mac(uint32_t node, unsigned char (&mac)[kMacBytes]) const;
  // The key_text of `node` where it lies, in pieces (KIND, ":", VALUE, or
  // the known key alone), before any hashing. Safe to call from several
  // threads at once.
  TextPieces key_pieces(uint32_t node) const;
  // Calls f(node, key_pieces(node)) for nodes from begin to end - 1, in
  // the order in which their names lie in memory. Once sealed.
  template <typename F>
  void for_each_key(uint32_t begin, uint32_t end, F&& f) const {
    names_.for_each(begin, end, [&](uint32_t node, std::string_view name) { f(node, pieces_of(name)); });
  }
  bool hashes_keys() const { return hmac_ != nullptr; }
  // Warms the caches for append_key_text(node), in two steps (Interner::warm_view).
  void warm_key_text(uint32_t node, int step) const { names_.warm_view(node, step); }
  uint32_t node_count() const { return names_.size(); }
  // The other node whose key_text is the same as `node`'s: a known key
  // written KIND:VALUE and the identifier KIND, VALUE. Both may name
  // customers, and then they name one. kNone when there is none.
  uint32_t key_twin(uint32_t node) const;

  std::vector<DroppedId> dropped() const;  // by records (most first), then kind, value
  int64_t refused() const { return refused_; }
  int64_t max_fanout() const { return max_fanout_; }
  const std::string& region() const { return phones_.region(); }
  // Frees the per-record lists, and the labels and kinds of the nodes (6
  // bytes a node: 38 MiB at 10M records): customer_node no longer works.
  // The names stay, for key_text and dropped().
  void release_records();

  // The string an identifier is interned under, into *name: true when that
  // is among raw_phones_ (a phone number still to normalise), false when
  // it is a node name of names_.
  static bool identifier_name(std::string_view kind, std::string_view raw, std::string* name);
  // The node name of a known key ("\0KEY"), into *name.
  static const std::string& key_name(std::string_view key, std::string* name);
 private:
  // Node names: a known key's is "\0KEY". An identifier's of the fixed
  // kinds (client, email, phone, chat) is one byte, 1 to 4, then its value;
  // of another kind "KIND\0VALUE", behind a byte 5 when KIND begins with a
  // byte from 0 to 5. (The kind's name in each would cost 5 to 7 bytes.)
  static void append_identifier_name(std::string_view kind, std::string_view value, std::string* name);
  struct NameParts {
    std::string_view kind;  // empty for a known key
    std::string_view value;
  };
  static NameParts name_parts(std::string_view name);
  static TextPieces pieces_of(std::string_view name);  // the key a name gives
  uint32_t identifier_node(std::string_view kind, std::string_view value);
  uint32_t key_node(std::string_view key);
  // key_name of a known key into scratch_, noting a ':' in it (key_twin).
  const std::string& known_key_name(std::string_view key);
  // The node of `raw`, a phone number to normalise as identifier_name left
  // it; `hash`: hash_bytes of it, or 0 when not known.
  uint32_t raw_phone_node(std::string_view kind, std::string_view raw, uint64_t hash);
  uint32_t make_node(std::string_view kind, std::string_view value, DropReason reason);
  uint32_t named_node(std::string_view name, DropReason reason, uint64_t hash);
  std::string normalise_as(std::string_view kind, std::string_view value) const;
  bool blocked(std::string_view kind, std::string_view value);
  bool less(uint32_t a, uint32_t b) const;  // canonical node order
  void check_open(const char* what) const;  // throws once sealed
  // A node's root, halving the path on the way. Safe on several threads at
  // once when no union is being made: a parent another thread rewrote
  // still leads to the same root (parents are read and written as relaxed
  // atomics).
  uint32_t find(uint32_t n) const;
  uint32_t parent_at(uint32_t n) const { return std::atomic_ref<uint32_t>(parent_[n]).load(std::memory_order_relaxed); }
  uint32_t unite(uint32_t a, uint32_t b);  // by rank; returns the new root
  // The same on several threads at once: a root is linked, by
  // compare-and-swap, under the other root when that one's number is lower,
  // so that parents only ever go down in number and no cycle can form,
  // whatever the threads do meanwhile.
  void unite_shared(uint32_t a, uint32_t b);
  void rank_kinds();
  void classify();  // kind_ and drop_ of every name, when sealing

  // Nodes, by name (append_identifier_name).
  // Read back (view) only once sealed.
  Interner names_{Interner::Index::when_asked};
  // Made by classify() when the linker is sealed, not while names come in
  // (3 bytes a name less at the peak of reading).
  BigVector<uint16_t> kind_;      // in kinds_; 0 for known keys
  BigVector<DropReason> drop_;
  std::vector<uint32_t> not_phone_;  // until then: the names added as DropReason::kNotPhone, in order
  mutable BigVector<uint32_t> parent_;
  BigVector<uint8_t> rank_;
  BigVector<uint32_t> label_;     // after resolve: the node naming each node's component
  Interner kinds_;                  // id 0 is "" (known keys)
  std::vector<uint32_t> kind_order_;  // canonical rank of each kind

  // Records: each one's nodes back to back in nodes_, a known key first; a
  // record with none has one entry, kNone. Bit i of starts_ says that
  // nodes_[i] is the first of its record; where every kRecordBlock-th
  // record begins is in block_begin_. So a record's nodes are found from
  // its block's beginning, a few bits on (or where the record before ended,
  // when asked for in order), in about 1 byte a record where an index of
  // where each begins took 4.
  static constexpr uint32_t kRecordBlock = 8;
  std::span<const uint32_t> nodes_of(uint32_t rec, NodeCursor* at) const;
  uint32_t customer_of(uint32_t rec, std::span<const uint32_t> nodes) const;
  size_t next_start(size_t i) const;  // the first record start at or after i, or nodes_.size()
  SpillVector<uint32_t> nodes_;
  std::vector<uint64_t> starts_;
  BigVector<uint32_t> block_begin_;
  uint32_t records_ = 0;
  // Bit r: record r has a known key. Read in order, where kind_ of its first
  // node would be a cache miss a record.
  std::vector<uint64_t> keyed_;
  bool keyed(uint32_t rec) const { return keyed_[rec / 64] >> (rec % 64) & 1; }
  // Records added but not yet in nodes_: their names are interned a batch
  // at a time (flush), in one loop with nothing else between the lookups,
  // which keeps several of them under way at once; looked up one record at
  // a time among the rest of add(), they cost twice as much
  // (bench/names.cpp). Each entry is a name to intern, or a node found
  // already (a phone number to normalise, looked up where it came).
  struct PendingRecord {
    uint32_t entries;
    bool keyed;
  };
  static constexpr size_t kBatch = 256;  // records
  void flush();
  void intern_pending();  // the names of the entries not interned yet
  std::vector<PendingRecord> pending_records_;
  std::string pending_text_;
  std::vector<uint32_t> pending_ends_;   // of each entry's name in pending_text_ (empty for a node)
  std::vector<uint64_t> pending_hashes_;
  std::vector<uint32_t> pending_nodes_;  // each entry's node, once known
  size_t pending_interned_ = 0;          // entries whose node is known
  std::vector<std::pair<uint32_t, uint32_t>> crosswalk_;  // key node, identifier node

  PhoneNormaliser phones_;
  Interner raw_phones_;                // phone values not already in E.164
  std::vector<uint32_t> raw_phone_node_;
  std::unordered_set<std::string> block_;  // "KIND\0VALUE"
  std::vector<std::string> block_any_;     // values of *,VALUE lines
  std::unordered_map<std::string, std::vector<std::string>> block_any_by_kind_;  // normalised per kind
  std::unordered_map<uint32_t, int64_t> fanout_keys_;    // node dropped as shared -> its known keys
  std::unordered_map<uint32_t, int64_t> drop_records_;   // dropped node -> records carrying it

  int64_t max_fanout_ = 1;
  std::unique_ptr<HmacSha256> hmac_;  // set_hash_key() with a key
  int64_t refused_ = 0;
  bool key_with_colon_ = false;  // some known key has a ':' (key_twin can find something)
  bool sealed_ = false;          // seal() was called: nothing more is added
  std::string scratch_, scratch2_, name_;
};

}  // namespace parcours
