// The repairs every reader of delimited exports makes the same way, and
// notes the same way, so that one summary line counts them across formats.
#pragma once

#include <string>
#include <string_view>

#include "core/formats/format.h"
#include "core/time.h"
#include "core/tz.h"

namespace parcours {

// `local`, a wall-clock time of `zone`, in UTC. A time in a daylight-saving
// gap is read with the offset before the change; an ambiguous one as its
// first occurrence, unless that would put an answer or end (`start` given)
// before the start while the second would not. Each case is noted.
Micros local_to_utc(Zone& zone, Micros local, Micros start, IngestSink& sink);

// Reads a local wall-clock time written as `YYYY-MM-DD HH:MM:SS[.f]` (field
// `what` of the export) and converts it as local_to_utc does. False with
// *why set, ready for sink.reject, when it is not such a time.
bool read_local_time(Zone& zone, std::string_view text, std::string_view what, Micros start, Micros* out,
                     std::string* why, IngestSink& sink);

// `s` as UTF-8: bytes that are not are read as Windows-1252, and noted.
std::string utf8_field(std::string_view s, IngestSink& sink);

}  // namespace parcours
