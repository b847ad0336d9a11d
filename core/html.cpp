#include "core/html.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "core/reports.h"

namespace parcours {

bool parse_lang(std::string_view s, Lang* out) {
  if (s == "en") *out = Lang::en;
  else if (s == "fr") *out = Lang::fr;
  else return false;
  return true;
}

std::string_view lang_code(Lang l) { return l == Lang::fr ? "fr" : "en"; }

std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (const char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

namespace {

// "1234567" -> "1,234,567" (or with U+202F); `digits` holds only digits.
std::string group(std::string_view digits, Lang lang) {
  const std::string_view sep = lang == Lang::fr ? kNarrowNbsp : ",";
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += sep;
    out += digits[i];
  }
  return out;
}

// Grouping and the decimal mark of a plain "-1234.5".
std::string localize(std::string_view plain, Lang lang) {
  std::string out;
  if (!plain.empty() && plain.front() == '-') {
    out += '-';
    plain.remove_prefix(1);
  }
  const size_t dot = plain.find('.');
  out += group(plain.substr(0, dot), lang);
  if (dot != std::string_view::npos) {
    out += lang == Lang::fr ? ',' : '.';
    out += plain.substr(dot + 1);
  }
  return out;
}

// SVG coordinates: one decimal at most, no trailing ".0".
std::string num(double v) {
  std::string s = fmt::format("{:.1f}", v);
  if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0) s.resize(s.size() - 2);
  if (s == "-0") s = "0";
  return s;
}

// Long names are cut in charts (with the whole name in a tooltip).
std::string shorten(std::string_view s, size_t max_code_points) {
  size_t n = 0, at = 0;
  for (; at < s.size(); ++at) {
    if ((static_cast<unsigned char>(s[at]) & 0xC0) != 0x80) {
      if (n == max_code_points) break;
      ++n;
    }
  }
  if (at >= s.size()) return std::string(s);
  // One code point less, to leave room for the ellipsis.
  size_t cut = at;
  do --cut;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80);
  return std::string(s.substr(0, cut)) + "\u2026";
}

std::string svg_open(std::string_view id, double w, double h, std::string_view title, std::string_view desc) {
  // The xmlns is a namespace name, never fetched.
  return fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" id=\"{0}\" viewBox=\"0 0 {1} {2}\" width=\"{1}\" "
      "height=\"{2}\" style=\"max-width:{1}px\" role=\"img\" aria-labelledby=\"{0}-title {0}-desc\">\n<title id=\"{0}-title\">{3}</title>\n"
      "<desc id=\"{0}-desc\">{4}</desc>\n",
      html_escape(id), num(w), num(h), html_escape(title), html_escape(desc));
}

std::string text(double x, double y, std::string_view s, std::string_view attrs = {}) {
  return fmt::format("<text x=\"{}\" y=\"{}\"{}{}>{}</text>\n", num(x), num(y), attrs.empty() ? "" : " ", attrs,
                     html_escape(s));
}

// A label that may be cut, with the whole text as its tooltip.
std::string name_text(double x, double y, std::string_view s, size_t max, std::string_view attrs) {
  const std::string cut = shorten(s, max);
  if (cut == s) return text(x, y, s, attrs);
  return fmt::format("<text x=\"{}\" y=\"{}\" {}><title>{}</title>{}</text>\n", num(x), num(y), attrs,
                     html_escape(s), html_escape(cut));
}

std::string rect(double x, double y, double w, double h, std::string_view fill, std::string_view tooltip = {},
                 std::string_view attrs = {}) {
  std::string out = fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"{}{}", num(x), num(y),
                                num(w), num(h), fill, attrs.empty() ? "" : " ", attrs);
  if (tooltip.empty()) return out + "/>\n";
  return out + fmt::format("><title>{}</title></rect>\n", html_escape(tooltip));
}

// The width of one legend item: room for the longest name (about 6.5 units
// a character at the legend's size), at least 132, at most the whole row.
double legend_item(const std::vector<Series>& series, double width) {
  size_t longest = 0;
  for (const Series& x : series) {
    size_t n = 0;
    for (const char ch : x.name) n += (static_cast<unsigned char>(ch) & 0xC0) != 0x80;
    longest = std::max(longest, n);
  }
  return std::clamp(6.5 * static_cast<double>(longest) + 30, 132.0, width);
}

// A legend of swatches in rows, from (x, y); returns its height.
double legend(std::string& out, const std::vector<Series>& series, double x, double y, double width) {
  constexpr double kRow = 20;
  const double kItem = legend_item(series, width);
  const int per_row = std::max(1, static_cast<int>(width / kItem));
  for (size_t i = 0; i < series.size(); ++i) {
    const double ix = x + static_cast<double>(i % per_row) * kItem;
    const double iy = y + static_cast<double>(i / per_row) * kRow;
    out += rect(ix, iy, 12, 12, series[i].color, {}, "rx=\"2\"");
    out += name_text(ix + 18, iy + 10.5, series[i].name, static_cast<size_t>((kItem - 30) / 6.5), "class=\"legend\"");
  }
  const size_t rows = (series.size() + per_row - 1) / per_row;
  return static_cast<double>(rows) * kRow;
}

}  // namespace

