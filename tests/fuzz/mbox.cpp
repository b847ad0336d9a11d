// Fuzzes `ingest -F mbox`: any bytes, no crash, and every record
// accepted is a valid canonical record (see fuzz.h).
#include "tests/fuzz/fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return parcours::fuzz::run_format("mbox", parcours::fuzz::mail_options(), parcours::fuzz::view(data, size));
}
