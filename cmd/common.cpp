#include "cmd/common.h"

#include <algorithm>
#include <bit>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "core/input.h"
#include "core/record.h"

namespace parcours {

void say(std::string_view tool, std::string_view message) {
  fmt::print(stderr, "parcours {}: {}\n", tool, message);
}

void add_compute_options(CLI::App& app, ComputeOptions& o, std::vector<std::string> formats) {
  o.format = formats.front();
  app.add_option("FILE", o.files, "canonical NDJSON inputs; none or - reads standard input");
  app.add_option("-w,--window", o.window, "repeat window W: a whole number of days or hours (7d, 36h)")
      ->capture_default_str();
  app.add_option("--as-of", o.as_of,
                 "as-of time T: RFC 3339, or YYYY-MM-DD for 00:00Z that day (default: latest start)");
  app.add_option("--mode", o.mode, "first-contact resolution: repeat (size-1 episode) or strict")
      ->check(CLI::IsMember({"repeat", "strict"}))
      ->capture_default_str();
  app.add_flag("--any-service", o.any_service, "one sequence per customer across services");
  app.add_option("-f,--format", o.format, "output format")->check(CLI::IsMember(formats))->capture_default_str();
  app.add_option("-o,--output", o.output, "write to FILE (atomically) instead of standard output");
  app.add_option("--max-errors", o.max_errors, "stop after N rejected records (0: never)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_flag("-q,--quiet", o.quiet, "no summary lines on standard error");
  add_link_options(app, o.link);
}

void add_link_options(CLI::App& app, LinkFlags& o) {
  app.add_option("--region", o.region, "default region of phone numbers not written in E.164 (ISO 3166)")
      ->capture_default_str();
  app.add_option("--crosswalk", o.crosswalk, "CSV file customer,kind,value tying identifiers to known customers");
  app.add_option("--block", o.block, "file of identifiers never to link: KIND,VALUE or *,VALUE lines");
  app.add_option("--max-fanout", o.max_fanout,
                 "drop an identifier seen with more than N known customers (a shared phone)")
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 40))
      ->capture_default_str();
  app.add_option("--hash-key", o.hash_key, "write customer keys as HMAC-SHA256 under the key in FILE");
}

int configure_linker(std::string_view tool, const LinkFlags& o, Linker* linker) {
  std::string err;
  if (!linker->set_region(o.region, &err)) {
    say(tool, fmt::format("--region: {}", err));
    return kExitUsage;
  }
  linker->set_max_fanout(o.max_fanout);
  if (!o.block.empty() && !linker->load_block(o.block, &err)) {
    say(tool, fmt::format("--block: {}", err));
    return kExitUsage;
  }
  if (!o.crosswalk.empty() && !linker->load_crosswalk(o.crosswalk, &err)) {
    say(tool, fmt::format("--crosswalk: {}", err));
    return kExitUsage;
  }
  if (!o.hash_key.empty()) {
    std::ifstream in(o.hash_key, std::ios::binary);
    std::ostringstream text;
    if (in) text << in.rdbuf();
    if (!in || in.bad()) {
      say(tool, fmt::format("--hash-key: {}: cannot read the key file", o.hash_key));
      return kExitUsage;
    }
    std::string key = std::move(text).str();
    while (!key.empty() && (key.back() == '\n' || key.back() == '\r')) key.pop_back();
    if (key.empty()) {
      say(tool, fmt::format("--hash-key: {}: the key is empty; put a long random secret in it", o.hash_key));
      return kExitUsage;
    }
    linker->set_hash_key(std::move(key));
  }
  return kExitOk;
}

void print_link_summary(std::string_view tool, const LinkFlags& o, const Dataset& ds, int64_t records,
                        int64_t unidentified_records) {
  // Channels used by each customer's contacts, both directions.
  std::vector<uint16_t> channels(ds.customers.size(), 0);
  for (const Contact& c : ds.contacts)
    if (c.customer != kNone) channels[c.customer] |= static_cast<uint16_t>(1u << static_cast<unsigned>(c.channel));
  int64_t customers = 0, across = 0;
  for (const uint16_t m : channels) {
    customers += m != 0;
    across += std::popcount(m) >= 2;
  }
  const std::vector<DroppedId> dropped = ds.linker.dropped();
  say(tool, fmt::format("{}customers {}, linked across channels {}{}, dropped identifiers {} (--max-fanout {}), "
                        "refused unions {}",
                        records < 0 ? std::string() : fmt::format("records {}, ", records), customers, across,
                        unidentified_records < 0 ? std::string()
                                                 : fmt::format(", unidentified {}", unidentified_records),
                        dropped.size(), o.max_fanout, ds.linker.refused()));
  constexpr size_t kShown = 20;
  for (size_t i = 0; i < dropped.size() && i < kShown; ++i) {
    const DroppedId& d = dropped[i];
    std::string value;
    append_json_string(value, d.value);
    std::string why(drop_reason_name(d.reason));
    if (d.reason == DropReason::kFanout) why = fmt::format("shared by {} known customers", d.keys);
    else if (d.reason == DropReason::kNotPhone) why = fmt::format("not a phone number in region {}", ds.linker.region());
    say(tool, fmt::format("dropped {} {} ({}): {} record{}", d.kind, value, why, d.records, d.records == 1 ? "" : "s"));
  }
  if (dropped.size() > kShown) say(tool, fmt::format("... and {} more dropped identifiers", dropped.size() - kShown));
}

