#include <unistd.h>

#include <boost/test/unit_test.hpp>

#include "core/csv.h"

using namespace parcours;

namespace {

struct Rec {
  std::vector<std::string> fields;
  std::string raw;
  int64_t line;
  bool operator==(const Rec&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Rec& r) {
  os << r.line << ":[";
  for (const auto& f : r.fields) os << '<' << f << '>';
  return os << "] raw <" << r.raw << '>';
}

std::vector<Rec> drain(CsvReader& reader) {
  std::vector<Rec> out;
  CsvRecord rec;
  while (reader.next(&rec)) {
    Rec r{{}, std::string(rec.raw), rec.line};
    for (auto f : rec.fields) r.fields.emplace_back(f);
    out.push_back(std::move(r));
  }
  BOOST_TEST(reader.error() == "");
  return out;
}

std::vector<Rec> parse(std::string_view text, CsvOptions options = {}) {
  CsvReader reader(options);
  reader.open_text(text);
  return drain(reader);
}

// The same text read from a file `block` bytes at a time.
std::vector<Rec> parse_file(std::string_view text, size_t block, CsvOptions options = {}) {
  char path[] = "/tmp/parcours-csv-XXXXXX";
  const int fd = mkstemp(path);
  BOOST_REQUIRE(fd >= 0);
  BOOST_REQUIRE(::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()));
  ::close(fd);
  options.block = block;
  CsvReader reader(options);
  std::string err;
  BOOST_REQUIRE_MESSAGE(reader.open(path, &err), err);
  auto out = drain(reader);
  ::unlink(path);
  return out;
}

using F = std::vector<std::string>;

}  // namespace

BOOST_AUTO_TEST_SUITE(csv)

BOOST_AUTO_TEST_CASE(plain_and_quoted_fields) {
  auto r = parse("a,b,c\n\"x\",\"\",\"y,z\"\n");
  BOOST_REQUIRE(r.size() == 2u);
  BOOST_TEST((r[0] == Rec{F{"a", "b", "c"}, "a,b,c", 1}));
  BOOST_TEST((r[1] == Rec{F{"x", "", "y,z"}, "\"x\",\"\",\"y,z\"", 2}));
}

BOOST_AUTO_TEST_CASE(doubled_quotes_are_one_quote) {
  auto r = parse("\"\"\"Bob\"\" <100>\",2\n");
  BOOST_REQUIRE(r.size() == 1u);
  BOOST_TEST((r[0].fields == F{"\"Bob\" <100>", "2"}));
}

BOOST_AUTO_TEST_CASE(empty_fields_and_trailing_delimiter) {
  auto r = parse(",,\na,\n\"\"\n");
  BOOST_REQUIRE(r.size() == 3u);
  BOOST_TEST((r[0].fields == F{"", "", ""}));
  BOOST_TEST((r[1].fields == F{"a", ""}));
  BOOST_TEST((r[2].fields == F{""}));
}

BOOST_AUTO_TEST_CASE(quoted_field_spanning_lines_keeps_its_first_line) {
  auto r = parse("a,\"one\ntwo\r\nthree\",b\nnext,1\n");
  BOOST_REQUIRE(r.size() == 2u);
  BOOST_TEST((r[0] == Rec{F{"a", "one\ntwo\nthree", "b"}, "a,\"one\ntwo\r\nthree\",b", 1}));
  BOOST_TEST((r[1] == Rec{F{"next", "1"}, "next,1", 4}));
}

BOOST_AUTO_TEST_CASE(crlf_bom_and_last_line_without_newline) {
  auto r = parse("\xEF\xBB\xBF" "a,\"b\"\r\nc,d\r\ne,f");
  BOOST_REQUIRE(r.size() == 3u);
  BOOST_TEST((r[0] == Rec{F{"a", "b"}, "a,\"b\"", 1}));
  BOOST_TEST((r[1] == Rec{F{"c", "d"}, "c,d", 2}));
  BOOST_TEST((r[2] == Rec{F{"e", "f"}, "e,f", 3}));
  auto q = parse("a,\"b\"");
  BOOST_REQUIRE(q.size() == 1u);
  BOOST_TEST((q[0].fields == F{"a", "b"}));
}

