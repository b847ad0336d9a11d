// Fuzzes `ingest -F csv` with one fixed mapping that uses most of what a
// mapping can say (times with a pattern and a zone, value maps, a default,
// identifiers, attributes): the data varies, the mapping does not
// (mapping.cpp fuzzes the mapping files themselves).
#include "tests/fuzz/fuzz.h"

namespace {

constexpr std::string_view kMap = R"(# fixed mapping of the csv harness
delimiter = ,
header = yes
tz = America/Toronto
time_format = %Y-%m-%d %H:%M:%S
id = ID
channel = Canal
channel.map = * -> rvi
start = Debut
answered = Reponse
answered.format = %d/%m/%Y %H:%M
end = Fin
end.format = epoch
ids.phone = Appelant
ids.phone.map = Anonyme ->
ids.client = Dossier
direction = Sens
direction.map = Entrant -> in
direction.map = Sortant -> out
outcome = Sortie
outcome.map = Complet -> resolved
outcome.map = Raccroche -> abandoned
outcome.map = * -> unknown
conversation = ID + Dossier
queue = 7
agent = @file
reason = @line
attr.menu = Menu
)";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static parcours::fuzz::ScratchFile map("map");
  static const parcours::IngestOptions options = [] {
    parcours::IngestOptions o;
    o.map_file = map.write(kMap);
    return o;
  }();
  return parcours::fuzz::run_format("csv", options, parcours::fuzz::view(data, size));
}
