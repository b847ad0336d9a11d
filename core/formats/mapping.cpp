#include "core/formats/mapping.h"

#include <array>
#include <charconv>

#include <fmt/format.h>
#include <simdjson.h>

#include "core/record.h"

namespace parcours {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!is_digit(c)) return false;
  return true;
}

// Reads between `min` and `max` digits at s[*i].
bool digits(std::string_view s, size_t* i, int min, int max, int64_t* out) {
  int64_t v = 0;
  int n = 0;
  while (*i < s.size() && n < max && is_digit(s[*i])) v = v * 10 + (s[(*i)++] - '0'), ++n;
  *out = v;
  return n >= min;
}

unsigned days_in_month(int64_t y, unsigned m) {
  static constexpr std::array<unsigned, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

bool match_pattern(const TimeFormat& f, std::string_view s, ParsedTime* out, std::string* err) {
  const std::string& p = f.pattern;
  int64_t year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0, micros = 0, offset = 0;
  int pm = -1;
  bool twelve = false;
  size_t i = 0;
  auto mismatch = [&] {
    *err = fmt::format("'{}' does not match the time format '{}'", s, p);
    return false;
  };
  for (size_t k = 0; k < p.size(); ++k) {
    const char c = p[k];
    if (c == ' ') {
      // One space in the format stands for any run of spaces: exports pad.
      if (i >= s.size() || s[i] != ' ') return mismatch();
      while (i < s.size() && s[i] == ' ') ++i;
      continue;
    }
    if (c != '%') {
      if (i >= s.size() || s[i] != c) return mismatch();
      ++i;
      continue;
    }
    const char d = p[++k];
    bool ok = true;
    switch (d) {
      case 'Y': ok = digits(s, &i, 4, 4, &year); break;
      case 'y':
        ok = digits(s, &i, 2, 2, &year);
        year += 2000;
        break;
      case 'm': ok = digits(s, &i, 1, 2, &month); break;
      case 'd': ok = digits(s, &i, 1, 2, &day); break;
      case 'H': ok = digits(s, &i, 1, 2, &hour); break;
      case 'I':
        ok = digits(s, &i, 1, 2, &hour);
        twelve = true;
        break;
      case 'M': ok = digits(s, &i, 1, 2, &minute); break;
      case 'S': ok = digits(s, &i, 1, 2, &second); break;
      case 'f': {
        int n = 0;
        micros = 0;
        while (i < s.size() && is_digit(s[i])) {
          if (n < 6) micros = micros * 10 + (s[i] - '0');
          ++i, ++n;
        }
        for (int z = n; z < 6; ++z) micros *= 10;
        ok = n > 0;
        break;
      }
      case 'p': {
        const std::string_view rest = s.substr(i, 2);
        if (iequals(rest, "am")) pm = 0;
        else if (iequals(rest, "pm")) pm = 1;
        else ok = false;
        i += 2;
        break;
      }
      case 'z': {
        if (i < s.size() && (s[i] == 'Z' || s[i] == 'z')) {
          ++i;
          offset = 0;
          break;
        }
        if (i >= s.size() || (s[i] != '+' && s[i] != '-')) {
          ok = false;
          break;
        }
        const int sign = s[i++] == '-' ? -1 : 1;
        int64_t hh = 0, mm = 0;
        ok = digits(s, &i, 2, 2, &hh);
        if (ok && i < s.size() && s[i] == ':') ++i;
        if (ok && i < s.size() && is_digit(s[i])) ok = digits(s, &i, 2, 2, &mm);
        offset = sign * (hh * 3600 + mm * 60) * kMicrosPerSecond;
        if (hh > 23 || mm > 59) ok = false;
        break;
      }
      case '%':
        ok = i < s.size() && s[i] == '%';
        ++i;
        break;
      default: ok = false; break;
    }
    if (!ok) return mismatch();
  }
  if (i != s.size()) return mismatch();
  if (twelve) {
    if (hour < 1 || hour > 12) {
      *err = fmt::format("'{}': hour {} is not 1 to 12", s, hour);
      return false;
    }
    hour = hour % 12 + (pm == 1 ? 12 : 0);
  }
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, static_cast<unsigned>(month))) {
    *err = fmt::format("'{}' is not a date of the calendar (read {:04}-{:02}-{:02} with '{}')", s, year, month, day, p);
    return false;
  }
  if (hour > 23 || minute > 59 || second > 60) {
    *err = fmt::format("'{}' is not a time of day (read {:02}:{:02}:{:02} with '{}')", s, hour, minute, second, p);
    return false;
  }
  CivilTime t;
  t.year = year;
  t.month = static_cast<unsigned>(month);
  t.day = static_cast<unsigned>(day);
  t.hour = static_cast<unsigned>(hour);
  t.minute = static_cast<unsigned>(minute);
  t.second = static_cast<unsigned>(second);
  t.micros = micros;
  out->value = local_micros(t) - offset;
  out->local = !f.has_offset;
  return true;
}

