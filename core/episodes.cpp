#include "core/episodes.h"

#include <algorithm>

#include "core/parallel.h"
#include "core/prefetch.h"

namespace parcours {

Ranks::Ranks(const Dataset& ds)
    : customer(ds.customers.ranks_in_byte_order()),
      service(ranks_in_byte_order(ds.services.size(), [&](uint32_t i) { return ds.services.view(i); }, 1)) {}

// A counting sort by customer (no key per contact: one count per customer),
// then each customer's few contacts sorted by service, start, id, on every
// thread.
std::vector<uint32_t> scan_order(const Dataset& ds, const Params& p, const Ranks* ranks, Direction direction) {
  const bool by_service = direction == Direction::in && !p.any_service;
  const auto& cs = ds.contacts;
  const auto counts = [&](const Contact& c) { return c.customer != kNone && c.direction == direction; };
  const auto customer = [&](const Contact& c) { return ranks != nullptr ? ranks->customer[c.customer] : c.customer; };
  // ends[k + 1]: contacts of customers before k, then up to k as they are placed.
  std::vector<uint32_t> ends(size_t{ds.customers.size()} + 1, 0);
  for (const Contact& c : cs)
    if (counts(c)) ++ends[customer(c) + 1];
  for (size_t k = 1; k < ends.size(); ++k) ends[k] += ends[k - 1];
  std::vector<uint32_t> order(ends.back());
  for (uint32_t i = 0; i < cs.size(); ++i)
    if (counts(cs[i])) order[ends[customer(cs[i])]++] = i;
  // Now ends[k] is where customer k's contacts end (and k + 1's begin).
  const auto service = [&](const Contact& c) {
    return !by_service ? 0 : ranks != nullptr ? ranks->service[c.service] : c.service;
  };
  // Each customer's contacts are read once (fetched 16 places ahead) into a
  // buffer with what orders them; only contacts that start at the same
  // time are read again, for their ids.
  struct Keyed {
    Micros start;
    uint32_t service, contact;
  };
  const auto less = [&](const Keyed& a, const Keyed& b) {
    if (a.service != b.service) return a.service < b.service;
    if (a.start != b.start) return a.start < b.start;
    return ds.before(cs[a.contact], cs[b.contact]);
  };
  parallel_for(ds.customers.size(), ds.threads, [&](size_t begin, size_t end) {
    if (begin == end) return;
    std::vector<Keyed> buffer;
    const size_t stop = ends[end - 1];
    size_t warmed = begin == 0 ? 0 : ends[begin - 1];
    for (size_t k = begin; k < end; ++k) {
      const uint32_t first = k == 0 ? 0 : ends[k - 1], last = ends[k];
      for (const size_t ahead = std::min<size_t>(last + 16, stop); warmed < ahead; ++warmed) prefetch(&cs[order[warmed]]);
      if (last - first < 2) continue;
      buffer.clear();
      for (uint32_t i = first; i < last; ++i) {
        const Contact& c = cs[order[i]];
        buffer.push_back({c.start, service(c), order[i]});
      }
      std::sort(buffer.begin(), buffer.end(), less);
      for (uint32_t i = first; i < last; ++i) order[i] = buffer[i - first].contact;
    }
  });
  return order;
}

}  // namespace parcours
