#include <boost/test/unit_test.hpp>

#include "core/calendar.h"
#include "core/reports.h"
#include "tests/unit/helpers.h"

using namespace parcours;

namespace {

Micros utc(std::string_view s) {
  Micros out = 0;
  std::string err;
  BOOST_REQUIRE_MESSAGE(parse_time(s, &out, &err), std::string(s) + ": " + err);
  return out;
}

std::string label(int64_t y, unsigned m, unsigned d, Period p) { return period_label(days_from_civil(y, m, d), p); }

Params params(const char* as_of) {
  Params p;
  std::string err;
  BOOST_REQUIRE(parse_as_of(as_of, &p.as_of, &err));
  return p;
}

std::string text(Ratio r, int digits = 4) { return format_decimal(r, digits); }

using test::kWorked;

CostTable spec_costs() {
  CostTable c;
  std::string err;
  BOOST_REQUIRE_MESSAGE(parse_costs("channel\tunit_cost\nweb\t0.65\nivr\t1.85\nemail\t2.50\nphone\t4.50\n", "costs.tsv",
                                    &c, &err),
                        err);
  return c;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(reports)

BOOST_AUTO_TEST_CASE(period_labels) {
  BOOST_TEST(label(2026, 3, 1, Period::day) == "2026-03-01");
  BOOST_TEST(label(2026, 3, 1, Period::week) == "2026-W09");  // a Sunday: the week of Monday 2026-02-23
  BOOST_TEST(label(2026, 3, 2, Period::week) == "2026-W10");
  BOOST_TEST(label(2026, 3, 1, Period::month) == "2026-03");
  BOOST_TEST(label(2026, 3, 31, Period::quarter) == "2026-Q1");
  BOOST_TEST(label(2026, 4, 1, Period::quarter) == "2026-Q2");
  BOOST_TEST(label(2026, 12, 31, Period::quarter) == "2026-Q4");
  // 2026 begins on a Thursday, so it has 53 ISO weeks; the last one runs to
  // Sunday 2027-01-03 and is still 2026's.
  BOOST_TEST(label(2026, 12, 31, Period::week) == "2026-W53");
  BOOST_TEST(label(2027, 1, 1, Period::week) == "2026-W53");
  BOOST_TEST(label(2027, 1, 3, Period::week) == "2026-W53");
  BOOST_TEST(label(2027, 1, 4, Period::week) == "2027-W01");
  // And the other way: Monday 2024-12-30 is in the first week of 2025.
  BOOST_TEST(label(2024, 12, 29, Period::week) == "2024-W52");
  BOOST_TEST(label(2024, 12, 30, Period::week) == "2025-W01");
  BOOST_TEST(label(1970, 1, 1, Period::week) == "1970-W01");
  BOOST_TEST(period_start(days_from_civil(2027, 1, 1), Period::week) == days_from_civil(2026, 12, 28));
  BOOST_TEST(period_start(days_from_civil(1969, 12, 31), Period::week) == days_from_civil(1969, 12, 29));
  BOOST_TEST(period_start(days_from_civil(2026, 8, 17), Period::quarter) == days_from_civil(2026, 7, 1));
  Period p;
  BOOST_TEST((parse_period("week", &p) && p == Period::week));
  BOOST_TEST(!parse_period("year", &p));
}

BOOST_AUTO_TEST_CASE(local_days_across_daylight_saving_changes) {
  Zone cal;
  std::string err;
  BOOST_REQUIRE_MESSAGE(cal.load("America/Toronto", &err), err);
  const auto day = [&](std::string_view t) { return period_label(cal.local_day(utc(t)), Period::day); };
  // Spring forward on 2026-03-08: midnight is at 05:00Z before, 04:00Z after.
  BOOST_TEST(day("2026-03-08T04:59:59Z") == "2026-03-07");
  BOOST_TEST(day("2026-03-08T05:00:00Z") == "2026-03-08");
  BOOST_TEST(day("2026-03-08T07:30:00Z") == "2026-03-08");  // 03:30 EDT
  BOOST_TEST(day("2026-03-09T03:59:59Z") == "2026-03-08");  // 23:59:59 EDT
  BOOST_TEST(day("2026-03-09T04:00:00Z") == "2026-03-09");
  // Fall back on 2026-11-01: that day lasts 25 hours, 04:00Z to 05:00Z next day.
  BOOST_TEST(day("2026-11-01T03:59:59Z") == "2026-10-31");
  BOOST_TEST(day("2026-11-01T04:00:00Z") == "2026-11-01");
  BOOST_TEST(day("2026-11-02T04:59:59Z") == "2026-11-01");
  BOOST_TEST(day("2026-11-02T05:00:00Z") == "2026-11-02");
  BOOST_TEST(cal.offset(utc("2026-07-01T00:00:00Z")) == -4 * kMicrosPerHour);
  BOOST_TEST(cal.offset(utc("2026-01-01T00:00:00Z")) == -5 * kMicrosPerHour);
  // Out of order, so that the cached period is left and taken again.
  BOOST_TEST(day("2026-03-08T04:59:59Z") == "2026-03-07");
  BOOST_TEST(!cal.load("Mars/Olympus", &err));
  BOOST_TEST(err.find("unknown time zone 'Mars/Olympus'") != std::string::npos);
  Zone u;
  BOOST_REQUIRE(u.load("UTC", &err));
  BOOST_TEST(period_label(u.local_day(utc("2026-03-08T04:59:59Z")), Period::day) == "2026-03-08");
  BOOST_TEST(period_label(u.local_day(utc("1969-12-31T23:59:59Z")), Period::day) == "1969-12-31");
}

BOOST_AUTO_TEST_CASE(mix_by_local_day_in_toronto) {
  Dataset ds;
  test::load(R"({"id":"a","channel":"phone","start":"2026-03-08T04:30:00Z","service":"s"}
{"id":"b","channel":"web","start":"2026-03-08T05:30:00Z","service":"s"}
{"id":"c","channel":"phone","start":"2026-03-09T03:30:00Z","service":"s","direction":"out"}
{"id":"d","channel":"web","start":"2026-03-09T04:30:00Z","service":"t"}
)",
             &ds);
  Zone cal;
  std::string err;
  BOOST_REQUIRE(cal.load("America/Toronto", &err));
  const std::vector<MixRow> rows = compute_mix(ds, Period::day, &cal);
  // a: 23:30 EST on the 7th; b: 00:30 EST on the 8th; c: 23:30 EDT on the
  // 8th; d: 00:30 EDT on the 9th.
  BOOST_REQUIRE(rows.size() == 8u);
  const auto is = [&](size_t i, const char* period, const char* service, Channel ch, int64_t in, int64_t out,
                      Ratio share, Ratio in_share) {
    const MixRow& r = rows[i];
    BOOST_TEST_CONTEXT("row " << i) {
      BOOST_TEST(r.period == period);
      BOOST_TEST(r.service == service);
      BOOST_TEST(channel_name(r.channel) == channel_name(ch));
      BOOST_TEST(r.inbound == in);
      BOOST_TEST(r.outbound == out);
      BOOST_TEST(text(r.share) == text(share));
      BOOST_TEST(text(r.inbound_share) == text(in_share));
    }
  };
  is(0, "2026-03-07", "s", Channel::phone, 1, 0, {1, 1}, {1, 1});
  is(1, "2026-03-07", "(all)", Channel::phone, 1, 0, {1, 1}, {1, 1});
  is(2, "2026-03-08", "s", Channel::phone, 0, 1, {1, 2}, {0, 1});
  is(3, "2026-03-08", "s", Channel::web, 1, 0, {1, 2}, {1, 1});
  is(4, "2026-03-08", "(all)", Channel::phone, 0, 1, {1, 2}, {0, 1});
  is(5, "2026-03-08", "(all)", Channel::web, 1, 0, {1, 2}, {1, 1});
  is(6, "2026-03-09", "t", Channel::web, 1, 0, {1, 1}, {1, 1});
  is(7, "2026-03-09", "(all)", Channel::web, 1, 0, {1, 1}, {1, 1});
  // In UTC, a and b share the 8th; c and d the 9th.
  Zone u;
  BOOST_REQUIRE(u.load("UTC", &err));
  const std::vector<MixRow> in_utc = compute_mix(ds, Period::month, &u);
  BOOST_REQUIRE(in_utc.size() == 5u);  // s: phone, web; t: web; (all): phone, web
  BOOST_TEST(in_utc[0].period == "2026-03");
  BOOST_TEST(in_utc[4].service == "(all)");
  BOOST_TEST(in_utc[4].contacts() == 2);
  BOOST_TEST(text(in_utc[4].share) == "0.5000");
  BOOST_TEST(text(in_utc[4].inbound_share) == "0.6667");  // web 2 of 3 inbound
}

BOOST_AUTO_TEST_CASE(medians_and_percentiles) {
  const auto s = [](std::initializer_list<int64_t> secs) {
    std::vector<Micros> v;
    for (const int64_t x : secs) v.push_back(x * kMicrosPerSecond);
    return v;
  };
  BOOST_TEST(text(median_seconds(s({10, 20, 30})), 1) == "20.0");
  BOOST_TEST(text(median_seconds(s({10, 20, 30, 45})), 1) == "25.0");
  BOOST_TEST(text(median_seconds(s({10, 21})), 1) == "15.5");
  BOOST_TEST(text(median_seconds(s({7})), 1) == "7.0");
  BOOST_TEST(!median_seconds({}).defined());
  // Nearest rank: ceil(0.9 n).
  BOOST_TEST(text(percentile_seconds(s({1, 2, 3, 4, 5, 6, 7, 8, 9, 10}), 90), 1) == "9.0");   // rank 9
  BOOST_TEST(text(percentile_seconds(s({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}), 90), 1) == "10.0");  // rank 10 (9.9)
  BOOST_TEST(text(percentile_seconds(s({10, 20, 30, 40}), 90), 1) == "40.0");  // rank 4 (3.6)
  BOOST_TEST(text(percentile_seconds(s({10, 20, 30}), 90), 1) == "30.0");
  BOOST_TEST(text(percentile_seconds(s({5}), 90), 1) == "5.0");
  BOOST_TEST(text(percentile_seconds(s({10, 20, 30, 40}), 50), 1) == "20.0");  // rank 2
  BOOST_TEST(!percentile_seconds({}, 90).defined());
  // Microseconds are kept: 1.25 s rounds half up to 1.3.
  BOOST_TEST(text(percentile_seconds(std::vector<Micros>{1'250'000}, 90), 1) == "1.3");
  BOOST_TEST(text(percentile_seconds(std::vector<Micros>{1'249'999}, 90), 1) == "1.2");
}

BOOST_AUTO_TEST_CASE(handle_times) {
  Dataset ds;
  ds.keep_answered = ds.keep_ends = true;
  test::load(R"({"id":"1","channel":"phone","start":"2026-03-01T09:00:00Z","answered":"2026-03-01T09:00:30Z","end":"2026-03-01T09:05:30Z","service":"s"}
{"id":"2","channel":"phone","start":"2026-03-01T10:00:00Z","end":"2026-03-01T10:01:00Z","service":"s","direction":"out"}
{"id":"3","channel":"phone","start":"2026-03-01T11:00:00Z","answered":"2026-03-01T11:01:00Z","service":"s"}
{"id":"4","channel":"chat","start":"2026-03-01T12:00:00Z","answered":"2026-03-01T12:00:10Z","end":"2026-03-01T12:10:10Z","service":"s"}
{"id":"5","channel":"web","start":"2026-03-01T13:00:00Z","service":"t"}
{"id":"6","channel":"phone","start":"2026-03-01T14:00:00Z","answered":"2026-03-01T14:10:00Z","end":"2026-03-01T14:05:00Z","service":"t"}
)",
             &ds);
  const HandleReport r = compute_handle(ds);
  BOOST_TEST(r.end_before_answered == 1);
  // s: chat, phone, (all); t: phone, web, (all); (all): chat, phone, web, (all).
  BOOST_REQUIRE(r.rows.size() == 10u);
  const HandleRow& chat = r.rows[0];
  BOOST_TEST((chat.service == "s" && chat.channel == "chat" && chat.contacts == 1 && chat.timed == 1));
  BOOST_TEST(text(chat.mean, 1) == "600.0");
  BOOST_TEST(text(chat.mean_wait, 1) == "10.0");
  const HandleRow& phone = r.rows[1];
  // Handle times 300 s (answered to end) and 60 s (start to end); waits 30 s and 60 s.
  BOOST_TEST((phone.channel == "phone" && phone.contacts == 3 && phone.timed == 2 && phone.answered == 2));
  BOOST_TEST(text(phone.mean, 1) == "180.0");
  BOOST_TEST(text(phone.median, 1) == "180.0");
  BOOST_TEST(text(phone.p90, 1) == "300.0");
  BOOST_TEST(text(phone.mean_wait, 1) == "45.0");
  const HandleRow& s_all = r.rows[2];
  BOOST_TEST((s_all.service == "s" && s_all.channel == "(all)" && s_all.contacts == 4 && s_all.timed == 3));
  BOOST_TEST(text(s_all.mean, 1) == "320.0");    // (300 + 60 + 600) / 3
  BOOST_TEST(text(s_all.median, 1) == "300.0");
  BOOST_TEST(text(s_all.mean_wait, 1) == "33.3");  // (30 + 60 + 10) / 3
  const HandleRow& t_phone = r.rows[3];
  BOOST_TEST((t_phone.service == "t" && t_phone.channel == "phone" && t_phone.timed == 0 && t_phone.answered == 1));
  BOOST_TEST(!t_phone.mean.defined());
  BOOST_TEST(text(t_phone.mean_wait, 1) == "600.0");
  const HandleRow& web = r.rows[4];
  BOOST_TEST((web.channel == "web" && web.timed == 0 && web.answered == 0 && !web.mean_wait.defined()));
  const HandleRow& all = r.rows[9];
  BOOST_TEST((all.service == "(all)" && all.channel == "(all)" && all.contacts == 6 && all.timed == 3));
  BOOST_TEST(r.rows[6].service == "(all)");
  BOOST_TEST(r.rows[6].channel == "chat");
  const Table t = handle_table(r, Format::tsv);
  BOOST_TEST(t.rows[1][4].text == "180.0");
}

