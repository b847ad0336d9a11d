// Calendar periods of instants, in a time zone: the day, ISO week, month or
// quarter a contact falls in, as people there would date it (`parcours mix`).
//
// Zone::local_day (tz.h) gives an instant's local calendar day; this goes
// on from the day to its period and the period's label.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/time.h"

namespace parcours {

enum class Period : uint8_t { day, week, month, quarter };
bool parse_period(std::string_view s, Period* out);
std::string_view period_name(Period p);

// The first day (days since 1970-01-01) of the period holding `days`, and its
// label: `2026-03-01`, `2026-W09` (ISO 8601 week, Monday to Sunday, numbered
// in the year its Thursday falls in), `2026-03`, `2026-Q1`. Labels of one
// kind sort in time order as bytes (for years 0 to 9999).
int64_t period_start(int64_t days, Period p);
std::string period_label(int64_t days, Period p);

}  // namespace parcours
