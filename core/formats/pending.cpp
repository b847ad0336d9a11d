// Formats whose readers are not built yet: each reader file, when added,
// removes its factory from here.
#include "core/formats/format.h"

namespace parcours {

namespace {
std::unique_ptr<FormatReader> pending(std::string* err) {
  *err = "this format is not available in this build";
  return nullptr;
}
}  // namespace

std::unique_ptr<FormatReader> make_connect_ctr(const IngestOptions&, std::string* err) { return pending(err); }
std::unique_ptr<FormatReader> make_genesys(const IngestOptions&, std::string* err) { return pending(err); }
std::unique_ptr<FormatReader> make_zendesk(const IngestOptions&, std::string* err) { return pending(err); }

}  // namespace parcours
