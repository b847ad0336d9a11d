// csv: any delimited export read through a mapping file (mapping.h). For the
// channels no vendor standardises: mailroom registries, counter queue
// systems, IVR logs, web self-service logs, fax and social media desks. One
// row is one contact; re-deliveries and legs sharing a conversation are left
// to the tools downstream, as for canonical input.
#include <algorithm>

#include <fmt/format.h>

#include "core/csv.h"
#include "core/formats/format.h"
#include "core/formats/repair.h"
#include "core/formats/mapping.h"
#include "core/tz.h"

namespace parcours {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) s.remove_suffix(1);
  return s;
}

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

bool ascii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

// Every byte above 0x7F as Windows-1252, even where the bytes would also
// read as UTF-8: the map says what the export is.
std::string from_windows1252(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (static_cast<unsigned char>(c) < 0x80) out += c;
    else out += to_utf8(std::string_view(&c, 1));
  }
  return out;
}

std::string base_name(const std::string& name) {
  const size_t slash = name.rfind('/');
  return slash == std::string::npos ? name : name.substr(slash + 1);
}

class CsvMapReader : public FormatReader {
 public:
  CsvMapReader(Mapping mapping, Zone zone, bool tz_overridden)
      : mapping_(std::move(mapping)), zone_(std::move(zone)), tz_overridden_(tz_overridden) {}

  bool read(const std::string& path, const std::string& name, IngestSink& sink, std::string* err) override {
    CsvOptions options;
    options.delimiter = mapping_.delimiter;
    CsvReader csv(options);
    if (!csv.open(path, err)) return false;
    sink_ = &sink;
    name_ = name;
    file_ = base_name(name);
    m_ = mapping_;
    CsvRecord rec;
    bool more = true;
    for (int64_t i = 0; i < m_.skip && (more = csv.next(&rec)); ++i) {
    }
    expected_ = static_cast<size_t>(m_.columns);
    size_t need = 0;  // without a header: one more than the highest column the map names
    if (m_.header) {
      if (more && csv.next(&rec)) {
        std::vector<std::string> header;
        for (std::string_view f : rec.fields) header.emplace_back(trim(decode(f)));
        if (!resolve_columns(&m_, header, err)) return false;
        expected_ = header.size();
        expected_why_ = fmt::format("the header (line {}) has {}", rec.line, header.size());
      } else {
        more = false;
      }
    } else {
      for (const FieldMap& f : m_.fields)
        for (int c : f.source.columns) need = std::max(need, static_cast<size_t>(std::max(c + 1, 0)));
      if (expected_ > 0) expected_why_ = fmt::format("the map sets columns = {}", expected_);
    }
    while (more && csv.next(&rec)) {
      if (expected_ == 0) {
        expected_ = rec.fields.size();
        expected_why_ = fmt::format("the first record (line {}) has {}", rec.line, expected_);
      }
      if (rec.fields.size() != expected_) {
        sink.reject(rec.line, rec.raw,
                    fmt::format("record has {} fields and {}; fix the row (a delimiter inside a value must be "
                                "quoted), or remove it",
                                rec.fields.size(), expected_why_));
        continue;
      }
      if (rec.fields.size() < need) {
        sink.reject(rec.line, rec.raw,
                    fmt::format("record has {} fields, and {} maps column {}; fix the row or the map", rec.fields.size(),
                                m_.file, need));
        continue;
      }
      row(rec);
    }
    if (!csv.error().empty()) {
      *err = csv.error();
      return false;
    }
    return true;
  }

 private:
  std::string decode(std::string_view s) {
    if (m_.windows1252 && !ascii(s)) return from_windows1252(s);
    return utf8_field(s, *sink_);
  }

