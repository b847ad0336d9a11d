#include <algorithm>
#include <cctype>
#include <map>
#include <span>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>
#include <fmt/format.h>

#include "core/dataset.h"
#include "core/episodes.h"
#include "tests/unit/helpers.h"

using namespace parcours;

namespace {
// The customer of a record alone in its input.
std::string key_of(const std::string& line) {
  Dataset ds;
  BOOST_REQUIRE(test::load(line + "\n", &ds).empty());
  BOOST_REQUIRE(ds.contacts.size() == 1u);
  return ds.contacts[0].customer == kNone ? "(none)" : std::string(ds.customer(ds.contacts[0]));
}
constexpr const char* kHead = R"({"id":"1","channel":"phone","start":"2026-03-01T09:00:00Z")";
std::string with(std::string_view more) { return std::string(kHead) + std::string(more) + "}"; }

// A record with one identifier (kind, value), or a known key (customer).
struct OneKey {
  std::string_view kind, value, customer;
};
// Adds a record for each, ids 0, 1, ... starting a microsecond apart, and
// finishes the dataset.
void add_each(std::span<const OneKey> in, Dataset* ds) {
  for (size_t i = 0; i < in.size(); ++i) {
    RawContact r;
    const std::string id = std::to_string(i);
    r.id = id;
    r.start = 1000 + static_cast<Micros>(i);
    if (!in[i].kind.empty()) r.ids.emplace_back(in[i].kind, in[i].value);
    r.has_customer = !in[i].customer.empty();
    r.customer = in[i].customer;
    ds->add(r);
  }
  ds->finish();
}

// Adds a record for each id, starting `step` microseconds apart from 1000,
// and requires every id back as written.
void add_ids(const std::vector<std::string>& ids, Micros step, Dataset* ds) {
  for (size_t i = 0; i < ids.size(); ++i) {
    RawContact r;
    r.id = ids[i];
    r.start = 1000 + step * static_cast<Micros>(i);
    ds->add(r);
  }
  BOOST_REQUIRE(ds->contacts.size() == ids.size());
  for (size_t i = 0; i < ids.size(); ++i) BOOST_REQUIRE(test::id_of(*ds, ds->contacts[i]) == ids[i]);
}

// Once finished, the contacts hold each distinct id of `ids` once.
void check_each_id_once(const Dataset& ds, std::vector<std::string> ids) {
  std::vector<std::string> got;
  for (const Contact& c : ds.contacts) got.push_back(test::id_of(ds, c));
  std::sort(got.begin(), got.end());
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  BOOST_TEST(got == ids);
}
}  // namespace

BOOST_AUTO_TEST_SUITE(dataset)

BOOST_AUTO_TEST_CASE(customer_field_wins_over_identifiers) {
  BOOST_TEST(key_of(with(R"(,"customer":" A7 ","ids":{"client":"9"})")) == "A7");
  BOOST_TEST(key_of(with(R"(,"customer":"","ids":{"client":"9"})")) == "client:9");
}

BOOST_AUTO_TEST_CASE(identifier_order_is_client_email_phone_chat_then_by_kind) {
  BOOST_TEST(key_of(with(R"(,"ids":{"phone":"+14185550101","email":"A@B.CA","client":"0042"})")) == "client:0042");
  BOOST_TEST(key_of(with(R"(,"ids":{"phone":"+14185550101","email":" Jean@Exemple.CA "})")) == "email:jean@exemple.ca");
  BOOST_TEST(key_of(with(R"(,"ids":{"chat":"u1","phone":"+14185550101"})")) == "phone:+14185550101");
  BOOST_TEST(key_of(with(R"(,"ids":{"zeta":"z","chat":"u1"})")) == "chat:u1");
  BOOST_TEST(key_of(with(R"(,"ids":{"zeta":"z","account":"a"})")) == "account:a");
  BOOST_TEST(key_of(with(R"(,"ids":{"client":"  ","phone":"418-555-0105"})")) == "phone:+14185550105");
  BOOST_TEST(key_of(with(R"(,"ids":{})")) == "(none)");
  BOOST_TEST(key_of(with("")) == "(none)");
}

// Customers are numbered by linker node, but two components whose keys read
// the same (a known key written KIND:VALUE, that identifier elsewhere) are
// one customer, whichever comes first, kinds with a ':' included; keys are
// numbered in order of first appearance.
BOOST_AUTO_TEST_CASE(customers_with_the_same_key_text_are_one) {
  for (const bool key_first : {true, false}) {
    const std::string key = R"({"id":"1","channel":"phone","start":"2026-03-01T09:00:00Z","customer":"phone:+14185550101"})";
    const std::string id = R"({"id":"2","channel":"web","start":"2026-03-02T09:00:00Z","ids":{"phone":"418 555 0101"}})";
    const std::string other = R"({"id":"3","channel":"web","start":"2026-03-03T09:00:00Z","ids":{"a:b":"c"}})";
    const std::string other_key = R"({"id":"4","channel":"web","start":"2026-03-04T09:00:00Z","customer":"a:b:c"})";
    const std::string alone = R"({"id":"5","channel":"web","start":"2026-03-05T09:00:00Z","customer":"b:c"})";
    Dataset ds;
    BOOST_REQUIRE(test::load((key_first ? key + "\n" + id : id + "\n" + key) + "\n" + other + "\n" + other_key + "\n" +
                                 alone + "\n",
                             &ds)
                      .empty());
    BOOST_REQUIRE(ds.contacts.size() == 5u);
    BOOST_TEST(ds.customers.size() == 3u);
    BOOST_TEST(ds.contacts[0].customer == 0u);
    BOOST_TEST(ds.contacts[1].customer == 0u);
    BOOST_TEST(ds.contacts[2].customer == 1u);
    BOOST_TEST(ds.contacts[3].customer == 1u);
    BOOST_TEST(ds.contacts[4].customer == 2u);
    BOOST_TEST(ds.customers.view(0) == "phone:+14185550101");
    BOOST_TEST(ds.customers.view(1) == "a:b:c");
    BOOST_TEST(ds.customers.view(2) == "b:c");
  }
}

