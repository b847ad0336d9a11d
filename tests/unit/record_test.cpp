#include <fmt/format.h>

#include <boost/test/unit_test.hpp>

#include "core/record.h"
#include "tests/unit/helpers.h"

using namespace parcours;
using parcours::test::problems;

namespace {
bool has(const std::vector<FieldError>& errs, std::string_view field, std::string_view text) {
  for (const auto& e : errs)
    if (e.field == field && e.message.find(text) != std::string::npos) return true;
  return false;
}
constexpr const char* kOk = R"({"id":"1","channel":"phone","start":"2026-03-01T09:00:00Z")";
std::string rec(std::string_view more) { return std::string(kOk) + std::string(more) + "}"; }
}  // namespace

BOOST_AUTO_TEST_SUITE(record)

BOOST_AUTO_TEST_CASE(channels_in_english_and_french) {
  Channel c;
  BOOST_TEST((parse_channel("phone", &c) && c == Channel::phone));
  BOOST_TEST((parse_channel("PHONE", &c) && c == Channel::phone));
  BOOST_TEST((parse_channel("t\xc3\xa9l\xc3\xa9phone", &c) && c == Channel::phone));
  BOOST_TEST((parse_channel("T\xc3\x89L\xc3\x89PHONE", &c) && c == Channel::phone));
  BOOST_TEST((parse_channel("telephone", &c) && c == Channel::phone));
  BOOST_TEST((parse_channel("rvi", &c) && c == Channel::ivr));
  BOOST_TEST((parse_channel("clavardage", &c) && c == Channel::chat));
  BOOST_TEST((parse_channel("courriel", &c) && c == Channel::email));
  BOOST_TEST((parse_channel("courrier", &c) && c == Channel::mail));
  BOOST_TEST((parse_channel("poste", &c) && c == Channel::mail));
  BOOST_TEST((parse_channel("t\xc3\xa9l\xc3\xa9\x63opie", &c) && c == Channel::fax));
  BOOST_TEST((parse_channel("telecopie", &c) && c == Channel::fax));
  BOOST_TEST((parse_channel("comptoir", &c) && c == Channel::counter));
  BOOST_TEST((parse_channel("internet", &c) && c == Channel::web));
  BOOST_TEST((parse_channel("medias-sociaux", &c) && c == Channel::social));
  BOOST_TEST((parse_channel("navigation-assistee", &c) && c == Channel::cobrowse));
  BOOST_TEST(!parse_channel("fone", &c));
  BOOST_TEST(!parse_channel("", &c));
  for (int i = 0; i < kChannelCount; ++i) {
    BOOST_TEST(parse_channel(channel_name(static_cast<Channel>(i)), &c));
    BOOST_TEST(static_cast<int>(c) == i);
  }
}

BOOST_AUTO_TEST_CASE(a_full_record_parses) {
  RecordParser p(RecordParser::Mode::kAllErrors);
  RawContact r;
  std::vector<FieldError> errs;
  std::string line = R"({"id":"007","channel":"courriel","start":"2026-03-01T09:00:00-05:00","answered":null,)"
                     R"("end":"2026-03-01T14:30:00Z","service":"cr\u00e9dit","customer":"A","ids":{"email":"a@b.ca","phone":null},)"
                     R"("direction":"out","outcome":"resolved","conversation":"c1","agent":"x","queue":"q","reason":"r",)"
                     R"("src":{"file":"x.csv","line":3}})";
  line.reserve(line.size() + 64);
  BOOST_TEST(p.parse(line, &r, &errs));
  BOOST_TEST(errs.empty());
  BOOST_TEST(r.id == "007");
  BOOST_TEST((r.channel == Channel::email));
  BOOST_TEST(r.answered == kNoTime);
  BOOST_TEST(r.end - r.start == 30 * 60 * kMicrosPerSecond);
  BOOST_TEST(r.service == "cr\xc3\xa9" "dit");
  BOOST_TEST(r.ids.size() == 1u);
  BOOST_TEST((r.direction == Direction::out));
  BOOST_TEST((r.outcome == Outcome::resolved));
  BOOST_TEST(r.conversation == "c1");
}

