#include "core/formats/repair.h"

#include <algorithm>

#include <fmt/format.h>

#include "core/canonical.h"

namespace parcours {

LocalTime local_time(Zone& zone, Micros local, Micros start, IngestSink& sink) {
  LocalKind kind;
  LocalTime t;
  t.utc = zone.to_utc(local, &kind, &t.after_change);
  if (kind == LocalKind::ambiguous) {
    // An answer or end that the first occurrence would put before the start
    // happened in the repeated hour's second pass.
    if (start != kNoTime && t.utc < start && t.after_change >= start) {
      t.utc = t.after_change;
      sink.note("ambiguous local times (second occurrence taken, as the first is before the start)");
    } else {
      sink.note("ambiguous local times (first occurrence taken)");
    }
  }
  if (kind != LocalKind::gap) t.after_change = t.utc;
  return t;
}

bool read_local_time(Zone& zone, std::string_view text, std::string_view what, Micros start, LocalTime* out,
                     std::string* why, IngestSink& sink) {
  Micros local;
  std::string err;
  if (!parse_local_time(text, &local, &err)) {
    *why = fmt::format("{}: {}; fix the time or remove the record", what, err);
    return false;
  }
  *out = local_time(zone, local, start, sink);
  return true;
}

namespace {

// Start, answer, end in order, absent ones (kNoTime) aside.
bool in_order(Micros start, Micros answer, Micros end) {
  const Micros t[3] = {start, answer, end};
  Micros last = kNoTime;
  for (const Micros x : t) {
    if (x == kNoTime) continue;
    if (last != kNoTime && x < last) return false;
    last = x;
  }
  return true;
}

}  // namespace

void settle_gaps(LocalTime* start, LocalTime* answer, LocalTime* end, IngestSink& sink) {
  LocalTime* const t[3] = {start, answer, end};
  if (!start->in_gap() && !answer->in_gap() && !end->in_gap()) return;
  const bool after = !in_order(start->utc, answer->utc, end->utc) &&
                     in_order(start->after_change, answer->after_change, end->after_change);
  for (LocalTime* x : t) {
    if (!x->in_gap()) continue;
    if (after) {
      x->utc = x->after_change;
      sink.note("local times in a daylight-saving gap (read with the offset after the change, as the one before puts "
                "the record's times out of order)");
    } else {
      sink.note("local times in a daylight-saving gap (read with the offset before the change)");
    }
  }
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