// Identifiers of the fixed kinds are named by a byte, others by their kind:
// no kind, whatever its bytes, takes another's identifiers, and every key
// reads KIND:VALUE, the same as a known key written so (its twin).
BOOST_AUTO_TEST_CASE(node_names_keep_every_kind_apart) {
  using namespace std::string_view_literals;
  const OneKey in[] = {
      {"client", "7", {}},
      {"\x01"sv, "x", {}},          // a kind that begins with a fixed kind's byte
      {"client", "\0x"sv, {}},      // and the value its name would be read as
      {"\x05"sv, "7", {}},          // a kind that begins with the escape byte
      {"other", "7", {}},
      {"phone", "+14185550101", {}},
      {"email", "a@example.org", {}},
      {"chat", "7", {}},
      {{}, {}, "client:7"},         // twins of the first two
      {{}, {}, "\x01:x"sv},
  };
  Dataset ds;
  add_each(in, &ds);
  BOOST_REQUIRE(ds.contacts.size() == std::size(in));
  const std::string_view want[] = {"client:7", "\x01:x"sv, "client:\0x"sv, "\x05:7"sv, "other:7",
                                   "phone:+14185550101", "email:a@example.org", "chat:7"};
  BOOST_TEST(ds.customers.size() == std::size(want));
  for (size_t i = 0; i < std::size(want); ++i) {
    BOOST_TEST_CONTEXT("contact " << i) {
      BOOST_TEST(ds.contacts[i].customer == i);
      BOOST_TEST(ds.customer(ds.contacts[i]) == want[i]);
    }
  }
  BOOST_TEST(ds.contacts[8].customer == 0u);
  BOOST_TEST(ds.contacts[9].customer == 1u);
}

// Customers rank in the byte order of their keys, read in place from the
// linker's names (kind, ':', value, or the known key) or, hashed, from the
// keys written out: a kind that is a prefix of another ("chat", "chatbot"),
// known keys that read like identifiers or sort between kinds, values that
// tie beyond 16 bytes.
BOOST_AUTO_TEST_CASE(customer_ranks_follow_the_bytes_of_their_keys) {
  using namespace std::string_view_literals;
  const OneKey in[] = {
      {"chat", "7", {}},
      {"chatbot", "1", {}},
      {"chat", "someone.with.a.long.name.b", {}},
      {"chat", "someone.with.a.long.name.a", {}},
      {"chat", "someone.with.a.long.name", {}},
      {"client", "7", {}},
      {"\x01"sv, "x", {}},
      {"\x05"sv, "7", {}},
      {"email", "a@example.org", {}},
      {"phone", "+14185550101", {}},
      {"other", "\0x"sv, {}},
      {{}, {}, "chat;"},
      {{}, {}, "chat"},
      {{}, {}, "C00001"},
      {{}, {}, "client:8"},
      {{}, {}, "\xff"sv},
  };
  for (const bool hashed : {false, true}) {
    BOOST_TEST_CONTEXT("hashed " << hashed) {
      Dataset ds;
      if (hashed) ds.linker.set_hash_key("key");
      add_each(in, &ds);
      BOOST_REQUIRE(ds.customers.size() == std::size(in));
      // append() adds each key as view() gives it, asked before view() or not.
      std::vector<std::string> appended(ds.customers.size(), "<");
      for (uint32_t k = 0; k < appended.size(); ++k) ds.customers.append(k, &appended[k]);
      for (uint32_t k = 0; k < appended.size(); ++k)
        BOOST_TEST(appended[k] == std::string("<").append(ds.customers.view(k)));
      std::vector<uint32_t> by(ds.customers.size());
      BigVector<uint32_t> want(by.size());
      for (uint32_t k = 0; k < by.size(); ++k) by[k] = k;
      std::sort(by.begin(), by.end(), [&](uint32_t a, uint32_t b) { return ds.customers.view(a) < ds.customers.view(b); });
      for (uint32_t r = 0; r < by.size(); ++r) want[by[r]] = r;
      BOOST_TEST(ds.customers.ranks_in_byte_order() == want);
    }
  }
}

