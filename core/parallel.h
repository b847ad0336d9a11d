// Sorting on more than one core.
//
// The comparisons given here are total orders (every tie broken down to an
// index or an id), so the result is the one std::sort gives, whatever the
// number of threads.
#pragma once

#include <algorithm>
#include <cstddef>
#include <iterator>
#include <thread>
#include <vector>

namespace parcours {

// Below this many elements, one thread sorts faster than two.
inline constexpr size_t kParallelSortMin = size_t{1} << 16;

// Sorts the two halves of [first, last) at once, each with half the
// threads, and returns where the second begins; with one thread (or a
// short range) sorts it whole and returns `last`. for_each_merged then
// walks both in order without a buffer the size of the range.
template <typename It, typename Less>
It sort_halves(It first, It last, Less less, int threads);

// Sorts [first, last) with up to `threads` threads: sort_halves, then one
// merge through a buffer the size of the range.
template <typename It, typename Less>
void parallel_sort(It first, It last, Less less, int threads) {
  const It mid = sort_halves(first, last, less, threads);
  if (mid == last) return;
  std::vector<typename std::iterator_traits<It>::value_type> merged;
  merged.reserve(static_cast<size_t>(last - first));
  std::merge(std::make_move_iterator(first), std::make_move_iterator(mid), std::make_move_iterator(mid),
             std::make_move_iterator(last), std::back_inserter(merged), less);
  std::move(merged.begin(), merged.end(), first);
}

template <typename It, typename Less>
It sort_halves(It first, It last, Less less, int threads) {
  const auto n = static_cast<size_t>(last - first);
  if (threads < 2 || n < kParallelSortMin) {
    std::sort(first, last, less);
    return last;
  }
  const It mid = first + static_cast<std::ptrdiff_t>(n / 2);
  std::thread left([&] { parallel_sort(first, mid, less, threads / 2); });
  parallel_sort(mid, last, less, threads - threads / 2);
  left.join();
  return mid;
}

// Calls f(element) for the elements of the sorted runs [first, mid) and
// [mid, last) in merged order (an element of the first run before an equal
// one of the second, as std::merge).
template <typename It, typename Less, typename F>
void for_each_merged(It first, It mid, It last, Less less, F&& f) {
  It a = first, b = mid;
  while (a != mid && b != last) {
    if (less(*b, *a)) f(*b++);
    else f(*a++);
  }
  while (a != mid) f(*a++);
  while (b != last) f(*b++);
}

}  // namespace parcours