int read_records(std::string_view tool, const std::vector<InputFile>& files, int64_t max_errors,
                 const std::function<void(const RawContact&)>& add, int64_t* read, int64_t* rejected,
                 bool* stopped) {
  RecordParser parser(RecordParser::Mode::kFirstError);
  RawContact rec;
  std::vector<FieldError> errors;
  std::string err;
  bool io_failed = false;
  *stopped = false;
  for (const InputFile& file : files) {
    LineReader reader;
    if (!reader.open(file.path, &err)) {
      say(tool, fmt::format("{}: {}", file.label, err));
      io_failed = true;
      continue;
    }
    Line line;
    while (reader.next(&line)) {
      if (line.text.find_first_not_of(" \t") == std::string_view::npos) continue;  // blank: no record
      ++*read;
      errors.clear();
      if (parser.parse(line.text, &rec, &errors)) {
        add(rec);
        continue;
      }
      ++*rejected;
      const FieldError& e = errors.front();
      say(tool, fmt::format("{}:{}: {}: {}", file.label, line.number, e.field, e.message));
      if (max_errors > 0 && *rejected >= max_errors) {
        *stopped = true;
        return kExitRejected;
      }
    }
    if (!reader.error().empty()) {
      say(tool, fmt::format("{}: {}", file.label, reader.error()));
      io_failed = true;
    }
  }
  if (io_failed) return kExitIo;
  return *rejected > 0 ? kExitRejected : kExitOk;
}

int load(std::string_view tool, const ComputeOptions& o, Loaded* out) {
  std::string err;
  if (!parse_window(o.window, &out->params.window, &err)) {
    say(tool, fmt::format("--window: {}", err));
    return kExitUsage;
  }
  if (!o.as_of.empty() && !parse_as_of(o.as_of, &out->params.as_of, &err)) {
    say(tool, fmt::format("--as-of: '{}': {}", o.as_of, err));
    return kExitUsage;
  }
  out->params.strict = o.mode == "strict";
  out->params.any_service = o.any_service;

  if (const int status = configure_linker(tool, o.link, &out->ds.linker); status != kExitOk) return status;

  std::vector<InputFile> files;
  for (const std::string& f : o.files) files.push_back({f, f});
  if (files.empty()) files.push_back({"-", "-"});
  bool stopped = false;
  const int status = read_records(tool, files, o.max_errors, [&](const RawContact& r) { out->ds.add(r); },
                                  &out->read, &out->rejected, &stopped);
  if (stopped) {
    say(tool, fmt::format("stopping after {} rejected records (--max-errors); no output written", out->rejected));
    return kExitRejected;
  }
  if (status == kExitIo) {
    say(tool, "some inputs could not be read; no output written");
    return kExitIo;
  }
  out->ds.finish();
  out->complete = true;
  return out->rejected > 0 ? kExitRejected : kExitOk;
}

void print_summary(std::string_view tool, const ComputeOptions& o, const Loaded& in) {
  if (o.quiet) return;
  const Dataset& ds = in.ds;
  say(tool, fmt::format("read {}, accepted {}, rejected {}, duplicates {}", in.read, ds.accepted, in.rejected,
                        ds.duplicates));
  int64_t unidentified = 0;
  for (const Contact& c : ds.contacts) unidentified += c.customer == kNone && c.direction == Direction::in;
  const Micros t = effective_as_of(ds, in.params);
  say(tool, fmt::format("contacts {} (legs merged {}), unidentified {}; window {}, as-of {} ({}), mode {}{}",
                        ds.contacts.size(), ds.legs_merged, unidentified, format_window(in.params.window),
                        t == kNoTime ? std::string("none") : format_time(t),
                        in.params.as_of != kNoTime ? "--as-of" : "latest start", o.mode,
                        o.any_service ? ", any service" : ""));
  print_link_summary(tool, o.link, ds);
}

int emit(std::string_view tool, const ComputeOptions& o, const std::function<void(Output&)>& produce, int status) {
  Output out;
  std::string err;
  if (!out.open(o.output, &err)) {
    say(tool, fmt::format("{}: {}", o.output, err));
    return kExitIo;
  }
  produce(out);
  if (!out.close(&err)) {
    say(tool, o.output.empty() ? err : fmt::format("{}: {}", o.output, err));
    return kExitIo;
  }
  return status;
}

}  // namespace parcours