std::string format_count(int64_t n, Lang lang) { return localize(fmt::format("{}", n), lang); }

std::string format_number(Ratio r, int digits, Lang lang) {
  if (!r.defined()) return {};
  return localize(format_decimal(r, digits), lang);
}

std::string format_percent(Ratio r, int digits, Lang lang) {
  if (!r.defined()) return {};
  const std::string n = localize(format_decimal(Ratio{r.num * 100, r.den}, digits), lang);
  return lang == Lang::fr ? n + std::string(kNarrowNbsp) + "%" : n + "%";
}

std::string format_duration(Ratio seconds) {
  if (!seconds.defined()) return {};
  const int64_t s = (seconds.num * 2 + seconds.den) / (2 * seconds.den);
  if (s >= 3600) return fmt::format("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60);
  return fmt::format("{}:{:02}", s / 60, s % 60);
}

// ---- Charts ---------------------------------------------------------------

std::string bar_chart(const BarChart& c) {
  constexpr double kWidth = 760, kLabels = 190, kRight = 80, kTop = 26, kBar = 14, kGap = 3, kGroupPad = 14;
  const double plot = kWidth - kLabels - kRight;
  const double group_h = static_cast<double>(c.series.size()) * (kBar + kGap) - kGap + kGroupPad;
  const double plot_h = static_cast<double>(c.categories.size()) * group_h;
  const int per_row = std::max(1, static_cast<int>(plot / legend_item(c.series, plot)));
  const double legend_h = static_cast<double>((c.series.size() + per_row - 1) / per_row) * 20;
  const double height = kTop + plot_h + 14 + legend_h + 4;
  std::string out = svg_open(c.id, kWidth, height, c.title, c.desc);
  // Grid and ticks at 0, 25, 50, 75 and 100 %.
  for (int k = 0; k <= 4; ++k) {
    const double x = kLabels + plot * k / 4;
    out += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" class=\"grid\"/>\n", num(x), num(kTop - 4),
                       num(kTop + plot_h));
    if (static_cast<size_t>(k) < c.ticks.size()) out += text(x, kTop - 10, c.ticks[k], "class=\"tick\" text-anchor=\"middle\"");
  }
  for (size_t i = 0; i < c.categories.size(); ++i) {
    const double gy = kTop + kGroupPad / 2 + static_cast<double>(i) * group_h;
    const double mid = gy + (group_h - kGroupPad) / 2;
    out += name_text(kLabels - 10, mid + 4, c.categories[i], 26, "class=\"category\" text-anchor=\"end\"");
    for (size_t j = 0; j < c.series.size(); ++j) {
      const double y = gy + static_cast<double>(j) * (kBar + kGap);
      const std::optional<double> v = c.values[i][j];
      const std::string& label = c.labels[i][j];
      const double w = v ? plot * std::clamp(*v, 0.0, 1.0) : 0;
      if (v) out += rect(kLabels, y, std::max(w, 1.0), kBar, c.series[j].color,
                         fmt::format("{} \u2013 {}: {}", c.categories[i], c.series[j].name, label));
      out += text(kLabels + w + 6, y + kBar - 3, v ? label : c.missing, "class=\"value\"");
    }
  }
  out += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" class=\"axis\"/>\n", num(kLabels), num(kTop - 4),
                     num(kTop + plot_h));
  legend(out, c.series, kLabels, kTop + plot_h + 12, plot);
  out += "</svg>\n";
  return out;
}

