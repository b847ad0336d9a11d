#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <tuple>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "core/dataset.h"
#include "core/episodes.h"
#include "core/huge.h"
#include "core/spill.h"
#include "tests/unit/helpers.h"

using namespace parcours;

namespace {

// A budget set for one test, in a directory of its own, and none after.
struct Budget {
  std::filesystem::path dir;
  explicit Budget(uint64_t bytes) {
    dir = std::filesystem::temp_directory_path() / ("parcours-spill-test-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir);
    std::string err;
    BOOST_REQUIRE_MESSAGE(spill::configure(bytes, dir.string(), &err), err);
  }
  ~Budget() {
    spill::reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
};

// Records of 700 customers (client i % 700), in an order that scatters
// each customer's contacts, with duplicates, legs and unidentified ones.
std::string scattered() {
  std::string ndjson;
  for (int i = 0; i < 5000; ++i) {
    const int id = i % 4700;  // the last 300 replace earlier ones
    ndjson += R"({"id":"r)" + std::to_string(id) + R"(","channel":")" + (i % 5 == 0 ? "email" : "phone") +
              R"(","start":"2026-03-)" + std::to_string(10 + (i * 7) % 19) + "T" +
              std::to_string(10 + i % 10) + R"(:00:00Z","service":"s)" + std::to_string(i % 3) + "\"";
    if (i % 11 != 0) ndjson += R"(,"ids":{"client":")" + std::to_string((i * 13) % 700) + "\"}";
    if (i % 17 == 0) ndjson += R"(,"conversation":"c)" + std::to_string(i % 50) + "\"";
    ndjson += "}\n";
  }
  return ndjson;
}

