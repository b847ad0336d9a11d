#include "core/time.h"

#include <bit>
#include <charconv>
#include <cstring>
#include <vector>

#include <fmt/format.h>

namespace parcours {

int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  // Howard Hinnant's algorithm: exact for every proleptic Gregorian date.
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

namespace {

// The day number of the first of every month from 1970-01 to 2100-01, made
// once: nearly every date read falls there, and is then found with its
// month's length without days_from_civil's arithmetic (3 dates a record).
constexpr unsigned kMonthTableFirstYear = 1970, kMonthTableYears = 130;

// Days from 1970-01-01 to y-m-d (m from 1 to 12) into *days, from the
// table; false when y is outside it or d is not a day of that month.
[[gnu::always_inline]] inline bool table_days(unsigned y, unsigned m, unsigned d, int64_t* days) {
  static const std::vector<int32_t> month_starts = [] {
    std::vector<int32_t> t;
    for (unsigned year = kMonthTableFirstYear; year < kMonthTableFirstYear + kMonthTableYears; ++year)
      for (unsigned month = 1; month <= 12; ++month) t.push_back(static_cast<int32_t>(days_from_civil(year, month, 1)));
    t.push_back(static_cast<int32_t>(days_from_civil(kMonthTableFirstYear + kMonthTableYears, 1, 1)));
    return t;
  }();
  if (y - kMonthTableFirstYear >= kMonthTableYears) return false;
  const int32_t* first = month_starts.data() + (y - kMonthTableFirstYear) * 12 + (m - 1);
  if (d < 1 || d > static_cast<unsigned>(first[1] - first[0])) return false;
  *days = first[0] + static_cast<int64_t>(d) - 1;
  return true;
}

// Parses the date part `YYYY-MM-DD` at the start of s.
bool parse_date(std::string_view s, int64_t* days, std::string* err) {
  unsigned y, m, d;
  if (!read_digits(s, 0, 4, &y) || s.size() < 10 || s[4] != '-' || !read_digits(s, 5, 2, &m) ||
      s[7] != '-' || !read_digits(s, 8, 2, &d)) {
    *err = "expected a date YYYY-MM-DD";
    return false;
  }
  if (m < 1 || m > 12) {
    *err = fmt::format("month {:02} does not exist", m);
    return false;
  }
  if (table_days(y, m, d, days)) return true;
  if (d < 1 || d > days_in_month(y, m)) {
    *err = fmt::format("day {:02} does not exist in {:04}-{:02}", d, y, m);
    return false;
  }
  *days = days_from_civil(y, m, d);
  return true;
}

// The bytes of `text` as a little-endian integer, as a load of them reads.
template <size_t N>
constexpr uint64_t bytes_of(const char (&text)[N]) {
  uint64_t v = 0;
  for (size_t i = N - 1; i-- > 0;) v = v << 8 | static_cast<unsigned char>(text[i]);
  return v;
}

// Whether every byte of x is 9 or less (no byte of x + 0x76 reaches 0x80,
// and none can carry into the next while every byte is under 0x80).
constexpr bool all_digits(uint64_t x) { return (((x + 0x7676767676767676ull) | x) & 0x8080808080808080ull) == 0; }

// Each byte i of x (values 0 to 9) times 10 plus byte i + 1: the two-digit
// numbers that begin at every byte (none over 99, so none carries).
constexpr uint64_t pairs(uint64_t x) { return x * 10 + (x >> 8); }

// The form nearly every record's times have, 2026-03-01T09:00:00Z, from
// 1970 to 2099, read in one go into *out; false for anything else (other
// forms, and every error), which parse_time then reads in full. Its 20
// bytes are read as three integers (8, 8 and 4 bytes), each XORed with the
// form ('0' where a digit goes, the separators): a digit becomes its
// value, a separator 0, anything else a byte over 9. Then every two-digit
// number at once (pairs), where each of the 14 digits and 6 separators was
// read on its own: parse_time's instructions for stats on 100k records
// (about 3 times a record) went from 34.6M to 27.1M.
bool parse_usual_time(std::string_view s, Micros* out) {
  static_assert(std::endian::native == std::endian::little, "the loads below read the first byte lowest");
  if (s.size() != 20) return false;
  const char* p = s.data();
  uint64_t date, time;
  uint32_t secs;
  std::memcpy(&date, p, 8);      // YYYY-MM-
  std::memcpy(&time, p + 8, 8);  // DDTHH:MM
  std::memcpy(&secs, p + 16, 4);  // :SSZ
  date ^= bytes_of("0000-00-");
  time ^= bytes_of("00T00:00");
  const uint64_t seconds = secs ^ bytes_of(":00Z");
  // The separators (bytes 4 and 7; 2 and 5; 0 and 3) must be 0 exactly.
  if (!all_digits(date) || !all_digits(time) || !all_digits(seconds) || (date & 0xff0000ff00000000ull) != 0 ||
      (time & 0x0000ff0000ff0000ull) != 0 || (seconds & 0xff0000ffull) != 0)
    return false;
  const uint64_t d2 = pairs(date), t2 = pairs(time), s2 = pairs(seconds);
  const auto at = [](uint64_t v, int byte) { return static_cast<unsigned>(v >> (8 * byte) & 0xff); };
  const unsigned century = at(d2, 0), year = at(d2, 2), m = at(d2, 5), d = at(t2, 0), hh = at(t2, 3),
                 mm = at(t2, 6), ss = at(s2, 1);
  int64_t days;
  if (m < 1 || m > 12 || hh > 23 || mm > 59 || ss > 60 || !table_days(century * 100 + year, m, d, &days)) return false;
  *out = (days * 86400 + hh * 3600 + mm * 60 + ss) * kMicrosPerSecond;
  return true;
}

}  // namespace

bool parse_time(std::string_view s, Micros* out, std::string* err) {
  if (parse_usual_time(s, out)) return true;
  constexpr std::string_view kForm = "; expected RFC 3339 like 2026-03-01T09:00:00Z or 2026-03-01T09:00:00-05:00";
  int64_t days;
  if (!parse_date(s, &days, err)) {
    *err += kForm;
    return false;
  }
  unsigned hh, mm, ss;
  if (s.size() < 19 || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || !read_digits(s, 11, 2, &hh) ||
      s[13] != ':' || !read_digits(s, 14, 2, &mm) || s[16] != ':' || !read_digits(s, 17, 2, &ss)) {
    *err = fmt::format("expected a time of day HH:MM:SS after the date{}", kForm);
    return false;
  }
  if (hh > 23 || mm > 59 || ss > 60) {
    *err = fmt::format("time of day {:02}:{:02}:{:02} is out of range", hh, mm, ss);
    return false;
  }
  size_t pos = 19;
  Micros frac = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    size_t n = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (n < 6) frac = frac * 10 + (s[pos] - '0');
      ++n;
      ++pos;
    }
    if (n == 0) {
      *err = "a decimal point must be followed by digits";
      return false;
    }
    for (; n < 6; ++n) frac *= 10;
  }
  int64_t offset_minutes = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    unsigned oh, om;
    if (!read_digits(s, pos + 1, 2, &oh) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
        !read_digits(s, pos + 4, 2, &om)) {
      *err = "the UTC offset must be written ±HH:MM";
      return false;
    }
    if (oh > 23 || om > 59) {
      *err = fmt::format("UTC offset {}{:02}:{:02} is out of range", s[pos], oh, om);
      return false;
    }
    offset_minutes = (s[pos] == '-' ? -1 : 1) * static_cast<int64_t>(oh * 60 + om);
    pos += 6;
  } else if (pos == s.size()) {
    *err = "time has no UTC offset; add Z or ±HH:MM (for local times, ingest converts with --tz)";
    return false;
  }
  if (pos != s.size()) {
    *err = fmt::format("unexpected text '{}' after the time", s.substr(pos));
    return false;
  }
  const int64_t secs = days * 86400 + hh * 3600 + mm * 60 + ss - offset_minutes * 60;
  *out = secs * kMicrosPerSecond + frac;
  return true;
}

