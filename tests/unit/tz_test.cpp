#include <boost/test/unit_test.hpp>

#include "core/tz.h"

using namespace parcours;

namespace {
Micros local(std::string_view s) {
  Micros out = 0;
  std::string err;
  BOOST_REQUIRE_MESSAGE(parse_local_time(s, &out, &err), std::string(s) + ": " + err);
  return out;
}
Micros utc(std::string_view s) {
  Micros out = 0;
  std::string err;
  BOOST_REQUIRE_MESSAGE(parse_time(s, &out, &err), std::string(s) + ": " + err);
  return out;
}
Zone zone(std::string_view name) {
  Zone z;
  std::string err;
  BOOST_REQUIRE_MESSAGE(z.load(name, &err), err);
  return z;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(tz)

BOOST_AUTO_TEST_CASE(local_time_parsing) {
  CivilTime t;
  std::string err;
  BOOST_TEST(parse_local_time("2024-01-27 15:07:24", &t, &err));
  BOOST_TEST((t.year == 2024 && t.month == 1 && t.day == 27 && t.hour == 15 && t.minute == 7 && t.second == 24));
  BOOST_TEST(local("2024-01-27T15:07:24") == local("2024-01-27 15:07:24"));
  BOOST_TEST(local("1970-01-01 00:00:01.5") == 1'500'000);
  BOOST_TEST(local("1970-01-01 00:00:00.1234567") == 123'456);
  BOOST_TEST(!parse_local_time("2024-01-27 15:07", &t, &err));
  BOOST_TEST(err.find("YYYY-MM-DD HH:MM:SS") != std::string::npos);
  BOOST_TEST(!parse_local_time("2024-02-30 10:00:00", &t, &err));
  BOOST_TEST(!parse_local_time("2024-01-27 24:00:00", &t, &err));
  BOOST_TEST(!parse_local_time("2024-01-27 15:07:24Z", &t, &err));
  BOOST_TEST(!parse_local_time("2024-01-27 15:07:24.", &t, &err));
  BOOST_TEST(!parse_local_time("", &t, &err));
}

BOOST_AUTO_TEST_CASE(utc_needs_no_database) {
  Zone z = zone("UTC");
  LocalKind kind;
  BOOST_TEST(z.to_utc(local("2026-03-08 02:30:00"), &kind) == utc("2026-03-08T02:30:00Z"));
  BOOST_TEST((kind == LocalKind::unique));
  BOOST_TEST(z.lookups() == 0);
}

BOOST_AUTO_TEST_CASE(standard_and_daylight_time) {
  Zone z = zone("America/Toronto");
  BOOST_TEST(z.to_utc(local("2026-01-15 09:00:00")) == utc("2026-01-15T14:00:00Z"));
  BOOST_TEST(z.to_utc(local("2026-07-15 09:00:00")) == utc("2026-07-15T13:00:00Z"));
  BOOST_TEST(z.to_utc(local("2026-07-15 09:00:00.25")) == utc("2026-07-15T13:00:00.25Z"));
  Zone paris = zone("Europe/Paris");
  BOOST_TEST(paris.to_utc(local("2026-07-15 09:00:00")) == utc("2026-07-15T07:00:00Z"));
}

BOOST_AUTO_TEST_CASE(gap_reads_with_the_offset_before_the_change) {
  Zone z = zone("America/Toronto");
  LocalKind kind;
  Micros later;
  BOOST_TEST(z.to_utc(local("2026-03-08 02:30:00"), &kind, &later) == utc("2026-03-08T07:30:00Z"));
  BOOST_TEST((kind == LocalKind::gap));
  BOOST_TEST(later == utc("2026-03-08T06:30:00Z"));  // with the offset after the change
  BOOST_TEST(z.to_utc(local("2026-03-08 01:59:59"), &kind, &later) == utc("2026-03-08T06:59:59Z"));
  BOOST_TEST(later == utc("2026-03-08T06:59:59Z"));
  BOOST_TEST((kind == LocalKind::unique));
  BOOST_TEST(z.to_utc(local("2026-03-08 03:00:00"), &kind) == utc("2026-03-08T07:00:00Z"));
  BOOST_TEST((kind == LocalKind::unique));
  // Southern hemisphere, the other direction of the year.
  Zone sydney = zone("Australia/Sydney");
  BOOST_TEST(sydney.to_utc(local("2026-10-04 02:30:00"), &kind, &later) == utc("2026-10-03T16:30:00Z"));
  BOOST_TEST((kind == LocalKind::gap));
  BOOST_TEST(later == utc("2026-10-03T15:30:00Z"));
}

BOOST_AUTO_TEST_CASE(ambiguous_takes_the_first_occurrence) {
  Zone z = zone("America/Toronto");
  LocalKind kind;
  Micros later = 0;
  BOOST_TEST(z.to_utc(local("2026-11-01 01:30:00"), &kind, &later) == utc("2026-11-01T05:30:00Z"));
  BOOST_TEST((kind == LocalKind::ambiguous));
  BOOST_TEST(later == utc("2026-11-01T06:30:00Z"));
  BOOST_TEST(z.to_utc(local("2026-11-01 00:59:59"), &kind) == utc("2026-11-01T04:59:59Z"));
  BOOST_TEST((kind == LocalKind::unique));
  BOOST_TEST(z.to_utc(local("2026-11-01 02:00:00"), &kind) == utc("2026-11-01T07:00:00Z"));
  BOOST_TEST((kind == LocalKind::unique));
  Zone sydney = zone("Australia/Sydney");
  BOOST_TEST(sydney.to_utc(local("2026-04-05 02:30:00"), &kind) == utc("2026-04-04T15:30:00Z"));
  BOOST_TEST((kind == LocalKind::ambiguous));
}

BOOST_AUTO_TEST_CASE(cache_holds_within_a_period_and_not_across) {
  Zone z = zone("America/Toronto");
  LocalKind kind;
  // A minute-by-minute walk over a whole spring night, crossing the gap: the
  // cached answers must equal what a fresh zone gives for each time alone.
  const Micros from = local("2026-03-07 12:00:00"), to = local("2026-03-09 12:00:00");
  for (Micros t = from; t < to; t += 60 * kMicrosPerSecond) {
    Zone fresh = zone("America/Toronto");
    LocalKind fresh_kind;
    const Micros want = fresh.to_utc(t, &fresh_kind);
    BOOST_REQUIRE(z.to_utc(t, &kind) == want);
    BOOST_REQUIRE((kind == fresh_kind));
  }
  BOOST_TEST(z.lookups() < 70);  // the 60 gap minutes, and one per period
  // The same over the autumn night, both ways through the repeated hour.
  const Micros fall = local("2026-11-01 00:00:00");
  for (Micros t = fall + 3 * kMicrosPerHour; t >= fall; t -= 60 * kMicrosPerSecond) {
    Zone fresh = zone("America/Toronto");
    LocalKind fresh_kind;
    const Micros want = fresh.to_utc(t, &fresh_kind);
    BOOST_REQUIRE(z.to_utc(t, &kind) == want);
    BOOST_REQUIRE((kind == fresh_kind));
  }
  // Years ahead and behind, the rules still hold (the system database lists
  // transitions up to 2037).
  BOOST_TEST(z.to_utc(local("2037-07-01 12:00:00")) == utc("2037-07-01T16:00:00Z"));
  BOOST_TEST(z.to_utc(local("1999-01-01 12:00:00")) == utc("1999-01-01T17:00:00Z"));
}

BOOST_AUTO_TEST_CASE(unknown_zone_says_what_to_use) {
  Zone z;
  std::string err;
  BOOST_TEST(!z.load("America/Atlantis", &err));
  BOOST_TEST(err.find("unknown time zone 'America/Atlantis'") != std::string::npos);
  BOOST_TEST(err.find("America/Toronto") != std::string::npos);
  BOOST_TEST(!z.load("", &err));
}

BOOST_AUTO_TEST_SUITE_END()