  // The value of one field for this record: joined, trimmed, decoded, not
  // yet mapped. *where names its columns for messages.
  std::string value(const FieldMap& f, const CsvRecord& rec, std::string* where) {
    if (f.source.constant) {
      *where = fmt::format("the constant \"{}\"", f.source.value);
      return f.source.value;
    }
    const bool time = f.field == "start" || f.field == "answered" || f.field == "end";
    std::string out;
    bool any = false;
    where->clear();
    for (size_t i = 0; i < f.source.columns.size(); ++i) {
      const int c = f.source.columns[i];
      const std::string part = c == Source::kLine   ? std::to_string(rec.line)
                               : c == Source::kFile ? file_
                                                    : std::string(trim(decode(rec.fields[static_cast<size_t>(c)])));
      *where += fmt::format("{}'{}'", i == 0 ? "" : " + ", f.source.names[i]);
      // A time joined from a date and a clock column is absent when either
      // is empty (a visitor who left before being called has no call time);
      // elsewhere an empty part is skipped, leaving no dangling separator.
      if (part.empty()) {
        if (!time) continue;
        out.clear();
        any = false;
        for (size_t k = i + 1; k < f.source.columns.size(); ++k)
          *where += fmt::format(" + '{}'", f.source.names[k]);
        break;
      }
      if (any) out += time ? " " : "-";
      out += part;
      any = true;
    }
    *where = fmt::format("column{} {}", f.source.columns.size() > 1 ? "s" : "", *where);
    return out;
  }

  // Applies the field's value map; a value it does not name is kept (and
  // checked afterwards if the field takes one of a fixed set).
  void mapped(const FieldMap& f, std::string* v) {
    if (f.values.empty() && !f.has_default) return;
    for (const auto& [from, to] : f.values)
      if (from == *v) {
        *v = to;
        return;
      }
    for (const auto& [from, to] : f.values)
      if (iequals(from, *v)) {
        *v = to;
        return;
      }
    if (!v->empty() && f.has_default) *v = f.default_value;  // an empty value stays absent
  }

  // Reads a time by its format: an instant, or a wall-clock reading of
  // zone_ (t->local) for the caller to convert.
  bool time(const FieldMap& f, std::string_view text, std::string_view where, ParsedTime* t, std::string* why) {
    const TimeFormat& format = f.has_format ? f.format : m_.time_format;
    std::string err;
    if (!read_time(format, text, t, &err)) {
      const int64_t line = f.has_format ? f.format_line : m_.time_format_line;
      *why = line > 0 ? fmt::format("{}: {} in {}; fix the value, or the format at {}:{}", f.field, err, where, m_.file, line)
                      : fmt::format("{}: {} in {}; fix the value, or give its format in {} (time_format = ...)", f.field,
                                    err, where, m_.file);
      return false;
    }
    return true;
  }

