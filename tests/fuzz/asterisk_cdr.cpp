// Fuzzes `ingest -F asterisk-cdr`: any bytes, no crash, and every record
// accepted is a valid canonical record (see fuzz.h).
#include "tests/fuzz/fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const parcours::IngestOptions options = [] {
    parcours::IngestOptions o;
    // Local times in a zone with daylight-saving changes: gaps and overlaps.
    o.tz = "America/Toronto";
    return o;
  }();
  return parcours::fuzz::run_format("asterisk-cdr", options, parcours::fuzz::view(data, size));
}
