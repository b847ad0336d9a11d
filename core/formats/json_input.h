// Shared by the readers of JSON exports (connect-ctr, genesys, zendesk):
// finding the records in a file, whatever shape the system or the person
// who saved it chose, and reading one record with simdjson On-Demand.
//
// A file may hold one record per line (NDJSON), a JSON array of records,
// objects written back to back with or without whitespace between them
// (Firehose writes `}{`), pretty-printed records, or API pages that wrap the
// records in a named member ({"tickets":[...]}), several pages in a row. The
// splitter only finds where each record begins and ends, so that one bad
// record is rejected alone, with its own line, and the others still count.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <simdjson.h>

#include "core/formats/format.h"

namespace parcours {

struct JsonRecord {
  std::string_view text;  // the record's JSON text as in the file
  int64_t line = 0;       // the line it starts on, from 1
};

// Calls `fn` on every record of `text`. An object that has one of `wrappers`
// as a member holding an array (or an object) is a page: the records are the
// elements of that member. Any other object is a record. Arrays hold records
// or pages. Text that is not JSON is rejected to `sink`: in a file of one
// record per line, that line alone; in a pretty-printed document, the rest
// of the file, naming the line and column where it goes wrong.
void split_json_records(std::string_view text, std::initializer_list<std::string_view> wrappers, IngestSink& sink,
                        const std::function<void(const JsonRecord&)>& fn);

// Opens records for reading. The views it hands out live until the next open.
class JsonRecordParser {
 public:
  // Parses `rec` into *obj. Bytes that are not UTF-8 are repaired (read as
  // Windows-1252) and noted. On failure rejects the record and returns false.
  bool open(const JsonRecord& rec, IngestSink& sink, simdjson::ondemand::object* obj);

 private:
  simdjson::ondemand::parser parser_;
  simdjson::ondemand::document doc_;
  std::string buf_;
};

// Reads a scalar as text: a string unescaped, a number exactly as written
// (ids stay strings: 6130907993114 must not go through a double), true or
// false; null and an empty string give "". Arrays and objects are an error.
simdjson::error_code scalar_text(simdjson::ondemand::value v, std::string_view* out);

// Walking a record. Each returns false with *reason set (naming `name`,
// the field's path) when the value has the wrong type or the JSON is bad.
// null is an absent object or array: no call, true.
using MemberFn = std::function<bool(std::string_view key, simdjson::ondemand::value v)>;
bool for_each_member(simdjson::ondemand::object obj, std::string_view name, std::string* reason, const MemberFn& fn);
bool for_each_member(simdjson::ondemand::value v, std::string_view name, std::string* reason, const MemberFn& fn);
bool for_each_element(simdjson::ondemand::value v, std::string_view name, std::string* reason,
                      const std::function<bool(simdjson::ondemand::value)>& fn);
// scalar_text, with the reason of json_error_reason.
bool get_text(simdjson::ondemand::value v, std::string_view name, std::string_view* out, std::string* reason);

// "not valid JSON (...)" or "... must be a string or a number, not an array"
// for an error of scalar_text on `field`.
std::string json_error_reason(std::string_view field, simdjson::error_code e);

// Parses a time that must carry an offset. An empty string is no time.
// Returns false with *reason set to a complete diagnostic naming `field`.
bool json_time(std::string_view field, std::string_view s, Micros* out, std::string* reason);

// The part after the last '/' of an ARN or URL-like id.
std::string_view arn_tail(std::string_view s);

// Keeps, of the records read from one file, one per key: the highest rank
// (ties: the last read). The others are counted as merged. Records are then
// accepted in the order of their lines.
class Deduplicator {
 public:
  void add(std::string key, Micros rank, OutRecord&& r, IngestSink& sink);
  void flush(IngestSink& sink);

 private:
  struct Entry {
    Micros rank;
    OutRecord record;
  };
  std::vector<Entry> entries_;
  std::unordered_map<std::string, size_t> index_;  // key to its entry
};

}  // namespace parcours