// A known key that begins with ':' names no identifier (no kind is empty):
// it is not the twin of the key after the ':', whichever comes first.
BOOST_AUTO_TEST_CASE(a_key_beginning_with_a_colon_is_its_own_customer) {
  const std::string colon = R"({"id":"1","channel":"web","start":"2026-03-01T09:00:00Z","customer":":x"})";
  const std::string plain = R"({"id":"2","channel":"web","start":"2026-03-02T09:00:00Z","customer":"x"})";
  for (const bool colon_first : {true, false}) {
    BOOST_TEST_CONTEXT("colon first " << colon_first) {
      Dataset ds;
      BOOST_REQUIRE(test::load(colon_first ? colon + "\n" + plain + "\n" : plain + "\n" + colon + "\n", &ds).empty());
      BOOST_REQUIRE(ds.contacts.size() == 2u);
      BOOST_TEST(ds.customers.size() == 2u);
      BOOST_TEST(ds.contacts[0].customer != ds.contacts[1].customer);
    }
  }
}

// Enough customers for their keys to be written in parts, one a thread
// (and for customers to be found on several): the same keys, in the same
// order of first appearance, the same ranks, whatever the threads.
BOOST_AUTO_TEST_CASE(many_customers_same_keys_on_any_threads) {
  constexpr int kCustomers = 70000;
  std::string ndjson;
  for (int i = 0; i < kCustomers; ++i) {
    const int c = (i * 7919) % kCustomers;  // every customer once, out of order
    ndjson += R"({"id":")" + std::to_string(i) + R"(","channel":"phone","start":"2026-03-01T09:00:00Z",)" +
              (c % 3 == 0 ? R"("customer":"K)" + std::to_string(c) + R"(")" : R"("ids":{"client":")" + std::to_string(c) + R"("})") +
              "}\n";
  }
  std::vector<std::string> keys1;
  BigVector<uint32_t> ranks1;
  for (const int threads : {1, 3}) {
    Dataset ds;
    ds.threads = threads;
    BOOST_REQUIRE(test::load(ndjson, &ds).empty());
    BOOST_REQUIRE(ds.customers.size() == static_cast<uint32_t>(kCustomers));
    std::vector<std::string> keys;
    for (uint32_t k = 0; k < ds.customers.size(); ++k) keys.emplace_back(ds.customers.view(k));
    for (int i = 0; i < kCustomers; i += 9973) {
      const int c = (i * 7919) % kCustomers;
      BOOST_TEST(ds.contacts[i].customer == static_cast<uint32_t>(i));
      BOOST_TEST(keys[i] == (c % 3 == 0 ? "K" : "client:") + std::to_string(c));
    }
    const Ranks ranks(ds);
    if (threads == 1) {
      keys1 = keys;
      ranks1 = ranks.customer;
    } else {
      BOOST_TEST(keys == keys1);
      BOOST_TEST(ranks.customer == ranks1);
    }
  }
}

BOOST_AUTO_TEST_CASE(duplicates_last_read_wins) {
  Dataset ds;
  test::load(R"({"id":"1","channel":"phone","start":"2026-03-01T09:00:00Z","service":"a"}
{"id":"1","channel":"email","start":"2026-03-01T09:00:00Z","service":"b"}
{"id":"1","channel":"phone","start":"2026-03-02T09:00:00Z","service":"c"}
)", &ds);
  BOOST_TEST(ds.accepted == 3);
  BOOST_TEST(ds.duplicates == 1);
  BOOST_REQUIRE(ds.contacts.size() == 2u);
  BOOST_TEST(ds.service(ds.contacts[0]) == "c");  // same channel and id: replaced
  BOOST_TEST(ds.service(ds.contacts[1]) == "b");  // same id, other channel: another contact
  BOOST_TEST(format_time(ds.latest_start) == "2026-03-02T09:00:00Z");
}

// Four copies of one record are one contact and three duplicates, not a
// class for each copy after the first: the copies found with the first are
// not compared again.
BOOST_AUTO_TEST_CASE(copies_of_one_record_are_one_class) {
  Dataset ds;
  test::load(R"({"id":"7","channel":"chat","start":"2026-03-01T09:00:00Z","service":"a"}
{"id":"8","channel":"chat","start":"2026-03-01T09:00:00Z","service":"x"}
{"id":"7","channel":"chat","start":"2026-03-01T09:00:00Z","service":"b"}
{"id":"7","channel":"chat","start":"2026-03-01T09:00:00Z","service":"c"}
{"id":"7","channel":"chat","start":"2026-03-01T09:00:00Z","service":"d"}
)", &ds);
  BOOST_TEST(ds.accepted == 5);
  BOOST_TEST(ds.duplicates == 3);
  BOOST_REQUIRE(ds.contacts.size() == 2u);
  BOOST_TEST(ds.service(ds.contacts[0]) == "d");
  BOOST_TEST(ds.service(ds.contacts[1]) == "x");
}

