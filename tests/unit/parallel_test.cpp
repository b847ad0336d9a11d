#include <algorithm>
#include <atomic>
#include <cstdint>
#include <random>
#include <new>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "core/parallel.h"

using namespace parcours;

// Sorting on threads gives std::sort's result, for any thread count, on
// ranges long enough to be split (and not), with many equal keys broken by
// an index as the tools do.
BOOST_AUTO_TEST_CASE(parallel_sort_matches_std_sort) {
  struct E {
    uint32_t key, index;
    bool operator==(const E&) const = default;
  };
  const auto less = [](const E& a, const E& b) { return a.key != b.key ? a.key < b.key : a.index < b.index; };
  std::mt19937 rng(7);
  for (const size_t n : {size_t{0}, size_t{1000}, kParallelSortMin * 3 + 17}) {
    std::vector<E> v(n);
    for (uint32_t i = 0; i < n; ++i) v[i] = {static_cast<uint32_t>(rng() % 5000), i};
    std::vector<E> want = v;
    std::sort(want.begin(), want.end(), less);
    for (const int threads : {1, 2, 3, 8}) {
      BOOST_TEST_CONTEXT("n " << n << ", threads " << threads) {
        std::vector<E> got = v;
        parallel_sort(got.begin(), got.end(), less, threads);
        BOOST_TEST((got == want));
        std::vector<E> halves = v;
        const auto mid = sort_halves(halves.begin(), halves.end(), less, threads);
        BOOST_TEST((mid == halves.end()) == (threads < 2 || n < kParallelSortMin));
        BOOST_TEST(std::is_sorted(halves.begin(), mid, less));
        BOOST_TEST(std::is_sorted(mid, halves.end(), less));
      }
    }
  }
}

// The merge moves only half the range aside: at most n + n / 2 elements
// are alive at once (2n when the whole range went through a buffer), and
// ties keep the first half's element first, as std::merge does.
namespace {
struct Counted {
  // Both halves are sorted on threads of their own, which make and drop
  // temporaries: the counts are atomic.
  static inline std::atomic<long> alive = 0, peak = 0;
  static void born() {
    const long now = ++alive;
    for (long p = peak; p < now && !peak.compare_exchange_weak(p, now);) {
    }
  }
  uint32_t key = 0, half = 0;
  Counted() { born(); }
  Counted(uint32_t k, uint32_t h) : key(k), half(h) { born(); }
  Counted(const Counted& o) : key(o.key), half(o.half) { born(); }
  Counted& operator=(const Counted&) = default;
  ~Counted() { --alive; }
};
}  // namespace

BOOST_AUTO_TEST_CASE(parallel_sort_moves_half_the_range_aside) {
  const size_t n = kParallelSortMin * 2;
  std::mt19937 rng(3);
  std::vector<Counted> v;
  v.reserve(n);
  for (uint32_t i = 0; i < n; ++i) v.emplace_back(static_cast<uint32_t>(rng() % 100), i < n / 2 ? 0 : 1);
  Counted::peak = Counted::alive.load();
  parallel_sort(v.begin(), v.end(), [](const Counted& a, const Counted& b) { return a.key < b.key; }, 2);
  BOOST_TEST(Counted::peak.load() <= static_cast<long>(n + n / 2));
  for (size_t i = 1; i < n; ++i) {
    BOOST_REQUIRE(v[i - 1].key <= v[i].key);
    if (v[i - 1].key == v[i].key) BOOST_REQUIRE(v[i - 1].half <= v[i].half);
  }
}

// merge_halves gives std::inplace_merge's result, ties included (the first
// half's first), whichever half is empty, shorter, or all below the other.
BOOST_AUTO_TEST_CASE(merge_halves_matches_inplace_merge) {
  using E = std::pair<uint32_t, uint32_t>;  // key, where it came from
  const auto less = [](const E& a, const E& b) { return a.first < b.first; };
  std::mt19937 rng(5);
  for (const size_t left : {size_t{0}, size_t{1}, size_t{9}, size_t{1000}})
    for (const size_t right : {size_t{0}, size_t{1}, size_t{9}, size_t{1000}})
      for (const uint32_t spread : {1u, 20u, 100000u}) {
        std::vector<E> v;
        for (uint32_t i = 0; i < left + right; ++i) v.emplace_back(rng() % spread + (i < left ? 0 : spread / 2), i);
        std::sort(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(left), less);
        std::sort(v.begin() + static_cast<std::ptrdiff_t>(left), v.end(), less);
        std::vector<E> want = v, got = v;
        std::inplace_merge(want.begin(), want.begin() + static_cast<std::ptrdiff_t>(left), want.end(), less);
        merge_halves(got.begin(), got.begin() + static_cast<std::ptrdiff_t>(left), got.end(), less);
        BOOST_TEST((got == want), "left " << left << ", right " << right << ", spread " << spread);
      }
}

