// The pieces of a self-contained HTML report (`parcours report`): escaping,
// numbers as English or French readers write them, and inline SVG charts.
//
// Everything here is pure string building without a locale: the same inputs
// give the same bytes on every machine, which the report promises auditors.
// Charts are inline SVG (no script, no external resource), each with a
// <title> and a <desc> that tells its data in words for screen readers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/metrics.h"

namespace parcours {

enum class Lang : uint8_t { en, fr };
bool parse_lang(std::string_view s, Lang* out);
std::string_view lang_code(Lang l);

// Text for element content and attribute values: & < > " ' escaped.
std::string html_escape(std::string_view s);

// U+202F NARROW NO-BREAK SPACE: the French thousands separator, and the
// space before "%".
inline constexpr std::string_view kNarrowNbsp = "\u202F";

// 1,234 (en) or 1 234 with a narrow no-break space (fr).
std::string format_count(int64_t n, Lang lang);
// num ÷ den rounded half up to `digits` decimals, grouped: 1,234.50 or
// 1 234,50. Empty when undefined.
std::string format_number(Ratio r, int digits, Lang lang);
// The ratio as a percentage: 33.3% (en) or 33,3 % (fr). Empty when undefined.
std::string format_percent(Ratio r, int digits, Lang lang);
// Seconds as h:mm:ss or m:ss, rounded half up to the second. Empty when
// undefined.
std::string format_duration(Ratio seconds);

// ---- Charts ------------------------------------------------------------
//
// Geometry is in SVG user units; the SVG scales to its container's width
// (viewBox), so a chart never overflows a printed page.

struct Series {
  std::string name;
  std::string color;  // #rrggbb
};

// Horizontal bars, one group per category and one bar per series, on a 0 to
// 100 % axis. A missing value draws no bar and prints `missing`.
struct BarChart {
  std::string id, title, desc;
  std::vector<std::string> categories;
  std::vector<Series> series;
  std::vector<std::vector<std::optional<double>>> values;  // [category][series], 0 to 1
  std::vector<std::vector<std::string>> labels;            // [category][series], printed after the bar
  std::string missing = "\u2013";
  std::vector<std::string> ticks;  // labels of 0, 25, 50, 75, 100 %
};
std::string bar_chart(const BarChart& c);

// Columns stacked to 100 %, one per period, one segment per series, a total
// above each column and a legend of the series.
struct StackedChart {
  std::string id, title, desc;
  std::vector<std::string> columns;
  std::vector<Series> series;
  std::vector<std::vector<int64_t>> values;        // [column][series]
  std::vector<std::string> totals;                 // printed above each column
  std::vector<std::vector<std::string>> tooltips;  // [column][series]
  std::vector<std::string> ticks;                  // labels of 0, 25, 50, 75, 100 %
};
std::string stacked_chart(const StackedChart& c);

// A matrix of counts, rows "from" and columns "to", each cell shaded by its
// count and labelled with it.
struct HeatMap {
  std::string id, title, desc;
  std::string row_axis, column_axis;
  std::vector<std::string> rows, columns;
  std::vector<std::string> row_colors, column_colors;  // a swatch beside each name
  std::vector<std::vector<int64_t>> counts;            // [row][column]
  std::vector<std::vector<std::string>> labels;        // [row][column], "" for no label
  std::vector<std::vector<std::string>> tooltips;      // [row][column]
};
std::string heat_map(const HeatMap& c);

// A small bar of `share` (0 to 1) for a table cell; decorative, since the
// number sits beside it.
std::string share_bar(double share, std::string_view color);

}  // namespace parcours
