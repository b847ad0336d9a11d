#include <boost/test/unit_test.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <deque>
#include <map>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "core/identity.h"
#include "core/metrics.h"
#include "tests/unit/helpers.h"

using namespace parcours;

namespace {

std::string e164(std::string_view v, std::string_view region = "CA") {
  PhoneNormaliser p;
  BOOST_REQUIRE(p.set_region(region));
  std::string out;
  return p.normalise(v, &out) ? out : "(not a number)";
}

// Customer of each contact, by id; "-" when unidentified.
std::map<std::string, std::string> customers(const std::string& ndjson, Dataset* ds = nullptr) {
  Dataset local;
  Dataset& d = ds != nullptr ? *ds : local;
  const std::vector<FieldError> errs = test::load(ndjson, &d);
  BOOST_REQUIRE(errs.empty());
  std::map<std::string, std::string> out;
  for (const Contact& c : d.contacts)
    out[test::id_of(d, c)] = c.customer == kNone ? "-" : std::string(d.customer(c));
  return out;
}

std::string rec(const std::string& id, const std::string& more) {
  return R"({"id":")" + id + R"(","channel":"phone","start":"2026-03-01T09:00:00Z")" + more + "}\n";
}

// splitmix64: the same logs everywhere.
struct Rng {
  uint64_t s;
  uint64_t next() {
    uint64_t z = (s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  int below(int n) { return static_cast<int>(next() % static_cast<uint64_t>(n)); }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(identity)

BOOST_AUTO_TEST_CASE(phone_numbers_become_e164) {
  BOOST_TEST(e164("418-555-0101") == "+14185550101");
  BOOST_TEST(e164("(418) 555-0101") == "+14185550101");
  BOOST_TEST(e164("+1 418 555 0101") == "+14185550101");
  BOOST_TEST(e164("1-418-555-0101") == "+14185550101");
  BOOST_TEST(e164(" 418.555.0101 ") == "+14185550101");
  BOOST_TEST(e164("418-555-0101 ext. 234") == "+14185550101");
  BOOST_TEST(e164("+1 418 555 0101 x12") == "+14185550101");
  BOOST_TEST(e164("+14185550101") == "+14185550101");      // the fast path
  BOOST_TEST(e164("+33 1 23 45 67 89") == "+33123456789");  // another country, written in full
  BOOST_TEST(e164("01 23 45 67 89", "FR") == "+33123456789");
  BOOST_TEST(e164("12") == "(not a number)");
  BOOST_TEST(e164("Anonymous") == "(not a number)");
  PhoneNormaliser p;
  BOOST_TEST(!p.set_region("XX"));
  BOOST_TEST(p.set_region("us"));
  BOOST_TEST(p.region() == "US");
  BOOST_TEST(!p.set_region("XX"));
  BOOST_TEST(p.region() == "US");  // a region refused leaves the one it had
  // The default region is taken as it is (in either case), and numbers
  // read in it once one comes.
  PhoneNormaliser q;
  BOOST_TEST(q.set_region("ca"));
  BOOST_TEST(q.region() == "CA");
  std::string out;
  BOOST_TEST(q.normalise("(418) 555-0100", &out));
  BOOST_TEST(out == "+14185550100");
}

BOOST_AUTO_TEST_CASE(e164_fast_path_is_exact) {
  BOOST_TEST(is_e164("+14185550101"));
  BOOST_TEST(is_e164("+1234567"));            // 7 digits, the least
  BOOST_TEST(!is_e164("+123456"));
  BOOST_TEST(is_e164("+123456789012345"));    // 15 digits, the most
  BOOST_TEST(!is_e164("+1234567890123456"));
  BOOST_TEST(!is_e164("+04185550101"));
  BOOST_TEST(!is_e164("14185550101"));
  BOOST_TEST(!is_e164("+1418555010a"));
}

BOOST_AUTO_TEST_CASE(junk_values) {
  for (const char* v : {"", "anonymous", "ANONYMOUS", "Anonyme", "unknown", "Inconnu", "private", "PRIVATE", "priv\xc3\xa9",
                        "PRIV\xc3\x89", "prive", "restricted", "withheld", "unavailable", "none", "NULL", "n/a", "N/A", "-",
                        "0000000000", "000-0000", "+1 000 000 0000", "1-000-000-0000", "(000) 000-0000", "0", "10000000000",
                        "00000000000000000000000000000000"})
    BOOST_TEST(is_junk(v), "'" << v << "' is junk");
  for (const char* v : {"4185550101", "+14185550101", "a-b", "anonymous2", "10", "+2 000 000 0000", "000x", "1000000000",
                        "100000000000", "01", "+1", "1", "000000000000000000000000000000000", " unknown", "0+0"})
    BOOST_TEST(!is_junk(v), "'" << v << "' is not junk");
}

// The linker interns a batch of records' names at a time, and a phone
// number to normalise where it comes, among them: over several batches,
// every record keeps its own nodes. Records 2k and 2k+1 share an email,
// 4k to 4k+3 a phone number written to be normalised: customers of four.
BOOST_AUTO_TEST_CASE(records_keep_their_nodes_across_batches) {
  std::string ndjson;
  constexpr int kRecords = 1000;
  for (int i = 0; i < kRecords; ++i)
    ndjson += rec(std::to_string(i), fmt::format(R"(,"ids":{{"email":"p{}@exemple.ca","phone":"(418) 555-{:04}"}})",
                                                 i / 2, i / 4));
  const auto c = customers(ndjson);
  std::map<std::string, int> size;
  for (int i = 0; i < kRecords; ++i) {
    const std::string& mine = c.at(std::to_string(i));
    ++size[mine];
    if (i % 4 != 0) BOOST_TEST(mine == c.at(std::to_string(i - 1)));
  }
  BOOST_TEST(size.size() == static_cast<size_t>(kRecords / 4));
  for (const auto& [customer, n] : size) BOOST_TEST(n == 4, customer);
}

BOOST_AUTO_TEST_CASE(emails_are_trimmed_and_lower_cased_and_forms_link) {
  const auto c = customers(rec("1", R"(,"ids":{"email":" Jean@Exemple.CA "})") +
                           rec("2", R"(,"ids":{"email":"jean@exemple.ca","phone":"(418) 555-0101"})") +
                           rec("3", R"(,"ids":{"phone":"1-418-555-0101 ext 5"})") +
                           rec("4", R"(,"ids":{"phone":"+1 418 555 0101"})"));
  for (const char* id : {"1", "2", "3", "4"}) BOOST_TEST(c.at(id) == "email:jean@exemple.ca");
}

BOOST_AUTO_TEST_CASE(junk_never_links) {
  const auto c = customers(rec("1", R"(,"ids":{"phone":"Anonymous","client":"7"})") +
                           rec("2", R"(,"ids":{"phone":"anonymous","client":"8"})") +
                           rec("3", R"(,"ids":{"phone":"0000000000"})") + rec("4", R"(,"ids":{"phone":"+10000000000"})") +
                           rec("5", R"(,"ids":{"email":""})"));
  BOOST_TEST(c.at("1") == "client:7");
  BOOST_TEST(c.at("2") == "client:8");
  BOOST_TEST(c.at("3") == "-");
  BOOST_TEST(c.at("4") == "-");
  BOOST_TEST(c.at("5") == "-");
}

BOOST_AUTO_TEST_CASE(transitivity) {
  // a-b, b-c: a-c, whatever the order.
  const std::string a = rec("1", R"(,"ids":{"chat":"u1"})"), b = rec("2", R"(,"ids":{"chat":"u1","email":"x@y.ca"})"),
                    c = rec("3", R"(,"ids":{"email":"x@y.ca","phone":"+14185550101"})"),
                    d = rec("4", R"(,"ids":{"phone":"+14185550101"})");
  for (const std::string& log : {a + b + c + d, d + c + b + a, b + d + a + c}) {
    const auto m = customers(log);
    for (const char* id : {"1", "2", "3", "4"}) BOOST_TEST(m.at(id) == "email:x@y.ca");
  }
}

BOOST_AUTO_TEST_CASE(a_switchboard_shared_by_known_customers_is_dropped) {
  Dataset ds;
  const auto c = customers(rec("1", R"(,"customer":"A","ids":{"phone":"418-555-0100"})") +
                               rec("2", R"(,"customer":"B","ids":{"phone":"+14185550100"})") +
                               rec("3", R"(,"customer":"C","ids":{"phone":"(418) 555-0100"})") +
                               rec("4", R"(,"ids":{"phone":"418 555 0100"})"),
                           &ds);
  BOOST_TEST(c.at("1") == "A");
  BOOST_TEST(c.at("2") == "B");
  BOOST_TEST(c.at("3") == "C");
  BOOST_TEST(c.at("4") == "-");  // the switchboard alone identifies no one
  const std::vector<DroppedId> d = ds.linker.dropped();
  BOOST_REQUIRE(d.size() == 1u);
  BOOST_TEST(d[0].kind == "phone");
  BOOST_TEST(d[0].value == "+14185550100");
  BOOST_TEST((d[0].reason == DropReason::kFanout));
  BOOST_TEST(d[0].keys == 3);
  BOOST_TEST(d[0].records == 4);
}

BOOST_AUTO_TEST_CASE(max_fanout_allows_a_family_phone) {
  Dataset ds;
  ds.linker.set_max_fanout(2);
  const auto c = customers(rec("1", R"(,"customer":"A","ids":{"phone":"+14185550100"})") +
                               rec("2", R"(,"customer":"B","ids":{"phone":"+14185550100"})") +
                               rec("3", R"(,"ids":{"phone":"+14185550100"})"),
                           &ds);
  // Kept, but it may not merge A and B: record 3 goes to the canonical first.
  BOOST_TEST(c.at("1") == "A");
  BOOST_TEST(c.at("2") == "B");
  BOOST_TEST(c.at("3") == "A");
  BOOST_TEST(ds.linker.refused() == 1);
}

BOOST_AUTO_TEST_CASE(a_chain_never_merges_two_known_customers) {
  // A-key, phone, email, B-key: two customers, whatever the order.
  const std::string r1 = rec("1", R"(,"customer":"A","ids":{"phone":"+14185550101"})"),
                    r2 = rec("2", R"(,"ids":{"phone":"+14185550101","email":"x@y.ca"})"),
                    r3 = rec("3", R"(,"customer":"B","ids":{"email":"x@y.ca"})");
  for (const std::string& log : {r1 + r2 + r3, r3 + r2 + r1, r2 + r1 + r3}) {
    Dataset ds;
    const auto m = customers(log, &ds);
    BOOST_TEST(m.at("1") == "A");
    BOOST_TEST(m.at("3") == "B");
    // Edges in canonical order: A-phone, B-email, then email-phone is refused.
    // Record 2's first identifier is its email: B's.
    BOOST_TEST(m.at("2") == "B");
    BOOST_TEST(ds.linker.refused() == 1);
  }
}

BOOST_AUTO_TEST_CASE(component_key_is_the_smallest_identifier) {
  const auto c = customers(rec("1", R"(,"ids":{"phone":"+14185550101","zeta":"z"})") +
                           rec("2", R"(,"ids":{"phone":"+14185550101","chat":"c9"})") +
                           rec("3", R"(,"ids":{"zeta":"z","alpha":"q"})"));
  // phone before chat before the other kinds; alpha before zeta.
  for (const char* id : {"1", "2", "3"}) BOOST_TEST(c.at(id) == "phone:+14185550101");
}

BOOST_AUTO_TEST_CASE(blocklist) {
  Dataset ds;
  std::string err;
  BOOST_REQUIRE(ds.linker.add_block_text("# shared lines\n\nphone,418-555-0100\r\n*, Reception@Gouv.CA \nclient , 42\n",
                                         "block.txt", &err));
  const auto c = customers(rec("1", R"(,"ids":{"phone":"+14185550100","client":"1"})") +
                               rec("2", R"(,"ids":{"phone":"(418) 555-0100","client":"2"})") +
                               rec("3", R"(,"ids":{"email":"reception@gouv.ca","client":"3"})") +
                               rec("4", R"(,"ids":{"email":"RECEPTION@gouv.ca","client":"4"})") +
                               rec("5", R"(,"ids":{"client":"42"})"),
                           &ds);
  BOOST_TEST(c.at("1") == "client:1");
  BOOST_TEST(c.at("2") == "client:2");
  BOOST_TEST(c.at("3") == "client:3");
  BOOST_TEST(c.at("4") == "client:4");
  BOOST_TEST(c.at("5") == "-");
  const std::vector<DroppedId> d = ds.linker.dropped();
  BOOST_REQUIRE(d.size() == 3u);
  BOOST_TEST(d[0].value == "reception@gouv.ca");  // 2 records each, then by kind
  BOOST_TEST(d[1].value == "+14185550100");
  BOOST_TEST(d[2].value == "42");
  BOOST_TEST((d[2].reason == DropReason::kBlocked));

  Linker l;
  BOOST_TEST(!l.add_block_text("phone\n", "b.txt", &err));
  BOOST_TEST(err == "b.txt:1: expected KIND,VALUE (or *,VALUE for any kind), got 'phone'");
  BOOST_TEST(!l.add_block_text("# x\nphone,\n", "b.txt", &err));
  BOOST_TEST(err == "b.txt:2: the value is empty; write KIND,VALUE (or *,VALUE for any kind)");
}

BOOST_AUTO_TEST_CASE(crosswalk_ties_identifiers_to_known_keys) {
  Dataset ds;
  std::string err;
  BOOST_REQUIRE(ds.linker.add_crosswalk_text("customer,kind,value\nK1,email,Jean@Exemple.ca\nK1,client,0042\n"
                                             "K2,phone,418-555-0199\n",
                                             "cw.csv", &err));
  const auto c = customers(rec("1", R"(,"ids":{"email":"jean@exemple.ca"})") + rec("2", R"(,"ids":{"client":"0042"})") +
                               rec("3", R"(,"ids":{"phone":"+14185550199"})") + rec("4", R"(,"ids":{"client":"0043"})"),
                           &ds);
  BOOST_TEST(c.at("1") == "K1");
  BOOST_TEST(c.at("2") == "K1");
  BOOST_TEST(c.at("3") == "K2");
  BOOST_TEST(c.at("4") == "client:0043");
}

// Once the dataset is finished the linker is sealed (its lookup tables are
// gone): a record, crosswalk or blocklist given then would be ignored or
// looked up in nothing, so each is refused outright; linking is unchanged.
BOOST_AUTO_TEST_CASE(a_sealed_linker_refuses_more_input) {
  Dataset ds;
  const auto c = customers(rec("1", R"(,"ids":{"email":"a@b.ca","client":"7"})") + rec("2", R"(,"ids":{"client":"7"})"), &ds);
  BOOST_TEST(c.at("1") == "client:7");
  BOOST_TEST(c.at("2") == "client:7");
  std::string err;
  BOOST_CHECK_THROW(ds.linker.add_crosswalk_text("K1,client,7\n", "cw.csv", &err), std::logic_error);
  BOOST_CHECK_THROW(ds.linker.add_block_text("client,7\n", "block.txt", &err), std::logic_error);
  RawContact r;
  BOOST_CHECK_THROW(ds.linker.add(r), std::logic_error);
}

BOOST_AUTO_TEST_CASE(crosswalk_conflict_drops_the_identifier) {
  Dataset ds;
  std::string err;
  BOOST_REQUIRE(ds.linker.add_crosswalk_text("K1,email,x@y.ca\nK2,email,X@Y.CA\n", "cw.csv", &err));
  const auto c = customers(rec("1", R"(,"ids":{"email":"x@y.ca"})"), &ds);
  BOOST_TEST(c.at("1") == "-");
  const std::vector<DroppedId> d = ds.linker.dropped();
  BOOST_REQUIRE(d.size() == 1u);
  BOOST_TEST((d[0].reason == DropReason::kFanout));
  BOOST_TEST(d[0].keys == 2);
  BOOST_TEST(d[0].records == 1);
}

BOOST_AUTO_TEST_CASE(crosswalk_errors_name_the_line) {
  Linker l;
  std::string err;
  BOOST_TEST(!l.add_crosswalk_text("customer,kind,value\nK1,email\n", "cw.csv", &err));
  BOOST_TEST(err == "cw.csv:2: 2 fields; a crosswalk line is customer,kind,value");
  BOOST_TEST(!l.add_crosswalk_text("K1,,x\n", "cw.csv", &err));
  BOOST_TEST(err == "cw.csv:1: the kind is empty; a crosswalk line is customer,kind,value");
  BOOST_TEST(l.add_crosswalk_text("\"K, 1\",email,\"a@b.c\"\n", "cw.csv", &err));
}

BOOST_AUTO_TEST_CASE(hash_key_hides_every_key) {
  // RFC 4231, test case 2.
  BOOST_TEST(hmac_sha256_hex("Jefe", "what do ya want for nothing?") ==
             "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  Dataset ds;
  ds.linker.set_hash_key("secret");
  const auto c = customers(rec("1", R"(,"customer":"A")") + rec("2", R"(,"ids":{"client":"7"})"), &ds);
  BOOST_TEST(c.at("1") == hmac_sha256_hex("secret", "A"));
  BOOST_TEST(c.at("2") == hmac_sha256_hex("secret", "client:7"));
}

BOOST_AUTO_TEST_CASE(hmac_matches_rfc_4231_whole_in_pieces_and_across_threads) {
  // RFC 4231 test case 1 (a 20-byte key) and 6 (a 131-byte key, longer
  // than a block, hashed first).
  const HmacSha256 short_key(std::string(20, '\x0b'));
  BOOST_TEST(short_key.hex("Hi There") == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  const HmacSha256 long_key(std::string(131, '\xaa'));
  const std::string_view msg6 = "Test Using Larger Than Block-Size Key - Hash Key First";
  BOOST_TEST(long_key.hex(msg6) == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
  // A key of a whole block is used as it is; one byte more and it is hashed
  // (values from `printf m | openssl dgst -sha256 -hmac KEY`).
  BOOST_TEST(hmac_sha256_hex(std::string(64, 'k'), "m") ==
             "3b7a8d453e76edb519238a515105a57508d0f169f480ebeee120a9e7803289fa");
  BOOST_TEST(hmac_sha256_hex(std::string(65, 'k'), "m") ==
             "c2d7d4c2256ddb097409ec0c67e1d58fa1a007fc6932cac0d892a525d08af7cc");
  // Pieces hash as their concatenation; empty pieces and messages are fine.
  const std::string_view pieces[] = {"Test Using Larger ", "", "Than Block-Size Key - Hash Key First"};
  BOOST_TEST(long_key.hex(pieces) == long_key.hex(msg6));
  BOOST_TEST(HmacSha256("key").hex("") == "5d5d139563c95b5967b9bd9a8c9b233a9dedb45072794cd232dc1b74832607d0");
  // One object, many threads at once, two keys in turn on each: every MAC
  // is the one-off one.
  const std::string want_short = short_key.hex("Hi There"), want_long = long_key.hex(msg6);
  std::atomic<int> wrong = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 2000; ++i) {
        if (short_key.hex("Hi There") != want_short) ++wrong;
        if (long_key.hex(msg6) != want_long) ++wrong;
      }
    });
  for (std::thread& t : threads) t.join();
  BOOST_TEST(wrong.load() == 0);
}

BOOST_AUTO_TEST_CASE(replaced_duplicates_and_legs) {
  // Record 1 is replaced: its email no longer links anything.
  const auto c = customers(rec("1", R"(,"ids":{"email":"x@y.ca","client":"5"})") + rec("1", R"(,"ids":{"client":"5"})") +
                           rec("2", R"(,"ids":{"email":"x@y.ca"})") +
                           // Legs of one conversation unite their identifiers.
                           rec("3", R"(,"conversation":"k","ids":{"chat":"u3"})") +
                           rec("4", R"(,"conversation":"k","ids":{"phone":"+14185550103"})") +
                           rec("5", R"(,"ids":{"chat":"u3"})"));
  BOOST_TEST(c.at("1") == "client:5");
  BOOST_TEST(c.at("2") == "email:x@y.ca");
  BOOST_TEST(c.at("3") == "phone:+14185550103");
  BOOST_TEST(c.at("5") == "phone:+14185550103");
}

// The linker takes the contacts a part at a time: a contact's legs unite
// their identifiers, and a conflict is rebuilt from them, even when the legs
// come in different parts.
BOOST_AUTO_TEST_CASE(legs_link_across_parts) {
  const std::string log = rec("1", R"(,"customer":"A","ids":{"phone":"+14185550101"})") +
                          rec("2", R"(,"customer":"B","ids":{"email":"x@y.ca"})") +
                          rec("3", R"(,"conversation":"k","ids":{"phone":"+14185550101"})") +
                          rec("4", R"(,"conversation":"k","ids":{"email":"x@y.ca"})") +
                          rec("5", R"(,"conversation":"m","ids":{"chat":"u3"})") +
                          rec("6", R"(,"conversation":"m","ids":{"phone":"+14185550103"})") +
                          rec("7", R"(,"ids":{"chat":"u3"})");
  Dataset whole;
  const auto expected = customers(log, &whole);
  BOOST_TEST(expected.at("7") == "phone:+14185550103");
  BOOST_TEST(expected.at("1") == "A");
  BOOST_TEST(expected.at("2") == "B");
  BOOST_TEST(whole.linker.refused() == 1);
  for (const size_t n : {1, 2, 3}) {
    Dataset ds;
    ds.link_part = n;
    BOOST_TEST((customers(log, &ds) == expected), "link_part " << n);
    BOOST_TEST(ds.linker.refused() == 1);
  }
}

// The unions of a part are made on several threads, each a range of its
// contacts; a contact whose legs go on into the next part is still one.
// Here the legs of conversation k come last among 65551 contacts, five
// in the first part of 65536 (in its last thread's range), fifteen in the
// next: the first leg's email and the last's phone make one customer, whom
// contact z reaches through the phone.
BOOST_AUTO_TEST_CASE(unions_on_threads_keep_a_contact_across_parts) {
  constexpr int kFill = 65530;
  std::string log;
  for (int i = 0; i < kFill; ++i) log += rec(fmt::format("f{}", i), fmt::format(R"(,"ids":{{"client":"F{}"}})", i));
  log += rec("z", R"(,"ids":{"phone":"+15145550111"})");
  for (int k = 0; k < 20; ++k) {
    const char* ids = k == 0 ? R"(,"ids":{"email":"a@x.org"})" : k == 19 ? R"(,"ids":{"phone":"+15145550111"})" : "";
    log += rec(fmt::format("l{:02}", k), std::string(R"(,"conversation":"k")") + ids);
  }
  for (const int threads : {1, 2, 8}) {
    Dataset ds;
    ds.threads = threads;
    BOOST_REQUIRE(ds.link_part == 65536u);
    const auto got = customers(log, &ds);
    BOOST_TEST(got.size() == static_cast<size_t>(kFill + 2), "threads " << threads);  // the legs are one contact
    BOOST_TEST(got.at("z") == "email:a@x.org", "threads " << threads);
    BOOST_TEST(got.at("l00") == "email:a@x.org", "threads " << threads);
    BOOST_TEST(got.at("f0") == "client:F0", "threads " << threads);
    BOOST_TEST(got.at("f65529") == "client:F65529", "threads " << threads);
  }
}

BOOST_AUTO_TEST_CASE(record_customers_cover_every_record) {
  Dataset ds;
  ds.keep_record_customers = true;
  test::load(rec("1", R"(,"conversation":"k","ids":{"chat":"u3"})") + rec("2", R"(,"conversation":"k")") +
                 rec("9", R"(,"ids":{"phone":"nope"})"),
             &ds);
  BOOST_REQUIRE(ds.record_customers.size() == 3u);
  BOOST_TEST(ds.customers.view(ds.record_customers[0]) == "chat:u3");
  BOOST_TEST(ds.customers.view(ds.record_customers[1]) == "chat:u3");  // a leg takes its contact's
  BOOST_TEST(ds.record_customers[2] == kNone);
}

// Random small logs with glue (shared numbers, other people's emails) and
// known keys: the assignment and the stats must not depend on the order of
// the records, nor on how they are split between files.
// Each record's nodes are found from where its block of records begins,
// a few record starts on: records with none, with a known key, with one
// identifier or with hundreds (a record spanning several words of starts),
// at every place in a block, each get their own customer.
BOOST_AUTO_TEST_CASE(every_record_finds_its_own_nodes) {
  Dataset ds;
  ds.keep_record_customers = true;
  std::string ndjson;
  std::vector<std::string> want;
  for (int r = 0; r < 700; ++r) {
    const std::string n = std::to_string(r);
    const int ids = r % 7 == 3 ? 0 : r == 500 || r == 501 ? 150 : r % 4 + 1;
    std::string more = r % 5 == 0 ? fmt::format(R"(,"customer":"K{}")", n) : "";
    if (ids > 0) {
      more += R"(,"ids":{)";
      for (int k = 0; k < ids; ++k) {
        if (k > 0) more += ",";
        const std::string kind = k == 0 ? std::string("client") : fmt::format("x{}", k);
        more += fmt::format(R"("{}":"{}-{}")", kind, n, k);
      }
      more += "}";
    }
    ndjson += rec(n, more);
    want.push_back(r % 5 == 0 ? "K" + n : ids > 0 ? "client:" + n + "-0" : "-");
  }
  BOOST_REQUIRE(test::load(ndjson, &ds).empty());
  BOOST_REQUIRE(ds.record_customers.size() == want.size());
  for (size_t r = 0; r < want.size(); ++r) {
    const uint32_t c = ds.record_customers[r];
    BOOST_TEST((c == kNone ? std::string("-") : std::string(ds.customers.view(c))) == want[r], "record " << r);
  }
}

BOOST_AUTO_TEST_CASE(order_and_split_do_not_matter) {
  for (uint64_t seed = 1; seed <= 300; ++seed) {
    Rng g{seed};
    std::vector<std::string> lines;
    const int n = 2 + g.below(30);
    for (int i = 0; i < n; ++i) {
      const int k = g.below(5);
      std::string ids;
      auto add = [&](const std::string& kv) { ids += (ids.empty() ? "" : ",") + kv; };
      if (g.below(3) == 0) add("\"client\":\"C" + std::to_string(k) + "\"");
      if (g.below(2) == 0) add("\"email\":\"P" + std::to_string(g.below(3) == 0 ? g.below(5) : k) + "@x.ca\"");
      if (g.below(2) == 0) {
        const char* forms[] = {"418-555-010", "(418) 555-010", "+1418555010", "1-418-555-010"};
        add("\"phone\":\"" + std::string(forms[g.below(4)]) + std::to_string(g.below(4) == 0 ? 9 : k) + "\"");
      }
      if (g.below(6) == 0) add("\"phone\":\"Anonymous\"");
      std::string more = ",\"service\":\"s" + std::to_string(g.below(2)) + "\"";
      if (g.below(3) == 0) more += ",\"customer\":\"K" + std::to_string(k) + "\"";
      if (!ids.empty()) more += ",\"ids\":{" + ids + "}";
      if (g.below(8) == 0) more += ",\"conversation\":\"cv" + std::to_string(g.below(2)) + "\"";
      const std::string start = "2026-03-0" + std::to_string(1 + g.below(9)) + "T0" + std::to_string(g.below(10)) + ":00:00Z";
      lines.push_back(R"({"id":")" + std::to_string(i) + R"(","channel":")" +
                      (g.below(2) == 0 ? "phone" : "email") + R"(","start":")" + start + "\"" + more + "}\n");
    }
    auto join = [](const std::vector<std::string>& v) {
      std::string s;
      for (const std::string& l : v) s += l;
      return s;
    };
    Dataset base;
    const auto want = customers(join(lines), &base);
    auto stats = [](const Dataset& d) {
      std::string s;
      for (const ServiceStats& r : compute_stats(d, Params{}).rows)
        s += r.service + " " + std::to_string(r.n.customers) + " " + std::to_string(r.n.episodes) + " " +
             std::to_string(r.n.identified) + " " + std::to_string(r.n.unidentified) + " " +
             std::to_string(r.n.resolved) + "\n";
      return s;
    };
    const std::string want_stats = stats(base);
    for (int round = 0; round < 4; ++round) {
      std::vector<std::string> shuffled = lines;
      for (size_t i = shuffled.size(); i > 1; --i)
        std::swap(shuffled[i - 1], shuffled[static_cast<size_t>(g.below(static_cast<int>(i)))]);
      // Split: two files read one after the other into one run.
      const size_t cut = static_cast<size_t>(g.below(static_cast<int>(shuffled.size()) + 1));
      Dataset ds;
      test::load(join(std::vector<std::string>(shuffled.begin(), shuffled.begin() + static_cast<long>(cut))), &ds, false);
      const auto got = customers(join(std::vector<std::string>(shuffled.begin() + static_cast<long>(cut), shuffled.end())), &ds);
      BOOST_TEST((got == want), "seed " << seed << " round " << round << ":\n" << join(lines));
      BOOST_TEST(stats(ds) == want_stats, "seed " << seed);
    }
  }
}

// Many records asked for at once get what each asked alone gets: records
// with a known key, with none, with shared, dropped (junk) or many
// identifiers, in lists that skip records, repeat them, go backwards and
// cross the cursor's blocks of records.
BOOST_AUTO_TEST_CASE(customers_of_many_records_at_once) {
  Linker linker;
  Rng g{7};
  std::deque<std::string> text;  // the strings the records point at (they never move)
  const int n = 6000;
  for (int i = 0; i < n; ++i) {
    RawContact r;
    if (g.below(6) == 0) {
      text.push_back(fmt::format("K{}", g.below(500)));
      r.customer = text.back();
      r.has_customer = true;
    }
    for (int k = g.below(i % 997 == 0 ? 40 : 4); k > 0; --k) {
      const int kind = g.below(4);
      text.push_back(kind == 3 && g.below(3) == 0 ? std::string("unknown") : std::to_string(g.below(3000)));
      r.ids.emplace_back(kind == 0 ? "client" : kind == 1 ? "email" : kind == 2 ? "chat" : "badge", text.back());
    }
    linker.add(r);
  }
  linker.resolve([&](const Linker::Part& f) {
    std::vector<uint32_t> all(n);
    for (int i = 0; i < n; ++i) all[i] = static_cast<uint32_t>(i);
    f(all);
  });
  std::vector<uint32_t> want(n);
  for (int i = 0; i < n; ++i) want[i] = linker.customer_node(static_cast<uint32_t>(i));
  BOOST_REQUIRE(std::count(want.begin(), want.end(), kNone) > 0);
  BOOST_REQUIRE(std::count(want.begin(), want.end(), kNone) < n / 2);
  std::vector<uint32_t> recs;
  for (int i = 0; i < n; ++i) recs.push_back(static_cast<uint32_t>(i));
  for (int i = 0; i < 3000; ++i) recs.push_back(static_cast<uint32_t>(g.below(n)));
  for (int i = n; i-- > 0;) recs.push_back(static_cast<uint32_t>(i));
  for (const size_t batch : {size_t{1}, size_t{7}, size_t{4096}, recs.size()}) {
    Linker::NodeCursor at;
    std::vector<uint32_t> got(recs.size());
    for (size_t first = 0; first < recs.size(); first += batch) {
      const size_t last = std::min(recs.size(), first + batch);
      linker.customer_nodes(std::span<const uint32_t>(recs).subspan(first, last - first), got.data() + first, &at);
    }
    for (size_t k = 0; k < recs.size(); ++k)
      BOOST_TEST(got[k] == want[recs[k]], "batch " << batch << ", record " << recs[k]);
  }
}

// Enough identifiers for the labels to be found on several threads, in
// components that span every thread's range of nodes (a shared number
// joins one contact in a thousand) or stay within one: the same customer
// for every contact, whatever the threads.
BOOST_AUTO_TEST_CASE(labels_found_on_threads) {
  constexpr int kRecords = 90000;
  std::string ndjson;
  for (int i = 0; i < kRecords; ++i) {
    std::string more = fmt::format(R"(,"ids":{{"client":"C{}","email":"e{}@x.org")", i, i / 3);
    if (i % 1000 == 7) more += R"(,"phone":"+15145550100")";
    more += "}";
    if (i % 997 == 0) more += fmt::format(R"(,"customer":"K{}")", i);
    ndjson += rec(std::to_string(i), more);
  }
  std::map<std::string, std::string> one;
  for (const int threads : {1, 2, 3}) {
    Dataset ds;
    ds.threads = threads;
    const auto got = customers(ndjson, &ds);
    BOOST_REQUIRE(got.size() == static_cast<size_t>(kRecords));
    BOOST_TEST(got.at("4") == "client:C3");
    BOOST_TEST(got.at("1") == "K0");
    if (threads == 1) one = got;
    else BOOST_TEST((got == one), "threads " << threads);
  }
  // Contacts 6 to 8 and every 1000th's three share the number: the least
  // client of them all in byte order, as no key is among them.
  BOOST_TEST(one.at("7") == "client:C10005");
  BOOST_TEST(one.at("89008") == "client:C10005");
}

BOOST_AUTO_TEST_SUITE_END()