BOOST_AUTO_TEST_CASE(paths_of_the_cohort) {
  Dataset ds;
  test::load(std::string(kWorked) +
                 R"({"id":"6","channel":"web","start":"2026-03-01T09:00:00Z","service":"passeport","customer":"B"}
{"id":"7","channel":"phone","start":"2026-03-02T09:00:00Z","service":"passeport","customer":"B"}
{"id":"8","channel":"web","start":"2026-03-29T09:00:00Z","service":"passeport","customer":"B"}
)",
             &ds);
  // T − W = 2026-03-24: B's episode of the 29th is pending and left out.
  const std::vector<PathRow> rows = compute_paths(ds, params("2026-03-31"), 10);
  BOOST_REQUIRE(rows.size() == 7u);
  BOOST_TEST((rows[0].service == "credit-impot" && rows[0].path == "email>phone" && rows[0].episodes == 1));
  BOOST_TEST(text(rows[0].share) == "0.3333");
  BOOST_TEST(rows[1].path == "phone");
  BOOST_TEST(rows[2].path == "web>phone");
  BOOST_TEST((rows[3].service == "passeport" && rows[3].path == "web>phone" && text(rows[3].share) == "1.0000"));
  BOOST_TEST((rows[4].service == "(all)" && rows[4].path == "web>phone" && rows[4].episodes == 2));
  BOOST_TEST(text(rows[4].share) == "0.5000");
  BOOST_TEST(rows[5].path == "email>phone");
  BOOST_TEST(rows[6].path == "phone");
  const std::vector<PathRow> top1 = compute_paths(ds, params("2026-03-31"), 1);
  BOOST_REQUIRE(top1.size() == 3u);
  BOOST_TEST(top1[0].path == "email>phone");  // ties broken by path text
  BOOST_TEST(text(top1[0].share) == "0.3333");  // still of every cohort episode
  BOOST_TEST(top1[2].path == "web>phone");
}

