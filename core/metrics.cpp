#include "core/metrics.h"

#include <algorithm>
#include <fstream>
#include <numeric>
#include <sstream>

#include <fmt/format.h>

#include "core/parallel.h"

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

void ServiceStats::add(const ServiceStats& o) {
  n.add(o.n);
  for (size_t k = 0; k < transitions.size(); ++k) transitions[k] += o.transitions[k];
  for (size_t k = 0; k < kChannelCount; ++k) {
    inbound_by_channel[k] += o.inbound_by_channel[k];
    repeats_by_channel[k] += o.repeats_by_channel[k];
  }
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
      ++by_id[c.service].inbound_by_channel[static_cast<size_t>(c.channel)];
    }
  }

  // The episodes of ranges of customers, each range on a thread with counts
  // of its own, added up after: sums, the same whatever the cut.
  const BigVector<uint32_t> order = scan_order(ds, p);
  const size_t parts = parallel_parts(order.size(), ds.threads);
  const std::vector<size_t> cut = cut_between_runs(order.size(), parts, [&](size_t a, size_t b) {
    return ds.contacts[order[a]].customer == ds.contacts[order[b]].customer;
  });
  struct Part {
    std::vector<ServiceStats> by_id;
    int64_t customers = 0;
  };
  std::vector<Part> part(parts);
  for_parts(parts, parts, [&](size_t k, size_t, size_t) {
    Part& mine = part[k];
    mine.by_id.resize(nsvc);
    uint32_t current = kNone;
    std::vector<uint32_t> counted;  // services that already counted the current customer
    const std::span<const uint32_t> range = std::span<const uint32_t>(order).subspan(cut[k], cut[k + 1] - cut[k]);
    for_each_episode(ds, p, range, [&](const Episode& e) {
      ServiceStats& s = mine.by_id[e.service];
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
      ++s.inbound_by_channel[static_cast<size_t>(ds.contacts[e.contacts[0]].channel)];
      for (size_t i = 1; i < e.contacts.size(); ++i) {
        const auto from = static_cast<size_t>(ds.contacts[e.contacts[i - 1]].channel);
        const auto to = static_cast<size_t>(ds.contacts[e.contacts[i]].channel);
        ++s.transitions[from * kChannelCount + to];
        ++s.inbound_by_channel[to];
        ++s.repeats_by_channel[to];
      }
      if (e.customer != current) {
        current = e.customer;
        counted.clear();
        ++mine.customers;
      }
      if (std::find(counted.begin(), counted.end(), e.service) == counted.end()) {
        counted.push_back(e.service);
        ++n.customers;
      }
    });
  });
  int64_t customers_overall = 0;
  for (const Part& mine : part) {
    for (uint32_t id = 0; id < nsvc; ++id) by_id[id].add(mine.by_id[id]);
    customers_overall += mine.customers;
  }

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
    all.add(s);
    out.rows.push_back(std::move(s));
  }
  all.n.customers = customers_overall;
  out.rows.push_back(std::move(all));
  return out;
}

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

constexpr int64_t kMaxUnitCost = 1'000'000;  // keeps every sum far from int64 overflow

// `D+[.D{1,4}]` in ten-thousandths.
bool parse_cost(std::string_view s, int64_t* out, std::string* why) {
  int64_t whole = 0, frac = 0;
  size_t i = 0, digits = 0;
  for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
    whole = whole * 10 + (s[i] - '0');
    if (whole > kMaxUnitCost) {
      *why = fmt::format("unit cost '{}' is too large; at most {} per contact", s, kMaxUnitCost);
      return false;
    }
  }
  if (i == 0) {
    *why = fmt::format("'{}' is not a cost; write a non-negative decimal number with a point, like 4.50", s);
    return false;
  }
  if (i < s.size() && s[i] == '.') {
    for (++i; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i, ++digits)
      if (digits < 4) frac = frac * 10 + (s[i] - '0');
    if (digits == 0) {
      *why = fmt::format("'{}': a decimal point must be followed by digits, like 4.50", s);
      return false;
    }
  }
  if (i != s.size()) {
    *why = fmt::format("'{}' is not a cost; write a non-negative decimal number with a point, like 4.50", s);
    return false;
  }
  if (digits > 4) {
    *why = fmt::format("'{}' has more than 4 decimals; round it to 4", s);
    return false;
  }
  for (; digits < 4; ++digits) frac *= 10;
  const int64_t v = whole * kCostScale + frac;
  if (v > kMaxUnitCost * kCostScale) {
    *why = fmt::format("unit cost '{}' is too large; at most {} per contact", s, kMaxUnitCost);
    return false;
  }
  *out = v;
  return true;
}

}  // namespace

bool parse_costs(std::string_view text, std::string_view label, CostTable* out, std::string* err) {
  CostTable t;
  std::array<int64_t, kChannelCount> line_of{};
  std::string problems;
  auto fail = [&](int64_t line, std::string_view what) {
    problems += fmt::format("{}{}:{}: {}", problems.empty() ? "" : "\n", label, line, what);
  };
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  bool first = true;
  int64_t number = 0;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    const std::string_view raw = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    ++number;
    const std::string_view line = trim(raw);
    if (line.empty() || line.front() == '#') continue;
    const bool header = first;
    first = false;
    const size_t tab = line.find('\t');
    if (tab == std::string_view::npos || line.find('\t', tab + 1) != std::string_view::npos) {
      fail(number, "expected two fields separated by a tab, channel and unit_cost; write e.g. 'phone<TAB>4.50'");
      continue;
    }
    const std::string_view name = trim(line.substr(0, tab)), value = trim(line.substr(tab + 1));
    if (header && name == "channel" && value == "unit_cost") continue;
    Channel ch;
    if (!parse_channel(name, &ch)) {
      fail(number, fmt::format("'{}' is not a channel; use one of phone, ivr, chat, email, mail, fax, counter, "
                               "web, social, cobrowse (or their French names)",
                               name));
      continue;
    }
    const auto k = static_cast<size_t>(ch);
    if (line_of[k] != 0) {
      fail(number, fmt::format("channel {} already has a unit cost on line {}; keep one of the two lines",
                               channel_name(ch), line_of[k]));
      continue;
    }
    std::string why;
    int64_t cost = 0;
    if (!parse_cost(value, &cost, &why)) {
      fail(number, why);
      continue;
    }
    line_of[k] = number;
    t.unit[k] = cost;
  }
  if (!problems.empty()) {
    *err = std::move(problems);
    return false;
  }
  *out = t;
  return true;
}

bool load_costs(const std::string& path, CostTable* out, std::string* err) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  if (in) text << in.rdbuf();
  if (!in || in.bad()) {
    *err = fmt::format("{}: cannot read the cost table; check the file name", path);
    return false;
  }
  return parse_costs(text.view(), path, out, err);
}

std::optional<int64_t> cost_of(const std::array<int64_t, kChannelCount>& counts, const CostTable& costs) {
  int64_t sum = 0;
  for (size_t k = 0; k < kChannelCount; ++k) {
    if (counts[k] == 0) continue;
    if (costs.unit[k] == kNoCost) return std::nullopt;
    sum += counts[k] * costs.unit[k];
  }
  return sum;
}

}  // namespace parcours
