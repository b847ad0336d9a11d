#include <boost/test/unit_test.hpp>

#include <cstring>

#include "core/html.h"
#include "core/report_text.h"

using namespace parcours;

BOOST_AUTO_TEST_SUITE(html)

BOOST_AUTO_TEST_CASE(escaping) {
  BOOST_TEST(html_escape("a<b>&\"c\"'d'") == "a&lt;b&gt;&amp;&quot;c&quot;&#39;d&#39;");
  BOOST_TEST(html_escape("crédit-impôt") == "crédit-impôt");  // UTF-8 passes through
  BOOST_TEST(html_escape("") == "");
  BOOST_TEST(html_escape("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;");
}

BOOST_AUTO_TEST_CASE(counts_en_fr) {
  BOOST_TEST(format_count(0, Lang::en) == "0");
  BOOST_TEST(format_count(999, Lang::en) == "999");
  BOOST_TEST(format_count(1234, Lang::en) == "1,234");
  BOOST_TEST(format_count(1234567, Lang::en) == "1,234,567");
  BOOST_TEST(format_count(-1234, Lang::en) == "-1,234");
  BOOST_TEST(format_count(1234, Lang::fr) == "1\u202F234");
  BOOST_TEST(format_count(1234567, Lang::fr) == "1\u202F234\u202F567");
  BOOST_TEST(format_count(100, Lang::fr) == "100");
}

BOOST_AUTO_TEST_CASE(decimals_en_fr) {
  BOOST_TEST(format_number(Ratio{5, 2}, 2, Lang::en) == "2.50");
  BOOST_TEST(format_number(Ratio{5, 2}, 2, Lang::fr) == "2,50");
  BOOST_TEST(format_number(Ratio{12345678, 10000}, 2, Lang::en) == "1,234.57");
  BOOST_TEST(format_number(Ratio{12345678, 10000}, 2, Lang::fr) == "1\u202F234,57");
  BOOST_TEST(format_number(Ratio{1, 0}, 2, Lang::en) == "");  // undefined
}

BOOST_AUTO_TEST_CASE(percents_en_fr) {
  // SPEC §6: FCR 1 of 3, repeat rate 2 of 5.
  BOOST_TEST(format_percent(Ratio{1, 3}, 1, Lang::en) == "33.3%");
  BOOST_TEST(format_percent(Ratio{1, 3}, 1, Lang::fr) == "33,3\u202F%");
  BOOST_TEST(format_percent(Ratio{2, 5}, 1, Lang::en) == "40.0%");
  BOOST_TEST(format_percent(Ratio{2, 3}, 1, Lang::en) == "66.7%");  // half up
  BOOST_TEST(format_percent(Ratio{1, 1}, 0, Lang::fr) == "100\u202F%");
  BOOST_TEST(format_percent(Ratio{0, 0}, 1, Lang::en) == "");
  BOOST_TEST(format_percent(Ratio{1, 8}, 1, Lang::en) == "12.5%");
  BOOST_TEST(format_percent(Ratio{1, 16}, 1, Lang::en) == "6.3%");  // 6.25 rounds half up
}

BOOST_AUTO_TEST_CASE(durations) {
  BOOST_TEST(format_duration(Ratio{0, 1}) == "0:00");
  BOOST_TEST(format_duration(Ratio{125, 1}) == "2:05");
  BOOST_TEST(format_duration(Ratio{3725, 1}) == "1:02:05");
  BOOST_TEST(format_duration(Ratio{59, 2}) == "0:30");  // 29.5 s, half up
  BOOST_TEST(format_duration(Ratio{1, 0}) == "");
}

BOOST_AUTO_TEST_CASE(charts_escape_and_describe) {
  BarChart c;
  c.id = "chart-x";
  c.title = "Rates <by> service";
  c.desc = "a & b";
  c.categories = {"s<1>"};
  c.series = {{"FCR", "#000000"}};
  c.values = {{0.5}};
  c.labels = {{"50%"}};
  const std::string svg = bar_chart(c);
  BOOST_TEST(svg.find("role=\"img\"") != std::string::npos);
  BOOST_TEST(svg.find("<title id=\"chart-x-title\">Rates &lt;by&gt; service</title>") != std::string::npos);
  BOOST_TEST(svg.find("<desc id=\"chart-x-desc\">a &amp; b</desc>") != std::string::npos);
  BOOST_TEST(svg.find("s&lt;1&gt;") != std::string::npos);
  BOOST_TEST(svg.find("<rect") != std::string::npos);
  BOOST_TEST(svg.find("s<1>") == std::string::npos);
  // The same data, the same bytes.
  BOOST_TEST(bar_chart(c) == svg);
}

BOOST_AUTO_TEST_CASE(heat_map_cells) {
  HeatMap h;
  h.id = "m";
  h.rows = h.columns = {"Web", "Phone"};
  h.counts = {{0, 3}, {1, 0}};
  h.labels = {{"", "3"}, {"1", ""}};
  h.tooltips = {{"a", "b"}, {"c", "d"}};
  const std::string svg = heat_map(h);
  size_t rects = 0;
  for (size_t at = svg.find("<rect"); at != std::string::npos; at = svg.find("<rect", at + 1)) ++rects;
  BOOST_TEST(rects == 4u);
  BOOST_TEST(svg.find(">3</text>") != std::string::npos);
  BOOST_TEST(svg.find("fill=\"#08306b\"") != std::string::npos);  // the largest count is the darkest
}

// Every label is set in both languages (ReportText holds only string_views).
BOOST_AUTO_TEST_CASE(every_label_translated) {
  static_assert(sizeof(ReportText) % sizeof(std::string_view) == 0);
  for (const Lang lang : {Lang::en, Lang::fr}) {
    const ReportText& t = report_text(lang);
    const size_t n = sizeof(ReportText) / sizeof(std::string_view);
    for (size_t i = 0; i < n; ++i) {
      std::string_view s;
      std::memcpy(static_cast<void*>(&s), reinterpret_cast<const char*>(&t) + i * sizeof(std::string_view), sizeof s);
      BOOST_TEST(!s.empty(), "label " << i << " of " << lang_code(lang) << " is empty");
    }
  }
  BOOST_TEST(channel_label(Channel::email, Lang::fr) == "Courriel");
  BOOST_TEST(report_text(Lang::fr).fcr_rate.substr(0, 4) == "Taux");
}

BOOST_AUTO_TEST_SUITE_END()