constexpr std::array<std::string_view, 13> kPlainFields = {"id",     "channel", "start",    "answered",     "end",
                                                           "service", "customer", "direction", "outcome",
                                                           "conversation", "agent", "queue", "reason"};

bool is_time_field(std::string_view f) { return f == "start" || f == "answered" || f == "end"; }

bool valid_name(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '_' || c == '-' || c == '.'))
      return false;
  return true;
}

// The field a key names (`ids.phone` of `ids.phone.map`), or empty.
bool known_field(std::string_view f) {
  for (std::string_view k : kPlainFields)
    if (f == k) return true;
  if (f.substr(0, 4) == "ids." && valid_name(f.substr(4)) && f.find('.', 4) == std::string_view::npos) return true;
  if (f.substr(0, 5) == "attr." && valid_name(f.substr(5))) return true;
  return false;
}

// Checks a value (a constant or a map target) of an enum field.
bool check_enum(std::string_view field, std::string_view v, std::string* why) {
  if (field == "channel") {
    Channel c;
    if (parse_channel(v, &c)) return true;
    *why = fmt::format("'{}' is not a channel; use one of phone ivr chat email mail fax counter web social cobrowse "
                       "(or a French name such as courrier, comptoir, rvi, internet)",
                       v);
    return false;
  }
  if (field == "direction") {
    if (v.empty() || v == "in" || v == "out") return true;
    *why = fmt::format("'{}' is not a direction; use in or out", v);
    return false;
  }
  if (field == "outcome") {
    Outcome o;
    if (v.empty() || parse_outcome(v, &o)) return true;
    *why = fmt::format("'{}' is not an outcome; use resolved, unresolved, abandoned, transferred or unknown", v);
    return false;
  }
  return true;
}

bool parse_source(std::string_view v, bool header, Source* out, std::string* why) {
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') {
    out->constant = true;
    out->value = std::string(v.substr(1, v.size() - 2));
    return true;
  }
  if (v.front() == '"') {
    *why = "a constant opens with \" and must close with \"";
    return false;
  }
  // ` + ` (with its spaces) joins columns, so that a header such as
  // `Nom+Prénom` still names one column.
  for (;;) {
    const size_t plus = v.find(" + ");
    const std::string_view part = trim(v.substr(0, plus));
    if (part.empty()) {
      *why = "an empty column name around ' + '";
      return false;
    }
    out->names.emplace_back(part);
    if (part == "@line") out->columns.push_back(Source::kLine);
    else if (part == "@file") out->columns.push_back(Source::kFile);
    else if (part.front() == '@') {
      *why = fmt::format("unknown pseudo-column '{}'; use @line or @file", part);
      return false;
    } else if (!header) {
      int64_t n = 0;
      if (!all_digits(part) || std::from_chars(part.data(), part.data() + part.size(), n).ec != std::errc() || n < 1 ||
          n > 100000) {
        *why = fmt::format("'{}': without a header, columns are named by number (1 is the first)", part);
        return false;
      }
      out->columns.push_back(static_cast<int>(n - 1));
    }
    if (plus == std::string_view::npos) break;
    v.remove_prefix(plus + 3);
  }
  return true;
}

}  // namespace

