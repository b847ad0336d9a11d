// Journeys (SPEC §4): each customer's inbound contacts, in (start, id) order
// per service (or across services with --any-service), cut into episodes.
//
// One sort of compact keys, then one linear scan: the scan hands each episode
// to a callback, which the stats, transitions and journeys tools each fold
// into their own output.
#pragma once

#include <algorithm>
#include <bit>
#include <cstdint>
#include <span>
#include <vector>

#include "core/dataset.h"
#include "core/prefetch.h"

namespace parcours {

struct Params {
  Micros window = 7 * kMicrosPerDay;
  Micros as_of = kNoTime;  // kNoTime: the latest start in the input
  bool strict = false;     // --mode strict
  bool any_service = false;
};

// The as-of time T actually used.
inline Micros effective_as_of(const Dataset& ds, const Params& p) {
  return p.as_of != kNoTime ? p.as_of : ds.latest_start;
}

struct Episode {
  uint32_t customer;
  uint32_t service;                // the service of its first contact
  std::span<const uint32_t> contacts;  // indices into Dataset::contacts, in order
  uint32_t channels;               // bit set of the channels used
  uint32_t switches;               // repeats on another channel than the previous contact
  Micros end;                      // latest end (or start) among its contacts; kNoTime unless Dataset::keep_ends
  bool cohort;                     // first contact at or before T − W
  bool resolved;                   // first-contact resolved (SPEC §4)
  int breadth() const { return std::popcount(channels); }
};

// Byte order of customer keys and service names, as journeys prints them.
struct Ranks {
  BigVector<uint32_t> customer, service;  // rank of each interned id
  BigVector<uint32_t> customer_at;        // the customer of each rank
  explicit Ranks(const Dataset& ds);
};

// The identified contacts of one direction in scan order: by customer, then
// service (inbound, unless any_service), then (start, id). Customers and
// services are grouped by their interned ids, or in byte order with `ranks`;
// the counts do not depend on it, so stats skips that cost. `ends`, when
// given, gets where the contacts of the k-th customer in that order end
// (and the next one's begin), one entry per customer.
BigVector<uint32_t> scan_order(const Dataset& ds, const Params& p, const Ranks* ranks = nullptr,
                               Direction direction = Direction::in, BigVector<uint32_t>* ends = nullptr);

// Calls f(const Episode&) for each episode, in scan order: of all of it, or
// of a part that begins and ends between two customers.
template <class F>
void for_each_episode(const Dataset& ds, const Params& p, std::span<const uint32_t> order, F&& f) {
  const Micros as_of = effective_as_of(ds, p);
  // Episodes that started after this have not had their whole window yet.
  const Micros cutoff = as_of == kNoTime ? kNoTime : as_of - p.window;
  const auto& cs = ds.contacts;
  // The contacts come in scan order, from anywhere in memory: those 16 on
  // are fetched meanwhile, and the ends of those 8 on (kept by record,
  // where each contact tells).
  const bool ends = ds.keep_ends;
  size_t warmed = 0;
  const auto warm_to = [&](size_t k) {
    for (k = std::min(k, order.size()); warmed < k; ++warmed) {
      prefetch_contact(&cs[order[warmed]]);
      if (ends && warmed >= 8) ds.warm_end(cs[order[warmed - 8]]);
    }
  };
  size_t i = 0;
  while (i < order.size()) {
    warm_to(i + 17);
    const Contact& first = cs[order[i]];
    Episode e;
    e.customer = first.customer;
    e.service = first.service;
    e.channels = 1u << static_cast<unsigned>(first.channel);
    e.switches = 0;
    e.end = ends ? ds.end_or_start(first) : kNoTime;
    size_t j = i + 1;
    for (; j < order.size(); ++j) {
      warm_to(j + 17);
      const Contact& prev = cs[order[j - 1]];
      const Contact& c = cs[order[j]];
      if (c.customer != first.customer || (!p.any_service && c.service != first.service)) break;
      if (c.start - prev.start > p.window) break;  // not a repeat: a new episode starts
      e.channels |= 1u << static_cast<unsigned>(c.channel);
      e.switches += c.channel != prev.channel;
      if (ends) e.end = std::max(e.end, ds.end_or_start(c));
    }
    e.contacts = std::span<const uint32_t>(order.data() + i, j - i);
    e.cohort = cutoff != kNoTime && first.start <= cutoff;
    e.resolved = e.cohort && j - i == 1 &&
                 !(p.strict && (first.outcome == Outcome::unresolved || first.outcome == Outcome::abandoned));
    f(static_cast<const Episode&>(e));
    i = j;
  }
}

}  // namespace parcours