// Enough records for duplicates to be found on several threads: the same
// survivors (the last of each channel and id, in the place of the first)
// as a plain map says, whatever the number of threads.
BOOST_AUTO_TEST_CASE(many_duplicates_same_survivors_on_any_threads) {
  constexpr int kRecords = 100000;
  std::string ndjson;
  std::map<std::pair<std::string, std::string>, int> last;  // (channel, id) -> last record
  std::vector<std::pair<std::string, std::string>> first_seen;
  for (int i = 0; i < kRecords; ++i) {
    const std::string id = std::to_string((i * 7919) % 40000), channel = (i / 3) % 2 == 0 ? "phone" : "email";
    ndjson += R"({"id":")" + id + R"(","channel":")" + channel + R"(","start":"2026-03-01T09:00:00Z","service":"s)" +
              std::to_string(i) + "\"}\n";
    if (last.count({channel, id}) == 0) first_seen.emplace_back(channel, id);
    last[{channel, id}] = i;
  }
  for (const int threads : {1, 2, 3}) {
    BOOST_TEST_CONTEXT("threads " << threads) {
      Dataset ds;
      ds.threads = threads;
      BOOST_REQUIRE(test::load(ndjson, &ds).empty());
      BOOST_REQUIRE(ds.contacts.size() == first_seen.size());
      BOOST_TEST(ds.duplicates == static_cast<int64_t>(kRecords - first_seen.size()));
      for (size_t k = 0; k < first_seen.size(); ++k) {
        const Contact& c = ds.contacts[k];
        BOOST_REQUIRE(channel_name(c.channel) == first_seen[k].first);
        BOOST_REQUIRE(test::id_of(ds, c) == first_seen[k].second);
        std::string service = std::to_string(last[first_seen[k]]);
        service.insert(service.begin(), 's');
        BOOST_REQUIRE(ds.service(c) == service);
      }
    }
  }
}

// Ids are kept back to back, each one's end relative to its block of 1024
// records: nowhere while the block's ids have one length, in 2 bytes, or in
// 4 once the block's ids pass 64 KiB: every id read back whole, on both
// sides of the blocks' edges, empty ones included, in a block of one length
// past 64 KiB that turns wide at its last record (an empty id), one that
// turns 2-byte at its second record then wide halfway, one of one length
// that turns 2-byte at its last record just short of 64 KiB, one of one
// length that passes 64 KiB by one byte and stays so, then a 2-byte block
// and a last one, not full, of one length.
BOOST_AUTO_TEST_CASE(ids_read_back_across_blocks) {
  constexpr int kBlock = 1024, kRecords = 6 * kBlock + 11;
  std::vector<std::string> ids;
  Dataset ds;
  for (int i = 0; i < kRecords; ++i) {
    const int block = i / kBlock, k = i % kBlock;
    size_t length = static_cast<size_t>(i % 37);
    if (block == 1) length = 200;                        // one length, then wide at the last
    if (block == 2 && k >= 500) length = 150;            // wide from record ~877 on
    if (block == 3) length = k == kBlock - 1 ? 59 : 60;  // with 4 digits, 65535 bytes: narrow
    if (block == 4) length = 60;                         // 65536, one length throughout
    if (block == 6) length = 5;                          // the last 11, one length
    ids.push_back(std::string(length, static_cast<char>('a' + i % 26)) + std::to_string(i));
    if (k == kBlock - 1 && block != 3 && block != 4) ids.back().clear();
  }
  for (int i = 0; i < kRecords; ++i) {
    RawContact r;
    r.id = ids[static_cast<size_t>(i)];
    r.channel = static_cast<Channel>(i / kBlock);  // the empty ids are not duplicates
    r.start = 1000 + i;
    ds.add(r);
  }
  const auto block_bytes = [&](int block) {
    size_t n = 0;
    for (int k = 0; k < kBlock; ++k) n += ids[static_cast<size_t>(block * kBlock + k)].size();
    return n;
  };
  BOOST_TEST(block_bytes(3) == 65535u);
  BOOST_TEST(block_bytes(4) == 65536u);
  BOOST_REQUIRE(ds.contacts.size() == ids.size());
  for (size_t i = 0; i < ids.size(); ++i) BOOST_REQUIRE(test::id_of(ds, ds.contacts[i]) == ids[i]);
  ds.finish();
  BOOST_REQUIRE(ds.contacts.size() == ids.size());
  for (size_t i = 0; i < ids.size(); ++i) BOOST_REQUIRE(test::id_of(ds, ds.contacts[i]) == ids[i]);
}

