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

// `s` as UTF-8: bytes that are not are read as Windows-1252, and noted.
std::string utf8_field(std::string_view s, IngestSink& sink);

}  // namespace parcours
