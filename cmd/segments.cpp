// parcours segments: customers by the channels they use, with their contacts
// and first-contact resolution.
#include "cmd/common.h"
#include "core/reports.h"

namespace parcours {

std::function<int()> setup_segments(CLI::App& app) {
  auto o = std::make_shared<ComputeOptions>();
  add_compute_options(app, *o, {"tsv", "csv", "json", "table"});
  return [o] {
    Loaded in;
    const int status = load("segments", *o, &in);
    if (!in.complete) return status;
    print_summary("segments", *o, in);
    Format f;
    parse_format(o->format, &f);
    const std::string text = render(segments_table(compute_segments(in.ds, in.params), f), f);
    return emit("segments", *o, [&](Output& out) { out.write(text); }, status);
  };
}

}  // namespace parcours
