#include "cmd/common.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <bit>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "core/formats/format.h"
#include "core/input.h"
#include "core/reader.h"
#include "core/record.h"
#include "core/sha256.h"
#include "core/signals.h"
#include "core/spill.h"

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
  add_read_options(app, o.read);
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
  app.add_option("--memory", o.memory,
                 "memory budget (4G, 512M): record arrays past it spill to --tmpdir; results never depend on it");
  app.add_option("--tmpdir", o.tmpdir, "directory of spill files (default: $TMPDIR, else /tmp)");
  // Every tool that links (link and the computing tools) reads canonical
  // records and writes one output: all of them can be audited.
  add_audit_options(app);
}

int configure_linker(std::string_view tool, const LinkFlags& o, Linker* linker) {
  std::string err;
  uint64_t budget = 0;
  if (!o.memory.empty() && !spill::parse_size(o.memory, &budget)) {
    say(tool, fmt::format("--memory: '{}': expected a size such as 4G, 512M or 100K", o.memory));
    return kExitUsage;
  }
  if (!o.tmpdir.empty() && budget == 0) {
    say(tool, "--tmpdir: nothing spills without --memory; give a budget too");
    return kExitUsage;
  }
  if (!spill::configure(budget, o.tmpdir.empty() ? spill::default_dir() : o.tmpdir, &err)) {
    say(tool, fmt::format("--tmpdir: {}; give a writable directory", err));
    return kExitUsage;
  }
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
    linker->set_hash_key(key);
  }
  // The key itself never goes into a manifest, only its file's SHA-256.
  audit_parameter("region", Json::of_string(o.region));
  audit_parameter("max_fanout", Json::of_int(o.max_fanout));
  audit_parameter("crosswalk", audit_file(o.crosswalk));
  audit_parameter("block", audit_file(o.block));
  audit_parameter("hash_key", audit_file(o.hash_key));
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
  print_spill_summary(tool, o);
}

void print_spill_summary(std::string_view tool, const LinkFlags& o) {
  if (spill::spilled_total() == 0) return;
  say(tool, fmt::format("spilled {} MiB to {} (at most {} MiB at once; --memory {})",
                        (spill::spilled_total() + (1 << 20) - 1) >> 20, spill::dir(),
                        (spill::spilled_peak() + (1 << 20) - 1) >> 20, o.memory));
}