bool parse_time_format(std::string_view text, TimeFormat* out, std::string* err) {
  *out = TimeFormat{};
  if (text == "rfc3339") return true;
  if (text == "epoch") {
    out->kind = TimeFormat::Kind::epoch;
    return true;
  }
  if (text == "epoch_ms") {
    out->kind = TimeFormat::Kind::epoch_ms;
    return true;
  }
  out->kind = TimeFormat::Kind::pattern;
  std::string p;
  bool year = false, month = false, day = false, h24 = false, h12 = false, ampm = false, minute = false, second = false;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      p += text[i];
      continue;
    }
    if (i + 1 == text.size()) {
      *err = fmt::format("'{}' ends with a lone %; write %% for a percent sign", text);
      return false;
    }
    const char d = text[++i];
    switch (d) {
      case 'F': p += "%Y-%m-%d", year = month = day = true; continue;
      case 'T': p += "%H:%M:%S", h24 = minute = second = true; continue;
      case 'R': p += "%H:%M", h24 = minute = true; continue;
      case 'Y': case 'y': year = true; break;
      case 'm': month = true; break;
      case 'd': day = true; break;
      case 'H': h24 = true; break;
      case 'I': h12 = true; break;
      case 'p': ampm = true; break;
      case 'M': minute = true; break;
      case 'S': second = true; break;
      case 'z': out->has_offset = true; break;
      case 'f': case '%': break;
      default:
        *err = fmt::format("unknown conversion %{} in '{}'; use %Y %y %m %d %H %I %p %M %S %f %z %F %T %R %%, or "
                           "rfc3339, epoch, epoch_ms",
                           d, text);
        return false;
    }
    p += '%';
    p += d;
  }
  if (!year || !month || !day) {
    *err = fmt::format("'{}' has no full date; a time format needs a year (%Y or %y), a month (%m) and a day (%d)", text);
    return false;
  }
  if (h24 && h12) {
    *err = fmt::format("'{}' has both %H and %I; use %H for 0-23, or %I with %p for 1-12 AM/PM", text);
    return false;
  }
  if (h12 != ampm) {
    *err = fmt::format("'{}': %I and %p go together (a 12-hour clock needs AM/PM)", text);
    return false;
  }
  if ((minute || second) && !h24 && !h12) {
    *err = fmt::format("'{}' has minutes or seconds but no hour (%H)", text);
    return false;
  }
  out->has_clock = h24 || h12;
  out->pattern = std::move(p);
  return true;
}

bool read_time(const TimeFormat& f, std::string_view s, ParsedTime* out, std::string* err) {
  switch (f.kind) {
    case TimeFormat::Kind::rfc3339:
      out->local = false;
      return parse_time(s, &out->value, err);
    case TimeFormat::Kind::epoch:
    case TimeFormat::Kind::epoch_ms: {
      int64_t n = 0;
      const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
      const int64_t scale = f.kind == TimeFormat::Kind::epoch ? kMicrosPerSecond : 1000;
      if (s.empty() || ec != std::errc() || end != s.data() + s.size() || n > INT64_MAX / scale / 2 ||
          n < INT64_MIN / scale / 2) {
        *err = fmt::format("'{}' is not a whole number of {} since 1970", s,
                           f.kind == TimeFormat::Kind::epoch ? "seconds" : "milliseconds");
        return false;
      }
      out->value = n * scale;
      out->local = false;
      // Canonical times have four-digit years: beyond them (milliseconds
      // read as seconds, say) ingest would write a time no tool reads.
      if (out->value < days_from_civil(0, 1, 1) * kMicrosPerDay ||
          out->value >= days_from_civil(10000, 1, 1) * kMicrosPerDay) {
        *err = f.kind == TimeFormat::Kind::epoch
                   ? fmt::format("'{}' seconds since 1970 is outside the years 0000 to 9999 (milliseconds?)", s)
                   : fmt::format("'{}' milliseconds since 1970 is outside the years 0000 to 9999 (microseconds?)", s);
        return false;
      }
      return true;
    }
    case TimeFormat::Kind::pattern: return match_pattern(f, s, out, err);
  }
  return false;
}

const FieldMap* Mapping::find(std::string_view field) const {
  for (const FieldMap& f : fields)
    if (f.field == field) return &f;
  return nullptr;
}

