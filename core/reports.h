// The tables that follow the per-service statistics (SPEC §5, "Also
// reported"): channel mix over calendar periods, handle and wait times, the
// most frequent episode paths, and customers by channel profile.
//
// Each computation returns plain rows with exact values (counts, Ratio), so
// that the table tools and an HTML report print the same numbers; the
// *_table functions turn them into a Table for one output format.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/calendar.h"
#include "core/tz.h"
#include "core/episodes.h"
#include "core/metrics.h"
#include "core/table.h"

namespace parcours {

// A number with a fixed count of decimals in text formats.
//
// num ÷ den rounded half up to `digits` decimals in integers ("16.65"), for
// num >= 0 and den > 0; empty when den is 0.
std::string format_decimal(Ratio r, int digits);
// A text cell of format_decimal in tsv, csv and table; a JSON number in json;
// null when undefined.
Cell decimal_cell(Ratio r, int digits, Format f);
// An amount in ten-thousandths (see CostTable) printed with 2 decimals, or
// null.
Cell money_cell(std::optional<int64_t> amount, Format f);
// The table format aligns text to the left: pads the header and cells of
// these decimal columns so that they line up on the right like numbers.
void align_decimals(Table* t, std::span<const size_t> columns);

// --- Channel mix -----------------------------------------------------------

struct MixRow {
  std::string period;   // label, see period_label
  std::string service;  // or "(all)"
  Channel channel;
  int64_t inbound = 0, outbound = 0;
  int64_t contacts() const { return inbound + outbound; }
  Ratio share;          // contacts ÷ contacts of the period and service
  Ratio inbound_share;  // inbound ÷ inbound contacts of the period and service
};

// Every contact (both directions) counted in the period its start falls in,
// in `zone`. Rows by period, then service (bytes, "(all)" last),
// then channel name (bytes); only rows with contacts.
std::vector<MixRow> compute_mix(const Dataset& ds, Period period, Zone* zone);
Table mix_table(const std::vector<MixRow>& rows, Format f);

// --- Handle and wait times -------------------------------------------------

// The median of sorted values: the middle one, or the mean of the two middle
// ones for an even count. Undefined for no value. In seconds.
Ratio median_seconds(std::span<const Micros> sorted);
// The nearest-rank percentile: the value of rank ceil(p × n ÷ 100) (from 1)
// among n sorted values. In seconds.
Ratio percentile_seconds(std::span<const Micros> sorted, int p);

struct HandleRow {
  std::string service;  // or "(all)"
  std::string channel;  // or "(all)"
  int64_t contacts = 0;  // both directions
  int64_t timed = 0;     // with a handle time
  Ratio mean, median, p90;  // handle time, seconds
  int64_t answered = 0;     // with an answered time
  Ratio mean_wait;          // seconds
};
struct HandleReport {
  std::vector<HandleRow> rows;
  int64_t end_before_answered = 0;  // contacts left untimed: their end precedes their answer
};

// Handle time = end − (answered, else start), for every contact with an end;
// wait = answered − start. Rows by service (bytes, "(all)" last), then
// channel (bytes, "(all)" last); only services and channels with contacts.
// The contacts must have been read with Dataset::keep_answered.
HandleReport compute_handle(const Dataset& ds);
Table handle_table(const HandleReport& r, Format f);

// --- Paths -----------------------------------------------------------------

struct PathRow {
  std::string service;  // or "(all)"
  std::string path;     // web>phone
  int64_t episodes = 0;
  Ratio share;          // episodes ÷ cohort episodes of the service
};

// The `top` most frequent paths (0: all) of the episodes of the FCR cohort,
// per service and overall: most episodes first, ties by path bytes.
std::vector<PathRow> compute_paths(const Dataset& ds, const Params& p, int64_t top);
Table paths_table(const std::vector<PathRow>& rows, Format f);

// --- Segments --------------------------------------------------------------

enum class Segment : uint8_t {
  phone_only, web_only, mail_only, counter_only, email_only, chat_only, other_single,
  self_service_only, assisted_only, mixed,
};
inline constexpr int kSegmentCount = 10;
std::string_view segment_name(Segment s);
// The segment of a non-empty set of channels (bit 1 << channel).
Segment segment_of(uint32_t channels);

struct SegmentRow {
  std::string segment;  // or "(all)"
  int64_t customers = 0, contacts = 0, episodes = 0, cohort = 0, resolved = 0;
  Ratio contacts_per_customer() const { return {contacts, customers}; }
  Ratio fcr_rate() const { return {resolved, cohort}; }
};

// Customers by the channels of their identified inbound contacts: one row
// per segment, in the order of Segment, zeros included, then "(all)".
std::vector<SegmentRow> compute_segments(const Dataset& ds, const Params& p);
Table segments_table(const std::vector<SegmentRow>& rows, Format f);

}  // namespace parcours