// Ids of a head and a run of digits are packed, a block at a time, and a
// block that meets an id of another shape is written out, with nothing lost:
// leading zeros, digits in the head, the longest runs, and the duplicates
// between a packed block and one written out.
BOOST_AUTO_TEST_CASE(ids_of_a_head_and_digits_are_packed_and_read_back) {
  constexpr int kBlock = 1024;
  // head, then n in `width` digits at least
  const auto padded = [](uint64_t n, size_t width, std::string_view head = "") {
    const std::string digits = std::to_string(n);
    std::string s(head);
    s.append(width - std::min(width, digits.size()), '0');
    return s.append(digits);
  };
  std::vector<std::string> ids;
  for (int k = 0; k < kBlock; ++k) ids.push_back(padded(k, 8, "E"));  // packed: 1 + 4 bytes
  BOOST_REQUIRE(ids[7] == "E00000007");
  {
    Dataset ds;
    add_ids(ids, 0, &ds);
    BOOST_TEST(ds.id_bytes() == size_t{kBlock} * 5);
  }
  // Packed, then one of the same length but a letter among the digits
  // (uniform), then another length (narrow); "E00000007" again: a duplicate
  // of block 0's.
  for (int k = 0; k < kBlock; ++k)
    ids.push_back(k == 500 ? "E0000x500" : k == 700 ? "E700" : k == 900 ? "E00000007" : padded(k + 5000, 8, "E"));
  // Digits only, with leading zeros.
  for (int k = 0; k < kBlock; ++k) ids.push_back(padded(k % 3 == 0 ? 0 : k, 7));
  // 25 digits: the last 19 packed, 6 in the head; the largest number of 19.
  for (int k = 0; k < kBlock; ++k) ids.push_back(k == 1 ? "1234569999999999999999999" : padded(k * 7919ull, 19, "123456"));
  // Too long a head (13 bytes) or too few digits (3): written as they are.
  for (int k = 0; k < kBlock; ++k) ids.push_back(k % 2 == 0 ? padded(k, 8, "ticket-00000-") : "abcdefghijklmnopqrstu");
  for (int k = 0; k < kBlock; ++k) ids.push_back(padded(k % 1000, 3, "A"));
  // "A912345" is no "AB12345": its own head is "A" (the digits of a head
  // never end it), so it is written out; a block it begins is packed as it
  // is, and holds it again: a duplicate.
  for (int k = 0; k < kBlock; ++k) ids.push_back(k == 0 ? "AB12345" : k == 1 ? "A912345" : padded(k, 5, "AB"));
  for (int k = 0; k < kBlock; ++k) ids.push_back(k == 0 ? "A912345" : padded(k, 5, "A8"));
  // Packed until the last id of the block, then the rest of a block.
  for (int k = 0; k < kBlock + 300; ++k) ids.push_back(k == kBlock - 1 ? "Q" : padded(k, 12, "Q"));
  Dataset ds;
  add_ids(ids, 1, &ds);
  ds.finish();
  BOOST_TEST(ds.duplicates == 1 + 341 + (kBlock / 2 - 1) + (kBlock - 1000) + 1);
  check_each_id_once(ds, ids);
}

// UUIDs are packed in 16 bytes, a block of one case at a time; one without
// letters goes in a block of either case and is a duplicate of itself in
// any, while the same digits in upper and lower case are two ids; anything
// not quite a UUID, or a block that meets one of the other case, is
// written out.
BOOST_AUTO_TEST_CASE(uuids_are_packed_and_read_back) {
  constexpr int kBlock = 1024;
  // A UUID from k, its letters in `upper` case.
  const auto uuid = [](uint64_t k, bool upper) {
    std::string s = fmt::format("{:08x}-{:04x}-4{:03x}-a{:03x}-{:012x}", k * 2654435761u % 0xffffffffu, k % 0xffff,
                                k % 0xfff, (k * 7) % 0xfff, k * 0x9e3779b9u);
    if (upper) std::transform(s.begin(), s.end(), s.begin(), [](char c) { return static_cast<char>(std::toupper(c)); });
    return s;
  };
  const std::string digits_only = "12345678-1234-4123-8123-123456789012";
  std::vector<std::string> ids;
  for (int k = 0; k < kBlock; ++k) ids.push_back(uuid(k, false));
  BOOST_REQUIRE(ids[1] == "9e3779b1-0001-4001-a007-00009e3779b9");
  {
    Dataset ds;
    add_ids(ids, 0, &ds);
    BOOST_TEST(ds.id_bytes() == size_t{kBlock} * 16);
  }
  // Upper case, the digits-only one among them, and block 0's second in
  // upper case (another id). Then a block that the digits-only one begins
  // (lower case) and an upper-case one ends: written out, the digits-only
  // one a duplicate. Then near misses: mixed case, a 'g', a dash out of
  // place, one character short.
  for (int k = 0; k < kBlock; ++k) ids.push_back(k == 3 ? digits_only : k == 4 ? uuid(1, true) : uuid(k + 5000, true));
  for (int k = 0; k < kBlock; ++k)
    ids.push_back(k == 0 ? digits_only : k == kBlock - 1 ? uuid(9000, true) : uuid(k + 7000, false));
  for (int k = 0; k < kBlock; ++k) {
    std::string u = uuid(k + 11000, false);
    if (k % 4 == 1) u[0] = 'g';
    else if (k % 4 == 2) std::swap(u[8], u[9]);
    else if (k % 4 == 3) u.pop_back();
    else u[0] = 'A', u[1] = 'b';
    ids.push_back(u);
  }
  Dataset ds;
  add_ids(ids, 1, &ds);
  BOOST_TEST(ds.id_bytes() == size_t{kBlock} * (16 + 16 + 36) + size_t{kBlock} * 36 - kBlock / 4);
  ds.finish();
  BOOST_TEST(ds.duplicates == 1);
  check_each_id_once(ds, ids);
}