namespace {

// "YYYY-MM-DD" of every day from 1970-01-01 to 2099-12-31, made once:
// with civil_from_days's divisions, writing 12M times (journeys at 10M
// records) took 0.29 s, with the table 0.12 s; the days a run writes are
// few and recur (365 of them take 4 KB).
constexpr int64_t kDateTableDays = 47482;  // days_from_civil(2100, 1, 1)

// v, from 0 to 99, as two digits at `at`.
void put_two(char* at, int64_t v) {
  at[0] = static_cast<char>('0' + v / 10);
  at[1] = static_cast<char>('0' + v % 10);
}

const char* date_text(int64_t days) {
  static const std::vector<char> table = [] {
    std::vector<char> t(kDateTableDays * 10);
    for (int64_t d = 0; d < kDateTableDays; ++d) {
      const CivilDate c = civil_from_days(d);
      char* b = t.data() + d * 10;
      put_two(b, c.y / 100);
      put_two(b + 2, c.y % 100);
      b[4] = '-';
      put_two(b + 5, c.m);
      b[7] = '-';
      put_two(b + 8, c.d);
    }
    return t;
  }();
  return table.data() + days * 10;
}

}  // namespace

size_t write_time(char* out, Micros t) {
  int64_t secs = t / kMicrosPerSecond;
  int64_t frac = t % kMicrosPerSecond;
  if (frac < 0) {
    frac += kMicrosPerSecond;
    --secs;
  }
  int64_t days = secs / 86400;
  int64_t sod = secs % 86400;
  if (sod < 0) {
    sod += 86400;
    --days;
  }
  char* p = out;
  if (days >= 0 && days < kDateTableDays) {
    // Digits by hand: journeys and link write millions of these.
    std::memcpy(p, date_text(days), 10);
    p[10] = 'T';
    put_two(p + 11, sod / 3600);
    p[13] = ':';
    put_two(p + 14, sod / 60 % 60);
    p[16] = ':';
    put_two(p + 17, sod % 60);
    p += 19;
  } else {
    const CivilDate c = civil_from_days(days);
    p = fmt::format_to(p, "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", c.y, c.m, c.d, sod / 3600, sod / 60 % 60, sod % 60);
  }
  if (frac != 0) {
    int width = 6;
    while (frac % 10 == 0) {
      frac /= 10;
      --width;
    }
    p = fmt::format_to(p, ".{:0{}}", frac, width);
  }
  *p++ = 'Z';
  return static_cast<size_t>(p - out);
}

