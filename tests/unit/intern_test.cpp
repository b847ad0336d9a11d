#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "core/intern.h"

using namespace parcours;

// Ids are dense in order of first sight; a string seen again gets its id
// back; every view stays what was interned, through many table growths
// and blocks of entries (lengths 0 to 300 cross the one-byte length).
BOOST_AUTO_TEST_CASE(interner_gives_dense_ids_and_keeps_every_string) {
  Interner in;
  std::vector<std::string> strings;
  for (int i = 0; i < 200000; ++i) strings.push_back(std::string(i % 301, static_cast<char>('a' + i % 26)) + std::to_string(i));
  strings.push_back("");
  for (uint32_t i = 0; i < strings.size(); ++i) {
    bool added = false;
    BOOST_REQUIRE_EQUAL(in.intern(strings[i], &added), i);
    BOOST_REQUIRE(added);
  }
  BOOST_TEST(in.size() == strings.size());
  for (uint32_t i = 0; i < strings.size(); ++i) {
    bool added = true;
    BOOST_REQUIRE_EQUAL(in.intern(strings[i], &added), i);
    BOOST_REQUIRE(!added);
    BOOST_REQUIRE_EQUAL(in.find(strings[i]), i);
    BOOST_REQUIRE(in.view(i) == strings[i]);
  }
  BOOST_TEST(in.find("not there") == kNone);
}

// Strings whose hashes share the tag (here: all of them, by passing the
// same hash) are told apart by their bytes, through the table's growths;
// with the highest tag they crowd the last slot and run on from the first.
BOOST_AUTO_TEST_CASE(interner_tells_apart_strings_of_one_tag) {
  const auto name = [](uint32_t i) {
    std::string s = std::to_string(i);
    s.insert(s.begin(), 's');
    return s;
  };
  for (const uint64_t hash : {0x1234567800000000ull, 0xffffffff00000000ull, 0ull}) {
    BOOST_TEST_CONTEXT("hash " << hash) {
      Interner in;
      for (uint32_t i = 0; i < 100; ++i) BOOST_REQUIRE_EQUAL(in.intern(name(i), hash, nullptr), i);
      for (uint32_t i = 0; i < 100; ++i) {
        bool added = true;
        BOOST_REQUIRE_EQUAL(in.intern(name(i), hash, &added), i);
        BOOST_REQUIRE(!added);
      }
      BOOST_TEST(in.intern("s100", hash, nullptr) == 100u);
    }
  }
}

// A string longer than a block of entries gets a block of its own; views of
// earlier strings stay valid while the store grows (blocks never move).
BOOST_AUTO_TEST_CASE(interner_holds_strings_longer_than_a_block) {
  Interner in;
  const std::string_view first_view = in.view(in.intern("first"));
  const std::string big(70u << 20, 'x');
  BOOST_TEST(in.intern(big) == 1u);
  BOOST_TEST(in.intern("after") == 2u);
  BOOST_TEST(in.view(1).size() == big.size());
  BOOST_TEST((in.view(1) == big));
  BOOST_TEST(first_view == "first");
  BOOST_TEST(first_view.data() == in.view(0).data());
  BOOST_TEST(in.find(big) == 1u);
  BOOST_TEST(in.view(2) == "after");
}

// Warming the caches changes nothing, whether the string is there, absent,
// or shares its slot's tag with another.
BOOST_AUTO_TEST_CASE(interner_warming_changes_nothing) {
  Interner in;
  for (uint32_t i = 0; i < 1000; ++i) in.intern(std::to_string(i));
  for (uint32_t i = 0; i < 2000; ++i) {
    const std::string s = std::to_string(i);
    in.warm(hash_bytes(s), 0);
    in.warm(hash_bytes(s), 1);
    in.warm(hash_bytes(s) ^ 1, 1);
    if (i < 1000) {
      in.warm_view(i, 0);
      in.warm_view(i, 1);
    }
  }
  BOOST_TEST(in.size() == 1000u);
  for (uint32_t i = 0; i < 2000; ++i) BOOST_REQUIRE_EQUAL(in.find(std::to_string(i)), i < 1000 ? i : kNone);
}

