// parcours link: every record as read, with its `customer` filled in.
//
// Linking needs every record before it can name anyone's customer, so the
// inputs are read twice: once to link, once to write. Regular files are
// simply reopened; standard input and pipes are first copied to an unlinked
// temporary file in $TMPDIR, so memory stays that of the other tools.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include <fmt/format.h>

#include "cmd/common.h"
#include "core/reader.h"
#include "core/input.h"
#include "core/record.h"

namespace parcours {

namespace {

struct LinkOptions {
  std::vector<std::string> files;
  LinkFlags link;
  std::string output;
  ReadOptions read;
};

// Copies `path` ("-": standard input) to an unlinked temporary file; returns
// its descriptor, or -1 with *err set.
int spool(const std::string& path, std::string* err) {
  const char* dir = std::getenv("TMPDIR");
  std::string name = fmt::format("{}/parcours-link.XXXXXX", dir != nullptr && *dir != '\0' ? dir : "/tmp");
  const int out = mkstemp(name.data());
  if (out < 0) {
    *err = fmt_errno(fmt::format("cannot create a temporary file in {}", name.substr(0, name.rfind('/'))), errno);
    return -1;
  }
  unlink(name.c_str());
  const int in = path == "-" ? 0 : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) {
    *err = fmt_errno("cannot open", errno);
    close(out);
    return -1;
  }
  std::vector<char> buf(1 << 20);
  for (;;) {
    const ssize_t n = ::read(in, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      *err = fmt_errno("read error", errno);
      break;
    }
    if (n == 0) break;
    for (ssize_t done = 0; done < n;) {
      const ssize_t w = ::write(out, buf.data() + done, static_cast<size_t>(n - done));
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) {
        *err = fmt_errno("cannot write the temporary copy", errno);
        break;
      }
      done += w;
    }
    if (!err->empty()) break;
  }
  if (in != 0) close(in);
  if (!err->empty()) {
    close(out);
    return -1;
  }
  return out;
}

// The line with its customer set: the value of an existing `customer` field
// replaced, or the field inserted where parcours-contact(5) orders it
// (before ids, direction, outcome, conversation, agent, queue, reason, src),
// else at the end. Everything else stays byte for byte as read.
void splice_customer(simdjson::ondemand::parser& parser, std::string_view line, std::string_view key,
                     std::string* out) {
  static constexpr std::string_view kAfter[] = {"ids",   "direction", "outcome", "conversation",
                                                "agent", "queue",     "reason",  "src"};
  std::string value;
  append_json_string(value, key);
  simdjson::ondemand::document doc;
  simdjson::ondemand::object obj;
  const char* insert_at = nullptr;
  std::string_view token;
  if (!parser.iterate(simdjson::padded_string_view(line.data(), line.size(), line.size() + simdjson::SIMDJSON_PADDING))
           .get(doc) &&
      !doc.get_object().get(obj)) {
    for (auto field : obj) {
      simdjson::ondemand::raw_json_string raw;
      std::string_view name;
      if (field.key().get(raw) || field.unescaped_key().get(name)) break;
      if (name == "customer") {
        if (field.value().raw_json_token().get(token)) token = {};
        break;
      }
      if (insert_at == nullptr && std::find(std::begin(kAfter), std::end(kAfter), name) != std::end(kAfter))
        insert_at = raw.raw() - 1;  // its opening quote
    }
  }
  out->clear();
  if (!token.empty()) {
    const size_t at = static_cast<size_t>(token.data() - line.data());
    out->append(line.substr(0, at)).append(value).append(line.substr(at + token.size()));
  } else if (insert_at != nullptr) {
    const size_t at = static_cast<size_t>(insert_at - line.data());
    out->append(line.substr(0, at)).append("\"customer\":").append(value).push_back(',');
    out->append(line.substr(at));
  } else {
    const size_t at = line.rfind('}');
    out->append(line.substr(0, at)).append(",\"customer\":").append(value).append(line.substr(at));
  }
  out->push_back('\n');
}