bool parse_mapping(std::string_view text, const std::string& file, Mapping* out, std::string* err) {
  Mapping m;
  m.file = file;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  struct Pending {
    std::string field, value;
    int64_t line;
  };
  std::vector<Pending> sources, maps, formats;
  std::vector<std::string> seen;
  int64_t number = 0;
  auto fail = [&](int64_t line, const std::string& what) {
    *err = line > 0 ? fmt::format("{}:{}: {}", file, line, what) : fmt::format("{}: {}", file, what);
    return false;
  };
  std::string time_format_text;
  int64_t time_format_line = 0;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    const std::string_view raw = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    ++number;
    const std::string_view line = trim(raw);
    if (line.empty() || line.front() == '#') continue;
    // Values are written out as they are (constants, map targets): the
    // output must stay UTF-8 whatever the map file was saved as.
    if (!simdjson::validate_utf8(line.data(), line.size()))
      return fail(number, "not valid UTF-8; save the mapping file as UTF-8");
    const size_t eq = line.find('=');
    if (eq == std::string_view::npos) return fail(number, "expected KEY = VALUE; a comment line starts with #");
    const std::string key(trim(line.substr(0, eq)));
    const std::string_view value = trim(line.substr(eq + 1));
    const bool repeatable = key.size() > 4 && key.compare(key.size() - 4, 4, ".map") == 0;
    if (!repeatable) {
      for (const std::string& s : seen)
        if (s == key) return fail(number, fmt::format("'{}' is set twice; keep one", key));
      seen.push_back(key);
    }
    if (value.empty() && !repeatable) return fail(number, fmt::format("'{}' has no value", key));
    if (key == "delimiter") {
      if (value == "tab" || value == "\\t") m.delimiter = '\t';
      else if (value.size() == 1 && value[0] != '"' && !is_digit(value[0]) &&
               !((value[0] | 0x20) >= 'a' && (value[0] | 0x20) <= 'z') && static_cast<unsigned char>(value[0]) < 0x80)
        m.delimiter = value[0];
      else return fail(number, fmt::format("delimiter '{}': use one character such as , ; | or the word tab", value));
    } else if (key == "header") {
      if (value == "yes" || value == "true" || value == "oui") m.header = true;
      else if (value == "no" || value == "false" || value == "non") m.header = false;
      else return fail(number, fmt::format("header '{}': use yes or no", value));
    } else if (key == "skip" || key == "columns") {
      int64_t n = 0;
      if (!all_digits(value) || std::from_chars(value.data(), value.data() + value.size(), n).ec != std::errc() ||
          n > 100000)
        return fail(number, fmt::format("{} '{}': use a whole number", key, value));
      (key == "skip" ? m.skip : m.columns) = n;
    } else if (key == "encoding") {
      if (iequals(value, "utf-8") || iequals(value, "utf8")) m.windows1252 = false;
      else if (iequals(value, "windows-1252") || iequals(value, "cp1252") || iequals(value, "latin1") ||
               iequals(value, "iso-8859-1") || iequals(value, "iso-8859-15"))
        m.windows1252 = true;
      else return fail(number, fmt::format("encoding '{}': use utf-8 or windows-1252", value));
    } else if (key == "tz") {
      m.tz = std::string(value);
      m.tz_line = number;
    } else if (key == "time_format") {
      time_format_text = std::string(value);
      time_format_line = number;
    } else {
      std::string field = key;
      enum { kSource, kMap, kFormat } kind = kSource;
      if (repeatable) field.resize(field.size() - 4), kind = kMap;
      else if (field.size() > 7 && field.compare(field.size() - 7, 7, ".format") == 0) field.resize(field.size() - 7), kind = kFormat;
      if (!known_field(field) || (kind == kFormat && !is_time_field(field)))
        return fail(number, fmt::format("unknown key '{}'; keys are delimiter header skip columns encoding tz "
                                        "time_format, a field (id channel start answered end service customer "
                                        "direction outcome conversation agent queue reason ids.KIND attr.NAME), "
                                        "FIELD.map, and start/answered/end.format",
                                        key));
      (kind == kSource ? sources : kind == kMap ? maps : formats).push_back({field, std::string(value), number});
    }
  }
  std::string why;
  if (!time_format_text.empty() && !parse_time_format(time_format_text, &m.time_format, &why))
    return fail(time_format_line, why);
  m.time_format_line = time_format_line;
  for (const Pending& p : sources) {
    FieldMap f;
    f.field = p.field;
    f.line = p.line;
    if (!parse_source(p.value, m.header, &f.source, &why)) return fail(p.line, fmt::format("{}: {}", p.field, why));
    if (f.source.constant && f.field == "id")
      return fail(p.line, "id cannot be a constant (every record would be one contact); name a column, several "
                          "joined with ' + ', or @file + @line");
    m.fields.push_back(std::move(f));
  }
  auto field = [&](const Pending& p, FieldMap** out) {
    for (FieldMap& f : m.fields)
      if (f.field == p.field) {
        *out = &f;
        return true;
      }
    return fail(p.line, fmt::format("{} is given a map or a format but no source; add '{} = COLUMN'", p.field,
                                    p.field));
  };
  for (const Pending& p : maps) {
    FieldMap* f = nullptr;
    if (!field(p, &f)) return false;
    const size_t arrow = p.value.rfind("->");
    if (arrow == std::string::npos)
      return fail(p.line, fmt::format("{}.map: expected 'VALUE -> {}' (a value of the column, then what it means)",
                                      p.field, p.field == "outcome" ? "resolved" : "VALUE"));
    const std::string from(trim(std::string_view(p.value).substr(0, arrow)));
    const std::string to(trim(std::string_view(p.value).substr(arrow + 2)));
    if (!check_enum(p.field, to, &why)) return fail(p.line, fmt::format("{}.map: {}", p.field, why));
    if (p.field == "channel" && to.empty()) return fail(p.line, "channel.map: a channel cannot be empty");
    if (from == "*") {
      if (f->has_default) return fail(p.line, fmt::format("{}.map: '* -> ...' is given twice; keep one", p.field));
      f->has_default = true;
      f->default_value = to;
    } else {
      for (const auto& [a, b] : f->values)
        if (a == from) return fail(p.line, fmt::format("{}.map: '{}' is mapped twice; keep one", p.field, from));
      f->values.emplace_back(from, to);
    }
  }
  for (const Pending& p : formats) {
    FieldMap* f = nullptr;
    if (!field(p, &f)) return false;
    if (!parse_time_format(p.value, &f->format, &why)) return fail(p.line, fmt::format("{}.format: {}", p.field, why));
    f->has_format = true;
    f->format_line = p.line;
  }
  for (const FieldMap& f : m.fields) {
    if (f.source.constant && f.values.empty() && !f.has_default && !check_enum(f.field, f.source.value, &why))
      return fail(f.line, fmt::format("{}: {}", f.field, why));
    if (f.source.constant && is_time_field(f.field))
      return fail(f.line, fmt::format("{} cannot be a constant; name the column that holds it", f.field));
  }
  for (std::string_view required : {"id", "channel", "start"})
    if (m.find(required) == nullptr)
      return fail(0, fmt::format("{} is not mapped; add '{} = COLUMN'{}", required, required,
                                 required == "id"       ? " (or '@file + @line' when the export has no id)"
                                 : required == "channel" ? " or a constant such as 'channel = \"mail\"'"
                                                         : ""));
  *out = std::move(m);
  return true;
}

