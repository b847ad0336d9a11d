// The per-service counters of SPEC §5 and the channel transitions, folded in
// one scan. Counters are plain sums, so partial results merge by addition.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
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

struct ServiceStats {
  std::string service;  // or "(all)"
  Counts n;
  std::array<int64_t, kChannelCount * kChannelCount> transitions{};  // [from * 10 + to]
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
