// Sorting on more than one core.
//
// The comparisons given here are total orders (every tie broken down to an
// index or an id), so the result is the one std::sort gives, whatever the
// number of threads.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <exception>
#include <iterator>
#include <mutex>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "core/huge.h"

namespace parcours {

// Threads that are joined however the scope that started them is left, and
// whose exceptions reach the thread that waits for them: memory running out
// on any thread (std::bad_alloc) ends the run with a message, where a bare
// std::thread would call std::terminate — whether the exception escapes the
// thread's function, or the starting thread throws while it still runs.
class ThreadGroup {
 public:
  ThreadGroup() = default;
  ThreadGroup(const ThreadGroup&) = delete;
  ThreadGroup& operator=(const ThreadGroup&) = delete;
  // Leaving the scope by an exception: waits, and the threads' own
  // exceptions are dropped in favour of the one under way.
  ~ThreadGroup() { wait(); }

  template <typename F>
  void spawn(F&& f) {
    threads_.emplace_back([this, f = std::forward<F>(f)]() mutable {
      try {
        f();
      } catch (...) {
        const std::lock_guard lock(mu_);
        if (!error_) error_ = std::current_exception();
      }
    });
  }

  // Waits for every thread, then rethrows the first exception one threw.
  void join() {
    wait();
    if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
  }

 private:
  void wait() {
    for (std::thread& t : threads_)
      if (t.joinable()) t.join();
  }

