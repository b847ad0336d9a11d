// The per-service counters of SPEC §5 and the channel transitions, folded in
// one scan. Counters are plain sums, so partial results merge by addition.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/episodes.h"

namespace parcours {

struct Counts {
  int64_t contacts = 0;      // after merging legs, both directions
  int64_t inbound = 0;
  int64_t unidentified = 0;  // inbound with no customer
  int64_t customers = 0;     // distinct customers among identified inbound contacts
  int64_t episodes = 0;
  int64_t identified = 0;    // identified inbound contacts = episodes + repeats
  int64_t switches = 0;
  int64_t cohort = 0;
  int64_t resolved = 0;
  int64_t breadth = 0;       // sum over episodes of their distinct channels
  int64_t repeats() const { return identified - episodes; }
  int64_t pending() const { return episodes - cohort; }
  void add(const Counts& o);
};

// A ratio kept exact; printing decides how to round it.
struct Ratio {
  int64_t num = 0, den = 0;
  bool defined() const { return den != 0; }
};

// Unit costs per channel (SPEC §1), in ten-thousandths of the currency unit,
// so that sums stay exact: 0.65 is 6500. kNoCost marks a channel left unset.
inline constexpr int64_t kNoCost = -1;
inline constexpr int64_t kCostScale = 10'000;
struct CostTable {
  std::array<int64_t, kChannelCount> unit;
  CostTable() { unit.fill(kNoCost); }
};
// Reads a cost table: lines `channel<TAB>unit_cost`, an optional header line
// `channel<TAB>unit_cost`, blank lines and `#` comments. Channels may be
// French; a cost is a non-negative decimal with at most 4 decimals, at most
// 1000000. On failure *err holds every problem, one a line, as
// `LABEL:LINE: what is wrong; what to do`.
bool parse_costs(std::string_view text, std::string_view label, CostTable* out, std::string* err);
bool load_costs(const std::string& path, CostTable* out, std::string* err);
// The sum over channels of count × unit cost, or nullopt when a channel with
// a count has no unit cost: an unknown cost is not a zero one.
std::optional<int64_t> cost_of(const std::array<int64_t, kChannelCount>& counts, const CostTable& costs);

struct ServiceStats {
  std::string service;  // or "(all)"
  Counts n;
  std::array<int64_t, kChannelCount * kChannelCount> transitions{};  // [from * 10 + to]
  std::array<int64_t, kChannelCount> inbound_by_channel{};  // inbound contacts, identified or not
  std::array<int64_t, kChannelCount> repeats_by_channel{};  // repeats, by the repeat's own channel
  void add(const ServiceStats& o);  // every count but the name
  std::optional<int64_t> cost(const CostTable& c) const { return cost_of(inbound_by_channel, c); }
  std::optional<int64_t> repeat_cost(const CostTable& c) const { return cost_of(repeats_by_channel, c); }
  Ratio repeat_rate() const { return {n.repeats(), n.identified}; }
  Ratio fcr_rate() const { return {n.resolved, n.cohort}; }
  Ratio contacts_per_episode() const { return {n.identified, n.episodes}; }
  Ratio channels_per_episode() const { return {n.breadth, n.episodes}; }
};

struct Summary {
  std::vector<ServiceStats> rows;  // by service name (bytewise), then "(all)"
  Micros as_of = kNoTime;          // T used
};

Summary compute_stats(const Dataset& ds, const Params& p);

}  // namespace parcours
