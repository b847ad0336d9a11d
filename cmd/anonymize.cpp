// parcours anonymize: canonical records in, the same contacts out with every
// customer key and identifier replaced by its keyed pseudonym, and the free
// text dropped, so that an extract can be handed to an analyst.
//
// A pseudonym is the hex HMAC-SHA256, under the secret key, of what the
// linker names the thing: a known customer key as written (trimmed), an
// identifier as KIND:VALUE with its value normalised (phone numbers in
// E.164, email addresses lower-cased). So the customer keys are exactly
// those `link --hash-key` writes under the same key, and an identifier's
// pseudonym is the key `link --hash-key` derives from it.
//
// Records are written again by the canonical writer, never copied: a field
// this tool does not know (and so cannot judge) does not reach the output.
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "cmd/common.h"
#include "core/canonical.h"
#include "core/identity.h"

namespace parcours {

namespace {

// Free text, personal by nature (an agent's name, a reason typed by hand).
// `src` is always dropped: it names files of the source systems, which an
// analyst does not have, and the data holder finds a contact again by its id.
constexpr std::string_view kDroppable[] = {"agent", "reason"};

struct AnonymizeOptions {
  std::vector<std::string> files;
  std::string key_file;
  std::vector<std::string> keep;
  std::string region = "CA";
  std::string output;
  ReadOptions read;
};

// The key as configure_linker reads it for --hash-key: the file's bytes
// without the line ends at its end.
bool read_key(const std::string& path, std::string* key, std::string* err) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  if (in) text << in.rdbuf();
  if (!in || in.bad()) {
    *err = "cannot read the key file";
    return false;
  }
  *key = std::move(text).str();
  while (!key->empty() && (key->back() == '\n' || key->back() == '\r')) key->pop_back();
  if (key->empty()) {
    *err = "the key is empty; put a long random secret in it";
    return false;
  }
  return true;
}

class Anonymizer {
 public:
  Anonymizer(std::string_view key, const PhoneNormaliser& phones, const AnonymizeOptions& o)
      : key_(key), phones_(phones) {
    for (const std::string& k : o.keep) {
      keep_agent_ |= k == "agent";
      keep_reason_ |= k == "reason";
    }
  }

  // The record as written out: one NDJSON line in *line. The record's
  // strings keep their room from one record to the next.
  void rewrite(const RawContact& c, std::string* line) {
    OutRecord& r = out_;
    r.id.assign(c.id);
    r.channel = c.channel;
    r.start = c.start;
    r.answered = c.answered;
    r.end = c.end;
    r.service.assign(c.has_service ? c.service : std::string_view());
    r.customer.clear();
    if (c.has_customer) {
      const std::string_view k = trim_blanks(c.customer);
      if (!k.empty()) {
        key_.hex({&k, 1}, &r.customer);
        ++customers_;
      }
    }
    size_t n = 0;
    for (const auto& [kind, value] : c.ids) {
      if (normalise(kind, value, &scratch_)) {
        if (n == r.ids.size()) r.ids.emplace_back();
        auto& [out_kind, out_value] = r.ids[n++];
        out_kind.assign(kind);
        const std::string_view text[] = {kind, ":", scratch_};
        key_.hex(text, &out_value);
        ++identifiers_;
      } else {
        ++dropped_;
      }
    }
    r.ids.resize(n);
    r.direction = c.direction;
    r.outcome = c.outcome;
    r.conversation.assign(c.has_conversation ? c.conversation : std::string_view());
    r.queue.assign(c.queue);
    r.agent.assign(keep_agent_ ? c.agent : std::string_view());
    r.reason.assign(keep_reason_ ? c.reason : std::string_view());
    line->clear();
    append_ndjson(*line, r);
  }

  int64_t customers() const { return customers_; }
  int64_t identifiers() const { return identifiers_; }
  int64_t dropped() const { return dropped_; }

 private:
  // The value as the linker normalises it; false for values it drops
  // whatever the data (junk, phone numbers that are not): they identify no
  // one, and their pseudonym would make strangers share an identifier.
  bool normalise(std::string_view kind, std::string_view raw, std::string* out) const {
    const std::string_view v = trim_blanks(raw);
    if (kind == "phone" && !is_e164(v)) {
      if (is_junk(v) || !phones_.normalise(v, out)) return false;
    } else {
      out->assign(v);
      if (kind == "email")
        for (char& ch : *out)
          if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
    }
    return !is_junk(*out);
  }

