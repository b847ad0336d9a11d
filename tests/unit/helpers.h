// Test helpers: build a Dataset from NDJSON text the way the tools do.
#pragma once

#include <sstream>
#include <string>
#include <vector>

#include <simdjson.h>

#include "core/dataset.h"
#include "core/record.h"

namespace parcours::test {

// The worked example of SPEC §6: one customer, five contacts of one service.
inline constexpr const char* kWorked =
    R"({"id":"1","channel":"web","start":"2026-03-01T09:00:00Z","service":"credit-impot","customer":"A"}
{"id":"2","channel":"phone","start":"2026-03-01T10:00:00Z","service":"credit-impot","customer":"A"}
{"id":"3","channel":"phone","start":"2026-03-09T10:00:00Z","service":"credit-impot","customer":"A"}
{"id":"4","channel":"email","start":"2026-03-20T08:00:00Z","service":"credit-impot","customer":"A"}
{"id":"5","channel":"phone","start":"2026-03-27T08:00:00Z","service":"credit-impot","customer":"A"}
)";

// c's id, as a string that outlives the room its view may lie in.
inline std::string id_of(const Dataset& ds, const Contact& c) {
  Dataset::IdRoom room;
  return std::string(ds.id(c, room));
}

// Parses every line of `ndjson`; returns the problems of rejected lines.
inline std::vector<FieldError> load(const std::string& ndjson, Dataset* ds, bool finish = true) {
  RecordParser parser(RecordParser::Mode::kFirstError);
  RawContact rec;
  std::vector<FieldError> all, errs;
  std::istringstream in(ndjson);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::string padded = line;
    padded.reserve(line.size() + simdjson::SIMDJSON_PADDING);
    errs.clear();
    if (parser.parse(std::string_view(padded.data(), line.size()), &rec, &errs)) ds->add(rec);
    else all.insert(all.end(), errs.begin(), errs.end());
  }
  if (finish) ds->finish();
  return all;
}

// Problems found in one line, in validate's mode.
inline std::vector<FieldError> problems(const std::string& line, RecordParser::Mode mode = RecordParser::Mode::kAllErrors) {
  RecordParser parser(mode);
  RawContact rec;
  std::vector<FieldError> errs;
  std::string padded = line;
  padded.reserve(line.size() + simdjson::SIMDJSON_PADDING);
  parser.parse(std::string_view(padded.data(), line.size()), &rec, &errs);
  return errs;
}

}  // namespace parcours::test
