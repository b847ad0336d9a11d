// parcours validate: checks canonical NDJSON against the contact record.
#include <fmt/format.h>

#include "cmd/common.h"
#include "core/input.h"
#include "core/record.h"

namespace parcours {

namespace {

struct ValidateOptions {
  std::vector<std::string> files;
  int64_t max_errors = 0;
  bool quiet = false;
};

int run_validate(const ValidateOptions& o) {
  std::vector<std::string> files = o.files;
  if (files.empty()) files.push_back("-");
  RecordParser parser(RecordParser::Mode::kAllErrors);
  RawContact rec;
  std::vector<FieldError> errors;
  int64_t read = 0, invalid = 0;
  bool io_failed = false, stopped = false;
  for (const std::string& file : files) {
    LineReader reader;
    std::string err;
    if (!reader.open(file, &err)) {
      say("validate", fmt::format("{}: {}", file, err));
      io_failed = true;
      continue;
    }
    Line line;
    while (!stopped && reader.next(&line)) {
      if (line.text.find_first_not_of(" \t") == std::string_view::npos) continue;
      ++read;
      errors.clear();
      if (line.cut)
        errors.push_back({"-", std::string(kCutLineMessage)});
      else if (parser.parse(line.text, &rec, &errors))
        continue;
      ++invalid;
      for (const FieldError& e : errors)
        say("validate", fmt::format("{}:{}: {}: {}", file, line.number, e.field, e.message));
      stopped = o.max_errors > 0 && invalid >= o.max_errors;
    }
    if (!reader.error().empty()) {
      say("validate", fmt::format("{}: {}", file, reader.error()));
      io_failed = true;
    }
    if (stopped) {
      say("validate", fmt::format("stopping after {} invalid records (--max-errors)", invalid));
      break;
    }
  }
  if (!o.quiet) say("validate", fmt::format("read {}, valid {}, invalid {}", read, read - invalid, invalid));
  if (io_failed) return kExitIo;
  return invalid > 0 ? kExitRejected : kExitOk;
}

}  // namespace

std::function<int()> setup_validate(CLI::App& app) {
  auto o = std::make_shared<ValidateOptions>();
  app.add_option("FILE", o->files, "canonical NDJSON inputs; none or - reads standard input");
  app.add_option("--max-errors", o->max_errors, "stop after N invalid records (0: never)")
      ->check(CLI::NonNegativeNumber);
  app.add_flag("-q,--quiet", o->quiet, "no summary line on standard error");
  return [o] { return run_validate(*o); };
}

}  // namespace parcours
