#include "core/metrics.h"

#include <algorithm>
#include <numeric>

namespace parcours {

void Counts::add(const Counts& o) {
  contacts += o.contacts;
  inbound += o.inbound;
  unidentified += o.unidentified;
  customers += o.customers;
  episodes += o.episodes;
  identified += o.identified;
  switches += o.switches;
  cohort += o.cohort;
  resolved += o.resolved;
  breadth += o.breadth;
}

Summary compute_stats(const Dataset& ds, const Params& p) {
  const uint32_t nsvc = ds.services.size();
  std::vector<ServiceStats> by_id(nsvc);

  // Outbound and unidentified contacts count under their own service; the
  // identified inbound ones under their episode's service (the same thing
  // unless --any-service), in the scan below.
  for (const Contact& c : ds.contacts) {
    const bool identified_in = c.customer != kNone && c.direction == Direction::in;
    if (identified_in) continue;
    Counts& n = by_id[c.service].n;
    ++n.contacts;
    if (c.direction == Direction::in) {
      ++n.inbound;
      ++n.unidentified;
    }
  }

  const std::vector<uint32_t> order = scan_order(ds, p);
  int64_t customers_overall = 0;
  uint32_t current = kNone;
  std::vector<uint32_t> counted;  // services that already counted the current customer
  for_each_episode(ds, p, order, [&](const Episode& e) {
    ServiceStats& s = by_id[e.service];
    Counts& n = s.n;
    const int64_t size = static_cast<int64_t>(e.contacts.size());
    n.contacts += size;
    n.inbound += size;
    n.identified += size;
    ++n.episodes;
    n.switches += e.switches;
    n.breadth += e.breadth();
    n.cohort += e.cohort;
    n.resolved += e.resolved;
    for (size_t k = 1; k < e.contacts.size(); ++k) {
      const auto from = static_cast<size_t>(ds.contacts[e.contacts[k - 1]].channel);
      const auto to = static_cast<size_t>(ds.contacts[e.contacts[k]].channel);
      ++s.transitions[from * kChannelCount + to];
    }
    if (e.customer != current) {
      current = e.customer;
      counted.clear();
      ++customers_overall;
    }
    if (std::find(counted.begin(), counted.end(), e.service) == counted.end()) {
      counted.push_back(e.service);
      ++n.customers;
    }
  });

  // A service gets a row when some contact has it. Services seen only on a
  // dropped duplicate or a merged leg have none; with --any-service a service
  // whose contacts all count under other services' episodes keeps a row of
  // zeros, so that the rows do not depend on how contacts were attributed.
  std::vector<bool> present(nsvc, false);
  for (const Contact& c : ds.contacts) present[c.service] = true;

  std::vector<uint32_t> ids(nsvc);
  std::iota(ids.begin(), ids.end(), 0u);
  std::sort(ids.begin(), ids.end(),
            [&](uint32_t a, uint32_t b) { return ds.services.view(a) < ds.services.view(b); });
  Summary out;
  out.as_of = effective_as_of(ds, p);
  ServiceStats all;
  all.service = "(all)";
  for (uint32_t id : ids) {
    ServiceStats& s = by_id[id];
    if (!present[id]) continue;
    s.service = std::string(ds.services.view(id));
    all.n.add(s.n);
    for (size_t k = 0; k < all.transitions.size(); ++k) all.transitions[k] += s.transitions[k];
    out.rows.push_back(std::move(s));
  }
  all.n.customers = customers_overall;
  out.rows.push_back(std::move(all));
  return out;
}

}  // namespace parcours