  std::mutex mu_;
  std::vector<std::thread> threads_;
  std::exception_ptr error_;
};

// Below this many elements, one thread sorts faster than two.
inline constexpr size_t kParallelSortMin = size_t{1} << 16;

// Sorts the two halves of [first, last) at once, each with half the
// threads, and returns where the second begins; with one thread (or a
// short range) sorts it whole and returns `last`.
template <typename It, typename Less>
It sort_halves(It first, It last, Less less, int threads);

// Merges the sorted [first, mid) and [mid, last) into [first, last), as
// std::inplace_merge does (stable: of equal elements, the first half's come
// first), moving only the first half aside, half the range, where a merge
// into a new buffer would take all of it. The half goes into an array of
// huge pages (core/huge.h): std::inplace_merge's buffer came from operator
// new, faulted in 4 KiB at a time (at 10M records, 10k faults to merge the
// ranks of 3.5M customers). The merged elements never catch up with the
// second half's unread ones: the k-th written goes where the second half
// has been read past it, or where the first half was.
template <typename It, typename Less>
void merge_halves(It first, It mid, It last, Less less) {
  using T = typename std::iterator_traits<It>::value_type;
  BigVector<T> aside(std::make_move_iterator(first), std::make_move_iterator(mid));
  auto a = aside.begin();
  It b = mid, out = first;
  while (a != aside.end() && b != last) *out++ = less(*b, *a) ? std::move(*b++) : std::move(*a++);
  std::move(a, aside.end(), out);
}

// Sorts [first, last) with up to `threads` threads: sort_halves, then one
// merge.
template <typename It, typename Less>
void parallel_sort(It first, It last, Less less, int threads) {
  const It mid = sort_halves(first, last, less, threads);
  if (mid != last) merge_halves(first, mid, last, less);
}

template <typename It, typename Less>
It sort_halves(It first, It last, Less less, int threads) {
  const auto n = static_cast<size_t>(last - first);
  if (threads < 2 || n < kParallelSortMin) {
    std::sort(first, last, less);
    return last;
  }
  const It mid = first + static_cast<std::ptrdiff_t>(n / 2);
  ThreadGroup left;
  left.spawn([&] { parallel_sort(first, mid, less, threads / 2); });
  parallel_sort(mid, last, less, threads - threads / 2);
  left.join();
  return mid;
}

// How many ranges parallel_for cuts [0, n) into.
inline size_t parallel_parts(size_t n, int threads) {
  return n < kParallelSortMin ? 1 : static_cast<size_t>(std::max(1, threads));
}

// Calls f(k, begin, end) for k = 0 .. parts - 1, the k-th of `parts`
// ranges of [0, n) in order (the same ranges for the same n and parts),
// k = 0 on the calling thread and each other on a thread of its own, and
// returns when all are done.
template <typename F>
void for_parts(size_t n, size_t parts, F&& f) {
  ThreadGroup helpers;
  for (size_t k = 1; k < parts; ++k) helpers.spawn([&f, n, parts, k] { f(k, n * k / parts, n * (k + 1) / parts); });
  f(size_t{0}, size_t{0}, n / parts);
  helpers.join();
}

// Cuts [0, n) into `parts` ranges of about equal size, each cut moved up
// past neighbours that same(i - 1, i) says belong together, so that no run
// of them is split: range k is [cut[k], cut[k + 1]) (some may be empty).
template <typename Same>
std::vector<size_t> cut_between_runs(size_t n, size_t parts, Same&& same) {
  std::vector<size_t> cut(parts + 1, n);
  cut[0] = 0;
  for (size_t k = 1; k < parts; ++k) {
    size_t c = std::max(cut[k - 1], n * k / parts);
    while (c > 0 && c < n && same(c - 1, c)) ++c;
    cut[k] = c;
  }
  return cut;
}

// Calls f(begin, end) on up to `threads` threads for ranges that together
// cover [0, n) once, and returns when all are done. f must not depend on
// the order of the ranges.
template <typename F>
void parallel_for(size_t n, int threads, F&& f) {
  for_parts(n, parallel_parts(n, threads), [&f](size_t, size_t begin, size_t end) { f(begin, end); });
}

// The rank of each of n distinct strings view(0) ... view(n - 1) in byte
// order. Sorting 16-byte chunks of them as integers keeps the comparisons in
// the cache: a string is read again only while it ties with another. Keys
// (KIND:VALUE) mostly differ within their first 16 bytes, where 8 bytes left
// long runs of ties ("client:1...") to sort again.
// view(i) is a std::string_view, or TextPieces: a string read in place from
// where its parts lie, never written out. warm(i, step), when given, is
// called for the strings 16 (step 0) and 8 (step 1) ahead of the one read
// next, and for those that tie in their first 16 bytes some ties ahead
// (detail::sort_runs), to fetch them meanwhile.
template <typename View, typename Warm>
BigVector<uint32_t> ranks_in_byte_order(uint32_t n, View view, int threads, Warm warm);
template <typename View>
BigVector<uint32_t> ranks_in_byte_order(uint32_t n, View view, int threads) {
  return ranks_in_byte_order(n, view, threads, [](uint32_t, int) {});
}

// A string as the pieces it is made of, one after another.
struct TextPieces {
  std::string_view piece[3];
  size_t size() const { return piece[0].size() + piece[1].size() + piece[2].size(); }
};

namespace detail {

// Up to 8 bytes of `s` from `at`, big-endian, zero-padded: chunks compare
// as integers in the order the bytes do.
inline uint64_t chunk_at(std::string_view s, size_t at) {
  if (at + 8 <= s.size()) {
    uint64_t v;
    std::memcpy(&v, s.data() + at, 8);
    return __builtin_bswap64(v);
  }
  uint64_t v = 0;
  for (size_t i = 0; i < 8; ++i) v = v << 8 | (at + i < s.size() ? static_cast<unsigned char>(s[at + i]) : 0u);
  return v;
}

inline uint64_t chunk_at(const TextPieces& s, size_t at) {
  unsigned char bytes[8] = {};
  size_t n = 0;
  for (const std::string_view piece : s.piece) {
    if (at >= piece.size()) {
      at -= piece.size();
      continue;
    }
    const size_t k = std::min(piece.size() - at, sizeof bytes - n);
    std::memcpy(bytes + n, piece.data() + at, k);
    n += k;
    at = 0;
    if (n == sizeof bytes) break;
  }
  uint64_t v;
  std::memcpy(&v, bytes, 8);
  return __builtin_bswap64(v);
}

inline constexpr size_t kChunkBytes = 16;

struct Chunk {
  uint64_t high, low;  // bytes [at, at + 8) and [at + 8, at + 16)
  uint32_t id;
  uint32_t more = 0;  // the caller's, in what would be padding
  bool operator<(const Chunk& o) const { return high != o.high ? high < o.high : low < o.low; }
  bool same_bytes(const Chunk& o) const { return high == o.high && low == o.low; }
};

template <typename Text>
Chunk chunk16_at(const Text& s, size_t at, uint32_t id) {
  return {chunk_at(s, at), chunk_at(s, at + 8), id};
}

template <typename View, typename Warm>
void sort_chunks(const View& view, Chunk* first, Chunk* last, size_t depth, int threads, const Warm& warm);

// Orders each run of equal chunks in [first, last) (sorted, and whole runs
// only) by the bytes after them. In a run, the strings that end within the
// chunk differ from each other only by trailing zero bytes, so the shorter
// comes first; they precede the longer ones, which the padding made equal
// to them. The strings of a run are anywhere in memory: those of the runs
// 8 (step 0) and 4 (step 1) further on are fetched meanwhile (warm), where
// reading them one run at a time waited on memory for each (at 10M
// records, 1.0M of the 3.55M customers' keys tie in their first 16 bytes).
template <typename View, typename Warm>
void sort_runs(const View& view, Chunk* first, Chunk* last, size_t depth, const Warm& warm) {
  const auto run_end = [&](Chunk* run) {
    Chunk* end = run + 1;
    while (end != last && end->same_bytes(*run)) ++end;
    return end;
  };
  Chunk* ahead[2] = {first, first};  // where to look for the next run to warm, by step
  const auto warm_next_run = [&](int step) {
    Chunk*& run = ahead[step];
    while (run != last) {
      Chunk* const end = run_end(run);
      const bool tie = end - run > 1;
      if (tie)
        for (const Chunk* c = run; c != end; ++c) warm(c->id, step);
      run = end;
      if (tie) return;
    }
  };
  for (int k = 0; k < 8; ++k) warm_next_run(0);
  for (int k = 0; k < 4; ++k) warm_next_run(1);
  for (Chunk* run = first; run != last;) {
    Chunk* end = run_end(run);
    if (end - run > 1) {
      warm_next_run(0);
      warm_next_run(1);
      Chunk* longer = std::partition(run, end, [&](const Chunk& c) { return view(c.id).size() <= depth + kChunkBytes; });
      std::sort(run, longer, [&](const Chunk& a, const Chunk& b) { return view(a.id).size() < view(b.id).size(); });
      for (Chunk* c = longer; c != end; ++c) {
        const auto text = view(c->id);
        c->high = chunk_at(text, depth + kChunkBytes);
        c->low = chunk_at(text, depth + kChunkBytes + 8);
      }
      if (end - longer > 1) sort_chunks(view, longer, end, depth + kChunkBytes, 1, warm);
    }
    run = end;
  }
}

// Orders [first, last), strings equal in their first `depth` bytes, by the
// rest: by the next 16 bytes, then each run of equal chunks further. The
// runs are cut (between runs) into 16 pieces a thread, which the threads
// take in turn: the ties gather where the strings share long beginnings
// (at 10M records, every tie among the customers' keys is in the first
// half of them, the emails), and one range a thread left the other idle.
template <typename View, typename Warm>
void sort_chunks(const View& view, Chunk* first, Chunk* last, size_t depth, int threads, const Warm& warm) {
  parallel_sort(first, last, [](const Chunk& a, const Chunk& b) { return a < b; }, threads);
  const auto n = static_cast<size_t>(last - first);
  const size_t parts = parallel_parts(n, threads), pieces = parts == 1 ? 1 : parts * 16;
  const std::vector<size_t> cut =
      cut_between_runs(n, pieces, [first](size_t a, size_t b) { return first[b].same_bytes(first[a]); });
  std::atomic<size_t> next{0};
  for_parts(parts, parts, [&](size_t, size_t, size_t) {
    for (size_t k; (k = next.fetch_add(1, std::memory_order_relaxed)) < pieces;)
      sort_runs(view, first + cut[k], first + cut[k + 1], depth, warm);
  });
}

}  // namespace detail

template <typename View, typename Warm>
BigVector<uint32_t> ranks_in_byte_order(uint32_t n, View view, int threads, Warm warm) {
  BigVector<detail::Chunk> keys(n);
  parallel_for(n, threads, [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) {
      if (i + 16 < end) warm(static_cast<uint32_t>(i + 16), 0);
      if (i + 8 < end) warm(static_cast<uint32_t>(i + 8), 1);
      keys[i] = detail::chunk16_at(view(static_cast<uint32_t>(i)), 0, static_cast<uint32_t>(i));
    }
  });
  detail::sort_chunks(view, keys.data(), keys.data() + n, 0, threads, warm);
  BigVector<uint32_t> rank(n);
  for (uint32_t r = 0; r < n; ++r) rank[keys[r].id] = r;
  return rank;
}

}  // namespace parcours