  HmacSha256 key_;
  OutRecord out_;
  const PhoneNormaliser& phones_;
  bool keep_agent_ = false, keep_reason_ = false;
  int64_t customers_ = 0, identifiers_ = 0, dropped_ = 0;
  std::string scratch_;
};

int run_anonymize(const AnonymizeOptions& o) {
  constexpr std::string_view kTool = "anonymize";
  for (const std::string& k : o.keep) {
    if (std::find(std::begin(kDroppable), std::end(kDroppable), k) == std::end(kDroppable)) {
      say(kTool, fmt::format("--keep: '{}' is not a field this tool drops; it drops agent and reason (and always src)", k));
      return kExitUsage;
    }
  }
  PhoneNormaliser phones;
  if (!phones.set_region(o.region)) {
    say(kTool, fmt::format("--region: '{}' is not a region libphonenumber knows; give an ISO 3166 code (CA, FR)",
                           o.region));
    return kExitUsage;
  }
  std::string key, err;
  if (!read_key(o.key_file, &key, &err)) {
    say(kTool, fmt::format("--key-file: {}: {}", o.key_file, err));
    return kExitUsage;
  }
  // The key never goes into a manifest, only its file's SHA-256.
  audit_parameter("key_file", audit_file(o.key_file));
  audit_parameter("region", Json::of_string(o.region));
  Json keep = Json::new_array();
  for (const std::string_view f : kDroppable)
    if (std::find(o.keep.begin(), o.keep.end(), f) != o.keep.end()) keep.array.push_back(Json::of_string(f));
  audit_parameter("keep", std::move(keep));

  std::string path;
  if (!audit_output_path(kTool, o.output, true, &path)) return kExitIo;
  Output out;
  if (!out.open(path, &err)) {
    say(kTool, fmt::format("{}: {}", path, err));
    return kExitIo;
  }
  Anonymizer anonymizer(key, phones, o);
  std::vector<InputFile> files;
  for (const std::string& f : o.files) files.push_back({f, f});
  if (files.empty()) files.push_back({"-", "-"});
  int64_t read = 0, rejected = 0;
  bool stopped = false;
  std::string line;
  const int status = read_records(
      kTool, files, o.read,
      [&](const RawContact& r) {
        anonymizer.rewrite(r, &line);
        out.write(line);
      },
      &read, &rejected, &stopped);
  if (stopped) {
    say(kTool, fmt::format("stopping after {} rejected records (--max-errors); no output written", rejected));
    return kExitRejected;
  }
  if (status == kExitIo) {
    say(kTool, "some inputs could not be read; no output written");
    return kExitIo;
  }
  if (!out.close(&err)) {
    if (!out.reader_gone()) say(kTool, o.output.empty() ? err : fmt::format("{}: {}", o.output, err));
    return kExitIo;
  }
  if (!o.read.quiet) {
    say(kTool, fmt::format("read {}, accepted {}, rejected {}", read, read - rejected, rejected));
    say(kTool, fmt::format("pseudonymised customer keys {}, identifiers {}; dropped identifiers {} (junk, or not a "
                           "phone number in region {})",
                           anonymizer.customers(), anonymizer.identifiers(), anonymizer.dropped(), o.region));
  }
  if (const int s = audit_output(kTool, o.output, path); s != kExitOk) return s;
  return audit_finish(kTool, status);
}

}  // namespace

std::function<int()> setup_anonymize(CLI::App& app) {
  auto o = std::make_shared<AnonymizeOptions>();
  app.add_option("FILE", o->files, "canonical NDJSON inputs; none or - reads standard input");
  app.add_option("--key-file", o->key_file, "the secret key of the pseudonyms (as for link --hash-key)")->required();
  app.add_option("--keep", o->keep, "keep FIELD (agent or reason) instead of dropping it; repeat it")
      ->allow_extra_args(false);
  app.add_option("--region", o->region, "default region of phone numbers not written in E.164 (ISO 3166)")
      ->capture_default_str();
  app.add_option("-o,--output", o->output, "write to FILE (atomically) instead of standard output");
  add_read_options(app, o->read);
  add_audit_options(app);
  return [o] { return run_anonymize(*o); };
}

}  // namespace parcours
