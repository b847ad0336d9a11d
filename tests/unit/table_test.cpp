#include <boost/test/unit_test.hpp>

#include "core/table.h"

using namespace parcours;

BOOST_AUTO_TEST_SUITE(table)

BOOST_AUTO_TEST_CASE(ratios_round_half_up_in_integers) {
  BOOST_TEST(format_ratio4({1, 3}) == "0.3333");
  BOOST_TEST(format_ratio4({2, 3}) == "0.6667");
  BOOST_TEST(format_ratio4({2, 5}) == "0.4000");
  BOOST_TEST(format_ratio4({1, 20000}) == "0.0001");  // exactly half: up
  BOOST_TEST(format_ratio4({1, 20001}) == "0.0000");
  BOOST_TEST(format_ratio4({5, 3}) == "1.6667");
  BOOST_TEST(format_ratio4({7, 7}) == "1.0000");
  BOOST_TEST(format_ratio4({0, 0}) == "");
}

BOOST_AUTO_TEST_CASE(formats) {
  Table t;
  t.columns = {"service", "n", "rate"};
  t.rows.push_back({Cell::of("a,b\t\"c\""), Cell::of(int64_t{3}), Cell::of(Ratio{1, 3})});
  t.rows.push_back({Cell::of("cr\xc3\xa9" "dit"), Cell::of(int64_t{12}), Cell::of(Ratio{0, 0})});
  BOOST_TEST(render(t, Format::tsv) == "service\tn\trate\na,b\\t\"c\"\t3\t0.3333\ncr\xc3\xa9" "dit\t12\t\n");
  BOOST_TEST(render(t, Format::csv) == "service,n,rate\n\"a,b\t\"\"c\"\"\",3,0.3333\ncr\xc3\xa9" "dit,12,\n");
  BOOST_TEST(render(t, Format::json) ==
             "[\n  {\"service\": \"a,b\\t\\\"c\\\"\", \"n\": 3, \"rate\": 0.3333333333333333},\n"
             "  {\"service\": \"cr\xc3\xa9" "dit\", \"n\": 12, \"rate\": null}\n]\n");
  BOOST_TEST(render(t, Format::table) ==
             "service    n    rate\n"
             "a,b\\t\"c\"   3  0.3333\n"  // escaped as in TSV; widths in code points
             "cr\xc3\xa9" "dit    12\n");
}

BOOST_AUTO_TEST_CASE(empty_json_is_an_empty_array) {
  Table t;
  t.columns = {"a"};
  BOOST_TEST(render(t, Format::json) == "[]\n");
}

// json_plain reads 8 bytes at a time: every byte value, at every place of
// strings of 1 to 19 bytes among plain ones (next to the bytes the tests
// look for, and high ones), is judged as one at a time.
BOOST_AUTO_TEST_CASE(json_plain_agrees_byte_by_byte) {
  for (const char around : {'a', ' ', '!', '#', '[', ']', '\x7f', '\x80', '\xff'}) {
    for (size_t size = 1; size <= 19; ++size) {
      for (size_t at = 0; at < size; ++at) {
        for (int b = 0; b < 256; ++b) {
          std::string s(size, around);
          s[at] = static_cast<char>(b);
          const bool plain = b >= 0x20 && b != '"' && b != '\\';
          BOOST_TEST_CONTEXT("around " << int(around) << " size " << size << " at " << at << " byte " << b) {
            BOOST_REQUIRE(json_plain(s) == plain);
          }
        }
      }
    }
  }
  BOOST_TEST(json_plain(""));
  BOOST_TEST(json_plain("\x7f\xff\x80 ~!#"));  // DEL and high bytes are plain
  std::string out;
  append_json_string(out, "P00184584");
  append_json_string(out, "a\"b\\c\n\x01");
  BOOST_TEST(out == "\"P00184584\"\"a\\\"b\\\\c\\n\\u0001\"");
}

BOOST_AUTO_TEST_SUITE_END()