void append_time(std::string& out, Micros t) {
  char buf[kTimeTextMax];
  out.append(buf, write_time(buf, t));
}

std::string format_time(Micros t) {
  std::string s;
  append_time(s, t);
  return s;
}

bool parse_window(std::string_view s, Micros* out, std::string* err) {
  int64_t n = 0;
  const char* first = s.data();
  const char* last = s.data() + s.size();
  auto [p, ec] = std::from_chars(first, last, n);
  const bool unit_ok = ec == std::errc() && p + 1 == last && (*p == 'd' || *p == 'h');
  if (ec == std::errc() && p == last && n > 0) {
    *err = fmt::format("window '{}' has no unit; write {}d for days or {}h for hours", s, n, n);
    return false;
  }
  if (ec == std::errc::result_out_of_range && p + 1 == last && (*p == 'd' || *p == 'h') && s[0] != '-') {
    *err = fmt::format("window '{}' is longer than 100 years (36500d)", s);
    return false;
  }
  if (!unit_ok) {
    *err = fmt::format("'{}' is not a window; write a whole number of days or hours, like 7d or 36h", s);
    return false;
  }
  if (n <= 0) {
    *err = fmt::format("window '{}' must be positive, like 7d or 36h", s);
    return false;
  }
  const int64_t max = *p == 'd' ? 36500 : 36500 * 24;
  if (n > max) {
    *err = fmt::format("window '{}' is longer than 100 years (36500d)", s);
    return false;
  }
  *out = n * (*p == 'd' ? kMicrosPerDay : kMicrosPerHour);
  return true;
}

std::string format_window(Micros w) {
  if (w % kMicrosPerDay == 0) return fmt::format("{}d", w / kMicrosPerDay);
  return fmt::format("{}h", w / kMicrosPerHour);
}

bool parse_as_of(std::string_view s, Micros* out, std::string* err) {
  if (s.size() == 10) {
    int64_t days;
    if (!parse_date(s, &days, err)) return false;
    *out = days * kMicrosPerDay;
    return true;
  }
  return parse_time(s, out, err);
}

CivilDate civil_from_days(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<int64_t>(yoe) + era * 400 + (m <= 2), m, d};
}

static bool is_leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned days_in_month(int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

// Reads exactly n ASCII digits at s[pos].
bool read_digits(std::string_view s, size_t pos, size_t n, unsigned* out) {
  if (pos + n > s.size()) return false;
  unsigned v = 0;
  for (size_t i = 0; i < n; ++i) {
    const char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<unsigned>(c - '0');
  }
  *out = v;
  return true;
}

}  // namespace parcours
