#include <boost/test/unit_test.hpp>

#include "tests/unit/ingest_helpers.h"

using namespace parcours;
using parcours::test::run_reader;

namespace {

test::CollectSink run(const std::string& text) { return run_reader("connect-ctr", text); }

const char* const kCall =
    R"({"ContactId":"c1","Channel":"VOICE","InitiationMethod":"INBOUND","InitiationTimestamp":"2026-03-02T14:00:00Z",)"
    R"("DisconnectTimestamp":"2026-03-02T14:05:00Z","LastUpdateTimestamp":"2026-03-02T14:06:00Z",)"
    R"("CustomerEndpoint":{"Address":"+15145550101","Type":"TELEPHONE_NUMBER"},"Queue":{"Name":"Impôt"},)"
    R"("Agent":{"ARN":"arn:aws:connect:ca-central-1:1:instance/i/agent/a-42","ConnectedToAgentTimestamp":"2026-03-02T14:01:00Z"}})";

}  // namespace

BOOST_AUTO_TEST_SUITE(connect)

BOOST_AUTO_TEST_CASE(one_call_maps_every_field) {
  auto s = run(std::string(kCall) + "\n");
  BOOST_REQUIRE_EQUAL(s.records.size(), 1u);
  BOOST_CHECK_EQUAL(s.ndjson(),
                    R"({"id":"c1","channel":"phone","start":"2026-03-02T14:00:00Z","answered":"2026-03-02T14:01:00Z",)"
                    R"("end":"2026-03-02T14:05:00Z","ids":{"phone":"+15145550101"},"conversation":"c1",)"
                    R"("agent":"a-42","queue":"Impôt","src":{"file":"test","line":1}})"
                    "\n");
}

BOOST_AUTO_TEST_CASE(arrays_pretty_printing_and_back_to_back_objects) {
  const std::string a = R"({"ContactId":"a","InitiationTimestamp":"2026-03-02T14:00:00Z"})";
  const std::string b = R"({"ContactId":"b","InitiationTimestamp":"2026-03-02T15:00:00Z"})";
  // Firehose concatenates with no separator.
  auto s = run(a + b + "\n");
  BOOST_CHECK_EQUAL(s.records.size(), 2u);
  s = run("[" + a + ",\n  " + b + "]\n[" + a + "]");
  BOOST_CHECK_EQUAL(s.records.size(), 2u);
  BOOST_CHECK_EQUAL(s.merged, 1);
  BOOST_CHECK_EQUAL(s.records[0].id, "b");  // the kept "a" is the one on line 3
  BOOST_CHECK_EQUAL(s.records[1].src_line, 3);
  s = run("{\n  \"ContactId\": \"p\",\n  \"InitiationTimestamp\": \"2026-03-02T14:00:00Z\"\n}\n");
  BOOST_REQUIRE_EQUAL(s.records.size(), 1u);
  BOOST_CHECK_EQUAL(s.records[0].id, "p");
  BOOST_CHECK(s.rejects.empty());
}

BOOST_AUTO_TEST_CASE(latest_update_wins_and_ties_go_to_the_last_read) {
  auto rec = [](const char* agent, const char* updated) {
    return std::string(R"({"ContactId":"c1","InitiationTimestamp":"2026-03-02T14:00:00Z","Agent":{"Username":")") +
           agent + R"("},"LastUpdateTimestamp":")" + updated + "\"}\n";
  };
  auto s = run(rec("new", "2026-03-03T00:00:00Z") + rec("old", "2026-03-02T00:00:00Z"));
  BOOST_REQUIRE_EQUAL(s.records.size(), 1u);
  BOOST_CHECK_EQUAL(s.records[0].agent, "new");
  BOOST_CHECK_EQUAL(s.merged, 1);
  s = run(rec("first", "2026-03-03T00:00:00Z") + rec("second", "2026-03-03T00:00:00Z"));
  BOOST_REQUIRE_EQUAL(s.records.size(), 1u);
  BOOST_CHECK_EQUAL(s.records[0].agent, "second");
  BOOST_CHECK_EQUAL(s.records[0].src_line, 2);
}

