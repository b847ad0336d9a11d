// Calendar periods of instants, in a time zone: the day, ISO week, month or
// quarter a contact falls in, as people there would date it (`parcours mix`).
//
// tz.h goes from a wall clock to the instant; this goes the other way, from
// the instant (UTC) to the local calendar day, then to the period's label.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/time.h"

namespace parcours {

enum class Period : uint8_t { day, week, month, quarter };
bool parse_period(std::string_view s, Period* out);
std::string_view period_name(Period p);

// A proleptic Gregorian date.
struct Date {
  int64_t year;
  unsigned month, day;
};
Date date_from_days(int64_t days);  // days since 1970-01-01

// The first day (days since 1970-01-01) of the period holding `days`, and its
// label: `2026-03-01`, `2026-W09` (ISO 8601 week, Monday to Sunday, numbered
// in the year its Thursday falls in), `2026-03`, `2026-Q1`. Labels of one
// kind sort in time order as bytes (for years 0 to 9999).
int64_t period_start(int64_t days, Period p);
std::string period_label(int64_t days, Period p);

// Local calendar days of instants in one IANA zone.
class LocalCalendar {
 public:
  LocalCalendar();
  ~LocalCalendar();
  LocalCalendar(LocalCalendar&&) noexcept;
  LocalCalendar& operator=(LocalCalendar&&) noexcept;

  // "UTC" needs no time-zone database. Returns false with *err set for a
  // name the database does not know.
  bool load(std::string_view name, std::string* err);
  const std::string& name() const { return name_; }

  // The offset from UTC in force at `utc` (local = utc + offset), and the
  // local day it falls on. Instants between two offset changes reuse the
  // last answer: sorted or clustered inputs cost one lookup per change.
  Micros offset(Micros utc);
  int64_t local_day(Micros utc);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;  // null for UTC
  std::string name_ = "UTC";
  Micros lo_ = INT64_MIN, hi_ = INT64_MAX, off_ = 0;  // [lo_, hi_) has offset off_
};

}  // namespace parcours
