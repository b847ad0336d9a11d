#include "core/calendar.h"

#include <fmt/format.h>

namespace parcours {

bool parse_period(std::string_view s, Period* out) {
  if (s == "day") *out = Period::day;
  else if (s == "week") *out = Period::week;
  else if (s == "month") *out = Period::month;
  else if (s == "quarter") *out = Period::quarter;
  else return false;
  return true;
}

std::string_view period_name(Period p) {
  switch (p) {
    case Period::day: return "day";
    case Period::week: return "week";
    case Period::month: return "month";
    case Period::quarter: return "quarter";
  }
  return "day";
}

namespace {

// Monday of the week holding `days`; 1970-01-01 was a Thursday.
int64_t monday_of(int64_t days) { return days - (days + 3 - floor_div(days + 3, 7) * 7); }

}  // namespace

int64_t period_start(int64_t days, Period p) {
  const CivilDate d = civil_from_days(days);
  switch (p) {
    case Period::day: return days;
    case Period::week: return monday_of(days);
    case Period::month: return days_from_civil(d.y, d.m, 1);
    case Period::quarter: return days_from_civil(d.y, (d.m - 1) / 3 * 3 + 1, 1);
  }
  return days;
}

std::string period_label(int64_t days, Period p) {
  const CivilDate d = civil_from_days(days);
  switch (p) {
    case Period::day: return fmt::format("{:04}-{:02}-{:02}", d.y, d.m, d.d);
    case Period::week: {
      // The ISO year is the year of the week's Thursday; week 1 holds its
      // first Thursday.
      const int64_t thursday = monday_of(days) + 3;
      const int64_t year = civil_from_days(thursday).y;
      const int64_t week = (thursday - days_from_civil(year, 1, 1)) / 7 + 1;
      return fmt::format("{:04}-W{:02}", year, week);
    }
    case Period::month: return fmt::format("{:04}-{:02}", d.y, d.m);
    case Period::quarter: return fmt::format("{:04}-Q{}", d.y, (d.m - 1) / 3 + 1);
  }
  return {};
}

}  // namespace parcours