BOOST_AUTO_TEST_CASE(channels_directions_and_outcomes) {
  auto one = [](const std::string& fields) {
    auto s = run(R"({"ContactId":"x","InitiationTimestamp":"2026-03-02T14:00:00Z",)" + fields + "}\n");
    BOOST_REQUIRE_EQUAL(s.records.size(), 1u);
    return s.records[0];
  };
  BOOST_CHECK(one(R"("Channel":"VOICE")").channel == Channel::ivr);  // no queue, no agent, no other leg
  BOOST_CHECK(one(R"("Channel":"VOICE","InitialContactId":"y")").channel == Channel::phone);
  BOOST_CHECK(one(R"("Channel":"VOICE","Queue":{"Name":"q"})").channel == Channel::phone);
  BOOST_CHECK(one(R"("Channel":"CHAT")").channel == Channel::chat);
  BOOST_CHECK(one(R"("Channel":"EMAIL")").channel == Channel::email);
  BOOST_CHECK(one(R"("Channel":"TASK")").channel == Channel::web);
  BOOST_CHECK(one(R"("InitiationMethod":"CALLBACK")").direction == Direction::out);
  BOOST_CHECK(one(R"("InitiationMethod":"OUTBOUND")").direction == Direction::out);
  BOOST_CHECK(one(R"("Channel":"VOICE","InitiationMethod":"API")").direction == Direction::out);
  BOOST_CHECK(one(R"("Channel":"CHAT","InitiationMethod":"API")").direction == Direction::in);
  BOOST_CHECK(one(R"("InitiationMethod":"QUEUE_TRANSFER")").direction == Direction::in);
  BOOST_CHECK(one(R"("NextContactId":"z")").outcome == Outcome::transferred);
  BOOST_CHECK(one(R"("TransferCompletedTimestamp":"2026-03-02T14:03:00Z")").outcome == Outcome::transferred);
  BOOST_CHECK(one(R"("Queue":{"Name":"q"},"DisconnectReason":"CUSTOMER_DISCONNECT")").outcome == Outcome::abandoned);
  BOOST_CHECK(one(R"("Queue":{"Name":"q"},"DisconnectReason":"CONTACT_FLOW_DISCONNECT")").outcome == Outcome::none);
  BOOST_CHECK(one(R"("Queue":{"Name":"q"},"Agent":{"ConnectedToAgentTimestamp":"2026-03-02T14:01:00Z"},)"
                  R"("DisconnectReason":"CUSTOMER_DISCONNECT")").outcome == Outcome::none);
  const OutRecord r = one(R"("InitialContactId":"first","Attributes":{"motif":"dossier fermé"})");
  BOOST_CHECK_EQUAL(r.conversation, "first");
  BOOST_CHECK_EQUAL(r.field("attributes.motif"), "dossier fermé");
  BOOST_CHECK_EQUAL(one(R"("ContactId":12345678901234567890)").id, "12345678901234567890");
}

