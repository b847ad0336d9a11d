// The repairs every reader of delimited exports makes the same way, and
// notes the same way, so that one summary line counts them across formats.
#pragma once

#include <string>
#include <string_view>

#include "core/formats/format.h"
#include "core/time.h"
#include "core/tz.h"

namespace parcours {

// A local wall-clock time of a record, read before the record's other
// times are settled.
struct LocalTime {
  Micros utc = kNoTime;           // kNoTime when the record has no such time
  Micros after_change = kNoTime;  // a time in a daylight-saving gap read with the offset after the change; else utc
  bool in_gap() const { return after_change != utc; }
};

// `local`, a wall-clock time of `zone`, in UTC. An ambiguous time is read
// as its first occurrence, unless that would put an answer or end (`start`
// given) before the start while the second would not; noted. A time in a
// gap is read both ways, for settle_gaps to choose.
LocalTime local_time(Zone& zone, Micros local, Micros start, IngestSink& sink);

// Reads a local wall-clock time written as `YYYY-MM-DD HH:MM:SS[.f]` (field
// `what` of the export) and converts it as local_time does. False with
// *why set, ready for sink.reject, when it is not such a time.
bool read_local_time(Zone& zone, std::string_view text, std::string_view what, Micros start, LocalTime* out,
                     std::string* why, IngestSink& sink);

// Settles the times of one record in a daylight-saving gap, each absent one
// kNoTime: all read with the offset before the change, unless that puts
// them out of order (the answer or end before the start, the end before the
// answer) while the offset after the change would not — 02:30 on the night
// that jumps from 02:00 to 03:00, ending at 03:10: the clock was moved
// forward early. Each time in a gap is noted; `utc` of each is the result.
void settle_gaps(LocalTime* start, LocalTime* answer, LocalTime* end, IngestSink& sink);

// `s` as UTF-8: bytes that are not are read as Windows-1252, and noted.
std::string utf8_field(std::string_view s, IngestSink& sink);

}  // namespace parcours
