// Times: parsing RFC 3339, printing UTC, windows and as-of values.
//
// Inside parcours a time is a count of microseconds since 1970-01-01T00:00:00Z
// in an int64_t: exact to the microsecond, ordered by plain integer compare,
// and wide enough (±292,000 years) that no window arithmetic can overflow.
// Time zones exist only at the edges; nothing here knows about them except
// the explicit offset carried by an RFC 3339 string.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace parcours {

using Micros = int64_t;
inline constexpr Micros kNoTime = INT64_MIN;
inline constexpr Micros kMicrosPerSecond = 1'000'000;
inline constexpr Micros kMicrosPerHour = 3600 * kMicrosPerSecond;
inline constexpr Micros kMicrosPerDay = 24 * kMicrosPerHour;

// a / b rounded down (toward minus infinity), for b != 0: the day or second
// an instant before 1970 falls in.
inline constexpr int64_t floor_div(int64_t a, int64_t b) { return a / b - (a % b != 0 && (a < 0) != (b < 0)); }

// Days since 1970-01-01 of a proleptic Gregorian date (no validation).
int64_t days_from_civil(int64_t y, unsigned m, unsigned d);

// The date of a day since 1970-01-01 (the inverse of days_from_civil).
struct CivilDate {
  int64_t y;
  unsigned m, d;
};
CivilDate civil_from_days(int64_t days);
unsigned days_in_month(int64_t y, unsigned m);

// Reads exactly n ASCII digits at s[pos] into *out; false if they are not.
bool read_digits(std::string_view s, size_t pos, size_t n, unsigned* out);

// Parses `YYYY-MM-DD(T|t| )HH:MM:SS[.fraction](Z|z|±HH:MM)`. The offset is
// mandatory: a local wall-clock time is ambiguous, and converting it needs a
// zone that only `ingest --tz` knows. Fraction digits past the sixth are
// truncated. Second 60 (a leap second) is read as the next minute's second 0.
// On failure returns false and sets *err to what is wrong, in words a user
// can act on.
bool parse_time(std::string_view s, Micros* out, std::string* err);

// `YYYY-MM-DDTHH:MM:SSZ`, with `.f` (up to 6 digits, trailing zeros dropped)
// only when the time is not a whole second.
void append_time(std::string& out, Micros t);
// The most bytes append_time writes (a year of 6 digits and a sign, a
// fraction), with room to spare.
constexpr size_t kTimeTextMax = 48;
// append_time's text written at `out`, which has room for kTimeTextMax
// bytes; returns its length.
size_t write_time(char* out, Micros t);
std::string format_time(Micros t);

// A repeat window: a positive whole number followed by `d` or `h`, at most
// 36500d. Returns false with *err set otherwise.
bool parse_window(std::string_view s, Micros* out, std::string* err);
// The canonical spelling of a window: `7d`, `36h`.
std::string format_window(Micros w);

// An as-of time: RFC 3339 as above, or a bare date `YYYY-MM-DD` meaning
// 00:00:00Z on that day.
bool parse_as_of(std::string_view s, Micros* out, std::string* err);

}  // namespace parcours