std::string stacked_chart(const StackedChart& c) {
  constexpr double kWidth = 760, kLeft = 52, kRight = 12, kTop = 28, kPlot = 240;
  const double plot_w = kWidth - kLeft - kRight;
  const size_t n = c.columns.size();
  const double slot = n == 0 ? plot_w : plot_w / static_cast<double>(n);
  const double bar = std::min(56.0, slot * 0.72);
  // Label every k-th period so that labels (about 60 units) never collide.
  const size_t every = std::max<size_t>(1, static_cast<size_t>(std::ceil(64.0 / slot)));
  const int per_row = std::max(1, static_cast<int>(plot_w / legend_item(c.series, plot_w)));
  const double legend_h = static_cast<double>((c.series.size() + per_row - 1) / per_row) * 20;
  const double height = kTop + kPlot + 30 + legend_h + 8;
  std::string out = svg_open(c.id, kWidth, height, c.title, c.desc);
  for (int k = 0; k <= 4; ++k) {
    const double y = kTop + kPlot - kPlot * k / 4;
    out += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" class=\"grid\"/>\n", num(kLeft), num(y),
                       num(kWidth - kRight));
    if (static_cast<size_t>(k) < c.ticks.size()) out += text(kLeft - 8, y + 4, c.ticks[k], "class=\"tick\" text-anchor=\"end\"");
  }
  for (size_t i = 0; i < n; ++i) {
    int64_t total = 0;
    for (const int64_t v : c.values[i]) total += v;
    const double x = kLeft + slot * static_cast<double>(i) + (slot - bar) / 2;
    double y = kTop + kPlot;
    for (size_t j = 0; j < c.series.size(); ++j) {
      const int64_t v = c.values[i][j];
      if (v == 0 || total == 0) continue;
      const double h = kPlot * static_cast<double>(v) / static_cast<double>(total);
      y -= h;
      out += rect(x, y, bar, h, c.series[j].color, c.tooltips[i][j], "class=\"seg\"");
    }
    const double cx = x + bar / 2;
    if (i < c.totals.size() && bar >= 22) out += text(cx, kTop - 8, c.totals[i], "class=\"total\" text-anchor=\"middle\"");
    if (i % every == 0) out += text(cx, kTop + kPlot + 18, c.columns[i], "class=\"tick\" text-anchor=\"middle\"");
  }
  out += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" class=\"axis\"/>\n", num(kLeft), num(kTop + kPlot),
                     num(kWidth - kRight));
  legend(out, c.series, kLeft, kTop + kPlot + 32, plot_w);
  out += "</svg>\n";
  return out;
}

std::string heat_map(const HeatMap& c) {
  constexpr double kLabels = 150, kTop = 62, kCellW = 78, kCellH = 36;
  const double width = kLabels + kCellW * static_cast<double>(c.columns.size()) + 12;
  const double height = kTop + kCellH * static_cast<double>(c.rows.size()) + 12;
  int64_t max = 0;
  for (const auto& row : c.counts)
    for (const int64_t v : row) max = std::max(max, v);
  std::string out = svg_open(c.id, width, height, c.title, c.desc);
  out += text(kLabels, 16, c.column_axis + " \u2192", "class=\"axis-title\"");
  out += text(kLabels - 10, kTop - 10, c.row_axis + " \u2193", "class=\"axis-title\" text-anchor=\"end\"");
  for (size_t j = 0; j < c.columns.size(); ++j) {
    const double cx = kLabels + kCellW * static_cast<double>(j) + kCellW / 2;
    out += fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"5\" fill=\"{}\"/>\n", num(cx), num(kTop - 30),
                       j < c.column_colors.size() ? c.column_colors[j] : "#999999");
    out += name_text(cx, kTop - 10, c.columns[j], 13, "class=\"category\" text-anchor=\"middle\"");
  }
  for (size_t i = 0; i < c.rows.size(); ++i) {
    const double y = kTop + kCellH * static_cast<double>(i);
    out += fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"5\" fill=\"{}\"/>\n", num(12), num(y + kCellH / 2),
                       i < c.row_colors.size() ? c.row_colors[i] : "#999999");
    out += name_text(24, y + kCellH / 2 + 4, c.rows[i], 15, "class=\"category\"");
    for (size_t j = 0; j < c.columns.size(); ++j) {
      const double x = kLabels + kCellW * static_cast<double>(j);
      const int64_t v = c.counts[i][j];
      // Sequential blues, light to dark, in integer steps (same bytes everywhere).
      std::string fill = "#f4f5f7";
      bool dark = false;
      if (v > 0 && max > 0) {
        const int64_t t = 150 + 850 * v / max;  // the least count stays visible
        const auto mix = [t](int lo, int hi) { return static_cast<int>(lo + (hi - lo) * t / 1000); };
        fill = fmt::format("#{:02x}{:02x}{:02x}", mix(0xde, 0x08), mix(0xeb, 0x30), mix(0xf7, 0x6b));
        dark = t > 520;
      }
      out += rect(x + 1, y + 1, kCellW - 2, kCellH - 2, fill, c.tooltips[i][j], "rx=\"3\"");
      if (!c.labels[i][j].empty())
        out += text(x + kCellW / 2, y + kCellH / 2 + 4, c.labels[i][j],
                    dark ? "class=\"cell dark\" text-anchor=\"middle\"" : "class=\"cell\" text-anchor=\"middle\"");
    }
  }
  out += "</svg>\n";
  return out;
}

std::string share_bar(double share, std::string_view color) {
  const double w = 100 * std::clamp(share, 0.0, 1.0);
  return fmt::format(
      "<svg class=\"share\" viewBox=\"0 0 100 10\" width=\"100\" height=\"10\" aria-hidden=\"true\" focusable=\"false\">"
      "<rect width=\"100\" height=\"10\" fill=\"#e9edf2\"/><rect width=\"{}\" height=\"10\" fill=\"{}\"/></svg>",
      num(std::max(w, 0.5)), color);
}

}  // namespace parcours
