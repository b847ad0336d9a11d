#include <boost/test/unit_test.hpp>

#include "tests/unit/ingest_helpers.h"

using namespace parcours;
using parcours::test::run_reader;

namespace {

// One row of mod_cdr_csv's `example` template: every value in quotes, none
// escaped.
const std::string kDuration = "300", kBillsec = "295", kNone, kCodec = "PCMU";

struct Row {
  std::string name = "Lucie Tremblay", number = "4185550101", destination = "5000", context = "public",
              start = "2026-03-02 09:00:00", answer = "2026-03-02 09:00:05", end = "2026-03-02 09:05:00",
              cause = "NORMAL_CLEARING", uuid = "a1", bleg = "";
  std::string text() const {
    std::string out;
    for (const std::string* v : {&name, &number, &destination, &context, &start, &answer, &end,
                                 &kDuration, &kBillsec, &cause, &uuid, &bleg, &kNone, &kCodec, &kCodec}) {
      out += out.empty() ? "\"" : ",\"";
      out += *v;
      out += '"';
    }
    return out + '\n';
  }
};

IngestOptions toronto() {
  IngestOptions o;
  o.tz = "America/Toronto";
  return o;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(freeswitch)

BOOST_AUTO_TEST_CASE(a_and_b_legs_are_one_contact) {
  Row a;
  a.bleg = "b1";
  Row b;
  b.name = "Service";
  b.number = "5000";
  b.destination = "1001";
  b.context = "default";
  b.start = "2026-03-02 09:00:02";
  b.answer = "2026-03-02 09:00:05";
  b.end = "2026-03-02 09:05:00";
  b.uuid = "b1";
  Row lone;
  lone.name = "Andr\xE9 \"Dd\" B\xE9langer";  // raw Latin-1, and quotes FreeSWITCH leaves bare
  lone.number = "5145550199";
  lone.start = "2026-03-02 10:00:00";
  lone.answer = "";
  lone.end = "2026-03-02 10:00:40";
  lone.cause = "ORIGINATOR_CANCEL";
  lone.uuid = "c3";
  // B legs are often written first.
  auto sink = run_reader("freeswitch-cdr", b.text() + lone.text() + a.text(), toronto(), "Master.csv");
  BOOST_TEST(sink.rejects.empty());
  BOOST_TEST(sink.merged == 1);
  BOOST_TEST(sink.read() == 3);
  BOOST_TEST(sink.ndjson() ==
             "{\"id\":\"a1\",\"channel\":\"phone\",\"start\":\"2026-03-02T14:00:00Z\","
             "\"answered\":\"2026-03-02T14:00:05Z\",\"end\":\"2026-03-02T14:05:00Z\",\"ids\":{\"phone\":\"4185550101\"},"
             "\"agent\":\"1001\",\"src\":{\"file\":\"Master.csv\",\"line\":3}}\n"
             "{\"id\":\"c3\",\"channel\":\"phone\",\"start\":\"2026-03-02T15:00:00Z\",\"end\":\"2026-03-02T15:00:40Z\","
             "\"ids\":{\"phone\":\"5145550199\"},\"outcome\":\"abandoned\",\"src\":{\"file\":\"Master.csv\",\"line\":2}}\n");
  BOOST_REQUIRE(sink.records.size() == 2u);
  BOOST_TEST(sink.records[1].field("caller_id_name") == "Andr\xC3\xA9 \"Dd\" B\xC3\xA9langer");
  BOOST_TEST(sink.records[1].field("hangup_cause") == "ORIGINATOR_CANCEL");
  BOOST_TEST(sink.records[0].field("dnis") == "5000");
  BOOST_TEST(sink.notes["fields not in UTF-8 (read as Windows-1252)"] == 1);
}

BOOST_AUTO_TEST_CASE(a_leg_first_and_chains_join) {
  // A queue call: the caller's leg names the queue leg, which names the agent.
  Row a;
  a.bleg = "q1";
  Row q;
  q.uuid = "q1";
  q.bleg = "g1";
  q.start = "2026-03-02 09:00:01";
  Row agent;
  agent.uuid = "g1";
  agent.destination = "1002";
  agent.start = "2026-03-02 09:00:30";
  agent.answer = "2026-03-02 09:00:35";
  auto sink = run_reader("freeswitch-cdr", a.text() + agent.text() + q.text(), toronto());
  BOOST_TEST(sink.records.size() == 1u);
  BOOST_TEST(sink.merged == 2);
  BOOST_REQUIRE(!sink.records.empty());
  BOOST_TEST(sink.records[0].id == "a1");
  BOOST_TEST(sink.records[0].src_line == 1);
}

BOOST_AUTO_TEST_CASE(causes_of_unanswered_calls_are_abandoned) {
  std::string text;
  const std::pair<const char*, const char*> calls[] = {
      {"u1", "NO_ANSWER"}, {"u2", "USER_BUSY"}, {"u3", "ORIGINATOR_CANCEL"}, {"u4", "NO_USER_RESPONSE"},
      {"u5", "CALL_REJECTED"}};
  for (const auto& [uuid, cause] : calls) {
    Row r;
    r.uuid = uuid;
    r.answer = "";
    r.cause = cause;
    text += r.text();
  }
  Row ok;
  ok.uuid = "ok";
  text += ok.text();
  auto sink = run_reader("freeswitch-cdr", text, toronto());
  BOOST_REQUIRE(sink.records.size() == 6u);
  for (int k = 0; k < 5; ++k) BOOST_TEST((sink.records[k].outcome == Outcome::abandoned));
  BOOST_TEST((sink.records[5].outcome == Outcome::none));
}

BOOST_AUTO_TEST_CASE(outbound_and_rejects) {
  Row out;
  out.context = "default";
  out.number = "1001";
  out.destination = "4185550177";
  Row bad;
  bad.uuid = "bad";
  bad.end = "2026-03-02 08:00:00";
  auto sink = run_reader("freeswitch-cdr", out.text() + "\"only\",\"three\",\"fields\"\n" + bad.text(), toronto());
  BOOST_REQUIRE(sink.records.size() == 1u);
  BOOST_TEST((sink.records[0].direction == Direction::out));
  BOOST_TEST(sink.records[0].field("ids.phone") == "4185550177");
  BOOST_REQUIRE(sink.rejects.size() == 2u);
  BOOST_TEST(sink.rejects[0].first == 2);
  BOOST_TEST(sink.rejects[0].second.find("record has 3 columns, expected 15") != std::string::npos);
  BOOST_TEST(sink.rejects[1].second.find("end_stamp 2026-03-02 08:00:00 is before start_stamp") != std::string::npos);
  BOOST_TEST(sink.read() == 3);
}

// A call timed across the spring-forward gap by a clock moved forward
// early: its gap times are read with the offset after the change, since
// the one before puts the answer after the end. A call wholly in the gap
// keeps the offset before it.
BOOST_AUTO_TEST_CASE(gap_times_read_so_the_call_is_in_order) {
  Row early;
  early.start = "2026-03-08 02:30:00";
  early.answer = "2026-03-08 02:40:00";
  early.end = "2026-03-08 03:10:00";
  Row inside;
  inside.uuid = "a2";
  inside.start = "2026-03-08 02:30:00";
  inside.answer = "2026-03-08 02:30:05";
  inside.end = "2026-03-08 02:35:00";
  auto sink = run_reader("freeswitch-cdr", early.text() + inside.text(), toronto());
  BOOST_REQUIRE(sink.records.size() == 2u);
  auto utc = [](std::string_view text) {
    Micros t;
    std::string err;
    BOOST_REQUIRE(parse_time(text, &t, &err));
    return t;
  };
  BOOST_TEST(sink.records[0].start == utc("2026-03-08T06:30:00Z"));  // 02:30 EDT
  BOOST_TEST(sink.records[0].answered == utc("2026-03-08T06:40:00Z"));
  BOOST_TEST(sink.records[0].end == utc("2026-03-08T07:10:00Z"));    // 03:10 EDT
  BOOST_TEST(sink.records[1].start == utc("2026-03-08T07:30:00Z"));  // 02:30 EST
  BOOST_TEST(sink.records[1].end == utc("2026-03-08T07:35:00Z"));
  BOOST_TEST(sink.notes["local times in a daylight-saving gap (read with the offset after the change, as the one "
                        "before puts the record's times out of order)"] == 2);
  BOOST_TEST(sink.notes["local times in a daylight-saving gap (read with the offset before the change)"] == 3);
}

BOOST_AUTO_TEST_SUITE_END()