// Ranks in byte order equal those of std::sort on the strings, for strings
// that share long prefixes, are prefixes of each other, hold zero bytes or
// bytes above 0x7f, on one thread and on several over a range long enough
// to be split.
BOOST_AUTO_TEST_CASE(ranks_in_byte_order_match_string_order) {
  std::mt19937 rng(11);
  for (const uint32_t n : {0u, 1u, 7u, 2000u, 150000u}) {
    std::vector<std::string> s;
    std::set<std::string> seen;
    const std::string prefixes[] = {"", "email:", "email:someone.with.a.long.name@", std::string("a\0b", 3)};
    while (s.size() < n) {
      std::string v = prefixes[rng() % 4];
      const size_t len = rng() % 20;
      for (size_t i = 0; i < len; ++i) {
        const uint32_t pick = rng() % 10;
        v.push_back(pick == 0 ? '\0' : pick == 1 ? static_cast<char>(0xe9) : static_cast<char>('a' + rng() % 3));
      }
      if (seen.insert(v).second) s.push_back(v);
    }
    BigVector<uint32_t> want(n);
    std::vector<uint32_t> by(n);
    for (uint32_t i = 0; i < n; ++i) by[i] = i;
    std::sort(by.begin(), by.end(), [&](uint32_t a, uint32_t b) { return s[a] < s[b]; });
    for (uint32_t r = 0; r < n; ++r) want[by[r]] = r;
    uint32_t tied = 0;  // strings whose first 16 bytes (zero-padded) are another's
    const auto head = [&](uint32_t i) { return (s[i] + std::string(16, '\0')).substr(0, 16); };
    for (uint32_t r = 0; r < n; ++r)
      tied += (r > 0 && head(by[r]) == head(by[r - 1])) || (r + 1 < n && head(by[r]) == head(by[r + 1]));
    if (n >= 2000) BOOST_REQUIRE(tied > 0);
    // The same strings in three pieces, cut anywhere (pieces may be empty).
    std::vector<std::pair<size_t, size_t>> cuts;
    for (const std::string& v : s) {
      size_t a = rng() % (v.size() + 1), b = rng() % (v.size() + 1);
      cuts.emplace_back(std::min(a, b), std::max(a, b));
    }
    const auto pieces = [&](uint32_t i) {
      const std::string_view v = s[i];
      const auto [a, b] = cuts[i];
      return TextPieces{{v.substr(0, a), v.substr(a, b - a), v.substr(b)}};
    };
    for (const int threads : {1, 2, 3}) {
      const auto got = ranks_in_byte_order(n, [&](uint32_t i) { return std::string_view(s[i]); }, threads);
      BOOST_TEST(got == want, "n=" << n << " threads=" << threads);
      std::atomic<uint32_t> warmed{0};
      const auto in_pieces = ranks_in_byte_order(n, pieces, threads, [&](uint32_t, int) { ++warmed; });
      BOOST_TEST(in_pieces == want, "in pieces: n=" << n << " threads=" << threads);
      // Each string 16 and 8 ahead of the one read, and each that ties
      // with another in its first 16 bytes twice more (once a step), and
      // again for ties further on.
      if (threads == 1) {
        const uint32_t ahead = (n > 16 ? n - 16 : 0) + (n > 8 ? n - 8 : 0);
        BOOST_TEST(warmed.load() >= ahead + 2 * tied, "n=" << n);
        if (tied == 0) BOOST_TEST(warmed.load() == ahead, "n=" << n);
      }
    }
  }
}

// A chunk of a string in pieces is that of the string whole, from every
// place, wherever the pieces are cut.
BOOST_AUTO_TEST_CASE(chunks_of_pieces_are_those_of_the_whole) {
  const std::string whole = std::string("kind:value-\0\xff-longer-than-16", 28);
  for (size_t a = 0; a <= whole.size(); ++a)
    for (size_t b = a; b <= whole.size(); ++b) {
      const std::string_view v = whole;
      const TextPieces p{{v.substr(0, a), v.substr(a, b - a), v.substr(b)}};
      BOOST_TEST(p.size() == whole.size());
      for (size_t at = 0; at <= whole.size() + 8; ++at)
        BOOST_TEST(detail::chunk_at(p, at) == detail::chunk_at(v, at), "cut " << a << "," << b << " at " << at);
    }
}