  void row(const CsvRecord& rec) {
    OutRecord r;
    r.src_file = name_;
    r.src_line = rec.line;
    std::string where, why;
    const FieldMap* times[3] = {m_.find("start"), m_.find("answered"), m_.find("end")};
    std::string time_text[3], time_where[3];
    for (const FieldMap& f : m_.fields) {
      std::string v = value(f, rec, &where);
      const std::string raw = v;
      mapped(f, &v);
      const std::string& field = f.field;
      auto reject = [&](const std::string& what) { sink_->reject(rec.line, rec.raw, what); };
      if (field == "id" || field == "channel" || field == "start") {
        if (v.empty()) {
          reject(fmt::format("{}: {} is empty, and every contact needs one; fill it in or remove the record", field,
                             where));
          return;
        }
      }
      if (field == "id") {
        r.id = v;
      } else if (field == "channel") {
        if (!parse_channel(v, &r.channel)) {
          reject(fmt::format("channel: '{}' in {} is not a channel; add 'channel.map = {} -> CHANNEL' to {}", raw, where,
                             raw, m_.file));
          return;
        }
      } else if (field == "direction") {
        if (v == "in" || iequals(v, "in")) r.direction = Direction::in;
        else if (iequals(v, "out")) r.direction = Direction::out;
        else if (!v.empty()) {
          reject(fmt::format("direction: '{}' in {} is neither in nor out; add 'direction.map = {} -> in' (or out) to {}",
                             raw, where, raw, m_.file));
          return;
        }
      } else if (field == "outcome") {
        if (!v.empty() && !parse_outcome(v, &r.outcome)) {
          reject(fmt::format("outcome: '{}' in {} is not an outcome; add 'outcome.map = {} -> OUTCOME' to {} (resolved, "
                             "unresolved, abandoned, transferred, unknown, or nothing)",
                             raw, where, raw, m_.file));
          return;
        }
      } else if (field == "start" || field == "answered" || field == "end") {
        const int i = field == "start" ? 0 : field == "answered" ? 1 : 2;
        time_text[i] = v;
        time_where[i] = where;
      } else if (field == "service") {
        r.service = v;
      } else if (field == "customer") {
        r.customer = v;
      } else if (field == "conversation") {
        r.conversation = v;
      } else if (field == "agent") {
        r.agent = v;
      } else if (field == "queue") {
        r.queue = v;
      } else if (field == "reason") {
        r.reason = v;
      } else if (field.compare(0, 4, "ids.") == 0) {
        r.set_id(std::string_view(field).substr(4), v);
      } else if (field.compare(0, 5, "attr.") == 0) {
        r.set_attr(std::string_view(field).substr(5), v);
      }
    }
    // The start first: answered and end are read against it.
    LocalTime t[3];
    for (int i = 0; i < 3; ++i) {
      if (times[i] == nullptr || time_text[i].empty()) continue;
      ParsedTime p;
      if (!time(*times[i], time_text[i], time_where[i], &p, &why)) {
        sink_->reject(rec.line, rec.raw, why);
        return;
      }
      t[i] = p.local ? local_time(zone_, p.value, t[0].utc, *sink_) : LocalTime{p.value, p.value};
    }
    settle_gaps(&t[0], &t[1], &t[2], *sink_);
    r.start = t[0].utc;
    r.answered = t[1].utc;
    r.end = t[2].utc;
    Micros* dst[3] = {&r.start, &r.answered, &r.end};
    for (int i = 1; i < 3; ++i) {
      if (*dst[i] != kNoTime && *dst[i] < r.start) {
        sink_->reject(rec.line, rec.raw,
                      fmt::format("{}: '{}' in {} is before the start '{}'; fix the times (or the map's columns) or "
                                  "remove the record",
                                  times[i]->field, time_text[i], time_where[i], time_text[0]));
        return;
      }
    }
    if (r.end != kNoTime && r.answered != kNoTime && r.end < r.answered) {
      sink_->reject(rec.line, rec.raw,
                    fmt::format("end: '{}' in {} is before answered '{}'; fix the times or remove the record",
                                time_text[2], time_where[2], time_text[1]));
      return;
    }
    if (tz_overridden_ && !m_.tz.empty()) sink_->note("records read with --tz instead of the map's tz");
    sink_->accept(std::move(r));
  }

  const Mapping mapping_;
  Zone zone_;
  const bool tz_overridden_;
  Mapping m_;  // this file's: columns resolved against its header
  IngestSink* sink_ = nullptr;
  std::string name_, file_, expected_why_;
  size_t expected_ = 0;
};

}  // namespace

std::unique_ptr<FormatReader> make_csv(const IngestOptions& options, std::string* err) {
  if (options.map_file.empty()) {
    *err = "--map FILE is required: it says which column holds which field (see parcours-formats(5), section csv; "
           "examples in schemas/mappings/)";
    return nullptr;
  }
  std::string text;
  if (!read_all(options.map_file, &text, err)) {
    *err = fmt::format("{}: {}", options.map_file, *err);
    return nullptr;
  }
  Mapping mapping;
  if (!parse_mapping(text, options.map_file, &mapping, err)) return nullptr;
  // --tz is UTC unless given; a map written for one system names that
  // system's zone, and an explicit --tz other than UTC overrides it (write
  // Etc/UTC to force UTC over the map's zone).
  const bool overridden = options.tz != "UTC";
  const std::string zone_name = overridden || mapping.tz.empty() ? options.tz : mapping.tz;
  Zone zone;
  std::string why;
  if (!zone.load(zone_name, &why)) {
    *err = overridden || mapping.tz.empty() ? fmt::format("--tz {}: {}", zone_name, why)
                                            : fmt::format("{}:{}: tz: {}", mapping.file, mapping.tz_line, why);
    return nullptr;
  }
  const bool map_zone_ignored = overridden && !mapping.tz.empty();
  return std::make_unique<CsvMapReader>(std::move(mapping), std::move(zone), map_zone_ignored);
}

}  // namespace parcours