BOOST_AUTO_TEST_CASE(segments_partition_customers) {
  const auto bits = [](std::initializer_list<Channel> cs) {
    uint32_t m = 0;
    for (const Channel c : cs) m |= 1u << static_cast<unsigned>(c);
    return m;
  };
  using C = Channel;
  using S = Segment;
  BOOST_TEST((segment_of(bits({C::phone})) == S::phone_only));
  BOOST_TEST((segment_of(bits({C::web})) == S::web_only));
  BOOST_TEST((segment_of(bits({C::mail})) == S::mail_only));
  BOOST_TEST((segment_of(bits({C::fax})) == S::mail_only));
  BOOST_TEST((segment_of(bits({C::mail, C::fax})) == S::mail_only));
  BOOST_TEST((segment_of(bits({C::counter})) == S::counter_only));
  BOOST_TEST((segment_of(bits({C::email})) == S::email_only));
  BOOST_TEST((segment_of(bits({C::chat})) == S::chat_only));
  BOOST_TEST((segment_of(bits({C::ivr})) == S::other_single));
  BOOST_TEST((segment_of(bits({C::social})) == S::other_single));
  BOOST_TEST((segment_of(bits({C::cobrowse})) == S::other_single));
  BOOST_TEST((segment_of(bits({C::web, C::ivr})) == S::self_service_only));
  BOOST_TEST((segment_of(bits({C::phone, C::email})) == S::assisted_only));
  BOOST_TEST((segment_of(bits({C::mail, C::phone})) == S::assisted_only));
  BOOST_TEST((segment_of(bits({C::web, C::phone})) == S::mixed));
  BOOST_TEST((segment_of(bits({C::ivr, C::fax, C::social})) == S::mixed));
  BOOST_TEST(segment_name(S::self_service_only) == "self-service-only");

  Dataset ds;
  test::load(std::string(kWorked) +
                 R"({"id":"6","channel":"phone","start":"2026-03-01T09:00:00Z","service":"passeport","customer":"B"}
{"id":"7","channel":"phone","start":"2026-03-10T09:00:00Z","service":"passeport","customer":"B"}
{"id":"8","channel":"fax","start":"2026-03-02T09:00:00Z","service":"passeport","customer":"C"}
{"id":"9","channel":"web","start":"2026-03-02T09:00:00Z","service":"passeport","customer":"D","direction":"out"}
{"id":"10","channel":"web","start":"2026-03-02T09:00:00Z","service":"passeport"}
)",
             &ds);
  const std::vector<SegmentRow> rows = compute_segments(ds, params("2026-03-31"));
  BOOST_REQUIRE(rows.size() == 11u);
  const SegmentRow& phone = rows[0];
  BOOST_TEST((phone.segment == "phone-only" && phone.customers == 1 && phone.contacts == 2 && phone.episodes == 2));
  BOOST_TEST((phone.cohort == 2 && phone.resolved == 2));
  BOOST_TEST((rows[2].segment == "mail-only" && rows[2].customers == 1));
  const SegmentRow& mixed = rows[9];
  BOOST_TEST((mixed.segment == "mixed" && mixed.customers == 1 && mixed.contacts == 5 && mixed.episodes == 3));
  BOOST_TEST(text(mixed.fcr_rate()) == "0.3333");
  const SegmentRow& all = rows[10];
  // D has only an outbound contact, and contact 10 no customer: neither counts.
  BOOST_TEST((all.segment == "(all)" && all.customers == 3 && all.contacts == 8 && all.episodes == 6));
  BOOST_TEST(text(all.contacts_per_customer()) == "2.6667");
  BOOST_TEST(rows[1].customers == 0);
  BOOST_TEST(!rows[1].fcr_rate().defined());
}