// Every string ties on the first 16 bytes and beyond: one run of ties as
// long as the input, which the threads must not cut in two.
BOOST_AUTO_TEST_CASE(ranks_in_byte_order_with_one_long_run_of_ties) {
  std::mt19937 rng(12);
  const std::string shared = "email:someone.with.a.long.name@";
  std::vector<std::string> s;
  std::set<std::string> seen;
  while (s.size() < 150000) {
    std::string v = shared;
    const size_t len = rng() % 12;
    for (size_t i = 0; i < len; ++i) v.push_back(static_cast<char>('a' + rng() % 4));
    if (seen.insert(v).second) s.push_back(v);
  }
  const auto n = static_cast<uint32_t>(s.size());
  BigVector<uint32_t> want(n);
  std::vector<uint32_t> by(n);
  for (uint32_t i = 0; i < n; ++i) by[i] = i;
  std::sort(by.begin(), by.end(), [&](uint32_t a, uint32_t b) { return s[a] < s[b]; });
  for (uint32_t r = 0; r < n; ++r) want[by[r]] = r;
  for (const int threads : {1, 2, 3, 8}) {
    const auto got = ranks_in_byte_order(n, [&](uint32_t i) { return std::string_view(s[i]); }, threads);
    BOOST_TEST(got == want, "threads=" << threads);
  }
}

// An exception on a thread of the group reaches the thread that joins it;
// one on the starting thread while the others still run leaves them joined
// (a bare std::thread would call std::terminate in both cases).
BOOST_AUTO_TEST_CASE(thread_group_passes_exceptions_on) {
  std::atomic<int> ran{0};
  {
    ThreadGroup group;
    for (int i = 0; i < 4; ++i)
      group.spawn([&ran, i] {
        ++ran;
        if (i == 2) throw std::bad_alloc();
      });
    BOOST_CHECK_THROW(group.join(), std::bad_alloc);
    group.join();  // the exception is passed on once
  }
  BOOST_TEST(ran == 4);
  std::atomic<bool> release{false};
  BOOST_CHECK_THROW(
      {
        ThreadGroup group;
        group.spawn([&release] {
          while (!release) std::this_thread::yield();
        });
        release = true;
        throw std::runtime_error("on the starting thread");
      },
      std::runtime_error);
  // for_parts: a part that throws, on the calling thread or another.
  for (const size_t thrower : {size_t{0}, size_t{2}}) {
    std::atomic<int> parts{0};
    BOOST_CHECK_THROW(for_parts(1000, 3,
                                [&](size_t k, size_t, size_t) {
                                  ++parts;
                                  if (k == thrower) throw std::bad_alloc();
                                }),
                      std::bad_alloc);
    BOOST_TEST(parts == 3);
  }
}

// The cuts cover [0, n) in order, never split a run of equal neighbours,
// and fall where asked when nothing holds them back; a run longer than a
// part leaves the parts after it empty rather than cutting it.
BOOST_AUTO_TEST_CASE(cut_between_runs_keeps_runs_whole) {
  std::mt19937 rng(7);
  for (const size_t parts : {size_t{1}, size_t{2}, size_t{3}, size_t{8}}) {
    for (const size_t n : {size_t{0}, size_t{1}, size_t{5}, size_t{1000}}) {
      std::vector<int> v(n);
      int key = 0;
      for (size_t i = 0; i < n; ++i) v[i] = rng() % 4 == 0 ? ++key : key;
      const std::vector<size_t> cut = cut_between_runs(n, parts, [&](size_t a, size_t b) { return v[a] == v[b]; });
      BOOST_TEST_CONTEXT("n " << n << ", parts " << parts) {
        BOOST_REQUIRE(cut.size() == parts + 1);
        BOOST_TEST(cut.front() == 0u);
        BOOST_TEST(cut.back() == n);
        for (size_t k = 1; k <= parts; ++k) {
          BOOST_TEST(cut[k - 1] <= cut[k]);
          if (cut[k] > 0 && cut[k] < n) BOOST_TEST(v[cut[k] - 1] != v[cut[k]]);
        }
      }
    }
  }
  // All distinct: the even cuts. All one run: one part holds everything.
  BOOST_TEST((cut_between_runs(9, 3, [](size_t, size_t) { return false; }) == std::vector<size_t>{0, 3, 6, 9}));
  BOOST_TEST((cut_between_runs(9, 3, [](size_t, size_t) { return true; }) == std::vector<size_t>{0, 9, 9, 9}));
}
