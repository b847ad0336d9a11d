// Readers of real exports: each turns one system's files into canonical
// records (SPEC §2-3). A reader reports every input record exactly once to
// its sink, as accepted, merged (a leg or re-delivery folded into another) or
// rejected, so `read = accepted + merged + rejected` holds by construction.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/canonical.h"

namespace parcours {

struct IngestOptions {
  std::string tz = "UTC";         // --tz: zone of times written without an offset
  int columns = 0;                // --columns: force the column count (asterisk-cdr), 0 = detect
  std::vector<std::string> ours;  // --ours: the agency's own mail domains (mbox, eml)
  std::string map_file;           // --map: column mapping (csv)
};

class IngestSink {
 public:
  virtual ~IngestSink() = default;
  // A record is ready; the sink applies the rules and writes it.
  virtual void accept(OutRecord&& r) = 0;
  // `n` input records were folded into another one (legs of one call,
  // re-deliveries of one contact).
  virtual void merge(int64_t n) = 0;
  // One input record cannot be used. `raw` is its text as read (kept by
  // --rejects), `line` the line it starts on, `reason` what is wrong and
  // what to do, as for any diagnostic.
  virtual void reject(int64_t line, std::string_view raw, std::string_view reason) = 0;
  // Something was repaired and kept (bytes that were not UTF-8, a local time
  // in a daylight-saving gap...): counted by `what` and reported at the end.
  virtual void note(std::string_view what) = 0;
};

class FormatReader {
 public:
  virtual ~FormatReader() = default;
  // Reads one input ("-" is standard input). `name` is how messages and
  // src.file call it. Returns false with *err set only when the input as a
  // whole cannot be read (I/O error); bad records go to sink.reject.
  virtual bool read(const std::string& path, const std::string& name, IngestSink& sink, std::string* err) = 0;
};

struct FormatInfo {
  std::string_view name;
  std::string_view summary;
  // Makes a reader for these options, or returns nullptr with *err set (a
  // bad --map file, an unknown --tz).
  std::unique_ptr<FormatReader> (*make)(const IngestOptions& options, std::string* err);
};

// Every format, by name.
const std::vector<FormatInfo>& formats();

// Reads a whole input into memory ("-" is standard input), for formats whose
// files are documents rather than streams (JSON pages, one .eml).
bool read_all(const std::string& path, std::string* out, std::string* err);

// The factories, one per reader file in core/formats/.
std::unique_ptr<FormatReader> make_asterisk_cdr(const IngestOptions&, std::string* err);
std::unique_ptr<FormatReader> make_freeswitch_cdr(const IngestOptions&, std::string* err);
std::unique_ptr<FormatReader> make_connect_ctr(const IngestOptions&, std::string* err);
std::unique_ptr<FormatReader> make_genesys(const IngestOptions&, std::string* err);
std::unique_ptr<FormatReader> make_zendesk(const IngestOptions&, std::string* err);
std::unique_ptr<FormatReader> make_mbox(const IngestOptions&, std::string* err);
std::unique_ptr<FormatReader> make_eml(const IngestOptions&, std::string* err);
std::unique_ptr<FormatReader> make_csv(const IngestOptions&, std::string* err);

}  // namespace parcours