// Strings and keys are unescaped, blanks around them never part of them.
BOOST_AUTO_TEST_CASE(strings_with_and_without_escapes) {
  RecordParser p(RecordParser::Mode::kAllErrors);
  RawContact r;
  std::vector<FieldError> errs;
  std::string line = R"({ "\u0069d" : "a\"b\\" , "channel":"web" ,"start" :"2026-03-01T09:00:00Z",)"
                     R"("s\u0065rvice":"permis" , "customer" : "A\u0042" ,"agent":"",)"
                     R"( "ids" : { "em\u0061il" : "x@y.ca" , "client":"c\/1", "phone" :"+14185550100" } })";
  line.reserve(line.size() + 64);
  BOOST_TEST(p.parse(line, &r, &errs));
  BOOST_TEST(errs.empty());
  BOOST_TEST(r.id == "a\"b\\");
  BOOST_TEST(r.service == "permis");
  BOOST_TEST(r.customer == "AB");
  BOOST_TEST(r.agent == "");
  BOOST_TEST(r.ids.size() == 3u);
  BOOST_TEST((r.ids[0] == std::pair<std::string_view, std::string_view>("email", "x@y.ca")));
  BOOST_TEST((r.ids[1] == std::pair<std::string_view, std::string_view>("client", "c/1")));
  BOOST_TEST((r.ids[2] == std::pair<std::string_view, std::string_view>("phone", "+14185550100")));
  // A key of a known field's name written with an escape is that field.
  BOOST_TEST(has(problems(rec(R"(,"\u0069d":"2")")), "id", "twice"));
}

BOOST_AUTO_TEST_CASE(required_fields) {
  auto e = problems(R"({"channel":"web"})");
  BOOST_TEST(has(e, "id", "missing"));
  BOOST_TEST(has(e, "start", "missing"));
  BOOST_TEST(!has(e, "channel", ""));
  BOOST_TEST(has(problems(R"({"id":null,"channel":"web","start":"2026-03-01T09:00:00Z"})"), "id", "must not be null"));
  BOOST_TEST(has(problems(R"({"id":"","channel":"web","start":"2026-03-01T09:00:00Z"})"), "id", "empty"));
  BOOST_TEST(has(problems(R"({"id":12,"channel":"web","start":"2026-03-01T09:00:00Z"})"), "id", "not a number"));
}

BOOST_AUTO_TEST_CASE(values_are_checked) {
  BOOST_TEST(has(problems(rec(R"(,"direction":"inbound")")), "direction", "in or out"));
  BOOST_TEST(has(problems(rec(R"(,"outcome":"ok")")), "outcome", "not an outcome"));
  BOOST_TEST(has(problems(rec(R"(,"end":"2026-03-01T08:59:59Z")")), "end", "before start"));
  BOOST_TEST(has(problems(rec(R"(,"answered":"2026-03-01T08:00:00Z")")), "answered", "before start"));
  BOOST_TEST(has(problems(rec(R"(,"ids":["a"])")), "ids", "object"));
  BOOST_TEST(has(problems(rec(R"(,"ids":{"phone":5})")), "ids.phone", "string"));
  BOOST_TEST(has(problems(rec(R"(,"ids":{"":"x"})")), "ids", "kind"));
  BOOST_TEST(has(problems(rec(R"(,"src":{"file":"a","line":0})")), "src.line", "whole number"));
  BOOST_TEST(problems(rec(R"(,"end":"2026-03-01T09:00:00Z")")).empty());  // end == start is fine
}

BOOST_AUTO_TEST_CASE(unknown_and_duplicate_fields) {
  BOOST_TEST(has(problems(rec(R"(,"custmer":"A")")), "custmer", "unknown field"));
  // The computing tools ignore fields they do not know.
  BOOST_TEST(problems(rec(R"(,"custmer":"A")"), RecordParser::Mode::kFirstError).empty());
  BOOST_TEST(has(problems(rec(R"(,"id":"2")")), "id", "twice"));
}

