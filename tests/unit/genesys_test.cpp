#include <boost/test/unit_test.hpp>

#include "tests/unit/ingest_helpers.h"

using namespace parcours;
using parcours::test::run_reader;

namespace {

test::CollectSink run(const std::string& text) { return run_reader("genesys", text); }

std::string seg(const std::string& start, const std::string& end, const std::string& type,
                const std::string& more = "") {
  return R"({"segmentStart":"2026-03-02T)" + start + R"(Z","segmentEnd":"2026-03-02T)" + end +
         R"(Z","segmentType":")" + type + "\"" + more + "}";
}

std::string participant(const std::string& purpose, const std::string& media, const std::string& segments,
                        const std::string& session_more = "", const std::string& more = "") {
  return R"({"purpose":")" + purpose + "\"" + more + R"(,"sessions":[{"mediaType":")" + media + "\"" + session_more +
         R"(,"segments":[)" + segments + "]}]}";
}

std::string conversation(const std::string& id, const std::string& participants, const std::string& more = "") {
  return R"({"conversationId":")" + id + R"(","conversationStart":"2026-03-02T13:00:00.000Z")" + more +
         R"(,"participants":[)" + participants + "]}";
}

const std::string kCustomerVoice = participant("customer", "voice", seg("13:00:00", "13:10:00", "interact"),
                                               R"(,"direction":"inbound","ani":"tel:+15145550101")");
const std::string kQueue = participant("acd", "voice", seg("13:01:00", "13:02:00", "interact", R"(,"queueId":"q1")"),
                                       "", R"(,"participantName":"Impôts")");
std::string agent(const std::string& disconnect = "client") {
  return participant("agent", "voice",
                     seg("13:02:00", "13:10:00", "interact", R"(,"disconnectType":")" + disconnect + "\""), "",
                     R"(,"userId":"u-1")");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(genesys)

BOOST_AUTO_TEST_CASE(an_answered_call) {
  auto s = run(R"({"conversations":[)" +
               conversation("c1", kCustomerVoice + "," + kQueue + "," + agent(),
                            R"(,"conversationEnd":"2026-03-02T13:10:00.000Z","originatingDirection":"inbound")") +
               "]}\n");
  BOOST_CHECK_EQUAL(s.ndjson(),
                    R"({"id":"c1","channel":"phone","start":"2026-03-02T13:00:00Z","answered":"2026-03-02T13:02:00Z",)"
                    R"("end":"2026-03-02T13:10:00Z","ids":{"phone":"+15145550101"},"agent":"u-1","queue":"Impôts",)"
                    R"("src":{"file":"test","line":1}})"
                    "\n");
}

BOOST_AUTO_TEST_CASE(ivr_abandoned_and_transferred) {
  const std::string ivr = participant("ivr", "voice", seg("13:00:00", "13:01:00", "ivr"));
  auto s = run(conversation("ivr-only", kCustomerVoice + "," + ivr) + "\n" +
               conversation("gave-up", kCustomerVoice + "," + ivr + "," + kQueue) + "\n" +
               conversation("handed-on", kCustomerVoice + "," + kQueue + "," + agent("transfer")) + "\n" +
               conversation("in-house", kCustomerVoice + "," + kQueue + "," + agent("client")) + "\n");
  BOOST_REQUIRE_EQUAL(s.records.size(), 4u);
  BOOST_CHECK(s.records[0].channel == Channel::ivr);
  BOOST_CHECK(s.records[0].outcome == Outcome::none);
  BOOST_CHECK(s.records[1].channel == Channel::phone);
  BOOST_CHECK(s.records[1].outcome == Outcome::abandoned);
  BOOST_CHECK(s.records[2].outcome == Outcome::transferred);
  BOOST_CHECK(s.records[3].outcome == Outcome::none);
  BOOST_CHECK_EQUAL(format_time(s.records[0].end), "2026-03-02T13:10:00Z");  // no conversationEnd: last segment
}

BOOST_AUTO_TEST_CASE(several_media_make_several_contacts) {
  const std::string callback =
      participant("customer", "callback", seg("13:20:00", "13:30:00", "interact"), R"(,"callbackNumbers":["+15145550199"])");
  std::string array = conversation("c2", kCustomerVoice + "," + callback + "," + kQueue,
                                    R"(,"originatingDirection":"inbound")");
  array.insert(array.begin(), '[');
  auto s = run(array + "]");
  BOOST_REQUIRE_EQUAL(s.records.size(), 2u);
  BOOST_CHECK_EQUAL(s.records[0].id, "c2:voice");
  BOOST_CHECK_EQUAL(s.records[1].id, "c2:callback");
  BOOST_CHECK(s.records[1].direction == Direction::out);
  BOOST_CHECK_EQUAL(format_time(s.records[1].start), "2026-03-02T13:20:00Z");
  BOOST_CHECK_EQUAL(s.records[1].ids.at(0).second, "+15145550199");
  BOOST_CHECK_EQUAL(s.records[1].field("media_type"), "callback");
}

BOOST_AUTO_TEST_CASE(identifiers_of_each_medium) {
  auto s = run(conversation("m1", participant("customer", "email", seg("13:00:00", "13:05:00", "interact"),
                                              R"(,"addressFrom":"ana@exemple.ca")", R"(,"externalContactId":"x9")")) +
               "\n" +
               conversation("m2", participant("external", "message", seg("13:00:00", "13:05:00", "interact"),
                                              R"(,"messageType":"sms","addressFrom":"+14185550123")")) +
               "\n" +
               conversation("m3", participant("customer", "message", seg("13:00:00", "13:05:00", "interact"),
                                              R"(,"messageType":"facebook","addressFrom":"psid-1")")) +
               "\n");
  BOOST_REQUIRE_EQUAL(s.records.size(), 3u);
  BOOST_CHECK(s.records[0].channel == Channel::email);
  BOOST_CHECK_EQUAL(s.records[0].field("ids.email"), "ana@exemple.ca");
  BOOST_CHECK_EQUAL(s.records[0].field("ids.genesys"), "x9");
  BOOST_CHECK(s.records[1].channel == Channel::chat);
  BOOST_CHECK_EQUAL(s.records[1].field("ids.phone"), "+14185550123");
  BOOST_CHECK(s.records[2].channel == Channel::social);
  BOOST_CHECK_EQUAL(s.records[2].field("ids.chat"), "psid-1");
}

BOOST_AUTO_TEST_CASE(rejects_and_duplicates) {
  auto s = run(conversation("d1", kCustomerVoice) + "\n" +
               conversation("d1", kCustomerVoice, R"(,"conversationEnd":"2026-03-02T13:10:00Z")") + "\n" +
               conversation("d1", kCustomerVoice) + "\n" +
               R"({"participants":[]})" "\n" +
               conversation("n1", participant("agent", "screenmonitoring", seg("13:00:00", "13:05:00", "interact"))) +
               "\n" + conversation("n2", kCustomerVoice, R"(,"conversationEnd":"2026-03-02T12:00:00Z")") + "\n");
  BOOST_REQUIRE_EQUAL(s.records.size(), 1u);
  BOOST_CHECK_EQUAL(s.records[0].src_line, 2);  // the one that has ended wins
  BOOST_CHECK_EQUAL(s.merged, 2);
  BOOST_REQUIRE_EQUAL(s.rejects.size(), 3u);
  BOOST_CHECK(s.rejects[0].second.find("conversationId is missing") != std::string::npos);
  BOOST_CHECK(s.rejects[1].second.find("no session of a customer medium") != std::string::npos);
  BOOST_CHECK(s.rejects[2].second.find("ends before it starts") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
