#include "cmd/common.h"

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

  std::vector<std::string> files = o.files;
  if (files.empty()) files.push_back("-");
  RecordParser parser(RecordParser::Mode::kFirstError);
  RawContact rec;
  std::vector<FieldError> errors;
  bool io_failed = false;
  for (const std::string& file : files) {
    LineReader reader;
    if (!reader.open(file, &err)) {
      say(tool, fmt::format("{}: {}", file, err));
      io_failed = true;
      continue;
    }
    Line line;
    while (reader.next(&line)) {
      if (line.text.find_first_not_of(" \t") == std::string_view::npos) continue;  // blank: no record
      ++out->read;
      errors.clear();
      if (parser.parse(line.text, &rec, &errors)) {
        out->ds.add(rec);
        continue;
      }
      ++out->rejected;
      const FieldError& e = errors.front();
      say(tool, fmt::format("{}:{}: {}: {}", file, line.number, e.field, e.message));
      if (o.max_errors > 0 && out->rejected >= o.max_errors) {
        say(tool, fmt::format("stopping after {} rejected records (--max-errors); no output written",
                              out->rejected));
        return kExitRejected;
      }
    }
    if (!reader.error().empty()) {
      say(tool, fmt::format("{}: {}", file, reader.error()));
      io_failed = true;
    }
  }
  if (io_failed) {
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
