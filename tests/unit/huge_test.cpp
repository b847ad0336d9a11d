#include <vector>

#include <boost/test/unit_test.hpp>

#include "core/huge.h"

using namespace parcours;

BOOST_AUTO_TEST_SUITE(huge)

// A large array's memory goes back when released; `v = {}` would keep it.
BOOST_AUTO_TEST_CASE(release_gives_the_memory_back) {
  BigVector<uint32_t> big(size_t{1} << 20, 7);
  std::vector<uint64_t> small(100, 1);
  release(big);
  release(small);
  BOOST_TEST(big.capacity() == 0u);
  BOOST_TEST(small.capacity() == 0u);
  big.push_back(3);  // still usable
  BOOST_TEST(big.size() == 1u);
}

BOOST_AUTO_TEST_CASE(huge_blocks_are_aligned_to_2_mib) {
  BigVector<char> v(size_t{3} << 20);
  BOOST_TEST(reinterpret_cast<uintptr_t>(v.data()) % (size_t{2} << 20) == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
