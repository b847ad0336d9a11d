// Fuzzes `ingest -F genesys`: any bytes, no crash, and every record
// accepted is a valid canonical record (see fuzz.h).
#include "tests/fuzz/fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const parcours::IngestOptions options = [] {
    parcours::IngestOptions o;
    o.tz = "UTC";
    return o;
  }();
  return parcours::fuzz::run_format("genesys", options, parcours::fuzz::view(data, size));
}
