#include <cstdint>
#include <random>
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
        std::vector<E> halves = v, merged;
        const auto mid = sort_halves(halves.begin(), halves.end(), less, threads);
        BOOST_TEST((mid == halves.end()) == (threads < 2 || n < kParallelSortMin));
        for_each_merged(halves.begin(), mid, halves.end(), less, [&](const E& e) { merged.push_back(e); });
        BOOST_TEST((merged == want));
      }
    }
  }
}
