#include <boost/test/unit_test.hpp>

#include "tests/unit/ingest_helpers.h"

using namespace parcours;
using parcours::test::run_reader;

namespace {

// One Master.csv row as cdr_csv writes it: strings quoted, integers and empty
// dates bare.
struct Row {
  std::string accountcode, src = "4185550101", dst = "5000", dcontext = "from-trunk",
                           clid = "\"\"\"Lucie Tremblay\"\" <4185550101>\"", channel = "SIP/trunk-00000001",
                           dstchannel = "SIP/1001-00000002", lastapp = "Dial", lastdata = "SIP/1001,30",
                           start = "2026-03-02 09:00:00", answer = "2026-03-02 09:00:10", end = "2026-03-02 09:05:00",
                           disposition = "ANSWERED", uniqueid = "1772460000.1", userfield = "",
                           linkedid = "1772460000.1", sequence = "1";
  std::string text(int columns, bool uniqueid_in_17 = true) const {
    auto q = [](const std::string& s) { return "\"" + s + "\""; };
    std::string out = q(accountcode) + "," + q(src) + "," + q(dst) + "," + q(dcontext) + "," +
                      (clid.rfind('"', 0) == 0 ? clid : q(clid)) + "," + q(channel) + "," + q(dstchannel) + "," +
                      q(lastapp) + "," + q(lastdata) + "," + (start.empty() ? "" : q(start)) + "," +
                      (answer.empty() ? "" : q(answer)) + "," + (end.empty() ? "" : q(end)) + ",300,290," +
                      q(disposition) + ",\"DOCUMENTATION\"";
    switch (columns) {
      case 17: out += "," + q(uniqueid_in_17 ? uniqueid : userfield); break;
      case 18: out += "," + q(uniqueid) + "," + q(userfield); break;
      case 19: out += ",\"\"," + q(linkedid) + "," + sequence; break;
      case 20: out += "," + q(uniqueid_in_17 ? uniqueid : userfield) + ",\"\"," + q(linkedid) + "," + sequence; break;
      case 21: out += "," + q(uniqueid) + "," + q(userfield) + ",\"\"," + q(linkedid) + "," + sequence; break;
      default: break;
    }
    return out + "\n";
  }
};

IngestOptions toronto(int columns = 0) {
  IngestOptions o;
  o.tz = "America/Toronto";
  o.columns = columns;
  return o;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(asterisk)

BOOST_AUTO_TEST_CASE(transfer_legs_fold_into_one_contact) {
  Row a;  // the caller to the first agent, then transferred
  Row b = a;
  b.channel = "SIP/1001-00000002";
  b.dstchannel = "SIP/1002-00000003";
  b.start = "2026-03-02 09:05:00";
  b.answer = "2026-03-02 09:05:05";
  b.end = "2026-03-02 09:12:00";
  b.uniqueid = "1772460300.3";
  b.sequence = "2";
  Row c;  // another caller, nobody answers
  c.src = "";
  c.clid = "\"\"\"Andr\xE9 B\xE9langer\"\" <5145550199>\"";
  c.dstchannel = "";
  c.lastapp = "Queue";
  c.lastdata = "impots,t,,,300";
  c.start = "2026-03-02 10:00:00";
  c.answer = "";
  c.end = "2026-03-02 10:02:00";
  c.disposition = "NO ANSWER";
  c.uniqueid = c.linkedid = "1772463600.7";
  // The second leg is written first: rows are written when each CDR ends.
  auto sink = run_reader("asterisk-cdr", b.text(21) + c.text(21) + a.text(21), toronto(), "Master.csv");
  BOOST_TEST(sink.rejects.empty());
  BOOST_TEST(sink.merged == 1);
  BOOST_TEST(sink.read() == 3);
  BOOST_TEST(sink.ndjson() ==
             "{\"id\":\"1772460000.1\",\"channel\":\"phone\",\"start\":\"2026-03-02T14:00:00Z\","
             "\"answered\":\"2026-03-02T14:00:10Z\",\"end\":\"2026-03-02T14:12:00Z\",\"ids\":{\"phone\":\"4185550101\"},"
             "\"conversation\":\"1772460000.1\",\"agent\":\"1001\",\"src\":{\"file\":\"Master.csv\",\"line\":3}}\n"
             "{\"id\":\"1772463600.7\",\"channel\":\"phone\",\"start\":\"2026-03-02T15:00:00Z\","
             "\"end\":\"2026-03-02T15:02:00Z\",\"ids\":{\"phone\":\"5145550199\"},\"outcome\":\"abandoned\","
             "\"conversation\":\"1772463600.7\",\"queue\":\"impots\",\"src\":{\"file\":\"Master.csv\",\"line\":2}}\n");
  BOOST_TEST(sink.notes["fields not in UTF-8 (read as Windows-1252)"] == 1);
  BOOST_REQUIRE(sink.records.size() == 2u);
  BOOST_TEST(sink.records[1].field("clid") == "\"Andr\xC3\xA9 B\xC3\xA9langer\" <5145550199>");
  BOOST_TEST(sink.records[1].field("dnis") == "5000");
  BOOST_TEST(sink.records[1].field("disposition") == "NO ANSWER");
}

BOOST_AUTO_TEST_CASE(every_column_count_is_detected) {
  for (int columns = 16; columns <= 21; ++columns) {
    BOOST_TEST_CONTEXT(columns << " columns") {
      Row a;
      a.userfield = "dossier 123";
      const std::string text = a.text(columns) + a.text(columns);  // two rows of one call
      auto sink = run_reader("asterisk-cdr", text, toronto());
      BOOST_TEST(sink.rejects.empty());
      BOOST_TEST(sink.read() == 2);
      BOOST_REQUIRE(!sink.records.empty());
      const OutRecord& r = sink.records[0];
      if (columns == 16) {
        // Nothing to group by: each row is a call of its own.
        BOOST_TEST(sink.records.size() == 2u);
        BOOST_TEST(r.id == "SIP/trunk-00000001@2026-03-02T14:00:00Z");
      } else if (columns == 17) {
        BOOST_TEST(sink.records.size() == 1u);
        BOOST_TEST(r.id == "1772460000.1");
        BOOST_TEST(r.conversation == "");
      } else if (columns == 18) {
        BOOST_TEST(r.id == "1772460000.1");
        BOOST_TEST(r.field("userfield") == "dossier 123");
      } else {
        BOOST_TEST(sink.records.size() == 1u);
        BOOST_TEST(r.id == "1772460000.1");
        BOOST_TEST(r.conversation == "1772460000.1");
      }
      BOOST_TEST(r.start == 1772460000LL * kMicrosPerSecond);
    }
  }
}

BOOST_AUTO_TEST_CASE(seventeenth_column_uniqueid_or_userfield) {
  Row a;
  a.userfield = "client 42";
  auto sink = run_reader("asterisk-cdr", a.text(17, false), toronto());
  BOOST_REQUIRE(sink.records.size() == 1u);
  BOOST_TEST(sink.records[0].field("userfield") == "client 42");
  BOOST_TEST(sink.records[0].id == "SIP/trunk-00000001@2026-03-02T14:00:00Z");
  a.uniqueid = "pbx1-1772460000.12";
  a.linkedid = "pbx1-1772460000.12";
  sink = run_reader("asterisk-cdr", a.text(20, true), toronto());
  BOOST_REQUIRE(sink.records.size() == 1u);
  BOOST_TEST(sink.records[0].id == "pbx1-1772460000.12");
  BOOST_TEST(sink.records[0].field("userfield") == "");
}

BOOST_AUTO_TEST_CASE(columns_option_forces_the_count) {
  Row a;
  // Detection picks 18 (most rows); --columns 21 keeps the 21-column row.
  const std::string text = a.text(18) + a.text(18) + a.text(21);
  auto detected = run_reader("asterisk-cdr", text, toronto());
  BOOST_TEST(detected.records.size() == 1u);
  BOOST_REQUIRE(detected.rejects.size() == 1u);
  BOOST_TEST(detected.rejects[0].first == 3);
  BOOST_TEST(detected.rejects[0].second.find("has 21 columns, expected 18") != std::string::npos);
  auto forced = run_reader("asterisk-cdr", text, toronto(21));
  BOOST_TEST(forced.records.size() == 1u);
  BOOST_REQUIRE(forced.rejects.size() == 2u);
  BOOST_TEST(forced.rejects[0].second.find("set by --columns") != std::string::npos);
  BOOST_TEST(forced.read() == 3);
}

BOOST_AUTO_TEST_CASE(bad_rows_are_rejected_with_a_reason) {
  Row ok;
  Row bad_time = ok;
  bad_time.start = "2026-02-30 09:00:00";
  bad_time.uniqueid = bad_time.linkedid = "1772460000.2";
  Row backwards = ok;
  backwards.end = "2026-03-02 08:00:00";
  backwards.uniqueid = backwards.linkedid = "1772460000.3";
  Row no_start = ok;
  no_start.start = "";
  no_start.uniqueid = no_start.linkedid = "1772460000.4";
  Row early_answer = ok;
  early_answer.answer = "2026-03-02 08:59:00";
  early_answer.uniqueid = early_answer.linkedid = "1772460000.5";
  const std::string text = ok.text(21) + "\"short\",\"row\"\n" + bad_time.text(21) + backwards.text(21) +
                           no_start.text(21) + early_answer.text(21);
  auto sink = run_reader("asterisk-cdr", text, toronto());
  BOOST_TEST(sink.records.size() == 1u);
  BOOST_REQUIRE(sink.rejects.size() == 5u);
  BOOST_TEST(sink.read() == 6);
  BOOST_TEST(sink.rejects[0].first == 2);
  BOOST_TEST(sink.rejects[0].second.find("record has 2 columns, expected 21") != std::string::npos);
  BOOST_TEST(sink.rejects[1].second.find("start: '2026-02-30 09:00:00' is not a date and time that exists") !=
             std::string::npos);
  BOOST_TEST(sink.rejects[2].second.find("end 2026-03-02 08:00:00 is before start") != std::string::npos);
  BOOST_TEST(sink.rejects[3].second.find("no start time") != std::string::npos);
  BOOST_TEST(sink.rejects[4].second.find("answer 2026-03-02 08:59:00 is before start") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(daylight_saving_changes_are_noted) {
  Row gap;
  gap.start = "2026-03-08 02:30:00";
  gap.answer = "";
  gap.end = "2026-03-08 03:40:00";
  Row fall;
  fall.uniqueid = fall.linkedid = "1793511000.9";
  fall.start = "2026-11-01 01:50:00";  // EDT, first pass
  fall.answer = "";
  fall.end = "2026-11-01 01:10:00";  // EST, the second pass of the repeated hour
  auto sink = run_reader("asterisk-cdr", gap.text(21) + fall.text(21), toronto());
  BOOST_REQUIRE(sink.records.size() == 2u);
  BOOST_TEST(format_time(sink.records[0].start) == "2026-03-08T07:30:00Z");
  BOOST_TEST(format_time(sink.records[0].end) == "2026-03-08T07:40:00Z");
  BOOST_TEST(format_time(sink.records[1].start) == "2026-11-01T05:50:00Z");
  BOOST_TEST(format_time(sink.records[1].end) == "2026-11-01T06:10:00Z");
  BOOST_TEST(sink.notes["local times in a daylight-saving gap (read with the offset before the change)"] == 1);
  BOOST_TEST(sink.notes["ambiguous local times (first occurrence taken)"] == 1);
  BOOST_TEST(sink.notes["ambiguous local times (second occurrence taken, as the first is before the start)"] == 1);
}

BOOST_AUTO_TEST_CASE(calls_from_internal_contexts_are_outbound) {
  Row a;
  a.dcontext = "from-internal";
  a.src = "1001";
  a.dst = "4185550177";
  auto sink = run_reader("asterisk-cdr", a.text(21), toronto());
  BOOST_REQUIRE(sink.records.size() == 1u);
  BOOST_TEST((sink.records[0].direction == Direction::out));
  BOOST_TEST(sink.records[0].field("ids.phone") == "4185550177");
}

BOOST_AUTO_TEST_CASE(unknown_zone_fails_at_the_start) {
  std::string err;
  IngestOptions o;
  o.tz = "Mars/Olympus";
  BOOST_TEST(make_asterisk_cdr(o, &err) == nullptr);
  BOOST_TEST(err.find("unknown time zone 'Mars/Olympus'") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
