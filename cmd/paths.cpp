// parcours paths: the most frequent episode paths (web>phone) per service.
#include "cmd/common.h"
#include "core/reports.h"

namespace parcours {

std::function<int()> setup_paths(CLI::App& app) {
  auto o = std::make_shared<ComputeOptions>();
  auto top = std::make_shared<int64_t>(10);
  add_compute_options(app, *o, {"tsv", "csv", "json", "table"});
  app.add_option("--top", *top, "paths shown per service, most frequent first (0: all)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  return [o, top] {
    Loaded in;
    const int status = load("paths", *o, &in);
    if (!in.complete) return status;
    print_summary("paths", *o, in);
    Format f;
    parse_format(o->format, &f);
    const std::string text = render(paths_table(compute_paths(in.ds, in.params, *top), f), f);
    return emit("paths", *o, [&](Output& out) { out.write(text); }, status);
  };
}

}  // namespace parcours
