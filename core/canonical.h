// Writing canonical records: what `ingest` produces from each export, and the
// one place that decides the field order and spelling of the NDJSON.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/record.h"
#include "core/time.h"

namespace parcours {

struct OutRecord {
  std::string id;
  Channel channel = Channel::phone;
  Micros start = kNoTime;
  Micros answered = kNoTime;
  Micros end = kNoTime;
  std::string service;   // empty: absent (the rules may fill it)
  std::string customer;  // empty: absent
  std::vector<std::pair<std::string, std::string>> ids;  // kind, value; empty values are not written
  Direction direction = Direction::in;
  Outcome outcome = Outcome::none;
  std::string conversation, agent, queue, reason;
  std::string src_file;
  int64_t src_line = 0;  // 0: no src written
  // Source fields offered to --rules by name (e.g. "queue", "dnis",
  // "subject", "menu", "doc_type"); never written to the output.
  std::vector<std::pair<std::string, std::string>> attrs;

  void set_id(std::string_view kind, std::string_view value) {
    if (!value.empty()) ids.emplace_back(kind, value);
  }
  void set_attr(std::string_view name, std::string_view value) { attrs.emplace_back(name, value); }
  // The value a rule on `field` matches: a canonical field or an attr.
  std::string_view field(std::string_view name) const;
};

// Appends one NDJSON line (with its '\n'), fields in the order of
// parcours-contact(5): id channel start answered end service customer ids
// direction outcome conversation agent queue reason src. Absent fields and
// the default direction "in" are left out. Strings are escaped; bytes that
// are not valid UTF-8 must have been repaired before (see to_utf8).
void append_ndjson(std::string& out, const OutRecord& r);

// Returns s as valid UTF-8: valid sequences are kept, each invalid byte is
// read as Windows-1252 (what raw bytes in phone switch exports and old mail
// usually are). *repaired is set when anything was changed.
std::string to_utf8(std::string_view s, bool* repaired = nullptr);

}  // namespace parcours
