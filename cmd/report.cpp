// parcours report: one self-contained HTML page of the numbers the table
// tools print (stats, transitions, mix, paths, segments, handle), with
// charts, in English or French, for people who would rather look than read.
//
// The page fetches nothing (inline CSS and SVG, no script), prints on A4,
// and holds no generation time: the same inputs and options give the same
// bytes, which its last section lets an auditor check.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

#include "cmd/common.h"
#include "core/calendar.h"
#include "core/html.h"
#include "core/metrics.h"
#include "core/report_text.h"
#include "core/reports.h"
#include "core/sha256.h"

namespace parcours {

namespace {

// One colour per channel in every chart and table: the Okabe–Ito palette,
// which readers with any common colour-vision deficiency tell apart, and two
// of Paul Tol's for the channels past its eight.
constexpr std::array<std::string_view, kChannelCount> kChannelColor = {
    "#0072B2",  // phone: blue
    "#56B4E9",  // ivr: sky blue
    "#CC79A7",  // chat: reddish purple
    "#E69F00",  // email: orange
    "#D55E00",  // mail: vermillion
    "#999999",  // fax: grey
    "#009E73",  // counter: bluish green
    "#F0E442",  // web: yellow
    "#882255",  // social: wine
    "#332288",  // cobrowse: indigo
};
constexpr std::string_view kFcrColor = "#0B4F7C", kRepeatColor = "#D55E00", kShareColor = "#0B4F7C";

std::string_view color(Channel c) { return kChannelColor[static_cast<size_t>(c)]; }

struct ReportOptions {
  std::string lang = "en", costs, tz = "UTC", period = "month";
  int64_t top = 10;
};

// An input as the last section lists it.
struct InputInfo {
  std::string label;
  int64_t size = -1;
  std::string sha256, problem;
};

// Copies what `fd` holds (a pipe) to an unlinked temporary file while
// hashing it, and puts the copy in its place: the records are then read
// from the copy, and the hash is of exactly the bytes read.
bool spool(int fd, InputInfo* info) {
  const char* dir = std::getenv("TMPDIR");
  std::string name = std::string(dir != nullptr && *dir != '\0' ? dir : "/tmp") + "/parcours-report.XXXXXX";
  const int copy = mkostemp(name.data(), O_CLOEXEC);
  if (copy < 0) {
    info->problem = fmt::format("cannot create a temporary file: {}", std::strerror(errno));
    return false;
  }
  ::unlink(name.c_str());
  std::string err;
  int copy_err = 0;
  bool ok = sha256_fd(fd, &info->sha256, &info->size, &err, copy, &copy_err) && copy_err == 0;
  if (ok) ok = ::lseek(copy, 0, SEEK_SET) == 0 && ::dup2(copy, fd) == fd;
  if (!ok) {
    info->problem = err.empty() ? fmt::format("cannot copy it: {}", std::strerror(copy_err != 0 ? copy_err : errno))
                                : err;
    info->sha256.clear();
  }
  ::close(copy);
  return ok;
}

// Hashes each input before it is read. A regular file is read twice;
// standard input and /dev/fd/N (a shell's process substitution) are spooled.
// An input that cannot be hashed is listed with the reason; reading it will
// report the problem.
std::vector<InputInfo> hash_inputs(const std::vector<std::string>& files) {
  std::vector<InputInfo> out;
  std::vector<std::string> names = files;
  if (names.empty()) names.push_back("-");
  for (const std::string& name : names) {
    InputInfo info;
    info.label = name;
    int fd = -1;
    if (name == "-") fd = 0;
    else if (name.rfind("/dev/fd/", 0) == 0) fd = std::atoi(name.c_str() + 8);
    else if (name.rfind("/proc/self/fd/", 0) == 0) fd = std::atoi(name.c_str() + 14);
    struct stat st;
    const bool stat_ok = fd >= 0 ? ::fstat(fd, &st) == 0 : ::stat(name.c_str(), &st) == 0;
    std::string err;
    if (!stat_ok) {
      info.problem = std::strerror(errno);
    } else if (S_ISREG(st.st_mode) && fd < 0) {
      if (!sha256_file(name, &info.sha256, &info.size, &err)) info.problem = err;
    } else if (S_ISREG(st.st_mode)) {
      const off_t at = ::lseek(fd, 0, SEEK_CUR);
      if (at < 0 || !sha256_fd(fd, &info.sha256, &info.size, &err) || ::lseek(fd, at, SEEK_SET) != at) {
        info.problem = err.empty() ? "cannot seek" : err;
        info.sha256.clear();
      }
    } else if (fd >= 0) {
      spool(fd, &info);
    } else {
      info.problem = "not a regular file";
    }
    out.push_back(std::move(info));
  }
  return out;
}

// A word for the shell: as is when safe, else in single quotes.
std::string shell_word(std::string_view s) {
  const bool safe = !s.empty() && s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                      "0123456789-_./:=+,@%") == std::string_view::npos;
  if (safe) return std::string(s);
  std::string out = "'";
  for (const char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string fmt_pattern(std::string_view pattern, auto&&... args) {
  return fmt::vformat(pattern, fmt::make_format_args(args...));
}

double fraction(Ratio r) { return static_cast<double>(r.num) / static_cast<double>(r.den); }

// A table cell holding a number: right-aligned in tabular figures by the
// stylesheet; a dash for no value.
std::string td(std::string_view s) {
  if (s.empty()) return "<td class=\"n na\">\u2013</td>";
  return fmt::format("<td class=\"n\">{}</td>", html_escape(s));
}

std::string th_col(std::string_view s, bool numeric = true) {
  return fmt::format("<th scope=\"col\"{}>{}</th>", numeric ? " class=\"n\"" : "", html_escape(s));
}

std::string dot(Channel c) { return fmt::format("<span class=\"dot\" style=\"background:{}\"></span>", color(c)); }

class Report {
 public:
  Report(const Loaded& in, const ComputeOptions& o, const ReportOptions& r, Lang lang, const CostTable* costs,
         Period period, Zone* zone, std::vector<InputInfo> inputs)
      : in_(in), o_(o), r_(r), lang_(lang), t_(report_text(lang)), costs_(costs), period_(period),
        zone_(zone), inputs_(std::move(inputs)) {}

  std::string build();

 private:
  std::string count(int64_t n) const { return format_count(n, lang_); }
  std::string pct(Ratio r) const { return format_percent(r, 1, lang_); }
  std::string dec(Ratio r, int digits = 2) const { return format_number(r, digits, lang_); }
  std::string money(std::optional<int64_t> a) const {
    return a ? format_number(Ratio{*a, kCostScale}, 2, lang_) : std::string();
  }
  // A unit cost with 2 to 4 decimals, as written: 4.50, 0.6525.
  std::string unit_cost(int64_t u) const {
    int digits = 4;
    while (digits > 2 && u % 10 == 0) u /= 10, --digits;
    int64_t scale = 1;
    for (int i = 0; i < digits; ++i) scale *= 10;
    return format_number(Ratio{u, scale}, digits, lang_);
  }
  std::string local_date(Micros t) const {
    return period_label(zone_->local_day(t), Period::day);
  }
  std::string window_words() const {
    const std::string w = format_window(in_.params.window);
    const std::string n = w.substr(0, w.size() - 1);
    return fmt_pattern(w.back() == 'd' ? t_.days : t_.hours, n);
  }
  std::string section_open(std::string_view id, std::string_view title, std::string_view intro) const {
    std::string out = fmt::format("<section id=\"{}\" aria-labelledby=\"{}-h\">\n<h2 id=\"{}-h\">{}</h2>\n", id, id, id,
                                  html_escape(title));
    if (!intro.empty()) out += fmt::format("<p class=\"intro\">{}</p>\n", html_escape(intro));
    return out;
  }
  std::vector<std::string> ticks() const {
    std::vector<std::string> v;
    for (int k = 0; k <= 4; ++k) v.push_back(format_percent(Ratio{k, 4}, 0, lang_));
    return v;
  }

  std::string head() const;
  std::string cover() const;
  std::string key_figures() const;
  std::string services() const;
  std::string rates() const;
  std::string transitions() const;
  std::string mix() const;
  std::string paths() const;
  std::string segments() const;
  std::string handle() const;
  std::string inputs() const;

  const Loaded& in_;
  const ComputeOptions& o_;
  const ReportOptions& r_;
  Lang lang_;
  const ReportText& t_;
  const CostTable* costs_;
  Period period_;
  Zone* zone_;
  std::vector<InputInfo> inputs_;
  Summary stats_;
};

// The stylesheet: a quiet page with a clear hierarchy, numbers in tabular
// figures, and a print layout on A4 with a page per section.
constexpr std::string_view kStyle = R"css(
:root { --ink: #1b1f24; --muted: #56606b; --line: #d9dee4; --soft: #f4f6f8; --accent: #0b4f7c; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; color: var(--ink); background: #fff;
  font: 15px/1.55 "Source Sans 3", "Segoe UI", "Helvetica Neue", Helvetica, Arial, "DejaVu Sans", sans-serif;
  font-variant-numeric: tabular-nums; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
header.cover, main, footer { max-width: 1120px; margin: 0 auto; padding: 0 40px; }
header.cover { padding-top: 48px; padding-bottom: 24px; border-bottom: 1px solid var(--line); }
.eyebrow { margin: 0 0 8px; color: var(--accent); font-size: 13px; font-weight: 600; letter-spacing: .08em;
  text-transform: uppercase; }
h1 { margin: 0 0 12px; font-size: 32px; line-height: 1.2; font-weight: 700; letter-spacing: -.01em; }
.lede { margin: 0; color: var(--muted); font-size: 17px; }
nav { margin-top: 24px; }
nav h2 { margin: 0 0 6px; font-size: 13px; color: var(--muted); text-transform: uppercase; letter-spacing: .08em; }
nav ol { margin: 0; padding: 0; list-style: none; display: flex; flex-wrap: wrap; gap: 6px 20px; }
nav a { color: var(--accent); text-decoration: none; font-size: 14px; }
nav a:hover, nav a:focus { text-decoration: underline; }
section { padding: 40px 0 8px; }
h2 { margin: 0 0 8px; font-size: 22px; line-height: 1.3; }
.intro { margin: 0 0 20px; max-width: 760px; color: var(--muted); }
.note { margin: 12px 0 0; color: var(--muted); font-size: 13px; }
dl.figures { display: grid; grid-template-columns: repeat(auto-fill, minmax(220px, 1fr)); gap: 16px; margin: 0; }
dl.figures > div { padding: 16px 18px; background: var(--soft); border-left: 4px solid var(--accent);
  border-radius: 2px; break-inside: avoid; }
dl.figures dt { font-size: 14px; font-weight: 600; color: var(--muted); }
dl.figures dd { margin: 0; }
dl.figures .value { display: block; margin: 4px 0 2px; font-size: 30px; font-weight: 700; line-height: 1.15; }
dl.figures .detail { display: block; font-size: 13px; color: var(--muted); }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
caption { text-align: left; font-weight: 600; padding-bottom: 8px; }
th, td { padding: 7px 8px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: baseline; }
thead th, thead td { font-size: 12px; font-weight: 600; color: var(--muted); border-bottom: 2px solid var(--ink);
  vertical-align: bottom; }
thead th.n { white-space: normal; }
tbody th, tfoot th { white-space: nowrap; }
tbody th { font-weight: 600; }
tfoot th, tfoot td { font-weight: 700; border-top: 2px solid var(--ink); border-bottom: 0; }
.n { text-align: right; white-space: nowrap; }
.na { color: var(--muted); }
td.bar { width: 120px; }
svg.share { display: block; }
code, .mono { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 12px; }
td.mono { word-break: break-all; }
pre { margin: 16px 0 0; padding: 12px 14px; background: var(--soft); white-space: pre-wrap; word-break: break-all; }
figure { margin: 0; break-inside: avoid; }
svg.chart { display: block; width: 100%; max-width: 880px; height: auto; }
svg.chart text { font-family: inherit; font-size: 12px; fill: var(--ink); }
svg.chart .tick, svg.chart .legend { fill: var(--muted); font-size: 11px; }
svg.chart .value, svg.chart .total { font-size: 11px; font-weight: 600; }
svg.chart .axis-title { font-size: 12px; font-weight: 600; fill: var(--muted); }
svg.chart .cell { font-size: 13px; font-weight: 600; }
svg.chart .cell.dark { fill: #fff; }
svg.chart .grid { stroke: #e3e7ec; stroke-width: 1; }
svg.chart .axis { stroke: var(--ink); stroke-width: 1; }
svg.chart .seg { stroke: #fff; stroke-width: .75; }
.dot { display: inline-block; width: 10px; height: 10px; border-radius: 50%; margin-right: 6px; }
.path { white-space: nowrap; }
.path .arrow { color: var(--muted); margin: 0 6px; }
footer { padding-top: 32px; padding-bottom: 48px; color: var(--muted); font-size: 13px; }
@page { size: A4; margin: 16mm 14mm; }
@media print {
  body { font-size: 10pt; }
  header.cover, main, footer { max-width: none; padding-left: 0; padding-right: 0; }
  header.cover { padding-top: 0; }
  nav { display: none; }
  section { break-before: page; padding-top: 0; }
  section#key-figures { break-before: avoid; padding-top: 24px; }
  table { font-size: 9pt; }
  thead { display: table-header-group; }
  tr, figure, svg.chart, dl.figures > div { break-inside: avoid; }
  h2 { break-after: avoid; }
  .scroll { overflow: visible; }
}
)css";

std::string Report::head() const {
  return fmt::format(
      "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<meta name=\"generator\" content=\"parcours {}\">\n<title>{}</title>\n<style>{}</style>\n</head>\n<body>\n",
      lang_code(lang_), PARCOURS_VERSION, html_escape(t_.title), kStyle);
}

std::string Report::cover() const {
  const Dataset& ds = in_.ds;
  std::string lede;
  if (!ds.contacts.empty()) {
    Micros lo = ds.contacts.front().start, hi = lo;
    for (const Contact& c : ds.contacts) lo = std::min<Micros>(lo, c.start), hi = std::max<Micros>(hi, c.start);
    lede = fmt_pattern(t_.lede_period, local_date(lo), local_date(hi), zone_->name());
  }
  const Micros as_of = effective_as_of(ds, in_.params);
  if (as_of != kNoTime) lede += (lede.empty() ? "" : " \u00b7 ") + fmt_pattern(t_.lede_as_of, format_time(as_of));
  lede += (lede.empty() ? "" : " \u00b7 ") + fmt_pattern(t_.lede_window, window_words());
  std::string out = fmt::format(
      "<header class=\"cover\">\n<p class=\"eyebrow\">{}</p>\n<h1>{}</h1>\n<p class=\"lede\">{}</p>\n"
      "<nav aria-labelledby=\"contents-h\">\n<h2 id=\"contents-h\">{}</h2>\n<ol>\n",
      html_escape(t_.eyebrow), html_escape(t_.title), html_escape(lede), html_escape(t_.contents));
  const std::pair<std::string_view, std::string_view> sections[] = {
      {"key-figures", t_.key_figures}, {"services", t_.services}, {"rates", t_.rates},
      {"transitions", t_.transitions}, {"mix", t_.mix},           {"paths", t_.paths},
      {"segments", t_.segments},       {"handle", t_.handle},     {"inputs", t_.inputs}};
  for (const auto& [id, title] : sections)
    out += fmt::format("<li><a href=\"#{}\">{}</a></li>\n", id, html_escape(title));
  out += "</ol>\n</nav>\n</header>\n";
  return out;
}

std::string Report::key_figures() const {
  const ServiceStats& all = stats_.rows.back();
  const Counts& n = all.n;
  std::string out = section_open("key-figures", t_.key_figures, {});
  out += "<dl class=\"figures\">\n";
  auto figure = [&](std::string_view label, std::string_view value, std::string_view detail) {
    out += fmt::format("<div><dt>{}</dt><dd><span class=\"value\">{}</span><span class=\"detail\">{}</span></dd></div>\n",
                       html_escape(label), value.empty() ? "\u2013" : html_escape(value), html_escape(detail));
  };
  figure(t_.contacts, count(n.contacts), fmt_pattern(t_.note_contacts, count(n.inbound), count(n.unidentified)));
  figure(t_.customers, count(n.customers), t_.note_customers);
  figure(t_.episodes, count(n.episodes), fmt_pattern(t_.note_episodes, count(n.cohort), count(n.pending())));
  figure(t_.fcr_rate, pct(all.fcr_rate()), fmt_pattern(t_.note_fcr, count(n.resolved), count(n.cohort)));
  figure(t_.repeat_rate, pct(all.repeat_rate()), fmt_pattern(t_.note_repeat, count(n.repeats()), count(n.identified)));
  figure(t_.contacts_per_episode, dec(all.contacts_per_episode()),
         fmt_pattern(t_.note_cpe, dec(all.channels_per_episode())));
  if (costs_ != nullptr) {
    const std::optional<int64_t> total = all.cost(*costs_), repeats = all.repeat_cost(*costs_);
    // Unknown rather than a guess (SPEC §5): say which channels lack a cost.
    std::string missing;
    for (int k = 0; k < kChannelCount; ++k)
      if (all.repeats_by_channel[static_cast<size_t>(k)] > 0 && costs_->unit[static_cast<size_t>(k)] == kNoCost)
        missing += fmt::format("{}{}", missing.empty() ? "" : ", ", channel_label(static_cast<Channel>(k), lang_));
    figure(t_.cost_of_repeats, money(repeats),
           repeats ? fmt_pattern(t_.note_cost, total ? money(total) : std::string("\u2013"))
                   : fmt_pattern(t_.cost_unknown, missing));
  } else {
    figure(t_.cost_of_repeats, {}, t_.no_costs);
  }
  out += "</dl>\n</section>\n";
  return out;
}

std::string Report::services() const {
  std::string out = section_open("services", t_.services, t_.services_intro);
  out += "<div class=\"scroll\">\n<table>\n<thead>\n<tr>";
  out += th_col(t_.service, false);
  for (const std::string_view h : {t_.contacts, t_.inbound, t_.customers, t_.episodes, t_.repeats, t_.repeat_rate,
                                   t_.cohort, t_.resolved, t_.fcr_rate, t_.contacts_per_episode,
                                   t_.channels_per_episode})
    out += th_col(h);
  if (costs_ != nullptr) out += th_col(t_.cost) + th_col(t_.cost_of_repeats);
  out += "</tr>\n</thead>\n";
  // One row a line, the service in data-service: rows can be read back with
  // sed and compared with `parcours stats`.
  auto row = [&](const ServiceStats& s, std::string_view name) {
    const Counts& n = s.n;
    out += fmt::format("<tr data-service=\"{}\"><th scope=\"row\">{}</th>", html_escape(s.service), html_escape(name));
    out += td(count(n.contacts)) + td(count(n.inbound)) + td(count(n.customers)) + td(count(n.episodes)) +
           td(count(n.repeats())) + td(pct(s.repeat_rate())) + td(count(n.cohort)) + td(count(n.resolved)) +
           td(pct(s.fcr_rate())) + td(dec(s.contacts_per_episode())) + td(dec(s.channels_per_episode()));
    if (costs_ != nullptr) out += td(money(s.cost(*costs_))) + td(money(s.repeat_cost(*costs_)));
    out += "</tr>\n";
  };
  out += "<tbody>\n";
  for (size_t i = 0; i + 1 < stats_.rows.size(); ++i) row(stats_.rows[i], stats_.rows[i].service);
  out += "</tbody>\n<tfoot>\n";
  row(stats_.rows.back(), t_.all_services);
  out += "</tfoot>\n</table>\n</div>\n";
  if (costs_ != nullptr) out += fmt::format("<p class=\"note\">{}</p>\n", html_escape(t_.costs_note));
  out += "</section>\n";
  return out;
}

std::string Report::rates() const {
  BarChart c;
  c.id = "chart-rates";
  c.title = t_.rates_title;
  c.series = {{std::string(t_.fcr_rate), std::string(kFcrColor)}, {std::string(t_.repeat_rate), std::string(kRepeatColor)}};
  c.ticks = ticks();
  for (const ServiceStats& s : stats_.rows) {
    const std::string name(s.service == "(all)" ? t_.all_services : std::string_view(s.service));
    c.categories.push_back(name);
    const Ratio f = s.fcr_rate(), r = s.repeat_rate();
    c.values.push_back({f.defined() ? std::optional(fraction(f)) : std::nullopt,
                        r.defined() ? std::optional(fraction(r)) : std::nullopt});
    c.labels.push_back({pct(f), pct(r)});
    c.desc += fmt::format("{}{}: {} {}, {} {}", c.desc.empty() ? "" : "; ", name, t_.fcr_rate,
                          f.defined() ? pct(f) : "\u2013", t_.repeat_rate, r.defined() ? pct(r) : "\u2013");
  }
  c.desc += ".";
  return section_open("rates", t_.rates, t_.rates_intro) + "<figure>\n" + bar_chart(c) + "</figure>\n</section>\n";
}

std::string Report::transitions() const {
  const ServiceStats& all = stats_.rows.back();
  std::string out = section_open("transitions", t_.transitions, t_.transitions_intro);
  std::vector<Channel> used;
  for (int k = 0; k < kChannelCount; ++k) {
    int64_t n = 0;
    for (int j = 0; j < kChannelCount; ++j)
      n += all.transitions[static_cast<size_t>(k * kChannelCount + j)] +
           all.transitions[static_cast<size_t>(j * kChannelCount + k)];
    if (n > 0) used.push_back(static_cast<Channel>(k));
  }
  if (used.empty()) return out + fmt::format("<p>{}</p>\n</section>\n", html_escape(t_.no_repeats));
  HeatMap h;
  h.id = "chart-transitions";
  h.title = t_.transitions_title;
  h.row_axis = t_.from;
  h.column_axis = t_.to;
  for (const Channel c : used) {
    h.rows.emplace_back(channel_label(c, lang_));
    h.columns.emplace_back(channel_label(c, lang_));
    h.row_colors.emplace_back(color(c));
    h.column_colors.emplace_back(color(c));
  }
  for (const Channel from : used) {
    auto& counts = h.counts.emplace_back();
    auto& labels = h.labels.emplace_back();
    auto& tips = h.tooltips.emplace_back();
    for (const Channel to : used) {
      const int64_t n = all.transitions[static_cast<size_t>(static_cast<int>(from) * kChannelCount + static_cast<int>(to))];
      counts.push_back(n);
      labels.push_back(n > 0 ? count(n) : std::string());
      tips.push_back(fmt::format("{} \u2192 {}: {}", channel_label(from, lang_), channel_label(to, lang_), count(n)));
      if (n > 0) h.desc += fmt::format("{}{}", h.desc.empty() ? "" : "; ", tips.back());
    }
  }
  h.desc += ".";
  out += "<figure>\n" + heat_map(h) + "</figure>\n";
  out += fmt::format("<p class=\"note\">{}</p>\n</section>\n",
                     html_escape(fmt_pattern(t_.switches_note, count(all.n.switches), count(all.n.repeats()))));
  return out;
}

std::string Report::mix() const {
  std::string_view period_word = t_.period_month;
  if (period_ == Period::day) period_word = t_.period_day;
  else if (period_ == Period::week) period_word = t_.period_week;
  else if (period_ == Period::quarter) period_word = t_.period_quarter;
  std::string out = section_open("mix", fmt::format("{} ({})", t_.mix, period_word), t_.mix_intro);
  std::vector<MixRow> rows = compute_mix(in_.ds, period_, zone_);
  std::erase_if(rows, [](const MixRow& r) { return r.service != "(all)"; });
  if (rows.empty()) return out + fmt::format("<p>{}</p>\n</section>\n", html_escape(t_.no_data));
  std::array<bool, kChannelCount> used{};
  for (const MixRow& r : rows) used[static_cast<size_t>(r.channel)] = true;
  std::vector<Channel> channels;
  for (int k = 0; k < kChannelCount; ++k)
    if (used[static_cast<size_t>(k)]) channels.push_back(static_cast<Channel>(k));
  StackedChart c;
  c.id = "chart-mix";
  c.title = t_.mix_title;
  c.ticks = ticks();
  for (const Channel ch : channels) c.series.push_back({std::string(channel_label(ch, lang_)), std::string(color(ch))});
  for (size_t i = 0; i < rows.size();) {
    const std::string& period = rows[i].period;
    c.columns.push_back(period);
    auto& values = c.values.emplace_back(channels.size(), 0);
    auto& tips = c.tooltips.emplace_back(channels.size());
    int64_t total = 0;
    std::string words;
    for (; i < rows.size() && rows[i].period == period; ++i) {
      const size_t j = static_cast<size_t>(std::find(channels.begin(), channels.end(), rows[i].channel) - channels.begin());
      values[j] = rows[i].contacts();
      total += rows[i].contacts();
    }
    for (size_t j = 0; j < channels.size(); ++j) {
      if (values[j] == 0) continue;
      const Ratio share{values[j], total};
      tips[j] = fmt::format("{} \u00b7 {}: {} ({})", period, channel_label(channels[j], lang_), count(values[j]), pct(share));
      words += fmt::format("{}{} {}", words.empty() ? "" : ", ", channel_label(channels[j], lang_), pct(share));
    }
    c.totals.push_back(count(total));
    c.desc += fmt::format("{}{} ({}): {}", c.desc.empty() ? "" : "; ", period, count(total), words);
  }
  c.desc += ".";
  out += "<figure>\n" + stacked_chart(c) + "</figure>\n</section>\n";
  return out;
}

std::string Report::paths() const {
  std::string out = section_open("paths", t_.paths, t_.paths_intro);
  std::vector<PathRow> rows = compute_paths(in_.ds, in_.params, r_.top);
  std::erase_if(rows, [](const PathRow& r) { return r.service != "(all)"; });
  if (rows.empty()) return out + fmt::format("<p>{}</p>\n</section>\n", html_escape(t_.no_cohort));
  // Bars in proportion to the shares, the longest filling its cell.
  double top_share = 0;
  for (const PathRow& p : rows) top_share = std::max(top_share, p.share.defined() ? fraction(p.share) : 0);
  out += "<table>\n<thead>\n<tr>" + th_col("#") + th_col(t_.path, false) + th_col(t_.episodes) + th_col(t_.share) +
         "<td aria-hidden=\"true\"></td></tr>\n</thead>\n<tbody>\n";
  for (size_t i = 0; i < rows.size(); ++i) {
    const PathRow& p = rows[i];
    std::string cells;
    for (size_t at = 0; at <= p.path.size();) {
      const size_t end = std::min(p.path.find('>', at), p.path.size());
      const std::string_view name = std::string_view(p.path).substr(at, end - at);
      Channel ch;
      if (at > 0) cells += "<span class=\"arrow\" aria-label=\"then\">\u2192</span>";
      if (parse_channel(name, &ch)) cells += dot(ch) + html_escape(channel_label(ch, lang_));
      else cells += html_escape(name);
      at = end + 1;
    }
    out += fmt::format("<tr><td class=\"n\">{}</td><th scope=\"row\" class=\"path\">{}</th>{}{}<td class=\"bar\">{}</td></tr>\n",
                       i + 1, cells, td(count(p.episodes)), td(pct(p.share)),
                       share_bar(p.share.defined() && top_share > 0 ? fraction(p.share) / top_share : 0, kShareColor));
  }
  out += "</tbody>\n</table>\n</section>\n";
  return out;
}

std::string Report::segments() const {
  std::string out = section_open("segments", t_.segments, t_.segments_intro);
  const std::vector<SegmentRow> rows = compute_segments(in_.ds, in_.params);
  const SegmentRow& all = rows.back();
  if (all.customers == 0) return out + fmt::format("<p>{}</p>\n</section>\n", html_escape(t_.no_data));
  out += "<div class=\"scroll\">\n<table>\n<thead>\n<tr>" + th_col(t_.segment, false) + th_col(t_.customers) +
         th_col(t_.share) + "<td aria-hidden=\"true\"></td>" + th_col(t_.contacts) + th_col(t_.contacts_per_customer) +
         th_col(t_.episodes) + th_col(t_.cohort) + th_col(t_.resolved) + th_col(t_.fcr_rate) +
         "</tr>\n</thead>\n<tbody>\n";
  int64_t top_customers = 0;
  for (int k = 0; k < kSegmentCount; ++k) top_customers = std::max(top_customers, rows[static_cast<size_t>(k)].customers);
  auto row = [&](const SegmentRow& s, std::string_view name, bool bar) {
    const Ratio share{s.customers, all.customers};
    out += fmt::format("<tr><th scope=\"row\">{}</th>{}{}<td class=\"bar\">{}</td>{}{}{}{}{}{}</tr>\n", html_escape(name),
                       td(count(s.customers)), td(pct(share)), bar ? share_bar(static_cast<double>(s.customers) / static_cast<double>(top_customers), kShareColor) : "",
                       td(count(s.contacts)), td(dec(s.contacts_per_customer())), td(count(s.episodes)),
                       td(count(s.cohort)), td(count(s.resolved)), td(pct(s.fcr_rate())));
  };
  for (int k = 0; k < kSegmentCount; ++k)
    if (rows[static_cast<size_t>(k)].customers > 0)
      row(rows[static_cast<size_t>(k)], segment_label(static_cast<Segment>(k), lang_), true);
  out += "</tbody>\n<tfoot>\n";
  row(all, t_.all_services, false);
  out += "</tfoot>\n</table>\n</div>\n</section>\n";
  return out;
}

std::string Report::handle() const {
  std::string out = section_open("handle", t_.handle, t_.handle_intro);
  const HandleReport h = compute_handle(in_.ds);
  std::vector<const HandleRow*> rows;
  for (const HandleRow& r : h.rows)
    if (r.service == "(all)") rows.push_back(&r);
  if (rows.empty() || in_.ds.contacts.empty()) return out + fmt::format("<p>{}</p>\n</section>\n", html_escape(t_.no_data));
  // Channels in the order of every other section; "(all)" closes the table.
  auto rank = [](const HandleRow* r) {
    Channel c;
    return parse_channel(r->channel, &c) ? static_cast<int>(c) : kChannelCount;
  };
  std::stable_sort(rows.begin(), rows.end(), [&](const HandleRow* a, const HandleRow* b) { return rank(a) < rank(b); });
  out += "<div class=\"scroll\">\n<table>\n<thead>\n<tr>" + th_col(t_.channel, false) + th_col(t_.contacts) +
         th_col(t_.timed) + th_col(t_.mean) + th_col(t_.median) + th_col(t_.p90) + th_col(t_.mean_wait) +
         "</tr>\n</thead>\n<tbody>\n";
  for (const HandleRow* r : rows) {
    Channel c;
    const bool total = !parse_channel(r->channel, &c);
    if (total) out += "</tbody>\n<tfoot>\n";
    out += fmt::format("<tr><th scope=\"row\">{}{}</th>{}{}{}{}{}{}</tr>\n", total ? "" : dot(c),
                       html_escape(total ? t_.all_channels : channel_label(c, lang_)), td(count(r->contacts)),
                       td(count(r->timed)), td(format_duration(r->mean)), td(format_duration(r->median)),
                       td(format_duration(r->p90)), td(format_duration(r->mean_wait)));
    if (total) out += "</tfoot>\n";
  }
  if (rank(rows.back()) != kChannelCount) out += "</tbody>\n";
  out += "</table>\n</div>\n</section>\n";
  return out;
}

std::string Report::inputs() const {
  std::string out = section_open("inputs", t_.inputs, t_.inputs_intro);
  out += "<div class=\"scroll\">\n<table class=\"inputs\">\n<thead>\n<tr>" + th_col(t_.file, false) + th_col(t_.size) +
         th_col(t_.sha256, false) + "</tr>\n</thead>\n<tbody>\n";
  for (const InputInfo& f : inputs_) {
    const std::string name = f.label == "-" ? fmt::format("- ({})", t_.standard_input) : f.label;
    out += fmt::format("<tr><th scope=\"row\" class=\"mono\">{}</th>{}<td class=\"mono\">{}</td></tr>\n", html_escape(name),
                       td(f.size >= 0 ? fmt_pattern(t_.bytes, count(f.size)) : std::string()),
                       html_escape(f.problem.empty() ? f.sha256 : fmt_pattern(t_.not_hashed, f.problem)));
  }
  out += "</tbody>\n</table>\n</div>\n";

  const Dataset& ds = in_.ds;
  const Micros as_of = effective_as_of(ds, in_.params);
  int64_t unidentified = 0;
  for (const Contact& c : ds.contacts) unidentified += c.customer == kNone && c.direction == Direction::in;
  std::vector<std::pair<std::string_view, std::string>> params = {
      {t_.records, fmt::format("{} {}, {} {}, {} {}, {} {}, {} {}; {} {}, {} {}", t_.read, count(in_.read), t_.accepted,
                               count(ds.accepted), t_.rejected, count(in_.rejected), t_.duplicates,
                               count(ds.duplicates), t_.legs_merged, count(ds.legs_merged), t_.contacts,
                               count(static_cast<int64_t>(ds.contacts.size())), t_.unidentified, count(unidentified))},
      {t_.window, fmt::format("{} ({})", format_window(in_.params.window), window_words())},
      {t_.as_of, as_of == kNoTime ? std::string(t_.none)
                                  : fmt::format("{} ({})", format_time(as_of),
                                                in_.params.as_of != kNoTime ? t_.as_of_given : t_.as_of_latest)},
      {t_.mode, std::string(in_.params.strict ? t_.mode_strict : t_.mode_repeat)},
      {t_.any_service, std::string(in_.params.any_service ? t_.yes : t_.no)},
      {t_.time_zone, zone_->name()},
      {t_.period, std::string(period_name(period_))},
      {t_.region, o_.link.region},
      {t_.max_fanout, count(o_.link.max_fanout)},
  };
  auto file_param = [&](std::string_view label, const std::string& path) {
    if (path.empty()) return;
    std::string sha, err;
    int64_t size = 0;
    params.emplace_back(label, sha256_file(path, &sha, &size, &err)
                                   ? fmt::format("{} ({}, SHA-256 {})", path, fmt_pattern(t_.bytes, count(size)), sha)
                                   : fmt::format("{} ({})", path, fmt_pattern(t_.not_hashed, err)));
  };
  file_param(t_.crosswalk, o_.link.crosswalk);
  file_param(t_.block, o_.link.block);
  if (costs_ != nullptr) {
    file_param(t_.unit_costs, r_.costs);
    std::string set, unset;
    for (int k = 0; k < kChannelCount; ++k) {
      const Channel c = static_cast<Channel>(k);
      if (costs_->unit[k] == kNoCost) unset += fmt::format("{}{}", unset.empty() ? "" : ", ", channel_label(c, lang_));
      else set += fmt::format("{}{} {}", set.empty() ? "" : ", ", channel_label(c, lang_), unit_cost(costs_->unit[k]));
    }
    params.back().second += fmt::format(": {}{}{}", set.empty() ? std::string(t_.none) : set,
                                        unset.empty() ? "" : "; " + std::string(t_.unset) + ": ", unset);
  }
  params.emplace_back(t_.language, std::string(lang_code(lang_)));
  params.emplace_back(t_.version, PARCOURS_VERSION);
  out += "<table class=\"params\">\n<thead>\n<tr>" + th_col(t_.parameter, false) + th_col(t_.value, false) +
         "</tr>\n</thead>\n<tbody>\n";
  for (const auto& [k, v] : params)
    out += fmt::format("<tr><th scope=\"row\">{}</th><td>{}</td></tr>\n", html_escape(k), html_escape(v));
  out += "</tbody>\n</table>\n";

  // The command that gives these bytes again (without -o: where it goes
  // changes nothing in it).
  std::string cmd = "parcours report";
  auto opt = [&](std::string_view name, std::string_view value) { cmd += fmt::format(" {} {}", name, shell_word(value)); };
  opt("--lang", lang_code(lang_));
  opt("--window", format_window(in_.params.window));
  if (in_.params.as_of != kNoTime) opt("--as-of", format_time(in_.params.as_of));
  opt("--mode", in_.params.strict ? "strict" : "repeat");
  if (in_.params.any_service) cmd += " --any-service";
  opt("--tz", zone_->name());
  opt("--period", period_name(period_));
  opt("--top", fmt::format("{}", r_.top));
  if (!r_.costs.empty()) opt("--costs", r_.costs);
  if (o_.link.region != "CA") opt("--region", o_.link.region);
  if (o_.link.max_fanout != 1) opt("--max-fanout", fmt::format("{}", o_.link.max_fanout));
  if (!o_.link.crosswalk.empty()) opt("--crosswalk", o_.link.crosswalk);
  if (!o_.link.block.empty()) opt("--block", o_.link.block);
  if (!o_.link.hash_key.empty()) opt("--hash-key", o_.link.hash_key);
  for (const InputInfo& f : inputs_) cmd += " " + shell_word(f.label);
  out += fmt::format("<pre><code>{}</code></pre>\n</section>\n", html_escape(cmd));
  return out;
}

std::string Report::build() {
  stats_ = compute_stats(in_.ds, in_.params);
  std::string out = head() + cover() + "<main>\n";
  out += key_figures() + services() + rates() + transitions() + mix() + paths() + segments() + handle() + inputs();
  out += fmt::format("</main>\n<footer>\n<p>parcours {} \u00b7 {}</p>\n</footer>\n</body>\n</html>\n", PARCOURS_VERSION,
                     html_escape(t_.footer));
  return out;
}

}  // namespace

std::function<int()> setup_report(CLI::App& app) {
  auto o = std::make_shared<ComputeOptions>();
  auto r = std::make_shared<ReportOptions>();
  add_compute_options(app, *o, {"html"});
  app.remove_option(app.get_option("--format"));  // HTML only
  app.add_option("--lang", r->lang, "language of the labels and numbers: en or fr")
      ->check(CLI::IsMember({"en", "fr"}))
      ->capture_default_str();
  app.add_option("--costs", r->costs, "TSV file of unit costs per channel (channel<TAB>unit_cost) for the costs");
  app.add_option("--tz", r->tz, "time zone of the dates and of the periods of the channel mix (IANA name)")
      ->capture_default_str();
  app.add_option("--period", r->period, "period of the channel mix: day, week (ISO), month or quarter")
      ->check(CLI::IsMember({"day", "week", "month", "quarter"}))
      ->capture_default_str();
  app.add_option("--top", r->top, "number of paths listed (0: all)")->check(CLI::NonNegativeNumber)->capture_default_str();
  return [o, r]() -> int {
    Lang lang = Lang::en;
    parse_lang(r->lang, &lang);
    Period period = Period::month;
    parse_period(r->period, &period);
    std::string err;
    Zone zone;
    if (!zone.load(r->tz, &err)) {
      say("report", fmt::format("--tz: {}", err));
      return kExitUsage;
    }
    CostTable costs;
    if (!r->costs.empty() && !load_costs(r->costs, &costs, &err)) {
      for (size_t at = 0; at <= err.size();) {
        const size_t nl = std::min(err.find('\n', at), err.size());
        say("report", std::string_view(err).substr(at, nl - at));
        at = nl + 1;
      }
      return kExitUsage;
    }
    audit_parameter("costs", audit_file(r->costs));
    audit_parameter("lang", Json::of_string(r->lang));
    audit_parameter("tz", Json::of_string(zone.name()));
    audit_parameter("period", Json::of_string(r->period));
    // Hashed before they are read: standard input can be read only once.
    std::vector<InputInfo> inputs = hash_inputs(o->files);
    Loaded in;
    in.ds.keep_answered = in.ds.keep_ends = true;  // handle times
    const int status = load("report", *o, &in);
    if (!in.complete) return status;
    print_summary("report", *o, in);
    Report report(in, *o, *r, lang, r->costs.empty() ? nullptr : &costs, period, &zone, std::move(inputs));
    const std::string html = report.build();
    return emit("report", *o, [&](Output& out) { out.write(html); }, status);
  };
}

}  // namespace parcours