void add_read_options(CLI::App& app, ReadOptions& o) {
  app.add_option("--max-errors", o.max_errors, "stop after N rejected records (0: never)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("-j,--threads", o.threads, "parse with N threads (default: every core; results never depend on it)")
      ->check(CLI::Range(1, 1024));
  app.add_flag("-q,--quiet", o.quiet, "no summary lines on standard error");
}

namespace {

// The progress line of a long read: on a terminal only, rewritten in place
// at most five times a second, erased when reading ends. Nothing for the
// first second, so short runs never flash it.
class Progress {
 public:
  // `total`: bytes in all inputs, or -1 when some is not a regular file.
  Progress(std::string_view tool, int64_t total, bool quiet)
      : tool_(tool), on_(!quiet && isatty(2) == 1), total_(total), start_(std::chrono::steady_clock::now()) {}
  ~Progress() { clear(); }
  void update(int64_t bytes, int64_t records) {
    if (!on_) return;
    const auto now = std::chrono::steady_clock::now();
    const double elapsed = std::chrono::duration<double>(now - start_).count();
    if (elapsed < 1.0 || now - last_ < std::chrono::milliseconds(200)) return;
    last_ = now;
    std::string line = fmt::format("parcours {}: {} MB read", tool_, bytes / 1000000);
    if (total_ > 0) line += fmt::format(" of {} MB", total_ / 1000000);
    line += fmt::format(", {:.0f} records/s", static_cast<double>(records) / elapsed);
    if (total_ > 0 && bytes > 0 && bytes < total_)
      line += fmt::format(", about {:.0f} s to go", elapsed * static_cast<double>(total_ - bytes) / static_cast<double>(bytes));
    fmt::print(stderr, "\r{}\x1b[K", line);
    std::fflush(stderr);
    shown_ = true;
  }
  // Erases the line, before any other message and when reading ends.
  void clear() {
    if (!shown_) return;
    fmt::print(stderr, "\r\x1b[K");
    std::fflush(stderr);
    shown_ = false;
  }

 private:
  std::string_view tool_;
  bool on_;
  int64_t total_;
  std::chrono::steady_clock::time_point start_, last_{};
  bool shown_ = false;
};

}  // namespace

int read_records(std::string_view tool, const std::vector<InputFile>& files, const ReadOptions& opts,
                 const std::function<void(const RawContact&)>& add, int64_t* read, int64_t* rejected,
                 bool* stopped, Dataset* dataset) {
  *stopped = false;
  // Inputs are hashed for the manifest before reading starts; standard input
  // is then read from its copy.
  std::vector<std::string> paths;
  const size_t audit_base = audit().record.inputs.size();
  for (const InputFile& file : files) {
    std::string path = file.path;
    audit_input(file.label, &path);
    paths.push_back(std::move(path));
  }
  bool io_failed = false;
  int64_t read_before = *read, rejected_before = *rejected;
  int64_t total = 0;  // bytes in all inputs, when all are regular files
  for (const std::string& path : paths) {
    struct stat st;
    if (total < 0 || path == "-" || stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) total = -1;
    else total += st.st_size;
  }
  Progress progress(tool, total, opts.quiet);
  RecordSink sink;
  sink.open_failed = [&](size_t file, const std::string& err) {
    progress.clear();
    say(tool, fmt::format("{}: {}", files[file].label, err));
    io_failed = true;
  };
  sink.record = [&](size_t, int64_t, const RawContact& r) {
    ++*read;
    add(r);
    return true;
  };
  if (dataset != nullptr) sink.ahead = [dataset](const RawContact& r, int step) { dataset->warm(r, step); };
  sink.rejected = [&](size_t file, int64_t line, const FieldError& e) {
    ++*read;
    ++*rejected;
    progress.clear();
    say(tool, fmt::format("{}:{}: {}: {}", files[file].label, line, e.field, e.message));
    if (opts.max_errors > 0 && *rejected >= opts.max_errors) {
      *stopped = true;
      return false;
    }
    return true;
  };
  sink.file_done = [&](size_t file, const std::string& err) {
    if (!err.empty()) {
      progress.clear();
      say(tool, fmt::format("{}: {}", files[file].label, err));
      io_failed = true;
    }
    audit_input_counts(audit_base + file, {{"read", *read - read_before},
                              {"accepted", (*read - read_before) - (*rejected - rejected_before)},
                              {"rejected", *rejected - rejected_before}});
    read_before = *read;
    rejected_before = *rejected;
  };
  bool reserved = false;
  sink.progress = [&](int64_t bytes) {
    progress.update(bytes, *read);
    if (dataset != nullptr && !reserved && total > 0 && bytes > 0 && *read > 0) {
      reserved = true;  // from the first batch: its lines' length, with a tenth to spare
      dataset->reserve(static_cast<size_t>(static_cast<double>(*read) * static_cast<double>(total) /
                                           static_cast<double>(bytes) * 1.1));
    }
  };
  const bool complete = read_canonical(paths, opts.thread_count(), sink);
  progress.clear();
  if (!complete) return kExitRejected;
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
  out->ds.threads = o.read.thread_count();

  std::vector<InputFile> files;
  for (const std::string& f : o.files) files.push_back({f, f});
  if (files.empty()) files.push_back({"-", "-"});
  bool stopped = false;
  const int status = read_records(tool, files, o.read, [&](const RawContact& r) { out->ds.add(r); },
                                  &out->read, &out->rejected, &stopped, &out->ds);
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
  if (audit().active()) {
    const Micros t = effective_as_of(out->ds, out->params);
    audit_parameter("window", Json::of_string(format_window(out->params.window)));
    audit_parameter("as_of", o.as_of.empty() ? Json::null() : Json::of_string(format_time(out->params.as_of)));
    audit_parameter("as_of_effective", t == kNoTime ? Json::null() : Json::of_string(format_time(t)));
    audit_parameter("mode", Json::of_string(o.mode));
    audit_parameter("any_service", Json::of_bool(o.any_service));
    int64_t unidentified = 0;
    for (const Contact& c : out->ds.contacts) unidentified += c.customer == kNone && c.direction == Direction::in;
    audit().record.counts = {{"read", out->read},
                             {"accepted", out->ds.accepted},
                             {"rejected", out->rejected},
                             {"duplicates", out->ds.duplicates},
                             {"legs_merged", out->ds.legs_merged},
                             {"contacts", static_cast<int64_t>(out->ds.contacts.size())},
                             {"unidentified", unidentified}};
  }
  return out->rejected > 0 ? kExitRejected : kExitOk;
}

void print_summary(std::string_view tool, const ComputeOptions& o, const Loaded& in) {
  if (o.read.quiet) return;
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
  std::string err, path;
  if (!audit_output_path(tool, o.output, true, &path)) return kExitIo;
  if (!out.open(path, &err)) {
    say(tool, fmt::format("{}: {}", path, err));
    return kExitIo;
  }
  produce(out);
  if (!out.close(&err)) {
    say(tool, o.output.empty() ? err : fmt::format("{}: {}", o.output, err));
    return kExitIo;
  }
  if (const int s = audit_output(tool, o.output, path); s != kExitOk) return s;
  return audit_finish(tool, status);
}

// ---- Audit (--manifest, --replay) -------------------------------------------

namespace {

// Options that say where results go, how much to say or how to run, not
// what is computed: the manifest records outputs by path instead, and a
// replay may set them anew.
bool run_option(std::string_view name) {
  return name == "manifest" || name == "replay" || name == "output" || name == "quiet" || name == "threads" ||
         name == "memory" || name == "tmpdir";
}
bool recorded_option(std::string_view name) { return name != "help" && !run_option(name); }

// The options of the parsed command line, by long name, sorted.
Json options_of(const CLI::App& app) {
  std::vector<std::pair<std::string, Json>> opts;
  for (const CLI::Option* opt : app.get_options()) {
    if (opt->get_lnames().empty() || !recorded_option(opt->get_lnames().front())) continue;
    Json v;
    if (opt->get_expected_max() == 0) {
      v = Json::of_bool(opt->count() > 0);
    } else if (opt->count() > 0 && opt->get_items_expected_max() > 1) {
      v = Json::new_array();
      for (const std::string& r : opt->results()) v.array.push_back(Json::of_string(r));
    } else if (opt->count() > 0) {
      v = Json::of_string(opt->results().back());
    } else if (!opt->get_default_str().empty()) {
      v = Json::of_string(opt->get_default_str());
    }
    opts.emplace_back(opt->get_lnames().front(), std::move(v));
  }
  std::sort(opts.begin(), opts.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  Json out = Json::new_object();
  out.object = std::move(opts);
  return out;
}

std::string temp_dir() {
  const char* dir = std::getenv("TMPDIR");
  return dir != nullptr && *dir != '\0' ? dir : "/tmp";
}

// Hashes an input before it is read. A regular file is simply read twice;
// standard input and pipes are copied while hashed to an unlinked temporary
// file, which standard input then is (dup2) or *path names.
bool hash_input(std::string* path, std::string* sha, int64_t* size, std::string* err) {
  const bool is_stdin = *path == "-";
  struct stat st;
  if ((is_stdin ? fstat(0, &st) : stat(path->c_str(), &st)) != 0) {
    *err = fmt_errno("cannot open", errno);
    return false;
  }
  if (S_ISDIR(st.st_mode)) {
    *err = "is a directory";
    return false;
  }
  if (S_ISREG(st.st_mode)) {
    if (!is_stdin) return sha256_file(*path, sha, size, err);
    const off_t at = lseek(0, 0, SEEK_CUR);
    if (at >= 0) {
      const bool ok = sha256_fd(0, sha, size, err);
      if (lseek(0, at, SEEK_SET) == at) return ok;
    }
  }
  std::string name = temp_dir() + "/parcours-input.XXXXXX";
  const int copy = mkostemp(name.data(), O_CLOEXEC);
  if (copy < 0) {
    *err = fmt_errno(fmt::format("cannot create a temporary file in {}", temp_dir()), errno);
    return false;
  }
  unlink(name.c_str());
  const int in = is_stdin ? 0 : ::open(path->c_str(), O_RDONLY | O_CLOEXEC);
  int copy_err = 0;
  bool ok = in >= 0;
  if (!ok) *err = fmt_errno("cannot open", errno);
  if (ok) ok = sha256_fd(in, sha, size, err, copy, &copy_err);
  if (ok && copy_err != 0) {
    *err = fmt_errno(fmt::format("cannot copy it to {}", temp_dir()), copy_err);
    ok = false;
  }
  if (in > 0) ::close(in);
  if (ok && lseek(copy, 0, SEEK_SET) != 0) ok = false, *err = fmt_errno("cannot reread its copy", errno);
  if (!ok) {
    ::close(copy);
    return false;
  }
  if (is_stdin) {
    dup2(copy, 0);
    ::close(copy);
  } else {
    audit().spools.push_back(copy);
    *path = fmt::format("/dev/fd/{}", copy);
  }
  return true;
}

std::string output_name(const std::string& path) {
  return path.empty() || path == "-" ? "standard output" : path;
}

// --replay: compares the outputs with the manifest's.
int check_replay(std::string_view tool) {
  const Manifest& want = audit().expected;
  const Manifest& got = audit().record;
  if (want.outputs.size() != got.outputs.size()) {
    say(tool, fmt::format("replay: {} output{} in the manifest, {} now", want.outputs.size(),
                          want.outputs.size() == 1 ? "" : "s", got.outputs.size()));
    return kExitRejected;
  }
  bool same = true;
  for (size_t i = 0; i < want.outputs.size(); ++i) {
    const ManifestFile &w = want.outputs[i], &g = got.outputs[i];
    if (w.sha256 == g.sha256 && w.size == g.size) {
      say(tool, fmt::format("replay: {} matches (sha256 {})", output_name(w.path), w.sha256));
      continue;
    }
    say(tool, fmt::format("replay: {} differs: sha256 {} ({} bytes) in the manifest, {} ({} bytes) now",
                          output_name(w.path), w.sha256, w.size, g.sha256, g.size));
    same = false;
  }
  return same ? kExitOk : kExitRejected;
}

}  // namespace

Audit::~Audit() {
  for (const std::string& t : temps) {
    ::unlink(t.c_str());
    forget_temp_file(t.c_str());
  }
  for (const int fd : spools) ::close(fd);
}

Audit& audit() {
  static Audit a;
  return a;
}

void add_audit_options(CLI::App& app) {
  app.add_option("--manifest", audit().manifest,
                 "write the run's manifest to FILE: options, inputs and outputs with their SHA-256");
  app.add_option("--replay", audit().replay,
                 "rerun as the manifest in FILE says and check that every output is the same");
}

int replay_arguments(std::string_view tool, const CLI::App& given, std::vector<std::string>* args) {
  Audit& a = audit();
  const std::string& file = a.replay;
  for (const CLI::Option* opt : given.get_options()) {
    if (opt->count() == 0) continue;
    const std::string name = opt->get_lnames().empty() ? opt->get_name() : opt->get_lnames().front();
    if (run_option(name)) continue;
    say(tool, fmt::format("--replay takes the options and inputs from the manifest; give none but -o, -q, -j and "
                          "--manifest ({} was given)",
                          opt->get_lnames().empty() ? "FILE" : "--" + name));
    return kExitUsage;
  }
  std::string text, err;
  if (!read_all(file, &text, &err)) {
    say(tool, fmt::format("--replay: {}: {}", file, err));
    return kExitIo;
  }
  if (!parse_manifest(text, &a.expected, &err)) {
    say(tool, fmt::format("--replay: {}: {}; is it a manifest written by --manifest?", file, err));
    return kExitUsage;
  }
  const Manifest& m = a.expected;
  if (m.tool != tool) {
    say(tool, fmt::format("--replay: {} is the manifest of a run of 'parcours {}'; run 'parcours {} --replay {}'",
                          file, m.tool, m.tool, file));
    return kExitUsage;
  }
  if (m.version != PARCOURS_VERSION)
    say(tool, fmt::format("replay: the manifest was written by parcours {}, this is {}; outputs may differ",
                          m.version, PARCOURS_VERSION));

  // Every changed input is named before giving up: one run shows them all.
  int status = kExitOk;
  for (const ManifestFile& in : m.inputs) {
    std::string path = in.path, sha;
    int64_t size = 0;
    if (!hash_input(&path, &sha, &size, &err)) {
      say(tool, fmt::format("replay: {}: {}", in.path, err));
      status = kExitIo;
    } else if (sha != in.sha256 || size != in.size) {
      say(tool, fmt::format("replay: {}: changed since the run: sha256 {} ({} bytes) in the manifest, {} ({} bytes) "
                            "now; the outputs cannot be checked",
                            in.path, in.sha256, in.size, sha, size));
      if (status == kExitOk) status = kExitRejected;
    }
  }
  if (status != kExitOk) return status;

  for (const auto& [name, v] : m.options.object) {
    switch (v.type) {
      case Json::Type::kNull: break;
      case Json::Type::kBool:
        if (v.boolean) args->push_back("--" + name);
        break;
      case Json::Type::kString: args->push_back(fmt::format("--{}={}", name, v.string)); break;
      case Json::Type::kArray:
        for (const Json& x : v.array) {
          if (x.type != Json::Type::kString) {
            say(tool, fmt::format("--replay: {}: options.{}: expected strings", file, name));
            return kExitUsage;
          }
          args->push_back(fmt::format("--{}={}", name, x.string));
        }
        break;
      default:
        say(tool, fmt::format("--replay: {}: options.{}: expected a string, true or false", file, name));
        return kExitUsage;
    }
  }
  for (const CLI::Option* opt : given.get_options()) {
    if (opt->count() == 0 || opt->get_lnames().empty()) continue;
    const std::string& name = opt->get_lnames().front();
    if (name == "output") args->push_back("--output=" + opt->results().back());
    if (name == "quiet") args->push_back("--quiet");
    if (name == "threads") args->push_back("--threads=" + opt->results().back());
    if (name == "memory") args->push_back("--memory=" + opt->results().back());
    if (name == "tmpdir") args->push_back("--tmpdir=" + opt->results().back());
  }
  args->push_back("--");
  for (const ManifestFile& in : m.inputs) args->push_back(in.path);
  return kExitOk;
}

void audit_input(const std::string& label, std::string* path) {
  Audit& a = audit();
  if (!a.active()) return;
  ManifestFile f;
  f.path = label;
  std::string err;
  if (!hash_input(path, &f.sha256, &f.size, &err)) a.broken = true;
  a.record.inputs.push_back(std::move(f));
}

void audit_input_counts(std::vector<std::pair<std::string, int64_t>> counts) {
  if (!audit().record.inputs.empty()) audit_input_counts(audit().record.inputs.size() - 1, std::move(counts));
}

void audit_input_counts(size_t index, std::vector<std::pair<std::string, int64_t>> counts) {
  Audit& a = audit();
  if (a.active() && index < a.record.inputs.size()) a.record.inputs[index].counts = std::move(counts);
}

void audit_parameter(std::string_view key, Json value) {
  if (audit().active()) audit().record.parameters.set(key, std::move(value));
}

Json audit_file(const std::string& path) {
  if (path.empty()) return Json::null();
  Json f = Json::new_object();
  std::string sha, err;
  int64_t size = 0;
  if (!sha256_file(path, &sha, &size, &err)) audit().broken = true;
  f.set("path", Json::of_string(path));
  f.set("size", Json::of_int(size));
  f.set("sha256", Json::of_string(sha));
  return f;
}

bool audit_output_path(std::string_view tool, const std::string& path, bool main, std::string* opened) {
  const Audit& a = audit();
  const bool to_stdout = path.empty() || path == "-";
  *opened = path;
  if (!a.active() || (a.replay.empty() ? !to_stdout : main && !to_stdout)) return true;
  std::string name = temp_dir() + "/parcours-output.XXXXXX";
  const int fd = create_temp_file(name.data());
  if (fd < 0) {
    say(tool, fmt_errno(fmt::format("cannot create a temporary file in {}", temp_dir()), errno));
    return false;
  }
  ::close(fd);
  audit().temps.push_back(name);
  *opened = name;
  return true;
}

int audit_output(std::string_view tool, const std::string& path, const std::string& opened) {
  Audit& a = audit();
  if (!a.active()) return kExitOk;
  ManifestFile f;
  f.path = path.empty() ? "-" : path;
  // A temporary file stands for standard output, unless a replay only checks it.
  const bool copy = opened != path && a.replay.empty();
  std::string err;
  const int fd = ::open(opened.c_str(), O_RDONLY | O_CLOEXEC);
  int copy_err = 0;
  if (fd < 0 || !sha256_fd(fd, &f.sha256, &f.size, &err, copy ? 1 : -1, &copy_err)) {
    if (fd < 0) err = fmt_errno("cannot open", errno);
    else ::close(fd);
    say(tool, fmt::format("{}: cannot hash the output: {}", opened, err));
    return kExitIo;
  }
  ::close(fd);
  if (copy_err != 0 && copy_err != EPIPE) {
    say(tool, fmt_errno("cannot write standard output", copy_err));
    return kExitIo;
  }
  a.record.outputs.push_back(std::move(f));
  return kExitOk;
}

int audit_finish(std::string_view tool, int status) {
  Audit& a = audit();
  if (!a.active()) return status;
  Manifest& m = a.record;
  m.tool = tool;
  m.version = PARCOURS_VERSION;
  m.status = status;
  if (a.app != nullptr) m.options = options_of(*a.app);
  std::sort(m.parameters.object.begin(), m.parameters.object.end(),
            [](const auto& x, const auto& y) { return x.first < y.first; });
  if (m.counts.empty()) {
    // Totals over the inputs, in the order of their first appearance.
    for (const ManifestFile& in : m.inputs) {
      for (const auto& [name, n] : in.counts) {
        auto it = std::find_if(m.counts.begin(), m.counts.end(), [&key = name](const auto& c) { return c.first == key; });
        if (it == m.counts.end()) m.counts.emplace_back(name, n);
        else it->second += n;
      }
    }
  }
  if (a.broken) {
    say(tool, "an input or a file an option names could not be hashed; no manifest written");
    return kExitIo;
  }
  if (!a.manifest.empty()) {
    Output out;
    std::string err;
    if (!out.open(a.manifest, &err)) {
      say(tool, fmt::format("--manifest: {}: {}", a.manifest, err));
      return kExitIo;
    }
    out.write(manifest_json(m));
    if (!out.close(&err)) {
      say(tool, fmt::format("--manifest: {}: {}", a.manifest, err));
      return kExitIo;
    }
  }
  return a.replay.empty() ? status : check_replay(tool);
}

}  // namespace parcours