bool resolve_columns(Mapping* m, const std::vector<std::string>& header, std::string* err) {
  for (FieldMap& f : m->fields) {
    if (f.source.constant) continue;
    f.source.columns.clear();
    for (const std::string& name : f.source.names) {
      if (name == "@line") {
        f.source.columns.push_back(Source::kLine);
        continue;
      }
      if (name == "@file") {
        f.source.columns.push_back(Source::kFile);
        continue;
      }
      int found = -1;
      for (size_t i = 0; i < header.size() && found < 0; ++i)
        if (header[i] == name) found = static_cast<int>(i);
      for (size_t i = 0; i < header.size() && found < 0; ++i)
        if (iequals(header[i], name)) found = static_cast<int>(i);
      int64_t n = 0;
      if (found < 0 && all_digits(name) && std::from_chars(name.data(), name.data() + name.size(), n).ec == std::errc() &&
          n >= 1 && n <= static_cast<int64_t>(header.size()))
        found = static_cast<int>(n - 1);
      if (found < 0) {
        std::string names;
        for (const std::string& h : header) names += fmt::format("{}'{}'", names.empty() ? "" : ", ", h);
        *err = fmt::format("{}:{}: {}: no column '{}' in the header (it has {}); correct the name in the map, or "
                           "check the file and the delimiter",
                           m->file, f.line, f.field, name, names.empty() ? "no column" : names);
        return false;
      }
      f.source.columns.push_back(found);
    }
  }
  return true;
}

}  // namespace parcours
