// Fuzzes mapping files (`ingest -F csv --map`). The input is a mapping, a
// line `%%`, then data: when the mapping parses, the csv reader runs it on
// the data, so that odd but valid mappings meet odd data.
#include "tests/fuzz/fuzz.h"
#include "core/formats/mapping.h"

using namespace parcours;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static fuzz::ScratchFile map("map");
  const std::vector<std::string_view> p = fuzz::parts(fuzz::view(data, size), 2);
  Mapping m;
  std::string err;
  if (!parse_mapping(p[0], "fuzz.map", &m, &err)) {
    fuzz::check(!err.empty(), "a bad mapping says why");
    return 0;
  }
  IngestOptions options;
  options.map_file = map.write(p[0]);
  if (fuzz::format_named("csv").make(options, &err) == nullptr) {
    // Only the zone is checked after the parse (it needs the database).
    fuzz::check(!err.empty(), "a refused mapping says why");
    return 0;
  }
  return fuzz::run_format("csv", options, p[1]);
}
