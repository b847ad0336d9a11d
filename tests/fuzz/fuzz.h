// What the libFuzzer harnesses share: cutting one input into parts, handing
// an input to readers that only read files, and checking what every reader
// promises (SPEC §2-3) on whatever it is fed.
//
// A harness reports a broken promise with check(), which aborts: libFuzzer
// keeps the input as a crash, the same as for a sanitizer report.
#pragma once

#include <fcntl.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>

#include "core/canonical.h"
#include "core/formats/format.h"
#include "core/record.h"

namespace parcours::fuzz {

inline void check(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "parcours fuzz: broken promise: %s\n", what);
  std::abort();
}

inline std::string_view view(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Cuts `s` at each line "%%": a harness that needs several texts (a mapping
// and its data, a crosswalk and a blocklist) takes them from one input, so
// that the fuzzer mutates them together.
inline std::vector<std::string_view> parts(std::string_view s, size_t max) {
  std::vector<std::string_view> out;
  while (out.size() + 1 < max) {
    const size_t at = s.find("\n%%\n");
    if (at == std::string_view::npos) break;
    out.push_back(s.substr(0, at + 1));
    s.remove_prefix(at + 4);
  }
  out.push_back(s);
  while (out.size() < max) out.emplace_back();
  return out;
}

// A file the harness rewrites on each run: the readers read paths.
class ScratchFile {
 public:
  explicit ScratchFile(const char* stem) {
    const char* dir = std::getenv("TMPDIR");
    path_ = std::string(dir != nullptr && *dir != '\0' ? dir : "/tmp") + "/parcours-fuzz-" + stem + "-XXXXXX";
    const int fd = mkstemp(path_.data());
    check(fd >= 0, "cannot create a scratch file");
    ::close(fd);
  }
  ~ScratchFile() { ::unlink(path_.c_str()); }
  const std::string& write(std::string_view text) {
    const int fd = ::open(path_.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
    check(fd >= 0, "cannot open the scratch file");
    size_t done = 0;
    while (done < text.size()) {
      const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
      check(n > 0, "cannot write the scratch file");
      done += static_cast<size_t>(n);
    }
    ::close(fd);
    return path_;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Parses one canonical line the way every tool does (with the padding
// simdjson needs after it).
inline bool parse_line(RecordParser& parser, std::string_view line, std::string* buf, RawContact* out,
                       std::vector<FieldError>* errors) {
  buf->assign(line);
  buf->append(simdjson::SIMDJSON_PADDING, '\0');
  return parser.parse(std::string_view(buf->data(), line.size()), out, errors);
}

// A sink that checks each record as it comes: what ingest accepts must be a
// canonical record that every other tool accepts, and every rejection must
// say why.
class CheckSink : public IngestSink {
 public:
  void accept(OutRecord&& r) override {
    ndjson_.clear();
    append_ndjson(ndjson_, r);
    check(!ndjson_.empty() && ndjson_.back() == '\n', "an NDJSON record ends with its line end");
    check(ndjson_.find('\n') == ndjson_.size() - 1, "an NDJSON record is one line");
    std::string_view line(ndjson_.data(), ndjson_.size() - 1);
    RawContact raw;
    errors_.clear();
    if (!parse_line(parser_, line, &buf_, &raw, &errors_)) {
      std::fprintf(stderr, "record: %.*s\nerror: %s: %s\n", static_cast<int>(line.size()), line.data(),
                   errors_.empty() ? "?" : errors_[0].field.c_str(), errors_.empty() ? "?" : errors_[0].message.c_str());
      check(false, "an accepted record is valid canonical NDJSON");
    }
    check(raw.id == r.id && raw.channel == r.channel && raw.start == r.start && raw.end == r.end &&
              raw.answered == r.answered,
          "an accepted record reads back as written");
    ++accepted;
  }
  void merge(int64_t n) override {
    check(n >= 0, "merge counts are not negative");
    merged += n;
  }
  void reject(int64_t line, std::string_view, std::string_view reason) override {
    check(line >= 0, "a rejected record has a line");
    check(!reason.empty(), "a rejection says why");
    ++rejected;
  }
  void note(std::string_view what) override { check(!what.empty(), "a note says what"); }

  int64_t accepted = 0, merged = 0, rejected = 0;

 private:
  RecordParser parser_{RecordParser::Mode::kAllErrors};
  std::string ndjson_, buf_;
  std::vector<FieldError> errors_;
};

inline const FormatInfo& format_named(std::string_view name) {
  for (const FormatInfo& f : formats())
    if (f.name == name) return f;
  check(false, "no such format");
  std::abort();
}

// The options of the mail readers (mbox, eml): mail from and to the
// agency's own domain decides the direction; dates without a zone are local.
inline const IngestOptions& mail_options() {
  static const IngestOptions options = [] {
    IngestOptions o;
    o.ours = {"exemple.gouv.qc.ca"};
    o.tz = "America/Montreal";
    return o;
  }();
  return options;
}

// Runs the reader of `format` on `data` written to a file.
inline int run_format(std::string_view format, const IngestOptions& options, std::string_view data) {
  static ScratchFile file("input");
  std::string err;
  std::unique_ptr<FormatReader> reader = format_named(format).make(options, &err);
  check(reader != nullptr, "the harness's options are valid");
  CheckSink sink;
  file.write(data);
  reader->read(file.path(), "fuzz-input", sink, &err);
  return 0;
}

}  // namespace parcours::fuzz
