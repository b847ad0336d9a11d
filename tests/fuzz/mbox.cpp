// Fuzzes `ingest -F mbox`: any bytes, no crash, and every record
// accepted is a valid canonical record (see fuzz.h).
#include "tests/fuzz/fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const parcours::IngestOptions options = [] {
    parcours::IngestOptions o;
    // Mail from and to the agency's own domain decides the direction.
    o.ours = {"exemple.gouv.qc.ca"};
    o.tz = "America/Montreal";
    return o;
  }();
  return parcours::fuzz::run_format("mbox", options, parcours::fuzz::view(data, size));
}
