// parcours ingest: real exports in, canonical NDJSON out.
#include <map>

#include <fmt/format.h>

#include "cmd/common.h"
#include "core/formats/format.h"
#include "core/rules.h"

namespace parcours {

namespace {

struct IngestCmd {
  std::string format;
  std::vector<std::string> files;
  IngestOptions options;
  std::string rules_file, rejects_file, output;
  int64_t max_errors = 0;
  bool list = false, quiet = false;
};

// Applies the rules, writes accepted records, keeps rejects, counts.
class Writer : public IngestSink {
 public:
  Writer(const IngestCmd& cmd, const Rules& rules, Output& out, Output* rejects)
      : cmd_(cmd), rules_(rules), out_(out), rejects_(rejects) {}

  void start_file(const std::string& name) { name_ = name; }

  void accept(OutRecord&& r) override {
    ++accepted_;
    if (r.service.empty() && !rules_.empty()) {
      if (const std::string* s = rules_.match(r)) {
        r.service = *s;
      } else {
        r.service = "unknown";
        ++unmatched_;
      }
    }
    line_.clear();
    append_ndjson(line_, r);
    out_.write(line_);
  }

  void merge(int64_t n) override { merged_ += n; }

  void reject(int64_t line, std::string_view raw, std::string_view reason) override {
    ++rejected_;
    say("ingest", fmt::format("{}:{}: {}", name_, line, reason));
    if (rejects_ != nullptr) {
      line_ = "{\"file\":";
      append_json_string(line_, name_);
      line_ += fmt::format(",\"line\":{},\"reason\":", line);
      append_json_string(line_, reason);
      line_ += ",\"record\":";
      append_json_string(line_, to_utf8(raw));
      line_ += "}\n";
      rejects_->write(line_);
    }
  }

  void note(std::string_view what) override { ++notes_[std::string(what)]; }

  bool too_many_errors() const { return cmd_.max_errors > 0 && rejected_ >= cmd_.max_errors; }

  void summary() const {
    if (cmd_.quiet) return;
    // The reconciliation line comes last, whatever happened: scripts and
    // people find it at the end of stderr.
    // One line a note, "what: count": descriptions hold commas, and a count
    // after its noun reads right for one as for many.
    for (const auto& [what, n] : notes_) say("ingest", fmt::format("{}: {}", what, n));
    if (!rules_.empty()) say("ingest", fmt::format("records without a matching rule (service unknown): {}", unmatched_));
    say("ingest", fmt::format("read {}, accepted {}, merged {}, rejected {}", accepted_ + merged_ + rejected_,
                              accepted_, merged_, rejected_));
  }

  int64_t rejected() const { return rejected_; }
  // Records so far, as a manifest lists them per input.
  std::vector<std::pair<std::string, int64_t>> counts() const {
    return {{"read", accepted_ + merged_ + rejected_}, {"accepted", accepted_}, {"merged", merged_},
            {"rejected", rejected_}};
  }