// Sealed, an interner keeps every string and its id but looks nothing up:
// interning or finding then is a mistake of the caller, and says so
// rather than answer from a table that is gone. The entries lose the 4
// bytes that held their ids.
BOOST_AUTO_TEST_CASE(interner_sealed_keeps_its_strings_and_refuses_lookups) {
  Interner in;
  for (uint32_t i = 0; i < 5000; ++i) in.intern(std::to_string(i));
  BOOST_TEST(!in.sealed());
  const size_t bytes = in.entry_bytes();
  in.seal();
  BOOST_TEST(in.sealed());
  BOOST_TEST(in.size() == 5000u);
  BOOST_TEST(in.entry_bytes() == bytes - 4 * 5000);  // the ids are gone from the entries
  in.seal();  // again: nothing changes
  BOOST_TEST(in.entry_bytes() == bytes - 4 * 5000);
  for (uint32_t i = 0; i < 5000; ++i) BOOST_REQUIRE(in.view(i) == std::to_string(i));
  BOOST_CHECK_THROW(in.intern("7"), std::logic_error);
  BOOST_CHECK_THROW(in.intern("new"), std::logic_error);
  BOOST_CHECK_THROW(in.find("7"), std::logic_error);
  BOOST_TEST(in.size() == 5000u);
}

// Mapped only when asked (Index::when_asked), every id finds its string:
// through many blocks of entries, both length formats (under and over 255
// bytes), the empty string and one longer than a block; strings added after
// index() are mapped as they come; seal() maps them when index() was not
// called.
BOOST_AUTO_TEST_CASE(interner_indexed_when_asked_maps_every_id) {
  std::vector<std::string> strings;
  for (int i = 0; i < 50000; ++i) strings.push_back(std::string(i % 301, static_cast<char>('a' + i % 26)) + std::to_string(i));
  strings.push_back("");
  strings.push_back(std::string(70u << 20, 'x'));
  strings.push_back("after the long one");
  for (const bool sealing : {false, true}) {
    BOOST_TEST_CONTEXT("sealing " << sealing) {
      Interner in(Interner::Index::when_asked);
      for (uint32_t i = 0; i < strings.size(); ++i) BOOST_REQUIRE_EQUAL(in.intern(strings[i]), i);
      BOOST_TEST(in.size() == strings.size());
      BOOST_TEST(in.find(strings[7]) == 7u);
      if (sealing) {
        const size_t bytes = in.entry_bytes();
        in.seal();
        BOOST_TEST(in.entry_bytes() == bytes - 4 * strings.size());
      } else {
        in.index();
        in.index();  // once is enough; again changes nothing
        BOOST_TEST(in.intern("later") == strings.size());
        BOOST_TEST(in.view(static_cast<uint32_t>(strings.size())) == "later");
        BOOST_TEST(in.intern(strings[3]) == 3u);
      }
      for (uint32_t i = 0; i < strings.size(); ++i) BOOST_REQUIRE(in.view(i) == strings[i]);
      // for_each walks any range of ids in order, from block to block (the
      // long string has one of its own, and "after the long one" the next).
      const uint32_t all = in.size();
      const std::pair<uint32_t, uint32_t> ranges[] = {{0, all}, {7, 8}, {12345, 40000}, {49990, all}, {5, 5}};
      for (const auto& [begin, end] : ranges) {
        uint32_t next = begin;
        in.for_each(begin, end, [&](uint32_t id, std::string_view s) {
          BOOST_REQUIRE_EQUAL(id, next);
          BOOST_REQUIRE(s == in.view(id));
          ++next;
        });
        BOOST_TEST(next == end, "from " << begin);
      }
    }
  }
}

// Every byte of a name counts, whatever its length (the last 1 to 7 bytes
// are read in overlapping loads), the length too, and nothing past the end
// is read (each name here is a heap block of exactly its size: the
// sanitizer build would see a read beyond it).
BOOST_AUTO_TEST_CASE(hash_bytes_reads_every_byte_and_no_more) {
  std::vector<uint64_t> seen;
  for (size_t n = 0; n <= 24; ++n) {
    const std::unique_ptr<char[]> base(new char[n]);
    for (size_t i = 0; i < n; ++i) base[i] = static_cast<char>('a' + i);
    const uint64_t h = hash_bytes({base.get(), n});
    seen.push_back(h);
    for (size_t i = 0; i < n; ++i) {
      const std::unique_ptr<char[]> other(new char[n]);
      std::memcpy(other.get(), base.get(), n);
      other[i] = static_cast<char>(other[i] ^ 0x20);
      BOOST_TEST_CONTEXT("length " << n << ", byte " << i) { BOOST_TEST(hash_bytes({other.get(), n}) != h); }
    }
  }
  // Prefixes of one another: the length tells them apart.
  std::sort(seen.begin(), seen.end());
  BOOST_TEST((std::adjacent_find(seen.begin(), seen.end()) == seen.end()));
  BOOST_TEST(hash_bytes(std::string_view("\0", 1)) != hash_bytes(std::string_view()));
}
