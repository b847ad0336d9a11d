#include "core/tz.h"

#include <algorithm>
#include <chrono>
#include <exception>

#include <date/tz.h>
#include <fmt/format.h>

namespace parcours {

Micros local_micros(const CivilTime& t) {
  const int64_t secs = days_from_civil(t.year, t.month, t.day) * 86400 + int64_t{t.hour} * 3600 +
                       int64_t{t.minute} * 60 + t.second;
  return secs * kMicrosPerSecond + t.micros;
}


bool parse_local_time(std::string_view s, CivilTime* out, std::string* err) {
  unsigned y, mo, d, h, mi, sec;
  if (s.size() < 19 || !read_digits(s, 0, 4, &y) || s[4] != '-' || !read_digits(s, 5, 2, &mo) || s[7] != '-' ||
      !read_digits(s, 8, 2, &d) || (s[10] != ' ' && s[10] != 'T') || !read_digits(s, 11, 2, &h) || s[13] != ':' ||
      !read_digits(s, 14, 2, &mi) || s[16] != ':' || !read_digits(s, 17, 2, &sec)) {
    *err = fmt::format("'{}' is not a local time YYYY-MM-DD HH:MM:SS", s);
    return false;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || sec > 59) {
    *err = fmt::format("'{}' is not a date and time that exists", s);
    return false;
  }
  int64_t frac = 0;
  size_t pos = 19;
  if (pos < s.size() && s[pos] == '.') {
    size_t n = 0;
    for (++pos; pos < s.size() && s[pos] >= '0' && s[pos] <= '9'; ++pos, ++n)
      if (n < 6) frac = frac * 10 + (s[pos] - '0');
    if (n == 0) {
      *err = fmt::format("'{}': a decimal point must be followed by digits", s);
      return false;
    }
    for (; n < 6; ++n) frac *= 10;
  }
  if (pos != s.size()) {
    *err = fmt::format("'{}' has text after the time; expected YYYY-MM-DD HH:MM:SS", s);
    return false;
  }
  *out = CivilTime{y, mo, d, h, mi, sec, frac};
  return true;
}

bool parse_local_time(std::string_view s, Micros* local, std::string* err) {
  CivilTime t;
  if (!parse_local_time(s, &t, err)) return false;
  *local = local_micros(t);
  return true;
}

namespace {

// The zone named `name`, or nullptr with *err saying how to name one.
const date::time_zone* locate_iana_zone(std::string_view name, std::string* err) {
  const std::string message = fmt::format(
      "unknown time zone '{}'; use an IANA name such as America/Toronto (the names are listed under "
      "/usr/share/zoneinfo)",
      name);
  // An empty name would make some database versions return the local zone.
  if (name.empty()) {
    *err = message;
    return nullptr;
  }
  try {
    if (const date::time_zone* tz = date::locate_zone(name)) return tz;
  } catch (const std::exception&) {
  }
  *err = message;
  return nullptr;
}

}  // namespace

struct Zone::Impl {
  const date::time_zone* tz = nullptr;
};

Zone::Zone() = default;
Zone::~Zone() = default;
Zone::Zone(Zone&&) noexcept = default;
Zone& Zone::operator=(Zone&&) noexcept = default;

bool Zone::load(std::string_view name, std::string* err) {
  impl_.reset();
  lo_ = utc_lo_ = INT64_MIN, hi_ = utc_hi_ = INT64_MAX, off_ = utc_off_ = 0;
  name_ = std::string(name);
  if (name == "UTC") return true;
  auto impl = std::make_unique<Impl>();
  impl->tz = locate_iana_zone(name, err);
  if (impl->tz == nullptr) return false;
  impl_ = std::move(impl);
  lo_ = hi_ = utc_lo_ = utc_hi_ = 0;  // empty caches
  return true;
}

namespace {

using std::chrono::seconds;

// Bounds of the database's first and last periods are ±32767 years away:
// far enough to stand for "no bound", and never asked about.
constexpr int64_t kFar = int64_t{10000} * 366 * 86400;

Micros to_micros(int64_t secs) {
  if (secs <= -kFar) return INT64_MIN;
  if (secs >= kFar) return INT64_MAX;
  return secs * kMicrosPerSecond;
}

}  // namespace

Micros Zone::to_utc(Micros local, LocalKind* kind, Micros* later) {
  if (local >= lo_ && local < hi_) {
    if (kind != nullptr) *kind = LocalKind::unique;
    if (later != nullptr) *later = local - off_;
    return local - off_;
  }
  ++lookups_;
  const date::time_zone* tz = impl_->tz;
  const int64_t secs = floor_div(local, kMicrosPerSecond);
  const date::local_info info = tz->get_info(date::local_seconds(seconds(secs)));
  const Micros first = local - info.first.offset.count() * kMicrosPerSecond;
  if (info.result == date::local_info::nonexistent) {
    if (kind != nullptr) *kind = LocalKind::gap;
    if (later != nullptr) *later = local - info.second.offset.count() * kMicrosPerSecond;
    return first;
  }
  if (info.result == date::local_info::ambiguous) {
    if (kind != nullptr) *kind = LocalKind::ambiguous;
    if (later != nullptr) *later = local - info.second.offset.count() * kMicrosPerSecond;
    return first;
  }
  // The local times this period maps alone: its span shifted by its offset,
  // less the overlaps with its neighbours (the ambiguous hours).
  const date::sys_info& s = info.first;
  const int64_t off = s.offset.count();
  const int64_t begin = s.begin.time_since_epoch().count(), end = s.end.time_since_epoch().count();
  int64_t lo = begin + off, hi = end + off;
  if (begin > -kFar) {
    const date::sys_info prev = tz->get_info(s.begin - seconds(1));
    lo = begin + std::max(off, int64_t{prev.offset.count()});
  }
  if (end < kFar) {
    const date::sys_info next = tz->get_info(s.end);
    hi = end + std::min(off, int64_t{next.offset.count()});
  }
  lo_ = begin > -kFar ? to_micros(lo) : INT64_MIN;
  hi_ = end < kFar ? to_micros(hi) : INT64_MAX;
  off_ = off * kMicrosPerSecond;
  if (kind != nullptr) *kind = LocalKind::unique;
  if (later != nullptr) *later = first;
  return first;
}

Micros Zone::offset(Micros utc) {
  if (utc >= utc_lo_ && utc < utc_hi_) return utc_off_;
  ++lookups_;
  const date::sys_info info = impl_->tz->get_info(date::sys_seconds(seconds(floor_div(utc, kMicrosPerSecond))));
  utc_lo_ = to_micros(info.begin.time_since_epoch().count());
  utc_hi_ = to_micros(info.end.time_since_epoch().count());
  utc_off_ = int64_t{info.offset.count()} * kMicrosPerSecond;
  return utc_off_;
}

int64_t Zone::local_day(Micros utc) { return floor_div(utc + offset(utc), kMicrosPerDay); }

}  // namespace parcours