 private:
  const IngestCmd& cmd_;
  const Rules& rules_;
  Output& out_;
  Output* rejects_;
  std::string name_, line_;
  int64_t accepted_ = 0, merged_ = 0, rejected_ = 0, unmatched_ = 0;
  std::map<std::string, int64_t> notes_;
};

int run_ingest(IngestCmd& cmd) {
  if (cmd.list) {
    for (const FormatInfo& f : formats()) fmt::print("{:<16} {}\n", f.name, f.summary);
    return kExitOk;
  }
  const FormatInfo* format = nullptr;
  for (const FormatInfo& f : formats())
    if (f.name == cmd.format) format = &f;
  if (format == nullptr) {
    say("ingest", cmd.format.empty() ? "--format is required; 'parcours ingest --list-formats' lists them"
                                     : fmt::format("--format: unknown format '{}'; 'parcours ingest --list-formats' "
                                                   "lists them", cmd.format));
    return kExitUsage;
  }
  std::string err;
  Rules rules;
  if (!cmd.rules_file.empty()) {
    std::string text;
    if (!read_all(cmd.rules_file, &text, &err)) {
      say("ingest", fmt::format("{}: {}", cmd.rules_file, err));
      return kExitIo;
    }
    if (!rules.parse(text, &err)) {
      say("ingest", fmt::format("{}:{}", cmd.rules_file, err));
      return kExitUsage;
    }
  }
  std::unique_ptr<FormatReader> reader = format->make(cmd.options, &err);
  if (reader == nullptr) {
    say("ingest", fmt::format("--format {}: {}", format->name, err));
    return kExitUsage;
  }
  audit_parameter("rules", audit_file(cmd.rules_file));
  audit_parameter("map", audit_file(cmd.options.map_file));
  Output out, rejects;
  std::string out_path, rejects_path;
  if (!audit_output_path("ingest", cmd.output, true, &out_path) ||
      (!cmd.rejects_file.empty() && !audit_output_path("ingest", cmd.rejects_file, false, &rejects_path)))
    return kExitIo;
  if (!out.open(out_path, &err)) {
    say("ingest", fmt::format("{}: {}", out_path, err));
    return kExitIo;
  }
  if (!cmd.rejects_file.empty() && !rejects.open(rejects_path, &err)) {
    say("ingest", fmt::format("{}: {}", rejects_path, err));
    return kExitIo;
  }
  Writer writer(cmd, rules, out, cmd.rejects_file.empty() ? nullptr : &rejects);
  std::vector<std::string> files = cmd.files;
  if (files.empty()) files.push_back("-");
  bool io_failed = false;
  for (const std::string& file : files) {
    writer.start_file(file);
    auto counts = writer.counts();
    std::string path = file;
    audit_input(file, &path);
    if (!reader->read(path, file, writer, &err)) {
      say("ingest", fmt::format("{}: {}", file, err));
      io_failed = true;
    }
    const auto after = writer.counts();
    for (size_t i = 0; i < counts.size(); ++i) counts[i].second = after[i].second - counts[i].second;
    audit_input_counts(std::move(counts));
    if (writer.too_many_errors()) {
      say("ingest", fmt::format("stopping after {} rejected records (--max-errors); no output written",
                                writer.rejected()));
      writer.summary();
      return kExitRejected;  // the outputs are abandoned: no partial file is left
    }
  }
  if (io_failed) {
    say("ingest", "some inputs could not be read; no output written");
    writer.summary();
    return kExitIo;
  }
  if (!cmd.rejects_file.empty() && !rejects.close(&err)) {
    say("ingest", fmt::format("{}: {}", cmd.rejects_file, err));
    writer.summary();
    return kExitIo;
  }
  if (!out.close(&err)) {
    if (!out.reader_gone()) say("ingest", cmd.output.empty() ? err : fmt::format("{}: {}", cmd.output, err));
    writer.summary();
    return kExitIo;
  }
  writer.summary();
  const int status = writer.rejected() > 0 ? kExitRejected : kExitOk;
  if (const int s = audit_output("ingest", cmd.output, out_path); s != kExitOk) return s;
  if (!cmd.rejects_file.empty())
    if (const int s = audit_output("ingest", cmd.rejects_file, rejects_path); s != kExitOk) return s;
  return audit_finish("ingest", status);
}

}  // namespace

std::function<int()> setup_ingest(CLI::App& app) {
  auto c = std::make_shared<IngestCmd>();
  app.add_option("FILE", c->files, "exports to read; none or - reads standard input");
  app.add_option("-F,--format", c->format, "the export format (see --list-formats)");
  app.add_flag("--list-formats", c->list, "list the formats, one line each, and exit");
  app.add_option("--tz", c->options.tz, "time zone of times written without an offset (Area/City)")
      ->capture_default_str();
  app.add_option("--rules", c->rules_file, "service rules: TSV of field, RE2 pattern, service");
  app.add_option("--map", c->options.map_file, "column mapping of a csv export");
  app.add_option("--columns", c->options.columns, "asterisk-cdr: force the column count (16 to 21)")
      ->check(CLI::Range(16, 21));
  // One domain per --ours (or a comma-separated list), so that a file operand
  // after it is never taken for a domain.
  app.add_option("--ours", c->options.ours, "email: one of the agency's own domains (their messages are outbound); repeat it or separate with commas")
      ->allow_extra_args(false)
      ->delimiter(',');
  app.add_option("--rejects", c->rejects_file, "write each rejected record, with file, line and reason, to FILE");
  app.add_option("-o,--output", c->output, "write to FILE (atomically) instead of standard output");
  app.add_option("--max-errors", c->max_errors, "stop after N rejected records (0: never)")
      ->check(CLI::NonNegativeNumber);
  app.add_flag("-q,--quiet", c->quiet, "no summary lines on standard error");
  add_audit_options(app);
  return [c] { return run_ingest(*c); };
}

}  // namespace parcours