BOOST_AUTO_TEST_CASE(blank_lines_are_skipped_but_counted) {
  auto r = parse("\na\n\r\n\nb\n\n");
  BOOST_REQUIRE(r.size() == 2u);
  BOOST_TEST((r[0] == Rec{F{"a"}, "a", 2}));
  BOOST_TEST((r[1] == Rec{F{"b"}, "b", 5}));
}

BOOST_AUTO_TEST_CASE(any_delimiter) {
  CsvOptions o;
  o.delimiter = ';';
  auto r = parse("a;\"b;c\";d,e\n", o);
  BOOST_REQUIRE(r.size() == 1u);
  BOOST_TEST((r[0].fields == F{"a", "b;c", "d,e"}));
  o.delimiter = '\t';
  r = parse("a\t\"b\"\tc\n", o);
  BOOST_TEST((r[0].fields == F{"a", "b", "c"}));
  o.delimiter = '|';
  r = parse("a|b\n", o);
  BOOST_TEST((r[0].fields == F{"a", "b"}));
}

BOOST_AUTO_TEST_CASE(stray_quotes_are_kept_literally) {
  // Inside an unquoted field.
  auto r = parse("ab\"c,5\" disk,x\n");
  BOOST_REQUIRE(r.size() == 1u);
  BOOST_TEST((r[0].fields == F{"ab\"c", "5\" disk", "x"}));
  // Inside a quoted field, not doubled (FreeSWITCH writes values unescaped).
  r = parse("\"Bob \"the\" Builder\",\"1000\"\n");
  BOOST_REQUIRE(r.size() == 1u);
  BOOST_TEST((r[0].fields == F{"Bob \"the\" Builder", "1000"}));
}

BOOST_AUTO_TEST_CASE(an_unclosed_quote_costs_one_record) {
  // Still open at the end of the input: the record ends with its line.
  auto r = parse("a,\"open\nb,c\nd,e\n");
  BOOST_REQUIRE(r.size() == 3u);
  BOOST_TEST((r[0] == Rec{F{"a", "open"}, "a,\"open", 1}));
  BOOST_TEST((r[1] == Rec{F{"b", "c"}, "b,c", 2}));
  BOOST_TEST((r[2] == Rec{F{"d", "e"}, "d,e", 3}));
  // Open for more than max_lines lines: the same.
  CsvOptions o;
  o.max_lines = 2;
  r = parse("a,\"open\nb\nc\nd\"\ne\n", o);
  BOOST_REQUIRE(r.size() == 5u);
  BOOST_TEST((r[0] == Rec{F{"a", "open"}, "a,\"open", 1}));
  BOOST_TEST((r[3] == Rec{F{"d\""}, "d\"", 4}));
  BOOST_TEST((r[4] == Rec{F{"e"}, "e", 5}));
  // Within max_lines, the quote spans.
  r = parse("a,\"open\nb\"\ne\n", o);
  BOOST_REQUIRE(r.size() == 2u);
  BOOST_TEST((r[0].fields == F{"a", "open\nb"}));
}

BOOST_AUTO_TEST_CASE(raw_bytes_pass_through) {
  auto r = parse("\"Andr\xE9\",\"x\"\n");
  BOOST_REQUIRE(r.size() == 1u);
  BOOST_TEST((r[0].fields == F{"Andr\xE9", "x"}));
}

BOOST_AUTO_TEST_CASE(records_split_across_blocks_read_the_same) {
  const std::string text =
      "\xEF\xBB\xBF\"\"\"Bob\"\" <100>\",\"a\r\nb\",c\r\n\r\n"
      "x,\"y\"\"z\",\"\"\n"
      "\"Bob \"the\" B\",1\n"
      "a,\"open\nlast,\"q\"\r\n"
      "tail,\"end\"";
  const auto want = parse(text);
  BOOST_TEST(want.size() == 5u);
  for (size_t block = 1; block <= text.size() + 1; ++block) {
    BOOST_TEST_CONTEXT("block " << block) { BOOST_TEST(parse_file(text, block) == want, boost::test_tools::per_element()); }
  }
}

BOOST_AUTO_TEST_CASE(missing_file_is_an_error) {
  CsvReader reader;
  std::string err;
  BOOST_TEST(!reader.open("/nonexistent/Master.csv", &err));
  BOOST_TEST(err.find("cannot open") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