BOOST_AUTO_TEST_CASE(bad_records_are_rejected_one_by_one) {
  auto s = run(std::string(kCall) + "\n" +
               R"({"Channel":"VOICE","InitiationTimestamp":"2026-03-02T14:00:00Z"})" "\n" +
               R"({"ContactId":"c2"})" "\n" +
               R"({"ContactId":"c3","InitiationTimestamp":"2026-03-02T25:00:00Z"})" "\n" +
               R"({"ContactId":"c4","InitiationTimestamp":"2026-03-02T14:00:00Z","Channel":"FAX"})" "\n" +
               R"({"ContactId":"c5","InitiationTimestamp":"2026-03-02T14:00:00Z","Queue":"q"})" "\n" +
               R"({"ContactId":"c6","InitiationTimestamp":"2026-03-02T14:00:00Z","DisconnectTimestamp":"2026-03-02T13:00:00Z"})" "\n" +
               R"({"ContactId":"c7",)" "\n" +
               "[1]\n" +
               R"({"ContactId":"c8","InitiationTimestamp":"2026-03-02T14:00:00Z"})" "\n");
  BOOST_CHECK_EQUAL(s.records.size(), 2u);
  BOOST_REQUIRE_EQUAL(s.rejects.size(), 8u);
  BOOST_CHECK_EQUAL(s.read(), 10);
  for (size_t i = 0; i < s.rejects.size(); ++i) BOOST_CHECK_EQUAL(s.rejects[i].first, static_cast<int64_t>(i + 2));
  BOOST_CHECK(s.rejects[0].second.find("ContactId is missing") != std::string::npos);
  BOOST_CHECK(s.rejects[1].second.find("InitiationTimestamp is missing") != std::string::npos);
  BOOST_CHECK(s.rejects[2].second.find("out of range") != std::string::npos);
  BOOST_CHECK(s.rejects[3].second.find("Channel 'FAX'") != std::string::npos);
  BOOST_CHECK(s.rejects[4].second.find("Queue must be an object") != std::string::npos);
  BOOST_CHECK(s.rejects[5].second.find("before InitiationTimestamp") != std::string::npos);
  BOOST_CHECK(s.rejects[6].second.find("not valid JSON at column") != std::string::npos);
  BOOST_CHECK(s.rejects[7].second.find("must be a JSON object") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_broken_document_keeps_what_comes_before_the_break) {
  const std::string a = R"({"ContactId":"a","InitiationTimestamp":"2026-03-02T14:00:00Z"})";
  auto s = run("[\n  " + a + ",\n  {\"ContactId\": \"b\",\n   \"InitiationTimestamp\": }\n]\n");
  // b is balanced, so simdjson judges it alone.
  BOOST_CHECK_EQUAL(s.records.size(), 1u);
  BOOST_REQUIRE_EQUAL(s.rejects.size(), 1u);
  BOOST_CHECK_EQUAL(s.rejects[0].first, 3);
  s = run("[\n  " + a + ",\n  {\"ContactId\": \"b\",\n   \"InitiationTimestamp\": \"2026-03");
  BOOST_CHECK_EQUAL(s.records.size(), 1u);
  BOOST_REQUIRE_EQUAL(s.rejects.size(), 1u);
  BOOST_CHECK_EQUAL(s.rejects[0].first, 4);
  BOOST_CHECK(s.rejects[0].second.find("column 27") != std::string::npos);
  BOOST_CHECK(s.rejects[0].second.find("the rest of the file is not read") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_broken_first_line_is_rejected_alone) {
  auto s = run("{\"ContactId\":\"a\",\"InitiationTimestamp\":\n"
               R"({"ContactId":"b","InitiationTimestamp":"2026-03-02T14:00:00Z"})" "\n");
  BOOST_CHECK_EQUAL(s.records.size(), 1u);
  BOOST_REQUIRE_EQUAL(s.rejects.size(), 1u);
  BOOST_CHECK_EQUAL(s.rejects[0].first, 1);
}

BOOST_AUTO_TEST_CASE(bytes_that_are_not_utf8_are_repaired_and_noted) {
  auto s = run("{\"ContactId\":\"c1\",\"InitiationTimestamp\":\"2026-03-02T14:00:00Z\",\"Queue\":{\"Name\":\"Imp\xF4t\"}}\n");
  BOOST_REQUIRE_EQUAL(s.records.size(), 1u);
  BOOST_CHECK_EQUAL(s.records[0].queue, "Imp\xC3\xB4t");
  BOOST_CHECK_EQUAL(s.notes.size(), 1u);
}

BOOST_AUTO_TEST_CASE(chat_transcripts_are_chat_contacts) {
  auto s = run(R"({"Version":"2019-08-26","ContactId":"k2","InitialContactId":"k1","Participants":[],"Transcript":[)"
               R"({"AbsoluteTime":"2026-03-02T14:00:00.100Z","ContentType":"application/vnd.amazonaws.connect.event.participant.joined","ParticipantRole":"CUSTOMER"},)"
               R"({"AbsoluteTime":"2026-03-02T14:02:00Z","ContentType":"text/plain","ParticipantRole":"AGENT","DisplayName":"Élise"},)"
               R"({"AbsoluteTime":"2026-03-02T14:09:00Z","ContentType":"text/plain","ParticipantRole":"CUSTOMER"}]})"
               "\n");
  BOOST_CHECK_EQUAL(s.ndjson(),
                    R"({"id":"k2","channel":"chat","start":"2026-03-02T14:00:00.1Z","answered":"2026-03-02T14:02:00Z",)"
                    R"("end":"2026-03-02T14:09:00Z","conversation":"k1","agent":"Élise","src":{"file":"test","line":1}})"
                    "\n");
}

BOOST_AUTO_TEST_SUITE_END()