// Keys are matched as written, in place: one that begins as a field's name
// does, or is the beginning of one, names another field, or none.
BOOST_AUTO_TEST_CASE(keys_near_a_fields_name_are_other_keys) {
  for (const char* key : {"i", "idx", "ids2", "channe", "channels", "s", "sr", "srcs", "starts", "conversations",
                          "answer", "e", "endd", "q", "reasons", "Id", "id\\\"", "d", "outcome_", "agents"}) {
    const std::string extra = fmt::format(R"(,"{}":"x")", key);
    const auto all = problems(rec(extra));
    BOOST_TEST(all.size() == 1u, key);
    BOOST_TEST(has(all, std::string_view(key) == "id\\\"" ? "id\"" : key, "unknown field"), key);
    BOOST_TEST(problems(rec(extra), RecordParser::Mode::kFirstError).empty(), key);
  }
  // The names themselves, each known once.
  BOOST_TEST(problems(rec(R"(,"ids":{},"end":"2026-03-01T10:00:00Z","src":{"file":"f","line":1},"agent":"a",)"
                          R"("queue":"q","reason":"r","service":"s","customer":"c","conversation":"v",)"
                          R"("answered":"2026-03-01T09:00:01Z","direction":"in","outcome":"resolved")"))
                 .empty());
}

// Every field's name written with an escape (its first letter as \u00XX)
// is still that field, its value where it belongs, and its name the one in
// the messages: the names looked up once unescaped are those matched in
// place, in the same fields.
BOOST_AUTO_TEST_CASE(every_field_written_with_an_escape_is_that_field) {
  const std::pair<std::string_view, std::string_view> fields[] = {
      {"id", R"("7")"},          {"channel", R"("chat")"},       {"start", R"("2026-03-01T09:00:00Z")"},
      {"answered", R"("2026-03-01T09:00:01Z")"}, {"end", R"("2026-03-01T09:00:02Z")"}, {"service", R"("s")"},
      {"customer", R"("c")"},    {"ids", R"({"email":"a@b.ca"})"}, {"direction", R"("out")"},
      {"outcome", R"("abandoned")"}, {"conversation", R"("v")"}, {"agent", R"("g")"},
      {"queue", R"("q")"},       {"reason", R"("r")"},           {"src", R"({"file":"f","line":2})"}};
  const auto escaped = [](std::string_view name) {
    return fmt::format(R"("\u{:04x}{}")", static_cast<int>(name[0]), name.substr(1));
  };
  std::string line = "{";
  for (const auto& [name, value] : fields) line += fmt::format("{}{}:{}", line.size() > 1 ? "," : "", escaped(name), value);
  line += "}";
  line.reserve(line.size() + 64);
  RecordParser p(RecordParser::Mode::kAllErrors);
  RawContact r;
  std::vector<FieldError> errs;
  BOOST_REQUIRE_MESSAGE(p.parse(line, &r, &errs), line);
  BOOST_TEST(r.id == "7");
  BOOST_TEST((r.channel == Channel::chat));
  BOOST_TEST(r.end - r.answered == r.answered - r.start);
  BOOST_TEST(r.answered - r.start == kMicrosPerSecond);
  BOOST_TEST(r.service == "s");
  BOOST_TEST(r.customer == "c");
  BOOST_REQUIRE(r.ids.size() == 1u);
  BOOST_TEST(r.ids[0].second == "a@b.ca");
  BOOST_TEST((r.direction == Direction::out));
  BOOST_TEST((r.outcome == Outcome::abandoned));
  BOOST_TEST(r.conversation == "v");
  BOOST_TEST(r.agent == "g");
  BOOST_TEST(r.queue == "q");
  BOOST_TEST(r.reason == "r");
  // Each, written twice, is named in the message.
  for (const auto& [name, value] : fields) {
    const std::string twice = rec(fmt::format(",{}:{},{}:{}", escaped(name), value, escaped(name), value));
    BOOST_TEST(has(problems(twice), name, "twice"), name);
  }
}

BOOST_AUTO_TEST_CASE(broken_lines) {
  BOOST_TEST(has(problems("not json"), "-", ""));
  BOOST_TEST(has(problems("[1,2]"), "-", "not a JSON object"));
  BOOST_TEST(has(problems(R"({"id":"1","channel":"web")"), "-", ""));  // truncated
  BOOST_TEST(has(problems(rec("") + " {}"), "-", "after the end"));
  BOOST_TEST(has(problems(std::string(R"({"id":"a)") + '\xff' + R"(","channel":"web","start":"2026-03-01T09:00:00Z"})"), "-", ""));
}

BOOST_AUTO_TEST_CASE(all_errors_versus_first_error) {
  const std::string bad = R"({"id":"","channel":"fone","start":"yesterday"})";
  BOOST_TEST(problems(bad).size() == 3u);
  BOOST_TEST(problems(bad, RecordParser::Mode::kFirstError).size() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
