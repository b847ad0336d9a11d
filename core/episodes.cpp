#include "core/episodes.h"

#include <algorithm>

#include "core/parallel.h"

namespace parcours {

namespace {

struct Key {
  uint64_t group;  // customer << 32 | service
  Micros start;
  uint32_t index;
};

}  // namespace

Ranks::Ranks(const Dataset& ds)
    : customer(ranks_in_byte_order(ds.customers.size(), [&](uint32_t i) { return ds.customers.view(i); }, ds.threads)),
      service(ranks_in_byte_order(ds.services.size(), [&](uint32_t i) { return ds.services.view(i); }, 1)) {}

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