BOOST_AUTO_TEST_CASE(cost_tables) {
  CostTable c;
  std::string err;
  BOOST_REQUIRE_MESSAGE(parse_costs("\xEF\xBB\xBF# unit costs\n\nchannel\tunit_cost\nt\xC3\xA9l\xC3\xA9phone\t4.5\r\n"
                                    "  courriel \t 2.50\nweb\t0\ncounter\t12.3456\n# fax\tunset on purpose\n",
                                    "c.tsv", &c, &err),
                        err);
  BOOST_TEST(c.unit[static_cast<size_t>(Channel::phone)] == 45000);
  BOOST_TEST(c.unit[static_cast<size_t>(Channel::email)] == 25000);
  BOOST_TEST(c.unit[static_cast<size_t>(Channel::web)] == 0);
  BOOST_TEST(c.unit[static_cast<size_t>(Channel::counter)] == 123456);
  BOOST_TEST(c.unit[static_cast<size_t>(Channel::fax)] == kNoCost);

  BOOST_TEST(!parse_costs("channel\tunit_cost\nphone\t4.50\nfoo\t1\nweb\t-1\nweb\t1.23456\nphone\t4.5\nivr 1.85\n"
                          "chat\t1,5\nmail\t\nchannel\tunit_cost\n",
                          "c.tsv", &c, &err));
  BOOST_TEST(err ==
             "c.tsv:3: 'foo' is not a channel; use one of phone, ivr, chat, email, mail, fax, counter, web, social, "
             "cobrowse (or their French names)\n"
             "c.tsv:4: '-1' is not a cost; write a non-negative decimal number with a point, like 4.50\n"
             "c.tsv:5: '1.23456' has more than 4 decimals; round it to 4\n"
             "c.tsv:6: channel phone already has a unit cost on line 2; keep one of the two lines\n"
             "c.tsv:7: expected two fields separated by a tab, channel and unit_cost; write e.g. 'phone<TAB>4.50'\n"
             "c.tsv:8: '1,5' is not a cost; write a non-negative decimal number with a point, like 4.50\n"
             "c.tsv:9: expected two fields separated by a tab, channel and unit_cost; write e.g. 'phone<TAB>4.50'\n"
             "c.tsv:10: 'channel' is not a channel; use one of phone, ivr, chat, email, mail, fax, counter, web, "
             "social, cobrowse (or their French names)");
  BOOST_TEST(!parse_costs("web\t1000000.0001\n", "c.tsv", &c, &err));
  BOOST_TEST(err == "c.tsv:1: unit cost '1000000.0001' is too large; at most 1000000 per contact");
  BOOST_TEST(!load_costs("/nonexistent/costs.tsv", &c, &err));
  BOOST_TEST(err == "/nonexistent/costs.tsv: cannot read the cost table; check the file name");
}