// Each identified inbound contact in scan order, as (customer key, id,
// channel), and the counts that do not depend on the scan.
struct Seen {
  std::vector<std::tuple<std::string, std::string, int>> order;
  int64_t contacts, duplicates, legs_merged;
  bool operator==(const Seen&) const = default;
};
Seen seen(const Dataset& ds) {
  Seen s{{}, static_cast<int64_t>(ds.contacts.size()), ds.duplicates, ds.legs_merged};
  for (const uint32_t i : scan_order(ds, Params{})) {
    const Contact& c = ds.contacts[i];
    s.order.emplace_back(std::string(ds.customer(c)), test::id_of(ds, c), static_cast<int>(c.channel));
  }
  return s;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(spill)

BOOST_AUTO_TEST_CASE(sizes_read_in_powers_of_1024) {
  const std::vector<std::pair<std::string, uint64_t>> good = {
      {"123", 123},          {"100K", 100u << 10},  {"100k", 100u << 10},       {"512M", uint64_t{512} << 20},
      {"4G", uint64_t{4} << 30}, {"4GiB", uint64_t{4} << 30}, {"4GB", uint64_t{4} << 30},
      {"1.5G", uint64_t{3} << 29}, {"2T", uint64_t{2} << 40}, {"64B", 64}};
  for (const auto& [text, bytes] : good) {
    uint64_t got = 0;
    BOOST_TEST_CONTEXT(text) {
      BOOST_TEST(parcours::spill::parse_size(text, &got));
      BOOST_TEST(got == bytes);
    }
  }
  for (const std::string text : {"", "0", "0.1", "G", "4X", "-1", "1.5.2", "4 G", "4GG", "4iB", "1e9", "99999999T"}) {
    uint64_t got = 0;
    BOOST_TEST(!parcours::spill::parse_size(text, &got), text);
  }
}

BOOST_AUTO_TEST_CASE(a_directory_that_cannot_hold_files_is_refused) {
  std::string err;
  BOOST_TEST(!parcours::spill::configure(1 << 20, "/nonexistent/parcours", &err));
  BOOST_TEST(err.find("/nonexistent/parcours: cannot make a file there") == 0u, err);
  BOOST_TEST(parcours::spill::budget() == 0u);
}

// Spillable arrays past the budget, or alone past a quarter of it, go to
// a file and hold what is written; the others stay in memory, charged.
BOOST_AUTO_TEST_CASE(spillable_arrays_past_the_budget_go_to_a_file) {
  {
    SpillVector<uint64_t> free_run(100000);
    BOOST_TEST(!parcours::spill::in_file(free_run.data()));  // no budget: nothing spills
  }
  // 1 MiB more than what other tests left charged (nothing, unless they
  // keep arrays alive).
  const Budget budget(parcours::spill::charged() + (uint64_t{1} << 20));
  const uint64_t before = parcours::spill::spilled_total();
  SpillVector<uint32_t> small(1000, 7);  // 4 KB: under a quarter of the budget, within it
  BOOST_TEST(!parcours::spill::in_file(small.data()));
  const uint64_t charged = parcours::spill::charged();
  BigVector<uint64_t> table(200000, 1);  // 1.6 MB, past the budget: never spills
  BOOST_TEST(parcours::spill::charged() == charged + 1600000);
  BOOST_TEST(!parcours::spill::in_file(table.data()));
  SpillVector<uint32_t> past(1000);  // small, but the charged total is past the budget
  BOOST_TEST(parcours::spill::in_file(past.data()));
  SpillVector<uint64_t> big;
  for (uint64_t i = 0; i < 300000; ++i) big.push_back(i * 3);  // grows from file to file
  BOOST_TEST(parcours::spill::in_file(big.data()));
  uint64_t sum = 0;
  for (const uint64_t v : big) sum += v;
  BOOST_TEST(sum == uint64_t{3} * 300000 * 299999 / 2);
  BOOST_TEST(parcours::spill::spilled_total() - before >= 300000u * 8);
  release(big);
  release(past);
  BOOST_TEST(table[199999] == 1u);
  BOOST_TEST(small[999] == 7u);
}

// A GrowArray keeps what it holds as it grows: within malloc's sizes, from
// them to a mapping of its own (2 MiB and more), from mapping to larger
// mapping (pages moved, not copied), and within one mapping's rounding; the
// charged total follows its size, and is given back when it goes.
BOOST_AUTO_TEST_CASE(grow_arrays_keep_their_contents_and_charge) {
  const uint64_t before = parcours::spill::charged();
  {
    GrowArray<uint64_t> a(1000);
    for (uint64_t i = 0; i < a.size(); ++i) a[i] = i * 7 + 1;
    for (const size_t n : {size_t{3000}, size_t{400000}, size_t{400001}, size_t{1500000}, size_t{6000000}}) {
      const size_t had = a.size();
      a.grow(n);
      BOOST_REQUIRE(a.size() == n);
      BOOST_TEST(parcours::spill::charged() == before + n * 8);
      bool kept = true;
      for (uint64_t i = 0; i < had; ++i) kept = kept && a[i] == i * 7 + 1;
      BOOST_TEST(kept, "grown from " << had << " to " << n);
      for (uint64_t i = had; i < n; ++i) a[i] = i * 7 + 1;
    }
    a.grow(10);  // never shrinks
    BOOST_TEST(a.size() == 6000000u);
    GrowArray<uint64_t> b = std::move(a);
    BOOST_TEST(a.size() == 0u);
    BOOST_TEST(b[5999999] == 5999999u * 7 + 1);
    BOOST_TEST(parcours::spill::charged() == before + 6000000u * 8);
  }
  BOOST_TEST(parcours::spill::charged() == before);
}

// Contacts in a spill file are grouped by customer, unidentified last, a
// few customers at a time; every count and the scan order stay the same.
BOOST_AUTO_TEST_CASE(spilled_contacts_are_grouped_by_customer_and_count_the_same) {
  const std::string ndjson = scattered();
  Dataset plain;
  BOOST_REQUIRE(test::load(ndjson, &plain).empty());
  BOOST_REQUIRE(!parcours::spill::in_file(plain.contacts.data()));
  const Seen want = seen(plain);
  BOOST_REQUIRE(want.duplicates == 300);
  BOOST_REQUIRE(want.legs_merged > 0);
  for (const size_t window : {size_t{1}, size_t{40}, size_t{1000}, size_t{0}}) {
    BOOST_TEST_CONTEXT("window " << window << " contacts") {
      const Budget budget(1024);
      Dataset ds;
      ds.group_window = window * sizeof(Contact);
      BOOST_REQUIRE(test::load(ndjson, &ds).empty());
      BOOST_TEST(parcours::spill::in_file(ds.contacts.data()));
      uint64_t previous = 0;
      bool grouped = true;
      for (const Contact& c : ds.contacts) {
        const uint64_t slot = c.customer == kNone ? uint64_t{1} << 32 : c.customer;
        grouped = grouped && slot >= previous;
        previous = slot;
      }
      BOOST_TEST(grouped);
      BOOST_TEST(ds.contacts.back().customer == kNone);
      BOOST_TEST((seen(ds) == want));
      // Again in another order of customers (journeys', by rank): here the
      // reverse of their numbers.
      std::vector<uint32_t> place(ds.customers.size());
      for (uint32_t k = 0; k < place.size(); ++k) place[k] = static_cast<uint32_t>(place.size()) - 1 - k;
      ds.group_by_customer(place);
      BOOST_TEST(parcours::spill::in_file(ds.contacts.data()));
      previous = 0;
      for (const Contact& c : ds.contacts) {
        const uint64_t slot = c.customer == kNone ? uint64_t{1} << 32 : place[c.customer];
        grouped = grouped && slot >= previous;
        previous = slot;
      }
      BOOST_TEST(grouped);
      BOOST_TEST((seen(ds) == want));
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