int run_link(const LinkOptions& o) {
  constexpr std::string_view kTool = "link";
  Dataset ds;
  if (const int status = configure_linker(kTool, o.link, &ds.linker); status != kExitOk) return status;
  ds.keep_record_customers = true;
  ds.threads = o.read.thread_count();

  // Standard input and anything else that cannot be read twice is spooled.
  std::vector<InputFile> files;
  std::vector<int> spooled;
  struct Closer {
    std::vector<int>& fds;
    ~Closer() {
      for (const int fd : fds) close(fd);
    }
  } closer{spooled};
  bool io_failed = false;
  for (const std::string& f : o.files.empty() ? std::vector<std::string>{"-"} : o.files) {
    struct stat st;
    if (f != "-" && (stat(f.c_str(), &st) != 0 || S_ISREG(st.st_mode) || S_ISDIR(st.st_mode))) {
      files.push_back({f, f});  // LineReader reports what is wrong with it
      continue;
    }
    std::string err;
    const int fd = spool(f, &err);
    if (fd < 0) {
      say(kTool, fmt::format("{}: {}", f, err));
      io_failed = true;
      continue;
    }
    spooled.push_back(fd);
    files.push_back({f, fmt::format("/dev/fd/{}", fd)});
  }

  int64_t read = 0, rejected = 0;
  bool stopped = false;
  const int status = read_records(kTool, files, o.read, [&](const RawContact& r) { ds.add(r); }, &read, &rejected,
                            &stopped, &ds);
  if (stopped) {
    say(kTool, fmt::format("stopping after {} rejected records (--max-errors); no output written", rejected));
    return kExitRejected;
  }
  if (io_failed || status == kExitIo) {
    say(kTool, "some inputs could not be read; no output written");
    return kExitIo;
  }
  ds.finish();

  int64_t unidentified = 0;
  for (const uint32_t c : ds.record_customers) unidentified += c == kNone;
  if (!o.read.quiet) {
    say(kTool, fmt::format("read {}, accepted {}, rejected {}, duplicates {}", read, ds.accepted, rejected,
                           ds.duplicates));
    print_link_summary(kTool, o.link, ds, ds.accepted, unidentified);
  }

  ComputeOptions out_opts;
  out_opts.output = o.output;
  bool failed = false;
  const int result = emit(kTool, out_opts, [&](Output& out) {
    RecordParser parser(RecordParser::Mode::kFirstError);
    simdjson::ondemand::parser splicer;
    RawContact rec;
    std::vector<FieldError> errors;
    std::string line_out, err;
    size_t next = 0;
    for (const InputFile& file : files) {
      LineReader reader;
      if (!reader.open(file.path, &err)) {
        say(kTool, fmt::format("{}: {}", file.label, err));
        failed = true;
        return;
      }
      Line line;
      while (reader.next(&line) && !out.reader_gone()) {
        if (line.text.find_first_not_of(" \t") == std::string_view::npos) continue;
        errors.clear();
        if (line.cut || !parser.parse(line.text, &rec, &errors)) continue;  // rejected in the first pass
        if (next >= ds.record_customers.size()) {
          say(kTool, fmt::format("{}: changed while it was read; run again", file.label));
          failed = true;
          return;
        }
        const uint32_t c = ds.record_customers[next++];
        if (c == kNone) {
          out.write(line.text);
          out.write("\n");
          continue;
        }
        splice_customer(splicer, line.text, ds.customers.view(c), &line_out);
        out.write(line_out);
      }
      if (!reader.error().empty()) {
        say(kTool, fmt::format("{}: {}", file.label, reader.error()));
        failed = true;
        return;
      }
    }
  }, status);
  return failed ? kExitIo : result;
}

}  // namespace

std::function<int()> setup_link(CLI::App& app) {
  auto o = std::make_shared<LinkOptions>();
  app.add_option("FILE", o->files, "canonical NDJSON inputs; none or - reads standard input");
  add_link_options(app, o->link);
  app.add_option("-o,--output", o->output, "write to FILE (atomically) instead of standard output");
  add_read_options(app, o->read);
  return [o] { return run_link(*o); };
}

}  // namespace parcours