BOOST_AUTO_TEST_CASE(costs_of_the_worked_example) {
  Dataset ds;
  test::load(kWorked, &ds);
  const Summary s = compute_stats(ds, params("2026-03-31"));
  const CostTable c = spec_costs();
  // web 0.65 + phone 4.50 × 3 + email 2.50; the repeats are contacts 2 and 5, both phone.
  BOOST_TEST(s.rows[0].cost(c).value() == 166500);
  BOOST_TEST(s.rows[0].repeat_cost(c).value() == 90000);
  BOOST_TEST(s.rows[1].cost(c).value() == 166500);
  BOOST_TEST(format_decimal({166500, kCostScale}, 2) == "16.65");
  BOOST_TEST(format_decimal({90000, kCostScale}, 2) == "9.00");
  BOOST_TEST(render({{"cost"}, {{money_cell(166500, Format::json)}}}, Format::json) == "[\n  {\"cost\": 16.65}\n]\n");
}

BOOST_AUTO_TEST_CASE(costs_stay_exact_and_unknown_costs_stay_empty) {
  Dataset ds;
  test::load(R"({"id":"1","channel":"web","start":"2026-03-01T09:00:00Z","service":"a","customer":"A"}
{"id":"2","channel":"web","start":"2026-03-01T10:00:00Z","service":"a","customer":"A"}
{"id":"3","channel":"web","start":"2026-03-01T11:00:00Z","service":"a"}
{"id":"4","channel":"chat","start":"2026-03-01T09:00:00Z","service":"b","customer":"B"}
{"id":"5","channel":"phone","start":"2026-03-01T09:00:00Z","service":"c","customer":"C","direction":"out"}
)",
             &ds);
  CostTable c;
  std::string err;
  BOOST_REQUIRE(parse_costs("web\t0.1\nphone\t0.005\n", "c.tsv", &c, &err));
  const Summary s = compute_stats(ds, params("2026-03-31"));
  BOOST_REQUIRE(s.rows.size() == 4u);
  // Three web contacts (one unidentified) at 0.1: exactly 0.3, never 0.30000000000000004.
  BOOST_TEST(s.rows[0].cost(c).value() == 3000);
  BOOST_TEST(s.rows[0].repeat_cost(c).value() == 1000);
  BOOST_TEST(!s.rows[1].cost(c).has_value());          // chat has no unit cost
  BOOST_TEST(s.rows[1].repeat_cost(c).value() == 0);   // no repeat, so no channel involved
  BOOST_TEST(s.rows[2].cost(c).value() == 0);          // outbound only: nothing inbound
  BOOST_TEST(!s.rows[3].cost(c).has_value());          // (all) involves chat
  BOOST_TEST(s.rows[3].repeat_cost(c).value() == 1000);
  BOOST_TEST(render({{"cost"}, {{money_cell(3000, Format::json)}}}, Format::json) == "[\n  {\"cost\": 0.3}\n]\n");
  // Half up on the exact value: 0.005 is printed 0.01, 0.0049 as 0.00.
  BOOST_TEST(format_decimal({50, kCostScale}, 2) == "0.01");
  BOOST_TEST(format_decimal({49, kCostScale}, 2) == "0.00");
}

BOOST_AUTO_TEST_CASE(decimal_columns_line_up_in_the_table_format) {
  Table t;
  t.columns = {"service", "cost"};
  t.rows.push_back({Cell::of("a"), money_cell(166500, Format::table)});
  t.rows.push_back({Cell::of("b"), money_cell(std::nullopt, Format::table)});
  t.rows.push_back({Cell::of("c"), money_cell(12345678900, Format::table)});
  static constexpr size_t kCols[] = {1};
  align_decimals(&t, kCols);
  BOOST_TEST(render(t, Format::table) ==
             "service        cost\n"
             "a             16.65\n"
             "b\n"
             "c        1234567.89\n");
}

BOOST_AUTO_TEST_SUITE_END()
