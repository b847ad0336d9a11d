#include "core/formats/repair.h"

#include <algorithm>

#include <fmt/format.h>

#include "core/canonical.h"

namespace parcours {

Micros local_to_utc(Zone& zone, Micros local, Micros start, IngestSink& sink) {
  LocalKind kind;
  Micros later;
  Micros utc = zone.to_utc(local, &kind, &later);
  if (kind == LocalKind::gap) {
    sink.note("local times in a daylight-saving gap (read with the offset before the change)");
  } else if (kind == LocalKind::ambiguous) {
    // An answer or end that the first occurrence would put before the start
    // happened in the repeated hour's second pass.
    if (start != kNoTime && utc < start && later >= start) {
      utc = later;
      sink.note("ambiguous local times (second occurrence taken, as the first is before the start)");
    } else {
      sink.note("ambiguous local times (first occurrence taken)");
    }
  }
  return utc;
}

bool read_local_time(Zone& zone, std::string_view text, std::string_view what, Micros start, Micros* out,
                     std::string* why, IngestSink& sink) {
  Micros local;
  std::string err;
  if (!parse_local_time(text, &local, &err)) {
    *why = fmt::format("{}: {}; fix the time or remove the record", what, err);
    return false;
  }
  *out = local_to_utc(zone, local, start, sink);
  return true;
}

std::string utf8_field(std::string_view s, IngestSink& sink) {
  if (std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; }))
    return std::string(s);
  bool repaired = false;
  std::string out = to_utf8(s, &repaired);
  if (repaired) sink.note("fields not in UTF-8 (read as Windows-1252)");
  return out;
}

}  // namespace parcours
