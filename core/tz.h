// Time zones both ways: local wall-clock times to UTC (phone switches and
// many registries write times without an offset, in the zone the server ran
// in: `ingest --tz`), and instants to the local calendar day (`mix --tz`).
//
// A local time is held like a UTC one, as microseconds since
// 1970-01-01T00:00:00, but of the wall clock: it names a reading of the
// clock, not an instant. Zone turns it into the instant (Micros, UTC).
//
// Daylight-saving rules, the same for every reader:
//  - a time in a gap (spring forward: 02:30 on a night that jumps from 02:00
//    to 03:00) never existed; it is read with the offset in force before the
//    change (02:30 EST = 07:30Z in Toronto), as a clock nobody moved forward
//    would have shown it, and reported as LocalKind::gap; the reading with
//    the offset after the change (02:30 EDT = 06:30Z, as a clock moved
//    forward early would have shown it) is offered too, for a reader that
//    can tell from context (an end time that would fall before its start);
//  - an ambiguous time (fall back: 01:30 happens twice) takes the first
//    occurrence, the earlier instant, and is reported as LocalKind::ambiguous;
//    the later one is offered too, for a reader that can tell from context
//    (an end time that would fall before its start).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/time.h"

namespace parcours {

// A wall-clock reading, field by field.
struct CivilTime {
  int64_t year = 1970;
  unsigned month = 1, day = 1, hour = 0, minute = 0, second = 0;
  int64_t micros = 0;  // fraction of the second, 0..999999
};

// Microseconds since 1970-01-01T00:00:00 of the same wall clock (no checks).
Micros local_micros(const CivilTime& t);

// Parses `YYYY-MM-DD HH:MM:SS[.fraction]` (or `T` between date and time),
// with nothing before or after: the form phone switches write. Fraction
// digits past the sixth are truncated. Returns false with *err saying what
// is wrong otherwise; a time with an offset is refused, since it is not local.
bool parse_local_time(std::string_view s, CivilTime* out, std::string* err);
bool parse_local_time(std::string_view s, Micros* local, std::string* err);

enum class LocalKind : uint8_t { unique, gap, ambiguous };

class Zone {
 public:
  Zone();
  ~Zone();
  Zone(Zone&&) noexcept;
  Zone& operator=(Zone&&) noexcept;

  // Loads an IANA zone ("America/Toronto"; "UTC" needs no time-zone
  // database). Returns false with *err set for a name the database does not
  // know.
  bool load(std::string_view name, std::string* err);
  const std::string& name() const { return name_; }

  // The instant a local reading names, by the rules above. *kind (if given)
  // says which case applied; *later (if given) is the second occurrence of an
  // ambiguous time, the reading with the offset after the change of a time
  // in a gap, else the result itself.
  //
  // Consecutive times of one period (between two offset changes) reuse the
  // last answer's range without asking the database: a CDR file's millions
  // of lines cost a lookup at each change, not at each line.
  Micros to_utc(Micros local, LocalKind* kind = nullptr, Micros* later = nullptr);
  Micros to_utc(const CivilTime& t, LocalKind* kind = nullptr, Micros* later = nullptr) {
    return to_utc(local_micros(t), kind, later);
  }

  // The offset from UTC in force at the instant `utc` (local = utc +
  // offset), and the local calendar day it falls on (days since 1970-01-01).
  // Instants between two offset changes reuse the last answer, as to_utc
  // does: sorted or clustered inputs cost one lookup per change.
  Micros offset(Micros utc);
  int64_t local_day(Micros utc);

  // Database lookups done so far (the caches' misses), for tests.
  int64_t lookups() const { return lookups_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;  // null for UTC
  std::string name_ = "UTC";
  // Local times in [lo_, hi_) are unique and have offset off_ (µs).
  Micros lo_ = INT64_MIN, hi_ = INT64_MAX, off_ = 0;
  // Instants in [utc_lo_, utc_hi_) have offset utc_off_ (µs).
  Micros utc_lo_ = INT64_MIN, utc_hi_ = INT64_MAX, utc_off_ = 0;
  int64_t lookups_ = 0;
};

}  // namespace parcours