BOOST_AUTO_TEST_CASE(legs_merge_into_one_contact) {
  Dataset ds;
  ds.keep_ends = true;
  test::load(R"({"id":"b","channel":"phone","start":"2026-03-01T09:05:00Z","end":"2026-03-01T09:20:00Z","service":"agent-q","conversation":"k","outcome":"resolved","ids":{"phone":"+14185550105"}}
{"id":"a","channel":"phone","start":"2026-03-01T09:00:00Z","end":"2026-03-01T09:05:00Z","service":"ivr-menu","conversation":"k","outcome":"transferred"}
{"id":"c","channel":"chat","start":"2026-03-01T09:01:00Z","conversation":"k"}
{"id":"d","channel":"phone","start":"2026-03-01T09:30:00Z","conversation":"other"}
)", &ds);
  BOOST_TEST(ds.legs_merged == 1);
  BOOST_REQUIRE(ds.contacts.size() == 3u);
  const Contact* merged = nullptr;
  for (const Contact& c : ds.contacts)
    if (test::id_of(ds, c) == "a") merged = &c;
  BOOST_REQUIRE(merged != nullptr);
  BOOST_TEST(format_time(merged->start) == "2026-03-01T09:00:00Z");  // earliest start
  BOOST_TEST(format_time(ds.end(*merged)) == "2026-03-01T09:20:00Z");    // latest end
  BOOST_TEST((merged->outcome == Outcome::resolved));                // last leg's outcome
  BOOST_TEST(ds.service(*merged) == "ivr-menu");                      // first leg's fields
  BOOST_TEST(ds.customer(*merged) == "phone:+14185550105");                       // a later leg's customer is kept
  // The latest start counts every leg.
  BOOST_TEST(format_time(ds.latest_start) == "2026-03-01T09:30:00Z");
}

// A time relative to a start is kept in the coarsest unit that holds it
// exactly, up to 2^29 of that unit either way; anything else is "far".
BOOST_AUTO_TEST_CASE(offset_codes_hold_every_offset_exactly_or_say_far) {
  using namespace offset_code;
  const Micros s = 1000000, ms = 1000, lim = int64_t{1} << 29;
  const std::vector<Micros> held = {0,         1,          -1,           999,         ms,         -ms,
                                    s,         -s,         s + 1,        s + ms,      (lim - 1),  -lim,
                                    (lim - 1) * ms, -lim * ms, (lim - 1) * s, -lim * s, 86400 * s, 6 * 86400 * s + 5 * ms,
                                    3 * 86400 * s + 7 * ms};
  for (const Micros off : held) {
    const int32_t code = encode(off);
    BOOST_TEST_INFO("offset " << off);
    BOOST_REQUIRE(is_offset(code));
    BOOST_TEST(decode(code) == off);
  }
  // Past each unit's reach, in the finest unit that holds it.
  for (const Micros off : {lim, -lim - 1, lim * ms + 1, lim * s + ms, lim * s, -lim * s - s, INT64_MAX, INT64_MIN + 1})
    BOOST_TEST(encode(off) == kFar, "offset " << off);
  BOOST_TEST(!is_offset(kAbsent));
  BOOST_TEST(!is_offset(kFar));
}

