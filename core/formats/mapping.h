// Mapping files for `ingest --format csv`: how the columns of one system's
// delimited export (a mail registry, a counter queue system, an IVR log...)
// become canonical fields. The file is line-oriented, `key = value`, so that
// the people who know the export can write and review it without us:
//
//   # Registre du courrier
//   delimiter = ;
//   tz = America/Toronto
//   time_format = %d/%m/%Y
//   id = No enregistrement
//   channel = "courrier"
//   start = Date reçue
//   direction = Sens
//   direction.map = Entrant -> in
//   ids.client = No de dossier
//   attr.doc_type = Type de document
//
// parcours-formats(5), section csv, is the reference; this header only
// describes the data structures.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/time.h"
#include "core/tz.h"

namespace parcours {

// How a time column is written.
struct TimeFormat {
  enum class Kind : uint8_t { rfc3339, pattern, epoch, epoch_ms };
  Kind kind = Kind::rfc3339;
  std::string pattern;      // strptime-like, for Kind::pattern
  bool has_clock = false;   // the pattern reads an hour; without one it is a date (00:00 local)
  bool has_offset = false;  // the pattern reads %z: the value names an instant, no zone needed
};

// Checks a `*format` value; on failure *err says what is wrong.
bool parse_time_format(std::string_view text, TimeFormat* out, std::string* err);

// A time read from a value: an instant (UTC) or a wall-clock reading still
// to be placed in a zone.
struct ParsedTime {
  Micros value = kNoTime;
  bool local = false;
};

// Reads `s` by `f`. On failure returns false with *err saying what is wrong.
bool read_time(const TimeFormat& f, std::string_view s, ParsedTime* out, std::string* err);

// Where a field's value comes from: a constant, or one or more columns
// (joined), each a header name, a 1-based number, or a pseudo-column.
struct Source {
  static constexpr int kLine = -1;  // @line: the line the record starts on
  static constexpr int kFile = -2;  // @file: the input's base name
  bool constant = false;
  std::string value;               // the constant
  std::vector<std::string> names;  // the columns as written in the map
  std::vector<int> columns;        // resolved: 0-based index, kLine or kFile
};

struct FieldMap {
  std::string field;  // id, channel, start, ..., ids.KIND, attr.NAME
  int64_t line = 0;   // where the map file sets it
  Source source;
  // `FROM -> TO` pairs, compared as written then ASCII case-insensitively;
  // `* -> TO` takes any other value.
  std::vector<std::pair<std::string, std::string>> values;
  bool has_default = false;
  std::string default_value;
  bool has_format = false;  // start, answered, end: a format of their own
  TimeFormat format;
  int64_t format_line = 0;
};

struct Mapping {
  std::string file;  // as named in diagnostics
  char delimiter = ',';
  bool header = true;
  int64_t skip = 0;     // records before the header (titles, export banners)
  int64_t columns = 0;  // without a header: the expected count, 0 = the first record's
  bool windows1252 = false;
  std::string tz;  // empty: --tz
  int64_t tz_line = 0;
  TimeFormat time_format;  // for start, answered and end without a format of their own
  int64_t time_format_line = 0;
  std::vector<FieldMap> fields;

  const FieldMap* find(std::string_view field) const;
};

// Parses a mapping file's text. `file` names it in messages. On failure
// returns false with *err set to `FILE:LINE: what is wrong; what to do`.
bool parse_mapping(std::string_view text, const std::string& file, Mapping* out, std::string* err);

// Resolves each source's column names against a header (UTF-8, trimmed).
// On failure *err names the map line and the missing column.
bool resolve_columns(Mapping* m, const std::vector<std::string>& header, std::string* err);

}  // namespace parcours
