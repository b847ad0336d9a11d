#include <boost/test/unit_test.hpp>
#include <fmt/format.h>

#include <limits>

#include "core/time.h"

using namespace parcours;

namespace {
Micros t(std::string_view s) {
  Micros out = 0;
  std::string err;
  BOOST_REQUIRE_MESSAGE(parse_time(s, &out, &err), std::string(s) + ": " + err);
  return out;
}
std::string fails(std::string_view s) {
  Micros out = 0;
  std::string err;
  BOOST_CHECK_MESSAGE(!parse_time(s, &out, &err), std::string(s) + " should not parse");
  return err;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(time_parsing)

BOOST_AUTO_TEST_CASE(utc_and_offsets_are_the_same_instant) {
  BOOST_TEST(t("1970-01-01T00:00:00Z") == 0);
  BOOST_TEST(t("2026-03-01T09:00:00Z") == t("2026-03-01T04:00:00-05:00"));
  BOOST_TEST(t("2026-03-01T09:00:00Z") == t("2026-03-01T10:30:00+01:30"));
  BOOST_TEST(t("2026-03-01t09:00:00z") == t("2026-03-01 09:00:00Z"));
  BOOST_TEST(t("2026-03-01T09:00:00Z") == 1772355600LL * kMicrosPerSecond);
}

BOOST_AUTO_TEST_CASE(fractions_kept_to_the_microsecond) {
  BOOST_TEST(t("1970-01-01T00:00:00.5Z") == 500000);
  BOOST_TEST(t("1970-01-01T00:00:00.123456Z") == 123456);
  BOOST_TEST(t("1970-01-01T00:00:00.1234569Z") == 123456);  // truncated, not rounded
  fails("1970-01-01T00:00:00.Z");
}

BOOST_AUTO_TEST_CASE(leap_years) {
  BOOST_TEST(t("2024-03-01T00:00:00Z") - t("2024-02-28T00:00:00Z") == 2 * kMicrosPerDay);
  BOOST_TEST(t("2100-03-01T00:00:00Z") - t("2100-02-28T00:00:00Z") == 1 * kMicrosPerDay);
  BOOST_TEST(t("2000-03-01T00:00:00Z") - t("2000-02-28T00:00:00Z") == 2 * kMicrosPerDay);
}

BOOST_AUTO_TEST_CASE(invalid_dates_and_times_are_rejected_with_a_reason) {
  BOOST_TEST(fails("2023-02-29T00:00:00Z").find("does not exist") != std::string::npos);
  BOOST_TEST(fails("2026-13-01T00:00:00Z").find("month 13") != std::string::npos);
  fails("2026-03-01T24:00:00Z");
  fails("2026-03-01T09:60:00Z");
  fails("2026-03-01T09:00Z");
  fails("2026-03-01");
  fails("");
  fails("2026-03-01T09:00:00+5:00");
  fails("2026-03-01T09:00:00Z junk");
  BOOST_TEST(fails("2026-03-01T09:00:00").find("no UTC offset") != std::string::npos);
}

// The usual form is read all at once, other forms byte by byte: every
// byte of every place of a usual time, changed, reads as a time of its form
// written out says, or is refused.
BOOST_AUTO_TEST_CASE(every_byte_of_the_usual_form_is_checked) {
  const std::string usual = "2026-03-01T09:07:05Z";
  const auto digit = [](char c) { return c >= '0' && c <= '9'; };
  for (size_t at = 0; at < usual.size(); ++at) {
    for (int b = 0; b < 256; ++b) {
      std::string s = usual;
      s[at] = static_cast<char>(b);
      // What it must read as: a usual time with its letters in either case
      // or a space for T, and its numbers in range; else nothing.
      const auto n = [&](size_t i, size_t len) { return std::stoi(s.substr(i, len)); };
      bool valid = true;
      for (size_t i = 0; i < s.size(); ++i) {
        if (usual[i] >= '0' && usual[i] <= '9') valid = valid && digit(s[i]);
        else if (i == 10) valid = valid && (s[i] == 'T' || s[i] == 't' || s[i] == ' ');
        else if (i == 19) valid = valid && (s[i] == 'Z' || s[i] == 'z');
        else valid = valid && s[i] == usual[i];
      }
      valid = valid && n(5, 2) >= 1 && n(5, 2) <= 12 && n(8, 2) >= 1 &&
              n(8, 2) <= static_cast<int>(days_in_month(n(0, 4), static_cast<unsigned>(n(5, 2)))) && n(11, 2) <= 23 &&
              n(14, 2) <= 59 && n(17, 2) <= 60;
      Micros got = 0;
      std::string err;
      BOOST_TEST_CONTEXT("byte " << b << " at " << at) {
        BOOST_REQUIRE_EQUAL(parse_time(s, &got, &err), valid);
        if (valid) {
          const int64_t day = days_from_civil(n(0, 4), static_cast<unsigned>(n(5, 2)), static_cast<unsigned>(n(8, 2)));
          BOOST_REQUIRE_EQUAL(got, (day * 86400 + n(11, 2) * 3600 + n(14, 2) * 60 + n(17, 2)) * kMicrosPerSecond);
        }
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(leap_second_reads_as_next_second) {
  BOOST_TEST(t("2016-12-31T23:59:60Z") == t("2017-01-01T00:00:00Z"));
}

BOOST_AUTO_TEST_CASE(extreme_years) {
  BOOST_TEST(t("1969-12-31T23:59:59Z") == -kMicrosPerSecond);
  BOOST_TEST(format_time(t("2100-12-31T23:59:59Z")) == "2100-12-31T23:59:59Z");
  BOOST_TEST(format_time(t("0001-01-01T00:00:00Z")) == "0001-01-01T00:00:00Z");
}

BOOST_AUTO_TEST_CASE(format_round_trips) {
  BOOST_TEST(format_time(t("2026-03-01T04:00:00-05:00")) == "2026-03-01T09:00:00Z");
  BOOST_TEST(format_time(t("2026-03-01T09:00:00.250Z")) == "2026-03-01T09:00:00.25Z");
  BOOST_TEST(format_time(t("2026-03-01T09:00:00.000001Z")) == "2026-03-01T09:00:00.000001Z");
  BOOST_TEST(format_time(t("1969-12-31T23:59:59.5Z")) == "1969-12-31T23:59:59.5Z");
}

// Dates from 1970 to 2099 are written from a table made once, the others
// computed: every day of the table and those around it read back as the
// same instant, and each is the day after the one before.
BOOST_AUTO_TEST_CASE(every_day_written_reads_back) {
  const int64_t first = days_from_civil(1969, 12, 29), last = days_from_civil(2100, 1, 3);
  std::string before = "1969-12-28";
  for (int64_t d = first; d <= last; ++d) {
    for (const int64_t sod : {int64_t{0}, int64_t{86399}}) {
      const Micros at = (d * 86400 + sod) * kMicrosPerSecond;
      const std::string text = format_time(at);
      BOOST_REQUIRE_EQUAL(text.size(), 20u);
      BOOST_REQUIRE_EQUAL(t(text), at);
    }
    const std::string date = format_time(d * 86400 * kMicrosPerSecond).substr(0, 10);
    BOOST_REQUIRE_LT(before, date);
    before = date;
  }
  BOOST_TEST(format_time(days_from_civil(2099, 12, 31) * 86400 * kMicrosPerSecond) == "2099-12-31T00:00:00Z");
  BOOST_TEST(format_time(days_from_civil(2100, 1, 1) * 86400 * kMicrosPerSecond) == "2100-01-01T00:00:00Z");
  BOOST_TEST(format_time(0) == "1970-01-01T00:00:00Z");
}

// Dates from 1970 to 2099 are read from a table of month starts, others
// by arithmetic: every month's last day reads as days_from_civil says, the
// day after it is refused, on both sides of the table's edges.
BOOST_AUTO_TEST_CASE(every_month_ends_where_it_should) {
  for (unsigned y = 1966; y <= 2104; ++y) {
    for (unsigned m = 1; m <= 12; ++m) {
      const unsigned last = days_in_month(y, m);
      BOOST_TEST_CONTEXT(y << "-" << m) {
        BOOST_REQUIRE_EQUAL(t(fmt::format("{:04}-{:02}-{:02}T12:00:00Z", y, m, last)),
                            (days_from_civil(y, m, last) * 86400 + 43200) * kMicrosPerSecond);
        BOOST_REQUIRE_EQUAL(t(fmt::format("{:04}-{:02}-01T00:00:00Z", y, m)), days_from_civil(y, m, 1) * kMicrosPerDay);
        BOOST_REQUIRE(fails(fmt::format("{:04}-{:02}-{:02}T00:00:00Z", y, m, last + 1)).find("does not exist") !=
                      std::string::npos);
        BOOST_REQUIRE(fails(fmt::format("{:04}-{:02}-00T00:00:00Z", y, m)).find("does not exist") != std::string::npos);
      }
    }
  }
  BOOST_TEST(days_in_month(2000, 2) == 29u);  // leap: divisible by 400
  BOOST_TEST(days_in_month(2100, 2) == 28u);  // not: by 100
}

// write_time writes at most kTimeTextMax bytes, whatever the time: the
// extremes of Micros have years of six digits and a sign, and a fraction.
BOOST_AUTO_TEST_CASE(extreme_times_fit_their_room) {
  for (const Micros t : {std::numeric_limits<Micros>::max(), std::numeric_limits<Micros>::min(),
                         std::numeric_limits<Micros>::min() + 1, Micros{-1}, Micros{0}, Micros{1}}) {
    char buf[kTimeTextMax];
    const size_t n = write_time(buf, t);
    BOOST_TEST(n <= kTimeTextMax);
    BOOST_TEST(std::string(buf, n) == format_time(t));
    BOOST_TEST(buf[n - 1] == 'Z');
  }
  BOOST_TEST(format_time(-1) == "1969-12-31T23:59:59.999999Z");
  BOOST_TEST(format_time(1) == "1970-01-01T00:00:00.000001Z");
  BOOST_TEST(format_time(std::numeric_limits<Micros>::max()) == "294247-01-10T04:00:54.775807Z");
}

BOOST_AUTO_TEST_CASE(windows) {
  Micros w = 0;
  std::string err;
  BOOST_TEST(parse_window("7d", &w, &err));
  BOOST_TEST(w == 7 * kMicrosPerDay);
  BOOST_TEST(format_window(w) == "7d");
  BOOST_TEST(parse_window("36h", &w, &err));
  BOOST_TEST(format_window(w) == "36h");
  BOOST_TEST(parse_window("48h", &w, &err));
  BOOST_TEST(format_window(w) == "2d");
  BOOST_TEST(parse_window("36500d", &w, &err));
  for (const char* bad : {"0d", "-1d", "7", "d", "7w", "7 d", "36501d", "1.5d", ""})
    BOOST_TEST(!parse_window(bad, &w, &err), bad);
}

BOOST_AUTO_TEST_CASE(as_of_accepts_a_bare_date) {
  Micros a = 0;
  std::string err;
  BOOST_TEST(parse_as_of("2026-03-31", &a, &err));
  BOOST_TEST(a == t("2026-03-31T00:00:00Z"));
  BOOST_TEST(parse_as_of("2026-03-31T12:00:00+02:00", &a, &err));
  BOOST_TEST(a == t("2026-03-31T10:00:00Z"));
  BOOST_TEST(!parse_as_of("2026-02-30", &a, &err));
}

BOOST_AUTO_TEST_SUITE_END()