// answered and end come back exactly as read, whatever their distance from
// the start and their precision: near ones in a unit, far ones from the
// table beside the contacts; a merged leg's far end as well.
BOOST_AUTO_TEST_CASE(contact_times_come_back_exactly) {
  Dataset ds;
  ds.keep_answered = ds.keep_ends = true;
  BOOST_REQUIRE(test::load(R"({"id":"s","channel":"phone","start":"2026-03-01T09:00:00Z","answered":"2026-03-01T09:00:30Z","end":"2026-03-01T10:59:59Z"}
{"id":"ms","channel":"chat","start":"2026-03-01T09:00:00.250Z","answered":"2026-03-01T09:00:01Z","end":"2026-03-05T23:00:00.001Z"}
{"id":"us","channel":"chat","start":"2026-03-01T09:00:00Z","answered":"2026-03-01T09:00:00.000001Z","end":"2026-03-01T09:08:00.000001Z"}
{"id":"far-us","channel":"chat","start":"2026-03-01T09:00:00Z","answered":"2026-03-01T09:10:00.000001Z","end":"2026-03-01T09:00:00.5Z"}
{"id":"far-ms","channel":"email","start":"2026-03-01T09:00:00Z","answered":"2026-03-15T09:00:00.001Z"}
{"id":"far-s","channel":"mail","start":"2000-01-01T00:00:00Z","end":"2026-03-01T09:00:00Z"}
{"id":"none","channel":"web","start":"2026-03-01T09:00:00Z"}
{"id":"leg1","channel":"phone","start":"2026-03-02T09:00:00Z","end":"2026-03-02T09:01:00Z","conversation":"k"}
{"id":"leg2","channel":"phone","start":"2026-03-02T09:02:00Z","end":"2026-03-20T09:00:00.000007Z","conversation":"k"}
)", &ds).empty());
  std::map<std::string, std::pair<std::string, std::string>> got;
  const auto text = [](Micros t) { return t == kNoTime ? std::string("-") : format_time(t); };
  for (const Contact& c : ds.contacts) got[std::string(test::id_of(ds, c))] = {text(ds.answered(c)), text(ds.end(c))};
  const std::map<std::string, std::pair<std::string, std::string>> want = {
      {"s", {"2026-03-01T09:00:30Z", "2026-03-01T10:59:59Z"}},
      {"ms", {"2026-03-01T09:00:01Z", "2026-03-05T23:00:00.001Z"}},
      {"us", {"2026-03-01T09:00:00.000001Z", "2026-03-01T09:08:00.000001Z"}},
      {"far-us", {"2026-03-01T09:10:00.000001Z", "2026-03-01T09:00:00.5Z"}},
      {"far-ms", {"2026-03-15T09:00:00.001Z", "-"}},
      {"far-s", {"-", "2026-03-01T09:00:00Z"}},
      {"none", {"-", "-"}},
      {"leg1", {"-", "2026-03-20T09:00:00.000007Z"}},
  };
  BOOST_TEST((got == want));
  // Kept only when asked for: nothing else reads them.
  Dataset without;
  BOOST_REQUIRE(test::load(R"({"id":"s","channel":"phone","start":"2026-03-01T09:00:00Z","answered":"2026-03-01T09:00:30Z","end":"2026-03-01T10:59:59Z"})", &without).empty());
  BOOST_CHECK_THROW(without.answered(without.contacts[0]), std::logic_error);
  BOOST_CHECK_THROW(without.end(without.contacts[0]), std::logic_error);
  BOOST_CHECK_THROW(without.end_or_start(without.contacts[0]), std::logic_error);
}

// Offset codes by record come back as pushed and set, whichever form their
// block took: 2 bytes for whole seconds up to 18 hours (and absent), the
// others of such a block in the table while there are few, whole blocks
// otherwise; the block being filled as well.
BOOST_AUTO_TEST_CASE(offset_codes_by_record_come_back_in_every_form) {
  using offset_code::encode;
  constexpr uint32_t B = OffsetCodes::kBlock;
  const Micros s = 1000000;
  std::vector<int32_t> want;
  // Block 0: seconds and absent, and kOthers others (days, milliseconds,
  // negative, far): 2 bytes. Block 1: one other more: whole. Block 2:
  // milliseconds: whole. Block 3: the last 2-byte value and absent. Then a
  // block half filled.
  for (uint32_t k = 0; k < B; ++k) {
    const uint32_t o = k % (B / OffsetCodes::kOthers);
    want.push_back(o == 7 ? (k % 3 == 0 ? encode(3 * 86400 * s) : k % 3 == 1 ? encode(1500) : encode(-s))
                   : k % 5 == 0 ? offset_code::kAbsent
                                : encode(Micros{k} * 61 * s));
  }
  for (uint32_t k = 0; k < B; ++k)
    want.push_back(k <= OffsetCodes::kOthers ? encode(65534 * s + Micros{k} * s) : encode(Micros{k} * s));
  for (uint32_t k = 0; k < B; ++k) want.push_back(encode(Micros{k} * 1000 + 7000));
  for (uint32_t k = 0; k < B; ++k) want.push_back(k % 2 ? encode(65533 * s) : offset_code::kAbsent);
  for (uint32_t k = 0; k < B / 2; ++k) want.push_back(encode(Micros{k} * 1001));
  OffsetCodes codes;
  codes.reserve(want.size());
  for (const int32_t c : want) codes.push_back(c);
  BOOST_TEST(codes.wide_blocks() == 2u);
  BOOST_TEST(codes.others() == size_t{OffsetCodes::kOthers});
  const auto all_back = [&] {
    for (uint32_t r = 0; r < want.size(); ++r) {
      codes.warm(r);
      if (codes[r] != want[r]) return r;
    }
    return uint32_t{kNone};
  };
  BOOST_TEST(all_back() == kNone);
  // Set in every form: a 2-byte value to another and back, whole blocks,
  // the block being filled.
  for (const uint32_t r : {1u, 7u, 2 * B + 3, B + 4, 4 * B + 9, 3 * B + 1}) {
    for (const int32_t c : {encode(90000 * s), offset_code::kAbsent, offset_code::kFar, encode(-3), encode(12 * s)}) {
      codes.set(r, c);
      want[r] = c;
      BOOST_TEST(all_back() == kNone, "record " << r << ", code " << c);
    }
  }
  BOOST_TEST(codes.others() == size_t{OffsetCodes::kOthers} - 1);  // record 7 was one and is no more
}

// A contact's start comes back whole from its two halves (far past and
// future, negative, odd microseconds), and its 4-byte word holds every
// channel, direction and outcome beside the service.
BOOST_AUTO_TEST_CASE(contact_fields_hold_every_value) {
  for (const Micros t : {Micros{0}, Micros{-1}, Micros{1}, INT64_MIN, INT64_MAX, Micros{-62135596800000000},
                         Micros{1772355600000001}, Micros{253402300799999999}}) {
    Contact c{};
    c.start = t;
    BOOST_TEST(Micros{c.start} == t);
    const Micros4 copy = c.start;
    BOOST_TEST(Micros{copy} == t);
  }
  for (int ch = 0; ch < kChannelCount; ++ch)
    for (const Direction d : {Direction::in, Direction::out})
      for (int o = 0; o <= static_cast<int>(Outcome::unknown); ++o) {
        Contact c{};
        c.service = kServiceLimit - 1 - static_cast<uint32_t>(ch);
        c.channel = static_cast<Channel>(ch);
        c.direction = d;
        c.outcome = static_cast<Outcome>(o);
        c.customer = kNone;
        BOOST_TEST_INFO("channel " << ch << ", outcome " << o);
        BOOST_TEST(uint32_t{c.service} == kServiceLimit - 1 - static_cast<uint32_t>(ch));
        BOOST_TEST(static_cast<int>(c.channel) == ch);
        BOOST_TEST((c.direction == d));
        BOOST_TEST(static_cast<int>(c.outcome) == o);
        BOOST_TEST(c.customer == kNone);
      }
  // Read through the dataset: a start before 1970, every channel.
  Dataset ds;
  BOOST_REQUIRE(test::load(R"({"id":"old","channel":"mail","start":"1969-12-31T23:59:59.999999Z","direction":"out"}
{"id":"new","channel":"cobrowse","start":"2026-03-01T09:00:00Z","outcome":"transferred"}
)", &ds).empty());
  BOOST_REQUIRE(ds.contacts.size() == 2u);
  BOOST_TEST(Micros{ds.contacts[0].start} == -1);
  BOOST_TEST((ds.contacts[0].channel == Channel::mail && ds.contacts[0].direction == Direction::out));
  BOOST_TEST((ds.contacts[1].channel == Channel::cobrowse && ds.contacts[1].outcome == Outcome::transferred));
  BOOST_TEST(format_time(ds.contacts[1].start) == "2026-03-01T09:00:00Z");
}

BOOST_AUTO_TEST_CASE(legs_of_a_replaced_duplicate_do_not_count) {
  Dataset ds;
  test::load(R"({"id":"a","channel":"phone","start":"2026-03-01T09:00:00Z","conversation":"k"}
{"id":"b","channel":"phone","start":"2026-03-01T09:05:00Z","conversation":"k"}
{"id":"b","channel":"phone","start":"2026-03-01T09:05:00Z"}
)", &ds);
  BOOST_TEST(ds.duplicates == 1);
  BOOST_TEST(ds.legs_merged == 0);
  BOOST_TEST(ds.contacts.size() == 2u);
}

// A duplicate that replaces a record brings its own conversation and
// identifiers: here it joins "a"'s conversation, and its phone (not the
// replaced record's) links the merged contact with "c".
BOOST_AUTO_TEST_CASE(a_replacing_duplicate_brings_its_conversation_and_identifiers) {
  Dataset ds;
  test::load(R"({"id":"a","channel":"phone","start":"2026-03-01T09:00:00Z","conversation":"k","ids":{"phone":"+14185550101"}}
{"id":"b","channel":"phone","start":"2026-03-01T09:05:00Z","ids":{"phone":"+14185550102"}}
{"id":"b","channel":"phone","start":"2026-03-01T09:05:00Z","conversation":"k","ids":{"phone":"+14185550103"}}
{"id":"c","channel":"phone","start":"2026-03-01T10:00:00Z","ids":{"phone":"+14185550103"}}
{"id":"d","channel":"phone","start":"2026-03-01T11:00:00Z","ids":{"phone":"+14185550102"}}
)", &ds);
  BOOST_TEST(ds.duplicates == 1);
  BOOST_TEST(ds.legs_merged == 1);
  BOOST_REQUIRE(ds.contacts.size() == 3u);
  BOOST_TEST(test::id_of(ds, ds.contacts[0]) == "a");
  BOOST_TEST(test::id_of(ds, ds.contacts[1]) == "c");
  BOOST_TEST(test::id_of(ds, ds.contacts[2]) == "d");
  BOOST_TEST(ds.contacts[0].customer == ds.contacts[1].customer);
  BOOST_TEST(ds.contacts[0].customer != ds.contacts[2].customer);
}

// A replacing duplicate takes the place of the record it replaces, ahead
// of records read between the two: each contact still finds its own
// record's conversation.
BOOST_AUTO_TEST_CASE(legs_are_found_when_duplicates_put_records_out_of_order) {
  Dataset ds;
  test::load(R"({"id":"x","channel":"phone","start":"2026-03-01T09:00:00Z","conversation":"k1"}
{"id":"y","channel":"phone","start":"2026-03-01T09:05:00Z","conversation":"k2","outcome":"resolved"}
{"id":"x","channel":"phone","start":"2026-03-01T09:01:00Z","conversation":"k2"}
{"id":"z","channel":"phone","start":"2026-03-01T09:10:00Z","conversation":"k1"}
)", &ds);
  BOOST_TEST(ds.duplicates == 1);
  BOOST_TEST(ds.legs_merged == 1);
  BOOST_REQUIRE(ds.contacts.size() == 2u);
  BOOST_TEST(test::id_of(ds, ds.contacts[0]) == "x");
  BOOST_TEST((ds.contacts[0].outcome == Outcome::resolved));  // y's, the last leg of k2
  BOOST_TEST(test::id_of(ds, ds.contacts[1]) == "z");
}

BOOST_AUTO_TEST_CASE(order_ties_break_on_id_then_channel) {
  Dataset ds;
  test::load(R"({"id":"2","channel":"phone","start":"2026-03-01T09:00:00Z"}
{"id":"10","channel":"phone","start":"2026-03-01T09:00:00Z"}
{"id":"10","channel":"email","start":"2026-03-01T09:00:00Z"}
)", &ds);
  BOOST_REQUIRE(ds.contacts.size() == 3u);
  // "10" < "2" bytewise; phone < email in the channel enum.
  BOOST_TEST(ds.before(ds.contacts[1], ds.contacts[0]));
  BOOST_TEST(ds.before(ds.contacts[1], ds.contacts[2]));
  BOOST_TEST(!ds.before(ds.contacts[0], ds.contacts[0]));
}

BOOST_AUTO_TEST_SUITE_END()
