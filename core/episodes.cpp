#include "core/episodes.h"

#include <algorithm>
#include <numeric>

#include "core/parallel.h"

namespace parcours {

namespace {

// Rank of each interned string (or customer key) in byte order of the strings.
// Names are distinct, so the order is total.
template <typename Names>
std::vector<uint32_t> ranks_by_name(const Names& in, int threads) {
  std::vector<uint32_t> ids(in.size());
  std::iota(ids.begin(), ids.end(), 0u);
  parallel_sort(ids.begin(), ids.end(), [&](uint32_t a, uint32_t b) { return in.view(a) < in.view(b); }, threads);
  std::vector<uint32_t> rank(in.size());
  for (uint32_t r = 0; r < ids.size(); ++r) rank[ids[r]] = r;
  return rank;
}

struct Key {
  uint64_t group;  // customer << 32 | service
  Micros start;
  uint32_t index;
};

}  // namespace

Ranks::Ranks(const Dataset& ds)
    : customer(ranks_by_name(ds.customers, ds.threads)), service(ranks_by_name(ds.services, 1)) {}

std::vector<uint32_t> scan_order(const Dataset& ds, const Params& p, const Ranks* ranks, Direction direction) {
  const bool by_service = direction == Direction::in && !p.any_service;
  std::vector<Key> keys;
  keys.reserve(ds.contacts.size());
  for (uint32_t i = 0; i < ds.contacts.size(); ++i) {
    const Contact& c = ds.contacts[i];
    if (c.customer == kNone || c.direction != direction) continue;
    const uint64_t cust = ranks != nullptr ? ranks->customer[c.customer] : c.customer;
    const uint64_t svc = !by_service ? 0 : ranks != nullptr ? ranks->service[c.service] : c.service;
    keys.push_back(Key{cust << 32 | svc, c.start, i});
  }
  const auto less = [&](const Key& a, const Key& b) {
    if (a.group != b.group) return a.group < b.group;
    if (a.start != b.start) return a.start < b.start;
    return ds.before(ds.contacts[a.index], ds.contacts[b.index]);
  };
  // Merged straight into the order: no second array of keys.
  const auto mid = sort_halves(keys.begin(), keys.end(), less, ds.threads);
  std::vector<uint32_t> order;
  order.reserve(keys.size());
  for_each_merged(keys.begin(), mid, keys.end(), less, [&](const Key& k) { order.push_back(k.index); });
  return order;
}

}  // namespace parcours
