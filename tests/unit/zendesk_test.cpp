#include <boost/test/unit_test.hpp>

#include "tests/unit/ingest_helpers.h"

using namespace parcours;
using parcours::test::run_reader;

namespace {

test::CollectSink run(const std::string& text) { return run_reader("zendesk", text); }

std::string ticket(const std::string& id, const std::string& channel, const std::string& more = "") {
  return R"({"id":)" + id + R"(,"via":{"channel":")" + channel +
         R"("},"created_at":"2026-03-02T13:05:00Z","updated_at":"2026-03-03T10:00:00Z","requester_id":6130907993114)" +
         more + "}";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(zendesk)

BOOST_AUTO_TEST_CASE(pages_lines_and_arrays) {
  const std::string page = R"({"tickets":[)" + ticket("1", "web") + "," + ticket("2", "email") + R"(],"count":2})";
  auto s = run(page + "\n" + page + "\n");
  BOOST_CHECK_EQUAL(s.records.size(), 2u);
  BOOST_CHECK_EQUAL(s.merged, 2);
  s = run(ticket("1", "web") + "\n" + ticket("2", "web") + "\n");
  BOOST_CHECK_EQUAL(s.records.size(), 2u);
  std::string array = ticket("1", "web") + ",\n" + ticket("2", "web") + "]";
  array.insert(array.begin(), '[');
  s = run(array);
  BOOST_CHECK_EQUAL(s.records.size(), 2u);
  s = run(R"({"ticket":)" + ticket("7", "web") + "}");
  BOOST_REQUIRE_EQUAL(s.records.size(), 1u);
  BOOST_CHECK_EQUAL(s.records[0].id, "7");
  BOOST_CHECK_EQUAL(s.records[0].ids.at(0).second, "6130907993114");  // not through a double
}

BOOST_AUTO_TEST_CASE(channels_outcomes_and_attrs) {
  auto one = [](const std::string& channel, const std::string& more = "") {
    auto s = run(ticket("1", channel, more));
    BOOST_REQUIRE_EQUAL(s.records.size(), 1u);
    return s.records[0];
  };
  BOOST_CHECK(one("email").channel == Channel::email);
  BOOST_CHECK(one("api").channel == Channel::web);
  BOOST_CHECK(one("native_messaging").channel == Channel::chat);
  BOOST_CHECK(one("voice").channel == Channel::phone);
  BOOST_CHECK(one("facebook").channel == Channel::social);
  BOOST_CHECK(one("phone_call_outbound").direction == Direction::out);
  BOOST_CHECK(one("web").outcome == Outcome::none);
  const OutRecord solved = one("web", R"(,"status":"solved","subject":"Crédit d'impôt","tags":["a","b"],)"
                                      R"("custom_fields":[{"id":42,"value":"credit-impot"},{"id":43,"value":["x"]}])");
  BOOST_CHECK(solved.outcome == Outcome::resolved);
  BOOST_CHECK_EQUAL(format_time(solved.end), "2026-03-03T10:00:00Z");
  BOOST_CHECK_EQUAL(solved.field("subject"), "Crédit d'impôt");
  BOOST_CHECK_EQUAL(solved.field("tags"), "a b");
  BOOST_CHECK_EQUAL(solved.field("custom_fields.42"), "credit-impot");
  BOOST_CHECK_EQUAL(solved.field("custom_fields.43"), "");
  auto s = run(ticket("1", "sample_ticket"));
  BOOST_REQUIRE_EQUAL(s.records.size(), 1u);
  BOOST_CHECK(s.records[0].channel == Channel::web);
  BOOST_CHECK_EQUAL(s.notes.size(), 1u);
}

BOOST_AUTO_TEST_CASE(latest_update_wins) {
  auto s = run(ticket("1", "web", R"(,"updated_at":"2026-03-09T00:00:00Z","status":"solved")") + "\n" +
               ticket("1", "web", R"(,"status":"open")") + "\n");
  BOOST_REQUIRE_EQUAL(s.records.size(), 1u);
  BOOST_CHECK(s.records[0].outcome == Outcome::resolved);
  BOOST_CHECK_EQUAL(s.merged, 1);
}

BOOST_AUTO_TEST_CASE(rejects) {
  auto s = run(R"({"via":{"channel":"web"},"created_at":"2026-03-02T13:05:00Z"})" "\n"
               R"({"id":3,"via":{"channel":"web"}})" "\n" +
               ticket("4", "web", R"(,"status":"deleted")") + "\n" +
               R"({"id":5,"created_at":"yesterday"})" "\n" +
               R"({"id":6,"via":"web","created_at":"2026-03-02T13:05:00Z"})" "\n");
  BOOST_CHECK(s.records.empty());
  BOOST_REQUIRE_EQUAL(s.rejects.size(), 5u);
  BOOST_CHECK(s.rejects[0].second.find("id is missing") != std::string::npos);
  BOOST_CHECK(s.rejects[1].second.find("created_at is missing") != std::string::npos);
  BOOST_CHECK(s.rejects[2].second.find("deleted") != std::string::npos);
  BOOST_CHECK(s.rejects[3].second.find("created_at 'yesterday'") != std::string::npos);
  BOOST_CHECK(s.rejects[4].second.find("via must be an object") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
